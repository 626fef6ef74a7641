//! The layout corpus: varied bulletins (`tests/data/corpus/`, written by its
//! `make.py`): long names, every optional field, footer pressure from 0 to 7
//! free lines, Latin and URLs, punctuation at line edges, 60 pages, the
//! template options. Each is laid out and checked against the rules an
//! office would check a printed page by.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common::*;
use jianbao::layout::{Item, Layout, Tag, TextLine};
use jianbao::typeset::collect::{LINE_END_PROHIBITED, LINE_START_PROHIBITED};
use jianbao::typeset::words::boundaries;
use jianbao::{Laid, Options};

const MM: f32 = 72.0 / 25.4;
const TYPE_TOP: f32 = 37.0 * MM;
const TYPE_BOTTOM: f32 = (37.0 + 225.0) * MM;
const TYPE_WIDTH: f32 = 156.0 * MM;
const PITCH: f32 = 225.0 * MM / 22.0;
const CELL: f32 = 156.0 * MM / 28.0;
/// The most justification may add between two characters: the built-in
/// template's limit, ⅛ 字 (a looser line is one an office would set again).
const LOOSE: f32 = CELL / 8.0 + 0.01;

fn corpus_dir() -> PathBuf {
    root().join("tests/data/corpus")
}

/// Every bulletin of the corpus, laid out once for all the tests that read
/// them: (file name, input, result).
pub fn corpus() -> &'static [(String, serde_json::Value, Laid)] {
    static CORPUS: OnceLock<Vec<(String, serde_json::Value, Laid)>> = OnceLock::new();
    CORPUS.get_or_init(lay_out_corpus)
}

fn lay_out_corpus() -> Vec<(String, serde_json::Value, Laid)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "the corpus has {} bulletins",
        files.len()
    );
    let opts = Options {
        base_dir: corpus_dir(),
        ..Default::default()
    };
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let laid = engine()
                .layout(&bytes, &opts)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, serde_json::from_slice(&bytes).unwrap(), laid)
        })
        .collect()
}

fn lines_of(l: &Layout, tag: Tag) -> Vec<(usize, &TextLine)> {
    l.lines().filter(|(_, t)| t.tag == tag).collect()
}

/// Whether the break between the lines of a title (or name, or guide item)
/// falls on a word boundary of the whole text.
fn breaks_between_words(lines: &[String]) -> bool {
    let whole: String = lines.concat();
    let bounds = boundaries(&whole);
    let mut at = 0;
    lines[..lines.len() - 1].iter().all(|l| {
        at += l.len();
        bounds.contains(&at)
    })
}

/// Consecutive lines with `tag` on the same page that form one text block
/// (up to and including a line marked last).
fn blocks(l: &Layout, tag: Tag) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (_, t) in lines_of(l, tag) {
        cur.push(t.text());
        if t.last {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

#[test]
fn every_bulletin_keeps_the_grid_the_prohibitions_and_no_loose_line() {
    for (name, _, laid) in corpus() {
        let l = &laid.layout;
        let left_of = |p: usize| l.pages[p].type_left;
        let grid_text = lines_of(l, Tag::Paragraph)
            .into_iter()
            .chain(lines_of(l, Tag::Note));
        for (p, line) in grid_text {
            let n = line.grid_line.expect("body lines sit on the grid");
            let size = line.runs[0].size;
            let want = TYPE_TOP + n as f32 * PITCH + (PITCH - size) / 2.0 + 0.88 * size;
            assert!(
                (line.baseline - want).abs() < 0.01,
                "{name} p{}: baseline",
                p + 1
            );
            let text = line.text();
            let first = text.chars().next().unwrap();
            let last = text.chars().last().unwrap();
            assert!(
                !LINE_START_PROHIBITED.contains(first),
                "{name}: starts with {first}: {text}"
            );
            assert!(
                !LINE_END_PROHIBITED.contains(last),
                "{name}: ends with {last}: {text}"
            );
            // A line spread past the template's limit is one the program
            // could not avoid (a long number or name at the line's end): the
            // writer is warned of it.
            assert!(
                line.spread <= LOOSE
                    || laid
                        .diagnostics
                        .iter()
                        .any(|d| d.is_warning() && d.message.contains("字距被拉开")),
                "{name}: loose line ({:.1} pt) without a warning: {text}",
                line.spread
            );
            let right = left_of(p) + TYPE_WIDTH;
            assert!(line.span.1 <= right + 0.01, "{name}: past the edge: {text}");
            if !line.last {
                assert!(
                    (line.span.1 - right).abs() < 0.01,
                    "{name}: short full line: {text}"
                );
            }
        }
    }
}

#[test]
fn every_footer_keeps_with_the_text_unless_there_was_no_room_at_its_compact_pitch() {
    let min_pitch = 0.65 * PITCH;
    let mut alone = Vec::new();
    for (name, input, laid) in corpus() {
        let l = &laid.layout;
        let footer = lines_of(l, Tag::Footer);
        let page = footer[0].0;
        assert!(
            footer.iter().all(|(p, _)| *p == page),
            "{name}: a footer split over pages"
        );
        // Its last rule on the type area's bottom edge.
        let last_rule = l.pages[page]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r.y),
                _ => None,
            })
            .next_back()
            .unwrap();
        assert!(
            (last_rule - TYPE_BOTTOM).abs() < 0.01,
            "{name}: last rule at {last_rule}"
        );
        let body_on = |p: usize| {
            l.pages[p]
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Line(t) if t.grid_line.is_some() && t.tag != Tag::Footer => t.grid_line,
                    _ => None,
                })
                .max()
        };
        if body_on(page).is_none() && page > 0 {
            alone.push(name.clone());
            // The page before had no room for it, even at its compact pitch.
            let before = (0..page).rev().find_map(|p| body_on(p).map(|g| (p, g)));
            if let Some((_, g)) = before {
                let room = TYPE_BOTTOM - (TYPE_TOP + (g + 1) as f32 * PITCH);
                assert!(
                    room < footer.len() as f32 * min_pitch,
                    "{name}: the footer stands alone although {room:.1} pt were free"
                );
            }
        }
        // Every 报/送/发 name whole on one line (a name longer than a line
        // breaks after a 、 or ， inside it: rules.rs).
        let texts: Vec<String> = footer.iter().map(|(_, t)| t.text()).collect();
        for key in ["report_to", "send_to", "issue_to", "extra_to"] {
            for n in input["distribution"][key].as_array().into_iter().flatten() {
                let n = n.as_str().unwrap();
                if n.chars().count() > 24 {
                    continue;
                }
                assert!(
                    texts.iter().any(|t| t.contains(n)),
                    "{name}: {n} split: {texts:?}"
                );
            }
        }
    }
    // Never alone, unless the template puts it on an even page of its own.
    assert!(alone.iter().all(|n| n.starts_with("15-")), "{alone:?}");
}

#[test]
fn every_multi_line_title_name_and_guide_item_breaks_between_words() {
    let mut multi = 0;
    for (name, _, laid) in corpus() {
        // The name's lines are set one by one: they are one block.
        let name_lines: Vec<String> = lines_of(&laid.layout, Tag::Name)
            .iter()
            .map(|(_, t)| t.text())
            .collect();
        if name_lines.len() > 1 {
            multi += 1;
            assert!(breaks_between_words(&name_lines), "{name}: {name_lines:?}");
        }
        for tag in [Tag::Title, Tag::GuideItem] {
            for block in blocks(&laid.layout, tag) {
                if block.len() > 1 {
                    multi += 1;
                    assert!(breaks_between_words(&block), "{name}: {block:?}");
                }
            }
        }
    }
    assert!(
        multi >= 8,
        "{multi} multi-line titles, names and items in the corpus"
    );
}

#[test]
fn the_sixty_page_bulletin_has_sixty_pages() {
    let (_, _, laid) = corpus()
        .iter()
        .find(|(n, _, _)| n.starts_with("13-"))
        .unwrap();
    assert_eq!(laid.layout.pages.len(), 60);
}
