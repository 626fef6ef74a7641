//! One test per rule of issue 20 (layout.md §3–§6, layout rules 2), each on
//! an input written for it and checked on the laid-out lines: numbers and
//! Latin as Word sets them on the grid, justification, words whole in
//! headings and guide entries, the guide on page 1, strong title breaks,
//! lone last characters, hyphenation, and the 版记 (its gap, carry-over, no
//! compression, entries broken after 、 or ，).

use crate::common::*;
use jianbao::layout::{Glyph, Item, Layout, Tag, TextLine};
use jianbao::typeset::inline::text_units;
use jianbao::typeset::words::boundaries;
use serde_json::{json, Value};

const MM: f32 = 72.0 / 25.4;
const TYPE_LEFT: f32 = 28.0 * MM;
const TYPE_WIDTH: f32 = 156.0 * MM;
const RIGHT: f32 = TYPE_LEFT + TYPE_WIDTH;
const PITCH: f32 = 225.0 * MM / 22.0;
const CELL: f32 = 156.0 * MM / 28.0;
/// Liberation Serif's digits are half an em: 8 pt at 三号, less the grid's
/// adjustment of every character (cell − 16 pt).
const DIGIT: f32 = 8.0 + CELL - 16.0;
/// Word's autospace between a Han character and a digit or Latin run.
const AUTOSPACE: f32 = CELL / 4.0;
/// The built-in template's stretch limit: ⅛ 字 a gap.
const LIMIT: f32 = CELL / 8.0;

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

/// One article whose paragraphs are `paragraphs`.
fn article(paragraphs: &[&str]) -> Value {
    minimal(json!([{"type": "article", "title": "标题", "paragraphs": paragraphs}]))
}

fn paragraph_lines(l: &Layout) -> Vec<&TextLine> {
    l.lines()
        .filter(|(_, t)| t.tag == Tag::Paragraph)
        .map(|(_, t)| t)
        .collect()
}

fn glyphs(line: &TextLine) -> Vec<&Glyph> {
    line.glyphs().collect()
}

fn is_digit(g: &Glyph) -> bool {
    g.text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '%')
}

fn is_han(g: &Glyph) -> bool {
    g.text.chars().all(jianbao::typeset::collect::is_han)
}

/// The white between two glyphs' boxes (their cells, or their widths).
fn gap(a: &Glyph, b: &Glyph) -> f32 {
    b.x - (a.x + a.width)
}

#[test]
fn digits_take_their_own_width_and_a_quarter_zi_beside_han_never_beside_marks() {
    let laid = layout_value(&article(&[
        "截至6月底，全县完成整改问题37个，完成率达到78.7%，其余问题按时序推进。",
    ]));
    for line in paragraph_lines(&laid.layout) {
        let gs = glyphs(line);
        for w in gs.windows(2) {
            let (a, b) = (w[0], w[1]);
            let ascii = |g: &Glyph| g.text.chars().all(|c| c.is_ascii_digit());
            if ascii(a) && ascii(b) {
                assert!(close(b.x, a.x + DIGIT, 0.01), "a digit is its own width");
            } else if is_digit(a) && is_digit(b) {
                // Inside one run (78.7%): nothing between the glyphs.
                assert!(close(gap(a, b), 0.0, 0.01), "{}{}", a.text, b.text);
            } else if (is_han(a) && is_digit(b)) || (is_digit(a) && is_han(b)) {
                assert!(
                    close(gap(a, b), AUTOSPACE + line.spread, 0.01),
                    "{}{}: {}",
                    a.text,
                    b.text,
                    gap(a, b)
                );
            } else if is_digit(a) || is_digit(b) {
                // Beside a mark: no autospace, only what justification adds
                // (nothing before a mark hanging past the edge).
                let hangs = line.hanging && std::ptr::eq(b, *gs.last().unwrap());
                let want = if hangs { 0.0 } else { line.spread };
                assert!(
                    close(gap(a, b), want, 0.01),
                    "{}{}: {}",
                    a.text,
                    b.text,
                    gap(a, b)
                );
            }
        }
    }
}

#[test]
fn a_sign_alone_between_han_characters_takes_the_same_autospace_as_a_number() {
    // Word's autospace treats ASCII signs as Latin text: 吨/日 is spaced as
    // 力2 is, so that every Han–Latin gap of a line is the same.
    let laid = layout_value(&article(&["新增污水处理能力2万吨/日。"]));
    let line = paragraph_lines(&laid.layout)[0];
    let gs = glyphs(line);
    let k = gs.iter().position(|g| g.text == "/").unwrap();
    let two = gs.iter().position(|g| g.text == "2").unwrap();
    for (a, b) in [(k - 1, k), (k, k + 1), (two - 1, two)] {
        assert!(
            close(gap(gs[a], gs[b]), AUTOSPACE, 0.01),
            "{}{}",
            gs[a].text,
            gs[b].text
        );
    }
}

#[test]
fn a_number_at_a_line_start_or_end_sits_on_the_edge() {
    // Line 2 starts with 2024: no gap before it. The paragraph's first line
    // holds 26 cells after its indent.
    let starts = format!("{}2024年{}", han(26), han(30));
    // Line 2 ends with 12345: 25 cells, a gap and the number fill it; the
    // Han character after it does not fit.
    let ends = format!("{}{}12345{}", han(26), han(25), han(10));
    let laid = layout_value(&article(&[&starts, &ends]));
    let lines = paragraph_lines(&laid.layout);
    assert!(lines[1].text().starts_with("2024"), "{}", lines[1].text());
    assert!(close(glyphs(lines[1])[0].x, TYPE_LEFT, 0.01), "flush left");
    let end = lines
        .iter()
        .find(|l| l.text().ends_with("12345"))
        .expect("a line ending with the number");
    let last = *glyphs(end).last().unwrap();
    assert!(close(last.x + last.width, RIGHT, 0.01), "flush right");
    assert!(close(end.span.1, RIGHT, 0.01));
    // And a paragraph opening with a date is indented 2 字, not 2¼.
    let date = layout_value(&article(&["5月8日，县委召开常委会议。"]));
    let first = glyphs(paragraph_lines(&date.layout)[0])[0];
    assert_eq!(first.text, "5");
    assert!(close(first.x, TYPE_LEFT + 2.0 * CELL, 0.01));
}

#[test]
fn lines_with_numbers_are_justified_to_both_edges_with_even_gaps() {
    let text = "1—5月，全县完成固定资产投资38.6亿元，同比增长12.5%，其中工业投资16.2亿元，增长21.3%；\
        5月8日至12日，县生态环境局对全县126家重点排污单位开展执法检查，发现问题43个，已整改39个，整改率90.7%。";
    let laid = layout_value(&article(&[text]));
    let lines = paragraph_lines(&laid.layout);
    assert!(lines.len() >= 3);
    for line in &lines[..lines.len() - 1] {
        assert!(
            line.spread <= LIMIT + 0.01,
            "{}: {}",
            line.spread,
            line.text()
        );
        let gs = glyphs(line);
        let last = gs[gs.len() - 1 - usize::from(line.hanging)];
        assert!(
            close(last.x + last.width, RIGHT, 0.01),
            "flush right: {}",
            line.text()
        );
        // Every Han–digit gap of the line the same.
        let mixed: Vec<f32> = gs
            .windows(2)
            .filter(|w| (is_han(w[0]) && is_digit(w[1])) || (is_digit(w[0]) && is_han(w[1])))
            .map(|w| gap(w[0], w[1]))
            .collect();
        assert!(
            mixed.iter().all(|g| close(*g, mixed[0], 0.01)),
            "{mixed:?}: {}",
            line.text()
        );
    }
}

/// Whether the breaks between the lines of a block fall between words.
fn between_words(lines: &[String]) -> bool {
    let whole: String = lines.concat();
    let bounds = boundaries(&whole);
    let mut at = 0;
    lines[..lines.len() - 1].iter().all(|l| {
        at += l.len();
        bounds.contains(&at)
    })
}

fn texts(l: &Layout, tag: Tag) -> Vec<String> {
    l.lines()
        .filter(|(_, t)| t.tag == tag)
        .map(|(_, t)| t.text())
        .collect()
}

#[test]
fn section_and_item_headings_and_guide_entries_break_between_words() {
    let mut v = minimal(json!([{
        "type": "section",
        "title": "关于深入学习贯彻习近平生态文明思想全面推进中央生态环境保护督察反馈问题整改落实工作动态",
        "items": [{
            "heading": "县生态环境局、县自然资源局、县水利局、县农业农村局、县住房和城乡建设局联合行动",
            "paragraphs": ["一段话。"]
        }]
    }]));
    v["guide"] =
        json!(["县生态环境局联合县自然资源局、县水利局开展资江桃江段河道“清四乱”专项行动"]);
    let laid = layout_value(&v);
    for tag in [Tag::Section, Tag::ItemHeading, Tag::GuideItem] {
        let lines = texts(&laid.layout, tag);
        assert!(lines.len() >= 2, "{tag:?} wraps: {lines:?}");
        assert!(between_words(&lines), "{tag:?}: {lines:?}");
    }
    // A guide entry takes the full measure, its continuation hanging after ★.
    let guide: Vec<&TextLine> = laid
        .layout
        .lines()
        .filter(|(_, t)| t.tag == Tag::GuideItem)
        .map(|(_, t)| t)
        .collect();
    let bullet = glyphs(guide[0])[0];
    assert_eq!(bullet.text, "★");
    assert!(close(glyphs(guide[1])[0].x, bullet.x + CELL, 0.01));
}

#[test]
fn the_guide_stays_on_page_1_or_check_warns() {
    let titles: Vec<String> = (1..=12).map(|k| format!("第{k}篇{}", han(8))).collect();
    let body: Vec<Value> = titles
        .iter()
        .map(|t| json!({"type": "article", "title": t, "paragraphs": ["一段话。"]}))
        .collect();
    let mut v = minimal(json!(body));
    v["guide"] = json!("auto");
    let laid = layout_value(&v);
    let pages: Vec<usize> = laid
        .layout
        .lines()
        .filter(|(_, t)| matches!(t.tag, Tag::GuideItem | Tag::GuideLabel))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(pages.len(), 13, "label and twelve entries");
    assert!(pages.iter().all(|&p| p == 0), "{pages:?}");
    assert!(laid.diagnostics.iter().all(|d| !d.message.contains("导读")));
    // Forty entries cannot stay: the writer is warned.
    v["guide"] = json!((0..40)
        .map(|k| format!("第{k}条{}", han(10)))
        .collect::<Vec<_>>());
    let laid = layout_value(&v);
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.is_warning() && d.message.contains("导读在第1页排不下")));
}

#[test]
fn titles_break_after_a_comma_and_open_their_second_line_with_the_dash() {
    let title = |t: &str| {
        let laid = layout_value(&minimal(
            json!([{"type": "article", "title": t, "paragraphs": ["一段话。"]}]),
        ));
        let lines: Vec<TextLine> = laid
            .layout
            .lines()
            .filter(|(_, l)| l.tag == Tag::Title)
            .map(|(_, l)| l.clone())
            .collect();
        (lines, laid)
    };
    let (lines, _) = title("全县生态环境质量持续改善，PM2.5平均浓度同比下降8.8%");
    let texts: Vec<String> = lines.iter().map(TextLine::text).collect();
    assert_eq!(
        texts,
        ["全县生态环境质量持续改善，", "PM2.5平均浓度同比下降8.8%"]
    );
    let (lines, laid) = title("守护好一江碧水筑牢长江中游生态安全屏障——全县河湖长制工作综述");
    let texts: Vec<String> = lines.iter().map(TextLine::text).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[1].starts_with("——"), "{texts:?}");
    // The dash in the title's own bold face, a bar of two full cells.
    let face = laid
        .layout
        .faces
        .iter()
        .position(|f| f == "NotoSerifCJKsc-Bold.subset.otf")
        .unwrap();
    let dash = lines[1]
        .runs
        .iter()
        .find(|r| r.glyphs.iter().any(|g| g.text == "—"))
        .unwrap();
    assert_eq!(usize::from(dash.face.0), face);
    let d = &dash.glyphs[..2];
    assert!(close(d[0].advance, 22.0, 0.01) && close(d[1].x, d[0].x + 22.0, 0.01));
}

#[test]
fn no_paragraph_ends_with_a_lone_character() {
    // Line 2 holds three digits and 25 characters, 4 pt short of full
    // (26.5 cells as a reader counts them): 好 would stand alone on line 3.
    let pulled = format!("{}1{}2{}3{}好。", han(26), han(8), han(8), han(9));
    // 26 + 28 characters fill two lines: taking 好 back would put 29
    // characters on a 28-cell line, so line 2 gives one instead.
    let pushed = format!("{}好。", han(54));
    let laid = layout_value(&article(&[&pulled, &pushed]));
    let lines = paragraph_lines(&laid.layout);
    let mut paragraphs: Vec<Vec<&TextLine>> = vec![Vec::new()];
    for l in lines {
        paragraphs.last_mut().unwrap().push(l);
        if l.last {
            paragraphs.push(Vec::new());
        }
    }
    paragraphs.pop();
    assert_eq!(paragraphs.len(), 2);
    // The first: taken back into two lines, the second set tighter (within
    // the limit), its 。 hanging; the second gives a character.
    assert_eq!(paragraphs[1].len(), 3);
    assert_eq!(paragraphs[1][2].text().chars().count(), 3);
    let p = &paragraphs[0];
    assert_eq!(
        p.len(),
        2,
        "{:?}",
        p.iter().map(|l| l.text()).collect::<Vec<_>>()
    );
    assert!(p[1].spread < 0.0 && -p[1].spread <= LIMIT + 0.01);
    assert!(p[1].hanging && close(p[1].span.1, RIGHT, 0.01));
    // Every paragraph's last line holds two characters at least.
    for p in &paragraphs {
        let last = p.last().unwrap().text();
        assert!(text_units(&last) >= 2, "lone: {last}");
    }
    assert!(laid
        .diagnostics
        .iter()
        .all(|d| !d.message.contains("最后一行")));
}

#[test]
fn english_words_are_hyphenated_rather_than_a_line_letter_spaced() {
    let text = "考察组介绍了Integrated Environmental Management and Biodiversity Conservation Programme的主要做法，\
        建议建立Ecosystem Services Assessment长效机制，推广Nature-based Solutions理念。";
    let laid = layout_value(&article(&[text]));
    let lines = paragraph_lines(&laid.layout);
    assert!(
        lines.iter().any(|l| l.text().ends_with('-')),
        "{:?}",
        lines.iter().map(|l| l.text()).collect::<Vec<_>>()
    );
    for l in &lines {
        assert!(l.spread <= LIMIT + 0.01, "{}: {}", l.spread, l.text());
    }
    // The hyphen is drawn, not in the text the lines were made of: joined
    // without it, the lines give the paragraph back.
    let joined: String = lines
        .iter()
        .map(|l| {
            let t = l.text();
            match t.strip_suffix('-') {
                Some(s) if !t.ends_with("Nature-") => s.to_string(),
                _ => t,
            }
        })
        .collect();
    assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    assert!(laid.diagnostics.iter().all(|d| !d.is_warning()));
}

#[test]
fn a_line_that_must_be_letter_spaced_past_the_limit_is_a_warning() {
    // A number too long to end the first line leaves it short by most of
    // its width, with nothing to squeeze or split.
    let text = format!("{}1234567890123{}", han(21), han(20));
    let laid = layout_value(&article(&[&text]));
    assert!(paragraph_lines(&laid.layout)[0].spread > LIMIT);
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.is_warning() && d.message.contains("字距被拉开")));
}

#[test]
fn a_sixteen_thousand_digit_run_is_broken_at_the_edge_and_laid_out() {
    // Issue 23 item 8: an unbreakable run as long as this took 14.8 s when
    // every piece copied the whole run; each glyph is now moved once.
    let digits: String = "1234567890".repeat(1600);
    let laid = layout_value(&article(&[&digits]));
    let lines = paragraph_lines(&laid.layout);
    let text: String = lines.iter().map(|l| l.text()).collect();
    assert_eq!(text, digits, "every digit once, in order");
    for l in &lines {
        assert!(l.right() <= RIGHT + 0.01);
    }
    assert!(laid
        .diagnostics
        .iter()
        .any(|d| d.is_warning() && d.message.contains("比一行还长")));
}

#[test]
fn the_cells_option_sets_runs_in_whole_cells_as_libreoffice_does() {
    let dir = TempDir::new("cells");
    let tpl = dir.join("t.toml");
    std::fs::write(
        &tpl,
        "extends = \"jianbao\"\n[composition]\ngrid_latin = \"cells\"\n",
    )
    .unwrap();
    let opts = jianbao::Options {
        template: Some(tpl),
        ..Default::default()
    };
    let json = serde_json::to_vec(&article(&["截至6月底，完成率达到78.7%。"])).unwrap();
    let laid = engine().layout(&json, &opts).unwrap();
    let line = paragraph_lines(&laid.layout)[0];
    let gs = glyphs(line);
    // 截至 | 6 in one cell | 月: 月 starts three cells after 截.
    let k = gs.iter().position(|g| g.text == "月").unwrap();
    assert!(close(gs[k].x - gs[0].x, 3.0 * CELL, 0.01));
}

fn footer_lines(l: &Layout) -> Vec<&TextLine> {
    l.lines()
        .filter(|(_, t)| t.tag == Tag::Footer)
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn the_footer_keeps_half_a_line_below_the_last_text_line() {
    for laid in [layout(&example()), layout_value(&article(&[&han(300)]))] {
        let l = &laid.layout;
        let last = l.pages.len() - 1;
        let first_rule = l.pages[last]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) if r.thickness < 1.0 => Some(r.y),
                _ => None,
            })
            .next()
            .unwrap();
        let text = l
            .lines()
            .filter(|(p, t)| *p == last && t.grid_line.is_some() && t.tag != Tag::Footer)
            .map(|(_, t)| t.baseline)
            .fold(0.0_f32, f32::max);
        assert!(text > 0.0, "text on the footer's page");
        assert!(
            first_rule - text >= PITCH / 2.0 - 0.01,
            "{}",
            first_rule - text
        );
    }
}

#[test]
fn the_footer_is_never_punctuation_compressed() {
    let dir = TempDir::new("nocompress");
    let tpl = dir.join("t.toml");
    std::fs::write(
        &tpl,
        "extends = \"jianbao\"\n[composition]\ncompress_punctuation = true\n",
    )
    .unwrap();
    let opts = jianbao::Options {
        template: Some(tpl),
        ..Default::default()
    };
    let mut v = article(&["一段话。"]);
    v["distribution"]["report_to"] = json!([
        "市委办公室",
        "市人大常委会办公室（研究室）",
        "市政府办公室",
        "市政协办公室",
        "市纪委监委办公室",
        "市委政研室"
    ]);
    let laid = engine()
        .layout(&serde_json::to_vec(&v).unwrap(), &opts)
        .unwrap();
    for line in footer_lines(&laid.layout) {
        for g in line.glyphs() {
            if "：，（）、".contains(g.text.as_str()) {
                assert!(close(g.width, 14.0, 0.01), "{} is {} wide", g.text, g.width);
            }
        }
    }
    // Its continuation lines hang under the first name, after 「报：」.
    let lines = footer_lines(&laid.layout);
    assert!(lines[1].text().starts_with("市"), "{}", lines[1].text());
    assert!(close(glyphs(lines[1])[0].x, glyphs(lines[0])[2].x, 0.01));
}

#[test]
fn a_footer_entry_longer_than_a_line_breaks_after_a_separator() {
    let long =
        "各乡镇（街道）党（工）委、人民政府（办事处），县直机关各单位、各人民团体，县属国有企业";
    let mut v = article(&["一段话。"]);
    v["distribution"]["send_to"] = json!(["县委办公室", long]);
    let laid = layout_value(&v);
    let lines: Vec<String> = footer_lines(&laid.layout)
        .iter()
        .map(|l| l.text())
        .collect();
    let sent: Vec<&String> = lines
        .iter()
        .skip_while(|l| !l.starts_with("送："))
        .take_while(|l| !l.starts_with("印发") && !l.contains("印发"))
        .collect();
    assert!(sent.len() >= 2, "{lines:?}");
    for l in &sent[..sent.len() - 1] {
        assert!(l.ends_with('、') || l.ends_with('，'), "{l}: {lines:?}");
    }
}
