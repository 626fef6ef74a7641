//! The conventions of a bulletin, recognised in the logical lines of a draft.
//!
//! The draft is read top to bottom in four regions: the masthead (marking,
//! 编号, name, 第N期 or 增刊第N期（总第N期）, issuer and date), the 编者按
//! and the guide (【导读】 or 本期要目 and its ★ items), the body (article
//! titles, their 按语 and paragraphs, 【section】 headings, ▲ heading, lead
//! and plain items) and the 版记 (报：/送：/发：/本期增发： lists, 联系人,
//! the 印发 line with （共印N份）, the 文号).
//!
//! Each convention is one recogniser: a function that looks at the line
//! where the reader is and, when the line is written that way, takes it (and
//! the lines that belong to it) into the draft. A region's recognisers are
//! listed in one table ([`MASTHEAD`], [`FOOTER`], [`BODY`]); adding a
//! convention is adding a function and a row.

use super::join::ends_sentence;
use super::lines::Line;
use super::numbers::{self, find_date};
use super::Notice;
use crate::error::{Error, Result};
use crate::model::{
    Article, Block, Bulletin, Date, Distribution, Guide, Imprint, Item, ItemKind, Masthead,
    Section, TemplateRef,
};

/// How bulletin names end.
const NAME_ENDINGS: &[&str] = &[
    "简报", "动态", "通报", "快报", "专报", "信息", "要情", "专刊", "增刊", "情况", "周报", "月报",
];
/// Labels of the guide (with or without 【】).
const GUIDE_LABELS: &[&str] = &["导读", "本期导读", "本期要目", "要目", "本期目录", "目录"];
/// Marks in front of guide items.
const GUIDE_MARKS: &[char] = &['★', '☆', '●', '◆', '■', '·', '•'];
/// The labels of the distribution lists and the list each fills.
const LIST_LABELS: &[(&str, List)] = &[
    ("抄报", List::Report),
    ("报送", List::Report),
    ("报", List::Report),
    ("抄送", List::Send),
    ("分送", List::Send),
    ("送", List::Send),
    ("分发", List::Issue),
    ("发", List::Issue),
    ("本期增发", List::Extra),
    ("增发", List::Extra),
];
/// How an 编者按 or 按语 starts, in a draft.
const NOTE_LABELS: &[&str] = &["【编者按】", "编者按", "【按语】", "按语", "编者的话", "按"];
/// Words that end a speaker's name before a colon: "▲会议强调：" is not a lead.
const SPEECH: &[&str] = &[
    "强调", "指出", "要求", "表示", "认为", "介绍", "提出", "说", "称", "明确", "宣布",
];

/// Which distribution list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Report,
    Send,
    Issue,
    Extra,
}

/// A recogniser: when the line at the reader's position is written the way
/// it knows, it takes the line (and any that belong to it) and returns true.
type Recogniser = fn(&mut Reader) -> bool;

/// The masthead's conventions after the name and issue lines, in order of trial.
const MASTHEAD: &[Recogniser] = &[
    marking,
    copy_number,
    total_issue,
    issuer_and_date,
    issuer_alone,
];
/// The body's conventions, in order of trial (the last one takes any line).
const BODY: &[Recogniser] = &[section_heading, item, title, paragraph];
/// The 版记's conventions, in order of trial.
const FOOTER: &[Recogniser] = &[
    distribution,
    contact,
    imprint,
    imprint_issuer,
    copies,
    document_number,
    list_continuation,
];

// ---------------------------------------------------------------------------
// Text helpers

/// `text` without the spaces next to Chinese characters and full-width marks
/// (extractions put them around digits: "第 1 期", "2024 年 5 月"); spaces
/// between Latin words stay.
pub fn compact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).and_then(|k| chars.get(k));
            let after = chars.get(i + 1);
            let wide = |c: Option<&char>| !matches!(c, Some(c) if c.is_ascii());
            if wide(before) || wide(after) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Whether a line (already compacted) starts a unit of its own, so that no
/// paragraph runs into it: a ▲ item, a ★ guide item, a 【】 heading, a
/// distribution list, the 印发 line.
pub fn starts_unit(text: &str) -> bool {
    let t = compact(text);
    t.starts_with(['▲', '★', '☆', '【'])
        || list_label(&t).is_some()
        || is_imprint(&t)
        || is_document_number(&t)
        || is_guide_label(&t)
        || after_note_label(&t).is_some()
}

/// Whether a line is complete in itself, so that nothing runs on from it:
/// the 印发 line, a 文号.
pub fn stands_alone(text: &str) -> bool {
    let t = compact(text);
    is_imprint(&t) || is_document_number(&t)
}

/// `text` after a `label` and a colon (full or half width).
fn after_label<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let rest = text.strip_prefix(label)?;
    rest.strip_prefix('：')
        .or_else(|| rest.strip_prefix(':'))
        .map(str::trim)
}

/// The distribution list a line starts, and the rest of the line.
fn list_label(text: &str) -> Option<(List, &str)> {
    LIST_LABELS
        .iter()
        .find_map(|(label, list)| after_label(text, label).map(|rest| (*list, rest)))
}

/// The text of a note (编者按, 按语) after its label, when `text` starts
/// with one: `编者按：…`, `【编者按】…`, `按：…`.
fn after_note_label(text: &str) -> Option<&str> {
    NOTE_LABELS.iter().find_map(|label| {
        let rest = text.strip_prefix(label)?;
        let rest = if label.ends_with('】') {
            rest.trim_start_matches(['：', ':'])
        } else {
            rest.strip_prefix(['：', ':'])?
        };
        let rest = rest.trim();
        (!rest.is_empty()).then_some(rest)
    })
}

/// Whether a line is the contact line: `联系人：张三　电话：…`, `联系电话：…`.
fn is_contact(text: &str) -> bool {
    let t = text.trim_start_matches(['（', '(']);
    (t.starts_with("联系人") || t.starts_with("联系电话") || t.starts_with("联系方式"))
        && t.chars().count() <= 60
}

/// Whether `text` is an 印发 line: a date followed by 印发.
fn is_imprint(text: &str) -> bool {
    find_date(text).is_some_and(|f| text[f.end..].starts_with("印发"))
}

fn is_guide_label(text: &str) -> bool {
    let t = text
        .trim_end_matches(['：', ':'])
        .trim_start_matches('【')
        .trim_end_matches('】')
        .trim_start_matches('[')
        .trim_end_matches(']');
    GUIDE_LABELS.contains(&t)
}

/// Whether a compacted line could be a title: short, no closing punctuation,
/// not a unit of its own.
fn title_like(text: &str) -> bool {
    let n = text.chars().count();
    (1..=48).contains(&n)
        && !ends_sentence(text)
        && !text.ends_with(['，', '、', ',', '—'])
        && !text.contains(['。', '；'])
        && !starts_unit(text)
}

/// `（共印40份）`, `共印40份`, `印40份` in `text`: the number and the text without it.
fn take_copies(text: &str) -> Option<(u32, String)> {
    for prefix in ["共印", "印"] {
        let Some(start) = text.find(prefix) else {
            continue;
        };
        let after = &text[start + prefix.len()..];
        let end = after.find('份')?;
        let Some((n, _)) = numbers::number(after[..end].trim()) else {
            continue;
        };
        let mut rest = format!("{}{}", &text[..start], &after[end + '份'.len_utf8()..]);
        for brackets in ["（）", "()"] {
            rest = rest.replace(brackets, "");
        }
        return Some((n, rest.trim().to_string()));
    }
    None
}

// ---------------------------------------------------------------------------
// The reader

/// The bulletin as far as it has been read.
#[derive(Debug, Default)]
struct Draft {
    marking: Option<String>,
    copy_number: Option<String>,
    name: Option<String>,
    supplement: Option<String>,
    issue: Option<u32>,
    total_issue: Option<u32>,
    issuer: Option<String>,
    date: Option<Date>,
    /// The guide's items with their lines; `None`: no guide.
    guide: Option<Vec<(usize, String)>>,
    /// The guide's label as the draft writes it, when not 导读.
    guide_label: Option<String>,
    /// The 编者按's paragraphs.
    editor_note: Vec<String>,
    body: Vec<Block>,
    /// The line of each block's title (for notices).
    block_lines: Vec<usize>,
    distribution: Distribution,
    /// The list the last distribution line filled, when that line ended
    /// with a comma (so that the list goes on on the next line).
    open_list: Option<List>,
    imprint_issuer: Option<String>,
    /// A line of the 版记 that may be the issuer of an 印发 line further down.
    pending_issuer: Option<(usize, String)>,
    imprint_date: Option<Date>,
    copies: Option<u32>,
    contact: Option<String>,
    document_number: Option<String>,
}

/// Reads logical lines into a [`Draft`].
struct Reader<'a> {
    lines: Vec<Line>,
    at: usize,
    notices: &'a mut Vec<Notice>,
    d: Draft,
}

impl Reader<'_> {
    /// The line at the reader's position.
    fn line(&self) -> Option<&Line> {
        self.lines.get(self.at)
    }

    /// The compacted text of the line `k` lines ahead.
    fn text(&self, k: usize) -> Option<String> {
        self.lines.get(self.at + k).map(|l| compact(&l.text))
    }

    /// The line number at the reader's position (the last line at the end).
    fn no(&self) -> usize {
        self.line().or(self.lines.last()).map_or(1, |l| l.no)
    }

    fn notice(&mut self, line: usize, message: String) {
        self.notices.push(Notice { line, message });
    }

    fn error(&self, line: Option<usize>, message: &str) -> Error {
        Error::Draft {
            line,
            message: message.to_string(),
        }
    }

    /// Cut the current line after byte `at` of its compacted text: the rest
    /// becomes a line of its own after it (text that a wrapped extraction ran
    /// on into a line that is complete).
    fn split_after(&mut self, at: usize) {
        let Some(line) = self.lines.get_mut(self.at) else {
            return;
        };
        let text = compact(&line.text);
        let rest = text[at..].trim().to_string();
        if rest.is_empty() {
            return;
        }
        line.text = text[..at].to_string();
        let next = Line {
            no: line.no,
            text: rest,
            hints: Default::default(),
        };
        self.lines.insert(self.at + 1, next);
    }

    /// Try each recogniser of `table` at the current line; whether one took it.
    fn any(&mut self, table: &[Recogniser]) -> bool {
        table.iter().any(|r| r(self))
    }

    /// A number read from `digits`, with a notice when it was Chinese.
    fn number(&mut self, digits: &str, what: &str) -> Option<u32> {
        let (n, chinese) = numbers::number(digits)?;
        if chinese {
            let no = self.no();
            self.notice(
                no,
                format!("{what}“{digits}”按 {n} 读取（原文是中文数字），请确认"),
            );
        }
        Some(n)
    }

    /// A date, with a notice when it was read from Chinese numerals.
    fn date(&mut self, text: &str, found: numbers::Found) -> Date {
        if found.chinese {
            let no = self.no();
            self.notice(
                no,
                format!(
                    "日期“{}”按 {} 读取（原文是中文数字），请确认",
                    &text[found.start..found.end],
                    found.date.iso()
                ),
            );
        }
        found.date
    }
}

/// Recognise the bulletin in `lines`.
pub fn recognise(lines: Vec<Line>, notices: &mut Vec<Notice>) -> Result<Bulletin> {
    let mut r = Reader {
        lines,
        at: 0,
        notices,
        d: Draft::default(),
    };
    r.masthead()?;
    r.editor_note();
    r.guide();
    r.editor_note();
    r.body()?;
    r.footer();
    r.finish()
}

// ---------------------------------------------------------------------------
// Masthead

/// `第3期`, `2024年第3期`, `第三期（总第57期）`, `增刊第1期`: (issue
/// digits, rest of the line).
fn issue_line(text: &str) -> Option<(&str, &str)> {
    issue_line_series(text).map(|(_, digits, rest)| (digits, rest))
}

/// [`issue_line`] with the series of a supplement before 第 (增刊, 专刊,
/// 生态环保专刊: a short name ending in 刊).
fn issue_line_series(text: &str) -> Option<(Option<&str>, &str, &str)> {
    let t = match find_year_prefix(text) {
        Some(rest) => rest,
        None => text,
    };
    let at = t.find('第')?;
    let series = t[..at].trim();
    let series = match series.chars().count() {
        0 => None,
        1..=12 if series.ends_with('刊') && !series.contains(['，', '。', ' ']) => Some(series),
        _ => return None,
    };
    let rest = &t[at + '第'.len_utf8()..];
    let end = rest.find('期')?;
    let digits = &rest[..end];
    numbers::number(digits)?;
    Some((series, digits, &rest[end + '期'.len_utf8()..]))
}

/// The text after a leading `2024年`.
fn find_year_prefix(text: &str) -> Option<&str> {
    let year: String = text.chars().take(4).collect();
    if year.chars().count() == 4 && numbers::number(&year).is_some() {
        text[year.len()..].strip_prefix('年')
    } else {
        None
    }
}

/// `（总第57期）`, `总第57期`, `(总第57期)`: the digits and the text around.
fn total_in(text: &str) -> Option<(&str, String)> {
    let start = text.find("总第")?;
    let after = &text[start + "总第".len()..];
    let end = after.find('期')?;
    let digits = &after[..end];
    numbers::number(digits)?;
    let mut rest = format!("{}{}", &text[..start], &after[end + '期'.len_utf8()..]);
    for brackets in ["（）", "()", "〔〕", "[]"] {
        rest = rest.replace(brackets, "");
    }
    Some((digits, rest.trim().to_string()))
}

/// A marking as printed: the spaces an extraction puts between digits and
/// Chinese (`秘密★1 年`) dropped, one space between words kept.
fn marking_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).and_then(|k| chars.get(k)).copied();
            let after = chars.get(i + 1).copied();
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before) != latin(after) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn is_marking(text: &str) -> bool {
    const STARTS: &[&str] = &[
        "内部资料",
        "内部刊物",
        "内部参阅",
        "内部参考",
        "内部交流",
        "注意保存",
        "绝密",
        "机密",
        "秘密",
    ];
    let t = compact(text);
    t.chars().count() <= 24 && STARTS.iter().any(|s| t.starts_with(s))
}

impl Reader<'_> {
    fn masthead(&mut self) -> Result<()> {
        // The issue line within the first lines; the name is above it.
        let window = self.lines.len().min(15);
        let issue_at = (0..window).find(|&k| issue_line(&compact(&self.lines[k].text)).is_some());
        let Some(issue_at) = issue_at else {
            let named = self.lines.iter().take(5).any(|l| {
                let t = compact(&l.text);
                NAME_ENDINGS.iter().any(|e| t.ends_with(e))
            });
            let message = if named {
                "报头中没有找到期号：简报名称的下一行应是“第N期”（如“第3期”或“第3期（总第57期）”）"
            } else {
                "没有找到报头：草稿开头应是简报名称（如“××工作简报”），下一行是期号（如“第3期”），再下一行是编印单位和日期。请检查草稿的开头几行"
            };
            return Err(self.error(self.lines.first().map(|l| l.no), message));
        };
        // Above the issue line: markings, a copy number, the name (one or two lines).
        let mut name_lines: Vec<usize> = Vec::new();
        while self.at < issue_at {
            if !(marking(self) || copy_number(self)) {
                name_lines.push(self.at);
                self.at += 1;
            }
        }
        // The line just above the issue line is the name, or its second
        // half when the line above it reads as the first half (a name set
        // over two lines); lines further up are not the masthead's.
        let keep = match name_lines.len() {
            0 | 1 => name_lines.len(),
            n => {
                let upper = compact(&self.lines[name_lines[n - 2]].text);
                let first_half = title_like(&upper)
                    && upper.chars().count() >= 4
                    && !upper.chars().any(|c| c.is_ascii_digit())
                    && !NAME_ENDINGS.iter().any(|e| upper.ends_with(e));
                if first_half {
                    2
                } else {
                    1
                }
            }
        };
        if name_lines.len() > keep {
            let dropped: Vec<usize> = name_lines.drain(..name_lines.len() - keep).collect();
            for k in dropped {
                let l = &self.lines[k];
                let message = format!("报头上方的“{}”不是报头的内容，未导入", l.text);
                self.notice(l.no, message);
            }
        }
        let Some(&first) = name_lines.first() else {
            return Err(self.error(
                Some(self.lines[issue_at].no),
                "期号上方没有简报名称：报头第一行应是简报名称（如“××工作简报”）",
            ));
        };
        let name: String = name_lines
            .iter()
            .map(|&k| compact(&self.lines[k].text).replace(' ', ""))
            .collect();
        let first_no = self.lines[first].no;
        if name_lines.len() > 1 && !self.lines[name_lines[1]].hints.same_paragraph {
            self.notice(first_no, format!("两行合为简报名称“{name}”，请确认"));
        }
        if !NAME_ENDINGS.iter().any(|e| name.ends_with(e)) {
            self.notice(
                first_no,
                format!("“{name}”按简报名称读取（不以“简报”“动态”“通报”等结尾），请确认"),
            );
        }
        self.d.name = Some(name);

        // The issue line, and what follows it on the line.
        let text = compact(&self.lines[issue_at].text);
        let (series, digits, rest) = issue_line_series(&text).unwrap_or_default();
        self.d.supplement = series.map(str::to_string);
        self.d.issue = self.number(digits, "期号");
        let mut rest = rest.trim().to_string();
        if let Some((total, without)) = total_in(&rest) {
            self.d.total_issue = self.number(total, "总期号");
            rest = without;
        }
        if let Some(found) = find_date(&rest) {
            self.d.date = Some(self.date(&rest.clone(), found));
            let issuer = rest[..found.start].trim().to_string();
            if !issuer.is_empty() {
                self.d.issuer = Some(issuer);
            }
        } else if is_marking(&rest) {
            self.d.marking = Some(marking_text(&rest));
        }
        self.at = issue_at + 1;

        while self.at < self.lines.len() {
            if self.d.issuer.is_some() && self.d.date.is_some() {
                // Only markings may follow the issuer and date line.
                if !(marking(self) || copy_number(self)) {
                    break;
                }
                continue;
            }
            if !self.any(MASTHEAD) {
                break;
            }
        }
        if self.d.issuer.is_none() || self.d.date.is_none() {
            let what = match (&self.d.issuer, &self.d.date) {
                (None, None) => "编印单位和日期",
                (None, Some(_)) => "编印单位",
                _ => "日期",
            };
            return Err(Error::Draft {
                line: Some(self.lines[issue_at].no),
                message: format!(
                    "报头缺少{what}：期号的下一行应是编印单位和日期（如“××办公室　2024年5月10日”）"
                ),
            });
        }
        Ok(())
    }
}

/// 内部资料 注意保存, 秘密★1年 (a line of its own).
fn marking(r: &mut Reader) -> bool {
    let Some(line) = r.line() else { return false };
    if !is_marking(&line.text) {
        return false;
    }
    let mut text = marking_text(&line.text);
    // 内部资料 注意保存      编号：000123 (the copy number on the marking's
    // line, as printed and as a text extraction of the page gives it).
    let label = ["编号", "份号"]
        .iter()
        .filter_map(|l| text.find(l).map(|at| (at, *l)))
        .min();
    if let Some((at, label)) = label.filter(|&(at, _)| at > 0) {
        let copy = text[at..].to_string();
        if let Some(value) = after_label(&copy, label) {
            let digits = value.replace(' ', "");
            let no = r.no();
            if !digits.is_empty()
                && digits.len() <= crate::model::MAX_COPY_NUMBER_DIGITS
                && digits.chars().all(|c| c.is_ascii_digit())
            {
                r.d.copy_number = Some(digits);
            } else {
                r.notice(no, format!("“{copy}”不是数字编号（份号），未导入"));
            }
            text = text[..at].trim_end().to_string();
        }
    }
    if r.d.marking.is_none() {
        r.d.marking = Some(text);
    }
    r.at += 1;
    true
}

/// 编号：000123 (the copy number, 份号).
fn copy_number(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(value) = after_label(&text, "编号").or_else(|| after_label(&text, "份号")) else {
        return false;
    };
    let digits = value.replace(' ', "");
    let no = r.no();
    if !digits.is_empty()
        && digits.len() <= crate::model::MAX_COPY_NUMBER_DIGITS
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        r.d.copy_number = Some(digits);
    } else {
        r.notice(no, format!("“{text}”不是数字编号（份号），未导入"));
    }
    r.at += 1;
    true
}

/// （总第57期） on a line of its own.
fn total_issue(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some((digits, rest)) = total_in(&text) else {
        return false;
    };
    if !rest.is_empty() {
        return false;
    }
    r.d.total_issue = r.number(digits, "总期号");
    r.at += 1;
    true
}

/// `某县人民政府办公室　2024年5月10日`, or the date alone.
fn issuer_and_date(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(found) = find_date(&text) else {
        return false;
    };
    if text[found.end..].starts_with("印发") {
        return false;
    }
    let issuer = clean_issuer(&text[..found.start]);
    let after = text[found.end..].trim().to_string();
    r.d.date = Some(r.date(&text, found));
    if !issuer.is_empty() {
        r.d.issuer = Some(issuer);
    }
    if is_marking(&after) {
        if r.d.marking.is_none() {
            r.d.marking = Some(marking_text(&after));
        }
    } else {
        r.split_after(found.end);
    }
    r.at += 1;
    true
}

/// The issuer on a line of its own (the date on the next line).
fn issuer_alone(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    if r.d.issuer.is_some() || !title_like(&text) || find_date(&text).is_some() {
        return false;
    }
    let date_follows = r.d.date.is_some()
        || r.text(1)
            .is_some_and(|next| find_date(&next).is_some_and(|f| f.start == 0));
    if !date_follows {
        return false;
    }
    r.d.issuer = Some(clean_issuer(&text));
    r.at += 1;
    true
}

/// An issuer without the words around it: `编印单位：`, `主办：`, a final `编印`.
fn clean_issuer(text: &str) -> String {
    let mut t = text.trim();
    for label in ["编印单位", "编印", "主办单位", "主办", "编发"] {
        if let Some(rest) = after_label(t, label) {
            t = rest;
        }
    }
    t = t.strip_suffix("编印").unwrap_or(t).trim();
    t.replace(' ', "")
}

// ---------------------------------------------------------------------------
// Guide

impl Reader<'_> {
    fn guide(&mut self) {
        let Some(text) = self.text(0) else { return };
        let labelled = is_guide_label(&text);
        if labelled {
            let written = text.trim_end_matches(['：', ':']);
            let bare = written.trim_start_matches('【').trim_end_matches('】');
            if bare != "导读" {
                let no = self.no();
                self.notice(
                    no,
                    format!("导读的标题按“{written}”导入（guide_label），请确认"),
                );
                self.d.guide_label = Some(written.to_string());
            }
            self.at += 1;
        }
        let mut items: Vec<(usize, String)> = Vec::new();
        while let Some(line) = self.line() {
            let t = compact(&line.text);
            let item = t
                .strip_prefix(GUIDE_MARKS)
                .map(|rest| rest.trim().to_string())
                .or_else(|| (line.hints.list && title_like(&t) && labelled).then(|| t.clone()));
            match item {
                Some(item) if !item.is_empty() => {
                    items.push((line.no, item));
                    self.at += 1;
                }
                _ => break,
            }
        }
        if items.is_empty() {
            if labelled {
                let no = self.no();
                self.notice(no, "【导读】下没有★条目：导读未导入".to_string());
            }
            return;
        }
        self.d.guide = Some(items);
    }

    /// The 编者按 (before or after the guide): a line that starts with its
    /// label, and the paragraphs after it up to the first title, heading
    /// or guide.
    fn editor_note(&mut self) {
        if !self.d.editor_note.is_empty() {
            return;
        }
        let Some(text) = self.text(0) else { return };
        let Some(first) = after_note_label(&text) else {
            return;
        };
        let no = self.no();
        self.d.editor_note.push(first.to_string());
        self.at += 1;
        while let Some(t) = self.text(0) {
            if starts_unit(&t) || title_like(&t) || self.footer_starts() {
                break;
            }
            self.d.editor_note.push(t);
            self.at += 1;
        }
        self.notice(
            no,
            format!(
                "按编者按导入（{} 段，排在报头下、导读前，标签“编者按：”由模板加），请确认",
                self.d.editor_note.len()
            ),
        );
    }

    /// Whether `title` is one of the guide's items (so not a guess).
    fn in_guide(&self, title: &str) -> bool {
        self.d
            .guide
            .as_ref()
            .is_some_and(|items| items.iter().any(|(_, t)| t == title))
    }
}

// ---------------------------------------------------------------------------
// Body

impl Reader<'_> {
    fn body(&mut self) -> Result<()> {
        let start = self.no();
        while self.at < self.lines.len() {
            if self.footer_starts() {
                break;
            }
            self.any(BODY);
        }
        self.tidy_body();
        if self.d.body.is_empty() {
            return Err(self.error(
                Some(start),
                "报头之后没有找到正文：正文应有文章（标题和段落）或【栏目】（▲条目）",
            ));
        }
        Ok(())
    }

    /// Whether the 版记 starts at the current line.
    fn footer_starts(&self) -> bool {
        let Some(text) = self.text(0) else {
            return false;
        };
        list_label(&text).is_some()
            || is_imprint(&text)
            || is_document_number(&text)
            || is_contact(&text)
            || (text.starts_with(['（', '('])
                && take_copies(&text).is_some_and(|(_, r)| r.is_empty()))
            || (self.text(1).is_some_and(|next| {
                find_date(&next).is_some_and(|f| f.start == 0) && is_imprint(&next)
            }) && title_like(&text))
    }

    /// The current section's items, when the last block is a section.
    fn items(&mut self) -> Option<&mut Vec<Item>> {
        match self.d.body.last_mut() {
            Some(Block::Section(s)) => Some(&mut s.items),
            _ => None,
        }
    }

    /// Add a paragraph to the last item or article.
    fn add_paragraph(&mut self, no: usize, text: String) {
        match self.d.body.last_mut() {
            Some(Block::Article(a)) if a.paragraphs.is_empty() && a.note.is_empty() => {
                match after_note_label(&text) {
                    Some(note) => {
                        a.note.push(note.to_string());
                        let title = a.title.clone();
                        self.notice(no, format!("按《{title}》的按语导入，请确认"));
                    }
                    None => a.paragraphs.push(text),
                }
            }
            Some(Block::Article(a)) => a.paragraphs.push(text),
            Some(Block::Section(s)) => match s.items.last_mut() {
                Some(item) => item.paragraphs.push(text),
                None => {
                    let title = s.title.clone();
                    s.items.push(Item {
                        kind: ItemKind::Plain,
                        paragraphs: vec![text],
                    });
                    self.notice(
                        no,
                        format!(
                            "栏目【{title}】中的这一段前面没有▲：按无小标题的▲条目导入，请确认"
                        ),
                    );
                }
            },
            None => {
                self.d.body.push(Block::Article(Article {
                    title: PLACEHOLDER_TITLE.to_string(),
                    note: Vec::new(),
                    paragraphs: vec![text],
                }));
                self.d.block_lines.push(no);
                self.notice(
                    no,
                    format!("正文开头的段落前没有标题：已放入标题为“{PLACEHOLDER_TITLE}”的文章，请补上标题"),
                );
            }
        }
    }

    /// Blocks and items without paragraphs, found at the end.
    fn tidy_body(&mut self) {
        let mut k = 0;
        while k < self.d.body.len() {
            let no = self.d.block_lines[k];
            let mut remove = false;
            match &mut self.d.body[k] {
                Block::Section(s) => {
                    let title = s.title.clone();
                    let mut fixed = Vec::new();
                    for item in &mut s.items {
                        if item.paragraphs.is_empty() {
                            if let ItemKind::Heading(h) | ItemKind::Lead(h) = &item.kind {
                                fixed.push(h.clone());
                                item.paragraphs.push(h.clone());
                                item.kind = ItemKind::Plain;
                            }
                        }
                    }
                    for h in fixed {
                        self.notices.push(Notice {
                            line: no,
                            message: format!(
                                "栏目【{title}】中的“▲{h}”下面没有段落：按一段正文导入，请确认"
                            ),
                        });
                    }
                    if s.items.is_empty() {
                        remove = true;
                        self.notices.push(Notice {
                            line: no,
                            message: format!("栏目【{title}】下面没有内容，未导入"),
                        });
                    }
                }
                Block::Article(a) => {
                    if a.paragraphs.is_empty() {
                        remove = true;
                        self.notices.push(Notice {
                            line: no,
                            message: format!("标题《{}》下面没有段落，未导入", a.title),
                        });
                    }
                }
            }
            if remove {
                self.d.body.remove(k);
                self.d.block_lines.remove(k);
            } else {
                k += 1;
            }
        }
    }
}

/// The title given to paragraphs that come before any title.
const PLACEHOLDER_TITLE: &str = "（请补充标题）";

/// 【县市区动态】 on a line of its own.
fn section_heading(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(title) = text
        .strip_prefix('【')
        .and_then(|t| t.strip_suffix('】'))
        .filter(|t| !t.is_empty() && !t.contains(['【', '】']))
    else {
        return false;
    };
    if is_guide_label(&text) {
        return false;
    }
    let no = r.no();
    r.d.body.push(Block::Section(Section {
        title: title.to_string(),
        items: Vec::new(),
    }));
    r.d.block_lines.push(no);
    r.at += 1;
    true
}

/// The label of a lead (`▲市生态环境局：…`), and the text after its colon.
fn lead_of(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(['：', ':'])?;
    let label = text[..colon].trim();
    let rest = text[colon..].trim_start_matches(['：', ':']).trim();
    let n = label.chars().count();
    let ok = (1..=20).contains(&n)
        && !label.contains(['，', '。', '、', '；', '！', '？', ',', '“', '”'])
        && !label.starts_with(|c: char| c.is_ascii_digit())
        && !SPEECH.iter().any(|s| label.ends_with(s));
    ok.then_some((label, rest))
}

/// A ▲ item: heading (▲南县), lead (▲市生态环境局：…) or plain (▲5月8日，…).
fn item(r: &mut Reader) -> bool {
    let Some(line) = r.line() else { return false };
    let text = compact(&line.text);
    let in_section = matches!(r.d.body.last(), Some(Block::Section(_)));
    let body = match text.strip_prefix('▲') {
        Some(rest) => rest.trim().to_string(),
        // A .docx list item in a section: the ▲ is the list's bullet.
        None if in_section && line.hints.list => text.clone(),
        None => return false,
    };
    let no = line.no;
    if !in_section {
        // ▲ outside a section: kept as the text of a paragraph.
        r.notice(
            no,
            "▲条目不在【栏目】中：按文章的一段导入，请确认".to_string(),
        );
        r.add_paragraph(no, text);
        r.at += 1;
        return true;
    }
    r.at += 1;
    if body.is_empty() {
        return true;
    }
    let item = if let Some((label, rest)) = lead_of(&body) {
        let mut paragraphs = Vec::new();
        if !rest.is_empty() {
            paragraphs.push(rest.to_string());
        }
        Item {
            kind: ItemKind::Lead(label.to_string()),
            paragraphs,
        }
    } else if title_like(&body) && body.chars().count() <= 30 {
        Item {
            kind: ItemKind::Heading(body),
            paragraphs: Vec::new(),
        }
    } else {
        Item {
            kind: ItemKind::Plain,
            paragraphs: vec![body],
        }
    };
    if let Some(items) = r.items() {
        items.push(item);
    }
    true
}

/// An article title: one to three short lines without closing punctuation,
/// followed by a paragraph.
fn title(r: &mut Reader) -> bool {
    let mut k = 0;
    let mut parts: Vec<String> = Vec::new();
    while k < 3 {
        let Some(t) = r.text(k) else { break };
        if !title_like(&t) {
            break;
        }
        // In a .docx, a title's lines share their look.
        if k > 0 {
            let (a, b) = (&r.lines[r.at].hints, &r.lines[r.at + k].hints);
            if a.styled && (a.centred != b.centred || a.bold != b.bold) {
                break;
            }
        }
        parts.push(t);
        k += 1;
        // A title that is a guide item is complete.
        if r.in_guide(&parts.concat()) {
            break;
        }
    }
    if parts.is_empty() {
        return false;
    }
    // Followed by a paragraph (not by another unit, the 版记 or the end).
    let saved = r.at;
    r.at += k;
    let followed = r
        .text(0)
        .is_some_and(|t| !starts_unit(&t) || after_note_label(&t).is_some())
        && !r.footer_starts();
    r.at = saved;
    if !followed {
        return false;
    }
    let title: String = parts.concat();
    let first = &r.lines[r.at];
    let no = first.no;
    let hinted =
        first.hints.centred || first.hints.bold || first.hints.size.is_some_and(|s| s >= 18.0);
    let one_paragraph = (1..k).all(|j| r.lines[r.at + j].hints.same_paragraph);
    if !r.in_guide(&title) {
        if k > 1 && !(hinted && one_paragraph) {
            r.notice(
                no,
                format!(
                    "第 {} 至 {} 行合为一个标题《{title}》，请确认",
                    no,
                    r.lines[r.at + k - 1].no
                ),
            );
        } else if !hinted {
            r.notice(
                no,
                format!("《{title}》按文章标题导入（单独成行、句末没有标点），请确认"),
            );
        }
    }
    r.d.body.push(Block::Article(Article {
        title,
        note: Vec::new(),
        paragraphs: Vec::new(),
    }));
    r.d.block_lines.push(no);
    r.at += k;
    true
}

/// Any other line: a paragraph.
fn paragraph(r: &mut Reader) -> bool {
    let Some(line) = r.line() else { return false };
    let (no, text) = (line.no, compact(&line.text));
    r.add_paragraph(no, text);
    r.at += 1;
    true
}

// ---------------------------------------------------------------------------
// 版记

impl Reader<'_> {
    fn footer(&mut self) {
        while self.at < self.lines.len() {
            if self.any(FOOTER) {
                continue;
            }
            // A short line before an 印发 line without its issuer is that
            // issuer (an extraction may put lines of the 版记 out of order).
            let text = compact(&self.lines[self.at].text);
            if self.d.imprint_date.is_none() && self.d.pending_issuer.is_none() && title_like(&text)
            {
                self.d.pending_issuer = Some((self.lines[self.at].no, text));
                self.at += 1;
                continue;
            }
            let l = &self.lines[self.at];
            let message = format!("“{}”不是版记的内容，未导入", l.text);
            let no = l.no;
            self.notice(no, message);
            self.at += 1;
        }
        if let Some((no, text)) = self.d.pending_issuer.take() {
            self.notice(no, format!("“{text}”不是版记的内容，未导入"));
        }
    }
}

/// Names of a distribution list, split at `，`.
fn names(text: &str) -> Vec<String> {
    text.split(['，', ',', '；', ';'])
        .map(|n| n.trim().trim_end_matches('。').trim().replace(' ', ""))
        .filter(|n| !n.is_empty())
        .collect()
}

fn list_mut(d: &mut Distribution, list: List) -> &mut Vec<String> {
    match list {
        List::Report => &mut d.report_to,
        List::Send => &mut d.send_to,
        List::Issue => &mut d.issue_to,
        List::Extra => &mut d.extra_to,
    }
}

/// 联系人：张三　电话：0737-1234567 (in the 版记, or ending the body).
fn contact(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    if !is_contact(&text) {
        return false;
    }
    // As written, each run of spaces one full-width space (联系人：张三　电话：…).
    let raw = r.line().map(|l| l.text.clone()).unwrap_or_default();
    let words: Vec<&str> = raw
        .trim()
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')'])
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    r.d.contact = Some(words.join("\u{3000}"));
    r.d.open_list = None;
    r.at += 1;
    true
}

/// 报：…，…  送：…  发：…
fn distribution(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some((list, rest)) = list_label(&text) else {
        return false;
    };
    let names = names(rest);
    list_mut(&mut r.d.distribution, list).extend(names);
    let open = rest.is_empty() || rest.ends_with(['，', '、', ',']);
    r.d.open_list = open.then_some(list);
    r.at += 1;
    true
}

/// A line that continues a list whose line ended with a comma (a list typed
/// over several lines).
fn list_continuation(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let Some(list) = r.d.open_list else {
        return false;
    };
    if find_date(&text).is_some() || text.contains(['：', ':']) {
        return false;
    }
    let names = names(&text);
    list_mut(&mut r.d.distribution, list).extend(names);
    r.d.open_list = text.ends_with(['，', '、', ',']).then_some(list);
    r.at += 1;
    true
}

/// `某县人民政府办公室　2024年6月1日印发（共印40份）`
fn imprint(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let (text, copies) = match take_copies(&text) {
        Some((n, rest)) => (rest, Some(n)),
        None => (text, None),
    };
    let Some(found) = find_date(&text) else {
        return false;
    };
    if !text[found.end..].starts_with("印发") {
        return false;
    }
    let issuer = clean_issuer(&text[..found.start]);
    if !issuer.is_empty() {
        r.d.imprint_issuer = Some(issuer);
    } else if let Some((_, pending)) = r.d.pending_issuer.take() {
        r.d.imprint_issuer = Some(clean_issuer(&pending));
    }
    r.d.imprint_date = Some(r.date(&text, found));
    if copies.is_some() {
        r.d.copies = copies;
    }
    r.d.open_list = None;
    r.at += 1;
    true
}

/// The 印发 line's issuer on a line of its own, the date and 印发 below.
fn imprint_issuer(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    let date_below = r
        .text(1)
        .is_some_and(|next| is_imprint(&next) && find_date(&next).is_some_and(|f| f.start == 0));
    if !date_below || !title_like(&text) {
        return false;
    }
    r.d.imprint_issuer = Some(clean_issuer(&text));
    r.at += 1;
    true
}

/// （共印40份） on a line of its own.
fn copies(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    match take_copies(&text) {
        Some((n, rest)) if rest.is_empty() => {
            r.d.copies = Some(n);
            r.at += 1;
            true
        }
        _ => false,
    }
}

/// Whether a line is a 文号: `益简字【2022】42号`, `某办〔2024〕3号`,
/// `某办简〔2024〕增1号` (a supplement's, with its kind before the serial).
fn is_document_number(text: &str) -> bool {
    let Some(body) = text.strip_suffix('号') else {
        return false;
    };
    let n = text.chars().count();
    if !(5..=40).contains(&n) {
        return false;
    }
    let serial = body.trim_end_matches(|c: char| c.is_ascii_digit());
    if serial.len() == body.len() {
        return false;
    }
    // At most two characters of a kind (增, 专) between bracket and serial.
    let kind = serial
        .chars()
        .rev()
        .take_while(|c| !"〕】]）)".contains(*c))
        .count();
    if kind > 2 {
        return false;
    }
    let serial = {
        let mut s = serial.to_string();
        for _ in 0..kind {
            s.pop();
        }
        s
    };
    let Some(year_part) = serial.strip_suffix(['〕', '】', ']', '）', ')']) else {
        return false;
    };
    let year: String = year_part.chars().rev().take(4).collect();
    year.chars().all(|c| c.is_ascii_digit())
        && year_part
            .chars()
            .rev()
            .nth(4)
            .is_some_and(|c| "〔【[（(".contains(c))
}

/// 益简字【2022】42号
fn document_number(r: &mut Reader) -> bool {
    let Some(text) = r.text(0) else { return false };
    // A text extraction puts spaces around digits: 〔2024〕增 1 号.
    let text = marking_text(&text);
    if !is_document_number(&text) {
        return false;
    }
    r.d.document_number = Some(text);
    r.d.open_list = None;
    r.at += 1;
    true
}

// ---------------------------------------------------------------------------
// The bulletin

impl Reader<'_> {
    fn finish(mut self) -> Result<Bulletin> {
        let d = std::mem::take(&mut self.d);
        let (Some(name), Some(issue), Some(issuer), Some(date)) =
            (d.name, d.issue, d.issuer, d.date)
        else {
            return Err(self.error(Some(1), "报头不完整：需要简报名称、期号、编印单位和日期"));
        };
        let guide = match d.guide {
            None => Guide::None,
            Some(items) => {
                // The automatic guide lists the titles, sections without
                // their 【】 (as earlier versions printed them, with).
                let titles: Vec<String> = d.body.iter().map(|b| b.title().to_string()).collect();
                let bracketed: Vec<String> = d.body.iter().map(Block::display_title).collect();
                let texts: Vec<String> = items.into_iter().map(|(_, t)| t).collect();
                if texts == titles || texts == bracketed {
                    Guide::Auto
                } else {
                    Guide::Items(texts)
                }
            }
        };
        Ok(Bulletin {
            template: TemplateRef::Builtin(crate::model::schema::DEFAULT_TEMPLATE.to_string()),
            imprint: Imprint {
                issuer: d.imprint_issuer.unwrap_or_else(|| issuer.clone()),
                date: d.imprint_date.unwrap_or(date),
                copies: d.copies,
                contact: d.contact,
            },
            masthead: Masthead {
                name,
                issue,
                total_issue: d.total_issue,
                issuer,
                date,
                marking: d.marking,
                supplement: d.supplement,
                copy_number: d.copy_number,
            },
            guide,
            guide_label: d.guide_label,
            editor_note: d.editor_note,
            body: d.body,
            distribution: d.distribution,
            document_number: d.document_number,
            allow_substitutes: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::join::logical_lines;
    use crate::import::lines::from_text;

    fn read(text: &str) -> (Bulletin, Vec<Notice>) {
        let mut notices = Vec::new();
        let lines = logical_lines(from_text(text), &mut notices);
        let b = recognise(lines, &mut notices).unwrap_or_else(|e| panic!("{e}"));
        (b, notices)
    }

    fn error(text: &str) -> String {
        let mut notices = Vec::new();
        let lines = logical_lines(from_text(text), &mut notices);
        recognise(lines, &mut notices).unwrap_err().to_string()
    }

    const HEAD: &str = "某县工作简报\n第3期\n某县人民政府办公室　2024年6月1日\n";

    #[test]
    fn compact_drops_spaces_next_to_chinese_only() {
        assert_eq!(compact("第 1 期"), "第1期");
        assert_eq!(compact("2024 年 5 月 10 日"), "2024年5月10日");
        assert_eq!(compact("PM 2.5 浓度"), "PM 2.5浓度");
    }

    #[test]
    fn masthead_in_one_line_each() {
        let (b, notices) = read(&format!("{HEAD}标题\n正文。"));
        let m = &b.masthead;
        assert_eq!(m.name, "某县工作简报");
        assert_eq!((m.issue, m.total_issue), (3, None));
        assert_eq!(m.issuer, "某县人民政府办公室");
        assert_eq!(m.date.iso(), "2024-06-01");
        assert_eq!(m.marking, None);
        assert_eq!(notices.len(), 1, "{notices:?}"); // the title
    }

    #[test]
    fn masthead_with_marking_total_and_spaces() {
        let text = "内部资料　注意保存\n\n某 县 工 作 动 态\n\n第 12 期（总第 57 期）\n\n某县人民政府办公室\n\n2024 年 6 月 1 日\n\n标题\n\n正文。";
        let (b, _) = read(text);
        let m = &b.masthead;
        assert_eq!(m.name, "某县工作动态");
        assert_eq!((m.issue, m.total_issue), (12, Some(57)));
        assert_eq!(m.issuer, "某县人民政府办公室");
        assert_eq!(m.marking.as_deref(), Some("内部资料 注意保存"));
        let (b, _) =
            read("秘密★1年\n某县通报\n2024年第3期\n总第8期\n某县办公室 2024-06-01\n标题\n正文。");
        assert_eq!(b.masthead.marking.as_deref(), Some("秘密★1年"));
        assert_eq!((b.masthead.issue, b.masthead.total_issue), (3, Some(8)));
    }

    #[test]
    fn lines_above_the_name_are_left_out() {
        let (b, notices) = read(
            "附件1\n某县深入推进乡村振兴\n工作简报\n第3期\n某县办公室　2024年6月1日\n标题\n正文。",
        );
        assert_eq!(b.masthead.name, "某县深入推进乡村振兴工作简报");
        assert!(
            notices
                .iter()
                .any(|n| n.line == 1 && n.message.contains("附件1")),
            "{notices:?}"
        );
        let (b, _) = read("附件1\n某县工作简报\n第3期\n某县办公室　2024年6月1日\n标题\n正文。");
        assert_eq!(b.masthead.name, "某县工作简报");
    }

    #[test]
    fn chinese_numerals_give_notices() {
        let (b, notices) =
            read("某县工作简报\n第十二期\n某县办公室　二〇二四年五月十日\n标题\n正文。");
        assert_eq!(b.masthead.issue, 12);
        assert_eq!(b.masthead.date.iso(), "2024-05-10");
        let messages: Vec<&str> = notices.iter().map(|n| n.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("二〇二四年五月十日") && m.contains("2024-05-10")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("十二")), "{messages:?}");
        assert_eq!(
            notices
                .iter()
                .find(|n| n.message.contains("二〇"))
                .unwrap()
                .line,
            3
        );
    }

    #[test]
    fn no_masthead_is_an_error() {
        let e = error("会议指出，要落实。\n再一段。");
        assert!(e.contains("没有找到报头"), "{e}");
        let e = error("某县工作简报\n某县办公室\n正文。");
        assert!(e.contains("没有找到期号"), "{e}");
        let e = error("某县工作简报\n第3期\n标题\n正文。");
        assert!(e.contains("编印单位和日期"), "{e}");
        let e = error(HEAD);
        assert!(e.contains("没有找到正文"), "{e}");
    }

    #[test]
    fn guide_explicit_or_auto() {
        let (b, notices) = read(&format!(
            "{HEAD}【导读】\n★标题一\n★【动态】\n标题一\n正文。\n【动态】\n▲甲。"
        ));
        assert_eq!(b.guide, Guide::Auto);
        assert!(notices.is_empty(), "{notices:?}");
        let (b, notices) = read(&format!(
            "{HEAD}本期要目\n- ★ 标题一\n- ★ 工作动态\n标题一\n正文。\n【动态】\n▲甲。"
        ));
        assert_eq!(
            b.guide,
            Guide::Items(vec!["标题一".into(), "工作动态".into()])
        );
        assert!(notices[0].message.contains("本期要目"));
        assert_eq!(b.guide_label.as_deref(), Some("本期要目"));
        let (b, _) = read(&format!("{HEAD}【本期要目】\n★标题一\n标题一\n正文。"));
        assert_eq!(b.guide_label.as_deref(), Some("【本期要目】"));
        let (b, _) = read(&format!("{HEAD}【导读】\n★标题一\n标题一\n正文。"));
        assert_eq!(b.guide_label, None);
    }

    #[test]
    fn a_copy_number_on_the_markings_line_and_a_supplements_document_number() {
        // As a text extraction of a rendered page gives them.
        let text = "内部资料 注意保存                编号：000123\n某县工作动态\n增刊第1期\n\
                    某县人民政府办公室　2024年6月1日\n湿地保护\n5月9日，开展巡查。\n\
                    报：市委\n某县人民政府办公室　2024年6月1日印发\n某政办简〔2024〕增 1 号";
        let (b, _) = read(text);
        assert_eq!(b.masthead.marking.as_deref(), Some("内部资料 注意保存"));
        assert_eq!(b.masthead.copy_number.as_deref(), Some("000123"));
        assert_eq!(b.document_number.as_deref(), Some("某政办简〔2024〕增1号"));
    }

    #[test]
    fn the_other_parts_of_a_real_bulletin() {
        let text = "内部资料\n编号：000123\n某县工作动态\n生态环保专刊第2期（总第9期）\n某县人民政府办公室　2024年6月1日\n\
                    编者按：现将有关情况刊发。\n请各地参照执行。\n【导读】\n★湿地保护\n\
                    湿地保护\n按：这一做法值得借鉴。\n5月9日，开展巡查。\n\
                    报：市委\n发：各乡镇\n本期增发：县林业局，县水利局\n联系人：张三　电话：0737-1234567\n\
                    某县人民政府办公室　2024年6月1日印发";
        let (b, notices) = read(text);
        let m = &b.masthead;
        assert_eq!(m.copy_number.as_deref(), Some("000123"));
        assert_eq!(m.supplement.as_deref(), Some("生态环保专刊"));
        assert_eq!((m.issue, m.total_issue), (2, Some(9)));
        assert_eq!(b.editor_note, ["现将有关情况刊发。", "请各地参照执行。"]);
        let Block::Article(a) = &b.body[0] else {
            panic!("{:?}", b.body)
        };
        assert_eq!(a.title, "湿地保护");
        assert_eq!(a.note, ["这一做法值得借鉴。"]);
        assert_eq!(a.paragraphs, ["5月9日，开展巡查。"]);
        assert_eq!(b.distribution.extra_to, ["县林业局", "县水利局"]);
        assert_eq!(
            b.imprint.contact.as_deref(),
            Some("联系人：张三　电话：0737-1234567")
        );
        assert!(
            notices.iter().any(|n| n.message.contains("编者按")),
            "{notices:?}"
        );
        assert!(
            notices.iter().any(|n| n.message.contains("按语")),
            "{notices:?}"
        );
        // The editor's note after the guide, and a contact line ending the body.
        let text = "某县工作动态\n增刊第1期\n某县人民政府办公室　2024年6月1日\n\
                    本期要目\n★湿地保护\n【编者按】现将有关情况刊发。\n\
                    湿地保护\n5月9日，开展巡查。\n（联系人：李四，电话：12345678）\n\
                    报：市委";
        let (b, _) = read(text);
        assert_eq!(b.masthead.supplement.as_deref(), Some("增刊"));
        assert_eq!(b.editor_note, ["现将有关情况刊发。"]);
        assert_eq!(b.guide_label.as_deref(), Some("本期要目"));
        assert_eq!(
            b.imprint.contact.as_deref(),
            Some("联系人：李四，电话：12345678")
        );
        let Block::Article(a) = &b.body[0] else {
            panic!()
        };
        assert_eq!(a.paragraphs, ["5月9日，开展巡查。"]);
        // What is not a supplement's series stays out of the masthead.
        assert_eq!(issue_line_series("第3期"), Some((None, "3", "")));
        assert_eq!(issue_line_series("会议指出第3期"), None);
    }

    #[test]
    fn section_items_of_three_kinds() {
        let text = format!("{HEAD}【县市区动态】\n▲5月8日，各地召开会议。\n▲南县\n南县召开会议。\n第二段。\n▲市生态环境局：召开调度会。\n▲会议强调：要落实。");
        let (b, _) = read(&text);
        let Block::Section(s) = &b.body[0] else {
            panic!()
        };
        assert_eq!(s.title, "县市区动态");
        let kinds: Vec<&ItemKind> = s.items.iter().map(|i| &i.kind).collect();
        assert_eq!(
            kinds,
            [
                &ItemKind::Plain,
                &ItemKind::Heading("南县".into()),
                &ItemKind::Lead("市生态环境局".into()),
                &ItemKind::Plain
            ]
        );
        assert_eq!(s.items[1].paragraphs, ["南县召开会议。", "第二段。"]);
        assert_eq!(s.items[2].paragraphs, ["召开调度会。"]);
        assert_eq!(s.items[3].paragraphs, ["会议强调：要落实。"]);
    }

    #[test]
    fn titles_over_two_lines_are_joined_with_a_notice() {
        let (b, notices) = read(&format!(
            "{HEAD}陈竞率队实地调研\n南洞庭湖湿地保护修复工作\n5月9日，调研。"
        ));
        assert_eq!(
            b.body[0].title(),
            "陈竞率队实地调研南洞庭湖湿地保护修复工作"
        );
        assert!(notices[0].message.contains("合为一个标题"), "{notices:?}");
    }

    #[test]
    fn footer_lists_imprint_copies_and_number() {
        let text = format!(
            "{HEAD}标题\n正文。\n报：市委办公室，市政府办公室\n送：各乡镇、各部门，县委办\n发：\n各村\n某县人民政府办公室　　2024年6月2日印发\n（共印40份）\n某简〔2024〕3号"
        );
        let (b, notices) = read(&text);
        assert_eq!(b.distribution.report_to, ["市委办公室", "市政府办公室"]);
        assert_eq!(b.distribution.send_to, ["各乡镇、各部门", "县委办"]);
        assert_eq!(b.distribution.issue_to, ["各村"]);
        assert_eq!(b.imprint.issuer, "某县人民政府办公室");
        assert_eq!(b.imprint.date.iso(), "2024-06-02");
        assert_eq!(b.imprint.copies, Some(40));
        assert_eq!(b.document_number.as_deref(), Some("某简〔2024〕3号"));
        assert_eq!(notices.len(), 1, "{notices:?}");
    }

    #[test]
    fn imprint_over_two_lines_and_copies_inline() {
        let text = format!("{HEAD}标题\n正文。\n某县办公室\n2024 年 6 月 2 日印发（共印 30 份）");
        let (b, _) = read(&text);
        assert_eq!(b.imprint.issuer, "某县办公室");
        assert_eq!(b.imprint.copies, Some(30));
    }

    #[test]
    fn imprint_issuer_before_other_lines() {
        let text = format!("{HEAD}标题\n正文。\n报：市委\n某县办公室\n（共印30份）\n某简〔2024〕3号\n2024年6月2日印发");
        let (b, notices) = read(&text);
        assert_eq!(b.imprint.issuer, "某县办公室");
        assert_eq!(b.imprint.date.iso(), "2024-06-02");
        assert_eq!(b.imprint.copies, Some(30));
        assert_eq!(notices.len(), 1, "{notices:?}");
        let (_, notices) = read(&format!("{HEAD}标题\n正文。\n报：市委\n附件一览"));
        assert!(
            notices.iter().any(|n| n.message.contains("附件一览")),
            "{notices:?}"
        );
    }

    #[test]
    fn document_numbers() {
        for t in [
            "益简字【2022】42号",
            "某办〔2024〕3号",
            "某简[2024]12号",
            "简报（2024）1号",
            "某政办简〔2024〕增1号",
        ] {
            assert!(is_document_number(t), "{t}");
        }
        for t in [
            "第3号",
            "〔2024〕号",
            "会议要求落实3号文件精神",
            "〔2024〕增加了3号",
        ] {
            assert!(!is_document_number(t), "{t}");
        }
    }
}
