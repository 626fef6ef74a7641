//! Signed copies in the archive (issue 25): a copy filed with the office key
//! gets `signed.pdf` (the issued PDF and one incremental update holding its
//! PAdES signature) and `manifest.p7s` (a detached CMS over
//! `manifest.json`); the key is entered in the archive's key register
//! (`keys/`, [`crate::sign::register`]) before its first copy, and a key
//! change is an entry signed by the old key. `verify` checks every
//! signature and that the key is the one the register held when the copy
//! was filed. Signatures are stored, never made again.

use std::fs;
use std::time::SystemTime;

use super::manifest::{FileRecord, OfdSignatureRecord, SignatureRecord, SignerKey};
use super::store::{self, sha256_hex, FoundCopy, MANIFEST_FILE, OFD_FILE, PDF_FILE};
use super::*;
use crate::sign::register::{KeyEntry, KeyRegister};
use crate::sign::{self, cms, ofd, pdf, OfficeKey, Signer};

/// The signed PDF of a signed copy.
pub const SIGNED_PDF_FILE: &str = "signed.pdf";
/// The manifest's signature (detached CMS, DER).
pub const MANIFEST_SIG_FILE: &str = "manifest.p7s";
/// The signed OFD of a signed copy filed with an OFD and an OFD signer.
pub const SIGNED_OFD_FILE: &str = "signed.ofd";

/// A copy being signed: the signed PDF is made before the manifest is
/// final (the manifest records it), the manifest's signature after.
pub(super) struct Signing {
    key: OfficeKey,
    time: SystemTime,
    signed_pdf: Vec<u8>,
    signed_ofd: Option<Vec<u8>>,
}

impl Signing {
    /// The files the signature adds to the copy, given its final manifest.
    pub(super) fn files(self, manifest: &[u8]) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let p7s = cms::sign_detached(&self.key, manifest, Some(self.time))?;
        let mut files = vec![(SIGNED_PDF_FILE, self.signed_pdf)];
        files.extend(self.signed_ofd.map(|o| (SIGNED_OFD_FILE, o)));
        files.push((MANIFEST_SIG_FILE, p7s));
        Ok(files)
    }
}

/// An RFC 3339 time as the archive writes it, as a system time.
fn parse_time(rfc3339: &str) -> Result<SystemTime> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(SystemTime::from)
        .map_err(|_| Error::Archive {
            message: format!("时间“{rfc3339}”无法解读"),
        })
}

/// `2024-01-05T09:30:00+08:00` as a PDF date, `D:20240105093000+08'00'`
/// (ISO 32000-1 §7.9.4).
fn pdf_date(rfc3339: &str) -> String {
    let digits: String = rfc3339
        .get(..19)
        .unwrap_or(rfc3339)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let zone = rfc3339.get(19..).unwrap_or("Z");
    match zone.split_once(':') {
        Some((h, m)) => format!("D:{digits}{h}'{m}'"),
        None => format!("D:{digits}Z"),
    }
}

impl Archive {
    /// The archive's register of office keys.
    pub fn keys(&self) -> KeyRegister {
        KeyRegister::read(self.store.root())
    }

    /// Who signed the copy of `r`: the name of the key the register held
    /// when it was filed, when the copy has a manifest signature (`verify`
    /// checks that it is that key's).
    pub(super) fn signed_by(&self, r: &Record, keys: &KeyRegister) -> Option<String> {
        if !self.store.path(&r.dir).join(MANIFEST_SIG_FILE).is_file() {
            return None;
        }
        let subject = &keys.at(&r.issued_at)?.record.subject;
        Some(subject.strip_prefix("CN=").unwrap_or(subject).to_string())
    }

    /// The PDF of the copy `id` (a prefix of its PDF's SHA-256) to hand out:
    /// `signed.pdf` for a signed copy, else the issued PDF; either only when
    /// its bytes are the ones recorded.
    pub fn download_pdf(&self, id: &str) -> Result<Option<(Record, Vec<u8>)>> {
        let Some(d) = self.lookup(&CopyQuery::Id(id.to_string()))? else {
            return Ok(None);
        };
        let Some(s) = d.manifest.as_ref().and_then(|m| m.signature.clone()) else {
            return self.issued_pdf(id);
        };
        let path = d.dir.join(SIGNED_PDF_FILE);
        let pdf =
            crate::files::read_regular(&path, 256 * 1024 * 1024).map_err(|e| Error::Refused {
                message: format!("这份副本的签名版 PDF 无法读取（{e}）"),
                hints: vec![Hint::Verify],
            })?;
        if sha256_hex(&pdf) != s.pdf.sha256 {
            return Err(Error::Refused {
                message: "这份副本的签名版 PDF 与归档时的记录不符（已改动）".into(),
                hints: vec![Hint::Verify],
            });
        }
        Ok(Some((d.record, pdf)))
    }

    /// Sign the copy of `manifest` (its `issued_at` set) with `key`:
    /// enter the key in the register if it is the archive's first, refuse
    /// a key that is not the register's current one, make the signed PDF
    /// and record it in the manifest. Called under the archive's lock.
    pub(super) fn sign_copy(
        &self,
        _lock: &store::Lock,
        signer: Option<&Signer>,
        manifest: &mut Manifest,
        files: &[(&str, Vec<u8>)],
    ) -> Result<Option<Signing>> {
        let Some(signer) = signer else {
            return Ok(None);
        };
        let key = &signer.key;
        let file = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, b)| b);
        let pdf_bytes = file(PDF_FILE).map_or(&[][..], |b| b.as_slice());
        let time = parse_time(&manifest.issued_at)?;
        let keys = self.keys();
        if let Some(p) = keys.problems.first() {
            return Err(Error::Refused {
                message: format!("档案的密钥登记有问题，不能签名：{p}"),
                hints: vec![Hint::Verify],
            });
        }
        let entry: KeyEntry = match keys.current() {
            None => keys.enter(self.store.root(), key, key, &manifest.issued_at, time)?,
            Some(c) if c.record.fingerprint == key.fingerprint() => c.clone(),
            Some(c) => {
                return Err(Error::Refused {
                    message: format!(
                        "这把签名密钥（{}，指纹 {}）不是档案登记的现用密钥（{}，指纹 {}）：更换密钥要先由现用密钥签署登记",
                        key.subject(),
                        &key.fingerprint()[..16],
                        c.record.subject,
                        &c.record.fingerprint[..16]
                    ),
                    hints: vec![],
                })
            }
        };
        let signed_pdf = pdf::sign(pdf_bytes, key, &pdf_date(&manifest.issued_at))?;
        // The OFD through its external signer, with the date of the copy.
        let (signed_ofd, ofd_record) = match (&signer.ofd, file(OFD_FILE)) {
            (Some(ext), Some(issued)) => {
                let time = ofd::signature_time(&manifest.issued_at)?;
                let signed = ofd::sign(issued, ext, &time)?;
                let checked = ofd::check(&signed, issued, ext, &time)?;
                let record = OfdSignatureRecord {
                    file: FileRecord {
                        file: SIGNED_OFD_FILE.into(),
                        bytes: signed.len() as u64,
                        sha256: sha256_hex(&signed),
                        sm3: Some(sign::sm3_hex(&signed)),
                    },
                    kind: ext.kind,
                    method: ext.method.clone(),
                    time,
                    signer_fingerprint: checked.cms.map(|c| c.fingerprint),
                };
                (Some(signed), Some(record))
            }
            _ => (None, None),
        };
        manifest.signature = Some(SignatureRecord {
            pdf: FileRecord {
                file: SIGNED_PDF_FILE.into(),
                bytes: signed_pdf.len() as u64,
                sha256: sha256_hex(&signed_pdf),
                sm3: Some(sign::sm3_hex(&signed_pdf)),
            },
            manifest_signature: MANIFEST_SIG_FILE.into(),
            ofd: ofd_record,
            key: SignerKey {
                fingerprint: entry.record.fingerprint.clone(),
                subject: entry.record.subject.clone(),
                algorithm: entry.record.algorithm,
                entry: entry.dir.clone(),
                entry_sha256: entry.entry_sha256.clone(),
            },
            approval: None,
        });
        Ok(Some(Signing {
            key: key.clone(),
            time,
            signed_pdf,
            signed_ofd,
        }))
    }

    /// Enter `new` in the key register as the office's key from `now` on,
    /// signed by `old`, the register's current key (the first key is
    /// entered by its first signed copy).
    pub fn change_key(
        &self,
        old: &OfficeKey,
        new: &OfficeKey,
        now: SystemTime,
    ) -> Result<KeyEntry> {
        self.store.create()?;
        let _lock = self.store.lock()?;
        let keys = self.keys();
        if let Some(p) = keys.problems.first() {
            return Err(Error::Refused {
                message: format!("档案的密钥登记有问题，不能登记新密钥：{p}"),
                hints: vec![Hint::Verify],
            });
        }
        if keys
            .current()
            .is_some_and(|c| c.record.fingerprint == new.fingerprint())
        {
            return Err(Error::Refused {
                message: "这把密钥已经是档案登记的现用密钥".into(),
                hints: vec![],
            });
        }
        let since = crate::model::date::rfc3339_cst(now);
        let at = parse_time(&since)?;
        let by = if keys.current().is_none() { new } else { old };
        Ok(keys.enter(self.store.root(), new, by, &since, at)?)
    }

    /// Check the signatures of the signed copies among `found` and add
    /// what is wrong to their `checks`.
    pub(super) fn check_signatures(&self, found: &[FoundCopy], checks: &mut [CopyCheck]) {
        let keys = self.keys();
        for f in found {
            let Ok(m) = &f.manifest else { continue };
            let Some(s) = &m.signature else { continue };
            let Some(check) = checks
                .iter_mut()
                .find(|c| c.dir.as_deref() == Some(f.rel.as_str()))
            else {
                continue;
            };
            let problems = self.signature_problems(&f.rel, m, s, &keys);
            if !problems.is_empty() {
                check.status = check.status.max(Status::Changed);
                check.problems.extend(problems);
            }
        }
    }

    fn signature_problems(
        &self,
        rel: &str,
        m: &Manifest,
        s: &SignatureRecord,
        keys: &KeyRegister,
    ) -> Vec<String> {
        let dir = self.store.path(rel);
        let mut problems: Vec<String> = keys
            .problems
            .iter()
            .map(|p| format!("签名所依的密钥登记有问题：{p}"))
            .collect();
        let read = |name: &str, problems: &mut Vec<String>| match fs::read(dir.join(name)) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{name} 不见了"));
                None
            }
            Err(e) => {
                problems.push(format!("{name} 无法读取：{e}"));
                None
            }
        };
        if s.pdf.file != SIGNED_PDF_FILE || s.manifest_signature != MANIFEST_SIG_FILE {
            problems.push("清单中签名文件的名字不对：清单被改动过".into());
        }
        let entry = keys.by_hash(&s.key.entry_sha256);
        match entry {
            None => problems.push(
                "清单所记的签名密钥不在档案的密钥登记中（登记被删改，或副本不是用登记的密钥签的）"
                    .into(),
            ),
            Some(e) => {
                if e.record.fingerprint != s.key.fingerprint || e.dir != s.key.entry {
                    problems.push("清单所记的签名密钥与密钥登记不符：清单被改动过".into());
                }
                let then = keys.at(&m.issued_at).map(|k| k.entry_sha256.as_str());
                if then != Some(e.entry_sha256.as_str()) {
                    problems.push(format!(
                        "归档时（{}）档案登记的现用密钥不是签这份副本的那一把",
                        m.issued_at
                    ));
                }
            }
        }
        let registered = entry.map(|e| e.record.fingerprint.as_str());
        let cert_is_registered = |who: &str, fp: &str, problems: &mut Vec<String>| {
            if Some(fp) != registered {
                problems.push(format!(
                    "{who}所用的证书（指纹 {}）不是档案登记的那一张：证书被替换过",
                    &fp[..16.min(fp.len())]
                ));
            }
        };
        if let (Some(signed), Some(issued)) = (
            read(SIGNED_PDF_FILE, &mut problems),
            read(PDF_FILE, &mut problems),
        ) {
            if sha256_hex(&signed) != s.pdf.sha256
                || s.pdf.sm3.as_ref() != Some(&sign::sm3_hex(&signed))
            {
                problems.push(format!("{SIGNED_PDF_FILE} 已改动：哈希与归档时记下的不同"));
            }
            match pdf::check(&signed, &issued) {
                Ok(c) => {
                    cert_is_registered("PDF 的签名", &c.cms.fingerprint, &mut problems);
                    if c.time != pdf_date(&m.issued_at) {
                        problems.push("PDF 签名的时间不是归档时间：签名被改动过".into());
                    }
                }
                Err(e) => problems.push(format!("{SIGNED_PDF_FILE}：{e}")),
            }
        }
        if let Some(o) = &s.ofd {
            if let (Some(signed), Some(issued)) = (
                read(SIGNED_OFD_FILE, &mut problems),
                read(OFD_FILE, &mut problems),
            ) {
                if sha256_hex(&signed) != o.file.sha256
                    || o.file.sm3.as_ref() != Some(&sign::sm3_hex(&signed))
                {
                    problems.push(format!("{SIGNED_OFD_FILE} 已改动：哈希与归档时记下的不同"));
                }
                let ext = ofd::ExternalSigner {
                    command: Vec::new(),
                    kind: o.kind,
                    method: o.method.clone(),
                };
                let time_ok = ofd::signature_time(&m.issued_at).ok().as_ref() == Some(&o.time);
                if !time_ok {
                    problems.push("OFD 签名的时间不是归档时间：清单被改动过".into());
                }
                match ofd::check(&signed, &issued, &ext, &o.time) {
                    Ok(c) => {
                        if c.cms.map(|v| v.fingerprint) != o.signer_fingerprint {
                            problems.push("OFD 签名值的签名者与归档时记下的不同".into());
                        }
                    }
                    Err(e) => problems.push(format!("{SIGNED_OFD_FILE}：{e}")),
                }
            }
        }
        if let (Some(p7s), Some(json)) = (
            read(MANIFEST_SIG_FILE, &mut problems),
            read(MANIFEST_FILE, &mut problems),
        ) {
            match cms::verify_detached(&p7s, &json) {
                Ok(v) => {
                    cert_is_registered("清单的签名", &v.fingerprint, &mut problems);
                    if v.signing_time != parse_time(&m.issued_at).ok() {
                        problems.push("清单签名的时间不是归档时间：签名被改动过".into());
                    }
                }
                Err(e) => problems.push(format!("清单的签名 {MANIFEST_SIG_FILE} 不成立：{e}")),
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pdf_dates_from_issued_at() {
        assert_eq!(
            super::pdf_date("2024-01-05T09:30:00+08:00"),
            "D:20240105093000+08'00'"
        );
    }
}
