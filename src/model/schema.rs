//! The JSON Schema of the input format, printed by `jianbao schema`, and the
//! field lists of every object of the format, shared with the parser.
//!
//! The field lists ([`ROOT`], [`MASTHEAD`], …) are the one place where the
//! format's fields are described: one row each, with its name, whether it is
//! required, what it means, what its value may be ([`Shape`]) and examples.
//! The parser checks unknown and missing fields against them, and
//! [`json_schema`] builds every property (constraints, examples,
//! description) and `required` from them, so the two cannot drift apart.

use serde_json::{json, Map, Value};

/// One field of an object of the input format: everything the parser's
/// messages and the JSON Schema say of it, in one row.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the JSON.
    pub name: &'static str,
    /// Whether the object must have it.
    pub required: bool,
    /// What it means, in Chinese (for messages and the schema).
    pub zh: &'static str,
    /// What it means, in English (for the schema).
    pub en: &'static str,
    /// What its value may be, as the schema states it.
    pub shape: Shape,
    /// Examples of its value, a JSON array as text (for editors' completion
    /// and for readers).
    pub examples: Option<&'static str>,
}

/// What a field's value may be, in the schema.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// One of the schema's definitions (`text`, `label`, `date`,
    /// `positive_integer`, or an object of the format).
    Def(&'static str),
    /// A definition, or `null` (which the program reads as absent).
    NullableDef(&'static str),
    /// A list of texts, or `null`.
    NullableTexts,
    /// Any other constraint, written out.
    Other(fn() -> Value),
}

impl Shape {
    /// The schema of a value of this shape.
    fn schema(self) -> Value {
        match self {
            Shape::Def(name) => def(name),
            Shape::NullableDef(name) => nullable(def(name)),
            Shape::NullableTexts => nullable(text_list()),
            Shape::Other(f) => f(),
        }
    }
}

impl Field {
    /// The schema description: Chinese, then English.
    pub fn description(&self) -> String {
        format!("{} / {}", self.zh, self.en)
    }
}

/// The field names of the format, each spelled once.
pub mod name {
    /// Root: the template to use.
    pub const TEMPLATE: &str = "template";
    /// Root: the masthead object.
    pub const MASTHEAD: &str = "masthead";
    /// Root: the guide.
    pub const GUIDE: &str = "guide";
    /// Root: the list of blocks.
    pub const BODY: &str = "body";
    /// Root: the distribution lists.
    pub const DISTRIBUTION: &str = "distribution";
    /// Root: the 印发 line.
    pub const IMPRINT: &str = "imprint";
    /// Root: the document number.
    pub const DOCUMENT_NUMBER: &str = "document_number";
    /// Root: whether substitute glyphs are allowed.
    pub const ALLOW_SUBSTITUTES: &str = "allow_substitutes";
    /// Root: the JSON Schema the file declares, for editors; not used otherwise.
    pub const SCHEMA: &str = "$schema";
    /// Masthead: the bulletin's name.
    pub const NAME: &str = "name";
    /// Masthead: the issue number.
    pub const ISSUE: &str = "issue";
    /// Masthead: the running issue number.
    pub const TOTAL_ISSUE: &str = "total_issue";
    /// Masthead and imprint: the issuing body.
    pub const ISSUER: &str = "issuer";
    /// Masthead and imprint: the date.
    pub const DATE: &str = "date";
    /// Masthead: the marking, top left.
    pub const MARKING: &str = "marking";
    /// Block: `article` or `section`.
    pub const TYPE: &str = "type";
    /// Block: the title.
    pub const TITLE: &str = "title";
    /// Article and item: the paragraphs.
    pub const PARAGRAPHS: &str = "paragraphs";
    /// Section: the ▲ items.
    pub const ITEMS: &str = "items";
    /// Item: a heading on its own line.
    pub const HEADING: &str = "heading";
    /// Item: a lead run into the first paragraph.
    pub const LEAD: &str = "lead";
    /// Distribution: 报.
    pub const REPORT_TO: &str = "report_to";
    /// Distribution: 送.
    pub const SEND_TO: &str = "send_to";
    /// Distribution: 发.
    pub const ISSUE_TO: &str = "issue_to";
    /// Imprint: the number of copies.
    pub const COPIES: &str = "copies";
    /// Root: the guide's label for this issue.
    pub const GUIDE_LABEL: &str = "guide_label";
    /// Root: the 编者按 of the issue.
    pub const EDITOR_NOTE: &str = "editor_note";
    /// Article: the 按语 of the article.
    pub const NOTE: &str = "note";
    /// Masthead: the series of a supplement (增刊, 专刊).
    pub const SUPPLEMENT: &str = "supplement";
    /// Masthead: the copy number (编号, 份号).
    pub const COPY_NUMBER: &str = "copy_number";
    /// Distribution: 本期增发.
    pub const EXTRA_TO: &str = "extra_to";
    /// Imprint: the contact line.
    pub const CONTACT: &str = "contact";
}

/// The `type` of an article.
pub const ARTICLE_TYPE: &str = "article";
/// The `type` of a section.
pub const SECTION_TYPE: &str = "section";
/// The string value of `guide` that asks for the body's titles.
pub const GUIDE_AUTO: &str = "auto";
/// The template used when the input names none.
pub const DEFAULT_TEMPLATE: &str = "jianbao";

const fn field(
    name: &'static str,
    required: bool,
    zh: &'static str,
    en: &'static str,
    shape: Shape,
    examples: Option<&'static str>,
) -> Field {
    Field {
        name,
        required,
        zh,
        en,
        shape,
        examples,
    }
}

/// The fields of the root object.
pub const ROOT: &[Field] = &[
    field(
        name::TEMPLATE,
        false,
        "模板：内置模板名（默认 jianbao），或模板文件的路径（含 / 或 \\，或以 .toml 结尾）",
        "template: a built-in template name (default jianbao), or the path of a template file (contains / or \\, or ends in .toml)",
        Shape::Other(|| {
            let mut t = nullable(def("text"));
            t["default"] = json!(DEFAULT_TEMPLATE);
            t
        }),
        Some(r#"["jianbao", "templates/our-office.toml"]"#),
    ),
    field(name::MASTHEAD, true, "报头", "the masthead",
        Shape::Def("masthead"),
        None,
    ),
    field(
        name::GUIDE,
        false,
        "【导读】：字符串列表，或 \"auto\" 表示自动列出正文各篇文章和栏目的标题；不写或空列表则没有导读",
        "the guide (【导读】): a list of strings, or \"auto\" for the titles of the body's articles and sections; absent or empty: no guide",
        Shape::Other(|| {
            json!({ "oneOf": [text_list(), { "const": GUIDE_AUTO }, { "type": "null" }] })
        }),
        Some(r#"["auto", ["南洞庭湖湿地保护修复持续推进", "【县市区动态】"]]"#),
    ),
    field(
        name::GUIDE_LABEL,
        false,
        "这一期导读的标签，如“本期要目”；不写时用模板的（默认【导读】）",
        "the guide's label for this issue, such as 本期要目; absent: the template's (【导读】 by default)",
        Shape::NullableDef("label"),
        Some(r#"["本期要目", "≡本期要目≡"]"#),
    ),
    field(
        name::EDITOR_NOTE,
        false,
        "编者按：一段（字符串）或几段（字符串列表），排在报头红线下、导读前，程序自动加“编者按：”",
        "the editor's note (编者按): one paragraph (a string) or several (a list), set below the masthead rule before the guide; the label 编者按： is added",
        Shape::Other(text_or_texts),
        Some(r#"["今年以来，各地扎实推进湿地保护修复。现将有关情况刊发，供参阅。", ["第一段……", "第二段……"]]"#),
    ),
    field(
        name::BODY,
        true,
        "正文：按顺序排列的文章和栏目，至少一个",
        "the body: articles and sections in order, at least one",
        Shape::Other(|| {
            json!({
                "type": "array",
                "minItems": 1,
                "items": { "oneOf": [def("article"), def("section")] }
            })
        }),
        None,
    ),
    field(
        name::DISTRIBUTION,
        false,
        "版记中的报、送、发名单",
        "the 报/送/发 distribution lists of the footer",
        Shape::NullableDef("distribution"),
        None,
    ),
    field(
        name::IMPRINT,
        false,
        "印发行；印发单位和日期不写时取报头的",
        "the 印发 line; issuer and date default to the masthead's",
        Shape::NullableDef("imprint"),
        None,
    ),
    field(
        name::DOCUMENT_NUMBER,
        false,
        "文号，印在版记最后一行",
        "document number, printed as the last line of the footer",
        Shape::NullableDef("text"),
        Some(r#"["益简字〔2024〕1号"]"#),
    ),
    field(
        name::ALLOW_SUBSTITUTES,
        false,
        "字体缺字时允许用其他字体代替（都没有则印为〓），而不报错；默认 false",
        "allow characters missing from their role's fonts to be drawn from another face (or as 〓 when none has them) instead of being an error; default false",
        Shape::Other(|| json!({ "type": ["boolean", "null"], "default": false })),
        None,
    ),
    field(
        name::SCHEMA,
        false,
        "本文件所依据的 JSON Schema（jianbao schema 的输出），供编辑器校验和补全；排版时不使用",
        "the JSON Schema this file follows (the output of jianbao schema), for editors; not used in layout",
        Shape::Other(|| json!({ "type": "string" })),
        None,
    ),
];

/// The fields of `masthead`.
pub const MASTHEAD: &[Field] = &[
    field(
        name::NAME,
        true,
        "简报名称，报头的红色大字",
        "bulletin name, the red title",
        Shape::Def("text"),
        Some(r#"["益阳市工作简报"]"#),
    ),
    field(
        name::ISSUE,
        true,
        "期号，正整数，印为“第N期”",
        "issue number, a positive integer, printed 第N期",
        Shape::Def("positive_integer"),
        Some(r#"[1]"#),
    ),
    field(
        name::TOTAL_ISSUE,
        false,
        "总期号，正整数，印为“（总第N期）”",
        "running issue number, a positive integer, printed （总第N期）",
        Shape::NullableDef("positive_integer"),
        Some(r#"[57]"#),
    ),
    field(name::ISSUER, true, "编印单位", "issuing body",
        Shape::Def("text"),
        Some(r#"["益阳市人民政府办公室"]"#),
    ),
    field(
        name::DATE,
        true,
        "日期，格式 YYYY-MM-DD，印为“2024年5月10日”",
        "date of the issue, YYYY-MM-DD, printed 2024年5月10日",
        Shape::Def("date"),
        Some(r#"["2024-05-10"]"#),
    ),
    field(
        name::MARKING,
        false,
        "左上角的标注，如“内部资料 注意保存”或密级",
        "marking at the top left, such as 内部资料 or a classification",
        Shape::NullableDef("text"),
        Some(r#"["内部资料 注意保存"]"#),
    ),
    field(
        name::SUPPLEMENT,
        false,
        "增刊、专刊的刊别，如“增刊”“专刊”“生态环保专刊”，期号印为“增刊第1期”，与正刊分开编号；正刊不写",
        "the series of a supplement, such as 增刊 or 专刊, printed 增刊第1期 and numbered apart from the regular issues; absent for a regular issue",
        Shape::Other(|| {
            nullable(json!({ "$ref": "#/$defs/label", "not": { "pattern": "第|期" } }))
        }),
        Some(r#"["增刊", "专刊", "生态环保专刊"]"#),
    ),
    field(
        name::COPY_NUMBER,
        false,
        "编号（份号），印在第一页版心右上角：数字字符串如 \"000123\"，或正整数（补足 6 位）",
        "copy number (编号), printed at the top right of page 1: a string of digits such as \"000123\", or a positive integer (padded to 6 digits)",
        Shape::Other(|| {
            json!({
                "oneOf": [
                    { "type": "string", "pattern": format!("^[0-9]{{1,{}}}$", crate::model::MAX_COPY_NUMBER_DIGITS) },
                    def("positive_integer"),
                    { "type": "null" }
                ]
            })
        }),
        Some(r#"["000123", 123]"#),
    ),
];

/// The fields of an article of `body`.
pub const ARTICLE: &[Field] = &[
    field(
        name::TYPE,
        true,
        "类型：文章为 \"article\"",
        "block type: \"article\"",
        Shape::Other(|| json!({ "const": ARTICLE_TYPE })),
        None,
    ),
    field(name::TITLE, true, "文章标题", "the article's title",
        Shape::Def("text"),
        None,
    ),
    field(
        name::NOTE,
        false,
        "这篇文章的按语：一段（字符串）或几段（字符串列表），排在标题和正文之间，程序自动加“编者按：”",
        "the article's note (按语): one paragraph (a string) or several (a list), set between the title and the first paragraph; the label 编者按： is added",
        Shape::Other(text_or_texts),
        Some(r#"["沅江市的做法值得借鉴，请各地结合实际参照执行。"]"#),
    ),
    field(
        name::PARAGRAPHS,
        true,
        "段落，至少一个；一个段落一个字符串",
        "paragraphs, at least one; one string per paragraph",
        Shape::Other(paragraphs),
        None,
    ),
];

/// The fields of a section of `body`.
pub const SECTION: &[Field] = &[
    field(
        name::TYPE,
        true,
        "类型：栏目为 \"section\"",
        "block type: \"section\"",
        Shape::Other(|| json!({ "const": SECTION_TYPE })),
        None,
    ),
    field(
        name::TITLE,
        true,
        "栏目标题，不带【】（程序自动加上）",
        "the section's title, without 【】 (they are added)",
        Shape::Other(|| json!({ "$ref": "#/$defs/text", "not": { "pattern": "^【|】$" } })),
        None,
    ),
    field(
        name::ITEMS,
        true,
        "▲条目，至少一个",
        "the ▲ items, at least one",
        Shape::Other(|| json!({ "type": "array", "minItems": 1, "items": def("item") })),
        None,
    ),
];

/// The fields of an item of a section.
pub const ITEM: &[Field] = &[
    field(
        name::HEADING,
        false,
        "▲后单独成行的小标题，如“南县”（不带▲）；heading 和 lead 最多写一个",
        "heading on its own line after ▲, such as 南县; at most one of heading and lead",
        Shape::Other(|| nullable(json!({ "$ref": "#/$defs/text", "not": { "pattern": "^▲" } }))),
        Some(r#"["南县"]"#),
    ),
    field(
        name::LEAD,
        false,
        "▲后接在第一段前的引语，如“市生态环境局”，程序自动加冒号；heading 和 lead 最多写一个",
        "lead run into the first paragraph after ▲, such as 市生态环境局, followed by an added “：”; at most one of heading and lead",
        Shape::Other(|| {
            nullable(json!({ "$ref": "#/$defs/text", "not": { "pattern": "^▲|[:：]$" } }))
        }),
        Some(r#"["市生态环境局"]"#),
    ),
    field(
        name::PARAGRAPHS,
        true,
        "段落，至少一个；一个段落一个字符串",
        "paragraphs, at least one; one string per paragraph",
        Shape::Other(paragraphs),
        None,
    ),
];

/// The fields of `distribution`.
pub const DISTRIBUTION: &[Field] = &[
    field(
        name::REPORT_TO,
        false,
        "报：名单；空列表或不写则不印这一行",
        "the 报 list; empty or absent prints no line",
        Shape::NullableTexts,
        Some(r#"[["市委办公室", "市人大常委会办公室"]]"#),
    ),
    field(
        name::SEND_TO,
        false,
        "送：名单；空列表或不写则不印这一行",
        "the 送 list; empty or absent prints no line",
        Shape::NullableTexts,
        Some(r#"[["市政协办公室"]]"#),
    ),
    field(
        name::ISSUE_TO,
        false,
        "发：名单；空列表或不写则不印这一行",
        "the 发 list; empty or absent prints no line",
        Shape::NullableTexts,
        Some(r#"[["各区县（市）人民政府"]]"#),
    ),
    field(
        name::EXTRA_TO,
        false,
        "本期增发：名单（这一期在报、送、发之外另发的单位）；空列表或不写则不印这一行",
        "the 本期增发 list (those who receive this issue besides the usual lists); empty or absent prints no line",
        Shape::NullableTexts,
        Some(r#"[["市生态环境局"]]"#),
    ),
];

/// The fields of `imprint`.
pub const IMPRINT: &[Field] = &[
    field(
        name::ISSUER,
        false,
        "印发单位，不写时取报头的编印单位",
        "printing body; defaults to the masthead's issuer",
        Shape::NullableDef("text"),
        Some(r#"["益阳市人民政府办公室"]"#),
    ),
    field(
        name::DATE,
        false,
        "印发日期，格式 YYYY-MM-DD，不写时取报头日期",
        "printing date, YYYY-MM-DD; defaults to the masthead's date",
        Shape::NullableDef("date"),
        Some(r#"["2024-05-10"]"#),
    ),
    field(
        name::COPIES,
        false,
        "印数，正整数，印为“共印N份”",
        "number of copies, a positive integer, printed 共印N份",
        Shape::NullableDef("positive_integer"),
        Some(r#"[120]"#),
    ),
    field(
        name::CONTACT,
        false,
        "联系人和电话，照写照印，单独一行排在版记中印发行之上，如“联系人：张三　电话：0737-1234567”",
        "the contact line, printed as written on its own line of the footer above the 印发 line, such as 联系人：张三　电话：0737-1234567",
        Shape::NullableDef("text"),
        Some(r#"["联系人：张三　电话：0737-1234567"]"#),
    ),
];

/// Every object of the format with its fields, named as in the schema's `$defs`
/// (the root as `$`).
pub const OBJECTS: &[(&str, &[Field])] = &[
    ("$", ROOT),
    ("masthead", MASTHEAD),
    ("article", ARTICLE),
    ("section", SECTION),
    ("item", ITEM),
    ("distribution", DISTRIBUTION),
    ("imprint", IMPRINT),
];

/// A string with something to read: no control characters (nor U+2028/U+2029)
/// and at least one character that is not white space.
const TEXT_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029][^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$";
/// The shape of a date; whether it exists in the calendar is checked by the program.
const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

fn def(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// `schema`, or `null` (which the program reads as absent).
fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn text_list() -> Value {
    json!({ "type": "array", "items": def("text") })
}

/// One paragraph (a string) or several (a list), or `null`: a note.
fn text_or_texts() -> Value {
    json!({ "oneOf": [def("text"), text_list(), { "type": "null" }] })
}

/// Paragraphs: at least one.
fn paragraphs() -> Value {
    json!({ "type": "array", "minItems": 1, "items": def("text") })
}

/// The schema of an object of the format, from its field list.
fn object(fields: &[Field], description: &str) -> Value {
    let mut properties = Map::new();
    for f in fields {
        let mut p = f.shape.schema();
        if let Some(e) = f.examples {
            p["examples"] = serde_json::from_str(e).unwrap_or(Value::Null);
        }
        p["description"] = json!(f.description());
        properties.insert(f.name.to_string(), p);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// The schema as a JSON value.
fn schema_value() -> Value {
    let mut item = object(ITEM,
        "▲条目：小标题（heading）、引语（lead）或都不写，加上段落 / a ▲ item: heading, lead or neither, and paragraphs",
    );
    // heading and lead are exclusive (a null one counts as absent).
    item["not"] = json!({
        "required": [name::HEADING, name::LEAD],
        "properties": {
            name::HEADING: { "type": "string" },
            name::LEAD: { "type": "string" }
        }
    });
    let mut root = object(ROOT,
        "一期工作简报的内容，由 jianbao 排版为 PDF / one issue of a work bulletin (工作简报), typeset into a PDF by jianbao",
    );
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["title"] = json!("jianbao 工作简报输入 / jianbao bulletin input");
    root["$defs"] = json!({
        "text": {
            "type": "string",
            "minLength": 1,
            "pattern": TEXT_PATTERN,
            "description": "非空文字：不能只有空格，不能有换行、制表符等控制字符 / non-blank text without control characters or line breaks"
        },
        "label": {
            "$ref": "#/$defs/text",
            "maxLength": crate::model::MAX_LABEL_CHARS,
            "description": "短标签，至多 20 个字 / a short label, at most 20 characters"
        },
        "date": {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "日期，YYYY-MM-DD，须是日历上真实存在的日期 / a real calendar date, YYYY-MM-DD"
        },
        "positive_integer": {
            "type": "integer",
            "minimum": 1,
            "maximum": u32::MAX,
            "description": "正整数 / a positive integer"
        },
        "masthead": object(MASTHEAD, "报头 / the masthead"),
        "article": object(ARTICLE, "文章：标题和段落 / an article: a title and paragraphs"),
        "section": object(SECTION, "栏目：【】标题和▲条目 / a section: a 【】 title and ▲ items"),
        "item": item,
        "distribution": object(DISTRIBUTION, "报、送、发名单 / the 报/送/发 lists"),
        "imprint": object(IMPRINT, "印发行 / the 印发 line"),
    });
    root
}

/// The JSON Schema (draft 2020-12) of the bulletin input, as pretty-printed JSON.
pub fn json_schema() -> String {
    // Serializing a `Value` with string keys cannot fail; fall back to the
    // compact form rather than panic.
    let value = schema_value();
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        serde_json::from_str(&json_schema()).expect("the schema is JSON")
    }

    fn object_schema<'a>(schema: &'a Value, object: &str) -> &'a Value {
        if object == "$" {
            schema
        } else {
            &schema["$defs"][object]
        }
    }

    #[test]
    fn schema_is_json_of_draft_2020_12() {
        let s = schema();
        assert_eq!(
            s["$schema"],
            json!("https://json-schema.org/draft/2020-12/schema")
        );
        assert_eq!(s["type"], json!("object"));
        assert_eq!(s["required"], json!(["masthead", "body"]));
    }

    #[test]
    fn every_field_the_parser_accepts_is_in_the_schema_and_constrained() {
        let s = schema();
        for (object, fields) in OBJECTS {
            let o = object_schema(&s, object);
            assert_eq!(o["additionalProperties"], json!(false), "{object}");
            let props = o["properties"].as_object().expect("properties");
            assert_eq!(props.len(), fields.len(), "{object}");
            for f in *fields {
                let p = &props[f.name];
                assert!(p.is_object(), "{object}.{} missing", f.name);
                assert!(
                    p.as_object().is_some_and(|m| m.len() > 1),
                    "{object}.{} has no constraint besides its description",
                    f.name
                );
                let required = o["required"].as_array().expect("required");
                assert_eq!(
                    required.contains(&json!(f.name)),
                    f.required,
                    "{object}.{}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn every_object_forbids_additional_properties() {
        fn walk(v: &Value, path: &str) {
            match v {
                Value::Object(m) => {
                    if m.get("type") == Some(&json!("object")) {
                        assert_eq!(m.get("additionalProperties"), Some(&json!(false)), "{path}");
                    }
                    for (k, x) in m {
                        walk(x, &format!("{path}/{k}"));
                    }
                }
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .for_each(|(i, x)| walk(x, &format!("{path}/{i}"))),
                _ => {}
            }
        }
        walk(&schema(), "#");
    }

    #[test]
    fn schema_states_the_rules() {
        let s = schema();
        let d = &s["$defs"];
        assert_eq!(d["text"]["minLength"], json!(1));
        assert_eq!(d["positive_integer"]["minimum"], json!(1));
        assert_eq!(d["date"]["pattern"], json!(DATE_PATTERN));
        assert_eq!(
            d["article"]["properties"]["type"]["const"],
            json!("article")
        );
        assert_eq!(
            d["section"]["properties"]["type"]["const"],
            json!("section")
        );
        assert_eq!(d["item"]["not"]["required"], json!(["heading", "lead"]));
        let guide = s["properties"]["guide"]["oneOf"].as_array().expect("oneOf");
        assert!(guide.contains(&json!({ "const": "auto" })));
        assert!(guide.iter().any(|g| g["type"] == json!("array")));
        assert_eq!(s["properties"]["body"]["minItems"], json!(1));
        assert!(s["properties"]["allow_substitutes"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("〓")));
        let m = &d["masthead"]["properties"];
        assert_eq!(m["supplement"]["examples"][0], json!("增刊"));
        assert_eq!(m["copy_number"]["examples"], json!(["000123", 123]));
        assert_eq!(d["label"]["maxLength"], json!(20));
    }

    #[test]
    fn the_parts_added_for_real_bulletins_have_examples() {
        let s = schema();
        let d = &s["$defs"];
        for p in [
            &s["properties"]["editor_note"],
            &s["properties"]["guide_label"],
            &d["masthead"]["properties"]["supplement"],
            &d["masthead"]["properties"]["copy_number"],
            &d["article"]["properties"]["note"],
            &d["distribution"]["properties"]["extra_to"],
            &d["imprint"]["properties"]["contact"],
        ] {
            assert!(
                p["examples"].as_array().is_some_and(|e| !e.is_empty()),
                "{p}"
            );
        }
    }

    #[test]
    fn every_example_is_a_json_array() {
        for (object, fields) in OBJECTS {
            for f in *fields {
                if let Some(e) = f.examples {
                    let v: Value = serde_json::from_str(e)
                        .unwrap_or_else(|err| panic!("{object}.{}: {err}", f.name));
                    assert!(
                        v.as_array().is_some_and(|a| !a.is_empty()),
                        "{object}.{}",
                        f.name
                    );
                }
            }
        }
    }

    #[test]
    fn field_names_are_unique_per_object() {
        for (object, fields) in OBJECTS {
            for (i, f) in fields.iter().enumerate() {
                assert!(
                    fields[i + 1..].iter().all(|g| g.name != f.name),
                    "{object}.{}",
                    f.name
                );
            }
        }
    }
}
