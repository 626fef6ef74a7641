//! Inputs that are not UTF-8 or not JSON: where (line and column in
//! characters, as editors count them) and what, in Chinese.

use crate::error::Error;

pub(super) fn not_utf8(src: &[u8], valid_up_to: usize) -> Error {
    let prefix = src.get(..valid_up_to).unwrap_or_default();
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Error::Syntax {
        line: 1 + prefix.iter().filter(|&&b| b == b'\n').count(),
        column: 1 + count_chars(prefix.get(line_start..).unwrap_or_default()),
        message: if looks_utf16(src) {
            "文件是 UTF-16 编码（Windows 记事本的“Unicode”）：请用 UTF-8 编码另存后再试"
        } else {
            "文件不是 UTF-8 编码（可能是 GBK/ANSI）：请用 UTF-8 编码另存后再试"
        }
        .to_string(),
    }
}

/// Whether bytes look like UTF-16: a byte order mark, or a NUL in every
/// other byte of ASCII text (`{`, `"` and newlines as `{\0`).
pub(super) fn looks_utf16(src: &[u8]) -> bool {
    if src.starts_with(&[0xFF, 0xFE]) || src.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &src[..src.len().min(512)];
    let zeros = head.iter().filter(|&&b| b == 0).count();
    head.len() >= 4 && zeros * 4 >= head.len()
}

/// Whether the error at byte `at` (the character serde_json stopped at)
/// comes right after an ASCII double quote that ended a string in the middle
/// of its text: `"他说"好"。"` reads as the string `他说`, then `好` where a
/// comma was expected.
fn quote_ended_string(src: &[u8], at: usize) -> bool {
    let (Some(before), Some(rest)) = (src.get(..at), src.get(at..)) else {
        return false;
    };
    let next = String::from_utf8_lossy(&rest[..rest.len().min(4)])
        .chars()
        .next();
    let prev = before.iter().rev().find(|b| !b.is_ascii_whitespace());
    prev == Some(&b'"') && next.is_some_and(char::is_alphanumeric)
}

/// The number of characters in UTF-8 bytes (counting each start byte).
pub(super) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

pub(super) fn syntax_error(src: &[u8], e: &serde_json::Error) -> Error {
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
    let offset = line_start.map(|start| start + e.column().saturating_sub(1));
    let message = match offset {
        Some(at) if quote_ended_string(src, at) => {
            "这里的英文双引号 \" 把字符串提前结束了：正文里的引号请用中文引号“”（或写成 \\\"）"
                .to_string()
        }
        _ => translate_syntax(e),
    };
    Error::Syntax {
        line,
        column,
        message,
    }
}

/// serde_json's message for `e`, without its position, in Chinese.
pub(super) fn translate_syntax(e: &serde_json::Error) -> String {
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
