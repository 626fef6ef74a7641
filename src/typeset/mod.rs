//! Typesetting: the bulletin model → lines of positioned glyph runs (the
//! masthead's lines, the flow of body lines on the grid, the footer's lines).
//! Pagination places them on pages.
//!
//! Inline layout is split in three steps, one file each: [`collect`] (text →
//! atoms), [`linebreak`] (atoms → line ranges), [`finalize`] (ranges →
//! positioned glyph runs). [`masthead`] fits the bulletin name; [`body`]
//! turns articles, sections and the footer into lines.

pub mod body;
pub mod collect;
pub mod finalize;
pub mod linebreak;
pub mod masthead;

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::error::{Error, MissingGlyph, Place, Result, Warning};
use crate::fonts::{FaceId, GlyphInfo, Metrics};
use crate::layout::{DocInfo, GlyphRun, Tag};
use crate::model::Bulletin;
use crate::template::{Rgb, Role, Template, TextStyle};

pub use finalize::Align;

/// The character drawn for one that no face has, when substitutes are allowed:
/// 〓 (GETA MARK), the traditional placeholder of Chinese typesetting.
pub const SUBSTITUTE: char = '〓';

/// A piece of text in one role and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// The role of its CJK characters (Latin runs use the role's Latin role).
    pub role: Role,
    /// Its colour.
    pub color: Rgb,
}

/// A block of text to set in lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    /// The styled text.
    pub spans: Vec<Span>,
    /// Font size.
    pub size: f32,
    /// Grid cell width for full-width characters (body text); `None`: one em.
    pub cell: Option<f32>,
    /// Horizontal scale (1 = 100 %).
    pub hscale: f32,
    /// Width of the box the lines are set in.
    pub measure: f32,
    /// Indent of the first line from the box's left edge.
    pub first_indent: f32,
    /// Indent of the other lines from the box's left edge.
    pub rest_indent: f32,
    /// Indent of all lines from the box's right edge.
    pub right_indent: f32,
    /// How lines are placed.
    pub align: Align,
    /// Whether lines are balanced (titles) instead of filled first-fit.
    pub balance: bool,
    /// Where the text comes from, for messages.
    pub place: Place,
}

impl Typesetter<'_> {
    /// A span of `text` in `role`, in the text colour.
    pub fn span(&self, text: impl Into<String>, role: Role) -> Span {
        Span {
            text: text.into(),
            role,
            color: self.template.text_color,
        }
    }

    /// `spans` at `size`, flush left on the type area's full measure, one em a
    /// character (off the grid), without indents, not balanced.
    pub fn inline(&self, spans: Vec<Span>, size: f32, place: Place) -> Inline {
        Inline {
            spans,
            size,
            cell: None,
            hscale: 1.0,
            measure: self.template.page.type_width,
            first_indent: 0.0,
            rest_indent: 0.0,
            right_indent: 0.0,
            align: Align::Left,
            balance: false,
            place,
        }
    }

    /// One span of `text` in `style`, as [`Typesetter::inline`] sets it.
    pub fn text(&self, text: &str, style: TextStyle, place: Place) -> Inline {
        self.inline(vec![self.span(text, style.role)], style.size, place)
    }
}

/// A set line: glyph runs with x measured from the type area's left edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What the line is.
    pub tag: Tag,
    /// The runs, left to right.
    pub runs: Vec<GlyphRun>,
    /// Whether it was spread to the full measure.
    pub justified: bool,
    /// Whether it is the last line of its text block.
    pub last: bool,
    /// The size whose em box is centred in the line's grid cells.
    pub size: f32,
}

/// A line of the body flow.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLine {
    /// The text, or `None` for a blank line.
    pub line: Option<Line>,
    /// Grid lines it takes.
    pub grid_lines: u32,
    /// Whether a page may end after it (keep-with-next and widow/orphan control).
    pub break_after: bool,
    /// Whether it is dropped when it would be the first line of a page.
    pub drop_at_top: bool,
    /// A bookmark starting here: nesting level (0 or 1) and text.
    pub bookmark: Option<(u8, String)>,
    /// Whether it belongs to the guide (for the guide's frame).
    pub guide: bool,
}

impl FlowLine {
    /// A blank line that may be dropped at a page top.
    pub fn blank() -> FlowLine {
        FlowLine {
            line: None,
            grid_lines: 1,
            break_after: true,
            drop_at_top: true,
            bookmark: None,
            guide: false,
        }
    }
}

/// The masthead's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct MastheadLines {
    /// The marking, when given.
    pub marking: Option<Line>,
    /// The name: one line, or two balanced lines.
    pub name: Vec<Line>,
    /// Grid lines of the name's band, its lines spread evenly in it.
    pub name_grid_lines: u32,
    /// The issue line.
    pub issue: Line,
    /// Issuer and date.
    pub issuer: Line,
}

/// The typeset bulletin: the hand-off of the typesetting stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Typeset {
    /// The masthead.
    pub masthead: MastheadLines,
    /// Guide and body, line by line.
    pub flow: Vec<FlowLine>,
    /// The footer's elements, each a group of lines.
    pub footer: Vec<Vec<Line>>,
    /// Document information.
    pub info: DocInfo,
}

/// Sets text with the fonts of one render, collecting missing characters and warnings.
pub struct Typesetter<'a> {
    /// The resolved template.
    pub template: &'a Template,
    /// Glyph lookups.
    pub fonts: &'a Metrics<'a>,
    allow_substitutes: bool,
    missing: RefCell<Vec<MissingGlyph>>,
    warnings: RefCell<Vec<Warning>>,
    reported: RefCell<BTreeSet<(Role, char)>>,
}

impl<'a> Typesetter<'a> {
    /// A typesetter; `allow_substitutes` lets missing characters be drawn by another face.
    pub fn new(template: &'a Template, fonts: &'a Metrics<'a>, allow_substitutes: bool) -> Self {
        Typesetter {
            template,
            fonts,
            allow_substitutes,
            missing: RefCell::new(Vec::new()),
            warnings: RefCell::new(Vec::new()),
            reported: RefCell::new(BTreeSet::new()),
        }
    }

    /// Record a warning.
    pub fn warn(&self, place: Option<Place>, message: String) {
        self.warnings.borrow_mut().push(Warning { place, message });
    }

    /// The glyph for `ch` in `role`; records fallbacks (warning) and missing
    /// characters (error, or a substitute when allowed).
    pub(crate) fn glyph(&self, ch: char, role: Role, place: &Place) -> GlyphInfo {
        if let Some(g) = self.fonts.glyph(role, ch) {
            if g.fallback && self.reported.borrow_mut().insert((role, ch)) {
                self.warn(
                    Some(place.clone()),
                    format!(
                        "“{ch}”（U+{:04X}）不在 {} 角色的首选字体中，由后备字体 {} 显示",
                        ch as u32,
                        role,
                        self.fonts.set().file(g.face).name
                    ),
                );
            }
            return g;
        }
        let first = self.reported.borrow_mut().insert((role, ch));
        if !self.allow_substitutes {
            if first {
                self.missing.borrow_mut().push(MissingGlyph {
                    ch,
                    role: role.to_string(),
                    place: place.clone(),
                });
            }
            return GlyphInfo {
                face: self
                    .fonts
                    .set()
                    .chain(role)
                    .first()
                    .map(|e| e.face)
                    .unwrap_or(FaceId(0)),
                gid: 0,
                advance: 1.0,
                fallback: true,
            };
        }
        let sub = self
            .fonts
            .any_glyph(ch)
            .map(|g| {
                (
                    g,
                    format!("由其他字体 {} 代替显示", self.fonts.set().file(g.face).name),
                )
            })
            .or_else(|| {
                self.fonts
                    .glyph(role, SUBSTITUTE)
                    .or_else(|| self.fonts.any_glyph(SUBSTITUTE))
                    .map(|g| (g, format!("没有字体有这个字，以 {SUBSTITUTE} 代替")))
            });
        let (g, how) = sub.unwrap_or((
            GlyphInfo {
                face: FaceId(0),
                gid: 0,
                advance: 1.0,
                fallback: true,
            },
            "没有字体有这个字，也没有替代符号".into(),
        ));
        if first {
            self.warn(
                Some(place.clone()),
                format!(
                    "“{ch}”（U+{:04X}）{role} 角色的字体都没有：{how}",
                    ch as u32
                ),
            );
        }
        g
    }

    /// Set `inline` in lines tagged `tag`; x is measured from the box's left edge.
    pub fn set(&self, inline: &Inline, tag: Tag) -> Vec<Line> {
        let mut atoms = self.collect(inline);
        if atoms.atoms.is_empty() {
            return Vec::new();
        }
        let avail = |n: usize| {
            let indent = if n == 0 {
                inline.first_indent
            } else {
                inline.rest_indent
            };
            inline.measure - indent - inline.right_indent
        };
        let ranges = if inline.balance {
            linebreak::balanced(&atoms, avail(1).min(avail(0)))
        } else {
            linebreak::first_fit(&atoms, avail)
        };
        if ranges.iter().any(|r| r.forced) {
            self.warn(
                Some(inline.place.clone()),
                "有一行无法按禁则断开或有过长的西文/数字串，超出了版心宽度；可在其中加空格或改写"
                    .into(),
            );
        }
        for r in &ranges {
            for &(k, amount) in &r.squeezed {
                atoms.atoms[k].compress(amount);
            }
        }
        let count = ranges.len();
        ranges
            .into_iter()
            .enumerate()
            .map(|(n, r)| {
                let last = n + 1 == count;
                let indent = if n == 0 {
                    inline.first_indent
                } else {
                    inline.rest_indent
                };
                let (xs, justified) = finalize::atom_positions(
                    &atoms,
                    r.atoms.clone(),
                    indent,
                    avail(n),
                    inline.align,
                    last,
                );
                Line {
                    tag,
                    runs: finalize::runs(&atoms, r.atoms, &xs),
                    justified,
                    last,
                    size: inline.size,
                }
            })
            .collect()
    }

    /// The natural width of `inline`'s text on one line.
    pub fn width(&self, inline: &Inline) -> f32 {
        let atoms = self.collect(inline);
        linebreak::natural_width(&atoms, 0..atoms.atoms.len())
    }

    /// `left` flush left and `right` flush right on one line of the type area,
    /// each `indent` in from its edge and at least `min_gap` apart. When they do
    /// not fit, the left text is compressed horizontally, down to `min_scale`;
    /// `None` when even that does not fit. Returns the line and the scale used.
    #[allow(clippy::too_many_arguments)]
    pub fn left_right(
        &self,
        left: (&str, Place),
        right: (&str, Place),
        style: TextStyle,
        indent: f32,
        min_gap: f32,
        min_scale: f32,
        tag: Tag,
    ) -> Option<(Line, f32)> {
        let t = self.template;
        let one = |text: &str, place: Place, align: Align| Inline {
            first_indent: indent,
            rest_indent: indent,
            right_indent: indent,
            align,
            ..self.text(text, style, place)
        };
        let mut l = one(left.0, left.1, Align::Left);
        let r = one(right.0, right.1, Align::Right);
        let width = self.width(&l);
        let room = t.page.type_width - 2.0 * indent - min_gap - self.width(&r);
        let scale = if width <= room + 0.01 {
            1.0
        } else if room >= width * min_scale {
            room / width
        } else {
            return None;
        };
        l.hscale = scale;
        let mut line = self.set(&l, tag).into_iter().next()?;
        line.runs
            .extend(self.set(&r, tag).into_iter().flat_map(|x| x.runs));
        Some((line, scale))
    }

    /// The page number line `— n —`, its box starting at x = 0.
    pub fn page_number(&self, n: u32) -> Line {
        let s = &self.template.page_number;
        let text = format!("{} {} {}", s.dash, n, s.dash);
        // All of it in the number's role (宋体 digits, GB/T 9704-2012 §7.5):
        // its Latin role is itself in the built-in template.
        let inline = Inline {
            measure: f32::MAX / 4.0,
            ..self.text(&text, s.text, Place::new("page_number"))
        };
        let mut lines = self.set(&inline, Tag::PageNumber);
        lines.pop().unwrap_or(Line {
            tag: Tag::PageNumber,
            runs: Vec::new(),
            justified: false,
            last: true,
            size: s.text.size,
        })
    }

    /// The warnings recorded so far.
    pub fn take_warnings(&self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings.borrow_mut())
    }

    /// The missing characters, as an error, when there are any.
    pub fn missing_error(&self) -> Option<Error> {
        let missing = std::mem::take(&mut *self.missing.borrow_mut());
        (!missing.is_empty()).then_some(Error::MissingGlyphs(missing))
    }
}

/// Typeset a bulletin. Errors: characters no face has (unless substitutes are
/// allowed), a masthead that cannot be fitted.
pub fn typeset(bulletin: &Bulletin, ts: &Typesetter<'_>) -> Result<Typeset> {
    let masthead = masthead::set(bulletin, ts)?;
    let flow = body::flow(bulletin, ts);
    let footer = body::footer(bulletin, ts);
    if let Some(e) = ts.missing_error() {
        return Err(e);
    }
    let footer_lines: usize = footer.iter().map(Vec::len).sum();
    if footer_lines > ts.template.grid.lines as usize {
        return Err(Error::Layout {
            place: Place::new("$.distribution"),
            message: format!(
                "版记有 {footer_lines} 行，超过一页的 {} 行：请精简报送名单",
                ts.template.grid.lines
            ),
        });
    }
    Ok(Typeset {
        masthead,
        flow,
        footer,
        info: body::info(bulletin),
    })
}
