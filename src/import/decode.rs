//! The text of a plain-text draft, whatever encoding the office's editor saved
//! it in: UTF-8 (with or without BOM), UTF-16 LE/BE (with or without BOM) or
//! GBK/GB18030 (Windows' "ANSI" for Chinese), read with `encoding_rs`.
//!
//! A byte order mark decides. Without one, valid UTF-8 is UTF-8 (GBK text of
//! any length is almost never valid UTF-8); otherwise UTF-16 LE, UTF-16 BE and
//! GB18030 are each tried and the reading whose characters look most like a
//! Chinese document (Han characters, Chinese punctuation, ASCII) wins.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// A decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding it was read in (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `gb18030`).
    pub encoding: &'static str,
    /// How many malformed sequences were replaced by U+FFFD.
    pub replaced: usize,
    /// Whether the text ends inside a character (the file was cut short).
    pub cut: bool,
}

/// Decode the bytes of a text file.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return read(encoding, &bytes[bom..]);
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => return read(UTF_8, bytes),
        // Valid up to a character cut off at the end: UTF-8 cut short.
        Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => {
            let mut d = read(UTF_8, &bytes[..e.valid_up_to()]);
            d.cut = true;
            return d;
        }
        Err(_) => {}
    }
    [UTF_16LE, UTF_16BE, GB18030]
        .into_iter()
        .filter(|e| bytes.len().is_multiple_of(2) || *e == GB18030)
        .map(|e| read(e, bytes))
        .max_by(|a, b| score(a).total_cmp(&score(b)))
        .unwrap_or_else(|| read(GB18030, bytes))
}

fn read(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        replaced,
        cut: false,
    }
}

/// How much `d` looks like a Chinese document: the share of its characters
/// that such documents are made of.
fn score(d: &Decoded) -> f64 {
    let mut total = 0usize;
    let mut good = 0usize;
    for c in d.text.chars() {
        total += 1;
        let likely = matches!(c as u32,
            0x09 | 0x0A | 0x0C | 0x0D | 0x20..=0x7E   // ASCII text
            | 0x3000..=0x303F                          // CJK punctuation
            | 0x4E00..=0x9FFF                          // Han
            | 0xFF01..=0xFF5E                          // full-width forms
            | 0x2010..=0x203B                          // dashes, quotes, …
            | 0x2460..=0x2473                          // ①
            | 0x25A0..=0x25FF | 0x2605 | 0x2606        // ▲ ■ ★ ☆
        );
        if likely {
            good += 1;
        }
    }
    if total == 0 {
        return 0.0;
    }
    good as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "某县工作简报\r\n第3期\r\n某县人民政府办公室　2024年6月1日\r\n";

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(TEXT.as_bytes());
        assert_eq!((d.text.as_str(), d.encoding), (TEXT, "UTF-8"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(TEXT.as_bytes());
        let d = decode(&bom);
        assert_eq!((d.text.as_str(), d.encoding), (TEXT, "UTF-8"));
    }

    #[test]
    fn utf16_both_orders_with_and_without_bom() {
        for big in [false, true] {
            let bare = utf16(TEXT, big);
            let d = decode(&bare);
            assert_eq!(d.text, TEXT, "big endian: {big}");
            let mut with_bom = utf16("\u{FEFF}", big);
            with_bom.extend_from_slice(&bare);
            let d = decode(&with_bom);
            assert_eq!(d.text, TEXT, "big endian: {big}, BOM");
            assert_eq!(d.encoding, if big { "UTF-16BE" } else { "UTF-16LE" });
            assert_eq!(d.replaced, 0);
        }
    }

    #[test]
    fn gbk_and_gb18030() {
        let (gbk, _, _) = GB18030.encode(TEXT);
        let d = decode(&gbk);
        assert_eq!((d.text.as_str(), d.encoding), (TEXT, "gb18030"));
        // An odd number of bytes cannot be UTF-16.
        let (odd, _, _) = GB18030.encode("简报a");
        assert_eq!(decode(&odd).text, "简报a");
    }

    #[test]
    fn utf8_cut_inside_a_character_is_utf8() {
        let bytes = TEXT.as_bytes();
        // Cut one and two bytes into the last three-byte character.
        let text = "某县工作简报第3期";
        for cut in 1..=2 {
            let b = &text.as_bytes()[..text.len() - 3 + cut];
            let d = decode(b);
            assert_eq!(d.encoding, "UTF-8", "cut {cut}");
            assert_eq!(d.text, "某县工作简报第3");
            assert!(d.cut);
        }
        assert!(!decode(bytes).cut);
    }

    #[test]
    fn malformed_bytes_are_counted() {
        let mut bytes = GB18030.encode(TEXT).0.into_owned();
        bytes.push(0x81);
        let d = decode(&bytes);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.replaced, 1);
        assert!(d.text.starts_with("某县工作简报"));
    }
}
