//! The masthead's lines (layout.md §2): marking, the bulletin name fitted to
//! the measure, the issue line, and issuer and date on one line.

use super::{Align, Inline, LeftRight, Line, MastheadLines, Span, Typesetter};
use crate::error::{Error, Place, Result};
use crate::layout::Tag;
use crate::model::Bulletin;

/// Size and horizontal scale of a one-line name whose natural width at 1 pt
/// (and 100 %) is `em_width`, in `measure` (layout.md §2.2): the largest size up
/// to `max` at which it fits with a scale of at least `min_scale`; 100 % when it
/// fits uncompressed at that size.
pub fn fit_name(em_width: f32, measure: f32, max: f32, min_scale: f32) -> (f32, f32) {
    if em_width <= 0.0 {
        return (max, 1.0);
    }
    let size = max.min(measure / (em_width * min_scale));
    let scale = (measure / (size * em_width)).min(1.0);
    (size, scale)
}

/// Grid lines a band of `lines` name lines of `size` pt needs: at least
/// `min_lines`, and room for 1.15 em a line.
pub fn name_band(lines: usize, size: f32, pitch: f32, min_lines: u32) -> u32 {
    let need = (lines as f32 * size * 1.15 / pitch).ceil() as u32;
    need.max(min_lines)
}

fn one_line(
    ts: &Typesetter<'_>,
    text: &str,
    style: crate::template::TextStyle,
    align: Align,
    place: &str,
) -> Inline {
    Inline {
        align,
        ..ts.text(text, style, Place::new(place))
    }
}

/// Set the masthead of `b`.
pub fn set(b: &Bulletin, ts: &mut Typesetter<'_>) -> Result<MastheadLines> {
    let t = ts.template;
    let m = &t.masthead;
    let measure = t.page.type_width;

    let marking = match &b.masthead.marking {
        None => None,
        Some(text) => {
            let mut lines = ts.set(
                &one_line(ts, text, m.marking, Align::Left, "$.masthead.marking"),
                Tag::Marking,
            );
            if lines.len() > 1 {
                return Err(Error::Layout {
                    place: Place::new("$.masthead.marking"),
                    message: "标识（密级、内部资料等）超过一行：请缩短".into(),
                });
            }
            lines.pop()
        }
    };

    // 编号 flush right on the first line of the type area (GB/T 9704-2012
    // §7.2.1 puts the 份号 there, top left; a 简报 has its marking there).
    let copy_number = match &b.masthead.copy_number {
        None => None,
        Some(no) => {
            let text = format!("{}{no}", m.copy_number_label);
            let inline = one_line(
                ts,
                &text,
                m.copy_number,
                Align::Right,
                "$.masthead.copy_number",
            );
            let mut lines = ts.set(&inline, Tag::CopyNumber);
            let used = marking.as_ref().map_or(0.0, |l| l.span.1);
            let width = ts.width(&inline);
            if lines.len() > 1 || used + width + m.copy_number.size > measure + 0.01 {
                return Err(Error::Layout {
                    place: Place::new("$.masthead.copy_number"),
                    message: "标识（密级、内部资料等）和编号放不进同一行（两者之间至少要空一字）：请缩短标识".into(),
                });
            }
            lines.pop()
        }
    };

    // The name, red, on one line when it can be at least name_min_size.
    let mut name_inline = Inline {
        align: Align::Center,
        ..ts.inline(
            vec![Span {
                text: b.masthead.name.clone(),
                role: m.name_role,
                color: t.red,
                whole: false,
            }],
            1.0,
            Place::new("$.masthead.name"),
        )
    };
    let em_width = ts.width(&name_inline);
    let (size, scale) = fit_name(em_width, measure, m.name_max_size, m.name_min_scale);
    let name = if size >= m.name_min_size - 0.005 {
        name_inline.size = size;
        name_inline.hscale = scale;
        if scale < 0.999 || size < m.name_max_size {
            ts.notice(
                Some(name_inline.place.clone()),
                format!(
                    "简报名称较长：字号为 {size:.1}pt，横向压缩到 {:.0}%",
                    scale * 100.0
                ),
            );
        }
        ts.set(&name_inline, Tag::Name)
    } else {
        // Two balanced lines, both at the size the longer one allows.
        name_inline.balance = true;
        name_inline.measure =
            em_width / 2.0 + em_width / b.masthead.name.chars().count().max(1) as f32 * 1.5;
        let halves = ts.set(&name_inline, Tag::Name);
        let longest = halves
            .iter()
            .map(|l| {
                let (a, z) = crate::layout::extent(&l.runs);
                z - a
            })
            .fold(0.0_f32, f32::max);
        let (size, scale) = fit_name(longest, measure, m.name_max_size, m.name_min_scale);
        if size < m.name_min_size - 0.005 {
            return Err(Error::Layout {
                place: name_inline.place,
                message: format!(
                    "简报名称太长，分两行也只能用 {size:.1}pt（小于 {:.0}pt）：请缩短名称",
                    m.name_min_size
                ),
            });
        }
        ts.notice(
            Some(name_inline.place.clone()),
            format!(
                "简报名称较长：分两行排，字号 {size:.1}pt，横向 {:.0}%",
                scale * 100.0
            ),
        );
        name_inline.size = size;
        name_inline.hscale = scale;
        name_inline.measure = measure;
        // Re-set each half centred at the final size.
        let texts: Vec<String> = halves
            .iter()
            .map(|l| crate::layout::runs_text(&l.runs))
            .collect();
        texts
            .iter()
            .flat_map(|text| {
                let mut one = name_inline.clone();
                one.balance = false;
                one.spans[0].text = text.clone();
                ts.set(&one, Tag::Name)
            })
            .collect()
    };
    let name_size = name.first().map(|l| l.size).unwrap_or(m.name_max_size);
    let name_grid_lines = name_band(name.len(), name_size, t.grid.pitch, m.name_grid_lines);

    let issue_text = b.masthead.issue_line();
    let issue = ts
        .set(
            &one_line(ts, &issue_text, m.issue, Align::Center, "$.masthead.issue"),
            Tag::IssueLine,
        )
        .into_iter()
        .next()
        .ok_or_else(|| Error::Layout {
            place: Place::new("$.masthead.issue"),
            message: "期号行为空".into(),
        })?;

    let issuer = issuer_line(b, ts)?;
    Ok(MastheadLines {
        marking,
        copy_number,
        name,
        name_grid_lines,
        issue,
        issuer,
    })
}

/// Issuer flush left and date flush right, one character in, at the issuer
/// size, or at the smaller size when they do not fit with the minimum gap; at
/// that size, an issuer still too long is compressed horizontally down to the
/// name's minimum scale (layout.md §2.4).
fn issuer_line(b: &Bulletin, ts: &mut Typesetter<'_>) -> Result<Line> {
    let m = &ts.template.masthead;
    let date = b.masthead.date.chinese();
    let sizes = [m.issuer.size, m.issuer_min_size];
    for (i, size) in sizes.into_iter().enumerate() {
        let last_try = i + 1 == sizes.len();
        let style = crate::template::TextStyle { size, ..m.issuer };
        let fitted = ts.left_right(LeftRight {
            left: (&b.masthead.issuer, Place::new("$.masthead.issuer")),
            right: (&date, Place::new("$.masthead.date")),
            style,
            indent: m.issuer_indent_zi * size,
            min_gap: m.issuer_min_gap_zi * size,
            min_scale: if last_try { m.name_min_scale } else { 1.0 },
            squeeze_right: false,
            tag: Tag::Issuer,
        });
        if let Some((line, scale, _)) = fitted {
            if size < m.issuer.size || scale < 1.0 {
                ts.notice(
                    Some(Place::new("$.masthead.issuer")),
                    format!(
                        "编印单位和日期在 {}pt 放不下一行：改用 {size}pt，编印单位横向 {:.0}%",
                        m.issuer.size,
                        scale * 100.0
                    ),
                );
            }
            return Ok(line);
        }
    }
    Err(Error::Layout {
        place: Place::new("$.masthead.issuer"),
        message: format!(
            "编印单位“{}”太长，与日期放不进一行（已缩到 {}pt、横向 {:.0}%）：请用简称",
            b.masthead.issuer,
            m.issuer_min_size,
            m.name_min_scale * 100.0
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEASURE: f32 = 442.2047;

    #[test]
    fn a_short_name_is_set_at_42pt_uncompressed() {
        // 10 characters at 42 pt = 420 pt < 442.2 pt.
        assert_eq!(fit_name(10.0, MEASURE, 42.0, 0.8), (42.0, 1.0));
    }

    #[test]
    fn the_sample_name_is_276pt_at_80_percent() {
        // layout.md §2.2: 20 characters: one line at about 27.6 pt, scaled to 80 %.
        let (size, scale) = fit_name(20.0, MEASURE, 42.0, 0.8);
        assert!((size - 27.64).abs() < 0.01, "{size}");
        assert!((scale - 0.8).abs() < 1e-4, "{scale}");
        assert!(
            (size * scale * 20.0 - MEASURE).abs() < 0.01,
            "fills the measure"
        );
    }

    #[test]
    fn a_name_between_fits_by_compression_only() {
        // 12 characters: 42 pt × 12 = 504 pt; 42 pt at 87.7 % fits.
        let (size, scale) = fit_name(12.0, MEASURE, 42.0, 0.8);
        assert_eq!(size, 42.0);
        assert!((scale - MEASURE / 504.0).abs() < 1e-4);
        assert!(scale >= 0.8);
    }

    #[test]
    fn long_names_fall_below_the_minimum() {
        // 22 characters would need 25.1 pt: under 26 pt, the caller breaks it in two.
        let (size, _) = fit_name(22.0, MEASURE, 42.0, 0.8);
        assert!(size < 26.0);
    }

    #[test]
    fn name_bands() {
        assert_eq!(name_band(1, 42.0, 28.99, 2), 2);
        assert_eq!(name_band(1, 27.64, 28.99, 2), 2);
        assert_eq!(name_band(2, 30.0, 28.99, 2), 3);
    }
}
