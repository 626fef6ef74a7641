//! Columns of text in a terminal, where CJK characters take two columns.

use unicode_width::UnicodeWidthStr;

/// The width of `s` in terminal columns.
pub fn display_width(s: &str) -> usize {
    s.width()
}

/// `s` cut to at most `width` columns, with “…” when cut.
pub fn truncate_width(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// `s` padded with spaces on the left to `width` columns (numbers flush right).
pub fn pad_left(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_as_two() {
        assert_eq!(display_width("ab简报"), 6);
        assert_eq!(truncate_width("简报简报简报", 7), "简报简…");
        assert_eq!(pad("简", 4), "简  ");
    }
}
