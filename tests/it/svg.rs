//! The SVG preview back end on the example: every glyph of page 1 drawn in
//! place by a `<use>` of its outline, the red masthead rule, the guide's
//! frame, and the same bytes from the same layout.

use jianbao::layout::{Item, Rgb};

use crate::common;

/// `matrix(a b c d e f)` of a transform attribute.
fn matrix(t: &str) -> [f64; 6] {
    let inner = t
        .strip_prefix("matrix(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a matrix: {t}"));
    let v: Vec<f64> = inner
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    v.try_into().unwrap()
}

fn attr(n: roxmltree::Node, name: &str) -> f64 {
    n.attribute(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .parse()
        .unwrap()
}

#[test]
fn page_one_of_the_example_draws_every_glyph_in_place() {
    let laid = common::layout(&common::example());
    let svg = jianbao::output::svg::page(&laid.layout, &laid.fonts, 0).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {} {}", 595.276, 841.89).as_str())
    );
    // Glyph definitions: once each, with path data.
    let defs: std::collections::BTreeMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .map(|n| (n.attribute("id").unwrap(), n.attribute("d").unwrap()))
        .collect();
    assert!(defs
        .values()
        .all(|d| d.starts_with('m') && d.ends_with('z')));

    // The runs of page 1, in order, against the groups, in order.
    let page = &laid.layout.pages[0];
    let runs: Vec<_> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Line(l) => Some(l),
            _ => None,
        })
        .flat_map(|l| l.runs.iter().map(move |r| (l, r)))
        .filter(|(_, r)| r.glyphs.iter().any(|g| !g.text.trim().is_empty()))
        .collect();
    let groups: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("transform").is_some())
        .collect();
    assert_eq!(groups.len(), runs.len(), "one group per run that draws");
    let mut checked = 0;
    for ((line, run), g) in runs.iter().zip(&groups) {
        let [a, b, c, d, e, f] = matrix(g.attribute("transform").unwrap());
        assert_eq!((b, c), (0.0, 0.0));
        // y flipped, scaled to the run's size; x also by its horizontal scale.
        assert!((a / -d - f64::from(run.hscale)).abs() < 1e-4, "{a} {d}");
        assert!((f - f64::from(line.baseline)).abs() < 0.001);
        let color = format!(
            "#{:02x}{:02x}{:02x}",
            (run.color.0 * 255.0).round() as u8,
            (run.color.1 * 255.0).round() as u8,
            (run.color.2 * 255.0).round() as u8
        );
        assert_eq!(g.attribute("fill"), Some(color.as_str()));
        let uses: Vec<_> = g.children().filter(|n| n.has_tag_name("use")).collect();
        let drawn: Vec<_> = run
            .glyphs
            .iter()
            .filter(|gl| !gl.text.trim().is_empty())
            .collect();
        assert_eq!(uses.len(), drawn.len(), "{}", line.text());
        for (u, gl) in uses.iter().zip(drawn) {
            let href = u.attribute("href").unwrap();
            assert_eq!(href, format!("#p1g{}-{}", run.face.0, gl.gid));
            assert!(defs.contains_key(&href[1..]), "{href} defined");
            let x = u.attribute("x").map_or(0.0, |v| v.parse::<f64>().unwrap());
            let at = a * x + e;
            assert!(
                (at - f64::from(gl.x)).abs() < 0.01,
                "{} at {at}, layout {}",
                gl.text,
                gl.x
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked} glyphs checked");

    // The red rule of the masthead, as a filled rectangle.
    let rule = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Rule(r) if r.color == Rgb(1.0, 0.0, 0.0) => Some(r),
            _ => None,
        })
        .expect("red rule in the layout");
    let red: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#ff0000"))
        .collect();
    assert_eq!(red.len(), 1);
    let r = red[0];
    assert!((attr(r, "x") - f64::from(rule.x0)).abs() < 0.001);
    assert!((attr(r, "width") - f64::from(rule.x1 - rule.x0)).abs() < 0.001);
    assert!((attr(r, "y") + attr(r, "height") / 2.0 - f64::from(rule.y)).abs() < 0.001);
    assert!((attr(r, "height") - f64::from(rule.thickness)).abs() < 0.001);
    // The masthead's name is red too.
    assert!(groups
        .iter()
        .any(|g| g.attribute("fill") == Some("#ff0000")));

    // Same layout, same bytes; every page is well-formed.
    assert_eq!(
        svg,
        jianbao::output::svg::page(&laid.layout, &laid.fonts, 0).unwrap()
    );
    for i in 0..laid.layout.pages.len() {
        let s = jianbao::output::svg::page(&laid.layout, &laid.fonts, i).unwrap();
        roxmltree::Document::parse(&s).unwrap();
    }
}

#[test]
fn the_guide_frame_is_a_stroked_rectangle() {
    let template = jianbao::template::from_str(
        "framed.toml",
        "extends = \"jianbao\"\nname = \"framed\"\n[guide]\nframe = true\n",
    )
    .unwrap();
    let bulletin = jianbao::model::parse(&common::example()).unwrap();
    let laid = common::engine()
        .layout_bulletin(bulletin, template)
        .unwrap();
    let frames: Vec<_> = laid.layout.pages[0]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Frame(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(frames.len(), 1, "the guide's frame");
    let svg = jianbao::output::svg::page(&laid.layout, &laid.fonts, 0).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let f = &frames[0];
    let found: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("none"))
        .collect();
    assert_eq!(found.len(), 1);
    let n = found[0];
    for (name, want) in [
        ("x", f.x),
        ("y", f.y),
        ("width", f.width),
        ("height", f.height),
        ("stroke-width", f.thickness),
    ] {
        assert!((attr(n, name) - f64::from(want)).abs() < 0.001, "{name}");
    }
}

#[test]
fn each_line_is_a_group_that_names_its_input_path() {
    let laid = common::layout(&common::example());
    for (i, page) in laid.layout.pages.iter().enumerate() {
        let svg = svg_page(&laid, i);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let groups: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("data-path"))
            .collect();
        let sources: Vec<&str> = page
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Line(l) => l.source.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(groups, sources, "page {}", i + 1);
        // Glyph ids name their page, so that pages shown side by side in one
        // document do not share ids.
        let prefix = format!("p{}g", i + 1);
        assert!(doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .all(|id| id.starts_with(&prefix)));
    }
    let svg = svg_page(&laid, 1);
    assert!(svg.contains("<g data-path=\"$.body[1].paragraphs[1]\">"));
}

/// Page `index` of `laid` as the server draws it.
fn svg_page(laid: &jianbao::Laid, index: usize) -> String {
    let page = jianbao::output::Output::SvgPage(index);
    let bytes = jianbao::output::write(laid, page, jianbao::output::Writer::current(page)).unwrap();
    String::from_utf8(bytes).unwrap()
}
