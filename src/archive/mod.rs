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
pub mod signed;
pub mod skeleton;
pub mod store;
pub mod text;
mod verify;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::error::{Error, Hint, Result};

pub use index::{Record, Scope};
pub use manifest::Manifest;
pub use next::{NextIssue, NextNote};
pub use query::{SearchQuery, MAX_QUERY_CHARS, SEARCH_PAGE};

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
    /// Sign the copy with this office key (`signed.pdf`, `manifest.p7s`)
    /// and, with an OFD, through its external signer (`signed.ofd`).
    pub sign: Option<crate::sign::Signer>,
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
#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    /// Its directory (not serialized: a server does not show its paths).
    #[serde(skip)]
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

/// What [`Archive::search`] found: a page of it.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// The sentences of the page, the latest copy first, each copy's in
    /// text order.
    pub hits: Vec<Hit>,
    /// How many sentences match in all.
    pub total: usize,
    /// In how many copies.
    pub copies: usize,
    /// How many matching sentences come before the page.
    pub offset: usize,
    /// What was done to the index on the way.
    pub notes: Vec<String>,
}

/// What [`Archive::list`] shows: a page of the copies with their state.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// The copies of the page, the latest first (register order backwards).
    pub copies: Vec<ListEntry>,
    /// How many copies the filter lets through in all.
    pub total: usize,
    /// How many of them are superseded by a correction.
    pub superseded: usize,
    /// How many come before the page.
    pub offset: usize,
    /// How many copies each bulletin has in each year (in the filter).
    pub counts: Vec<Count>,
    /// What was done to the index, or is wrong with the files.
    pub notes: Vec<String>,
    /// What to do about the notes (check the archive when a copy is
    /// missing or unreadable).
    pub hints: Vec<Hint>,
}

impl Listing {
    /// How many copies in the filter are in force: not superseded by a
    /// correction.
    pub fn current(&self) -> usize {
        self.total.saturating_sub(self.superseded)
    }
}

/// How many copies a bulletin has in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The bulletin's name.
    pub name: String,
    /// The year.
    pub year: u16,
    /// How many copies (corrections counted).
    pub copies: usize,
}

/// A copy in a [`Listing`].
#[derive(Debug, Clone, Serialize)]
pub struct ListEntry {
    /// The catalogue row.
    #[serde(flatten)]
    pub record: Record,
    /// Its issue label, `2024年第1期（总第57期）`.
    pub label: String,
    /// Whether it is in force.
    #[serde(flatten)]
    pub state: CopyState,
    /// Who signed it (the office key's name in the key register), when it
    /// was filed signed (`issue --sign`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
}

/// Whether a copy is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CopyState {
    /// In force, as first issued.
    Current,
    /// Replaced by the correction `by` (its id); kept as it was issued.
    Superseded {
        /// The id of the correction.
        by: String,
    },
    /// A correction in force: revision `revision` of the copy `of` (its id).
    Correction {
        /// 2, 3, …
        revision: u32,
        /// The id of the copy it corrects.
        of: String,
    },
}

/// Which copies [`Archive::list`] shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only bulletins whose name is or contains this.
    pub name: Option<String>,
    /// Only this year.
    pub year: Option<u16>,
    /// How many copies to pass over (the pages before).
    pub offset: usize,
    /// How many copies to show; all when `None`.
    pub limit: Option<usize>,
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
#[derive(Debug, Clone, Serialize)]
pub struct CopyDetails {
    /// The catalogue row.
    pub record: Record,
    /// The manifest, when it can be read.
    pub manifest: Option<Manifest>,
    /// The copy's directory (this and the other paths are not serialized:
    /// a server does not show its paths).
    #[serde(skip)]
    pub dir: PathBuf,
    /// The input file.
    #[serde(skip)]
    pub input: PathBuf,
    /// The PDF.
    #[serde(skip)]
    pub pdf: PathBuf,
    /// The manifest file.
    #[serde(skip)]
    pub manifest_file: PathBuf,
    /// The correction that supersedes this copy, when there is one.
    pub superseded_by: Option<Record>,
}

/// A sentence found by [`Archive::search`].
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The copy it is in.
    #[serde(rename = "copy")]
    pub record: Record,
    /// Its issue label, `2024年第1期（总第57期）`.
    pub label: String,
    /// The article or section.
    pub block: String,
    /// The sentence.
    pub sentence: String,
}

/// The state of one copy, as [`Archive::verify`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
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

/// How a filed output was compared when its copy was laid out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compared {
    /// Written again by its recorded writer, compared byte for byte.
    Bytes,
    /// Its writer is no longer in this program: the layout's fingerprint
    /// was compared with the one recorded.
    Layout,
    /// Nothing could be compared: the layout rules changed since it was
    /// filed, or no fingerprint this program can make was recorded. The
    /// file's hash (checked with every copy) is what proves it.
    Hashes,
}

/// One output of a copy, laid out again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputCheck {
    /// Its file in the copy.
    pub file: String,
    /// The writer recorded for it.
    pub writer: String,
    /// How it was compared.
    pub compared: Compared,
    /// Whether what was compared is the same (false for [`Compared::Hashes`]).
    pub same: bool,
}

/// The layout rules a copy was filed under, when they are not this program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RulesChanged {
    /// The rules recorded with the copy.
    pub filed: u32,
    /// This program's ([`crate::layout::RULES`]).
    pub now: u32,
}

/// The result of rendering an archived input again.
#[derive(Debug, Clone, Serialize)]
pub struct Rerender {
    /// Each output of the copy: how it was compared and whether it is the same.
    pub outputs: Vec<OutputCheck>,
    /// The weakest comparison of [`Rerender::outputs`]: [`Compared::Bytes`]
    /// when every output was written again.
    pub compared: Compared,
    /// Whether every output that could be compared is the same (bytes or
    /// layout), and at least one could be.
    pub identical: bool,
    /// The copy was filed under other layout rules than this program's: it
    /// was not laid out again, its files' hashes prove it.
    pub rules_changed: Option<RulesChanged>,
    /// Whether template, fonts and program were the same as when issued (so
    /// that identical bytes are expected).
    pub same_inputs: bool,
    /// Whether the copy could not be laid out again at all (its input or
    /// template unreadable, or refused): it is not proved.
    pub failed: bool,
    /// What differs (template, fonts, program) or what failed.
    pub notes: Vec<String>,
}

impl Rerender {
    /// A re-render that failed for `why`.
    fn failed(why: String) -> Rerender {
        Rerender {
            outputs: Vec::new(),
            compared: Compared::Hashes,
            identical: false,
            rules_changed: None,
            same_inputs: false,
            failed: true,
            notes: vec![why],
        }
    }

    /// Whether it shows a difference that must not be: different bytes or
    /// a different layout although template, fonts and program were the
    /// same as when the copy was filed, or no re-render at all.
    pub fn is_failure(&self) -> bool {
        self.failed
            || (self.same_inputs
                && self
                    .outputs
                    .iter()
                    .any(|o| o.compared != Compared::Hashes && !o.same))
    }
}

/// One copy in a verification report.
#[derive(Debug, Clone, Serialize)]
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

/// Which copies [`Archive::verify_with`] checks, and whom it tells how far
/// it got.
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// Only the copies filed on or after this day (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Only the copy of this id (at least 4 hex digits of its PDF's SHA-256).
    pub copy: Option<String>,
    /// Told (copies checked, copies to check) after each copy, from any thread.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// The result of [`Archive::reindex`].
#[derive(Debug, Clone, Default)]
pub struct Reindexed {
    /// How many copies the new index holds.
    pub copies: usize,
    /// What the old index said that the files no longer do (a forced rebuild).
    pub disagreements: Vec<String>,
    /// Where the old index was kept, when it disagreed.
    pub kept: Option<PathBuf>,
}

/// The result of [`Archive::verify`].
#[derive(Debug, Clone, Default, Serialize)]
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
    /// What to do (rebuild the index when it was changed).
    pub hints: Vec<Hint>,
}

impl VerifyReport {
    /// Whether every copy is intact (and the index agrees with them).
    pub fn all_intact(&self) -> bool {
        self.copies.iter().all(|c| c.status == Status::Intact) && self.index_problems.is_empty()
    }

    /// Whether some copy could not be laid out again, or gave different
    /// bytes although template, fonts and program were the same.
    pub fn rerender_failed(&self) -> bool {
        self.copies
            .iter()
            .any(|c| c.rerender.as_ref().is_some_and(Rerender::is_failure))
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
    Error::Refused {
        message: format!("档案索引出错（{e}）：需要从文件重建索引"),
        hints: vec![Hint::Reindex],
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
