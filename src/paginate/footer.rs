//! The footer (版记, layout.md §6): whether it fits under the text of the
//! last page, the fitting that keeps it there when a little room is missing,
//! and its lines and rules at the bottom of the type area.

use super::{fill, fill_breaking, place_line, Grid, Placed};
use crate::diag::Sink;
use crate::error::Place;
use crate::layout::{Item, Page, Rule};
use crate::template::Template;
use crate::typeset::{FlowLine, Typeset};

/// Lengths are sums of f32.
const EPS: f32 = 0.01;

/// The flow as it will be placed, and where the footer goes.
pub(super) struct Plan<'f> {
    /// The flow lines (tightened on the last page when the footer was fitted):
    /// references into the typeset flow, so that trying a tightening copies
    /// no line.
    pub flow: Vec<&'f FlowLine>,
    /// The placed lines of each page.
    pub placed: Vec<Placed>,
    /// The footer's line pitch.
    pub pitch: f32,
    /// Whether the footer goes below the last page's text (else on a new page).
    pub fits: bool,
}

/// Place the flow from grid line `first` of page 1 and decide where the
/// footer goes; when it would stand alone on a new page, tighten the last
/// page as an office worker would, within the template's limits: punctuation
/// compression of its paragraphs, then the blank lines before its titles and
/// sections, then the footer's pitch down to its minimum. What was done is a
/// notice; when even that is not enough, nothing is tightened.
pub(super) fn plan<'f>(
    ts: &'f Typeset,
    t: &Template,
    g: &Grid,
    first: u32,
    sink: &mut Sink,
) -> Plan<'f> {
    let f = &t.footer;
    let lines: usize = ts.footer.iter().map(Vec::len).sum();
    // The room under the last page's text: below its last grid line (and
    // `gap_before`), and at least `min_gap` below its last baseline.
    let room = |flow: &[&FlowLine], placed: &[Placed], end: u32| {
        let mut top = g.cell_top(end) + f.gap_before;
        let last = placed.last().and_then(|p| {
            p.iter()
                .rev()
                .find_map(|&(k, at)| flow[k].line.as_ref().map(|l| (k, at, l.size)))
        });
        if let Some((k, at, size)) = last {
            top = top.max(g.baseline(at, flow[k].grid_lines, size) + f.min_gap);
        }
        g.bottom() - top
    };
    let need = |pitch: f32| lines as f32 * pitch;
    let mut scratch = Sink::new();
    let all: Vec<&FlowLine> = ts.flow.iter().collect();
    let (placed, end) = fill(&all, first, g.lines, &mut scratch);
    let simple = |placed: Vec<Placed>, fits: bool, sink: &mut Sink| {
        sink.extend(scratch.clone().into_diagnostics());
        Plan {
            flow: all.clone(),
            placed,
            pitch: f.line_pitch,
            fits,
        }
    };
    // The footer on a page of its own, unless the body's last lines can
    // go with it (layout.md §6.2).
    let alone = |placed: Vec<Placed>, sink: &mut Sink| {
        if !f.carry_over || f.even_page {
            return simple(placed, false, sink);
        }
        let Some(at) = carry_point(&all, &placed) else {
            return simple(placed, false, sink);
        };
        let mut s = Sink::new();
        let (moved, end) = fill_breaking(&all, first, g.lines, &mut s, Some(at));
        if moved.len() != placed.len() + 1 || need(f.line_pitch) > room(&all, &moved, end) + EPS {
            return simple(placed, false, sink);
        }
        let carried = moved.last().map_or(0, |p| {
            p.iter().filter(|&&(k, _)| all[k].line.is_some()).count()
        });
        sink.extend(s.into_diagnostics());
        sink.notice(
            Some(Place::new("$.distribution")),
            format!(
                "版记在第 {} 页放不下，为免版记单独成页，正文最后 {carried} 行移到第 {} 页与版记同页",
                placed.len(),
                moved.len()
            ),
        );
        Plan {
            flow: all.clone(),
            placed: moved,
            pitch: f.line_pitch,
            fits: true,
        }
    };
    if lines == 0 || need(f.line_pitch) <= room(&all, &placed, end) + EPS {
        return simple(placed, true, sink);
    }
    // On an odd page under even_page, the footer moves to a page of its own anyway.
    let odd_last = placed.len() % 2 == 1;
    let Some(&(k0, _)) = placed.last().and_then(|p| p.first()) else {
        return simple(placed, false, sink);
    };
    if !f.fit || (f.even_page && odd_last) {
        return alone(placed, sink);
    }

    let mut done = Vec::new();
    let mut flow: Vec<&FlowLine> = all.clone();
    let mut best = (placed.clone(), end);
    // 1. Punctuation compression on the paragraphs that begin on the last page.
    let tight: Vec<_> = ts.tight.iter().filter(|p| p.start >= k0).collect();
    if !tight.is_empty() {
        let mut tightened = flow[..k0].to_vec();
        let mut at = k0;
        for p in &tight {
            tightened.extend_from_slice(&flow[at..p.start]);
            tightened.extend(p.lines.iter());
            at = p.start + p.len;
        }
        tightened.extend_from_slice(&flow[at..]);
        let (p1, e1) = fill(&tightened, first, g.lines, &mut Sink::new());
        if p1.len() == placed.len() && e1 < best.1 {
            done.push(format!("压缩了 {} 段的标点", tight.len()));
            flow = tightened;
            best = (p1, e1);
        }
    }
    // 2. The blank lines before titles and sections on the last page.
    if need(f.line_pitch) > room(&flow, &best.0, best.1) + EPS {
        let spares = flow[k0..].iter().filter(|l| l.spare).count();
        if spares > 0 {
            let mut kept = flow[..k0].to_vec();
            kept.extend(flow[k0..].iter().filter(|l| !l.spare).copied());
            let (p2, e2) = fill(&kept, first, g.lines, &mut Sink::new());
            if p2.len() == placed.len() && e2 < best.1 {
                done.push(format!("去掉了标题或栏目前的 {spares} 个空行"));
                flow = kept;
                best = (p2, e2);
            }
        }
    }
    // 3. The footer's pitch, down to its minimum.
    let mut pitch = f.line_pitch;
    let left = room(&flow, &best.0, best.1);
    if need(pitch) > left + EPS {
        pitch = left / lines as f32;
        if pitch + EPS < f.min_line_pitch {
            return alone(placed, sink);
        }
        done.push(format!(
            "版记行距由 {:.1}pt 缩为 {:.1}pt",
            f.line_pitch, pitch
        ));
    }
    let (placed, _) = fill(&flow, first, g.lines, sink);
    sink.notice(
        Some(Place::new("$.distribution")),
        format!(
            "为使版记与正文同在第 {} 页（不单独占一页）：{}",
            placed.len(),
            done.join("；")
        ),
    );
    Plan {
        flow,
        placed,
        pitch,
        fits: true,
    }
}

/// Where the body's last lines begin that go to a new page with the footer
/// when it would stand alone there: the latest place on the last page
/// after which a page may end and from which two text lines at least
/// follow (two lines of the last paragraph, or more); `None` when there is
/// none, or it would leave the page before empty.
fn carry_point(flow: &[&FlowLine], placed: &[Placed]) -> Option<usize> {
    let page = placed.last()?;
    (1..page.len()).rev().find_map(|c| {
        let text = page[c..]
            .iter()
            .filter(|&&(k, _)| flow[k].line.is_some())
            .count();
        (flow[page[c - 1].0].break_after && text >= 2).then_some(page[c].0)
    })
}

/// Put the footer at the bottom of the last page of `pages`, or of a new page
/// (layout.md §6.1): its last rule on the type area's bottom edge. Under
/// `even_page`, its page is even; a blank page inserted before it, and the
/// footer's page after it, get no number (GB/T 9704-2012 §7.5).
pub(super) fn place(pages: &mut Vec<Page>, ts: &Typeset, t: &Template, g: &Grid, plan: &Plan<'_>) {
    let lines: usize = ts.footer.iter().map(Vec::len).sum();
    if lines == 0 {
        return;
    }
    let f = &t.footer;
    let new_page = |pages: &mut Vec<Page>, numbered: bool| {
        let n = pages.len() + 1;
        pages.push(Page {
            number: numbered.then_some(n as u32),
            type_left: t.page.left_on(n),
            items: Vec::new(),
        });
    };
    if !plan.fits {
        if f.even_page && (pages.len() + 1) % 2 == 1 {
            new_page(pages, false);
            new_page(pages, false);
        } else {
            new_page(pages, true);
        }
    } else if f.even_page && pages.len() % 2 == 1 {
        // It fits, but on an odd page: a page of its own follows.
        new_page(pages, true);
    }
    let page = pages.last_mut().expect("at least one page");
    let left = page.type_left;
    let rule = |y: f32, thickness: f32| {
        Item::Rule(Rule {
            x0: left,
            x1: left + t.page.type_width,
            y,
            thickness,
            color: t.text_color,
        })
    };
    let mut top = g.bottom() - lines as f32 * plan.pitch;
    page.items.push(rule(top, f.thick_rule));
    let count = ts.footer.len();
    for (e, element) in ts.footer.iter().enumerate() {
        for line in element {
            page.items.push(place_line(
                line,
                left,
                g.baseline_in(top, plan.pitch, line.size),
                None,
            ));
            top += plan.pitch;
        }
        let thickness = if e + 1 == count {
            f.thick_rule
        } else {
            f.thin_rule
        };
        page.items.push(rule(top, thickness));
    }
}
