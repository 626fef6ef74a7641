//! Finding issued copies: the catalogue, one copy by id or by name, year
//! and number, and full-text search.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use super::manifest;
use super::store::{self, INPUT_FILE, MANIFEST_FILE, PDF_FILE};
use super::*;

impl Archive {
    /// Whether the archive holds any filed copy (its folder of copies exists).
    pub fn has_copies(&self) -> bool {
        self.store.path(store::COPIES).is_dir()
    }

    /// The catalogue, filtered, in register order: every copy with its
    /// state (current, superseded, a correction), and notes on what was
    /// done to the index.
    pub fn list(&self, filter: &Filter) -> Result<Listing> {
        let (records, notes, trouble) = self.records()?;
        let keys = self.keys();
        let superseded: BTreeMap<&str, &str> = records
            .iter()
            .filter_map(|r| Some((r.supersedes.as_deref()?, r.id.as_str())))
            .collect();
        let ids: BTreeMap<&str, &str> = records
            .iter()
            .map(|r| (r.dir.as_str(), r.id.as_str()))
            .collect();
        let wanted = |name: &str| {
            filter.name.as_ref().is_none_or(|n| {
                let (name, n) = (store::normalize_name(name), store::normalize_name(n));
                name == n || name.contains(n.as_str())
            })
        };
        let copies = records
            .iter()
            .filter(|r| wanted(&r.name))
            .filter(|r| filter.year.is_none_or(|y| r.year == y))
            .map(|r| {
                let state = match (superseded.get(r.dir.as_str()), &r.supersedes) {
                    (Some(by), _) => CopyState::Superseded { by: by.to_string() },
                    (None, Some(of)) => CopyState::Correction {
                        revision: r.revision,
                        of: ids.get(of.as_str()).unwrap_or(&"").to_string(),
                    },
                    (None, None) => CopyState::Current,
                };
                ListEntry {
                    label: r.issue_label(),
                    record: r.clone(),
                    state,
                    signed_by: self.signed_by(r, &keys),
                }
            })
            .collect();
        Ok(Listing {
            copies,
            notes,
            hints: if trouble { vec![Hint::Verify] } else { vec![] },
        })
    }

    /// The catalogue's records as the files on disk confirm them, the
    /// notes on the index, and whether some copy needs verifying.
    fn records(&self) -> Result<(Vec<Record>, Vec<String>, bool)> {
        self.require()?;
        let mut notes = Vec::new();
        let records = self
            .index(None, &mut notes)?
            .records()
            .map_err(index_error)?;
        let scan = self.store.scan_dirs()?;
        if !scan.unreadable.is_empty() {
            notes.push(format!(
                "有 {} 个文件夹无法读取，其中的副本没有列出",
                scan.unreadable.len()
            ));
        }
        let on_disk: BTreeSet<String> = scan.dirs.into_iter().collect();
        let mut gone = 0;
        let mut differ = 0;
        let out = records
            .into_iter()
            .filter_map(|r| {
                if !on_disk.contains(&r.dir) {
                    gone += 1;
                    return None;
                }
                // The files are the record: what the index says is shown
                // only when the copy's manifest says the same.
                let f = self.store.read_copy(&r.dir);
                let from_files = match (&f.manifest, &f.manifest_sha256) {
                    (Ok(m), Some(sha)) => Record::from_manifest(&r.dir, m, sha),
                    _ => r.clone(),
                };
                if from_files != r {
                    differ += 1;
                }
                Some(from_files)
            })
            .collect();
        if gone > 0 {
            notes.push(format!("索引中有 {gone} 份副本在磁盘上找不到"));
        }
        if differ > 0 {
            notes.push(format!(
                "索引中有 {differ} 条记录与副本的清单不符，按清单列出"
            ));
        }
        let trouble = !scan.unreadable.is_empty() || gone > 0 || differ > 0;
        Ok((out, notes, trouble))
    }

    /// The latest issue (by year, issue number, then revision) of a
    /// bulletin's series, when the archive has one. A missing archive has none.
    pub fn latest(&self, name: &str, supplement: Option<&str>) -> Result<Option<Record>> {
        if !self.store.exists() {
            return Ok(None);
        }
        let (records, _, _) = self.records()?;
        let series = manifest::series_key(name, supplement);
        Ok(records
            .into_iter()
            .filter(|r| manifest::series_key(&r.name, r.supplement.as_deref()) == series)
            .max_by_key(|r| (r.year, r.issue, r.revision)))
    }

    /// Find one copy.
    pub fn find(&self, query: &CopyQuery) -> Result<CopyDetails> {
        self.lookup(query)?.ok_or_else(|| {
            let what = match query {
                CopyQuery::Id(id) => format!("档案编号为 {} 的副本", id.to_ascii_lowercase()),
                CopyQuery::Key {
                    name,
                    supplement,
                    year,
                    issue,
                } => format!(
                    "《{name}》{}",
                    manifest::issue_label(*year, supplement.as_deref(), *issue, None)
                ),
            };
            Error::Refused {
                message: format!("档案库中没有{what}"),
                hints: vec![Hint::List],
            }
        })
    }

    /// Find one copy; `None` when the archive has none of that id or number.
    pub(super) fn lookup(&self, query: &CopyQuery) -> Result<Option<CopyDetails>> {
        let (records, _, _) = self.records()?;
        let record = match query {
            CopyQuery::Id(id) => {
                let id = id.to_ascii_lowercase();
                if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Refused {
                        message: format!(
                            "“{id}”不是档案编号：档案编号是已归档各期列表中的十六进制串（至少 4 位）"
                        ),
                        hints: vec![Hint::List],
                    });
                }
                let hits: Vec<&Record> = records
                    .iter()
                    .filter(|r| r.pdf_sha256.starts_with(&id))
                    .collect();
                match hits.as_slice() {
                    [one] => (*one).clone(),
                    [] => return Ok(None),
                    _ => {
                        return Err(Error::Archive {
                            message: format!("档案编号 {id} 对应多份副本：请多写几位"),
                        })
                    }
                }
            }
            CopyQuery::Key {
                name,
                supplement,
                year,
                issue,
            } => {
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
                let series = supplement.as_deref().map(store::normalize_name);
                match records
                    .iter()
                    .filter(|r| {
                        names.contains(r.name.as_str())
                            && r.supplement.as_deref().map(store::normalize_name) == series
                            && r.year == *year
                            && r.issue == *issue
                    })
                    .max_by_key(|r| r.revision)
                {
                    Some(r) => r.clone(),
                    None => return Ok(None),
                }
            }
        };
        let dir = self.store.path(&record.dir);
        let manifest = fs::read(dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|b| Manifest::from_bytes(&b).ok());
        let superseded_by = records
            .iter()
            .find(|r| r.supersedes.as_deref() == Some(record.dir.as_str()))
            .cloned();
        Ok(Some(CopyDetails {
            superseded_by,
            input: dir.join(INPUT_FILE),
            pdf: dir.join(PDF_FILE),
            manifest_file: dir.join(MANIFEST_FILE),
            dir,
            manifest,
            record,
        }))
    }

    /// The issued PDF of the copy `id` (a prefix of at least 4 hex digits
    /// of its SHA-256), read and checked against the hash recorded when it
    /// was filed: `None` when there is no such copy; refused when the file
    /// was changed.
    pub fn issued_pdf(&self, id: &str) -> Result<Option<(Record, Vec<u8>)>> {
        let Some(d) = self.lookup(&CopyQuery::Id(id.to_string()))? else {
            return Ok(None);
        };
        let limit = 256 * 1024 * 1024;
        let pdf = crate::files::read_regular(&d.pdf, limit).map_err(|e| Error::Refused {
            message: format!("这份副本的 PDF 无法读取（{e}）"),
            hints: vec![Hint::Verify],
        })?;
        if store::sha256_hex(&pdf) != d.record.pdf_sha256 {
            return Err(Error::Refused {
                message: "这份副本的 PDF 与归档时的记录不符（已改动）".into(),
                hints: vec![Hint::Verify],
            });
        }
        Ok(Some((d.record, pdf)))
    }

    /// Sentences of issued copies that contain every word of `query`, with
    /// notes on what was done to the index.
    pub fn search(&self, query: &SearchQuery) -> Result<Found> {
        self.require()?;
        let mut notes = Vec::new();
        let idx = self.index(None, &mut notes)?;
        let records = idx.records().map_err(index_error)?;
        let rows = idx.search(&query.fts).map_err(index_error)?;
        let records: BTreeMap<String, Record> =
            records.into_iter().map(|r| (r.dir.clone(), r)).collect();
        let hits = rows
            .into_iter()
            .filter(|r| text::matches(&r.sentence, &query.terms))
            .filter_map(|r| {
                let record = records.get(&r.dir)?.clone();
                Some(Hit {
                    label: record.issue_label(),
                    record,
                    block: r.block,
                    sentence: r.sentence,
                })
            })
            .collect();
        Ok(Found { hits, notes })
    }
}

/// The most characters of a search.
pub const MAX_QUERY_CHARS: usize = 200;

/// A full-text query: words separated by spaces, every one of which a
/// sentence found must hold (Chinese words of any length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
    fts: String,
}

impl SearchQuery {
    /// The query of `text`; refused when it is too long or has no word.
    pub fn parse(text: &str) -> Result<SearchQuery> {
        let refused = |message: &str| Error::Refused {
            message: message.into(),
            hints: vec![],
        };
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(refused("搜索词太长：最多 200 个字"));
        }
        let terms = text::query_terms(text);
        let fts = text::fts_query(&terms)
            .ok_or_else(|| refused("搜索词中没有汉字、字母或数字：请写要找的词，如 湿地"))?;
        Ok(SearchQuery { terms, fts })
    }
}
