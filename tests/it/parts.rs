//! The other parts of a real bulletin, each on its own and all together:
//! 编号, 增刊/专刊, 编者按 and 按语, the guide's label, 本期增发 and the
//! contact line (layout.md §2.6, §3.4, §6.3).

use crate::common::*;
use jianbao::layout::{Bookmark, Layout, Tag, TextLine};
use serde_json::json;

const MM: f32 = 72.0 / 25.4;
const TYPE_LEFT: f32 = 28.0 * MM;
const TYPE_WIDTH: f32 = 156.0 * MM;
const TYPE_TOP: f32 = 37.0 * MM;
const PITCH: f32 = 225.0 * MM / 22.0;
const CELL: f32 = 156.0 * MM / 28.0;

fn lines(l: &Layout, tag: Tag) -> Vec<(usize, &TextLine)> {
    l.lines().filter(|(_, t)| t.tag == tag).collect()
}

fn face_of<'a>(l: &'a Layout, line: &TextLine, text: &str) -> &'a str {
    let run = line
        .runs
        .iter()
        .find(|r| r.glyphs.iter().any(|g| g.text == text))
        .unwrap_or_else(|| panic!("{text} in {}", line.text()));
    &l.faces[run.face.0 as usize]
}

/// The example with `change` made to it, laid out.
fn example_with(change: impl FnOnce(&mut serde_json::Value)) -> jianbao::Laid {
    let mut v = example_json();
    change(&mut v);
    layout_value(&v)
}

/// Index in the flow (page, then position on the page) of the first line
/// with `tag`.
fn first(l: &Layout, tag: Tag) -> (usize, usize) {
    l.lines()
        .enumerate()
        .find(|(_, (_, t))| t.tag == tag)
        .map(|(i, (p, _))| (p, i))
        .unwrap_or_else(|| panic!("no {tag:?} line"))
}

#[test]
fn the_copy_number_is_flush_right_on_the_first_line_beside_the_marking() {
    let laid = example_with(|v| {
        v["masthead"]["copy_number"] = json!(123);
        v["masthead"]["marking"] = json!("内部资料 注意保存");
    });
    let l = &laid.layout;
    let (page, no) = lines(l, Tag::CopyNumber)[0];
    assert_eq!(page, 0);
    assert_eq!(no.text(), "编号：000123");
    assert_eq!(no.grid_line, Some(0));
    assert!(
        (no.right() - (TYPE_LEFT + TYPE_WIDTH)).abs() < 0.01,
        "flush right: {}",
        no.right()
    );
    // 黑体 三号, the digits in the heading role's Latin face.
    assert_eq!(no.runs[0].size, 16.0);
    assert_eq!(face_of(l, no, "编"), "NotoSansCJKsc-Medium.subset.otf");
    assert_eq!(face_of(l, no, "1"), "LiberationSerif-Bold.ttf");
    // The marking on the same line, flush left, not touching it.
    let (_, marking) = lines(l, Tag::Marking)[0];
    assert_eq!(marking.baseline, no.baseline);
    assert!((marking.left() - TYPE_LEFT).abs() < 0.01);
    assert!(marking.right() + 16.0 <= no.left());
    // Without a marking, the copy number alone.
    let laid = example_with(|v| {
        v["masthead"]["copy_number"] = json!("07");
        v["masthead"]["marking"] = json!(null);
    });
    assert!(lines(&laid.layout, Tag::Marking).is_empty());
    assert_eq!(lines(&laid.layout, Tag::CopyNumber)[0].1.text(), "编号：07");
}

#[test]
fn a_marking_too_long_for_the_copy_number_is_an_error_naming_both() {
    let mut v = example_json();
    v["masthead"]["copy_number"] = json!("000123");
    v["masthead"]["marking"] = json!(han(22));
    let err = engine()
        .layout(
            &serde_json::to_vec(&v).unwrap(),
            &jianbao::Options::default(),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("$.masthead.copy_number"), "{err}");
    assert!(err.contains("标识") && err.contains("编号"), "{err}");
}

#[test]
fn a_supplement_prints_its_series_in_the_issue_line_and_the_title() {
    let laid = example_with(|v| {
        v["masthead"]["supplement"] = json!("增刊");
        v["masthead"]["total_issue"] = json!(57);
    });
    let l = &laid.layout;
    assert_eq!(
        lines(l, Tag::IssueLine)[0].1.text(),
        "增刊第1期（总第57期）"
    );
    assert!(
        l.info.title.ends_with("增刊第1期（总第57期）"),
        "{}",
        l.info.title
    );
    let laid = example_with(|v| {
        v["masthead"]["supplement"] = json!("生态环保专刊");
        v["masthead"]["total_issue"] = json!(null);
    });
    assert_eq!(
        lines(&laid.layout, Tag::IssueLine)[0].1.text(),
        "生态环保专刊第1期"
    );
}

#[test]
fn the_editor_note_is_below_the_rule_before_the_guide_in_kai_with_its_label_in_hei() {
    let laid = example_with(|v| {
        v["editor_note"] = json!([
            "今年以来，各地扎实推进湿地保护修复工作。现将有关情况刊发，供参阅。",
            "请各地结合实际参照执行。"
        ]);
    });
    let l = &laid.layout;
    let notes = lines(l, Tag::Note);
    assert!(notes.len() >= 3, "{}", notes.len());
    let (page, head) = notes[0];
    assert_eq!(page, 0);
    assert!(
        head.text().starts_with("编者按：今年以来"),
        "{}",
        head.text()
    );
    assert_eq!(face_of(l, head, "按"), "NotoSansCJKsc-Medium.subset.otf");
    assert_eq!(face_of(l, head, "今"), "FandolKai-Regular.otf");
    // Indented 2 字 on the grid, justified to the right edge.
    assert!((head.span.0 - (TYPE_LEFT + 2.0 * CELL)).abs() < 0.01);
    let n = head.grid_line.expect("on the grid");
    let want = TYPE_TOP + n as f32 * PITCH + (PITCH - 16.0) / 2.0 + 0.88 * 16.0;
    assert!((head.baseline - want).abs() < 0.01);
    // Each paragraph starts indented; the second has no label.
    let second = notes
        .iter()
        .find(|(_, t)| t.text().starts_with("请各地"))
        .unwrap()
        .1;
    assert!((second.span.0 - (TYPE_LEFT + 2.0 * CELL)).abs() < 0.01);
    // Before the guide, a blank line between.
    let label = lines(l, Tag::GuideLabel)[0].1;
    let last_note = notes.last().unwrap().1;
    assert_eq!(
        label.grid_line.unwrap(),
        last_note.grid_line.unwrap() + 2,
        "one blank line between note and guide"
    );
    assert!(first(l, Tag::Note) < first(l, Tag::GuideLabel));
    // Neither the bookmarks nor the automatic guide know the note.
    let guide: Vec<String> = lines(l, Tag::GuideItem)
        .iter()
        .map(|(_, t)| t.text())
        .collect();
    assert!(guide.iter().all(|g| !g.contains("编者按")), "{guide:?}");
    fn all(b: &[Bookmark]) -> Vec<String> {
        b.iter()
            .flat_map(|m| std::iter::once(m.title.clone()).chain(all(&m.children)))
            .collect()
    }
    assert!(all(&l.outline).iter().all(|t| !t.contains("编者按")));
    let plain = layout(&example());
    assert_eq!(all(&l.outline), all(&plain.layout.outline));
}

#[test]
fn the_editor_note_may_follow_the_guide() {
    let dir = TempDir::new("note-after");
    std::fs::write(
        dir.join("t.toml"),
        "extends = \"jianbao\"\n[note]\nposition = \"after_guide\"\nlabel = \"按语：\"\n",
    )
    .unwrap();
    let mut v = example_json();
    v["editor_note"] = json!("现将有关情况刊发。");
    let laid = engine()
        .layout(
            &serde_json::to_vec(&v).unwrap(),
            &jianbao::Options {
                template: Some(dir.join("t.toml")),
                ..Default::default()
            },
        )
        .unwrap();
    let l = &laid.layout;
    assert!(first(l, Tag::GuideItem) < first(l, Tag::Note));
    assert!(first(l, Tag::Note) < first(l, Tag::Title));
    assert!(lines(l, Tag::Note)[0].1.text().starts_with("按语：现将"));
}

#[test]
fn an_article_note_sits_between_its_title_and_its_first_paragraph() {
    let laid = example_with(|v| {
        v["body"][0]["note"] = json!("这一做法值得各地借鉴。");
    });
    let l = &laid.layout;
    let all: Vec<(Tag, String)> = l.lines().map(|(_, t)| (t.tag, t.text())).collect();
    let title = all.iter().position(|(t, _)| *t == Tag::Title).unwrap();
    let note = all.iter().position(|(t, _)| *t == Tag::Note).unwrap();
    let para = all.iter().position(|(t, _)| *t == Tag::Paragraph).unwrap();
    assert!(title < note && note < para, "{all:?}");
    assert_eq!(all[note].1, "编者按：这一做法值得各地借鉴。");
    // The title keeps with the note (never the last line of a page).
    let ti = lines(l, Tag::Title)[0].1.grid_line.unwrap();
    let ni = lines(l, Tag::Note)[0].1.grid_line.unwrap();
    assert_eq!(ni, ti + 1);
}

#[test]
fn the_guide_label_comes_from_the_issue_then_the_template() {
    let laid = example_with(|v| v["guide_label"] = json!("本期要目"));
    assert_eq!(lines(&laid.layout, Tag::GuideLabel)[0].1.text(), "本期要目");
    let plain = layout(&example());
    assert_eq!(
        lines(&plain.layout, Tag::GuideLabel)[0].1.text(),
        "【导读】"
    );
}

#[test]
fn extra_recipients_and_the_contact_are_footer_elements_in_order() {
    let laid = example_with(|v| {
        v["distribution"]["issue_to"] = json!(["各乡镇人民政府"]);
        v["distribution"]["extra_to"] = json!(["市林业局", "市水利局"]);
        v["imprint"]["contact"] = json!("联系人：张三　电话：0737-1234567");
    });
    let l = &laid.layout;
    let footer: Vec<String> = lines(l, Tag::Footer)
        .iter()
        .map(|(_, t)| t.text())
        .collect();
    let at = |prefix: &str| {
        footer
            .iter()
            .position(|t| t.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in {footer:?}"))
    };
    assert!(at("报：") < at("送："));
    assert!(at("送：") < at("发："));
    assert!(at("发：") < at("本期增发："));
    assert!(at("本期增发：") < at("联系人："));
    assert!(at("联系人：") < at("益阳市配合"));
    assert_eq!(footer[at("本期增发：")], "本期增发：市林业局，市水利局");
    let contact = lines(l, Tag::Footer)
        .into_iter()
        .find(|(_, t)| t.text().starts_with("联系人"))
        .unwrap()
        .1;
    assert_eq!(face_of(l, contact, "0"), "LiberationSerif-Regular.ttf");
    // One more element: one more thin rule than without them.
    let rules = |l: &Layout| {
        l.pages
            .iter()
            .flat_map(|p| &p.items)
            .filter(|i| matches!(i, jianbao::layout::Item::Rule(_)))
            .count()
    };
    let without = example_with(|v| {
        v["distribution"]["issue_to"] = json!(["各乡镇人民政府"]);
    });
    assert_eq!(rules(l), rules(&without.layout) + 2);
}

#[test]
fn all_parts_together_keep_the_grid_and_the_footer_with_the_text() {
    let bytes = std::fs::read(root().join("tests/data/corpus/18-all-parts.json")).unwrap();
    let laid = layout(&bytes);
    let l = &laid.layout;
    assert_eq!(l.pages.len(), 2);
    for tag in [
        Tag::Marking,
        Tag::CopyNumber,
        Tag::Note,
        Tag::GuideLabel,
        Tag::Title,
    ] {
        assert!(!lines(l, tag).is_empty(), "{tag:?}");
    }
    assert_eq!(
        lines(l, Tag::IssueLine)[0].1.text(),
        "生态环保专刊第1期（总第269期）"
    );
    assert_eq!(lines(l, Tag::GuideLabel)[0].1.text(), "本期要目");
    // Two notes: the issue's (page 1, before the guide) and the article's.
    let labels = lines(l, Tag::Note)
        .iter()
        .filter(|(_, t)| t.text().starts_with("编者按："))
        .count();
    assert_eq!(labels, 2);
    // The footer on the last page, with the text.
    let footer = lines(l, Tag::Footer);
    assert!(footer.iter().all(|(p, _)| *p == 1));
    assert!(lines(l, Tag::Paragraph).iter().any(|(p, _)| *p == 1));
    let texts: Vec<String> = footer.iter().map(|(_, t)| t.text()).collect();
    assert!(texts.iter().any(|t| t.starts_with("本期增发：县林业局")));
    assert!(texts.iter().any(|t| t.starts_with("联系人：张三")));
}
