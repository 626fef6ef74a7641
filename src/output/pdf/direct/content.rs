//! The content stream of a page (ISO 32000-1 §8, §9.4): the layout's lines,
//! rules and frames as PDF operators, translated, not decided. Each run
//! starts at its first glyph's position; the glyphs after it are shown in
//! one TJ whose adjustments put each glyph exactly where the layout placed
//! it, computed against the widths the font's /W gives a reader.

use std::collections::BTreeMap;
use std::io::Write as _;

use super::font::{milli, Plan, DEFAULT_WIDTH};
use crate::layout::{FaceId, Item, Page, Rgb};

/// Write `v` as a PDF number: at most three decimals, no exponent, no
/// trailing zeros, `0` for zero of either sign.
pub fn num(out: &mut Vec<u8>, v: f32) {
    let m = (f64::from(v) * 1000.0).round();
    if !m.is_finite() || m == 0.0 {
        out.push(b'0');
        return;
    }
    let m = m as i64;
    if m < 0 {
        out.push(b'-');
    }
    let (whole, mut frac) = (m.unsigned_abs() / 1000, m.unsigned_abs() % 1000);
    let _ = write!(out, "{whole}");
    if frac != 0 {
        // Without its trailing zeros: .5, .25, .125.
        let mut digits = 3;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{frac:0digits$}");
    }
}

/// The graphics state a page's operators have set so far, so that an
/// operator is written only when its value changes.
#[derive(Default)]
struct State {
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
}

fn color(out: &mut Vec<u8>, c: Rgb, op: &str) {
    for v in [c.0, c.1, c.2] {
        num(out, v);
        out.push(b' ');
    }
    out.extend_from_slice(op.as_bytes());
    out.push(b'\n');
}

fn stroke_style(out: &mut Vec<u8>, st: &mut State, c: Rgb, width: f32) {
    if st.stroke != Some(c) {
        color(out, c, "RG");
        st.stroke = Some(c);
    }
    if st.width != Some(width) {
        num(out, width);
        out.extend_from_slice(b" w\n");
        st.width = Some(width);
    }
}

/// The content stream of `page`, `height` high, its faces planned in
/// `plans`. A glyph of a face without a plan is not drawn (the layout never
/// has one; the render checks every face is planned).
pub fn page(page: &Page, height: f32, plans: &BTreeMap<FaceId, Plan>) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut st = State::default();
    for item in &page.items {
        match item {
            Item::Line(l) => {
                out.extend_from_slice(b"BT\n");
                let y = height - l.baseline;
                let mut scale = 1.0f32;
                for r in &l.runs {
                    let Some(plan) = plans.get(&r.face) else {
                        continue;
                    };
                    let Some(first) = r.glyphs.first() else {
                        continue;
                    };
                    let _ = write!(out, "/{} ", plan.tag);
                    num(&mut out, r.size);
                    out.extend_from_slice(b" Tf\n");
                    if st.fill != Some(r.color) {
                        color(&mut out, r.color, "rg");
                        st.fill = Some(r.color);
                    }
                    if r.hscale != scale {
                        num(&mut out, r.hscale * 100.0);
                        out.extend_from_slice(b" Tz\n");
                        scale = r.hscale;
                    }
                    out.extend_from_slice(b"1 0 0 1 ");
                    num(&mut out, first.x);
                    out.push(b' ');
                    num(&mut out, y);
                    out.extend_from_slice(b" Tm\n[");
                    // Where the reader's pen is after the glyph shown last.
                    // Computed from the numbers as written, as a reader does.
                    let em = milli(r.size) * milli(r.hscale * 100.0) / 100.0 / 1000.0;
                    let mut pen = milli(first.x);
                    let mut open = false;
                    for g in &r.glyphs {
                        let (code, w) = plan
                            .glyphs
                            .get(&g.gid)
                            .copied()
                            .unwrap_or((0, DEFAULT_WIDTH));
                        // TJ moves the pen left by adjustment/1000 em.
                        let adjust = milli((pen - g.x) / em);
                        if adjust != 0.0 && em > 0.0 {
                            if open {
                                out.push(b'>');
                                open = false;
                            }
                            num(&mut out, adjust);
                            pen -= adjust * em;
                        }
                        if !open {
                            out.push(b'<');
                            open = true;
                        }
                        let _ = write!(out, "{code:04X}");
                        pen += w * em;
                    }
                    if open {
                        out.push(b'>');
                    }
                    out.extend_from_slice(b"] TJ\n");
                }
                if scale != 1.0 {
                    out.extend_from_slice(b"100 Tz\n");
                }
                out.extend_from_slice(b"ET\n");
            }
            Item::Rule(r) => {
                stroke_style(&mut out, &mut st, r.color, r.thickness);
                let y = height - r.y;
                for (x, op) in [(r.x0, " m\n"), (r.x1, " l\nS\n")] {
                    num(&mut out, x);
                    out.push(b' ');
                    num(&mut out, y);
                    out.extend_from_slice(op.as_bytes());
                }
            }
            Item::Frame(f) => {
                stroke_style(&mut out, &mut st, f.color, f.thickness);
                for (k, v) in [f.x, height - f.y - f.height, f.width, f.height]
                    .into_iter()
                    .enumerate()
                {
                    if k > 0 {
                        out.push(b' ');
                    }
                    num(&mut out, v);
                }
                out.extend_from_slice(b" re\nS\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Glyph, GlyphRun, Rule, Tag, TextLine};

    fn n(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_have_at_most_three_decimals_and_no_negative_zero() {
        assert_eq!(n(0.0), "0");
        assert_eq!(n(-0.0001), "0");
        assert_eq!(n(16.0), "16");
        assert_eq!(n(-12.5), "-12.5");
        assert_eq!(n(0.1), "0.1");
        assert_eq!(n(79.370_125), "79.37");
        assert_eq!(n(667.971_4), "667.971");
        assert_eq!(n(12.935_638), "12.936");
        assert_eq!(n(595.275_7), "595.276");
        assert_eq!(n(1e-7), "0");
    }

    fn plan() -> BTreeMap<FaceId, Plan> {
        let glyphs = [(10u16, (0x0cb0u16, 1000.0f32)), (11, (0x0111, 500.0))];
        let p = Plan {
            tag: "JBAAAC".into(),
            kind: super::super::font::Kind::CidCff,
            gids: vec![10, 11],
            glyphs: glyphs.into_iter().collect(),
            text: BTreeMap::new(),
            ps_name: "F".into(),
            metrics: super::super::font::Metrics {
                ascent: 0,
                descent: 0,
                cap_height: 0,
                italic_angle: 0,
                stem_v: 0,
                bbox: [0; 4],
            },
        };
        [(FaceId(0), p)].into_iter().collect()
    }

    fn line(glyphs: &[(u16, f32)], hscale: f32) -> Item {
        let glyphs = glyphs
            .iter()
            .map(|&(gid, x)| Glyph {
                gid,
                x,
                width: 16.0,
                advance: 16.0,
                text: "字".into(),
            })
            .collect();
        Item::Line(TextLine {
            tag: Tag::Paragraph,
            baseline: 100.0,
            grid_line: None,
            justified: false,
            spread: 0.0,
            last: true,
            hanging: false,
            span: (0.0, 0.0),
            source: None,
            runs: vec![GlyphRun {
                face: FaceId(0),
                size: 16.0,
                hscale,
                color: Rgb(0.0, 0.0, 0.0),
                glyphs,
            }],
        })
    }

    fn page_of(items: Vec<Item>) -> String {
        let p = Page {
            number: None,
            type_left: 0.0,
            items,
        };
        String::from_utf8(page(&p, 842.0, &plan())).unwrap()
    }

    #[test]
    fn glyphs_at_their_advance_share_one_string_and_gaps_become_adjustments() {
        // 16 pt: the CJK glyph advances 16, the half-width one 8.
        let s = page_of(vec![line(
            &[(10, 80.0), (10, 96.0), (11, 112.0), (10, 121.0)],
            1.0,
        )]);
        assert!(
            s.contains("/JBAAAC 16 Tf\n0 0 0 rg\n1 0 0 1 80 742 Tm\n"),
            "{s}"
        );
        // After the 8 pt glyph the pen is at 120; the next glyph is at 121:
        // 1 pt to the right is -62.5/1000 em.
        assert!(s.contains("[<0CB00CB00111>-62.5<0CB0>] TJ\n"), "{s}");
        assert!(!s.contains("Tz"), "{s}");
    }

    #[test]
    fn a_scaled_run_sets_and_resets_the_horizontal_scale() {
        let s = page_of(vec![line(&[(10, 80.0), (10, 92.8)], 0.8)]);
        assert!(s.contains("80 Tz\n"), "{s}");
        // 0.8 × 16 pt = 12.8 pt a glyph: no adjustment.
        assert!(s.contains("[<0CB00CB0>] TJ\n100 Tz\nET\n"), "{s}");
    }

    #[test]
    fn rules_set_their_colour_and_width_once() {
        let rule = |y| {
            Item::Rule(Rule {
                x0: 79.37,
                x1: 515.9,
                y,
                thickness: 1.0,
                color: Rgb(1.0, 0.0, 0.0),
            })
        };
        let s = page_of(vec![rule(200.0), rule(300.0)]);
        assert_eq!(
            s,
            "1 0 0 RG\n1 w\n79.37 642 m\n515.9 642 l\nS\n79.37 542 m\n515.9 542 l\nS\n"
        );
    }
}
