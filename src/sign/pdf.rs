//! The PDF's signature (PAdES baseline B-B, ETSI EN 319 142-1): the issued
//! PDF/A copy, unchanged, followed by one incremental update (ISO 32000-1
//! §7.5.6) that holds an invisible signature field on the first page, the
//! catalog with its `/AcroForm` and the signature dictionary
//! (`/SubFilter /ETSI.CAdES.detached`, ISO 32000-2 §12.8.3.4) whose
//! `/Contents` is a detached CMS over the whole file but itself.
//!
//! The update is made by one function from the issued copy, the signature
//! time and the CMS, so that checking a signed copy is making its update
//! again with the CMS it holds and comparing the bytes ([`check`]): nothing
//! but this update may follow the issued copy.

use std::fmt::Write as _;

use lopdf::{Dictionary, Object, ObjectId};

use super::cms::{self, Verified};
use super::{Error, OfficeKey, Result};

/// The signature field's name (`/T`).
const FIELD_NAME: &str = "jianbao-signature";

/// Bytes reserved for the CMS in `/Contents`: the certificates, and 1 KiB
/// for the signer's information, in whole KiB.
fn reserve(certificates: usize) -> usize {
    (certificates + 1024).div_ceil(1024) * 1024
}

/// What the update is made from.
struct Update {
    /// The bytes of the update (after the issued copy), `/Contents` zeros.
    bytes: Vec<u8>,
    /// Where in the whole file `/Contents`' hex string starts (its `<`)
    /// and ends (after its `>`).
    contents: (usize, usize),
}

/// The incremental update of `pdf` for a signature at `time` (a PDF date)
/// by `signer` (the certificate's subject) with `reserve` bytes of CMS.
fn update(pdf: &[u8], time: &str, signer: &str, reserve: usize) -> Result<Update> {
    let bad = |what: &str| Error::new(format!("已签发的 PDF 无法加签名：{what}"));
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| bad(&format!("读不懂它（{e}）")))?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| bad("没有文档目录"))?;
    let prev = start_xref(pdf).ok_or_else(|| bad("找不到交叉引用表"))?;
    let size = doc.max_id + 1;
    let mut catalog = doc
        .get_dictionary(root)
        .map_err(|_| bad("文档目录无法读取"))?
        .clone();
    if catalog.has(b"AcroForm") {
        return Err(bad("它已有表单或签名"));
    }
    let page_id = *doc.get_pages().get(&1).ok_or_else(|| bad("没有页面"))?;
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(|_| bad("第 1 页无法读取"))?
        .clone();
    if page.has(b"Annots") {
        return Err(bad("第 1 页已有批注"));
    }
    let (sig_id, widget_id, xref_id) = ((size, 0), (size + 1, 0), (size + 2, 0));
    let mut form = Dictionary::new();
    form.set("Fields", vec![Object::Reference(widget_id)]);
    // SignaturesExist, AppendOnly (ISO 32000-1 Table 219).
    form.set("SigFlags", 3);
    catalog.set("AcroForm", form);
    page.set("Annots", vec![Object::Reference(widget_id)]);

    let mut out = Vec::new();
    if pdf.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    let base = pdf.len();
    let object =
        |out: &mut Vec<u8>, offsets: &mut Vec<(ObjectId, usize)>, id: ObjectId, body: &[u8]| {
            offsets.push((id, base + out.len()));
            out.extend(format!("{} {} obj\n", id.0, id.1).as_bytes());
            out.extend(body);
            out.extend(b"\nendobj\n");
        };
    object(
        &mut out,
        &mut offsets,
        root,
        &serialize(&Object::Dictionary(catalog)),
    );
    object(
        &mut out,
        &mut offsets,
        page_id,
        &serialize(&Object::Dictionary(page)),
    );
    // An invisible widget (zero rectangle; PDF/A-2 §6.3.3 needs no
    // appearance for it), printed and locked (ISO 32000-1 Table 165: 4 + 128).
    let widget = format!(
        "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/Rect[0 0 0 0]/T{}/P {} 0 R/V {} 0 R>>",
        text_string(FIELD_NAME),
        page_id.0,
        sig_id.0
    );
    object(&mut out, &mut offsets, widget_id, widget.as_bytes());
    let head = format!(
        "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/Name{}/M{}/ByteRange[{}]/Contents",
        text_string(signer),
        text_string(time),
        " ".repeat(BYTE_RANGE_WIDTH)
    );
    let sig_start = pdf.len() + out.len() + format!("{} 0 obj\n", sig_id.0).len();
    let contents_start = sig_start + head.len();
    let mut sig = head.into_bytes();
    sig.push(b'<');
    sig.extend(std::iter::repeat_n(b'0', 2 * reserve));
    sig.extend(b">>>");
    object(&mut out, &mut offsets, sig_id, &sig);
    let contents = (contents_start, contents_start + 2 * reserve + 2);

    // A cross-reference stream, as the issued copy has (ISO 32000-1 §7.5.8).
    let xref_at = pdf.len() + out.len();
    offsets.push((xref_id, xref_at));
    offsets.sort();
    let mut data = Vec::new();
    let mut index = String::new();
    for (id, at) in &offsets {
        let _ = write!(index, "{} 1 ", id.0);
        data.push(1u8);
        data.extend(
            u32::try_from(*at)
                .map_err(|_| bad("文件太大"))?
                .to_be_bytes(),
        );
        data.extend([0u8, 0]);
    }
    let mut trailer = Dictionary::new();
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key, v.clone());
        }
    }
    let mut dict = format!(
        "<</Type/XRef/Size {}/Index[{}]/W[1 4 2]/Root {} 0 R/Prev {prev}/Length {}",
        xref_id.0 + 1,
        index.trim_end(),
        root.0,
        data.len()
    )
    .into_bytes();
    for (k, v) in trailer.iter() {
        dict.push(b'/');
        dict.extend(k);
        dict.extend(serialize(v));
    }
    dict.extend(b">>\nstream\n");
    dict.extend(&data);
    dict.extend(b"\nendstream");
    object(&mut out, &mut offsets, xref_id, &dict);
    out.extend(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());

    // The byte range, written into its place (padded with spaces).
    let total = pdf.len() + out.len();
    let range = format!("0 {} {} {}", contents.0, contents.1, total - contents.1);
    let at = contents.0 - pdf.len() - "]/Contents".len() - BYTE_RANGE_WIDTH;
    out[at..at + range.len()].copy_from_slice(range.as_bytes());
    Ok(Update {
        bytes: out,
        contents,
    })
}

/// The width kept for the numbers of `/ByteRange`.
const BYTE_RANGE_WIDTH: usize = 40;

/// `pdf` signed by `key` at `time` (the copy's issued-at time as a PDF
/// date, `D:20240105093000+08'00'`): `pdf` byte for byte, then the
/// signature's update.
pub fn sign(pdf: &[u8], key: &OfficeKey, time: &str) -> Result<Vec<u8>> {
    let certs = key.certificate_der().len() + key.chain().iter().map(Vec::len).sum::<usize>();
    let u = update(pdf, time, &signer_name(key.certificate()), reserve(certs))?;
    let mut out = pdf.to_vec();
    out.extend(&u.bytes);
    let (a, b) = u.contents;
    let signed_bytes = [&out[..a], &out[b..]].concat();
    let p7 = cms::sign_detached(key, &signed_bytes, None)?;
    let hex = super::hex(&p7);
    if hex.len() > b - a - 2 {
        return Err(Error::new("签名比预留的位置长"));
    }
    out[a + 1..a + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// What a checked PDF signature says.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The verified CMS.
    pub cms: Verified,
    /// The signature's time (`/M`), a PDF date.
    pub time: String,
}

/// Check `signed` as the signed copy of `issued`: it is `issued` byte for
/// byte, then exactly the update jianbao makes for its signature (nothing
/// else follows), and the CMS in it verifies over the byte range.
pub fn check(signed: &[u8], issued: &[u8]) -> Result<Checked> {
    if !signed.starts_with(issued) {
        return Err(Error::new(
            "签名版 PDF 的前部与签发的 PDF 不是逐字节相同：签名之前的内容被改动过",
        ));
    }
    let rest = &signed[issued.len()..];
    let rest = &rest[find(rest, b"/Type/Sig/").unwrap_or(rest.len())..];
    let field = |name: &str| -> Result<&[u8]> {
        let key = format!("/{name}<");
        let at = find(rest, key.as_bytes())
            .ok_or_else(|| Error::new(format!("签名版 PDF 中找不到签名的 {key}")))?;
        Ok(&rest[at + key.len() - 1..])
    };
    let contents = field("Contents")?;
    let hex: Vec<u8> = contents
        .iter()
        .skip(1)
        .take_while(|&&c| c != b'>')
        .copied()
        .collect();
    let time = read_text_string(field("M")?)
        .ok_or_else(|| Error::new("签名版 PDF 中签名时间 /M 无法读取"))?;
    let signer = read_text_string(field("Name")?)
        .ok_or_else(|| Error::new("签名版 PDF 中签名者 /Name 无法读取"))?;
    let u = update(issued, &time, &signer, hex.len() / 2)?;
    let (a, b) = u.contents;
    let mut expected = issued.to_vec();
    expected.extend(&u.bytes);
    expected[a + 1..b - 1].copy_from_slice(&hex);
    if expected.len() != signed.len() {
        return Err(Error::new(if signed.len() > expected.len() {
            "签名版 PDF 在签名之后又追加了内容"
        } else {
            "签名版 PDF 的签名部分不完整"
        }));
    }
    if expected != signed {
        return Err(Error::new(
            "签名版 PDF 的签名部分不是本程序写出的样子（签名字段、目录或交叉引用被改动过）",
        ));
    }
    let p7 = unhex(&hex).ok_or_else(|| Error::new("签名版 PDF 的 /Contents 不是十六进制"))?;
    let signed_bytes = [&signed[..a], &signed[b..]].concat();
    let cms = cms::verify_detached(&p7, &signed_bytes)
        .map_err(|e| Error::new(format!("PDF 的签名不成立：{e}")))?;
    if signer_name_of(&cms) != signer {
        return Err(Error::new("PDF 签名字典中的签名者与证书不符"));
    }
    Ok(Checked { cms, time })
}

/// The name a signature shows: the certificate's common name, else its subject.
fn signer_name(cert: &x509_cert::Certificate) -> String {
    let subject = cert.tbs_certificate().subject();
    subject
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().to_string())
        .unwrap_or_else(|| subject.to_string())
}

fn signer_name_of(v: &Verified) -> String {
    use der::Decode;
    x509_cert::Certificate::from_der(&v.certificate)
        .map(|c| signer_name(&c))
        .unwrap_or_default()
}

/// The offset `startxref` names at the end of `pdf`.
fn start_xref(pdf: &[u8]) -> Option<usize> {
    let tail = pdf.len().saturating_sub(64);
    let at = tail + rfind(&pdf[tail..], b"startxref")? + b"startxref".len();
    let digits: String = pdf[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn unhex(hex: &[u8]) -> Option<Vec<u8>> {
    let v = |c: u8| char::from(c).to_digit(16);
    hex.chunks(2)
        .map(|p| Some((v(*p.first()?)? * 16 + v(*p.get(1)?)?) as u8))
        .collect()
}

/// A text string as a PDF hex string: ASCII as it is, else UTF-16BE with
/// its byte order mark (ISO 32000-1 §7.9.2.2).
fn text_string(s: &str) -> String {
    let bytes: Vec<u8> = if s.is_ascii() {
        s.bytes().collect()
    } else {
        let mut b = vec![0xfe, 0xff];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        b
    };
    format!("<{}>", super::hex(&bytes))
}

/// The text of a hex string [`text_string`] wrote, at the start of `at`.
fn read_text_string(at: &[u8]) -> Option<String> {
    let hex: Vec<u8> = at
        .strip_prefix(b"<")?
        .iter()
        .take_while(|&&c| c != b'>')
        .copied()
        .collect();
    let bytes = unhex(&hex)?;
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(u) => {
            let units: Vec<u16> = u
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16(&units).ok()
        }
        None => String::from_utf8(bytes).ok(),
    }
}

/// A PDF object as bytes (ISO 32000-1 §7.3): the objects of a catalog and a
/// page that lopdf read. Strings as hex, names with `#` escapes.
fn serialize(o: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    write_object(&mut out, o);
    out
}

fn write_object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend(b" null"),
        Object::Boolean(b) => out.extend(if *b { &b" true"[..] } else { b" false" }),
        Object::Integer(i) => out.extend(format!(" {i}").as_bytes()),
        Object::Real(r) => out.extend(format!(" {}", real(*r)).as_bytes()),
        Object::Name(n) => write_name(out, n),
        Object::String(s, _) => out.extend(format!("<{}>", super::hex(s)).as_bytes()),
        Object::Array(a) => {
            out.push(b'[');
            for x in a {
                write_object(out, x);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Reference(r) => out.extend(format!(" {} {} R", r.0, r.1).as_bytes()),
        // Pages and catalogs hold no streams directly; written as null if
        // one ever did, which [`check`] would then refuse as not ours.
        Object::Stream(_) => out.extend(b" null"),
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        write_object(out, v);
    }
    out.extend(b">>");
}

fn write_name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &c in n {
        if c.is_ascii_graphic() && !b"#()<>[]{}/%".contains(&c) {
            out.push(c);
        } else {
            out.extend(format!("#{c:02X}").as_bytes());
        }
    }
}

fn real(r: f32) -> String {
    let s = format!("{r:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_round_trip() {
        for s in ["某县人民政府办公室", "D:20240105093000+08'00'"] {
            assert_eq!(
                read_text_string(text_string(s).as_bytes()).as_deref(),
                Some(s)
            );
        }
    }
}
