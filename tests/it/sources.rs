//! Every laid-out line carries the input path it was set from (for the
//! preview's click-to-edit), and that path changes nothing else: not the
//! bytes of any writer, not the layout fingerprint of filed copies.

use jianbao::layout::{Item, Layout, Tag};
use jianbao::output::{fingerprint, fingerprint_of, Output, Writer};
use sha2::{Digest, Sha256};

use crate::common;

/// The value at a JSON path of the check's form (`$.body[1].paragraphs[1]`, `$.guide`).
fn at<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut cur = v;
    let mut rest = path.strip_prefix('$')?;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            cur = cur.get(&r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            cur = cur.get(r[..end].parse::<usize>().ok()?)?;
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(cur)
}

/// `layout` with every line's source taken away.
fn without_sources(layout: &Layout) -> Layout {
    let mut l = layout.clone();
    for page in &mut l.pages {
        for item in &mut page.items {
            if let Item::Line(line) = item {
                line.source = None;
            }
        }
    }
    l
}

#[test]
fn every_line_but_page_numbers_names_the_input_text_it_was_set_from() {
    let input = common::example_json();
    let laid = common::layout(&common::example());
    let mut lines = 0;
    for (_, l) in laid.layout.lines() {
        if l.tag == Tag::PageNumber {
            assert_eq!(l.source, None, "{}", l.text());
            continue;
        }
        let path = l
            .source
            .as_deref()
            .unwrap_or_else(|| panic!("no source: {}", l.text()));
        let value = at(&input, path).unwrap_or_else(|| panic!("{path} is not in the input"));
        // A line of one text shows part of that text (lists and the guide
        // label are set from several or from the template).
        if let Some(text) = value.as_str() {
            let shown: String = l.text().chars().filter(|c| !c.is_whitespace()).collect();
            let head: String = shown.chars().take(2).collect();
            if matches!(l.tag, Tag::Paragraph | Tag::Title | Tag::Note) && !path.contains("items") {
                assert!(text.contains(&head), "{path}: {text} / {shown}");
            }
        }
        lines += 1;
    }
    assert!(lines > 100, "{lines} lines");
    let second: Vec<String> = laid
        .layout
        .lines()
        .filter(|(_, l)| l.source.as_deref() == Some("$.body[1].paragraphs[1]"))
        .map(|(_, l)| l.text())
        .collect();
    let want = input["body"][1]["paragraphs"][1].as_str().unwrap();
    assert_eq!(
        second.concat(),
        want,
        "the lines of the second article's second paragraph"
    );
    let find = |path: &str| {
        laid.layout
            .lines()
            .any(|(_, l)| l.source.as_deref() == Some(path))
    };
    for path in [
        "$.masthead.name",
        "$.masthead.issue",
        "$.masthead.issuer",
        "$.guide",
        "$.guide[3]",
        "$.body[0].title",
        "$.body[2].title",
        "$.body[2].items[1].heading",
        "$.body[2].items[1].paragraphs[0]",
        "$.distribution.report_to",
        "$.distribution.send_to",
        "$.imprint.issuer",
        "$.document_number",
    ] {
        assert!(find(path), "a line from {path}");
    }
}

#[test]
fn the_dump_shows_sources_and_the_fingerprint_leaves_them_out() {
    for json in [
        common::example(),
        std::fs::read(common::root().join("tests/data/corpus/13-sixty-pages.json")).unwrap(),
    ] {
        let laid = common::layout(&json);
        let dump = laid.layout.dump();
        assert!(
            dump.contains(" src=$.masthead.name "),
            "the dump names sources"
        );
        let bare = without_sources(&laid.layout);
        assert!(!bare.dump().contains(" src="), "no line keeps a source");
        assert_eq!(fingerprint(&laid.layout), fingerprint(&bare));
    }
}

#[test]
fn a_copy_filed_with_a_layout_fingerprint_keeps_it() {
    // tests/data/archive-direct was filed under the current layout rules,
    // with lines that carry their sources.
    let dir = common::root().join("tests/data/archive-direct/copies");
    let mut checked = 0;
    for bulletin in std::fs::read_dir(&dir).unwrap() {
        for copy in std::fs::read_dir(bulletin.unwrap().path()).unwrap() {
            let copy = copy.unwrap().path();
            let manifest: serde_json::Value =
                serde_json::from_slice(&std::fs::read(copy.join("manifest.json")).unwrap())
                    .unwrap();
            let version = manifest["layout"]["version"].as_u64().unwrap() as u32;
            let want = manifest["layout"]["sha256"].as_str().unwrap();
            let laid = common::layout(&std::fs::read(copy.join("input.json")).unwrap());
            let got = fingerprint_of(version, &laid.layout).unwrap();
            assert_eq!(got.sha256, want, "{}", copy.display());
            assert_ne!(
                hex(&Sha256::digest(laid.layout.dump().as_bytes())),
                want,
                "the dump with sources is not what was hashed"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 1);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn sources_change_no_byte_of_any_writer() {
    let laid = common::layout(&common::example());
    let bare = jianbao::Laid {
        layout: without_sources(&laid.layout),
        ..laid.clone()
    };
    assert_ne!(bare.layout, laid.layout);
    for output in [
        Output::Pdf { pdfa: false },
        Output::Pdf { pdfa: true },
        Output::Ofd,
    ] {
        let writer = Writer::current(output);
        let a = jianbao::output::write(&laid, output, writer).unwrap();
        let b = jianbao::output::write(&bare, output, writer).unwrap();
        assert!(a == b, "{}: the same bytes", writer.name());
    }
}
