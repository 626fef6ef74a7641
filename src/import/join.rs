//! Logical lines: paragraphs that the source cut into pieces joined again.
//!
//! Two ways a draft cuts paragraphs:
//! - text copied out of a PDF whose paragraphs are one line each loses the
//!   paragraph at a page break: a part that ends without closing punctuation,
//!   a blank line (and perhaps a page number), then the rest (the seed text);
//! - text copied out of a PDF line by line (`pdftotext`, a reader's copy) is
//!   *wrapped*: every printed line is a line. Such text is recognised by its
//!   many lines that end mid-sentence directly followed by more text, and
//!   its lines are joined by their widths: a paragraph's lines are full (its
//!   first line two characters short for the indent) and it ends on a line
//!   that ends a sentence, usually short.
//!
//! A .docx keeps its paragraphs: nothing is joined here.

use super::lines::Line;
use super::recognise::{stands_alone, starts_unit};
use super::Notice;

/// Marks after which a paragraph may end (closing quotes and brackets after
/// them are looked through).
const SENTENCE_END: &str = "。！？!?…；;：:";
/// Closing quotes and brackets.
const CLOSERS: &str = "”’」』）)》〉】";

/// Whether `text` ends a sentence: `。`, `！`, `？`, `…`, `；`, `：`, also
/// followed by closing quotes or brackets (`。”`).
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c| CLOSERS.contains(c) || c == ' ');
    t.ends_with(|c| SENTENCE_END.contains(c))
}

/// The width of a line in characters (ems): Chinese characters and
/// full-width marks 1, ASCII ½, a space (the gap an extraction shows between
/// Chinese and Latin text) ¼.
pub fn width(text: &str) -> f32 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.25,
            c if c.is_ascii() => 0.5,
            _ => 1.0,
        })
        .sum()
}

/// Join the pieces of paragraphs.
pub fn logical_lines(lines: Vec<Line>, notices: &mut Vec<Notice>) -> Vec<Line> {
    if lines.iter().any(|l| l.hints.styled) {
        return lines;
    }
    match wrapped_measure(&lines) {
        Some(full) => join_wrapped(lines, full, notices),
        None => join_page_breaks(lines, notices),
    }
}

/// Concatenate two pieces of one paragraph (a space only between two Latin
/// words, as line ends drop it).
fn concat(a: &mut String, b: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(a.chars().last()) && latin(b.chars().next()) {
        a.push(' ');
    }
    a.push_str(b);
}

// ---------------------------------------------------------------------------
// Paragraphs cut at page breaks

/// Whether `text` is the first part of a paragraph cut at a page break:
/// it does not end a sentence and reads like running text, not a title (a
/// ▲ item's first paragraph can be cut too; a 【】 heading cannot).
fn is_fragment(text: &str) -> bool {
    if ends_sentence(text) || text.starts_with(['【', '★']) {
        return false;
    }
    let inner_end = text.chars().rev().skip(1).any(|c| "。！？；".contains(c));
    text.ends_with(['，', '、', ',', '—'])
        || inner_end
        || text.chars().count() > 40
        || text.matches('，').count() >= 2
}

/// Whether `text` may run on across a page number: anything that does not
/// end a sentence, except headings (typesetters keep a heading with what
/// follows it, so a heading never ends a page).
fn may_run_on(text: &str) -> bool {
    let heading = text.starts_with(['【', '★'])
        || (text.starts_with('▲') && text.chars().count() <= 16 && !text.contains('，'));
    !ends_sentence(text) && !heading
}

/// Whether `text` could be a title (a short line without closing marks).
fn title_like(text: &str) -> bool {
    !ends_sentence(text)
        && text.chars().count() <= 40
        && !text.contains(['。', '；'])
        && !text.ends_with(['，', '、'])
}

fn join_page_breaks(lines: Vec<Line>, notices: &mut Vec<Notice>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(prev) = out.last_mut() {
            let gap = line.hints.blank_before || line.hints.page_before;
            // Across a page number, any unfinished line runs on; across a
            // blank line, only one that reads as running text.
            let cut = if line.hints.page_before {
                may_run_on(&prev.text)
            } else {
                is_fragment(&prev.text)
            };
            if gap && cut && !starts_unit(&line.text) && !title_like(&line.text) {
                notices.push(Notice {
                    line: prev.no,
                    message: format!(
                        "第 {} 行句末没有标点，与第 {} 行按跨页断开的同一段落合并，请确认",
                        prev.no, line.no
                    ),
                });
                concat(&mut prev.text, &line.text);
                continue;
            }
        }
        out.push(line);
    }
    out
}

// ---------------------------------------------------------------------------
// Wrapped text

/// The full width of a wrapped text's lines, when the text is wrapped.
fn wrapped_measure(lines: &[Line]) -> Option<f32> {
    let long: Vec<&Line> = lines.iter().filter(|l| width(&l.text) >= 15.0).collect();
    let mid_sentence = lines
        .windows(2)
        .filter(|w| {
            width(&w[0].text) >= 15.0
                && !ends_sentence(&w[0].text)
                && !w[1].hints.blank_before
                && !starts_unit(&w[1].text)
        })
        .count();
    if mid_sentence < 3 || (mid_sentence as f32) < 0.3 * long.len() as f32 {
        return None;
    }
    // Each long line that ends mid-sentence tells the measure: a line in
    // the middle of a paragraph is full; a paragraph's first line (after a
    // line that ended a sentence or was short) is two characters short for
    // its indent, unless it starts a ▲ item or a list, which are not
    // indented. Lines set short by the line-breaking rules tell a little
    // less, and a line after a full line that ends a sentence mid-paragraph
    // tells two more: the measure is the widest estimate that a tenth of
    // them (at least two) share within half a character, the upper
    // quartile of those.
    let mut estimates: Vec<f32> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let w = width(&l.text);
        let next_runs_on = lines
            .get(k + 1)
            .is_some_and(|n| !n.hints.blank_before && !starts_unit(&n.text));
        if w < 15.0 || ends_sentence(&l.text) || !next_runs_on {
            continue;
        }
        let first = k == 0 || {
            let p = &lines[k - 1].text;
            ends_sentence(p) || width(p) < 15.0
        };
        let indented = first && !starts_unit(&l.text);
        estimates.push(if indented { w + 2.0 } else { w });
    }
    estimates.sort_by(|a, b| b.total_cmp(a));
    let enough = (estimates.len() / 10).max(2);
    estimates.iter().find_map(|&w| {
        let near: Vec<f32> = estimates
            .iter()
            .copied()
            .filter(|v| *v <= w && *v >= w - 0.5)
            .collect();
        (near.len() >= enough).then(|| near[near.len() / 4])
    })
}

/// The shape of a printed line, by its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// As wide as the measure.
    Full,
    /// Two characters short: a paragraph's indented first line.
    Indented,
    /// Shorter.
    Short,
}

fn shape(text: &str, full: f32) -> Shape {
    let w = width(text);
    if w >= full - 1.25 {
        Shape::Full
    } else if w >= full - 3.5 {
        Shape::Indented
    } else {
        Shape::Short
    }
}

/// Whether the printed line `next` continues the paragraph whose last
/// printed line is `last` (`first`: `last` is also the paragraph's first
/// line). `None`: it cannot be told from the text.
fn continues(last: &Line, first: bool, next: &Line, full: f32) -> Option<bool> {
    if starts_unit(&next.text) || stands_alone(&last.text) {
        return Some(false);
    }
    // A wrapped ★ guide item continues only directly below.
    if last.text.starts_with('★') && next.hints.blank_before {
        return Some(false);
    }
    let ended = ends_sentence(&last.text);
    let next_ended = ends_sentence(&next.text);
    if !ended {
        // Mid-sentence: a paragraph's line goes on (even one set short by
        // the line-breaking rules); a short line is a title, a heading, a
        // masthead line.
        return Some(width(&last.text) >= (full - 5.0).min(0.85 * full));
    }
    match shape(&last.text, full) {
        Shape::Short => Some(false),
        // An indented-width line that ends a sentence after the first line
        // is the paragraph's last.
        Shape::Indented if !first => Some(false),
        // A sentence ends at the end of a (nearly) full line: the next
        // line's width tells whether it begins an indented paragraph.
        _ => match shape(&next.text, full) {
            Shape::Full => Some(true),
            Shape::Indented | Shape::Short if !next_ended => Some(false),
            _ => None,
        },
    }
}

fn join_wrapped(lines: Vec<Line>, full: f32, notices: &mut Vec<Notice>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    // The last printed line of the paragraph being joined.
    let mut last: Option<Line> = None;
    for line in lines {
        if let (Some(prev), Some(piece)) = (out.last_mut(), &last) {
            let first = piece.text == prev.text;
            let joined = continues(piece, first, &line, full).unwrap_or_else(|| {
                notices.push(Notice {
                    line: piece.no,
                    message: format!(
                        "第 {} 行排满一行、以句末标点结束，无法确定第 {} 行是否另起一段：已按同一段落合并，请确认",
                        piece.no, line.no
                    ),
                });
                true
            });
            if joined {
                concat(&mut prev.text, &line.text);
                last = Some(line);
                continue;
            }
        }
        last = Some(line.clone());
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::from_text;

    fn run(text: &str) -> (Vec<String>, Vec<Notice>) {
        let mut notices = Vec::new();
        let lines = logical_lines(from_text(text).unwrap(), &mut notices);
        (lines.into_iter().map(|l| l.text).collect(), notices)
    }

    #[test]
    fn sentence_ends() {
        for t in ["好。", "好。”", "好！", "如下：", "好；", "好？）"] {
            assert!(ends_sentence(t), "{t}");
        }
        for t in ["好，", "好", "（完", "好、"] {
            assert!(!ends_sentence(t), "{t}");
        }
    }

    #[test]
    fn widths() {
        assert_eq!(width("简报"), 2.0);
        assert_eq!(width("5 月"), 1.75);
        assert_eq!(width("PM2.5"), 2.5);
    }

    #[test]
    fn a_paragraph_cut_at_a_page_break_is_joined_with_a_notice() {
        let text = "标题\n\n会议指出，时间紧凑。经前期衔接沟通，益阳市已经成立配合\n\n— 3 —\n\n专班，下设9个小组。\n\n下一段。";
        let (lines, notices) = run(text);
        assert_eq!(
            lines,
            [
                "标题",
                "会议指出，时间紧凑。经前期衔接沟通，益阳市已经成立配合专班，下设9个小组。",
                "下一段。"
            ]
        );
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].line, 3);
    }

    #[test]
    fn titles_are_not_joined_across_blank_lines() {
        let (lines, notices) = run("甲乙丙工作会议召开\n\n会议指出，要落实。\n\n坚持问题导向，狠抓整改\n\n5月8日，召开会议。");
        assert_eq!(lines.len(), 4);
        assert!(notices.is_empty());
    }

    /// `n` different Han characters starting at `from`.
    fn han(from: u32, n: u32) -> String {
        (0..n)
            .map(|k| char::from_u32(0x4E00 + from + k).unwrap())
            .collect()
    }

    #[test]
    fn wrapped_text_is_joined_by_widths() {
        // A 20-character measure: paragraphs' first lines are 18 wide.
        let p1 = [
            han(0, 18),
            han(20, 20),
            han(40, 20),
            format!("{}。", han(60, 3)),
        ];
        let p2 = [han(100, 18), format!("{}。", han(120, 19))];
        let p3 = [han(200, 18), format!("{}。", han(220, 5))];
        let p4 = [format!("{}。", han(300, 17))];
        let p5 = [han(400, 18), format!("{}。", han(420, 10))];
        let mut text = vec!["标题行".to_string()];
        text.extend(p1.iter().cloned());
        text.extend(p2.iter().cloned());
        text.extend(p3.iter().cloned());
        text.push("小标题".to_string());
        text.extend(p4.iter().cloned());
        text.extend(p5.iter().cloned());
        let (lines, notices) = run(&text.join("\n"));
        let expected = [
            "标题行".to_string(),
            p1.concat(),
            p2.concat(),
            p3.concat(),
            "小标题".to_string(),
            p4.concat(),
            p5.concat(),
        ];
        assert_eq!(lines, expected);
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn a_sentence_ending_a_full_line_is_told_by_the_next_line() {
        let mut text = vec![han(0, 18), format!("{}。", han(20, 19))];
        // The next line is full: the same paragraph goes on.
        text.push(han(40, 20));
        text.push(format!("{}。", han(60, 19)));
        // The next line is indented and goes on: a new paragraph.
        text.push(han(100, 18));
        text.push(format!("{}。", han(120, 19)));
        // The next line is short and ends a sentence: cannot be told.
        text.push(format!("{}。", han(200, 3)));
        let (lines, notices) = run(&text.join("\n"));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].chars().count(), 18 + 20 + 20 + 20);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].line, 6);
    }

    #[test]
    fn wrapped_lines_need_a_clear_majority() {
        // One paragraph a line: nothing is joined.
        let text = "第一段很长很长很长很长很长很长很长很长很长很长很长很长。\n第二段也很长很长很长很长很长很长很长很长很长很长很长。\n短标题\n第三段。";
        let (lines, _) = run(text);
        assert_eq!(lines.len(), 4);
    }
}
