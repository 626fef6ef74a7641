//! Inline layout, step 1 (collect): styled text → atoms, the unbreakable units
//! of line breaking, each with its glyphs, width and line-breaking class.
//! Two parts: [`segment`] cuts text into pieces (pure), [`shape`] looks up
//! their glyphs through a [`Shaper`] and makes atoms.

use super::finalize::Align;
use super::{Inline, Typesetter};
use crate::error::Place;
use crate::fonts::GlyphInfo;
use crate::layout::{FaceId, Rgb};
use crate::template::{CompositionStyle, GridLatin, Role};

/// How an atom behaves at a line break (layout.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A Han character or another full-width sign: breaks on either side.
    Ideo,
    /// An opening mark: never ends a line.
    Open,
    /// A closing mark or other line-start-prohibited mark: never starts a line.
    Close,
    /// A run of Latin letters and digits: never split.
    Latin,
    /// A space between Latin words: a break opportunity, dropped at line edges.
    Space,
}

/// Marks that never start a line (行首禁则, layout.md §5.1, clreq §3.1.7):
/// the listed ones plus the closing halves of all paired marks.
pub const LINE_START_PROHIBITED: &str = "。，、；：？！”’）〕】》〉…·」』〗〙］｝〞．｡､％‰℃";

/// Marks that never end a line (行尾禁则, layout.md §5.1): the opening halves of
/// paired marks.
pub const LINE_END_PROHIBITED: &str = "“‘（〔【《〈「『〖〘［｛〝";

/// Characters that, doubled, form one unbreakable unit of two cells
/// (—— and ……, layout.md §5.1).
pub const DOUBLED_UNITS: &str = "—―…";

/// The line-breaking class of a single full-width character.
pub fn class_of(ch: char) -> Class {
    if LINE_START_PROHIBITED.contains(ch) {
        Class::Close
    } else if LINE_END_PROHIBITED.contains(ch) {
        Class::Open
    } else if is_latin(ch) {
        Class::Latin
    } else if ch == ' ' {
        Class::Space
    } else {
        Class::Ideo
    }
}

/// Whether `ch` belongs in a Latin run (set half-width in the Latin role):
/// printable ASCII, Latin letters with diacritics, Greek letters (μ of μg),
/// the micro sign and superscript digits (m², m³), so that a unit such as
/// μg/m³ or km² is one run in one face (layout.md §5.7).
pub fn is_latin(ch: char) -> bool {
    ch.is_ascii_graphic()
        || (('\u{00C0}'..='\u{024F}').contains(&ch) && ch.is_alphabetic())
        || ('\u{0391}'..='\u{03C9}').contains(&ch)
        || matches!(ch, '\u{00B5}' | '\u{00B2}' | '\u{00B3}' | '\u{00B9}')
        || ('\u{2070}'..='\u{2079}').contains(&ch)
}

/// Where a Latin run may be broken across lines (layout.md §5.7): the
/// character offsets `k` (0 < k < len) before which a line may start. A URL
/// or e-mail address, or any run longer than 16 characters, may break after
/// "/" (not inside "//"), after "." or "@" before a letter, and after "-"
/// between letters; a number (12.5, 2024-05-10) or a unit (μg/m³) never.
pub fn latin_breaks(chars: &[char]) -> Vec<usize> {
    let text: String = chars.iter().collect();
    let url_like = text.contains("://") || text.contains("www.") || text.contains('@');
    if !url_like && chars.len() <= 16 {
        return Vec::new();
    }
    (1..chars.len())
        .filter(|&k| {
            let (prev, next) = (chars[k - 1], chars[k]);
            match prev {
                '/' => next != '/',
                '.' | '@' => next.is_alphabetic(),
                '-' => next.is_alphabetic() && k >= 2 && chars[k - 2].is_alphabetic(),
                _ => false,
            }
        })
        .collect()
}

/// A glyph of an atom, positioned relative to the atom's start.
#[derive(Debug, Clone, PartialEq)]
pub struct AtomGlyph {
    /// The face.
    pub face: FaceId,
    /// The glyph.
    pub gid: u16,
    /// Font size.
    pub size: f32,
    /// Horizontal scale.
    pub hscale: f32,
    /// Colour.
    pub color: Rgb,
    /// Offset of the glyph's origin from the atom's start.
    pub offset: f32,
    /// Width it occupies (the cell, or its advance).
    pub width: f32,
    /// The face's advance at this size and scale.
    pub advance: f32,
    /// The text it stands for.
    pub text: String,
}

/// An unbreakable unit of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// Line-breaking class.
    pub class: Class,
    /// Width in the line.
    pub width: f32,
    /// Whether the atom is a Han character (for the Han–Latin gap).
    pub han: bool,
    /// How much of its width it may give up under punctuation compression
    /// (the blank half of a mark's cell); 0 for the 版记, which is never
    /// compressed.
    pub squeeze: f32,
    /// Whether the blank half is on the left (opening marks) rather than the right.
    pub squeeze_left: bool,
    /// Whether it may hang past the right edge of a full line (a line-end
    /// mark under hanging punctuation).
    pub hang: bool,
    /// Whether a line may not break before it (it belongs to a unit kept
    /// whole, such as a name of the footer's lists).
    pub glue: bool,
    /// Whether a line may break before it although it continues a Latin run
    /// (a break point of a URL, or of a run too long for a line).
    pub soft: bool,
    /// Whether a line may end after it, inside its Latin run, when the line
    /// would otherwise be spread past the stretch limits: a syllable
    /// boundary of an English word ([`hyphen_points`]), or any character
    /// of a URL.
    pub split: bool,
    /// The hyphen drawn after it when a line ends at its `split`.
    pub hyphen: Option<Box<AtomGlyph>>,
    /// Its glyphs.
    pub glyphs: Vec<AtomGlyph>,
}

impl Atom {
    /// Give up `amount` of the atom's width from its blank side.
    pub fn compress(&mut self, amount: f32) {
        let amount = amount.min(self.squeeze).max(0.0);
        self.width -= amount;
        self.squeeze -= amount;
        // A mark is one glyph: its box shrinks with the atom.
        for g in &mut self.glyphs {
            g.width -= amount;
            if self.squeeze_left {
                g.offset -= amount;
            }
        }
    }
}

/// Line-end marks that may hang past the right edge of the type area
/// instead of pushing the character before them to the next line
/// (标点溢出边界, layout.md §5.6). Word's and WPS's default for Chinese
/// paragraphs; LibreOffice hangs exactly these seven and never closing
/// quotes or brackets (docs/word-line-layout.md).
pub const HANGING: &str = "。，、；：？！";

/// Closing marks whose glyph sits in the left half of its cell (GB/T 15834
/// positions): under compression their right half may be taken away.
pub const COMPRESSIBLE_CLOSE: &str = "。，、；：”’）〕】》〉」』〗〙］｝";

/// Opening marks whose glyph sits in the right half of its cell.
pub const COMPRESSIBLE_OPEN: &str = "“‘（〔【《〈「『〖〘［｛";

/// The atoms of an inline text and the glue before each atom (the Han–Latin gap).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Atoms {
    /// The atoms, in order.
    pub atoms: Vec<Atom>,
    /// `gaps[i]` is the space between atom `i - 1` and atom `i` (0 for `i == 0`).
    pub gaps: Vec<f32>,
    /// The most justification may add to the line's gaps (unlimited for
    /// text that is not justified).
    pub stretch: Stretch,
    /// Whether marks are compressed as a rule (GB punctuation compression);
    /// without it, a mark gives up its blank half only to keep a line
    /// within the stretch limits.
    pub compress: bool,
    /// The grid cell, for text on the character grid: squeezing never puts
    /// more full-width characters on a line than it has cells (GB/T
    /// 9704-2012 §5.2.3, 每行28字).
    pub cell: Option<f32>,
}

/// The most justification may add (layout.md §5.2), in pt: beyond it a line
/// is loose, which line breaking avoids by hyphenating and `check` reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    /// Between two characters (a Han character, a mark, a Latin run).
    pub letter: f32,
    /// To a space between Latin words.
    pub word: f32,
}

impl Default for Stretch {
    /// No limit.
    fn default() -> Stretch {
        Stretch {
            letter: f32::INFINITY,
            word: f32::INFINITY,
        }
    }
}

/// A unit of text as the segmenter finds it, before any glyph is looked up
/// (layout.md §5.1): what line breaking needs to know of the text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A full-width character, or `n = 2` of —— or …… (one unit of two cells).
    Wide {
        /// The character.
        ch: char,
        /// How many of it the unit holds (1, or 2 for a doubled mark).
        n: usize,
    },
    /// A run of Latin letters, digits and signs ([`is_latin`]), set in the Latin role.
    Latin(&'a str),
    /// A space between Latin words.
    Space,
}

/// Segment `text` into pieces: Latin runs, spaces and full-width units (step 1a
/// of inline layout, pure: no fonts, no template).
pub fn segment(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, ch)) = it.next() {
        if is_latin(ch) {
            let mut end = i + ch.len_utf8();
            while let Some(&(j, c)) = it.peek() {
                if !is_latin(c) {
                    break;
                }
                end = j + c.len_utf8();
                it.next();
            }
            out.push(Piece::Latin(&text[i..end]));
        } else if ch == ' ' {
            out.push(Piece::Space);
        } else if DOUBLED_UNITS.contains(ch) && it.peek().map(|&(_, c)| c) == Some(ch) {
            it.next();
            out.push(Piece::Wide { ch, n: 2 });
        } else {
            out.push(Piece::Wide { ch, n: 1 });
        }
    }
    out
}

/// What the shaper needs from the fonts (step 1b of inline layout): glyph
/// lookups, which role sets a role's Latin runs, and a place to record what
/// it had to do. The [`Typesetter`] is one, with the fonts of a render;
/// tests use fixed widths.
pub trait Shaper {
    /// The glyph for `ch` in `role` (text at `place`).
    fn glyph(&mut self, ch: char, role: Role, place: &Place) -> GlyphInfo;
    /// The role that sets the Latin runs of text in `role`.
    fn latin_role(&self, role: Role) -> Role;
    /// Record a warning about the text at `place`.
    fn warn(&mut self, place: Option<Place>, message: String);
}

impl Shaper for Typesetter<'_> {
    fn glyph(&mut self, ch: char, role: Role, place: &Place) -> GlyphInfo {
        Typesetter::glyph(self, ch, role, place)
    }

    fn latin_role(&self, role: Role) -> Role {
        self.fonts.set().latin_role(role)
    }

    fn warn(&mut self, place: Option<Place>, message: String) {
        Typesetter::warn(self, place, message)
    }
}

impl Typesetter<'_> {
    /// The atoms of `inline` with their glue ([`collect`]).
    pub(crate) fn collect(&mut self, inline: &Inline) -> Atoms {
        let c = &self.template.composition;
        collect(self, c, inline)
    }
}

/// Turn the spans of `inline` into atoms, with the glue between them: a
/// quarter-字 gap between a Han character and a Latin or digit run
/// (layout.md §5.3: Word's autospace), 字 being the grid cell on the grid and
/// the text size elsewhere; none when the runs are set in whole cells
/// ([`GridLatin::Cells`]: the cells give the room).
pub fn collect(sh: &mut impl Shaper, c: &CompositionStyle, inline: &Inline) -> Atoms {
    let atoms = shape(sh, c, inline);
    let zi = inline.cell.unwrap_or(inline.size) * inline.hscale;
    let gap = match (inline.cell, c.grid_latin) {
        _ if !inline.autospace => 0.0,
        (Some(_), GridLatin::Cells) => 0.0,
        _ => c.latin_gap_zi * zi,
    };
    let mut atoms = finish(
        atoms,
        inline.compress.unwrap_or(c.compress_punctuation),
        gap,
    );
    atoms.cell = inline.cell.map(|c| c * inline.hscale);
    if inline.align == Align::Justify {
        atoms.stretch = Stretch {
            letter: c.max_letter_spacing_zi * zi,
            word: c.max_word_spacing_zi * zi,
        };
    }
    atoms
}

/// The atoms of `inline`'s spans, each mark at its full width: the pieces of
/// [`segment`] with their glyphs looked up through `sh`.
pub fn shape(sh: &mut impl Shaper, c: &CompositionStyle, inline: &Inline) -> Vec<Atom> {
    let mut atoms: Vec<Atom> = Vec::new();
    let cell = inline.cell.unwrap_or(inline.size) * inline.hscale;
    let hang = inline.hang && c.hanging_punctuation;
    // Marks may give up their blank half unless compression is refused.
    let compress = inline.compress != Some(false);
    for span in &inline.spans {
        let first = atoms.len();
        for piece in segment(&span.text) {
            match piece {
                Piece::Latin(text) => {
                    let run: Vec<char> = text.chars().collect();
                    let role = sh.latin_role(span.role);
                    let mut atom = latin_atom(sh, &run, role, inline, span.color);
                    let on_grid = inline.cell.is_some();
                    if on_grid && c.grid_latin == GridLatin::Word {
                        // Word's grid adds the cell's difference from the
                        // font size to every character, digits included.
                        adjust(&mut atom, cell - inline.size * inline.hscale);
                    }
                    let room = inline.measure
                        - inline.first_indent.max(inline.rest_indent)
                        - inline.right_indent;
                    let mut cuts = latin_breaks(&run);
                    if atom.width > room {
                        // Longer than a line: it must break somewhere, at its
                        // break points if they do, else between any characters.
                        if !pieces_fit(&atom, &cuts, room) {
                            cuts = (1..run.len()).collect();
                            let shown: String = run.iter().take(24).collect();
                            sh.warn(
                                Some(inline.place.clone()),
                                format!(
                                    "西文/数字串“{shown}…”比一行还长，又没有可断开的位置，只好在行末断开：请检查是否应加空格"
                                ),
                            );
                        }
                    }
                    if !cuts.is_empty() {
                        let every: Vec<usize> = (1..run.len()).collect();
                        let mut pieces = split_latin(atom, &every);
                        // The break points proper; between them, any
                        // character may end a line that would be too loose.
                        for (k, p) in pieces.iter_mut().enumerate() {
                            p.soft = cuts.binary_search(&k).is_ok();
                        }
                        let last = pieces.len() - 1;
                        for p in &mut pieces[..last] {
                            p.split = true;
                        }
                        atoms.extend(pieces);
                    } else if on_grid
                        && c.grid_latin == GridLatin::Cells
                        && run.iter().any(|c| c.is_alphanumeric())
                    {
                        // Whole cells; a lone mark such as the "/" of
                        // 微克/立方米 keeps its own width.
                        snap_to_cells(&mut atom, cell, cell - inline.size * inline.hscale);
                        atoms.push(atom);
                    } else {
                        let points = if c.hyphenate {
                            hyphen_points(&run)
                        } else {
                            Vec::new()
                        };
                        if points.is_empty() {
                            atoms.push(atom);
                        } else {
                            let hyphen = latin_atom(sh, &['-'], role, inline, span.color);
                            let mut pieces = split_latin(atom, &points);
                            for p in &mut pieces {
                                p.soft = false;
                            }
                            let last = pieces.len() - 1;
                            for p in &mut pieces[..last] {
                                p.split = true;
                                p.hyphen = hyphen.glyphs.first().cloned().map(Box::new);
                            }
                            atoms.extend(pieces);
                        }
                    }
                }
                Piece::Space => {
                    let role = sh.latin_role(span.role);
                    let mut atom = latin_atom(sh, &[' '], role, inline, span.color);
                    atom.class = Class::Space;
                    if inline.cell.is_some() && c.grid_latin == GridLatin::Word {
                        adjust(&mut atom, cell - inline.size * inline.hscale);
                    }
                    atoms.push(atom);
                }
                Piece::Wide { ch, n } => {
                    let mut glyphs = Vec::with_capacity(n);
                    for k in 0..n {
                        let mut g = cjk_glyph(sh, ch, span.role, inline, span.color, cell);
                        if "—―".contains(ch) && g.advance > 0.0 && g.advance < cell - 0.01 {
                            // A dash narrower than its cell (the bold faces'
                            // proportional —) is drawn wider to fill it, so
                            // that 「——」 is one bar in the title's own face.
                            g.hscale *= cell / g.advance;
                            g.advance = cell;
                            g.offset = 0.0;
                        }
                        glyphs.push(AtomGlyph {
                            offset: g.offset + k as f32 * cell,
                            ..g
                        });
                    }
                    let compress = compress && n == 1;
                    let open = COMPRESSIBLE_OPEN.contains(ch);
                    let squeezable = compress && (open || COMPRESSIBLE_CLOSE.contains(ch));
                    atoms.push(Atom {
                        class: class_of(ch),
                        width: cell * n as f32,
                        han: is_han(ch),
                        squeeze: if squeezable { cell / 2.0 } else { 0.0 },
                        squeeze_left: open,
                        hang: hang && n == 1 && HANGING.contains(ch),
                        glue: false,
                        soft: false,
                        split: false,
                        hyphen: None,
                        glyphs,
                    });
                }
            }
        }
        if span.whole {
            // Lines break before the span, never inside it.
            for a in atoms.iter_mut().skip(first + 1) {
                a.glue = true;
            }
        }
    }
    atoms
}

/// A full-width glyph placed in its cell: marks narrower than the cell sit
/// against their text (opening marks right, closing marks left), others centred.
fn cjk_glyph(
    sh: &mut impl Shaper,
    ch: char,
    role: Role,
    inline: &Inline,
    color: Rgb,
    cell: f32,
) -> AtomGlyph {
    let g = sh.glyph(ch, role, &inline.place);
    let advance = g.advance * inline.size * inline.hscale;
    let offset = if advance >= cell - 0.01 {
        0.0
    } else {
        match class_of(ch) {
            Class::Open => cell - advance,
            Class::Close => 0.0,
            _ => (cell - advance) / 2.0,
        }
    };
    AtomGlyph {
        face: g.face,
        gid: g.gid,
        size: inline.size,
        hscale: inline.hscale,
        color,
        offset,
        width: cell,
        advance,
        text: ch.to_string(),
    }
}

/// One atom of the glyphs of `chars` in `role`, each at its advance.
pub fn latin_atom(
    sh: &mut impl Shaper,
    chars: &[char],
    role: Role,
    inline: &Inline,
    color: Rgb,
) -> Atom {
    let mut x = 0.0;
    let glyphs = chars
        .iter()
        .map(|&ch| {
            let g = sh.glyph(ch, role, &inline.place);
            let advance = g.advance * inline.size * inline.hscale;
            let glyph = AtomGlyph {
                face: g.face,
                gid: g.gid,
                size: inline.size,
                hscale: inline.hscale,
                color,
                offset: x,
                width: advance,
                advance,
                text: ch.to_string(),
            };
            x += advance;
            glyph
        })
        .collect();
    Atom {
        class: Class::Latin,
        width: x,
        han: false,
        squeeze: 0.0,
        squeeze_left: false,
        hang: false,
        glue: false,
        soft: false,
        split: false,
        hyphen: None,
        glyphs,
    }
}

/// The pieces of a Latin run cut before the characters `cuts` (offsets, each
/// glyph being one character): atoms that may begin a line. Linear in the
/// run's length: each glyph is moved once.
pub fn split_latin(mut atom: Atom, cuts: &[usize]) -> Vec<Atom> {
    let glyphs = std::mem::take(&mut atom.glyphs);
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut rest = glyphs.into_iter();
    let mut start = 0;
    let total = rest.len();
    for end in cuts.iter().copied().chain([total]) {
        let end = end.min(total);
        if end <= start {
            continue;
        }
        let mut glyphs: Vec<AtomGlyph> = rest.by_ref().take(end - start).collect();
        let x0 = glyphs[0].offset;
        for g in &mut glyphs {
            g.offset -= x0;
        }
        pieces.push(Atom {
            soft: start > 0,
            width: glyphs.iter().map(|g| g.width).sum(),
            glyphs,
            split: false,
            hyphen: None,
            ..atom.clone()
        });
        start = end;
    }
    pieces
}

/// Whether every piece of `atom` cut before `cuts` is at most `room` wide,
/// without making the pieces.
fn pieces_fit(atom: &Atom, cuts: &[usize], room: f32) -> bool {
    let mut start = 0;
    let n = atom.glyphs.len();
    cuts.iter().copied().chain([n]).all(|end| {
        let end = end.min(n).max(start);
        let w: f32 = atom.glyphs[start..end].iter().map(|g| g.width).sum();
        start = end;
        w <= room
    })
}

/// Where an English word may be hyphenated (layout.md §5.7): the character
/// offsets of its syllable boundaries by the US English patterns, for a run
/// of ASCII letters of six or more (with trailing punctuation); none for
/// anything else (numbers, units, abbreviations in capitals).
pub fn hyphen_points(run: &[char]) -> Vec<usize> {
    let letters = run
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .unwrap_or(run.len());
    if letters < 6
        || !run[letters..].iter().all(|c| ".,;:!?)'\"".contains(*c))
        || run[..letters].iter().all(|c| c.is_ascii_uppercase())
    {
        return Vec::new();
    }
    let word: String = run[..letters].iter().collect();
    let mut at = 0;
    let mut points = Vec::new();
    for syllable in hypher::hyphenate(&word, hypher::Lang::English) {
        if at > 0 {
            points.push(at);
        }
        at += syllable.chars().count();
    }
    points
}

/// A Latin run as Word sets it on the grid: every glyph's width changed by
/// `by` (the grid's per-character adjustment, layout.md §5.3).
pub fn adjust(atom: &mut Atom, by: f32) {
    let mut x = 0.0;
    for g in &mut atom.glyphs {
        g.offset = x;
        g.width = (g.advance + by).max(0.0);
        x += g.width;
    }
    atom.width = x;
}

/// A Latin or digit run on the character grid, as office suites set it
/// (docs/word-line-layout.md): every glyph tightened by `tighten` (the grid's
/// cell minus the font size, as the grid does to every character), the run
/// centred in the fewest whole cells that hold it.
pub fn snap_to_cells(atom: &mut Atom, cell: f32, tighten: f32) {
    let mut x = 0.0;
    for g in &mut atom.glyphs {
        g.offset = x;
        g.width = (g.advance + tighten).max(0.0);
        x += g.width;
    }
    let cells = (x / cell - 0.01).ceil().max(1.0);
    let width = cells * cell;
    let shift = (width - x) / 2.0;
    for g in &mut atom.glyphs {
        g.offset += shift;
    }
    atom.width = width;
}

/// Atoms with their glue: adjacent marks compressed when `compress` (GB
/// punctuation compression), and `latin_gap` between a Han character and a
/// Latin or digit run (layout.md §5.3).
pub fn finish(mut atoms: Vec<Atom>, compress: bool, latin_gap: f32) -> Atoms {
    if compress {
        compress_pairs(&mut atoms);
    }
    // Any run, a sign alone included (the "/" of 万吨/日), as Word's
    // autospace treats ASCII text: every Han–Latin gap of a line the same.
    let mut gaps = vec![0.0; atoms.len()];
    for i in 1..atoms.len() {
        let (a, b) = (&atoms[i - 1], &atoms[i]);
        let mixed = (a.han && b.class == Class::Latin) || (a.class == Class::Latin && b.han);
        if mixed {
            gaps[i] = latin_gap;
        }
    }
    Atoms {
        atoms,
        gaps,
        stretch: Stretch::default(),
        compress,
        cell: None,
    }
}

/// Adjacent marks share one blank half (GB/T 15834, clreq §3.1.6): a closing
/// mark before another mark gives up its right half; an opening mark after
/// another opening mark gives up its left half.
pub fn compress_pairs(atoms: &mut [Atom]) {
    for i in 1..atoms.len() {
        let (head, tail) = atoms.split_at_mut(i);
        let (prev, next) = (&mut head[i - 1], &mut tail[0]);
        let mark = |a: &Atom| a.squeeze > 0.0 || matches!(a.class, Class::Open | Class::Close);
        if prev.squeeze > 0.0 && !prev.squeeze_left && mark(next) {
            prev.compress(prev.squeeze);
        } else if next.squeeze > 0.0 && next.squeeze_left && prev.class == Class::Open {
            next.compress(next.squeeze);
        }
    }
}

/// Whether `ch` is a Han character (CJK unified ideographs and extensions,
/// compatibility ideographs, and 〇).
pub fn is_han(ch: char) -> bool {
    matches!(ch as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Fixed widths in place of fonts, for the tests of inline layout: the
/// real segmenter and shaper on text whose full-width characters are one em
/// wide and Latin characters half an em.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;
    use crate::typeset::{Inline, Span};

    /// A shaper without fonts: every glyph from face 0, full-width characters
    /// 1 em, Latin characters and spaces 0.5 em.
    pub struct Fixed;

    impl Shaper for Fixed {
        fn glyph(&mut self, ch: char, _role: Role, _place: &Place) -> GlyphInfo {
            GlyphInfo {
                face: FaceId(0),
                gid: ch as u16,
                advance: if is_latin(ch) || ch == ' ' { 0.5 } else { 1.0 },
                fallback: false,
            }
        }

        fn latin_role(&self, role: Role) -> Role {
            role
        }

        fn warn(&mut self, _place: Option<Place>, _message: String) {}
    }

    /// The composition of the built-in template, with or without GB
    /// punctuation compression, without hanging; lines may be spread by up
    /// to a cell a gap (the rules of line breaking apart from looseness:
    /// [`composition_limited`] has the template's limits).
    pub fn composition(compress: bool) -> CompositionStyle {
        CompositionStyle {
            max_letter_spacing_zi: 1.0,
            max_word_spacing_zi: 1.0,
            ..composition_limited(compress)
        }
    }

    /// [`composition`] with the built-in template's stretch limits (⅛ 字).
    pub fn composition_limited(compress: bool) -> CompositionStyle {
        CompositionStyle {
            latin_gap_zi: 0.25,
            compress_punctuation: compress,
            hanging_punctuation: false,
            widow_orphan: true,
            grid_latin: GridLatin::Word,
            max_letter_spacing_zi: 0.125,
            max_word_spacing_zi: 0.125,
            hyphenate: true,
            avoid_lone_characters: true,
        }
    }

    /// `text` at 1 pt, one em a cell, on an unbounded measure.
    pub fn inline(text: &str) -> Inline {
        Inline {
            spans: vec![Span {
                text: text.into(),
                role: Role::Body,
                color: Rgb(0.0, 0.0, 0.0),
                whole: false,
            }],
            size: 1.0,
            cell: None,
            hscale: 1.0,
            measure: 1000.0,
            first_indent: 0.0,
            rest_indent: 0.0,
            right_indent: 0.0,
            align: Align::Justify,
            balance: false,
            words: false,
            hang: false,
            compress: None,
            autospace: true,
            place: Place::new("$.test"),
        }
    }

    /// The atoms of `text` as [`collect`] makes them with [`Fixed`] widths:
    /// a 0.25 em Han–Latin gap, and adjacent marks shared when `compress`.
    pub fn atoms(text: &str, compress: bool) -> Atoms {
        collect(&mut Fixed, &composition(compress), &inline(text))
    }

    /// The atoms of `text` set on a `measure` of that many ems, line-end
    /// marks hanging when `hang`.
    pub fn atoms_in(text: &str, compress: bool, hang: bool, measure: f32) -> Atoms {
        let mut c = composition_limited(compress);
        c.hanging_punctuation = hang;
        let inline = Inline {
            measure,
            hang,
            ..inline(text)
        };
        collect(&mut Fixed, &c, &inline)
    }

    /// The text of atoms `r`.
    pub fn text(a: &Atoms, r: std::ops::Range<usize>) -> String {
        a.atoms[r]
            .iter()
            .flat_map(|x| x.glyphs.iter().map(|g| g.text.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_of_layout_md_is_classified() {
        // layout.md §5.1, line start: 。，、；：？！ ” ’ ） 〕 】 》 〉 … ·
        for ch in "。，、；：？！”’）〕】》〉…·".chars() {
            assert_eq!(class_of(ch), Class::Close, "{ch} must not start a line");
        }
        // layout.md §5.1, line end: “ ‘ （ 〔 【 《 〈
        for ch in "“‘（〔【《〈".chars() {
            assert_eq!(class_of(ch), Class::Open, "{ch} must not end a line");
        }
        for ch in "中昇★▲—〇".chars() {
            assert_eq!(class_of(ch), Class::Ideo, "{ch}");
        }
        assert_eq!(class_of('5'), Class::Latin);
        assert_eq!(class_of('%'), Class::Latin);
        assert_eq!(class_of(' '), Class::Space);
    }

    #[test]
    fn the_segmenter_keeps_runs_and_doubled_marks_whole() {
        use Piece::*;
        assert_eq!(
            segment("一PM2.5 值——12.5%……"),
            [
                Wide { ch: '一', n: 1 },
                Latin("PM2.5"),
                Space,
                Wide { ch: '值', n: 1 },
                Wide { ch: '—', n: 2 },
                Latin("12.5%"),
                Wide { ch: '…', n: 2 },
            ]
        );
        assert_eq!(
            segment("—…"),
            [Wide { ch: '—', n: 1 }, Wide { ch: '…', n: 1 }]
        );
        assert!(segment("").is_empty());
    }

    #[test]
    fn latin_and_han_sets() {
        assert!(is_latin('P') && is_latin('2') && is_latin('.') && is_latin('é'));
        assert!(!is_latin('中') && !is_latin('，') && !is_latin('５') && !is_latin(' '));
        assert!(is_han('中') && is_han('昇') && is_han('〇'));
        assert!(!is_han('，') && !is_han('A') && !is_han('★'));
    }
}
