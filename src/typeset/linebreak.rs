//! Inline layout, step 2 (line-break): atoms → lines, first-fit as office
//! software does it (layout.md §5.5), honouring the prohibitions of §5.1;
//! and balanced breaking for titles (§4.1).

use std::ops::Range;

use super::collect::{Atoms, Class};

/// Marks of a line squeezed to make it fit: (atom, width taken away).
pub type Squeezes = Vec<(usize, f32)>;

/// Tolerance for "fits": lengths are sums of f32 cell widths.
const EPS: f32 = 0.01;

/// A line's range of atoms, with leading and trailing spaces trimmed.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRange {
    /// The atoms of the line.
    pub atoms: Range<usize>,
    /// Whether no legal break was found and one was forced (a prohibition broken
    /// or an atom wider than the measure).
    pub forced: bool,
    /// Marks of the line compressed to make it fit: (atom, width taken away).
    pub squeezed: Vec<(usize, f32)>,
    /// Whether the line's last atom is a mark hanging past the measure.
    pub hanging: bool,
    /// Whether the line ends inside an English word, with a hyphen drawn
    /// after its last atom.
    pub hyphen: bool,
    /// Whether the line is set tighter than its natural width (a lone last
    /// character taken back, within the stretch limit).
    pub shrink: bool,
}

/// Whether a line may break between atom `k - 1` and atom `k`.
pub fn can_break_before(a: &Atoms, k: usize) -> bool {
    if k == 0 || k >= a.atoms.len() {
        return true;
    }
    let (prev, next) = (&a.atoms[k - 1], &a.atoms[k]);
    !(next.glue
        || next.class == Class::Close
        || prev.class == Class::Open
        || (prev.class == Class::Latin && next.class == Class::Latin && !next.soft))
}

/// Natural width of atoms `r` on one line: the atoms and the gaps between them.
pub fn natural_width(a: &Atoms, r: Range<usize>) -> f32 {
    let start = r.start;
    r.map(|i| a.atoms[i].width + if i > start { a.gaps[i] } else { 0.0 })
        .sum()
}

fn trim(a: &Atoms, mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && a.atoms[r.start].class == Class::Space {
        r.start += 1;
    }
    while r.end > r.start && a.atoms[r.end - 1].class == Class::Space {
        r.end -= 1;
    }
    r
}

/// The autospace before atom `i` when a line starts there with a Han
/// character after a Latin or digit run: Word measures the character with
/// its autospace even at a line's start, where it is not drawn (the line is
/// spread instead). This is what makes the example's fifth page end,
/// 「…召开2024 / 年第二次…督察工作 / 部署会」, fall where the office copy's did.
pub fn carried_gap(a: &Atoms, i: usize) -> f32 {
    if i > 0 && i < a.atoms.len() && a.atoms[i].han && a.atoms[i - 1].class == Class::Latin {
        a.gaps[i]
    } else {
        0.0
    }
}

/// First-fit line breaking. `measure(n)` is the width available to line `n`.
///
/// Each line takes as many atoms as fit. When the atom after the last one is
/// a line-end mark that may hang (and what follows it may start a line), it
/// hangs past the measure and the line is full, as Word and WPS do by
/// default. Otherwise, when it may not start a line (or the last one may not
/// end it): under punctuation compression, marks of the line are squeezed to
/// take it in; else atoms are moved to the next line one at a time until the
/// break is legal, leaving the line short (finalize spreads the difference).
pub fn first_fit(a: &Atoms, measure: impl Fn(usize) -> f32) -> Vec<LineRange> {
    let n = a.atoms.len();
    let mut lines = Vec::new();
    let mut i = 0;
    while i < n {
        while i < n && a.atoms[i].class == Class::Space {
            i += 1;
        }
        if i >= n {
            break;
        }
        let m = measure(lines.len());
        let mut j = i;
        let mut w = carried_gap(a, i);
        while j < n {
            let add = a.atoms[j].width + if j > i { a.gaps[j] } else { 0.0 };
            // Trailing spaces do not count against the measure.
            if a.atoms[j].class != Class::Space && w + add > m + EPS {
                break;
            }
            w += add;
            j += 1;
        }
        let mut forced = false;
        let mut squeezed = Vec::new();
        let mut hanging = false;
        if j > i && j < n && a.atoms[j].hang && can_break_before(a, j + 1) {
            j += 1;
            hanging = true;
        } else if j == i {
            // A single atom wider than the measure: it gets a line of its own.
            j = i + 1;
            forced = true;
        } else if j < n && !can_break_before(a, j) {
            // Compress before you stretch: take marks that may not start the
            // next line into this one by squeezing marks of the line.
            if let Some((end, sq)) = squeeze_in(a, i, j, w, m) {
                j = end;
                squeezed = sq;
            } else {
                let mut k = j - 1;
                while k > i && !can_break_before(a, k) {
                    k -= 1;
                }
                if k > i {
                    j = k;
                } else {
                    forced = true;
                }
            }
        }
        let mut hyphen = false;
        if !forced && !hanging && j < n && squeezed.is_empty() && too_loose(a, i..j, m) {
            // Too loose to spread within the limits: end inside the word or
            // URL that did not fit, else take it in by squeezing marks.
            if let Some(k) = split_break(a, i, j, m) {
                j = k;
                hyphen = true;
            } else if let Some((end, sq, hang)) = squeeze_loose(a, i, j, m) {
                j = end;
                squeezed = sq;
                hanging = hang;
            }
        }
        lines.push(LineRange {
            atoms: trim(a, i..j),
            forced,
            squeezed,
            hanging,
            hyphen,
            shrink: false,
        });
        i = j;
    }
    lines
}

/// Counts of a line's stretchable places: (spaces between Latin words,
/// gaps between characters), as justification uses them (finalize).
fn stretchable(a: &Atoms, r: Range<usize>) -> (usize, usize) {
    let spaces = r
        .clone()
        .filter(|&i| a.atoms[i].class == Class::Space)
        .count();
    let letters = (r.start + 1..r.end)
        .filter(|&i| {
            let (p, q) = (a.atoms[i - 1].class, a.atoms[i].class);
            !(p == Class::Space || q == Class::Space || (p == Class::Latin && q == Class::Latin))
        })
        .count();
    (spaces, letters)
}

/// Whether atoms `r` set on measure `m` would be spread past the atoms'
/// stretch limits (layout.md §5.2).
pub fn too_loose(a: &Atoms, r: Range<usize>, m: f32) -> bool {
    let r = trim(a, r);
    if r.len() < 2 {
        return false;
    }
    let free = m - natural_width(a, r.clone());
    let (spaces, letters) = stretchable(a, r);
    free > spaces as f32 * a.stretch.word + letters as f32 * a.stretch.letter + EPS
}

/// For a line from `i` whose first-fit end `j` leaves it too loose: the
/// latest split point of the Latin run after `j` (a syllable boundary of an
/// English word, any character of a URL) at which the line, with its
/// hyphen, still fits `m` (layout.md §5.7).
fn split_break(a: &Atoms, i: usize, j: usize, m: f32) -> Option<usize> {
    let mut best = None;
    // (With the spaces before the word: they are inside the line now.)
    let mut w = natural_width(a, i..j);
    for k in j..a.atoms.len() {
        w += a.atoms[k].width + if k > i { a.gaps[k] } else { 0.0 };
        if w > m + EPS {
            break;
        }
        if a.atoms[k].split {
            let hyphen = a.atoms[k].hyphen.as_ref().map_or(0.0, |h| h.width);
            if w + hyphen <= m + EPS {
                best = Some(k + 1);
            }
        }
    }
    best
}

/// For a line from `i` whose first-fit end `j` leaves it too loose: the end
/// of the unit after `j` (up to the next legal break) taken in by squeezing
/// marks of the line (the last first, each by its blank half), its last
/// mark hanging when it may; with the squeezes and whether it hangs.
/// Compress before you stretch (clreq §3.1.6), also where compression is
/// not the rule.
fn squeeze_loose(a: &Atoms, i: usize, j: usize, m: f32) -> Option<(usize, Squeezes, bool)> {
    let n = a.atoms.len();
    let mut end = j + 1;
    while end < n && !can_break_before(a, end) {
        end += 1;
    }
    let hang = end - j > 1 && a.atoms[end - 1].hang;
    let inside = i..end - usize::from(hang);
    let mut need = natural_width(a, trim(a, inside.clone())) - m;
    let mut squeezed = Vec::new();
    for k in inside.rev() {
        if need <= EPS {
            break;
        }
        let take = a.atoms[k].squeeze.min(need);
        if take > 0.0 {
            squeezed.push((k, take));
            need -= take;
        }
    }
    (need <= EPS && within_grid(a, i..end - usize::from(hang), m)).then_some((end, squeezed, hang))
}

/// Two lines of a title, heading or guide entry broken at a strong point
/// when one fits both lines in their measures (`measure(n)` for line `n`):
/// after a 「，」「；」「：」, or before a 「——」 (a subtitle's dash opens the
/// second line), the most even such break.
pub fn strong_break(a: &Atoms, lines: &mut [LineRange], measure: impl Fn(usize) -> f32) {
    if lines.len() != 2 {
        return;
    }
    let n = a.atoms.len();
    let text = |k: usize| a.atoms[k].glyphs.first().map_or("", |g| g.text.as_str());
    let strong = |p: usize| {
        matches!(text(p - 1), "，" | "；" | "：")
            || (a.atoms[p].glyphs.len() == 2 && matches!(text(p), "—" | "―"))
    };
    let best = (1..n)
        .filter(|&p| {
            strong(p) && a.atoms[p].class != Class::Close && a.atoms[p - 1].class != Class::Open
        })
        .filter_map(|p| {
            let (x, y) = (trim(a, 0..p), trim(a, p..n));
            let (w1, w2) = (natural_width(a, x.clone()), natural_width(a, y.clone()));
            (!x.is_empty() && !y.is_empty() && w1 <= measure(0) + EPS && w2 <= measure(1) + EPS)
                .then_some((x, y, (w1 - w2).abs()))
        })
        .min_by(|p, q| p.2.total_cmp(&q.2));
    if let Some((x, y, _)) = best {
        lines[0].atoms = x;
        lines[1].atoms = y;
        lines[0].hanging = false;
        lines[1].hanging = false;
    }
}

/// Whether atoms `r`, squeezed or set tighter, still count no more cells
/// than a line of measure `m` has (off the grid: always): a full-width
/// character one cell, Latin glyphs their own advances (before the grid's
/// adjustment), as a reader counting 每行28字 does (GB/T 9704-2012 §5.2.3).
fn within_grid(a: &Atoms, r: Range<usize>, m: f32) -> bool {
    let Some(cell) = a.cell else {
        return true;
    };
    let cells: f32 = a.atoms[r]
        .iter()
        .map(|x| match x.class {
            Class::Ideo | Class::Open | Class::Close => x.glyphs.len().max(1) as f32,
            _ => x.glyphs.iter().map(|g| g.advance).sum::<f32>() / cell,
        })
        .sum();
    cells <= (m / cell + EPS).floor() + EPS
}

/// What a line holds for a reader counting 孤字: its Han characters and
/// other full-width signs, and its Latin and digit runs, each run one.
pub fn units(a: &Atoms, r: Range<usize>) -> usize {
    r.clone()
        .filter(|&k| match a.atoms[k].class {
            Class::Ideo => true,
            Class::Latin => k == r.start || a.atoms[k - 1].class != Class::Latin,
            _ => false,
        })
        .count()
}

/// A paragraph's last line of one character and its marks (孤字, layout.md
/// §5.8): taken back into the line before when setting that line tighter,
/// by at most the letter stretch limit a gap, holds it (a line-end mark may
/// hang); else the line before gives it what follows its last legal break,
/// when that leaves the line before within its stretch limits and the last
/// line within its measure (`measure(n)` for line `n`).
pub fn avoid_lone(a: &Atoms, lines: &mut Vec<LineRange>, measure: impl Fn(usize) -> f32) {
    let n = lines.len();
    if n < 2 || units(a, lines[n - 1].atoms.clone()) > 1 || lines[n - 2].forced {
        return;
    }
    let (prev, last) = (&lines[n - 2], &lines[n - 1]);
    if prev.squeezed.is_empty() && !prev.hyphen {
        let whole = prev.atoms.start..last.atoms.end;
        let hang = whole.len() > 1 && a.atoms[whole.end - 1].hang;
        let inside = whole.start..whole.end - usize::from(hang);
        let over = natural_width(a, inside.clone()) - measure(n - 2);
        let (_, letters) = stretchable(a, inside.clone());
        if over <= letters as f32 * a.stretch.letter && within_grid(a, inside, measure(n - 2)) {
            lines[n - 2] = LineRange {
                atoms: whole,
                forced: false,
                squeezed: Vec::new(),
                hanging: hang && over > 0.0,
                hyphen: false,
                shrink: over > 0.0,
            };
            lines.pop();
            return;
        }
    }
    // The latest legal break that gives the last line two characters at
    // least, keeps it within its measure and the line before within its
    // stretch limits.
    let Some((k, head, tail)) = (prev.atoms.start + 2..prev.atoms.end)
        .rev()
        .filter(|&k| can_break_before(a, k) && a.atoms[k].class != Class::Space)
        .map(|k| (k, trim(a, prev.atoms.start..k), trim(a, k..last.atoms.end)))
        .filter(|(_, _, tail)| units(a, tail.clone()) >= 2)
        .find(|(_, head, tail)| {
            natural_width(a, tail.clone()) <= measure(n - 1) + EPS
                && !too_loose(a, head.clone(), measure(n - 2))
        })
    else {
        return;
    };
    let squeezed = prev.squeezed.iter().copied().filter(|s| s.0 < k).collect();
    lines[n - 2] = LineRange {
        atoms: head,
        forced: false,
        squeezed,
        hanging: false,
        hyphen: false,
        shrink: false,
    };
    lines[n - 1].atoms = tail;
}

/// Under punctuation compression: the end of a line from `i` that takes the
/// atoms from `j` up to the next legal break, when squeezing the line's marks
/// (the last first) makes them fit in `m`; with the squeezes.
fn squeeze_in(a: &Atoms, i: usize, j: usize, w: f32, m: f32) -> Option<(usize, Vec<(usize, f32)>)> {
    if !a.compress {
        return None;
    }
    let mut end = j;
    let mut width = w;
    while end < a.atoms.len() && !can_break_before(a, end) {
        width += a.atoms[end].width + a.gaps[end];
        end += 1;
    }
    let mut need = width - m;
    let mut squeezed = Vec::new();
    for k in (i..end).rev() {
        if need <= EPS {
            break;
        }
        let take = a.atoms[k].squeeze.min(need);
        if take > 0.0 {
            squeezed.push((k, take));
            need -= take;
        }
    }
    (need <= EPS).then_some((end, squeezed))
}

/// Balanced breaking (titles, two-line names; layout.md §4.1): the fewest
/// lines first-fit needs, with breaks chosen so that the lines' widths are as
/// equal as possible (least squares from the mean), each within its measure
/// (`measure(n)` for line `n`) and at a legal break. With `words` (whether a
/// word begins at each atom), the breaks fall between words, unless no such
/// breaks give lines within `tolerance` of each other; then between any
/// characters.
pub fn balanced(
    a: &Atoms,
    measure: impl Fn(usize) -> f32 + Copy,
    words: Option<&[bool]>,
    tolerance: f32,
) -> Vec<LineRange> {
    let greedy = first_fit(a, measure);
    let k = greedy.len();
    if k <= 1 || greedy.iter().any(|l| l.forced) {
        return greedy;
    }
    if let Some(words) = words {
        if let Some(lines) = best_split(a, measure, k, |j| words.get(j).copied().unwrap_or(true)) {
            let widths: Vec<f32> = lines
                .iter()
                .map(|l| natural_width(a, l.atoms.clone()))
                .collect();
            let (lo, hi) = widths
                .iter()
                .fold((f32::MAX, 0.0_f32), |(lo, hi), &w| (lo.min(w), hi.max(w)));
            if hi - lo <= tolerance + EPS {
                return lines;
            }
        }
    }
    best_split(a, measure, k, |_| true).unwrap_or(greedy)
}

/// The most balanced split of the atoms into `k` lines, line `n` at most
/// `measure(n)` wide, breaking only where the prohibitions and `allowed(j)`
/// (a break before atom `j`) permit; `None` when there is none.
fn best_split(
    a: &Atoms,
    measure: impl Fn(usize) -> f32,
    k: usize,
    allowed: impl Fn(usize) -> bool,
) -> Option<Vec<LineRange>> {
    let n = a.atoms.len();
    // prefix[t]: width of atoms 0..t with the gaps before each, so that the
    // natural width of i..j is prefix[j] - prefix[i] - gaps[i].
    let mut prefix = vec![0.0_f32; n + 1];
    for t in 0..n {
        prefix[t + 1] = prefix[t] + a.atoms[t].width + a.gaps[t];
    }
    let width = |r: Range<usize>| prefix[r.end] - prefix[r.start] - a.gaps[r.start];
    let breakable = |j: usize| j == 0 || j == n || (can_break_before(a, j) && allowed(j));
    let target = width(0..n) / k as f32;
    // best[l][j]: least cost of setting atoms 0..j on l lines; prev for backtracking.
    let mut best = vec![vec![f32::INFINITY; n + 1]; k + 1];
    let mut prev = vec![vec![usize::MAX; n + 1]; k + 1];
    best[0][0] = 0.0;
    for l in 1..=k {
        let room = measure(l - 1);
        for j in (1..=n).filter(|&j| breakable(j)) {
            // Lines end at j and start at i, as far back as the measure allows.
            for i in (l - 1..j).rev() {
                let r = trim(a, i..j);
                if !r.is_empty() && width(r.clone()) > room + EPS {
                    break;
                }
                if !best[l - 1][i].is_finite() || !breakable(i) || r.is_empty() {
                    continue;
                }
                let w = width(r);
                let cost = best[l - 1][i] + (w - target) * (w - target);
                if cost < best[l][j] {
                    best[l][j] = cost;
                    prev[l][j] = i;
                }
            }
        }
    }
    if !best[k][n].is_finite() {
        return None;
    }
    let mut ends = Vec::with_capacity(k);
    let mut j = n;
    for l in (1..=k).rev() {
        let i = prev[l][j];
        ends.push(i..j);
        j = i;
    }
    ends.reverse();
    Some(
        ends.into_iter()
            .map(|r| LineRange {
                atoms: trim(a, r),
                forced: false,
                squeezed: Vec::new(),
                hanging: false,
                hyphen: false,
                shrink: false,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::collect::fake;
    use super::*;

    /// The atoms of `text` from the real segmenter and shaper, with fixed
    /// widths: full-width characters 1, Latin characters 0.5, a 0.25 gap
    /// between Han and Latin.
    fn atoms_with(text: &str, compress: bool) -> Atoms {
        fake::atoms(text, compress)
    }

    fn atoms(text: &str) -> Atoms {
        atoms_with(text, false)
    }

    /// `atoms` with GB punctuation compression on: marks may give up half a cell.
    fn compressed(text: &str) -> Atoms {
        atoms_with(text, true)
    }

    fn lengths(text: &str, measure: f32) -> Vec<usize> {
        first_fit(&atoms(text), |_| measure)
            .iter()
            .map(|l| l.atoms.len())
            .collect()
    }

    #[test]
    fn fills_lines_greedily() {
        assert_eq!(lengths("一二三四五六七八九十", 4.0), vec![4, 4, 2]);
        assert_eq!(lengths("一二三四", 4.0), vec![4]);
    }

    #[test]
    fn no_line_starts_with_a_line_start_prohibited_mark() {
        // layout.md §5.1: every mark, pushed to the start of line 2 by a full line 1.
        for mark in "。，、；：？！”’）〕】》〉…·".chars() {
            let text = format!("一二三四{mark}五六");
            let a = atoms(&text);
            let lines = first_fit(&a, |_| 4.0);
            for l in &lines {
                assert_ne!(
                    a.atoms[l.atoms.start].class,
                    Class::Close,
                    "{mark} starts a line"
                );
            }
            // One character moves down with the mark: line 1 is short by one cell.
            assert_eq!(lines[0].atoms, 0..3, "{mark}");
            assert!(!lines[0].forced);
        }
    }

    #[test]
    fn no_line_ends_with_a_line_end_prohibited_mark() {
        for mark in "“‘（〔【《〈".chars() {
            let text = format!("一二三{mark}四五六");
            let a = atoms(&text);
            let lines = first_fit(&a, |_| 4.0);
            for l in &lines {
                assert_ne!(
                    a.atoms[l.atoms.end - 1].class,
                    Class::Open,
                    "{mark} ends a line"
                );
            }
            assert_eq!(lines[0].atoms, 0..3, "{mark}");
        }
    }

    #[test]
    fn consecutive_closing_marks_move_together() {
        // "。”" cannot be split, nor start a line: two characters move.
        let a = atoms("一二三四。”五");
        let lines = first_fit(&a, |_| 4.0);
        assert_eq!(lines[0].atoms, 0..3);
        assert_eq!(lines[1].atoms, 3..7);
    }

    #[test]
    fn compression_takes_a_line_end_mark_in_before_stretching() {
        // Without compression "。" would pull 四 down; with it, "，" and "。"
        // each give up half a cell and the line holds all five atoms.
        let a = compressed("一，三四。五");
        let lines = first_fit(&a, |_| 4.0);
        assert_eq!(lines[0].atoms, 0..5);
        let taken: f32 = lines[0].squeezed.iter().map(|s| s.1).sum();
        assert!((taken - 1.0).abs() < 1e-4, "{:?}", lines[0].squeezed);
        // Without compression: the short line.
        let lines = first_fit(&atoms("一，三四。五"), |_| 4.0);
        assert_eq!(lines[0].atoms, 0..3);
    }

    #[test]
    fn compression_squeezes_adjacent_marks() {
        // "。”": the period gives up its right half; "（“": the quote its left half.
        let a = compressed("说。”好（“对");
        assert_eq!(a.atoms[1].width, 0.5);
        assert_eq!(a.atoms[2].width, 1.0);
        assert_eq!(a.atoms[4].width, 1.0);
        assert_eq!(a.atoms[5].width, 0.5);
        assert!(a.atoms[5].squeeze_left);
    }

    #[test]
    fn compression_falls_back_when_squeezing_is_not_enough() {
        // No mark inside the line to squeeze: 四 moves down as before.
        let a = compressed("一二三四。五");
        let lines = first_fit(&a, |_| 4.0);
        assert_eq!(lines[0].atoms, 0..3);
        assert!(lines[0].squeezed.is_empty());
    }

    #[test]
    fn dashes_and_ellipses_are_unbreakable_units() {
        let a = atoms("一二三——四");
        assert_eq!(a.atoms.len(), 5);
        let lines = first_fit(&a, |_| 4.0);
        assert_eq!(lines[0].atoms, 0..3, "—— is not split across lines");
        let a = atoms("一二三……四");
        let lines = first_fit(&a, |_| 4.0);
        // …… may not start a line either: 三 goes with it.
        assert_eq!(lines[0].atoms, 0..2);
        assert_eq!(natural_width(&a, lines[1].atoms.clone()), 4.0);
    }

    #[test]
    fn digit_and_latin_runs_are_never_split() {
        for run in ["2024", "12.5%", "PM2.5"] {
            let text = format!("一二{run}三");
            let a = atoms(&text);
            // The run is one atom: 一, 二, the run, 三.
            assert_eq!(a.atoms.len(), 4, "{run}");
            assert_eq!(fake::text(&a, 2..3), run);
            // On a measure too short for 二 and the run together, the run
            // moves down whole; every line starts and ends between atoms.
            let lines = first_fit(&a, |_| 3.0);
            let texts: Vec<String> = lines
                .iter()
                .map(|l| fake::text(&a, l.atoms.clone()))
                .collect();
            assert_eq!(texts.concat(), text, "text preserved");
            assert!(
                texts.iter().any(|t| t.contains(run)),
                "{run} split: {texts:?}"
            );
            assert_eq!(texts[0], "一二", "{run}: {texts:?}");
        }
    }

    #[test]
    fn han_latin_gap_counts_in_the_measure() {
        // 一 + gap 0.25 + "12" (1.0) + gap 0.25 + 二 = 3.5
        let a = atoms("一12二");
        assert_eq!(natural_width(&a, 0..3), 3.5);
        assert_eq!(lengths("一12二", 3.4), vec![2, 1]);
    }

    #[test]
    fn an_atom_wider_than_the_measure_is_forced() {
        let lines = first_fit(&atoms("ABCDEFGHIJ"), |_| 2.0);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].forced);
    }

    #[test]
    fn per_line_measures_apply() {
        // First line indented by two cells.
        let a = atoms("一二三四五六七八");
        let lines = first_fit(&a, |n| if n == 0 { 4.0 } else { 6.0 });
        assert_eq!(lines[0].atoms, 0..4);
        assert_eq!(lines[1].atoms, 4..8);
    }

    #[test]
    fn balanced_lines_differ_by_at_most_one_character() {
        // 25 characters on a measure of 20: first-fit gives 20 + 5, balanced
        // 13 + 12 by characters (of two equal splits, the longer line first).
        let text = "益阳市配合中央生态环境保护督察协调联络工作会议召开";
        let a = atoms(text);
        let lines = balanced(&a, |_| 20.0, None, 0.0);
        let lens: Vec<usize> = lines.iter().map(|l| l.atoms.len()).collect();
        assert_eq!(lens, vec![13, 12]);
        for n in [21, 23, 25, 33, 41, 45] {
            let text: String = "中".repeat(n);
            let lines = balanced(&atoms(&text), |_| 20.0, None, 0.0);
            let lens: Vec<usize> = lines.iter().map(|l| l.atoms.len()).collect();
            let (max, min) = (lens.iter().max().unwrap(), lens.iter().min().unwrap());
            assert!(max - min <= 1, "{n}: {lens:?}");
            assert_eq!(lens.iter().sum::<usize>(), n);
        }
    }

    #[test]
    fn balanced_lines_respect_prohibitions_and_runs() {
        let a = atoms("一二三四五六七八九十，2024年一二三四五六七八");
        let lines = balanced(&a, |_| 14.0, None, 0.0);
        for l in &lines {
            assert_ne!(a.atoms[l.atoms.start].class, Class::Close);
        }
        assert!(lines.len() == 2);
    }

    #[test]
    fn balanced_breaks_fall_between_words_when_they_can() {
        let text = "益阳市配合中央生态环境保护督察协调联络工作会议召开";
        let a = atoms(text);
        // Words of the title: 益阳市 配合 中央 生态 环境 保护 督察 协调 联络 工作 会议 召开.
        let starts = [0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23];
        let words: Vec<bool> = (0..a.atoms.len()).map(|k| starts.contains(&k)).collect();
        // Break only at 13 (保护 / 督察) or 11: 13 + 12 is within tolerance.
        let lines = balanced(&a, |_| 20.0, Some(&words), 4.0);
        assert_eq!(lines[0].atoms, 0..13);
        // No word boundary near the middle: characters it is.
        let far: Vec<bool> = (0..a.atoms.len()).map(|k| k == 0 || k == 3).collect();
        let lines = balanced(&a, |_| 20.0, Some(&far), 4.0);
        let lens: Vec<usize> = lines.iter().map(|l| l.atoms.len()).collect();
        assert_eq!(lens, vec![13, 12], "falls back to characters");
        // A wide tolerance accepts the uneven word break that exists.
        let lines = balanced(&a, |_| 22.0, Some(&far), 30.0);
        assert_eq!(lines[0].atoms, 0..3, "{lines:?}");
    }

    #[test]
    fn one_line_titles_stay_whole() {
        let a = atoms("陈竞率队实地调研");
        assert_eq!(balanced(&a, |_| 20.0, None, 0.0).len(), 1);
    }

    /// A random text of Han characters, marks of every class, doubled marks,
    /// digit and Latin runs (long ones, URLs) and Latin phrases with spaces.
    fn random_text(rng: &mut crate::testgen::Rng) -> String {
        const PIECES: &[&str] = &[
            "生",
            "态",
            "环",
            "境",
            "保",
            "护",
            "督",
            "察",
            "。",
            "，",
            "、",
            "；",
            "：",
            "？",
            "！",
            "”",
            "’",
            "）",
            "】",
            "》",
            "…",
            "·",
            "“",
            "‘",
            "（",
            "【",
            "《",
            "——",
            "……",
            "2024",
            "12.5%",
            "PM2.5",
            "GDP",
            "μg/m³",
            "https://www.example.gov.cn/sthjj/zwgk/tzgg/t20240705_1234567.html",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ",
            "School of Environment",
        ];
        let n = rng.range(1, 80);
        (0..n)
            .map(|_| {
                // Mostly Han text, as in a bulletin.
                if rng.chance(0.5) {
                    "环"
                } else {
                    rng.pick(PIECES)
                }
            })
            .collect()
    }

    /// Check the line-breaking invariants on `lines` of atoms `a` set in `m`:
    /// every atom but spaces at line edges on exactly one line, in order; no
    /// line starting with a line-start-prohibited mark or ending with a
    /// line-end-prohibited one, and no run split where it may not be, unless
    /// the break was forced; no line over the measure unless forced (a
    /// hanging mark and squeezed marks counted as they are set).
    fn check_lines(a: &Atoms, lines: &[LineRange], m: f32, case: &str) {
        let mut at = 0;
        for (k, l) in lines.iter().enumerate() {
            assert!(!l.atoms.is_empty(), "{case}: empty line {k}");
            assert!(
                a.atoms[at..l.atoms.start]
                    .iter()
                    .all(|x| x.class == Class::Space),
                "{case}: atoms lost before line {k}"
            );
            at = l.atoms.end;
            // A forced line, or one ending at a split of a word or URL
            // (drawn with its hyphen), lets the next start anywhere.
            let prev_forced = k > 0 && (lines[k - 1].forced || lines[k - 1].hyphen);
            if !l.forced && !prev_forced && k > 0 {
                assert!(
                    can_break_before(a, l.atoms.start),
                    "{case}: line {k} starts where no break is allowed: {:?}",
                    fake::text(a, l.atoms.clone())
                );
            }
            if !l.forced && k + 1 < lines.len() {
                assert_ne!(
                    a.atoms[l.atoms.end - 1].class,
                    Class::Open,
                    "{case}: line {k} ends with an opening mark"
                );
            }
            let mut w =
                natural_width(a, l.atoms.clone()) - l.squeezed.iter().map(|s| s.1).sum::<f32>();
            if l.hyphen {
                let last = &a.atoms[l.atoms.end - 1];
                assert!(last.split, "{case}: line {k} ends at no split point");
                w += last.hyphen.as_ref().map_or(0.0, |h| h.width);
            }
            if l.hanging {
                let last = l.atoms.end - 1;
                assert!(
                    a.atoms[last].hang,
                    "{case}: line {k} hangs a mark that may not hang"
                );
                w -= a.atoms[last].width + a.gaps[last];
            }
            if !l.forced {
                assert!(
                    w <= m + EPS,
                    "{case}: line {k} is {w} wide on a measure of {m}"
                );
            }
        }
        assert!(
            a.atoms[at..].iter().all(|x| x.class == Class::Space),
            "{case}: atoms lost at the end"
        );
    }

    #[test]
    fn first_fit_keeps_every_rule_on_random_text() {
        let mut rng = crate::testgen::Rng::new(20);
        for seed in 0..3000 {
            let text = random_text(&mut rng);
            let m = rng.range(2, 30) as f32;
            let (compress, hang) = (rng.chance(0.3), rng.chance(0.5));
            let a = fake::atoms_in(&text, compress, hang, m);
            let case = format!("case {seed} ({text:?} on {m}, compress {compress}, hang {hang})");
            let lines = first_fit(&a, |_| m);
            check_lines(&a, &lines, m, &case);
            // The text is preserved: the lines and the spaces between them.
            let joined: String = lines
                .iter()
                .map(|l| fake::text(&a, l.atoms.clone()))
                .collect();
            // (Spaces at line edges are dropped; the others are kept.)
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""), "{case}");
        }
    }

    #[test]
    fn balanced_lines_keep_every_rule_on_random_text() {
        let mut rng = crate::testgen::Rng::new(21);
        for seed in 0..800 {
            let text = random_text(&mut rng);
            let m = rng.range(4, 30) as f32;
            let a = fake::atoms_in(&text, false, false, m);
            let case = format!("case {seed} ({text:?} on {m})");
            let words: Vec<bool> = (0..a.atoms.len()).map(|_| rng.chance(0.4)).collect();
            let lines = balanced(&a, |_| m, Some(&words), 4.0);
            check_lines(&a, &lines, m, &case);
            assert_eq!(
                lines.len(),
                first_fit(&a, |_| m).len(),
                "{case}: as few lines as first-fit"
            );
        }
    }
}
