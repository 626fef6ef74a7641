//! Proving issued copies: every file against its manifest, every manifest
//! against the register chain, and, when asked, every input rendered again.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use super::manifest::Tool;
use super::store::{
    self, sha256_hex, FoundCopy, INPUT_FILE, MANIFEST_FILE, OFD_FILE, PDF_FILE, TEMPLATE_FILE,
};
use super::*;
use crate::render::PdfWriter;
use crate::Engine;

impl Archive {
    /// Check every copy against its manifest and the register chain; with an
    /// engine, also render every archived input again and compare the bytes.
    pub fn verify(&self, rerender: Option<&Engine>) -> Result<VerifyReport> {
        self.require()?;
        let mut report = VerifyReport::default();
        let idx = self.index(None, &mut report.notes)?;
        let records: BTreeMap<String, Record> = idx
            .records()
            .map_err(index_error)?
            .into_iter()
            .map(|r| (r.dir.clone(), r))
            .collect();
        let scan = self.store.scan_dirs()?;
        let found: Vec<FoundCopy> = scan.dirs.iter().map(|d| self.store.read_copy(d)).collect();
        let leftovers = self.store.leftovers();
        if !leftovers.is_empty() {
            report.notes.push(format!(
                "忽略 {} 个中断归档留下的临时目录（下次归档时清理）",
                leftovers.len()
            ));
        }

        let mut checks: Vec<CopyCheck> = Vec::new();
        for f in &found {
            checks.push(self.check_copy(f, records.get(&f.rel)));
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
                    "索引中 {} 的记录（{} {}）与它的清单不符：索引被改动过，运行 jianbao archive reindex 重建",
                    f.rel,
                    r.name,
                    r.issue_label()
                ));
            }
        }
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
        let by_seq: BTreeMap<u64, Vec<usize>> =
            checks
                .iter()
                .enumerate()
                .fold(BTreeMap::new(), |mut m, (i, c)| {
                    if let Some(s) = c.seq {
                        m.entry(s).or_insert_with(Vec::new).push(i);
                    }
                    m
                });
        let max_seq = by_seq.keys().copied().max().unwrap_or(0);
        let manifest_of: BTreeMap<&str, (&Manifest, Option<&String>)> = manifests(&found)
            .into_iter()
            .map(|(f, m)| (f.rel.as_str(), (m, f.manifest_sha256.as_ref())))
            .collect();
        let mut extra: Vec<CopyCheck> = Vec::new();
        for s in 1..=max_seq {
            let Some(here) = by_seq.get(&s) else {
                extra.push(CopyCheck {
                    seq: Some(s),
                    label: format!("登记第 {s} 号"),
                    id: None,
                    dir: None,
                    status: Status::Missing,
                    problems: vec![
                        "登记链中的这一份副本不见了（整个目录被删除，索引也不记得它）".into(),
                    ],
                    rerender: None,
                    superseded_by: None,
                    corrects: None,
                });
                continue;
            };
            if here.len() > 1 {
                for &i in here {
                    checks[i].status = checks[i].status.max(Status::Changed);
                    checks[i]
                        .problems
                        .push(format!("登记号 {s} 被多份副本使用：清单被改动过"));
                }
            }
            // Does the next copy name this one's manifest?
            let Some(next) = by_seq.get(&(s + 1)) else {
                continue;
            };
            for &i in here {
                let Some((_, Some(sha))) = checks[i]
                    .dir
                    .as_deref()
                    .and_then(|d| manifest_of.get(d))
                    .copied()
                else {
                    continue;
                };
                let linked = next.iter().any(|&j| {
                    checks[j]
                        .dir
                        .as_deref()
                        .and_then(|d| manifest_of.get(d))
                        .is_none_or(|(m, _)| m.previous.as_deref() == Some(sha.as_str()))
                });
                if !linked {
                    checks[i].status = checks[i].status.max(Status::Changed);
                    checks[i].problems.push(
                        "清单 manifest.json 与登记链不符（下一份副本记下的哈希不是它的）：清单被改动过"
                            .into(),
                    );
                }
            }
        }
        // Corrections: the copy each supersedes is marked, and must be as it
        // was when it was superseded.
        for (f, m) in manifests(&found) {
            let Some(s) = &m.supersedes else { continue };
            let Some(old) = checks
                .iter_mut()
                .find(|c| c.dir.as_deref() == Some(s.dir.as_str()))
            else {
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
        checks.extend(extra);
        checks.sort_by_key(|c| (c.seq.unwrap_or(u64::MAX), c.dir.clone()));
        report.head = manifests(&found)
            .into_iter()
            .filter_map(|(f, m)| Some((m.sequence, f.manifest_sha256.clone()?)))
            .max();

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
                checks[*i].rerender = Some(r.unwrap_or_else(|| Rerender {
                    identical: false,
                    by_layout: false,
                    same_inputs: false,
                    failed: true,
                    notes: vec!["重新排版意外中止".into()],
                }));
            }
        }
        report.copies = checks;
        Ok(report)
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
        let mut files = vec![(&m.input, INPUT_FILE), (&m.pdf, PDF_FILE)];
        files.extend(m.template.file.as_ref().map(|t| (t, TEMPLATE_FILE)));
        files.extend(m.ofd.as_ref().map(|o| (o, OFD_FILE)));
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
                    if sha != rec.sha256 {
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
                    let kept_ofd = n == OFD_FILE && m.ofd.is_some();
                    !(kept.contains(&n.as_str()) || kept_template || kept_ofd)
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

    /// Render an archived input again and compare with the issued PDF.
    fn rerender(&self, engine: &Engine, rel: &str, m: &Manifest) -> Rerender {
        let dir = self.store.path(rel);
        let mut notes = Vec::new();
        let failed = |why: String| Rerender {
            identical: false,
            by_layout: false,
            same_inputs: false,
            failed: true,
            notes: vec![why],
        };
        let limit = crate::model::MAX_INPUT_BYTES as u64;
        let input = match crate::files::read_regular(&dir.join(INPUT_FILE), limit) {
            Ok(b) => b,
            Err(e) => return failed(format!("输入无法读取：{e}")),
        };
        // The template the copy keeps (or the built-in one, or, for copies
        // filed before templates were kept, the file it names).
        let template = match (&m.template.file, m.template.builtin) {
            (Some(_), _) => {
                let path = dir.join(TEMPLATE_FILE);
                match crate::files::read_regular(&path, crate::template::MAX_TEMPLATE_BYTES) {
                    Ok(text) => crate::template::from_str(
                        &path.display().to_string(),
                        &String::from_utf8_lossy(&text),
                    ),
                    Err(e) => return failed(format!("{TEMPLATE_FILE} 无法读取：{e}")),
                }
            }
            (None, true) => crate::template::load(
                &crate::model::TemplateRef::Builtin(m.template.reference.clone()),
                &dir,
                None,
            ),
            (None, false) => crate::template::load(
                &crate::model::TemplateRef::File(PathBuf::from(&m.template.reference)),
                &dir,
                None,
            ),
        };
        // The writer the copy was made with: copies filed before it was
        // recorded were all written as `legacy`.
        let recorded = m.writer.clone().unwrap_or_else(|| PdfWriter::Legacy.name());
        let writer = PdfWriter::from_name(&recorded);
        let render = || -> Result<(crate::Laid, Vec<u8>, Option<Vec<u8>>)> {
            let bulletin = crate::model::parse(&input)?;
            let laid = engine.layout_bulletin(bulletin, template?)?;
            let opts = crate::render::RenderOptions {
                pdfa: m.pdfa,
                writer: writer.unwrap_or_default(),
            };
            let pdf = crate::render::render(&laid.layout, &laid.fonts, opts)?;
            let ofd = match &m.ofd {
                Some(_) => Some(crate::ofd::render(&laid.layout, &laid.fonts)?),
                None => None,
            };
            Ok((laid, pdf, ofd))
        };
        let (laid, pdf, ofd) = match render() {
            Ok(x) => x,
            Err(e) => return failed(format!("无法重新排版：{e}")),
        };
        let mut same = true;
        if laid.template.sha256 != m.template.sha256 {
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
        let layout_same = m
            .layout_sha256
            .as_ref()
            .map(|sha| *sha == sha256_hex(laid.layout.dump_without_sources().as_bytes()));
        let identical = match writer {
            Some(_) => {
                let pdf_same = sha256_hex(&pdf) == m.pdf.sha256;
                let ofd_same = match (&m.ofd, &ofd) {
                    (Some(rec), Some(o)) => sha256_hex(o) == rec.sha256,
                    _ => true,
                };
                if !ofd_same {
                    notes.push(format!("{OFD_FILE} 重新排版后不同"));
                }
                pdf_same && ofd_same
            }
            None => {
                // The bytes cannot be made again: compare the layout.
                notes.push(format!(
                    "PDF 的写出方式“{recorded}”本程序不再支持，无法逐字节比较；{}",
                    match layout_same {
                        Some(true) => "已比较版面：与归档时相同",
                        Some(false) => "已比较版面：与归档时不同",
                        None => "清单中没有版面摘要，无法比较",
                    }
                ));
                layout_same == Some(true)
            }
        };
        if layout_same == Some(false) && writer.is_some() {
            notes.push("版面与归档时不同".into());
        }
        Rerender {
            identical,
            by_layout: writer.is_none(),
            same_inputs: same,
            failed: false,
            notes,
        }
    }
}
