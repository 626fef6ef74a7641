//! The draft as a list of source lines with hints, whatever it came from: a
//! text's lines, or a .docx's paragraphs (split at typed line breaks).
//!
//! What is dropped here: blank lines (kept as a hint on the next line), page
//! numbers ("— 3 —", "- 3 -", "第3页") and page breaks (kept as a hint),
//! separator rules ("━━━━", "————"), list marks of an extraction ("- ★…").
//! White space inside a line is collapsed to single spaces.

use super::docx::{Align, Paragraph};
use crate::error::{Error, Result};

/// The most lines of text a draft may have: a 1,000-page bulletin copied
/// line by line out of its PDF has about 40,000.
pub const MAX_LINES: usize = 200_000;

fn too_many_lines() -> Error {
    Error::Draft {
        line: None,
        message: format!(
            "草稿有超过 {MAX_LINES} 行文字，比一期简报多得多：请确认选对了文件，或分成几期导入"
        ),
    }
}

/// What the layout of the draft says about a line.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Hints {
    /// One or more blank lines (or a dropped separator) come before it.
    pub blank_before: bool,
    /// A page break or page number comes between it and the line before.
    pub page_before: bool,
    /// Its first line is indented.
    pub indent: bool,
    /// Centred (.docx).
    pub centred: bool,
    /// All bold (.docx).
    pub bold: bool,
    /// Its largest font size in pt (.docx).
    pub size: Option<f32>,
    /// An item of a numbered or bulleted list (.docx).
    pub list: bool,
    /// It continues the paragraph of the line before after a typed line break (.docx).
    pub same_paragraph: bool,
    /// It comes from a .docx, so alignment, bold and size are known.
    pub styled: bool,
}

/// One line of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The 1-based line of the text (paragraph of a .docx) it starts on.
    pub no: usize,
    /// Its text: trimmed, white space collapsed to single spaces.
    pub text: String,
    /// What the layout says about it.
    pub hints: Hints,
}

/// The lines of a plain text (at most [`MAX_LINES`]).
pub fn from_text(text: &str) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    let mut pending = Hints::default();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.trim_end_matches('\r');
        if raw.contains('\u{C}') {
            pending.page_before = true;
        }
        // Other line separators that editors leave in pasted text.
        for (k, part) in raw
            .split(['\r', '\u{B}', '\u{2028}', '\u{2029}'])
            .enumerate()
        {
            let indent = part
                .chars()
                .take_while(|c| c.is_whitespace() || *c == '\u{C}')
                .filter(|c| *c != '\u{C}')
                .map(|c| if c == '\t' || c == '\u{3000}' { 2 } else { 1 })
                .sum::<usize>()
                >= 2;
            let hints = Hints {
                indent,
                same_paragraph: k > 0,
                ..Hints::default()
            };
            push(&mut out, &mut pending, i + 1, part, hints);
        }
        if out.len() > MAX_LINES {
            return Err(too_many_lines());
        }
    }
    Ok(out)
}

/// The lines of a .docx's paragraphs (each typed line break starts a line;
/// at most [`MAX_LINES`]).
pub fn from_paragraphs(paragraphs: Vec<Paragraph>) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    let mut pending = Hints::default();
    for (i, p) in paragraphs.into_iter().enumerate() {
        for (k, part) in p.text.split('\n').enumerate() {
            let hints = Hints {
                indent: p.indent,
                centred: p.align == Align::Centre,
                bold: p.bold,
                size: p.size,
                list: p.list,
                same_paragraph: k > 0,
                styled: true,
                ..Hints::default()
            };
            push(&mut out, &mut pending, i + 1, part, hints);
            if out.len() > MAX_LINES {
                return Err(too_many_lines());
            }
        }
    }
    Ok(out)
}

/// Add the line `raw` (or record what it stands for when it is not text).
fn push(out: &mut Vec<Line>, pending: &mut Hints, no: usize, raw: &str, hints: Hints) {
    let text = collapse(raw);
    if text.is_empty() || is_separator(&text) {
        pending.blank_before = true;
        return;
    }
    if is_page_number(&text) {
        pending.page_before = true;
        pending.blank_before = true;
        return;
    }
    let text = strip_list_mark(&text).to_string();
    out.push(Line {
        no,
        text,
        hints: Hints {
            blank_before: pending.blank_before,
            page_before: pending.page_before,
            ..hints
        },
    });
    *pending = Hints::default();
}

/// `s` trimmed, every run of white space (full-width spaces, tabs, form
/// feeds included) one ASCII space.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{A0}' || c.is_control() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A line that is only a rule drawn with characters.
fn is_separator(text: &str) -> bool {
    let n = text.chars().filter(|c| !c.is_whitespace()).count();
    n >= 3
        && text
            .chars()
            .all(|c| c.is_whitespace() || "━─—－-_=＝~～*＊·.…".contains(c))
}

/// A page number as printed or extracted: "— 3 —", "- 3 -", "－3－", "3",
/// "第3页", "第 3 页 共 7 页", "3/7".
pub fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    let dashes = "—－-–~～·";
    let inner = t.trim_matches(|c| dashes.contains(c));
    if digits(inner) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (page, total) = match rest.split_once("页共") {
            Some((p, tot)) => (p, tot.strip_suffix('页')),
            None => (rest.strip_suffix('页').unwrap_or(""), Some("1")),
        };
        return digits(page) && total.is_some_and(digits);
    }
    false
}

/// The text without a list mark that an extraction or a plain-text save put
/// in front: "- ★…", "• …", "* …".
fn strip_list_mark(text: &str) -> &str {
    for mark in ["- ", "• ", "* ", "· ", "-★", "•"] {
        if let Some(rest) = text.strip_prefix(mark) {
            if mark == "-★" {
                return &text[1..];
            }
            if !rest.is_empty() {
                return rest.trim_start();
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn blank_lines_page_numbers_and_separators_become_hints() {
        let text =
            "甲\r\n\r\n　　乙  丙\n— 3 —\n\u{C}丁\n━━━━━━\n戊\n- ★ 己\n第 2 页 共 7 页\n3/7\n庚";
        let lines = from_text(text).unwrap();
        assert_eq!(texts(&lines), ["甲", "乙 丙", "丁", "戊", "★ 己", "庚"]);
        assert_eq!(lines[1].no, 3);
        assert!(lines[1].hints.blank_before && lines[1].hints.indent);
        assert!(!lines[1].hints.page_before);
        assert!(lines[2].hints.page_before && lines[2].hints.blank_before);
        assert!(lines[3].hints.blank_before && !lines[3].hints.page_before);
        assert!(!lines[4].hints.blank_before);
        assert!(lines[5].hints.page_before);
    }

    #[test]
    fn page_numbers() {
        for p in [
            "— 3 —",
            "- 3 -",
            "－3－",
            "—12—",
            "3",
            "第3页",
            "第 3 页 共 7 页",
            "3/7",
            "·3·",
        ] {
            assert!(is_page_number(p), "{p}");
        }
        for p in ["第3期", "2024", "—", "第一页", "3月", "12345"] {
            assert!(!is_page_number(p), "{p}");
        }
    }

    #[test]
    fn docx_paragraphs_split_at_line_breaks() {
        let ps = vec![
            Paragraph {
                text: "标题上\n标题下".into(),
                align: Align::Centre,
                bold: true,
                ..Paragraph::default()
            },
            Paragraph::default(),
            Paragraph {
                text: "\t正文".into(),
                indent: true,
                ..Paragraph::default()
            },
        ];
        let lines = from_paragraphs(ps).unwrap();
        assert_eq!(texts(&lines), ["标题上", "标题下", "正文"]);
        assert_eq!(lines.iter().map(|l| l.no).collect::<Vec<_>>(), [1, 1, 3]);
        assert!(lines[1].hints.same_paragraph && lines[1].hints.centred);
        assert!(lines[2].hints.blank_before && lines[2].hints.indent && lines[2].hints.styled);
    }
}
