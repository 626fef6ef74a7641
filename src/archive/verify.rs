//! Proving issued copies: every file against its manifest, every manifest
//! against the register chain, and, when asked, every input rendered again.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use super::manifest::Tool;
use super::register;
use super::store::{
    self, sha256_hex, FoundCopy, INPUT_FILE, MANIFEST_FILE, OFD_FILE, PDF_FILE, TEMPLATE_FILE,
};
use super::VerifyOptions;
use super::*;
use crate::error::Hint;
use crate::layout::RULES;
use crate::output::{self, Writer};
use crate::Engine;

impl Archive {
    /// Check every copy against its manifest and the register chain; with an
    /// engine, also render every archived input again and compare the bytes.
    pub fn verify(&self, rerender: Option<&Engine>) -> Result<VerifyReport> {
        self.verify_with(rerender, &VerifyOptions::default())
    }

    /// [`Archive::verify`] of the copies `opts` selects (all by default),
    /// the files of many copies read and hashed at once (one thread a
    /// core), telling `opts.progress` how far it got. Proportional to the
    /// copies checked: a selection checks those copies and their links to
    /// the copies filed after them.
    pub fn verify_with(
        &self,
        rerender: Option<&Engine>,
        opts: &VerifyOptions<'_>,
    ) -> Result<VerifyReport> {
        self.require()?;
        let mut report = VerifyReport::default();
        let partial = opts.since.is_some() || opts.copy.is_some();
        // The whole index is checked when the whole archive is.
        let idx = if partial {
            self.index(None, &mut report.notes)?
        } else {
            self.index_checked(None, &mut report.notes)?
        };
        let (records, scan) = if partial {
            let selected = self.selected(&idx, opts)?;
            let scan = store::Scan {
                dirs: selected.iter().map(|r| r.dir.clone()).collect(),
                unreadable: Vec::new(),
            };
            (selected, scan)
        } else {
            (idx.records().map_err(index_error)?, self.store.scan_dirs()?)
        };
        let records: BTreeMap<String, Record> =
            records.into_iter().map(|r| (r.dir.clone(), r)).collect();
        let unconfirmed = idx.unconfirmed().map_err(index_error)?;
        // Each copy's files read and hashed, on every core; the copies of a
        // selection whose folder is gone are reported below.
        let on_disk_dirs: Vec<&String> = scan
            .dirs
            .iter()
            .filter(|d| !partial || fs::symlink_metadata(self.store.path(d)).is_ok())
            .collect();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = on_disk_dirs.len();
        let checked = crate::par::map(&on_disk_dirs, |d| {
            let f = self.store.read_copy(d);
            let check = self.check_copy(&f, records.get(d.as_str()));
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(p) = opts.progress {
                p(n, total);
            }
            (f, check)
        });
        let mut found: Vec<FoundCopy> = Vec::new();
        let mut checks: Vec<CopyCheck> = Vec::new();
        for (d, c) in on_disk_dirs.iter().zip(checked) {
            let (f, check) = c.unwrap_or_else(|| {
                // A thread that died: the copy is not proved.
                let f = self.store.read_copy(d);
                let mut check = self.check_copy(&f, None);
                check.status = check.status.max(Status::Changed);
                check.problems.push("核对意外中止".into());
                (f, check)
            });
            found.push(f);
            checks.push(check);
        }
        let leftovers = self.store.leftovers();
        if !leftovers.is_empty() {
            report.notes.push(format!(
                "忽略 {} 个中断归档留下的临时目录（下次归档时清理）",
                leftovers.len()
            ));
        }

        for check in checks.iter_mut() {
            if check.dir.as_ref().is_some_and(|d| unconfirmed.contains(d)) {
                check.status = check.status.max(Status::Changed);
                check.problems.push(
                    "这份副本不是经签发归档进来的：索引是在目录中发现它之后才补入的，可能是有人手工放入，或归档在写入索引前中断；核实无误后，由管理员强制从文件重建档案索引来登记它"
                        .into(),
                );
            }
        }
        // Folders that cannot be read: their copies are not proved intact.
        for u in &scan.unreadable {
            checks.push(CopyCheck {
                seq: None,
                label: u.rel.clone(),
                id: None,
                dir: Some(u.rel.clone()),
                status: Status::Changed,
                problems: vec![format!("{}：无法核对其中的副本", u.why)],
                rerender: None,
                superseded_by: None,
                corrects: None,
            });
        }
        // Rows of the index that say something else than the manifest they
        // name (an edited manifest shows as a changed copy, above): the
        // index itself was changed. `archive reindex` rebuilds it.
        for f in &found {
            let (Some(r), Ok(m), Some(sha)) =
                (records.get(&f.rel), &f.manifest, &f.manifest_sha256)
            else {
                continue;
            };
            if &r.manifest_sha256 == sha && *r != Record::from_manifest(&f.rel, m, sha) {
                report.index_problems.push(format!(
                    "索引中 {} 的记录（{} {}）与它的清单不符：索引被改动过，需要从文件重建",
                    f.rel,
                    r.name,
                    r.issue_label()
                ));
            }
        }
        // The full-text index against the copies' own text: a sentence that
        // no copy has would be shown by a search under a real copy.
        self.check_texts(&idx, &found, &checks, !partial, &mut report.index_problems)?;
        // Catalogued copies whose directory is gone.
        let on_disk: BTreeSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        for r in records
            .values()
            .filter(|r| !on_disk.contains(r.dir.as_str()))
        {
            checks.push(CopyCheck {
                seq: Some(r.seq),
                label: format!("{} {}", r.name, r.issue_label()),
                id: Some(r.id.clone()),
                dir: Some(r.dir.clone()),
                status: Status::Missing,
                problems: vec!["整份副本（目录）不见了".into()],
                rerender: None,
                superseded_by: None,
                corrects: None,
            });
        }
        // The register chain.
        let manifest_of: BTreeMap<&str, (&Manifest, Option<&String>)> = manifests(&found)
            .into_iter()
            .map(|(f, m)| (f.rel.as_str(), (m, f.manifest_sha256.as_ref())))
            .collect();
        let mut links: Vec<register::Link> = checks
            .iter()
            .map(|c| {
                let m = c.dir.as_deref().and_then(|d| manifest_of.get(d));
                register::Link {
                    seq: c.seq,
                    manifest_sha256: m.and_then(|(_, sha)| sha.cloned()),
                    readable: m.is_some(),
                    previous: m.and_then(|(m, _)| m.previous.clone()),
                }
            })
            .collect();
        if partial {
            // The copies filed right after the selected ones, and any other
            // copy in a selected place: their links to the selected copies.
            let selected: BTreeSet<&str> = checks.iter().filter_map(|c| c.dir.as_deref()).collect();
            let seqs: BTreeSet<u64> = checks.iter().filter_map(|c| c.seq).collect();
            let mut near = Vec::new();
            for s in &seqs {
                for r in idx
                    .at_seq(*s)
                    .map_err(index_error)?
                    .into_iter()
                    .chain(idx.at_seq(s + 1).map_err(index_error)?)
                {
                    if !selected.contains(r.dir.as_str())
                        && !near.iter().any(|f: &FoundCopy| f.rel == r.dir)
                    {
                        near.push(self.store.read_copy(&r.dir));
                    }
                }
            }
            links.extend(near.iter().map(|f| {
                let m = f.manifest.as_ref().ok();
                register::Link {
                    seq: m.map(|m| m.sequence),
                    manifest_sha256: f.manifest_sha256.clone(),
                    readable: m.is_some(),
                    previous: m.and_then(|m| m.previous.clone()),
                }
            }));
        }
        let mut extra: Vec<CopyCheck> = Vec::new();
        for finding in register::check_chain(&links) {
            match finding {
                // A selection's gaps are the copies not selected.
                register::Finding::Missing(_) if partial => {}
                register::Finding::Shared { copy, .. } | register::Finding::Unlinked { copy }
                    if copy >= checks.len() => {}
                register::Finding::Missing(s) => extra.push(CopyCheck {
                    seq: Some(s),
                    label: format!("档案库第 {s} 份"),
                    id: None,
                    dir: None,
                    status: Status::Missing,
                    problems: vec![
                        "登记链中的这一份副本不见了（整个目录被删除，索引也不记得它）".into(),
                    ],
                    rerender: None,
                    superseded_by: None,
                    corrects: None,
                }),
                register::Finding::Shared { copy, seq } => {
                    let c = &mut checks[copy];
                    c.status = c.status.max(Status::Changed);
                    c.problems
                        .push(format!("档案库序号 {seq} 被多份副本使用：清单被改动过"));
                }
                register::Finding::Unlinked { copy } => {
                    let c = &mut checks[copy];
                    c.status = c.status.max(Status::Changed);
                    c.problems.push(
                        "清单 manifest.json 与登记链不符（下一份副本记下的哈希不是它的）：清单被改动过"
                            .into(),
                    );
                }
            }
        }
        // Corrections: the copy each supersedes is marked, and must be as it
        // was when it was superseded.
        let position: BTreeMap<String, usize> = checks
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.dir.clone()?, i)))
            .collect();
        for (f, m) in manifests(&found) {
            let Some(s) = &m.supersedes else { continue };
            let Some(old) = position.get(&s.dir).map(|&i| &mut checks[i]) else {
                continue;
            };
            old.superseded_by = Some(m.id());
            let now = manifest_of.get(s.dir.as_str()).and_then(|(_, sha)| *sha);
            if now.is_some_and(|sha| *sha != s.manifest_sha256) {
                old.status = old.status.max(Status::Changed);
                old.problems.push(format!(
                    "清单与被更正时（{}）记下的不同：清单被改动过",
                    f.rel
                ));
            }
        }
        self.check_signatures(&found, &mut checks);
        checks.extend(extra);
        checks.sort_by_key(|c| (c.seq.unwrap_or(u64::MAX), c.dir.clone()));
        if partial {
            // Corrections outside the selection.
            for c in checks.iter_mut().filter(|c| c.superseded_by.is_none()) {
                if let Some(dir) = &c.dir {
                    if let Some(by) = idx.superseding(dir).map_err(index_error)? {
                        c.superseded_by = Some(by.id);
                    }
                }
            }
            report.head = idx
                .head()
                .map_err(index_error)?
                .map(|r| (r.seq, r.manifest_sha256));
        } else {
            report.head = manifests(&found)
                .into_iter()
                .filter_map(|(f, m)| Some((m.sequence, f.manifest_sha256.clone()?)))
                .max();
        }

        if let Some(engine) = rerender {
            // Copies are re-rendered on as many threads as there are cores.
            let jobs: Vec<(usize, String, &Manifest)> = checks
                .iter()
                .enumerate()
                .filter(|(_, c)| c.status != Status::Missing)
                .filter_map(|(i, c)| {
                    let dir = c.dir.clone()?;
                    let (m, _) = manifest_of.get(dir.as_str())?;
                    Some((i, dir, *m))
                })
                .collect();
            let done = crate::par::map(&jobs, |(_, dir, m)| self.rerender(engine, dir, m));
            for ((i, _, _), r) in jobs.iter().zip(done) {
                // A copy whose thread died is not proved: say so.
                checks[*i].rerender =
                    Some(r.unwrap_or_else(|| Rerender::failed("重新排版意外中止".into())));
            }
        }
        report.copies = checks;
        if !report.index_problems.is_empty() {
            report.hints.push(Hint::Reindex);
        }
        Ok(report)
    }

    /// Compare the full-text index with the sentences of every copy whose
    /// input is intact; say where they differ. With `orphans`, also find
    /// sentences under a folder that holds no copy (named by a scan of the
    /// whole full-text index, when the index holds more sentences than the
    /// copies on disk). In batches, so that memory stays small.
    fn check_texts(
        &self,
        idx: &index::Index,
        found: &[FoundCopy],
        checks: &[CopyCheck],
        orphans: bool,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        let intact_dirs: BTreeSet<&str> = checks
            .iter()
            .filter(|c| c.status == Status::Intact)
            .filter_map(|c| c.dir.as_deref())
            .collect();
        let intact: Vec<&FoundCopy> = found
            .iter()
            .filter(|f| f.manifest.is_ok() && intact_dirs.contains(f.rel.as_str()))
            .collect();
        let limit = crate::model::MAX_INPUT_BYTES as u64;
        // The sentences held under the copies on disk: when they are all
        // the index holds, no sentence names a folder without a copy.
        let mut held = 0;
        for f in found
            .iter()
            .filter(|f| !intact_dirs.contains(f.rel.as_str()))
        {
            held += idx.texts_of(&f.rel).map_err(index_error)?.len();
        }
        for batch in intact.chunks(256) {
            let mut have = Vec::with_capacity(batch.len());
            for f in batch {
                let h = idx.texts_of(&f.rel).map_err(index_error)?;
                held += h.len();
                have.push(h);
            }
            let jobs: Vec<(&&FoundCopy, Vec<index::TextEntry>)> = batch.iter().zip(have).collect();
            let differs = crate::par::map(&jobs, |(f, have)| {
                let want =
                    crate::files::read_regular(&self.store.path(&f.rel).join(INPUT_FILE), limit)
                        .ok()
                        .and_then(|bytes| crate::model::parse(&bytes).ok())
                        .map(|b| super::text::sentences(&b))?;
                let differs = have.iter().zip(&want).enumerate().find(
                    |(k, ((pos, block, sentence, tokens), w))| {
                        *pos != *k as i64
                            || *block != w.block
                            || *sentence != w.text
                            || *tokens != super::text::index_tokens(&w.text)
                    },
                );
                match differs {
                    Some((k, _)) => Some(k + 1),
                    None if have.len() != want.len() => Some(have.len().min(want.len()) + 1),
                    None => None,
                }
            });
            for ((f, _), first) in jobs.iter().zip(differs) {
                if let Some(Some(n)) = first {
                    problems.push(format!(
                        "索引中 {} 的全文与副本的文字不符（从第 {n} 句起）：索引被改动过，搜索会显示副本中没有的句子；请管理员从文件重建档案索引",
                        f.rel
                    ));
                }
            }
        }
        if orphans && held != idx.text_count().map_err(index_error)? {
            let on_disk: BTreeSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
            for dir in idx
                .text_dirs()
                .map_err(index_error)?
                .iter()
                .filter(|d| !on_disk.contains(d.as_str()))
            {
                problems.push(format!(
                    "索引的全文中有 {dir} 的句子，但没有这份副本：索引被改动过，请管理员从文件重建档案索引"
                ));
            }
        }
        Ok(())
    }

    /// The catalogued copies `opts` selects: filed on or after its day, or
    /// the one of its id.
    fn selected(&self, idx: &index::Index, opts: &VerifyOptions<'_>) -> Result<Vec<Record>> {
        let mut out = match &opts.copy {
            Some(id) => {
                let id = id.trim().to_ascii_lowercase();
                if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Refused {
                        message: format!(
                            "“{id}”不是编号：编号是已归档各期列表中的十六进制串（至少 4 位）"
                        ),
                        hints: vec![Hint::List],
                    });
                }
                let hits = idx.by_pdf_prefix(&id, 2).map_err(index_error)?;
                if hits.is_empty() {
                    return Err(Error::Refused {
                        message: format!("档案库中没有编号为 {id} 的副本"),
                        hints: vec![Hint::List],
                    });
                }
                if hits.len() > 1 {
                    return Err(Error::Archive {
                        message: format!("编号 {id} 对应多份副本：请多写几位"),
                    });
                }
                hits
            }
            None => idx
                .filed_since(opts.since.as_deref().unwrap_or(""))
                .map_err(index_error)?,
        };
        if let (Some(since), Some(_)) = (&opts.since, &opts.copy) {
            out.retain(|r| r.issued_at.get(..10).unwrap_or("") >= since.as_str());
        }
        Ok(out)
    }

    /// Check one copy's files against its manifest (and the index's record of it).
    fn check_copy(&self, f: &FoundCopy, record: Option<&Record>) -> CopyCheck {
        let dir = self.store.path(&f.rel);
        let mut check = CopyCheck {
            seq: record.map(|r| r.seq),
            label: record
                .map(|r| format!("{} {}", r.name, r.issue_label()))
                .unwrap_or_else(|| f.rel.clone()),
            id: record.map(|r| r.id.clone()),
            dir: Some(f.rel.clone()),
            status: Status::Intact,
            problems: Vec::new(),
            rerender: None,
            superseded_by: None,
            corrects: None,
        };
        let m = match &f.manifest {
            Ok(m) => m,
            Err(e) => {
                check.status = if dir.join(MANIFEST_FILE).exists() {
                    Status::Changed
                } else {
                    Status::Missing
                };
                check.problems.push(e.clone());
                return check;
            }
        };
        check.seq = Some(m.sequence);
        check.label = format!("{} {}", m.name, m.issue_label());
        check.id = Some(m.id());
        if let (Some(r), Some(sha)) = (record, &f.manifest_sha256) {
            if &r.manifest_sha256 != sha {
                check.status = Status::Changed;
                check
                    .problems
                    .push("清单 manifest.json 与归档时索引记下的不同：清单被改动过".into());
            }
        }
        let expected = store::copy_rel(
            &m.name,
            m.supplement.as_deref(),
            m.year,
            m.issue,
            m.revision,
        );
        if expected != f.rel {
            check.status = check.status.max(Status::Changed);
            check.problems.push(format!(
                "副本不在它应在的目录（应为 {expected}）：被移动或改名过"
            ));
        }
        if let Some(s) = &m.supersedes {
            check.corrects = Some((manifest::short_id(&s.pdf_sha256), s.reason.clone()));
        }
        let pdf = m.pdf().file_record();
        let ofd = m.ofd().map(|o| o.file_record());
        let mut files = vec![(&m.input, INPUT_FILE), (&pdf, PDF_FILE)];
        files.extend(m.template.file.as_ref().map(|t| (t, TEMPLATE_FILE)));
        files.extend(ofd.as_ref().map(|o| (o, OFD_FILE)));
        if m.outputs.len() > 1 + usize::from(ofd.is_some()) {
            check.status = check.status.max(Status::Changed);
            check
                .problems
                .push("清单中有本程序不认识的输出文件：清单被改动过".into());
        }
        for (rec, file) in files {
            // The file names are fixed: a manifest cannot point elsewhere.
            if rec.file != file {
                check.status = check.status.max(Status::Changed);
                check.problems.push(format!(
                    "清单中的文件名“{}”应为 {file}：清单被改动过",
                    rec.file
                ));
            }
            let path = dir.join(file);
            match fs::read(&path) {
                Ok(bytes) => {
                    let sha = sha256_hex(&bytes);
                    let sm3_differs = rec
                        .sm3
                        .as_ref()
                        .is_some_and(|s| *s != crate::sign::sm3_hex(&bytes));
                    if sha != rec.sha256 || sm3_differs {
                        check.status = check.status.max(Status::Changed);
                        check.problems.push(format!(
                            "{file} 已改动：SHA-256 现为 {}，归档时为 {}",
                            manifest::short_id(&sha),
                            manifest::short_id(&rec.sha256)
                        ));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    check.status = Status::Missing;
                    check.problems.push(format!("{file} 不见了"));
                }
                Err(e) => {
                    check.status = check.status.max(Status::Changed);
                    check.problems.push(format!("{file} 无法读取：{e}"));
                }
            }
        }
        if let Ok(rd) = fs::read_dir(&dir) {
            let mut others: Vec<String> = rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    let kept = [INPUT_FILE, PDF_FILE, MANIFEST_FILE];
                    let kept_template = n == TEMPLATE_FILE && m.template.file.is_some();
                    let kept_ofd = n == OFD_FILE && m.ofd().is_some();
                    let kept_signed = m.signature.as_ref().is_some_and(|s| {
                        [signed::SIGNED_PDF_FILE, signed::MANIFEST_SIG_FILE].contains(&n.as_str())
                            || (s.ofd.is_some() && n == signed::SIGNED_OFD_FILE)
                    });
                    !(kept.contains(&n.as_str()) || kept_template || kept_ofd || kept_signed)
                })
                .collect();
            others.sort();
            if !others.is_empty() {
                check.status = check.status.max(Status::Changed);
                check
                    .problems
                    .push(format!("目录中多了文件：{}", others.join("、")));
            }
        }
        check
    }

    /// Lay an archived input out again and compare what it makes with the
    /// files issued: each output byte for byte when its writer is still in
    /// this program, else the layout's fingerprint; neither when the copy was
    /// filed under other layout rules (its hashes prove it then).
    fn rerender(&self, engine: &Engine, rel: &str, m: &Manifest) -> Rerender {
        let by_hashes = |compared: Compared| -> Vec<OutputCheck> {
            m.outputs
                .iter()
                .map(|o| OutputCheck {
                    file: o.file.clone(),
                    writer: o.writer.clone(),
                    compared,
                    same: false,
                })
                .collect()
        };
        if m.rules != RULES {
            return Rerender {
                outputs: by_hashes(Compared::Hashes),
                compared: Compared::Hashes,
                identical: false,
                rules_changed: Some(RulesChanged {
                    filed: m.rules,
                    now: RULES,
                }),
                same_inputs: false,
                failed: false,
                notes: vec![format!(
                    "排版规则自归档以来已经改变（归档时第 {} 版，本程序第 {RULES} 版）：重新排版不会得到原来的版面，不作比较；这份副本以各文件的哈希核对",
                    m.rules
                )],
            };
        }
        let dir = self.store.path(rel);
        let mut notes = Vec::new();
        let limit = crate::model::MAX_INPUT_BYTES as u64;
        let input = match crate::files::read_regular(&dir.join(INPUT_FILE), limit) {
            Ok(b) => b,
            Err(e) => return Rerender::failed(format!("输入无法读取：{e}")),
        };
        // The template the copy keeps (or the built-in one, or, for copies
        // filed before templates were kept, the file it names), and whether
        // it is the one the copy was filed with.
        let (template, same_template) = match (&m.template.file, m.template.builtin) {
            (Some(kept), _) => {
                let path = dir.join(TEMPLATE_FILE);
                match crate::files::read_regular(&path, crate::template::MAX_TEMPLATE_BYTES) {
                    // The kept text is the merged template: the same as filed
                    // when its hash is the one recorded for it.
                    Ok(text) => (
                        crate::template::from_str(
                            &path.display().to_string(),
                            &String::from_utf8_lossy(&text),
                        ),
                        Some(sha256_hex(&text) == kept.sha256),
                    ),
                    Err(e) => return Rerender::failed(format!("{TEMPLATE_FILE} 无法读取：{e}")),
                }
            }
            (None, true) => (
                crate::template::load(
                    &crate::model::TemplateRef::Builtin(m.template.reference.clone()),
                    &dir,
                    None,
                ),
                None,
            ),
            (None, false) => (
                crate::template::load(
                    &crate::model::TemplateRef::File(PathBuf::from(&m.template.reference)),
                    &dir,
                    None,
                ),
                None,
            ),
        };
        let laid = match crate::model::parse(&input)
            .and_then(|bulletin| engine.layout_bulletin(bulletin, template?))
        {
            Ok(laid) => laid,
            Err(e) => return Rerender::failed(format!("无法重新排版：{e}")),
        };
        let mut same = true;
        if !same_template.unwrap_or(laid.template.sha256 == m.template.sha256) {
            same = false;
            notes.push(format!("模板 {} 与归档时不同", m.template.name));
        }
        let now: BTreeMap<&str, &str> = laid
            .fonts
            .files()
            .iter()
            .map(|f| (f.name.as_str(), f.sha256()))
            .collect();
        let then: BTreeMap<&str, &str> = m
            .fonts
            .iter()
            .map(|f| (f.name.as_str(), f.sha256.as_str()))
            .collect();
        for (name, sha) in &then {
            match now.get(name) {
                Some(s) if s == sha => {}
                Some(_) => notes.push(format!("字体 {name} 与归档时不同（哈希变了）")),
                None => notes.push(format!("这次没有用到归档时的字体 {name}")),
            }
        }
        for name in now.keys().filter(|n| !then.contains_key(*n)) {
            notes.push(format!("这次多用了字体 {name}"));
        }
        if now != then {
            same = false;
        }
        let tool = Tool::current();
        if tool != m.tool {
            same = false;
            notes.push(format!(
                "程序版本不同：归档时 {} {}，现在 {} {}",
                m.tool.name, m.tool.version, tool.name, tool.version
            ));
        }
        // The layout, where a fingerprint this program can make was recorded.
        let layout_same = m.layout.as_ref().and_then(|f| {
            output::fingerprint_of(f.version, &laid.layout).map(|now| now.sha256 == f.sha256)
        });
        let mut outputs = Vec::new();
        for o in &m.outputs {
            let check = |compared, same| OutputCheck {
                file: o.file.clone(),
                writer: o.writer.clone(),
                compared,
                same,
            };
            let writer =
                Writer::from_name(&o.writer).and_then(|w| Some((w, w.filed_output(m.pdfa)?)));
            match writer {
                Some((writer, kind)) => match output::write(&laid, kind, writer) {
                    Ok(bytes) => {
                        let same_bytes = sha256_hex(&bytes) == o.sha256;
                        if !same_bytes {
                            notes.push(format!("{} 重新排版后字节不同", o.file));
                        }
                        outputs.push(check(Compared::Bytes, same_bytes));
                    }
                    Err(e) => return Rerender::failed(format!("{} 无法写出：{e}", o.file)),
                },
                None => {
                    // The bytes cannot be made again: compare the layout.
                    notes.push(format!(
                        "{} 的写出方式“{}”本程序已不再有，无法逐字节比较；{}",
                        o.file,
                        o.writer,
                        match layout_same {
                            Some(true) => "已比较版面：与归档时相同",
                            Some(false) => "已比较版面：与归档时不同",
                            None => "清单中没有本程序能比较的版面摘要，以文件哈希核对",
                        }
                    ));
                    outputs.push(match layout_same {
                        Some(same) => check(Compared::Layout, same),
                        None => check(Compared::Hashes, false),
                    });
                }
            }
        }
        if layout_same == Some(false) && outputs.iter().any(|o| o.compared == Compared::Bytes) {
            notes.push("版面与归档时不同".into());
        }
        let compared = outputs
            .iter()
            .map(|o| o.compared)
            .max()
            .unwrap_or(Compared::Hashes);
        let identical = outputs.iter().any(|o| o.compared != Compared::Hashes)
            && outputs
                .iter()
                .all(|o| o.compared == Compared::Hashes || o.same);
        Rerender {
            outputs,
            compared,
            identical,
            rules_changed: None,
            same_inputs: same,
            failed: false,
            notes,
        }
    }
}
