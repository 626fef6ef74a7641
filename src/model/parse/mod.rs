//! Reading the input JSON into the bulletin model, enforcing every rule of the format.
//!
//! The bytes are read by `serde_json` into a small tree ([`Json`]) that keeps
//! object fields in the order the writer typed them (and keeps duplicates), so
//! that problems come out in document order and a repeated field can be named.
//! The tree is then walked by hand, tracking the JSON path of every value and
//! the article or section it belongs to; every problem is collected, none stops
//! the walk.

//!
//! One file a step: [`syntax`] (bytes that are not UTF-8 or not JSON),
//! [`json`] (the tree), [`reader`] (paths, text rules and the walker's
//! helpers), [`format`] (the objects of the format, field by field).

mod format;
mod json;
mod reader;
mod syntax;
#[cfg(test)]
mod tests;

use super::Bulletin;
use crate::error::{Error, Result};
use json::Json;
use reader::Reader;
use syntax::{not_utf8, syntax_error};

/// Parse and validate one issue's JSON.
///
/// A UTF-8 byte order mark at the start is skipped. Input that is not UTF-8
/// or not JSON gives [`Error::Syntax`] (1-based line and column, the column
/// counted in characters); JSON that breaks rules of the format gives
/// [`Error::Invalid`] with every problem found, in document order.
pub fn parse(json: &[u8]) -> Result<Bulletin> {
    if json.len() > super::MAX_INPUT_BYTES {
        return Err(Error::Invalid(vec![crate::error::Problem {
            place: crate::error::Place::new("$"),
            message: format!(
                "输入有 {} 字节，超过上限 {} MB（一期简报的 JSON 通常不到 200 KB）：请检查是否选错了文件",
                json.len(),
                super::MAX_INPUT_BYTES / (1024 * 1024)
            ),
        }]));
    }
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    if let Err(e) = std::str::from_utf8(json) {
        return Err(not_utf8(json, e.valid_up_to()));
    }
    // UTF-16 text of ASCII characters is valid UTF-8 (with NUL bytes).
    if syntax::looks_utf16(json) {
        return Err(not_utf8(json, 0));
    }
    let root: Json = serde_json::from_slice(json).map_err(|e| syntax_error(json, &e))?;
    let mut reader = Reader::default();
    let bulletin = reader.bulletin(&root);
    match bulletin {
        Some(b) if reader.problems.is_empty() => Ok(b),
        _ => Err(Error::Invalid(reader.into_problems())),
    }
}
