//! The archive's index: an SQLite database (`index.sqlite`) with the
//! catalogue of filed copies and an FTS5 full-text index of their sentences,
//! tokenized into bigrams by [`super::text`]. It is a cache of the files:
//! every row can be rebuilt from `copies/`, and is, when the database is
//! missing or damaged.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::manifest::{Key, Manifest};
use super::text::{index_tokens, Sentence};

/// The file name of the index inside the archive.
pub const INDEX_FILE: &str = "index.sqlite";
/// The schema version, kept in SQLite's `user_version`.
/// 2: supplements and corrections (an index of version 1 is rebuilt).
/// 3: every lookup a command makes answered by the index alone: each copy's
/// series key and the key of the copy filed before it, the order it was
/// taken in (`num`), sentences numbered `num << 24 | pos`, the state of the
/// folders of copies (an index of version 2 is migrated in place).
const SCHEMA_VERSION: i64 = 3;

/// Sentence rowids: the copy's `num` shifted by this many bits, plus the
/// sentence's position (an input of 4 MB has far fewer than 2^24 sentences).
pub const POS_BITS: u32 = 24;

/// The largest position of a sentence in a copy.
const POS_MASK: i64 = (1 << POS_BITS) - 1;

/// The rowid of sentence `pos` of the copy taken in as `num`: the copy in
/// the high bits, the position counted down from [`POS_MASK`] in the low
/// ones, so that descending rowids give the latest copy first and each
/// copy's sentences in text order.
pub fn text_rowid(num: i64, pos: i64) -> i64 {
    (num << POS_BITS) | (POS_MASK - pos.clamp(0, POS_MASK))
}

/// The schema of version 2, kept to test the migration.
#[cfg(test)]
pub(crate) const SCHEMA_V2: &str = "
CREATE TABLE IF NOT EXISTS copies (
    dir             TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    issue           INTEGER NOT NULL,
    total_issue     INTEGER,
    date            TEXT NOT NULL,
    pages           INTEGER NOT NULL,
    title           TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    input_sha256    TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    supplement      TEXT,
    revision        INTEGER NOT NULL,
    supersedes      TEXT
);
CREATE INDEX IF NOT EXISTS copies_key ON copies(name, year, issue);
CREATE INDEX IF NOT EXISTS copies_id ON copies(id);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(
    tokens,
    sentence UNINDEXED,
    block UNINDEXED,
    dir UNINDEXED,
    pos UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);
";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS copies (
    dir             TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    issue           INTEGER NOT NULL,
    total_issue     INTEGER,
    date            TEXT NOT NULL,
    pages           INTEGER NOT NULL,
    title           TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    input_sha256    TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    supplement      TEXT,
    revision        INTEGER NOT NULL,
    supersedes      TEXT,
    num             INTEGER,
    nname           TEXT,
    nseries         TEXT,
    prev_key        TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(
    tokens,
    sentence UNINDEXED,
    block UNINDEXED,
    dir UNINDEXED,
    pos UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);
";

/// The indexes of version 3 (also made by the migration from version 2).
const INDEXES_V3: &str = "
CREATE INDEX IF NOT EXISTS copies_key ON copies(name, year, issue);
CREATE INDEX IF NOT EXISTS copies_id ON copies(id);
CREATE UNIQUE INDEX IF NOT EXISTS copies_num ON copies(num);
CREATE INDEX IF NOT EXISTS copies_seq ON copies(seq, dir);
CREATE INDEX IF NOT EXISTS copies_series ON copies(nname, nseries, year, issue);
CREATE INDEX IF NOT EXISTS copies_year ON copies(year, seq);
CREATE INDEX IF NOT EXISTS copies_pdf ON copies(pdf_sha256);
CREATE INDEX IF NOT EXISTS copies_supersedes ON copies(supersedes);
CREATE INDEX IF NOT EXISTS copies_prev ON copies(prev_key);
CREATE TABLE IF NOT EXISTS dirstate (
    path  TEXT PRIMARY KEY,
    stamp TEXT NOT NULL
);
";

/// Copies the index took in when it found them on disk, not from `issue`
/// (which writes its copy's row itself) nor from an explicit rebuild: a
/// copy put there by hand, or one whose filing was cut off. Made on open,
/// so that an index of an earlier version gains it without a rebuild.
const UNCONFIRMED: &str = "
CREATE TABLE IF NOT EXISTS unconfirmed (
    dir TEXT PRIMARY KEY
);
";

/// One copy in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    /// Its directory relative to the archive.
    pub dir: String,
    /// Its place in the register.
    pub seq: u64,
    /// Short id (12 hex digits of the PDF's SHA-256).
    pub id: String,
    /// 简报名称.
    pub name: String,
    /// The series of a supplement; `None` for a regular issue.
    pub supplement: Option<String>,
    /// Year.
    pub year: u16,
    /// 期号.
    pub issue: u32,
    /// 总期号.
    pub total_issue: Option<u32>,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Pages.
    pub pages: usize,
    /// Title of the first article.
    pub title: String,
    /// When it was filed.
    pub issued_at: String,
    /// SHA-256 of the PDF.
    pub pdf_sha256: String,
    /// SHA-256 of the input.
    pub input_sha256: String,
    /// SHA-256 of the manifest file.
    pub manifest_sha256: String,
    /// 1 as first issued; 2, 3, … for corrections.
    pub revision: u32,
    /// The folder of the copy this one corrects.
    pub supersedes: Option<String>,
}

impl Record {
    /// The catalogue row for a manifest.
    pub fn from_manifest(dir: &str, m: &Manifest, manifest_sha256: &str) -> Record {
        Record {
            dir: dir.to_string(),
            seq: m.sequence,
            id: m.id(),
            name: m.name.clone(),
            supplement: m.supplement.clone(),
            year: m.year,
            issue: m.issue,
            total_issue: m.total_issue,
            date: m.date.clone(),
            pages: m.pages,
            title: m.title.clone(),
            issued_at: m.issued_at.clone(),
            pdf_sha256: m.pdf().sha256.clone(),
            input_sha256: m.input.sha256.clone(),
            manifest_sha256: manifest_sha256.to_string(),
            revision: m.revision,
            supersedes: m.supersedes.as_ref().map(|s| s.dir.clone()),
        }
    }

    /// `2024年第1期（总第57期）`, `2024年增刊第1期`.
    pub fn issue_label(&self) -> String {
        super::manifest::issue_label(
            self.year,
            self.supplement.as_deref(),
            self.issue,
            self.total_issue,
        )
    }

    /// The register's key of this copy.
    pub fn key(&self) -> super::manifest::Key {
        let (name, series) = super::manifest::series_key(&self.name, self.supplement.as_deref());
        (name, series, self.year, self.issue)
    }
}

/// A sentence found by a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRow {
    /// The copy's directory.
    pub dir: String,
    /// The article or section it belongs to.
    pub block: String,
    /// The sentence.
    pub sentence: String,
    /// Its position in the copy's text.
    pub pos: i64,
}

/// A row of the full-text index as stored: position, block, sentence, tokens.
pub type TextEntry = (i64, String, String, String);

/// An open index.
#[derive(Debug)]
pub struct Index {
    conn: Connection,
}

const COLUMNS: &str = "dir, seq, id, name, year, issue, total_issue, date, pages, title, \
                       issued_at, pdf_sha256, input_sha256, manifest_sha256, supplement, \
                       revision, supersedes";
const COLUMNS_C: &str = "c.dir, c.seq, c.id, c.name, c.year, c.issue, c.total_issue, c.date, \
                         c.pages, c.title, c.issued_at, c.pdf_sha256, c.input_sha256, \
                         c.manifest_sha256, c.supplement, c.revision, c.supersedes";

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        dir: row.get(0)?,
        seq: row.get::<_, i64>(1)? as u64,
        id: row.get(2)?,
        name: row.get(3)?,
        year: row.get::<_, i64>(4)? as u16,
        issue: row.get::<_, i64>(5)? as u32,
        total_issue: row.get::<_, Option<i64>>(6)?.map(|t| t as u32),
        date: row.get(7)?,
        pages: row.get::<_, i64>(8)? as usize,
        title: row.get(9)?,
        issued_at: row.get(10)?,
        pdf_sha256: row.get(11)?,
        input_sha256: row.get(12)?,
        manifest_sha256: row.get(13)?,
        supplement: row.get(14)?,
        revision: row.get::<_, i64>(15)? as u32,
        supersedes: row.get(16)?,
    })
}

/// Which copies a listing or a search covers, as the index applies it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only bulletins whose name (normalized) contains this (normalized).
    pub name: Option<String>,
    /// Only this year.
    pub year: Option<u16>,
    /// Only copies dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only copies dated on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Only supplements (`Some(true)`) or only regular issues (`Some(false)`).
    pub supplement: Option<bool>,
}

impl Scope {
    /// Whether it lets every copy through.
    pub fn is_everything(&self) -> bool {
        *self == Scope::default()
    }

    /// The SQL conditions on the copies' table `c` (joined with AND, `1`
    /// when none), with their parameters appended to `values`.
    fn conditions(&self, values: &mut Vec<rusqlite::types::Value>) -> String {
        use rusqlite::types::Value;
        let mut out = vec!["1".to_string()];
        if let Some(n) = &self.name {
            values.push(Value::Text(super::store::normalize_name(n)));
            out.push(format!("instr(c.nname, ?{}) > 0", values.len()));
        }
        if let Some(y) = self.year {
            values.push(Value::Integer(y.into()));
            out.push(format!("c.year = ?{}", values.len()));
        }
        if let Some(d) = &self.from {
            values.push(Value::Text(d.clone()));
            out.push(format!("c.date >= ?{}", values.len()));
        }
        if let Some(d) = &self.to {
            values.push(Value::Text(d.clone()));
            out.push(format!("c.date <= ?{}", values.len()));
        }
        match self.supplement {
            Some(true) => out.push("c.supplement IS NOT NULL".into()),
            Some(false) => out.push("c.supplement IS NULL".into()),
            None => {}
        }
        out.join(" AND ")
    }
}

/// A page of sentences found, newest copy first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextPage {
    /// The sentences of the page, with the `num` of their copy.
    pub rows: Vec<(i64, TextRow)>,
    /// How many sentences match in all.
    pub total: usize,
    /// In how many copies.
    pub copies: usize,
}

/// The key of a copy as the index keeps it in `prev_key`.
pub fn key_text(key: &Key) -> String {
    format!("{}\u{1f}{}\u{1f}{}\u{1f}{}", key.0, key.1, key.2, key.3)
}

/// A directory's state as [`Index::stamps`] records it: inode, modification
/// and change times (a folder gains or loses an entry: they change; the
/// change time cannot be set back by its owner).
pub fn stamp(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{}:{}.{}:{}.{}",
            meta.ino(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        )
    }
    #[cfg(not(unix))]
    {
        let t = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{t}")
    }
}

impl Index {
    /// Open (creating when missing) the index at `path` and check that it is
    /// a database of this schema; one of version 2 is migrated to it in
    /// place. Any error means: rebuild it.
    pub fn open(path: &Path) -> rusqlite::Result<Index> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA} {INDEXES_V3} {UNCONFIRMED} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))?;
        } else if version == 2 {
            migrate_v2(&conn)?;
        } else if version != SCHEMA_VERSION {
            return Err(rusqlite::Error::InvalidQuery);
        }
        let has_unconfirmed: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'unconfirmed'",
            [],
            |r| r.get(0),
        )?;
        if has_unconfirmed == 0 {
            conn.execute_batch(UNCONFIRMED)?;
        }
        // Touch both tables, so that a damaged file shows here.
        conn.query_row("SELECT count(*) FROM copies WHERE rowid = 1", [], |r| {
            r.get::<_, i64>(0)
        })?;
        conn.query_row("SELECT count(*) FROM text WHERE rowid = 1", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(Index { conn })
    }

    /// SQLite's own consistency check of the file: `PRAGMA quick_check` of
    /// every table and its indexes (the full-text index's tables among
    /// them); `Ok(())` when it says "ok". It reads the whole file: `verify`
    /// asks for it, the commands that answer at once do not. The full-text
    /// index's own check (which tokenizes every sentence again, most of the
    /// time of a whole check) is left to `verify`'s comparison of every
    /// sentence with its copy.
    pub fn check(&self) -> rusqlite::Result<Result<(), String>> {
        let tables: Vec<String> = {
            let mut st = self.conn.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for t in tables {
            let verdict: String = self.conn.query_row(
                &format!("PRAGMA quick_check(\"{}\")", t.replace('"', "\"\"")),
                [],
                |r| r.get(0),
            )?;
            if verdict != "ok" {
                return Ok(Err(verdict));
            }
        }
        self.conn
            .query_row("SELECT count(*) FROM text WHERE text MATCH 'x*'", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(Ok(()))
    }

    /// The directories in the catalogue, with their manifest hashes.
    pub fn dirs(&self) -> rusqlite::Result<BTreeMap<String, String>> {
        let mut st = self
            .conn
            .prepare("SELECT dir, manifest_sha256 FROM copies")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// Run `f` in one transaction (many inserts are then written at once).
    pub fn batch<T>(
        &mut self,
        f: impl FnOnce(&mut Index) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Add (or replace) a copy and its sentences (a copy `issue` filed, or
    /// one an explicit rebuild found: not [`Index::unconfirmed`]).
    /// `previous` is the key of the copy its manifest names as filed before
    /// it, so that a deleted copy's number stays used.
    pub fn insert(
        &mut self,
        rec: &Record,
        previous: Option<&Key>,
        sentences: &[Sentence],
    ) -> rusqlite::Result<()> {
        let tx = self.conn.savepoint()?;
        tx.execute("DELETE FROM unconfirmed WHERE dir = ?1", params![rec.dir])?;
        let old: Option<i64> = tx
            .query_row(
                "SELECT num FROM copies WHERE dir = ?1",
                params![rec.dir],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if let Some(old) = old {
            // By rowid: `dir` is not indexed in the full-text table.
            tx.execute(
                "DELETE FROM text WHERE rowid BETWEEN ?1 AND ?2",
                params![text_rowid(old, POS_MASK), text_rowid(old, 0)],
            )?;
        }
        tx.execute("DELETE FROM copies WHERE dir = ?1", params![rec.dir])?;
        let num: i64 = tx.query_row("SELECT coalesce(max(num), 0) + 1 FROM copies", [], |r| {
            r.get(0)
        })?;
        let (nname, nseries) = super::manifest::series_key(&rec.name, rec.supplement.as_deref());
        tx.execute(
            &format!(
                "INSERT INTO copies ({COLUMNS}, num, nname, nseries, prev_key) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
                  ?18, ?19, ?20, ?21)"
            ),
            params![
                rec.dir,
                rec.seq as i64,
                rec.id,
                rec.name,
                rec.year,
                rec.issue,
                rec.total_issue,
                rec.date,
                rec.pages as i64,
                rec.title,
                rec.issued_at,
                rec.pdf_sha256,
                rec.input_sha256,
                rec.manifest_sha256,
                rec.supplement,
                rec.revision,
                rec.supersedes,
                num,
                nname,
                nseries,
                previous.map(key_text),
            ],
        )?;
        {
            let mut st = tx.prepare(
                "INSERT INTO text (rowid, tokens, sentence, block, dir, pos) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (pos, s) in sentences.iter().enumerate() {
                st.execute(params![
                    text_rowid(num, pos as i64),
                    index_tokens(&s.text),
                    s.text,
                    s.block,
                    rec.dir,
                    pos as i64
                ])?;
            }
        }
        tx.commit()
    }

    /// Remove every row (before a rebuild).
    pub fn clear(&mut self) -> rusqlite::Result<()> {
        self.conn.execute_batch(
            "BEGIN IMMEDIATE; DELETE FROM copies; DELETE FROM text; DELETE FROM unconfirmed; \
             DELETE FROM dirstate; COMMIT;",
        )
    }

    /// Record that the copy in `dir` was taken in when it was found on disk.
    pub fn mark_unconfirmed(&mut self, dir: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO unconfirmed (dir) VALUES (?1)",
            params![dir],
        )?;
        Ok(())
    }

    /// The copies taken in when they were found on disk (see [`UNCONFIRMED`]).
    pub fn unconfirmed(&self) -> rusqlite::Result<std::collections::BTreeSet<String>> {
        let mut st = self.conn.prepare("SELECT dir FROM unconfirmed")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// The folder states recorded when the index last agreed with the
    /// folders of copies, by folder (relative to the archive).
    pub fn stamps(&self) -> rusqlite::Result<BTreeMap<String, String>> {
        let mut st = self.conn.prepare("SELECT path, stamp FROM dirstate")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// Record the folder states `stamps` (all of them, replacing the others
    /// when `all`; else only these folders).
    pub fn set_stamps(
        &mut self,
        stamps: &BTreeMap<String, String>,
        all: bool,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.savepoint()?;
        if all {
            tx.execute("DELETE FROM dirstate", [])?;
        }
        for (path, stamp) in stamps {
            tx.execute(
                "INSERT OR REPLACE INTO dirstate (path, stamp) VALUES (?1, ?2)",
                params![path, stamp],
            )?;
        }
        tx.commit()
    }

    /// Every sentence the full-text index holds under the copy in `dir`
    /// (found by its number), in order.
    pub fn texts_of(&self, dir: &str) -> rusqlite::Result<Vec<TextEntry>> {
        let num: Option<i64> = self
            .conn
            .query_row("SELECT num FROM copies WHERE dir = ?1", params![dir], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        let Some(num) = num else {
            return Ok(Vec::new());
        };
        let mut st = self.conn.prepare_cached(
            "SELECT pos, block, sentence, tokens, dir FROM text \
             WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid DESC",
        )?;
        let rows = st.query_map(
            params![text_rowid(num, POS_MASK), text_rowid(num, 0)],
            |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?),
                    r.get::<_, String>(4)?,
                ))
            },
        )?;
        // A row numbered for this copy but naming another folder is not
        // this copy's text (the comparison then finds it missing).
        Ok(rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|(_, d)| d == dir)
            .map(|(t, _)| t)
            .collect())
    }

    /// How many copies the catalogue holds.
    pub fn count(&self) -> rusqlite::Result<usize> {
        self.conn
            .query_row("SELECT count(*) FROM copies", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
    }

    /// Every sentence of the full-text index, by copy directory, in order.
    pub fn texts(&self) -> rusqlite::Result<BTreeMap<String, Vec<TextEntry>>> {
        let mut st = self
            .conn
            .prepare("SELECT dir, pos, block, sentence, tokens FROM text ORDER BY dir, pos")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
            ))
        })?;
        let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for row in rows {
            let (dir, t) = row?;
            out.entry(dir).or_default().push(t);
        }
        Ok(out)
    }

    /// How many sentences the full-text index holds (from its table of
    /// sentence sizes, not its text).
    pub fn text_count(&self) -> rusqlite::Result<usize> {
        self.conn
            .query_row("SELECT count(*) FROM text_docsize", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
    }

    /// The directories that have sentences in the full-text index.
    pub fn text_dirs(&self) -> rusqlite::Result<std::collections::BTreeSet<String>> {
        let mut st = self.conn.prepare("SELECT DISTINCT dir FROM text")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Every copy in the catalogue, in register order.
    pub fn records(&self) -> rusqlite::Result<Vec<Record>> {
        self.select("1 ORDER BY c.seq, c.dir", [])
    }

    /// The copies matching `sql` (conditions on `c`, then any ORDER or LIMIT).
    fn select(&self, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<Vec<Record>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS_C} FROM copies c WHERE {sql}"))?;
        let rows = st.query_map(p, record)?;
        rows.collect()
    }

    /// The copy in `dir`, when catalogued.
    pub fn record(&self, dir: &str) -> rusqlite::Result<Option<Record>> {
        Ok(self.select("c.dir = ?1", params![dir])?.into_iter().next())
    }

    /// The copy taken in as `num`.
    pub fn record_by_num(&self, num: i64) -> rusqlite::Result<Option<Record>> {
        Ok(self.select("c.num = ?1", params![num])?.into_iter().next())
    }

    /// The register's last link: the copy with the highest place.
    pub fn head(&self) -> rusqlite::Result<Option<Record>> {
        Ok(self
            .select("1 ORDER BY c.seq DESC, c.dir DESC LIMIT 1", [])?
            .into_iter()
            .next())
    }

    /// The copies in place `seq` of the register.
    pub fn at_seq(&self, seq: u64) -> rusqlite::Result<Vec<Record>> {
        self.select("c.seq = ?1 ORDER BY c.dir", params![seq as i64])
    }

    /// The copies filed on or after the day `day` (`YYYY-MM-DD`; all when
    /// empty), in register order.
    pub fn filed_since(&self, day: &str) -> rusqlite::Result<Vec<Record>> {
        self.select(
            "substr(c.issued_at, 1, 10) >= ?1 ORDER BY c.seq, c.dir",
            params![day],
        )
    }

    /// The copies whose PDF's SHA-256 starts with `prefix` (lower-case hex),
    /// at most `limit`.
    pub fn by_pdf_prefix(&self, prefix: &str, limit: usize) -> rusqlite::Result<Vec<Record>> {
        self.select(
            "c.pdf_sha256 >= ?1 AND c.pdf_sha256 < ?2 ORDER BY c.seq, c.dir LIMIT ?3",
            params![prefix, format!("{prefix}g"), limit as i64],
        )
    }

    /// The copies of a key (every revision), in register order.
    pub fn by_key(&self, key: &Key) -> rusqlite::Result<Vec<Record>> {
        self.select(
            "c.nname = ?1 AND c.nseries = ?2 AND c.year = ?3 AND c.issue = ?4 \
             ORDER BY c.seq, c.dir",
            params![key.0, key.1, key.2, key.3],
        )
    }

    /// Whether a copy has the key `key`, or names it as the copy filed
    /// before it.
    pub fn used(&self, key: &Key) -> rusqlite::Result<bool> {
        if !self.by_key(key)?.is_empty() {
            return Ok(true);
        }
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM copies WHERE prev_key = ?1",
            params![key_text(key)],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// The copies of a series that the numbering warnings of an issue
    /// numbered `key` with total `total` look at: those of its year, those
    /// with the same total, one of an earlier year, the one before it and
    /// the latest before it with a greater total. In register order.
    pub fn neighbours(&self, key: &Key, total: Option<u32>) -> rusqlite::Result<Vec<Record>> {
        let (n, s, y, i) = (&key.0, &key.1, key.2, key.3);
        let mut out = self.select(
            "c.nname = ?1 AND c.nseries = ?2 AND c.year = ?3",
            params![n, s, y],
        )?;
        out.extend(self.select(
            "c.nname = ?1 AND c.nseries = ?2 AND c.year < ?3 LIMIT 1",
            params![n, s, y],
        )?);
        out.extend(self.select(
            "c.nname = ?1 AND c.nseries = ?2 AND (c.year < ?3 OR (c.year = ?3 AND c.issue < ?4)) \
             ORDER BY c.year DESC, c.issue DESC LIMIT 1",
            params![n, s, y, i],
        )?);
        if let Some(t) = total {
            out.extend(self.select(
                "c.nname = ?1 AND c.nseries = ?2 AND c.total_issue = ?3",
                params![n, s, t],
            )?);
            out.extend(self.select(
                "c.nname = ?1 AND c.nseries = ?2 AND (c.year < ?3 OR (c.year = ?3 AND c.issue < ?4)) \
                 AND c.total_issue > ?5 ORDER BY c.year DESC, c.issue DESC LIMIT 1",
                params![n, s, y, i, t],
            )?);
        }
        out.sort_by(|a, b| (a.seq, &a.dir).cmp(&(b.seq, &b.dir)));
        out.dedup_by(|a, b| a.dir == b.dir);
        Ok(out)
    }

    /// The latest copies of a series (by year, issue, revision), at most `limit`.
    pub fn latest(&self, series: &(String, String), limit: usize) -> rusqlite::Result<Vec<Record>> {
        self.select(
            "c.nname = ?1 AND c.nseries = ?2 \
             ORDER BY c.year DESC, c.issue DESC, c.revision DESC LIMIT ?3",
            params![series.0, series.1, limit as i64],
        )
    }

    /// The correction that supersedes the copy in `dir`, when there is one.
    pub fn superseding(&self, dir: &str) -> rusqlite::Result<Option<Record>> {
        Ok(self
            .select("c.supersedes = ?1 ORDER BY c.seq LIMIT 1", params![dir])?
            .into_iter()
            .next())
    }

    /// The copies of bulletins named exactly `name`, or (when none) kept in
    /// the folder `name`, or (when none) whose name contains it: the names.
    pub fn names_like(&self, name: &str) -> rusqlite::Result<Vec<String>> {
        let distinct = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> rusqlite::Result<Vec<String>> {
            let mut st = self.conn.prepare_cached(sql)?;
            let rows = st.query_map(p, |r| r.get(0))?;
            rows.collect()
        };
        let exact = distinct("SELECT DISTINCT name FROM copies WHERE name = ?1", &[&name])?;
        if !exact.is_empty() {
            return Ok(exact);
        }
        let folder = format!("{}/{name}/", super::store::COPIES);
        let end = format!("{}/{name}0", super::store::COPIES);
        let by_folder = distinct(
            "SELECT DISTINCT name FROM copies WHERE dir >= ?1 AND dir < ?2",
            &[&folder, &end],
        )?;
        if !by_folder.is_empty() {
            return Ok(by_folder);
        }
        distinct(
            "SELECT DISTINCT name FROM copies WHERE instr(name, ?1) > 0 ORDER BY name",
            &[&name],
        )
    }

    /// The copies named `name`, of series `series` (normalized), year and
    /// issue, in register order.
    pub fn by_name_number(
        &self,
        name: &str,
        series: &str,
        year: u16,
        issue: u32,
    ) -> rusqlite::Result<Vec<Record>> {
        self.select(
            "c.name = ?1 AND c.nseries = ?2 AND c.year = ?3 AND c.issue = ?4 ORDER BY c.seq",
            params![name, series, year, issue],
        )
    }

    /// A page of the catalogue in `scope`, the latest first (register order
    /// backwards); all of it when `limit` is `None`. With the number of
    /// copies in scope.
    pub fn page(
        &self,
        scope: &Scope,
        offset: usize,
        limit: Option<usize>,
    ) -> rusqlite::Result<(Vec<Record>, usize)> {
        let mut values = Vec::new();
        let cond = scope.conditions(&mut values);
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM copies c WHERE {cond}"),
            rusqlite::params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let limit = limit.map_or(-1, |l| l as i64);
        let rows = self.select(
            &format!(
                "{cond} ORDER BY c.seq DESC, c.dir DESC LIMIT {limit} OFFSET {}",
                offset as i64
            ),
            rusqlite::params_from_iter(values.iter()),
        )?;
        Ok((rows, total as usize))
    }

    /// How many copies in `scope` are superseded by a correction.
    pub fn superseded(&self, scope: &Scope) -> rusqlite::Result<usize> {
        let mut values = Vec::new();
        let cond = scope.conditions(&mut values);
        self.conn.query_row(
            // From the corrections (few), each to the copy it supersedes.
            &format!(
                "SELECT count(DISTINCT c.dir) FROM copies s JOIN copies c ON c.dir = s.supersedes \
                 WHERE s.supersedes IS NOT NULL AND {cond}"
            ),
            rusqlite::params_from_iter(values.iter()),
            |r| r.get::<_, i64>(0).map(|n| n as usize),
        )
    }

    /// The number of copies in `scope` by bulletin name and year.
    pub fn counts(&self, scope: &Scope) -> rusqlite::Result<Vec<(String, u16, usize)>> {
        let mut values = Vec::new();
        let cond = scope.conditions(&mut values);
        let mut st = self.conn.prepare(&format!(
            "SELECT c.name, c.year, count(*) FROM copies c WHERE {cond} \
             GROUP BY c.name, c.year ORDER BY c.name, c.year DESC"
        ))?;
        let rows = st.query_map(rusqlite::params_from_iter(values.iter()), |r| {
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? as u16,
                r.get::<_, i64>(2)? as usize,
            ))
        })?;
        rows.collect()
    }

    /// Sentences matching an FTS5 query, in register and text order.
    pub fn search(&self, fts: &str) -> rusqlite::Result<Vec<TextRow>> {
        let mut st = self.conn.prepare(
            "SELECT t.dir, t.block, t.sentence, t.pos FROM text t \
             JOIN copies c ON c.dir = t.dir \
             WHERE text MATCH ?1 ORDER BY c.seq, t.dir, t.pos",
        )?;
        let rows = st.query_map(params![fts], |r| {
            Ok(TextRow {
                dir: r.get(0)?,
                block: r.get(1)?,
                sentence: r.get(2)?,
                pos: r.get(3)?,
            })
        })?;
        rows.collect()
    }

    /// A page of the sentences matching the FTS5 query `fts` in `scope`,
    /// the copy taken in last first, each copy's sentences in text order.
    /// When `exact` is `None`, every row the query finds is a match (and
    /// counting is the index's); otherwise a row matches when `exact`
    /// says so of its sentence, and every candidate is read.
    pub fn search_page(
        &self,
        fts: &str,
        scope: &Scope,
        exact: Option<&dyn Fn(&str) -> bool>,
        offset: usize,
        limit: usize,
    ) -> rusqlite::Result<TextPage> {
        use rusqlite::types::Value;
        let mut values = vec![Value::Text(fts.to_string())];
        let (from, cond) = if scope.is_everything() {
            ("text t".to_string(), "1".to_string())
        } else {
            let cond = scope.conditions(&mut values);
            (
                format!("text t JOIN copies c ON c.num = (t.rowid >> {POS_BITS})"),
                cond,
            )
        };
        // Rowids run backwards within a copy: one descending order gives
        // the latest copy first and its sentences in text order.
        let order = "ORDER BY t.rowid DESC";
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, TextRow)> {
            Ok((
                r.get::<_, i64>(0)? >> POS_BITS,
                TextRow {
                    dir: r.get(1)?,
                    block: r.get(2)?,
                    sentence: r.get(3)?,
                    pos: r.get(4)?,
                },
            ))
        };
        let mut page = TextPage::default();
        match exact {
            None => {
                let (total, copies): (i64, i64) = self.conn.query_row(
                    &format!(
                        "SELECT count(*), count(DISTINCT t.rowid >> {POS_BITS}) FROM {from} \
                         WHERE t.text MATCH ?1 AND {cond}"
                    ),
                    rusqlite::params_from_iter(values.iter()),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                page.total = total as usize;
                page.copies = copies as usize;
                let mut st = self.conn.prepare(&format!(
                    "SELECT t.rowid, t.dir, t.block, t.sentence, t.pos FROM {from} \
                     WHERE t.text MATCH ?1 AND {cond} {order} LIMIT {} OFFSET {}",
                    limit as i64, offset as i64
                ))?;
                let rows = st.query_map(rusqlite::params_from_iter(values.iter()), row)?;
                page.rows = rows.collect::<rusqlite::Result<_>>()?;
            }
            Some(keep) => {
                let mut st = self.conn.prepare(&format!(
                    "SELECT t.rowid, t.dir, t.block, t.sentence, t.pos FROM {from} \
                     WHERE t.text MATCH ?1 AND {cond} {order}"
                ))?;
                let rows = st.query_map(rusqlite::params_from_iter(values.iter()), row)?;
                let mut last = None;
                for r in rows {
                    let (num, t) = r?;
                    if !keep(&t.sentence) {
                        continue;
                    }
                    if page.total >= offset && page.rows.len() < limit {
                        page.rows.push((num, t));
                    }
                    page.total += 1;
                    if last != Some(num) {
                        page.copies += 1;
                        last = Some(num);
                    }
                }
            }
        }
        Ok(page)
    }
}

/// Migrate an index of version 2 in place (sentences under a folder with
/// no copy, which `verify` reports, kept as copy 0's): the new columns
/// filled from what the rows hold (the key of the copy filed before each is the key of
/// the copy one place before it; the archive fills in the others from the
/// manifests, [`Index::without_previous`]), the sentences renumbered by
/// copy, the new indexes and the folder states (none: the next use scans).
fn migrate_v2(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != 2 {
            return Ok(());
        }
        conn.execute_batch(
            "ALTER TABLE copies ADD COLUMN num INTEGER; \
             ALTER TABLE copies ADD COLUMN nname TEXT; \
             ALTER TABLE copies ADD COLUMN nseries TEXT; \
             ALTER TABLE copies ADD COLUMN prev_key TEXT;",
        )?;
        let rows: Vec<(String, i64, String, Option<String>, i64, i64)> = {
            let mut st = conn.prepare(
                "SELECT dir, seq, name, supplement, year, issue FROM copies ORDER BY seq, dir",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut key_at: BTreeMap<i64, Key> = BTreeMap::new();
        for (_, seq, name, supplement, year, issue) in &rows {
            let (n, s) = super::manifest::series_key(name, supplement.as_deref());
            key_at
                .entry(*seq)
                .or_insert((n, s, *year as u16, *issue as u32));
        }
        for (k, (dir, seq, name, supplement, _, _)) in rows.iter().enumerate() {
            let (n, s) = super::manifest::series_key(name, supplement.as_deref());
            conn.execute(
                "UPDATE copies SET num = ?1, nname = ?2, nseries = ?3, prev_key = ?4 WHERE dir = ?5",
                params![
                    k as i64 + 1,
                    n,
                    s,
                    key_at.get(&(seq - 1)).map(key_text),
                    dir
                ],
            )?;
        }
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE text3 USING fts5(tokens, sentence UNINDEXED, block UNINDEXED, \
                 dir UNINDEXED, pos UNINDEXED, tokenize = 'unicode61 remove_diacritics 0'); \
             INSERT INTO text3 (rowid, tokens, sentence, block, dir, pos) \
                 SELECT (c.num << {POS_BITS}) | ({POS_MASK} - t.pos), t.tokens, t.sentence, t.block, t.dir, t.pos \
                 FROM text t JOIN copies c ON c.dir = t.dir ORDER BY c.num, t.pos; \
             INSERT INTO text3 (rowid, tokens, sentence, block, dir, pos) \
                 SELECT {POS_MASK} - row_number() OVER (ORDER BY t.rowid), \
                     t.tokens, t.sentence, t.block, t.dir, t.pos FROM text t \
                 WHERE t.dir NOT IN (SELECT dir FROM copies); \
             DROP TABLE text; \
             ALTER TABLE text3 RENAME TO text; \
             {INDEXES_V3} \
             PRAGMA user_version = {SCHEMA_VERSION};"
        ))
    })();
    match done {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Index {
    /// Copies past the first place that have no key of the copy before
    /// them (migrated from version 2 where that copy's row was gone).
    pub fn without_previous(&self) -> rusqlite::Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT dir FROM copies WHERE prev_key IS NULL AND seq > 1")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Set the key of the copy filed before the copy in `dir` (none: its
    /// manifest names none).
    pub fn set_previous(&mut self, dir: &str, previous: Option<&Key>) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE copies SET prev_key = ?1 WHERE dir = ?2",
            params![previous.map(key_text).unwrap_or_default(), dir],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::{fts_query, query_terms};
    use super::*;

    fn rec(dir: &str, seq: u64) -> Record {
        Record {
            dir: dir.into(),
            seq,
            id: format!("{seq:012}"),
            name: "简报".into(),
            supplement: None,
            year: 2024,
            issue: seq as u32,
            total_issue: None,
            date: "2024-05-10".into(),
            pages: 2,
            title: "标题".into(),
            issued_at: "2024-05-10T09:00:00+08:00".into(),
            pdf_sha256: "a".repeat(64),
            input_sha256: "b".repeat(64),
            manifest_sha256: "c".repeat(64),
            revision: 1,
            supersedes: None,
        }
    }

    fn sentence(text: &str) -> Sentence {
        Sentence {
            block: "文章".into(),
            is_title: false,
            text: text.into(),
        }
    }

    #[test]
    fn finds_two_character_words_in_sqlite() {
        let dir = std::env::temp_dir().join(format!("jianbao-index-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let mut idx = Index::open(&dir).unwrap();
        idx.insert(
            &rec("copies/a/2024-001", 1),
            None,
            &[
                sentence("实地调研南洞庭湖湿地保护修复工作情况。"),
                sentence("推动中央生态环境保护督察反馈问题整改。"),
            ],
        )
        .unwrap();
        idx.insert(
            &rec("copies/a/2024-002", 2),
            None,
            &[sentence("召开调度会。")],
        )
        .unwrap();
        for (q, n) in [
            ("湿地", 1),
            ("督察", 1),
            ("调", 2),
            ("会", 1),
            ("生态 整改", 1),
        ] {
            let hits = idx.search(&fts_query(&query_terms(q)).unwrap()).unwrap();
            assert_eq!(hits.len(), n, "{q}: {hits:?}");
        }
        assert_eq!(idx.records().unwrap().len(), 2);
        assert!(idx.check().unwrap().is_ok());
        // Re-inserting replaces.
        idx.insert(&rec("copies/a/2024-002", 2), None, &[]).unwrap();
        assert!(idx
            .search(&fts_query(&query_terms("调度")).unwrap())
            .unwrap()
            .is_empty());
        drop(idx);
        let _ = std::fs::remove_file(&dir);
    }

    #[test]
    fn an_index_of_version_2_is_migrated_in_place() {
        let path = std::env::temp_dir().join(format!("jianbao-index-v2-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(&format!("{SCHEMA_V2} PRAGMA user_version = 2;"))
                .unwrap();
            for seq in 1..=3u64 {
                let r = rec(&format!("copies/a/2024-00{seq}"), seq);
                db.execute(
                    &format!(
                        "INSERT INTO copies ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                         ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
                    ),
                    params![
                        r.dir,
                        seq as i64,
                        r.id,
                        r.name,
                        r.year,
                        r.issue,
                        r.total_issue,
                        r.date,
                        2,
                        r.title,
                        r.issued_at,
                        r.pdf_sha256,
                        r.input_sha256,
                        r.manifest_sha256,
                        r.supplement,
                        1,
                        r.supersedes
                    ],
                )
                .unwrap();
                for (pos, t) in ["湿地保护修复。", "召开调度会。"].iter().enumerate() {
                    db.execute(
                        "INSERT INTO text (tokens, sentence, block, dir, pos) VALUES (?1, ?2, '文章', ?3, ?4)",
                        params![index_tokens(t), t, r.dir, pos as i64],
                    )
                    .unwrap();
                }
            }
            // A sentence under a folder with no copy (a forged row) is kept
            // for `verify` to find.
            db.execute(
                "INSERT INTO text (tokens, sentence, block, dir, pos) VALUES (?1, '湿地。', '文章', 'copies/x/2024-009', 0)",
                params![index_tokens("湿地。")],
            )
            .unwrap();
        }
        let idx = Index::open(&path).unwrap();
        let v: i64 = idx
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert_eq!(idx.records().unwrap().len(), 3);
        // The copy filed before each is known by the place before it.
        let key = |issue: u32| ("简报".to_string(), String::new(), 2024u16, issue);
        assert!(idx.used(&key(2)).unwrap());
        assert!(!idx.used(&key(9)).unwrap());
        assert!(idx.without_previous().unwrap().is_empty());
        assert_eq!(idx.head().unwrap().unwrap().seq, 3);
        // Sentences renumbered by copy: the latest first, in text order.
        let fts = fts_query(&query_terms("湿地")).unwrap();
        let page = idx
            .search_page(&fts, &Scope::default(), None, 0, 2)
            .unwrap();
        assert_eq!(page.total, 4);
        assert_eq!(page.rows[0].1.dir, "copies/a/2024-003");
        assert_eq!(idx.texts_of("copies/a/2024-002").unwrap().len(), 2);
        assert!(idx.text_dirs().unwrap().contains("copies/x/2024-009"));
        drop(idx);
        let _ = std::fs::remove_file(&path);
    }
}
