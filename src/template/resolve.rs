//! Resolving a chain of templates: the tables merged key by key, read as the
//! file format ([`super::raw`]), every length turned into points against its
//! context (the text's size for 字, the grid pitch for 行), and the geometry
//! checked, so that everything a template can say stays on the page.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::raw::{self, Face, Len, Position};
use super::source::Source;
use super::*;
use crate::error::Error;
use crate::units::Context;

/// The template of a chain (the most basic first).
pub fn resolve(sources: &[Source]) -> Result<Template> {
    let label = sources.last().map(|s| s.label.clone()).unwrap_or_default();
    let mut merged = toml::Table::new();
    let mut hasher = Sha256::new();
    for s in sources {
        merge(&mut merged, &s.value);
        hasher.update(s.text.as_bytes());
    }
    merged.remove("extends");
    let fail = |message: String| Error::Template {
        template: label.clone(),
        message,
    };
    // Keys sorted (the table is ordered): the same template gives the same text.
    let merged_text = toml::to_string(&merged).unwrap_or_default();
    let raw: raw::Template =
        serde_path_to_error::deserialize(toml::Value::Table(merged)).map_err(|e| {
            let path = e.path().to_string();
            fail(raw::describe(&path, e.inner().message()))
        })?;
    let sha256 = hex(&hasher.finalize());
    let mut t = build(raw, sha256).map_err(fail)?;
    t.merged = merged_text;
    check_geometry(&t).map_err(fail)?;
    Ok(t)
}

fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `l` in pt, 字 being `zi` pt and 行 the grid pitch.
fn pt(l: Len, zi: f32, grid: &GridStyle) -> f32 {
    l.0.to_pt(Context {
        zi,
        line: grid.pitch,
    })
}

fn style(role: Role, size: raw::Abs) -> TextStyle {
    TextStyle { role, size: size.0 }
}

fn build(r: raw::Template, sha256: String) -> Result<Template, String> {
    let p = &r.page;
    let page = PageStyle {
        width: p.width.0,
        height: p.height.0,
        top: p.top.0,
        left: p.left.0,
        type_width: p.type_width.0,
        type_height: p.type_height.0,
        mirror_margins: p.mirror_margins,
    };
    let grid = GridStyle {
        lines: r.grid.lines,
        chars: r.grid.chars,
        pitch: page.type_height / r.grid.lines as f32,
        cell: page.type_width / r.grid.chars as f32,
        em_ascent: r.grid.em_ascent,
    };

    let mut fonts = BTreeMap::new();
    for (name, rf) in r.fonts {
        let role = Role::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                match crate::suggest::nearest(&name, names.iter().copied()) {
                    Some(n) => format!("fonts.{name}：没有这个字体角色：是否应为 {n}？"),
                    None => format!(
                        "fonts.{name}：没有这个字体角色；可用的有 {}",
                        names.join("、")
                    ),
                }
            })?;
        if rf.faces.is_empty() {
            return Err(format!("fonts.{name}.faces：至少要有一个字体文件"));
        }
        let faces = rf
            .faces
            .into_iter()
            .map(|f| match f {
                Face::File(file) => FaceSpec { file, only: None },
                Face::Limited { file, only } => FaceSpec {
                    file,
                    only: Some(only.chars().collect()),
                },
            })
            .collect();
        if !rf.latin.is_latin() && rf.latin != role {
            return Err(format!(
                "fonts.{name}.latin：应是 latin、latin_bold 或本角色自己（{name}）"
            ));
        }
        fonts.insert(
            role,
            RoleFonts {
                faces,
                latin: rf.latin,
            },
        );
    }
    if let Some(missing) = Role::ALL.iter().find(|r| !fonts.contains_key(r)) {
        return Err(format!("缺少字体角色 [fonts.{missing}]"));
    }

    let m = &r.masthead;
    let issuer_size = m.issuer_size.0;
    let masthead = MastheadStyle {
        marking: style(m.marking_role, m.marking_size),
        name_role: m.name_role,
        name_max_size: m.name_max_size.0,
        name_min_size: m.name_min_size.0,
        name_min_scale: m.name_min_scale,
        name_line: m.name_line,
        name_grid_lines: m.name_grid_lines,
        issue: style(m.issue_role, m.issue_size),
        blank_lines_before_issue: m.blank_lines_before_issue,
        issuer: style(m.issuer_role, m.issuer_size),
        issuer_min_size: m.issuer_min_size.0,
        issuer_indent_zi: m.issuer_indent.0,
        issuer_min_gap_zi: m.issuer_min_gap.0,
        rule_below: pt(m.rule_below, issuer_size, &grid),
        rule_thickness: m.rule_thickness.0,
        double_rule: m.double_rule,
        double_thin: m.double_thin.0,
        double_gap: pt(m.double_gap, issuer_size, &grid),
        gap_after_rule: pt(m.gap_after_rule, issuer_size, &grid),
        copy_number_label: m.copy_number_label.clone(),
        copy_number: style(m.copy_number_role, m.copy_number_size),
    };
    if masthead.name_min_size > masthead.name_max_size {
        return Err("masthead.name_min_size 不能大于 name_max_size".into());
    }

    let g = &r.guide;
    let guide = GuideStyle {
        label: g.label.0.clone(),
        label_style: style(g.label_role, g.size),
        item: style(g.item_role, g.size),
        bullet: g.bullet.0.clone(),
        indent: pt(g.indent, grid.cell, &grid),
        blank_lines_after: g.blank_lines_after,
        frame: g.frame,
        frame_thickness: g.frame_thickness.0,
        frame_padding: pt(g.frame_padding, grid.cell, &grid),
    };
    let n = &r.note;
    let note = NoteStyle {
        label: n.label.0.clone(),
        article_label: n.article_label.0.clone(),
        label_style: style(n.label_role, n.size),
        text: style(n.role, n.size),
        indent: pt(n.indent, grid.cell, &grid),
        position: match n.position {
            raw::NotePosition::BeforeGuide => NotePosition::BeforeGuide,
            raw::NotePosition::AfterGuide => NotePosition::AfterGuide,
        },
        blank_lines_after: n.blank_lines_after,
    };
    let t = &r.title;
    let title = TitleStyle {
        text: style(t.role, t.size),
        grid_lines: t.grid_lines,
        blank_lines_before: t.blank_lines_before,
        blank_lines_after: t.blank_lines_after,
    };
    let paragraph = ParagraphStyle {
        text: style(r.paragraph.role, r.paragraph.size),
        indent: pt(r.paragraph.indent, grid.cell, &grid),
    };
    let section = SectionStyle {
        text: style(r.section.role, r.section.size),
        open: r.section.open.clone(),
        close: r.section.close.clone(),
        blank_lines_before: r.section.blank_lines_before,
    };
    let item = ItemStyle {
        mark: r.item.mark.0.clone(),
        mark_role: r.item.mark_role,
        heading_indent: pt(r.item.heading_indent, grid.cell, &grid),
        lead_separator: r.item.lead_separator.clone(),
    };
    let composition = CompositionStyle {
        latin_gap_zi: r.composition.latin_gap.0,
        compress_punctuation: r.composition.compress_punctuation,
        hanging_punctuation: r.composition.hanging_punctuation,
        widow_orphan: r.composition.widow_orphan,
        grid_latin: match r.composition.grid_latin {
            raw::GridLatin::Word => GridLatin::Word,
            raw::GridLatin::Cells => GridLatin::Cells,
        },
        max_letter_spacing_zi: r.composition.max_letter_spacing.0,
        max_word_spacing_zi: r.composition.max_word_spacing.0,
        hyphenate: r.composition.hyphenate,
        avoid_lone_characters: r.composition.avoid_lone_characters,
    };
    let f = &r.footer;
    let footer_size = f.size.0;
    if !f.copies.contains("{}") {
        return Err("footer.copies 应含 {}，用来放份数，如“（共印{}份）”".into());
    }
    let footer = FooterStyle {
        text: style(f.role, f.size),
        indent: pt(f.indent, footer_size, &grid),
        report_label: f.report_label.clone(),
        send_label: f.send_label.clone(),
        issue_label: f.issue_label.clone(),
        extra_label: f.extra_label.clone(),
        separator: f.separator.clone(),
        imprint_suffix: f.imprint_suffix.clone(),
        copies: f.copies.clone(),
        imprint_min_scale: f.imprint_min_scale,
        thick_rule: f.thick_rule.0,
        thin_rule: f.thin_rule.0,
        gap_before: pt(f.gap_before, footer_size, &grid),
        min_gap: pt(f.min_gap, footer_size, &grid),
        line_pitch: pt(f.line_pitch, footer_size, &grid),
        min_line_pitch: pt(f.min_line_pitch, footer_size, &grid),
        fit: f.fit,
        carry_over: f.carry_over,
        even_page: f.even_page,
    };
    let n = &r.page_number;
    let number_size = n.size.0;
    let page_number = PageNumberStyle {
        text: style(n.role, n.size),
        dash: n.dash.clone(),
        position: match n.position {
            Position::Outside => NumberPosition::Outside,
            Position::Centre => NumberPosition::Centre,
            Position::None => NumberPosition::None,
        },
        below: pt(n.below, number_size, &grid),
        indent: pt(n.indent, number_size, &grid),
    };

    Ok(Template {
        name: r.name,
        sha256,
        merged: String::new(),
        page,
        grid,
        text_color: r.colors.text.0,
        red: r.colors.red.0,
        fonts,
        masthead,
        guide,
        note,
        title,
        paragraph,
        section,
        item,
        composition,
        footer,
        page_number,
    })
}

/// Everything a template places must be on the page: the type area on the
/// paper, text no taller than the lines it sits on, indents within the
/// measure, the masthead within the first page's type area, page numbers
/// within the paper.
fn check_geometry(t: &Template) -> Result<(), String> {
    const EPS: f32 = 0.01;
    let p = &t.page;
    if p.left + p.type_width > p.width + EPS || p.top + p.type_height > p.height + EPS {
        return Err("版心超出了纸张：检查 page 的尺寸".into());
    }
    let pitch = t.grid.pitch;
    let one_line = [
        ("paragraph.size", t.paragraph.text.size),
        ("guide.size", t.guide.item.size),
        ("section.size", t.section.text.size),
        ("masthead.marking_size", t.masthead.marking.size),
        ("masthead.issue_size", t.masthead.issue.size),
        ("masthead.issuer_size", t.masthead.issuer.size),
        ("masthead.copy_number_size", t.masthead.copy_number.size),
        ("note.size", t.note.text.size),
        ("footer.size", t.footer.text.size),
    ];
    for (key, size) in one_line {
        if size > pitch + EPS {
            return Err(format!(
                "{key}：{size}pt 大于网格行距 {pitch:.2}pt，这一行放不下：请减小字号或减少 grid.lines"
            ));
        }
    }
    if t.title.text.size > pitch * t.title.grid_lines as f32 + EPS {
        return Err(format!(
            "title.size：{}pt 放不进 {} 行（{:.2}pt）：请减小字号或增加 title.grid_lines",
            t.title.text.size,
            t.title.grid_lines,
            pitch * t.title.grid_lines as f32
        ));
    }
    let half = p.type_width / 2.0;
    let indents = [
        ("paragraph.indent", t.paragraph.indent),
        ("guide.indent", t.guide.indent),
        ("item.heading_indent", t.item.heading_indent),
        ("footer.indent", t.footer.indent),
        ("page_number.indent", t.page_number.indent),
        ("guide.frame_padding", t.guide.frame_padding),
        ("note.indent", t.note.indent),
    ];
    for (key, v) in indents {
        if v >= half {
            return Err(format!(
                "{key}：{v:.1}pt 不小于版心宽度的一半（{half:.1}pt），文字没有地方排"
            ));
        }
    }
    let m = &t.masthead;
    let issuer_line = m.name_line + m.name_grid_lines + m.blank_lines_before_issue + 1;
    let rule = p.top
        + (issuer_line as f32 + 0.5) * pitch
        + m.issuer.size / 2.0
        + m.rule_below
        + m.rule_thickness
        + if m.double_rule {
            m.double_gap + m.double_thin
        } else {
            0.0
        };
    if issuer_line + 1 >= t.grid.lines || rule + m.gap_after_rule > p.top + p.type_height {
        return Err(
            "报头（名称、期号、编印单位、红线）超出了第一页的版心：检查 masthead 的行数和间距"
                .into(),
        );
    }
    if t.footer.gap_before > p.type_height {
        return Err("footer.gap_before 大于版心高度".into());
    }
    let f = &t.footer;
    if f.min_line_pitch < f.text.size - EPS || f.min_line_pitch > f.line_pitch + EPS {
        return Err(format!(
            "footer.min_line_pitch：{:.2}pt 应在字号 {}pt 与 footer.line_pitch（{:.2}pt）之间",
            f.min_line_pitch, f.text.size, f.line_pitch
        ));
    }
    if f.line_pitch > 2.0 * pitch {
        return Err(format!(
            "footer.line_pitch：{:.2}pt 大于正文两行（{:.2}pt）",
            f.line_pitch,
            2.0 * pitch
        ));
    }
    let number_bottom = p.top + p.type_height + t.page_number.below + t.page_number.text.size;
    if t.page_number.position != NumberPosition::None && number_bottom > p.height + EPS {
        return Err(format!(
            "page_number.below：页码（底边 {number_bottom:.1}pt）超出了纸张（{:.1}pt）",
            p.height
        ));
    }
    Ok(())
}
