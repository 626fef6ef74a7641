//! Finding issued copies: the catalogue, one copy by id or by name, year
//! and number, and full-text search.

use std::collections::BTreeMap;
use std::fs;

use super::manifest;
use super::store::{self, INPUT_FILE, MANIFEST_FILE, PDF_FILE};
use super::*;

impl Archive {
    /// Whether the archive holds any filed copy (its folder of copies exists).
    pub fn has_copies(&self) -> bool {
        self.store.path(store::COPIES).is_dir()
    }

    /// A page of the catalogue, filtered, the latest first (register
    /// order backwards): each copy as its manifest says (the files are the
    /// record; the index finds them), with its state (current, superseded,
    /// a correction), the number of copies in the filter and their count by
    /// name and year, and notes on the index. Reads the manifests of the
    /// page's copies only.
    pub fn list(&self, filter: &Filter) -> Result<Listing> {
        self.require()?;
        let mut notes = Vec::new();
        let idx = self.index(None, &mut notes)?;
        let scope = index::Scope {
            name: filter.name.clone(),
            year: filter.year,
            ..Default::default()
        };
        let (rows, total) = idx
            .page(&scope, filter.offset, filter.limit)
            .map_err(index_error)?;
        let superseded = idx.superseded(&scope).map_err(index_error)?;
        let counts = idx
            .counts(&scope)
            .map_err(index_error)?
            .into_iter()
            .map(|(name, year, copies)| Count { name, year, copies })
            .collect();
        let (mut gone, mut differ) = (0, 0);
        let mut copies = Vec::new();
        let keys = self.keys();
        for r in rows {
            let Some((record, same)) = self.confirmed(&r) else {
                gone += 1;
                continue;
            };
            differ += usize::from(!same);
            let state = match (
                idx.superseding(&r.dir).map_err(index_error)?,
                &record.supersedes,
            ) {
                (Some(by), _) => CopyState::Superseded { by: by.id },
                (None, Some(of)) => CopyState::Correction {
                    revision: record.revision,
                    of: idx
                        .record(of)
                        .map_err(index_error)?
                        .map(|r| r.id)
                        .unwrap_or_default(),
                },
                (None, None) => CopyState::Current,
            };
            copies.push(ListEntry {
                label: record.issue_label(),
                signed_by: self.signed_by(&record, &keys),
                record,
                state,
            });
        }
        if gone > 0 {
            notes.push(format!("索引中有 {gone} 份副本在磁盘上找不到"));
        }
        if differ > 0 {
            notes.push(format!(
                "索引中有 {differ} 条记录与副本的清单不符，按清单列出"
            ));
        }
        Ok(Listing {
            copies,
            total,
            superseded,
            offset: filter.offset,
            counts,
            notes,
            hints: if gone + differ > 0 {
                vec![Hint::Verify]
            } else {
                vec![]
            },
        })
    }

    /// A catalogued copy as its files say: `None` when its folder is gone;
    /// else the record its manifest makes (the index's when the manifest
    /// cannot be read) and whether the index said the same.
    fn confirmed(&self, r: &Record) -> Option<(Record, bool)> {
        let on_disk = fs::symlink_metadata(self.store.path(&r.dir)).is_ok_and(|m| m.is_dir());
        if !on_disk {
            return None;
        }
        let f = self.store.read_copy(&r.dir);
        let from_files = match (&f.manifest, &f.manifest_sha256) {
            (Ok(m), Some(sha)) => Record::from_manifest(&r.dir, m, sha),
            _ => r.clone(),
        };
        let same = from_files == *r;
        Some((from_files, same))
    }

    /// The latest issue (by year, issue number, then revision) of a
    /// bulletin's series, when the archive has one. A missing archive has none.
    pub fn latest(&self, name: &str, supplement: Option<&str>) -> Result<Option<Record>> {
        if !self.store.exists() {
            return Ok(None);
        }
        let idx = self.index(None, &mut Vec::new())?;
        let series = manifest::series_key(name, supplement);
        let mut offset = 0;
        loop {
            let rows = idx.latest(&series, offset + 16).map_err(index_error)?;
            let n = rows.len();
            for r in rows.into_iter().skip(offset) {
                if let Some((r, _)) = self.confirmed(&r) {
                    if manifest::series_key(&r.name, r.supplement.as_deref()) == series {
                        return Ok(Some(r));
                    }
                }
            }
            if n < offset + 16 {
                return Ok(None);
            }
            offset += 16;
        }
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
        self.require()?;
        let idx = self.index(None, &mut Vec::new())?;
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
                let hits: Vec<Record> = idx
                    .by_pdf_prefix(&id, 8)
                    .map_err(index_error)?
                    .iter()
                    .filter_map(|r| self.confirmed(r).map(|(r, _)| r))
                    .filter(|r| r.pdf_sha256.starts_with(&id))
                    .collect();
                match hits.as_slice() {
                    [one] => one.clone(),
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
                let names = idx.names_like(name).map_err(index_error)?;
                if names.len() > 1 {
                    return Err(Error::Archive {
                        message: format!("“{name}”对应多个简报：{}；请写全名", names.join("、")),
                    });
                }
                let series = supplement
                    .as_deref()
                    .map(store::normalize_name)
                    .unwrap_or_default();
                let mut candidates = Vec::new();
                for n in &names {
                    candidates.extend(
                        idx.by_name_number(n, &series, *year, *issue)
                            .map_err(index_error)?,
                    );
                }
                let wanted = supplement.as_deref().map(store::normalize_name);
                match candidates
                    .iter()
                    .filter_map(|r| self.confirmed(r).map(|(r, _)| r))
                    .filter(|r| {
                        names.contains(&r.name)
                            && r.supplement.as_deref().map(store::normalize_name) == wanted
                            && r.year == *year
                            && r.issue == *issue
                    })
                    .max_by_key(|r| r.revision)
                {
                    Some(r) => r,
                    None => return Ok(None),
                }
            }
        };
        let dir = self.store.path(&record.dir);
        store::probe::note(&dir.join(MANIFEST_FILE));
        let manifest = fs::read(dir.join(MANIFEST_FILE))
            .ok()
            .and_then(|b| Manifest::from_bytes(&b).ok());
        let superseded_by = idx
            .superseding(&record.dir)
            .map_err(index_error)?
            .and_then(|r| self.confirmed(&r).map(|(r, _)| r));
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
        store::probe::note(&d.pdf);
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

    /// A page of the sentences of issued copies that contain every word of
    /// `query`, in its filter: the latest copy first, each copy's sentences
    /// in text order; with how many there are in all and in how many
    /// copies, and notes on what was done to the index. Its cost depends on
    /// the page, not on how many sentences match (for words of Chinese
    /// characters; a word with Latin letters or signs reads every sentence
    /// the index proposes).
    pub fn search(&self, query: &SearchQuery) -> Result<Found> {
        self.require()?;
        let mut notes = Vec::new();
        let idx = self.index(None, &mut notes)?;
        let terms = &query.terms;
        let keep = |s: &str| text::matches(s, terms);
        let exact = text::exact(terms);
        let page = idx
            .search_page(
                &query.fts,
                &query.scope,
                (!exact).then_some(&keep as &dyn Fn(&str) -> bool),
                query.offset,
                query.limit,
            )
            .map_err(index_error)?;
        let mut records: BTreeMap<i64, Option<Record>> = BTreeMap::new();
        let mut hits = Vec::new();
        for (num, row) in page.rows {
            if let std::collections::btree_map::Entry::Vacant(e) = records.entry(num) {
                e.insert(idx.record_by_num(num).map_err(index_error)?);
            }
            // A sentence numbered for a copy but naming another folder is
            // not shown under it.
            let Some(record) = records[&num].clone().filter(|r| r.dir == row.dir) else {
                continue;
            };
            hits.push(Hit {
                label: record.issue_label(),
                record,
                block: row.block,
                sentence: row.sentence,
            });
        }
        Ok(Found {
            hits,
            total: page.total,
            copies: page.copies,
            offset: query.offset,
            notes,
        })
    }
}

/// How many sentences a page of search results holds unless told.
pub const SEARCH_PAGE: usize = 20;

/// The most characters of a search.
pub const MAX_QUERY_CHARS: usize = 200;

/// A full-text query: words separated by spaces, every one of which a
/// sentence found must hold (Chinese words of any length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
    fts: String,
    /// Which copies to search (name, year, dates, supplements).
    pub scope: index::Scope,
    /// How many matching sentences to pass over (the pages before).
    pub offset: usize,
    /// How many to give ([`SEARCH_PAGE`] unless told).
    pub limit: usize,
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
        Ok(SearchQuery {
            terms,
            fts,
            scope: index::Scope::default(),
            offset: 0,
            limit: SEARCH_PAGE,
        })
    }
}
