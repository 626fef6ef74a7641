//! Filing an issued copy: validate, render as PDF/A-2b, refuse a number
//! already used, warn about numbers out of order, write the copy whole or
//! not at all, link it into the register; or file a correction that
//! supersedes an issued copy, which stays as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::manifest::{
    CopyRef, FileRecord, FontRecord, Key, Supersedes, TemplateRecord, Tool, FORMAT,
};
use super::register::{self, Known};
use super::store::{self, sha256_hex, FoundCopy, INPUT_FILE, OFD_FILE, PDF_FILE, TEMPLATE_FILE};
use super::*;
use crate::diag::Diagnostic;
use crate::error::Place;
use crate::model::TemplateRef;
use crate::{Engine, Options};

impl Archive {
    /// Validate, render (as PDF/A-2b) and file `input`. Refuses when the
    /// input has errors, when this bulletin's series already has this issue
    /// number in this year, and, unless allowed, when the layout or the
    /// numbering gave warnings (notices never refuse). With
    /// [`IssueOptions::supersedes`], files a correction of an issued copy.
    pub fn issue(
        &self,
        engine: &Engine,
        input: &[u8],
        opts: &Options,
        issue_opts: &IssueOptions,
    ) -> Result<Filed> {
        if let Some(c) = &issue_opts.supersedes {
            if c.reason.trim().is_empty() {
                return Err(Error::Archive {
                    message: "更正要写明理由：--reason \"……\"（记入清单，日后可查）".into(),
                });
            }
        }
        let mut opts = opts.clone();
        opts.render.pdfa = true;
        let (laid, pdf) = engine.render(input, &opts)?;
        let ofd = if issue_opts.ofd {
            Some(crate::ofd::render(&laid.layout, &laid.fonts)?)
        } else {
            None
        };
        let (mut warned, noticed): (Vec<Diagnostic>, Vec<Diagnostic>) = laid
            .diagnostics
            .iter()
            .cloned()
            .partition(|d| d.is_warning());
        let notices: Vec<String> = noticed.iter().map(|d| d.to_string()).collect();
        let b = &laid.bulletin;
        let m = &b.masthead;
        let year = m.date.year();
        let template = &laid.template;
        let (reference, builtin) = match (&opts.template, &b.template) {
            (Some(p), _) => (absolute(p, Path::new(".")), false),
            (None, TemplateRef::Builtin(n)) => (n.clone(), true),
            (None, TemplateRef::File(p)) => (absolute(p, &opts.base_dir), false),
        };
        // A template file is kept with the copy, merged into one.
        let template_text = (!builtin).then(|| template.merged.clone().into_bytes());
        let mut manifest = Manifest {
            format: FORMAT.to_string(),
            sequence: 0,
            previous: None,
            name: m.name.clone(),
            supplement: m.supplement.clone(),
            year,
            issue: m.issue,
            total_issue: m.total_issue,
            date: m.date.iso(),
            title: text::first_title(b),
            issued_at: String::new(),
            pages: laid.layout.pages.len(),
            tool: Tool::current(),
            pdfa: true,
            writer: Some(opts.render.writer.name()),
            layout_sha256: Some(sha256_hex(laid.layout.dump_without_sources().as_bytes())),
            input: FileRecord {
                file: INPUT_FILE.to_string(),
                bytes: input.len() as u64,
                sha256: sha256_hex(input),
            },
            pdf: FileRecord {
                file: PDF_FILE.to_string(),
                bytes: pdf.len() as u64,
                sha256: sha256_hex(&pdf),
            },
            ofd: ofd.as_ref().map(|o| FileRecord {
                file: OFD_FILE.to_string(),
                bytes: o.len() as u64,
                sha256: sha256_hex(o),
            }),
            template: TemplateRecord {
                name: template.name.clone(),
                reference,
                builtin,
                sha256: template.sha256.clone(),
                file: template_text.as_ref().map(|t| FileRecord {
                    file: TEMPLATE_FILE.to_string(),
                    bytes: t.len() as u64,
                    sha256: sha256_hex(t),
                }),
            },
            fonts: laid
                .fonts
                .files()
                .iter()
                .map(|f| FontRecord {
                    name: f.name.clone(),
                    sha256: f.sha256().to_string(),
                })
                .collect(),
            previous_copy: None,
            revision: 1,
            supersedes: None,
            warnings: Vec::new(),
            notices,
        };

        // Refused before an archive is made for it (a new archive has no
        // numbers to warn about).
        if !self.store.exists() && !warned.is_empty() && !issue_opts.allow_warnings {
            return Err(Error::Warnings(warned));
        }
        self.store.create()?;
        let lock = self.store.lock()?;
        let mut notes = Vec::new();
        let cleaned = self.store.clean_leftovers(&lock)?;
        if cleaned > 0 {
            notes.push(format!("清理了 {cleaned} 个中断归档留下的临时目录"));
        }
        let found = self.store.scan()?;
        let mut index_notes = Vec::new();
        let idx = self.index(Some(&lock), &mut index_notes);
        let records = idx
            .as_ref()
            .ok()
            .and_then(|i| i.records().ok())
            .unwrap_or_default();
        let this = manifest.copy_ref();

        // A correction: the copy it supersedes, in the same series.
        let corrected = match &issue_opts.supersedes {
            None => None,
            Some(c) => Some(corrected_copy(&found, c, &manifest)?),
        };
        if let Some((f, old, sha)) = &corrected {
            manifest.revision = old.revision + 1;
            manifest.supersedes = Some(Supersedes {
                copy: old.copy_ref(),
                dir: f.rel.clone(),
                pdf_sha256: old.pdf.sha256.clone(),
                manifest_sha256: sha.clone(),
                reason: issue_opts
                    .supersedes
                    .as_ref()
                    .map(|c| c.reason.trim().to_string())
                    .unwrap_or_default(),
            });
        }
        // The key a correction may share: the one it corrects.
        let shared: Option<Key> = corrected
            .as_ref()
            .map(|(_, old, _)| old.copy_ref().key())
            .filter(|k| *k == this.key());

        // Every number the register knows was used: the copies on disk, the
        // copy each of them names as filed before it (so a deleted folder's
        // number stays used), and what the index remembers.
        let mut known: BTreeMap<Key, Known> = BTreeMap::new();
        let mut note = |r: CopyRef, total: Option<u32>, label: String| {
            known.entry(r.key()).or_insert(Known {
                key: r.key(),
                total,
                label,
            });
        };
        for (_, x) in manifests(&found) {
            note(
                x.copy_ref(),
                x.total_issue,
                format!("《{}》{}", x.name, x.issue_label()),
            );
        }
        for r in &records {
            note(
                CopyRef {
                    name: r.name.clone(),
                    supplement: r.supplement.clone(),
                    year: r.year,
                    issue: r.issue,
                },
                r.total_issue,
                format!("《{}》{}", r.name, r.issue_label()),
            );
        }
        let mut used: BTreeSet<Key> = known.keys().cloned().collect();
        for (_, x) in manifests(&found) {
            used.extend(x.previous_copy.as_ref().map(CopyRef::key));
        }
        let rel = store::copy_rel(
            &m.name,
            m.supplement.as_deref(),
            year,
            m.issue,
            manifest.revision,
        );
        let taken = used.contains(&this.key()) && shared.as_ref() != Some(&this.key());
        if taken || found.iter().any(|f| f.rel == rel) {
            return Err(Error::Archive {
                message: format!(
                    "《{}》{}已经归档过：期号不能重复使用；请改用下一期的期号（jianbao new 可生成下一期），用 jianbao archive show 查看已归档的那一期，或用 --supersedes 编号 --reason 理由 签发它的更正本",
                    m.name,
                    super::manifest::issue_label(year, m.supplement.as_deref(), m.issue, None)
                ),
            });
        }

        // The numbering, against the other copies of the series (a
        // correction is compared without the copy it replaces).
        let replaced = corrected.as_ref().map(|(_, old, _)| old.copy_ref().key());
        let others: Vec<Known> = known
            .into_values()
            .filter(|k| Some(&k.key) != replaced.as_ref())
            .collect();
        let candidate = Known {
            key: this.key(),
            total: m.total_issue,
            label: String::new(),
        };
        for w in register::warnings(&candidate, &others) {
            warned.push(Diagnostic::warning(
                Some(Place::new(format!("$.masthead.{}", w.field))),
                w.message,
            ));
        }
        // The 文号, against the issue filed before it.
        if let Some(prev) = super::previous::previous_in(&found, b).and_then(|f| self.read_input(f))
        {
            warned.extend(crate::model::checks::against_previous(b, &prev));
        }
        if !warned.is_empty() && !issue_opts.allow_warnings {
            return Err(Error::Warnings(warned));
        }
        manifest.warnings = warned.iter().map(|d| d.to_string()).collect();

        // The register's last link, from the files and from what the index
        // remembers: a deleted last copy still counts, and for the same
        // number the hash recorded when it was filed wins over the file's
        // (so that an edited last manifest stays detectable).
        let mut head: Option<(u64, String, CopyRef)> = manifests(&found)
            .into_iter()
            .filter_map(|(f, x)| Some((x.sequence, f.manifest_sha256.clone()?, x.copy_ref())))
            .max_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        if let Some(r) = records.iter().max_by_key(|r| r.seq) {
            if head.as_ref().is_none_or(|h| r.seq >= h.0) {
                let key = CopyRef {
                    name: r.name.clone(),
                    supplement: r.supplement.clone(),
                    year: r.year,
                    issue: r.issue,
                };
                head = Some((r.seq, r.manifest_sha256.clone(), key));
            }
        }
        manifest.sequence = head.as_ref().map_or(1, |h| h.0 + 1);
        manifest.previous_copy = head.as_ref().map(|h| h.2.clone());
        manifest.previous = head.map(|h| h.1);
        manifest.issued_at = crate::model::date::rfc3339_cst(issue_opts.now);
        let manifest_bytes = manifest.to_bytes();
        let mut files: Vec<(&str, &[u8])> = vec![(INPUT_FILE, input), (PDF_FILE, &pdf)];
        if let Some(o) = &ofd {
            files.push((OFD_FILE, o));
        }
        if let Some(t) = &template_text {
            files.push((TEMPLATE_FILE, t));
        }
        let dir = self.store.file_copy(&lock, &rel, &files, &manifest_bytes)?;

        // The index follows the files; if it cannot, it is rebuilt next time.
        let found = FoundCopy {
            rel: rel.clone(),
            manifest: Ok(manifest.clone()),
            manifest_sha256: Some(sha256_hex(&manifest_bytes)),
        };
        let indexed = idx.map_err(|e| e.to_string()).and_then(|mut idx| {
            self.index_copy(&mut idx, &found, &manifest)
                .map_err(|e| e.to_string())
        });
        if let Err(e) = indexed {
            notes.push(format!("索引未能更新（{e}）：下次使用时会从文件重建"));
        }
        drop(lock);
        Ok(Filed {
            dir,
            warnings: manifest.warnings.clone(),
            notices: manifest.notices.clone(),
            manifest,
            notes,
        })
    }
}

/// The copy a correction supersedes: found by its id among the copies on
/// disk, of the same bulletin and series, not already superseded, and not
/// the same PDF. Its folder entry, manifest and manifest hash.
fn corrected_copy<'a>(
    found: &'a [FoundCopy],
    c: &Correction,
    new: &Manifest,
) -> Result<(&'a FoundCopy, &'a Manifest, String)> {
    let fail = |message: String| Err(Error::Archive { message });
    let id = c.id.trim().to_ascii_lowercase();
    if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail(format!(
            "“{}”不是编号：--supersedes 要写 jianbao archive list 显示的编号（至少 4 位）",
            c.id
        ));
    }
    let hits: Vec<(&FoundCopy, &Manifest)> = manifests(found)
        .into_iter()
        .filter(|(_, m)| m.pdf.sha256.starts_with(&id))
        .collect();
    let (f, old) = match hits.as_slice() {
        [one] => *one,
        [] => {
            return fail(format!(
                "档案库中没有编号为 {id} 的副本：用 jianbao archive list 查看要更正的那一期的编号"
            ))
        }
        _ => return fail(format!("编号 {id} 对应多份副本：请多写几位")),
    };
    let Some(sha) = f.manifest_sha256.clone() else {
        return fail(format!(
            "编号 {id} 的副本的清单无法读取：先运行 jianbao archive verify"
        ));
    };
    let series = |m: &Manifest| super::manifest::series_key(&m.name, m.supplement.as_deref());
    if series(old) != series(new) {
        return fail(format!(
            "要更正的是《{}》{}，这一期是《{}》{}：更正本须是同一份简报、同一系列（正刊或同一增刊）",
            old.name,
            old.issue_label(),
            new.name,
            new.issue_label()
        ));
    }
    if let Some((later, m)) = manifests(found)
        .into_iter()
        .find(|(_, m)| m.supersedes.as_ref().is_some_and(|s| s.dir == f.rel))
    {
        let _ = later;
        return fail(format!(
            "编号 {} 的副本已被编号 {} 的更正本取代：请对最新的更正本使用 --supersedes {}",
            old.id(),
            m.id(),
            m.id()
        ));
    }
    if old.pdf.sha256 == new.pdf.sha256 {
        return fail(format!(
            "这一期排出的 PDF 与编号 {} 的副本逐字节相同：没有需要更正的内容",
            old.id()
        ));
    }
    Ok((f, old, sha))
}
