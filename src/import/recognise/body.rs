//! The body's recognisers: article titles and their 按语, 【section】
//! headings, ▲ heading, lead and plain items, paragraphs.

use super::*;

impl Reader<'_> {
    pub(super) fn body(&mut self) -> Result<()> {
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
    pub(super) fn footer_starts(&self) -> bool {
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
    pub(super) fn items(&mut self) -> Option<&mut Vec<Item>> {
        match self.d.body.last_mut() {
            Some(Block::Section(s)) => Some(&mut s.items),
            _ => None,
        }
    }

    /// Add a paragraph to the last item or article.
    pub(super) fn add_paragraph(&mut self, no: usize, text: String) {
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

    /// Blocks and items without paragraphs, found at the end (in one pass:
    /// a draft of many empty titles takes time in proportion to them).
    pub(super) fn tidy_body(&mut self) {
        let body = std::mem::take(&mut self.d.body);
        let lines = std::mem::take(&mut self.d.block_lines);
        for (mut block, no) in body.into_iter().zip(lines) {
            let mut remove = false;
            match &mut block {
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
            if !remove {
                self.d.body.push(block);
                self.d.block_lines.push(no);
            }
        }
    }
}

/// The title given to paragraphs that come before any title.
pub(super) const PLACEHOLDER_TITLE: &str = "（请补充标题）";

/// 【县市区动态】 on a line of its own.
pub(super) fn section_heading(r: &mut Reader) -> bool {
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
pub(super) fn lead_of(text: &str) -> Option<(&str, &str)> {
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
pub(super) fn item(r: &mut Reader) -> bool {
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
pub(super) fn title(r: &mut Reader) -> bool {
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
pub(super) fn paragraph(r: &mut Reader) -> bool {
    let Some(line) = r.line() else { return false };
    let (no, text) = (line.no, compact(&line.text));
    r.add_paragraph(no, text);
    r.at += 1;
    true
}
