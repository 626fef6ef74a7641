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
    /// The 1-based line of the draft (paragraph of a .docx) it concerns.
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
}

/// The largest draft read: a .docx with photographs is a few MB; the text of
/// a 60-page bulletin about 150 KB.
pub const MAX_DRAFT_BYTES: u64 = 64 * 1024 * 1024;

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
    let mut notices = Vec::new();
    let source = match kind_hint.unwrap_or_else(|| Kind::sniff(bytes)) {
        Kind::Docx => lines::from_paragraphs(docx::paragraphs(bytes)?),
        Kind::Text => {
            let decoded = decode::decode(bytes);
            if decoded.replaced > 0 {
                notices.push(Notice {
                    line: 1,
                    message: format!(
                        "按 {} 编码读取时有 {} 处字节无法解读，已替换为“\u{FFFD}”：请确认文件的编码，或另存为 UTF-8 后再导入",
                        decoded.encoding, decoded.replaced
                    ),
                });
            }
            lines::from_text(&decoded.text)
        }
    };
    let logical = join::logical_lines(source, &mut notices);
    let bulletin = recognise::recognise(logical, &mut notices)?;
    let json = model::to_json(&bulletin);
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
    })
}

/// Refuse, with advice, the formats that look like drafts but are not read.
fn refuse_other_formats(bytes: &[u8]) -> Result<()> {
    let message = if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
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
