//! Tests of the input rules: one per rule of bulletin-json.md, and inputs
//! mutated in every way, which must give well-formed errors, never a panic.

use super::*;
use crate::error::Problem;
use crate::model::schema::{self, Field};
use crate::model::*;
use serde_json::{json, Value};

/// The example of bulletin-json.md, with `"guide": "auto"` and an imprint
/// that gives only the copies.
const EXAMPLE: &str = r#"{
  "template": "jianbao",
  "masthead": {
    "name": "益阳市配合中央生态环境保护督察工作简报",
    "issue": 1,
    "total_issue": 57,
    "issuer": "益阳市配合中央生态环境保护督察协调联络专班",
    "date": "2024-05-10",
    "marking": "内部资料 注意保存"
  },
  "guide": "auto",
  "body": [
    {
      "type": "article",
      "title": "陈竞率队实地调研南洞庭湖湿地保护修复工作",
      "paragraphs": ["5月9日，益阳市委书记陈竞率队……", "陈竞强调：……"]
    },
    {
      "type": "section",
      "title": "县市区动态",
      "items": [
        { "paragraphs": ["5月8日，赫山区、资阳区……迅速召开工作部署会议。"] },
        { "heading": "南县", "paragraphs": ["5月7日，……", "……"] },
        { "lead": "市生态环境局", "paragraphs": ["5月7日，……"] }
      ]
    }
  ],
  "distribution": {
    "report_to": ["市委办公室", "市人大常委会办公室"],
    "send_to": ["各县市区委、县市区人民政府", "大通湖区管委会"],
    "issue_to": []
  },
  "imprint": { "copies": 60 },
  "document_number": "益简字【2022】42号"
}"#;

fn example() -> Value {
    serde_json::from_str(EXAMPLE).expect("the example is JSON")
}

fn parse_value(v: &Value) -> Result<Bulletin> {
    parse(v.to_string().as_bytes())
}

/// The example after `change`, parsed.
fn parse_changed(change: impl FnOnce(&mut Value)) -> Result<Bulletin> {
    let mut v = example();
    change(&mut v);
    parse_value(&v)
}

fn problems(result: Result<Bulletin>) -> Vec<Problem> {
    match result {
        Err(Error::Invalid(p)) => p,
        Err(other) => panic!("expected Error::Invalid, got {other:?}"),
        Ok(b) => panic!("expected Error::Invalid, got {b:#?}"),
    }
}

/// The one problem of the example after `change`.
fn only_problem(change: impl FnOnce(&mut Value)) -> Problem {
    let p = problems(parse_changed(change));
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().expect("one problem")
}

/// Asserts that `p` is at `path` and its message contains `fragment`.
fn assert_problem(p: &Problem, path: &str, fragment: &str) {
    assert_eq!(p.place.path, path, "{p}");
    assert!(p.message.contains(fragment), "{p:?} lacks {fragment:?}");
}

fn ok(result: Result<Bulletin>) -> Bulletin {
    match result {
        Ok(b) => b,
        Err(e) => panic!("expected a bulletin, got {e}"),
    }
}

fn syntax(text: &[u8]) -> (usize, usize, String) {
    match parse(text) {
        Err(Error::Syntax {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("expected Error::Syntax, got {other:?}"),
    }
}

fn date(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("a real date")
}

// -- complete bulletins ---------------------------------------------------

#[test]
fn parses_the_example_with_defaults() {
    let b = ok(parse(EXAMPLE.as_bytes()));
    assert_eq!(b.template, TemplateRef::Builtin("jianbao".into()));
    assert_eq!(
        b.masthead,
        Masthead {
            total_issue: Some(57),
            marking: Some("内部资料 注意保存".into()),
            ..Masthead::new(
                "益阳市配合中央生态环境保护督察工作简报",
                1,
                "益阳市配合中央生态环境保护督察协调联络专班",
                date(2024, 5, 10),
            )
        }
    );
    assert_eq!(b.masthead.issue_line(), "第1期（总第57期）");
    assert_eq!(b.guide, Guide::Auto);
    assert_eq!(
        b.body,
        vec![
            Block::Article(Article {
                title: "陈竞率队实地调研南洞庭湖湿地保护修复工作".into(),
                note: vec![],
                paragraphs: vec![
                    "5月9日，益阳市委书记陈竞率队……".into(),
                    "陈竞强调：……".into()
                ],
            }),
            Block::Section(Section {
                title: "县市区动态".into(),
                items: vec![
                    Item {
                        kind: ItemKind::Plain,
                        paragraphs: vec!["5月8日，赫山区、资阳区……迅速召开工作部署会议。".into()],
                    },
                    Item {
                        kind: ItemKind::Heading("南县".into()),
                        paragraphs: vec!["5月7日，……".into(), "……".into()],
                    },
                    Item {
                        kind: ItemKind::Lead("市生态环境局".into()),
                        paragraphs: vec!["5月7日，……".into()],
                    },
                ],
            }),
        ]
    );
    assert_eq!(
        b.distribution,
        Distribution {
            report_to: vec!["市委办公室".into(), "市人大常委会办公室".into()],
            send_to: vec!["各县市区委、县市区人民政府".into(), "大通湖区管委会".into()],
            issue_to: vec![],
            extra_to: vec![],
        }
    );
    // Issuer and date come from the masthead; copies as given.
    assert_eq!(
        b.imprint,
        Imprint {
            issuer: "益阳市配合中央生态环境保护督察协调联络专班".into(),
            date: date(2024, 5, 10),
            copies: Some(60),
            contact: None,
        }
    );
    assert_eq!(b.document_number.as_deref(), Some("益简字【2022】42号"));
    assert!(!b.allow_substitutes);
}

#[test]
fn parses_the_spec_example_verbatim() {
    let b = ok(parse_changed(|v| {
        v["guide"] = json!(["陈竞率队实地调研南洞庭湖湿地保护修复工作", "县市区工作动态"]);
        v["imprint"] = json!({ "issuer": "专班", "date": "2024-05-11", "copies": 60 });
    }));
    assert_eq!(
        b.guide,
        Guide::Items(vec![
            "陈竞率队实地调研南洞庭湖湿地保护修复工作".into(),
            "县市区工作动态".into()
        ])
    );
    assert_eq!(
        b.imprint,
        Imprint {
            issuer: "专班".into(),
            date: date(2024, 5, 11),
            copies: Some(60),
            contact: None,
        }
    );
}

#[test]
fn parses_a_minimal_bulletin() {
    let b = ok(parse(
        r#"{"masthead": {"name": "简报", "issue": 3, "issuer": "办公室", "date": "2024-02-29"},
                "body": [{"type": "article", "title": "标题", "paragraphs": ["正文。"]}]}"#
            .as_bytes(),
    ));
    assert_eq!(b.template, TemplateRef::Builtin("jianbao".into()));
    assert_eq!(b.masthead.total_issue, None);
    assert_eq!(b.masthead.marking, None);
    assert_eq!(b.guide, Guide::None);
    assert_eq!(b.distribution, Distribution::default());
    assert_eq!(
        b.imprint,
        Imprint {
            issuer: "办公室".into(),
            date: date(2024, 2, 29),
            copies: None,
            contact: None,
        }
    );
    assert_eq!(b.document_number, None);
    assert!(!b.allow_substitutes);
}

#[test]
fn every_field_of_the_lists_is_read() {
    // Give every object every field of its list (null where the example has
    // none): none may be taken for an unknown field.
    fn fill(obj: &mut Value, fields: &[Field]) {
        for f in fields {
            if obj.get(f.name).is_none() {
                obj[f.name] = Value::Null;
            }
        }
    }
    let mut v = example();
    fill(&mut v, schema::ROOT);
    fill(&mut v["masthead"], schema::MASTHEAD);
    fill(&mut v["body"][0], schema::ARTICLE);
    fill(&mut v["body"][1], schema::SECTION);
    for i in 0..3 {
        fill(&mut v["body"][1]["items"][i], schema::ITEM);
    }
    fill(&mut v["distribution"], schema::DISTRIBUTION);
    fill(&mut v["imprint"], schema::IMPRINT);
    ok(parse_value(&v));
}

// -- syntax ---------------------------------------------------------------

#[test]
fn syntax_error_trailing_comma() {
    let (line, column, message) = syntax(b"{\n  \"body\": [1, 2,]\n}");
    // serde_json notices the comma at the `]` that follows it.
    assert_eq!((line, column), (2, 17));
    assert!(message.contains("多余的逗号"), "{message}");
}

#[test]
fn syntax_error_eof_and_expected_value() {
    let (line, _, message) = syntax(b"{\"masthead\": {\n");
    assert_eq!(line, 2);
    assert!(message.contains("缺少结尾的 }"), "{message}");
    let (_, _, message) = syntax(b"");
    assert!(message.contains("缺少值"), "{message}");
    // Chinese quotation marks: the column counts characters, not bytes.
    let (line, column, message) = syntax("{\"name\": “简报”}".as_bytes());
    assert_eq!((line, column), (1, 10));
    assert!(message.contains("英文双引号"), "{message}");
}

#[test]
fn syntax_error_colon_comma_and_raw_line_break() {
    let (_, _, message) = syntax("{\"a\"：1}".as_bytes());
    assert!(message.contains("冒号"), "{message}");
    let (_, _, message) = syntax(b"[1 2]");
    assert!(message.contains("逗号"), "{message}");
    let (line, _, message) = syntax(b"{\"a\": \"one\ntwo\"}");
    assert_eq!(line, 2);
    assert!(message.contains("一个段落一个字符串"), "{message}");
}

#[test]
fn an_ascii_quote_inside_text_is_named_not_a_missing_comma() {
    let (_, _, message) = syntax("{\"name\": \"他说\"好\"。\"}".as_bytes());
    assert!(
        message.contains("英文双引号") && message.contains("“”"),
        "{message}"
    );
    assert!(!message.contains("逗号"), "{message}");
    // A missing comma between fields is still a missing comma.
    let (_, _, message) = syntax(b"{\"a\": \"x\" \"b\": 1}");
    assert!(message.contains("逗号"), "{message}");
}

#[test]
fn a_utf16_file_is_called_utf16() {
    let text: Vec<u8> = "{\"a\": 1}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let (_, _, message) = syntax(&[&[0xFF, 0xFE][..], &text].concat());
    assert!(message.contains("UTF-16"), "{message}");
    let (_, _, message) = syntax(&text);
    assert!(message.contains("UTF-16"), "{message}");
    let (_, _, message) = syntax(&[0xB9, 0xFA, 0xBC, 0xD2]);
    assert!(message.contains("GBK"), "{message}");
}

#[test]
fn input_not_utf8_is_a_syntax_error() {
    // "简" in GBK.
    let (line, column, message) = syntax(b"{\n \"a\": \"\xBC\xF2\"}");
    assert_eq!((line, column), (2, 8));
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn byte_order_mark_is_skipped() {
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(EXAMPLE.as_bytes());
    ok(parse(&text));
}

#[test]
fn root_must_be_an_object() {
    let p = problems(parse(b"[1, 2]"));
    assert_eq!(p.len(), 1);
    assert_problem(&p[0], "$", "最外层应为对象");
    assert_problem(&problems(parse(b"\"text\""))[0], "$", "实际是字符串");
}

// -- paths, context, order ------------------------------------------------

#[test]
fn problems_name_path_and_block() {
    let p = only_problem(|v| v["body"][1]["items"][1]["paragraphs"][1] = json!(""));
    assert_problem(&p, "$.body[1].items[1].paragraphs[1]", "内容为空");
    assert_eq!(p.place.context.as_deref(), Some("栏目【县市区动态】"));
    let p = only_problem(|v| v["body"][0]["paragraphs"][0] = json!(7));
    assert_eq!(
        p.place,
        Place::within(
            "$.body[0].paragraphs[0]",
            "文章《陈竞率队实地调研南洞庭湖湿地保护修复工作》"
        )
    );
    // Outside the body there is no context.
    let p = only_problem(|v| v["masthead"]["name"] = json!(""));
    assert_eq!(p.place, Place::new("$.masthead.name"));
}

#[test]
fn all_problems_in_document_order() {
    let p = problems(parse(
        r#"{"masthead": {"name": "", "issue": 0, "issuer": "办", "date": "2024-13-01"},
                "body": [{"type": "article", "title": "题", "paragraphs": []},
                         {"type": "section", "title": "栏", "items": [{}]}],
                "extra": 1}"#
            .as_bytes(),
    ));
    let paths: Vec<&str> = p.iter().map(|p| p.place.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.masthead.name",
            "$.masthead.issue",
            "$.masthead.date",
            "$.body[0].paragraphs",
            "$.body[1].items[0].paragraphs",
            "$.extra",
        ]
    );
}

#[test]
fn odd_field_names_are_quoted_in_paths() {
    let p = only_problem(|v| v["masthead"]["名称"] = json!("x"));
    assert_problem(&p, "$.masthead[\"名称\"]", "未知字段");
}

// -- unknown and repeated fields ------------------------------------------

#[test]
fn unknown_field_suggests_nearest_name() {
    // One mistake, one problem: paragraphs is not also reported missing.
    let p = only_problem(|v| {
        let b = &mut v["body"][0];
        b["paragraph"] = b["paragraphs"].take();
        remove(b, "paragraphs");
    });
    assert_problem(&p, "$.body[0].paragraph", "是否应为 paragraphs？");
    assert_eq!(
        p.place.context.as_deref(),
        Some("文章《陈竞率队实地调研南洞庭湖湿地保护修复工作》")
    );
}

#[test]
fn unknown_field_folds_case_and_separators() {
    let p = only_problem(|v| v["masthead"]["totalIssue"] = json!(3));
    assert_problem(&p, "$.masthead.totalIssue", "是否应为 total_issue？");
    let p = only_problem(|v| v["imprint"]["copeis"] = json!(3));
    assert_problem(&p, "$.imprint.copeis", "是否应为 copies？");
}

#[test]
fn unknown_field_without_close_name_lists_valid_names() {
    let p = only_problem(|v| v["footer"] = json!("x"));
    assert_problem(
        &p,
        "$.footer",
        "可用的字段是 template、masthead、guide、guide_label、editor_note、body、distribution、imprint、document_number、allow_substitutes",
    );
}

#[test]
fn field_of_the_other_block_type() {
    let p = only_problem(|v| v["body"][0]["items"] = json!([]));
    assert_problem(&p, "$.body[0].items", "文章没有 items");
    let p = only_problem(|v| v["body"][1]["paragraphs"] = json!([]));
    assert_problem(&p, "$.body[1].paragraphs", "栏目没有 paragraphs");
}

#[test]
fn repeated_field_is_an_error() {
    let p = problems(parse(
        EXAMPLE
            .replacen("\"issue\": 1,", "\"issue\": 1, \"issue\": 2,", 1)
            .as_bytes(),
    ));
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_problem(&p[0], "$.masthead.issue", "重复出现");
}

// -- required fields and types --------------------------------------------

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().map(|o| o.remove(key));
}

#[test]
fn required_fields_missing() {
    type Case = (&'static str, fn(&mut Value));
    let cases: [Case; 11] = [
        ("$.masthead", |v| remove(v, "masthead")),
        ("$.body", |v| remove(v, "body")),
        ("$.masthead.name", |v| remove(&mut v["masthead"], "name")),
        ("$.masthead.issue", |v| remove(&mut v["masthead"], "issue")),
        ("$.masthead.issuer", |v| {
            remove(&mut v["masthead"], "issuer")
        }),
        ("$.masthead.date", |v| remove(&mut v["masthead"], "date")),
        ("$.body[0].title", |v| remove(&mut v["body"][0], "title")),
        ("$.body[0].paragraphs", |v| {
            remove(&mut v["body"][0], "paragraphs")
        }),
        ("$.body[1].title", |v| remove(&mut v["body"][1], "title")),
        ("$.body[1].items", |v| remove(&mut v["body"][1], "items")),
        ("$.body[1].items[2].paragraphs", |v| {
            remove(&mut v["body"][1]["items"][2], "paragraphs")
        }),
    ];
    for (path, change) in cases {
        let p = only_problem(change);
        assert_problem(&p, path, "缺少必填字段");
    }
}

#[test]
fn block_type_missing() {
    let p = only_problem(|v| remove(&mut v["body"][1], "type"));
    assert_problem(&p, "$.body[1].type", "栏目写 \"type\": \"section\"");
    // The kind is inferred from items, so the context is still known.
    assert_eq!(p.place.context.as_deref(), Some("栏目【县市区动态】"));
}

#[test]
fn wrong_types_say_what_was_expected() {
    let p = only_problem(|v| v["masthead"]["name"] = json!(12));
    assert_problem(&p, "$.masthead.name", "应为字符串");
    let p = only_problem(|v| v["masthead"] = json!([]));
    assert_problem(&p, "$.masthead", "应为报头（对象 { … }），实际是列表");
    let p = only_problem(|v| v["body"] = json!({}));
    assert_problem(&p, "$.body", "列表 [ … ]");
    let p = only_problem(|v| v["body"][0]["paragraphs"] = json!("一段"));
    assert_problem(&p, "$.body[0].paragraphs", "应为段落列表");
    let p = only_problem(|v| v["distribution"]["report_to"] = json!("市委办公室"));
    assert_problem(&p, "$.distribution.report_to", "应为字符串列表");
    let p = only_problem(|v| v["body"][1]["items"][0] = json!("一段"));
    assert_problem(&p, "$.body[1].items[0]", "应为▲条目（对象");
}

#[test]
fn null_for_required_field_is_an_error() {
    let p = only_problem(|v| v["masthead"]["issuer"] = Value::Null);
    assert_problem(&p, "$.masthead.issuer", "不能为 null");
}

#[test]
fn null_for_optional_field_means_absent() {
    let b = ok(parse_changed(|v| {
        for key in [
            "template",
            "guide",
            "distribution",
            "imprint",
            "document_number",
        ] {
            v[key] = Value::Null;
        }
        v["allow_substitutes"] = Value::Null;
        v["masthead"]["total_issue"] = Value::Null;
        v["masthead"]["marking"] = Value::Null;
        v["body"][1]["items"][1]["lead"] = Value::Null;
    }));
    assert_eq!(b.template, TemplateRef::Builtin("jianbao".into()));
    assert_eq!(b.guide, Guide::None);
    assert_eq!(b.distribution, Distribution::default());
    assert_eq!(b.imprint.copies, None);
    assert_eq!(b.document_number, None);
    assert_eq!(b.masthead.total_issue, None);
    assert_eq!(b.masthead.marking, None);
    assert!(!b.allow_substitutes);
    let Block::Section(s) = &b.body[1] else {
        panic!("a section")
    };
    assert_eq!(s.items[1].kind, ItemKind::Heading("南县".into()));
}

#[test]
fn optional_fields_may_be_absent() {
    let b = ok(parse_changed(|v| {
        for key in [
            "template",
            "guide",
            "distribution",
            "imprint",
            "document_number",
        ] {
            remove(v, key);
        }
        remove(&mut v["masthead"], "total_issue");
        remove(&mut v["masthead"], "marking");
    }));
    assert_eq!(b.masthead.issue_line(), "第1期");
    assert_eq!(b.masthead.marking, None);
    assert_eq!(b.document_number, None);
}

// -- text -----------------------------------------------------------------

#[test]
fn empty_string_is_an_error() {
    let p = only_problem(|v| v["body"][0]["title"] = json!(""));
    assert_problem(&p, "$.body[0].title", "内容为空");
}

#[test]
fn blank_string_is_an_error() {
    let p = only_problem(|v| v["masthead"]["issuer"] = json!(" \u{3000}\u{3000} "));
    assert_problem(&p, "$.masthead.issuer", "只有空格");
    let p = only_problem(|v| v["guide"] = json!(["一", "\u{3000}"]));
    assert_problem(&p, "$.guide[1]", "只有空格");
}

#[test]
fn control_characters_are_named() {
    let p = only_problem(|v| v["body"][0]["paragraphs"][1] = json!("陈竞\t强调\u{1b}"));
    assert_problem(&p, "$.body[0].paragraphs[1]", "U+0009（制表符）、U+001B");
    let p = only_problem(|v| v["masthead"]["marking"] = json!("内部\u{7f}资料"));
    assert_problem(&p, "$.masthead.marking", "U+007F");
    // In a one-line value a line break is a control character like others.
    let p = only_problem(|v| v["body"][0]["title"] = json!("上半\n下半"));
    assert_problem(&p, "$.body[0].title", "U+000A（换行符）");
}

#[test]
fn line_break_in_paragraph() {
    let p =
        only_problem(|v| v["body"][1]["items"][1]["paragraphs"][0] = json!("第一段。\r\n第二段。"));
    assert_problem(
        &p,
        "$.body[1].items[1].paragraphs[0]",
        "一个段落一个字符串：把换行处拆成两个段落",
    );
    assert_eq!(p.place.context.as_deref(), Some("栏目【县市区动态】"));
}

// -- numbers and dates ----------------------------------------------------

#[test]
fn dates_must_be_real() {
    let p = only_problem(|v| v["masthead"]["date"] = json!("2023-02-29"));
    assert_problem(&p, "$.masthead.date", "不是日历上存在的日期");
    let p = only_problem(|v| v["imprint"]["date"] = json!("2024-04-31"));
    assert_problem(&p, "$.imprint.date", "不是日历上存在的日期");
}

#[test]
fn dates_must_be_iso() {
    let p = only_problem(|v| v["masthead"]["date"] = json!("2024年5月10日"));
    assert_problem(&p, "$.masthead.date", "是否应为 \"2024-05-10\"？");
    let p = only_problem(|v| v["masthead"]["date"] = json!("5月10日"));
    assert_problem(&p, "$.masthead.date", "格式应为 YYYY-MM-DD");
    let p = only_problem(|v| v["masthead"]["date"] = json!(20240510));
    assert_problem(&p, "$.masthead.date", "应为日期字符串");
}

#[test]
fn issue_must_be_a_positive_integer() {
    let cases = [
        (json!(0), "不能是 0"),
        (json!(-3), "不能是负数 -3"),
        (json!(1.5), "不能有小数"),
        (json!("1"), "数字不要加引号"),
        (json!("第一期"), "应为正整数"),
        (json!(5_000_000_000u64), "太大"),
        (json!(true), "应为正整数"),
    ];
    for (value, fragment) in cases {
        let p = only_problem(|v| v["masthead"]["issue"] = value.clone());
        assert_problem(&p, "$.masthead.issue", fragment);
        let p = only_problem(|v| v["masthead"]["total_issue"] = value.clone());
        assert_problem(&p, "$.masthead.total_issue", fragment);
    }
}

#[test]
fn copies_must_be_a_positive_integer() {
    let p = only_problem(|v| v["imprint"]["copies"] = json!(0));
    assert_problem(&p, "$.imprint.copies", "不能是 0");
    let p = only_problem(|v| v["imprint"]["copies"] = json!("60份"));
    assert_problem(&p, "$.imprint.copies", "应为正整数");
}

#[test]
fn integral_number_with_decimal_point_is_accepted() {
    // JSON Schema counts 2.0 as an integer; so does the parser.
    let b = ok(parse(
        EXAMPLE
            .replace("\"issue\": 1,", "\"issue\": 2.0,")
            .as_bytes(),
    ));
    assert_eq!(b.masthead.issue, 2);
}

// -- body -----------------------------------------------------------------

#[test]
fn body_needs_a_block() {
    let p = only_problem(|v| v["body"] = json!([]));
    assert_problem(&p, "$.body", "正文为空");
}

#[test]
fn block_type_is_article_or_section() {
    let p = only_problem(|v| v["body"][0]["type"] = json!("articel"));
    assert_problem(&p, "$.body[0].type", "是否应为 \"article\"？");
    let p = only_problem(|v| v["body"][1]["type"] = json!("栏目"));
    assert_problem(&p, "$.body[1].type", "是否应为 \"section\"？");
    let p = only_problem(|v| v["body"][1]["type"] = json!("list"));
    assert_problem(
        &p,
        "$.body[1].type",
        "文章写 \"article\"，栏目写 \"section\"",
    );
    let p = problems(parse_changed(|v| {
        v["body"][0] = json!({ "type": "x", "title": "题" })
    }));
    assert_problem(&p[0], "$.body[0].type", "类型 \"x\" 不对");
    assert_eq!(p.len(), 1, "{p:#?}");
}

#[test]
fn article_needs_a_paragraph() {
    let p = only_problem(|v| v["body"][0]["paragraphs"] = json!([]));
    assert_problem(&p, "$.body[0].paragraphs", "至少要有一个段落");
}

#[test]
fn section_needs_an_item() {
    let p = only_problem(|v| v["body"][1]["items"] = json!([]));
    assert_problem(&p, "$.body[1].items", "至少要有一个▲条目");
}

#[test]
fn item_needs_a_paragraph() {
    let p = only_problem(|v| v["body"][1]["items"][0]["paragraphs"] = json!([]));
    assert_problem(&p, "$.body[1].items[0].paragraphs", "至少要有一个段落");
}

#[test]
fn item_has_heading_or_lead_not_both() {
    let p = only_problem(|v| v["body"][1]["items"][1]["lead"] = json!("南县"));
    assert_problem(&p, "$.body[1].items[1]", "heading 和 lead 只能写一个");
    assert_eq!(p.place.context.as_deref(), Some("栏目【县市区动态】"));
}

#[test]
fn section_title_without_brackets() {
    let p = only_problem(|v| v["body"][1]["title"] = json!("【县市区动态】"));
    assert_problem(&p, "$.body[1].title", "栏目标题不要带【】，程序会自动加上");
    // The context names the section as printed, with one pair of brackets.
    assert_eq!(p.place.context.as_deref(), Some("栏目【县市区动态】"));
    // An article title may hold brackets.
    ok(parse_changed(|v| {
        v["body"][0]["title"] = json!("【特稿】标题")
    }));
}

#[test]
fn lead_without_colon() {
    for lead in ["市生态环境局：", "市生态环境局:"] {
        let p = only_problem(|v| v["body"][1]["items"][2]["lead"] = json!(lead));
        assert_problem(&p, "$.body[1].items[2].lead", "程序会自动加冒号");
    }
}

#[test]
fn triangle_is_added_not_typed() {
    let p = only_problem(|v| v["body"][1]["items"][1]["heading"] = json!("▲南县"));
    assert_problem(&p, "$.body[1].items[1].heading", "不要写▲");
    let p = only_problem(|v| v["body"][1]["items"][0]["paragraphs"][0] = json!("▲5月8日，……"));
    assert_problem(&p, "$.body[1].items[0].paragraphs[0]", "段首不要写▲");
}

// -- guide, template, distribution, imprint, flags -------------------------

#[test]
fn guide_forms() {
    let guide = |g: Value| ok(parse_changed(|v| v["guide"] = g)).guide;
    assert_eq!(guide(json!("auto")), Guide::Auto);
    assert_eq!(guide(Value::Null), Guide::None);
    assert_eq!(guide(json!([])), Guide::None);
    assert_eq!(
        guide(json!(["一", "二"])),
        Guide::Items(vec!["一".into(), "二".into()])
    );
    assert_eq!(ok(parse_changed(|v| remove(v, "guide"))).guide, Guide::None);
}

#[test]
fn guide_other_string_suggests_auto() {
    let p = only_problem(|v| v["guide"] = json!("Auto"));
    assert_problem(&p, "$.guide", "是否应为 \"auto\"？");
    let p = only_problem(|v| v["guide"] = json!("陈竞率队实地调研"));
    assert_problem(&p, "$.guide", "写成字符串列表");
    let p = only_problem(|v| v["guide"] = json!(["一", ""]));
    assert_problem(&p, "$.guide[1]", "内容为空");
    let p = only_problem(|v| v["guide"] = json!(true));
    assert_problem(&p, "$.guide", "应为字符串列表，或 \"auto\"");
}

#[test]
fn template_builtin_or_file() {
    let template = |t: Value| ok(parse_changed(|v| v["template"] = t)).template;
    assert_eq!(
        template(json!("jianbao")),
        TemplateRef::Builtin("jianbao".into())
    );
    assert_eq!(template(json!("red")), TemplateRef::Builtin("red".into()));
    assert_eq!(
        template(json!("red.toml")),
        TemplateRef::File("red.toml".into())
    );
    assert_eq!(
        template(json!("tpl/red")),
        TemplateRef::File("tpl/red".into())
    );
    assert_eq!(
        template(json!("C:\\tpl\\red")),
        TemplateRef::File("C:\\tpl\\red".into())
    );
    assert_eq!(
        ok(parse_changed(|v| remove(v, "template"))).template,
        TemplateRef::Builtin("jianbao".into())
    );
    let p = only_problem(|v| v["template"] = json!(""));
    assert_problem(&p, "$.template", "内容为空");
}

#[test]
fn distribution_lists() {
    let b = ok(parse_changed(|v| {
        v["distribution"] = json!({ "send_to": ["甲"], "issue_to": null });
    }));
    assert_eq!(
        b.distribution,
        Distribution {
            report_to: vec![],
            send_to: vec!["甲".into()],
            issue_to: vec![],
            extra_to: vec![],
        }
    );
    let p = only_problem(|v| v["distribution"]["send_to"][1] = json!(" "));
    assert_problem(&p, "$.distribution.send_to[1]", "只有空格");
    let p = only_problem(|v| v["distribution"]["send_to"][0] = json!(null));
    assert_problem(&p, "$.distribution.send_to[0]", "不能为 null");
}

#[test]
fn imprint_defaults_each_field() {
    let b = ok(parse_changed(|v| remove(v, "imprint")));
    assert_eq!(
        b.imprint,
        Imprint {
            issuer: "益阳市配合中央生态环境保护督察协调联络专班".into(),
            date: date(2024, 5, 10),
            copies: None,
            contact: None,
        }
    );
    let b = ok(parse_changed(|v| {
        v["imprint"] = json!({ "issuer": "专班" })
    }));
    assert_eq!(b.imprint.issuer, "专班");
    assert_eq!(b.imprint.date, date(2024, 5, 10));
    let b = ok(parse_changed(|v| {
        v["imprint"] = json!({ "date": "2024-05-12" })
    }));
    assert_eq!(b.imprint.issuer, b.masthead.issuer);
    assert_eq!(b.imprint.date, date(2024, 5, 12));
}

#[test]
fn the_other_parts_of_a_real_bulletin() {
    let b = ok(parse_changed(|v| {
        v["masthead"]["supplement"] = json!("生态环保专刊");
        v["masthead"]["copy_number"] = json!("000123");
        v["editor_note"] = json!("现将有关情况刊发，供参阅。");
        v["guide_label"] = json!("本期要目");
        v["body"][0]["note"] = json!(["按语一。", "按语二。"]);
        v["distribution"]["extra_to"] = json!(["市林业局"]);
        v["imprint"]["contact"] = json!("联系人：张三　电话：0737-1234567");
    }));
    assert_eq!(b.masthead.supplement.as_deref(), Some("生态环保专刊"));
    assert_eq!(b.masthead.issue_line(), "生态环保专刊第1期（总第57期）");
    assert_eq!(b.masthead.copy_number.as_deref(), Some("000123"));
    assert_eq!(
        b.editor_note,
        vec!["现将有关情况刊发，供参阅。".to_string()]
    );
    assert_eq!(b.guide_label.as_deref(), Some("本期要目"));
    let Block::Article(a) = &b.body[0] else {
        panic!("an article")
    };
    assert_eq!(a.note, vec!["按语一。".to_string(), "按语二。".to_string()]);
    assert_eq!(b.distribution.extra_to, vec!["市林业局".to_string()]);
    assert_eq!(
        b.imprint.contact.as_deref(),
        Some("联系人：张三　电话：0737-1234567")
    );
    // Absent, null and empty lists are all none.
    let b = ok(parse_changed(|v| {
        v["editor_note"] = json!([]);
        v["body"][0]["note"] = json!(null);
        v["masthead"]["supplement"] = json!(null);
    }));
    assert!(b.editor_note.is_empty());
    assert_eq!(b.masthead.issue_line(), "第1期（总第57期）");
    // A number is padded to six digits (GB/T 9704-2012 §7.2.1).
    let b = ok(parse_changed(|v| v["masthead"]["copy_number"] = json!(123)));
    assert_eq!(b.masthead.copy_number.as_deref(), Some("000123"));
}

#[test]
fn supplement_is_a_series_name_without_its_number() {
    let p = only_problem(|v| v["masthead"]["supplement"] = json!("增刊第1期"));
    assert_problem(&p, "$.masthead.supplement", "期号写在 masthead.issue 中");
    assert!(p.message.contains("“增刊第N期”"), "{}", p.message);
    let p = only_problem(|v| v["masthead"]["supplement"] = json!("增刊2"));
    assert_problem(&p, "$.masthead.supplement", "只写“增刊”“专刊”等名称");
    let p = only_problem(|v| v["masthead"]["supplement"] = json!("很".repeat(21)));
    assert_problem(&p, "$.masthead.supplement", "至多 20 个字");
    let p = only_problem(|v| v["masthead"]["supplement"] = json!(true));
    assert_problem(&p, "$.masthead.supplement", "应为字符串");
}

#[test]
fn copy_number_is_digits() {
    for bad in [json!("编号：000123"), json!("12a"), json!("1".repeat(13))] {
        let p = only_problem(|v| v["masthead"]["copy_number"] = bad.clone());
        assert_problem(&p, "$.masthead.copy_number", "阿拉伯数字");
    }
    let p = only_problem(|v| v["masthead"]["copy_number"] = json!(0));
    assert_problem(&p, "$.masthead.copy_number", "正整数");
    let p = only_problem(|v| v["masthead"]["copy_number"] = json!([1]));
    assert_problem(&p, "$.masthead.copy_number", "数字字符串");
}

#[test]
fn notes_are_paragraphs_without_their_label() {
    let p = only_problem(|v| v["editor_note"] = json!("编者按：现将有关情况刊发。"));
    assert_problem(&p, "$.editor_note", "段首不要写“编者按”");
    let p = only_problem(|v| v["body"][0]["note"] = json!(["按语：好。", "二。"]));
    assert_problem(&p, "$.body[0].note[0]", "段首不要写“按语：”");
    let p = only_problem(|v| v["body"][0]["note"] = json!(["一。", "第一行\n第二行"]));
    assert_eq!(p.place.path, "$.body[0].note[1]");
    let p = only_problem(|v| v["editor_note"] = json!(7));
    assert_problem(&p, "$.editor_note", "字符串列表");
    let p = only_problem(|v| v["body"][1]["note"] = json!("按。"));
    assert_problem(&p, "$.body[1].note", "栏目没有按语");
    let p = only_problem(|v| v["guide_label"] = json!(""));
    assert_problem(&p, "$.guide_label", "内容为空");
    let p = only_problem(|v| v["distribution"]["extra_to"] = json!("市林业局"));
    assert_problem(&p, "$.distribution.extra_to", "字符串列表");
    let p = only_problem(|v| v["imprint"]["contact"] = json!(["张三"]));
    assert_problem(&p, "$.imprint.contact", "应为字符串");
}

#[test]
fn document_number_and_marking_are_optional_text() {
    let p = only_problem(|v| v["document_number"] = json!(42));
    assert_problem(&p, "$.document_number", "应为字符串");
    let p = only_problem(|v| v["masthead"]["marking"] = json!(""));
    assert_problem(&p, "$.masthead.marking", "内容为空");
}

#[test]
fn allow_substitutes_is_a_boolean() {
    assert!(ok(parse_changed(|v| v["allow_substitutes"] = json!(true))).allow_substitutes);
    let p = only_problem(|v| v["allow_substitutes"] = json!("yes"));
    assert_problem(&p, "$.allow_substitutes", "应为true 或 false");
}

// -- robustness -----------------------------------------------------------

/// Every value of the tree, replaced in turn by each of a set of odd values.
#[test]
fn never_panics_on_odd_values() {
    fn paths(v: &Value, here: Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(here.clone());
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                let mut p = here.clone();
                p.push(json!(k));
                paths(x, p, out);
            }),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| {
                let mut p = here.clone();
                p.push(json!(i));
                paths(x, p, out);
            }),
            _ => {}
        }
    }
    let odd = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(""),
        json!("\u{3000}"),
        json!("a\u{0}b"),
        json!([]),
        json!([null]),
        json!({}),
        json!({ "": null }),
    ];
    let base = example();
    let mut all = Vec::new();
    paths(&base, Vec::new(), &mut all);
    for path in all {
        for value in &odd {
            let mut v = base.clone();
            let mut slot = &mut v;
            for step in &path {
                slot = match step {
                    Value::String(k) => &mut slot[k.as_str()],
                    Value::Number(i) => &mut slot[i.as_u64().unwrap_or(0) as usize],
                    _ => unreachable!(),
                };
            }
            *slot = value.clone();
            assert_well_reported(parse_value(&v));
        }
    }
}

/// A parse result is either a bulletin or an error that says where and
/// what, in Chinese; never a panic (the caller got here).
fn assert_well_reported(r: Result<Bulletin>) {
    let has_chinese = |s: &str| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    match r {
        Ok(_) => {}
        Err(Error::Syntax {
            line,
            column,
            message,
        }) => {
            assert!(line >= 1 && column >= 1, "{line}:{column}");
            assert!(has_chinese(&message), "{message}");
        }
        Err(Error::Invalid(problems)) => {
            assert!(!problems.is_empty());
            for p in problems {
                assert!(p.place.path.starts_with('$'), "{p}");
                assert!(has_chinese(&p.message), "{p}");
            }
        }
        Err(other) => panic!("parse gave an error of another kind: {other:?}"),
    }
}

/// The example's text with each byte in turn deleted or replaced.
#[test]
fn never_panics_on_mutated_text() {
    let text = EXAMPLE.as_bytes();
    for i in 0..text.len() {
        let mut deleted = text.to_vec();
        deleted.remove(i);
        assert_well_reported(parse(&deleted));
        for b in [b'"', b'{', b']', b',', b'0', 0xFF, 0xE3] {
            let mut replaced = text.to_vec();
            replaced[i] = b;
            assert_well_reported(parse(&replaced));
        }
    }
    assert!(matches!(parse(&[b'['; 10_000]), Err(Error::Syntax { .. })));
    assert!(matches!(
        parse(b"{\"body\": [[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]}"),
        Err(Error::Invalid(_))
    ));
}
