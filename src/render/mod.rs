//! Rendering: the layout → PDF bytes, through printpdf. The only module that
//! knows printpdf. It makes no layout decisions: every position, size and
//! colour comes from the [`Layout`]; it translates, subsets fonts and writes
//! the document's metadata.
//!
//! Deterministic: fonts get fixed resource names, the trailer ID is derived
//! from the file's content, dates come from the bulletin.

mod deflate;
mod pdfa;

pub use deflate::PdfWriter;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use printpdf::{
    Codepoint, Color, FontEmbeddingMode, FontId, Line as PdfLine, LinePoint, Mm, Op, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, PrintpdfFontMeta, Pt,
    TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fonts::{FaceId, FontSet};
use crate::layout::{Bookmark, Item, Layout, Rgb};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// Options of the PDF output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Write PDF/A-2b identification, XMP metadata and an sRGB output intent.
    pub pdfa: bool,
    /// How the streams are compressed (the archive records it).
    pub writer: PdfWriter,
}

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

/// The resource name of the `n`-th face: six capital letters, which also serve
/// as the subset tag of its /BaseFont (ISO 32000-1 §9.6.4).
fn font_tag(n: usize) -> String {
    let mut tag = *b"JBAAAA";
    let mut v = n;
    for slot in tag.iter_mut().rev().take(4) {
        *slot = b'A' + (v % 26) as u8;
        v /= 26;
    }
    String::from_utf8_lossy(&tag).into_owned()
}

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

/// A PDF text string: UTF-16BE with a byte order mark.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// A PDF date string, `D:YYYYMMDDHHmmSS+HH'mm'` (ISO 32000-1 §7.9.4).
fn pdf_date(t: DateTime<FixedOffset>) -> Object {
    let zone = t.format("%z").to_string(); // +0800
    let (hours, minutes) = zone.split_at(3);
    Object::String(
        format!("D:{}{hours}'{minutes}'", t.format("%Y%m%d%H%M%S")).into_bytes(),
        StringFormat::Literal,
    )
}

fn add_outline(
    doc: &mut lopdf::Document,
    pages: &[ObjectId],
    items: &[Bookmark],
    parent: ObjectId,
    height: f32,
) -> (Option<ObjectId>, Option<ObjectId>, i64) {
    let ids: Vec<ObjectId> = items.iter().map(|_| doc.new_object_id()).collect();
    let mut count = 0;
    for (i, bm) in items.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", text_string(&bm.title));
        d.set("Parent", parent);
        if i > 0 {
            d.set("Prev", ids[i - 1]);
        }
        if i + 1 < ids.len() {
            d.set("Next", ids[i + 1]);
        }
        if let Some(&page) = pages.get(bm.page) {
            d.set(
                "Dest",
                vec![
                    Object::Reference(page),
                    "XYZ".into(),
                    Object::Null,
                    Object::Real(height - bm.y),
                    Object::Null,
                ],
            );
        }
        let (first, last, n) = add_outline(doc, pages, &bm.children, ids[i], height);
        if let (Some(f), Some(l)) = (first, last) {
            d.set("First", f);
            d.set("Last", l);
            d.set("Count", n);
        }
        count += 1 + n;
        doc.objects.insert(ids[i], Object::Dictionary(d));
    }
    (ids.first().copied(), ids.last().copied(), count)
}

fn save(doc: &mut lopdf::Document) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    // Object and cross-reference streams (PDF 1.5) compress the dictionaries:
    // font descriptors, width arrays, pages, bookmarks.
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(9)
        .build();
    doc.save_with_options(&mut out, options)
        .map_err(|e| Error::Io {
            path: "<pdf>".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    Ok(out)
}

/// Render `layout` to PDF bytes with the faces of `fonts`.
pub fn render(layout: &Layout, fonts: &FontSet, opts: RenderOptions) -> Result<Vec<u8>> {
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
    pdf.version = "1.7".into();

    // Document information (layout.md §8.2), replacing printpdf's.
    let info = &layout.info;
    let mut dict = Dictionary::new();
    dict.set("Title", text_string(&info.title));
    dict.set("Author", text_string(&info.author));
    dict.set("Subject", text_string(&info.subject));
    dict.set("Keywords", text_string(&info.keywords));
    dict.set("Creator", text_string(&info.creator));
    let producer = format!("jianbao {} (printpdf 0.12)", env!("CARGO_PKG_VERSION"));
    dict.set("Producer", text_string(&producer));
    dict.set("CreationDate", pdf_date(info.created));
    dict.set("ModDate", pdf_date(info.created));
    let info_id = pdf.add_object(Object::Dictionary(dict));
    pdf.trailer.set("Info", info_id);
    pdfa::remove_stale_info(&mut pdf);

    // Bookmarks, nested (layout.md §8.3).
    let page_ids: Vec<ObjectId> = pdf.get_pages().into_values().collect();
    let catalog_id = pdf
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| Error::Io {
            path: "<pdf>".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let outlines_id = pdf.new_object_id();
    let (first, last, count) = add_outline(
        &mut pdf,
        &page_ids,
        &layout.outline,
        outlines_id,
        layout.page_height,
    );
    let mut catalog_updates: Vec<(&str, Object)> = vec![
        (
            "Lang",
            Object::String(b"zh-CN".to_vec(), StringFormat::Literal),
        ),
        (
            "ViewerPreferences",
            Object::Dictionary(Dictionary::from_iter(vec![(
                "DisplayDocTitle",
                Object::Boolean(true),
            )])),
        ),
    ];
    if let (Some(f), Some(l)) = (first, last) {
        let mut outlines = Dictionary::new();
        outlines.set("Type", "Outlines");
        outlines.set("First", f);
        outlines.set("Last", l);
        outlines.set("Count", count);
        pdf.objects
            .insert(outlines_id, Object::Dictionary(outlines));
        catalog_updates.push(("Outlines", Object::Reference(outlines_id)));
        catalog_updates.push(("PageMode", Object::Name(b"UseOutlines".to_vec())));
    } else {
        catalog_updates.push(("PageMode", Object::Name(b"UseNone".to_vec())));
    }
    if opts.pdfa {
        let parts = pdfa::add(&mut pdf, info, &producer);
        catalog_updates.extend(parts);
    }
    if let Ok(Object::Dictionary(catalog)) = pdf.get_object_mut(catalog_id) {
        for (k, v) in catalog_updates {
            catalog.set(k, v);
        }
    }

    tag_subset_fonts(&mut pdf, &subsets);
    deflate::compress(&mut pdf, opts.writer);
    // The trailer ID: derived from the content, so equal inputs give equal
    // bytes. Written as a placeholder of the final length, hashed, then patched.
    let placeholder = Object::String(vec![0; 16], StringFormat::Hexadecimal);
    pdf.trailer
        .set("ID", vec![placeholder.clone(), placeholder]);
    let mut bytes = save(&mut pdf)?;
    let zeros = b"<00000000000000000000000000000000>";
    let tail = bytes.len().saturating_sub(4096);
    let spots: Vec<usize> = (tail..bytes.len().saturating_sub(zeros.len() - 1))
        .filter(|&k| &bytes[k..k + zeros.len()] == zeros)
        .collect();
    if spots.len() != 2 {
        return Err(Error::Io {
            path: "<pdf>".into(),
            source: std::io::Error::other("trailer ID placeholder not found"),
        });
    }
    let digest = Sha256::digest(&bytes);
    let hex = crate::template::hex(&digest[..16]).to_uppercase();
    for k in spots {
        bytes[k + 1..k + 33].copy_from_slice(hex.as_bytes());
    }
    Ok(bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_tags_are_six_capitals_and_distinct() {
        assert_eq!(font_tag(0), "JBAAAA");
        assert_eq!(font_tag(1), "JBAAAB");
        assert_eq!(font_tag(27), "JBAABB");
        for n in 0..100 {
            let t = font_tag(n);
            assert_eq!(t.len(), 6);
            assert!(t.bytes().all(|b| b.is_ascii_uppercase()));
        }
    }

    #[test]
    fn text_strings_are_utf16_with_bom() {
        match text_string("简A") {
            Object::String(b, _) => assert_eq!(b, vec![0xFE, 0xFF, 0x7B, 0x80, 0x00, 0x41]),
            _ => unreachable!(),
        }
    }
}
