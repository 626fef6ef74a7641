//! The 编者按 and the guide (【导读】 or 本期要目 and its ★ items).

use super::*;

impl Reader<'_> {
    pub(super) fn guide(&mut self) {
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
    pub(super) fn editor_note(&mut self) {
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
    pub(super) fn in_guide(&self, title: &str) -> bool {
        self.d
            .guide
            .as_ref()
            .is_some_and(|items| items.iter().any(|(_, t)| t == title))
    }
}
