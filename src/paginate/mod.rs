//! Pagination: typeset lines → pages of positioned items (the [`Layout`]).
//!
//! Places the masthead on page 1 (layout.md §2), the flow on the 22-line grid
//! with keep-with-next and widow/orphan control (§4.5), the footer at the
//! bottom of the last page reserving its space and fitted there when a little
//! room is missing (§6, [`footer`]), and page numbers (§7).

mod footer;

use crate::diag::{Sink, Warned};
use crate::error::Place;
use crate::layout::{Bookmark, DocInfo, Frame, Item, Layout, Page, Rule, TextLine};
use crate::template::{NumberPosition, Template};
use crate::typeset::{FlowLine, Line, Typeset};

/// Vertical geometry of the grid on a page.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    top: f32,
    pitch: f32,
    lines: u32,
    em_ascent: f32,
}

impl Grid {
    /// The grid of template `t`.
    pub fn of(t: &Template) -> Grid {
        Grid {
            top: t.page.top,
            pitch: t.grid.pitch,
            lines: t.grid.lines,
            em_ascent: t.grid.em_ascent,
        }
    }

    /// Top of grid line `n`'s cell (layout.md §1.3: 37 mm + n × 28.99 pt).
    pub fn cell_top(&self, n: u32) -> f32 {
        self.top + n as f32 * self.pitch
    }

    /// Baseline of text of `size` whose em box is centred in a band of
    /// `height` starting at `top`.
    pub fn baseline_in(&self, top: f32, height: f32, size: f32) -> f32 {
        top + (height - size) / 2.0 + self.em_ascent * size
    }

    /// Baseline of text of `size` centred in `count` grid lines from line `n`.
    pub fn baseline(&self, n: u32, count: u32, size: f32) -> f32 {
        self.baseline_in(self.cell_top(n), count as f32 * self.pitch, size)
    }

    /// Bottom of the type area.
    pub fn bottom(&self) -> f32 {
        self.cell_top(self.lines)
    }
}

fn place_line(line: &Line, dx: f32, baseline: f32, grid_line: Option<u32>) -> Item {
    let mut runs = line.runs.clone();
    for r in &mut runs {
        for g in &mut r.glyphs {
            g.x += dx;
        }
    }
    Item::Line(TextLine {
        tag: line.tag,
        baseline,
        grid_line,
        justified: line.justified,
        spread: line.spread,
        last: line.last,
        hanging: line.hanging,
        span: (line.span.0 + dx, line.span.1 + dx),
        runs,
        source: line.source.clone(),
    })
}

/// Rules of the masthead, and the y below which the flow may start.
fn masthead(ts: &Typeset, t: &Template, g: &Grid, items: &mut Vec<Item>) -> f32 {
    let m = &ts.masthead;
    let s = &t.masthead;
    let left = t.page.left_on(1);
    for l in m.marking.iter().chain(&m.copy_number) {
        items.push(place_line(l, left, g.baseline(0, 1, l.size), Some(0)));
    }
    let band_top = g.cell_top(s.name_line);
    let band = m.name_grid_lines as f32 * g.pitch;
    let each = band / m.name.len().max(1) as f32;
    for (i, l) in m.name.iter().enumerate() {
        let top = band_top + i as f32 * each;
        items.push(place_line(l, left, g.baseline_in(top, each, l.size), None));
    }
    let issue_at = s.name_line + m.name_grid_lines + s.blank_lines_before_issue;
    items.push(place_line(
        &m.issue,
        left,
        g.baseline(issue_at, 1, m.issue.size),
        Some(issue_at),
    ));
    let issuer_at = issue_at + 1;
    items.push(place_line(
        &m.issuer,
        left,
        g.baseline(issuer_at, 1, m.issuer.size),
        Some(issuer_at),
    ));

    // The red rule 4 mm below the issuer line's em box (layout.md §2.5).
    let em_bottom = g.cell_top(issuer_at) + (g.pitch + m.issuer.size) / 2.0;
    let mut y = em_bottom + s.rule_below + s.rule_thickness / 2.0;
    let mut rule = |y: f32, thickness: f32| {
        items.push(Item::Rule(Rule {
            x0: left,
            x1: left + t.page.type_width,
            y,
            thickness,
            color: t.red,
        }))
    };
    rule(y, s.rule_thickness);
    let mut bottom = y + s.rule_thickness / 2.0;
    if s.double_rule {
        y = bottom + s.double_gap + s.double_thin / 2.0;
        rule(y, s.double_thin);
        bottom = y + s.double_thin / 2.0;
    }
    bottom
}

/// One page of flow lines: (flow index, grid line).
pub(crate) type Placed = Vec<(usize, u32)>;

/// Distribute the flow over pages: `first` is the first free grid line of page 1.
/// Returns the placed lines of each page and the first free line of the last page.
fn fill(flow: &[&FlowLine], first: u32, lines: u32, sink: &mut Sink) -> (Vec<Placed>, u32) {
    fill_breaking(flow, first, lines, sink, None)
}

/// [`fill`], with a page also ending before flow line `force` when given
/// (the 版记's carried lines, [`footer`]).
fn fill_breaking(
    flow: &[&FlowLine],
    first: u32,
    lines: u32,
    sink: &mut Sink,
    force: Option<usize>,
) -> (Vec<Placed>, u32) {
    let mut pages: Vec<Placed> = Vec::new();
    let mut cur: Placed = Vec::new();
    let mut pos = first;
    let mut i = 0;
    while i < flow.len() {
        let fl = flow[i];
        if Some(i) == force && !cur.is_empty() {
            pages.push(std::mem::take(&mut cur));
            pos = 0;
        }
        if cur.is_empty() && fl.drop_at_top {
            i += 1;
            continue;
        }
        if pos + fl.grid_lines <= lines || (cur.is_empty() && pos == 0) {
            cur.push((i, pos));
            pos += fl.grid_lines;
            i += 1;
            continue;
        }
        // The page is full: end it after the last line a page may end with.
        match cur.iter().rposition(|&(k, _)| flow[k].break_after) {
            Some(p) => {
                i = cur[p].0 + 1;
                cur.truncate(p + 1);
            }
            None => sink.warn(
                Some(Place::new("$.body")),
                "一段不可分开的内容（标题及其后各行）超过一页，已在页末强行分页",
            ),
        }
        pages.push(std::mem::take(&mut cur));
        pos = 0;
    }
    pages.push(cur);
    (pages, pos)
}

/// Lay out the typeset bulletin on pages, with the document information `info`.
pub fn paginate(typeset: &Typeset, t: &Template, info: DocInfo) -> Warned<Layout> {
    let mut sink = Sink::new();
    let g = Grid::of(t);
    let mut first_items = Vec::new();
    let rule_bottom = masthead(typeset, t, &g, &mut first_items);
    let min_top = rule_bottom + t.masthead.gap_after_rule - 0.01;
    let first = (0..g.lines)
        .find(|&n| g.cell_top(n) >= min_top)
        .unwrap_or(g.lines);

    let plan = footer::plan(typeset, t, &g, first, &mut sink);
    let (flow, placed) = (&plan.flow, &plan.placed);
    let mut pages: Vec<Page> = Vec::new();
    let mut outline: Vec<Bookmark> = Vec::new();
    for (pi, lines) in placed.iter().enumerate() {
        let number = pi + 1;
        let left = t.page.left_on(number);
        let mut items = if pi == 0 {
            std::mem::take(&mut first_items)
        } else {
            Vec::new()
        };
        let mut guide_span: Option<(u32, u32)> = None;
        for &(k, at) in lines {
            let fl = flow[k];
            if let Some(line) = &fl.line {
                items.push(place_line(
                    line,
                    left,
                    g.baseline(at, fl.grid_lines, line.size),
                    Some(at),
                ));
            }
            if fl.guide {
                let (a, _) = guide_span.unwrap_or((at, at));
                guide_span = Some((a, at + fl.grid_lines));
            }
            if let Some((level, title)) = &fl.bookmark {
                let bm = Bookmark {
                    title: title.clone(),
                    page: pi,
                    y: g.cell_top(at),
                    children: Vec::new(),
                };
                match (level, outline.last_mut()) {
                    (1, Some(parent)) => parent.children.push(bm),
                    _ => outline.push(bm),
                }
            }
        }
        if let (true, Some((a, b))) = (t.guide.frame, guide_span) {
            // On the type area's edges: the guide's text is set inside it.
            items.push(Item::Frame(Frame {
                x: left,
                y: g.cell_top(a),
                width: t.page.type_width,
                height: g.cell_top(b) - g.cell_top(a),
                thickness: t.guide.frame_thickness,
                color: t.text_color,
            }));
        }
        pages.push(Page {
            number: Some(number as u32),
            type_left: left,
            items,
        });
    }

    // The guide is a front-page element (layout.md §3.5).
    let late = placed
        .iter()
        .skip(1)
        .flatten()
        .filter(|&&(k, _)| flow[k].guide && flow[k].line.is_some())
        .count();
    if late > 0 {
        sink.warn(
            Some(Place::new("$.guide")),
            format!(
                "导读在第1页排不下，有 {late} 行排到了第2页：请缩短导读条目（导读可写成比标题短的条目），或减少条目"
            ),
        );
    }

    footer::place(&mut pages, typeset, t, &g, &plan);

    // Page numbers (layout.md §7).
    let pn = &t.page_number;
    if pn.position != NumberPosition::None {
        for page in &mut pages {
            let Some(n) = page.number else { continue };
            let line = typeset.numbers.line(n);
            let (a, z) = crate::layout::extent(&line.runs);
            let width = z - a;
            let x = match (pn.position, n % 2) {
                (NumberPosition::Centre, _) => page.type_left + (t.page.type_width - width) / 2.0,
                (_, 1) => page.type_left + t.page.type_width - pn.indent - width,
                _ => page.type_left + pn.indent,
            };
            let top = g.bottom() + pn.below;
            page.items.push(place_line(
                &line,
                x - a,
                top + g.em_ascent * line.size,
                None,
            ));
        }
    }

    sink.finish(Layout {
        page_width: t.page.width,
        page_height: t.page.height,
        pages,
        faces: typeset.faces.clone(),
        info,
        outline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Tag;
    use crate::model::TemplateRef;
    use crate::typeset::{body::paragraph_lines, MastheadLines, PageNumbers};

    fn template(toml: &str) -> Template {
        if toml.is_empty() {
            crate::template::load(
                &TemplateRef::Builtin("jianbao".into()),
                std::path::Path::new("."),
                None,
            )
            .unwrap()
        } else {
            crate::template::from_str("t.toml", &format!("extends = \"jianbao\"\n{toml}")).unwrap()
        }
    }

    fn line(tag: Tag) -> Line {
        Line {
            tag,
            runs: Vec::new(),
            justified: false,
            spread: 0.0,
            last: true,
            hanging: false,
            span: (0.0, 0.0),
            size: 16.0,
            source: None,
        }
    }

    /// A synthetic typeset bulletin: no glyphs, only the structure pagination reads.
    fn typeset(flow: Vec<FlowLine>, footer_lines: &[usize]) -> Typeset {
        Typeset {
            masthead: MastheadLines {
                marking: None,
                copy_number: None,
                name: vec![line(Tag::Name)],
                name_grid_lines: 2,
                issue: line(Tag::IssueLine),
                issuer: line(Tag::Issuer),
            },
            flow,
            tight: Vec::new(),
            footer: footer_lines
                .iter()
                .map(|&n| (0..n).map(|_| line(Tag::Footer)).collect())
                .collect(),
            numbers: PageNumbers::blank(14.0),
            faces: Vec::new(),
        }
    }

    fn paragraph(n: usize) -> Vec<FlowLine> {
        paragraph_lines((0..n).map(|_| line(Tag::Paragraph)).collect(), true)
    }

    fn title() -> FlowLine {
        FlowLine {
            line: Some(line(Tag::Title)),
            grid_lines: 1,
            break_after: false,
            drop_at_top: false,
            bookmark: Some((0, "标题".into())),
            guide: false,
            spare: false,
        }
    }

    fn info() -> DocInfo {
        DocInfo {
            title: String::new(),
            author: String::new(),
            subject: String::new(),
            keywords: String::new(),
            creator: String::new(),
            created: crate::model::Date::new(2024, 5, 10).unwrap().start_cst(),
        }
    }

    /// (page, grid line) of every placed line with `tag`.
    fn placed(l: &Layout, tag: Tag) -> Vec<(usize, u32)> {
        l.lines()
            .filter(|(_, t)| t.tag == tag)
            .map(|(p, t)| (p, t.grid_line.unwrap_or(u32::MAX)))
            .collect()
    }

    /// The first free grid line of page 1 under the builtin masthead.
    fn first_line(t: &Template) -> u32 {
        let l = paginate(&typeset(paragraph(1), &[]), t, info()).output;
        placed(&l, Tag::Paragraph)[0].1
    }

    #[test]
    fn grid_cells_and_baselines() {
        let g = Grid {
            top: 104.882,
            pitch: 637.795 / 22.0,
            lines: 22,
            em_ascent: 0.88,
        };
        assert!((g.cell_top(1) - (104.882 + 28.99)).abs() < 0.01);
        assert!((g.bottom() - (104.882 + 637.795)).abs() < 0.01);
        // A 16 pt em box centred in a 28.99 pt cell: 6.5 pt above and below.
        let b = g.baseline(0, 1, 16.0);
        assert!((b - (104.882 + 6.495 + 14.08)).abs() < 0.01, "{b}");
    }

    #[test]
    fn lines_fill_the_22_line_grid_page_after_page() {
        let t = template("");
        let first = first_line(&t);
        assert_eq!(first, 8, "the flow starts one line below the red rule");
        let n = (22 - first) as usize + 22 + 3;
        let w = paginate(&typeset(paragraph(n), &[]), &t, info());
        assert!(w.diagnostics.is_empty());
        let lines = placed(&w.output, Tag::Paragraph);
        assert_eq!(lines.len(), n);
        assert_eq!(lines[0], (0, first));
        assert_eq!(
            lines[(22 - first) as usize],
            (1, 0),
            "page 2 starts at the top"
        );
        assert_eq!(lines[n - 1], (2, 2));
        assert_eq!(w.output.pages.len(), 3);
    }

    #[test]
    fn a_title_is_never_the_last_line_of_a_page() {
        let t = template("");
        let room = (22 - first_line(&t)) as usize;
        // A paragraph that leaves exactly one line, then a title and its paragraph.
        let mut flow = paragraph(room - 1);
        flow.push(title());
        flow.extend(paragraph(3));
        let l = paginate(&typeset(flow, &[]), &t, info()).output;
        assert_eq!(placed(&l, Tag::Title), vec![(1, 0)], "the title moved down");
        assert_eq!(l.outline[0].page, 1);
    }

    #[test]
    fn widows_and_orphans_move_with_their_paragraph() {
        let t = template("");
        let room = (22 - first_line(&t)) as usize;
        // A one-line paragraph, then a 4-line one of which only one line fits.
        let mut flow = paragraph(room - 1);
        flow.extend(paragraph(4));
        let l = paginate(&typeset(flow, &[]), &t, info()).output;
        let lines = placed(&l, Tag::Paragraph);
        // The orphan line moves: page 1 ends one line short.
        assert_eq!(lines[room - 2].0, 0);
        assert_eq!(lines[room - 1], (1, 0));
        // Three lines left on page 1, one to go: the widow pulls one more down.
        let mut flow = paragraph(room - 3);
        flow.extend(paragraph(4));
        let l = paginate(&typeset(flow, &[]), &t, info()).output;
        let lines = placed(&l, Tag::Paragraph);
        assert_eq!(lines[room - 3 + 1].0, 0, "two lines stay");
        assert_eq!(lines[room - 3 + 2], (1, 0), "two lines go");
    }

    /// The footer's lines: (page, baseline).
    fn footer_lines(l: &Layout) -> Vec<(usize, f32)> {
        l.lines()
            .filter(|(_, t)| t.tag == Tag::Footer)
            .map(|(p, t)| (p, t.baseline))
            .collect()
    }

    fn rules(page: &Page) -> Vec<&Rule> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// Fitting notices of a pagination.
    fn fitting(w: &Warned<Layout>) -> Vec<String> {
        w.diagnostics
            .iter()
            .filter(|d| d.message.contains("版记"))
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn the_footer_ends_on_the_type_area_bottom_of_the_last_page() {
        let t = template("");
        let g = Grid::of(&t);
        let l = paginate(&typeset(paragraph(3), &[2, 1, 1]), &t, info()).output;
        assert_eq!(l.pages.len(), 1);
        // Four lines on the footer's own pitch, up from the bottom edge.
        let pitch = t.footer.line_pitch;
        let footer = footer_lines(&l);
        assert_eq!(footer.len(), 4);
        for (k, &(page, baseline)) in footer.iter().enumerate() {
            assert_eq!(page, 0);
            let top = g.bottom() - (4 - k) as f32 * pitch;
            assert!((baseline - g.baseline_in(top, pitch, 16.0)).abs() < 0.01);
        }
        let rules = rules(&l.pages[0]);
        let last = rules.last().unwrap();
        assert!((last.y - g.bottom()).abs() < 0.01);
        assert!((last.thickness - t.footer.thick_rule).abs() < 1e-4);
        // 1 masthead rule + 4 footer rules (thick, thin, thin, thick).
        assert_eq!(rules.len(), 5);
        assert!((rules[1].y - (g.bottom() - 4.0 * pitch)).abs() < 0.01);
        assert!((rules[2].thickness - t.footer.thin_rule).abs() < 1e-4);
    }

    #[test]
    fn a_footer_that_cannot_be_fitted_goes_to_a_new_page_untouched() {
        // (The first rule directly under the grid line, nothing carried over.)
        let t = template("[footer]\nmin_gap = \"0行\"\ncarry_over = false\n");
        let room = (22 - first_line(&t)) as usize;
        // Two free lines (58 pt) for four footer lines: 14.5 pt each is under
        // the minimum pitch.
        let w = paginate(&typeset(paragraph(room - 2), &[2, 1, 1]), &t, info());
        let l = &w.output;
        assert_eq!(l.pages.len(), 2);
        assert!(footer_lines(l).iter().all(|&(p, _)| p == 1));
        assert_eq!(l.pages[1].number, Some(2));
        assert!(
            fitting(&w).is_empty(),
            "nothing tightened: {:?}",
            fitting(&w)
        );
        let g = Grid::of(&t);
        assert!((rules(&l.pages[1])[0].y - (g.bottom() - 4.0 * t.footer.line_pitch)).abs() < 0.01);
    }

    /// A flow of `before` paragraph lines, a blank line before a title (which
    /// fitting may remove), the title, and a 4-line paragraph whose tight
    /// setting takes 3 lines when `tight`.
    fn fitting_flow(before: usize, tight: bool) -> Typeset {
        let mut flow = paragraph(before);
        let mut blank = FlowLine::blank();
        blank.spare = true;
        flow.push(blank);
        flow.push(title());
        let start = flow.len();
        flow.extend(paragraph(4));
        let mut ts = typeset(flow, &[2, 2, 1, 1]);
        if tight {
            ts.tight.push(crate::typeset::TightParagraph {
                start,
                len: 4,
                lines: paragraph(3),
            });
        }
        ts
    }

    #[test]
    fn fitting_compresses_first_then_drops_blank_lines_then_tightens_the_pitch() {
        // (The first rule directly under the grid line, nothing carried over.)
        let t = template("[footer]\nmin_gap = \"0行\"\ncarry_over = false\n");
        let g = Grid::of(&t);
        let room = (22 - first_line(&t)) as usize;
        // The flow ends 6 lines after `before`; six footer lines need 139 pt
        // (4.8 lines) at their own pitch: 5 free lines fit, 4 do not.
        let lines_for = |free: usize| room - 6 - free;

        // Four free lines: compression saves one, and that is enough.
        let w = paginate(&fitting_flow(lines_for(4), true), &t, info());
        assert_eq!(w.output.pages.len(), 1);
        let notes = fitting(&w);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("压缩了 1 段的标点"), "{notes:?}");
        assert!(
            !notes[0].contains("空行") && !notes[0].contains("行距"),
            "{notes:?}"
        );
        assert_eq!(placed(&w.output, Tag::Paragraph).len(), lines_for(4) + 3);

        // Without a tight setting: the blank line before the title goes.
        let w = paginate(&fitting_flow(lines_for(4), false), &t, info());
        assert_eq!(w.output.pages.len(), 1);
        let notes = fitting(&w);
        assert!(
            notes[0].contains("去掉了标题或栏目前的 1 个空行"),
            "{notes:?}"
        );
        assert!(!notes[0].contains("行距"), "{notes:?}");

        // Two free lines: both (four), and the pitch down to what is left.
        let w = paginate(&fitting_flow(lines_for(2), true), &t, info());
        assert_eq!(w.output.pages.len(), 1);
        let notes = fitting(&w);
        assert!(
            notes[0].contains("压缩") && notes[0].contains("空行") && notes[0].contains("行距"),
            "{notes:?}"
        );
        let footer = footer_lines(&w.output);
        let pitch = footer[1].1 - footer[0].1;
        assert!(pitch < t.footer.line_pitch && pitch >= t.footer.min_line_pitch - 0.01);
        assert!((rules(&w.output.pages[0]).last().unwrap().y - g.bottom()).abs() < 0.01);
        // The text still ends above the footer's first rule.
        let last_text = w
            .output
            .lines()
            .filter(|(_, l)| l.tag == Tag::Paragraph)
            .map(|(_, l)| l.grid_line.unwrap())
            .max()
            .unwrap();
        assert!(g.cell_top(last_text + 1) <= rules(&w.output.pages[0])[1].y + 0.01);

        // One free line: nothing is enough; nothing is tightened.
        let w = paginate(&fitting_flow(lines_for(1), true), &t, info());
        assert_eq!(w.output.pages.len(), 2);
        assert!(fitting(&w).is_empty());
        assert_eq!(placed(&w.output, Tag::Paragraph).len(), lines_for(1) + 4);

        // Fitting off in the template: a new page at once.
        let off = template("[footer]\nfit = false\ncarry_over = false\n");
        let w = paginate(&fitting_flow(lines_for(4), true), &off, info());
        assert_eq!(w.output.pages.len(), 2);
    }

    #[test]
    fn even_page_footers_get_a_blank_unnumbered_page_before_them() {
        let t = template("[footer]\neven_page = true\n");
        let l = paginate(&typeset(paragraph(3), &[2]), &t, info()).output;
        assert_eq!(l.pages.len(), 2);
        assert!(footer_lines(&l).iter().all(|&(p, _)| p == 1), "on page 2");
        assert_eq!(
            l.pages[1].number,
            Some(2),
            "no blank page before it: numbered"
        );
        let room = (22 - first_line(&t)) as usize;
        // Page 1 full: the footer goes to page 2, which is even already.
        let l = paginate(&typeset(paragraph(room), &[2]), &t, info()).output;
        assert_eq!(l.pages.len(), 2);
        assert!(footer_lines(&l).iter().all(|&(p, _)| p == 1));
        // Two full pages of text, the footer on page 4 after a blank page 3:
        // neither gets a number (GB/T 9704-2012 §7.5).
        let l = paginate(&typeset(paragraph(room + 22), &[2]), &t, info()).output;
        assert_eq!(l.pages.len(), 4);
        assert!(l.pages[2].items.is_empty(), "page 3 is blank");
        assert_eq!(l.pages[2].number, None, "and has no number");
        assert_eq!(l.pages[3].number, None, "nor has the footer's page");
        assert!(footer_lines(&l).iter().all(|&(p, _)| p == 3));
        assert!(
            l.pages[3]
                .items
                .iter()
                .all(|i| !matches!(i, Item::Line(t) if t.tag == Tag::PageNumber)),
            "no page number drawn"
        );
    }

    #[test]
    fn a_block_longer_than_a_page_is_broken_with_a_warning() {
        let t = template("");
        let flow: Vec<FlowLine> = (0..30).map(|_| title()).collect();
        let w = paginate(&typeset(flow, &[]), &t, info());
        assert_eq!(w.diagnostics.len(), 1);
        assert!(w.diagnostics[0].is_warning());
        assert!(w.diagnostics[0].message.contains("强行分页"));
        assert_eq!(placed(&w.output, Tag::Title).len(), 30, "nothing lost");
    }

    /// A random flow: paragraphs of 1–9 lines, titles of one or two grid
    /// lines (kept with what follows) after blank lines a fitting may
    /// remove, blank lines that vanish at a page top; and a random footer.
    fn random_typeset(rng: &mut crate::testgen::Rng) -> Typeset {
        let mut flow = Vec::new();
        for _ in 0..rng.range(1, 14) {
            if rng.chance(0.3) {
                let mut blank = FlowLine::blank();
                blank.spare = true;
                flow.push(blank);
                let mut t = title();
                t.grid_lines = rng.range(1, 3) as u32;
                flow.push(t);
            }
            flow.extend(paragraph(rng.range(1, 10)));
            if rng.chance(0.1) {
                flow.push(FlowLine::blank());
            }
        }
        let footer: Vec<usize> = (0..rng.range(0, 5)).map(|_| rng.range(1, 3)).collect();
        typeset(flow, &footer)
    }

    #[test]
    fn pagination_keeps_every_rule_on_random_flows() {
        let t = template("");
        let g = Grid::of(&t);
        let first = first_line(&t);
        let mut rng = crate::testgen::Rng::new(9704);
        for case in 0..1500 {
            let ts = random_typeset(&mut rng);
            let flow: Vec<&FlowLine> = ts.flow.iter().collect();
            let mut sink = Sink::new();
            let (pages, _) = fill(&flow, first, g.lines, &mut sink);
            let forced = !sink.clone().into_diagnostics().is_empty();
            // Nothing lost, nothing twice, in order; only blank lines at a
            // page top are left out.
            let order: Vec<usize> = pages.iter().flatten().map(|&(k, _)| k).collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]), "case {case}: order");
            for (k, fl) in ts.flow.iter().enumerate() {
                if !order.contains(&k) {
                    assert!(
                        fl.line.is_none() && fl.drop_at_top,
                        "case {case}: line {k} lost"
                    );
                }
            }
            for (p, page) in pages.iter().enumerate() {
                // No line off the grid.
                for &(k, at) in page {
                    assert!(
                        at + ts.flow[k].grid_lines <= g.lines,
                        "case {case}: off the grid"
                    );
                    assert!(p > 0 || at >= first, "case {case}: into the masthead");
                }
                // A page ends only where a page may end.
                if p + 1 < pages.len() && !forced {
                    let &(k, _) = page.last().expect("no empty page");
                    assert!(
                        ts.flow[k].break_after,
                        "case {case}: page {} ends after line {k}",
                        p + 1
                    );
                }
            }
            // The footer on the last page, on the bottom edge, below the text.
            let l = paginate(&ts, &t, info()).output;
            let footer = footer_lines(&l);
            let last = l.pages.len() - 1;
            assert!(
                footer.iter().all(|&(p, _)| p == last),
                "case {case}: footer pages"
            );
            if !footer.is_empty() {
                let rules = rules(&l.pages[last]);
                let top = rules[usize::from(last == 0)].y;
                assert!(
                    (rules.last().unwrap().y - g.bottom()).abs() < 0.01,
                    "case {case}"
                );
                for (p, line) in l.lines() {
                    if p == last && line.tag != Tag::Footer {
                        if let Some(n) = line.grid_line {
                            assert!(
                                g.cell_top(n + 1) <= top + 0.01,
                                "case {case}: text under the footer"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_footer_that_would_stand_alone_takes_the_last_two_lines_with_it() {
        let t = template("");
        let room = (22 - first_line(&t)) as usize;
        // Page 1 full with a 5-line paragraph at its end: the footer cannot
        // fit under it; two lines of the paragraph go to page 2 with it.
        let mut flow = paragraph(room - 5);
        flow.extend(paragraph(5));
        let w = paginate(&typeset(flow, &[2, 1, 1]), &t, info());
        let l = &w.output;
        assert_eq!(l.pages.len(), 2);
        let lines = placed(l, Tag::Paragraph);
        assert_eq!(lines.iter().filter(|p| p.0 == 1).count(), 2, "{lines:?}");
        assert_eq!(
            lines[room - 2],
            (1, 0),
            "page 2 starts with the carried lines"
        );
        assert!(footer_lines(l).iter().all(|&(p, _)| p == 1));
        let notes = fitting(&w);
        assert!(notes[0].contains("正文最后 2 行移到第 2 页"), "{notes:?}");
        // The template may ask for the footer alone instead.
        let alone = template("[footer]\ncarry_over = false\n");
        let mut flow = paragraph(room - 5);
        flow.extend(paragraph(5));
        let l = paginate(&typeset(flow, &[2, 1, 1]), &alone, info()).output;
        assert!(placed(&l, Tag::Paragraph).iter().all(|p| p.0 == 0));
    }

    #[test]
    fn the_footer_keeps_half_a_line_below_the_last_baseline() {
        let t = template("");
        let g = Grid::of(&t);
        let room = (22 - first_line(&t)) as usize;
        // Text up to five lines above the bottom: 4.8 lines of footer would fit
        // under the last grid line, but not half a line below the baseline.
        for free in 4..8 {
            let l = paginate(&typeset(paragraph(room - free), &[2, 2, 1, 1]), &t, info()).output;
            let last = l.pages.len() - 1;
            let top = rules(&l.pages[last])[usize::from(last == 0)].y;
            let text = l
                .lines()
                .filter(|(p, x)| *p == last && x.tag == Tag::Paragraph)
                .map(|(_, x)| x.baseline)
                .fold(0.0_f32, f32::max);
            if text > 0.0 {
                assert!(top - text >= g.pitch / 2.0 - 0.01, "{free}: {}", top - text);
            }
        }
    }
}
