//! The skeleton of the next issue (`jianbao new`): masthead, distribution and
//! imprint of the previous issue, the next numbers and a date, and one empty
//! article for the writer to fill in. Until the placeholder is filled in the
//! skeleton fails `check` (empty strings are errors), so it cannot be issued
//! by mistake.

use crate::model::{Article, Block, Bulletin, Date, Distribution, Guide, Imprint, Masthead};

/// The numbers of an issue: year, issue, total issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Numbers {
    /// The year of its date.
    pub year: u16,
    /// 期号.
    pub issue: u32,
    /// 总期号.
    pub total_issue: Option<u32>,
}

/// The numbers of the issue after the latest of `known` dated `date`: the
/// issue number restarts at 1 in a new year, the total issue number runs on.
/// `None` when a number would pass its largest value (the input format's
/// limits, [`crate::model::MAX_ISSUE`] and [`crate::model::MAX_TOTAL_ISSUE`]).
pub fn next_numbers(known: &[Numbers], date: Date) -> Option<Numbers> {
    let latest = known.iter().max_by_key(|n| (n.year, n.issue));
    let total = known.iter().filter_map(|n| n.total_issue).max();
    let next = |n: u32, max: u32| n.checked_add(1).filter(|&n| n <= max);
    Some(match latest {
        None => Numbers {
            year: date.year(),
            issue: 1,
            total_issue: None,
        },
        Some(l) => Numbers {
            year: date.year(),
            issue: if date.year() > l.year {
                1
            } else {
                next(l.issue, crate::model::MAX_ISSUE)?
            },
            total_issue: match total {
                Some(t) => Some(next(t, crate::model::MAX_TOTAL_ISSUE)?),
                None => None,
            },
        },
    })
}

/// The 文号 of the next issue: the previous one with its issue (or total
/// issue) number advanced, and its year when the year changes (〔2024〕3号 →
/// 〔2024〕4号); `None` when its last number is neither (the writer gives it).
pub fn next_document_number(no: &str, prev: Numbers, next: Numbers) -> Option<String> {
    // The runs of ASCII digits, by byte range.
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in no.char_indices().chain([(no.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    let last = runs.last()?.clone();
    let value: u64 = no[last.clone()].parse().ok()?;
    let replaced = if value == u64::from(prev.issue) {
        next.issue
    } else if prev.total_issue.map(u64::from) == Some(value) {
        next.total_issue?
    } else {
        return None;
    };
    let mut out = String::new();
    let mut at = 0;
    for r in &runs {
        out.push_str(&no[at..r.start]);
        let digits = &no[r.clone()];
        if *r == last {
            out.push_str(&replaced.to_string());
        } else if digits == prev.year.to_string() && next.year != prev.year {
            out.push_str(&next.year.to_string());
        } else {
            out.push_str(digits);
        }
        at = r.end;
    }
    out.push_str(&no[at..]);
    Some(out)
}

/// The article to fill in: an empty title and paragraph (errors until the
/// writer fills them in).
fn placeholder() -> Block {
    Block::Article(Article {
        title: String::new(),
        note: Vec::new(),
        paragraphs: vec![String::new()],
    })
}

/// The JSON of the next issue after `prev`, numbered `numbers`, dated `date`,
/// with the 文号 `document_number`: its masthead (without the copy number),
/// guide (`auto` when it had one), distribution (without the extra list)
/// and imprint (whose date follows the new issue's), and one empty article.
pub fn skeleton(
    prev: &Bulletin,
    numbers: Numbers,
    date: Date,
    document_number: Option<String>,
) -> String {
    let next = Bulletin {
        masthead: Masthead {
            issue: numbers.issue,
            total_issue: numbers.total_issue,
            date,
            copy_number: None,
            ..prev.masthead.clone()
        },
        guide: if prev.guide == Guide::None {
            Guide::None
        } else {
            Guide::Auto
        },
        editor_note: Vec::new(),
        body: vec![placeholder()],
        distribution: Distribution {
            extra_to: Vec::new(),
            ..prev.distribution.clone()
        },
        imprint: Imprint {
            date,
            ..prev.imprint.clone()
        },
        document_number,
        allow_substitutes: false,
        ..prev.clone()
    };
    crate::model::to_json(&next)
}

/// A first issue of a bulletin the archive does not know: every field to
/// fill in is an empty string.
pub fn first_issue(name: &str, supplement: Option<&str>, date: Date) -> String {
    let masthead = Masthead {
        supplement: supplement.map(str::to_string),
        ..Masthead::new(name, 1, "", date)
    };
    let first = Bulletin {
        guide: Guide::Auto,
        ..Bulletin::new(masthead, vec![placeholder()])
    };
    crate::model::to_json(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(year: u16, issue: u32, total: Option<u32>) -> Numbers {
        Numbers {
            year,
            issue,
            total_issue: total,
        }
    }

    #[test]
    fn numbers_run_on_and_restart_in_a_new_year() {
        let d = Date::new(2024, 5, 17).unwrap();
        assert_eq!(
            next_numbers(&[n(2024, 1, Some(57))], d),
            Some(n(2024, 2, Some(58)))
        );
        assert_eq!(next_numbers(&[n(2024, 1, None)], d), Some(n(2024, 2, None)));
        let d2025 = Date::new(2025, 1, 3).unwrap();
        assert_eq!(
            next_numbers(&[n(2024, 9, Some(65)), n(2024, 3, Some(59))], d2025),
            Some(n(2025, 1, Some(66)))
        );
        assert_eq!(next_numbers(&[], d), Some(n(2024, 1, None)));
    }

    #[test]
    fn document_numbers_advance_with_the_issue_or_are_left_out() {
        let (p, q) = (n(2024, 3, Some(41)), n(2024, 4, Some(42)));
        assert_eq!(
            next_document_number("某简〔2024〕3号", p, q).as_deref(),
            Some("某简〔2024〕4号")
        );
        assert_eq!(
            next_document_number("某简字第41号", p, q).as_deref(),
            Some("某简字第42号")
        );
        // A new year: the year in the number follows.
        let (p, q) = (n(2024, 12, None), n(2025, 1, None));
        assert_eq!(
            next_document_number("某简〔2024〕12号", p, q).as_deref(),
            Some("某简〔2025〕1号")
        );
        // A number that is neither: the writer gives the next one.
        let (p, q) = (n(2024, 1, Some(57)), n(2024, 2, Some(58)));
        assert_eq!(next_document_number("益简字【2022】42号", p, q), None);
        assert_eq!(next_document_number("无编号", p, q), None);
    }

    #[test]
    fn numbers_never_wrap() {
        let d = Date::new(2024, 5, 17).unwrap();
        let max = crate::model::MAX_TOTAL_ISSUE;
        assert_eq!(next_numbers(&[n(2024, 1, Some(max))], d), None);
        assert_eq!(next_numbers(&[n(2024, 1, Some(u32::MAX))], d), None);
        assert_eq!(
            next_numbers(&[n(2024, crate::model::MAX_ISSUE, None)], d),
            None
        );
        // A new year starts again at 1 whatever the last number was.
        let d2025 = Date::new(2025, 1, 3).unwrap();
        assert_eq!(
            next_numbers(&[n(2024, crate::model::MAX_ISSUE, None)], d2025),
            Some(n(2025, 1, None))
        );
    }

    #[test]
    fn skeleton_copies_the_masthead_and_fails_check_until_filled() {
        let example = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yiyang-2024-01.json"),
        )
        .unwrap();
        let prev = crate::model::parse(&example).unwrap();
        let date = Date::new(2024, 5, 17).unwrap();
        let json = skeleton(&prev, n(2024, 2, None), date, None);
        let err = crate::model::parse(json.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("$.body[0].title"), "{err}");
        let filled = json
            .replacen("\"title\": \"\"", "\"title\": \"湿地保护\"", 1)
            .replacen("\"\"\n", "\"督察组到益阳。\"\n", 1);
        let next = crate::model::parse(filled.as_bytes()).unwrap();
        assert_eq!(next.masthead.name, prev.masthead.name);
        assert_eq!(next.masthead.issue, 2);
        assert_eq!(next.masthead.date, date);
        assert_eq!(next.distribution, prev.distribution);
        assert_eq!(next.imprint.issuer, prev.imprint.issuer);
        assert_eq!(next.document_number, None, "the 文号 given is the one used");
        assert_eq!(
            next.imprint.date, next.masthead.date,
            "the printing date follows"
        );
        assert!(
            !json.contains("2024-05-17\",\n    \"copies"),
            "no explicit printing date"
        );
        assert!(crate::model::parse(first_issue("新简报", None, date).as_bytes()).is_err());
    }
}
