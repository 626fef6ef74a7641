//! The index's upkeep. The index is a cache of the files: whenever it is
//! used it is opened, checked (SQLite's own check and both tables readable)
//! and brought up to date with `copies/`; when any of that fails it is
//! rebuilt from the files, under the archive's lock. That is the one way an
//! index is repaired.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use super::index::{Index, INDEX_FILE};
use super::store::{self, FoundCopy, Lock, INPUT_FILE};
use super::Reindexed;
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
        let input = self.store.path(&f.rel).join(INPUT_FILE);
        store::probe::note(&input);
        let sentences = fs::read(&input)
            .ok()
            .and_then(|bytes| crate::model::parse(&bytes).ok())
            .map(|b| text::sentences(&b))
            .unwrap_or_default();
        let previous = m.previous_copy.as_ref().map(|c| c.key());
        idx.insert(&rec, previous.as_ref(), &sentences)
    }

    /// The state of the folders of copies now: each bulletin's folder under
    /// `copies/` (a copy filed, removed or put there by hand changes its
    /// folder's times). The index records them when it agrees with the
    /// folders; while they are unchanged, it still does.
    pub(super) fn folder_stamps(&self) -> Result<BTreeMap<String, String>> {
        let copies = self.root().join(store::COPIES);
        let mut out = BTreeMap::new();
        let rd = match fs::read_dir(&copies) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(&copies, e)),
        };
        for e in rd {
            let e = e.map_err(|e| Error::io(&copies, e))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let meta = fs::symlink_metadata(e.path()).map_err(|x| Error::io(e.path(), x))?;
            let kind = if meta.file_type().is_symlink() {
                "link"
            } else if meta.is_dir() {
                "dir"
            } else {
                continue;
            };
            out.insert(
                format!("{}/{name}", store::COPIES),
                format!("{kind}:{}", index::stamp(&meta)),
            );
        }
        Ok(out)
    }

    /// Record `stamps` as the folders the index agrees with, with the
    /// number of copies it then holds.
    fn record_stamps(idx: &mut Index, stamps: &BTreeMap<String, String>) -> rusqlite::Result<()> {
        let mut all = stamps.clone();
        all.insert(COUNT_STAMP.into(), idx.count()?.to_string());
        idx.set_stamps(&all, true)
    }

    /// Whether the index still agrees with the folders it last agreed with:
    /// the same folders in the same state, and as many copies.
    pub(super) fn fresh(idx: &Index, stamps: &BTreeMap<String, String>) -> bool {
        let Ok(mut have) = idx.stamps() else {
            return false;
        };
        let Some(count) = have.remove(COUNT_STAMP) else {
            return false;
        };
        have == *stamps && idx.count().is_ok_and(|n| n.to_string() == count)
    }

    /// The folder states the index agrees with now, when it does (before
    /// a copy is filed: see [`Archive::restamp`]).
    pub(super) fn agreed_stamps(&self, idx: &Index) -> Option<BTreeMap<String, String>> {
        let stamps = self.folder_stamps().ok()?;
        Self::fresh(idx, &stamps).then_some(stamps)
    }

    /// After the copy `rel` was filed and catalogued, record its bulletin
    /// folder's new state, when the index agreed with the folders before
    /// (`before`, from [`Archive::agreed_stamps`] under the same lock).
    pub(super) fn restamp(&self, idx: &mut Index, before: &BTreeMap<String, String>, rel: &str) {
        let Some((folder, _)) = rel.rsplit_once('/') else {
            return;
        };
        if let Ok(meta) = fs::symlink_metadata(self.store.path(folder)) {
            let mut now = before.clone();
            now.insert(folder.to_string(), format!("dir:{}", index::stamp(&meta)));
            let _ = Self::record_stamps(idx, &now);
        }
    }

    /// Rebuild the index from the files; call with the lock held. The new
    /// index is built beside the old one and renamed over it when complete,
    /// so that a full disk never leaves the archive without an index.
    fn rebuild(&self, _lock: &Lock) -> Result<(Index, usize)> {
        let path = self.root().join(INDEX_FILE);
        let fresh = self.root().join(format!("{INDEX_FILE}.new"));
        let remove = |p: &std::path::Path| match fs::remove_file(p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(p, e)),
        };
        let side = |base: &std::path::Path, suffix: &str| {
            PathBuf::from(format!("{}{suffix}", base.display()))
        };
        for suffix in ["", "-journal", "-wal", "-shm"] {
            remove(&side(&fresh, suffix))?;
        }
        let stamps = self.folder_stamps()?;
        let found = self.store.scan()?;
        let n = {
            let mut idx = Index::open(&fresh).map_err(index_error)?;
            // In register order: the full-text index's rowids then follow it.
            let mut all = manifests(&found);
            all.sort_by(|a, b| (a.1.sequence, &a.0.rel).cmp(&(b.1.sequence, &b.0.rel)));
            idx.batch(|idx| {
                let mut n = 0;
                for (f, m) in all {
                    self.index_copy(idx, f, m)?;
                    n += 1;
                }
                Self::record_stamps(idx, &stamps)?;
                Ok(n)
            })
            .map_err(index_error)?
        };
        for suffix in ["-journal", "-wal", "-shm"] {
            remove(&side(&path, suffix))?;
        }
        fs::rename(&fresh, &path).map_err(|e| Error::io(&path, e))?;
        let idx = Index::open(&path).map_err(index_error)?;
        Ok((idx, n))
    }

    /// Rebuild the index from the files; the number of copies catalogued,
    /// and what the old index said that the files no longer do.
    ///
    /// The index records each copy's manifest as it was filed: the only
    /// record of an edited last copy (no later copy names it) or of a copy
    /// put in by hand. So where the old index and the files disagree (a
    /// manifest that is not the one filed, a copy gone, a copy the index
    /// only found) the rebuild is refused unless `force`; forced, the old
    /// index is kept beside the new one (`index.replaced-N.sqlite`) and
    /// named in [`Reindexed::kept`]. An old index that cannot be read is
    /// simply replaced.
    pub fn reindex(&self, force: bool) -> Result<Reindexed> {
        self.require()?;
        let lock = self.store.lock()?;
        let path = self.root().join(INDEX_FILE);
        let disagreements = match Index::open(&path) {
            Ok(old) => self.disagreements(&old).unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let mut kept = None;
        if !disagreements.is_empty() {
            if !force {
                return Err(Error::Archive {
                    message: format!(
                        "索引记下的与副本文件有 {} 处不符，重建会抹去这些证据，所以没有重建：\n  {}\n请先核对档案库；确认以文件为准后再强制重建（旧索引会保留）",
                        disagreements.len(),
                        disagreements.join("\n  ")
                    ),
                });
            }
            let old = (1..)
                .map(|n| self.root().join(format!("index.replaced-{n}.sqlite")))
                .find(|p| !p.exists())
                .unwrap_or_else(|| self.root().join("index.replaced.sqlite"));
            fs::copy(&path, &old).map_err(|e| Error::io(&old, e))?;
            kept = Some(old);
        }
        let copies = self.rebuild(&lock)?.1;
        Ok(Reindexed {
            copies,
            disagreements,
            kept,
        })
    }

    /// Where `old` (an index) and the files disagree about the copies: a
    /// manifest that is not the one catalogued, a catalogued copy gone, a
    /// copy the index only took in when it found it.
    fn disagreements(&self, old: &Index) -> rusqlite::Result<Vec<String>> {
        let known = old.dirs()?;
        let unconfirmed = old.unconfirmed()?;
        let on_disk = self.store.copy_dirs().unwrap_or_default();
        let mut out = Vec::new();
        for (dir, sha) in &known {
            if !on_disk.contains(dir) {
                out.push(format!("{dir}：索引中有，目录不见了"));
                continue;
            }
            let f = self.store.read_copy(dir);
            if f.manifest_sha256.as_deref() != Some(sha.as_str()) {
                out.push(format!("{dir}：清单与归档时索引记下的不同"));
            }
        }
        for dir in &on_disk {
            if !known.contains_key(dir) || unconfirmed.contains(dir) {
                out.push(format!("{dir}：不是经签发归档进这个索引的"));
            }
        }
        Ok(out)
    }

    /// The index, brought up to date with the files (copies on disk that
    /// it lacks are added) when the folders of copies changed since it last
    /// agreed with them; rebuilt when it is missing, cannot be read or
    /// cannot be brought up to date. Costs the same whatever the number of
    /// copies while nothing was filed behind its back. Notes say what was
    /// done. `lock` is the archive's lock when the caller holds it.
    pub(super) fn index(&self, lock: Option<&Lock>, notes: &mut Vec<String>) -> Result<Index> {
        let path = self.root().join(INDEX_FILE);
        let stamps = self.folder_stamps()?;
        if let Ok(idx) = Index::open(&path) {
            if Self::fresh(&idx, &stamps) {
                return Ok(idx);
            }
        }
        self.index_scanned(lock, notes, stamps, false)
    }

    /// The index as [`Archive::index`] gives it, after SQLite's check of
    /// the whole file and a scan of every folder of copies (for `verify`).
    pub(super) fn index_checked(
        &self,
        lock: Option<&Lock>,
        notes: &mut Vec<String>,
    ) -> Result<Index> {
        let stamps = self.folder_stamps()?;
        self.index_scanned(lock, notes, stamps, true)
    }

    /// The index, compared with a scan of the folders of copies (and, when
    /// `check`, checked whole); `stamps` taken before the scan.
    fn index_scanned(
        &self,
        lock: Option<&Lock>,
        notes: &mut Vec<String>,
        stamps: BTreeMap<String, String>,
        check: bool,
    ) -> Result<Index> {
        let path = self.root().join(INDEX_FILE);
        let dirs = self.store.copy_dirs()?;
        let healthy = |idx: &Index| !check || matches!(idx.check(), Ok(Ok(())));
        if let Ok(mut idx) = Index::open(&path) {
            if healthy(&idx) {
                if let Ok(known) = idx.dirs() {
                    if dirs.iter().all(|d| known.contains_key(d)) {
                        self.fill_previous(&mut idx);
                        let _ = Self::record_stamps(&mut idx, &stamps);
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
                        // Not filed by `issue` in an index that knew the
                        // others: `verify` reports it until a rebuild is
                        // asked for. (An empty index, new or lost, knows
                        // nothing to compare with.)
                        if !known.is_empty() {
                            idx.mark_unconfirmed(rel)?;
                        }
                        added += 1;
                    }
                }
                Self::record_stamps(idx, &stamps)?;
                Ok(added)
            })?;
            Ok((idx, added, known.is_empty()))
        });
        match caught_up {
            Ok((mut idx, added, was_empty)) => {
                if added > 0 && !was_empty {
                    notes.push(format!("索引中补入了 {added} 份副本"));
                }
                self.fill_previous(&mut idx);
                Ok(idx)
            }
            Err(_) => {
                let (idx, n) = self.rebuild(lock)?;
                notes.push(format!("索引缺失或损坏，已从文件重建（{n} 份副本）"));
                Ok(idx)
            }
        }
    }

    /// Give the copies migrated without the key of the copy filed before
    /// them (its row was gone) that key, from their manifests.
    fn fill_previous(&self, idx: &mut Index) {
        let Ok(dirs) = idx.without_previous() else {
            return;
        };
        for dir in dirs {
            let f = self.store.read_copy(&dir);
            if let Ok(m) = &f.manifest {
                let _ = idx.set_previous(&dir, m.previous_copy.as_ref().map(|p| p.key()).as_ref());
            }
        }
    }
}

/// The pseudo-folder under which the folder states keep the number of copies.
const COUNT_STAMP: &str = "#copies";

#[cfg(test)]
mod tests {
    use super::super::store;
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("jianbao-catalog-{tag}-{}", std::process::id()));
        store::make_writable(&d);
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    /// An archive with the example filed.
    fn filed(tag: &str) -> (PathBuf, Archive) {
        let root = temp(tag);
        let archive = Archive::new(root.join("archive"));
        let engine =
            crate::Engine::new(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
        let input = fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yiyang-2024-01.json"),
        )
        .unwrap();
        let opts = crate::Options::default();
        // The example's 文号 is of another year (a warning, accepted).
        let issue = IssueOptions {
            allow_warnings: true,
            now: std::time::UNIX_EPOCH,
            supersedes: None,
            ofd: false,
            sign: None,
        };
        archive.issue(&engine, &input, &opts, &issue).unwrap();
        (root, archive)
    }

    #[test]
    fn disk_errors_of_the_index_are_file_errors() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let e = index_error(full);
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(!e.is_content_error(), "exit code 2, not 1 (changed)");
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        match index_error(corrupt) {
            Error::Refused { hints, .. } => assert_eq!(hints, [crate::error::Hint::Reindex]),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_rebuild_that_fails_leaves_the_old_index() {
        let (root, archive) = filed("rebuild");
        let index = archive.root().join(INDEX_FILE);
        let before = fs::read(&index).unwrap();
        // The new index cannot be written (its name is taken by a folder).
        let fresh = archive.root().join(format!("{INDEX_FILE}.new"));
        fs::create_dir(&fresh).unwrap();
        fs::write(fresh.join("x"), b"x").unwrap();
        assert!(archive.reindex(false).is_err());
        assert_eq!(
            fs::read(&index).unwrap(),
            before,
            "the old index is untouched"
        );
        fs::remove_dir_all(&fresh).unwrap();
        assert_eq!(archive.reindex(false).unwrap().copies, 1);
        store::make_writable(&root);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn the_index_catches_up_with_copies_it_lacks() {
        let (root, archive) = filed("catchup");
        let index = archive.root().join(INDEX_FILE);
        let db = rusqlite::Connection::open(&index).unwrap();
        db.execute("DELETE FROM copies", []).unwrap();
        drop(db);
        let mut notes = Vec::new();
        let idx = archive.index(None, &mut notes).unwrap();
        assert_eq!(idx.records().unwrap().len(), 1);
        // A damaged file is rebuilt, with a note.
        drop(idx);
        fs::write(&index, b"not a database").unwrap();
        let mut notes = Vec::new();
        let idx = archive.index(None, &mut notes).unwrap();
        assert_eq!(idx.records().unwrap().len(), 1);
        assert!(notes.iter().any(|n| n.contains("重建")), "{notes:?}");
        store::make_writable(&root);
        let _ = fs::remove_dir_all(&root);
    }
}
