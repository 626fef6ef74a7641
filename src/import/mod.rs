//! `import`: a draft as offices write it (plain text pasted from Word or copied
//! out of a PDF, or a Word/WPS .docx) read into a [`Bulletin`] and its JSON.
//!
//! The stages, one file each:
//! [`decode`] (bytes of a text file → text, whatever the encoding) or
//! [`docx`] (the paragraphs of a .docx with alignment, bold and size) →
//! [`lines`] (the draft as source lines with hints) → [`join`] (logical
//! lines: paragraphs re-joined across page breaks and line wraps) →
//! [`recognise`] (the conventions of a bulletin: masthead, guide, titles,
//! sections, ▲ items, 版记) → [`Bulletin`] → [`crate::model::to_json`].
//!
//! Every guess the writer should confirm (a line read as a title, a paragraph
//! joined across a page break, a date read from Chinese numerals) is a
//! [`Notice`] with its line number. A draft without a recognisable masthead is
//! an [`Error::Draft`].

mod decode;
mod docx;
mod join;
mod lines;
mod numbers;
mod recognise;

use crate::error::{Error, Result};
use crate::model::{self, Bulletin};

/// What kind of file a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text: UTF-8 (with or without BOM), UTF-16 or GBK/GB18030.
    Text,
    /// A Word or WPS .docx.
    Docx,
}

impl Kind {
    /// The kind of a draft from its file name's extension, when it tells.
    pub fn from_extension(file_name: &str) -> Option<Kind> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".docx") || lower.ends_with(".docm") {
            Some(Kind::Docx)
        } else if lower.ends_with(".txt") || lower.ends_with(".text") {
            Some(Kind::Text)
        } else {
            None
        }
    }

    /// The kind of a draft from its first bytes: a zip is a .docx, anything
    /// else is text.
    pub fn sniff(bytes: &[u8]) -> Kind {
        if bytes.starts_with(b"PK\x03\x04") {
            Kind::Docx
        } else {
            Kind::Text
        }
    }
}

/// A guess the writer should confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The 1-based line of the draft (paragraph of a .docx: see
    /// [`Imported::unit`]) it concerns.
    pub line: usize,
    /// What was guessed, in Chinese.
    pub message: String,
}

/// A draft read as a bulletin.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The bulletin (it passes [`model::parse`]'s rules).
    pub bulletin: Bulletin,
    /// Its input JSON, as [`model::to_json`] writes it.
    pub json: String,
    /// The guesses to confirm, in line order.
    pub notices: Vec<Notice>,
    /// What a notice's `line` counts: lines of a text draft, paragraphs of
    /// a .docx.
    pub unit: Unit,
}

/// What the places of a draft count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Lines of a text draft (行).
    Line,
    /// Paragraphs of a .docx (段).
    Paragraph,
}

impl Unit {
    /// The word a place is counted in: 行 or 段.
    pub fn word(self) -> &'static str {
        match self {
            Unit::Line => "行",
            Unit::Paragraph => "段",
        }
    }
}

/// The largest draft read: a .docx with photographs is a few MB; the text of
/// a 60-page bulletin about 150 KB.
pub const MAX_DRAFT_BYTES: u64 = 64 * 1024 * 1024;

/// The largest text draft read: twice what fits in a bulletin's JSON
/// ([`model::MAX_INPUT_BYTES`]); a 1,000-page bulletin's text is about 3 MB.
pub const MAX_TEXT_DRAFT_BYTES: u64 = 8 * 1024 * 1024;

pub use docx::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_PARAGRAPHS, MAX_PART, MAX_SMALL_PART, MAX_TEXT};
pub use lines::MAX_LINES;

/// The error for a draft over [`MAX_DRAFT_BYTES`] (for callers that find
/// out before reading it all).
pub fn too_large() -> Error {
    Error::Draft {
        line: None,
        message: format!(
            "草稿超过上限 {} MB：简报草稿通常只有几 MB；请确认选对了文件",
            MAX_DRAFT_BYTES >> 20
        ),
    }
}

/// The error for a text draft over [`MAX_TEXT_DRAFT_BYTES`] (for callers
/// that find out before reading it all).
pub fn text_too_large() -> Error {
    Error::Draft {
        line: None,
        message: format!(
            "文本草稿超过上限 {} MB：一期简报的文字通常不到 1 MB，最多 4 MB；请确认选对了文件，或分成几期导入",
            MAX_TEXT_DRAFT_BYTES >> 20
        ),
    }
}

/// The most bytes worth reading of a draft of `kind` (when known).
pub fn limit_for(kind: Option<Kind>) -> u64 {
    match kind {
        Some(Kind::Text) => MAX_TEXT_DRAFT_BYTES,
        _ => MAX_DRAFT_BYTES,
    }
}

/// Read a draft. `kind_hint` overrides detection by the first bytes.
///
/// Fails with [`Error::Draft`] when the bytes are not a draft this reads (an
/// old binary .doc, a PDF, a broken .docx) or when no masthead (name and
/// 第N期) or no body is found.
pub fn import(bytes: &[u8], kind_hint: Option<Kind>) -> Result<Imported> {
    if bytes.len() as u64 > MAX_DRAFT_BYTES {
        return Err(too_large());
    }
    refuse_other_formats(bytes)?;
    let kind = kind_hint.unwrap_or_else(|| Kind::sniff(bytes));
    let unit = match kind {
        Kind::Docx => Unit::Paragraph,
        Kind::Text => Unit::Line,
    };
    let mut imported = read(bytes, kind);
    if unit == Unit::Paragraph {
        // A .docx is counted in paragraphs, as its writer sees it.
        match &mut imported {
            Ok(i) => {
                for n in &mut i.notices {
                    n.message = lines_as_paragraphs(&n.message);
                }
            }
            Err(Error::Draft { line, message }) => {
                let at = line
                    .take()
                    .map_or(String::new(), |n| format!("第 {n} 段："));
                *message = format!("{at}{}", lines_as_paragraphs(message));
            }
            Err(_) => {}
        }
    }
    imported.map(|i| Imported { unit, ..i })
}

/// `text` with every “第 N 行” said as “第 N 段”.
fn lines_as_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("第 ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "第 ".len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(" 行") {
            out.push_str("第 ");
            out.push_str(&after[..digits]);
            out.push_str(" 段");
            rest = &after[digits + " 行".len()..];
        } else {
            out.push_str("第 ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// [`import`] of a draft of a known kind, its places counted in lines.
fn read(bytes: &[u8], kind: Kind) -> Result<Imported> {
    let mut notices = Vec::new();
    let source = match kind {
        Kind::Docx => lines::from_paragraphs(docx::paragraphs(bytes)?)?,
        Kind::Text => {
            if bytes.len() as u64 > MAX_TEXT_DRAFT_BYTES {
                return Err(text_too_large());
            }
            let decoded = decode::decode(bytes);
            if decoded.cut {
                notices.push(Notice {
                    line: decoded.text.split('\n').count(),
                    message: "文件在最后一个字的中间断了（文件可能不完整）：已按 UTF-8 读取并去掉了这个残缺的字，请核对草稿的结尾".to_string(),
                });
            }
            if decoded.replaced > 0 {
                notices.push(Notice {
                    line: 1,
                    message: format!(
                        "按 {} 编码读取时有 {} 处字节无法解读，已替换为“\u{FFFD}”：请确认文件的编码，或另存为 UTF-8 后再导入",
                        decoded.encoding, decoded.replaced
                    ),
                });
            }
            lines::from_text(&decoded.text)?
        }
    };
    let logical = join::logical_lines(source, &mut notices);
    let bulletin = recognise::recognise(logical, &mut notices)?;
    let json = model::to_json(&bulletin);
    if json.len() > model::MAX_INPUT_BYTES {
        return Err(Error::Draft {
            line: None,
            message: format!(
                "草稿的文字太多：导入后的 JSON 有 {:.1} MB，超过一期简报的上限 {} MB：请分成几期导入",
                json.len() as f64 / (1 << 20) as f64,
                model::MAX_INPUT_BYTES >> 20
            ),
        });
    }
    // What recognise builds must meet the format's rules; a break of them is
    // reported as the draft's problem rather than written out.
    if let Err(e) = model::parse(json.as_bytes()) {
        return Err(Error::Draft {
            line: None,
            message: format!("导入结果不符合输入格式（请检查草稿）：{e}"),
        });
    }
    notices.sort_by_key(|n| n.line);
    Ok(Imported {
        bulletin,
        json,
        notices,
        unit: Unit::Line,
    })
}

/// Refuse, with advice, the formats that look like drafts but are not read.
fn refuse_other_formats(bytes: &[u8]) -> Result<()> {
    let encrypted_package: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let message = if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
        && bytes
            .windows(encrypted_package.len())
            .any(|w| w == encrypted_package)
    {
        "这是设了打开密码的 .docx（Word 加密后存为另一种格式）：请在 Word 或 WPS 中打开，去掉密码后另存为 .docx 再导入"
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        "这是旧版 Word 的 .doc（或 WPS 的 .wps）文件：请在 Word 或 WPS 中“另存为” .docx 后再导入"
    } else if bytes.starts_with(b"%PDF") {
        "这是 PDF 文件：请在阅读器中全选并复制文字，保存为 .txt 后再导入（或用 pdftotext 转成文字）"
    } else if bytes.starts_with(b"{\\rtf") {
        "这是 RTF 文件：请在 Word 或 WPS 中“另存为” .docx 或纯文本后再导入"
    } else if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        "草稿是空的：没有任何文字"
    } else {
        return Ok(());
    };
    Err(Error::Draft {
        line: None,
        message: message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_of_a_docx_are_said_in_paragraphs() {
        assert_eq!(
            lines_as_paragraphs("第 12 行句末没有标点，与第 13 行合并；第 二 行；第 3 列"),
            "第 12 段句末没有标点，与第 13 段合并；第 二 行；第 3 列"
        );
        assert_eq!(lines_as_paragraphs("没有位置"), "没有位置");
        assert_eq!(Unit::Paragraph.word(), "段");
    }

    #[test]
    fn kinds_from_names_and_bytes() {
        assert_eq!(Kind::from_extension("草稿.DOCX"), Some(Kind::Docx));
        assert_eq!(Kind::from_extension("a.txt"), Some(Kind::Text));
        assert_eq!(Kind::from_extension("a"), None);
        assert_eq!(Kind::sniff(b"PK\x03\x04rest"), Kind::Docx);
        assert_eq!(Kind::sniff("某县工作简报".as_bytes()), Kind::Text);
    }

    #[test]
    fn other_formats_are_refused_with_advice() {
        for (bytes, word) in [
            (&b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."[..], ".doc"),
            (b"%PDF-1.7\n", "PDF"),
            (b"{\\rtf1\\ansi", "RTF"),
            (b" \n\n", "空"),
        ] {
            let e = import(bytes, None).unwrap_err();
            assert!(matches!(e, Error::Draft { .. }));
            assert!(e.to_string().contains(word), "{e}");
        }
    }
}
