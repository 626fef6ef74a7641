//! jianbao's own PDF writer: the layout → a lopdf document, every object
//! built here (pages, content streams, composite fonts), with no second copy
//! of the document in between. Each used face is subset, described and
//! compressed, and each page written and compressed, as one job of a single
//! parallel map, so that the two cores share the work from the start: the
//! codes and widths a page needs are planned from the faces before anything
//! is subset (`font::plan`).
//!
//! What it writes depends on the layout, the font files and the deflate
//! level only; the object numbers follow the pages' and the faces' order.

mod cff;
mod content;
mod font;
mod sfnt;
mod ttf;

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

use super::deflate::{self, PdfWriter};
use super::Built;
use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::layout::{FaceId, Layout};

use font::{Kind, Plan};

/// One piece of parallel work.
enum Job {
    /// Subset, describe and compress a face.
    Face(FaceId),
    /// Write and compress a page's content.
    Page(usize),
}

/// A face's streams, made on a worker.
struct FaceStreams {
    program: Stream,
    to_unicode: Stream,
}

/// What a job made.
enum Done {
    Face(Result<FaceStreams>),
    Page(Stream),
}

/// A stream of `content`, compressed with `writer` when that pays.
fn stream(dict: Dictionary, content: Vec<u8>, writer: PdfWriter) -> Stream {
    match deflate::deflate(&content, writer) {
        Some(packed) => {
            let mut dict = dict;
            dict.set("Filter", "FlateDecode");
            Stream::new(dict, packed).with_compression(false)
        }
        None => Stream::new(dict, content).with_compression(false),
    }
}

fn face_streams(
    fonts: &FontSet,
    face: FaceId,
    plan: &Plan,
    writer: PdfWriter,
) -> Result<FaceStreams> {
    let program = plan.program(fonts.file(face))?;
    let mut dict = Dictionary::new();
    match plan.kind {
        Kind::CidCff => dict.set("Subtype", "CIDFontType0C"),
        Kind::NameCff => dict.set("Subtype", "OpenType"),
        Kind::TrueType => dict.set("Length1", program.len() as i64),
    }
    Ok(FaceStreams {
        program: stream(dict, program, writer),
        to_unicode: stream(Dictionary::new(), plan.to_unicode(), writer),
    })
}

/// A number as a PDF integer when it is one, else a real.
fn number(v: f32) -> Object {
    if v.fract() == 0.0 && v.abs() < 1e9 {
        Object::Integer(v as i64)
    } else {
        Object::Real(v)
    }
}

/// The font dictionaries of a face whose streams are `streams`; returns the
/// Type0 font.
fn add_font(doc: &mut lopdf::Document, plan: &Plan, streams: FaceStreams) -> ObjectId {
    let name = || Object::Name(plan.base_font().into_bytes());
    let program = doc.add_object(streams.program);
    let to_unicode = doc.add_object(streams.to_unicode);
    let m = plan.metrics;
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", "FontDescriptor");
    descriptor.set("FontName", name());
    descriptor.set("Flags", plan.flags());
    descriptor.set(
        "FontBBox",
        m.bbox
            .iter()
            .map(|&v| Object::Integer(v))
            .collect::<Vec<_>>(),
    );
    descriptor.set("ItalicAngle", m.italic_angle);
    descriptor.set("Ascent", m.ascent);
    descriptor.set("Descent", m.descent);
    descriptor.set("CapHeight", m.cap_height);
    descriptor.set("StemV", m.stem_v);
    let file_key = if plan.kind == Kind::TrueType {
        "FontFile2"
    } else {
        "FontFile3"
    };
    descriptor.set(file_key, program);
    let descriptor = doc.add_object(descriptor);

    let mut widths = Vec::new();
    for (first, ws) in plan.widths() {
        widths.push(Object::Integer(i64::from(first)));
        widths.push(Object::Array(ws.into_iter().map(number).collect()));
    }
    let mut cid_font = Dictionary::new();
    cid_font.set("Type", "Font");
    cid_font.set(
        "Subtype",
        if plan.kind == Kind::TrueType {
            "CIDFontType2"
        } else {
            "CIDFontType0"
        },
    );
    cid_font.set("BaseFont", name());
    cid_font.set(
        "CIDSystemInfo",
        Dictionary::from_iter(vec![
            (
                "Registry",
                Object::String(b"Adobe".to_vec(), StringFormat::Literal),
            ),
            (
                "Ordering",
                Object::String(b"Identity".to_vec(), StringFormat::Literal),
            ),
            ("Supplement", Object::Integer(0)),
        ]),
    );
    cid_font.set("FontDescriptor", descriptor);
    cid_font.set("DW", number(font::DEFAULT_WIDTH));
    cid_font.set("W", widths);
    if plan.kind == Kind::TrueType {
        cid_font.set("CIDToGIDMap", "Identity");
    }
    let cid_font = doc.add_object(cid_font);

    let mut type0 = Dictionary::new();
    type0.set("Type", "Font");
    type0.set("Subtype", "Type0");
    type0.set("BaseFont", name());
    type0.set("Encoding", "Identity-H");
    type0.set("DescendantFonts", vec![Object::Reference(cid_font)]);
    type0.set("ToUnicode", to_unicode);
    doc.add_object(type0)
}

/// Build the document of `layout` with the faces of `fonts`, its streams
/// compressed with `writer`.
pub fn document(layout: &Layout, fonts: &FontSet, writer: PdfWriter) -> Result<Built> {
    // What each glyph stands for, first seen first (ToUnicode).
    let mut texts: BTreeMap<FaceId, BTreeMap<u16, String>> = BTreeMap::new();
    for (_, line) in layout.lines() {
        for run in &line.runs {
            let t = texts.entry(run.face).or_default();
            for g in &run.glyphs {
                t.entry(g.gid).or_insert_with(|| g.text.clone());
            }
        }
    }
    let none = BTreeMap::new();
    let mut plans = BTreeMap::new();
    for (n, (face, gids)) in layout.used_glyphs().into_iter().enumerate() {
        if usize::from(face.0) >= fonts.files().len() {
            return Err(Error::Font {
                file: std::path::PathBuf::new(),
                message: format!("版面用到的第 {} 个字体不在字体集中", face.0),
            });
        }
        let texts = texts.get(&face).unwrap_or(&none);
        plans.insert(
            face,
            font::plan(fonts.file(face), super::font_tag(n), gids, texts)?,
        );
    }

    // The largest faces first, so that no thread is left with one at the
    // end; the pages after them.
    let mut faces: Vec<FaceId> = plans.keys().copied().collect();
    faces.sort_by_key(|f| std::cmp::Reverse(fonts.file(*f).data.len() / 64 + plans[f].gids.len()));
    let jobs: Vec<Job> = faces
        .into_iter()
        .map(Job::Face)
        .chain((0..layout.pages.len()).map(Job::Page))
        .collect();
    let run = |job: &Job| match job {
        Job::Face(face) => Done::Face(face_streams(fonts, *face, &plans[face], writer)),
        Job::Page(k) => Done::Page(stream(
            Dictionary::new(),
            content::page(&layout.pages[*k], layout.page_height, &plans),
            writer,
        )),
    };
    let mut face_done: BTreeMap<FaceId, FaceStreams> = BTreeMap::new();
    let mut page_done: BTreeMap<usize, Stream> = BTreeMap::new();
    // A result lost with its thread is made again here.
    for (job, done) in jobs.iter().zip(crate::par::map(&jobs, run)) {
        match (job, done.unwrap_or_else(|| run(job))) {
            (Job::Face(face), Done::Face(r)) => {
                face_done.insert(*face, r?);
            }
            (Job::Page(k), Done::Page(s)) => {
                page_done.insert(*k, s);
            }
            _ => {}
        }
    }

    let mut doc = lopdf::Document::with_version("1.7");
    let catalog = doc.new_object_id();
    let tree = doc.new_object_id();
    let resources = doc.new_object_id();
    let (w, h) = (
        font::milli(layout.page_width),
        font::milli(layout.page_height),
    );
    let mut pages = Vec::new();
    for k in 0..layout.pages.len() {
        let content = page_done
            .remove(&k)
            .map(|s| doc.add_object(s))
            .unwrap_or_else(|| doc.add_object(Stream::new(Dictionary::new(), Vec::new())));
        let mut page = Dictionary::new();
        page.set("Type", "Page");
        page.set("Parent", tree);
        page.set("MediaBox", vec![0.into(), 0.into(), number(w), number(h)]);
        page.set("Resources", resources);
        page.set("Contents", content);
        pages.push(doc.add_object(page));
    }
    let mut font_dict = Dictionary::new();
    for (face, streams) in face_done {
        let plan = &plans[&face];
        let id = add_font(&mut doc, plan, streams);
        font_dict.set(plan.tag.as_bytes().to_vec(), id);
    }
    doc.objects.insert(
        resources,
        Object::Dictionary(Dictionary::from_iter(vec![(
            "Font",
            Object::Dictionary(font_dict),
        )])),
    );
    let mut tree_dict = Dictionary::new();
    tree_dict.set("Type", "Pages");
    tree_dict.set(
        "Kids",
        pages
            .iter()
            .map(|&p| Object::Reference(p))
            .collect::<Vec<_>>(),
    );
    tree_dict.set("Count", pages.len() as i64);
    doc.objects.insert(tree, Object::Dictionary(tree_dict));
    let mut cat = Dictionary::new();
    cat.set("Type", "Catalog");
    cat.set("Pages", tree);
    cat.set("PageLayout", "OneColumn");
    doc.objects.insert(catalog, Object::Dictionary(cat));
    doc.trailer.set("Root", catalog);
    Ok(Built {
        doc,
        pages,
        catalog,
    })
}

/// An outline builder that keeps nothing: the subsetters' tests compare
/// outlines by the bounding box ttf-parser returns.
#[cfg(test)]
struct NoOutline;

#[cfg(test)]
impl ttf_parser::OutlineBuilder for NoOutline {
    fn move_to(&mut self, _: f32, _: f32) {}
    fn line_to(&mut self, _: f32, _: f32) {}
    fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
    fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
    fn close(&mut self) {}
}
