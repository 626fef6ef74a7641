//! The index's upkeep. The index is a cache of the files: whenever it is
//! used it is opened, checked (SQLite's own check and both tables readable)
//! and brought up to date with `copies/`; when any of that fails it is
//! rebuilt from the files, under the archive's lock. That is the one way an
//! index is repaired.

use std::fs;
use std::path::PathBuf;

use super::index::{Index, INDEX_FILE};
use super::store::{FoundCopy, Lock, INPUT_FILE};
use super::*;

impl Archive {
    /// Catalogue a found copy in the index.
    pub(super) fn index_copy(
        &self,
        idx: &mut Index,
        f: &FoundCopy,
        m: &Manifest,
    ) -> rusqlite::Result<()> {
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

    /// The index, checked and brought up to date with the files (copies on
    /// disk that it lacks are added); rebuilt when it is missing, damaged or
    /// cannot be brought up to date. Notes say what was done. `lock` is the
    /// archive's lock when the caller holds it.
    pub(super) fn index(&self, lock: Option<&Lock>, notes: &mut Vec<String>) -> Result<Index> {
        let path = self.root().join(INDEX_FILE);
        let dirs = self.store.copy_dirs()?;
        let healthy = |idx: &Index| matches!(idx.check(), Ok(Ok(())));
        if let Ok(idx) = Index::open(&path) {
            if healthy(&idx) {
                if let Ok(known) = idx.dirs() {
                    if dirs.iter().all(|d| known.contains_key(d)) {
                        return Ok(idx);
                    }
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
        let caught_up = Index::open(&path).and_then(|mut idx| {
            if !healthy(&idx) {
                return Err(rusqlite::Error::InvalidQuery);
            }
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
        match caught_up {
            Ok((idx, added, was_empty)) => {
                if added > 0 && !was_empty {
                    notes.push(format!("索引中补入了 {added} 份副本"));
                }
                Ok(idx)
            }
            Err(_) => {
                let (idx, n) = self.rebuild(lock)?;
                notes.push(format!("索引缺失或损坏，已从文件重建（{n} 份副本）"));
                Ok(idx)
            }
        }
    }
}
