//! PDF tests: page size and count, embedded subset fonts with ToUnicode, the
//! text copied out in reading order, metadata, bookmarks and byte-identical
//! output in one process and across processes.

use std::process::Command;

use crate::common::*;
use crate::pdftext;
use lopdf::{Document, Object};

fn doc(pdf: &[u8]) -> Document {
    Document::load_mem(pdf).expect("a PDF lopdf can read")
}

/// The text of a PDF, as a reader copies it out (the PDF's own fonts and
/// ToUnicode maps, read with lopdf; poppler's pdftotext does the same in
/// `.ci/pdf-check`).
fn pdftotext(pdf: &[u8]) -> String {
    pdftext::extract(pdf).expect("the PDF's text can be read")
}

/// Text without white space, list markers and page numbers (as pdfcheck compares).
fn normalise(text: &str) -> String {
    let mut s = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("- ").unwrap_or(line);
        s.push_str(line);
    }
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    // Page numbers "—N—".
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '—' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && chars[j] == '—' {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn a4_pages_and_metadata() {
    let pdf = render(&example());
    let d = doc(&pdf);
    let pages = d.get_pages();
    assert_eq!(pages.len(), 6);
    for (_, id) in pages {
        let page = d.get_dictionary(id).unwrap();
        let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let w = mb[2].as_float().unwrap();
        let h = mb[3].as_float().unwrap();
        assert!(
            (w - 595.276).abs() < 0.01 && (h - 841.89).abs() < 0.01,
            "{w} x {h}"
        );
    }
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let info_id = d.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = d.get_dictionary(info_id).unwrap();
    let text = |k: &[u8]| -> String {
        let bytes = info.get(k).unwrap().as_str().unwrap();
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    };
    assert_eq!(
        text(b"Title"),
        "益阳市配合中央生态环境保护督察工作简报 第1期"
    );
    assert_eq!(
        text(b"Author"),
        "益阳市配合中央生态环境保护督察协调联络专班"
    );
    assert_eq!(
        info.get(b"CreationDate").unwrap().as_str().unwrap(),
        b"D:20240510000000+08'00'"
    );
    assert!(
        info.get(b"GTS_PDFXVersion").is_err(),
        "no false PDF/X claim"
    );
    assert!(d.trailer.get(b"ID").is_ok());
}

#[test]
fn every_font_is_embedded_subset_with_to_unicode() {
    let pdf = render(&example());
    let d = doc(&pdf);
    let mut fonts = 0;
    for (_, obj) in d.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font".as_slice())
            || dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice())
        {
            continue;
        }
        fonts += 1;
        let base =
            String::from_utf8_lossy(dict.get(b"BaseFont").unwrap().as_name().unwrap()).into_owned();
        let (tag, _) = base.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{base}"
        );
        assert!(
            dict.get(b"ToUnicode").unwrap().as_reference().is_ok(),
            "{base} has ToUnicode"
        );
        let deref = |o: &Object| -> lopdf::Dictionary {
            match o {
                Object::Reference(id) => d.get_dictionary(*id).unwrap().clone(),
                Object::Dictionary(dict) => dict.clone(),
                other => panic!("not a dictionary: {other:?}"),
            }
        };
        let descendants = match dict.get(b"DescendantFonts").unwrap() {
            Object::Reference(id) => d.get_object(*id).unwrap().as_array().unwrap().clone(),
            o => o.as_array().unwrap().clone(),
        };
        let cid = deref(&descendants[0]);
        let fd = deref(cid.get(b"FontDescriptor").unwrap());
        assert!(
            fd.get(b"FontFile2").is_ok() || fd.get(b"FontFile3").is_ok(),
            "{base} is embedded"
        );
    }
    // Noto Serif, Fandol Fang, Kai and Song, Noto Sans, the fallback, Liberation Serif.
    assert_eq!(fonts, 7);
}

#[test]
fn text_copied_out_is_the_seed_issue_in_reading_order() {
    let pdf = render(&example());
    let got = normalise(&pdftotext(&pdf));
    let want = normalise(
        &std::fs::read_to_string(root().join("tests/data/seed-yiyang-2024-01.txt")).unwrap(),
    );
    if got != want {
        let i = got
            .chars()
            .zip(want.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let show = |s: &str| {
            s.chars()
                .skip(i.saturating_sub(10))
                .take(40)
                .collect::<String>()
        };
        panic!(
            "text differs at character {i}:\n got: {}\nwant: {}",
            show(&got),
            show(&want)
        );
    }
}

#[test]
fn text_of_a_small_bulletin_follows_the_input() {
    let v = minimal(serde_json::json!([
        {"type": "article", "title": "PM2.5浓度同比下降12.5%", "paragraphs": ["全县“蓝天保卫战”取得实效——PM2.5平均浓度为28微克/立方米……", "第二段。"]},
        {"type": "section", "title": "乡镇动态", "items": [{"lead": "城关镇", "paragraphs": ["开展巡查。"]}]}
    ]));
    let pdf = render(&serde_json::to_vec(&v).unwrap());
    let got = normalise(&pdftotext(&pdf));
    let want = normalise(
        "某县工作简报 第3期（总第41期） 某县人民政府办公室 2024年6月1日 \
         PM2.5浓度同比下降12.5% 全县“蓝天保卫战”取得实效——PM2.5平均浓度为28微克/立方米…… 第二段。 \
         【乡镇动态】 ▲城关镇：开展巡查。 报：市政府办公室 送：各乡镇人民政府 \
         某县人民政府办公室 2024年6月1日印发（共印40份）",
    );
    assert_eq!(got, want);
}

#[test]
fn bookmarks_are_nested() {
    let pdf = render(&example());
    let d = doc(&pdf);
    let root = d.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let catalog = d.get_dictionary(root).unwrap();
    assert_eq!(
        catalog.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    let outlines = d
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    // 4 top-level entries, 8 heading items under 【县市区动态】.
    assert_eq!(outlines.get(b"Count").unwrap().as_i64().unwrap(), 12);
    let mut entry = outlines.get(b"First").unwrap().as_reference().unwrap();
    let mut top = 0;
    loop {
        let e = d.get_dictionary(entry).unwrap();
        top += 1;
        if top == 3 {
            assert_eq!(e.get(b"Count").unwrap().as_i64().unwrap(), 8);
        }
        match e.get(b"Next") {
            Ok(n) => entry = n.as_reference().unwrap(),
            Err(_) => break,
        }
    }
    assert_eq!(top, 4);
}

/// Every reference of `obj` (recursively), as object ids.
fn references(obj: &Object, out: &mut Vec<lopdf::ObjectId>) {
    match obj {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| references(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| references(o, out)),
        _ => {}
    }
}

#[test]
fn the_file_structure_is_sound() {
    // What qpdf --check verifies (and .ci/pdf-check runs it too): every
    // object of the cross-reference table readable, every reference
    // resolving, every stream decodable, every page with its resources.
    for pdf in [render(&example()), {
        let opts = jianbao::Options::default();
        let pdfa = jianbao::output::Output::Pdf { pdfa: true };
        engine().render(&example(), &opts, pdfa).unwrap().1
    }] {
        let d = doc(&pdf);
        assert!(!d.objects.is_empty());
        let mut refs = Vec::new();
        for (id, obj) in &d.objects {
            references(obj, &mut refs);
            if let Object::Stream(s) = obj {
                let decoded = s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone());
                assert!(
                    !decoded.is_empty() || s.content.is_empty(),
                    "stream {id:?} decodes"
                );
            }
        }
        for r in refs {
            assert!(d.objects.contains_key(&r), "dangling reference {r:?}");
        }
        for (_, page) in d.get_pages() {
            let dict = d.get_dictionary(page).unwrap();
            assert!(dict.has(b"Resources") || dict.has(b"Parent"));
            let content = d.get_page_content(page);
            assert!(!content.is_empty());
            lopdf::content::Content::decode(&content).expect("content stream parses");
        }
        // The trailer's /ID: two strings of 16 bytes.
        let id = d.trailer.get(b"ID").unwrap().as_array().unwrap();
        assert_eq!(id.len(), 2);
        for part in id {
            assert_eq!(part.as_str().unwrap().len(), 16);
        }
    }
}

#[test]
fn renders_are_byte_identical_in_one_process_and_across_processes() {
    let a = render(&example());
    // Something else in between, to move any process-wide state.
    let _ = render(
        &serde_json::to_vec(&minimal(
            serde_json::json!([{"type": "article", "title": "别的", "paragraphs": ["别的内容。"]}]),
        ))
        .unwrap(),
    );
    let b = render(&example());
    assert!(a == b, "two renders in one process differ");

    let dir = TempDir::new("procs");
    let mut outs = Vec::new();
    for i in 0..2 {
        let out = dir.join(format!("{i}.pdf"));
        let status = Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .arg("render")
            .arg(root().join("examples/yiyang-2024-01.json"))
            .arg("-o")
            .arg(&out)
            .arg("--font-dir")
            .arg(root().join("fonts"))
            .status()
            .unwrap();
        assert!(status.success());
        outs.push(std::fs::read(&out).unwrap());
    }
    assert!(outs[0] == outs[1], "two processes differ");
    assert!(outs[0] == a, "the CLI and the library differ");
}

/// Every glyph of `laid`'s layout, page by page, where a reader of `pdf`
/// places it: the same text, within 0.005 pt of the layout's origin.
fn glyphs_are_where_the_layout_put_them(laid: &jianbao::Laid, pdf: &[u8], what: &str) {
    let placed = pdftext::placed(pdf).expect("the PDF's glyphs can be placed");
    let layout = &laid.layout;
    assert_eq!(placed.len(), layout.pages.len(), "{what}: pages");
    let mut total = 0;
    for (k, page) in layout.pages.iter().enumerate() {
        let want: Vec<(f32, f32, &str)> = page
            .items
            .iter()
            .filter_map(|it| match it {
                jianbao::layout::Item::Line(l) => Some(l),
                _ => None,
            })
            .flat_map(|l| {
                l.runs.iter().flat_map(move |r| {
                    r.glyphs
                        .iter()
                        .map(move |g| (g.x, layout.page_height - l.baseline, g.text.as_str()))
                })
            })
            .collect();
        let got = &placed[k];
        assert_eq!(got.len(), want.len(), "{what}: glyphs on page {}", k + 1);
        for (i, ((gx, gy, gt), (wx, wy, wt))) in got.iter().zip(&want).enumerate() {
            assert!(
                (gx - wx).abs() < 0.005 && (gy - wy).abs() < 0.005 && gt == wt,
                "{what}: page {} glyph {i}: the PDF has {gt:?} at ({gx}, {gy}), the layout {wt:?} at ({wx}, {wy})",
                k + 1
            );
        }
        total += want.len();
    }
    assert!(total > 100, "{what}: only {total} glyphs");
}

#[test]
fn every_glyph_is_drawn_where_the_layout_put_it() {
    use jianbao::output::{write, Output, Writer};
    let corpus = root().join("tests/data/corpus");
    let inputs = [
        ("example".to_string(), example()),
        // Long names: scaled runs; Latin and URLs: Latin faces beside CJK.
        (
            "10".into(),
            std::fs::read(corpus.join("10-long-names.json")).unwrap(),
        ),
        (
            "11".into(),
            std::fs::read(corpus.join("11-latin-and-urls.json")).unwrap(),
        ),
        (
            "12".into(),
            std::fs::read(corpus.join("12-punctuation-at-edges.json")).unwrap(),
        ),
    ];
    for (name, json) in inputs {
        let laid = layout(&json);
        let pdfa = Output::Pdf { pdfa: true };
        let pdf = write(&laid, pdfa, Writer::current(pdfa)).unwrap();
        glyphs_are_where_the_layout_put_them(&laid, &pdf, &name);
    }
}

#[test]
fn a_bulletin_of_a_thousand_pages_is_written_with_its_id() {
    // The documented limit (MAX_PAGES): bulletins of about 121 pages or more
    // once failed with "trailer ID placeholder not found" (issue 23).
    let sixty: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/data/corpus/13-sixty-pages.json")).unwrap(),
    )
    .unwrap();
    let blocks = sixty["body"].as_array().unwrap();
    let mut big = sixty.clone();
    // 17 times the 60-page body, less a few articles: just under the limit.
    let body: Vec<_> = blocks.iter().cycle().take(17 * blocks.len() - 8).collect();
    big["body"] = serde_json::json!(body);
    let laid = layout_value(&big);
    let pages = laid.layout.pages.len();
    assert!((950..=jianbao::MAX_PAGES).contains(&pages), "{pages} pages");
    let pdfa = jianbao::output::Output::Pdf { pdfa: true };
    let pdf = jianbao::output::write(&laid, pdfa, jianbao::output::Writer::current(pdfa))
        .unwrap_or_else(|e| panic!("{e}"));
    let d = doc(&pdf);
    assert_eq!(d.get_pages().len(), pages);
    // The ID: twice the first 16 bytes of the SHA-256 of the file written
    // with an ID of zeros.
    let id = d.trailer.get(b"ID").unwrap().as_array().unwrap();
    let hex: String = id[0]
        .as_str()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(id[0], id[1]);
    let at = pdf
        .windows(34)
        .position(|w| w == format!("<{hex}>").as_bytes())
        .expect("the ID in the file");
    let mut zeroed = pdf.clone();
    for k in [at, at + 34] {
        zeroed[k + 1..k + 33].copy_from_slice(&[b'0'; 32]);
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&zeroed);
    let want: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(hex, want);
}
