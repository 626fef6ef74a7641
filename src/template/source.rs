//! Reading templates: a built-in template or a file, and the templates it
//! extends, as TOML tables in order (the most basic first). Files are read
//! only when they are regular files of at most [`MAX_TEMPLATE_BYTES`]; a
//! chain may not come back to a template it already holds, nor be longer
//! than [`MAX_CHAIN`].

use std::path::{Path, PathBuf};

use super::BUILTIN;
use crate::error::{Error, Result};
use crate::files::{read_regular, ReadError};
use crate::model::TemplateRef;

/// The largest template file read: templates are a few kilobytes of TOML.
pub const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// The most templates one chain of `extends` may hold.
pub const MAX_CHAIN: usize = 8;

/// One template of a chain.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its name (built-in) or path, for messages.
    pub label: String,
    /// Its text.
    pub text: String,
    /// Its TOML table.
    pub value: toml::Table,
    /// What it is, for finding cycles: the built-in's name, or the file's
    /// canonical path.
    key: String,
}

/// The chain of `reference`: the templates it extends first, itself last.
pub fn read_chain(reference: &TemplateRef, base_dir: &Path) -> Result<Vec<Source>> {
    let mut chain = Vec::new();
    let mut reference = reference.clone();
    let mut dir = base_dir.to_path_buf();
    loop {
        let (source, own_dir) = read_one(&reference, &dir)?;
        if chain.iter().any(|s: &Source| s.key == source.key) {
            let mut names: Vec<&str> = chain.iter().rev().map(|s| s.label.as_str()).collect();
            names.push(&source.label);
            return Err(Error::Template {
                template: source.label.clone(),
                message: format!(
                    "extends 形成了循环（{}）：模板不能继承自己，也不能互相继承",
                    names.join(" → ")
                ),
            });
        }
        if chain.len() == MAX_CHAIN {
            return Err(Error::Template {
                template: source.label,
                message: format!("extends 嵌套超过 {MAX_CHAIN} 层：请减少继承的层数"),
            });
        }
        let parent = extends_of(&source)?;
        chain.push(source);
        match parent {
            Some(p) => {
                reference = p;
                dir = own_dir;
            }
            None => break,
        }
    }
    chain.reverse();
    Ok(chain)
}

/// The chain of a template given as text, labelled `label`.
pub fn chain_of_text(label: &str, text: &str) -> Result<Vec<Source>> {
    let source = Source {
        label: label.to_string(),
        text: text.to_string(),
        value: parse_toml(label, text)?,
        key: format!("text:{label}"),
    };
    let mut chain = match extends_of(&source)? {
        Some(parent) => read_chain(&parent, Path::new("."))?,
        None => Vec::new(),
    };
    chain.push(source);
    Ok(chain)
}

/// Read one template; with the folder its own relative `extends` are taken from.
fn read_one(reference: &TemplateRef, base_dir: &Path) -> Result<(Source, PathBuf)> {
    let (label, text, dir, key) = match reference {
        TemplateRef::Builtin(name) => match BUILTIN.iter().find(|(n, _)| n == name) {
            Some((n, t)) => (
                n.to_string(),
                t.to_string(),
                PathBuf::from("."),
                format!("builtin:{n}"),
            ),
            None => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(Error::Template {
                    template: name.clone(),
                    message: format!(
                        "没有这个内置模板：可用的有 {}；模板文件请写路径（如 ./my.toml）",
                        names.join("、")
                    ),
                });
            }
        },
        TemplateRef::File(path) => {
            let full = if path.is_absolute() {
                path.clone()
            } else {
                base_dir.join(path)
            };
            let text = read_text(&full)?;
            let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
            let key = std::fs::canonicalize(&full).unwrap_or_else(|_| full.clone());
            let key = format!("file:{}", key.display());
            (full.display().to_string(), text, dir, key)
        }
    };
    let value = parse_toml(&label, &text)?;
    Ok((
        Source {
            label,
            text,
            value,
            key,
        },
        dir,
    ))
}

/// The text of a template file: a regular file of at most
/// [`MAX_TEMPLATE_BYTES`], UTF-8. Nothing of its content goes into messages
/// (the path may name any file).
fn read_text(path: &Path) -> Result<String> {
    let refuse = |message: String| Error::Template {
        template: path.display().to_string(),
        message,
    };
    let bytes = read_regular(path, MAX_TEMPLATE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => Error::io(path, e),
        // A folder or device: a file that cannot be read as a template, like
        // a missing one (exit code 2), not a template with an error.
        ReadError::NotRegular => Error::io(
            path,
            std::io::Error::other(format!(
                "{}：模板应是几 KB 的 .toml 文本文件",
                ReadError::NotRegular
            )),
        ),
        other => refuse(format!("{other}：模板应是几 KB 的 .toml 文本文件")),
    })?;
    String::from_utf8(bytes)
        .map_err(|_| refuse("不是 UTF-8 文本：模板应是 UTF-8 编码的 .toml 文件".into()))
}

/// The TOML table of `text`. A syntax error gives its line and column and
/// what is wrong, never the text of the line.
fn parse_toml(label: &str, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("第 {line} 行第 {column} 列")
            })
            .unwrap_or_default();
        Error::Template {
            template: label.to_string(),
            message: format!(
                "TOML 格式错误{at}（{}）：检查这一处的引号、等号和方括号",
                toml_message(e.message())
            ),
        }
    })
}

/// The TOML reader's message (English) said in Chinese: what is wrong, and
/// the marks that were expected there.
fn toml_message(message: &str) -> String {
    let mut lines = message.trim().lines();
    let first = lines.next().unwrap_or("").trim();
    let marks = |line: &str| -> Vec<String> {
        line.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .chain(line.contains("newline").then(|| "换行".to_string()))
            .collect()
    };
    let what = if let Some(key) = first.strip_prefix("duplicate key") {
        let key = key.trim().trim_matches('`');
        format!("键 {key} 写了两次")
    } else {
        let said = [
            ("invalid table header", "表头（方括号中的名称）写法不对"),
            ("invalid string", "字符串写法不对"),
            ("invalid basic string", "字符串写法不对"),
            ("invalid literal string", "字符串写法不对"),
            ("invalid key", "键名写法不对"),
            ("invalid number", "数字写法不对"),
            ("invalid integer", "数字写法不对"),
            ("invalid float", "数字写法不对"),
            ("invalid inline table", "行内表（花括号）写法不对"),
            ("invalid array", "数组（方括号）写法不对"),
            ("invalid boolean", "真假值应写 true 或 false"),
            ("unexpected end of input", "文件在这里意外结束"),
            ("unexpected eof", "文件在这里意外结束"),
            ("key with no value", "键后面没有值"),
        ]
        .iter()
        .find(|(en, _)| first.starts_with(en))
        .map_or("写法不对", |(_, zh)| zh);
        said.to_string()
    };
    let expected: Vec<String> = lines
        .filter(|l| l.trim_start().starts_with("expected"))
        .flat_map(marks)
        .collect();
    if expected.is_empty() {
        what
    } else {
        format!("{what}，这里应是 {}", expected.join(" 或 "))
    }
}

/// What `source` extends, if anything: a built-in name, or a file path
/// (with `/` or `\` or ending in `.toml`).
fn extends_of(source: &Source) -> Result<Option<TemplateRef>> {
    match source.value.get("extends") {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(
            if s.contains('/') || s.contains('\\') || s.ends_with(".toml") {
                TemplateRef::File(PathBuf::from(s))
            } else {
                TemplateRef::Builtin(s.clone())
            },
        )),
        Some(_) => Err(Error::Template {
            template: source.label.clone(),
            message: "extends 应是模板名或文件路径（字符串）".into(),
        }),
    }
}

#[cfg(test)]
mod toml_messages {
    use super::*;

    #[test]
    fn toml_errors_are_said_in_chinese() {
        for (text, want) in [
            ("[title\nx = 1\n", "表头"),
            ("x = \n", "应是"),
            ("x = 1\nx = 2\n", "写了两次"),
            ("x = 1.2.3\n", "写法不对"),
            ("x = [1, 2\n", "应是"),
        ] {
            let e = parse_toml("t.toml", text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
            let english = e
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>();
            assert!(
                !["expected", "invalid", "duplicate", "unexpected"]
                    .iter()
                    .any(|w| english.contains(w)),
                "{text:?}: {e}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("jianbao-source-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_template_that_extends_itself_is_refused() {
        let d = temp("self");
        std::fs::write(d.join("a.toml"), "extends = \"a.toml\"\n").unwrap();
        let e = read_chain(&TemplateRef::File("a.toml".into()), &d).unwrap_err();
        assert!(e.to_string().contains("循环"), "{e}");
        std::fs::write(d.join("b.toml"), "extends = \"./c.toml\"\n").unwrap();
        std::fs::write(d.join("c.toml"), "extends = \"b.toml\"\n").unwrap();
        let e = read_chain(&TemplateRef::File("b.toml".into()), &d).unwrap_err();
        assert!(e.to_string().contains("循环"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn long_chains_are_refused() {
        let d = temp("long");
        for i in 0..12 {
            std::fs::write(
                d.join(format!("t{i}.toml")),
                format!("extends = \"t{}.toml\"\n", i + 1),
            )
            .unwrap();
        }
        std::fs::write(d.join("t12.toml"), "extends = \"jianbao\"\n").unwrap();
        let e = read_chain(&TemplateRef::File("t0.toml".into()), &d).unwrap_err();
        assert!(e.to_string().contains("超过 8 层"), "{e}");
        // A short chain reads, the built-in first.
        let chain = read_chain(&TemplateRef::File("t10.toml".into()), &d).unwrap();
        assert_eq!(chain.len(), 4);
        assert_eq!(chain[0].label, "jianbao");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn only_small_regular_files_are_read_and_never_echoed() {
        let d = temp("files");
        // A folder cannot be read as a template: a file error, like a
        // missing file, whose cause says what it is.
        let e = read_text(&d).unwrap_err();
        let Error::Io { source, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(source.to_string().contains("不是普通文件"), "{e}");
        let big = d.join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_TEMPLATE_BYTES as usize + 1]).unwrap();
        assert!(read_text(&big).unwrap_err().to_string().contains("上限"));
        // A file that is not TOML: where, and never its text.
        let secret = d.join("secret.toml");
        std::fs::write(&secret, "password hunter2\n").unwrap();
        let e = read_chain(&TemplateRef::File(secret.clone()), &d).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("第 1 行"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
