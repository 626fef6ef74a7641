//! The archive of issued copies: a register that nobody can silently change.
//!
//! Files are the record: each issued copy is a read-only directory with the
//! exact input, the exact PDF/A that was issued and a manifest of hashes
//! ([`manifest`]), filed atomically under a lock ([`store`]). The manifests
//! form a chain (each names the hash of the one filed before), so a copy that
//! is edited or deleted is found by [`Archive::verify`]. An SQLite database
//! ([`index`]) holds the catalogue and a bigram full-text index ([`text`]);
//! it is rebuilt from the files whenever it is missing or damaged.
//!
//! One file a concern: filing ([`Archive::issue`], `issue.rs`), the index's
//! upkeep (`catalog.rs`), finding copies (`query.rs`), proving them
//! (`verify.rs`), and the next issue's skeleton (`next.rs`).

mod catalog;
pub mod index;
mod issue;
pub mod manifest;
mod next;
mod previous;
mod query;
pub mod register;
pub mod skeleton;
pub mod store;
pub mod text;
mod verify;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::{Error, Result};

pub use index::Record;
pub use manifest::Manifest;
pub use next::{NextIssue, NextNote};

use store::{FoundCopy, Store};

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
    /// File a correction of this issued copy (which stays as it was).
    pub supersedes: Option<Correction>,
    /// Also file an OFD (GB/T 33190-2016) of the same layout beside the PDF.
    pub ofd: bool,
}

/// A correction of an issued copy (`issue --supersedes ID --reason …`).
#[derive(Debug, Clone)]
pub struct Correction {
    /// The id of the copy corrected (at least 4 hex digits of its PDF's SHA-256).
    pub id: String,
    /// Why (recorded in the manifest, shown by `show` and `verify`).
    pub reason: String,
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
    /// By name (or a unique part of it, or the bulletin's folder name),
    /// series, year and issue; the latest correction when corrected.
    Key {
        /// The name.
        name: String,
        /// The series of a supplement; `None` for the regular issues.
        supplement: Option<String>,
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
    /// The correction that supersedes this copy, when there is one.
    pub superseded_by: Option<Record>,
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
    /// Whether the new PDF is byte for byte the issued one (and the OFD,
    /// when one was filed); with [`Rerender::by_layout`], whether the layout
    /// is the one filed.
    pub identical: bool,
    /// The copy's PDF writer is one this program no longer has: the layout
    /// was compared instead of the bytes.
    pub by_layout: bool,
    /// Whether template, fonts and program were the same as when issued (so
    /// that identical bytes are expected).
    pub same_inputs: bool,
    /// Whether the copy could not be laid out again at all (its input or
    /// template unreadable, or refused): it is not proved.
    pub failed: bool,
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
    /// The id of the correction that supersedes this copy, if any.
    pub superseded_by: Option<String>,
    /// The id of the copy this one corrects, and why.
    pub corrects: Option<(String, String)>,
}

/// The result of [`Archive::verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Every copy, in register order.
    pub copies: Vec<CopyCheck>,
    /// Rows of the index that no copy on disk stands behind, or that say
    /// something else than their copy's manifest: the index was changed (it
    /// is rebuilt from the files).
    pub index_problems: Vec<String>,
    /// The last link of the register: sequence number and manifest SHA-256.
    /// Writing it down elsewhere lets a later check notice a deleted last copy.
    pub head: Option<(u64, String)>,
    /// Things noticed on the way (index rebuilt, leftovers ignored).
    pub notes: Vec<String>,
}

impl VerifyReport {
    /// Whether every copy is intact (and the index agrees with them).
    pub fn all_intact(&self) -> bool {
        self.copies.iter().all(|c| c.status == Status::Intact) && self.index_problems.is_empty()
    }

    /// Whether some copy could not be laid out again, or gave different
    /// bytes although template, fonts and program were the same.
    pub fn rerender_failed(&self) -> bool {
        self.copies.iter().any(|c| {
            c.rerender
                .as_ref()
                .is_some_and(|r| r.failed || (r.same_inputs && !r.identical))
        })
    }
}

/// An error of the index: one of the disk (full, read-only, unreadable) is a
/// file error (exit code 2); others say the index is damaged.
fn index_error(e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode::*;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if matches!(
            f.code,
            DiskFull
                | SystemIoFailure
                | CannotOpen
                | ReadOnly
                | PermissionDenied
                | FileLockingProtocolFailed
        ) {
            return Error::io(
                index::INDEX_FILE,
                std::io::Error::other(format!("档案索引无法读写（{e}）：请检查磁盘空间和权限")),
            );
        }
    }
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

    /// An error unless the archive's folder exists.
    fn require(&self) -> Result<()> {
        if self.store.exists() {
            Ok(())
        } else {
            Err(Error::io(
                self.root(),
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "这里没有档案库：请指定档案库的位置（或设环境变量 {ARCHIVE_ENV}），或先签发归档一期"
                    ),
                ),
            ))
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
