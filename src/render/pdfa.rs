//! PDF/A-2b parts of the document: XMP metadata that agrees with the document
//! information dictionary, and an sRGB output intent whose ICC profile is
//! generated here from the published sRGB numbers (IEC 61966-2-1), so that no
//! third-party profile file, and no licence for one, is needed.
//!
//! Uses lopdf only. Everything written is a function of the document's
//! information, so equal inputs still give equal bytes.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use crate::layout::DocInfo;

/// The output condition named in the output intent.
pub const OUTPUT_CONDITION: &str = "sRGB IEC61966-2.1";

/// Add the PDF/A objects to `doc`; returns the catalog entries that refer to them.
///
/// The XMP packet is built from the document information dictionary already in
/// `doc`'s trailer (so the two agree by construction); `info` supplies the
/// values when the dictionary is absent.
pub fn add(doc: &mut lopdf::Document, info: &DocInfo) -> Vec<(&'static str, Object)> {
    let fields = InfoFields::from_doc(doc).unwrap_or_else(|| InfoFields::from_info(info));
    let xmp = xmp_packet(&fields);
    let mut meta = Dictionary::new();
    meta.set("Type", "Metadata");
    meta.set("Subtype", "XML");
    // Uncompressed, so that archive tools can read the packet without a PDF parser.
    let meta_id = doc.add_object(Stream::new(meta, xmp.into_bytes()).with_compression(false));

    let mut icc = Dictionary::new();
    icc.set("N", 3);
    icc.set("Alternate", "DeviceRGB");
    let icc_id = doc.add_object(Stream::new(icc, srgb_icc_profile()));
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

/// printpdf's own information dictionary, replaced by the one `render`
/// writes, stays behind unreferenced, with an empty `/GTS_PDFXVersion` (a
/// PDF/X claim). Remove it, so that the file holds no stale identification.
pub fn remove_stale_info(doc: &mut lopdf::Document) {
    let current = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    let stale: Vec<lopdf::ObjectId> = doc
        .objects
        .iter()
        .filter(|(id, o)| {
            Some(**id) != current
                && o.as_dict()
                    .is_ok_and(|d| d.has(b"GTS_PDFXVersion") && !d.has(b"Type"))
        })
        .map(|(id, _)| *id)
        .collect();
    for id in stale {
        doc.objects.remove(&id);
    }
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
    /// Read the trailer's /Info dictionary.
    fn from_doc(doc: &lopdf::Document) -> Option<InfoFields> {
        let id = doc.trailer.get(b"Info").ok()?.as_reference().ok()?;
        let dict = doc.get_dictionary(id).ok()?;
        let text = |key: &[u8]| {
            dict.get(key)
                .ok()
                .and_then(|o| o.as_str().ok())
                .map(decode_text_string)
                .unwrap_or_default()
        };
        let date = |key: &[u8]| {
            dict.get(key)
                .ok()
                .and_then(|o| o.as_str().ok())
                .and_then(|b| xmp_date(&String::from_utf8_lossy(b)))
                .unwrap_or_default()
        };
        Some(InfoFields {
            title: text(b"Title"),
            author: text(b"Author"),
            subject: text(b"Subject"),
            keywords: text(b"Keywords"),
            creator: text(b"Creator"),
            producer: text(b"Producer"),
            created: date(b"CreationDate"),
            modified: date(b"ModDate"),
        })
    }

    /// The fields from the layout's information, when the document has none.
    fn from_info(info: &DocInfo) -> InfoFields {
        let d = info.date;
        let date = format!(
            "{:04}-{:02}-{:02}T00:00:00+08:00",
            d.year(),
            d.month(),
            d.day()
        );
        InfoFields {
            title: info.title.clone(),
            author: info.author.clone(),
            subject: info.subject.clone(),
            keywords: info.keywords.clone(),
            creator: info.creator.clone(),
            producer: String::new(),
            created: date.clone(),
            modified: date,
        }
    }
}

/// Decode a PDF text string: UTF-16BE with a byte order mark, else
/// PDFDocEncoding (read as Latin-1, which agrees for the characters used here).
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

/// A PDF date (`D:YYYYMMDDHHmmSS+HH'mm'`) as an XMP date
/// (`YYYY-MM-DDTHH:mm:SS+HH:mm`); `None` when it is not in the full form.
fn xmp_date(pdf: &str) -> Option<String> {
    let s = pdf.strip_prefix("D:")?;
    let digits = s.get(..14)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let tz = &s[14..];
    let zone = if tz.starts_with('Z') || tz.is_empty() {
        "Z".to_string()
    } else {
        let sign = tz.get(..1)?;
        if sign != "+" && sign != "-" {
            return None;
        }
        let hh = tz.get(1..3)?;
        let mm = tz.get(4..6).unwrap_or("00");
        format!("{sign}{hh}:{mm}")
    };
    Some(format!(
        "{}-{}-{}T{}:{}:{}{}",
        &digits[0..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..10],
        &digits[10..12],
        &digits[12..14],
        zone
    ))
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

// ---------------------------------------------------------------------------
// The sRGB ICC profile (ICC.1:2001-04, version 2.1, display class, matrix/TRC).

/// sRGB primaries and white point as CIE 1931 chromaticities (IEC 61966-2-1).
const SRGB_PRIMARIES: [(f64, f64); 3] = [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)];
const D65: (f64, f64) = (0.3127, 0.3290);
/// The profile connection space illuminant, D50, as ICC writes it.
const D50_XYZ: [f64; 3] = [0.9642, 1.0, 0.8249];
/// Entries of the sampled tone curve.
const TRC_POINTS: usize = 1024;

type Mat = [[f64; 3]; 3];

fn mul(a: &Mat, b: &Mat) -> Mat {
    let mut m = [[0.0; 3]; 3];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

fn apply(a: &Mat, v: [f64; 3]) -> [f64; 3] {
    let mut r = [0.0; 3];
    for (i, out) in r.iter_mut().enumerate() {
        *out = (0..3).map(|k| a[i][k] * v[k]).sum();
    }
    r
}

fn invert(m: &Mat) -> Mat {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    let c =
        |r0: usize, c0: usize, r1: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    [
        [
            c(1, 1, 2, 2) / det,
            -c(0, 1, 2, 2) / det,
            c(0, 1, 1, 2) / det,
        ],
        [
            -c(1, 0, 2, 2) / det,
            c(0, 0, 2, 2) / det,
            -c(0, 0, 1, 2) / det,
        ],
        [
            c(1, 0, 2, 1) / det,
            -c(0, 0, 2, 1) / det,
            c(0, 0, 1, 1) / det,
        ],
    ]
}

fn xyz_of(x: f64, y: f64) -> [f64; 3] {
    [x / y, 1.0, (1.0 - x - y) / y]
}

/// The sRGB colorants (columns: red, green, blue) adapted from D65 to the D50
/// of the profile connection space with the Bradford transform.
fn srgb_colorants_d50() -> Mat {
    let p: Vec<[f64; 3]> = SRGB_PRIMARIES.iter().map(|&(x, y)| xyz_of(x, y)).collect();
    let prim: Mat = [
        [p[0][0], p[1][0], p[2][0]],
        [p[0][1], p[1][1], p[2][1]],
        [p[0][2], p[1][2], p[2][2]],
    ];
    let white = xyz_of(D65.0, D65.1);
    let s = apply(&invert(&prim), white);
    let rgb_to_xyz: Mat = [
        [prim[0][0] * s[0], prim[0][1] * s[1], prim[0][2] * s[2]],
        [prim[1][0] * s[0], prim[1][1] * s[1], prim[1][2] * s[2]],
        [prim[2][0] * s[0], prim[2][1] * s[1], prim[2][2] * s[2]],
    ];
    const BRADFORD: Mat = [
        [0.8951, 0.2664, -0.1614],
        [-0.7502, 1.7135, 0.0367],
        [0.0389, -0.0685, 1.0296],
    ];
    let src = apply(&BRADFORD, white);
    let dst = apply(&BRADFORD, D50_XYZ);
    let scale: Mat = [
        [dst[0] / src[0], 0.0, 0.0],
        [0.0, dst[1] / src[1], 0.0],
        [0.0, 0.0, dst[2] / src[2]],
    ];
    let adapt = mul(&invert(&BRADFORD), &mul(&scale, &BRADFORD));
    mul(&adapt, &rgb_to_xyz)
}

/// The sRGB transfer function: encoded value → linear light.
fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn s15_fixed16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz_tag(v: [f64; 3]) -> Vec<u8> {
    let mut t = b"XYZ \0\0\0\0".to_vec();
    for c in v {
        t.extend_from_slice(&s15_fixed16(c));
    }
    t
}

fn text_tag(s: &str) -> Vec<u8> {
    let mut t = b"text\0\0\0\0".to_vec();
    t.extend_from_slice(s.as_bytes());
    t.push(0);
    t
}

/// textDescriptionType (ICC v2): ASCII, an empty Unicode and an empty Macintosh part.
fn desc_tag(s: &str) -> Vec<u8> {
    let mut t = b"desc\0\0\0\0".to_vec();
    t.extend_from_slice(&(s.len() as u32 + 1).to_be_bytes());
    t.extend_from_slice(s.as_bytes());
    t.push(0);
    t.extend_from_slice(&[0; 8]); // Unicode language code and count
    t.extend_from_slice(&[0; 3]); // ScriptCode code and count
    t.extend_from_slice(&[0; 67]); // ScriptCode description
    t
}

fn curve_tag() -> Vec<u8> {
    let mut t = b"curv\0\0\0\0".to_vec();
    t.extend_from_slice(&(TRC_POINTS as u32).to_be_bytes());
    for i in 0..TRC_POINTS {
        let v = srgb_to_linear(i as f64 / (TRC_POINTS - 1) as f64);
        t.extend_from_slice(&((v * 65535.0).round() as u16).to_be_bytes());
    }
    t
}

/// A small ICC v2 display profile for sRGB, generated from the published
/// primaries, white point and transfer function.
pub fn srgb_icc_profile() -> Vec<u8> {
    let m = srgb_colorants_d50();
    let column = |j: usize| [m[0][j], m[1][j], m[2][j]];
    let trc = curve_tag();
    // Tags sharing data (the three curves) point at the same bytes.
    let data: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc_tag("sRGB IEC61966-2.1 (jianbao)")),
        (
            b"cprt",
            text_tag("No copyright, use freely. Generated by jianbao from IEC 61966-2-1."),
        ),
        (b"wtpt", xyz_tag(D50_XYZ)),
        (b"rXYZ", xyz_tag(column(0))),
        (b"gXYZ", xyz_tag(column(1))),
        (b"bXYZ", xyz_tag(column(2))),
        (b"rTRC", trc),
    ];
    let shared: [&[u8; 4]; 2] = [b"gTRC", b"bTRC"];
    let count = data.len() + shared.len();
    let mut offset = 128 + 4 + 12 * count;
    let mut table = Vec::new();
    let mut body = Vec::new();
    let mut trc_at = (0, 0);
    for (sig, bytes) in &data {
        table.extend_from_slice(*sig);
        table.extend_from_slice(&(offset as u32).to_be_bytes());
        table.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        if *sig == b"rTRC" {
            trc_at = (offset, bytes.len());
        }
        body.extend_from_slice(bytes);
        offset += bytes.len();
        while body.len() % 4 != 0 {
            body.push(0);
            offset += 1;
        }
    }
    for sig in shared {
        table.extend_from_slice(sig);
        table.extend_from_slice(&(trc_at.0 as u32).to_be_bytes());
        table.extend_from_slice(&(trc_at.1 as u32).to_be_bytes());
    }
    let size = 128 + 4 + table.len() + body.len();
    let mut p = Vec::with_capacity(size);
    p.extend_from_slice(&(size as u32).to_be_bytes());
    p.extend_from_slice(&[0; 4]); // preferred CMM
    p.extend_from_slice(&[0x02, 0x10, 0, 0]); // version 2.1
    p.extend_from_slice(b"mntr");
    p.extend_from_slice(b"RGB ");
    p.extend_from_slice(b"XYZ ");
    for v in [2024u16, 1, 1, 0, 0, 0] {
        p.extend_from_slice(&v.to_be_bytes()); // a fixed creation date
    }
    p.extend_from_slice(b"acsp");
    p.extend_from_slice(&[0; 4]); // platform
    p.extend_from_slice(&[0; 4]); // flags
    p.extend_from_slice(&[0; 4]); // manufacturer
    p.extend_from_slice(&[0; 4]); // model
    p.extend_from_slice(&[0; 8]); // attributes
    p.extend_from_slice(&[0; 4]); // perceptual intent
    for c in D50_XYZ {
        p.extend_from_slice(&s15_fixed16(c));
    }
    p.extend_from_slice(&[0; 4]); // creator
    p.extend_from_slice(&[0; 44]); // profile ID (v4 only) and reserved
    debug_assert_eq!(p.len(), 128);
    p.extend_from_slice(&(count as u32).to_be_bytes());
    p.extend_from_slice(&table);
    p.extend_from_slice(&body);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    #[test]
    fn colorants_match_the_published_d50_values() {
        // The D50-adapted sRGB colorants as ICC's own sRGB profiles give them.
        let published = [
            [0.4360747, 0.3850649, 0.1430804],
            [0.2225045, 0.7168786, 0.0606169],
            [0.0139322, 0.0971045, 0.7141733],
        ];
        let m = srgb_colorants_d50();
        for i in 0..3 {
            for j in 0..3 {
                assert!(
                    (m[i][j] - published[i][j]).abs() < 5e-4,
                    "{i},{j}: {} vs {}",
                    m[i][j],
                    published[i][j]
                );
            }
        }
    }

    #[test]
    fn icc_profile_is_well_formed() {
        let p = srgb_icc_profile();
        assert_eq!(be32(&p, 0) as usize, p.len());
        assert_eq!(&p[36..40], b"acsp");
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(p[8], 2);
        let n = be32(&p, 128) as usize;
        let mut sigs = Vec::new();
        for i in 0..n {
            let at = 132 + 12 * i;
            let (off, len) = (be32(&p, at + 4) as usize, be32(&p, at + 8) as usize);
            assert!(off % 4 == 0 && off + len <= p.len());
            sigs.push(String::from_utf8_lossy(&p[at..at + 4]).into_owned());
        }
        for required in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(sigs.iter().any(|s| s == required), "{required} missing");
        }
        // Deterministic.
        assert_eq!(p, srgb_icc_profile());
    }

    #[test]
    fn tone_curve_is_monotonic_from_0_to_1() {
        let t = curve_tag();
        let vals: Vec<u16> = t[12..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(vals.len(), TRC_POINTS);
        assert_eq!(vals[0], 0);
        assert_eq!(*vals.last().unwrap(), 65535);
        assert!(vals.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn pdf_dates_become_xmp_dates() {
        assert_eq!(
            xmp_date("D:20240510000000+08'00'").as_deref(),
            Some("2024-05-10T00:00:00+08:00")
        );
        assert_eq!(
            xmp_date("D:20240510123456Z").as_deref(),
            Some("2024-05-10T12:34:56Z")
        );
        assert_eq!(xmp_date("2024"), None);
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

    #[test]
    fn text_strings_decode() {
        assert_eq!(
            decode_text_string(&[0xFE, 0xFF, 0x7B, 0x80, 0x00, 0x41]),
            "简A"
        );
        assert_eq!(decode_text_string(b"abc"), "abc");
    }
}
