//! Typed errors and warnings of the library, each carrying the place it concerns.
//!
//! Messages about content are written in Chinese for the bulletin's writer: they
//! say where the problem is (JSON path, and the article or section title) and what
//! to do. The library never prints; the CLI decides how to show these.

use std::fmt;
use std::path::PathBuf;

/// Where in the input a problem or warning is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// JSON path from the document root, e.g. `$.body[2].items[0].paragraphs[1]`.
    pub path: String,
    /// The article or section the place belongs to, e.g. `文章《……》` or
    /// `栏目【县市区动态】`, when there is one.
    pub context: Option<String>,
}

impl Place {
    /// A place at `path` outside any article or section.
    pub fn new(path: impl Into<String>) -> Self {
        Place {
            path: path.into(),
            context: None,
        }
    }

    /// A place at `path` inside the article or section described by `context`.
    pub fn within(path: impl Into<String>, context: impl Into<String>) -> Self {
        Place {
            path: path.into(),
            context: Some(context.into()),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.context {
            Some(c) => write!(f, "{}（{}）", self.path, c),
            None => f.write_str(&self.path),
        }
    }
}

/// One rule of the input format that the input breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the problem is.
    pub place: Place,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.place, self.message)
    }
}

/// A character that no face of its role's font chain can draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph {
    /// The character.
    pub ch: char,
    /// The font role whose chain lacks it (`body`, `title`, …).
    pub role: String,
    /// Where it occurs (the first occurrence of this character in this role).
    pub place: Place,
}

impl fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "“{}”（U+{:04X}）在 {}：字体角色 {} 的字体都没有这个字",
            self.ch, self.ch as u32, self.place, self.role
        )
    }
}

/// Something the user can do about a refusal or a note of the archive.
/// The library says which; a front end says how (a command, a button, words).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "hint", rename_all = "snake_case")]
pub enum Hint {
    /// Give this issue the next number (a skeleton of the next issue can be
    /// made from the archive).
    NextIssue {
        /// 简报名称.
        name: String,
    },
    /// File this issue as a correction of the copy `id`, which stays as it
    /// was issued.
    Supersede {
        /// The id of the copy to correct.
        id: String,
    },
    /// Say why the copy is corrected.
    GiveReason,
    /// Look up a copy's id in the list of issued copies.
    List,
    /// Check the archive's copies against their manifests and the register.
    Verify,
    /// Rebuild the archive's index from its files.
    Reindex,
}

/// Every way the library can fail.
#[derive(Debug)]
pub enum Error {
    /// The input is not well-formed JSON.
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON reader says.
        message: String,
    },
    /// The input is JSON but breaks rules of the bulletin format; all problems found.
    Invalid(Vec<Problem>),
    /// Characters that no configured face can draw.
    MissingGlyphs(Vec<MissingGlyph>),
    /// A template cannot be found, read or understood.
    Template {
        /// The template's name or file.
        template: String,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// A font file cannot be found, read or understood.
    Font {
        /// The file.
        file: PathBuf,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// The content cannot be laid out with this template.
    Layout {
        /// Where the content that does not fit is.
        place: Place,
        /// What is wrong and what to do, in Chinese.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The layout gave warnings (probable mistakes of the writer) where none
    /// are accepted: issuing without the writer's consent, or `--deny-warnings`.
    Warnings(Vec<crate::diag::Diagnostic>),
    /// The archive of issued copies refuses or fails an operation.
    Archive {
        /// What is wrong and what to do, in Chinese.
        message: String,
    },
    /// The archive refuses an operation, and says what the user can do
    /// about it as typed hints, which each front end words its own way (the
    /// command line as a command, the web page in words).
    Refused {
        /// What is refused and why, in Chinese, naming no command or flag.
        message: String,
        /// What the user can do, most likely first.
        hints: Vec<Hint>,
    },
    /// An artefact (PDF, OFD, SVG) could not be written from a layout that
    /// was made: a fault of the program or a limit of the format, never of
    /// the input's content.
    Output {
        /// Which artefact: `PDF`, `OFD`, `SVG`.
        output: &'static str,
        /// What went wrong, in Chinese.
        message: String,
    },
    /// A draft given to `import` cannot be read as a bulletin (no masthead,
    /// no body, a file that is not a draft).
    Draft {
        /// The 1-based line (paragraph of a .docx) concerned, when there is one.
        line: Option<usize>,
        /// What is wrong and what to do, in Chinese.
        message: String,
    },
}

impl Error {
    /// Whether the error is about the input's content (exit code 1) rather than
    /// about files or usage (exit code 2).
    pub fn is_content_error(&self) -> bool {
        match self {
            Error::Io { .. } | Error::Font { .. } | Error::Output { .. } => false,
            Error::Syntax { .. }
            | Error::Invalid(_)
            | Error::MissingGlyphs(_)
            | Error::Template { .. }
            | Error::Layout { .. }
            | Error::Warnings(_)
            | Error::Archive { .. }
            | Error::Refused { .. }
            | Error::Draft { .. } => true,
        }
    }

    /// Shorthand for an I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "JSON 格式错误，第 {line} 行第 {column} 列：{message}（检查这一处附近的逗号、引号和括号）"
            ),
            Error::Invalid(problems) => {
                write!(f, "输入有 {} 处错误：", problems.len())?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            Error::MissingGlyphs(missing) => {
                write!(
                    f,
                    "有 {} 个字符没有字体能显示（改用常用字，或在模板的字体链中加入有这些字的字体，或设置 \"allow_substitutes\": true 允许替代）：",
                    missing.len()
                )?;
                for m in missing {
                    write!(f, "\n  {m}")?;
                }
                Ok(())
            }
            Error::Template { template, message } => write!(f, "模板 {template}：{message}"),
            Error::Font { file, message } => write!(f, "字体文件 {}：{message}", file.display()),
            Error::Layout { place, message } => write!(f, "{place}：{message}"),
            Error::Io { path, source } => {
                use std::io::ErrorKind;
                let p = path.display();
                // A cause this program put into words itself.
                if let (None, Some(inner)) = (source.raw_os_error(), source.get_ref()) {
                    return write!(f, "{p}：{inner}");
                }
                match source.kind() {
                    ErrorKind::NotFound => write!(f, "找不到 {p}：请检查路径和名称"),
                    ErrorKind::PermissionDenied => {
                        write!(f, "没有权限读写 {p}：请检查这个文件和所在文件夹的权限")
                    }
                    ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
                        write!(f, "磁盘空间不足，无法写入 {p}：请腾出空间后再试")
                    }
                    ErrorKind::IsADirectory => write!(f, "{p} 是文件夹，这里需要文件"),
                    ErrorKind::NotADirectory => {
                        write!(f, "{p} 的路径中有一段不是文件夹：请检查路径")
                    }
                    ErrorKind::ReadOnlyFilesystem => {
                        write!(f, "{p} 所在的磁盘是只读的：请换一个可写的位置")
                    }
                    ErrorKind::InvalidData => {
                        write!(f, "{p} 的内容无法读取（编码或格式不对）")
                    }
                    _ => write!(f, "文件 {p} 无法读写：{}", io_reason(source)),
                }
            }
            Error::Warnings(warnings) => {
                write!(
                    f,
                    "排版有 {} 条警告（可能是书写错误）：请先改正；确认无误的，可以接受这些警告后再签发：",
                    warnings.len()
                )?;
                for w in warnings {
                    write!(f, "\n  {w}")?;
                }
                Ok(())
            }
            Error::Archive { message } | Error::Refused { message, .. } => f.write_str(message),
            Error::Output { output, message } => write!(
                f,
                "无法写出 {output}：{message}。这不是输入的问题：请把这一期的 JSON 发给维护人员"
            ),
            Error::Draft {
                line: Some(line),
                message,
            } => write!(f, "第 {line} 行：{message}"),
            Error::Draft {
                line: None,
                message,
            } => f.write_str(message),
        }
    }
}

/// The message of an [`Error::Io`] says its cause in Chinese, so it names
/// no source (a chain printed whole would add the system's English words).
impl std::error::Error for Error {}

/// Why an operation on a file or connection failed, in Chinese (the
/// operating system's own words are English): the kind of failure, and the
/// system's error number when there is one.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // A cause this program put into words itself.
    if let (None, Some(inner)) = (e.raw_os_error(), e.get_ref()) {
        return inner.to_string();
    }
    let what = match e.kind() {
        K::NotFound => "找不到",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::AddrInUse => "地址已被占用",
        K::AddrNotAvailable => "本机没有这个地址",
        K::StorageFull | K::QuotaExceeded => "磁盘空间不足",
        K::IsADirectory => "是文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::TimedOut => "超时",
        K::OutOfMemory => "内存不足",
        K::BrokenPipe => "读取的一方已关闭",
        K::InvalidData => "内容无法读取（编码或格式不对）",
        K::UnexpectedEof => "内容不完整",
        K::Interrupted => "被中断",
        _ => "读写出错",
    };
    match e.raw_os_error() {
        Some(n) => format!("{what}（系统错误码 {n}）"),
        None => what.to_string(),
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
