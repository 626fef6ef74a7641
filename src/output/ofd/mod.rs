//! OFD output (GB/T 33190-2016, 电子文件存储与交换格式 版式文档): the layout →
//! an OFD package, the format Chinese e-government systems exchange and
//! archive documents in. A back end beside the PDF renderer: it makes no
//! layout decision, every position, size and colour comes from the
//! [`Layout`].
//!
//! The package (GB/T 33190-2016 §7, the files of its Annex A schemas):
//!
//! ```text
//! OFD.xml                         entry: document information, where the document is
//! Doc_0/Document.xml              page tree, CommonData (page area, MaxUnitID), outline
//! Doc_0/PublicRes.xml             fonts and the RGB colour space
//! Doc_0/Pages/Page_N/Content.xml  one page: text objects and path objects
//! Doc_0/Res/font_ID.otf|.ttf      the faces used, subset to the glyphs used
//! ```
//!
//! Deterministic: IDs are handed out in document order, the ZIP entries
//! (`zip.rs`, the `zip` crate) come in a fixed order with the bulletin's date
//! as their time, the document ID
//! is derived from the content, and dates come from the bulletin, never the
//! clock. See docs/ofd.md for the structure and the clauses.

mod fonts;
mod page;
mod xml;
mod zip;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

pub use fonts::{OfficeName, OFFICE_NAMES};

use crate::error::Result;
use crate::fonts::{FaceId, FontSet};
use crate::layout::{Bookmark, Layout};
use crate::output::deps;

use fonts::Embedded;
use xml::{mm, Xml};

/// The version of the OFD writer's output: any change to the bytes it
/// writes for a layout is a new number here (copies made by the old one are
/// then compared by their layout). 0: the package written by jianbao's own
/// ZIP writer (copies filed before the writer was recorded); 1: by the `zip`
/// crate.
pub const VERSION: u32 = 1;

/// What else the OFD's bytes depend on: allsorts (every face is subset by
/// it), zip (the package), miniz_oxide (zip deflates through flate2).
const DEPS: [deps::Dependency; 3] = [deps::ALLSORTS, deps::ZIP, deps::MINIZ_OXIDE];

/// What the name of the OFDs filed before their writer was recorded (`0`)
/// stands for: the crates every such copy was made with.
const UNNAMED_DEPS: &str = "/allsorts-0.17.2/miniz_oxide-0.9.1";

/// The OFD writer, as the archive records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfdWriter(());

impl OfdWriter {
    /// The writer of this program.
    pub const CURRENT: OfdWriter = OfdWriter(());

    /// The name the archive records (after `ofd/`): the version and the
    /// crates, `1/allsorts-0.17.2/zip-8.6.0/miniz_oxide-0.9.1`.
    pub fn name(self) -> String {
        deps::name(&VERSION.to_string(), &DEPS)
    }

    /// The writer of a recorded name, if this program can still write it.
    pub fn from_name(name: &str) -> Option<OfdWriter> {
        let full = if name.contains('/') {
            name.to_string()
        } else {
            format!("{name}{UNNAMED_DEPS}")
        };
        (full == OfdWriter::CURRENT.name()).then_some(OfdWriter::CURRENT)
    }
}

/// The document's folder in the package.
const DOC: &str = "Doc_0";
/// The resource folder of PublicRes.xml, relative to it (BaseLoc of Res in Res.xsd).
const RES: &str = "Res";

/// Allocates the document's unit IDs (ST_ID of Definitions.xsd: unique in
/// the document).
#[derive(Debug)]
struct Ids {
    next: u32,
}

impl Ids {
    /// IDs from 1 on.
    fn new() -> Ids {
        Ids { next: 1 }
    }

    /// The next ID.
    fn take(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        id
    }

    /// The largest ID handed out (MaxUnitID of CommonData, Document.xsd).
    fn max(&self) -> u32 {
        self.next - 1
    }
}

/// Render `layout` to the bytes of an OFD file, embedding subsets of the faces
/// of `fonts`.
pub fn render(layout: &Layout, fonts: &FontSet) -> Result<Vec<u8>> {
    let mut ids = Ids::new();
    let color_space = ids.take();
    let embedded = fonts::embed(layout, fonts, &mut ids)?;
    let by_face: BTreeMap<FaceId, &Embedded> = embedded.iter().map(|e| (e.face, e)).collect();
    let page_ids: Vec<u32> = layout.pages.iter().map(|_| ids.take()).collect();

    // Parts after OFD.xml, in package order.
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let contents: Vec<Vec<u8>> = layout
        .pages
        .iter()
        .map(|p| page::content(p, &by_face, &mut ids))
        .collect();
    parts.push((
        format!("{DOC}/Document.xml"),
        document(layout, &page_ids, ids.max(), color_space),
    ));
    parts.push((
        format!("{DOC}/PublicRes.xml"),
        public_res(&embedded, color_space),
    ));
    for (i, c) in contents.into_iter().enumerate() {
        parts.push((format!("{DOC}/Pages/Page_{i}/Content.xml"), c));
    }
    for e in &embedded {
        parts.push((format!("{DOC}/{RES}/{}", e.file_name), e.bytes.clone()));
    }

    // The document ID (DocID of CT_DocInfo: 32 characters): derived from every
    // other part, so that equal content gives an equal ID.
    let mut h = Sha256::new();
    for (name, bytes) in &parts {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let doc_id = crate::template::hex(&h.finalize()[..16]);

    let entry = entry(layout, &doc_id);
    let mut files: Vec<(&str, &[u8])> = vec![("OFD.xml", &entry)];
    files.extend(parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    zip::package(layout.info.created.date_naive(), &files)
}

/// OFD.xml: the entry file with the document information (§7.4, OFD.xsd).
fn entry(layout: &Layout, doc_id: &str) -> Vec<u8> {
    let info = &layout.info;
    let mut x = Xml::new("OFD", &[("Version", "1.0"), ("DocType", "OFD")]);
    x.open("DocBody", &[]);
    x.open("DocInfo", &[]);
    x.text("DocID", &[], doc_id);
    x.text("Title", &[], &info.title);
    x.text("Author", &[], &info.author);
    x.text("Subject", &[], &info.subject);
    // xs:date: the bulletin's date, never the clock.
    let date = info.created.format("%Y-%m-%d").to_string();
    x.text("CreationDate", &[], &date);
    x.text("ModDate", &[], &date);
    let keywords: Vec<&str> = info
        .keywords
        .split(['；', ';'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if !keywords.is_empty() {
        x.open("Keywords", &[]);
        for k in keywords {
            x.text("Keyword", &[], k);
        }
        x.close();
    }
    x.text("Creator", &[], &info.creator);
    x.text("CreatorVersion", &[], env!("CARGO_PKG_VERSION"));
    x.close();
    x.text("DocRoot", &[], &format!("{DOC}/Document.xml"));
    x.finish()
}

/// Document.xml: CommonData, the page tree, the outline and the view
/// preferences (§7.5, Document.xsd).
fn document(layout: &Layout, page_ids: &[u32], max_id: u32, color_space: u32) -> Vec<u8> {
    let mut x = Xml::new("Document", &[]);
    x.open("CommonData", &[]);
    x.text("MaxUnitID", &[], &max_id.to_string());
    x.open("PageArea", &[]);
    let physical = format!("0 0 {} {}", mm(layout.page_width), mm(layout.page_height));
    x.text("PhysicalBox", &[], &physical);
    x.close();
    x.text("PublicRes", &[], "PublicRes.xml");
    x.text("DefaultCS", &[], &color_space.to_string());
    x.close();
    x.open("Pages", &[]);
    for (i, id) in page_ids.iter().enumerate() {
        let id = id.to_string();
        let loc = format!("Pages/Page_{i}/Content.xml");
        x.empty("Page", &[("ID", &id), ("BaseLoc", &loc)]);
    }
    x.close();
    if !layout.outline.is_empty() {
        x.open("Outlines", &[]);
        outline(&mut x, &layout.outline, page_ids);
        x.close();
    }
    x.open("VPreferences", &[]);
    let mode = if layout.outline.is_empty() {
        "None"
    } else {
        "UseOutlines"
    };
    x.text("PageMode", &[], mode);
    x.text("TabDisplay", &[], "DocTitle");
    x.close();
    x.finish()
}

/// The leaves below `b` (Count of CT_OutlineElem, Document.xsd: the
/// number of leaf elements below it).
fn leaves(b: &Bookmark) -> usize {
    b.children
        .iter()
        .map(|c| if c.children.is_empty() { 1 } else { leaves(c) })
        .sum()
}

/// Bookmarks as OutlineElem (Document.xsd), each going to its page and
/// height: a CLICK action to a CT_Dest of type XYZ (Definitions.xsd).
fn outline(x: &mut Xml, items: &[Bookmark], page_ids: &[u32]) {
    for bm in items {
        let count = leaves(bm).to_string();
        let mut attrs = vec![("Title", bm.title.as_str())];
        if !bm.children.is_empty() {
            attrs.push(("Count", count.as_str()));
        }
        x.open("OutlineElem", &attrs);
        if let Some(page) = page_ids.get(bm.page) {
            let page = page.to_string();
            let top = mm(bm.y);
            x.open("Actions", &[]);
            x.open("Action", &[("Event", "CLICK")]);
            x.open("Goto", &[]);
            x.empty(
                "Dest",
                &[
                    ("Type", "XYZ"),
                    ("PageID", page.as_str()),
                    ("Left", "0"),
                    ("Top", top.as_str()),
                ],
            );
            x.close();
            x.close();
            x.close();
        }
        outline(x, &bm.children, page_ids);
        x.close();
    }
}

/// PublicRes.xml: the colour space and the fonts, their files in `Res/`
/// (Res.xsd: CT_Font, CT_ColorSpace).
fn public_res(fonts: &[Embedded], color_space: u32) -> Vec<u8> {
    let mut x = Xml::new("Res", &[("BaseLoc", RES)]);
    x.open("ColorSpaces", &[]);
    let cs = color_space.to_string();
    x.empty(
        "ColorSpace",
        &[("ID", &cs), ("Type", "RGB"), ("BitsPerComponent", "8")],
    );
    x.close();
    if !fonts.is_empty() {
        x.open("Fonts", &[]);
        for f in fonts {
            let id = f.id.to_string();
            let mut attrs = vec![
                ("ID", id.as_str()),
                ("FontName", &*f.name.font_name),
                ("FamilyName", &*f.name.family_name),
            ];
            if f.name.bold {
                attrs.push(("Bold", "true"));
            }
            if f.name.serif {
                attrs.push(("Serif", "true"));
            }
            x.open("Font", &attrs);
            x.text("FontFile", &[], &f.file_name);
            x.close();
        }
        x.close();
    }
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bm(title: &str, children: Vec<Bookmark>) -> Bookmark {
        Bookmark {
            title: title.into(),
            page: 0,
            y: 72.0,
            children,
        }
    }

    #[test]
    fn writer_names_spell_out_the_crates() {
        let name = OfdWriter::CURRENT.name();
        assert!(name.starts_with(&format!("{VERSION}/allsorts-")), "{name}");
        assert_eq!(OfdWriter::from_name(&name), Some(OfdWriter::CURRENT));
        assert_eq!(OfdWriter::from_name("9"), None);
        // The OFDs of jianbao's own ZIP writer (filed as `ofd/0`) are not
        // written again.
        assert_eq!(OfdWriter::from_name("0"), None);
        assert_eq!(
            OfdWriter::from_name(&name.replace("allsorts-", "allsorts-9")),
            None
        );
    }

    #[test]
    fn ids_count_up_and_report_the_largest() {
        let mut ids = Ids::new();
        assert_eq!(ids.take(), 1);
        assert_eq!(ids.take(), 2);
        assert_eq!(ids.max(), 2);
    }

    #[test]
    fn outline_counts_leaves_and_points_at_pages() {
        let tree = vec![
            bm("a", vec![]),
            bm(
                "b",
                vec![
                    bm("b1", vec![]),
                    bm("b2", vec![bm("x", vec![]), bm("y", vec![])]),
                ],
            ),
        ];
        assert_eq!(leaves(&tree[1]), 3);
        let mut x = Xml::new("Outlines", &[]);
        outline(&mut x, &tree, &[7]);
        let s = String::from_utf8(x.finish()).unwrap();
        assert!(
            s.contains("<ofd:OutlineElem Title=\"a\"><ofd:Actions>"),
            "{s}"
        );
        assert!(s.contains("Title=\"b\" Count=\"3\""), "{s}");
        assert!(
            s.contains("<ofd:Dest Type=\"XYZ\" PageID=\"7\" Left=\"0\" Top=\"25.4\"/>"),
            "{s}"
        );
    }
}
