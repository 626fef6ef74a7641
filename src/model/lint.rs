//! Diagnostics about the text itself: half-width punctuation typed inside
//! Chinese text (a "," or '"' where "，" or "“" was meant), which readers
//! notice at once (warnings), and spaces typed before a paragraph (notices).

use super::{Bulletin, Part, Text};
use crate::diag::Diagnostic;

/// Half-width marks and the full-width marks usually meant in Chinese text.
const HALF_TO_FULL: &[(char, &str)] = &[
    (',', "，"),
    (';', "；"),
    (':', "："),
    ('?', "？"),
    ('!', "！"),
    ('(', "（"),
    (')', "）"),
    ('"', "“ 或 ”"),
    ('\'', "‘ 或 ’"),
];

fn is_cjk(ch: char) -> bool {
    matches!(ch as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0x20000..=0x3FFFF)
        || "“”‘’…—·".contains(ch)
}

/// Half-width marks of `text` that touch a Chinese character: (mark,
/// suggestion). A full stop counts after a Chinese character (not inside a
/// number such as 12.5), and three or more of them are an ellipsis.
pub fn half_width_marks(text: &str) -> Vec<(String, &'static str)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<(String, &'static str)> = Vec::new();
    let mut note = |mark: String, full: &'static str| {
        if !found.iter().any(|(m, _)| *m == mark) {
            found.push((mark, full));
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let before = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
        if ch == '.' {
            let run = chars[i..].iter().take_while(|&&c| c == '.').count();
            let after = chars.get(i + run).copied();
            if run >= 3 && (before.is_some_and(is_cjk) || after.is_some_and(is_cjk)) {
                note(".".repeat(run), "……");
            } else if run == 1
                && before.is_some_and(is_cjk)
                && after.is_none_or(|c| is_cjk(c) || c.is_whitespace())
            {
                note(".".into(), "。");
            }
            i += run;
            continue;
        }
        if let Some(&(_, full)) = HALF_TO_FULL.iter().find(|(h, _)| *h == ch) {
            let after = chars.get(i + 1).copied();
            if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) {
                note(ch.to_string(), full);
            }
        }
        i += 1;
    }
    found
}

/// How many spaces (full-width or not) a paragraph starts with.
fn leading_spaces(p: &str) -> usize {
    p.chars()
        .take_while(|c| *c == ' ' || *c == '\u{3000}')
        .count()
}

/// A warning for every text of `b` with half-width marks inside Chinese text.
pub fn lint(b: &Bulletin) -> Vec<Diagnostic> {
    let texts: Vec<Text> = b.texts().collect();
    let mut out: Vec<Diagnostic> = Vec::new();
    for t in &texts {
        let n = leading_spaces(t.text);
        if n > 0 && matches!(t.part, Part::Paragraph | Part::Note | Part::EditorNote) {
            out.push(Diagnostic::notice(
                Some(t.place.clone()),
                format!("段首的 {n} 个空格已去掉：段首缩进由排版自动加"),
            ));
        }
    }
    out.extend(texts.into_iter().filter_map(|t| {
        let marks = half_width_marks(t.text);
        (!marks.is_empty()).then(|| {
            Diagnostic::warning(
                Some(t.place),
                format!(
                    "中文里有半角标点：{}",
                    marks
                        .iter()
                        .map(|(h, f)| format!("“{h}”应为“{f}”"))
                        .collect::<Vec<_>>()
                        .join("，")
                ),
            )
        })
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;

    #[test]
    fn half_width_marks_next_to_chinese_are_found() {
        let marks = |t: &str| -> Vec<(String, &'static str)> { half_width_marks(t) };
        let one = |m: &str, f: &'static str| vec![(m.to_string(), f)];
        assert_eq!(marks("会议指出,要落实"), one(",", "，"));
        assert_eq!(
            marks("县政府(管委会)设分会场"),
            vec![("(".to_string(), "（"), (")".to_string(), "）")]
        );
        assert_eq!(marks("扛牢\"守护好一江碧水\"的责任"), one("\"", "“ 或 ”"));
        assert_eq!(marks("时间:5月8日"), one(":", "："));
        assert_eq!(marks("会议结束."), one(".", "。"));
        assert_eq!(marks("会议结束.下一步"), one(".", "。"));
        assert_eq!(marks("要求如下..."), one("...", "……"));
        assert_eq!(marks("要求如下......"), one("......", "……"));
    }

    #[test]
    fn latin_text_and_numbers_are_left_alone() {
        assert!(half_width_marks("PM2.5浓度为28微克/立方米，同比下降12.5%").is_empty());
        assert!(half_width_marks("引用 (Smith, 2020) 的结论").is_empty());
        assert!(half_width_marks("会议指出，要落实（管委会）“守护”").is_empty());
        assert!(half_width_marks("ISO 9001:2015").is_empty());
        assert!(half_width_marks("增长12.5个百分点，www.example.gov.cn").is_empty());
        assert!(half_width_marks("No. 3").is_empty());
    }

    #[test]
    fn spaces_before_a_paragraph_are_a_notice_not_a_warning() {
        let example = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yiyang-2024-01.json"),
        )
        .unwrap();
        let mut b = crate::model::parse(&example).unwrap();
        assert!(lint(&b).is_empty(), "{:?}", lint(&b));
        let Block::Article(a) = &mut b.body[0] else {
            panic!("the example starts with an article")
        };
        a.paragraphs[0].insert_str(0, "\u{3000}\u{3000}");
        let found = lint(&b);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(d.severity, crate::diag::Severity::Notice);
        assert!(d.message.contains("2 个空格"), "{}", d.message);
        assert_eq!(
            d.place.as_ref().map(|p| p.path.as_str()),
            Some("$.body[0].paragraphs[0]")
        );
    }
}
