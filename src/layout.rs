//! The layout: pages of positioned items, the result of typesetting and
//! pagination, owned by neither. The renderer only translates it to PDF, so
//! every visual decision is visible here, to tests and in the text dump.
//!
//! Coordinates are in pt, x from the paper's left edge, y from the paper's top
//! edge (downwards), as layout.md measures them.

//! A leaf of the crate: it depends on no other module, so that every stage
//! and back end can use it without depending on each other.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

/// The version of the layout rules: how typesetting and pagination turn a
/// bulletin and a template into a [`Layout`]. Any change that moves a glyph,
/// line or rule of an input that was laid out before is a new number here.
/// The archive records it with every copy: a copy filed under other rules is
/// not expected to lay out the same way again, and `verify` proves it by its
/// files' hashes instead (ARCHITECTURE.md, "Deterministic output").
///
/// - 1: the first rules (digits and Latin centred in whole grid cells).
/// - 2: digits and Latin set as Word sets them on the 28-character grid
///   (own width with the grid's adjustment, ¼ 字 autospace), justification
///   within stretch limits with hyphenation, no lone last characters, words
///   whole in headings and guide entries, the guide at the full measure, the
///   版记 half a line below the text and never alone on its page, the 印发
///   line compressed before it is broken (layout.md, issue 20).
pub const RULES: u32 = 2;

/// Index of a face in the font set of a render (and in [`Layout::faces`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaceId(pub u16);

/// An sRGB colour, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

/// A laid-out bulletin.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Paper width.
    pub page_width: f32,
    /// Paper height.
    pub page_height: f32,
    /// The pages, in order.
    pub pages: Vec<Page>,
    /// Font file names, indexed by [`FaceId`].
    pub faces: Vec<String>,
    /// Document information.
    pub info: DocInfo,
    /// Bookmarks, nested.
    pub outline: Vec<Bookmark>,
}

/// Document information (PDF Info dictionary and XMP).
#[derive(Debug, Clone, PartialEq)]
pub struct DocInfo {
    /// Bulletin name and issue line.
    pub title: String,
    /// The issuer.
    pub author: String,
    /// What the issue is about.
    pub subject: String,
    /// Keywords.
    pub keywords: String,
    /// The program that made it.
    pub creator: String,
    /// When the document is dated: the start of the bulletin's day in China
    /// Standard Time (never the clock).
    pub created: DateTime<FixedOffset>,
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    /// Its text.
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    /// y of the top of what it points at.
    pub y: f32,
    /// Nested bookmarks.
    pub children: Vec<Bookmark>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The printed page number, when the page has one.
    pub number: Option<u32>,
    /// Left edge of the type area on this page.
    pub type_left: f32,
    /// What is on the page, in reading order.
    pub items: Vec<Item>,
}

/// Something placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A line of text.
    Line(TextLine),
    /// A horizontal rule.
    Rule(Rule),
    /// A rectangle outline (the guide's frame).
    Frame(Frame),
}

/// What a line of text is, for tests and the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// 内部资料 / 密级 marking.
    Marking,
    /// 编号 (copy number), top right of page 1.
    CopyNumber,
    /// The bulletin name.
    Name,
    /// 第N期.
    IssueLine,
    /// Issuer and date.
    Issuer,
    /// 【导读】.
    GuideLabel,
    /// ★ item.
    GuideItem,
    /// 编者按 or an article's 按语.
    Note,
    /// Article title.
    Title,
    /// Section heading 【…】.
    Section,
    /// ▲ heading item.
    ItemHeading,
    /// Paragraph line.
    Paragraph,
    /// Footer text.
    Footer,
    /// Page number.
    PageNumber,
}

impl Tag {
    fn name(self) -> &'static str {
        match self {
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
}

/// A line of text: runs of glyphs on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// What the line is.
    pub tag: Tag,
    /// The baseline's y.
    pub baseline: f32,
    /// The grid line (0-based, from the type area's top) the line sits on, when on the grid.
    pub grid_line: Option<u32>,
    /// Whether the line was justified to its full measure.
    pub justified: bool,
    /// What justification added to each gap between its characters, in pt
    /// (0 when it was not justified).
    pub spread: f32,
    /// Whether the line is the last of its paragraph (or other text block).
    pub last: bool,
    /// Whether its last glyph (a line-end mark) hangs past the right edge
    /// of the type area (hanging punctuation, layout.md §5.6).
    pub hanging: bool,
    /// The line's box: from the start of its first character's cell to the
    /// end of the last one inside the measure (a hanging mark is past it).
    /// Glyph boxes can be narrower: a digit is centred in its cell.
    pub span: (f32, f32),
    /// The runs, left to right.
    pub runs: Vec<GlyphRun>,
    /// The JSON path of the input text the line was set from
    /// (`$.body[1].paragraphs[1]`), so that a preview leads back to the
    /// field; `None` for page numbers. No back end writes it: it changes no
    /// PDF, OFD or archived fingerprint (`output::fingerprint` leaves it out).
    pub source: Option<String>,
}

/// The text of glyph runs, in order.
pub fn runs_text(runs: &[GlyphRun]) -> String {
    runs.iter()
        .flat_map(|r| r.glyphs.iter().map(|g| g.text.as_str()))
        .collect()
}

/// Left edge of the first glyph box and right edge of the last one of glyph runs.
pub fn extent(runs: &[GlyphRun]) -> (f32, f32) {
    let left = runs
        .first()
        .and_then(|r| r.glyphs.first())
        .map(|g| g.x)
        .unwrap_or(0.0);
    let right = runs
        .last()
        .and_then(|r| r.glyphs.last())
        .map(|g| g.x + g.width)
        .unwrap_or(0.0);
    (left, right)
}

impl TextLine {
    /// The line's text.
    pub fn text(&self) -> String {
        runs_text(&self.runs)
    }

    /// Left edge of the first glyph's box.
    pub fn left(&self) -> f32 {
        extent(&self.runs).0
    }

    /// Right edge of the last glyph's box.
    pub fn right(&self) -> f32 {
        extent(&self.runs).1
    }

    /// The glyphs of the line, in order.
    pub fn glyphs(&self) -> impl Iterator<Item = &Glyph> {
        self.runs.iter().flat_map(|r| r.glyphs.iter())
    }
}

/// Glyphs of one face, size, colour and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// The face.
    pub face: FaceId,
    /// Font size in pt.
    pub size: f32,
    /// Horizontal scale, 1 = 100 %.
    pub hscale: f32,
    /// Fill colour.
    pub color: Rgb,
    /// The glyphs, left to right.
    pub glyphs: Vec<Glyph>,
}

/// A positioned glyph.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the run's face.
    pub gid: u16,
    /// x of the glyph's origin.
    pub x: f32,
    /// The width it occupies in the line (the grid cell, or its advance).
    pub width: f32,
    /// The face's own advance at this size and scale (what a PDF reader assumes).
    pub advance: f32,
    /// The text it stands for (for copying text out).
    pub text: String,
}

/// A horizontal rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Left end.
    pub x0: f32,
    /// Right end.
    pub x1: f32,
    /// y of the rule's centre line.
    pub y: f32,
    /// Thickness.
    pub thickness: f32,
    /// Colour.
    pub color: Rgb,
}

/// A rectangle outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// Line thickness.
    pub thickness: f32,
    /// Colour.
    pub color: Rgb,
}

impl Layout {
    /// All text lines of all pages, with their 0-based page index.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &TextLine)> {
        self.pages.iter().enumerate().flat_map(|(i, p)| {
            p.items.iter().filter_map(move |it| match it {
                Item::Line(l) => Some((i, l)),
                _ => None,
            })
        })
    }

    /// The glyphs each face draws, sorted and without duplicates (glyph 0 is
    /// not included): what a back end embeds.
    pub fn used_glyphs(&self) -> std::collections::BTreeMap<FaceId, Vec<u16>> {
        let mut used: std::collections::BTreeMap<FaceId, Vec<u16>> = Default::default();
        for (_, l) in self.lines() {
            for r in &l.runs {
                used.entry(r.face)
                    .or_default()
                    .extend(r.glyphs.iter().map(|g| g.gid).filter(|&g| g != 0));
            }
        }
        for gids in used.values_mut() {
            gids.sort_unstable();
            gids.dedup();
        }
        used
    }

    /// The layout as text, one item per line, coordinates rounded to 0.01 pt:
    /// what every decision looks like, for tests and people. A line's input
    /// path is written `src=$.body[0].paragraphs[1]` before its text.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "layout {:.2}x{:.2}pt, {} pages, title {:?}",
            self.page_width,
            self.page_height,
            self.pages.len(),
            self.info.title
        );
        for (i, f) in self.faces.iter().enumerate() {
            let _ = writeln!(out, "face {i} {f}");
        }
        for (i, page) in self.pages.iter().enumerate() {
            let number = page
                .number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                out,
                "page {} number {number} type-left {:.2}",
                i + 1,
                page.type_left
            );
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
                        let source = match &l.source {
                            Some(s) => format!("src={s} "),
                            None => String::new(),
                        };
                        let _ = writeln!(
                            out,
                            "  line {:<12} {grid} {flags} y={:.2} box={:.2}..{:.2} {source}{}",
                            l.tag.name(),
                            l.baseline,
                            l.span.0,
                            l.span.1,
                            l.text()
                        );
                        for r in &l.runs {
                            let _ = writeln!(
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
                            );
                        }
                    }
                    Item::Rule(r) => {
                        let _ = writeln!(
                            out,
                            "  rule x={:.2}..{:.2} y={:.2} thickness {:.2} color {:.2},{:.2},{:.2}",
                            r.x0, r.x1, r.y, r.thickness, r.color.0, r.color.1, r.color.2
                        );
                    }
                    Item::Frame(f) => {
                        let _ = writeln!(
                            out,
                            "  frame x={:.2} y={:.2} w={:.2} h={:.2} thickness {:.2}",
                            f.x, f.y, f.width, f.height, f.thickness
                        );
                    }
                }
            }
        }
        fn outline(out: &mut String, b: &[Bookmark], depth: usize) {
            for bm in b {
                let _ = writeln!(
                    out,
                    "{}bookmark page {} y={:.2} {}",
                    "  ".repeat(depth),
                    bm.page + 1,
                    bm.y,
                    bm.title
                );
                outline(out, &bm.children, depth + 1);
            }
        }
        outline(&mut out, &self.outline, 0);
        out
    }
}
