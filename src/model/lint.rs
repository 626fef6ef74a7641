//! Warnings about the text itself: half-width punctuation typed inside Chinese
//! text (a "," or '"' where "，" or "“" was meant), which readers notice at once.

use super::{Block, Bulletin, Guide, ItemKind};
use crate::diag::Diagnostic;
use crate::error::Place;

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

/// Half-width marks of `text` that touch a Chinese character: (mark, suggestion).
pub fn half_width_marks(text: &str) -> Vec<(char, &'static str)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<(char, &'static str)> = Vec::new();
    for (i, &ch) in chars.iter().enumerate() {
        let Some(&(_, full)) = HALF_TO_FULL.iter().find(|(h, _)| *h == ch) else {
            continue;
        };
        let before = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
        let after = chars.get(i + 1).copied();
        let touches_chinese = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
        if touches_chinese && !found.iter().any(|(c, _)| *c == ch) {
            found.push((ch, full));
        }
    }
    found
}

/// A warning for every text of `b` with half-width marks inside Chinese text.
pub fn lint(b: &Bulletin) -> Vec<Diagnostic> {
    let mut texts: Vec<(Place, &str)> = vec![
        (Place::new("$.masthead.name"), b.masthead.name.as_str()),
        (Place::new("$.masthead.issuer"), b.masthead.issuer.as_str()),
    ];
    if let Guide::Items(items) = &b.guide {
        for (i, t) in items.iter().enumerate() {
            texts.push((Place::new(format!("$.guide[{i}]")), t));
        }
    }
    for (bi, block) in b.body.iter().enumerate() {
        texts.push((block.place(bi, ".title"), block.title()));
        match block {
            Block::Article(a) => {
                for (pi, p) in a.paragraphs.iter().enumerate() {
                    texts.push((block.place(bi, &format!(".paragraphs[{pi}]")), p));
                }
            }
            Block::Section(s) => {
                for (ii, item) in s.items.iter().enumerate() {
                    match &item.kind {
                        ItemKind::Heading(h) => {
                            texts.push((block.place(bi, &format!(".items[{ii}].heading")), h))
                        }
                        ItemKind::Lead(l) => {
                            texts.push((block.place(bi, &format!(".items[{ii}].lead")), l))
                        }
                        ItemKind::Plain => {}
                    }
                    for (pi, p) in item.paragraphs.iter().enumerate() {
                        texts.push((
                            block.place(bi, &format!(".items[{ii}].paragraphs[{pi}]")),
                            p,
                        ));
                    }
                }
            }
        }
    }
    let d = &b.distribution;
    for (key, list) in [
        ("report_to", &d.report_to),
        ("send_to", &d.send_to),
        ("issue_to", &d.issue_to),
    ] {
        for (i, t) in list.iter().enumerate() {
            texts.push((Place::new(format!("$.distribution.{key}[{i}]")), t));
        }
    }
    if let Some(n) = &b.document_number {
        texts.push((Place::new("$.document_number"), n));
    }
    texts
        .into_iter()
        .filter_map(|(place, text)| {
            let marks = half_width_marks(text);
            (!marks.is_empty()).then(|| {
                Diagnostic::warning(
                    Some(place),
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
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_marks_next_to_chinese_are_found() {
        assert_eq!(half_width_marks("会议指出,要落实"), vec![(',', "，")]);
        assert_eq!(
            half_width_marks("县政府(管委会)设分会场"),
            vec![('(', "（"), (')', "）")]
        );
        assert_eq!(
            half_width_marks("扛牢\"守护好一江碧水\"的责任"),
            vec![('"', "“ 或 ”")]
        );
        assert_eq!(half_width_marks("时间:5月8日"), vec![(':', "：")]);
    }

    #[test]
    fn latin_text_and_numbers_are_left_alone() {
        assert!(half_width_marks("PM2.5浓度为28微克/立方米，同比下降12.5%").is_empty());
        assert!(half_width_marks("引用 (Smith, 2020) 的结论").is_empty());
        assert!(half_width_marks("会议指出，要落实（管委会）“守护”").is_empty());
        assert!(half_width_marks("ISO 9001:2015").is_empty());
    }
}
