//! OFD tests: the package opened with a ZIP reader (the `zip` crate) and an XML
//! reader (roxmltree), as an OFD reader would: structure, pages, IDs,
//! embedded subset fonts drawing exactly the layout's glyphs, positions, the
//! text of all TextCode elements against the real issue's text, document
//! information, outline, byte-identical output, and the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::process::Command;

use crate::common::*;
use jianbao::layout::{GlyphRun, Item, Layout};
use jianbao::output::{Output, Writer};
use jianbao::Laid;

const NS: &str = "http://www.ofdspec.org/2016";
const MM_PER_PT: f64 = 25.4 / 72.0;

/// An OFD package read into memory: every entry's bytes by name, in order.
struct Package {
    names: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
    dates: Vec<(u16, u8, u8)>,
}

impl Package {
    fn open(bytes: &[u8]) -> Package {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
        let mut names = Vec::new();
        let mut files = BTreeMap::new();
        let mut dates = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap(); // checks the CRC
            let t = f.last_modified().unwrap();
            dates.push((t.year(), t.month(), t.day()));
            names.push(f.name().to_string());
            files.insert(f.name().to_string(), data);
        }
        Package {
            names,
            files,
            dates,
        }
    }

    fn xml(&self, name: &str) -> String {
        let bytes = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("{name} is in the package"));
        String::from_utf8(bytes.clone()).expect("UTF-8 XML")
    }
}

/// Elements of the OFD namespace named `name` below `node`, in document order.
fn all<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.descendants()
        .filter(move |n| n.is_element() && n.has_tag_name((NS, name)))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name((NS, name)))
        .unwrap_or_else(|| panic!("<{}> has <{name}>", node.tag_name().name()))
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap()).collect()
}

/// A DeltaX list with its `g` abbreviations expanded (GB/T 33190 §11.3).
fn expand(delta: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut it = delta.split_whitespace();
    while let Some(v) = it.next() {
        if v == "g" {
            let n: usize = it.next().unwrap().parse().unwrap();
            let d: f64 = it.next().unwrap().parse().unwrap();
            out.extend(std::iter::repeat_n(d, n));
        } else {
            out.push(v.parse().unwrap());
        }
    }
    out
}

fn render_ofd(json: &[u8]) -> (Laid, Vec<u8>) {
    let laid = layout(json);
    let ofd = jianbao::output::write(&laid, Output::Ofd, Writer::current(Output::Ofd))
        .unwrap_or_else(|e| panic!("OFD render failed: {e}"));
    (laid, ofd)
}

/// The document's parts, resolved from OFD.xml as a reader does.
struct Doc {
    pkg: Package,
    document: String,
    res: String,
    pages: Vec<(u32, String)>,
}

fn open_doc(ofd: &[u8]) -> Doc {
    let pkg = Package::open(ofd);
    let entry = pkg.xml("OFD.xml");
    let e = roxmltree::Document::parse(&entry).unwrap();
    let root = e.root_element();
    assert!(root.has_tag_name((NS, "OFD")));
    assert_eq!(root.attribute("Version"), Some("1.0"));
    assert_eq!(root.attribute("DocType"), Some("OFD"));
    let doc_root = child(child(root, "DocBody"), "DocRoot").text().unwrap();
    let document = pkg.xml(doc_root);
    let dir = doc_root.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let d = roxmltree::Document::parse(&document).unwrap();
    let common = child(d.root_element(), "CommonData");
    let res_name = format!("{dir}/{}", child(common, "PublicRes").text().unwrap());
    let res = pkg.xml(&res_name);
    let pages = all(child(d.root_element(), "Pages"), "Page")
        .map(|p| {
            let id: u32 = p.attribute("ID").unwrap().parse().unwrap();
            let loc = format!("{dir}/{}", p.attribute("BaseLoc").unwrap());
            (id, pkg.xml(&loc))
        })
        .collect();
    Doc {
        pkg,
        document,
        res,
        pages,
    }
}

/// Text without white space, list markers and page numbers (as tests/pdf.rs
/// compares).
fn normalise(text: &str) -> String {
    let mut s = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("- ").unwrap_or(line);
        s.push_str(line);
    }
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
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

/// The text of every TextCode, page by page, in document order.
fn text_codes(doc: &Doc) -> String {
    let mut s = String::new();
    for (_, page) in &doc.pages {
        let p = roxmltree::Document::parse(page).unwrap();
        for code in all(p.root_element(), "TextCode") {
            s.push_str(code.text().unwrap_or(""));
            s.push('\n');
        }
    }
    s
}

#[test]
fn the_package_has_the_structure_of_the_standard() {
    let (laid, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    assert_eq!(doc.pkg.names[0], "OFD.xml", "the entry file comes first");
    assert_eq!(doc.pages.len(), 6);
    assert_eq!(doc.pages.len(), laid.layout.pages.len());
    let d = roxmltree::Document::parse(&doc.document).unwrap();
    let common = child(d.root_element(), "CommonData");
    assert_eq!(
        child(child(common, "PageArea"), "PhysicalBox").text(),
        Some("0 0 210 297")
    );
    // One body layer per page, holding text and path objects only.
    for (_, page) in &doc.pages {
        let p = roxmltree::Document::parse(page).unwrap();
        let layers: Vec<_> = all(p.root_element(), "Layer").collect();
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].attribute("Type"), Some("Body"));
        for obj in layers[0].children().filter(|n| n.is_element()) {
            let name = obj.tag_name().name();
            assert!(name == "TextObject" || name == "PathObject", "{name}");
            let b = numbers(obj.attribute("Boundary").unwrap());
            assert!(b.len() == 4 && b[2] > 0.0 && b[3] > 0.0, "{b:?}");
        }
    }
    // Every part is where the package says, nothing else is in it.
    let r = roxmltree::Document::parse(&doc.res).unwrap();
    assert_eq!(r.root_element().attribute("BaseLoc"), Some("Res"));
    let mut expected: BTreeSet<String> = ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.extend((0..doc.pages.len()).map(|i| format!("Doc_0/Pages/Page_{i}/Content.xml")));
    for f in all(r.root_element(), "FontFile") {
        expected.insert(format!("Doc_0/Res/{}", f.text().unwrap()));
    }
    let got: BTreeSet<String> = doc.pkg.names.iter().cloned().collect();
    assert_eq!(got, expected);
}

#[test]
fn every_id_is_unique_references_resolve_and_max_unit_id_is_the_largest() {
    let (_, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    let mut ids: BTreeMap<u32, String> = BTreeMap::new();
    let mut xmls = vec![doc.document.clone(), doc.res.clone()];
    xmls.extend(doc.pages.iter().map(|(_, p)| p.clone()));
    // Page IDs are declared in Document.xml; the rest where they are defined.
    for x in &xmls {
        let d = roxmltree::Document::parse(x).unwrap();
        for n in d.descendants().filter(|n| n.is_element()) {
            if let Some(id) = n.attribute("ID") {
                let id: u32 = id.parse().expect("ST_ID is an unsigned integer");
                assert!(id > 0);
                let kind = n.tag_name().name().to_string();
                if let Some(prev) = ids.insert(id, kind.clone()) {
                    panic!("ID {id} is used by {prev} and {kind}");
                }
            }
        }
    }
    let d = roxmltree::Document::parse(&doc.document).unwrap();
    let common = child(d.root_element(), "CommonData");
    let max: u32 = child(common, "MaxUnitID").text().unwrap().parse().unwrap();
    assert_eq!(max, *ids.keys().last().unwrap());
    assert_eq!(ids.len(), max as usize, "IDs run from 1 without gaps");
    let kind = |id: &str| ids.get(&id.parse::<u32>().unwrap()).cloned();
    assert_eq!(
        kind(child(common, "DefaultCS").text().unwrap()).as_deref(),
        Some("ColorSpace")
    );
    for x in &xmls {
        let d = roxmltree::Document::parse(x).unwrap();
        for n in all(d.root_element(), "TextObject") {
            assert_eq!(kind(n.attribute("Font").unwrap()).as_deref(), Some("Font"));
        }
        for n in all(d.root_element(), "Dest") {
            assert_eq!(
                kind(n.attribute("PageID").unwrap()).as_deref(),
                Some("Page")
            );
        }
    }
}

/// The runs the writer turns into TextObjects, in order, with their line's
/// baseline: those with a glyph that is not white space (white space at a
/// run's ends is not written).
fn written_runs(layout: &Layout, page: usize) -> Vec<(f32, &GlyphRun)> {
    layout.pages[page]
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Line(l) => Some(l.runs.iter().map(|r| (l.baseline, r))),
            _ => None,
        })
        .flatten()
        .filter(|(_, r)| {
            r.glyphs
                .iter()
                .any(|g| g.text.is_empty() || !g.text.chars().all(char::is_whitespace))
        })
        .collect()
}

fn trimmed(run: &GlyphRun) -> &[jianbao::layout::Glyph] {
    let sp =
        |g: &&jianbao::layout::Glyph| !g.text.is_empty() && g.text.chars().all(char::is_whitespace);
    let a = run.glyphs.iter().take_while(sp).count();
    let b = run.glyphs.len() - run.glyphs.iter().rev().take_while(sp).count();
    &run.glyphs[a..b]
}

/// For every TextObject: the glyph a reader draws for each character (the
/// subset's cmap, or a CGTransform) is the layout's glyph, renumbered as
/// `fonts::subset` documents, and that glyph has the original's outline box;
/// the positions are the layout's.
fn check_glyphs_and_positions(laid: &Laid, ofd: &[u8]) -> usize {
    let doc = open_doc(ofd);
    let r = roxmltree::Document::parse(&doc.res).unwrap();
    // Font ID → (face index, subset bytes).
    let mut fonts: BTreeMap<String, (usize, Vec<u8>)> = BTreeMap::new();
    let used = laid.layout.used_glyphs();
    for (font, (face, _)) in all(r.root_element(), "Font").zip(&used) {
        let file = child(font, "FontFile").text().unwrap();
        let bytes = doc.pkg.files[&format!("Doc_0/Res/{file}")].clone();
        fonts.insert(
            font.attribute("ID").unwrap().to_string(),
            (face.0 as usize, bytes),
        );
    }
    let mut checked = 0;
    for (pi, (_, page)) in doc.pages.iter().enumerate() {
        let p = roxmltree::Document::parse(page).unwrap();
        let objs: Vec<_> = all(p.root_element(), "TextObject").collect();
        let runs = written_runs(&laid.layout, pi);
        assert_eq!(objs.len(), runs.len(), "page {}", pi + 1);
        for (obj, (baseline, run)) in objs.iter().zip(runs) {
            let (face, bytes) = &fonts[obj.attribute("Font").unwrap()];
            assert_eq!(*face, run.face.0 as usize, "the run's face");
            let sub = ttf_parser::Face::parse(bytes, 0).expect("a parseable font");
            let orig_file = laid.fonts.file(run.face);
            let orig = ttf_parser::Face::parse(&orig_file.data, 0).unwrap();
            let gids = &used[&run.face];
            let renumbered = |g: u16| gids.binary_search(&g).map(|i| i as u16 + 1).unwrap_or(0);
            let glyphs = trimmed(run);
            let code = child(*obj, "TextCode");
            let text: Vec<char> = code.text().unwrap().chars().collect();
            assert_eq!(text.len(), glyphs.len(), "one character per glyph");
            // Glyph-index access: CodePosition → glyph.
            let mut by_index: BTreeMap<usize, u16> = BTreeMap::new();
            for t in all(*obj, "CGTransform") {
                let pos: usize = t.attribute("CodePosition").unwrap().parse().unwrap();
                let count: usize = t.attribute("CodeCount").unwrap().parse().unwrap();
                let gl: Vec<u16> = child(t, "Glyphs")
                    .text()
                    .unwrap()
                    .split_whitespace()
                    .map(|v| v.parse().unwrap())
                    .collect();
                assert_eq!(gl.len(), count);
                for (k, g) in gl.into_iter().enumerate() {
                    by_index.insert(pos + k, g);
                }
            }
            for (k, (g, &c)) in glyphs.iter().zip(&text).enumerate() {
                let drawn = match by_index.get(&k) {
                    Some(&g) => g,
                    None => sub.glyph_index(c).map(|g| g.0).unwrap_or(0),
                };
                assert_eq!(drawn, renumbered(g.gid), "{c} on page {}", pi + 1);
                assert_eq!(
                    sub.glyph_bounding_box(ttf_parser::GlyphId(drawn)),
                    orig.glyph_bounding_box(ttf_parser::GlyphId(g.gid)),
                    "the subset's glyph for {c} is the original's"
                );
            }
            // Positions: Boundary corner + CTM scale × (X + ΣDeltaX).
            let b = numbers(obj.attribute("Boundary").unwrap());
            let scale = obj.attribute("CTM").map(|m| numbers(m)[0]).unwrap_or(1.0);
            assert!((scale - f64::from(run.hscale)).abs() < 1e-4);
            let size: f64 = obj.attribute("Size").unwrap().parse().unwrap();
            assert!((size - f64::from(run.size) * MM_PER_PT).abs() < 0.001);
            let mut x: f64 = code.attribute("X").unwrap().parse().unwrap();
            let y: f64 = code.attribute("Y").unwrap().parse().unwrap();
            let deltas = expand(code.attribute("DeltaX").unwrap_or(""));
            assert_eq!(deltas.len() + 1, glyphs.len());
            for (k, g) in glyphs.iter().enumerate() {
                if k > 0 {
                    x += deltas[k - 1];
                }
                let want = f64::from(g.x) * MM_PER_PT;
                assert!(
                    (b[0] + scale * x - want).abs() < 0.002,
                    "x of {} on page {}: {} vs {want}",
                    g.text,
                    pi + 1,
                    b[0] + scale * x
                );
            }
            checked += glyphs.len();
            assert!((b[1] + y - f64::from(baseline) * MM_PER_PT).abs() < 0.001);
        }
    }
    checked
}

#[test]
fn fonts_are_embedded_subsets_that_draw_exactly_the_layouts_glyphs_in_place() {
    let (laid, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    let r = roxmltree::Document::parse(&doc.res).unwrap();
    let fonts: Vec<_> = all(r.root_element(), "Font").collect();
    // Noto Serif, Fandol Fang, Kai and Song, Noto Sans, the fallback, Liberation Serif.
    assert_eq!(fonts.len(), 7);
    let used = laid.layout.used_glyphs();
    let mut names = BTreeSet::new();
    for (font, (face, gids)) in fonts.iter().zip(&used) {
        let file = child(*font, "FontFile").text().unwrap();
        let bytes = &doc.pkg.files[&format!("Doc_0/Res/{file}")];
        let f = ttf_parser::Face::parse(bytes, 0).expect("a parseable font");
        assert_eq!(
            f.number_of_glyphs() as usize,
            gids.len() + 1,
            "{file} is a subset"
        );
        assert!(f.tables().os2.is_some(), "{file} keeps OS/2");
        let orig = &laid.fonts.file(*face).data;
        assert!(
            bytes.len() * 5 < orig.len(),
            "{file} is much smaller than its face"
        );
        assert!(names.insert(font.attribute("FontName").unwrap().to_string()));
    }
    let expected: BTreeSet<String> = [
        "方正小标宋简体",
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
        "楷体",
        "宋体",
        "Times New Roman",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(names, expected, "fonts named as offices name them");
    let glyphs = check_glyphs_and_positions(&laid, &ofd);
    assert!(glyphs > 2500, "{glyphs} glyphs checked");
}

#[test]
fn text_of_all_text_codes_is_the_seed_issue_in_reading_order() {
    let (_, ofd) = render_ofd(&example());
    let got = normalise(&text_codes(&open_doc(&ofd)));
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
        {"type": "article", "title": "PM2.5浓度同比下降12.5%", "paragraphs": ["全县“蓝天保卫战”取得实效——PM2.5平均浓度为28微克/立方米……", "A & B <C> 第二段。"]},
        {"type": "section", "title": "乡镇动态", "items": [{"lead": "城关镇", "paragraphs": ["开展巡查。"]}]}
    ]));
    let (laid, ofd) = render_ofd(&serde_json::to_vec(&v).unwrap());
    let got = normalise(&text_codes(&open_doc(&ofd)));
    let want = normalise(
        "某县工作简报 第3期（总第41期） 某县人民政府办公室 2024年6月1日 \
         PM2.5浓度同比下降12.5% 全县“蓝天保卫战”取得实效——PM2.5平均浓度为28微克/立方米…… A & B <C> 第二段。 \
         【乡镇动态】 ▲城关镇：开展巡查。 报：市政府办公室 送：各乡镇人民政府 \
         某县人民政府办公室 2024年6月1日印发（共印40份）",
    );
    assert_eq!(got, want);
    check_glyphs_and_positions(&laid, &ofd);
}

#[test]
fn substitutes_and_fallbacks_draw_the_layouts_glyph() {
    // U+E000 is in no face: with substitutes allowed it is drawn as 〓, and the
    // text keeps the character; 昇 comes from the fallback face by its cmap.
    let mut v = minimal(serde_json::json!([
        {"type": "article", "title": "标题", "paragraphs": ["新字\u{E000}\u{E000}出现，昇。"]}
    ]));
    v["allow_substitutes"] = serde_json::json!(true);
    let (laid, ofd) = render_ofd(&serde_json::to_vec(&v).unwrap());
    let doc = open_doc(&ofd);
    let mut transforms = 0;
    for (_, page) in &doc.pages {
        let p = roxmltree::Document::parse(page).unwrap();
        for obj in all(p.root_element(), "TextObject") {
            let code = child(obj, "TextCode").text().unwrap();
            for t in all(obj, "CGTransform") {
                transforms += 1;
                let pos: usize = t.attribute("CodePosition").unwrap().parse().unwrap();
                assert_eq!(
                    t.attribute("CodeCount"),
                    Some("2"),
                    "consecutive glyphs share one"
                );
                assert_eq!(code.chars().nth(pos), Some('\u{E000}'));
            }
        }
    }
    assert_eq!(transforms, 1);
    assert!(text_codes(&doc)
        .replace('\n', "")
        .contains("新字\u{E000}\u{E000}出现，昇。"));
    check_glyphs_and_positions(&laid, &ofd);
}

#[test]
fn masthead_is_red_text_over_a_red_rule() {
    let (_, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    let p = roxmltree::Document::parse(&doc.pages[0].1).unwrap();
    let name = all(p.root_element(), "TextObject")
        .find(|o| child(*o, "TextCode").text() == Some("益阳市配合中央生态环境保护督察工作简报"))
        .expect("the name");
    assert_eq!(child(name, "FillColor").attribute("Value"), Some("255 0 0"));
    let rule = all(p.root_element(), "PathObject")
        .next()
        .expect("the rule");
    assert_eq!(
        child(rule, "StrokeColor").attribute("Value"),
        Some("255 0 0")
    );
    let width: f64 = rule.attribute("LineWidth").unwrap().parse().unwrap();
    assert!((width - 1.5 * MM_PER_PT).abs() < 0.001, "{width}");
    let b = numbers(rule.attribute("Boundary").unwrap());
    assert!(b[2] > 150.0 && (b[3] - width).abs() < 0.002, "{b:?}");
    let data = child(rule, "AbbreviatedData").text().unwrap();
    assert!(data.starts_with("M 0 ") && data.contains(" L "), "{data}");
}

#[test]
fn document_information_comes_from_the_bulletin() {
    let (_, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    let e = doc.pkg.xml("OFD.xml");
    let e = roxmltree::Document::parse(&e).unwrap();
    let info = child(child(e.root_element(), "DocBody"), "DocInfo");
    let text = |n: &str| child(info, n).text().unwrap().to_string();
    assert_eq!(
        text("Title"),
        "益阳市配合中央生态环境保护督察工作简报 第1期"
    );
    assert_eq!(text("Author"), "益阳市配合中央生态环境保护督察协调联络专班");
    assert_eq!(text("CreationDate"), "2024-05-10");
    let id = text("DocID");
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let keywords: Vec<_> = all(info, "Keyword").map(|k| k.text().unwrap()).collect();
    assert_eq!(keywords[0], "工作简报");
    // Every ZIP entry carries the bulletin's date, never the clock.
    assert!(doc.pkg.dates.iter().all(|&d| d == (2024, 5, 10)));
}

#[test]
fn the_outline_is_the_pdfs() {
    let (laid, ofd) = render_ofd(&example());
    let doc = open_doc(&ofd);
    let d = roxmltree::Document::parse(&doc.document).unwrap();
    let outlines = child(d.root_element(), "Outlines");
    let top: Vec<_> = outlines
        .children()
        .filter(|n| n.has_tag_name((NS, "OutlineElem")))
        .collect();
    // 4 top-level entries, 8 heading items under 【县市区动态】 (as tests/pdf.rs).
    assert_eq!(top.len(), 4);
    assert_eq!(all(top[2], "OutlineElem").count() - 1, 8);
    assert_eq!(top[2].attribute("Count"), Some("8"));
    let page_ids: Vec<u32> = doc.pages.iter().map(|(id, _)| *id).collect();
    for (elem, bm) in top.iter().zip(&laid.layout.outline) {
        assert_eq!(elem.attribute("Title"), Some(bm.title.as_str()));
        let dest = all(*elem, "Dest").next().unwrap();
        assert_eq!(dest.attribute("Type"), Some("XYZ"));
        let page: u32 = dest.attribute("PageID").unwrap().parse().unwrap();
        assert_eq!(page, page_ids[bm.page]);
        let t: f64 = dest.attribute("Top").unwrap().parse().unwrap();
        assert!((t - f64::from(bm.y) * MM_PER_PT).abs() < 0.001);
    }
    assert_eq!(
        child(child(d.root_element(), "VPreferences"), "PageMode").text(),
        Some("UseOutlines")
    );
}

#[test]
fn renders_are_byte_identical_in_one_process_and_across_processes() {
    let (_, a) = render_ofd(&example());
    let _ = render_ofd(
        &serde_json::to_vec(&minimal(
            serde_json::json!([{"type": "article", "title": "别的", "paragraphs": ["别的内容。"]}]),
        ))
        .unwrap(),
    );
    let (_, b) = render_ofd(&example());
    assert!(a == b, "two renders in one process differ");

    let dir = TempDir::new("ofd");
    let mut outs = Vec::new();
    for i in 0..2 {
        let out = dir.join(format!("{i}.ofd"));
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

#[test]
fn the_command_line_picks_the_format() {
    let dir = TempDir::new("ofd-cli");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .arg("render")
            .arg(root().join("examples/yiyang-2024-01.json"))
            .args(args)
            .arg("--font-dir")
            .arg(root().join("fonts"))
            .output()
            .unwrap()
    };
    let upper = dir.join("a.OFD");
    assert!(run(&["-o", upper.to_str().unwrap()]).status.success());
    assert!(std::fs::read(&upper).unwrap().starts_with(b"PK\x03\x04"));
    let forced = dir.join("b.ofd");
    let out = run(&["--format", "pdf", "-o", forced.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(std::fs::read(&forced).unwrap().starts_with(b"%PDF-"));
    let out = run(&["--format", "ofd", "-o", "-"]);
    assert!(out.status.success());
    assert!(out.stdout == std::fs::read(&upper).unwrap());
    let out = run(&["--pdfa", "-o", dir.join("c.ofd").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pdfa"));
}

#[test]
fn a_guide_frame_is_a_closed_path_around_the_layouts_rectangle() {
    let dir = TempDir::new("ofd-frame");
    let template = dir.join("framed.toml");
    std::fs::write(
        &template,
        "extends = \"jianbao\"\nname = \"framed\"\n[guide]\nframe = true\n",
    )
    .unwrap();
    let opts = jianbao::Options {
        template: Some(template),
        ..Default::default()
    };
    let laid = engine().layout(&example(), &opts).unwrap();
    let frame = laid.layout.pages[0]
        .items
        .iter()
        .find_map(|it| match it {
            Item::Frame(f) => Some(f.clone()),
            _ => None,
        })
        .expect("the template asks for a frame");
    let ofd = jianbao::output::write(&laid, Output::Ofd, Writer::current(Output::Ofd)).unwrap();
    let doc = open_doc(&ofd);
    let p = roxmltree::Document::parse(&doc.pages[0].1).unwrap();
    let path = all(p.root_element(), "PathObject")
        .find(|o| child(*o, "AbbreviatedData").text().unwrap().ends_with(" C"))
        .expect("a closed path");
    let b = numbers(path.attribute("Boundary").unwrap());
    let half = f64::from(frame.thickness) * MM_PER_PT / 2.0;
    let mm = |v: f32| f64::from(v) * MM_PER_PT;
    // The stroke's centre line is the layout's rectangle; the Boundary holds the stroke.
    let d = numbers(
        &child(path, "AbbreviatedData")
            .text()
            .unwrap()
            .replace(['M', 'L', 'C'], " "),
    );
    assert_eq!(d.len(), 8);
    assert!((b[0] + d[0] - mm(frame.x)).abs() < 0.002);
    assert!((b[1] + d[1] - mm(frame.y)).abs() < 0.002);
    assert!((d[4] - d[0] - mm(frame.width)).abs() < 0.002);
    assert!((d[5] - d[1] - mm(frame.height)).abs() < 0.002);
    assert!((d[0] - half).abs() < 0.002 && (b[2] - mm(frame.width) - 2.0 * half).abs() < 0.003);
}
