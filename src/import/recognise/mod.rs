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
    Article, Block, Bulletin, Date, Distribution, Guide, Imprint, Item, ItemKind, Masthead, Section,
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

mod body;
mod footer;
mod guide;
mod masthead;

use body::*;
use footer::*;
use masthead::*;

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
        let masthead = Masthead {
            total_issue: d.total_issue,
            marking: d.marking,
            supplement: d.supplement,
            copy_number: d.copy_number,
            ..Masthead::new(name, issue, issuer.clone(), date)
        };
        Ok(Bulletin {
            imprint: Imprint {
                copies: d.copies,
                contact: d.contact,
                ..Imprint::new(
                    d.imprint_issuer.unwrap_or(issuer),
                    d.imprint_date.unwrap_or(date),
                )
            },
            guide,
            guide_label: d.guide_label,
            editor_note: d.editor_note,
            distribution: d.distribution,
            document_number: d.document_number,
            ..Bulletin::new(masthead, d.body)
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
        let lines = logical_lines(from_text(text).unwrap(), &mut notices);
        let b = recognise(lines, &mut notices).unwrap_or_else(|e| panic!("{e}"));
        (b, notices)
    }

    fn error(text: &str) -> String {
        let mut notices = Vec::new();
        let lines = logical_lines(from_text(text).unwrap(), &mut notices);
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
