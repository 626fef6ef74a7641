//! Subsetting a TrueType font program (OpenType `glyf` outlines) to the
//! glyphs a layout uses: what a PDF embeds as FontFile2 for a CIDFontType2
//! shown through CIDToGIDMap Identity. The tables kept are those ISO 32000-1
//! §9.9 (table 126) lists for such a program: head, hhea, loca, maxp, cvt,
//! prep, glyf, hmtx, fpgm; no cmap, which the PDF's Identity map replaces.
//!
//! Glyph 0 stays first and the used glyphs follow in the order given, so
//! that glyph `i + 1` of the subset is `gids[i]`; the components of
//! composite glyphs come after them, and the composites' references are
//! renumbered. A file this does not understand gives `None`, and the
//! caller subsets it another way.

use std::collections::BTreeMap;

use super::sfnt::{be16, be32};

/// The tables of a single TrueType face (not a collection, not CFF).
fn tables(data: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    if !matches!(be32(data, 0)?, 0x0001_0000 | 0x7472_7565) {
        return None;
    }
    super::sfnt::tables(data)
}

// Composite glyph flags (OpenType `glyf`, composite glyph description).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// The places (byte offsets in `glyph`) of a composite glyph's component
/// glyph ids; empty for a simple glyph.
fn components(glyph: &[u8]) -> Option<Vec<usize>> {
    if glyph.is_empty() || be16(glyph, 0)? as i16 >= 0 {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut at = 10;
    loop {
        let flags = be16(glyph, at)?;
        be16(glyph, at + 2)?;
        out.push(at + 2);
        at += 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        at += if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            return Some(out);
        }
    }
}

/// The sum of `data` as big-endian 32-bit words, zero-padded (the table
/// checksum of the OpenType table directory).
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Subset the TrueType file `font` to glyph 0 and `gids` (in that order).
pub fn subset(font: &[u8], gids: &[u16]) -> Option<Vec<u8>> {
    let t = tables(font)?;
    let head = *t.get(b"head")?;
    let hhea = *t.get(b"hhea")?;
    let maxp = *t.get(b"maxp")?;
    let hmtx = *t.get(b"hmtx")?;
    let loca = *t.get(b"loca")?;
    let glyf = *t.get(b"glyf")?;
    let n_glyphs = usize::from(be16(maxp, 4)?);
    let long_loca = be16(head, 50)? == 1;
    let n_metrics = usize::from(be16(hhea, 34)?).clamp(1, n_glyphs.max(1));
    let glyph = |g: usize| -> Option<&[u8]> {
        let (a, b) = if long_loca {
            (be32(loca, 4 * g)? as usize, be32(loca, 4 * g + 4)? as usize)
        } else {
            (
                usize::from(be16(loca, 2 * g)?) * 2,
                usize::from(be16(loca, 2 * g + 2)?) * 2,
            )
        };
        glyf.get(a..b)
    };

    // The glyphs kept: 0, the used ones, then the components they need.
    let mut keep: Vec<usize> = vec![0];
    keep.extend(gids.iter().map(|&g| usize::from(g)).filter(|&g| g != 0));
    let mut new_id: BTreeMap<usize, u16> = BTreeMap::new();
    for (i, &g) in keep.iter().enumerate() {
        if g >= n_glyphs || new_id.insert(g, i as u16).is_some() {
            return None;
        }
    }
    let mut k = 0;
    while k < keep.len() {
        let data = glyph(keep[k])?;
        for at in components(data)? {
            let c = usize::from(be16(data, at)?);
            if c >= n_glyphs {
                return None;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = new_id.entry(c) {
                e.insert(u16::try_from(keep.len()).ok()?);
                keep.push(c);
            }
        }
        k += 1;
    }
    let n = keep.len();

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (n + 1));
    let mut new_hmtx = Vec::with_capacity(4 * n);
    for &g in &keep {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let data = glyph(g)?;
        let start = new_glyf.len();
        new_glyf.extend_from_slice(data);
        for at in components(data)? {
            let c = usize::from(be16(data, at)?);
            let id = new_id.get(&c)?;
            new_glyf[start + at..start + at + 2].copy_from_slice(&id.to_be_bytes());
        }
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
        let m = g.min(n_metrics - 1);
        let advance = be16(hmtx, 4 * m)?;
        let lsb = if g < n_metrics {
            be16(hmtx, 4 * g + 2)?
        } else {
            be16(hmtx, 4 * n_metrics + 2 * (g - n_metrics))?
        };
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1u16.to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea
        .get_mut(34..36)?
        .copy_from_slice(&(n as u16).to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp
        .get_mut(4..6)?
        .copy_from_slice(&(n as u16).to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", new_hmtx),
        (*b"loca", new_loca),
        (*b"maxp", new_maxp),
    ];
    for tag in [b"cvt ", b"fpgm", b"prep"] {
        if let Some(d) = t.get(tag) {
            out_tables.push((*tag, d.to_vec()));
        }
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Some(write_sfnt(&out_tables))
}

/// An sfnt file of `tables` (sorted by tag), with the directory's
/// checksums and head's checkSumAdjustment.
fn write_sfnt(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let count = tables.len() as u16;
    let mut power = 1u16;
    let mut log = 0u16;
    while power * 2 <= count {
        power *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [count, power * 16, log, count * 16 - power * 16] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_faces_subset_to_the_same_outlines_and_advances() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        // é, ü and Å are composite glyphs in Liberation Serif.
        for (name, text) in [
            ("LiberationSerif-Regular.ttf", "Aé2024ü Å%.-"),
            ("LiberationSerif-Bold.ttf", "PM2.5 μg/m³"),
            ("FallbackKai-Light.ttf", "昇旸"),
        ] {
            let file = std::fs::read(root.join(name)).unwrap();
            let face = ttf_parser::Face::parse(&file, 0).unwrap();
            let mut gids: Vec<u16> = text
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .map(|g| g.0)
                .collect();
            gids.sort_unstable();
            gids.dedup();
            let sub = subset(&file, &gids).unwrap_or_else(|| panic!("{name}: not subset"));
            assert!(
                sub.len() < file.len() / 4,
                "{name}: {} of {}",
                sub.len(),
                file.len()
            );
            assert_eq!(checksum(&sub), 0xB1B0_AFBA, "{name}: checkSumAdjustment");
            let ours = ttf_parser::Face::parse(&sub, 0).unwrap();
            assert!(ours.number_of_glyphs() as usize > gids.len(), "{name}");
            for (i, &g) in gids.iter().enumerate() {
                let (old, new) = (ttf_parser::GlyphId(g), ttf_parser::GlyphId(i as u16 + 1));
                assert_eq!(
                    face.glyph_hor_advance(old),
                    ours.glyph_hor_advance(new),
                    "{name}: {g}"
                );
                assert_eq!(
                    face.glyph_hor_side_bearing(old),
                    ours.glyph_hor_side_bearing(new),
                    "{name}: {g}"
                );
                let a = face.outline_glyph(old, &mut super::super::NoOutline);
                assert_eq!(
                    a,
                    ours.outline_glyph(new, &mut super::super::NoOutline),
                    "{name}: glyph {g}"
                );
                assert!(
                    a.is_some() || face.glyph_index(' ') == Some(old),
                    "{name}: {g}"
                );
            }
        }
    }

    #[test]
    fn composite_glyphs_bring_their_components_renumbered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let file = std::fs::read(root.join("LiberationSerif-Regular.ttf")).unwrap();
        let face = ttf_parser::Face::parse(&file, 0).unwrap();
        let e = face.glyph_index('é').unwrap().0;
        let t = tables(&file).unwrap();
        let sub = subset(&file, &[e]).unwrap();
        let st = tables(&sub).unwrap();
        // é is composite: the subset holds .notdef, é and its components.
        let loca = st[b"loca"];
        let n = loca.len() / 4 - 1;
        assert!(n >= 3, "{n} glyphs");
        let glyf = st[b"glyf"];
        let at = be32(loca, 4).unwrap() as usize;
        let end = be32(loca, 8).unwrap() as usize;
        let places = components(&glyf[at..end]).unwrap();
        assert!(!places.is_empty());
        for p in places {
            let c = be16(&glyf[at..end], p).unwrap();
            assert!((2..n as u16).contains(&c), "component {c} of {n}");
        }
        assert!(t.contains_key(b"cmap") && !st.contains_key(b"cmap"));
        assert!(subset(&file, &[u16::MAX]).is_none());
        assert!(subset(b"not a font", &[1]).is_none());
    }
}
