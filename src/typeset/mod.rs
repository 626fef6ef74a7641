//! Typesetting: the bulletin model → lines of positioned glyph runs (the
//! masthead's lines, the flow of body lines on the grid, the footer's lines).
//! Pagination places them on pages.
//!
//! This file is the stage's entry ([`typeset`]), its hand-off types
//! ([`Typeset`] and its parts) and the [`Typesetter`] that looks up glyphs.
//! Inline layout ([`inline`]) runs in three steps, one file each:
//! [`collect`] (text → pieces → atoms), [`linebreak`] (atoms → line ranges),
//! [`finalize`] (ranges → positioned glyph runs). [`masthead`] fits the
//! bulletin name; [`body`] turns the guide, notes, articles, sections and the
//! footer into lines; [`numbers`] holds the page numbers' glyphs.

pub mod body;
pub mod collect;
pub mod finalize;
pub mod inline;
pub mod linebreak;
pub mod masthead;
pub mod numbers;
pub mod words;

use std::collections::BTreeSet;

use crate::diag::{Sink, Warned};
use crate::error::{Error, MissingGlyph, Place, Result};
use crate::fonts::{GlyphChoice, GlyphInfo, Metrics};
use crate::model::Bulletin;
use crate::template::{Role, Template};

pub use finalize::Align;
pub use inline::{inline_in, span_in, text_in, Inline, LeftRight, Line, Span};
pub use numbers::PageNumbers;

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
    /// Whether it is a blank line before a title or section that the
    /// footer's fitting may remove (layout.md §6.2).
    pub spare: bool,
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
            spare: false,
        }
    }
}

/// A paragraph of the flow set again with punctuation compression, for the
/// footer's fitting (layout.md §6.2): used only when it takes fewer lines.
#[derive(Debug, Clone, PartialEq)]
pub struct TightParagraph {
    /// Index of its first line in the flow.
    pub start: usize,
    /// How many lines it takes in the flow.
    pub len: usize,
    /// Its lines when compressed.
    pub lines: Vec<FlowLine>,
}

/// The masthead's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct MastheadLines {
    /// The marking, when given.
    pub marking: Option<Line>,
    /// The copy number (编号：000123), flush right on the marking's line.
    pub copy_number: Option<Line>,
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
    /// Paragraphs of the flow that take fewer lines with punctuation
    /// compression, in flow order.
    pub tight: Vec<TightParagraph>,
    /// The footer's elements, each a group of lines.
    pub footer: Vec<Vec<Line>>,
    /// What page numbers are made of.
    pub numbers: PageNumbers,
    /// Font file names, indexed by face (for the layout's face table).
    pub faces: Vec<String>,
}

/// Sets text with the fonts of one render. It records, as it goes, the
/// diagnostics of the typesetting stage and the characters no face has;
/// [`typeset`] hands both on when it is done.
pub struct Typesetter<'a> {
    /// The resolved template.
    pub template: &'a Template,
    /// Glyph lookups.
    pub fonts: &'a Metrics<'a>,
    allow_substitutes: bool,
    sink: Sink,
    missing: Vec<MissingGlyph>,
    reported: BTreeSet<(Role, char)>,
}

impl<'a> Typesetter<'a> {
    /// A typesetter; `allow_substitutes` lets missing characters be drawn by another face.
    pub fn new(template: &'a Template, fonts: &'a Metrics<'a>, allow_substitutes: bool) -> Self {
        Typesetter {
            template,
            fonts,
            allow_substitutes,
            sink: Sink::new(),
            missing: Vec::new(),
            reported: BTreeSet::new(),
        }
    }

    /// Record a notice: an adaptation made within what the layout allows.
    pub fn notice(&mut self, place: Option<Place>, message: String) {
        self.sink.notice(place, message);
    }

    /// Record a warning: a probable mistake in the input.
    pub fn warn(&mut self, place: Option<Place>, message: String) {
        self.sink.warn(place, message);
    }

    /// The glyph for `ch` in `role`, as the font policy ([`Metrics::choose`])
    /// decides; records fallbacks (notice), substitutes (warning) and missing
    /// characters (error), each once per role and character.
    pub(crate) fn glyph(&mut self, ch: char, role: Role, place: &Place) -> GlyphInfo {
        let choice = self.fonts.choose(role, ch, self.allow_substitutes);
        let first = !matches!(choice, GlyphChoice::Primary(_)) && self.reported.insert((role, ch));
        let name = |g: &GlyphInfo| self.fonts.set().file(g.face).name.clone();
        match choice {
            GlyphChoice::Primary(g) => g,
            GlyphChoice::Fallback(g) => {
                if first {
                    let message = format!(
                        "“{ch}”（U+{:04X}）不在 {role} 角色的首选字体中，由后备字体 {} 显示",
                        ch as u32,
                        name(&g)
                    );
                    self.notice(Some(place.clone()), message);
                }
                g
            }
            GlyphChoice::OtherFace(g) | GlyphChoice::Geta(g) => {
                if first {
                    let how = match choice {
                        GlyphChoice::Geta(_) => {
                            format!("没有字体有这个字，以 {} 代替", crate::fonts::SUBSTITUTE)
                        }
                        _ => format!("由其他字体 {} 代替显示", name(&g)),
                    };
                    let message = format!(
                        "“{ch}”（U+{:04X}）{role} 角色的字体都没有：{how}",
                        ch as u32
                    );
                    self.warn(Some(place.clone()), message);
                }
                g
            }
            GlyphChoice::Missing => {
                if first {
                    self.missing.push(MissingGlyph {
                        ch,
                        role: role.to_string(),
                        place: place.clone(),
                    });
                }
                // A stand-in of one em, so that typesetting can go on and
                // report every missing character at once.
                GlyphInfo {
                    face: self
                        .fonts
                        .set()
                        .chain(role)
                        .first()
                        .map(|e| e.face)
                        .unwrap_or(crate::layout::FaceId(0)),
                    gid: 0,
                    advance: 1.0,
                    fallback: true,
                }
            }
        }
    }

    /// The characters no face has, as an error, when there are any.
    fn check_missing(&mut self) -> Result<()> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(Error::MissingGlyphs(std::mem::take(&mut self.missing)))
        }
    }

    /// `output` with the diagnostics recorded; the missing characters as an
    /// error when there are any.
    fn finish<T>(mut self, output: T) -> Result<Warned<T>> {
        self.check_missing()?;
        Ok(self.sink.finish(output))
    }
}

/// Typeset a bulletin with `template` and the glyphs of `metrics`. Errors:
/// characters no face has (unless substitutes are allowed), raised after the
/// last glyph lookup; a masthead or footer that cannot be fitted.
pub fn typeset(
    bulletin: &Bulletin,
    template: &Template,
    metrics: &Metrics<'_>,
) -> Result<Warned<Typeset>> {
    let mut ts = Typesetter::new(template, metrics, bulletin.allow_substitutes);
    let masthead = masthead::set(bulletin, &mut ts);
    let (flow, tight) = body::flow(bulletin, &mut ts);
    let footer = body::footer(bulletin, &mut ts);
    let numbers = ts.page_numbers();
    let faces = metrics
        .set()
        .files()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    // Missing characters first: they explain a masthead that does not fit.
    let masthead = match masthead {
        Ok(m) => m,
        Err(e) => {
            ts.check_missing()?;
            return Err(e);
        }
    };
    let footer_lines: usize = footer.iter().map(Vec::len).sum();
    if footer_lines > template.grid.lines as usize {
        ts.check_missing()?;
        return Err(Error::Layout {
            place: Place::new("$.distribution"),
            message: format!(
                "版记有 {footer_lines} 行，超过一页的 {} 行：请精简报送名单",
                template.grid.lines
            ),
        });
    }
    ts.finish(Typeset {
        masthead,
        flow,
        tight,
        footer,
        numbers,
        faces,
    })
}
