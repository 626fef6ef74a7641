//! The manifest of an issued copy (`manifest.json`): what was issued, when,
//! by which program, from which template and fonts, with the SHA-256 of every
//! file, and its place in the archive's register chain.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::output::Fingerprint;

use super::store::{OFD_FILE, PDF_FILE};

/// The format identifier written into every manifest.
pub const FORMAT: &str = "jianbao-archive-copy/2";

/// The format of manifests filed before version 0.2: one `pdf` and an
/// optional `ofd` record, the PDF's `writer` apart, the layout's
/// `layout_sha256`. Read into the current form ([`Manifest::from_bytes`]).
pub const FORMAT_1: &str = "jianbao-archive-copy/1";

/// The manifest of one issued copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// Always [`FORMAT`] once read.
    pub format: String,
    /// Position in the archive's register: 1 for the first copy filed, then 2, 3, …
    pub sequence: u64,
    /// SHA-256 (hex) of the manifest file of the copy filed just before
    /// (`sequence - 1`); `None` for the first. Deleting or editing a copy
    /// breaks this chain.
    pub previous: Option<String>,
    /// 简报名称.
    pub name: String,
    /// The year of the issue's date.
    pub year: u16,
    /// 增刊 / 专刊: the series of a supplement, numbered apart from the
    /// regular issues. Absent for a regular issue (and from manifests filed
    /// before version 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement: Option<String>,
    /// 期号.
    pub issue: u32,
    /// 总期号, when given.
    pub total_issue: Option<u32>,
    /// The issue's date, `YYYY-MM-DD`.
    pub date: String,
    /// The title of the first article.
    pub title: String,
    /// When it was filed (RFC 3339, China Standard Time).
    pub issued_at: String,
    /// Pages of the PDF.
    pub pages: usize,
    /// The program that filed it.
    pub tool: Tool,
    /// Whether the PDF was written as PDF/A-2b.
    pub pdfa: bool,
    /// The version of the layout rules it was laid out under
    /// ([`crate::layout::RULES`]; 1 for copies filed before it was recorded).
    pub rules: u32,
    /// The layout's fingerprint ([`crate::output::fingerprint`]): what a
    /// re-render compares when an output's writer is gone. Absent from
    /// copies filed before a layout was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Fingerprint>,
    /// The input, byte for byte.
    pub input: FileRecord,
    /// The files written from the layout, byte for byte, each with its
    /// writer: the PDF first, then the OFD when one was filed.
    pub outputs: Vec<OutputRecord>,
    /// The template it was laid out with.
    pub template: TemplateRecord,
    /// Every font file used.
    pub fonts: Vec<FontRecord>,
    /// The copy filed just before (`sequence - 1`), by name and number: so
    /// that its number stays known as used even if its folder is deleted.
    /// Absent from the first copy and from manifests filed before version 0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_copy: Option<CopyRef>,
    /// 1 for a copy as first issued; 2, 3, … for its corrections.
    #[serde(default = "first_revision", skip_serializing_if = "is_first_revision")]
    pub revision: u32,
    /// The copy this one corrects (`issue --supersedes`), which stays in
    /// the archive as it was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Supersedes>,
    /// Warnings of the layout (probable mistakes) that the issuer accepted.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Notices of the layout (adaptations the program made), for the record.
    /// Absent from manifests filed before version 0.2.
    #[serde(default)]
    pub notices: Vec<String>,
    /// The copy's signature, when it was signed (`issue --sign`): the
    /// signed PDF and the office key, whose `manifest.p7s` beside the
    /// manifest signs the manifest itself. Absent from unsigned copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureRecord>,
}

/// The signature of a signed copy (issue 25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureRecord {
    /// The signed PDF: the issued PDF byte for byte and one incremental
    /// update holding its PAdES signature (`signed.pdf`).
    pub pdf: FileRecord,
    /// The detached CMS over `manifest.json` (`manifest.p7s`).
    pub manifest_signature: String,
    /// The key that signed, as the archive's key register holds it.
    pub key: SignerKey,
    /// The signed OFD, when an OFD was filed and signed through an
    /// external signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ofd: Option<OfdSignatureRecord>,
    /// The 签发人's approval record, signed into the manifest with the
    /// copy. Filled by an office server's 签发 step when there is one;
    /// `issue --sign` on the command line has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
}

/// The signed OFD of a signed copy (GB/T 33190-2016 §18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfdSignatureRecord {
    /// `signed.ofd`: the issued OFD's parts with the signature's parts.
    pub file: FileRecord,
    /// Its kind: a seal (GB/T 38540) or a signature (GB/T 35275).
    pub kind: crate::sign::ofd::Kind,
    /// The signature method (an OID).
    pub method: String,
    /// The signature's date in the OFD (UTC), from the copy's issued-at time.
    pub time: String,
    /// The signer's certificate fingerprint (SHA-256), when the signed
    /// value is a CMS jianbao can read; absent for a seal it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_fingerprint: Option<String>,
}

/// The office key of a signed copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerKey {
    /// SHA-256 of its certificate (DER), hex.
    pub fingerprint: String,
    /// The certificate's subject.
    pub subject: String,
    /// Its algorithm (`ecdsa-p256`, `sm2`).
    pub algorithm: crate::sign::Algorithm,
    /// Its entry in the key register (`keys/<entry>/`).
    pub entry: String,
    /// SHA-256 of that entry's `entry.json`, hex.
    pub entry_sha256: String,
}

/// A 签发 approval record: who approved the issue, when, with what opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// 签发人.
    pub approver: String,
    /// When (RFC 3339, China Standard Time).
    pub approved_at: String,
    /// The opinion written with the approval.
    pub opinion: String,
}

/// A manifest as stored, in either format: what [`Manifest::from_bytes`]
/// reads before it puts a manifest of format 1 into the current form.
#[derive(Debug, Deserialize)]
struct Stored {
    format: String,
    sequence: u64,
    previous: Option<String>,
    name: String,
    year: u16,
    #[serde(default)]
    supplement: Option<String>,
    issue: u32,
    total_issue: Option<u32>,
    date: String,
    title: String,
    issued_at: String,
    pages: usize,
    tool: Tool,
    pdfa: bool,
    // Format 2.
    #[serde(default)]
    rules: Option<u32>,
    #[serde(default)]
    layout: Option<Fingerprint>,
    #[serde(default)]
    outputs: Option<Vec<OutputRecord>>,
    // Format 1.
    #[serde(default)]
    writer: Option<String>,
    #[serde(default)]
    layout_sha256: Option<String>,
    #[serde(default)]
    pdf: Option<FileRecord>,
    #[serde(default)]
    ofd: Option<FileRecord>,
    input: FileRecord,
    template: TemplateRecord,
    fonts: Vec<FontRecord>,
    #[serde(default)]
    previous_copy: Option<CopyRef>,
    #[serde(default = "first_revision")]
    revision: u32,
    #[serde(default)]
    supersedes: Option<Supersedes>,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    notices: Vec<String>,
    #[serde(default)]
    signature: Option<SignatureRecord>,
}

/// The writer recorded for a PDF of format 1: its `writer`, or `legacy`
/// for copies filed before writers were recorded.
fn pdf_writer_1(writer: Option<String>) -> String {
    format!("pdf/{}", writer.as_deref().unwrap_or("legacy"))
}

/// The writer of every OFD of format 1 (the OFD's writer was not recorded).
pub const OFD_WRITER_1: &str = "ofd/0";

impl Stored {
    /// The current form; `None` when a field of its format is missing.
    fn into_manifest(self) -> Option<Manifest> {
        let (rules, layout, outputs) = match self.format.as_str() {
            FORMAT => (self.rules?, self.layout, self.outputs?),
            _ => {
                let mut outputs = vec![OutputRecord::of(self.pdf?, pdf_writer_1(self.writer))];
                outputs.extend(self.ofd.map(|o| OutputRecord::of(o, OFD_WRITER_1.into())));
                let layout = self
                    .layout_sha256
                    .map(|sha256| Fingerprint { version: 1, sha256 });
                (1, layout, outputs)
            }
        };
        Some(Manifest {
            format: FORMAT.to_string(),
            sequence: self.sequence,
            previous: self.previous,
            name: self.name,
            year: self.year,
            supplement: self.supplement,
            issue: self.issue,
            total_issue: self.total_issue,
            date: self.date,
            title: self.title,
            issued_at: self.issued_at,
            pages: self.pages,
            tool: self.tool,
            pdfa: self.pdfa,
            rules,
            layout,
            input: self.input,
            outputs,
            template: self.template,
            fonts: self.fonts,
            previous_copy: self.previous_copy,
            revision: self.revision,
            supersedes: self.supersedes,
            warnings: self.warnings,
            notices: self.notices,
            signature: self.signature,
        })
    }
}

/// A file written from the layout, with the writer that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Its name inside the copy's directory.
    pub file: String,
    /// The writer ([`crate::output::Writer::name`]): `pdf/…`, `ofd/…`.
    pub writer: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 (hex).
    pub sha256: String,
    /// SM3 (hex, GB/T 32905-2016), beside SHA-256. Absent from copies
    /// filed before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
}

impl OutputRecord {
    /// The record of `file`, written by `writer`.
    pub fn of(file: FileRecord, writer: String) -> OutputRecord {
        OutputRecord {
            file: file.file,
            writer,
            bytes: file.bytes,
            sha256: file.sha256,
            sm3: file.sm3,
        }
    }

    /// The file, its size and hash.
    pub fn file_record(&self) -> FileRecord {
        FileRecord {
            file: self.file.clone(),
            bytes: self.bytes,
            sha256: self.sha256.clone(),
            sm3: self.sm3.clone(),
        }
    }
}

fn first_revision() -> u32 {
    1
}

fn is_first_revision(r: &u32) -> bool {
    *r == 1
}

/// A filed copy by bulletin name, series and number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyRef {
    /// 简报名称.
    pub name: String,
    /// The series of a supplement; absent for a regular issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement: Option<String>,
    /// The year of its date.
    pub year: u16,
    /// 期号.
    pub issue: u32,
}

/// What the register compares: the normalized name and series, the year,
/// the number.
pub type Key = (String, String, u16, u32);

impl CopyRef {
    /// The register's key of this copy.
    pub fn key(&self) -> Key {
        let (name, series) = series_key(&self.name, self.supplement.as_deref());
        (name, series, self.year, self.issue)
    }
}

/// A series as the register compares it: the normalized name, and the
/// normalized supplement ("" for the regular issues).
pub fn series_key(name: &str, supplement: Option<&str>) -> (String, String) {
    (
        super::store::normalize_name(name),
        supplement
            .map(super::store::normalize_name)
            .unwrap_or_default(),
    )
}

/// `2024年第1期（总第57期）`, `2024年增刊第1期`.
pub fn issue_label(year: u16, supplement: Option<&str>, issue: u32, total: Option<u32>) -> String {
    let series = supplement.unwrap_or("");
    match total {
        Some(t) => format!("{year}年{series}第{issue}期（总第{t}期）"),
        None => format!("{year}年{series}第{issue}期"),
    }
}

/// The copy a correction supersedes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supersedes {
    /// Its name and number.
    pub copy: CopyRef,
    /// Its folder, relative to the archive.
    pub dir: String,
    /// SHA-256 of its PDF (its id is the first 12 digits).
    pub pdf_sha256: String,
    /// SHA-256 of its manifest file, as it was when it was superseded.
    pub manifest_sha256: String,
    /// Why it was corrected.
    pub reason: String,
}

/// The program that filed a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// `jianbao`.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Tool {
    /// This program.
    pub fn current() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// A file of the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Its name inside the copy's directory.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 (hex).
    pub sha256: String,
    /// SM3 (hex, GB/T 32905-2016), beside SHA-256. Absent from copies
    /// filed before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
}

/// The template of a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRecord {
    /// Its name.
    pub name: String,
    /// What the input asked for: a built-in name, or the template file
    /// (as an absolute path when it could be resolved).
    pub reference: String,
    /// Whether it is built into the program.
    pub builtin: bool,
    /// SHA-256 of its text(s) (see [`crate::template::Template::sha256`]).
    pub sha256: String,
    /// A template that is not built in is kept with the copy, merged into
    /// one file (`template.toml`), so that the copy can be laid out again
    /// wherever the original file went. Absent for built-in templates and
    /// from manifests filed before version 0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRecord>,
}

/// A font file used by a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontRecord {
    /// The file's name in the font folder.
    pub name: String,
    /// SHA-256 (hex).
    pub sha256: String,
}

impl Manifest {
    /// The manifest as written to `manifest.json`: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Read a manifest, of the current format or of format 1.
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest> {
        let damaged = |why: String| Error::Archive {
            message: format!("manifest.json 无法读取（{why}）：这份副本的清单被改动或损坏"),
        };
        let m: Stored = serde_json::from_slice(bytes).map_err(|e| Error::Archive {
            message: format!(
                "manifest.json 无法读取（第 {} 行第 {} 列不是这个程序写出的清单格式）：这份副本的清单被改动或损坏",
                e.line(),
                e.column()
            ),
        })?;
        let format = m.format.clone();
        if m.format != FORMAT && m.format != FORMAT_1 {
            return Err(Error::Archive {
                message: format!(
                    "manifest.json 的格式是 {}，本程序只认 {FORMAT} 和 {FORMAT_1}：请用更新的 jianbao",
                    m.format
                ),
            });
        }
        let m = m
            .into_manifest()
            .ok_or_else(|| damaged(format!("缺少格式 {format} 的字段")))?;
        if m.output(PDF_FILE).is_none() {
            return Err(damaged(format!("没有 {PDF_FILE} 的记录")));
        }
        Ok(m)
    }

    /// The record of the output file `file`, when the copy has one.
    pub fn output(&self, file: &str) -> Option<&OutputRecord> {
        self.outputs.iter().find(|o| o.file == file)
    }

    /// The PDF's record (every manifest read has one).
    pub fn pdf(&self) -> &OutputRecord {
        static NONE: OutputRecord = OutputRecord {
            file: String::new(),
            writer: String::new(),
            bytes: 0,
            sha256: String::new(),
            sm3: None,
        };
        self.output(PDF_FILE).unwrap_or(&NONE)
    }

    /// The OFD's record, when one was filed.
    pub fn ofd(&self) -> Option<&OutputRecord> {
        self.output(OFD_FILE)
    }

    /// This copy by name and number.
    pub fn copy_ref(&self) -> CopyRef {
        CopyRef {
            name: self.name.clone(),
            supplement: self.supplement.clone(),
            year: self.year,
            issue: self.issue,
        }
    }

    /// The short id of the copy: the first 12 hex digits of the PDF's SHA-256.
    pub fn id(&self) -> String {
        short_id(&self.pdf().sha256)
    }

    /// `2024年第1期（总第57期）`, `2024年增刊第1期`.
    pub fn issue_label(&self) -> String {
        issue_label(
            self.year,
            self.supplement.as_deref(),
            self.issue,
            self.total_issue,
        )
    }
}

/// The short id for a PDF hash.
pub fn short_id(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            sequence: 2,
            previous: Some("ab".repeat(32)),
            name: "益阳市工作简报".into(),
            supplement: None,
            year: 2024,
            issue: 3,
            total_issue: Some(59),
            date: "2024-05-24".into(),
            title: "湿地保护".into(),
            issued_at: "2024-05-24T09:30:00+08:00".into(),
            pages: 4,
            tool: Tool::current(),
            pdfa: true,
            rules: 1,
            layout: Some(Fingerprint {
                version: 1,
                sha256: "04".repeat(32),
            }),
            input: FileRecord {
                file: "input.json".into(),
                bytes: 10,
                sha256: "01".repeat(32),
                sm3: None,
            },
            outputs: vec![OutputRecord {
                file: "issued.pdf".into(),
                writer: "pdf/jianbao-1/libdeflate-1.26/6".into(),
                bytes: 20,
                sha256: "0123456789abcdef".repeat(4),
                sm3: None,
            }],
            template: TemplateRecord {
                name: "jianbao".into(),
                reference: "jianbao".into(),
                builtin: true,
                sha256: "02".repeat(32),
                file: None,
            },
            fonts: vec![FontRecord {
                name: "FandolFang-Regular.otf".into(),
                sha256: "03".repeat(32),
            }],
            previous_copy: None,
            revision: 1,
            supersedes: None,
            warnings: vec!["警告".into()],
            notices: vec!["提示".into()],
            signature: None,
        }
    }

    /// The manifest of the archive fixture `fixture`, as filed.
    fn fixture(fixture: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(fixture)
            .join("copies/某县工作动态-5bf4bbab/2024-012/manifest.json");
        std::fs::read(dir).unwrap()
    }

    #[test]
    fn manifests_of_format_1_are_read_into_the_current_form() {
        // Filed before writers were recorded: the PDF's writer is `legacy`.
        let m = Manifest::from_bytes(&fixture("archive-legacy")).unwrap();
        assert_eq!(m.format, FORMAT);
        assert_eq!((m.rules, &m.layout), (1, &None));
        assert_eq!(m.outputs.len(), 1);
        assert_eq!(m.pdf().file, "issued.pdf");
        assert_eq!(m.pdf().writer, "pdf/legacy");
        assert_eq!(m.pdf().bytes, 87943);
        assert_eq!(m.id(), "93802e3ca97a");
        // printpdf's document with libdeflate: its writer, and the layout.
        let m = Manifest::from_bytes(&fixture("archive-libdeflate")).unwrap();
        assert_eq!(m.pdf().writer, "pdf/libdeflate-1.26/9");
        assert_eq!(m.layout.as_ref().map(|l| l.version), Some(1));
        assert_eq!(m.ofd(), None);
        // The direct writer, with an OFD whose writer was not recorded.
        let m = Manifest::from_bytes(&fixture("archive-ofd")).unwrap();
        assert_eq!(m.pdf().writer, "pdf/jianbao-1/libdeflate-1.26/6");
        let ofd = m.ofd().unwrap();
        assert_eq!((ofd.writer.as_str(), ofd.bytes), (OFD_WRITER_1, 85207));
        assert_eq!(
            m.layout.as_ref().unwrap().sha256,
            "c11e997e5336a2a1c3ff4e61d1da68f77d270e90fe986428d5baea6c5e662e43"
        );
        // A manifest of the current format reads as it was written.
        let now = fixture("archive-direct");
        let direct = Manifest::from_bytes(&now).unwrap();
        assert_eq!(direct.outputs.len(), 2);
        assert_eq!(direct.to_bytes(), now);
        // Written again, a manifest takes the current form and reads back the same.
        let again = Manifest::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(again, m);
        let text = String::from_utf8(m.to_bytes()).unwrap();
        assert!(text.contains("\"outputs\"") && !text.contains("layout_sha256"));
    }

    #[test]
    fn a_manifest_without_its_pdf_is_damaged() {
        let mut m = sample();
        m.outputs.clear();
        let e = Manifest::from_bytes(&m.to_bytes()).unwrap_err();
        assert!(e.to_string().contains("没有 issued.pdf 的记录"), "{e}");
        let mut v: serde_json::Value = serde_json::from_slice(&sample().to_bytes()).unwrap();
        v.as_object_mut().unwrap().remove("rules");
        let e = Manifest::from_bytes(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert!(e.to_string().contains("缺少格式"), "{e}");
    }

    #[test]
    fn round_trip() {
        let m = sample();
        let bytes = m.to_bytes();
        assert!(bytes.ends_with(b"}\n"));
        assert_eq!(Manifest::from_bytes(&bytes).unwrap(), m);
        assert_eq!(m.id(), "0123456789ab");
        assert_eq!(m.issue_label(), "2024年第3期（总第59期）");
        // A first revision of a regular issue writes neither field: manifests
        // of 0.1 and 0.2 read the same.
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("revision") && !text.contains("supplement"));
    }

    #[test]
    fn a_corrected_supplement_round_trips() {
        let mut m = sample();
        m.supplement = Some("增刊".into());
        m.revision = 2;
        m.supersedes = Some(Supersedes {
            copy: m.copy_ref(),
            dir: "copies/x/2024-增刊-003".into(),
            pdf_sha256: "ab".repeat(32),
            manifest_sha256: "cd".repeat(32),
            reason: "第二篇数字有误".into(),
        });
        assert_eq!(Manifest::from_bytes(&m.to_bytes()).unwrap(), m);
        assert_eq!(m.issue_label(), "2024年增刊第3期（总第59期）");
        // A series is compared without spaces, as names are.
        let mut other = m.copy_ref();
        other.supplement = Some("增 刊".into());
        assert_eq!(other.key(), m.copy_ref().key());
        other.supplement = None;
        assert_ne!(other.key(), m.copy_ref().key());
    }

    #[test]
    fn other_formats_and_garbage_are_refused() {
        let mut m = sample();
        m.format = "other/9".into();
        assert!(Manifest::from_bytes(&m.to_bytes()).is_err());
        assert!(Manifest::from_bytes(b"{not json").is_err());
    }
}
