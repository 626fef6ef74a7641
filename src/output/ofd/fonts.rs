//! The fonts of the OFD package: every face the layout uses, subset to its
//! glyphs (GB/T 33190-2016 §11.1: CT_Font with an embedded FontFile), named
//! as offices name the faces they stand for, and the map from the layout's
//! glyph ids to the subset's.

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Result};
use crate::fonts::{FaceId, FontFile, FontSet};
use crate::layout::Layout;

use super::Ids;

/// How an office names the face a font file stands for, so that a reader
/// that looks fonts up by name (rather than reading the embedded file) still
/// finds a match. One row per face of the repository's `fonts/`; other files
/// are named by their own family name ([`OfficeName::of`]).
///
/// | file | FontName | FamilyName | bold | serif | stands for |
/// |---|---|---|---|---|---|
/// | NotoSerifCJKsc-Bold.subset.otf | 方正小标宋简体 | 方正小标宋简体 | no | yes | 小标宋: name, titles (GB/T 9704-2012 §7.2.4, §7.3.1) |
/// | FandolFang-Regular.otf | 仿宋_GB2312 | 仿宋_GB2312 | no | yes | 仿宋: body text (GB/T 9704-2012 §5.2.2, §7.3.3) |
/// | NotoSansCJKsc-Medium.subset.otf | 黑体 | 黑体 | no | no | 黑体: headings, marking |
/// | FandolKai-Regular.otf | 楷体_GB2312 | 楷体_GB2312 | no | yes | 楷体: guide, issue line, issuer |
/// | FallbackKai-Light.ttf | 楷体 | 楷体 | no | yes | the fallback for characters beyond GB 2312 (a Kai design; 楷体 covers GBK) |
/// | FandolSong-Regular.otf | 宋体 | 宋体 | no | yes | 宋体: page numbers, dashes |
/// | LiberationSerif-Regular.ttf | Times New Roman | Times New Roman | no | yes | Latin letters and digits (metric-compatible) |
/// | LiberationSerif-Bold.ttf | Times New Roman Bold | Times New Roman | yes | yes | bold Latin letters and digits |
///
/// 小标宋 and 黑体 are heavy designs of regular weight, so their stand-ins are
/// not marked bold (a reader substituting the named face would embolden it).
pub const OFFICE_NAMES: &[(&str, OfficeName)] = &[
    (
        "NotoSerifCJKsc-Bold.subset.otf",
        OfficeName::new("方正小标宋简体", "方正小标宋简体", false, true),
    ),
    (
        "FandolFang-Regular.otf",
        OfficeName::new("仿宋_GB2312", "仿宋_GB2312", false, true),
    ),
    (
        "NotoSansCJKsc-Medium.subset.otf",
        OfficeName::new("黑体", "黑体", false, false),
    ),
    (
        "FandolKai-Regular.otf",
        OfficeName::new("楷体_GB2312", "楷体_GB2312", false, true),
    ),
    (
        "FallbackKai-Light.ttf",
        OfficeName::new("楷体", "楷体", false, true),
    ),
    (
        "FandolSong-Regular.otf",
        OfficeName::new("宋体", "宋体", false, true),
    ),
    (
        "LiberationSerif-Regular.ttf",
        OfficeName::new("Times New Roman", "Times New Roman", false, true),
    ),
    (
        "LiberationSerif-Bold.ttf",
        OfficeName::new("Times New Roman Bold", "Times New Roman", true, true),
    ),
];

/// The names and style flags a Font element carries (CT_Font of Res.xsd, §11.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeName {
    /// FontName.
    pub font_name: std::borrow::Cow<'static, str>,
    /// FamilyName.
    pub family_name: std::borrow::Cow<'static, str>,
    /// Bold.
    pub bold: bool,
    /// Serif.
    pub serif: bool,
}

impl OfficeName {
    const fn new(font: &'static str, family: &'static str, bold: bool, serif: bool) -> Self {
        OfficeName {
            font_name: std::borrow::Cow::Borrowed(font),
            family_name: std::borrow::Cow::Borrowed(family),
            bold,
            serif,
        }
    }

    /// The name of the face in `file` (a file name of [`OFFICE_NAMES`]), else
    /// the face's own full and family names from its name table, else the file
    /// name.
    pub fn of(file_name: &str, face: Option<&ttf_parser::Face<'_>>) -> OfficeName {
        if let Some((_, n)) = OFFICE_NAMES.iter().find(|(f, _)| *f == file_name) {
            return n.clone();
        }
        let name = |ids: &[u16]| -> Option<String> {
            let names = face?.names();
            ids.iter().find_map(|&id| {
                let mut found: Vec<(bool, String)> = names
                    .into_iter()
                    .filter(|n| n.name_id == id && n.is_unicode())
                    .filter_map(|n| Some((n.language_id != 0x0409, n.to_string()?)))
                    .filter(|(_, s)| !s.trim().is_empty())
                    .collect();
                // English (United States) first, as font menus list it.
                found.sort();
                found.into_iter().next().map(|(_, s)| s)
            })
        };
        let stem = file_name
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(file_name)
            .to_string();
        let family = name(&[
            ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
            ttf_parser::name_id::FAMILY,
        ])
        .unwrap_or_else(|| stem.clone());
        let full = name(&[ttf_parser::name_id::FULL_NAME]).unwrap_or_else(|| family.clone());
        OfficeName {
            font_name: full.into(),
            family_name: family.into(),
            bold: face.is_some_and(|f| f.is_bold()),
            serif: false,
        }
    }
}

/// A face embedded in the package.
#[derive(Debug)]
pub struct Embedded {
    /// The Font element's ID.
    pub id: u32,
    /// The face in the layout.
    pub face: FaceId,
    /// The file's name inside the resource folder (`font_3.otf`).
    pub file_name: String,
    /// The subset font file.
    pub bytes: Vec<u8>,
    /// Names and flags of the Font element.
    pub name: OfficeName,
    /// Original glyph id → glyph id in the subset.
    pub gids: BTreeMap<u16, u16>,
    /// What the subset's cmap maps each character of the layout's text to.
    cmap: HashMap<char, u16>,
    /// The face's bounding box of all glyphs, in em: x min, y min, x max, y max
    /// (y upwards, as in the font).
    pub bbox: [f32; 4],
}

impl Embedded {
    /// The subset's glyph for the layout's glyph `gid`.
    pub fn glyph(&self, gid: u16) -> u16 {
        self.gids.get(&gid).copied().unwrap_or(0)
    }

    /// Whether a reader that maps `text` through the subset's cmap draws the
    /// subset's glyph `glyph`: only for a single character the cmap maps to
    /// exactly that glyph.
    pub fn cmap_draws(&self, text: &str, glyph: u16) -> bool {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => self.cmap.get(&c) == Some(&glyph),
            _ => false,
        }
    }
}

/// Subset every face the layout uses, in face order, each with the next ID of
/// `ids`.
pub(super) fn embed(layout: &Layout, fonts: &FontSet, ids: &mut Ids) -> Result<Vec<Embedded>> {
    let used = layout.used_glyphs();
    // The characters each face draws, to check the subsets' cmaps against.
    let mut chars: BTreeMap<FaceId, Vec<char>> = BTreeMap::new();
    for (_, line) in layout.lines() {
        for run in &line.runs {
            let list = chars.entry(run.face).or_default();
            list.extend(run.glyphs.iter().flat_map(|g| g.text.chars()));
        }
    }
    let mut out: Vec<Embedded> = Vec::new();
    for (face, gids) in used {
        let file = fonts.file(face);
        let bytes = crate::fonts::subset_standalone(file, &gids)?;
        let sub = parse(file, &bytes)?;
        let mut cmap = HashMap::new();
        for &c in chars.get(&face).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(g) = sub.glyph_index(c) {
                cmap.insert(c, g.0);
            }
        }
        let orig = parse(file, &file.data)?;
        let upm = f32::from(orig.units_per_em()).max(1.0);
        let b = orig.global_bounding_box();
        let bbox = [
            f32::from(b.x_min) / upm,
            f32::from(b.y_min) / upm,
            f32::from(b.x_max) / upm,
            f32::from(b.y_max) / upm,
        ];
        let mut name = OfficeName::of(&file.name, Some(&orig));
        // FontName must tell the package's fonts apart (readers cache by it).
        if out.iter().any(|e| e.name.font_name == name.font_name) {
            name.font_name = format!("{} ({})", name.font_name, file.name).into();
        }
        let ext = if bytes.starts_with(b"OTTO") {
            "otf"
        } else {
            "ttf"
        };
        let id = ids.take();
        // Glyph 0 stays 0; the used glyphs follow in order (fonts::subset).
        let map = gids
            .iter()
            .enumerate()
            .map(|(i, &g)| (g, i as u16 + 1))
            .collect();
        out.push(Embedded {
            id,
            face,
            file_name: format!("font_{id}.{ext}"),
            bytes,
            name,
            gids: map,
            cmap,
            bbox,
        });
    }
    Ok(out)
}

fn parse<'a>(file: &FontFile, data: &'a [u8]) -> Result<ttf_parser::Face<'a>> {
    ttf_parser::Face::parse(data, 0).map_err(|e| Error::Font {
        file: file.path.clone(),
        message: format!("无法嵌入 OFD：{e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_names_are_distinct_and_cover_the_repository_fonts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let mut names: Vec<&str> = OFFICE_NAMES.iter().map(|(_, n)| &*n.font_name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OFFICE_NAMES.len(), "FontNames are distinct");
        for (file, _) in OFFICE_NAMES {
            assert!(dir.join(file).is_file(), "{file} is in fonts/");
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".otf") || name.ends_with(".ttf") {
                assert!(
                    OFFICE_NAMES.iter().any(|(f, _)| *f == name),
                    "{name} has an office name"
                );
            }
        }
        assert_eq!(
            OfficeName::of("FandolFang-Regular.otf", None).font_name,
            "仿宋_GB2312"
        );
    }

    #[test]
    fn other_files_are_named_by_their_family() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/LiberationSerif-Bold.ttf");
        let data = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let n = OfficeName::of("copy.ttf", Some(&face));
        assert_eq!(n.family_name, "Liberation Serif");
        assert_eq!(n.font_name, "Liberation Serif Bold");
        assert!(n.bold);
        let n = OfficeName::of("x.otf", None);
        assert_eq!((&*n.font_name, &*n.family_name), ("x", "x"));
    }
}
