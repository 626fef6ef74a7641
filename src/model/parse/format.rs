//! The objects of the bulletin format, field by field: what each field may
//! hold, what it means, and the message when it holds something else.

use super::json::{quote, Json};
use super::reader::{text_problems, At, BlockKind, Reader, TextKind};
use crate::model::schema::{self, name, Field};
use crate::model::{
    Article, Block, Bulletin, Date, Distribution, Guide, Imprint, Item, ItemKind, Masthead,
    Section, TemplateRef,
};
use crate::suggest::nearest;

impl Reader {
    pub(super) fn bulletin(&mut self, root: &Json) -> Option<Bulletin> {
        let at = At::root();
        let Json::Object(entries) = root else {
            self.report(
                &at,
                format!(
                    "最外层应为对象 {{ … }}（包含 masthead、body 等字段），实际是{}",
                    root.describe()
                ),
            );
            return None;
        };
        let mut template = Some(TemplateRef::Builtin(schema::DEFAULT_TEMPLATE.to_string()));
        let mut masthead = None;
        let mut guide = Some(Guide::None);
        let mut guide_label = Some(None);
        let mut editor_note = Some(Vec::new());
        let mut body = None;
        let mut distribution = Some(Distribution::default());
        let mut imprint: Option<PartialImprint> = Some(PartialImprint::default());
        let mut document_number = Some(None);
        let mut allow_substitutes = Some(false);
        let present = self.fields(entries, &at, schema::ROOT, |r, key, v, here| {
            match key {
                name::TEMPLATE => template = r.template(v, here),
                name::MASTHEAD => masthead = r.masthead(v, here),
                name::GUIDE => guide = r.guide(v, here),
                name::GUIDE_LABEL => guide_label = r.label(v, here, "导读标签"),
                name::EDITOR_NOTE => editor_note = r.note(v, here),
                name::BODY => body = r.body(v, here),
                name::DISTRIBUTION => distribution = r.distribution(v, here),
                name::IMPRINT => imprint = r.imprint(v, here),
                name::DOCUMENT_NUMBER => document_number = r.optional_text(v, here),
                name::ALLOW_SUBSTITUTES => allow_substitutes = r.boolean(v, here),
                // For editors only; any string is accepted and not used.
                name::SCHEMA => {
                    r.optional_text(v, here);
                }
                _ => return false,
            }
            true
        });
        self.require(&at, schema::ROOT, &present);

        let masthead = masthead?;
        let imprint = imprint?;
        Some(Bulletin {
            template: template?,
            imprint: Imprint {
                issuer: imprint.issuer.unwrap_or_else(|| masthead.issuer.clone()),
                date: imprint.date.unwrap_or(masthead.date),
                copies: imprint.copies,
                contact: imprint.contact,
            },
            masthead,
            guide: guide?,
            guide_label: guide_label?,
            editor_note: editor_note?,
            body: body?,
            distribution: distribution?,
            document_number: document_number?,
            allow_substitutes: allow_substitutes?,
        })
    }

    fn template(&mut self, v: &Json, at: &At) -> Option<TemplateRef> {
        let Some(t) = self.optional_text(v, at)? else {
            return Some(TemplateRef::Builtin(schema::DEFAULT_TEMPLATE.to_string()));
        };
        Some(if t.contains(['/', '\\']) || t.ends_with(".toml") {
            TemplateRef::File(t.into())
        } else {
            TemplateRef::Builtin(t)
        })
    }

    fn masthead(&mut self, v: &Json, at: &At) -> Option<Masthead> {
        let entries = self.object(v, at, "报头")?;
        let (mut name_, mut issue, mut total_issue) = (None, None, Some(None));
        let (mut issuer, mut date, mut marking) = (None, None, Some(None));
        let (mut supplement, mut copy_number) = (Some(None), Some(None));
        let present = self.fields(entries, at, schema::MASTHEAD, |r, key, v, here| {
            match key {
                name::NAME => name_ = r.text(v, here, TextKind::Line),
                name::ISSUE => issue = r.positive(v, here, crate::model::MAX_ISSUE),
                name::TOTAL_ISSUE => {
                    total_issue = match v {
                        Json::Null => Some(None),
                        _ => r.positive(v, here, crate::model::MAX_TOTAL_ISSUE).map(Some),
                    }
                }
                name::ISSUER => issuer = r.text(v, here, TextKind::Line),
                name::DATE => date = r.date(v, here),
                name::MARKING => marking = r.optional_text(v, here),
                name::SUPPLEMENT => supplement = r.supplement(v, here),
                name::COPY_NUMBER => copy_number = r.copy_number(v, here),
                _ => return false,
            }
            true
        });
        self.require(at, schema::MASTHEAD, &present);
        Some(Masthead {
            name: name_?,
            issue: issue?,
            total_issue: total_issue?,
            issuer: issuer?,
            date: date?,
            marking: marking?,
            supplement: supplement?,
            copy_number: copy_number?,
        })
    }

    /// A short label (`null`: absent): one line of at most
    /// [`crate::model::MAX_LABEL_CHARS`] characters; `what` names it.
    fn label(&mut self, v: &Json, at: &At, what: &str) -> Option<Option<String>> {
        let Some(t) = self.optional_text(v, at)? else {
            return Some(None);
        };
        let max = crate::model::MAX_LABEL_CHARS;
        if t.chars().count() > max {
            self.report(
                at,
                format!("{what}太长（{} 个字）：至多 {max} 个字", t.chars().count()),
            );
            return None;
        }
        Some(Some(t))
    }

    /// The series of a supplement: a label without its number.
    fn supplement(&mut self, v: &Json, at: &At) -> Option<Option<String>> {
        let t = self.label(v, at, "增刊、专刊的刊别")?;
        if let Some(s) = &t {
            if s.contains(['第', '期']) || s.chars().any(|c| c.is_ascii_digit()) {
                self.report(
                    at,
                    format!(
                        "刊别 {} 只写“增刊”“专刊”等名称：期号写在 masthead.issue 中，程序印为“{}第N期”",
                        quote(s),
                        s.split(['第', '期']).next().unwrap_or("增刊").trim_end_matches(|c: char| c.is_ascii_digit())
                    ),
                );
                return None;
            }
        }
        Some(t)
    }

    /// The copy number: digits as a string, or a positive integer (padded
    /// to 6 digits, GB/T 9704-2012 §7.2.1).
    fn copy_number(&mut self, v: &Json, at: &At) -> Option<Option<String>> {
        let max = crate::model::MAX_COPY_NUMBER_DIGITS;
        match v {
            Json::Null => Some(None),
            Json::Number(_) => {
                let n = self.positive(v, at, u32::MAX)?;
                Some(Some(format!("{n:06}")))
            }
            Json::String(s) => {
                let t = self.text(v, at, TextKind::Line)?;
                if !t.chars().all(|c| c.is_ascii_digit()) || t.len() > max {
                    self.report(
                        at,
                        format!(
                            "编号 {} 应是至多 {max} 位的阿拉伯数字，如 \"000123\"（不写“编号：”，程序自动加上）",
                            quote(s)
                        ),
                    );
                    return None;
                }
                Some(Some(t))
            }
            other => {
                self.wrong_type(at, "数字字符串（如 \"000123\"）或正整数", other);
                None
            }
        }
    }

    /// A note (编者按, 按语): one paragraph as a string, or a list of them;
    /// `null` or an empty list: none. The label is the template's.
    fn note(&mut self, v: &Json, at: &At) -> Option<Vec<String>> {
        let paragraphs = match v {
            Json::Null => return Some(Vec::new()),
            Json::String(_) => vec![self.text(v, at, TextKind::Paragraph)?],
            Json::Array(items) => self.text_items(items, at, TextKind::Paragraph)?,
            other => {
                self.wrong_type(at, "字符串（一段），或字符串列表（几段）", other);
                return None;
            }
        };
        if let Some(first) = paragraphs.first() {
            let bare = first.trim_start_matches([' ', '\u{3000}']);
            if let Some(label) = ["编者按", "【编者按】", "按语：", "按语:", "按：", "按:"]
                .into_iter()
                .find(|l| bare.starts_with(l))
            {
                let here = if matches!(v, Json::Array(_)) {
                    at.index(0)
                } else {
                    at.clone()
                };
                self.report(
                    &here,
                    format!("段首不要写“{label}”：程序会自动加上“编者按：”（标签可在模板中更改）"),
                );
                return None;
            }
        }
        Some(paragraphs)
    }

    fn guide(&mut self, v: &Json, at: &At) -> Option<Guide> {
        match v {
            Json::Null => Some(Guide::None),
            Json::String(s) if s == schema::GUIDE_AUTO => Some(Guide::Auto),
            Json::String(s) => {
                let hint = match nearest(s, [schema::GUIDE_AUTO]) {
                    Some(_) => "是否应为 \"auto\"？".to_string(),
                    None => "要自动列出正文各篇标题，写 \"auto\"；要自己写导读，写成字符串列表 [\"…\", \"…\"]".to_string(),
                };
                self.report(
                    at,
                    format!(
                        "导读写成字符串时只能是 \"auto\"，实际是 {}：{hint}",
                        quote(s)
                    ),
                );
                None
            }
            Json::Array(items) if items.is_empty() => Some(Guide::None),
            Json::Array(items) => self.text_items(items, at, TextKind::Line).map(Guide::Items),
            other => {
                self.wrong_type(at, "字符串列表，或 \"auto\"", other);
                None
            }
        }
    }

    /// An array that must not be empty: `what` names it when it is not an
    /// array, `empty` is the message when it is empty.
    fn non_empty<'j>(
        &mut self,
        v: &'j Json,
        at: &At,
        what: &str,
        empty: &str,
    ) -> Option<&'j [Json]> {
        let items = self.array(v, at, what)?;
        if items.is_empty() {
            self.report(at, empty);
            return None;
        }
        Some(items)
    }

    fn body(&mut self, v: &Json, at: &At) -> Option<Vec<Block>> {
        let items = self.non_empty(
            v,
            at,
            "文章和栏目的列表",
            "正文为空：至少要有一篇文章（\"type\": \"article\"）或一个栏目（\"type\": \"section\"）",
        )?;
        self.each(items, at, Self::block)
    }

    fn block(&mut self, v: &Json, at: &At) -> Option<Block> {
        let entries = self.object(v, at, "文章或栏目")?;
        let kind = block_kind(entries);
        let at = &at.within(kind.and_then(|k| block_context(k, entries)));
        let all;
        let fields: &[Field] = match kind {
            Some(BlockKind::Article) => schema::ARTICLE,
            Some(BlockKind::Section) => schema::SECTION,
            None => {
                all = block_fields();
                &all
            }
        };
        let (mut title, mut paragraphs, mut items) = (None, None, None);
        let mut note = Some(Vec::new());
        let mut type_ok = false;
        let present = self.fields(entries, at, fields, |r, key, v, here| {
            match key {
                name::TYPE => type_ok = r.block_type(v, here),
                name::TITLE => title = r.block_title(v, here, kind),
                name::PARAGRAPHS if kind != Some(BlockKind::Section) => {
                    paragraphs = r.paragraphs(v, here, false);
                }
                name::ITEMS if kind != Some(BlockKind::Article) => items = r.items(v, here),
                name::NOTE if kind != Some(BlockKind::Section) => note = r.note(v, here),
                name::NOTE => r.report(
                    here,
                    "栏目没有按语 note：按语写在文章上（\"type\": \"article\"），或写成整期的编者按 editor_note",
                ),
                name::PARAGRAPHS | name::ITEMS => {
                    let message = if key == name::ITEMS {
                        "文章没有 items：文章的正文写在 paragraphs 里；要写▲条目，请把 type 改为 \"section\"（栏目）"
                    } else {
                        "栏目没有 paragraphs：栏目的内容写在 items 的各条目里；要写成文章，请把 type 改为 \"article\""
                    };
                    r.report(here, message);
                }
                _ => return false,
            }
            true
        });
        if !present.contains(&name::TYPE) {
            self.report(
                &at.key(name::TYPE),
                "缺少必填字段 \"type\"：文章写 \"type\": \"article\"，栏目写 \"type\": \"section\"",
            );
        }
        // With the type unknown, only the title is surely required.
        let required = fields
            .iter()
            .filter(|f| f.name != name::TYPE && (kind.is_some() || f.name == name::TITLE));
        self.require(at, required, &present);
        if !type_ok {
            return None;
        }
        match kind? {
            BlockKind::Article => Some(Block::Article(Article {
                title: title?,
                note: note?,
                paragraphs: paragraphs?,
            })),
            BlockKind::Section => Some(Block::Section(Section {
                title: title?,
                items: items?,
            })),
        }
    }

    /// Checks the `type` of a block; whether it is valid.
    fn block_type(&mut self, v: &Json, at: &At) -> bool {
        let Json::String(s) = v else {
            self.wrong_type(at, "\"article\"（文章）或 \"section\"（栏目）", v);
            return false;
        };
        if s == schema::ARTICLE_TYPE || s == schema::SECTION_TYPE {
            return true;
        }
        let guess = match s.trim() {
            "文章" => Some(schema::ARTICLE_TYPE),
            "栏目" => Some(schema::SECTION_TYPE),
            t => nearest(t, [schema::ARTICLE_TYPE, schema::SECTION_TYPE]),
        };
        let message = match guess {
            Some(g) => format!("类型 {} 不对：是否应为 \"{g}\"？", quote(s)),
            None => format!(
                "类型 {} 不对：文章写 \"article\"，栏目写 \"section\"",
                quote(s)
            ),
        };
        self.report(at, message);
        false
    }

    fn block_title(&mut self, v: &Json, at: &At, kind: Option<BlockKind>) -> Option<String> {
        let title = self.text(v, at, TextKind::Line)?;
        if kind == Some(BlockKind::Section) && (title.starts_with('【') || title.ends_with('】'))
        {
            self.report(at, "栏目标题不要带【】，程序会自动加上");
            return None;
        }
        Some(title)
    }

    /// A non-empty list of paragraphs; `in_item` adds the ▲ rule for the first.
    fn paragraphs(&mut self, v: &Json, at: &At, in_item: bool) -> Option<Vec<String>> {
        let items = self.non_empty(
            v,
            at,
            "段落列表",
            "至少要有一个段落：写成 [\"第一段……\", \"第二段……\"]",
        )?;
        let paragraphs = self.text_items(items, at, TextKind::Paragraph)?;
        if in_item && paragraphs.first().is_some_and(|p| p.starts_with('▲')) {
            self.report(&at.index(0), "段首不要写▲，程序会自动加上");
            return None;
        }
        Some(paragraphs)
    }

    fn items(&mut self, v: &Json, at: &At) -> Option<Vec<Item>> {
        let items = self.non_empty(
            v,
            at,
            "▲条目列表",
            "栏目至少要有一个▲条目：写成 [{ \"paragraphs\": [\"……\"] }]",
        )?;
        self.each(items, at, Self::item)
    }

    fn item(&mut self, v: &Json, at: &At) -> Option<Item> {
        let entries = self.object(v, at, "▲条目")?;
        let (mut heading, mut lead, mut paragraphs) = (Some(None), Some(None), None);
        let (mut has_heading, mut has_lead) = (false, false);
        let present = self.fields(entries, at, schema::ITEM, |r, key, v, here| {
            match key {
                name::HEADING => {
                    has_heading = *v != Json::Null;
                    heading = r.item_label(v, here, false);
                }
                name::LEAD => {
                    has_lead = *v != Json::Null;
                    lead = r.item_label(v, here, true);
                }
                name::PARAGRAPHS => paragraphs = r.paragraphs(v, here, true),
                _ => return false,
            }
            true
        });
        self.require(at, schema::ITEM, &present);
        if has_heading && has_lead {
            self.report(
                at,
                "heading 和 lead 只能写一个：单独成行的小标题（如▲南县）用 heading，接在段首、后跟冒号的（如▲市生态环境局：）用 lead",
            );
            return None;
        }
        let kind = match (heading?, lead?) {
            (Some(h), _) => ItemKind::Heading(h),
            (None, Some(l)) => ItemKind::Lead(l),
            (None, None) => ItemKind::Plain,
        };
        Some(Item {
            kind,
            paragraphs: paragraphs?,
        })
    }

    /// An item's heading or lead (`null`: absent).
    fn item_label(&mut self, v: &Json, at: &At, lead: bool) -> Option<Option<String>> {
        let Some(t) = self.optional_text(v, at)? else {
            return Some(None);
        };
        if t.starts_with('▲') {
            self.report(at, "不要写▲，程序会自动加上");
            return None;
        }
        if lead && (t.ends_with('：') || t.ends_with(':')) {
            self.report(at, "lead 末尾不要带冒号，程序会自动加冒号");
            return None;
        }
        Some(Some(t))
    }

    fn distribution(&mut self, v: &Json, at: &At) -> Option<Distribution> {
        if *v == Json::Null {
            return Some(Distribution::default());
        }
        let entries = self.object(v, at, "报、送、发名单")?;
        let empty = || Some(Vec::new());
        let (mut report_to, mut send_to, mut issue_to) = (empty(), empty(), empty());
        let mut extra_to = empty();
        self.fields(entries, at, schema::DISTRIBUTION, |r, key, v, here| {
            match key {
                name::REPORT_TO => report_to = r.text_list(v, here),
                name::SEND_TO => send_to = r.text_list(v, here),
                name::ISSUE_TO => issue_to = r.text_list(v, here),
                name::EXTRA_TO => extra_to = r.text_list(v, here),
                _ => return false,
            }
            true
        });
        Some(Distribution {
            report_to: report_to?,
            send_to: send_to?,
            issue_to: issue_to?,
            extra_to: extra_to?,
        })
    }

    fn imprint(&mut self, v: &Json, at: &At) -> Option<PartialImprint> {
        if *v == Json::Null {
            return Some(PartialImprint::default());
        }
        let entries = self.object(v, at, "印发行")?;
        let (mut issuer, mut date, mut copies) = (Some(None), Some(None), Some(None));
        let mut contact = Some(None);
        self.fields(entries, at, schema::IMPRINT, |r, key, v, here| {
            let null = *v == Json::Null;
            match key {
                name::ISSUER => issuer = r.optional_text(v, here),
                name::DATE if null => date = Some(None),
                name::DATE => date = r.date(v, here).map(Some),
                name::COPIES if null => copies = Some(None),
                name::COPIES => copies = r.positive(v, here, crate::model::MAX_COPIES).map(Some),
                name::CONTACT => contact = r.optional_text(v, here),
                _ => return false,
            }
            true
        });
        Some(PartialImprint {
            issuer: issuer?,
            date: date?,
            copies: copies?,
            contact: contact?,
        })
    }
}

/// The imprint as given, before the masthead's values fill its gaps.
#[derive(Debug, Default)]
struct PartialImprint {
    issuer: Option<String>,
    date: Option<Date>,
    copies: Option<u32>,
    contact: Option<String>,
}

/// The kind of a block: from its `type` when valid, else from its fields.
fn block_kind(entries: &[(String, Json)]) -> Option<BlockKind> {
    let get = |k: &str| entries.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    match get(name::TYPE) {
        Some(Json::String(t)) if t == schema::ARTICLE_TYPE => return Some(BlockKind::Article),
        Some(Json::String(t)) if t == schema::SECTION_TYPE => return Some(BlockKind::Section),
        _ => {}
    }
    if get(name::ITEMS).is_some() {
        Some(BlockKind::Section)
    } else if get(name::PARAGRAPHS).is_some() {
        Some(BlockKind::Article)
    } else {
        None
    }
}

/// How messages name the block (`文章《…》`, `栏目【…】`), when its title is readable.
fn block_context(kind: BlockKind, entries: &[(String, Json)]) -> Option<String> {
    let title = entries.iter().find_map(|(k, v)| match v {
        Json::String(s) if k == name::TITLE => Some(s.as_str()),
        _ => None,
    })?;
    let title = title.trim_start_matches('【').trim_end_matches('】');
    if !text_problems(title, TextKind::Line).is_empty() {
        return None;
    }
    let block = match kind {
        BlockKind::Article => Block::Article(Article {
            title: title.to_string(),
            note: Vec::new(),
            paragraphs: Vec::new(),
        }),
        BlockKind::Section => Block::Section(Section {
            title: title.to_string(),
            items: Vec::new(),
        }),
    };
    Some(block.context())
}

/// The fields of articles and sections together, for a block of unknown type.
fn block_fields() -> Vec<Field> {
    let mut all = schema::ARTICLE.to_vec();
    for f in schema::SECTION {
        if all.iter().all(|g| g.name != f.name) {
            all.push(*f);
        }
    }
    all
}
