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

/// Whether `c` is a default-ignorable code point (Unicode 16.0,
/// DerivedCoreProperties.txt, `Default_Ignorable_Code_Point`): a character
/// that draws nothing (soft hyphen, zero-width space and joiners,
/// direction marks, word joiner, byte order mark, variation selectors,
/// tags), so that two names that look the same can differ by one.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5
        | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The name of an invisible character, for messages: `U+200B（零宽空格）`.
pub fn invisible_name(c: char) -> String {
    let what = match c {
        '\u{00AD}' => "软连字符",
        '\u{200B}' => "零宽空格",
        '\u{200C}' => "零宽不连字",
        '\u{200D}' => "零宽连字",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "方向标记",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "方向控制符",
        '\u{2060}' => "零宽不换行",
        '\u{FEFF}' => "字节顺序标记 BOM",
        '\u{FE00}'..='\u{FE0F}' => "变体选择符",
        _ => "看不见的字符",
    };
    format!("U+{:04X}（{what}）", c as u32)
}

/// How many spaces (full-width or not) a paragraph starts with.
fn leading_spaces(p: &str) -> usize {
    p.chars()
        .take_while(|c| *c == ' ' || *c == '\u{3000}')
        .count()
}

/// The warnings of the one-line texts that name the bulletin or its parts
/// (name, issuer, series, titles, headings) holding invisible characters:
/// the register compares names without them, and a reader cannot see them.
fn invisible_characters(b: &Bulletin) -> Vec<Diagnostic> {
    let lines = b.texts().filter(|t| {
        matches!(
            t.part,
            Part::Name | Part::Issuer | Part::Supplement | Part::Title | Part::Heading | Part::Lead
        )
    });
    let mut out = Vec::new();
    for Text { place, text, .. } in lines {
        let mut found: Vec<char> = Vec::new();
        for c in text.chars().filter(|&c| is_default_ignorable(c)) {
            if !found.contains(&c) {
                found.push(c);
            }
        }
        if !found.is_empty() {
            let names: Vec<String> = found.into_iter().map(invisible_name).collect();
            out.push(Diagnostic::warning(
                Some(place),
                format!(
                    "含有看不见的字符 {}：读者看不到它，登记时也不算它（与不含它的写法算同一个名称）；多半是复制粘贴带进来的，请删除",
                    names.join("、")
                ),
            ));
        }
    }
    out
}

/// A warning for every text of `b` with half-width marks inside Chinese
/// text, and for names and titles holding invisible characters.
pub fn lint(b: &Bulletin) -> Vec<Diagnostic> {
    let mut invisible = invisible_characters(b);
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
    out.append(&mut invisible);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Block;

    #[test]
    fn invisible_characters_in_names_and_titles_are_warned() {
        for c in [
            '\u{AD}', '\u{200B}', '\u{200C}', '\u{200E}', '\u{2060}', '\u{FEFF}',
        ] {
            assert!(is_default_ignorable(c), "{c:?}");
        }
        for c in ['a', '中', ' ', '\u{3000}', '　'] {
            assert!(!is_default_ignorable(c), "{c:?}");
        }
        let mut b = crate::model::parse(
            &std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/yiyang-2024-01.json"
            ))
            .unwrap(),
        )
        .unwrap();
        assert!(invisible_characters(&b).is_empty());
        b.masthead.name.push('\u{AD}');
        b.masthead.issuer.insert(3, '\u{200B}');
        let w = lint(&b);
        let paths: Vec<&str> = w
            .iter()
            .filter(|d| d.message.contains("看不见"))
            .map(|d| d.place.as_ref().unwrap().path.as_str())
            .collect();
        assert_eq!(paths, ["$.masthead.name", "$.masthead.issuer"]);
        assert!(w.iter().any(|d| d.message.contains("U+00AD（软连字符）")));
    }

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
