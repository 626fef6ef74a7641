//! The flow (guide, articles, sections and ▲ items, layout.md §3–§4) and the
//! footer (§6) set in lines, with the page-break rules of each line.

use super::{text_in, Align, FlowLine, Inline, LeftRight, Line, Span, TightParagraph, Typesetter};
use crate::error::Place;
use crate::layout::Tag;
use crate::model::{Article, Block, Bulletin, Guide, ItemKind, Section};
use crate::template::{NotePosition, TextStyle};

impl Typesetter<'_> {
    /// A body-grid text block: full-width characters take one grid cell;
    /// justified.
    fn grid_inline(&self, spans: Vec<Span>, style: TextStyle, place: Place) -> Inline {
        Inline {
            cell: Some(self.template.grid.cell),
            align: Align::Justify,
            hang: true,
            ..self.inline(spans, style.size, place)
        }
    }
}

/// Flow lines of a text block that keeps with what follows (titles, headings).
fn keep_with_next(
    lines: Vec<Line>,
    grid_lines: u32,
    bookmark: Option<(u8, String)>,
) -> Vec<FlowLine> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| FlowLine {
            line: Some(line),
            grid_lines,
            break_after: false,
            drop_at_top: false,
            bookmark: if i == 0 { bookmark.clone() } else { None },
            guide: false,
            spare: false,
        })
        .collect()
}

/// Flow lines of a paragraph: a page may end after line `i` only when at
/// least two lines stay on each side (widow and orphan control, layout.md §4.5).
pub fn paragraph_lines(lines: Vec<Line>, widow_orphan: bool) -> Vec<FlowLine> {
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| FlowLine {
            line: Some(line),
            grid_lines: 1,
            break_after: i + 1 == n || !widow_orphan || (i >= 1 && i + 3 <= n),
            drop_at_top: false,
            bookmark: None,
            guide: false,
            spare: false,
        })
        .collect()
}

fn blanks(n: u32) -> impl Iterator<Item = FlowLine> {
    (0..n).map(|_| FlowLine::blank())
}

/// A paragraph without the spaces typed before it (two full-width spaces are
/// a Word habit): the first-line indent is the layout's (model::lint notes it).
fn without_leading_spaces(p: &str) -> String {
    p.trim_start_matches([' ', '\u{3000}']).to_string()
}

/// Blank lines before a title or section, which the footer's fitting may remove.
fn spare_blanks(n: u32) -> impl Iterator<Item = FlowLine> {
    blanks(n).map(|mut l| {
        l.spare = true;
        l
    })
}

/// The flow as it is built: its lines, and the paragraphs that a tight
/// setting shortens.
#[derive(Default)]
struct Flow {
    lines: Vec<FlowLine>,
    tight: Vec<TightParagraph>,
}

/// Set a paragraph into the flow; when punctuation compression is not already
/// on and would save a line, also its tight setting.
fn paragraph(ts: &mut Typesetter<'_>, inline: &Inline, tag: Tag, out: &mut Flow) {
    let wo = ts.template.composition.widow_orphan;
    let lines = paragraph_lines(ts.set(inline, tag), wo);
    if !ts.template.composition.compress_punctuation && lines.len() > 1 {
        let squeezed = Inline {
            compress: Some(true),
            ..inline.clone()
        };
        let tight_lines = paragraph_lines(ts.set_quietly(&squeezed, tag), wo);
        if tight_lines.len() < lines.len() {
            out.tight.push(TightParagraph {
                start: out.lines.len(),
                len: lines.len(),
                lines: tight_lines,
            });
        }
    }
    out.lines.extend(lines);
}

/// A note (编者按, 按语): `label` in its own face run into the first
/// paragraph, the text in the note's face, on the body grid; `place(i)` is
/// where paragraph `i` comes from.
fn note(
    ts: &mut Typesetter<'_>,
    label: &str,
    paragraphs: &[String],
    place: impl Fn(usize) -> Place,
    out: &mut Flow,
) {
    let n = &ts.template.note;
    for (i, p) in paragraphs.iter().enumerate() {
        let mut spans = Vec::with_capacity(2);
        if i == 0 {
            spans.push(ts.span(label.to_string(), n.label_style.role));
        }
        spans.push(ts.span(without_leading_spaces(p), n.text.role));
        let mut inline = ts.grid_inline(spans, n.text, place(i));
        inline.first_indent = n.indent;
        paragraph(ts, &inline, Tag::Note, out);
    }
}

/// The guide and body of `b`, line by line, and the paragraphs that a tight
/// setting shortens.
pub fn flow(b: &Bulletin, ts: &mut Typesetter<'_>) -> (Vec<FlowLine>, Vec<TightParagraph>) {
    let t = ts.template;
    let mut out = Flow::default();
    if t.note.position == NotePosition::BeforeGuide {
        editor_note(b, ts, &mut out);
    }
    guide(b, ts, &mut out);
    if t.note.position == NotePosition::AfterGuide {
        editor_note(b, ts, &mut out);
    }
    for (bi, block) in b.body.iter().enumerate() {
        match block {
            Block::Article(a) => article(block, bi, a, ts, &mut out),
            Block::Section(s) => section(block, bi, s, ts, &mut out),
        }
    }
    (out.lines, out.tight)
}

/// The issue's 编者按 (layout.md §2a.1), with the blank lines after it.
fn editor_note(b: &Bulletin, ts: &mut Typesetter<'_>, out: &mut Flow) {
    if b.editor_note.is_empty() {
        return;
    }
    let t = ts.template;
    note(
        ts,
        &t.note.label,
        &b.editor_note,
        |i| Place::new(format!("$.editor_note[{i}]")),
        out,
    );
    out.lines.extend(blanks(t.note.blank_lines_after));
}

/// The guide (layout.md §3): its label and ★ items, with the blank lines after it.
fn guide(b: &Bulletin, ts: &mut Typesetter<'_>, out: &mut Flow) {
    let t = ts.template;
    let items: Vec<String> = match &b.guide {
        Guide::None => Vec::new(),
        // Sections by their titles, without the 【】 of their headings.
        Guide::Auto => b.body.iter().map(|blk| blk.title().to_string()).collect(),
        Guide::Items(v) => v.clone(),
    };
    if items.is_empty() {
        return;
    }
    let g = &t.guide;
    // Inside a frame (on the type area's edges), the guide's text is inset.
    let inset = if g.frame { g.frame_padding } else { 0.0 };
    let text = b.guide_label.clone().unwrap_or_else(|| g.label.clone());
    let mut label = ts.grid_inline(
        vec![ts.span(text, g.label_style.role)],
        g.label_style,
        Place::new("$.guide"),
    );
    label.first_indent = inset;
    label.rest_indent = inset;
    let mut lines = keep_with_next(ts.set(&label, Tag::GuideLabel), 1, None);
    let bullet_width = ts.width(&ts.grid_inline(
        vec![ts.span(g.bullet.clone(), g.item.role)],
        g.item,
        Place::new("$.guide"),
    ));
    for (i, item) in items.iter().enumerate() {
        let mut inline = ts.grid_inline(
            vec![
                ts.span(g.bullet.clone(), g.item.role),
                ts.span(item.clone(), g.item.role),
            ],
            g.item,
            if matches!(b.guide, Guide::Auto) {
                b.body[i].place(i, ".title")
            } else {
                Place::new(format!("$.guide[{i}]"))
            },
        );
        inline.first_indent = g.indent + inset;
        inline.rest_indent = g.indent + inset + bullet_width;
        inline.right_indent = inset;
        // An item that wraps does so at the full measure, between words,
        // its continuation lines hanging after the bullet (layout.md §3.2).
        inline.words = true;
        inline.align = Align::Left;
        lines.extend(paragraph_lines(
            ts.set(&inline, Tag::GuideItem),
            t.composition.widow_orphan,
        ));
    }
    for l in &mut lines {
        l.guide = true;
    }
    out.lines.extend(lines);
    out.lines.extend(blanks(g.blank_lines_after));
}

/// An article (layout.md §4.1–§4.2): its title, its 按语 and its paragraphs;
/// `bi` is its index in the body.
fn article(block: &Block, bi: usize, a: &Article, ts: &mut Typesetter<'_>, out: &mut Flow) {
    let t = ts.template;
    if bi > 0 {
        out.lines.extend(spare_blanks(t.title.blank_lines_before));
    }
    let mut inline = ts.grid_inline(
        vec![ts.span(a.title.clone(), t.title.text.role)],
        t.title.text,
        block.place(bi, ".title"),
    );
    inline.cell = None;
    inline.align = Align::Center;
    inline.balance = true;
    inline.words = true;
    out.lines.extend(keep_with_next(
        ts.set(&inline, Tag::Title),
        t.title.grid_lines,
        Some((0, a.title.clone())),
    ));
    out.lines
        .extend(blanks(t.title.blank_lines_after).map(|mut l| {
            l.break_after = false;
            l.drop_at_top = false;
            l
        }));
    note(
        ts,
        &t.note.article_label,
        &a.note,
        |i| block.place(bi, &format!(".note[{i}]")),
        out,
    );
    for (pi, p) in a.paragraphs.iter().enumerate() {
        let mut inline = ts.grid_inline(
            vec![ts.span(without_leading_spaces(p), t.paragraph.text.role)],
            t.paragraph.text,
            block.place(bi, &format!(".paragraphs[{pi}]")),
        );
        inline.first_indent = t.paragraph.indent;
        paragraph(ts, &inline, Tag::Paragraph, out);
    }
}

/// A section (layout.md §4.3–§4.4): its 【】 heading and its ▲ items; `bi`
/// is its index in the body.
fn section(block: &Block, bi: usize, s: &Section, ts: &mut Typesetter<'_>, out: &mut Flow) {
    let t = ts.template;
    if bi > 0 {
        out.lines.extend(spare_blanks(t.section.blank_lines_before));
    }
    let heading = format!("{}{}{}", t.section.open, s.title, t.section.close);
    let mut inline = ts.grid_inline(
        vec![ts.span(heading.clone(), t.section.text.role)],
        t.section.text,
        block.place(bi, ".title"),
    );
    inline.align = Align::Left;
    inline.words = true;
    out.lines.extend(keep_with_next(
        ts.set(&inline, Tag::Section),
        1,
        Some((0, heading)),
    ));
    let it = &t.item;
    for (ii, item) in s.items.iter().enumerate() {
        let mut lead: Option<Span> = None;
        match &item.kind {
            ItemKind::Heading(h) => {
                let mut inline = ts.grid_inline(
                    vec![ts.span(format!("{}{h}", it.mark), it.mark_role)],
                    t.paragraph.text,
                    block.place(bi, &format!(".items[{ii}].heading")),
                );
                inline.first_indent = it.heading_indent;
                inline.rest_indent = it.heading_indent;
                inline.align = Align::Left;
                inline.words = true;
                out.lines.extend(keep_with_next(
                    ts.set(&inline, Tag::ItemHeading),
                    1,
                    Some((1, format!("{}{h}", it.mark))),
                ));
            }
            ItemKind::Lead(l) => {
                lead = Some(ts.span(format!("{}{l}{}", it.mark, it.lead_separator), it.mark_role));
            }
            ItemKind::Plain => lead = Some(ts.span(it.mark.clone(), it.mark_role)),
        }
        for (pi, p) in item.paragraphs.iter().enumerate() {
            let mut spans = Vec::with_capacity(2);
            if pi == 0 {
                spans.extend(lead.take());
            }
            spans.push(ts.span(without_leading_spaces(p), t.paragraph.text.role));
            let mut inline = ts.grid_inline(
                spans,
                t.paragraph.text,
                block.place(bi, &format!(".items[{ii}].paragraphs[{pi}]")),
            );
            inline.first_indent = t.paragraph.indent;
            paragraph(ts, &inline, Tag::Paragraph, out);
        }
    }
}

/// The footer's elements (layout.md §6.3), each a group of lines.
pub fn footer(b: &Bulletin, ts: &mut Typesetter<'_>) -> Vec<Vec<Line>> {
    let t = ts.template;
    let f = &t.footer;
    // The 版记 is never compressed: its names line up under the label.
    let plain = |text: String, place: &str| Inline {
        compress: Some(false),
        first_indent: f.indent,
        rest_indent: f.indent,
        right_indent: f.indent,
        align: Align::Justify,
        ..text_in(t, &text, f.text, Place::new(place))
    };
    let mut out = Vec::new();
    let d = &b.distribution;
    for (label, list, key) in [
        (&f.report_label, &d.report_to, "report_to"),
        (&f.send_label, &d.send_to, "send_to"),
        (&f.issue_label, &d.issue_to, "issue_to"),
        (&f.extra_label, &d.extra_to, "extra_to"),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut inline = plain(String::new(), &format!("$.distribution.{key}"));
        // Continuation lines hang after the colon.
        inline.rest_indent = f.indent + ts.width(&plain(label.clone(), "$.distribution"));
        let room = inline.measure - inline.rest_indent - inline.right_indent;
        inline.spans = name_spans(ts, label, list, &f.separator, room, f.text.role);
        // Ragged right: lines that end between names are not spread.
        inline.align = Align::Left;
        out.push(ts.set(&inline, Tag::Footer));
    }

    // The contact line, as written, above the printing line: like the
    // printing body, it is the office's, not an article's.
    if let Some(c) = &b.imprint.contact {
        let mut inline = plain(c.clone(), "$.imprint.contact");
        inline.align = Align::Left;
        out.push(ts.set(&inline, Tag::Footer));
    }

    // The printing line: issuer left, date 印发 (and copies) right; the issuer
    // compressed when needed, or the date on a line of its own.
    let imp = &b.imprint;
    let mut right_text = format!("{}{}", imp.date.chinese(), f.imprint_suffix);
    if let Some(n) = imp.copies {
        right_text.push_str(&f.copies.replace("{}", &n.to_string()));
    }
    let fitted = ts.left_right(LeftRight {
        left: (&imp.issuer, Place::new("$.imprint.issuer")),
        right: (&right_text, Place::new("$.imprint.date")),
        style: f.text,
        indent: f.indent,
        min_gap: f.text.size,
        min_scale: f.imprint_min_scale,
        squeeze_right: true,
        tag: Tag::Footer,
    });
    match fitted {
        Some((line, scale, right_scale)) => {
            if right_scale < 1.0 {
                ts.notice(
                    Some(Place::new("$.imprint.issuer")),
                    format!(
                        "印发机关与日期放不下一行：印发机关横向压缩到 {:.0}%，日期和份数压缩到 {:.0}%",
                        scale * 100.0,
                        right_scale * 100.0
                    ),
                );
            } else if scale < 1.0 {
                ts.notice(
                    Some(Place::new("$.imprint.issuer")),
                    format!(
                        "印发机关与日期放不下一行：印发机关横向压缩到 {:.0}%",
                        scale * 100.0
                    ),
                );
            }
            out.push(vec![line]);
        }
        None => {
            // The printing body on a line of its own (compressed to the
            // minimum scale, else in balanced lines, never one or two
            // characters alone), the date and copies flush right below.
            let mut left = plain(imp.issuer.clone(), "$.imprint.issuer");
            left.align = Align::Left;
            let room = left.measure - left.first_indent - left.right_indent;
            let width = ts.width(&left);
            if width > room {
                if width * f.imprint_min_scale <= room {
                    left.hscale = room / width;
                } else {
                    left.hscale = f.imprint_min_scale;
                    left.balance = true;
                }
            }
            let mut right = plain(right_text, "$.imprint.date");
            right.align = Align::Right;
            let mut lines = ts.set(&left, Tag::Footer);
            lines.extend(ts.set(&right, Tag::Footer));
            ts.notice(
                Some(Place::new("$.imprint.issuer")),
                format!(
                    "印发机关与日期即使压缩到 {:.0}% 也放不下一行：日期和份数另起一行右对齐",
                    f.imprint_min_scale * 100.0
                ),
            );
            out.push(lines);
        }
    }

    if let Some(no) = &b.document_number {
        let mut inline = plain(no.clone(), "$.document_number");
        inline.align = Align::Left;
        out.push(ts.set(&inline, Tag::Footer));
    }
    out
}

/// The spans of a 报/送/发 list: each name, with the separator after it, one
/// span kept whole (lines break only between names, layout.md §6.2); the
/// label rides with the first name. A name wider than `room` breaks only
/// after a 、 or ， inside it (「各乡镇（街道）党（工）委、/ 人民政府（办事处）」),
/// each part whole, never inside a word of it.
fn name_spans(
    ts: &mut Typesetter<'_>,
    label: &str,
    names: &[String],
    separator: &str,
    room: f32,
    role: crate::template::Role,
) -> Vec<Span> {
    let count = names.len();
    let style = ts.template.footer.text;
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let text = format!(
            "{}{name}{}",
            if i == 0 { label } else { "" },
            if i + 1 < count { separator } else { "" }
        );
        let width = |ts: &mut Typesetter<'_>, text: &str| {
            let inline = Inline {
                compress: Some(false),
                ..ts.text(text, style, Place::new("$.distribution"))
            };
            ts.width(&inline)
        };
        if width(ts, &text) <= room {
            out.push(Span {
                whole: true,
                ..ts.span(text, role)
            });
            continue;
        }
        // Parts ending after 、 or ，; a part still wider than a line may
        // break anywhere.
        let mut part = String::new();
        let mut parts = Vec::new();
        for ch in text.chars() {
            part.push(ch);
            if "、，,；".contains(ch) {
                parts.push(std::mem::take(&mut part));
            }
        }
        if !part.is_empty() {
            parts.push(part);
        }
        for p in parts {
            let whole = width(ts, &p) <= room;
            out.push(Span {
                whole,
                ..ts.span(p, role)
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<Line> {
        (0..n)
            .map(|_| Line {
                tag: Tag::Paragraph,
                runs: vec![],
                justified: true,
                spread: 1.0,
                last: false,
                hanging: false,
                span: (0.0, 0.0),
                size: 16.0,
                source: None,
            })
            .collect()
    }

    fn breaks(n: usize, wo: bool) -> Vec<bool> {
        paragraph_lines(lines(n), wo)
            .iter()
            .map(|l| l.break_after)
            .collect()
    }

    #[test]
    fn widow_and_orphan_control() {
        assert_eq!(breaks(1, true), vec![true]);
        assert_eq!(breaks(2, true), vec![false, true]);
        assert_eq!(breaks(3, true), vec![false, false, true]);
        assert_eq!(breaks(4, true), vec![false, true, false, true]);
        assert_eq!(breaks(5, true), vec![false, true, true, false, true]);
        assert_eq!(breaks(3, false), vec![true, true, true]);
    }
}
