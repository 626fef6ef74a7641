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
pub mod words;

use std::collections::BTreeSet;

use crate::diag::{Sink, Warned};
use crate::error::{Error, MissingGlyph, Place, Result};
use crate::fonts::{GlyphChoice, GlyphInfo, Metrics};
use crate::layout::{GlyphRun, Rgb, Tag};
use crate::model::Bulletin;
use crate::template::{Role, Template, TextStyle};

use collect::{Atom, Atoms, Class};

pub use finalize::Align;

/// A piece of text in one role and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// The role of its CJK characters (Latin runs use the role's Latin role).
    pub role: Role,
    /// Its colour.
    pub color: Rgb,
    /// Whether lines may break only before it, never inside it (a name of
    /// the footer's lists).
    pub whole: bool,
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
    /// Whether a line-end mark may hang past the right edge (when the
    /// template's composition allows it): justified text, not titles.
    pub hang: bool,
    /// Whether marks are compressed whatever the template says (the tight
    /// setting of a paragraph, for the footer's fitting).
    pub tight: bool,
    /// Where the text comes from, for messages.
    pub place: Place,
}

/// A span of `text` in `role`, in the text colour of `t`.
pub fn span_in(t: &Template, text: impl Into<String>, role: Role) -> Span {
    Span {
        text: text.into(),
        role,
        color: t.text_color,
        whole: false,
    }
}

/// `spans` at `size`, flush left on the type area's full measure of `t`, one
/// em a character (off the grid), without indents, not balanced.
pub fn inline_in(t: &Template, spans: Vec<Span>, size: f32, place: Place) -> Inline {
    Inline {
        spans,
        size,
        cell: None,
        hscale: 1.0,
        measure: t.page.type_width,
        first_indent: 0.0,
        rest_indent: 0.0,
        right_indent: 0.0,
        align: Align::Left,
        balance: false,
        hang: false,
        tight: false,
        place,
    }
}

/// One span of `text` in `style`, as [`inline_in`] sets it.
pub fn text_in(t: &Template, text: &str, style: TextStyle, place: Place) -> Inline {
    inline_in(t, vec![span_in(t, text, style.role)], style.size, place)
}

impl Typesetter<'_> {
    /// A span of `text` in `role`, in the text colour.
    pub fn span(&self, text: impl Into<String>, role: Role) -> Span {
        span_in(self.template, text, role)
    }

    /// See [`inline_in`].
    pub fn inline(&self, spans: Vec<Span>, size: f32, place: Place) -> Inline {
        inline_in(self.template, spans, size, place)
    }

    /// See [`text_in`].
    pub fn text(&self, text: &str, style: TextStyle, place: Place) -> Inline {
        text_in(self.template, text, style, place)
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
    /// What spreading added to each gap between its characters (0 when not spread).
    pub spread: f32,
    /// Whether it is the last line of its text block.
    pub last: bool,
    /// Whether its last glyph hangs past the right edge of its measure.
    pub hanging: bool,
    /// Where the line's atoms start and where the last one inside the
    /// measure ends (a hanging mark is past the end), from the box's left edge.
    pub span: (f32, f32),
    /// The size whose em box is centred in the line's grid cells.
    pub size: f32,
    /// The JSON path of the input text it was set from
    /// (`$.body[1].paragraphs[1]`), for previews that lead back to the
    /// field; `None` for what no input text makes (page numbers).
    pub source: Option<String>,
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

    /// Set `inline` in lines tagged `tag`; x is measured from the box's left edge.
    pub fn set(&mut self, inline: &Inline, tag: Tag) -> Vec<Line> {
        let atoms = self.collect(inline);
        let (lines, forced) = lay_out(atoms, inline, tag);
        if forced {
            self.warn(
                Some(inline.place.clone()),
                "有一行无法按禁则断开或有过长的西文/数字串，超出了版心宽度；可在其中加空格或改写"
                    .into(),
            );
        }
        lines
    }

    /// Set `inline` as [`Typesetter::set`] does, without recording that a
    /// break had to be forced (for an alternative setting of text already
    /// set, whose problems are reported once).
    pub fn set_quietly(&mut self, inline: &Inline, tag: Tag) -> Vec<Line> {
        let atoms = self.collect(inline);
        lay_out(atoms, inline, tag).0
    }

    /// The natural width of `inline`'s text on one line.
    pub fn width(&mut self, inline: &Inline) -> f32 {
        let atoms = self.collect(inline);
        linebreak::natural_width(&atoms, 0..atoms.atoms.len())
    }

    /// `left` flush left and `right` flush right on one line of the type area,
    /// each `indent` in from its edge and at least `min_gap` apart. When they do
    /// not fit, the left text is compressed horizontally, down to `min_scale`;
    /// `None` when even that does not fit. Returns the line and the scale used.
    #[allow(clippy::too_many_arguments)]
    pub fn left_right(
        &mut self,
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
            ..text_in(t, text, style, place)
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
        for right in self.set(&r, tag) {
            line.span.1 = right.span.1;
            line.runs.extend(right.runs);
        }
        Some((line, scale))
    }

    /// The pieces of page numbers `— n —` (layout.md §7.1): all of it in the
    /// number's role (宋体 digits, GB/T 9704-2012 §7.5: its Latin role is
    /// itself in the built-in template).
    fn page_numbers(&mut self) -> PageNumbers {
        let s = &self.template.page_number;
        let inline = Inline {
            measure: f32::MAX / 4.0,
            ..self.text(&s.dash, s.text, Place::new("模板 page_number.dash"))
        };
        let dash = self.collect_raw(&inline);
        let latin = self.fonts.set().latin_role(s.text.role);
        let color = self.template.text_color;
        let mut space = self.latin_atom(&[' '], latin, &inline, color);
        space.class = Class::Space;
        let digits = ('0'..='9')
            .map(|d| self.latin_atom(&[d], latin, &inline, color))
            .collect();
        PageNumbers {
            inline: Inline {
                place: Place::new("page_number"),
                ..inline
            },
            dash,
            space,
            digits,
            compress: self.template.composition.compress_punctuation,
            latin_gap: self.template.composition.latin_gap_zi * s.text.size,
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

/// Line-break and finalize the atoms of `inline` (steps 2 and 3 of inline
/// layout): the lines, and whether a break had to be forced.
fn lay_out(mut atoms: Atoms, inline: &Inline, tag: Tag) -> (Vec<Line>, bool) {
    if atoms.atoms.is_empty() {
        return (Vec::new(), false);
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
        // Word boundaries only when the text needs more than one line.
        let words = (linebreak::natural_width(&atoms, 0..atoms.atoms.len()) > avail(0))
            .then(|| word_starts(&atoms));
        // "Near-equal lines": within four characters of each other.
        let tolerance = 4.0 * inline.size * inline.hscale;
        linebreak::balanced(&atoms, avail, words.as_deref(), tolerance)
    } else {
        linebreak::first_fit(&atoms, avail)
    };
    let forced = ranges.iter().any(|r| r.forced);
    for r in &ranges {
        for &(k, amount) in &r.squeezed {
            atoms.atoms[k].compress(amount);
        }
    }
    let count = ranges.len();
    let lines = ranges
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let last = n + 1 == count;
            let indent = if n == 0 {
                inline.first_indent
            } else {
                inline.rest_indent
            };
            let (xs, spread) = finalize::atom_positions(
                &atoms,
                r.atoms.clone(),
                indent,
                avail(n),
                inline.align,
                last,
                r.hanging,
            );
            let inside = xs.len() - usize::from(r.hanging && xs.len() > 1);
            let span = match inside.checked_sub(1) {
                Some(k) => (xs[0], xs[k] + atoms.atoms[r.atoms.start + k].width),
                None => (0.0, 0.0),
            };
            Line {
                tag,
                runs: finalize::runs(&atoms, r.atoms, &xs),
                justified: spread > 0.0,
                spread,
                last,
                hanging: r.hanging,
                span,
                size: inline.size,
                source: source_of(&inline.place),
            }
        })
        .collect();
    (lines, forced)
}

/// The input path of a text block's place, when it is one (`$…`); places
/// of the template (`page_number`) are not.
fn source_of(place: &Place) -> Option<String> {
    place.path.starts_with('$').then(|| place.path.clone())
}

/// Whether a word begins at each atom ([`words::boundaries`] of the atoms' text).
fn word_starts(atoms: &Atoms) -> Vec<bool> {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(atoms.atoms.len());
    for a in &atoms.atoms {
        starts.push(text.len());
        for g in &a.glyphs {
            text.push_str(&g.text);
        }
    }
    let bounds = words::boundaries(&text);
    starts
        .into_iter()
        .map(|at| bounds.binary_search(&at).is_ok())
        .collect()
}

/// What page numbers are made of (layout.md §7.1), looked up when the
/// bulletin is typeset, so that pagination numbers pages without fonts and a
/// character no face has is found with the others.
#[derive(Debug, Clone, PartialEq)]
pub struct PageNumbers {
    inline: Inline,
    dash: Vec<Atom>,
    space: Atom,
    digits: Vec<Atom>,
    compress: bool,
    latin_gap: f32,
}

impl PageNumbers {
    /// Page numbers without glyphs, `size` pt high: what pagination needs of
    /// them where no fonts are at hand (its unit tests).
    pub fn blank(size: f32) -> PageNumbers {
        let nothing = Atom {
            class: Class::Space,
            width: 0.0,
            han: false,
            squeeze: 0.0,
            squeeze_left: false,
            hang: false,
            glue: false,
            soft: false,
            glyphs: Vec::new(),
        };
        PageNumbers {
            inline: Inline {
                spans: Vec::new(),
                size,
                cell: None,
                hscale: 1.0,
                measure: f32::MAX / 4.0,
                first_indent: 0.0,
                rest_indent: 0.0,
                right_indent: 0.0,
                align: Align::Left,
                balance: false,
                hang: false,
                tight: false,
                place: Place::new("page_number"),
            },
            dash: Vec::new(),
            space: nothing.clone(),
            digits: vec![nothing; 10],
            compress: false,
            latin_gap: 0.0,
        }
    }

    /// The line `— n —`, its box starting at x = 0.
    pub fn line(&self, n: u32) -> Line {
        let mut digits = Atom {
            glyphs: Vec::new(),
            ..self.space.clone()
        };
        digits.class = Class::Latin;
        let mut x = 0.0;
        for d in n.to_string().bytes() {
            if let Some(glyph) = self.digits[usize::from(d - b'0')].glyphs.first() {
                digits.glyphs.push(collect::AtomGlyph {
                    offset: x,
                    ..glyph.clone()
                });
                x += glyph.advance;
            }
        }
        digits.width = x;
        let mut atoms = self.dash.clone();
        atoms.extend([self.space.clone(), digits, self.space.clone()]);
        atoms.extend(self.dash.iter().cloned());
        let atoms = collect::finish(atoms, self.compress, self.latin_gap);
        let (mut lines, _) = lay_out(atoms, &self.inline, Tag::PageNumber);
        lines.pop().unwrap_or(Line {
            tag: Tag::PageNumber,
            runs: Vec::new(),
            justified: false,
            spread: 0.0,
            last: true,
            hanging: false,
            span: (0.0, 0.0),
            size: self.inline.size,
            source: None,
        })
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
