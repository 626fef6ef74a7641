//! Inline layout, step 3 (finalize): line ranges → positioned glyph runs,
//! justified or aligned (layout.md §5.2).

use std::ops::Range;

use super::collect::Atoms;
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

/// Where each atom of a line starts, and how much was added to each gap
/// between its atoms to spread it (0 when it was not).
///
/// A justified line that is not the paragraph's last gets the difference
/// between the measure and its natural width spread evenly over the gaps
/// between its atoms, so that its last atom ends exactly at `indent + measure`.
/// A `hanging` line's last atom is left out of that and set just past the
/// measure.
#[allow(clippy::too_many_arguments)]
pub fn atom_positions(
    a: &Atoms,
    r: Range<usize>,
    indent: f32,
    measure: f32,
    align: Align,
    last: bool,
    hanging: bool,
) -> (Vec<f32>, f32) {
    let inside = if hanging && r.len() > 1 {
        r.start..r.end - 1
    } else {
        r.clone()
    };
    let natural = f64::from(natural_width(a, inside.clone()));
    let count = inside.len();
    let free = f64::from(measure) - natural;
    let spread = align == Align::Justify && !last && count > 1 && free > 1e-4;
    let per_gap = if spread {
        free / (count - 1) as f64
    } else {
        0.0
    };
    let start = f64::from(indent)
        + match align {
            Align::Justify | Align::Left => 0.0,
            Align::Center => free.max(0.0) / 2.0,
            Align::Right => free.max(0.0),
        };
    let mut xs = Vec::with_capacity(r.len());
    let mut x = start;
    for (n, i) in inside.clone().enumerate() {
        if n > 0 {
            x += f64::from(a.atoms[i - 1].width) + f64::from(a.gaps[i]) + per_gap;
        }
        xs.push(x as f32);
    }
    if inside.end < r.end {
        // The hanging mark, right after the last atom inside the measure.
        let i = inside.end;
        x += f64::from(a.atoms[i - 1].width) + f64::from(a.gaps[i]);
        xs.push(x as f32);
    }
    (xs, per_gap as f32)
}

/// The glyph runs of a line whose atoms start at `xs`: consecutive glyphs of
/// the same face, size, scale and colour form one run.
pub fn runs(a: &Atoms, r: Range<usize>, xs: &[f32]) -> Vec<GlyphRun> {
    let mut out: Vec<GlyphRun> = Vec::new();
    for (i, &x) in r.zip(xs) {
        for g in &a.atoms[i].glyphs {
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
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::collect::{Atom, Class};
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
                    glyphs: vec![],
                })
                .collect(),
            gaps: gaps.to_vec(),
        }
    }

    const CELL: f32 = 442.2047 / 28.0;

    #[test]
    fn a_full_grid_line_is_not_spread() {
        let a = atoms(&[CELL; 28], &[0.0; 28]);
        let (xs, spread) =
            atom_positions(&a, 0..28, 0.0, 28.0 * CELL, Align::Justify, false, false);
        assert!(spread == 0.0);
        assert!((xs[27] + CELL - 28.0 * CELL).abs() < 0.01);
        assert!((xs[5] - 5.0 * CELL).abs() < 1e-3);
    }

    #[test]
    fn a_line_short_by_one_cell_spreads_it_over_its_gaps() {
        // 27 cells on a 28-cell measure: 27 − 1 = 26 gaps share one cell.
        let a = atoms(&[CELL; 27], &[0.0; 27]);
        let measure = 28.0 * CELL;
        let (xs, spread) = atom_positions(&a, 0..27, 0.0, measure, Align::Justify, false, false);
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
        let (xs, spread) = atom_positions(&a, 0..23, indent, measure, Align::Justify, false, false);
        assert!(spread > 0.0);
        assert!((xs[22] + CELL - (indent + measure)).abs() < 0.01);
        assert_eq!(xs[0], indent);
    }

    #[test]
    fn last_lines_and_other_alignments_are_not_spread() {
        let a = atoms(&[CELL; 10], &[0.0; 10]);
        let m = 28.0 * CELL;
        let (xs, spread) = atom_positions(&a, 0..10, 0.0, m, Align::Justify, true, false);
        assert!(spread == 0.0);
        assert!((xs[9] - 9.0 * CELL).abs() < 1e-3);
        let (xs, _) = atom_positions(&a, 0..10, 0.0, m, Align::Center, false, false);
        assert!((xs[0] - 9.0 * CELL).abs() < 1e-3);
        let (xs, _) = atom_positions(&a, 0..10, 0.0, m, Align::Right, false, false);
        assert!((xs[9] + CELL - m).abs() < 1e-3);
        let (xs, spread) = atom_positions(&a, 0..1, 0.0, m, Align::Justify, false, false);
        assert!(
            spread == 0.0 && xs == vec![0.0],
            "a single atom cannot be spread"
        );
    }
}
