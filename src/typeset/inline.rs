//! Inline layout: a block of styled text ([`Inline`]) set in lines ([`Line`])
//! by the three steps [`collect`](super::collect) → [`linebreak`](super::linebreak)
//! → [`finalize`](super::finalize), and the helpers the composers of the
//! masthead, body and footer use (one-line pairs, natural widths, word starts).

use super::collect::{self, Atoms};
use super::finalize::{self, Align};
use super::{linebreak, words, Typesetter};
use crate::error::Place;
use crate::layout::{GlyphRun, Rgb, Tag};
use crate::template::{Role, Template, TextStyle};

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
    /// Whether lines break only between words, and after a 「，」 (or before
    /// a 「——」) when a break there fits two lines (titles, headings, guide
    /// entries: GB/T 9704-2012 §7.3.1, 回行时要做到词意完整).
    pub words: bool,
    /// Whether a line-end mark may hang past the right edge (when the
    /// template's composition allows it): justified text, not titles.
    pub hang: bool,
    /// Whether marks are compressed (GB punctuation compression): `None` as
    /// the template says, `Some(true)` whatever it says (the tight setting of
    /// a paragraph, for the footer's fitting), `Some(false)` never (the 版记).
    pub compress: Option<bool>,
    /// Whether the template's gap between Han characters and Latin or
    /// digit runs is set (off for a 印发 date squeezed into its line).
    pub autospace: bool,
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
        words: false,
        hang: false,
        compress: None,
        autospace: true,
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

/// Two texts on one line of the type area, for [`Typesetter::left_right`]:
/// the issuer and date of the masthead, the 印发 line of the footer.
#[derive(Debug, Clone)]
pub struct LeftRight<'s> {
    /// The text flush left, and where it comes from.
    pub left: (&'s str, Place),
    /// The text flush right, and where it comes from.
    pub right: (&'s str, Place),
    /// Their style.
    pub style: TextStyle,
    /// How far each is in from its edge of the type area.
    pub indent: f32,
    /// The least room between them.
    pub min_gap: f32,
    /// The narrowest horizontal scale the left text may be compressed to.
    pub min_scale: f32,
    /// Whether the right text may be compressed too, down to `min_scale`,
    /// when the left one at `min_scale` is not enough (the 印发 line, GB/T
    /// 9704-2012 §7.4.3: one line).
    pub squeeze_right: bool,
    /// The line's tag.
    pub tag: Tag,
}

impl Typesetter<'_> {
    /// Set `inline` in lines tagged `tag`; x is measured from the box's left edge.
    pub fn set(&mut self, inline: &Inline, tag: Tag) -> Vec<Line> {
        let atoms = self.collect(inline);
        let limit = atoms.stretch.letter;
        let lone = self.template.composition.avoid_lone_characters;
        let (lines, forced) = lay_out(atoms, inline, tag, lone);
        if let Some(worst) = lines
            .iter()
            .map(|l| l.spread)
            .filter(|&s| s > limit + 0.01)
            .reduce(f32::max)
        {
            self.warn(
                Some(inline.place.clone()),
                format!(
                    "有一行字距被拉开 {worst:.1}pt（模板上限 {limit:.1}pt）才能排满：通常是行末放不下的一长串数字或西文，可改写、加空格或把它移到句中"
                ),
            );
        }
        if lone
            && inline.align == Align::Justify
            && lines.len() > 1
            && lines
                .last()
                .is_some_and(|l| text_units(&crate::layout::runs_text(&l.runs)) < 2)
        {
            self.warn(
                Some(inline.place.clone()),
                "段落最后一行只有一个字（或一个西文/数字串），前一行又无法在字距上限内让出或收回：可改写这段的最后一句"
                    .into(),
            );
        }
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
        let lone = self.template.composition.avoid_lone_characters;
        lay_out(atoms, inline, tag, lone).0
    }

    /// The natural width of `inline`'s text on one line.
    pub fn width(&mut self, inline: &Inline) -> f32 {
        let atoms = self.collect(inline);
        linebreak::natural_width(&atoms, 0..atoms.atoms.len())
    }

    /// `o.left` flush left and `o.right` flush right on one line of the type
    /// area (see [`LeftRight`]), never punctuation-compressed. When they do
    /// not fit, the left text is compressed horizontally, down to
    /// `o.min_scale`, then (with `o.squeeze_right`) the right text too;
    /// `None` when even that does not fit. Returns the line and the scales
    /// of the left and the right text.
    pub fn left_right(&mut self, o: LeftRight<'_>) -> Option<(Line, f32, f32)> {
        let LeftRight {
            left,
            right,
            style,
            indent,
            min_gap,
            min_scale,
            squeeze_right,
            tag,
        } = o;
        let t = self.template;
        let one = |text: &str, place: Place, align: Align| Inline {
            first_indent: indent,
            rest_indent: indent,
            right_indent: indent,
            align,
            compress: Some(false),
            ..text_in(t, text, style, place)
        };
        let mut l = one(left.0, left.1, Align::Left);
        let mut r = one(right.0, right.1, Align::Right);
        let width = self.width(&l);
        let right_width = self.width(&r);
        let avail = t.page.type_width - 2.0 * indent - min_gap;
        let room = avail - right_width;
        let (scale, right_scale) = if width <= room + 0.01 {
            (1.0, 1.0)
        } else if room >= width * min_scale {
            (room / width, 1.0)
        } else if squeeze_right {
            // The date's autospace goes first, then its width, down to min_scale.
            r.autospace = false;
            let right_width = self.width(&r);
            if avail - width * min_scale >= right_width * min_scale {
                (
                    min_scale,
                    ((avail - width * min_scale) / right_width).min(1.0),
                )
            } else {
                return None;
            }
        } else {
            return None;
        };
        l.hscale = scale;
        r.hscale = right_scale;
        let mut line = self.set(&l, tag).into_iter().next()?;
        for right in self.set(&r, tag) {
            line.span.1 = right.span.1;
            line.runs.extend(right.runs);
        }
        Some((line, scale, right_scale))
    }
}

/// Line-break and finalize the atoms of `inline` (steps 2 and 3 of inline
/// layout): the lines, and whether a break had to be forced. With `lone`, a
/// justified paragraph's last line is never one character alone.
pub(super) fn lay_out(
    mut atoms: Atoms,
    inline: &Inline,
    tag: Tag,
    lone: bool,
) -> (Vec<Line>, bool) {
    if atoms.atoms.is_empty() {
        return (Vec::new(), false);
    }
    let indent = |n: usize| {
        if n == 0 {
            inline.first_indent
        } else {
            inline.rest_indent
        }
    };
    let avail = |n: usize| inline.measure - indent(n) - inline.right_indent;
    // Words matter only where a line ends inside the text (and finding
    // them costs a dictionary pass).
    if inline.words && linebreak::natural_width(&atoms, 0..atoms.atoms.len()) > avail(0) {
        keep_words(&mut atoms);
    }
    let mut ranges = if inline.balance {
        // Word boundaries only when the text needs more than one line.
        let words = (linebreak::natural_width(&atoms, 0..atoms.atoms.len()) > avail(0))
            .then(|| word_starts(&atoms));
        // "Near-equal lines": within four characters of each other.
        let tolerance = 4.0 * inline.size * inline.hscale;
        linebreak::balanced(&atoms, avail, words.as_deref(), tolerance)
    } else {
        let mut ranges = linebreak::first_fit(&atoms, avail);
        if lone && inline.align == Align::Justify {
            linebreak::avoid_lone(&atoms, &mut ranges, avail);
        }
        ranges
    };
    if inline.words {
        linebreak::strong_break(&atoms, &mut ranges, avail);
    }
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
            let hyphen = if r.hyphen {
                atoms.atoms[r.atoms.end - 1].hyphen.as_deref()
            } else {
                None
            };
            let (xs, spread) = finalize::atom_positions(
                &atoms,
                r.atoms.clone(),
                finalize::Setting {
                    indent: indent(n),
                    measure: avail(n),
                    align: inline.align,
                    last,
                    hanging: r.hanging,
                    tail: hyphen.map_or(0.0, |h| h.width),
                    shrink: r.shrink,
                },
            );
            let inside = xs.len() - usize::from(r.hanging && xs.len() > 1);
            let span = match inside.checked_sub(1) {
                Some(k) => (
                    xs[0],
                    xs[k] + atoms.atoms[r.atoms.start + k].width + hyphen.map_or(0.0, |h| h.width),
                ),
                None => (0.0, 0.0),
            };
            let mut runs = finalize::runs(&atoms, r.atoms.clone(), &xs);
            if let (Some(h), Some(&x)) = (hyphen, xs.last()) {
                let at = x + atoms.atoms[r.atoms.end - 1].width;
                finalize::push_glyph(&mut runs, h, at);
            }
            Line {
                tag,
                runs,
                justified: spread != 0.0,
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

/// What a line's text holds for a reader counting 孤字: Han characters and
/// other full-width signs one each, a run of Latin letters and digits one,
/// marks and spaces nothing.
pub fn text_units(text: &str) -> usize {
    let mut n = 0;
    let mut in_run = false;
    for ch in text.chars() {
        let latin = collect::is_latin(ch);
        match collect::class_of(ch) {
            _ if latin => {
                n += usize::from(!in_run);
            }
            collect::Class::Ideo => n += 1,
            _ => {}
        }
        in_run = latin;
    }
    n
}

/// Lines of a title, heading or guide entry break only between words and
/// never end with 「——」: every other atom is glued to the one before.
fn keep_words(atoms: &mut Atoms) {
    let starts = word_starts(atoms);
    let mut after_dash = false;
    for (a, start) in atoms.atoms.iter_mut().zip(starts) {
        if !start || after_dash {
            a.glue = true;
        }
        after_dash = is_dash(a);
    }
}

/// Whether an atom is the unit 「——」.
pub(super) fn is_dash(a: &collect::Atom) -> bool {
    a.glyphs.len() == 2 && a.glyphs.iter().all(|g| g.text == "—" || g.text == "―")
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
