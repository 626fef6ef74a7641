//! The printpdf writer: the layout → printpdf's document → lopdf, as every
//! copy filed before jianbao wrote its own PDF objects was made
//! ([`super::PdfWriter::Legacy`] and [`super::PdfWriter::Libdeflate`]). Kept
//! so that those copies can be written again byte for byte; new copies use
//! the direct writer. Nothing here may change what it writes.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, FontEmbeddingMode, FontId, Line as PdfLine, LinePoint, Mm, Op, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, PrintpdfFontMeta, Pt,
    TextItem, TextMatrix,
};

use super::{font_tag, Built};
use crate::error::{Error, Result};
use crate::fonts::{FaceId, FontSet};
use crate::layout::{Item, Layout, Rgb};
use lopdf::{Object, ObjectId};

/// A face subset to the glyphs the layout uses.
struct Subset {
    id: FontId,
    /// The PostScript name printpdf writes as /BaseFont (without subset tag).
    ps_name: Option<String>,
    /// Original glyph id → glyph id in the subset font.
    gids: BTreeMap<u16, u16>,
}

/// One face made ready for printpdf: the face, printpdf's font, the subset.
type Prepared = (FaceId, PdfFont, Subset);

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// Subset every used face before printpdf parses it: parsing a whole 7 MB CJK
/// font is the main cost of a render; a subset of a few hundred glyphs parses
/// in well under a millisecond. The faces are subset and parsed on as many
/// threads as there are cores (a bulletin uses five to eight faces, two of
/// them large); the result does not depend on the number of threads.
fn subset_fonts(
    layout: &Layout,
    fonts: &FontSet,
    doc: &mut PdfDocument,
) -> Result<BTreeMap<FaceId, Subset>> {
    let used: Vec<(usize, FaceId, Vec<u16>)> = layout
        .used_glyphs()
        .into_iter()
        .enumerate()
        .map(|(n, (face, gids))| (n, face, gids))
        .collect();
    let work = |(n, face, gids): &(usize, FaceId, Vec<u16>)| -> Result<Prepared> {
        let file = fonts.file(*face);
        let bytes = crate::fonts::subset(file, gids)?;
        let mut warnings = Vec::new();
        let parsed =
            ParsedFont::from_bytes(&bytes, 0, &mut warnings).ok_or_else(|| Error::Font {
                file: file.path.clone(),
                message: "无法嵌入：子集字体无法解析".into(),
            })?;
        // printpdf reads every used glyph's advance back out of the parsed
        // face while it writes the widths (decoding its outline); the glyph
        // cache is shared with the face handed over, so decode here, on this
        // thread, what it will ask for: glyph 0 and the subset's glyphs.
        for gid in 0..=gids.len() as u16 {
            let _ = parsed.get_or_decode_glyph(gid);
        }
        let id = FontId(font_tag(*n));
        let ps_name = parsed.font_name.clone();
        // Already subset: printpdf embeds these bytes as they are (subsetting
        // again would cost a second parse of every face).
        let meta = PrintpdfFontMeta {
            embedding_mode: FontEmbeddingMode::Full,
            requires_subsetting: false,
            ..PrintpdfFontMeta::default()
        };
        // Glyph 0 stays 0; the used glyphs follow in order (fonts::subset).
        let map = gids
            .iter()
            .enumerate()
            .map(|(i, &g)| (g, i as u16 + 1))
            .collect();
        let subset = Subset {
            id,
            ps_name,
            gids: map,
        };
        Ok((*face, PdfFont::with_meta(parsed, meta), subset))
    };
    // The largest faces first, so that no thread is left with one at the end.
    let mut order: Vec<&(usize, FaceId, Vec<u16>)> = used.iter().collect();
    order.sort_by_key(|(_, face, gids)| {
        std::cmp::Reverse(fonts.file(*face).data.len() / 64 + gids.len())
    });
    let mut done: Vec<(usize, Option<Result<Prepared>>)> = order
        .iter()
        .map(|u| u.0)
        .zip(crate::par::map(&order, |u| work(u)))
        .collect();
    // Back in face order, so that errors and resources come out the same
    // whatever the threads did.
    done.sort_by_key(|(n, _)| *n);
    let mut out = BTreeMap::new();
    for (_, r) in done {
        let (face, font, subset) = r.ok_or_else(|| Error::Font {
            file: std::path::PathBuf::new(),
            message: "无法嵌入：子集化线程意外中止".into(),
        })??;
        doc.resources.fonts.map.insert(subset.id.clone(), font);
        out.insert(face, subset);
    }
    Ok(out)
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

/// The content of one page.
fn page_ops(
    page: &crate::layout::Page,
    height: f32,
    subsets: &BTreeMap<FaceId, Subset>,
) -> Vec<Op> {
    let mut ops = Vec::new();
    for item in &page.items {
        match item {
            Item::Line(l) => {
                ops.push(Op::StartTextSection);
                let y = height - l.baseline;
                for r in &l.runs {
                    let Some(sub) = subsets.get(&r.face) else {
                        continue;
                    };
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(sub.id.clone()),
                        size: Pt(r.size),
                    });
                    ops.push(Op::SetFillColor {
                        col: color(r.color),
                    });
                    let scaled = (r.hscale - 1.0).abs() > 1e-6;
                    if scaled {
                        ops.push(Op::SetHorizontalScaling {
                            percent: r.hscale * 100.0,
                        });
                    }
                    // Every glyph at its absolute position; printpdf merges a
                    // baseline's glyphs into one TJ with kerns computed against
                    // the widths it writes, so positions are exact.
                    for g in &r.glyphs {
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Translate(Pt(g.x), Pt(y)),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::GlyphIds(vec![Codepoint {
                                gid: sub.gids.get(&g.gid).copied().unwrap_or(0),
                                offset: 0.0,
                                cid: Some(g.text.clone()),
                            }])],
                        });
                    }
                    if scaled {
                        ops.push(Op::SetHorizontalScaling { percent: 100.0 });
                    }
                }
                ops.push(Op::EndTextSection);
            }
            Item::Rule(r) => {
                ops.push(Op::SetOutlineColor {
                    col: color(r.color),
                });
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(r.thickness),
                });
                ops.push(Op::DrawLine {
                    line: PdfLine {
                        points: vec![point(r.x0, height - r.y), point(r.x1, height - r.y)],
                        is_closed: false,
                    },
                });
            }
            Item::Frame(f) => {
                let (x0, x1) = (f.x, f.x + f.width);
                let (y0, y1) = (height - f.y - f.height, height - f.y);
                ops.push(Op::SetOutlineColor {
                    col: color(f.color),
                });
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(f.thickness),
                });
                ops.push(Op::DrawLine {
                    line: PdfLine {
                        points: vec![point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1)],
                        is_closed: true,
                    },
                });
            }
        }
    }
    ops
}

/// The document printpdf makes of `layout`, converted to lopdf, its subset
/// faces tagged.
pub fn document(layout: &Layout, fonts: &FontSet) -> Result<Built> {
    let mut doc = PdfDocument::new(&layout.info.title);
    let subsets = subset_fonts(layout, fonts, &mut doc)?;
    let w = Mm(layout.page_width * 25.4 / 72.0);
    let h = Mm(layout.page_height * 25.4 / 72.0);
    let pages: Vec<PdfPage> = layout
        .pages
        .iter()
        .map(|p| PdfPage::new(w, h, page_ops(p, layout.page_height, &subsets)))
        .collect();
    doc.with_pages(pages);

    let save_opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&save_opts, &mut warnings);
    tag_subset_fonts(&mut pdf, &subsets);
    let pages: Vec<ObjectId> = pdf.get_pages().into_values().collect();
    let catalog = pdf
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| Error::Io {
            path: "<pdf>".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    pdf.version = "1.7".into();
    Ok(Built {
        doc: pdf,
        pages,
        catalog,
    })
}

/// Give every embedded subset its `XXXXXX+` tag on /BaseFont and /FontName
/// (ISO 32000-1 §9.6.4): printpdf writes the plain name for fonts it did not
/// subset itself.
fn tag_subset_fonts(pdf: &mut lopdf::Document, subsets: &BTreeMap<FaceId, Subset>) {
    let names: BTreeMap<Vec<u8>, String> = subsets
        .values()
        .filter_map(|s| {
            s.ps_name
                .as_ref()
                .map(|n| (n.clone().into_bytes(), format!("{}+{n}", s.id.0)))
        })
        .collect();
    for obj in pdf.objects.values_mut() {
        let Object::Dictionary(d) = obj else { continue };
        for key in [b"BaseFont".as_slice(), b"FontName".as_slice()] {
            let tagged = match d.get(key) {
                Ok(Object::Name(n)) => names.get(n).cloned(),
                _ => None,
            };
            if let Some(t) = tagged {
                d.set(key, Object::Name(t.into_bytes()));
            }
        }
    }
}
