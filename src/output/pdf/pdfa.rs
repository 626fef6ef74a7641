//! PDF/A-2b parts of the document: XMP metadata that agrees with the document
//! information dictionary (both are written from the same [`DocInfo`]), and an
//! sRGB output intent whose ICC profile is `assets/icc/sRGB-jianbao.icc`
//! (public domain; see its README).
//!
//! Uses lopdf only. Everything written is a function of the document's
//! information, so equal inputs still give equal bytes.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use crate::layout::DocInfo;

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

/// Escape text for XML character data and attribute values.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The XMP packet: PDF/A identification and the information fields.
fn xmp_packet(f: &InfoFields) -> String {
    let subjects: Vec<String> = f
        .keywords
        .split(['；', ';'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| format!("          <rdf:li>{}</rdf:li>\n", xml_escape(k)))
        .collect();
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("  <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("    <rdf:Description rdf:about=\"\"\n");
    x.push_str("        xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n");
    x.push_str("        xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str("        xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    x.push_str("        xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    x.push_str("      <pdfaid:part>2</pdfaid:part>\n");
    x.push_str("      <pdfaid:conformance>B</pdfaid:conformance>\n");
    let alt = |x: &mut String, tag: &str, v: &str| {
        x.push_str(&format!(
            "      <{tag}>\n        <rdf:Alt>\n          <rdf:li xml:lang=\"x-default\">{}</rdf:li>\n        </rdf:Alt>\n      </{tag}>\n",
            xml_escape(v)
        ));
    };
    alt(&mut x, "dc:title", &f.title);
    if !f.author.is_empty() {
        x.push_str(&format!(
            "      <dc:creator>\n        <rdf:Seq>\n          <rdf:li>{}</rdf:li>\n        </rdf:Seq>\n      </dc:creator>\n",
            xml_escape(&f.author)
        ));
    }
    if !f.subject.is_empty() {
        alt(&mut x, "dc:description", &f.subject);
    }
    if !subjects.is_empty() {
        x.push_str("      <dc:subject>\n        <rdf:Bag>\n");
        for s in &subjects {
            x.push_str(s);
        }
        x.push_str("        </rdf:Bag>\n      </dc:subject>\n");
    }
    let simple = |x: &mut String, tag: &str, v: &str| {
        if !v.is_empty() {
            x.push_str(&format!("      <{tag}>{}</{tag}>\n", xml_escape(v)));
        }
    };
    simple(&mut x, "pdf:Keywords", &f.keywords);
    simple(&mut x, "pdf:Producer", &f.producer);
    simple(&mut x, "xmp:CreatorTool", &f.creator);
    simple(&mut x, "xmp:CreateDate", &f.created);
    simple(&mut x, "xmp:ModifyDate", &f.modified);
    x.push_str("    </rdf:Description>\n  </rdf:RDF>\n</x:xmpmeta>\n");
    // Padding lets an editor update the packet in place (XMP part 1, 7.3.2).
    for _ in 0..20 {
        x.push_str(&" ".repeat(99));
        x.push('\n');
    }
    x.push_str("<?xpacket end=\"w\"?>");
    x
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
            title: "A<B>&\"C\"".into(),
            keywords: "工作简报；益阳".into(),
            created: "2024-05-10T00:00:00+08:00".into(),
            ..Default::default()
        };
        let x = xmp_packet(&f);
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(x.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(x.contains("A&lt;B&gt;&amp;&quot;C&quot;"));
        assert!(x.contains("<rdf:li>益阳</rdf:li>"));
        assert!(x.contains("<xmp:CreateDate>2024-05-10T00:00:00+08:00</xmp:CreateDate>"));
        assert!(!x.contains("<xmp:ModifyDate>"));
    }
}
