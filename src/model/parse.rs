//! Reading the input JSON into the bulletin model, enforcing every rule of the format.
//!
//! The bytes are read by `serde_json` into a small tree ([`Json`]) that keeps
//! object fields in the order the writer typed them (and keeps duplicates), so
//! that problems come out in document order and a repeated field can be named.
//! The tree is then walked by hand, tracking the JSON path of every value and
//! the article or section it belongs to; every problem is collected, none stops
//! the walk.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::schema::{self, name, Field};
use super::{
    Article, Block, Bulletin, Date, Distribution, Guide, Imprint, Item, ItemKind, Masthead,
    Section, TemplateRef,
};
use crate::error::{Error, Place, Problem, Result};
use crate::suggest::nearest;

/// Parse and validate one issue's JSON.
///
/// A UTF-8 byte order mark at the start is skipped. Input that is not UTF-8
/// or not JSON gives [`Error::Syntax`] (1-based line and column, the column
/// counted in characters); JSON that breaks rules of the format gives
/// [`Error::Invalid`] with every problem found, in document order.
pub fn parse(json: &[u8]) -> Result<Bulletin> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    if let Err(e) = std::str::from_utf8(json) {
        return Err(not_utf8(json, e.valid_up_to()));
    }
    let root: Json = serde_json::from_slice(json).map_err(|e| syntax_error(json, &e))?;
    let mut reader = Reader::default();
    let bulletin = reader.bulletin(&root);
    match bulletin {
        Some(b) if reader.problems.is_empty() => Ok(b),
        _ => Err(Error::Invalid(reader.into_problems())),
    }
}

// ---------------------------------------------------------------------------
// Syntax errors

fn not_utf8(src: &[u8], valid_up_to: usize) -> Error {
    let prefix = src.get(..valid_up_to).unwrap_or_default();
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Error::Syntax {
        line: 1 + prefix.iter().filter(|&&b| b == b'\n').count(),
        column: 1 + count_chars(prefix.get(line_start..).unwrap_or_default()),
        message: "文件不是 UTF-8 编码（可能是 GBK/ANSI）：请用 UTF-8 编码另存后再试".to_string(),
    }
}

/// The number of characters in UTF-8 bytes (counting each start byte).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

fn syntax_error(src: &[u8], e: &serde_json::Error) -> Error {
    let line = e.line().max(1);
    // serde_json counts the column in bytes; editors count characters.
    let line_start = if line == 1 {
        Some(0)
    } else {
        src.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)
    };
    let column = line_start
        .and_then(|start| src.get(start..))
        .map(|rest| count_chars(rest.get(..e.column()).unwrap_or(rest)))
        .unwrap_or(e.column())
        .max(1);
    Error::Syntax {
        line,
        column,
        message: translate_syntax(e),
    }
}

/// serde_json's message for `e`, without its position, in Chinese.
fn translate_syntax(e: &serde_json::Error) -> String {
    let english = e.to_string();
    let english = match english.rfind(" at line ") {
        Some(i) => english.get(..i).unwrap_or(&english),
        None => &english,
    };
    let chinese = match english {
        "EOF while parsing a value" => "文件在这里意外结束：缺少值（文件是空的，或内容不完整）",
        "EOF while parsing a list" => "文件在列表结束前就结束了：缺少结尾的 ]",
        "EOF while parsing an object" => "文件在对象结束前就结束了：缺少结尾的 }",
        "EOF while parsing a string" => "字符串没有结束：缺少结尾的英文双引号 \"",
        "expected `:`" => "字段名后面缺少英文冒号 :（不能用中文冒号“：”）",
        "expected `,` or `]`" => "列表的两项之间缺少英文逗号 ,（不能用中文逗号“，”），或缺少结尾的 ]",
        "expected `,` or `}`" => "两个字段之间缺少英文逗号 ,（不能用中文逗号“，”），或缺少结尾的 }",
        "expected ident" => "无法识别的词：true、false、null 要全小写，文字要用英文双引号括起来",
        "expected value" => "这里应是一个值：文字要用英文双引号 \"…\" 括起来（不能用中文引号“”），也可能是前面多了逗号",
        "expected `\"`" => "这里应是英文双引号 \"",
        "key must be a string" => "字段名要用英文双引号括起来，如 \"name\"（不能用中文引号“”或单引号），也可能是最后一个字段后面多了逗号",
        "trailing comma" => "多余的逗号：列表或对象的最后一项后面不要加逗号",
        "trailing characters" => "JSON 已经结束，后面还有多余的内容（是否多了一个 } 或 ]？）",
        "invalid escape" => "反斜杠 \\ 的转义写法不对：反斜杠本身要写成 \\\\（路径也可以用 /）",
        "invalid number" => "数字的写法不对",
        "number out of range" => "数字太大",
        "invalid unicode code point"
        | "lone leading surrogate in hex escape"
        | "unexpected end of hex escape" => "\\u 转义不是有效的字符",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "字符串中有控制字符（如直接回车换行或制表符）：一个段落一个字符串，换行处拆成两个字符串；其他控制字符请删除"
        }
        "recursion limit exceeded" => "嵌套层数太多",
        other => return format!("JSON 格式不正确（{other}）"),
    };
    chinese.to_string()
}

// ---------------------------------------------------------------------------
// The JSON tree

/// A JSON value whose objects keep their fields in document order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// A JSON number as serde_json reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    /// A number with a fraction or exponent, or too large for an integer.
    Float(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Unsigned(n) => write!(f, "{n}"),
            Number::Signed(n) => write!(f, "{n}"),
            Number::Float(n) => write!(f, "{n}"),
        }
    }
}

impl Json {
    /// How messages describe this value: its type, and the value when short.
    fn describe(&self) -> String {
        match self {
            Json::Null => "null".to_string(),
            Json::Bool(b) => format!("布尔值 {b}"),
            Json::Number(n) => format!("数字 {n}"),
            Json::String(s) => format!("字符串 {}", quote(s)),
            Json::Array(_) => "列表 [ … ]".to_string(),
            Json::Object(_) => "对象 { … }".to_string(),
        }
    }
}

/// `s` in quotes for a message, shortened when long.
fn quote(s: &str) -> String {
    const MAX: usize = 24;
    if s.chars().count() > MAX {
        let head: String = s.chars().take(MAX).collect();
        format!("\"{}…\"", head.escape_debug())
    } else {
        format!("\"{}\"", s.escape_debug())
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Json::Number(Number::Unsigned(u)),
            Err(_) => Json::Number(Number::Signed(v)),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::Number(Number::Unsigned(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Json, E> {
        Ok(Json::Number(Number::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Json, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            entries.push(entry);
        }
        Ok(Json::Object(entries))
    }
}

// ---------------------------------------------------------------------------
// Places

/// Where the reader is: a JSON path and the enclosing article or section.
#[derive(Debug, Clone)]
struct At {
    path: String,
    context: Option<String>,
}

impl At {
    fn root() -> At {
        At {
            path: "$".to_string(),
            context: None,
        }
    }

    /// The place of field `key` of the object here.
    fn key(&self, key: &str) -> At {
        let mut chars = key.chars();
        let plain = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        let path = if plain {
            format!("{}.{key}", self.path)
        } else {
            format!("{}[\"{}\"]", self.path, key.escape_debug())
        };
        At {
            path,
            context: self.context.clone(),
        }
    }

    /// The place of element `index` of the list here.
    fn index(&self, index: usize) -> At {
        At {
            path: format!("{}[{index}]", self.path),
            context: self.context.clone(),
        }
    }

    /// This place, inside the article or section `context` (when known).
    fn within(&self, context: Option<String>) -> At {
        At {
            path: self.path.clone(),
            context,
        }
    }

    fn place(&self) -> Place {
        match &self.context {
            Some(c) => Place::within(self.path.clone(), c.clone()),
            None => Place::new(self.path.clone()),
        }
    }
}

// ---------------------------------------------------------------------------
// Text rules

/// What a string is, for the rules on line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    /// A one-line value: a title, name, list entry.
    Line,
    /// A paragraph: a line break in it means two paragraphs were run together.
    Paragraph,
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// How messages name a forbidden character.
fn name_char(c: char) -> String {
    let what = match c {
        '\t' => "（制表符）",
        '\n' => "（换行符）",
        '\r' => "（回车符）",
        '\u{2028}' => "（行分隔符）",
        '\u{2029}' => "（段落分隔符）",
        _ => "",
    };
    format!("U+{:04X}{what}", c as u32)
}

/// The problems of a string's content.
fn text_problems(s: &str, kind: TextKind) -> Vec<String> {
    if s.is_empty() {
        return vec!["内容为空：请填写内容".to_string()];
    }
    if s.chars().all(char::is_whitespace) {
        return vec!["只有空格（含全角空格），没有内容：请填写内容".to_string()];
    }
    let mut problems = Vec::new();
    if kind == TextKind::Paragraph && s.chars().any(is_line_break) {
        problems.push("段落中有换行。一个段落一个字符串：把换行处拆成两个段落".to_string());
    }
    let mut bad: Vec<char> = Vec::new();
    for c in s.chars() {
        let forbidden = match kind {
            TextKind::Paragraph => c.is_control() && !is_line_break(c),
            TextKind::Line => c.is_control() || is_line_break(c),
        };
        if forbidden && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let names: Vec<String> = bad.into_iter().map(name_char).collect();
        let advice = if kind == TextKind::Line {
            "请删除（这里只能写一行，排版时会自动折行）"
        } else {
            "请删除"
        };
        problems.push(format!("含有控制字符 {}：{advice}", names.join("、")));
    }
    problems
}

// ---------------------------------------------------------------------------
// Names and suggestions

fn list_names(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join("、")
}

// ---------------------------------------------------------------------------
// The reader

/// Which kind of block a body element is (or seems to be).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Article,
    Section,
}

/// Walks the tree, collecting problems.
#[derive(Debug, Default)]
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn report(&mut self, at: &At, message: impl Into<String>) {
        self.problems.push(Problem {
            place: at.place(),
            message: message.into(),
        });
    }

    fn into_problems(mut self) -> Vec<Problem> {
        if self.problems.is_empty() {
            // Not reachable: every walker that gives up has reported why.
            self.report(&At::root(), "输入不完整（程序内部未能说明原因）");
        }
        self.problems
    }

    fn wrong_type(&mut self, at: &At, expected: &str, got: &Json) {
        let message = match got {
            Json::Null => format!("不能为 null：应为{expected}"),
            _ => format!("应为{expected}，实际是{}", got.describe()),
        };
        self.report(at, message);
    }

    /// The fields of an object, or `None` after reporting that `v` is not one.
    fn object<'j>(&mut self, v: &'j Json, at: &At, what: &str) -> Option<&'j [(String, Json)]> {
        match v {
            Json::Object(entries) => Some(entries),
            other => {
                self.wrong_type(at, &format!("{what}（对象 {{ … }}）"), other);
                None
            }
        }
    }

    /// The elements of a list, or `None` after reporting that `v` is not one.
    fn array<'j>(&mut self, v: &'j Json, at: &At, what: &str) -> Option<&'j [Json]> {
        match v {
            Json::Array(items) => Some(items),
            other => {
                self.wrong_type(at, &format!("{what}（列表 [ … ]）"), other);
                None
            }
        }
    }

    /// Walks an object's fields in document order. Repeated fields are reported
    /// (the first one counts); `handle` gets the others and returns whether it
    /// knows the field; unknown ones are reported with the nearest name of
    /// `fields`. Returns the names accounted for: those present (a `null` one
    /// included) and those suggested for a mistyped one, so that a typo is one
    /// problem, not also a missing field.
    fn fields<'j>(
        &mut self,
        entries: &'j [(String, Json)],
        at: &At,
        fields: &[Field],
        mut handle: impl FnMut(&mut Self, &'j str, &'j Json, &At) -> bool,
    ) -> Vec<&'j str> {
        let mut seen: Vec<&'j str> = Vec::new();
        let mut suggested: Vec<&'static str> = Vec::new();
        for (key, value) in entries {
            let here = at.key(key);
            if seen.contains(&key.as_str()) {
                self.report(
                    &here,
                    format!("字段 \"{key}\" 重复出现：只保留一个（以第一个为准）"),
                );
                continue;
            }
            seen.push(key.as_str());
            if !handle(self, key.as_str(), value, &here) {
                if let Some(n) = self.unknown_field(key, &here, fields) {
                    suggested.push(n);
                }
            }
        }
        seen.extend(suggested);
        seen
    }

    /// Reports an unknown field; returns the name suggested for it.
    fn unknown_field(&mut self, key: &str, at: &At, fields: &[Field]) -> Option<&'static str> {
        let suggestion = nearest(key, fields.iter().map(|f| f.name));
        let message = match suggestion {
            Some(n) => format!("未知字段 \"{key}\"：是否应为 {n}？"),
            None => format!(
                "未知字段 \"{key}\"：这里可用的字段是 {}",
                list_names(fields)
            ),
        };
        self.report(at, message);
        suggestion
    }

    /// Reports each required field of `fields` that is not `present`.
    fn require<'f>(
        &mut self,
        at: &At,
        fields: impl IntoIterator<Item = &'f Field>,
        present: &[&str],
    ) {
        for f in fields {
            if f.required && !present.contains(&f.name) {
                self.report(
                    &at.key(f.name),
                    format!("缺少必填字段 \"{}\"（{}）：请补上", f.name, f.zh),
                );
            }
        }
    }

    /// A string that passes the text rules.
    fn text(&mut self, v: &Json, at: &At, kind: TextKind) -> Option<String> {
        match v {
            Json::String(s) => {
                let problems = text_problems(s, kind);
                let ok = problems.is_empty();
                for p in problems {
                    self.report(at, p);
                }
                ok.then(|| s.clone())
            }
            other => {
                self.wrong_type(at, "字符串（用英文双引号括起来的文字）", other);
                None
            }
        }
    }

    /// An optional string: `null` is absent.
    fn optional_text(&mut self, v: &Json, at: &At) -> Option<Option<String>> {
        match v {
            Json::Null => Some(None),
            _ => self.text(v, at, TextKind::Line).map(Some),
        }
    }

    /// A list of one-line strings; `null` is an empty list.
    fn text_list(&mut self, v: &Json, at: &At) -> Option<Vec<String>> {
        if *v == Json::Null {
            return Some(Vec::new());
        }
        let items = self.array(v, at, "字符串列表")?;
        self.text_items(items, at, TextKind::Line)
    }

    /// Each element read by `each` at its own index; `None` when any is not
    /// readable. Every element is read, so that all problems are reported.
    fn each<T>(
        &mut self,
        items: &[Json],
        at: &At,
        mut each: impl FnMut(&mut Self, &Json, &At) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let t = each(self, item, &at.index(i));
            out = out.zip(t).map(|(mut v, t)| {
                v.push(t);
                v
            });
        }
        out
    }

    /// Each element as text; `None` when any is not.
    fn text_items(&mut self, items: &[Json], at: &At, kind: TextKind) -> Option<Vec<String>> {
        self.each(items, at, |r, item, here| r.text(item, here, kind))
    }

    /// A positive integer that fits in `u32`.
    fn positive(&mut self, v: &Json, at: &At) -> Option<u32> {
        const WANT: &str = "应为正整数（1、2、3……）";
        let message = match v {
            Json::Number(Number::Unsigned(0)) => format!("{WANT}，不能是 0"),
            Json::Number(Number::Unsigned(n)) => match u32::try_from(*n) {
                Ok(n) => return Some(n),
                Err(_) => format!("数字 {n} 太大：最大为 {}", u32::MAX),
            },
            Json::Number(Number::Signed(n)) => format!("{WANT}，不能是负数 {n}"),
            Json::Number(Number::Float(f)) => {
                if f.fract() != 0.0 {
                    format!("{WANT}，不能有小数：{f}")
                } else if *f < 1.0 {
                    format!("{WANT}，不能是 {f}")
                } else if *f > f64::from(u32::MAX) {
                    format!("数字 {f} 太大：最大为 {}", u32::MAX)
                } else {
                    // An integral value written as 1.0 or 1e2: the number is fine.
                    return Some(*f as u32);
                }
            }
            Json::String(s) if s.trim().parse::<u64>().is_ok() => {
                format!("{WANT}，数字不要加引号：写成 {}", s.trim())
            }
            other => {
                self.wrong_type(at, "正整数（1、2、3……，不加引号）", other);
                return None;
            }
        };
        self.report(at, message);
        None
    }

    /// A real calendar date written `YYYY-MM-DD`.
    fn date(&mut self, v: &Json, at: &At) -> Option<Date> {
        let Json::String(s) = v else {
            self.wrong_type(at, "日期字符串（如 \"2024-05-10\"）", v);
            return None;
        };
        if let Some(d) = Date::parse_iso(s) {
            return Some(d);
        }
        let shaped = s.len() == 10
            && s.char_indices().all(|(i, c)| match i {
                4 | 7 => c == '-',
                _ => c.is_ascii_digit(),
            });
        let message = if shaped {
            format!("{} 不是日历上存在的日期：请核对月份和日期", quote(s))
        } else if let Some(d) = guess_date(s) {
            format!("日期格式应为 YYYY-MM-DD：是否应为 \"{}\"？", d.iso())
        } else {
            format!(
                "日期格式应为 YYYY-MM-DD（如 \"2024-05-10\"），实际是 {}",
                quote(s)
            )
        };
        self.report(at, message);
        None
    }

    /// `true` or `false`; `null` is `false`.
    fn boolean(&mut self, v: &Json, at: &At) -> Option<bool> {
        match v {
            Json::Bool(b) => Some(*b),
            Json::Null => Some(false),
            other => {
                self.wrong_type(at, "true 或 false（不加引号）", other);
                None
            }
        }
    }

    // -- the objects of the format ------------------------------------------

    fn bulletin(&mut self, root: &Json) -> Option<Bulletin> {
        let at = At::root();
        let Json::Object(entries) = root else {
            self.report(
                &at,
                format!(
                    "最外层应为对象 {{ … }}（包含 masthead、body 等字段），实际是{}",
                    root.describe()
                ),
            );
            return None;
        };
        let mut template = Some(TemplateRef::Builtin(schema::DEFAULT_TEMPLATE.to_string()));
        let mut masthead = None;
        let mut guide = Some(Guide::None);
        let mut body = None;
        let mut distribution = Some(Distribution::default());
        let mut imprint: Option<PartialImprint> = Some(PartialImprint::default());
        let mut document_number = Some(None);
        let mut allow_substitutes = Some(false);
        let present = self.fields(entries, &at, schema::ROOT, |r, key, v, here| {
            match key {
                name::TEMPLATE => template = r.template(v, here),
                name::MASTHEAD => masthead = r.masthead(v, here),
                name::GUIDE => guide = r.guide(v, here),
                name::BODY => body = r.body(v, here),
                name::DISTRIBUTION => distribution = r.distribution(v, here),
                name::IMPRINT => imprint = r.imprint(v, here),
                name::DOCUMENT_NUMBER => document_number = r.optional_text(v, here),
                name::ALLOW_SUBSTITUTES => allow_substitutes = r.boolean(v, here),
                // For editors only; any string is accepted and not used.
                name::SCHEMA => {
                    r.optional_text(v, here);
                }
                _ => return false,
            }
            true
        });
        self.require(&at, schema::ROOT, &present);

        let masthead = masthead?;
        let imprint = imprint?;
        Some(Bulletin {
            template: template?,
            imprint: Imprint {
                issuer: imprint.issuer.unwrap_or_else(|| masthead.issuer.clone()),
                date: imprint.date.unwrap_or(masthead.date),
                copies: imprint.copies,
            },
            masthead,
            guide: guide?,
            body: body?,
            distribution: distribution?,
            document_number: document_number?,
            allow_substitutes: allow_substitutes?,
        })
    }

    fn template(&mut self, v: &Json, at: &At) -> Option<TemplateRef> {
        let Some(t) = self.optional_text(v, at)? else {
            return Some(TemplateRef::Builtin(schema::DEFAULT_TEMPLATE.to_string()));
        };
        Some(if t.contains(['/', '\\']) || t.ends_with(".toml") {
            TemplateRef::File(t.into())
        } else {
            TemplateRef::Builtin(t)
        })
    }

    fn masthead(&mut self, v: &Json, at: &At) -> Option<Masthead> {
        let entries = self.object(v, at, "报头")?;
        let (mut name_, mut issue, mut total_issue) = (None, None, Some(None));
        let (mut issuer, mut date, mut marking) = (None, None, Some(None));
        let present = self.fields(entries, at, schema::MASTHEAD, |r, key, v, here| {
            match key {
                name::NAME => name_ = r.text(v, here, TextKind::Line),
                name::ISSUE => issue = r.positive(v, here),
                name::TOTAL_ISSUE => {
                    total_issue = match v {
                        Json::Null => Some(None),
                        _ => r.positive(v, here).map(Some),
                    }
                }
                name::ISSUER => issuer = r.text(v, here, TextKind::Line),
                name::DATE => date = r.date(v, here),
                name::MARKING => marking = r.optional_text(v, here),
                _ => return false,
            }
            true
        });
        self.require(at, schema::MASTHEAD, &present);
        Some(Masthead {
            name: name_?,
            issue: issue?,
            total_issue: total_issue?,
            issuer: issuer?,
            date: date?,
            marking: marking?,
        })
    }

    fn guide(&mut self, v: &Json, at: &At) -> Option<Guide> {
        match v {
            Json::Null => Some(Guide::None),
            Json::String(s) if s == schema::GUIDE_AUTO => Some(Guide::Auto),
            Json::String(s) => {
                let hint = match nearest(s, [schema::GUIDE_AUTO]) {
                    Some(_) => "是否应为 \"auto\"？".to_string(),
                    None => "要自动列出正文各篇标题，写 \"auto\"；要自己写导读，写成字符串列表 [\"…\", \"…\"]".to_string(),
                };
                self.report(
                    at,
                    format!(
                        "导读写成字符串时只能是 \"auto\"，实际是 {}：{hint}",
                        quote(s)
                    ),
                );
                None
            }
            Json::Array(items) if items.is_empty() => Some(Guide::None),
            Json::Array(items) => self.text_items(items, at, TextKind::Line).map(Guide::Items),
            other => {
                self.wrong_type(at, "字符串列表，或 \"auto\"", other);
                None
            }
        }
    }

    /// An array that must not be empty: `what` names it when it is not an
    /// array, `empty` is the message when it is empty.
    fn non_empty<'j>(
        &mut self,
        v: &'j Json,
        at: &At,
        what: &str,
        empty: &str,
    ) -> Option<&'j [Json]> {
        let items = self.array(v, at, what)?;
        if items.is_empty() {
            self.report(at, empty);
            return None;
        }
        Some(items)
    }

    fn body(&mut self, v: &Json, at: &At) -> Option<Vec<Block>> {
        let items = self.non_empty(
            v,
            at,
            "文章和栏目的列表",
            "正文为空：至少要有一篇文章（\"type\": \"article\"）或一个栏目（\"type\": \"section\"）",
        )?;
        self.each(items, at, Self::block)
    }

    fn block(&mut self, v: &Json, at: &At) -> Option<Block> {
        let entries = self.object(v, at, "文章或栏目")?;
        let kind = block_kind(entries);
        let at = &at.within(kind.and_then(|k| block_context(k, entries)));
        let all;
        let fields: &[Field] = match kind {
            Some(BlockKind::Article) => schema::ARTICLE,
            Some(BlockKind::Section) => schema::SECTION,
            None => {
                all = block_fields();
                &all
            }
        };
        let (mut title, mut paragraphs, mut items) = (None, None, None);
        let mut type_ok = false;
        let present = self.fields(entries, at, fields, |r, key, v, here| {
            match key {
                name::TYPE => type_ok = r.block_type(v, here),
                name::TITLE => title = r.block_title(v, here, kind),
                name::PARAGRAPHS if kind != Some(BlockKind::Section) => {
                    paragraphs = r.paragraphs(v, here, false);
                }
                name::ITEMS if kind != Some(BlockKind::Article) => items = r.items(v, here),
                name::PARAGRAPHS | name::ITEMS => {
                    let message = if key == name::ITEMS {
                        "文章没有 items：文章的正文写在 paragraphs 里；要写▲条目，请把 type 改为 \"section\"（栏目）"
                    } else {
                        "栏目没有 paragraphs：栏目的内容写在 items 的各条目里；要写成文章，请把 type 改为 \"article\""
                    };
                    r.report(here, message);
                }
                _ => return false,
            }
            true
        });
        if !present.contains(&name::TYPE) {
            self.report(
                &at.key(name::TYPE),
                "缺少必填字段 \"type\"：文章写 \"type\": \"article\"，栏目写 \"type\": \"section\"",
            );
        }
        // With the type unknown, only the title is surely required.
        let required = fields
            .iter()
            .filter(|f| f.name != name::TYPE && (kind.is_some() || f.name == name::TITLE));
        self.require(at, required, &present);
        if !type_ok {
            return None;
        }
        match kind? {
            BlockKind::Article => Some(Block::Article(Article {
                title: title?,
                paragraphs: paragraphs?,
            })),
            BlockKind::Section => Some(Block::Section(Section {
                title: title?,
                items: items?,
            })),
        }
    }

    /// Checks the `type` of a block; whether it is valid.
    fn block_type(&mut self, v: &Json, at: &At) -> bool {
        let Json::String(s) = v else {
            self.wrong_type(at, "\"article\"（文章）或 \"section\"（栏目）", v);
            return false;
        };
        if s == schema::ARTICLE_TYPE || s == schema::SECTION_TYPE {
            return true;
        }
        let guess = match s.trim() {
            "文章" => Some(schema::ARTICLE_TYPE),
            "栏目" => Some(schema::SECTION_TYPE),
            t => nearest(t, [schema::ARTICLE_TYPE, schema::SECTION_TYPE]),
        };
        let message = match guess {
            Some(g) => format!("类型 {} 不对：是否应为 \"{g}\"？", quote(s)),
            None => format!(
                "类型 {} 不对：文章写 \"article\"，栏目写 \"section\"",
                quote(s)
            ),
        };
        self.report(at, message);
        false
    }

    fn block_title(&mut self, v: &Json, at: &At, kind: Option<BlockKind>) -> Option<String> {
        let title = self.text(v, at, TextKind::Line)?;
        if kind == Some(BlockKind::Section) && (title.starts_with('【') || title.ends_with('】'))
        {
            self.report(at, "栏目标题不要带【】，程序会自动加上");
            return None;
        }
        Some(title)
    }

    /// A non-empty list of paragraphs; `in_item` adds the ▲ rule for the first.
    fn paragraphs(&mut self, v: &Json, at: &At, in_item: bool) -> Option<Vec<String>> {
        let items = self.non_empty(
            v,
            at,
            "段落列表",
            "至少要有一个段落：写成 [\"第一段……\", \"第二段……\"]",
        )?;
        let paragraphs = self.text_items(items, at, TextKind::Paragraph)?;
        if in_item && paragraphs.first().is_some_and(|p| p.starts_with('▲')) {
            self.report(&at.index(0), "段首不要写▲，程序会自动加上");
            return None;
        }
        Some(paragraphs)
    }

    fn items(&mut self, v: &Json, at: &At) -> Option<Vec<Item>> {
        let items = self.non_empty(
            v,
            at,
            "▲条目列表",
            "栏目至少要有一个▲条目：写成 [{ \"paragraphs\": [\"……\"] }]",
        )?;
        self.each(items, at, Self::item)
    }

    fn item(&mut self, v: &Json, at: &At) -> Option<Item> {
        let entries = self.object(v, at, "▲条目")?;
        let (mut heading, mut lead, mut paragraphs) = (Some(None), Some(None), None);
        let (mut has_heading, mut has_lead) = (false, false);
        let present = self.fields(entries, at, schema::ITEM, |r, key, v, here| {
            match key {
                name::HEADING => {
                    has_heading = *v != Json::Null;
                    heading = r.item_label(v, here, false);
                }
                name::LEAD => {
                    has_lead = *v != Json::Null;
                    lead = r.item_label(v, here, true);
                }
                name::PARAGRAPHS => paragraphs = r.paragraphs(v, here, true),
                _ => return false,
            }
            true
        });
        self.require(at, schema::ITEM, &present);
        if has_heading && has_lead {
            self.report(
                at,
                "heading 和 lead 只能写一个：单独成行的小标题（如▲南县）用 heading，接在段首、后跟冒号的（如▲市生态环境局：）用 lead",
            );
            return None;
        }
        let kind = match (heading?, lead?) {
            (Some(h), _) => ItemKind::Heading(h),
            (None, Some(l)) => ItemKind::Lead(l),
            (None, None) => ItemKind::Plain,
        };
        Some(Item {
            kind,
            paragraphs: paragraphs?,
        })
    }

    /// An item's heading or lead (`null`: absent).
    fn item_label(&mut self, v: &Json, at: &At, lead: bool) -> Option<Option<String>> {
        let Some(t) = self.optional_text(v, at)? else {
            return Some(None);
        };
        if t.starts_with('▲') {
            self.report(at, "不要写▲，程序会自动加上");
            return None;
        }
        if lead && (t.ends_with('：') || t.ends_with(':')) {
            self.report(at, "lead 末尾不要带冒号，程序会自动加冒号");
            return None;
        }
        Some(Some(t))
    }

    fn distribution(&mut self, v: &Json, at: &At) -> Option<Distribution> {
        if *v == Json::Null {
            return Some(Distribution::default());
        }
        let entries = self.object(v, at, "报、送、发名单")?;
        let empty = || Some(Vec::new());
        let (mut report_to, mut send_to, mut issue_to) = (empty(), empty(), empty());
        self.fields(entries, at, schema::DISTRIBUTION, |r, key, v, here| {
            match key {
                name::REPORT_TO => report_to = r.text_list(v, here),
                name::SEND_TO => send_to = r.text_list(v, here),
                name::ISSUE_TO => issue_to = r.text_list(v, here),
                _ => return false,
            }
            true
        });
        Some(Distribution {
            report_to: report_to?,
            send_to: send_to?,
            issue_to: issue_to?,
        })
    }

    fn imprint(&mut self, v: &Json, at: &At) -> Option<PartialImprint> {
        if *v == Json::Null {
            return Some(PartialImprint::default());
        }
        let entries = self.object(v, at, "印发行")?;
        let (mut issuer, mut date, mut copies) = (Some(None), Some(None), Some(None));
        self.fields(entries, at, schema::IMPRINT, |r, key, v, here| {
            let null = *v == Json::Null;
            match key {
                name::ISSUER => issuer = r.optional_text(v, here),
                name::DATE if null => date = Some(None),
                name::DATE => date = r.date(v, here).map(Some),
                name::COPIES if null => copies = Some(None),
                name::COPIES => copies = r.positive(v, here).map(Some),
                _ => return false,
            }
            true
        });
        Some(PartialImprint {
            issuer: issuer?,
            date: date?,
            copies: copies?,
        })
    }
}

/// The imprint as given, before the masthead's values fill its gaps.
#[derive(Debug, Default)]
struct PartialImprint {
    issuer: Option<String>,
    date: Option<Date>,
    copies: Option<u32>,
}

/// The kind of a block: from its `type` when valid, else from its fields.
fn block_kind(entries: &[(String, Json)]) -> Option<BlockKind> {
    let get = |k: &str| entries.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    match get(name::TYPE) {
        Some(Json::String(t)) if t == schema::ARTICLE_TYPE => return Some(BlockKind::Article),
        Some(Json::String(t)) if t == schema::SECTION_TYPE => return Some(BlockKind::Section),
        _ => {}
    }
    if get(name::ITEMS).is_some() {
        Some(BlockKind::Section)
    } else if get(name::PARAGRAPHS).is_some() {
        Some(BlockKind::Article)
    } else {
        None
    }
}

/// How messages name the block (`文章《…》`, `栏目【…】`), when its title is readable.
fn block_context(kind: BlockKind, entries: &[(String, Json)]) -> Option<String> {
    let title = entries.iter().find_map(|(k, v)| match v {
        Json::String(s) if k == name::TITLE => Some(s.as_str()),
        _ => None,
    })?;
    let title = title.trim_start_matches('【').trim_end_matches('】');
    if !text_problems(title, TextKind::Line).is_empty() {
        return None;
    }
    let block = match kind {
        BlockKind::Article => Block::Article(Article {
            title: title.to_string(),
            paragraphs: Vec::new(),
        }),
        BlockKind::Section => Block::Section(Section {
            title: title.to_string(),
            items: Vec::new(),
        }),
    };
    Some(block.context())
}

/// The fields of articles and sections together, for a block of unknown type.
fn block_fields() -> Vec<Field> {
    let mut all = schema::ARTICLE.to_vec();
    for f in schema::SECTION {
        if all.iter().all(|g| g.name != f.name) {
            all.push(*f);
        }
    }
    all
}

/// A date written another way (`2024年5月10日`, `2024/5/10`, `2024-5-10`), when it is one.
fn guess_date(s: &str) -> Option<Date> {
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    match groups.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
                name: "益阳市配合中央生态环境保护督察工作简报".into(),
                issue: 1,
                total_issue: Some(57),
                issuer: "益阳市配合中央生态环境保护督察协调联络专班".into(),
                date: date(2024, 5, 10),
                marking: Some("内部资料 注意保存".into()),
            }
        );
        assert_eq!(b.masthead.issue_line(), "第1期（总第57期）");
        assert_eq!(b.guide, Guide::Auto);
        assert_eq!(
            b.body,
            vec![
                Block::Article(Article {
                    title: "陈竞率队实地调研南洞庭湖湿地保护修复工作".into(),
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
                            paragraphs: vec![
                                "5月8日，赫山区、资阳区……迅速召开工作部署会议。".into()
                            ],
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
            }
        );
        // Issuer and date come from the masthead; copies as given.
        assert_eq!(
            b.imprint,
            Imprint {
                issuer: "益阳市配合中央生态环境保护督察协调联络专班".into(),
                date: date(2024, 5, 10),
                copies: Some(60),
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
                copies: None
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
            "可用的字段是 template、masthead、guide、body、distribution、imprint、document_number、allow_substitutes",
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
        let p = only_problem(|v| {
            v["body"][1]["items"][1]["paragraphs"][0] = json!("第一段。\r\n第二段。")
        });
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
}
