//! What the web page is told about a bulletin: the check report (pages,
//! notices, warnings, errors, each with its JSON path and article) made from
//! a layout or from the library's error, and the HTTP status each error gets.

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Place};
use crate::Laid;

/// One notice, warning or error, placed in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// JSON path, `$` for the whole input.
    pub path: String,
    /// The article or section it is in (`文章《……》`, `栏目【……】`), when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// What is wrong or what was done, in Chinese.
    pub message: String,
    /// 1-based line of a JSON syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (in characters) of a JSON syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Where it is, as a writer reads the bulletin (`第2篇文章《……》第3段`;
    /// see `words.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The message in a writer's words, without font files, roles or
    /// sizes in pt (the `message` keeps them, for the details).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Entry {
    fn at(place: Option<&Place>, message: impl Into<String>) -> Entry {
        Entry {
            path: place.map_or_else(|| "$".to_string(), |p| p.path.clone()),
            article: place.and_then(|p| p.context.clone()),
            message: message.into(),
            line: None,
            column: None,
            place: None,
            text: None,
        }
    }

    /// The entry of a diagnostic.
    pub fn of(d: &Diagnostic) -> Entry {
        Entry::at(d.place.as_ref(), d.message.clone())
    }
}

/// The answer of `POST /api/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Whether the bulletin can be laid out (it has no errors).
    pub ok: bool,
    /// Its pages (0 when it cannot be laid out).
    pub pages: usize,
    /// Adaptations the program made (提示).
    pub notices: Vec<Entry>,
    /// Probable mistakes of the writer (警告): they refuse an issue unless accepted.
    pub warnings: Vec<Entry>,
    /// What stops the bulletin from being laid out.
    pub errors: Vec<Entry>,
    /// The key its layout is kept under (`GET /api/page/KEY/N`), when laid out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A version of each page (a hash of what it shows): the page fetches
    /// again only pages whose version changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

impl Report {
    /// The report of a laid-out bulletin.
    pub fn of_laid(laid: &Laid) -> Report {
        let pick = |s: Severity| {
            laid.diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .map(Entry::of)
                .collect()
        };
        Report {
            ok: true,
            pages: laid.layout.pages.len(),
            notices: pick(Severity::Notice),
            warnings: pick(Severity::Warning),
            errors: Vec::new(),
            key: None,
            versions: Vec::new(),
        }
    }

    /// The report of a bulletin the library refused: its errors (or the
    /// warnings that refused it), each at its place.
    pub fn of_error(e: &Error) -> Report {
        let mut r = Report {
            ok: false,
            pages: 0,
            notices: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
            key: None,
            versions: Vec::new(),
        };
        match e {
            Error::Syntax {
                line,
                column,
                message,
            } => r.errors.push(Entry {
                path: "$".into(),
                article: None,
                message: format!("JSON 格式错误：{message}（检查这一处附近的逗号、引号和括号）"),
                line: Some(*line),
                column: Some(*column),
                place: None,
                text: None,
            }),
            Error::Invalid(problems) => r.errors.extend(
                problems
                    .iter()
                    .map(|p| Entry::at(Some(&p.place), p.message.clone())),
            ),
            Error::MissingGlyphs(missing) => r.errors.extend(missing.iter().map(|m| {
                Entry::at(
                    Some(&m.place),
                    format!(
                        "“{}”（U+{:04X}）没有字体能显示（字体角色 {}）：改用常用字，或设置 \"allow_substitutes\": true 允许替代",
                        m.ch, m.ch as u32, m.role
                    ),
                )
            })),
            Error::Layout { place, message } => r.errors.push(Entry::at(Some(place), message.clone())),
            Error::Template { .. } => r
                .errors
                .push(Entry::at(Some(&Place::new("$.template")), e.to_string())),
            Error::Warnings(ws) => r.warnings.extend(ws.iter().map(Entry::of)),
            Error::Draft { line, message } => r.errors.push(Entry {
                line: *line,
                ..Entry::at(None, message.clone())
            }),
            Error::Archive { .. }
            | Error::Refused { .. }
            | Error::Font { .. }
            | Error::Io { .. }
            | Error::Output { .. } => {
                r.errors.push(Entry::at(None, e.to_string()))
            }
        }
        r
    }
}

/// The HTTP status for a library error: the input's errors are 422 (the
/// request was understood, the bulletin cannot be made), an issue number
/// already used 409, the server's own files (fonts, archive folders) 500.
pub fn status_of(e: &Error) -> u16 {
    match e {
        Error::Syntax { .. }
        | Error::Invalid(_)
        | Error::MissingGlyphs(_)
        | Error::Layout { .. }
        | Error::Template { .. }
        | Error::Warnings(_)
        | Error::Draft { .. } => 422,
        Error::Archive { .. } | Error::Refused { .. } => 409,
        Error::Font { .. } | Error::Io { .. } | Error::Output { .. } => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{MissingGlyph, Problem};

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = crate::model::parse(b"{\n  \"masthead\": ,\n}").unwrap_err();
        let r = Report::of_error(&e);
        assert!(!r.ok);
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].line, r.errors[0].column), (Some(2), Some(15)));
        assert_eq!(r.errors[0].path, "$");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["errors"][0]["line"], 2);
        assert!(json["errors"][0].get("article").is_none());
        assert_eq!(status_of(&e), 422);
    }

    #[test]
    fn problems_keep_their_path_and_article() {
        let e = Error::Invalid(vec![Problem {
            place: Place::within("$.body[0].paragraphs[1]", "文章《标题》"),
            message: "段落是空的".into(),
        }]);
        let r = Report::of_error(&e);
        assert_eq!(r.errors[0].path, "$.body[0].paragraphs[1]");
        assert_eq!(r.errors[0].article.as_deref(), Some("文章《标题》"));
        let e = Error::MissingGlyphs(vec![MissingGlyph {
            ch: '\u{E000}',
            role: "body".into(),
            place: Place::within("$.body[1].title", "文章《甲》"),
        }]);
        let r = Report::of_error(&e);
        assert_eq!(r.errors[0].path, "$.body[1].title");
        assert!(r.errors[0].message.contains("U+E000"), "{:?}", r.errors[0]);
        let w = Error::Warnings(vec![Diagnostic::warning(
            Some(Place::new("$.masthead.name")),
            "半角逗号",
        )]);
        let r = Report::of_error(&w);
        assert_eq!((r.errors.len(), r.warnings.len()), (0, 1));
        assert_eq!(r.warnings[0].path, "$.masthead.name");
        assert_eq!(
            status_of(&Error::Archive {
                message: "已经归档过".into()
            }),
            409
        );
    }
}
