//! Whether the parts of an issue agree with each other and with the issue
//! before it. Writers start an issue from last issue's file, so what goes
//! out stale is what they forgot to change: a 【导读】 entry that names no
//! title of this issue, a printing date before the issue's date, another
//! printing body, a 文号 of another year or with last issue's number.
//!
//! All of these are warnings (probable mistakes: they stop an issue until
//! accepted), except a printing body of which the masthead's issuer is a
//! part (a notice: a 办公室 printing the bulletin of its own body is normal).
//! [`consistency`] needs only the issue; [`against_previous`] also the
//! issue before it, when an archive has it.

use super::{Block, Bulletin, Guide, ItemKind};
use crate::diag::Diagnostic;
use crate::error::Place;

/// The warnings (and notices) of `b`'s parts against each other.
pub fn consistency(b: &Bulletin) -> Vec<Diagnostic> {
    let mut out = guide_entries(b);
    out.extend(imprint_date(b));
    out.extend(imprint_issuer(b));
    out.extend(document_number_year(b));
    out
}

/// The warnings of `b` against `previous`, the issue of the same series
/// filed before it: a 文号 that repeats the previous one's number.
pub fn against_previous(b: &Bulletin, previous: &Bulletin) -> Vec<Diagnostic> {
    let (Some(no), Some(prev)) = (&b.document_number, &previous.document_number) else {
        return Vec::new();
    };
    let (Some(this), Some(last)) = (number_of(no), number_of(prev)) else {
        return Vec::new();
    };
    if this != last {
        return Vec::new();
    }
    let label = format!(
        "{}年{}",
        previous.masthead.date.year(),
        previous.masthead.issue_line()
    );
    let message = if compact(no) == compact(prev) {
        format!("文号“{no}”与上一期（{label}）的文号相同：请改为这一期的文号")
    } else {
        format!("文号“{no}”的号数与上一期（{label}）的文号“{prev}”相同：请改为这一期的号数")
    };
    vec![Diagnostic::warning(
        Some(Place::new("$.document_number")),
        message,
    )]
}

/// Letters and digits of `s` (Han characters included), full-width digits
/// and letters as ASCII: what two names must share to be the same.
fn letters(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// `s` without spaces (a name typed with a space is the same name).
fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// Length of the longest common subsequence of `a` and `b`.
fn common(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Whether a guide entry stands for `title`: the same words, or a shortened
/// or lengthened form of them (县市区工作动态 for 县市区动态, a title without
/// its opening words). Four fifths of the shorter must be in the longer, in
/// order, and they must make at least half of the longer.
fn stands_for(entry: &[char], title: &[char]) -> bool {
    if entry.is_empty() || title.is_empty() {
        return false;
    }
    let shared = common(entry, title);
    let (short, long) = if entry.len() <= title.len() {
        (entry.len(), title.len())
    } else {
        (title.len(), entry.len())
    };
    shared * 5 >= short * 4 && shared * 2 >= long
}

/// A warning for each 【导读】 entry that stands for no title, 栏目 or ▲
/// heading of the body.
fn guide_entries(b: &Bulletin) -> Vec<Diagnostic> {
    let Guide::Items(items) = &b.guide else {
        return Vec::new();
    };
    let mut titles: Vec<Vec<char>> = Vec::new();
    for block in &b.body {
        titles.push(letters(block.title()));
        if let Block::Section(s) = block {
            for item in &s.items {
                if let ItemKind::Heading(h) = &item.kind {
                    titles.push(letters(h));
                }
            }
        }
    }
    items
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            let e = letters(entry);
            !titles.iter().any(|t| stands_for(&e, t))
        })
        .map(|(i, entry)| {
            Diagnostic::warning(
                Some(Place::new(format!("$.guide[{i}]"))),
                format!(
                    "导读第 {} 条“{entry}”在正文中找不到对应的标题或栏目：可能是上一期留下的，请改为这一期的标题，或改为自动取正文的标题",
                    i + 1
                ),
            )
        })
        .collect()
}

/// A warning when the printing date is before the issue's date.
fn imprint_date(b: &Bulletin) -> Option<Diagnostic> {
    let (printed, dated) = (b.imprint.date, b.masthead.date);
    (printed < dated).then(|| {
        Diagnostic::warning(
            Some(Place::new("$.imprint.date")),
            format!(
                "印发日期 {} 早于这一期的日期 {}：可能是上一期留下的，请核对（不填则与这一期的日期相同）",
                printed.chinese(),
                dated.chinese()
            ),
        )
    })
}

/// A warning when the printing body is not the masthead's issuer; a notice
/// when the issuer is a part of it (its name begins with the printing
/// body's: 某县人民政府办公室 of 某县人民政府).
fn imprint_issuer(b: &Bulletin) -> Option<Diagnostic> {
    let printer = compact(&b.imprint.issuer);
    let issuer = compact(&b.masthead.issuer);
    if printer == issuer {
        return None;
    }
    let place = Some(Place::new("$.imprint.issuer"));
    Some(if issuer.starts_with(&printer) {
        Diagnostic::notice(
            place,
            format!(
                "印发机关“{}”是编印单位“{}”的上级单位：请确认由它印发",
                b.imprint.issuer, b.masthead.issuer
            ),
        )
    } else {
        Diagnostic::warning(
            place,
            format!(
                "印发机关“{}”与编印单位“{}”不同：可能是上一期或别的简报留下的，请核对（不填则与编印单位相同）",
                b.imprint.issuer, b.masthead.issuer
            ),
        )
    })
}

/// The runs of digits of `s` (full-width digits read as ASCII), in order.
fn digit_runs(s: &str) -> Vec<(String, bool)> {
    // Each run, and whether it is in brackets (〔2024〕, 【2024】, [2024], （2024）).
    let chars: Vec<char> = letters_and_marks(s);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let open = start
                .checked_sub(1)
                .is_some_and(|k| "〔【[（(［".contains(chars[k]));
            let close = chars.get(i).is_some_and(|c| "〕】]）)］".contains(*c));
            out.push((chars[start..i].iter().collect(), open && close));
        } else {
            i += 1;
        }
    }
    out
}

/// `s` with full-width digits as ASCII, other characters as they are.
fn letters_and_marks(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The year a 文号 names: a bracketed four-digit number (〔2024〕), else a
/// four-digit number from 1950 to 2099 that is not its last number (the
/// last is the document's own number).
fn year_of(no: &str) -> Option<u16> {
    let runs = digit_runs(no);
    let plausible = |d: &str| {
        d.len() == 4
            && d.parse::<u16>()
                .ok()
                .filter(|y| (1950..2100).contains(y))
                .is_some()
    };
    if let Some((d, _)) = runs.iter().find(|(d, br)| *br && plausible(d)) {
        return d.parse().ok();
    }
    let last = runs.len().checked_sub(1)?;
    runs[..last]
        .iter()
        .find(|(d, _)| plausible(d))
        .and_then(|(d, _)| d.parse().ok())
}

/// A 文号's own number: its last run of digits (42 of 益简字【2022】42号),
/// with what comes before its first digit (益简字), so that the numbers of
/// two series are not compared.
fn number_of(no: &str) -> Option<(String, u64)> {
    let runs = digit_runs(no);
    let (last, _) = runs.last()?;
    if runs.len() == 1 && year_of(no).is_some() {
        return None;
    }
    let chars = letters_and_marks(no);
    let prefix: String = chars
        .iter()
        .take_while(|c| !c.is_ascii_digit())
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some((prefix, last.parse().ok()?))
}

/// A warning when the 文号's year is not the issue's.
fn document_number_year(b: &Bulletin) -> Option<Diagnostic> {
    let no = b.document_number.as_ref()?;
    let year = year_of(no)?;
    let issue_year = b.masthead.date.year();
    (year != issue_year).then(|| {
        Diagnostic::warning(
            Some(Place::new("$.document_number")),
            format!(
                "文号“{no}”中的年份是 {year} 年，这一期是 {issue_year} 年：可能是上一期留下的，请核对"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn bulletin(extra: serde_json::Value) -> Bulletin {
        let mut v = serde_json::json!({
            "masthead": { "name": "城关镇工作简报", "issue": 5, "issuer": "城关镇人民政府办公室", "date": "2025-04-18" },
            "guide": ["全镇春耕生产工作会议召开", "村级动态"],
            "body": [
                { "type": "article", "title": "全镇春耕生产工作会议召开", "paragraphs": ["正文。"] },
                { "type": "section", "title": "村级动态", "items": [
                    { "heading": "东村", "paragraphs": ["正文。"] } ] }
            ],
            "imprint": { "copies": 40 },
            "document_number": "城简〔2025〕5号"
        });
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        crate::model::parse(&serde_json::to_vec(&v).unwrap()).unwrap()
    }

    fn found(b: &Bulletin) -> Vec<(Severity, String, String)> {
        consistency(b)
            .into_iter()
            .map(|d| (d.severity, d.place.unwrap().path, d.message))
            .collect()
    }

    #[test]
    fn an_issue_whose_parts_agree_has_nothing_to_say() {
        assert_eq!(found(&bulletin(serde_json::json!({}))), vec![]);
    }

    #[test]
    fn guide_entries_are_matched_to_titles_leniently() {
        let c = |a: &str, b: &str| stands_for(&letters(a), &letters(b));
        assert!(c("县市区工作动态", "县市区动态"));
        assert!(c("【县市区动态】", "县市区动态"));
        assert!(c(
            "陈竞调研南洞庭湖湿地保护修复",
            "陈竞率队实地调研南洞庭湖湿地保护修复工作"
        ));
        assert!(!c("全县安全生产工作会议召开", "城关镇春耕备耕进展顺利"));
        assert!(!c("", "标题"));
        assert_eq!(common(&letters("ABCBDAB"), &letters("BDCABA")), 4);
    }

    #[test]
    fn a_stale_guide_entry_is_a_warning_at_its_place() {
        let b = bulletin(serde_json::json!({
            "guide": ["全镇春耕生产工作会议召开", "陈竞率队实地调研南洞庭湖湿地保护修复工作", "东村"]
        }));
        let f = found(&b);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, Severity::Warning);
        assert_eq!(f[0].1, "$.guide[1]");
        assert!(f[0].2.contains("导读第 2 条"), "{}", f[0].2);
        // The automatic guide is the titles: never stale.
        assert_eq!(
            found(&bulletin(serde_json::json!({ "guide": "auto" }))),
            vec![]
        );
    }

    #[test]
    fn a_printing_date_before_the_issue_is_a_warning() {
        let b = bulletin(serde_json::json!({ "imprint": { "date": "2024-05-10" } }));
        let f = found(&b);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (Severity::Warning, "$.imprint.date")
        );
        assert!(f[0].2.contains("2024年5月10日"), "{}", f[0].2);
        let later = bulletin(serde_json::json!({ "imprint": { "date": "2025-04-20" } }));
        assert_eq!(found(&later), vec![]);
    }

    #[test]
    fn another_printing_body_is_a_warning_its_parent_a_notice() {
        let other = bulletin(serde_json::json!({
            "imprint": { "issuer": "益阳市配合中央生态环境保护督察协调联络专班" }
        }));
        let f = found(&other);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (Severity::Warning, "$.imprint.issuer")
        );
        let parent = bulletin(serde_json::json!({ "imprint": { "issuer": "城关镇人民政府" } }));
        let f = found(&parent);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (Severity::Notice, "$.imprint.issuer")
        );
        let spaced =
            bulletin(serde_json::json!({ "imprint": { "issuer": "城关镇人民政府 办公室" } }));
        assert_eq!(found(&spaced), vec![]);
    }

    #[test]
    fn a_document_number_of_another_year_is_a_warning() {
        for (no, year) in [
            ("益简字【2022】42号", Some(2022)),
            ("城简〔2025〕5号", Some(2025)),
            ("城简（２０２４）５号", Some(2024)),
            ("城简字2024年第5号", Some(2024)),
            ("城简字第2024号", None),
            ("城简字第41号", None),
        ] {
            assert_eq!(year_of(no), year, "{no}");
        }
        let b = bulletin(serde_json::json!({ "document_number": "益简字【2022】42号" }));
        let f = found(&b);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (Severity::Warning, "$.document_number")
        );
        assert!(
            f[0].2.contains("2022 年") && f[0].2.contains("2025 年"),
            "{}",
            f[0].2
        );
        let none = bulletin(serde_json::json!({ "document_number": "城简字第41号" }));
        assert_eq!(found(&none), vec![]);
    }

    #[test]
    fn a_document_number_repeating_the_previous_issues_is_a_warning() {
        let prev = bulletin(serde_json::json!({ "document_number": "城简〔2025〕4号" }));
        let this = bulletin(serde_json::json!({ "document_number": "城简〔2025〕5号" }));
        assert!(against_previous(&this, &prev).is_empty());
        let same = bulletin(serde_json::json!({ "document_number": "城简〔2025〕4号" }));
        let w = against_previous(&same, &prev);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].severity, Severity::Warning);
        assert_eq!(w[0].place.as_ref().unwrap().path, "$.document_number");
        assert!(
            w[0].message.contains("与上一期（2025年第5期）的文号相同"),
            "{}",
            w[0].message
        );
        // The same number in another year's form is still the same number.
        let year = bulletin(serde_json::json!({ "document_number": "城简〔2024〕4号" }));
        assert_eq!(against_previous(&year, &prev).len(), 1);
        // Another series' numbers are not compared.
        let other = bulletin(serde_json::json!({ "document_number": "城办〔2025〕4号" }));
        assert!(against_previous(&other, &prev).is_empty());
        let mut unnumbered = bulletin(serde_json::json!({}));
        unnumbered.document_number = None;
        assert!(against_previous(&unnumbered, &prev).is_empty());
    }
}
