//! Signing an OFD through an external signer (GB/T 33190-2016 §18): the
//! signed OFD is the issued OFD's parts, byte for byte, with `OFD.xml`
//! naming `Doc_0/Signs/Signatures.xml`, that list naming one signature, and
//! its `Signature.xml` with an SM3 check value (GB/T 32905) of every other
//! part of the package; the signed value (`SignedValue.dat`) is what an
//! external signer returns for the bytes of `Signature.xml` — a certified
//! seal system's GB/T 38540 seal or a UKey's GB/T 35275 signature — so that
//! jianbao never holds that key. The signature's date is the copy's
//! issued-at time, so the rest of the package stays deterministic.
//!
//! A signed OFD is checked ([`check`]) by making it again from the issued
//! OFD with the signed value it holds: every byte but the signed value must
//! be what jianbao writes. The signed value itself is checked when it is a
//! CMS (a GB/T 35275-style SM2 signature, as the built-in test signer
//! makes); a GB/T 38540 seal is the seal system's to check.

use std::io::{Cursor, Read as _, Write as _};
use std::process::{Command, Stdio};

use base64ct::{Base64, Encoding};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::cms::{self, Verified};
use super::{Error, Result};

/// The folder of the signatures in the package.
const SIGNS: &str = "Doc_0/Signs";
/// The list of signatures (GB/T 33190-2016 §18.1).
pub const SIGNATURES_XML: &str = "Doc_0/Signs/Signatures.xml";
/// The signature's description (§18.2).
pub const SIGNATURE_XML: &str = "Doc_0/Signs/Sign_0/Signature.xml";
/// The signed value (§18.2.3).
pub const SIGNED_VALUE: &str = "Doc_0/Signs/Sign_0/SignedValue.dat";
/// SM3 (GB/T 32905-2016): the check method of the references.
const SM3_OID: &str = "1.2.156.10197.1.401";

/// What kind of signature the external signer makes (ST_SignatureType of §18.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// An electronic seal (GB/T 38540): `Type="Seal"`.
    Seal,
    /// A digital signature (GB/T 35275): `Type="Sign"`.
    Sign,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Seal => "Seal",
            Kind::Sign => "Sign",
        }
    }
}

/// An external signer: a command given the bytes of `Signature.xml` on its
/// standard input that writes the signed value on its standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalSigner {
    /// The program and its arguments (split at spaces; no shell).
    pub command: Vec<String>,
    /// What it makes.
    pub kind: Kind,
    /// Its signature method (an OID; SM2 with SM3 by default).
    pub method: String,
}

/// The signature method of SM2 with SM3 (GB/T 33560-2017).
pub const SM2_SM3_METHOD: &str = "1.2.156.10197.1.501";

impl ExternalSigner {
    /// A signer running `command` (program and arguments separated by spaces).
    pub fn new(command: &str, kind: Kind, method: Option<&str>) -> Result<ExternalSigner> {
        let command: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if command.is_empty() {
            return Err(Error::new("OFD 签章程序的命令是空的"));
        }
        Ok(ExternalSigner {
            command,
            kind,
            method: method.unwrap_or(SM2_SM3_METHOD).to_string(),
        })
    }

    /// Run the command on `data`: its standard output, or why it failed.
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        let name = &self.command[0];
        let mut child = Command::new(name)
            .args(&self.command[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::new(format!("OFD 签章程序 {name} 无法启动（{e}）")))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::new("OFD 签章程序的标准输入无法写入"))?;
        let data = data.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&data));
        let out = child
            .wait_with_output()
            .map_err(|e| Error::new(format!("OFD 签章程序 {name} 运行出错（{e}）")))?;
        let written = writer
            .join()
            .map_err(|_| Error::new("OFD 签章程序的输入中断"))?;
        if !out.status.success() {
            return Err(Error::new(format!(
                "OFD 签章程序 {name} 失败（{}）：{}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        written.map_err(|e| Error::new(format!("OFD 签章程序没有读完签名描述（{e}）")))?;
        if out.stdout.is_empty() {
            return Err(Error::new(format!("OFD 签章程序 {name} 没有输出签名值")));
        }
        Ok(out.stdout)
    }
}

/// The parts of an OFD package, in order, and the date of its entries.
struct Package {
    parts: Vec<(String, Vec<u8>)>,
    time: zip::DateTime,
}

fn read_package(ofd: &[u8]) -> Result<Package> {
    let bad = |e: &dyn std::fmt::Display| Error::new(format!("OFD 无法读取（{e}）"));
    let mut z = ZipArchive::new(Cursor::new(ofd)).map_err(|e| bad(&e))?;
    let mut parts = Vec::new();
    let mut time = zip::DateTime::default();
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| bad(&e))?;
        if i == 0 {
            time = f.last_modified().unwrap_or_default();
        }
        let mut b = Vec::new();
        f.read_to_end(&mut b).map_err(|e| bad(&e))?;
        parts.push((f.name().to_string(), b));
    }
    Ok(Package { parts, time })
}

fn write_package(p: &Package) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| Error::new(format!("OFD 打包出错（{e}）"));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(p.time);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in &p.parts {
        zip.start_file(name.as_str(), options)
            .map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The issued package with `OFD.xml` naming the signatures, the list of
/// signatures, and `Signature.xml` (without the signed value).
fn prepare(issued: &Package, signer: &ExternalSigner, time: &str) -> Result<(Package, Vec<u8>)> {
    let mut parts = issued.parts.clone();
    if parts.iter().any(|(n, _)| n.starts_with(SIGNS)) {
        return Err(Error::new("这份 OFD 已经有签名或签章"));
    }
    let entry = parts
        .iter_mut()
        .find(|(n, _)| n == "OFD.xml")
        .ok_or_else(|| Error::new("OFD 中没有 OFD.xml"))?;
    let text = String::from_utf8(entry.1.clone()).map_err(|_| Error::new("OFD.xml 不是 UTF-8"))?;
    let close = "</ofd:DocBody>";
    let at = text
        .find(close)
        .ok_or_else(|| Error::new("OFD.xml 中没有 DocBody"))?;
    if text.contains("<ofd:Signatures>") {
        return Err(Error::new("这份 OFD 已经有签名或签章"));
    }
    entry.1 = format!(
        "{}<ofd:Signatures>/{SIGNATURES_XML}</ofd:Signatures>{}",
        &text[..at],
        &text[at..]
    )
    .into_bytes();
    let list = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Signatures xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID=\"1\" Type=\"{}\" BaseLoc=\"/{SIGNATURE_XML}\"/></ofd:Signatures>",
        signer.kind.name()
    );
    parts.push((SIGNATURES_XML.to_string(), list.into_bytes()));
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Signature xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:SignedInfo><ofd:Provider ProviderName=\"jianbao\" Version=\"{}\"/><ofd:SignatureMethod>{}</ofd:SignatureMethod><ofd:SignatureDateTime>{}</ofd:SignatureDateTime><ofd:References CheckMethod=\"{SM3_OID}\">",
        env!("CARGO_PKG_VERSION"),
        escape(&signer.method),
        escape(time)
    );
    for (name, bytes) in &parts {
        x.push_str(&format!(
            "<ofd:Reference FileRef=\"/{}\"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>",
            escape(name),
            Base64::encode_string(&super::sm3(bytes))
        ));
    }
    x.push_str(&format!(
        "</ofd:References></ofd:SignedInfo><ofd:SignedValue>/{SIGNED_VALUE}</ofd:SignedValue></ofd:Signature>"
    ));
    Ok((
        Package {
            parts,
            time: issued.time,
        },
        x.into_bytes(),
    ))
}

fn finish(mut p: Package, signature_xml: Vec<u8>, value: Vec<u8>) -> Result<Vec<u8>> {
    p.parts.push((SIGNATURE_XML.to_string(), signature_xml));
    p.parts.push((SIGNED_VALUE.to_string(), value));
    write_package(&p)
}

/// `ofd` signed through `signer` at `time` (UTC, `YYYYMMDDHHMMSSZ`).
pub fn sign(ofd: &[u8], signer: &ExternalSigner, time: &str) -> Result<Vec<u8>> {
    let issued = read_package(ofd)?;
    let (p, xml) = prepare(&issued, signer, time)?;
    let value = signer.sign(&xml)?;
    finish(p, xml, value)
}

/// What a checked signed OFD holds.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The signed value.
    pub value: Vec<u8>,
    /// The signed value checked as a CMS over `Signature.xml`, when it is
    /// one; `None` for a value jianbao cannot read (a GB/T 38540 seal).
    pub cms: Option<Verified>,
}

/// Check `signed` as `issued` signed by `signer` (its kind and method) at
/// `time`: every byte but the signed value is what [`sign`] writes, and a
/// signed value that is a CMS verifies over `Signature.xml`.
pub fn check(signed: &[u8], issued: &[u8], signer: &ExternalSigner, time: &str) -> Result<Checked> {
    let got = read_package(signed)?;
    let value = got
        .parts
        .iter()
        .find(|(n, _)| n == SIGNED_VALUE)
        .map(|(_, b)| b.clone())
        .ok_or_else(|| Error::new("签名版 OFD 中没有签名值 SignedValue.dat"))?;
    let (p, xml) = prepare(&read_package(issued)?, signer, time)?;
    let expected = finish(p, xml.clone(), value.clone())?;
    if expected != signed {
        let want = read_package(&expected)?;
        let differs: Vec<&str> = want
            .parts
            .iter()
            .filter(|(n, b)| !got.parts.iter().any(|(m, c)| m == n && c == b))
            .map(|(n, _)| n.as_str())
            .chain(
                got.parts
                    .iter()
                    .filter(|(n, _)| !want.parts.iter().any(|(m, _)| m == n))
                    .map(|(n, _)| n.as_str()),
            )
            .collect();
        return Err(Error::new(if differs.is_empty() {
            "签名版 OFD 的打包方式被改动过".to_string()
        } else {
            format!(
                "签名版 OFD 中这些部分与签发的 OFD 或签名描述不符：{}",
                differs.join("、")
            )
        }));
    }
    let cms = match cms::verify_detached(&value, &xml) {
        Ok(v) => Some(v),
        // A CMS that does not verify is refused; a value that is no CMS
        // at all is a seal jianbao cannot read.
        Err(e) if value.first() == Some(&0x30) && looks_like_cms(&value) => {
            return Err(Error::new(format!("OFD 的签名值不成立：{e}")))
        }
        Err(_) => None,
    };
    Ok(Checked { value, cms })
}

/// Whether `v` starts as a CMS ContentInfo of signed data.
fn looks_like_cms(v: &[u8]) -> bool {
    // id-signedData, DER.
    const SIGNED_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    v.windows(SIGNED_DATA.len())
        .take(8)
        .any(|w| w == SIGNED_DATA)
}

/// `2024-05-10T09:30:00+08:00` as the signature's date, in UTC:
/// `20240510013000Z`.
pub fn signature_time(rfc3339: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.naive_utc().format("%Y%m%d%H%M%SZ").to_string())
        .map_err(|_| Error::new(format!("时间“{rfc3339}”无法解读")))
}
