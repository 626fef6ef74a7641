//! Filing an issued copy: validate, render as PDF/A-2b, refuse a number
//! already used, write the copy whole or not at all, link it into the register.

use std::path::Path;

use std::collections::BTreeSet;

use super::manifest::{CopyRef, FileRecord, FontRecord, TemplateRecord, Tool, FORMAT};
use super::store::{self, sha256_hex, FoundCopy, INPUT_FILE, PDF_FILE, TEMPLATE_FILE};
use super::*;
use crate::model::TemplateRef;
use crate::{Engine, Options};

impl Archive {
    /// Validate, render (as PDF/A-2b) and file `input`. Refuses when the
    /// input has errors, when the layout gave warnings (unless allowed; notices never refuse), and
    /// when this bulletin already has this issue number in this year.
    pub fn issue(
        &self,
        engine: &Engine,
        input: &[u8],
        opts: &Options,
        issue_opts: &IssueOptions,
    ) -> Result<Filed> {
        let mut opts = opts.clone();
        opts.render.pdfa = true;
        let (laid, pdf) = engine.render(input, &opts)?;
        let (warned, noticed): (Vec<_>, Vec<_>) =
            laid.diagnostics.iter().partition(|d| d.is_warning());
        if !warned.is_empty() && !issue_opts.allow_warnings {
            return Err(Error::Warnings(warned.into_iter().cloned().collect()));
        }
        let warnings: Vec<String> = warned.iter().map(|d| d.to_string()).collect();
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
            year,
            issue: m.issue,
            total_issue: m.total_issue,
            date: m.date.iso(),
            title: text::first_title(b),
            issued_at: String::new(),
            pages: laid.layout.pages.len(),
            tool: Tool::current(),
            pdfa: true,
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
            warnings: warnings.clone(),
            notices: notices.clone(),
        };
        let rel_path = store::copy_rel_dir(&m.name, year, m.issue);
        let rel = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");

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
        // Every number the register knows was used: the copies on disk, the
        // copy each of them names as filed before it (so a deleted folder's
        // number stays used), and what the index remembers.
        let mut used: BTreeSet<(String, u16, u32)> = BTreeSet::new();
        for (_, x) in manifests(&found) {
            used.insert(x.copy_ref().key());
            used.extend(x.previous_copy.as_ref().map(CopyRef::key));
        }
        for r in &records {
            used.insert(
                CopyRef {
                    name: r.name.clone(),
                    year: r.year,
                    issue: r.issue,
                }
                .key(),
            );
        }
        let this = manifest.copy_ref();
        if used.contains(&this.key()) || found.iter().any(|f| f.rel == rel) {
            return Err(Error::Archive {
                message: format!(
                    "《{}》{}年第{}期已经归档过：期号不能重复使用；请改用下一期的期号（jianbao new 可生成下一期），或用 jianbao archive show 查看已归档的那一期",
                    m.name, year, m.issue
                ),
            });
        }
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
            manifest,
            warnings,
            notices,
            notes,
        })
    }
}
