//! Filing an issued copy: validate, render as PDF/A-2b, refuse a number
//! already used, warn about numbers out of order, write the copy whole or
//! not at all, link it into the register; or file a correction that
//! supersedes an issued copy, which stays as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::manifest::{
    CopyRef, FileRecord, FontRecord, Key, OutputRecord, Supersedes, TemplateRecord, Tool, FORMAT,
};
use super::register::{self, Known};
use super::store::{self, sha256_hex, FoundCopy, INPUT_FILE, OFD_FILE, PDF_FILE, TEMPLATE_FILE};
use super::*;
use crate::diag::Diagnostic;
use crate::error::{Hint, Place};
use crate::model::TemplateRef;
use crate::output::{self, Output, Writer};
use crate::{Engine, Options};

impl Archive {
    /// Validate, render (as PDF/A-2b) and file `input`. Refuses when the
    /// input has errors, when this bulletin's series already has this issue
    /// number in this year, and, unless allowed, when the layout or the
    /// numbering gave warnings (notices never refuse). With
    /// [`IssueOptions::supersedes`], files a correction of an issued copy.
    ///
    /// In steps: the copy is laid out and written (`prepare`); under the
    /// archive's lock, the copy it corrects is found (`supersede`), the
    /// register read (`Register::read`), a used number refused
    /// (`Register::refuse_used`), the numbering checked
    /// (`Register::warnings`) and the copy linked after the register's last
    /// (`Register::link`); then the files are written whole or not at all,
    /// and the index follows (`index_filed`).
    pub fn issue(
        &self,
        engine: &Engine,
        input: &[u8],
        opts: &Options,
        issue_opts: &IssueOptions,
    ) -> Result<Filed> {
        if let Some(c) = &issue_opts.supersedes {
            if c.reason.trim().is_empty() {
                return Err(Error::Refused {
                    message: "更正要写明理由（记入清单，日后可查）".into(),
                    hints: vec![Hint::GiveReason],
                });
            }
        }
        let Prepared {
            mut manifest,
            mut warned,
            files,
            bulletin,
        } = prepare(engine, input, opts, issue_opts.ofd)?;
        let refuse_warnings = |warned: &Vec<Diagnostic>| {
            (!warned.is_empty() && !issue_opts.allow_warnings)
                .then(|| Error::Warnings(warned.clone()))
        };
        // Refused before an archive is made for it (a new archive has no
        // numbers to warn about).
        if !self.store.exists() {
            if let Some(e) = refuse_warnings(&warned) {
                return Err(e);
            }
        }

        self.store.create()?;
        let lock = self.store.lock()?;
        let mut notes = Vec::new();
        let cleaned = self.store.clean_leftovers(&lock)?;
        if cleaned > 0 {
            notes.push(format!("清理了 {cleaned} 个中断归档留下的临时目录"));
        }
        let idx = self.index(Some(&lock), &mut Vec::new());
        let rel = |m: &Manifest| {
            store::copy_rel(
                &m.name,
                m.supplement.as_deref(),
                m.year,
                m.issue,
                m.revision,
            )
        };
        // With the index, only the copies concerned are read: the one a
        // correction replaces, those of this number, the register's last.
        // Without it, every copy on disk.
        let indexed = match &idx {
            Ok(idx) => Some(self.register_from_index(
                idx,
                issue_opts.supersedes.as_ref(),
                &mut manifest,
                &mut notes,
            )?),
            Err(_) => None,
        };
        let (replaced, register, found) = match indexed {
            Some(r) => r,
            None => {
                let found = self.store.scan()?;
                let replaced = supersede(&found, issue_opts.supersedes.as_ref(), &mut manifest)?;
                let register = Register::read(&found, &[]);
                (replaced, register, found)
            }
        };
        let rel = rel(&manifest);
        let taken = fs_exists(&self.store.path(&rel));
        register.refuse_used(&manifest, replaced.as_ref(), &found, &rel, taken)?;
        warned.extend(register.warnings(&manifest, replaced.as_ref()));
        // The 文号, against the issue of the series filed before it (found
        // through the index when there is one: only that copy is read).
        let previous = match &idx {
            Ok(idx) => self.previous_by_index(idx, &manifest.copy_ref().key())?,
            Err(_) => {
                super::previous::previous_in(&found, &bulletin).and_then(|f| self.read_input(f))
            }
        };
        if let Some(prev) = previous {
            warned.extend(crate::model::checks::against_previous(&bulletin, &prev));
        }
        if let Some(e) = refuse_warnings(&warned) {
            return Err(e);
        }
        manifest.warnings = warned.iter().map(|d| d.to_string()).collect();
        register.link(&mut manifest);
        manifest.issued_at = crate::model::date::rfc3339_cst(issue_opts.now);
        let agreed = idx.as_ref().ok().and_then(|i| self.agreed_stamps(i));

        // A signed copy (signed.rs): the signed PDF recorded in the
        // manifest, then the manifest's own signature.
        let signing = self.sign_copy(&lock, issue_opts.sign.as_ref(), &mut manifest, &files)?;
        let manifest_bytes = manifest.to_bytes();
        let signed = match signing {
            Some(s) => s.files(&manifest_bytes)?,
            None => Vec::new(),
        };
        let files: Vec<(&str, &[u8])> = std::iter::once((INPUT_FILE, input))
            .chain(files.iter().map(|(n, b)| (*n, b.as_slice())))
            .chain(signed.iter().map(|(n, b)| (*n, b.as_slice())))
            .collect();
        let dir = self.store.file_copy(&lock, &rel, &files, &manifest_bytes)?;
        self.index_filed(idx, agreed, &rel, &manifest, &manifest_bytes, &mut notes);
        drop(lock);
        Ok(Filed {
            dir,
            warnings: manifest.warnings.clone(),
            notices: manifest.notices.clone(),
            manifest,
            notes,
        })
    }

    /// The index follows the files; if it cannot, it is rebuilt next time
    /// (and `notes` says so).
    fn index_filed(
        &self,
        idx: Result<index::Index>,
        agreed: Option<BTreeMap<String, String>>,
        rel: &str,
        manifest: &Manifest,
        manifest_bytes: &[u8],
        notes: &mut Vec<String>,
    ) {
        let found = FoundCopy {
            rel: rel.to_string(),
            manifest: Ok(manifest.clone()),
            manifest_sha256: Some(sha256_hex(manifest_bytes)),
        };
        let indexed = idx.map_err(|e| e.to_string()).and_then(|mut idx| {
            self.index_copy(&mut idx, &found, manifest)
                .map_err(|e| e.to_string())?;
            if let Some(before) = &agreed {
                self.restamp(&mut idx, before, rel);
            }
            Ok(())
        });
        if let Err(e) = indexed {
            notes.push(format!("索引未能更新（{e}）：下次使用时会从文件重建"));
        }
    }
}

impl Archive {
    /// The copy a correction replaces, the register as far as `manifest`
    /// needs it, and the copies read for it (the corrected copy and its
    /// corrections, the copies of this number), all found through the
    /// index. The register's last link is checked: a note when its
    /// manifest is not the one recorded when it was filed.
    #[allow(clippy::type_complexity)]
    fn register_from_index(
        &self,
        idx: &index::Index,
        correction: Option<&Correction>,
        manifest: &mut Manifest,
        notes: &mut Vec<String>,
    ) -> Result<(Option<Key>, Register, Vec<FoundCopy>)> {
        let mut found: Vec<FoundCopy> = Vec::new();
        let read = |dir: &str, found: &mut Vec<FoundCopy>| {
            if !found.iter().any(|f| f.rel == dir) && fs_exists(&self.store.path(dir)) {
                found.push(self.store.read_copy(dir));
            }
        };
        if let Some(c) = correction {
            let id = c.id.trim().to_ascii_lowercase();
            if id.len() >= 4 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                for r in idx.by_pdf_prefix(&id, 8).map_err(index_error)? {
                    read(&r.dir, &mut found);
                    if let Some(by) = idx.superseding(&r.dir).map_err(index_error)? {
                        read(&by.dir, &mut found);
                    }
                }
            }
        }
        let replaced = supersede(&found, correction, manifest)?;
        let this = manifest.copy_ref().key();
        for r in idx.by_key(&this).map_err(index_error)? {
            read(&r.dir, &mut found);
        }
        let neighbours = idx
            .neighbours(&this, manifest.total_issue)
            .map_err(index_error)?;
        let head = idx.head().map_err(index_error)?;
        let mut register = Register::read(&[], &neighbours);
        register.used = BTreeSet::new();
        if idx.used(&this).map_err(index_error)? {
            register.used.insert(this);
        }
        register.head = head.as_ref().map(|r| {
            (
                r.seq,
                r.manifest_sha256.clone(),
                CopyRef {
                    name: r.name.clone(),
                    supplement: r.supplement.clone(),
                    year: r.year,
                    issue: r.issue,
                },
            )
        });
        // The last link: its manifest as recorded when it was filed.
        if let Some(h) = &head {
            let f = self.store.read_copy(&h.dir);
            if f.manifest_sha256.as_deref() != Some(h.manifest_sha256.as_str()) {
                notes.push(format!(
                    "登记链末端（第 {} 号，{}）的清单与归档时记下的不同或已不见：这一期按归档时的记录接在它之后；请核对档案库",
                    h.seq, h.dir
                ));
            }
        }
        Ok((replaced, register, found))
    }
}

/// Whether something (a file, a folder or a link) is at `path`.
fn fs_exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// A copy laid out and written, before the register numbers it.
struct Prepared {
    /// Its manifest, without its place in the register.
    manifest: Manifest,
    /// The layout's warnings (the numbering's are added later).
    warned: Vec<Diagnostic>,
    /// The files besides the input: the PDF/A, the OFD when asked for, the
    /// template when it is not built in.
    files: Vec<(&'static str, Vec<u8>)>,
    /// The bulletin, for the checks against the issue filed before it.
    bulletin: crate::model::Bulletin,
}

/// Lay out `input`, write its PDF/A (and OFD), and make its manifest.
fn prepare(engine: &Engine, input: &[u8], opts: &Options, ofd: bool) -> Result<Prepared> {
    let issued = Output::Pdf { pdfa: true };
    let (laid, pdf) = engine.render(input, opts, issued)?;
    let mut outputs = vec![output_record(PDF_FILE, Writer::current(issued), &pdf)];
    let mut files = vec![(PDF_FILE, pdf)];
    if ofd {
        let writer = Writer::current(Output::Ofd);
        let ofd = output::write(&laid, Output::Ofd, writer)?;
        outputs.push(output_record(OFD_FILE, writer, &ofd));
        files.push((OFD_FILE, ofd));
    }
    let (warned, noticed): (Vec<Diagnostic>, Vec<Diagnostic>) = laid
        .diagnostics
        .iter()
        .cloned()
        .partition(|d| d.is_warning());
    let b = &laid.bulletin;
    let m = &b.masthead;
    let template = &laid.template;
    let (reference, builtin) = match (&opts.template, &b.template) {
        (Some(p), _) => (absolute(p, Path::new(".")), false),
        (None, TemplateRef::Builtin(n)) => (n.clone(), true),
        (None, TemplateRef::File(p)) => (absolute(p, &opts.base_dir), false),
    };
    // A template file is kept with the copy, merged into one.
    let template_text = (!builtin).then(|| template.merged.clone().into_bytes());
    let manifest = Manifest {
        format: FORMAT.to_string(),
        sequence: 0,
        previous: None,
        name: m.name.clone(),
        supplement: m.supplement.clone(),
        year: m.date.year(),
        issue: m.issue,
        total_issue: m.total_issue,
        date: m.date.iso(),
        title: text::first_title(b),
        issued_at: String::new(),
        pages: laid.layout.pages.len(),
        tool: Tool::current(),
        pdfa: true,
        rules: crate::layout::RULES,
        layout: Some(output::fingerprint(&laid.layout)),
        input: FileRecord {
            file: INPUT_FILE.to_string(),
            bytes: input.len() as u64,
            sha256: sha256_hex(input),
            sm3: Some(crate::sign::sm3_hex(input)),
        },
        outputs,
        template: TemplateRecord {
            name: template.name.clone(),
            reference,
            builtin,
            sha256: template.sha256.clone(),
            file: template_text.as_ref().map(|t| FileRecord {
                file: TEMPLATE_FILE.to_string(),
                bytes: t.len() as u64,
                sha256: sha256_hex(t),
                sm3: Some(crate::sign::sm3_hex(t)),
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
        notices: noticed.iter().map(|d| d.to_string()).collect(),
        signature: None,
    };
    files.extend(template_text.map(|t| (TEMPLATE_FILE, t)));
    Ok(Prepared {
        manifest,
        warned,
        files,
        bulletin: laid.bulletin.clone(),
    })
}

/// For a correction, the copy it supersedes (in the same series): the new
/// copy's revision and `supersedes` are set from it. The key of the copy
/// replaced, for the numbering.
fn supersede(
    found: &[FoundCopy],
    correction: Option<&Correction>,
    manifest: &mut Manifest,
) -> Result<Option<Key>> {
    let Some(c) = correction else {
        return Ok(None);
    };
    let (f, old, sha) = corrected_copy(found, c, manifest)?;
    manifest.revision = old.revision + 1;
    manifest.supersedes = Some(Supersedes {
        copy: old.copy_ref(),
        dir: f.rel.clone(),
        pdf_sha256: old.pdf().sha256.clone(),
        manifest_sha256: sha,
        reason: c.reason.trim().to_string(),
    });
    Ok(Some(old.copy_ref().key()))
}

/// What the register knows before a copy is filed.
struct Register {
    /// Every number used, with its total issue number and label: the
    /// copies on disk and what the index remembers.
    known: BTreeMap<Key, Known>,
    /// Those, and the copy each copy names as filed before it (so that a
    /// deleted folder's number stays used).
    used: BTreeSet<Key>,
    /// The last link: its sequence number, manifest hash and copy.
    head: Option<(u64, String, CopyRef)>,
}

impl Register {
    /// The register of the copies `found` on disk and the index's `records`.
    fn read(found: &[FoundCopy], records: &[Record]) -> Register {
        let record_ref = |r: &Record| CopyRef {
            name: r.name.clone(),
            supplement: r.supplement.clone(),
            year: r.year,
            issue: r.issue,
        };
        let mut known: BTreeMap<Key, Known> = BTreeMap::new();
        let mut note = |r: CopyRef, total: Option<u32>, label: String| {
            known.entry(r.key()).or_insert(Known {
                key: r.key(),
                total,
                label,
            });
        };
        for (_, x) in manifests(found) {
            note(
                x.copy_ref(),
                x.total_issue,
                format!("《{}》{}", x.name, x.issue_label()),
            );
        }
        for r in records {
            note(
                record_ref(r),
                r.total_issue,
                format!("《{}》{}", r.name, r.issue_label()),
            );
        }
        let mut used: BTreeSet<Key> = known.keys().cloned().collect();
        for (_, x) in manifests(found) {
            used.extend(x.previous_copy.as_ref().map(CopyRef::key));
        }
        // The last link, from the files and from what the index remembers:
        // a deleted last copy still counts, and for the same number the hash
        // recorded when it was filed wins over the file's (so that an edited
        // last manifest stays detectable).
        let mut head: Option<(u64, String, CopyRef)> = manifests(found)
            .into_iter()
            .filter_map(|(f, x)| Some((x.sequence, f.manifest_sha256.clone()?, x.copy_ref())))
            .max_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        if let Some(r) = records.iter().max_by_key(|r| r.seq) {
            if head.as_ref().is_none_or(|h| r.seq >= h.0) {
                head = Some((r.seq, r.manifest_sha256.clone(), record_ref(r)));
            }
        }
        Register { known, used, head }
    }

    /// Refuse the number of `m` when it is used (unless by the copy it
    /// corrects, `replaced`) or its folder `rel` is taken.
    fn refuse_used(
        &self,
        m: &Manifest,
        replaced: Option<&Key>,
        found: &[FoundCopy],
        rel: &str,
        folder_taken: bool,
    ) -> Result<()> {
        let this = m.copy_ref().key();
        let shared = replaced == Some(&this);
        let taken = self.used.contains(&this) && !shared;
        if !taken && !folder_taken && !found.iter().any(|f| f.rel == rel) {
            return Ok(());
        }
        // The copy of that number on disk (its latest correction), which
        // this issue could correct instead.
        let filed = manifests(found)
            .into_iter()
            .filter(|(_, x)| x.copy_ref().key() == this)
            .max_by_key(|(_, x)| x.revision)
            .map(|(_, x)| x.id());
        let mut hints = vec![Hint::NextIssue {
            name: m.name.clone(),
        }];
        hints.extend(filed.map(|id| Hint::Supersede { id }));
        Err(Error::Refused {
            message: format!(
                "《{}》{}已经归档过：期号不能重复使用；请改用下一期的期号，或签发已归档那一期的更正本",
                m.name,
                super::manifest::issue_label(m.year, m.supplement.as_deref(), m.issue, None)
            ),
            hints,
        })
    }

    /// The warnings of the numbering of `m` against the other copies of its
    /// series (a correction is compared without the copy it replaces).
    fn warnings(&self, m: &Manifest, replaced: Option<&Key>) -> Vec<Diagnostic> {
        let others: Vec<Known> = self
            .known
            .values()
            .filter(|k| Some(&k.key) != replaced)
            .cloned()
            .collect();
        let candidate = Known {
            key: m.copy_ref().key(),
            total: m.total_issue,
            label: String::new(),
        };
        register::warnings(&candidate, &others)
            .into_iter()
            .map(|w| {
                Diagnostic::warning(
                    Some(Place::new(format!("$.masthead.{}", w.field))),
                    w.message,
                )
            })
            .collect()
    }

    /// Link `m` after the register's last copy.
    fn link(&self, m: &mut Manifest) {
        m.sequence = self.head.as_ref().map_or(1, |h| h.0 + 1);
        m.previous_copy = self.head.as_ref().map(|h| h.2.clone());
        m.previous = self.head.as_ref().map(|h| h.1.clone());
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
    let fail = |message: String, hints: Vec<Hint>| Err(Error::Refused { message, hints });
    let id = c.id.trim().to_ascii_lowercase();
    if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail(
            format!(
                "“{}”不是档案编号：更正要写所更正副本的档案编号（已归档各期列表中的十六进制串，至少 4 位）",
                c.id
            ),
            vec![Hint::List],
        );
    }
    let hits: Vec<(&FoundCopy, &Manifest)> = manifests(found)
        .into_iter()
        .filter(|(_, m)| m.pdf().sha256.starts_with(&id))
        .collect();
    let (f, old) = match hits.as_slice() {
        [one] => *one,
        [] => {
            return fail(
                format!("档案库中没有档案编号为 {id} 的副本：请查看要更正的那一期的档案编号"),
                vec![Hint::List],
            )
        }
        _ => return fail(format!("档案编号 {id} 对应多份副本：请多写几位"), vec![]),
    };
    let Some(sha) = f.manifest_sha256.clone() else {
        return fail(
            format!("档案编号 {id} 的副本的清单无法读取：请先核对档案库"),
            vec![Hint::Verify],
        );
    };
    let series = |m: &Manifest| super::manifest::series_key(&m.name, m.supplement.as_deref());
    if series(old) != series(new) {
        return fail(
            format!(
                "要更正的是《{}》{}，这一期是《{}》{}：更正本须是同一份简报、同一系列（正刊或同一增刊）",
                old.name,
                old.issue_label(),
                new.name,
                new.issue_label()
            ),
            vec![],
        );
    }
    if let Some((later, m)) = manifests(found)
        .into_iter()
        .find(|(_, m)| m.supersedes.as_ref().is_some_and(|s| s.dir == f.rel))
    {
        let _ = later;
        return fail(
            format!(
                "档案编号 {} 的副本已被档案编号 {} 的更正本取代：更正要针对最新的更正本",
                old.id(),
                m.id()
            ),
            vec![Hint::Supersede { id: m.id() }],
        );
    }
    if old.pdf().sha256 == new.pdf().sha256 {
        return fail(
            format!(
                "这一期排出的 PDF 与档案编号 {} 的副本逐字节相同：没有需要更正的内容",
                old.id()
            ),
            vec![],
        );
    }
    Ok((f, old, sha))
}

/// The record of an output file of a copy.
fn output_record(file: &str, writer: Writer, bytes: &[u8]) -> OutputRecord {
    OutputRecord {
        file: file.to_string(),
        writer: writer.name(),
        bytes: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        sm3: Some(crate::sign::sm3_hex(bytes)),
    }
}
