//! The walker's tools: places (JSON path and article), the text rules, and
//! the [`Reader`] that collects problems while it reads values.

use super::json::{quote, Json, Number};
use crate::error::{Place, Problem};
use crate::model::schema::Field;
use crate::model::Date;
use crate::suggest::nearest;

/// Where the reader is: a JSON path and the enclosing article or section.
#[derive(Debug, Clone)]
pub(super) struct At {
    pub(super) path: String,
    pub(super) context: Option<String>,
}

impl At {
    pub(super) fn root() -> At {
        At {
            path: "$".to_string(),
            context: None,
        }
    }

    /// The place of field `key` of the object here.
    pub(super) fn key(&self, key: &str) -> At {
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
    pub(super) fn index(&self, index: usize) -> At {
        At {
            path: format!("{}[{index}]", self.path),
            context: self.context.clone(),
        }
    }

    /// This place, inside the article or section `context` (when known).
    pub(super) fn within(&self, context: Option<String>) -> At {
        At {
            path: self.path.clone(),
            context,
        }
    }

    pub(super) fn place(&self) -> Place {
        match &self.context {
            Some(c) => Place::within(self.path.clone(), c.clone()),
            None => Place::new(self.path.clone()),
        }
    }
}

// Text rules

/// What a string is, for the rules on line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextKind {
    /// A one-line value: a title, name, list entry.
    Line,
    /// A paragraph: a line break in it means two paragraphs were run together.
    Paragraph,
}

pub(super) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// How messages name a forbidden character.
pub(super) fn name_char(c: char) -> String {
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
pub(super) fn text_problems(s: &str, kind: TextKind) -> Vec<String> {
    if s.is_empty() {
        return vec!["内容为空：请填写内容".to_string()];
    }
    if s.chars().all(char::is_whitespace) {
        return vec!["只有空格（含全角空格），没有内容：请填写内容".to_string()];
    }
    if s.chars()
        .all(|c| c.is_whitespace() || crate::model::lint::is_default_ignorable(c))
    {
        return vec!["只有空格和看不见的字符（如零宽空格），没有内容：请填写内容".to_string()];
    }
    let mut problems = Vec::new();
    let (limit, what) = match kind {
        TextKind::Line => (crate::model::MAX_LINE_CHARS, "一行的内容（标题、名称等）"),
        TextKind::Paragraph => (crate::model::MAX_PARAGRAPH_CHARS, "一个段落"),
    };
    let count = s.chars().count();
    if count > limit {
        problems.push(format!(
            "有 {count} 个字，超过{what}的上限 {limit} 字：请检查是否把多段内容写进了一处"
        ));
        return problems;
    }
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

// Names and suggestions

pub(super) fn list_names(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join("、")
}

// The reader

/// Which kind of block a body element is (or seems to be).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    Article,
    Section,
}

/// Walks the tree, collecting problems.
#[derive(Debug, Default)]
pub(super) struct Reader {
    pub(super) problems: Vec<Problem>,
}

impl Reader {
    pub(super) fn report(&mut self, at: &At, message: impl Into<String>) {
        self.problems.push(Problem {
            place: at.place(),
            message: message.into(),
        });
    }

    pub(super) fn into_problems(mut self) -> Vec<Problem> {
        if self.problems.is_empty() {
            // Not reachable: every walker that gives up has reported why.
            self.report(&At::root(), "输入不完整（程序内部未能说明原因）");
        }
        self.problems
    }

    pub(super) fn wrong_type(&mut self, at: &At, expected: &str, got: &Json) {
        let message = match got {
            Json::Null => format!("不能为 null：应为{expected}"),
            _ => format!("应为{expected}，实际是{}", got.describe()),
        };
        self.report(at, message);
    }

    /// The fields of an object, or `None` after reporting that `v` is not one.
    pub(super) fn object<'j>(
        &mut self,
        v: &'j Json,
        at: &At,
        what: &str,
    ) -> Option<&'j [(String, Json)]> {
        match v {
            Json::Object(entries) => Some(entries),
            other => {
                self.wrong_type(at, &format!("{what}（对象 {{ … }}）"), other);
                None
            }
        }
    }

    /// The elements of a list, or `None` after reporting that `v` is not one.
    pub(super) fn array<'j>(&mut self, v: &'j Json, at: &At, what: &str) -> Option<&'j [Json]> {
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
    pub(super) fn fields<'j>(
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
    pub(super) fn unknown_field(
        &mut self,
        key: &str,
        at: &At,
        fields: &[Field],
    ) -> Option<&'static str> {
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
    pub(super) fn require<'f>(
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
    pub(super) fn text(&mut self, v: &Json, at: &At, kind: TextKind) -> Option<String> {
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
    pub(super) fn optional_text(&mut self, v: &Json, at: &At) -> Option<Option<String>> {
        match v {
            Json::Null => Some(None),
            _ => self.text(v, at, TextKind::Line).map(Some),
        }
    }

    /// A list of one-line strings; `null` is an empty list.
    pub(super) fn text_list(&mut self, v: &Json, at: &At) -> Option<Vec<String>> {
        if *v == Json::Null {
            return Some(Vec::new());
        }
        let items = self.array(v, at, "字符串列表")?;
        self.text_items(items, at, TextKind::Line)
    }

    /// Each element read by `each` at its own index; `None` when any is not
    /// readable. Every element is read, so that all problems are reported.
    pub(super) fn each<T>(
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
    pub(super) fn text_items(
        &mut self,
        items: &[Json],
        at: &At,
        kind: TextKind,
    ) -> Option<Vec<String>> {
        self.each(items, at, |r, item, here| r.text(item, here, kind))
    }

    /// A positive integer of at most `max`.
    pub(super) fn positive(&mut self, v: &Json, at: &At, max: u32) -> Option<u32> {
        const WANT: &str = "应为正整数（1、2、3……）";
        let message = match v {
            Json::Number(Number::Unsigned(0)) => format!("{WANT}，不能是 0"),
            Json::Number(Number::Unsigned(n)) => match u32::try_from(*n) {
                Ok(n) if n <= max => return Some(n),
                _ => format!("数字 {n} 太大：最大为 {max}"),
            },
            Json::Number(Number::Signed(n)) => format!("{WANT}，不能是负数 {n}"),
            Json::Number(Number::Float(f)) => {
                if f.fract() != 0.0 {
                    format!("{WANT}，不能有小数：{f}")
                } else if *f < 1.0 {
                    format!("{WANT}，不能是 {f}")
                } else if *f > f64::from(max) {
                    format!("数字 {f} 太大：最大为 {max}")
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
    pub(super) fn date(&mut self, v: &Json, at: &At) -> Option<Date> {
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
    pub(super) fn boolean(&mut self, v: &Json, at: &At) -> Option<bool> {
        match v {
            Json::Bool(b) => Some(*b),
            Json::Null => Some(false),
            other => {
                self.wrong_type(at, "true 或 false（不加引号）", other);
                None
            }
        }
    }
}

/// A date written another way (`2024年5月10日`, `2024/5/10`, `2024-5-10`), when it is one.
pub(super) fn guess_date(s: &str) -> Option<Date> {
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
