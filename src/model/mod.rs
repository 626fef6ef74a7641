//! The bulletin model: one issue of a bulletin, as the writer gave it, validated.
//!
//! [`parse`] turns the JSON of `bulletin-json.md` into a [`Bulletin`]; every rule
//! of that format is enforced there, so later stages can trust the model.

pub mod checks;
pub mod date;
pub mod lint;
mod parse;
pub mod schema;
mod write;

pub use date::Date;
pub use parse::parse;
pub use write::to_json;

use crate::error::Place;
use crate::layout::DocInfo;

/// The largest input read: a 60-page bulletin's JSON is about 150 KB.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// The most characters of a one-line value (a title, a name, a list entry).
pub const MAX_LINE_CHARS: usize = 200;
/// The most characters of one paragraph.
pub const MAX_PARAGRAPH_CHARS: usize = 20_000;
/// The largest issue number (期号): a daily bulletin reaches 366 a year.
pub const MAX_ISSUE: u32 = 9_999;
/// The largest total issue number (总期号).
pub const MAX_TOTAL_ISSUE: u32 = 999_999;
/// The most copies printed (共印N份).
pub const MAX_COPIES: u32 = 999_999;
/// The most characters of a supplement's series name (生态环保专刊) or a guide label.
pub const MAX_LABEL_CHARS: usize = 20;
/// The most digits of a copy number (GB/T 9704-2012 §7.2.1: usually 6).
pub const MAX_COPY_NUMBER_DIGITS: usize = 12;

/// One issue (一期) of a bulletin, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    /// The template to lay it out with.
    pub template: TemplateRef,
    /// The masthead (报头) fields.
    pub masthead: Masthead,
    /// The guide (【导读】).
    pub guide: Guide,
    /// The guide's label for this issue (such as 本期要目), instead of the template's.
    pub guide_label: Option<String>,
    /// 编者按: paragraphs set below the masthead; empty when there is none.
    pub editor_note: Vec<String>,
    /// The articles and sections, in order; never empty.
    pub body: Vec<Block>,
    /// The 报/送/发 lists of the footer.
    pub distribution: Distribution,
    /// The 印发 line, with the masthead's issuer and date filled in where absent.
    pub imprint: Imprint,
    /// 文号, printed as the last line of the footer.
    pub document_number: Option<String>,
    /// Whether characters missing from their role's fonts may be drawn from
    /// another face (or as 〓 when none has them) instead of being an error.
    pub allow_substitutes: bool,
}

impl Bulletin {
    /// The document information of the issue (layout.md §8.2): title, author,
    /// subject, keywords, and the bulletin's date (never the clock).
    pub fn doc_info(&self) -> DocInfo {
        let m = &self.masthead;
        DocInfo {
            title: format!("{} {}", m.name, m.issue_line()),
            author: m.issuer.clone(),
            subject: self
                .body
                .iter()
                .map(Block::display_title)
                .collect::<Vec<_>>()
                .join("；"),
            keywords: format!(
                "工作简报；{}；{}年{}",
                m.name,
                m.date.year(),
                m.issue_line()
            ),
            creator: format!("jianbao {}", env!("CARGO_PKG_VERSION")),
            created: m.date.start_cst(),
        }
    }
}

/// Which template an input asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRef {
    /// A template built into the program, by name (`jianbao`).
    Builtin(String),
    /// A template file; relative paths are relative to the input file's folder.
    File(std::path::PathBuf),
}

/// The masthead (报头) fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Masthead {
    /// 简报名称, the red title.
    pub name: String,
    /// 期号, positive.
    pub issue: u32,
    /// 总期号, positive, when given.
    pub total_issue: Option<u32>,
    /// 编印单位.
    pub issuer: String,
    /// The issue's date.
    pub date: Date,
    /// 内部资料 / 密级 marking, top left.
    pub marking: Option<String>,
    /// 增刊 / 专刊: the series of a supplement, numbered apart from the
    /// regular issues; `None` for a regular issue.
    pub supplement: Option<String>,
    /// 编号 (份号), top right of page 1: digits, as printed.
    pub copy_number: Option<String>,
}

impl Masthead {
    /// The issue line as printed: `第1期（总第57期）`, `增刊第1期`.
    pub fn issue_line(&self) -> String {
        let series = self.supplement.as_deref().unwrap_or("");
        match self.total_issue {
            Some(t) => format!("{series}第{}期（总第{}期）", self.issue, t),
            None => format!("{series}第{}期", self.issue),
        }
    }
}

/// The guide (【导读】) of an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guide {
    /// No guide.
    None,
    /// The titles of the body's articles and sections.
    Auto,
    /// The items as given; never empty.
    Items(Vec<String>),
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// An article: a title and paragraphs.
    Article(Article),
    /// A section: a 【】 heading and ▲ items.
    Section(Section),
}

impl Block {
    /// The title as the writer gave it (without the 【】 of a section).
    pub fn title(&self) -> &str {
        match self {
            Block::Article(a) => &a.title,
            Block::Section(s) => &s.title,
        }
    }

    /// The title as printed in the guide and bookmarks: sections get their 【】.
    pub fn display_title(&self) -> String {
        match self {
            Block::Article(a) => a.title.clone(),
            Block::Section(s) => format!("【{}】", s.title),
        }
    }

    /// How messages name this block: `文章《…》` or `栏目【…】`.
    pub fn context(&self) -> String {
        match self {
            Block::Article(a) => format!("文章《{}》", a.title),
            Block::Section(s) => format!("栏目【{}】", s.title),
        }
    }

    /// The place of this block (the `index`-th of the body) for messages.
    pub fn place(&self, index: usize, rest: &str) -> Place {
        Place::within(format!("$.body[{index}]{rest}"), self.context())
    }
}

/// An article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Its title.
    pub title: String,
    /// 按语: paragraphs set between the title and the first paragraph;
    /// empty when there is none.
    pub note: Vec<String>,
    /// Its paragraphs; never empty.
    pub paragraphs: Vec<String>,
}

/// A section of ▲ items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its title, without 【】.
    pub title: String,
    /// Its items; never empty.
    pub items: Vec<Item>,
}

/// A ▲ item of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Heading, lead or neither.
    pub kind: ItemKind,
    /// Its paragraphs; never empty.
    pub paragraphs: Vec<String>,
}

/// How a ▲ item begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// "▲" run into the first paragraph.
    Plain,
    /// "▲南县" alone on its line.
    Heading(String),
    /// "▲市生态环境局：" run into the first paragraph.
    Lead(String),
}

/// The distribution lists of the footer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Distribution {
    /// 报：
    pub report_to: Vec<String>,
    /// 送：
    pub send_to: Vec<String>,
    /// 发：
    pub issue_to: Vec<String>,
    /// 本期增发：, those who receive this issue besides the usual lists.
    pub extra_to: Vec<String>,
}

/// The 印发 line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imprint {
    /// The printing body (defaults to the masthead's issuer).
    pub issuer: String,
    /// The printing date (defaults to the masthead's date).
    pub date: Date,
    /// 共印N份, when given.
    pub copies: Option<u32>,
    /// The contact line of the 版记, such as `联系人：张三　电话：0737-1234567`.
    pub contact: Option<String>,
}
