//! SVG: one page of the layout as an SVG image, for previews (`jianbao serve`).
//! A second back end beside [`crate::output::pdf`]: it reads the same [`Layout`]
//! and makes no layout decision of its own.
//!
//! Text is drawn as glyph outlines: every glyph the page uses is defined once
//! in `<defs>` as a path in font units (read with ttf-parser from the font
//! files of the layout's faces), and each glyph of a line is a `<use>` of it,
//! inside a group per glyph run whose transform scales font units to the
//! run's size and horizontal scale and puts the origin on the baseline. The
//! groups of a text line sit in a group that carries the input path the line
//! was set from (`<g data-path="$.body[1].paragraphs[1]">`), so that a click
//! on the preview leads to the field. Glyph ids name the page, so that
//! several pages can be shown inline in one document. Rules
//! are filled rectangles, frames stroked ones. Measured against embedding the
//! page's subset fonts as WOFF data URLs, outlines are both faster and
//! smaller (docs/serve.md).
//!
//! Deterministic: glyph definitions are ordered by face and glyph id, numbers
//! are written with fixed precision, nothing depends on the clock or the process.

mod path;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Place, Result};
use crate::fonts::{FaceId, FontSet};
use crate::layout::{Item, Layout, Rgb};
use crate::output::xml::escape;

pub use path::glyph_path;

/// `v` with at most `places` decimals, without trailing zeros or a minus
/// sign on zero.
fn num(v: f64, places: usize) -> String {
    let mut s = format!("{v:.places$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// Positions on the page are written to 0.001 pt.
fn pt(v: f32) -> String {
    num(f64::from(v), 3)
}

/// `#rrggbb` of an sRGB colour.
fn hex(c: Rgb) -> String {
    let v = |f: f32| (f.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", v(c.0), v(c.1), v(c.2))
}

/// The most glyph outlines an [`Outlines`] cache keeps; a bulletin uses a
/// few hundred to two thousand glyphs.
const CACHE_LIMIT: usize = 20_000;

/// Glyph outlines as path data, kept between pages and renders: a glyph is
/// read from its font file once. Keyed by font file name and glyph id (the
/// files of one font folder do not change while a program runs).
#[derive(Debug, Default)]
pub struct Outlines {
    paths: Mutex<HashMap<GlyphKey, Option<Arc<str>>>>,
}

/// A glyph of a font file: the file's name and the glyph id.
type GlyphKey = (String, u16);

impl Outlines {
    /// An empty cache.
    pub fn new() -> Outlines {
        Outlines::default()
    }

    /// The path data of `gids` of `face` (sorted, without duplicates), in
    /// that order; `None` for glyphs without an outline.
    fn get(&self, fonts: &FontSet, face: FaceId, gids: &[u16]) -> Result<Vec<Option<Arc<str>>>> {
        let file = fonts.file(face);
        let key = |g: u16| (file.name.clone(), g);
        {
            let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
            let known: Option<Vec<_>> = gids.iter().map(|&g| paths.get(&key(g)).cloned()).collect();
            if let Some(known) = known {
                return Ok(known);
            }
        }
        let parsed = ttf_parser::Face::parse(&file.data, 0).map_err(|e| Error::Font {
            file: file.path.clone(),
            message: format!("无法解析：{e}"),
        })?;
        let out: Vec<Option<Arc<str>>> = gids
            .iter()
            .map(|&g| glyph_path(&parsed, g).map(Arc::from))
            .collect();
        let mut paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        if paths.len() + out.len() > CACHE_LIMIT {
            paths.clear();
        }
        for (&g, d) in gids.iter().zip(&out) {
            paths.insert(key(g), d.clone());
        }
        Ok(out)
    }
}

/// The id of a glyph's definition on page `page` (0-based):
/// `p{page}g{face}-{gid}`, unique among the pages of a document that shows
/// several pages' SVG inline (each page defines its own glyphs).
fn glyph_id(page: usize, face: FaceId, gid: u16) -> String {
    format!("p{}g{}-{gid}", page + 1, face.0)
}

/// Page `index` (0-based) of `layout` as an SVG document, its glyphs drawn
/// from `fonts` (the font set the layout was made with).
pub fn page(layout: &Layout, fonts: &FontSet, index: usize) -> Result<String> {
    page_with(layout, fonts, index, &Outlines::new())
}

/// [`page`], with glyph outlines kept in `outlines` for later pages.
pub fn page_with(
    layout: &Layout,
    fonts: &FontSet,
    index: usize,
    outlines: &Outlines,
) -> Result<String> {
    let Some(page) = layout.pages.get(index) else {
        return Err(Error::Layout {
            place: Place::new("$"),
            message: format!(
                "没有第 {} 页：这一期共 {} 页",
                index + 1,
                layout.pages.len()
            ),
        });
    };
    // The glyphs of the page, by face, sorted.
    let mut used: BTreeMap<FaceId, Vec<u16>> = BTreeMap::new();
    for item in &page.items {
        if let Item::Line(l) = item {
            for r in &l.runs {
                used.entry(r.face)
                    .or_default()
                    .extend(r.glyphs.iter().map(|g| g.gid));
            }
        }
    }
    let mut drawn: BTreeMap<(FaceId, u16), Arc<str>> = BTreeMap::new();
    for (face, gids) in &mut used {
        gids.sort_unstable();
        gids.dedup();
        for (&g, d) in gids.iter().zip(outlines.get(fonts, *face, gids)?) {
            if let Some(d) = d {
                drawn.insert((*face, g), d);
            }
        }
    }
    let upm: BTreeMap<FaceId, f32> = used
        .keys()
        .map(|&face| {
            let file = fonts.file(face);
            ttf_parser::Face::parse(&file.data, 0)
                .map(|f| (face, f32::from(f.units_per_em())))
                .map_err(|e| Error::Font {
                    file: file.path.clone(),
                    message: format!("无法解析：{e}"),
                })
        })
        .collect::<Result<_>>()?;

    let (w, h) = (pt(layout.page_width), pt(layout.page_height));
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}pt\" height=\"{h}pt\">"
    );
    let _ = writeln!(
        out,
        "<title>{} 第 {} 页</title>",
        escape(&layout.info.title),
        index + 1
    );
    let _ = writeln!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>");
    out.push_str("<defs>\n");
    for ((face, gid), d) in &drawn {
        let _ = writeln!(
            out,
            "<path id=\"{}\" d=\"{d}\"/>",
            glyph_id(index, *face, *gid)
        );
    }
    out.push_str("</defs>\n");
    for item in &page.items {
        match item {
            Item::Line(l) => {
                // The line's input path, for a preview that leads back to
                // the field it was set from.
                if let Some(path) = &l.source {
                    let _ = writeln!(out, "<g data-path=\"{}\">", escape(path));
                }
                for r in &l.runs {
                    let glyphs: Vec<_> = r
                        .glyphs
                        .iter()
                        .filter(|g| drawn.contains_key(&(r.face, g.gid)))
                        .collect();
                    let Some(first) = glyphs.first() else {
                        continue;
                    };
                    let units = upm.get(&r.face).copied().unwrap_or(1000.0);
                    // Font units → pt: size / units per em, times the
                    // horizontal scale across; y flipped (fonts point up).
                    let sx = f64::from(r.size) * f64::from(r.hscale) / f64::from(units);
                    let sy = f64::from(r.size) / f64::from(units);
                    let x0 = first.x;
                    let _ = write!(
                        out,
                        "<g fill=\"{}\" transform=\"matrix({} 0 0 {} {} {})\">",
                        hex(r.color),
                        num(sx, 7),
                        num(-sy, 7),
                        pt(x0),
                        pt(l.baseline)
                    );
                    for g in glyphs {
                        let id = glyph_id(index, r.face, g.gid);
                        let dx = f64::from(g.x - x0) / sx;
                        if dx.abs() < 0.05 {
                            let _ = write!(out, "<use href=\"#{id}\"/>");
                        } else {
                            let _ = write!(out, "<use href=\"#{id}\" x=\"{}\"/>", num(dx, 1));
                        }
                    }
                    out.push_str("</g>\n");
                }
                if l.source.is_some() {
                    out.push_str("</g>\n");
                }
            }
            Item::Rule(r) => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    pt(r.x0),
                    pt(r.y - r.thickness / 2.0),
                    pt(r.x1 - r.x0),
                    pt(r.thickness),
                    hex(r.color)
                );
            }
            Item::Frame(f) => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    pt(f.x),
                    pt(f.y),
                    pt(f.width),
                    pt(f.height),
                    hex(f.color),
                    pt(f.thickness)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_short_and_stable() {
        assert_eq!(num(1.0, 3), "1");
        assert_eq!(num(0.0160, 7), "0.016");
        assert_eq!(num(-0.0001, 3), "0");
        assert_eq!(num(123.4567, 3), "123.457");
        assert_eq!(num(-2.5, 1), "-2.5");
        assert_eq!(hex(Rgb(1.0, 0.0, 0.0)), "#ff0000");
        assert_eq!(hex(Rgb(0.5, 2.0, -1.0)), "#80ff00");
    }

    fn laid(json: &str) -> crate::Laid {
        let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        crate::Engine::new(fonts)
            .layout(json.as_bytes(), &crate::Options::default())
            .unwrap()
    }

    const SMALL: &str = r#"{
      "masthead": { "name": "某县工作简报", "issue": 3, "issuer": "某县人民政府办公室", "date": "2024-06-01" },
      "body": [ { "type": "article", "title": "标题", "paragraphs": ["正文 A1，第一段。"] } ],
      "distribution": { "report_to": ["市政府办公室"] },
      "imprint": { "copies": 40 }
    }"#;

    #[test]
    fn a_page_defines_each_glyph_once_and_uses_it_for_every_occurrence() {
        let laid = laid(SMALL);
        let svg = page(&laid.layout, &laid.fonts, 0).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let defs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        let mut unique = defs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(defs.len(), unique.len(), "each glyph defined once");
        // Every glyph with an outline is used once per occurrence; spaces draw nothing.
        let outlined = laid
            .layout
            .lines()
            .flat_map(|(_, l)| l.runs.iter())
            .flat_map(|r| r.glyphs.iter().map(move |g| (r.face, g)))
            .filter(|(_, g)| !g.text.trim().is_empty())
            .count();
        let uses = doc.descendants().filter(|n| n.has_tag_name("use")).count();
        assert_eq!(uses, outlined);
        for u in doc.descendants().filter(|n| n.has_tag_name("use")) {
            let href = u.attribute("href").unwrap();
            assert!(defs.contains(&&href[1..]), "{href} is defined");
        }
        // The same input gives the same bytes, with or without a warm cache.
        let outlines = Outlines::new();
        let again = page_with(&laid.layout, &laid.fonts, 0, &outlines).unwrap();
        let warm = page_with(&laid.layout, &laid.fonts, 0, &outlines).unwrap();
        assert_eq!(svg, again);
        assert_eq!(svg, warm);
    }

    #[test]
    fn rules_are_rectangles_in_their_colour_and_a_missing_page_is_an_error() {
        let laid = laid(SMALL);
        let svg = page(&laid.layout, &laid.fonts, 0).unwrap();
        let red = laid.layout.pages[0]
            .items
            .iter()
            .find_map(|i| match i {
                Item::Rule(r) if r.color == Rgb(1.0, 0.0, 0.0) => Some(r.clone()),
                _ => None,
            })
            .expect("the masthead's red rule");
        let rect = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ff0000\"/>",
            pt(red.x0),
            pt(red.y - red.thickness / 2.0),
            pt(red.x1 - red.x0),
            pt(red.thickness)
        );
        assert!(svg.contains(&rect), "{rect}");
        let n = laid.layout.pages.len();
        let e = page(&laid.layout, &laid.fonts, n).unwrap_err();
        assert!(e.to_string().contains(&format!("共 {n} 页")), "{e}");
    }
}
