//! The check's report in a clerk's words: where a problem is, as a writer
//! reads the bulletin ("第2篇文章《……》第3段", "版记·报送单位第4个"), and what
//! it says without the typesetter's terms (font files and roles, Unicode code
//! points, field names, sizes in pt). The page shows these; the JSON path and
//! the library's message stay in the report for its details line.

use super::report::{Entry, Report};
use crate::model::{Block, Bulletin};

/// A block of the body as places name it: an article or a section, and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockName {
    /// Whether it is an article (else a section).
    pub article: bool,
    /// Its title as written (empty when not yet written).
    pub title: String,
}

/// The body's blocks of a parsed bulletin.
pub fn blocks_of(b: &Bulletin) -> Vec<BlockName> {
    b.body
        .iter()
        .map(|blk| BlockName {
            article: matches!(blk, Block::Article(_)),
            title: blk.title().to_string(),
        })
        .collect()
}

/// The body's blocks of an input that is JSON but not (yet) a valid
/// bulletin: what can be read of them.
pub fn blocks_of_json(input: &[u8]) -> Vec<BlockName> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(input) else {
        return Vec::new();
    };
    v.get("body")
        .and_then(|b| b.as_array())
        .map(|body| {
            body.iter()
                .map(|blk| BlockName {
                    article: blk.get("type").and_then(|t| t.as_str()) != Some("section"),
                    title: blk
                        .get("title")
                        .and_then(|t| t.as_str())
                        .unwrap_or_default()
                        .to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Give every entry of `report` its place and message in a clerk's words.
pub fn annotate(report: &mut Report, blocks: &[BlockName]) {
    for e in report
        .errors
        .iter_mut()
        .chain(report.warnings.iter_mut())
        .chain(report.notices.iter_mut())
    {
        annotate_entry(e, blocks);
    }
}

/// Give `e` its place and message in a clerk's words.
pub fn annotate_entry(e: &mut Entry, blocks: &[BlockName]) {
    e.place = Some(match (e.line, e.column) {
        (Some(l), Some(c)) => format!("JSON 第 {l} 行第 {c} 列"),
        _ => place(&e.path, blocks),
    });
    e.text = Some(plain(&e.message));
}

/// A title as places quote it: at most 12 characters, then "…".
fn short(title: &str) -> String {
    let n = title.chars().count();
    if n <= 12 {
        title.to_string()
    } else {
        format!("{}…", title.chars().take(11).collect::<String>())
    }
}

/// One step of a path: a key or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a path of the check's form (`$.body[1].paragraphs[2]`).
fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let Some(mut rest) = path.strip_prefix('$') else {
        return out;
    };
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("[\"") {
            let end = r.find("\"]").unwrap_or(r.len());
            out.push(Step::Key(r[..end].to_string()));
            rest = r.get(end + 2..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            match r[..end].parse() {
                Ok(i) => out.push(Step::Index(i)),
                Err(_) => break,
            }
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
    }
    out
}

/// The name a clerk knows of a masthead field.
fn masthead_field(key: &str) -> &str {
    match key {
        "name" => "简报名称",
        "issue" => "期号",
        "total_issue" => "总期号",
        "issuer" => "编印单位",
        "date" => "日期",
        "marking" => "密级/标注",
        "supplement" => "增刊",
        "copy_number" => "编号",
        other => other,
    }
}

/// The name of a list of the 版记.
fn list_name(key: &str) -> &str {
    match key {
        "report_to" => "报送单位",
        "send_to" => "送达单位",
        "issue_to" => "发送单位",
        "extra_to" => "本期增发",
        other => other,
    }
}

/// Where `path` is, as a writer reads the bulletin whose body is `blocks`.
pub fn place(path: &str, blocks: &[BlockName]) -> String {
    use Step::{Index, Key};
    let s = steps(path);
    let key = |i: usize| match s.get(i) {
        Some(Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let index = |i: usize| match s.get(i) {
        Some(Index(n)) => Some(*n),
        _ => None,
    };
    match key(0) {
        None => "整期简报".into(),
        Some("masthead") => match key(1) {
            Some(k) => format!("报头·{}", masthead_field(k)),
            None => "报头".into(),
        },
        Some("guide") => match index(1) {
            Some(i) => format!("导读第{}条", i + 1),
            None => "导读".into(),
        },
        Some("guide_label") => "导读的标题".into(),
        Some("editor_note") => match index(1) {
            Some(i) => format!("编者按第{}段", i + 1),
            None => "编者按".into(),
        },
        Some("body") => {
            let Some(b) = index(1) else {
                return "正文".into();
            };
            let block = blocks.get(b);
            let article = block.is_none_or(|x| x.article);
            let title = block.map(|x| x.title.as_str()).unwrap_or("");
            let name = if article {
                let nth = blocks
                    .iter()
                    .take(b + 1)
                    .filter(|x| x.article)
                    .count()
                    .max(1);
                if title.trim().is_empty() {
                    format!("第{nth}篇文章")
                } else {
                    format!("第{nth}篇文章《{}》", short(title))
                }
            } else if title.trim().is_empty() {
                format!(
                    "第{}个栏目",
                    blocks.iter().take(b + 1).filter(|x| !x.article).count()
                )
            } else {
                format!("栏目【{}】", short(title))
            };
            match (key(2), index(3)) {
                (None, _) => name,
                (Some("title"), _) => format!("{name}的标题"),
                (Some("paragraphs"), Some(p)) => format!("{name}第{}段", p + 1),
                (Some("paragraphs"), None) => format!("{name}的正文"),
                (Some("note"), Some(p)) => format!("{name}按语第{}段", p + 1),
                (Some("note"), None) => format!("{name}的按语"),
                (Some("items"), Some(i)) => {
                    let item = format!("{name}第{}条", i + 1);
                    match (key(4), index(5)) {
                        (Some("heading"), _) => format!("{item}的小标题"),
                        (Some("lead"), _) => format!("{item}的单位"),
                        (Some("paragraphs"), Some(p)) => format!("{item}第{}段", p + 1),
                        (Some("paragraphs"), None) => format!("{item}的正文"),
                        _ => item,
                    }
                }
                (Some("items"), None) => format!("{name}的条目"),
                (Some("type"), _) => format!("{name}的类型"),
                (Some(_), _) => name,
            }
        }
        Some("distribution") => match (key(1), index(2)) {
            (Some(k), Some(i)) => format!("版记·{}第{}个", list_name(k), i + 1),
            (Some(k), None) => format!("版记·{}", list_name(k)),
            _ => "版记".into(),
        },
        Some("imprint") => match key(1) {
            Some("issuer") => "版记·印发机关".into(),
            Some("date") => "版记·印发日期".into(),
            Some("copies") => "版记·份数".into(),
            Some("contact") => "版记·联系人".into(),
            _ => "版记·印发".into(),
        },
        Some("document_number") => "版记·文号".into(),
        Some("template") => "模板".into(),
        Some("allow_substitutes") => "缺字替代".into(),
        Some(other) => other.to_string(),
    }
}

/// A font role's name as an office knows its typeface.
fn typeface(role: &str) -> &str {
    match role {
        "title" => "小标宋（标题）",
        "body" => "仿宋（正文）",
        "heading" => "黑体",
        "kai" => "楷体",
        "song" => "宋体",
        "latin" => "西文",
        "latin_bold" => "西文粗体",
        other => other,
    }
}

/// The character a glyph message is about: the text in its first “…”.
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('“')? + '“'.len_utf8();
    let end = start + message[start..].find('”')?;
    Some(&message[start..end])
}

/// `message` without the typesetter's terms: what a clerk reads.
pub fn plain(message: &str) -> String {
    let ch = quoted(message).unwrap_or("");
    // Glyphs: which typeface lacks a character, never a file or a code point.
    if message.contains("角色的首选字体中，由后备字体") {
        let role = message
            .split("不在 ")
            .nth(1)
            .and_then(|r| r.split(" 角色").next())
            .unwrap_or("");
        return format!(
            "“{ch}”字在{}字体中没有，用相近的字体显示，印出来字形略有不同",
            typeface(role)
        );
    }
    if message.contains("角色的字体都没有") {
        return format!("“{ch}”字没有字体能显示，已用别的字形代替：请确认，或改用常用字");
    }
    if message.contains("没有字体能显示") {
        return format!("“{ch}”字没有字体能显示：请改用常用字（或请维护人员允许替代）");
    }
    if message.starts_with("简报名称较长") {
        let scale = message.rsplit("压缩到 ").next().unwrap_or("");
        return format!("简报名称较长：已缩小字号、横向压缩到 {scale}，排在一行");
    }
    if message.starts_with("编印单位和日期在") {
        return "编印单位和日期一行放不下：已缩小字号、稍加压缩".into();
    }
    if let Some(rest) = message.strip_prefix("缺少必填字段 \"") {
        let zh = rest
            .split('（')
            .nth(1)
            .and_then(|r| r.split('）').next())
            .unwrap_or("这一项");
        return format!("还没有{zh}：请补上");
    }
    if message.starts_with("内容为空") {
        return "还没有填写".into();
    }
    if message.starts_with("只有空格") {
        return "只有空格，还没有填写内容".into();
    }
    // Otherwise: the message with line spacing in 磅 (as WPS names pt),
    // lengths of the line spacing rounded away, code points dropped.
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("（U+") {
        out.push_str(&rest[..at]);
        match rest[at..].find('）') {
            Some(end) => rest = &rest[at + end + '）'.len_utf8()..],
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    if let Some(at) = out.find("；版记行距由") {
        out.truncate(at);
        out.push_str("，版记的行距略有缩小");
    }
    out.replace("pt", " 磅")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks() -> Vec<BlockName> {
        let b = |article: bool, title: &str| BlockName {
            article,
            title: title.into(),
        };
        vec![
            b(true, "陈竞率队实地调研南洞庭湖湿地保护修复工作"),
            b(true, "工作会议召开"),
            b(false, "县市区动态"),
            b(true, ""),
        ]
    }

    #[test]
    fn places_are_said_as_a_clerk_reads_the_bulletin() {
        let p = |path: &str| place(path, &blocks());
        assert_eq!(p("$.masthead.name"), "报头·简报名称");
        assert_eq!(p("$.masthead.issue"), "报头·期号");
        assert_eq!(p("$.guide[1]"), "导读第2条");
        assert_eq!(p("$.guide"), "导读");
        assert_eq!(p("$.editor_note[0]"), "编者按第1段");
        assert_eq!(
            p("$.body[1].paragraphs[2]"),
            "第2篇文章《工作会议召开》第3段"
        );
        assert_eq!(
            p("$.body[0].title"),
            "第1篇文章《陈竞率队实地调研南洞庭…》的标题"
        );
        assert_eq!(
            p("$.body[2].items[1].heading"),
            "栏目【县市区动态】第2条的小标题"
        );
        assert_eq!(
            p("$.body[2].items[0].paragraphs[1]"),
            "栏目【县市区动态】第1条第2段"
        );
        assert_eq!(p("$.body[3].paragraphs[0]"), "第3篇文章第1段");
        assert_eq!(p("$.body[1].note[0]"), "第2篇文章《工作会议召开》按语第1段");
        assert_eq!(p("$.distribution.report_to[3]"), "版记·报送单位第4个");
        assert_eq!(p("$.distribution.send_to"), "版记·送达单位");
        assert_eq!(p("$.imprint.date"), "版记·印发日期");
        assert_eq!(p("$.document_number"), "版记·文号");
        assert_eq!(p("$"), "整期简报");
        assert_eq!(p("$.body[9].title"), "第3篇文章的标题");
    }

    #[test]
    fn messages_lose_the_typesetters_terms() {
        let fallback =
            "“昇”（U+6607）不在 body 角色的首选字体中，由后备字体 FallbackKai-Light.ttf 显示";
        let said = plain(fallback);
        assert_eq!(
            said,
            "“昇”字在仿宋（正文）字体中没有，用相近的字体显示，印出来字形略有不同"
        );
        assert_eq!(
            plain("简报名称较长：字号为 29.1pt，横向压缩到 80%"),
            "简报名称较长：已缩小字号、横向压缩到 80%，排在一行"
        );
        let footer = plain("为使版记与正文同在第 6 页（不单独占一页）：去掉了标题或栏目前的 1 个空行；版记行距由 23.2pt 缩为 20.7pt");
        assert!(
            !footer.contains("pt") && footer.contains("行距略有缩小"),
            "{footer}"
        );
        assert_eq!(
            plain("缺少必填字段 \"title\"（标题）：请补上"),
            "还没有标题：请补上"
        );
        assert_eq!(plain("内容为空：请填写内容"), "还没有填写");
        let missing = "“\u{E000}”（U+E000）没有字体能显示（字体角色 body）：改用常用字，或设置 \"allow_substitutes\": true 允许替代";
        assert!(
            !plain(missing).contains("allow_substitutes"),
            "{}",
            plain(missing)
        );
        for m in [fallback, missing, "字号 16pt"] {
            let p = plain(m);
            assert!(
                !p.contains("U+") && !p.contains(".ttf") && !p.contains("pt"),
                "{p}"
            );
        }
        // Anything else passes as it is.
        let w = "文号“益简字【2022】42号”中的年份是 2022 年，这一期是 2024 年：可能是上一期留下的，请核对";
        assert_eq!(plain(w), w);
    }

    #[test]
    fn blocks_are_read_from_json_that_is_not_yet_a_bulletin() {
        let b = blocks_of_json(
            br#"{"body": [{"type": "section", "title": "A"}, {"title": "B"}, {"type": "article"}]}"#,
        );
        assert_eq!(b.len(), 3);
        assert!(!b[0].article && b[1].article && b[2].title.is_empty());
        assert!(blocks_of_json(b"{").is_empty());
    }
}
