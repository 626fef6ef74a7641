//! Numbers and dates as drafts write them: Arabic digits (half or full width)
//! or Chinese numerals (第十二期, 二〇二四年五月十日), and dates as
//! `2024年5月10日`, `2024-05-10`, `2024.5.10` or `2024/5/10`.

use crate::model::Date;

/// The value of a digit: ASCII, full-width or a Chinese numeral.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => cn_digit(c),
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'Ｏ' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn is_arabic(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// A number written with digits or Chinese numerals, and whether it was
/// Chinese. `十二` is 12, `一百零五` 105, `二〇二四` 2024.
pub fn number(s: &str) -> Option<(u32, bool)> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(is_arabic) {
        let mut n: u32 = 0;
        for c in s.chars() {
            n = n.checked_mul(10)?.checked_add(digit(c)?)?;
        }
        return Some((n, false));
    }
    if !s
        .chars()
        .all(|c| cn_digit(c).is_some() || "十拾百佰千仟".contains(c))
    {
        return None;
    }
    if !s.chars().any(|c| "十拾百佰千仟".contains(c)) {
        // Positional: 二〇二四.
        let mut n: u32 = 0;
        for c in s.chars() {
            n = n.checked_mul(10)?.checked_add(cn_digit(c)?)?;
        }
        return Some((n, true));
    }
    let (mut total, mut current) = (0u32, None::<u32>);
    for c in s.chars() {
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            _ => {
                current = Some(cn_digit(c)?);
                continue;
            }
        };
        total = total.checked_add(current.unwrap_or(1).checked_mul(unit)?)?;
        current = None;
    }
    Some((total.checked_add(current.unwrap_or(0))?, true))
}

/// A date found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The date.
    pub date: Date,
    /// Whether it was written in Chinese numerals.
    pub chinese: bool,
    /// Where it starts in the text (byte index).
    pub start: usize,
    /// Where it ends in the text (byte index).
    pub end: usize,
}

/// A run of characters accepted by `ok` starting at `i`, at most `max` long.
fn run(chars: &[(usize, char)], i: usize, max: usize, ok: impl Fn(char) -> bool) -> usize {
    chars
        .iter()
        .skip(i)
        .take(max)
        .take_while(|(_, c)| ok(*c))
        .count()
}

fn text_of(chars: &[(usize, char)], i: usize, n: usize) -> String {
    chars.iter().skip(i).take(n).map(|(_, c)| c).collect()
}

/// The date at char index `i`: (date, chinese, chars used).
fn date_at(chars: &[(usize, char)], i: usize) -> Option<(Date, bool, usize)> {
    let at = |k: usize| chars.get(k).map(|(_, c)| *c);
    // 2024年5月10日 and 二〇二四年五月十日.
    let year_len = run(chars, i, 4, |c| is_arabic(c) || cn_digit(c).is_some());
    if year_len == 4 && at(i + 4) == Some('年') {
        let (year, cn_year) = number(&text_of(chars, i, 4))?;
        let numeral = |c: char| is_arabic(c) || cn_digit(c).is_some() || c == '十';
        let m0 = i + 5;
        let m_len = run(chars, m0, 3, numeral);
        if m_len == 0 || at(m0 + m_len) != Some('月') {
            return None;
        }
        let (month, cn_month) = number(&text_of(chars, m0, m_len))?;
        let d0 = m0 + m_len + 1;
        let d_len = run(chars, d0, 4, numeral);
        if d_len == 0 || !matches!(at(d0 + d_len), Some('日' | '号')) {
            return None;
        }
        let (day, cn_day) = number(&text_of(chars, d0, d_len))?;
        let date = Date::new(
            u16::try_from(year).ok()?,
            month.try_into().ok()?,
            day.try_into().ok()?,
        )?;
        return Some((date, cn_year || cn_month || cn_day, d0 + d_len + 1 - i));
    }
    // 2024-05-10, 2024.5.10, 2024/5/10.
    let y_len = run(chars, i, 4, |c| c.is_ascii_digit());
    let sep = at(i + 4)?;
    if y_len != 4 || !matches!(sep, '-' | '.' | '/' | '－' | '．') {
        return None;
    }
    let m0 = i + 5;
    let m_len = run(chars, m0, 2, |c| c.is_ascii_digit());
    if m_len == 0 || at(m0 + m_len) != Some(sep) {
        return None;
    }
    let d0 = m0 + m_len + 1;
    let d_len = run(chars, d0, 2, |c| c.is_ascii_digit());
    if d_len == 0 || at(d0 + d_len).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |k: usize, len: usize| text_of(chars, k, len).parse::<u32>().ok();
    let date = Date::new(
        u16::try_from(n(i, 4)?).ok()?,
        n(m0, m_len)?.try_into().ok()?,
        n(d0, d_len)?.try_into().ok()?,
    )?;
    Some((date, false, d0 + d_len - i))
}

/// The first date in `text` (white space is not allowed inside it: give
/// compacted text).
pub fn find_date(text: &str) -> Option<Found> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for i in 0..chars.len() {
        // A date starts at a digit that does not continue a number.
        let prev_digit = i > 0 && (is_arabic(chars[i - 1].1) || cn_digit(chars[i - 1].1).is_some());
        if prev_digit {
            continue;
        }
        if let Some((date, chinese, n)) = date_at(&chars, i) {
            let end = chars.get(i + n).map_or(text.len(), |(b, _)| *b);
            return Some(Found {
                date,
                chinese,
                start: chars[i].0,
                end,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_digits_and_chinese() {
        assert_eq!(number("12"), Some((12, false)));
        assert_eq!(number("１２"), Some((12, false)));
        assert_eq!(number("十"), Some((10, true)));
        assert_eq!(number("十二"), Some((12, true)));
        assert_eq!(number("二十"), Some((20, true)));
        assert_eq!(number("二十三"), Some((23, true)));
        assert_eq!(number("一百零五"), Some((105, true)));
        assert_eq!(number("一百一十"), Some((110, true)));
        assert_eq!(number("二〇二四"), Some((2024, true)));
        assert_eq!(number("二零二四"), Some((2024, true)));
        assert_eq!(number("期"), None);
        assert_eq!(number(""), None);
        assert_eq!(number("99999999999"), None);
        assert_eq!(number(&"九千".repeat(600_000)), None);
    }

    #[test]
    fn dates_in_every_form() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        let f = find_date("益阳市专班2024年5月10日").unwrap();
        assert_eq!((f.date, f.chinese), (d(2024, 5, 10), false));
        assert_eq!(&"益阳市专班2024年5月10日"[..f.start], "益阳市专班");
        let f = find_date("二〇二四年五月十日印发").unwrap();
        assert_eq!((f.date, f.chinese), (d(2024, 5, 10), true));
        assert_eq!(&"二〇二四年五月十日印发"[f.end..], "印发");
        assert_eq!(
            find_date("二零二四年十二月三十一日").unwrap().date,
            d(2024, 12, 31)
        );
        assert_eq!(find_date("2024-05-10").unwrap().date, d(2024, 5, 10));
        assert_eq!(find_date("2024.5.9").unwrap().date, d(2024, 5, 9));
        assert_eq!(find_date("2024/12/1印发").unwrap().date, d(2024, 12, 1));
        assert_eq!(find_date("２０２４年６月１日").unwrap().date, d(2024, 6, 1));
        assert!(find_date("2024年2月30日").is_none());
        assert!(find_date("第12024年").is_none());
        assert!(find_date("5月10日").is_none());
        assert!(find_date("12024-05-10").is_none());
    }
}
