//! The register of the office's signing keys, in the archive
//! (`keys/<number>-<fingerprint>/`): each entry names a key by its
//! certificate's SHA-256, says from when it signs, and links to the entry
//! before it by the hash of its `entry.json`; it is signed
//! (`entry.p7s`, a detached CMS) by the key before it, or by itself for the
//! first. Every signed copy's manifest names the entry of its key, so the
//! copy chain links back to it; a key change is an entry signed by the old key.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::cms;
use super::key::{pem_certificates, Algorithm};
use super::{Error, OfficeKey, Result};

/// The folder of the register inside the archive.
pub const KEYS_DIR: &str = "keys";
/// An entry's record.
pub const ENTRY_FILE: &str = "entry.json";
/// Its signature by the key before (or itself, for the first).
pub const ENTRY_SIG_FILE: &str = "entry.p7s";
/// The key's certificate (PEM).
pub const CERT_FILE: &str = "certificate.pem";
/// The format identifier of an entry.
pub const FORMAT: &str = "jianbao-office-key/1";

/// One entry of the key register (`entry.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Always [`FORMAT`].
    pub format: String,
    /// 1 for the office's first key, then 2, 3, …
    pub sequence: u64,
    /// SHA-256 of the key's certificate (DER), hex.
    pub fingerprint: String,
    /// The certificate's subject.
    pub subject: String,
    /// The key's algorithm.
    pub algorithm: Algorithm,
    /// From when it signs (RFC 3339, China Standard Time): the issued-at
    /// time of the first copy it signed, or of the key change.
    pub since: String,
    /// The entry before: its number, key and the SHA-256 of its `entry.json`.
    pub previous: Option<PreviousKey>,
}

/// The entry a key change follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousKey {
    /// Its number.
    pub sequence: u64,
    /// Its key's fingerprint (who signed this entry).
    pub fingerprint: String,
    /// SHA-256 of its `entry.json`, hex.
    pub entry_sha256: String,
}

/// An entry as read and checked.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// Its record.
    pub record: KeyRecord,
    /// SHA-256 of its `entry.json`, hex (what manifests name).
    pub entry_sha256: String,
    /// Its folder inside `keys/`.
    pub dir: String,
    /// The certificate (DER).
    pub certificate: Vec<u8>,
}

/// The register as read: its entries in order, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct KeyRegister {
    /// The entries that read, by number.
    pub entries: Vec<KeyEntry>,
    /// Each problem found, in Chinese.
    pub problems: Vec<String>,
}

impl KeyRegister {
    /// Read and check the register of the archive at `root`: each entry's
    /// certificate is the one it names, the entries are numbered 1, 2, …
    /// and each links to the one before and is signed by its key (the
    /// first by its own).
    pub fn read(root: &Path) -> KeyRegister {
        let mut reg = KeyRegister::default();
        let dir = root.join(KEYS_DIR);
        let Ok(list) = fs::read_dir(&dir) else {
            return reg;
        };
        let mut names: Vec<String> = list
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            match read_entry(&dir.join(&name), &name) {
                Ok((entry, sig, json)) => {
                    let n = reg.entries.len() as u64 + 1;
                    let prev = reg.entries.last();
                    let problem = check_link(&entry, prev, n, &sig, &json);
                    if let Some(p) = problem {
                        reg.problems.push(format!("密钥登记 {name}：{p}"));
                    }
                    reg.entries.push(entry);
                }
                Err(e) => reg.problems.push(format!("密钥登记 {name} 无法读取：{e}")),
            }
        }
        reg
    }

    /// The latest key.
    pub fn current(&self) -> Option<&KeyEntry> {
        self.entries.last()
    }

    /// The entry whose `entry.json` has this SHA-256.
    pub fn by_hash(&self, sha256: &str) -> Option<&KeyEntry> {
        self.entries.iter().find(|e| e.entry_sha256 == sha256)
    }

    /// The key that signed at `time` (RFC 3339 as the archive writes it):
    /// the last entry whose `since` is not after it.
    pub fn at(&self, time: &str) -> Option<&KeyEntry> {
        self.entries
            .iter()
            .rfind(|e| e.record.since.as_str() <= time)
    }

    /// Enter `key` into the register of the archive at `root` as from
    /// `since`, signed by `by` (the current key; `key` itself for the first
    /// entry). The caller holds the archive's lock.
    pub fn enter(
        &self,
        root: &Path,
        key: &OfficeKey,
        by: &OfficeKey,
        since: &str,
        since_time: SystemTime,
    ) -> Result<KeyEntry> {
        let previous = self.current().map(|p| PreviousKey {
            sequence: p.record.sequence,
            fingerprint: p.record.fingerprint.clone(),
            entry_sha256: p.entry_sha256.clone(),
        });
        let expected_signer = self
            .current()
            .map_or(key.fingerprint(), |p| p.record.fingerprint.clone());
        if by.fingerprint() != expected_signer {
            return Err(Error::new(
                "更换密钥要由档案登记的现用密钥签署：所给的旧密钥不是登记的那一把",
            ));
        }
        let record = KeyRecord {
            format: FORMAT.into(),
            sequence: self.entries.len() as u64 + 1,
            fingerprint: key.fingerprint(),
            subject: key.subject(),
            algorithm: key.algorithm(),
            since: since.into(),
            previous,
        };
        let mut json = serde_json::to_vec_pretty(&record)
            .map_err(|e| Error::new(format!("密钥登记无法写出（{e}）")))?;
        json.push(b'\n');
        let sig = cms::sign_detached(by, &json, Some(since_time))?;
        let name = format!("{:04}-{}", record.sequence, &record.fingerprint[..16]);
        let keys = root.join(KEYS_DIR);
        fs::create_dir_all(&keys).map_err(|e| Error::io(&keys, e))?;
        let tmp = keys.join(format!(".tmp-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let write = |f: &str, b: &[u8]| -> Result<()> {
            let p = tmp.join(f);
            fs::write(&p, b).map_err(|e| Error::io(&p, e))
        };
        write(CERT_FILE, key.certificate_pem()?.as_bytes())?;
        write(ENTRY_SIG_FILE, &sig)?;
        write(ENTRY_FILE, &json)?;
        let target = keys.join(&name);
        fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
        Ok(KeyEntry {
            entry_sha256: super::hex(&super::sha256(&json)),
            record,
            dir: name,
            certificate: key.certificate_der().to_vec(),
        })
    }
}

fn read_entry(dir: &Path, name: &str) -> Result<(KeyEntry, Vec<u8>, Vec<u8>)> {
    let read = |f: &str| -> Result<Vec<u8>> {
        let p: PathBuf = dir.join(f);
        fs::read(&p).map_err(|e| Error::io(&p, e))
    };
    let json = read(ENTRY_FILE)?;
    let sig = read(ENTRY_SIG_FILE)?;
    let pem = String::from_utf8(read(CERT_FILE)?).map_err(|_| Error::new("证书不是 PEM 文本"))?;
    let certificate = pem_certificates(&pem)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::new("没有证书"))?;
    let record: KeyRecord = serde_json::from_slice(&json)
        .map_err(|e| Error::new(format!("entry.json 无法解读（{e}）")))?;
    Ok((
        KeyEntry {
            entry_sha256: super::hex(&super::sha256(&json)),
            record,
            dir: name.to_string(),
            certificate,
        },
        sig,
        json,
    ))
}

/// What is wrong with `e`, the `n`th entry, after `prev`.
fn check_link(
    e: &KeyEntry,
    prev: Option<&KeyEntry>,
    n: u64,
    sig: &[u8],
    json: &[u8],
) -> Option<String> {
    let r = &e.record;
    if r.format != FORMAT {
        return Some(format!("格式 {} 不认识", r.format));
    }
    if super::hex(&super::sha256(&e.certificate)) != r.fingerprint {
        return Some("证书与登记的指纹不符：证书被替换过".into());
    }
    if r.sequence != n {
        return Some(format!("编号 {} 应为 {n}：登记被删改过", r.sequence));
    }
    let signer = match (prev, &r.previous) {
        (None, None) => &e.record.fingerprint,
        (Some(p), Some(link))
            if link.sequence == p.record.sequence
                && link.fingerprint == p.record.fingerprint
                && link.entry_sha256 == p.entry_sha256 =>
        {
            if r.since < p.record.since {
                return Some("启用时间早于前一把密钥".into());
            }
            &p.record.fingerprint
        }
        _ => return Some("与前一条登记连不上：登记被删改过".into()),
    };
    match cms::verify_detached(sig, json) {
        Ok(v) if &v.fingerprint == signer => None,
        Ok(_) => Some("不是由前一把登记的密钥签署的".into()),
        Err(err) => Some(format!("签名不成立：{err}")),
    }
}
