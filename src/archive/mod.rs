//! The archive of issued copies: a register that nobody can silently change.
//!
//! Files are the record: each issued copy is a read-only directory with the
//! exact input, the exact PDF/A that was issued and a manifest of hashes
//! ([`manifest`]), filed atomically under a lock ([`store`]). The manifests
//! form a chain (each names the hash of the one filed before), so a copy that
//! is edited or deleted is found by [`Archive::verify`]. An SQLite database
//! ([`index`]) holds the catalogue and a bigram full-text index ([`text`]);
//! it is rebuilt from the files whenever it is missing or damaged.

pub mod index;
pub mod manifest;
pub mod skeleton;
pub mod store;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::model::TemplateRef;
use crate::{Engine, Options};

pub use index::Record;
pub use manifest::Manifest;

use index::{Index, INDEX_FILE};
use manifest::{FileRecord, FontRecord, TemplateRecord, Tool, FORMAT};
use store::{sha256_hex, FoundCopy, Lock, Store, INPUT_FILE, MANIFEST_FILE, PDF_FILE};

/// The environment variable that names the archive directory.
pub const ARCHIVE_ENV: &str = "JIANBAO_ARCHIVE";
/// The archive directory when none is given.
pub const DEFAULT_DIR: &str = "archive";

/// An archive of issued copies, at a directory.
#[derive(Debug, Clone)]
pub struct Archive {
    store: Store,
}

/// What [`Archive::issue`] may be told.
#[derive(Debug, Clone)]
pub struct IssueOptions {
    /// File the copy even though the layout gave warnings (they are
    /// recorded); notices never stop a copy from being filed.
    pub allow_warnings: bool,
    /// The issuing time (the clock, normally).
    pub now: SystemTime,
}

/// A copy just filed.
#[derive(Debug, Clone)]
pub struct Filed {
    /// Its directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Warnings of the layout (accepted).
    pub warnings: Vec<String>,
    /// Notices of the layout.
    pub notices: Vec<String>,
    /// Things the user may want to know (leftovers cleaned, index trouble).
    pub notes: Vec<String>,
}

/// Which copies [`Archive::list`] shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only bulletins whose name is or contains this.
    pub name: Option<String>,
    /// Only this year.
    pub year: Option<u16>,
}

/// How a copy is asked for.
#[derive(Debug, Clone)]
pub enum CopyQuery {
    /// By id (a prefix of at least 4 hex digits of the PDF's SHA-256).
    Id(String),
    /// By name (or a unique part of it, or the bulletin's folder name), year and issue.
    Key {
        /// The name.
        name: String,
        /// The year.
        year: u16,
        /// The issue number.
        issue: u32,
    },
}

/// A copy with its manifest and files.
#[derive(Debug, Clone)]
pub struct CopyDetails {
    /// The catalogue row.
    pub record: Record,
    /// The manifest, when it can be read.
    pub manifest: Option<Manifest>,
    /// The copy's directory.
    pub dir: PathBuf,
    /// The input file.
    pub input: PathBuf,
    /// The PDF.
    pub pdf: PathBuf,
    /// The manifest file.
    pub manifest_file: PathBuf,
}

/// A sentence found by [`Archive::search`].
#[derive(Debug, Clone)]
pub struct Hit {
    /// The copy it is in.
    pub record: Record,
    /// The article or section.
    pub block: String,
    /// The sentence.
    pub sentence: String,
}

/// The state of one copy, as [`Archive::verify`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every file is there and has its recorded hash.
    Intact,
    /// A file differs from its recorded hash (or the manifest was edited).
    Changed,
    /// A file, or the whole copy, is gone.
    Missing,
}

impl Status {
    /// The word shown for it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Intact => "完好",
            Status::Changed => "已改动",
            Status::Missing => "缺失",
        }
    }
}

/// The result of rendering an archived input again.
#[derive(Debug, Clone)]
pub struct Rerender {
    /// Whether the new PDF is byte for byte the issued one.
    pub identical: bool,
    /// Whether template, fonts and program were the same as when issued (so
    /// that identical bytes are expected).
    pub same_inputs: bool,
    /// What differs (template, fonts, program) or what failed.
    pub notes: Vec<String>,
}

/// One copy in a verification report.
#[derive(Debug, Clone)]
pub struct CopyCheck {
    /// Its place in the register, when known.
    pub seq: Option<u64>,
    /// `name 2024年第1期`, or a description when the copy is unknown.
    pub label: String,
    /// Its short id, when known.
    pub id: Option<String>,
    /// Its directory relative to the archive, when known.
    pub dir: Option<String>,
    /// What was found.
    pub status: Status,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
    /// The re-render, when asked for.
    pub rerender: Option<Rerender>,
}

/// The result of [`Archive::verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Every copy, in register order.
    pub copies: Vec<CopyCheck>,
    /// The last link of the register: sequence number and manifest SHA-256.
    /// Writing it down elsewhere lets a later check notice a deleted last copy.
    pub head: Option<(u64, String)>,
    /// Things noticed on the way (index rebuilt, leftovers ignored).
    pub notes: Vec<String>,
}

impl VerifyReport {
    /// Whether every copy is intact.
    pub fn all_intact(&self) -> bool {
        self.copies.iter().all(|c| c.status == Status::Intact)
    }

    /// Whether some re-render gave different bytes although template, fonts
    /// and program were the same.
    pub fn rerender_failed(&self) -> bool {
        self.copies.iter().any(|c| {
            c.rerender
                .as_ref()
                .is_some_and(|r| r.same_inputs && !r.identical)
        })
    }
}

fn index_error(e: rusqlite::Error) -> Error {
    Error::Archive {
        message: format!("档案索引出错（{e}）：运行 jianbao archive reindex 从文件重建索引"),
    }
}

/// The readable manifests of a scan, by directory.
fn manifests(found: &[FoundCopy]) -> Vec<(&FoundCopy, &Manifest)> {
    found
        .iter()
        .filter_map(|f| f.manifest.as_ref().ok().map(|m| (f, m)))
        .collect()
}

impl Archive {
    /// The archive at `root` (created when the first copy is filed).
    pub fn new(root: impl Into<PathBuf>) -> Archive {
        Archive {
            store: Store::new(root),
        }
    }

    /// The archive's directory.
    pub fn root(&self) -> &Path {
        self.store.root()
    }

    fn require(&self) -> Result<()> {
        if self.store.exists() {
            Ok(())
        } else {
            Err(Error::io(
                self.root(),
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "这里没有档案库：用 --archive 或环境变量 {ARCHIVE_ENV} 指定，或先用 jianbao issue 归档一期"
                    ),
                ),
            ))
        }
    }

    /// Catalogue a found copy in the index.
    fn index_copy(&self, idx: &mut Index, f: &FoundCopy, m: &Manifest) -> rusqlite::Result<()> {
        let rec = index::Record::from_manifest(
            &f.rel,
            m,
            f.manifest_sha256.as_deref().unwrap_or_default(),
        );
        let sentences = fs::read(self.store.path(&f.rel).join(INPUT_FILE))
            .ok()
            .and_then(|bytes| crate::model::parse(&bytes).ok())
            .map(|b| text::sentences(&b))
            .unwrap_or_default();
        idx.insert(&rec, &sentences)
    }

    /// Rebuild the index from the files; call with the lock held.
    fn rebuild(&self, _lock: &Lock) -> Result<(Index, usize)> {
        let path = self.root().join(INDEX_FILE);
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            match fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&p, e)),
            }
        }
        let mut idx = Index::open(&path).map_err(index_error)?;
        let found = self.store.scan()?;
        let n = idx
            .batch(|idx| {
                let mut n = 0;
                for (f, m) in manifests(&found) {
                    self.index_copy(idx, f, m)?;
                    n += 1;
                }
                Ok(n)
            })
            .map_err(index_error)?;
        Ok((idx, n))
    }

    /// Rebuild the index from the files; the number of copies catalogued.
    pub fn reindex(&self) -> Result<usize> {
        self.require()?;
        let lock = self.store.lock()?;
        Ok(self.rebuild(&lock)?.1)
    }

    /// The index, brought up to date with the files: copies on disk that it
    /// lacks are added; a missing or damaged index is rebuilt. Notes say
    /// what was done.
    fn index(&self, lock: Option<&Lock>, notes: &mut Vec<String>) -> Result<Index> {
        let path = self.root().join(INDEX_FILE);
        let dirs = self.store.copy_dirs()?;
        if let Ok(idx) = Index::open(&path) {
            if let Ok(known) = idx.dirs() {
                if dirs.iter().all(|d| known.contains_key(d)) {
                    return Ok(idx);
                }
            }
        }
        // Something to add or repair: under the lock.
        let own;
        let lock = match lock {
            Some(l) => l,
            None => {
                own = self.store.lock()?;
                &own
            }
        };
        let added = Index::open(&path).and_then(|mut idx| {
            let known = idx.dirs()?;
            let added = idx.batch(|idx| {
                let mut added = 0;
                for rel in dirs.iter().filter(|d| !known.contains_key(*d)) {
                    let f = self.store.read_copy(rel);
                    if let Ok(m) = &f.manifest {
                        self.index_copy(idx, &f, m)?;
                        added += 1;
                    }
                }
                Ok(added)
            })?;
            Ok((idx, added, known.is_empty()))
        });
        match added {
            Ok((idx, added, was_empty)) => {
                if added > 0 && !was_empty {
                    notes.push(format!("索引中补入了 {added} 份副本"));
                }
                Ok(idx)
            }
            Err(_) => {
                let (idx, n) = self.rebuild(lock)?;
                notes.push(format!("索引损坏，已从文件重建（{n} 份副本）"));
                Ok(idx)
            }
        }
    }

    /// Run a query on the up-to-date index; if the query fails (a damaged
    /// index that opened), rebuild the index from the files and run it again.
    fn query<T>(
        &self,
        notes: &mut Vec<String>,
        f: impl Fn(&Index) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let idx = self.index(None, notes)?;
        match f(&idx) {
            Ok(v) => Ok(v),
            Err(_) => {
                drop(idx);
                let lock = self.store.lock()?;
                let (idx, n) = self.rebuild(&lock)?;
                notes.push(format!("索引损坏，已从文件重建（{n} 份副本）"));
                f(&idx).map_err(index_error)
            }
        }
    }

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
        let duplicate = manifests(&found)
            .into_iter()
            .find(|(_, x)| x.name == m.name && x.year == year && x.issue == m.issue);
        if duplicate.is_some() || found.iter().any(|f| f.rel == rel) {
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
        let mut head: Option<(u64, String)> = manifests(&found)
            .into_iter()
            .filter_map(|(f, x)| Some((x.sequence, f.manifest_sha256.clone()?)))
            .max();
        let mut index_notes = Vec::new();
        let idx = self.index(Some(&lock), &mut index_notes);
        if let Ok(idx) = &idx {
            if let Ok(records) = idx.records() {
                if let Some(r) = records.iter().max_by_key(|r| r.seq) {
                    if head.as_ref().map_or(true, |h| r.seq >= h.0) {
                        head = Some((r.seq, r.manifest_sha256.clone()));
                    }
                }
            }
        }
        manifest.sequence = head.as_ref().map_or(1, |h| h.0 + 1);
        manifest.previous = head.map(|h| h.1);
        manifest.issued_at = crate::model::date::rfc3339_cst(issue_opts.now);
        let manifest_bytes = manifest.to_bytes();
        let dir = self
            .store
            .file_copy(&lock, &rel, input, &pdf, &manifest_bytes)?;

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

    /// The catalogue, filtered, in register order; notes say what was done to the index.
    pub fn list(&self, filter: &Filter) -> Result<(Vec<Record>, Vec<String>)> {
        self.require()?;
        let mut notes = Vec::new();
        let records = self.query(&mut notes, Index::records)?;
        let on_disk: BTreeSet<String> = self.store.copy_dirs()?.into_iter().collect();
        let mut gone = 0;
        let out = records
            .into_iter()
            .filter(|r| {
                let there = on_disk.contains(&r.dir);
                gone += usize::from(!there);
                there
            })
            .filter(|r| {
                filter
                    .name
                    .as_ref()
                    .map_or(true, |n| r.name == *n || r.name.contains(n.as_str()))
            })
            .filter(|r| filter.year.map_or(true, |y| r.year == y))
            .collect();
        if gone > 0 {
            notes.push(format!(
                "索引中有 {gone} 份副本在磁盘上找不到：运行 jianbao archive verify 查看"
            ));
        }
        Ok((out, notes))
    }

    /// The latest issue (by year, then issue number) of a bulletin, when the
    /// archive has one. A missing archive has none.
    pub fn latest(&self, name: &str) -> Result<Option<Record>> {
        if !self.store.exists() {
            return Ok(None);
        }
        let (records, _) = self.list(&Filter::default())?;
        Ok(records
            .into_iter()
            .filter(|r| r.name == name)
            .max_by_key(|r| (r.year, r.issue)))
    }

    /// The largest total issue number the archive has for a bulletin.
    pub fn max_total_issue(&self, name: &str) -> Result<Option<u32>> {
        if !self.store.exists() {
            return Ok(None);
        }
        let (records, _) = self.list(&Filter::default())?;
        Ok(records
            .iter()
            .filter(|r| r.name == name)
            .filter_map(|r| r.total_issue)
            .max())
    }

    /// Find one copy.
    pub fn find(&self, query: &CopyQuery) -> Result<CopyDetails> {
        let (records, _) = self.list(&Filter::default())?;
        let not_found = |what: String| Error::Archive {
            message: format!("档案库中没有{what}：用 jianbao archive list 查看已归档的各期"),
        };
        let record = match query {
            CopyQuery::Id(id) => {
                let id = id.to_ascii_lowercase();
                if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Archive {
                        message: format!(
                            "“{id}”不是编号：编号是 list 显示的十六进制串（至少 4 位）；按期查找请写 名称 年份 期号"
                        ),
                    });
                }
                let hits: Vec<&Record> = records
                    .iter()
                    .filter(|r| r.pdf_sha256.starts_with(&id))
                    .collect();
                match hits.as_slice() {
                    [one] => (*one).clone(),
                    [] => return Err(not_found(format!("编号为 {id} 的副本"))),
                    _ => {
                        return Err(Error::Archive {
                            message: format!("编号 {id} 对应多份副本：请多写几位"),
                        })
                    }
                }
            }
            CopyQuery::Key { name, year, issue } => {
                let exact: Vec<&Record> = records.iter().filter(|r| r.name == *name).collect();
                let by_folder: Vec<&Record> = records
                    .iter()
                    .filter(|r| r.dir.split('/').nth(1) == Some(name.as_str()))
                    .collect();
                let names: BTreeSet<&str> = if !exact.is_empty() {
                    [name.as_str()].into()
                } else if !by_folder.is_empty() {
                    by_folder.iter().map(|r| r.name.as_str()).collect()
                } else {
                    records
                        .iter()
                        .filter(|r| r.name.contains(name.as_str()))
                        .map(|r| r.name.as_str())
                        .collect()
                };
                if names.len() > 1 {
                    let list: Vec<&str> = names.into_iter().collect();
                    return Err(Error::Archive {
                        message: format!("“{name}”对应多个简报：{}；请写全名", list.join("、")),
                    });
                }
                match records.iter().find(|r| {
                    names.contains(r.name.as_str()) && r.year == *year && r.issue == *issue
                }) {
                    Some(r) => r.clone(),
                    None => return Err(not_found(format!("《{name}》{year}年第{issue}期"))),
                }
            }
        };
        let dir = self.store.path(&record.dir);
        let manifest = fs::read(dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|b| Manifest::from_bytes(&b).ok());
        Ok(CopyDetails {
            input: dir.join(INPUT_FILE),
            pdf: dir.join(PDF_FILE),
            manifest_file: dir.join(MANIFEST_FILE),
            dir,
            manifest,
            record,
        })
    }

    /// Sentences of issued copies that contain every word of `query`
    /// (words separated by spaces; Chinese words of any length), with notes
    /// on what was done to the index.
    pub fn search(&self, query: &str) -> Result<(Vec<Hit>, Vec<String>)> {
        self.require()?;
        let terms = text::query_terms(query);
        let Some(fts) = text::fts_query(&terms) else {
            return Err(Error::Archive {
                message: "搜索词中没有汉字、字母或数字：请写要找的词，如 湿地".into(),
            });
        };
        let mut notes = Vec::new();
        let (records, rows) =
            self.query(&mut notes, |idx| Ok((idx.records()?, idx.search(&fts)?)))?;
        let records: BTreeMap<String, Record> =
            records.into_iter().map(|r| (r.dir.clone(), r)).collect();
        let hits = rows
            .into_iter()
            .filter(|r| text::matches(&r.sentence, &terms))
            .filter_map(|r| {
                Some(Hit {
                    record: records.get(&r.dir)?.clone(),
                    block: r.block,
                    sentence: r.sentence,
                })
            })
            .collect();
        Ok((hits, notes))
    }

    /// Check every copy against its manifest and the register chain; with an
    /// engine, also render every archived input again and compare the bytes.
    pub fn verify(&self, rerender: Option<&Engine>) -> Result<VerifyReport> {
        self.require()?;
        let mut report = VerifyReport::default();
        let idx = self.index(None, &mut report.notes)?;
        let idx = match idx.check() {
            Ok(Ok(())) => idx,
            other => {
                drop(idx);
                let why = match other {
                    Ok(Err(s)) => s,
                    Err(e) => e.to_string(),
                    Ok(Ok(())) => String::new(),
                };
                let lock = self.store.lock()?;
                let (idx, n) = self.rebuild(&lock)?;
                report
                    .notes
                    .push(format!("索引损坏（{why}），已从文件重建（{n} 份副本）"));
                idx
            }
        };
        let records: BTreeMap<String, Record> = idx
            .records()
            .map_err(index_error)?
            .into_iter()
            .map(|r| (r.dir.clone(), r))
            .collect();
        let found = self.store.scan()?;
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
                        .map_or(true, |(m, _)| m.previous.as_deref() == Some(sha.as_str()))
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
        checks.extend(extra);
        checks.sort_by_key(|c| (c.seq.unwrap_or(u64::MAX), c.dir.clone()));
        report.head = manifests(&found)
            .into_iter()
            .filter_map(|(f, m)| Some((m.sequence, f.manifest_sha256.clone()?)))
            .max();

        if let Some(engine) = rerender {
            for c in checks.iter_mut() {
                let Some(dir) = c.dir.clone() else { continue };
                let Some((m, _)) = manifest_of.get(dir.as_str()) else {
                    continue;
                };
                if c.status == Status::Missing {
                    continue;
                }
                c.rerender = Some(self.rerender(engine, &dir, m));
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
        let expected = store::copy_rel_dir(&m.name, m.year, m.issue);
        let expected: Vec<String> = expected
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if expected.join("/") != f.rel {
            check.status = check.status.max(Status::Changed);
            check.problems.push(format!(
                "副本不在它应在的目录（应为 {}）：被移动或改名过",
                expected.join("/")
            ));
        }
        for (rec, file) in [(&m.input, INPUT_FILE), (&m.pdf, PDF_FILE)] {
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
                .filter(|n| ![INPUT_FILE, PDF_FILE, MANIFEST_FILE].contains(&n.as_str()))
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
        let input = match fs::read(dir.join(INPUT_FILE)) {
            Ok(b) => b,
            Err(e) => {
                return Rerender {
                    identical: false,
                    same_inputs: false,
                    notes: vec![format!("输入无法读取：{e}")],
                }
            }
        };
        let opts = Options {
            template: (!m.template.builtin).then(|| PathBuf::from(&m.template.reference)),
            base_dir: dir.clone(),
            render: crate::render::RenderOptions { pdfa: m.pdfa },
        };
        let (laid, pdf) = match engine.render(&input, &opts) {
            Ok(x) => x,
            Err(e) => {
                return Rerender {
                    identical: false,
                    same_inputs: false,
                    notes: vec![format!("无法重新排版：{e}")],
                }
            }
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
        let identical = sha256_hex(&pdf) == m.pdf.sha256;
        Rerender {
            identical,
            same_inputs: same,
            notes,
        }
    }
}

/// `p` made absolute against `base` and the working directory, as text.
fn absolute(p: &Path, base: &Path) -> String {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    std::path::absolute(&joined)
        .unwrap_or(joined)
        .display()
        .to_string()
}
