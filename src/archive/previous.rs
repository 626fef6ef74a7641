//! The issue filed before a given one in its series: what `check`, the web
//! page and `issue` compare a new issue's 文号 with
//! ([`crate::model::checks::against_previous`]).

use super::index::{Index, INDEX_FILE};
use super::store::{FoundCopy, INPUT_FILE};
use super::*;
use crate::model::Bulletin;

impl Archive {
    /// The copy of `b`'s bulletin and series filed last before it (the
    /// highest number below `b`'s in its year, or of an earlier year; of a
    /// corrected issue, the latest correction), read back as a bulletin.
    /// `None` without an archive, without such a copy, or when its input no
    /// longer reads as a bulletin. Through the index when it is up to date
    /// (it is never rebuilt here), else the copies' manifests.
    pub fn previous_issue(&self, b: &Bulletin) -> Result<Option<Bulletin>> {
        if !self.store.exists() {
            return Ok(None);
        }
        // Through the index when it is up to date with the folders: only
        // the previous copy's input is read, however large the archive.
        let path = self.root().join(INDEX_FILE);
        if path.is_file() {
            let stamps = self.folder_stamps()?;
            if let Ok(idx) = Index::open(&path) {
                if Self::fresh(&idx, &stamps) {
                    let m = &b.masthead;
                    let key = manifest::CopyRef {
                        name: m.name.clone(),
                        supplement: m.supplement.clone(),
                        year: m.date.year(),
                        issue: m.issue,
                    }
                    .key();
                    return self.previous_by_index(&idx, &key);
                }
            }
        }
        let found = self.store.scan()?;
        Ok(previous_in(&found, b).and_then(|f| self.read_input(f)))
    }

    /// The copy of the series of `key` filed last before it (the highest
    /// number below it; of a corrected issue, the latest correction), found
    /// through the index, read back as a bulletin.
    pub(super) fn previous_by_index(
        &self,
        idx: &Index,
        key: &manifest::Key,
    ) -> Result<Option<Bulletin>> {
        let before = (key.2, key.3);
        Ok(idx
            .neighbours(key, None)
            .map_err(index_error)?
            .into_iter()
            .filter(|r| (r.year, r.issue) < before)
            .max_by_key(|r| (r.year, r.issue, r.revision))
            .and_then(|r| self.read_input_at(&r.dir)))
    }

    /// The input of the copy `f`, as a bulletin, when it reads as one.
    pub(super) fn read_input(&self, f: &FoundCopy) -> Option<Bulletin> {
        self.read_input_at(&f.rel)
    }

    /// The input of the copy in `dir` (relative to the archive), as a
    /// bulletin, when it reads as one; its manifest is not read.
    pub(super) fn read_input_at(&self, dir: &str) -> Option<Bulletin> {
        let path = self.root().join(dir).join(INPUT_FILE);
        let limit = crate::model::MAX_INPUT_BYTES as u64;
        let bytes = crate::files::read_regular(&path, limit).ok()?;
        crate::model::parse(&bytes).ok()
    }
}

/// Of the copies `found`, the one of `b`'s series filed last before it.
pub(super) fn previous_in<'a>(found: &'a [FoundCopy], b: &Bulletin) -> Option<&'a FoundCopy> {
    let m = &b.masthead;
    let series = manifest::series_key(&m.name, m.supplement.as_deref());
    let this = (m.date.year(), m.issue);
    manifests(found)
        .into_iter()
        .filter(|(_, x)| manifest::series_key(&x.name, x.supplement.as_deref()) == series)
        .filter(|(_, x)| (x.year, x.issue) < this)
        .max_by_key(|(_, x)| (x.year, x.issue, x.revision))
        .map(|(f, _)| f)
}
