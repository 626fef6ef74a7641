//! Font collections (.ttc, .otc: several faces in one file, such as Noto
//! CJK, whose first face is the Japanese one, or simsun.ttc with 宋体 and
//! 新宋体): the faces a file holds, the one a template chooses
//! (`"NotoSerifCJK-Bold.ttc#NotoSerifCJKsc-Bold"` or `"simsun.ttc#0"`), and
//! that face copied out as a font file of its own, so that layout and every
//! back end read it as they read any other face.
//!
//! A collection is never read as its first face by default: a template
//! that names one without choosing a face is an error listing its faces.

/// The marker a collection's file starts with (OpenType, "Font Collections").
const TTC_TAG: &[u8; 4] = b"ttcf";

/// Whether `data` is a font collection.
pub fn is_collection(data: &[u8]) -> bool {
    data.starts_with(TTC_TAG)
}

/// A template's name of a face: the file and, after the last `#`, which
/// face of a collection (`"NotoSerifCJK-Bold.ttc#NotoSerifCJKsc-Bold"` →
/// `("NotoSerifCJK-Bold.ttc", Some("NotoSerifCJKsc-Bold"))`).
pub fn split(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('#') {
        Some((file, face)) if !file.is_empty() => (file, Some(face)),
        _ => (name, None),
    }
}

/// The names of one face, as its `name` table gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaceNames {
    /// Its index in the file (0 for a file of one face).
    pub index: u32,
    /// Its PostScript name (name ID 6), the usual way to choose it.
    pub postscript: Option<String>,
    /// Its full names (name ID 4), every language the face has, English first.
    pub full: Vec<String>,
    /// Its family names (name IDs 16 and 1), every language, English first.
    pub family: Vec<String>,
    /// Its style (name ID 17 or 2), in English when it has one.
    pub style: Option<String>,
}

impl FaceNames {
    /// The names of `face`, at `index` of its file.
    pub fn of(face: &ttf_parser::Face<'_>, index: u32) -> FaceNames {
        use ttf_parser::name_id;
        let all = |ids: &[u16]| -> Vec<String> {
            let mut found: Vec<(bool, String)> = Vec::new();
            for n in face.names() {
                if !ids.contains(&n.name_id) {
                    continue;
                }
                let text = n.to_string().or_else(|| {
                    // A Macintosh-platform record is single-byte (ASCII here).
                    n.name
                        .is_ascii()
                        .then(|| String::from_utf8_lossy(n.name).into_owned())
                });
                if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
                    if !found.iter().any(|(_, f)| *f == t) {
                        // English (US) records first, then the others in order.
                        found.push((n.language_id != 0x0409 && n.language_id != 0, t));
                    }
                }
            }
            found.sort_by_key(|(other, _)| *other);
            found.into_iter().map(|(_, t)| t).collect()
        };
        let mut family = all(&[name_id::TYPOGRAPHIC_FAMILY]);
        for f in all(&[name_id::FAMILY]) {
            if !family.contains(&f) {
                family.push(f);
            }
        }
        FaceNames {
            index,
            postscript: all(&[name_id::POST_SCRIPT_NAME]).into_iter().next(),
            full: all(&[name_id::FULL_NAME]),
            family,
            style: all(&[name_id::TYPOGRAPHIC_SUBFAMILY, name_id::SUBFAMILY])
                .into_iter()
                .next(),
        }
    }

    /// The name to write after `#` to choose this face: its PostScript name,
    /// else its index.
    pub fn selector(&self) -> String {
        self.postscript
            .clone()
            .unwrap_or_else(|| self.index.to_string())
    }

    /// Whether `selector` names this face: its index, or (ignoring case) its
    /// PostScript name or one of its full names.
    pub fn answers_to(&self, selector: &str) -> bool {
        let s = selector.trim();
        if let Ok(i) = s.parse::<u32>() {
            return i == self.index;
        }
        self.postscript
            .iter()
            .chain(&self.full)
            .any(|n| n.eq_ignore_ascii_case(s))
    }

    /// A short description for messages: `2 NotoSerifCJKsc-Bold（Noto Serif CJK SC Bold）`.
    pub fn describe(&self) -> String {
        let full = self
            .full
            .first()
            .map(|f| format!("（{f}）"))
            .unwrap_or_default();
        match &self.postscript {
            Some(ps) => format!("{} {ps}{full}", self.index),
            None => format!("{}{full}", self.index),
        }
    }
}

/// The faces of a font file (one for a plain font file), or the reason it
/// cannot be read as fonts.
pub fn faces(data: &[u8]) -> Result<Vec<FaceNames>, String> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count)
        .map(|i| {
            ttf_parser::Face::parse(data, i)
                .map(|f| FaceNames::of(&f, i))
                .map_err(|e| format!("第 {i} 个字体无法解析：{e}"))
        })
        .collect()
}

/// The index of the face `selector` chooses in the file `data` (whose name
/// in messages is `file`). A collection needs a choice; a plain file is
/// its one face, and a choice must name it. The message of an error lists
/// the faces and how to choose one.
pub fn choose(data: &[u8], file: &str, selector: Option<&str>) -> Result<u32, String> {
    let faces = faces(data)?;
    let collection = is_collection(data);
    let list = || {
        faces
            .iter()
            .map(FaceNames::describe)
            .collect::<Vec<_>>()
            .join("；")
    };
    let example = |f: &FaceNames| format!("\"{file}#{}\"", f.selector());
    // The example names a Simplified Chinese face when the names tell one.
    let chinese = faces
        .iter()
        .find(|f| {
            f.postscript
                .iter()
                .chain(&f.family)
                .any(|n| n.contains("sc") || n.contains("SC") || n.contains("简"))
        })
        .or(faces.last());
    match selector {
        None if !collection => Ok(0),
        None => Err(format!(
            "这是字体集（.ttc），含 {} 个字体：{}。请在模板中写明用哪一个，如 {}（# 后写字体名或序号）；jianbao 不会默认用第一个，它常常不是中文字体",
            faces.len(),
            list(),
            chinese.map(example).unwrap_or_default()
        )),
        Some(s) => match faces.iter().find(|f| f.answers_to(s)) {
            Some(f) => Ok(f.index),
            None if collection => Err(format!(
                "字体集中没有“{s}”：它含 {} 个字体：{}。# 后写其中一个的名称或序号，如 {}",
                faces.len(),
                list(),
                chinese.map(example).unwrap_or_default()
            )),
            None => Err(format!(
                "这个文件只有一个字体（{}），不是字体集：去掉 #{s}",
                list()
            )),
        },
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The OpenType checksum of `data` (big-endian u32 words, zero-padded).
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Face `index` of the collection `data` as a font file of its own: its
/// tables (a signature, which would no longer hold, left out) under a new
/// table directory, with their checksums and the head table's whole-file
/// adjustment computed again. `None` when the collection is malformed.
pub fn extract(data: &[u8], index: u32) -> Option<Vec<u8>> {
    if !is_collection(data) || index >= u32_at(data, 8)? {
        return None;
    }
    let at = u32_at(data, 12 + 4 * index as usize)? as usize;
    let version = u32_at(data, at)?;
    let count = usize::from(u16_at(data, at + 4)?);
    let mut tables: Vec<([u8; 4], &[u8])> = Vec::with_capacity(count);
    for i in 0..count {
        let rec = at + 12 + 16 * i;
        let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
        let offset = u32_at(data, rec + 8)? as usize;
        let length = u32_at(data, rec + 12)? as usize;
        if &tag == b"DSIG" {
            continue;
        }
        tables.push((tag, data.get(offset..offset.checked_add(length)?)?));
    }
    tables.sort_by_key(|(tag, _)| *tag);
    let n = tables.len() as u16;
    // searchRange etc. of the table directory (OpenType, "Table Directory").
    let entry_selector = 15 - n.max(1).leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::with_capacity(
        12 + 16 * tables.len() + tables.iter().map(|t| t.1.len() + 3).sum::<usize>(),
    );
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&(n * 16).saturating_sub(search_range).to_be_bytes());
    let directory = out.len();
    out.resize(directory + 16 * tables.len(), 0);
    let mut head_at = None;
    for (i, (tag, body)) in tables.iter().enumerate() {
        let offset = out.len();
        out.extend_from_slice(body);
        if tag == b"head" && body.len() >= 12 {
            // checkSumAdjustment is 0 while checksums are computed.
            out[offset + 8..offset + 12].fill(0);
            head_at = Some(offset);
        }
        let sum = checksum(&out[offset..]);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        let rec = directory + 16 * i;
        out[rec..rec + 4].copy_from_slice(tag);
        out[rec + 4..rec + 8].copy_from_slice(&sum.to_be_bytes());
        out[rec + 8..rec + 12].copy_from_slice(&(offset as u32).to_be_bytes());
        out[rec + 12..rec + 16].copy_from_slice(&(body.len() as u32).to_be_bytes());
    }
    if let Some(h) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/fonts/NotoSerifCJK-Bold-test.ttc"),
        )
        .unwrap()
    }

    #[test]
    fn names_split_at_the_last_hash() {
        assert_eq!(split("a.ttc#b"), ("a.ttc", Some("b")));
        assert_eq!(split("a#b.ttc#2"), ("a#b.ttc", Some("2")));
        assert_eq!(split("a.otf"), ("a.otf", None));
        assert_eq!(split("#x"), ("#x", None));
    }

    #[test]
    fn a_collection_needs_a_choice_that_names_one_of_its_faces() {
        let data = fixture();
        let faces = faces(&data).unwrap();
        assert_eq!(faces.len(), 2);
        assert_eq!(faces[0].postscript.as_deref(), Some("NotoSerifCJKjp-Bold"));
        assert_eq!(faces[1].postscript.as_deref(), Some("NotoSerifCJKsc-Bold"));
        let e = choose(&data, "t.ttc", None).unwrap_err();
        assert!(
            e.contains("NotoSerifCJKjp-Bold") && e.contains("NotoSerifCJKsc-Bold"),
            "{e}"
        );
        assert!(e.contains("\"t.ttc#NotoSerifCJKsc-Bold\""), "{e}");
        assert_eq!(choose(&data, "t.ttc", Some("NotoSerifCJKsc-Bold")), Ok(1));
        assert_eq!(choose(&data, "t.ttc", Some("notoserifcjksc-bold")), Ok(1));
        assert_eq!(
            choose(&data, "t.ttc", Some("Noto Serif CJK SC Bold")),
            Ok(1)
        );
        assert_eq!(choose(&data, "t.ttc", Some("0")), Ok(0));
        let e = choose(&data, "t.ttc", Some("NotoSerifCJKtc-Bold")).unwrap_err();
        assert!(e.contains("没有“NotoSerifCJKtc-Bold”"), "{e}");
        assert!(choose(&data, "t.ttc", Some("2")).is_err());
    }

    #[test]
    fn an_extracted_face_is_that_face_and_a_valid_font() {
        let data = fixture();
        let face = extract(&data, 1).unwrap();
        assert!(!is_collection(&face));
        let parsed = ttf_parser::Face::parse(&face, 0).unwrap();
        assert_eq!(
            FaceNames::of(&parsed, 0).postscript.as_deref(),
            Some("NotoSerifCJKsc-Bold")
        );
        // The glyph of 骨 is the Chinese face's, not the Japanese one's.
        let original = ttf_parser::Face::parse(&data, 1).unwrap();
        let jp = ttf_parser::Face::parse(&data, 0).unwrap();
        let outline = |f: &ttf_parser::Face<'_>| {
            let g = f.glyph_index('骨').unwrap();
            f.glyph_bounding_box(g)
        };
        assert_eq!(outline(&parsed), outline(&original));
        assert_ne!(outline(&parsed), outline(&jp));
        // Every table's checksum holds, and the whole file sums to the magic number.
        let n = usize::from(u16_at(&face, 4).unwrap());
        for i in 0..n {
            let rec = 12 + 16 * i;
            let (sum, off, len) = (
                u32_at(&face, rec + 4).unwrap(),
                u32_at(&face, rec + 8).unwrap() as usize,
                u32_at(&face, rec + 12).unwrap() as usize,
            );
            assert_eq!(off % 4, 0);
            let mut body = face[off..off + len].to_vec();
            if &face[rec..rec + 4] == b"head" {
                body[8..12].fill(0);
            }
            assert_eq!(checksum(&body), sum);
        }
        assert_eq!(checksum(&face), 0xB1B0_AFBA);
        assert!(extract(&data, 2).is_none());
        assert!(extract(&face, 0).is_none(), "not a collection");
    }
}
