//! The bulletin model: one issue of a bulletin, as the writer gave it, validated.
//!
//! [`parse`] turns the JSON of `bulletin-json.md` into a [`Bulletin`]; every rule
//! of that format is enforced there, so later stages can trust the model.

pub mod checks;
pub mod date;
pub mod lint;
mod parse;
pub mod schema;

pub use date::Date;
pub use parse::parse;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::error::Place;
use crate::layout::DocInfo;

/// A [`Bulletin`] written back as input JSON: the field order and style of
/// `examples/` (two-space indent, Chinese unescaped), every default left out
/// (the `jianbao` template, no guide, empty lists, absent numbers and
/// markings, a printing date equal to the issue's, `allow_substitutes:
/// false`); the imprint's issuer is always written (it is printed, and the
/// writer edits it there). The inverse of [`parse`]: `parse(to_json(b)) == b`.
/// The JSON is the model's `Serialize`, ending in a line break.
pub fn to_json(b: &Bulletin) -> String {
    let mut out = serde_json::to_string_pretty(b).unwrap_or_default();
    out.push('\n');
    out
}

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
    /// A bulletin of `masthead` and `body` with every optional part at its
    /// default: the default template, no 编者按 and no guide, no lists, the
    /// imprint of the masthead's issuer and date. Code outside the model
    /// builds bulletins from this (`Bulletin { guide, ..Bulletin::new(…) }`).
    pub fn new(masthead: Masthead, body: Vec<Block>) -> Bulletin {
        Bulletin {
            template: TemplateRef::Builtin(schema::DEFAULT_TEMPLATE.into()),
            imprint: Imprint::new(masthead.issuer.clone(), masthead.date),
            masthead,
            guide: Guide::None,
            guide_label: None,
            editor_note: Vec::new(),
            body,
            distribution: Distribution::default(),
            document_number: None,
            allow_substitutes: false,
        }
    }

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

/// What a text of a bulletin is (see [`Bulletin::texts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// 简报名称.
    Name,
    /// 编印单位.
    Issuer,
    /// The marking, top left.
    Marking,
    /// The series of a supplement.
    Supplement,
    /// 编号.
    CopyNumber,
    /// A paragraph of the 编者按.
    EditorNote,
    /// An item of the guide.
    Guide,
    /// The guide's label.
    GuideLabel,
    /// The title of an article or section.
    Title,
    /// A paragraph of an article's 按语.
    Note,
    /// The heading of a ▲ item.
    Heading,
    /// The lead of a ▲ item (its first paragraph follows).
    Lead,
    /// A paragraph of an article or ▲ item.
    Paragraph,
    /// An entry of the 报/送/发/本期增发 lists.
    Distribution,
    /// The printing body, when it is not the masthead's issuer.
    ImprintIssuer,
    /// The contact line.
    Contact,
    /// 文号.
    DocumentNumber,
}

/// One text of a bulletin, where it is and what it is.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    /// What it is.
    pub part: Part,
    /// Its JSON path, and the article or section it is in.
    pub place: Place,
    /// The index of the block of the body it is in.
    pub block: Option<usize>,
    /// The text.
    pub text: &'a str,
}

impl Bulletin {
    /// Every text the writer wrote, with its place, in the order of the
    /// input JSON: the one walk of a bulletin's texts (lint, the archive's
    /// search). A part added to the bulletin adds its texts here.
    pub fn texts<'a>(&'a self) -> impl Iterator<Item = Text<'a>> {
        let mut out = Vec::new();
        let top = |part: Part, path: String, text: &'a str| -> Text<'a> {
            Text {
                part,
                place: Place::new(path),
                block: None,
                text,
            }
        };
        let m = &self.masthead;
        out.push(top(Part::Name, "$.masthead.name".into(), &m.name));
        out.push(top(Part::Issuer, "$.masthead.issuer".into(), &m.issuer));
        let optional = [
            (Part::Marking, "marking", &m.marking),
            (Part::Supplement, "supplement", &m.supplement),
            (Part::CopyNumber, "copy_number", &m.copy_number),
        ];
        for (part, key, value) in optional {
            if let Some(v) = value {
                out.push(top(part, format!("$.masthead.{key}"), v));
            }
        }
        for (i, p) in self.editor_note.iter().enumerate() {
            out.push(top(Part::EditorNote, format!("$.editor_note[{i}]"), p));
        }
        if let Guide::Items(items) = &self.guide {
            for (i, t) in items.iter().enumerate() {
                out.push(top(Part::Guide, format!("$.guide[{i}]"), t));
            }
        }
        if let Some(label) = &self.guide_label {
            out.push(top(Part::GuideLabel, "$.guide_label".into(), label));
        }
        for (bi, block) in self.body.iter().enumerate() {
            let push = |part: Part, rest: String, text: &'a str| -> Text<'a> {
                Text {
                    part,
                    place: block.place(bi, &rest),
                    block: Some(bi),
                    text,
                }
            };
            out.push(push(Part::Title, ".title".into(), block.title()));
            match block {
                Block::Article(a) => {
                    for (ni, p) in a.note.iter().enumerate() {
                        out.push(push(Part::Note, format!(".note[{ni}]"), p));
                    }
                    for (pi, p) in a.paragraphs.iter().enumerate() {
                        out.push(push(Part::Paragraph, format!(".paragraphs[{pi}]"), p));
                    }
                }
                Block::Section(s) => {
                    for (ii, item) in s.items.iter().enumerate() {
                        match &item.kind {
                            ItemKind::Heading(h) => {
                                out.push(push(Part::Heading, format!(".items[{ii}].heading"), h))
                            }
                            ItemKind::Lead(l) => {
                                out.push(push(Part::Lead, format!(".items[{ii}].lead"), l))
                            }
                            ItemKind::Plain => {}
                        }
                        for (pi, p) in item.paragraphs.iter().enumerate() {
                            let rest = format!(".items[{ii}].paragraphs[{pi}]");
                            out.push(push(Part::Paragraph, rest, p));
                        }
                    }
                }
            }
        }
        let d = &self.distribution;
        for (key, list) in [
            ("report_to", &d.report_to),
            ("send_to", &d.send_to),
            ("issue_to", &d.issue_to),
            ("extra_to", &d.extra_to),
        ] {
            for (i, t) in list.iter().enumerate() {
                out.push(top(
                    Part::Distribution,
                    format!("$.distribution.{key}[{i}]"),
                    t,
                ));
            }
        }
        let i = &self.imprint;
        if i.issuer != m.issuer {
            out.push(top(
                Part::ImprintIssuer,
                "$.imprint.issuer".into(),
                &i.issuer,
            ));
        }
        if let Some(c) = &i.contact {
            out.push(top(Part::Contact, "$.imprint.contact".into(), c));
        }
        if let Some(n) = &self.document_number {
            out.push(top(Part::DocumentNumber, "$.document_number".into(), n));
        }
        out.into_iter()
    }
}

impl Serialize for Bulletin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use schema::name;
        let mut m = s.serialize_map(None)?;
        if !self.template.is_default() {
            m.serialize_entry(name::TEMPLATE, &self.template)?;
        }
        m.serialize_entry(name::MASTHEAD, &self.masthead)?;
        if !self.editor_note.is_empty() {
            m.serialize_entry(name::EDITOR_NOTE, &self.editor_note)?;
        }
        if self.guide != Guide::None {
            m.serialize_entry(name::GUIDE, &self.guide)?;
        }
        if let Some(label) = &self.guide_label {
            m.serialize_entry(name::GUIDE_LABEL, label)?;
        }
        m.serialize_entry(name::BODY, &self.body)?;
        if !self.distribution.is_empty() {
            m.serialize_entry(name::DISTRIBUTION, &self.distribution)?;
        }
        m.serialize_entry(
            name::IMPRINT,
            &ImprintJson {
                imprint: &self.imprint,
                issue_date: self.masthead.date,
            },
        )?;
        if let Some(n) = &self.document_number {
            m.serialize_entry(name::DOCUMENT_NUMBER, n)?;
        }
        if self.allow_substitutes {
            m.serialize_entry(name::ALLOW_SUBSTITUTES, &true)?;
        }
        m.end()
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

impl TemplateRef {
    /// Whether it is the template used when the input names none.
    pub fn is_default(&self) -> bool {
        matches!(self, TemplateRef::Builtin(n) if n == schema::DEFAULT_TEMPLATE)
    }
}

impl Serialize for TemplateRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TemplateRef::Builtin(n) => s.serialize_str(n),
            TemplateRef::File(p) => s.serialize_str(&p.to_string_lossy()),
        }
    }
}

/// The masthead (报头) fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Masthead {
    /// 简报名称, the red title.
    pub name: String,
    /// 期号, positive.
    pub issue: u32,
    /// 总期号, positive, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_issue: Option<u32>,
    /// 编印单位.
    pub issuer: String,
    /// The issue's date.
    pub date: Date,
    /// 内部资料 / 密级 marking, top left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marking: Option<String>,
    /// 增刊 / 专刊: the series of a supplement, numbered apart from the
    /// regular issues; `None` for a regular issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplement: Option<String>,
    /// 编号 (份号), top right of page 1: digits, as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_number: Option<String>,
}

impl Masthead {
    /// The masthead of issue `issue` of `name` by `issuer`, dated `date`,
    /// with none of the optional parts. Code outside the model builds
    /// mastheads from this (`Masthead { marking, ..Masthead::new(…) }`), so
    /// that an optional part added to the format needs no edit there.
    pub fn new(
        name: impl Into<String>,
        issue: u32,
        issuer: impl Into<String>,
        date: Date,
    ) -> Masthead {
        Masthead {
            name: name.into(),
            issue,
            total_issue: None,
            issuer: issuer.into(),
            date,
            marking: None,
            supplement: None,
            copy_number: None,
        }
    }

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

impl Serialize for Guide {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Guide::None => s.serialize_none(),
            Guide::Auto => s.serialize_str(schema::GUIDE_AUTO),
            Guide::Items(items) => items.serialize(s),
        }
    }
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Its title.
    pub title: String,
    /// 按语: paragraphs set between the title and the first paragraph;
    /// empty when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<String>,
    /// Its paragraphs; never empty.
    pub paragraphs: Vec<String>,
}

/// A section of ▲ items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

impl Serialize for Item {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Item", 2)?;
        match &self.kind {
            ItemKind::Plain => st.skip_field(schema::name::HEADING)?,
            ItemKind::Heading(h) => st.serialize_field(schema::name::HEADING, h)?,
            ItemKind::Lead(l) => st.serialize_field(schema::name::LEAD, l)?,
        }
        st.serialize_field(schema::name::PARAGRAPHS, &self.paragraphs)?;
        st.end()
    }
}

/// The distribution lists of the footer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Distribution {
    /// 报：
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub report_to: Vec<String>,
    /// 送：
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub send_to: Vec<String>,
    /// 发：
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issue_to: Vec<String>,
    /// 本期增发：, those who receive this issue besides the usual lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_to: Vec<String>,
}

impl Distribution {
    /// Whether every list is empty (no 报/送/发 line is printed).
    pub fn is_empty(&self) -> bool {
        self.report_to.is_empty()
            && self.send_to.is_empty()
            && self.issue_to.is_empty()
            && self.extra_to.is_empty()
    }
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

impl Imprint {
    /// The 印发 line of `issuer` on `date`, without the optional parts.
    pub fn new(issuer: impl Into<String>, date: Date) -> Imprint {
        Imprint {
            issuer: issuer.into(),
            date,
            copies: None,
            contact: None,
        }
    }
}

/// The imprint as written: its date only when it is not the issue's (so
/// that it follows the issue's date when the writer changes that).
struct ImprintJson<'a> {
    imprint: &'a Imprint,
    issue_date: Date,
}

impl Serialize for ImprintJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use schema::name;
        let i = self.imprint;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(name::ISSUER, &i.issuer)?;
        if i.date != self.issue_date {
            m.serialize_entry(name::DATE, &i.date)?;
        }
        if let Some(c) = i.copies {
            m.serialize_entry(name::COPIES, &c)?;
        }
        if let Some(c) = &i.contact {
            m.serialize_entry(name::CONTACT, c)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const EXAMPLE: &str = include_str!("../../examples/yiyang-2024-01.json");

    #[test]
    fn the_example_comes_back_as_written_less_the_default_template() {
        let b = parse(EXAMPLE.as_bytes()).unwrap();
        let json = to_json(&b);
        let expected = EXAMPLE.replace("  \"template\": \"jianbao\",\n", "");
        assert_eq!(json, expected);
        assert_eq!(parse(json.as_bytes()).unwrap(), b);
    }

    #[test]
    fn round_trip_of_every_optional_part() {
        let json = r#"{
          "template": "our/office.toml",
          "masthead": { "name": "某县\"工作\"简报", "issue": 3, "total_issue": 41,
            "issuer": "某县人民政府办公室", "date": "2024-06-01", "marking": "秘密★1年",
            "supplement": "专刊", "copy_number": 42 },
          "editor_note": ["按语一。", "按语二。"],
          "guide": "auto",
          "guide_label": "本期要目",
          "body": [
            { "type": "section", "title": "乡镇动态", "items": [
              { "heading": "城关镇", "paragraphs": ["甲\\乙。", "丙。"] },
              { "lead": "县生态环境局", "paragraphs": ["丁。"] },
              { "paragraphs": ["戊。"] } ] },
            { "type": "article", "title": "标题", "note": "按。", "paragraphs": ["己。"] }
          ],
          "distribution": { "issue_to": ["各乡镇"], "extra_to": ["县林业局"] },
          "imprint": { "issuer": "某县委办", "date": "2024-06-02", "copies": 40,
            "contact": "联系人：张三　电话：0737-1234567" },
          "document_number": "某简〔2024〕3号",
          "allow_substitutes": true
        }"#;
        let b = parse(json.as_bytes()).unwrap();
        let written = to_json(&b);
        assert_eq!(parse(written.as_bytes()).unwrap(), b);
        assert!(written.contains("\"name\": \"某县\\\"工作\\\"简报\""));
        assert!(written.contains("\"guide\": \"auto\""));
        assert!(!written.contains("report_to"));
        assert!(written.contains("\"allow_substitutes\": true"));
        assert!(written.contains("\"template\": \"our/office.toml\""));
        assert!(written.contains("\"copy_number\": \"000042\""));
        assert!(
            written.contains("\"note\": [\n        \"按。\"\n      ]"),
            "{written}"
        );
    }

    /// A seeded generator of input JSON (xorshift64*): inputs with any mix
    /// of the format's optional parts and of awkward text (quotes,
    /// backslashes, full-width and half-width marks, ideographic spaces,
    /// characters beyond the BMP, markup characters).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }

        fn text(&mut self, max: u64) -> String {
            const CHARS: &[&str] = &[
                "简", "报", "湿", "地", "县", "，", "。", "“", "”", "\"", "\\", "/", "A", "z", "1",
                "９", "（", "）", "★", " ", "\u{3000}", "𠀀", "'", "&", "<", ">", "、", "·",
            ];
            let n = 1 + self.below(max);
            (0..n)
                .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
                .collect()
        }

        fn texts(&mut self, most: u64, max: u64) -> Value {
            let n = 1 + self.below(most);
            Value::Array((0..n).map(|_| json!(self.text(max))).collect())
        }

        fn date(&mut self) -> String {
            format!(
                "{}-{:02}-{:02}",
                1990 + self.below(60),
                1 + self.below(12),
                1 + self.below(28)
            )
        }

        fn bulletin(&mut self) -> Value {
            let mut masthead = json!({
                "name": self.text(30),
                "issue": 1 + self.below(9999),
                "issuer": self.text(30),
                "date": self.date(),
            });
            if self.chance(50) {
                masthead["total_issue"] = json!(1 + self.below(999_999));
            }
            if self.chance(40) {
                masthead["marking"] = json!(self.text(12));
            }
            if self.chance(25) {
                let series = ["增刊", "专刊", "生态环保专刊"];
                masthead["supplement"] = json!(series[self.below(3) as usize]);
            }
            if self.chance(25) {
                let n = 1 + self.below(999_999);
                masthead["copy_number"] = if self.chance(50) {
                    json!(n)
                } else {
                    json!(format!("{n:06}"))
                };
            }
            let body: Vec<Value> = (0..1 + self.below(4))
                .map(|_| {
                    if self.chance(50) {
                        let mut a = json!({
                            "type": "article",
                            "title": self.text(40),
                            "paragraphs": self.texts(4, 120),
                        });
                        if self.chance(30) {
                            a["note"] = if self.chance(50) {
                                json!(self.text(60))
                            } else {
                                self.texts(3, 60)
                            };
                        }
                        a
                    } else {
                        let items: Vec<Value> = (0..1 + self.below(3))
                            .map(|_| {
                                let mut it = json!({ "paragraphs": self.texts(3, 80) });
                                match self.below(3) {
                                    0 => it["heading"] = json!(format!("县{}", self.text(8))),
                                    1 => it["lead"] = json!(format!("{}局", self.text(8))),
                                    _ => {}
                                }
                                it
                            })
                            .collect();
                        json!({ "type": "section", "title": format!("栏{}", self.text(10)), "items": items })
                    }
                })
                .collect();
            let mut b = json!({ "masthead": masthead, "body": body });
            if self.chance(20) {
                b["template"] = json!(if self.chance(50) {
                    "jianbao"
                } else {
                    "our/office.toml"
                });
            }
            if self.chance(30) {
                b["editor_note"] = self.texts(2, 80);
            }
            match self.below(4) {
                0 => b["guide"] = json!("auto"),
                1 => b["guide"] = self.texts(4, 20),
                _ => {}
            }
            if self.chance(20) {
                b["guide_label"] = json!("本期要目");
            }
            if self.chance(60) {
                let mut d = json!({});
                for key in ["report_to", "send_to", "issue_to", "extra_to"] {
                    if self.chance(50) {
                        d[key] = self.texts(5, 20);
                    }
                }
                b["distribution"] = d;
            }
            if self.chance(70) {
                let mut i = json!({});
                if self.chance(50) {
                    i["issuer"] = json!(self.text(20));
                }
                if self.chance(50) {
                    i["date"] = json!(self.date());
                }
                if self.chance(50) {
                    i["copies"] = json!(1 + self.below(999_999));
                }
                if self.chance(30) {
                    i["contact"] = json!(self.text(30));
                }
                b["imprint"] = i;
            }
            if self.chance(40) {
                b["document_number"] = json!(self.text(20));
            }
            if self.chance(20) {
                b["allow_substitutes"] = json!(self.chance(50));
            }
            b
        }
    }

    #[test]
    fn any_bulletin_comes_back_from_its_json() {
        // parse(to_json(b)) == b for every bulletin b the reader gives, and
        // writing is a fixed point: to_json(parse(to_json(b))) == to_json(b).
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut read = 0;
        for case in 0..600 {
            let input = serde_json::to_vec(&g.bulletin()).unwrap();
            // Some generated texts break a rule (blank, a leading ▲): those
            // are not bulletins, and the reader says so.
            let Ok(b) = parse(&input) else { continue };
            read += 1;
            let json = to_json(&b);
            let again =
                parse(json.as_bytes()).unwrap_or_else(|e| panic!("case {case}: {e}\n{json}"));
            assert_eq!(again, b, "case {case}:\n{json}");
            assert_eq!(to_json(&again), json, "case {case}");
        }
        assert!(
            read >= 400,
            "only {read} of 600 generated inputs were bulletins"
        );
    }

    #[test]
    fn texts_are_every_text_with_its_place_in_order() {
        let json = r#"{
          "masthead": { "name": "简报", "issue": 3, "issuer": "办", "date": "2024-06-01",
            "marking": "内部资料", "copy_number": 42 },
          "editor_note": "按。",
          "guide": ["甲"],
          "body": [
            { "type": "article", "title": "题", "note": "注。", "paragraphs": ["文。"] },
            { "type": "section", "title": "栏", "items": [
              { "lead": "局", "paragraphs": ["乙。"] }, { "heading": "县", "paragraphs": ["丙。"] } ] }
          ],
          "distribution": { "send_to": ["各乡镇"] },
          "imprint": { "issuer": "办", "contact": "联系人：张三" },
          "document_number": "某〔2024〕3号"
        }"#;
        let b = parse(json.as_bytes()).unwrap();
        let got: Vec<(Part, String, Option<usize>, &str)> = b
            .texts()
            .map(|t| (t.part, t.place.path, t.block, t.text))
            .collect();
        let want: Vec<(Part, &str, Option<usize>, &str)> = vec![
            (Part::Name, "$.masthead.name", None, "简报"),
            (Part::Issuer, "$.masthead.issuer", None, "办"),
            (Part::Marking, "$.masthead.marking", None, "内部资料"),
            (Part::CopyNumber, "$.masthead.copy_number", None, "000042"),
            (Part::EditorNote, "$.editor_note[0]", None, "按。"),
            (Part::Guide, "$.guide[0]", None, "甲"),
            (Part::Title, "$.body[0].title", Some(0), "题"),
            (Part::Note, "$.body[0].note[0]", Some(0), "注。"),
            (Part::Paragraph, "$.body[0].paragraphs[0]", Some(0), "文。"),
            (Part::Title, "$.body[1].title", Some(1), "栏"),
            (Part::Lead, "$.body[1].items[0].lead", Some(1), "局"),
            (
                Part::Paragraph,
                "$.body[1].items[0].paragraphs[0]",
                Some(1),
                "乙。",
            ),
            (Part::Heading, "$.body[1].items[1].heading", Some(1), "县"),
            (
                Part::Paragraph,
                "$.body[1].items[1].paragraphs[0]",
                Some(1),
                "丙。",
            ),
            (
                Part::Distribution,
                "$.distribution.send_to[0]",
                None,
                "各乡镇",
            ),
            (Part::Contact, "$.imprint.contact", None, "联系人：张三"),
            (
                Part::DocumentNumber,
                "$.document_number",
                None,
                "某〔2024〕3号",
            ),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(p, path, b, t)| (p, path.to_string(), b, t))
            .collect();
        assert_eq!(got, want);
        // Texts in the body name their article or section.
        let t = b.texts().find(|t| t.part == Part::Lead).unwrap();
        assert_eq!(t.place.context.as_deref(), Some("栏目【栏】"));
    }

    #[test]
    fn defaults_are_left_out() {
        let json = r#"{"masthead": {"name": "简报", "issue": 1, "issuer": "办", "date": "2024-01-02"},
                       "body": [{"type": "article", "title": "题", "paragraphs": ["文。"]}]}"#;
        let b = parse(json.as_bytes()).unwrap();
        let written = to_json(&b);
        for absent in [
            "template",
            "guide",
            "distribution",
            "total_issue",
            "marking",
            "copies",
            "supplement",
            "copy_number",
            "editor_note",
            "guide_label",
            "note",
            "extra_to",
            "contact",
        ] {
            assert!(!written.contains(absent), "{absent} in {written}");
        }
        assert!(
            written.contains("\"imprint\": {\n    \"issuer\": \"办\"\n  }"),
            "{written}"
        );
        assert_eq!(parse(written.as_bytes()).unwrap(), b);
    }
}
