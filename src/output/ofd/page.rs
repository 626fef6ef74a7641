//! One page's content (GB/T 33190-2016 §7.7, Page.xsd): a body layer of text
//! objects, one per glyph run, and path objects for rules and frames, each at
//! the layout's position converted to millimetres. Page coordinates start at
//! the paper's top-left corner with y downwards, in millimetres, as in the
//! layout (in pt); an object's own coordinates start at the top-left corner
//! of its Boundary (CT_GraphicUnit), through its CTM.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fonts::FaceId;
use crate::layout::{Frame, Glyph, GlyphRun, Item, Page, Rule};
use crate::template::Rgb;

use super::fonts::Embedded;
use super::xml::{decimal, mm, mm_of_um, um, Xml, MM_PER_PT};
use super::Ids;

/// An OFD colour value: `r g b`, 0–255 in the default RGB space.
pub fn color(c: Rgb) -> String {
    let v = |f: f32| (f.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{} {} {}", v(c.0), v(c.1), v(c.2))
}

/// A Boundary: `x y w h` from micrometres.
fn boundary(x: i64, y: i64, w: i64, h: i64) -> String {
    format!(
        "{} {} {} {}",
        mm_of_um(x),
        mm_of_um(y),
        mm_of_um(w),
        mm_of_um(h)
    )
}

/// TextCode positions are written to 0.1 µm: four places of a millimetre.
const PLACES: usize = 4;
/// Position units per millimetre.
const UNITS_PER_MM: f64 = 10_000.0;
/// How far (in position units: 1 µm) a character's written position may
/// drift from the layout's before its gap is corrected.
const DRIFT: f64 = 10.0;

/// X and DeltaX (§11.3, table 46) of characters whose origins are at `xs`
/// (mm, in the object's space): X is the first origin, DeltaX the gaps
/// between consecutive origins, each rounded, corrected when the sum drifts
/// more than 1 µm from the layout, and repeated gaps written in the `g` form
/// (`g 5 5.5714` for five equal gaps).
pub fn positions(xs: &[f64]) -> (String, String) {
    let Some(&first) = xs.first() else {
        return ("0".into(), String::new());
    };
    let mut at = (first * UNITS_PER_MM).round() as i64;
    let x = decimal(at, PLACES);
    let mut gaps = Vec::with_capacity(xs.len());
    for w in xs.windows(2) {
        let target = w[1] * UNITS_PER_MM;
        let mut gap = ((w[1] - w[0]) * UNITS_PER_MM).round() as i64;
        if ((at + gap) as f64 - target).abs() > DRIFT {
            gap = (target - at as f64).round() as i64;
        }
        at += gap;
        gaps.push(gap);
    }
    let mut out = String::new();
    let mut i = 0;
    while i < gaps.len() {
        let mut n = 1;
        while i + n < gaps.len() && gaps[i + n] == gaps[i] {
            n += 1;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let one = decimal(gaps[i], PLACES);
        if n >= 3 {
            let _ = write!(out, "g {n} {one}");
        } else {
            out.push_str(&one);
            if n == 2 {
                out.push(' ');
                out.push_str(&one);
            }
        }
        i += n;
    }
    (x, out)
}

/// The text a glyph stands for in a TextCode: its text, or U+FFFD for a
/// glyph that stands for none.
fn code_text(g: &Glyph) -> &str {
    if g.text.is_empty() {
        "\u{FFFD}"
    } else {
        &g.text
    }
}

/// The glyphs of a run that are written: white space at the run's ends is
/// left out, as it draws nothing and readers that trim element text would
/// shift every position after it.
fn written(run: &GlyphRun) -> &[Glyph] {
    let is_space = |g: &&Glyph| !g.text.is_empty() && g.text.chars().all(char::is_whitespace);
    let start = run.glyphs.iter().take_while(is_space).count();
    let end = run.glyphs.len() - run.glyphs.iter().rev().take_while(is_space).count();
    &run.glyphs[start..end.max(start)]
}

/// `glyphs` (not empty) of `run` as one TextObject.
fn text_object(
    x: &mut Xml,
    run: &GlyphRun,
    glyphs: &[Glyph],
    baseline: f32,
    font: &Embedded,
    id: u32,
) {
    // The box every glyph's ink lies in (drawing outside an object's
    // Boundary is clipped): the face's bounding box at each end, 1 µm to spare.
    let em = run.size;
    let [bx0, by0, bx1, by1] = font.bbox;
    let first = &glyphs[0];
    let last = &glyphs[glyphs.len() - 1];
    let left = um(first.x + bx0.min(0.0) * em * run.hscale) - 1;
    let right =
        um(last.x + bx1.max(last.advance / (em * run.hscale).max(1e-3)) * em * run.hscale) + 1;
    let top = um(baseline - by1.max(1.0) * em) - 1;
    let bottom = um(baseline - by0.min(0.0) * em) + 1;

    let size = mm(run.size);
    let id_s = id.to_string();
    let font_s = font.id.to_string();
    let bound = boundary(left, top, right - left, bottom - top);
    // Horizontal scale as the object's CTM (CT_GraphicUnit), which every reader
    // applies to glyphs and positions alike; HScale (§11.2) is read by some
    // readers as scaling the glyphs only and by others the positions too.
    let scale_units = (f64::from(run.hscale) * 10_000.0).round() as i64;
    let scaled = scale_units != 10_000;
    let ctm = format!("{} 0 0 1 0 0", decimal(scale_units, 4));
    let mut attrs = vec![
        ("ID", id_s.as_str()),
        ("Boundary", bound.as_str()),
        ("Font", font_s.as_str()),
        ("Size", size.as_str()),
    ];
    if scaled {
        attrs.push(("CTM", ctm.as_str()));
    }
    x.open("TextObject", &attrs);
    x.empty("FillColor", &[("Value", &color(run.color))]);

    // Glyph-index access (§11.4, CT_CGTransform) where the subset's cmap
    // would not draw the layout's glyph for the text (a substitute 〓 for a
    // character no face has, .notdef, a glyph standing for several or no
    // characters): consecutive such glyphs share one transform.
    let mut text = String::new();
    let mut pos = 0usize;
    // (CodePosition, CodeCount, glyphs)
    let mut transforms: Vec<(usize, usize, Vec<u16>)> = Vec::new();
    for g in glyphs {
        let t = code_text(g);
        let n = t.chars().count();
        let sub = font.glyph(g.gid);
        if !(n == 1 && font.cmap_draws(t, sub)) {
            match transforms.last_mut() {
                // Extend a transform of single characters that ends here.
                Some((p, c, gl)) if n == 1 && *p + *c == pos && *c == gl.len() => {
                    *c += 1;
                    gl.push(sub);
                }
                _ => transforms.push((pos, n, vec![sub])),
            }
        }
        text.push_str(t);
        pos += n;
    }
    for (position, count, gl) in &transforms {
        let p = position.to_string();
        let c = count.to_string();
        let n = gl.len().to_string();
        x.open(
            "CGTransform",
            &[
                ("CodePosition", p.as_str()),
                ("CodeCount", c.as_str()),
                ("GlyphCount", n.as_str()),
            ],
        );
        let list: Vec<String> = gl.iter().map(u16::to_string).collect();
        x.text("Glyphs", &[], &list.join(" "));
        x.close();
    }
    // DeltaX holds one gap per character (§11.3): the characters of one
    // glyph after its first sit at the glyph's origin. Positions are in the
    // object's space: from the Boundary's corner, divided by the CTM's scale.
    let scale = scale_units as f64 / 10_000.0;
    let left_mm = left as f64 / 1000.0;
    let mut xs = Vec::with_capacity(pos);
    for g in glyphs {
        let gx = (f64::from(g.x) * MM_PER_PT - left_mm) / scale;
        for _ in 0..code_text(g).chars().count() {
            xs.push(gx);
        }
    }
    let (tx, dx) = positions(&xs);
    let ty = decimal(
        ((f64::from(baseline) * MM_PER_PT - top as f64 / 1000.0) * UNITS_PER_MM).round() as i64,
        PLACES,
    );
    let mut tattrs = vec![("X", tx.as_str()), ("Y", ty.as_str())];
    if !dx.is_empty() {
        tattrs.push(("DeltaX", dx.as_str()));
    }
    x.text("TextCode", &tattrs, &text);
    x.close();
}

/// A rule as a stroked PathObject; the Boundary holds the stroke's width.
fn rule_object(x: &mut Xml, r: &Rule, id: u32) {
    let half = um(r.thickness / 2.0);
    let (x0, x1, y) = (um(r.x0), um(r.x1), um(r.y));
    let data = format!(
        "M 0 {h} L {w} {h}",
        h = mm_of_um(half),
        w = mm_of_um(x1 - x0)
    );
    path_object(
        x,
        id,
        &boundary(x0, y - half, x1 - x0, 2 * half),
        r.thickness,
        r.color,
        &data,
    );
}

/// A frame as a closed, stroked PathObject.
fn frame_object(x: &mut Xml, f: &Frame, id: u32) {
    let half = um(f.thickness / 2.0);
    let (fx, fy, w, h) = (um(f.x), um(f.y), um(f.width), um(f.height));
    let (a, b, c) = (mm_of_um(half), mm_of_um(half + w), mm_of_um(half + h));
    let data = format!("M {a} {a} L {b} {a} L {b} {c} L {a} {c} C");
    path_object(
        x,
        id,
        &boundary(fx - half, fy - half, w + 2 * half, h + 2 * half),
        f.thickness,
        f.color,
        &data,
    );
}

fn path_object(x: &mut Xml, id: u32, bound: &str, width: f32, c: Rgb, data: &str) {
    let id = id.to_string();
    let lw = mm(width);
    x.open(
        "PathObject",
        &[
            ("ID", id.as_str()),
            ("Boundary", bound),
            ("LineWidth", lw.as_str()),
        ],
    );
    x.empty("StrokeColor", &[("Value", &color(c))]);
    x.text("AbbreviatedData", &[], data);
    x.close();
}

/// The Content.xml of `page`, its IDs taken from `ids`.
pub(super) fn content(page: &Page, fonts: &BTreeMap<FaceId, &Embedded>, ids: &mut Ids) -> Vec<u8> {
    let mut x = Xml::new("Page", &[]);
    x.open("Content", &[]);
    let layer = ids.take().to_string();
    x.open("Layer", &[("ID", layer.as_str()), ("Type", "Body")]);
    for item in &page.items {
        match item {
            Item::Line(l) => {
                for run in &l.runs {
                    let Some(font) = fonts.get(&run.face) else {
                        continue;
                    };
                    let glyphs = written(run);
                    if !glyphs.is_empty() {
                        text_object(&mut x, run, glyphs, l.baseline, font, ids.take());
                    }
                }
            }
            Item::Rule(r) => rule_object(&mut x, r, ids.take()),
            Item::Frame(f) => frame_object(&mut x, f, ids.take()),
        }
    }
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_abbreviate_repeated_gaps() {
        assert_eq!(positions(&[1.5]), ("1.5".into(), String::new()));
        assert_eq!(positions(&[0.0, 5.644]), ("0".into(), "5.644".into()));
        assert_eq!(
            positions(&[0.0, 5.644, 11.288]),
            ("0".into(), "5.644 5.644".into())
        );
        assert_eq!(
            positions(&[0.0, 5.644, 11.288, 16.932, 20.0, 21.0]).1,
            "g 3 5.644 3.068 1"
        );
    }

    #[test]
    fn positions_of_a_grid_stay_within_a_micrometre() {
        // 27 cells of 15.79 pt (a justified line): gaps of 5.57036 mm.
        let cell = 15.79 * MM_PER_PT;
        let xs: Vec<f64> = (0..27).map(|i| 26.5 + f64::from(i) * cell).collect();
        let (x, dx) = positions(&xs);
        assert_eq!(x, "26.5");
        // Expand the g form and sum, as a reader does.
        let mut at = 26.5;
        let mut parts = dx.split(' ');
        let mut k = 1;
        while let Some(p) = parts.next() {
            let (n, v): (usize, f64) = if p == "g" {
                let n = parts.next().unwrap().parse().unwrap();
                (n, parts.next().unwrap().parse().unwrap())
            } else {
                (1, p.parse().unwrap())
            };
            for _ in 0..n {
                at += v;
                assert!(
                    (at - xs[k]).abs() <= 0.001 + 1e-9,
                    "char {k}: {at} vs {}",
                    xs[k]
                );
                k += 1;
            }
        }
        assert_eq!(k, xs.len());
        assert!(dx.len() < 40, "{dx}");
    }

    #[test]
    fn colours_are_bytes() {
        assert_eq!(color(Rgb(1.0, 0.0, 0.0)), "255 0 0");
        assert_eq!(color(Rgb(0.5, 0.25, 1.5)), "128 64 255");
    }
}
