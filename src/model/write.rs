//! Writing a [`Bulletin`] back as input JSON, in the field order and style of
//! `examples/` (two-space indent, Chinese unescaped), leaving out defaults.
//!
//! [`to_json`] is the inverse of [`super::parse`]: `parse(to_json(b)) == b`.
//! The imprint is always written with its issuer and date (they are printed,
//! and the writer edits them there); everything else that has its default
//! value (the `jianbao` template, no guide, empty lists, absent numbers and
//! markings, `allow_substitutes: false`) is left out.

use super::schema::{self, name};
use super::{Block, Bulletin, Guide, Item, ItemKind, TemplateRef};

/// A JSON value whose objects keep the order they are built in.
enum Value {
    Str(String),
    Num(u32),
    Bool(bool),
    List(Vec<Value>),
    Object(Vec<(&'static str, Value)>),
}

fn s(text: &str) -> Value {
    Value::Str(text.to_string())
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|t| s(t)).collect())
}

/// The JSON of `b`, ending in a line break.
pub fn to_json(b: &Bulletin) -> String {
    let mut root = Vec::new();
    match &b.template {
        TemplateRef::Builtin(t) if t == schema::DEFAULT_TEMPLATE => {}
        TemplateRef::Builtin(t) => root.push((name::TEMPLATE, s(t))),
        TemplateRef::File(p) => root.push((name::TEMPLATE, s(&p.to_string_lossy()))),
    }

    let m = &b.masthead;
    let mut masthead = vec![(name::NAME, s(&m.name)), (name::ISSUE, Value::Num(m.issue))];
    if let Some(t) = m.total_issue {
        masthead.push((name::TOTAL_ISSUE, Value::Num(t)));
    }
    masthead.push((name::ISSUER, s(&m.issuer)));
    masthead.push((name::DATE, s(&m.date.iso())));
    if let Some(mark) = &m.marking {
        masthead.push((name::MARKING, s(mark)));
    }
    if let Some(series) = &m.supplement {
        masthead.push((name::SUPPLEMENT, s(series)));
    }
    if let Some(n) = &m.copy_number {
        masthead.push((name::COPY_NUMBER, s(n)));
    }
    root.push((name::MASTHEAD, Value::Object(masthead)));

    if !b.editor_note.is_empty() {
        root.push((name::EDITOR_NOTE, strings(&b.editor_note)));
    }
    match &b.guide {
        Guide::None => {}
        Guide::Auto => root.push((name::GUIDE, s(schema::GUIDE_AUTO))),
        Guide::Items(items) => root.push((name::GUIDE, strings(items))),
    }
    if let Some(label) = &b.guide_label {
        root.push((name::GUIDE_LABEL, s(label)));
    }

    root.push((name::BODY, Value::List(b.body.iter().map(block).collect())));

    let d = &b.distribution;
    let lists = [
        (name::REPORT_TO, &d.report_to),
        (name::SEND_TO, &d.send_to),
        (name::ISSUE_TO, &d.issue_to),
        (name::EXTRA_TO, &d.extra_to),
    ];
    let distribution: Vec<_> = lists
        .into_iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(k, l)| (k, strings(l)))
        .collect();
    if !distribution.is_empty() {
        root.push((name::DISTRIBUTION, Value::Object(distribution)));
    }

    let i = &b.imprint;
    let mut imprint = vec![(name::ISSUER, s(&i.issuer)), (name::DATE, s(&i.date.iso()))];
    if let Some(c) = i.copies {
        imprint.push((name::COPIES, Value::Num(c)));
    }
    if let Some(c) = &i.contact {
        imprint.push((name::CONTACT, s(c)));
    }
    root.push((name::IMPRINT, Value::Object(imprint)));

    if let Some(n) = &b.document_number {
        root.push((name::DOCUMENT_NUMBER, s(n)));
    }
    if b.allow_substitutes {
        root.push((name::ALLOW_SUBSTITUTES, Value::Bool(true)));
    }

    let mut out = String::new();
    write(&Value::Object(root), 0, &mut out);
    out.push('\n');
    out
}

fn block(b: &Block) -> Value {
    match b {
        Block::Article(a) => {
            let mut fields = vec![
                (name::TYPE, s(schema::ARTICLE_TYPE)),
                (name::TITLE, s(&a.title)),
            ];
            if !a.note.is_empty() {
                fields.push((name::NOTE, strings(&a.note)));
            }
            fields.push((name::PARAGRAPHS, strings(&a.paragraphs)));
            Value::Object(fields)
        }
        Block::Section(sec) => Value::Object(vec![
            (name::TYPE, s(schema::SECTION_TYPE)),
            (name::TITLE, s(&sec.title)),
            (
                name::ITEMS,
                Value::List(sec.items.iter().map(item).collect()),
            ),
        ]),
    }
}

fn item(it: &Item) -> Value {
    let mut fields = Vec::new();
    match &it.kind {
        ItemKind::Plain => {}
        ItemKind::Heading(h) => fields.push((name::HEADING, s(h))),
        ItemKind::Lead(l) => fields.push((name::LEAD, s(l))),
    }
    fields.push((name::PARAGRAPHS, strings(&it.paragraphs)));
    Value::Object(fields)
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn quote(text: &str, out: &mut String) {
    // serde_json escapes quotes, backslashes and control characters and
    // leaves every other character as it is.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

fn write(v: &Value, level: usize, out: &mut String) {
    match v {
        Value::Str(t) => quote(t, out),
        Value::Num(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                out.push_str(if k == 0 { "\n" } else { ",\n" });
                indent(level + 1, out);
                write(item, level + 1, out);
            }
            out.push('\n');
            indent(level, out);
            out.push(']');
        }
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Object(fields) => {
            out.push('{');
            for (k, (key, value)) in fields.iter().enumerate() {
                out.push_str(if k == 0 { "\n" } else { ",\n" });
                indent(level + 1, out);
                quote(key, out);
                out.push_str(": ");
                write(value, level + 1, out);
            }
            out.push('\n');
            indent(level, out);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse;

    const EXAMPLE: &str = include_str!("../../examples/yiyang-2024-01.json");

    #[test]
    fn the_example_comes_back_as_written_less_the_default_template() {
        let b = parse(EXAMPLE.as_bytes()).unwrap();
        let json = to_json(&b);
        let expected = EXAMPLE.replace("  \"template\": \"jianbao\",\n", "");
        assert_eq!(json, expected);
        assert_eq!(parse(json.as_bytes()).unwrap(), b);
    }

    #[test]
    fn round_trip_of_every_optional_part() {
        let json = r#"{
          "template": "our/office.toml",
          "masthead": { "name": "某县\"工作\"简报", "issue": 3, "total_issue": 41,
            "issuer": "某县人民政府办公室", "date": "2024-06-01", "marking": "秘密★1年",
            "supplement": "专刊", "copy_number": 42 },
          "editor_note": ["按语一。", "按语二。"],
          "guide": "auto",
          "guide_label": "本期要目",
          "body": [
            { "type": "section", "title": "乡镇动态", "items": [
              { "heading": "城关镇", "paragraphs": ["甲\\乙。", "丙。"] },
              { "lead": "县生态环境局", "paragraphs": ["丁。"] },
              { "paragraphs": ["戊。"] } ] },
            { "type": "article", "title": "标题", "note": "按。", "paragraphs": ["己。"] }
          ],
          "distribution": { "issue_to": ["各乡镇"], "extra_to": ["县林业局"] },
          "imprint": { "issuer": "某县委办", "date": "2024-06-02", "copies": 40,
            "contact": "联系人：张三　电话：0737-1234567" },
          "document_number": "某简〔2024〕3号",
          "allow_substitutes": true
        }"#;
        let b = parse(json.as_bytes()).unwrap();
        let written = to_json(&b);
        assert_eq!(parse(written.as_bytes()).unwrap(), b);
        assert!(written.contains("\"name\": \"某县\\\"工作\\\"简报\""));
        assert!(written.contains("\"guide\": \"auto\""));
        assert!(!written.contains("report_to"));
        assert!(written.contains("\"allow_substitutes\": true"));
        assert!(written.contains("\"template\": \"our/office.toml\""));
        assert!(written.contains("\"copy_number\": \"000042\""));
        assert!(
            written.contains("\"note\": [\n        \"按。\"\n      ]"),
            "{written}"
        );
    }

    #[test]
    fn defaults_are_left_out() {
        let json = r#"{"masthead": {"name": "简报", "issue": 1, "issuer": "办", "date": "2024-01-02"},
                       "body": [{"type": "article", "title": "题", "paragraphs": ["文。"]}]}"#;
        let b = parse(json.as_bytes()).unwrap();
        let written = to_json(&b);
        for absent in [
            "template",
            "guide",
            "distribution",
            "total_issue",
            "marking",
            "copies",
            "supplement",
            "copy_number",
            "editor_note",
            "guide_label",
            "note",
            "extra_to",
            "contact",
        ] {
            assert!(!written.contains(absent), "{absent} in {written}");
        }
        assert!(written.contains(
            "\"imprint\": {\n    \"issuer\": \"办\",\n    \"date\": \"2024-01-02\"\n  }"
        ));
        assert_eq!(parse(written.as_bytes()).unwrap(), b);
    }
}
