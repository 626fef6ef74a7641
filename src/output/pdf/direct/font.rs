//! The fonts of the direct writer: for each face a layout uses, the codes its
//! glyphs are shown with and the widths a reader advances by (the face's
//! [`Plan`], made before anything is subset, so that the pages can be written
//! while the faces are), and what its embedding is made of: the subset
//! program, the descriptor's numbers, /W and the ToUnicode map.
//!
//! A composite font per face (ISO 32000-1 §9.7): Type0 with Identity-H, so a
//! shown code is two bytes. CFF faces are CIDFontType0; a CID-keyed CFF is
//! embedded as its bare `CFF ` table (FontFile3, CIDFontType0C) and its codes
//! are the charset's CIDs (§9.7.4.2); a name-keyed CFF is embedded as the
//! whole OpenType file (FontFile3, OpenType) and shown by glyph id. TrueType
//! faces are CIDFontType2 (FontFile2, CIDToGIDMap Identity), shown by the
//! subset's glyph id.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{cff, sfnt, ttf};
use crate::error::{Error, Result};
use crate::fonts::FontFile;

/// The width of a glyph not listed in /W (ISO 32000-1 §9.7.4.3, DW): the
/// full em of a CJK character, which most listed glyphs are.
pub const DEFAULT_WIDTH: f32 = 1000.0;

/// How a face's glyphs are embedded and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CID-keyed CFF: bare `CFF ` table, codes are CIDs.
    CidCff,
    /// Name-keyed CFF: the OpenType file, codes are glyph ids of the subset.
    NameCff,
    /// TrueType outlines: codes are glyph ids of the subset.
    TrueType,
}

/// What the pages need of a face, and what its embedding is made from:
/// known from the face itself, before it is subset.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The resource name and subset tag (`JBAAAA`).
    pub tag: String,
    /// How it is embedded.
    pub kind: Kind,
    /// The used glyphs, sorted (glyph 0 not included): the subset's glyph
    /// `i + 1` is `gids[i]`.
    pub gids: Vec<u16>,
    /// Original glyph id → (code shown, width in 1/1000 em as written in /W).
    pub glyphs: BTreeMap<u16, (u16, f32)>,
    /// Code → the text the glyph stands for (first seen), for ToUnicode.
    pub text: BTreeMap<u16, String>,
    /// The face's PostScript name (without the subset tag).
    pub ps_name: String,
    /// Descriptor metrics, in 1/1000 em.
    pub metrics: Metrics,
}

/// The font descriptor's numbers (ISO 32000-1 §9.8.1), in 1/1000 em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Ascender (hhea).
    pub ascent: i64,
    /// Descender (hhea), negative.
    pub descent: i64,
    /// Height of capitals (OS/2), or the ascent when the face has none.
    pub cap_height: i64,
    /// Slant in degrees, counter-clockwise (post).
    pub italic_angle: i64,
    /// Vertical stem, estimated from the weight class.
    pub stem_v: i64,
    /// The face's bounding box (head).
    pub bbox: [i64; 4],
}

/// Descriptor flag: the face uses the standard Latin character set
/// (ISO 32000-1 §9.8.2, table 123, bit 6).
const FLAG_NONSYMBOLIC: i64 = 1 << 5;
/// Descriptor flag: italic (bit 7).
const FLAG_ITALIC: i64 = 1 << 6;

/// Round to thousandths of a unit: what the writer writes, so that what it
/// computes with is what a reader reads.
pub fn milli(v: f32) -> f32 {
    ((f64::from(v) * 1000.0).round() / 1000.0) as f32
}

fn font_error(file: &FontFile, message: String) -> Error {
    Error::Font {
        file: file.path.clone(),
        message,
    }
}

/// Plan the embedding of `file` for `gids` (sorted, without glyph 0), shown
/// with the texts of `texts` (glyph id → text).
pub fn plan(
    file: &FontFile,
    tag: String,
    gids: Vec<u16>,
    texts: &BTreeMap<u16, String>,
) -> Result<Plan> {
    let face = ttf_parser::Face::parse(&file.data, 0)
        .map_err(|e| font_error(file, format!("无法解析：{e}")))?;
    let cff = face.tables().cff;
    let kind = match &cff {
        Some(t) if t.glyph_cid(ttf_parser::GlyphId(0)).is_some() => Kind::CidCff,
        Some(_) => Kind::NameCff,
        None => Kind::TrueType,
    };
    let upm = f32::from(face.units_per_em().max(1));
    let scale = 1000.0 / upm;
    let mut glyphs = BTreeMap::new();
    let mut text = BTreeMap::new();
    for (i, &gid) in gids.iter().enumerate() {
        let code = match (&cff, kind) {
            (Some(t), Kind::CidCff) => t
                .glyph_cid(ttf_parser::GlyphId(gid))
                .ok_or_else(|| font_error(file, format!("字形 {gid} 没有 CID，无法嵌入")))?,
            _ => i as u16 + 1,
        };
        let advance = face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .map_or(0.0, f32::from);
        glyphs.insert(gid, (code, milli(advance * scale)));
        if let Some(t) = texts.get(&gid) {
            text.entry(code).or_insert_with(|| t.clone());
        }
    }
    let s = |v: i16| (f32::from(v) * scale).round() as i64;
    let hhea_ascent = s(face.ascender());
    let italic_angle = face.italic_angle().round() as i64;
    let weight = face.weight().to_number();
    let bbox = face.global_bounding_box();
    let ps_name = face
        .names()
        .into_iter()
        .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .and_then(|n| {
            n.to_string().or_else(|| {
                // A Macintosh-platform record is single-byte ASCII.
                n.name
                    .is_ascii()
                    .then(|| String::from_utf8_lossy(n.name).into_owned())
            })
        })
        .map(|n| ps_name_chars(&n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            ps_name_chars(file.name.rsplit_once('.').map_or(&file.name[..], |p| p.0))
        });
    let metrics = Metrics {
        ascent: hhea_ascent,
        descent: s(face.descender()),
        cap_height: face.capital_height().map_or(hhea_ascent, s),
        italic_angle,
        // The convention of PDF producers: about 88 at weight 400, 166 at 700.
        stem_v: if weight == 0 {
            80
        } else {
            50 + (f32::from(weight) / 65.0).powi(2).round() as i64
        },
        bbox: [s(bbox.x_min), s(bbox.y_min), s(bbox.x_max), s(bbox.y_max)],
    };
    Ok(Plan {
        tag,
        kind,
        gids,
        glyphs,
        text,
        ps_name,
        metrics,
    })
}

/// The characters a PDF name may carry unescaped that a PostScript name
/// allows (printable ASCII without delimiters, spaces and `#`).
fn ps_name_chars(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .take(63)
        .collect()
}

impl Plan {
    /// The name on /BaseFont and /FontName: the subset tag, `+`, the
    /// PostScript name (ISO 32000-1 §9.6.4).
    pub fn base_font(&self) -> String {
        format!("{}+{}", self.tag, self.ps_name)
    }

    /// The descriptor's /Flags.
    pub fn flags(&self) -> i64 {
        FLAG_NONSYMBOLIC
            | if self.metrics.italic_angle != 0 {
                FLAG_ITALIC
            } else {
                0
            }
    }

    /// The /W array's content: runs of consecutive codes, `c [w1 w2 …]`,
    /// leaving out glyphs of the default width.
    pub fn widths(&self) -> Vec<(u16, Vec<f32>)> {
        let mut by_code: Vec<(u16, f32)> = self.glyphs.values().copied().collect();
        by_code.sort_by_key(|(c, _)| *c);
        by_code.dedup_by_key(|(c, _)| *c);
        let mut out: Vec<(u16, Vec<f32>)> = Vec::new();
        for (code, w) in by_code {
            if w == DEFAULT_WIDTH {
                continue;
            }
            match out.last_mut() {
                Some((first, ws)) if usize::from(*first) + ws.len() == usize::from(code) => {
                    ws.push(w)
                }
                _ => out.push((code, vec![w])),
            }
        }
        out
    }

    /// The ToUnicode CMap (ISO 32000-1 §9.10.3): each code to the UTF-16BE
    /// of its text, in blocks of at most 100 (the limit of a bfchar block).
    pub fn to_unicode(&self) -> Vec<u8> {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(&u16, &String)> =
            self.text.iter().filter(|(_, t)| !t.is_empty()).collect();
        for block in entries.chunks(100) {
            let _ = writeln!(s, "{} beginbfchar", block.len());
            for (code, text) in block {
                let _ = write!(s, "<{code:04X}> <");
                for u in text.encode_utf16() {
                    let _ = write!(s, "{u:04X}");
                }
                s.push_str(">\n");
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s.into_bytes()
    }

    /// The font program to embed, subset to [`Plan::gids`]: for a
    /// CID-keyed face its bare `CFF ` table, whose charset must give the
    /// planned codes; for a TrueType face a TrueType file; for a name-keyed
    /// CFF face an OpenType file. CID-keyed CFF and TrueType programs are
    /// subset here (`cff.rs`, `ttf.rs`), or by allsorts when those do not
    /// understand the program.
    pub fn program(&self, file: &FontFile) -> Result<Vec<u8>> {
        match self.kind {
            Kind::NameCff => return crate::fonts::subset(file, &self.gids),
            Kind::TrueType => {
                return match ttf::subset(&file.data, &self.gids) {
                    Some(p) => Ok(p),
                    None => crate::fonts::subset_program(file, &self.gids),
                }
            }
            Kind::CidCff => {}
        }
        let fail = |what: &str| font_error(file, format!("无法嵌入子集：{what}"));
        let program =
            match sfnt::table(&file.data, *b"CFF ").and_then(|t| cff::subset(t, &self.gids)) {
                Some(p) => p,
                None => crate::fonts::subset_program(file, &self.gids)?,
            };
        let table =
            ttf_parser::cff::Table::parse(&program).ok_or_else(|| fail("CFF 表无法解析"))?;
        for (i, gid) in self.gids.iter().enumerate() {
            let planned = self.glyphs.get(gid).map(|g| g.0);
            let got = table.glyph_cid(ttf_parser::GlyphId(i as u16 + 1));
            if planned != got {
                return Err(fail("子集的 CID 与原字体不符"));
            }
        }
        Ok(program)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(glyphs: &[(u16, u16, f32)], texts: &[(u16, &str)]) -> Plan {
        Plan {
            tag: "JBAAAA".into(),
            kind: Kind::CidCff,
            gids: glyphs.iter().map(|g| g.0).collect(),
            glyphs: glyphs.iter().map(|&(g, c, w)| (g, (c, w))).collect(),
            text: texts.iter().map(|&(c, t)| (c, t.to_string())).collect(),
            ps_name: "Face-Regular".into(),
            metrics: Metrics {
                ascent: 880,
                descent: -120,
                cap_height: 700,
                italic_angle: 0,
                stem_v: 88,
                bbox: [0, -120, 1000, 880],
            },
        }
    }

    #[test]
    fn widths_group_consecutive_codes_and_leave_out_the_default() {
        let p = plan_of(
            &[(7, 3, 500.0), (9, 4, 250.5), (2, 5, 1000.0), (4, 9, 600.0)],
            &[],
        );
        assert_eq!(p.widths(), vec![(3, vec![500.0, 250.5]), (9, vec![600.0])]);
    }

    #[test]
    fn to_unicode_maps_codes_to_utf16_in_blocks_of_100() {
        let p = plan_of(&[], &[(0x0cb0, "简"), (0x0001, "𠀀"), (0x0002, "")]);
        let cmap = String::from_utf8(p.to_unicode()).unwrap();
        assert!(cmap.contains("2 beginbfchar\n<0001> <D840DC00>\n<0CB0> <7B80>\nendbfchar"));
        let many: Vec<(u16, String)> = (0..250u16).map(|c| (c, "字".to_string())).collect();
        let mut p = plan_of(&[], &[]);
        p.text = many.into_iter().collect();
        let cmap = String::from_utf8(p.to_unicode()).unwrap();
        assert_eq!(cmap.matches("100 beginbfchar").count(), 2);
        assert_eq!(cmap.matches("50 beginbfchar").count(), 1);
    }

    #[test]
    fn base_font_carries_the_tag_and_names_are_cleaned() {
        assert_eq!(plan_of(&[], &[]).base_font(), "JBAAAA+Face-Regular");
        assert_eq!(ps_name_chars("Fandol Fang/(R)"), "FandolFangR");
    }
}
