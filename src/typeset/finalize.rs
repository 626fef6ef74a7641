//! Inline layout, step 3 (finalize): line ranges → positioned glyph runs,
//! justified or aligned (layout.md §5.2).

use std::ops::Range;

use super::collect::{AtomGlyph, Atoms, Class};
use super::linebreak::natural_width;
use crate::layout::{Glyph, GlyphRun};

/// How the lines of a text are placed in their measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Full lines spread to the measure, the last line flush left.
    Justify,
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// How one line is placed in its measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    /// Where the line's box starts, from the text block's left edge.
    pub indent: f32,
    /// The width available to the line.
    pub measure: f32,
    /// How the line is placed.
    pub align: Align,
    /// Whether it is the last line of its text block (never spread).
    pub last: bool,
    /// Whether its last atom is a mark hanging past the measure.
    pub hanging: bool,
    /// Width drawn after its last atom inside the measure (a hyphen).
    pub tail: f32,
    /// Whether the line is wider than its measure and is set tighter to
    /// end on it (its gaps narrowed by what is over, however it is aligned).
    pub shrink: bool,
}

/// Whether the gap before atom `i` is one between two characters, which
/// justification may widen: not beside a space (spaces stretch themselves)
/// and not inside a Latin run cut into pieces.
fn letter_gap(a: &Atoms, i: usize) -> bool {
    let (prev, next) = (&a.atoms[i - 1], &a.atoms[i]);
    !(prev.class == Class::Space
        || next.class == Class::Space
        || (prev.class == Class::Latin && next.class == Class::Latin))
}

/// Where each atom of a line starts, and how much was added to each gap
/// between its characters to spread it (0 when it was not).
///
/// A justified line that is not the paragraph's last is spread to end
/// exactly at `indent + measure`: the spaces between Latin words take the
/// difference first, each up to the atoms' [`Stretch::word`]; the gaps
/// between characters take the rest, evenly (layout.md §5.2). A line with
/// neither spreads over every gap. A `hanging` line's last atom is left out
/// of that and set just past the measure.
pub fn atom_positions(a: &Atoms, r: Range<usize>, s: Setting) -> (Vec<f32>, f32) {
    let inside = if s.hanging && r.len() > 1 {
        r.start..r.end - 1
    } else {
        r.clone()
    };
    let natural = f64::from(natural_width(a, inside.clone())) + f64::from(s.tail);
    let count = inside.len();
    let free = f64::from(s.measure) - natural;
    let spread = (s.align == Align::Justify && !s.last && count > 1 && free > 1e-4)
        || (s.shrink && count > 1 && free < -1e-4);
    let spaces = inside
        .clone()
        .filter(|&i| a.atoms[i].class == Class::Space)
        .count();
    let letters = (inside.start + 1..inside.end)
        .filter(|&i| letter_gap(a, i))
        .count();
    let (mut per_space, mut per_gap, mut every) = (0.0, 0.0, 0.0);
    if spread && free < 0.0 {
        // Tighter: every gap between characters gives up the same.
        if letters > 0 {
            per_gap = free / letters as f64;
        } else {
            every = free / (count - 1) as f64;
        }
    } else if spread {
        let mut rest = free;
        if spaces > 0 {
            per_space = (rest / spaces as f64).min(f64::from(a.stretch.word));
            rest -= per_space * spaces as f64;
        }
        if letters > 0 {
            per_gap = rest / letters as f64;
        } else if spaces > 0 {
            per_space += rest / spaces as f64;
        } else {
            every = rest / (count - 1) as f64;
        }
    }
    let start = f64::from(s.indent)
        + match s.align {
            Align::Justify | Align::Left => 0.0,
            Align::Center if !spread => free.max(0.0) / 2.0,
            Align::Right if !spread => free.max(0.0),
            _ => 0.0,
        };
    let mut xs = Vec::with_capacity(r.len());
    let mut x = start;
    for (n, i) in inside.clone().enumerate() {
        if n > 0 {
            let prev = &a.atoms[i - 1];
            x += f64::from(prev.width) + f64::from(a.gaps[i]) + every;
            if prev.class == Class::Space {
                x += per_space;
            }
            if letter_gap(a, i) {
                x += per_gap;
            }
        }
        xs.push(x as f32);
    }
    if inside.end < r.end {
        // The hanging mark, right after the last atom inside the measure.
        let i = inside.end;
        x += f64::from(a.atoms[i - 1].width) + f64::from(a.gaps[i]);
        xs.push(x as f32);
    }
    (xs, (per_gap + every) as f32)
}

/// The glyph runs of a line whose atoms start at `xs`: consecutive glyphs of
/// the same face, size, scale and colour form one run.
pub fn runs(a: &Atoms, r: Range<usize>, xs: &[f32]) -> Vec<GlyphRun> {
    let mut out: Vec<GlyphRun> = Vec::new();
    for (i, &x) in r.zip(xs) {
        for g in &a.atoms[i].glyphs {
            push_glyph(&mut out, g, x);
        }
    }
    out
}

/// Add glyph `g` of an atom starting at `x` to the runs of a line.
pub fn push_glyph(out: &mut Vec<GlyphRun>, g: &AtomGlyph, x: f32) {
    let glyph = Glyph {
        gid: g.gid,
        x: x + g.offset,
        width: g.width,
        advance: g.advance,
        text: g.text.clone(),
    };
    match out.last_mut() {
        Some(run)
            if run.face == g.face
                && run.size == g.size
                && run.hscale == g.hscale
                && run.color == g.color =>
        {
            run.glyphs.push(glyph)
        }
        _ => out.push(GlyphRun {
            face: g.face,
            size: g.size,
            hscale: g.hscale,
            color: g.color,
            glyphs: vec![glyph],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect::Atom;
    use super::*;

    fn atoms(widths: &[f32], gaps: &[f32]) -> Atoms {
        Atoms {
            atoms: widths
                .iter()
                .map(|&w| Atom {
                    class: Class::Ideo,
                    width: w,
                    han: true,
                    squeeze: 0.0,
                    squeeze_left: false,
                    hang: false,
                    glue: false,
                    soft: false,
                    split: false,
                    hyphen: None,
                    glyphs: vec![],
                })
                .collect(),
            gaps: gaps.to_vec(),
            stretch: Default::default(),
            compress: false,
            cell: None,
        }
    }

    const CELL: f32 = 442.2047 / 28.0;

    fn at(indent: f32, measure: f32, align: Align, last: bool) -> Setting {
        Setting {
            indent,
            measure,
            align,
            last,
            hanging: false,
            tail: 0.0,
            shrink: false,
        }
    }

    #[test]
    fn a_full_grid_line_is_not_spread() {
        let a = atoms(&[CELL; 28], &[0.0; 28]);
        let (xs, spread) = atom_positions(&a, 0..28, at(0.0, 28.0 * CELL, Align::Justify, false));
        assert!(spread == 0.0);
        assert!((xs[27] + CELL - 28.0 * CELL).abs() < 0.01);
        assert!((xs[5] - 5.0 * CELL).abs() < 1e-3);
    }

    #[test]
    fn a_line_short_by_one_cell_spreads_it_over_its_gaps() {
        // 27 cells on a 28-cell measure: 27 − 1 = 26 gaps share one cell.
        let a = atoms(&[CELL; 27], &[0.0; 27]);
        let measure = 28.0 * CELL;
        let (xs, spread) = atom_positions(&a, 0..27, at(0.0, measure, Align::Justify, false));
        assert!(spread > 0.0);
        assert!(
            (xs[26] + CELL - measure).abs() < 0.01,
            "ends at the right edge"
        );
        let per_gap = CELL / 26.0;
        assert!((xs[1] - (CELL + per_gap)).abs() < 1e-3);
        for w in xs.windows(2) {
            assert!(
                (w[1] - w[0] - (CELL + per_gap)).abs() < 1e-3,
                "even spreading"
            );
        }
    }

    #[test]
    fn latin_lines_end_at_the_edge_with_indent() {
        // Two Han cells, a 0.25-cell gap, a Latin run of 1.6 cells, and Han again.
        let mut widths = vec![CELL, CELL, 1.6 * CELL];
        widths.extend([CELL; 20]);
        let mut gaps = vec![0.0; 23];
        gaps[2] = 0.25 * CELL;
        gaps[3] = 0.25 * CELL;
        let a = atoms(&widths, &gaps);
        let indent = 2.0 * CELL;
        let measure = 26.0 * CELL;
        let (xs, spread) = atom_positions(&a, 0..23, at(indent, measure, Align::Justify, false));
        assert!(spread > 0.0);
        assert!((xs[22] + CELL - (indent + measure)).abs() < 0.01);
        assert_eq!(xs[0], indent);
    }

    #[test]
    fn last_lines_and_other_alignments_are_not_spread() {
        let a = atoms(&[CELL; 10], &[0.0; 10]);
        let m = 28.0 * CELL;
        let (xs, spread) = atom_positions(&a, 0..10, at(0.0, m, Align::Justify, true));
        assert!(spread == 0.0);
        assert!((xs[9] - 9.0 * CELL).abs() < 1e-3);
        let (xs, _) = atom_positions(&a, 0..10, at(0.0, m, Align::Center, false));
        assert!((xs[0] - 9.0 * CELL).abs() < 1e-3);
        let (xs, _) = atom_positions(&a, 0..10, at(0.0, m, Align::Right, false));
        assert!((xs[9] + CELL - m).abs() < 1e-3);
        let (xs, spread) = atom_positions(&a, 0..1, at(0.0, m, Align::Justify, false));
        assert!(
            spread == 0.0 && xs == vec![0.0],
            "a single atom cannot be spread"
        );
    }
}
