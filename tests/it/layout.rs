//! Layout tests: the example and small inputs written for one rule each,
//! checked on the laid-out pages (layout.md §1–§7).

use crate::common::*;
use jianbao::layout::{Item, Layout, Tag, TextLine};
use jianbao::typeset::collect::{LINE_END_PROHIBITED, LINE_START_PROHIBITED};
use serde_json::json;

const MM: f32 = 72.0 / 25.4;
const TYPE_LEFT: f32 = 28.0 * MM;
const TYPE_WIDTH: f32 = 156.0 * MM;
const TYPE_TOP: f32 = 37.0 * MM;
const TYPE_BOTTOM: f32 = (37.0 + 225.0) * MM;
const PITCH: f32 = 225.0 * MM / 22.0;
const CELL: f32 = 156.0 * MM / 28.0;

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

/// The right edge of a line inside its measure (its box); when a mark hangs
/// past it, the mark must start exactly there.
fn inner_right(line: &TextLine) -> f32 {
    let edge = line.span.1;
    if line.hanging {
        let mark = line.glyphs().last().unwrap();
        assert!(
            close(mark.x, edge, 0.01),
            "the hanging mark starts at the edge: {}",
            line.text()
        );
        assert!(
            "。，、；：？！".contains(mark.text.as_str()),
            "{}",
            line.text()
        );
    }
    assert!(
        line.right() <= edge + 0.01 || line.hanging,
        "{}",
        line.text()
    );
    edge
}

/// A template file that changes `toml` of the built-in one, and the options using it.
fn with_template(dir: &TempDir, toml: &str) -> jianbao::Options {
    let tpl = dir.join("t.toml");
    std::fs::write(&tpl, format!("extends = \"jianbao\"\n{toml}\n")).unwrap();
    jianbao::Options {
        template: Some(tpl),
        ..Default::default()
    }
}

fn body_lines(l: &Layout) -> impl Iterator<Item = (usize, &TextLine)> {
    l.lines().filter(|(_, t)| t.tag == Tag::Paragraph)
}

#[test]
fn every_full_body_line_ends_at_the_right_edge() {
    let laid = layout(&example());
    let mut full = 0;
    for (p, line) in body_lines(&laid.layout) {
        if line.last {
            assert!(
                inner_right(line) <= TYPE_LEFT + TYPE_WIDTH + 0.01,
                "page {p}: {}",
                line.text()
            );
            continue;
        }
        full += 1;
        assert!(
            close(inner_right(line), TYPE_LEFT + TYPE_WIDTH, 0.01),
            "page {}: line ends at {:.3}, not {:.3}: {}",
            p + 1,
            inner_right(line),
            TYPE_LEFT + TYPE_WIDTH,
            line.text()
        );
    }
    assert!(full >= 70, "the example has {full} full lines");
    let hanging = body_lines(&laid.layout).filter(|(_, l)| l.hanging).count();
    assert!(
        hanging >= 5,
        "the example has {hanging} lines with a hanging mark"
    );
}

#[test]
fn no_line_starts_or_ends_with_a_prohibited_mark() {
    let laid = layout(&example());
    for (p, line) in laid.layout.lines() {
        let text = line.text();
        let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
            continue;
        };
        assert!(
            !LINE_START_PROHIBITED.contains(first),
            "page {}: starts with {first}: {text}",
            p + 1
        );
        assert!(
            !LINE_END_PROHIBITED.contains(last),
            "page {}: ends with {last}: {text}",
            p + 1
        );
    }
}

#[test]
fn a_line_end_mark_hangs_past_the_edge_when_hanging_is_on() {
    // 26 characters after the indent fill line 1; the "，" after them hangs
    // (Word's default) instead of pulling a character down.
    let text = format!("{}，{}", han(26), han(10));
    let laid = layout_value(&minimal(
        json!([{"type": "article", "title": "标题", "paragraphs": [text]}]),
    ));
    let lines: Vec<&TextLine> = body_lines(&laid.layout).map(|(_, l)| l).collect();
    assert!(lines[0].hanging);
    assert_eq!(lines[0].glyphs().count(), 27, "{}", lines[0].text());
    assert!(lines[0].text().ends_with('，'));
    assert!(!lines[0].justified, "a full line needs no spreading");
    assert!(close(inner_right(lines[0]), TYPE_LEFT + TYPE_WIDTH, 0.01));
    assert!(
        lines[0].right() > TYPE_LEFT + TYPE_WIDTH + 1.0,
        "past the edge"
    );
    assert_eq!(lines[1].text(), han(10));
    // Closing quotes and brackets never hang: they pull a character down.
    let text = format!("{}”{}", han(26), han(10));
    let laid = layout_value(&minimal(
        json!([{"type": "article", "title": "标题", "paragraphs": [text]}]),
    ));
    let first = body_lines(&laid.layout).next().unwrap().1;
    assert!(!first.hanging && first.justified);
    assert_eq!(first.glyphs().count(), 25);
    // A mark followed by one that may not start a line does not hang either.
    let text = format!("{}。”{}", han(26), han(10));
    let laid = layout_value(&minimal(
        json!([{"type": "article", "title": "标题", "paragraphs": [text]}]),
    ));
    let first = body_lines(&laid.layout).next().unwrap().1;
    assert!(!first.hanging);
}

#[test]
fn a_prohibition_pulls_a_character_down_and_the_short_line_is_spread() {
    // With hanging off: 28 characters then "，": the comma may not start line
    // 2, so line 1 keeps 27 characters (26 after the indent) and is spread to
    // the full measure.
    let text = format!("{}，{}", han(26), han(10));
    let dir = TempDir::new("nohang");
    let opts = with_template(&dir, "[composition]\nhanging_punctuation = false");
    let v = minimal(json!([{"type": "article", "title": "标题", "paragraphs": [text]}]));
    let laid = engine()
        .layout(&serde_json::to_vec(&v).unwrap(), &opts)
        .unwrap();
    let lines: Vec<&TextLine> = body_lines(&laid.layout).map(|(_, l)| l).collect();
    assert_eq!(lines[0].glyphs().count(), 25, "{}", lines[0].text());
    assert!(lines[0].justified);
    assert!(close(lines[0].right(), TYPE_LEFT + TYPE_WIDTH, 0.01));
    let pulled: String = han(26).chars().skip(25).collect();
    assert!(lines[1].text().starts_with(&pulled));
    assert!(lines[1].text().chars().nth(1) == Some('，'));
}

#[test]
fn grid_lines_have_28_cells_and_pages_22_lines() {
    let laid = layout(&example());
    for (p, line) in body_lines(&laid.layout) {
        // Every line holds whole cells: CJK characters one each, Latin and
        // digit runs centred in whole cells (a hanging mark is outside).
        let cells = (inner_right(line) - line.span.0) / CELL;
        assert!(
            close(cells, cells.round(), 0.01),
            "page {}: {cells} cells: {}",
            p + 1,
            line.text()
        );
        let all_cjk = line.glyphs().all(|g| g.width > CELL - 0.01);
        if all_cjk && !line.justified {
            // Unspread CJK lines: every glyph starts on a cell boundary.
            let inside = line.glyphs().count() - usize::from(line.hanging);
            for g in line.glyphs().take(inside) {
                let cells = (g.x - TYPE_LEFT) / CELL;
                assert!(
                    close(cells, cells.round(), 0.01),
                    "page {}: {} off the grid",
                    p + 1,
                    g.text
                );
                assert!(cells.round() < 28.0);
            }
            if !line.last {
                assert_eq!(
                    line.glyphs().count() - usize::from(line.hanging)
                        + (line.left() - TYPE_LEFT).div_euclid(CELL - 0.01) as usize,
                    28
                );
            }
        }
    }
    for page in &laid.layout.pages {
        for item in &page.items {
            if let Item::Line(l) = item {
                if let Some(g) = l.grid_line {
                    assert!(g < 22, "grid line {g}");
                }
            }
        }
    }
}

#[test]
fn baselines_sit_on_the_grid() {
    let laid = layout(&example());
    let mut checked = 0;
    for (_, line) in laid.layout.lines() {
        let Some(n) = line.grid_line else { continue };
        let size = line.runs[0].size;
        // Every line of the built-in template takes one grid line.
        let want = TYPE_TOP + n as f32 * PITCH + (PITCH - size) / 2.0 + 0.88 * size;
        assert!(
            close(line.baseline, want, 0.01),
            "{:?} {}: {} vs {}",
            line.tag,
            line.text(),
            line.baseline,
            want
        );
        checked += 1;
    }
    assert!(checked >= 110, "{checked} lines checked");
}

#[test]
fn the_masthead_is_red_centred_and_ends_near_one_third_of_the_page() {
    let laid = layout(&example());
    let page = &laid.layout.pages[0];
    let name = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Line(l) if l.tag == Tag::Name => Some(l),
            _ => None,
        })
        .expect("name line");
    assert!(name
        .runs
        .iter()
        .all(|r| r.color.0 == 1.0 && r.color.1 == 0.0 && r.color.2 == 0.0));
    // 19 characters: 442.2 / (0.8 × 19) = 29.09 pt at 80 %, filling the measure.
    assert!(
        close(name.runs[0].size, 29.09, 0.01),
        "{}",
        name.runs[0].size
    );
    assert!(close(name.runs[0].hscale, 0.8, 0.001));
    assert!(
        close(name.left(), TYPE_LEFT, 0.05) && close(name.right(), TYPE_LEFT + TYPE_WIDTH, 0.05)
    );
    let rule = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
        .expect("red rule");
    assert_eq!((rule.color.0, rule.color.1, rule.color.2), (1.0, 0.0, 0.0));
    assert!(close(rule.x1 - rule.x0, TYPE_WIDTH, 0.01));
    assert!(close(rule.thickness, 1.5, 0.001));
    let mm_from_top = rule.y / MM;
    assert!(
        (98.0..102.0).contains(&mm_from_top),
        "rule at {mm_from_top} mm"
    );
    // The flow starts on the first grid line at least one line below the rule.
    let first_flow = laid
        .layout
        .lines()
        .find(|(_, l)| l.tag == Tag::GuideLabel)
        .unwrap()
        .1;
    let top = TYPE_TOP + first_flow.grid_line.unwrap() as f32 * PITCH;
    assert!(top >= rule.y + PITCH - 0.01 && top < rule.y + 2.0 * PITCH);
}

#[test]
fn the_issuer_line_holds_issuer_left_and_date_right() {
    let laid = layout(&example());
    let line = laid
        .layout
        .lines()
        .find(|(_, l)| l.tag == Tag::Issuer)
        .unwrap()
        .1;
    assert!(line
        .text()
        .starts_with("益阳市配合中央生态环境保护督察协调联络专班"));
    assert!(line.text().ends_with("2024年5月10日"));
    let size = line.runs[0].size;
    assert!(close(line.left(), TYPE_LEFT + size, 0.01));
    assert!(close(line.right(), TYPE_LEFT + TYPE_WIDTH - size, 0.01));
}

#[test]
fn the_footer_sits_at_the_bottom_of_the_last_page() {
    let laid = layout(&example());
    let last = laid.layout.pages.last().unwrap();
    let rules: Vec<_> = last
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
        .collect();
    // 报, 送, 印发, 文号: four elements, five rules.
    assert_eq!(rules.len(), 5);
    let bottom = rules.last().unwrap();
    assert!(
        close(bottom.y, TYPE_BOTTOM, 0.01),
        "last rule at {}",
        bottom.y
    );
    assert!(close(bottom.thickness, 0.35 * MM, 0.001));
    assert!(close(rules[0].thickness, 0.35 * MM, 0.001));
    assert!(close(rules[1].thickness, 0.25 * MM, 0.001));
    let footer: Vec<&TextLine> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Footer)
        .map(|(_, l)| l)
        .collect();
    assert!(footer[0].text().starts_with("报：市委办公室，"));
    assert_eq!(footer.last().unwrap().text(), "益简字【2022】42号");
    // No body text under the footer's first rule.
    let top_rule = rules[0].y;
    for item in &last.items {
        if let Item::Line(l) = item {
            if l.tag == Tag::Paragraph {
                assert!(l.baseline < top_rule);
            }
        }
    }
}

#[test]
fn the_example_keeps_its_footer_on_page_6_as_the_real_issue_did() {
    // The body ends on page 6 with four lines free; the 7-line footer needs
    // 4.8 at its own pitch: the blank line before the last section goes and
    // the footer's pitch tightens a little (a notice says so).
    let laid = layout(&example());
    assert_eq!(laid.layout.pages.len(), 6);
    let last = laid.layout.pages.last().unwrap();
    assert!(last
        .items
        .iter()
        .any(|i| matches!(i, Item::Line(l) if l.tag == Tag::Paragraph)));
    assert!(last
        .items
        .iter()
        .any(|i| matches!(i, Item::Line(l) if l.tag == Tag::Footer)));
    let notice = laid
        .diagnostics
        .iter()
        .find(|d| d.message.contains("版记与正文同在第 6 页"))
        .expect("a notice says what was tightened");
    assert!(!notice.is_warning());
    // Every 报/送/发 name whole on one line.
    let footer: Vec<String> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Footer)
        .map(|(_, l)| l.text())
        .collect();
    let example = example_json();
    for key in ["report_to", "send_to"] {
        for name in example["distribution"][key].as_array().unwrap() {
            let name = name.as_str().unwrap();
            assert!(
                footer.iter().any(|l| l.contains(name)),
                "{name} is split: {footer:?}"
            );
        }
    }
}

#[test]
fn a_footer_that_does_not_fit_moves_to_a_new_page() {
    // A short bulletin keeps its footer on page 1.
    let short = layout_value(&minimal(
        json!([{"type": "article", "title": "短讯", "paragraphs": ["一段话。"]}]),
    ));
    assert_eq!(short.layout.pages.len(), 1);
    // Body text filling page 1 down to line 20 pushes the 3-line footer
    // (报, 送, 印发) to page 2: one free line (29 pt) is less than three at
    // the smallest pitch. It does not go alone: the paragraph's last two
    // lines go with it (layout.md §6.2).
    let mut v = minimal(json!([{"type": "article", "title": "长讯", "paragraphs": []}]));
    let first = short
        .layout
        .lines()
        .find(|(_, l)| l.tag == Tag::Paragraph)
        .unwrap()
        .1
        .grid_line
        .unwrap();
    let lines_to_20 = 21 - first as usize; // lines first..=20
    let text = han(26 + 28 * (lines_to_20 - 1));
    v["body"][0]["paragraphs"] = json!([text]);
    let laid = layout_value(&v);
    let body: Vec<_> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Paragraph)
        .map(|(p, l)| (p, l.grid_line.unwrap()))
        .collect();
    assert_eq!(body.len(), lines_to_20);
    assert_eq!(body[body.len() - 3], (0, 18), "page 1 ends two lines early");
    assert_eq!(&body[body.len() - 2..], &[(1, 0), (1, 1)]);
    assert_eq!(
        laid.layout
            .lines()
            .filter(|(_, l)| l.tag == Tag::Footer)
            .count(),
        3
    );
    assert_eq!(laid.layout.pages.len(), 2);
    assert!(laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Footer)
        .all(|(p, _)| p == 1));
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.message.contains("正文最后 2 行移到第 2 页")));
    // Two lines less of body (three free) and it fits on page 1 at its own
    // pitch, half a line below the last baseline.
    v["body"][0]["paragraphs"] = json!([han(26 + 28 * (lines_to_20 - 3))]);
    let laid = layout_value(&v);
    assert_eq!(laid.layout.pages.len(), 1);
    assert!(laid.diagnostics.iter().all(|d| !d.message.contains("版记")));
}

#[test]
fn page_numbers_alternate_sides() {
    let laid = layout(&example());
    let mut seen = 0;
    for page in &laid.layout.pages {
        let n = page.number.unwrap();
        let num = page
            .items
            .iter()
            .find_map(|i| match i {
                Item::Line(l) if l.tag == Tag::PageNumber => Some(l),
                _ => None,
            })
            .expect("page number");
        assert_eq!(num.text().replace(' ', ""), format!("—{n}—"));
        let size = num.runs[0].size;
        assert_eq!(size, 14.0);
        if n % 2 == 1 {
            assert!(
                close(num.right(), TYPE_LEFT + TYPE_WIDTH - 14.0, 0.01),
                "odd page {n} right"
            );
        } else {
            assert!(
                close(num.left(), TYPE_LEFT + 14.0, 0.01),
                "even page {n} left"
            );
        }
        // The number's top 7 mm below the type area.
        assert!(close(
            num.baseline - 0.88 * size,
            TYPE_BOTTOM + 7.0 * MM,
            0.01
        ));
        seen += 1;
    }
    assert_eq!(seen, laid.layout.pages.len());
}

#[test]
fn headings_are_never_the_last_line_of_a_page() {
    let laid = layout(&example());
    for page in &laid.layout.pages {
        let body: Vec<&TextLine> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Line(l) if l.grid_line.is_some() && l.tag != Tag::Footer => Some(l),
                _ => None,
            })
            .collect();
        if let Some(last) = body.last() {
            assert!(
                !matches!(
                    last.tag,
                    Tag::Title | Tag::Section | Tag::ItemHeading | Tag::GuideLabel
                ),
                "{:?} {} ends a page",
                last.tag,
                last.text()
            );
        }
    }
}

#[test]
fn no_paragraph_leaves_a_single_line_at_a_page_edge() {
    // Paragraphs of 2–6 lines, pushed across page 1's end at every offset.
    for extra in 0..6 {
        let mut paras = vec![han(26 + 28 * 2); 3];
        paras.push(han(26 + 28 * (2 + extra)));
        paras.push(han(26 + 28 * 4));
        paras.push(han(26 + 28 * 3));
        let laid = layout_value(&minimal(
            json!([{"type": "article", "title": "连续", "paragraphs": paras}]),
        ));
        for (p, page) in laid.layout.pages.iter().enumerate() {
            let lines: Vec<&TextLine> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Line(l) if l.tag == Tag::Paragraph => Some(l),
                    _ => None,
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            // Orphan: a paragraph's first (indented) line alone at the bottom.
            let last = lines.last().unwrap();
            let first_of_paragraph = last.left() > TYPE_LEFT + 1.0;
            assert!(
                !first_of_paragraph || last.last,
                "orphan at the end of page {}",
                p + 1
            );
            // Widow: a paragraph's last line alone at the top of a page.
            let first = lines[0];
            if p > 0 && first.left() < TYPE_LEFT + 1.0 {
                assert!(
                    !first.last,
                    "widow at the top of page {} (extra {extra})",
                    p + 1
                );
            }
        }
    }
}

#[test]
fn long_titles_break_into_balanced_lines() {
    let laid = layout(&example());
    let titles: Vec<&TextLine> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Title)
        .map(|(_, l)| l)
        .collect();
    // 20 characters at 22 pt fit on one line; 25 do not and break between
    // words, 13 + 12 (GB/T 9704-2012 §7.3.1: 词意完整, 排列对称).
    assert_eq!(titles[0].text(), "陈竞率队实地调研南洞庭湖湿地保护修复工作");
    assert_eq!(titles[1].text(), "益阳市配合中央生态环境保护");
    assert_eq!(titles[2].text(), "督察协调联络工作会议召开");
    for t in &titles[1..3] {
        let mid = (t.left() + t.right()) / 2.0;
        assert!(close(mid, TYPE_LEFT + TYPE_WIDTH / 2.0, 0.01), "centred");
    }
    // A title with a number is not broken inside it.
    let title = format!("{}2024{}", han(18), han(9));
    let laid = layout_value(&minimal(
        json!([{"type": "article", "title": title, "paragraphs": ["正文。"]}]),
    ));
    let lines: Vec<String> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Title)
        .map(|(_, l)| l.text())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().any(|l| l.contains("2024")), "{lines:?}");
}

#[test]
fn digits_and_latin_are_set_in_the_latin_face_with_quarter_gaps() {
    let laid = layout(&example());
    let faces = &laid.layout.faces;
    let line = body_lines(&laid.layout)
        .map(|(_, l)| l)
        .find(|l| l.text().starts_with("5月9日"))
        .unwrap();
    let five = &line.runs[0];
    assert_eq!(faces[five.face.0 as usize], "LiberationSerif-Regular.ttf");
    assert_eq!(five.glyphs[0].text, "5");
    // "5" is half-width; a quarter-character gap (before spreading) separates it from 月.
    let yue = &line.runs[1].glyphs[0];
    assert_eq!(yue.text, "月");
    let gap = yue.x - (five.glyphs[0].x + five.glyphs[0].width);
    assert!(
        (0.25 * CELL - 0.01..0.25 * CELL + 1.0).contains(&gap),
        "gap {gap}"
    );
}

#[test]
fn the_missing_glyph_sheng_comes_from_the_fallback() {
    let laid = layout(&example());
    let line = laid
        .layout
        .lines()
        .find(|(_, l)| l.text().contains('昇'))
        .unwrap()
        .1;
    let run = line
        .runs
        .iter()
        .find(|r| r.glyphs.iter().any(|g| g.text == "昇"))
        .unwrap();
    assert_eq!(
        laid.layout.faces[run.face.0 as usize],
        "FallbackKai-Light.ttf"
    );
    assert!(run.glyphs.iter().all(|g| g.gid != 0));
    assert!(laid.diagnostics.iter().any(|w| w.message.contains("昇")));
    // No glyph of the whole layout is .notdef.
    for (_, l) in laid.layout.lines() {
        assert!(l.glyphs().all(|g| g.gid != 0), "{}", l.text());
    }
}

#[test]
fn sections_items_and_bookmarks_are_nested() {
    let laid = layout(&example());
    let texts: Vec<String> = laid.layout.lines().map(|(_, l)| l.text()).collect();
    assert!(texts.contains(&"【县市区动态】".to_string()));
    assert!(texts.contains(&"▲南县".to_string()));
    assert!(texts.iter().any(|t| t.starts_with("▲市生态环境局：5月7日")));
    assert!(texts.iter().any(|t| t.starts_with("▲5月8日，")));
    let outline = &laid.layout.outline;
    let titles: Vec<&str> = outline.iter().map(|b| b.title.as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert_eq!(outline[2].title, "【县市区动态】");
    assert_eq!(outline[2].children.len(), 8);
    assert_eq!(outline[2].children[0].title, "▲南县");
}

#[test]
fn the_layout_dump_is_deterministic() {
    let a = layout(&example()).layout.dump();
    let b = layout(&example()).layout.dump();
    assert_eq!(a, b);
    assert!(a.contains("line name"));
    assert!(a.contains("rule x=79.37..521.57"));
}

#[test]
fn spaces_typed_before_a_paragraph_do_not_move_it() {
    let plain = layout(&example()).layout.dump();
    let mut v = example_json();
    let p = &mut v["body"][0]["paragraphs"][0];
    *p = serde_json::Value::from(format!("\u{3000}\u{3000}{}", p.as_str().unwrap()));
    let spaced = layout_value(&v);
    assert_eq!(
        spaced.layout.dump(),
        plain,
        "the indent is the layout's own"
    );
    assert!(
        spaced
            .diagnostics
            .iter()
            .any(|d| d.message.contains("段首的 2 个空格已去掉")),
        "{:?}",
        spaced.diagnostics
    );
}

#[test]
fn punctuation_compression_keeps_lines_on_the_measure() {
    let dir = TempDir::new("compress");
    let opts = with_template(&dir, "[composition]\ncompress_punctuation = true");
    let laid = engine().layout(&example(), &opts).unwrap();
    let plain = layout(&example());
    let mut squeezed_lines = 0;
    for (p, line) in body_lines(&laid.layout) {
        if !line.last {
            assert!(
                close(inner_right(line), TYPE_LEFT + TYPE_WIDTH, 0.01),
                "page {}: {}",
                p + 1,
                line.text()
            );
        }
        let text = line.text();
        let (first, last) = (text.chars().next().unwrap(), text.chars().last().unwrap());
        assert!(!LINE_START_PROHIBITED.contains(first) && !LINE_END_PROHIBITED.contains(last));
        if line
            .glyphs()
            .any(|g| g.width < CELL / 2.0 + 0.01 && g.width > 1.0)
        {
            squeezed_lines += 1;
        }
    }
    assert!(squeezed_lines > 0, "some marks were compressed");
    // Compression never makes the bulletin longer.
    let count = |l: &Layout| body_lines(l).count();
    assert!(count(&laid.layout) <= count(&plain.layout));
}

/// The footer lines of a bulletin with `distribution` and `imprint`.
fn footer_of(
    distribution: serde_json::Value,
    imprint: serde_json::Value,
) -> (Vec<String>, jianbao::Laid) {
    let mut v = minimal(json!([{"type": "article", "title": "短讯", "paragraphs": ["一段话。"]}]));
    v["distribution"] = distribution;
    v["imprint"] = imprint;
    let laid = layout_value(&v);
    let lines = laid
        .layout
        .lines()
        .filter(|(_, l)| l.tag == Tag::Footer)
        .map(|(_, l)| l.text())
        .collect();
    (lines, laid)
}

#[test]
fn footer_names_break_only_between_names() {
    let names = [
        "市委办公室",
        "市人大常委会办公室",
        "市政府办公室",
        "市政协办公室",
        "市纪委监委办公室",
        "市委政研室",
        "市政府研究室",
        "长春经济开发区管委会",
    ];
    let (lines, _) = footer_of(json!({ "report_to": names }), json!({}));
    for n in names {
        assert!(lines.iter().any(|l| l.contains(n)), "{n} split: {lines:?}");
    }
    assert!(lines[0].starts_with("报：市委办公室，"));
    // Lines end after a separator, never inside a name.
    for l in &lines[..lines.len() - 2] {
        assert!(l.ends_with('，'), "{l}");
    }
    // A name longer than a line must break inside; it does, and only it.
    let long = "某某自治州某某县配合中央生态环境保护督察工作领导小组办公室综合协调组材料文件组";
    let (lines, _) = footer_of(json!({ "send_to": ["县委办公室", long] }), json!({}));
    assert!(lines[0].starts_with("送：县委办公室，"));
    assert!(!lines.iter().any(|l| l.contains(long)), "broken: {lines:?}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("县委办公室，")).count(),
        1
    );
}

#[test]
fn the_printing_line_is_one_line_or_the_date_moves_flush_right() {
    let date_line = |lines: &[String]| {
        lines
            .iter()
            .position(|l| l.contains("印发"))
            .expect("a printing line")
    };
    // Fits: one line, uncompressed.
    let (lines, laid) = footer_of(
        json!({}),
        json!({ "issuer": "某县人民政府办公室", "copies": 40 }),
    );
    let k = date_line(&lines);
    assert!(lines[k].starts_with("某县人民政府办公室"));
    assert!(lines[k].ends_with("2024年6月1日印发（共印40份）"));
    assert!(laid
        .diagnostics
        .iter()
        .all(|d| !d.message.contains("印发机关")));
    // Longer: compressed, still one line, with a notice.
    let issuer = "某县配合中央生态环境保护督察协调联络专班";
    let (lines, laid) = footer_of(json!({}), json!({ "issuer": issuer }));
    let k = date_line(&lines);
    assert!(
        lines[k].starts_with(issuer) && lines[k].ends_with("印发"),
        "{lines:?}"
    );
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.message.contains("横向压缩") && !d.is_warning()));
    // Longer still: the issuer at its least scale, then the date too
    // (GB/T 9704-2012 §7.4.3: one line), with a notice.
    let (lines, laid) = footer_of(json!({}), json!({ "issuer": issuer, "copies": 160 }));
    let k = date_line(&lines);
    assert!(
        lines[k].starts_with(issuer) && lines[k].ends_with("（共印160份）"),
        "{lines:?}"
    );
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.message.contains("日期和份数压缩到")));
    // Too long even so: the issuer alone, the date and copies flush right
    // on the next line.
    let issuer = "某县配合中央生态环境保护督察协调联络专班综合协调组";
    let (lines, laid) = footer_of(json!({}), json!({ "issuer": issuer, "copies": 160 }));
    let k = date_line(&lines);
    assert_eq!(lines[k - 1], issuer);
    assert_eq!(lines[k], "2024年6月1日印发（共印160份）");
    let right = laid
        .layout
        .lines()
        .find(|(_, l)| l.text() == lines[k])
        .unwrap()
        .1
        .span
        .1;
    assert!(
        close(right, TYPE_LEFT + TYPE_WIDTH - 14.0, 0.01),
        "flush right, one 字 in"
    );
    // Longer than a line: balanced lines, never one or two characters alone.
    let very =
        "某某自治州某某县配合中央第三生态环境保护督察组督察工作领导小组办公室综合协调组材料文件组";
    let (lines, _) = footer_of(json!({}), json!({ "issuer": very }));
    let k = date_line(&lines);
    let parts = &lines[..k];
    assert!(parts.len() >= 2, "{lines:?}");
    assert_eq!(parts.concat(), very);
    assert!(parts.iter().all(|l| l.chars().count() > 2), "{parts:?}");
}

#[test]
fn the_example_breaks_where_the_office_copy_ended_its_pages() {
    // The real issue (tests/data/seed-yiyang-2024-01.txt, made in Word
    // on the same grid) ends five of its pages inside a paragraph, after
    // these words. Laid out as Word does (hanging line-end marks), at least
    // four of them end a line here too (issue 6).
    let ends = [
        "衔接沟通，益阳市已经成立配合中央生态环境",
        "拿出详细的解决方案，迅速整改到位；各相关",
        "障环境安全。相关企业要制定相应降噪措施，",
        "要提高政治站位，增强迎检工作的责任感、紧",
        "例会暨迎接第三轮中央生态环境保护督察工作",
    ];
    let laid = layout(&example());
    let texts: Vec<String> = laid.layout.lines().map(|(_, l)| l.text()).collect();
    let found: Vec<&str> = ends
        .iter()
        .copied()
        .filter(|e| texts.iter().any(|t| t.ends_with(e)))
        .collect();
    assert!(found.len() >= 4, "only {found:?} end a line");
}
