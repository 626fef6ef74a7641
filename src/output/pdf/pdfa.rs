//! PDF/A-2b parts of the document: XMP metadata that agrees with the document
//! information dictionary (both are written from the same [`DocInfo`]), and an
//! sRGB output intent whose ICC profile is `assets/icc/sRGB-jianbao.icc`
//! (public domain; see its README).
//!
//! Uses lopdf only. Everything written is a function of the document's
//! information, so equal inputs still give equal bytes.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use crate::layout::DocInfo;
use crate::output::xml::Xml;

/// The output condition named in the output intent.
pub const OUTPUT_CONDITION: &str = "sRGB IEC61966-2.1";

/// The sRGB profile of the output intent (assets/icc/README.md).
const SRGB_ICC: &[u8] = include_bytes!("../../../assets/icc/sRGB-jianbao.icc");

/// Add the PDF/A objects to `doc`; returns the catalog entries that refer to them.
///
/// The XMP packet is written from `info` and `producer`, the values the
/// document information dictionary is written from, so the two agree.
pub fn add(
    doc: &mut lopdf::Document,
    info: &DocInfo,
    producer: &str,
) -> Vec<(&'static str, Object)> {
    let xmp = xmp_packet(&InfoFields::new(info, producer));
    let mut meta = Dictionary::new();
    meta.set("Type", "Metadata");
    meta.set("Subtype", "XML");
    // Uncompressed, so that archive tools can read the packet without a PDF parser.
    let meta_id = doc.add_object(Stream::new(meta, xmp.into_bytes()).with_compression(false));

    let mut icc = Dictionary::new();
    icc.set("N", 3);
    icc.set("Alternate", "DeviceRGB");
    let icc_id = doc.add_object(Stream::new(icc, SRGB_ICC.to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", "OutputIntent");
    intent.set("S", "GTS_PDFA1");
    intent.set("OutputConditionIdentifier", literal(OUTPUT_CONDITION));
    intent.set("Info", literal(OUTPUT_CONDITION));
    intent.set("RegistryName", literal("http://www.color.org"));
    intent.set("DestOutputProfile", icc_id);
    vec![
        ("Metadata", Object::Reference(meta_id)),
        (
            "OutputIntents",
            Object::Array(vec![Object::Dictionary(intent)]),
        ),
    ]
}

fn literal(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

/// The document information as text, in the form XMP wants.
#[derive(Debug, Clone, PartialEq, Default)]
struct InfoFields {
    title: String,
    author: String,
    subject: String,
    keywords: String,
    creator: String,
    producer: String,
    /// ISO 8601, e.g. `2024-05-10T00:00:00+08:00`.
    created: String,
    modified: String,
}

impl InfoFields {
    /// The fields of `info`, dates as XMP writes them (RFC 3339).
    fn new(info: &DocInfo, producer: &str) -> InfoFields {
        let date = info
            .created
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        InfoFields {
            title: info.title.clone(),
            author: info.author.clone(),
            subject: info.subject.clone(),
            keywords: info.keywords.clone(),
            creator: info.creator.clone(),
            producer: producer.to_string(),
            created: date.clone(),
            modified: date,
        }
    }
}

/// The namespaces of the packet (XMP part 1; PDF/A-2 §6.6.2.1).
const NAMESPACES: [(&str, &str); 5] = [
    ("xmlns:pdfaid", "http://www.aiim.org/pdfa/ns/id/"),
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    ("xmlns:pdf", "http://ns.adobe.com/pdf/1.3/"),
    ("xmlns:xmp", "http://ns.adobe.com/xap/1.0/"),
    ("xmlns:rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
];

/// An RDF container property: `tag` holding `kind` (`rdf:Alt`, `rdf:Seq`,
/// `rdf:Bag`) with one `rdf:li` per item; a language alternative's item is
/// the default language's.
fn container(x: &mut Xml, tag: &'static str, kind: &'static str, items: &[&str]) {
    x.open(tag, &[]);
    x.open(kind, &[]);
    let lang: &[(&str, &str)] = if kind == "rdf:Alt" {
        &[("xml:lang", "x-default")]
    } else {
        &[]
    };
    for item in items {
        x.text("rdf:li", lang, item);
    }
    x.close();
    x.close();
}

/// The XMP packet: PDF/A identification and the information fields, written
/// from the values of the document information dictionary (PDF/A-2
/// §6.6.2.3), every text escaped by [`crate::output::xml`]; padded so that
/// an editor can update it in place (XMP part 1, 7.3.2).
fn xmp_packet(f: &InfoFields) -> String {
    let mut x = Xml::new("");
    x.markup("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>");
    x.open("x:xmpmeta", &[("xmlns:x", "adobe:ns:meta/")]);
    x.open("rdf:RDF", &NAMESPACES[4..]);
    let mut about = vec![("rdf:about", "")];
    about.extend_from_slice(&NAMESPACES[..4]);
    x.open("rdf:Description", &about);
    x.text("pdfaid:part", &[], "2");
    x.text("pdfaid:conformance", &[], "B");
    container(&mut x, "dc:title", "rdf:Alt", &[&f.title]);
    if !f.author.is_empty() {
        container(&mut x, "dc:creator", "rdf:Seq", &[&f.author]);
    }
    if !f.subject.is_empty() {
        container(&mut x, "dc:description", "rdf:Alt", &[&f.subject]);
    }
    let subjects: Vec<&str> = f
        .keywords
        .split(['；', ';'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if !subjects.is_empty() {
        container(&mut x, "dc:subject", "rdf:Bag", &subjects);
    }
    for (tag, v) in [
        ("pdf:Keywords", &f.keywords),
        ("pdf:Producer", &f.producer),
        ("xmp:CreatorTool", &f.creator),
        ("xmp:CreateDate", &f.created),
        ("xmp:ModifyDate", &f.modified),
    ] {
        if !v.is_empty() {
            x.text(tag, &[], v);
        }
    }
    x.close();
    x.close();
    x.close();
    x.markup(&format!("\n{}", (" ".repeat(99) + "\n").repeat(20)));
    x.markup("<?xpacket end=\"w\"?>");
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    #[test]
    fn icc_profile_is_well_formed() {
        let p = SRGB_ICC;
        assert_eq!(be32(p, 0) as usize, p.len());
        assert_eq!(&p[36..40], b"acsp");
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(p[8], 2);
        let n = be32(p, 128) as usize;
        let mut sigs = Vec::new();
        for i in 0..n {
            let at = 132 + 12 * i;
            let (off, len) = (be32(p, at + 4) as usize, be32(p, at + 8) as usize);
            assert!(off % 4 == 0 && off + len <= p.len());
            sigs.push(String::from_utf8_lossy(&p[at..at + 4]).into_owned());
        }
        for required in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(sigs.iter().any(|s| s == required), "{required} missing");
        }
        assert_eq!(p.len(), 2576, "the file of assets/icc/README.md");
    }

    #[test]
    fn xmp_escapes_and_identifies_pdfa_2b() {
        let f = InfoFields {
            title: "A<B>&\"C\"'".into(),
            author: "某县".into(),
            keywords: "工作简报；益阳".into(),
            created: "2024-05-10T00:00:00+08:00".into(),
            ..Default::default()
        };
        let x = xmp_packet(&f);
        assert!(x.starts_with("<?xpacket begin=\"\u{FEFF}\""));
        assert!(x.ends_with("<?xpacket end=\"w\"?>"));
        // A reader finds every field where XMP puts it.
        let doc = roxmltree::Document::parse(&x).unwrap();
        let ns = |prefix: &str| NAMESPACES.iter().find(|n| n.0.ends_with(prefix)).unwrap().1;
        let text = |prefix: &str, name: &str| -> Vec<String> {
            doc.descendants()
                .filter(|n| n.has_tag_name((ns(prefix), name)))
                .flat_map(|n| n.descendants().filter(|d| d.is_text()))
                .map(|t| t.text().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(text(":pdfaid", "part"), ["2"]);
        assert_eq!(text(":pdfaid", "conformance"), ["B"]);
        assert_eq!(text(":dc", "title"), ["A<B>&\"C\"'"]);
        assert_eq!(text(":dc", "creator"), ["某县"]);
        assert_eq!(text(":dc", "subject"), ["工作简报", "益阳"]);
        assert_eq!(text(":xmp", "CreateDate"), ["2024-05-10T00:00:00+08:00"]);
        assert!(text(":xmp", "ModifyDate").is_empty());
        assert!(text(":dc", "description").is_empty());
        let li = doc
            .descendants()
            .find(|n| n.has_tag_name((ns(":rdf"), "li")))
            .unwrap();
        assert_eq!(
            li.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some("x-default")
        );
    }
}
