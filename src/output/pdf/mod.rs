//! PDF: the layout → PDF bytes, written by jianbao's own writer (`direct`,
//! on lopdf's document model), which makes no layout decision: every
//! position, size and colour comes from the [`Layout`]; it translates,
//! subsets fonts and writes the document's metadata (`pdfa.rs` for PDF/A-2b)
//! and compresses its streams (`deflate.rs`, with the [`PdfWriter`] a copy
//! records).
//!
//! Deterministic: fonts get fixed resource names, the trailer ID is derived
//! from the file's content, dates come from the bulletin.

mod deflate;
mod direct;
mod pdfa;

pub use deflate::PdfWriter;

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::layout::{Bookmark, Layout};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// The writer's document, before the parts [`finish`] adds (information,
/// bookmarks, PDF/A): its pages in order and its catalog.
struct Built {
    /// The document.
    doc: lopdf::Document,
    /// The page objects, in order.
    pages: Vec<ObjectId>,
    /// The catalog.
    catalog: ObjectId,
}

/// Options of the PDF output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Write PDF/A-2b identification, XMP metadata and an sRGB output intent.
    pub pdfa: bool,
    /// How the streams are compressed (the archive records it).
    pub writer: PdfWriter,
}

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
        .map_err(|e| Error::Output {
            output: "PDF",
            message: format!("保存文档出错（{e}）"),
        })?;
    Ok(out)
}

/// The two placeholders of the trailer's /ID: in the dictionary of the
/// cross-reference stream, which `startxref` at the end of the file points
/// at (ISO 32000-1 §7.5.8), before the stream's data. `None` when the file
/// is not laid out so.
fn id_placeholders(bytes: &[u8]) -> Option<[usize; 2]> {
    const ZEROS: &[u8] = b"<00000000000000000000000000000000>";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let tail = bytes.len().saturating_sub(64);
    let at = tail + find(&bytes[tail..], b"startxref")? + b"startxref".len();
    let digits: String = bytes[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    let xref: usize = digits.parse().ok()?;
    let dict = bytes.get(xref..)?;
    let dict = &dict[..find(dict, b"stream")?];
    let mut spots = Vec::new();
    let mut from = 0;
    while let Some(k) = find(&dict[from..], ZEROS) {
        spots.push(xref + from + k);
        from += k + ZEROS.len();
    }
    spots.try_into().ok()
}

/// Render `layout` to PDF bytes with the faces of `fonts`.
pub fn render(layout: &Layout, fonts: &FontSet, opts: RenderOptions) -> Result<Vec<u8>> {
    let mut built = direct::document(layout, fonts, opts.writer)?;
    let producer = format!("jianbao {}", env!("CARGO_PKG_VERSION"));
    let Built {
        doc,
        pages,
        catalog,
    } = &mut built;
    finish(doc, layout, opts, pages, *catalog, &producer)
}

/// What is added to the writer's document: the information dictionary,
/// bookmarks, catalog entries and PDF/A parts; then the streams not yet
/// compressed are, and the file is written with its content-derived ID.
fn finish(
    pdf: &mut lopdf::Document,
    layout: &Layout,
    opts: RenderOptions,
    page_ids: &[ObjectId],
    catalog_id: ObjectId,
    producer: &str,
) -> Result<Vec<u8>> {
    // Document information (layout.md §8.2).
    let info = &layout.info;
    let mut dict = Dictionary::new();
    dict.set("Title", text_string(&info.title));
    dict.set("Author", text_string(&info.author));
    dict.set("Subject", text_string(&info.subject));
    dict.set("Keywords", text_string(&info.keywords));
    dict.set("Creator", text_string(&info.creator));
    dict.set("Producer", text_string(producer));
    dict.set("CreationDate", pdf_date(info.created));
    dict.set("ModDate", pdf_date(info.created));
    let info_id = pdf.add_object(Object::Dictionary(dict));
    pdf.trailer.set("Info", info_id);

    // Bookmarks, nested (layout.md §8.3).
    let outlines_id = pdf.new_object_id();
    let (first, last, count) = add_outline(
        pdf,
        page_ids,
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
        let parts = pdfa::add(pdf, info, producer);
        catalog_updates.extend(parts);
    }
    if let Ok(Object::Dictionary(catalog)) = pdf.get_object_mut(catalog_id) {
        for (k, v) in catalog_updates {
            catalog.set(k, v);
        }
    }

    deflate::compress(pdf, opts.writer);
    // The trailer ID: derived from the content, so equal inputs give equal
    // bytes: the first 16 bytes of the SHA-256 of the file as written with
    // an ID of zeros, written over the zeros.
    let placeholder = Object::String(vec![0; 16], StringFormat::Hexadecimal);
    pdf.trailer
        .set("ID", vec![placeholder.clone(), placeholder]);
    let mut bytes = save(pdf)?;
    let Some(spots) = id_placeholders(&bytes) else {
        return Err(Error::Output {
            output: "PDF",
            message: "文档标识（/ID）的位置没有找到".into(),
        });
    };
    let digest = Sha256::digest(&bytes);
    let hex = crate::template::hex(&digest[..16]).to_uppercase();
    for k in spots {
        bytes[k + 1..k + 33].copy_from_slice(hex.as_bytes());
    }
    Ok(bytes)
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
    fn the_id_is_found_in_the_cross_reference_streams_dictionary() {
        let zeros = "<00000000000000000000000000000000>";
        let body = "x".repeat(5000);
        let head = format!("%PDF-1.7\n{body}\n");
        let xref = head.len();
        let file = format!(
            "{head}7 0 obj\n<</Type/XRef/ID[{zeros}{zeros}]/Size 8>>stream\n{body}{zeros}\nendstream\nendobj\nstartxref\n{xref}\n%%EOF"
        );
        let spots = id_placeholders(file.as_bytes()).unwrap();
        let first = file.find(zeros).unwrap();
        assert_eq!(spots, [first, first + zeros.len()]);
        // Zeros in the stream's data are not the ID; no `startxref`, no ID.
        assert_eq!(id_placeholders(b"%PDF-1.7\n%%EOF"), None);
        let one = file.replacen(zeros, "<11111111111111111111111111111111>", 1);
        assert_eq!(id_placeholders(one.as_bytes()), None);
    }

    #[test]
    fn text_strings_are_utf16_with_bom() {
        match text_string("简A") {
            Object::String(b, _) => assert_eq!(b, vec![0xFE, 0xFF, 0x7B, 0x80, 0x00, 0x41]),
            _ => unreachable!(),
        }
    }
}
