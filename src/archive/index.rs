//! The archive's index: an SQLite database (`index.sqlite`) with the
//! catalogue of filed copies and an FTS5 full-text index of their sentences,
//! tokenized into bigrams by [`super::text`]. It is a cache of the files:
//! every row can be rebuilt from `copies/`, and is, when the database is
//! missing or damaged.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::manifest::Manifest;
use super::text::{index_tokens, Sentence};

/// The file name of the index inside the archive.
pub const INDEX_FILE: &str = "index.sqlite";
/// The schema version, kept in SQLite's `user_version`.
/// 2: supplements and corrections (an index of version 1 is rebuilt).
const SCHEMA_VERSION: i64 = 2;

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

impl Index {
    /// Open (creating when missing) the index at `path` and check that it is
    /// a database of this schema. Any error means: rebuild it.
    pub fn open(path: &Path) -> rusqlite::Result<Index> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))?;
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
        conn.query_row("SELECT count(*) FROM copies", [], |r| r.get::<_, i64>(0))?;
        conn.query_row("SELECT count(*) FROM text WHERE rowid = 1", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(Index { conn })
    }

    /// SQLite's own consistency check of the file (`PRAGMA quick_check`);
    /// `Ok(())` when it says "ok".
    pub fn check(&self) -> rusqlite::Result<Result<(), String>> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        self.conn
            .query_row("SELECT count(*) FROM text WHERE text MATCH 'x*'", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(if verdict == "ok" {
            Ok(())
        } else {
            Err(verdict)
        })
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
    pub fn insert(&mut self, rec: &Record, sentences: &[Sentence]) -> rusqlite::Result<()> {
        let tx = self.conn.savepoint()?;
        tx.execute("DELETE FROM unconfirmed WHERE dir = ?1", params![rec.dir])?;
        tx.execute("DELETE FROM copies WHERE dir = ?1", params![rec.dir])?;
        tx.execute("DELETE FROM text WHERE dir = ?1", params![rec.dir])?;
        tx.execute(
            &format!(
                "INSERT INTO copies ({COLUMNS}) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
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
                rec.supersedes
            ],
        )?;
        {
            let mut st = tx.prepare(
                "INSERT INTO text (tokens, sentence, block, dir, pos) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (pos, s) in sentences.iter().enumerate() {
                st.execute(params![
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
            "BEGIN IMMEDIATE; DELETE FROM copies; DELETE FROM text; DELETE FROM unconfirmed; COMMIT;",
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

    /// Every copy in the catalogue, in register order.
    pub fn records(&self) -> rusqlite::Result<Vec<Record>> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM copies ORDER BY seq, dir"))?;
        let rows = st.query_map([], record)?;
        rows.collect()
    }

    /// The copy in `dir`, when catalogued.
    pub fn record(&self, dir: &str) -> rusqlite::Result<Option<Record>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM copies WHERE dir = ?1"),
                params![dir],
                record,
            )
            .optional()
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
            &[
                sentence("实地调研南洞庭湖湿地保护修复工作情况。"),
                sentence("推动中央生态环境保护督察反馈问题整改。"),
            ],
        )
        .unwrap();
        idx.insert(&rec("copies/a/2024-002", 2), &[sentence("召开调度会。")])
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
        idx.insert(&rec("copies/a/2024-002", 2), &[]).unwrap();
        assert!(idx
            .search(&fts_query(&query_terms("调度")).unwrap())
            .unwrap()
            .is_empty());
        drop(idx);
        let _ = std::fs::remove_file(&dir);
    }
}
