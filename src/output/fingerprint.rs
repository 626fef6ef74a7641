//! The archive's fingerprint of a layout: a hash of a canonical text of
//! every item, kept apart from [`Layout::dump`] so that the dump (a tool
//! for tests and people) can grow without changing the fingerprint of any
//! filed copy.
//!
//! Version 1 is the text `Layout::dump()` wrote when the fingerprint was
//! split from it, frozen here byte for byte: the page size, the faces, each
//! line with its tag, grid line, justification, baseline, box and text, each
//! run with its face, size, scale, colour, first x and glyphs' text, the
//! rules, the frames and the bookmarks, coordinates to 0.01 pt. A fingerprint
//! that should see more (glyph ids, every glyph's x) is a new version beside
//! this one; a copy keeps the version it was filed with.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::layout::{Bookmark, Item, Layout, Tag};

/// The version new fingerprints are made with.
pub const CURRENT: u32 = 1;

/// A layout's fingerprint: which canonical text, and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The version of the canonical text.
    pub version: u32,
    /// SHA-256 (hex) of the text.
    pub sha256: String,
}

/// The fingerprint of `layout` in the current version.
pub fn fingerprint(layout: &Layout) -> Fingerprint {
    let mut h = Hashing(Sha256::new());
    // Writing into a hash cannot fail.
    let _ = version_1(&mut h, layout);
    Fingerprint {
        version: CURRENT,
        sha256: crate::template::hex(&h.0.finalize()),
    }
}

/// The fingerprint of `layout` in `version`, when this program can make it.
pub fn fingerprint_of(version: u32, layout: &Layout) -> Option<Fingerprint> {
    (version == 1).then(|| fingerprint(layout))
}

/// A text sink that hashes what is written.
struct Hashing(Sha256);

impl fmt::Write for Hashing {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The names of the line tags in version 1.
fn tag_1(tag: Tag) -> &'static str {
    match tag {
        Tag::Marking => "marking",
        Tag::CopyNumber => "copy-number",
        Tag::Note => "note",
        Tag::Name => "name",
        Tag::IssueLine => "issue",
        Tag::Issuer => "issuer",
        Tag::GuideLabel => "guide-label",
        Tag::GuideItem => "guide-item",
        Tag::Title => "title",
        Tag::Section => "section",
        Tag::ItemHeading => "item-heading",
        Tag::Paragraph => "paragraph",
        Tag::Footer => "footer",
        Tag::PageNumber => "page-number",
    }
}

/// The canonical text of version 1 (do not change: filed copies hold its hash).
fn version_1(out: &mut impl fmt::Write, layout: &Layout) -> fmt::Result {
    writeln!(
        out,
        "layout {:.2}x{:.2}pt, {} pages, title {:?}",
        layout.page_width,
        layout.page_height,
        layout.pages.len(),
        layout.info.title
    )?;
    for (i, f) in layout.faces.iter().enumerate() {
        writeln!(out, "face {i} {f}")?;
    }
    for (i, page) in layout.pages.iter().enumerate() {
        let number = page
            .number
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "page {} number {number} type-left {:.2}",
            i + 1,
            page.type_left
        )?;
        for item in &page.items {
            match item {
                Item::Line(l) => {
                    let grid = l
                        .grid_line
                        .map(|g| format!("g{g:02}"))
                        .unwrap_or_else(|| "g--".into());
                    let flags = format!(
                        "{}{}{}",
                        if l.justified {
                            format!("J{:.2}", l.spread)
                        } else {
                            "-".into()
                        },
                        if l.last { "L" } else { "-" },
                        if l.hanging { "H" } else { "-" }
                    );
                    writeln!(
                        out,
                        "  line {:<12} {grid} {flags} y={:.2} box={:.2}..{:.2} {}",
                        tag_1(l.tag),
                        l.baseline,
                        l.span.0,
                        l.span.1,
                        l.text()
                    )?;
                    for r in &l.runs {
                        writeln!(
                            out,
                            "    run face {} {:.2}pt scale {:.3} color {:.2},{:.2},{:.2} x={:.2} {} glyphs {}",
                            r.face.0,
                            r.size,
                            r.hscale,
                            r.color.0,
                            r.color.1,
                            r.color.2,
                            r.glyphs.first().map(|g| g.x).unwrap_or(0.0),
                            r.glyphs.len(),
                            r.glyphs.iter().map(|g| g.text.as_str()).collect::<String>()
                        )?;
                    }
                }
                Item::Rule(r) => {
                    writeln!(
                        out,
                        "  rule x={:.2}..{:.2} y={:.2} thickness {:.2} color {:.2},{:.2},{:.2}",
                        r.x0, r.x1, r.y, r.thickness, r.color.0, r.color.1, r.color.2
                    )?;
                }
                Item::Frame(f) => {
                    writeln!(
                        out,
                        "  frame x={:.2} y={:.2} w={:.2} h={:.2} thickness {:.2}",
                        f.x, f.y, f.width, f.height, f.thickness
                    )?;
                }
            }
        }
    }
    fn outline(out: &mut impl fmt::Write, b: &[Bookmark], depth: usize) -> fmt::Result {
        for bm in b {
            writeln!(
                out,
                "{}bookmark page {} y={:.2} {}",
                "  ".repeat(depth),
                bm.page + 1,
                bm.y,
                bm.title
            )?;
            outline(out, &bm.children, depth + 1)?;
        }
        Ok(())
    }
    outline(out, &layout.outline, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::*;

    /// A small layout with one item of every kind.
    fn sample() -> Layout {
        let glyph = |x: f32, text: &str| Glyph {
            gid: 7,
            x,
            width: 16.0,
            advance: 16.0,
            text: text.into(),
        };
        let created = chrono::DateTime::parse_from_rfc3339("2024-05-10T00:00:00+08:00").unwrap();
        Layout {
            page_width: 595.276,
            page_height: 841.89,
            faces: vec!["FandolFang-Regular.otf".into()],
            info: DocInfo {
                title: "某县工作动态 第1期".into(),
                author: "某县".into(),
                subject: String::new(),
                keywords: String::new(),
                creator: "jianbao".into(),
                created,
            },
            outline: vec![Bookmark {
                title: "标题".into(),
                page: 0,
                y: 100.0,
                children: vec![Bookmark {
                    title: "子".into(),
                    page: 0,
                    y: 120.5,
                    children: vec![],
                }],
            }],
            pages: vec![Page {
                number: Some(1),
                type_left: 79.37,
                items: vec![
                    Item::Line(TextLine {
                        tag: Tag::Paragraph,
                        baseline: 200.124,
                        grid_line: Some(3),
                        justified: true,
                        spread: 0.5,
                        last: false,
                        hanging: true,
                        span: (79.37, 521.57),
                        runs: vec![GlyphRun {
                            face: FaceId(0),
                            size: 16.0,
                            hscale: 1.0,
                            color: Rgb(0.0, 0.0, 0.0),
                            glyphs: vec![glyph(79.37, "简"), glyph(95.37, "报")],
                        }],
                        source: Some("$.body[0].paragraphs[0]".into()),
                    }),
                    Item::Rule(Rule {
                        x0: 79.37,
                        x1: 521.57,
                        y: 300.0,
                        thickness: 1.0,
                        color: Rgb(1.0, 0.0, 0.0),
                    }),
                    Item::Frame(Frame {
                        x: 79.37,
                        y: 310.0,
                        width: 442.2,
                        height: 50.0,
                        thickness: 0.75,
                        color: Rgb(0.0, 0.0, 0.0),
                    }),
                ],
            }],
        }
    }

    #[test]
    fn version_1_is_frozen() {
        let mut text = String::new();
        version_1(&mut text, &sample()).unwrap();
        assert_eq!(
            text,
            "layout 595.28x841.89pt, 1 pages, title \"某县工作动态 第1期\"\n\
             face 0 FandolFang-Regular.otf\n\
             page 1 number 1 type-left 79.37\n  \
             line paragraph    g03 J0.50-H y=200.12 box=79.37..521.57 简报\n    \
             run face 0 16.00pt scale 1.000 color 0.00,0.00,0.00 x=79.37 2 glyphs 简报\n  \
             rule x=79.37..521.57 y=300.00 thickness 1.00 color 1.00,0.00,0.00\n  \
             frame x=79.37 y=310.00 w=442.20 h=50.00 thickness 0.75\n\
             bookmark page 1 y=100.00 标题\n  \
             bookmark page 1 y=120.50 子\n"
        );
        let f = fingerprint(&sample());
        assert_eq!(f.version, 1);
        assert_eq!(f.sha256, crate::archive::store::sha256_hex(text.as_bytes()));
    }

    #[test]
    fn another_layout_has_another_fingerprint() {
        let mut other = sample();
        if let Item::Line(l) = &mut other.pages[0].items[0] {
            l.runs[0].glyphs[1].text = "刊".into();
        }
        assert_ne!(fingerprint(&other), fingerprint(&sample()));
        assert_eq!(fingerprint_of(1, &sample()), Some(fingerprint(&sample())));
        assert_eq!(fingerprint_of(2, &sample()), None);
    }
}
