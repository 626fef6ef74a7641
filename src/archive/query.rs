//! Finding issued copies: the catalogue, one copy by id or by name, year
//! and number, and full-text search.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use super::manifest;
use super::store::{self, INPUT_FILE, MANIFEST_FILE, PDF_FILE};
use super::*;

impl Archive {
    /// The catalogue, filtered, in register order; notes say what was done to the index.
    pub fn list(&self, filter: &Filter) -> Result<(Vec<Record>, Vec<String>)> {
        self.require()?;
        let mut notes = Vec::new();
        let records = self
            .index(None, &mut notes)?
            .records()
            .map_err(index_error)?;
        let scan = self.store.scan_dirs()?;
        if !scan.unreadable.is_empty() {
            notes.push(format!(
                "有 {} 个文件夹无法读取，其中的副本没有列出：运行 jianbao archive verify 查看",
                scan.unreadable.len()
            ));
        }
        let on_disk: BTreeSet<String> = scan.dirs.into_iter().collect();
        let mut gone = 0;
        let mut differ = 0;
        let wanted = |name: &str| {
            filter.name.as_ref().is_none_or(|n| {
                let (name, n) = (store::normalize_name(name), store::normalize_name(n));
                name == n || name.contains(n.as_str())
            })
        };
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
            .filter(|r| wanted(&r.name))
            .filter(|r| filter.year.is_none_or(|y| r.year == y))
            .collect();
        if gone > 0 {
            notes.push(format!(
                "索引中有 {gone} 份副本在磁盘上找不到：运行 jianbao archive verify 查看"
            ));
        }
        if differ > 0 {
            notes.push(format!(
                "索引中有 {differ} 条记录与副本的清单不符，按清单列出：运行 jianbao archive verify 查看"
            ));
        }
        Ok((out, notes))
    }

    /// The latest issue (by year, issue number, then revision) of a
    /// bulletin's series, when the archive has one. A missing archive has none.
    pub fn latest(&self, name: &str, supplement: Option<&str>) -> Result<Option<Record>> {
        if !self.store.exists() {
            return Ok(None);
        }
        let (records, _) = self.list(&Filter::default())?;
        let series = manifest::series_key(name, supplement);
        Ok(records
            .into_iter()
            .filter(|r| manifest::series_key(&r.name, r.supplement.as_deref()) == series)
            .max_by_key(|r| (r.year, r.issue, r.revision)))
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
                    None => {
                        return Err(not_found(format!(
                            "《{name}》{}",
                            manifest::issue_label(*year, supplement.as_deref(), *issue, None)
                        )))
                    }
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
        Ok(CopyDetails {
            superseded_by,
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
        let idx = self.index(None, &mut notes)?;
        let records = idx.records().map_err(index_error)?;
        let rows = idx.search(&fts).map_err(index_error)?;
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
}
