//! Tests that the archive's everyday commands cost the same however many
//! copies it holds: `issue`, `search`, `list` and `show` read the files of
//! the copies they concern and no others (counted through the store's test
//! hook, `store::probe`), pages and filters of `list` and `search`, `verify
//! --since/--copy`, and an index of the previous schema migrated in place
//! (with the archive fixtures filed by earlier versions).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use jianbao::archive::store::probe;
use jianbao::archive::{Archive, CopyQuery, Filter, IssueOptions, SearchQuery, VerifyOptions};
use serde_json::Value;

use crate::common::*;

const NAME: &str = "益阳市配合中央生态环境保护督察工作简报";

/// The example as issue `n` of 2024 (dated in order), with a sentence of
/// its own; every seventh mentions 候鸟.
fn numbered(n: u32) -> Vec<u8> {
    let mut v = example_json();
    let day = 1 + n;
    let date = format!("2024-{:02}-{:02}", 1 + day / 28, 1 + day % 28);
    v["masthead"]["issue"] = n.into();
    v["masthead"]["total_issue"] = (56 + n).into();
    v["masthead"]["date"] = date.clone().into();
    v["imprint"]["date"] = date.into();
    let extra = if n.is_multiple_of(7) {
        "洞庭湖候鸟栖息地巡护同步加强。"
    } else {
        ""
    };
    v["body"][0]["paragraphs"][0] =
        format!("第{n}次巡河例会召开，通报交办问题办理情况。{extra}").into();
    serde_json::to_vec(&v).unwrap()
}

fn file(archive: &Archive, input: &[u8]) -> jianbao::archive::Filed {
    archive
        .issue(
            &engine(),
            input,
            &jianbao::Options::default(),
            &IssueOptions {
                allow_warnings: true,
                now: std::time::SystemTime::now(),
                supersedes: None,
                ofd: false,
                sign: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An archive with issues 1..=n filed through the library.
fn archive_of(t: &TempDir, n: u32) -> Archive {
    let archive = Archive::new(t.join("archive"));
    for i in 1..=n {
        file(&archive, &numbered(i));
    }
    archive
}

/// The copy folders the paths are in.
fn copies_of(paths: &[PathBuf]) -> std::collections::BTreeSet<PathBuf> {
    paths
        .iter()
        .map(|p| p.parent().unwrap().to_path_buf())
        .collect()
}

#[test]
fn issue_search_list_and_show_read_only_the_copies_they_concern() {
    let t = TempDir::new("scale-reads");
    let archive = archive_of(&t, 24);

    // issue: the last link's manifest, and nothing of any other copy.
    probe::start();
    let filed = file(&archive, &numbered(25));
    let read = probe::take();
    let last = archive
        .find(&CopyQuery::Id(
            archive.list(&Filter::default()).unwrap().copies[1]
                .record
                .pdf_sha256
                .clone(),
        ))
        .unwrap()
        .dir;
    let touched = copies_of(&read);
    assert!(
        touched.iter().all(|d| *d == last || *d == filed.dir),
        "issue read other copies: {read:?}"
    );
    assert!(read.len() <= 2, "{read:?}");
    assert_eq!(filed.manifest.sequence, 25);

    // search: nothing but the index, for a common and a rare word.
    for (word, total, latest) in [("巡河例会", 25, 25), ("候鸟", 3, 21)] {
        probe::start();
        let found = archive.search(&SearchQuery::parse(word).unwrap()).unwrap();
        let read = probe::take();
        assert!(read.is_empty(), "search {word} read {read:?}");
        assert_eq!(found.total, total, "{word}");
        assert_eq!(found.hits.len(), total.min(20), "{word}");
        // The latest first.
        assert_eq!(found.hits[0].record.issue, latest);
    }

    // list: the manifests of the page's copies only.
    probe::start();
    let page = archive
        .list(&Filter {
            limit: Some(5),
            ..Filter::default()
        })
        .unwrap();
    let read = probe::take();
    assert_eq!(page.copies.len(), 5);
    assert_eq!(page.total, 25);
    assert_eq!(copies_of(&read).len(), 5, "{read:?}");
    let issues: Vec<u32> = page.copies.iter().map(|c| c.record.issue).collect();
    assert_eq!(issues, [25, 24, 23, 22, 21]);

    // show: the one copy.
    probe::start();
    let d = archive
        .find(&CopyQuery::Key {
            name: NAME.into(),
            supplement: None,
            year: 2024,
            issue: 7,
        })
        .unwrap();
    let read = probe::take();
    assert_eq!(d.record.issue, 7);
    assert_eq!(copies_of(&read), [d.dir.clone()].into(), "{read:?}");
}

#[test]
fn search_and_list_come_in_pages_with_filters_and_totals() {
    let t = TempDir::new("scale-pages");
    let archive = archive_of(&t, 9);
    let mut q = SearchQuery::parse("巡河例会").unwrap();
    q.limit = 4;
    let first = archive.search(&q).unwrap();
    assert_eq!((first.total, first.copies, first.hits.len()), (9, 9, 4));
    q.offset = 8;
    let last = archive.search(&q).unwrap();
    assert_eq!(last.hits.len(), 1);
    assert_eq!(last.hits[0].record.issue, 1);
    // Filters: dates, year, name, supplements.
    let mut q = SearchQuery::parse("巡河例会").unwrap();
    q.scope.to = Some("2024-01-05".into());
    let early = archive.search(&q).unwrap();
    assert_eq!(early.total, 3, "{early:?}");
    assert!(early
        .hits
        .iter()
        .all(|h| h.record.date.as_str() <= "2024-01-05"));
    q.scope.to = None;
    q.scope.year = Some(2023);
    assert_eq!(archive.search(&q).unwrap().total, 0);
    q.scope.year = Some(2024);
    q.scope.name = Some("配合中央".into());
    assert_eq!(archive.search(&q).unwrap().total, 9);
    q.scope.supplement = Some(true);
    assert_eq!(archive.search(&q).unwrap().total, 0);
    // A word with Latin letters is checked sentence by sentence, paged the same.
    let mut q = SearchQuery::parse("第3次").unwrap();
    q.limit = 20;
    let found = archive.search(&q).unwrap();
    assert_eq!(found.total, 1, "{found:?}");

    let list = archive
        .list(&Filter {
            year: Some(2024),
            offset: 3,
            limit: Some(3),
            ..Filter::default()
        })
        .unwrap();
    let issues: Vec<u32> = list.copies.iter().map(|c| c.record.issue).collect();
    assert_eq!(issues, [6, 5, 4]);
    assert_eq!((list.total, list.current()), (9, 9));
    assert_eq!(list.counts.len(), 1);
    assert_eq!((list.counts[0].year, list.counts[0].copies), (2024, 9));
    let none = archive
        .list(&Filter {
            year: Some(2023),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!((none.total, none.copies.len()), (0, 0));
}

#[test]
fn verify_since_and_copy_check_the_copies_chosen_and_their_links() {
    let t = TempDir::new("scale-verify");
    let archive = archive_of(&t, 4);
    let all = archive.verify(None).unwrap();
    assert!(all.all_intact());
    assert_eq!(all.copies.len(), 4);
    let id = all.copies[1].id.clone().unwrap();
    let one = archive
        .verify_with(
            None,
            &VerifyOptions {
                copy: Some(id.clone()),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
    assert_eq!(one.copies.len(), 1);
    assert!(one.all_intact(), "{one:#?}");
    // Copy 2's manifest edited: `--copy` of it finds the broken link to copy 3.
    let dir = archive.find(&CopyQuery::Id(id.clone())).unwrap().dir;
    make_writable(&dir);
    let m = dir.join("manifest.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&m).unwrap()).unwrap();
    v["title"] = "改过的标题".into();
    fs::write(&m, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let one = archive
        .verify_with(
            None,
            &VerifyOptions {
                copy: Some(id),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
    assert!(!one.all_intact(), "{one:#?}");
    assert!(
        one.copies[0].problems.iter().any(|p| p.contains("登记链")),
        "{one:#?}"
    );
    // Since a day after every filing: nothing to check.
    let later = archive
        .verify_with(
            None,
            &VerifyOptions {
                since: Some("2999-01-01".into()),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
    assert!(later.copies.is_empty());
    // Since long ago: every copy, with a progress count that reaches them all.
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let progress = |done: usize, total: usize| {
        assert!(done <= total);
        seen.fetch_max(done, std::sync::atomic::Ordering::Relaxed);
    };
    let since = archive
        .verify_with(
            None,
            &VerifyOptions {
                since: Some("2000-01-01".into()),
                progress: Some(&progress),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
    assert_eq!(since.copies.len(), 4);
    assert_eq!(seen.into_inner(), 4);
}

fn jianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Turn an index of this version back into one of version 2, as that
/// version made it: no series keys, numbers or folder states, sentences
/// numbered in the order they were inserted.
fn downgrade(index: &Path) {
    let db = rusqlite::Connection::open(index).unwrap();
    db.execute_batch(
        "BEGIN;
         DROP INDEX copies_num; DROP INDEX copies_seq; DROP INDEX copies_series;
         DROP INDEX copies_year; DROP INDEX copies_pdf; DROP INDEX copies_supersedes;
         DROP INDEX copies_prev; DROP TABLE dirstate;
         ALTER TABLE copies DROP COLUMN num; ALTER TABLE copies DROP COLUMN nname;
         ALTER TABLE copies DROP COLUMN nseries; ALTER TABLE copies DROP COLUMN prev_key;
         CREATE VIRTUAL TABLE text2 USING fts5(tokens, sentence UNINDEXED, block UNINDEXED,
             dir UNINDEXED, pos UNINDEXED, tokenize = 'unicode61 remove_diacritics 0');
         INSERT INTO text2 (tokens, sentence, block, dir, pos)
             SELECT tokens, sentence, block, dir, pos FROM text ORDER BY dir, pos;
         DROP TABLE text; ALTER TABLE text2 RENAME TO text;
         PRAGMA user_version = 2;
         COMMIT;",
    )
    .unwrap();
}

fn version(index: &Path) -> i64 {
    rusqlite::Connection::open(index)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_index_of_version_2_is_migrated_in_place_for_every_fixture() {
    for fixture in [
        "archive-direct",
        "archive-legacy",
        "archive-libdeflate",
        "archive-ofd",
    ] {
        let t = TempDir::new("scale-migrate");
        let d = t.path();
        copy_tree(&root().join("tests/data").join(fixture), &d.join("archive"));
        // The fixture's index, as this version makes it, made version 2.
        let o = jianbao(d, &["archive", "list"]);
        assert_eq!(o.status.code(), Some(0), "{fixture}: {o:?}");
        let index = d.join("archive/index.sqlite");
        downgrade(&index);
        assert_eq!(version(&index), 2);
        // A second copy filed after it, into the old index.
        let next = d.join("next.json");
        let copy = fs::read_dir(d.join("archive/copies"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
            .join("2024-012");
        let mut v: Value =
            serde_json::from_slice(&fs::read(copy.join("input.json")).unwrap()).unwrap();
        v["masthead"]["issue"] = 13.into();
        if v["masthead"]["total_issue"].is_number() {
            let t = v["masthead"]["total_issue"].as_u64().unwrap();
            v["masthead"]["total_issue"] = (t + 1).into();
        }
        fs::write(&next, serde_json::to_vec(&v).unwrap()).unwrap();
        let o = jianbao(d, &["issue", "next.json", "--allow-warnings"]);
        assert_eq!(o.status.code(), Some(0), "{fixture}: {o:?}");
        assert_eq!(version(&index), 3, "{fixture}");
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(
            !said.contains("重建"),
            "{fixture}: migrated, not rebuilt: {said}"
        );
        // The old number stays used, found in the migrated index.
        let o = jianbao(d, &["issue", "next.json", "--allow-warnings"]);
        assert_eq!(o.status.code(), Some(1), "{fixture}: {o:?}");
        // Everything agrees: list, search (the fixture's sentence and the new
        // copy's), verify with the full-text check.
        let o = jianbao(d, &["archive", "list"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("共 2 期"), "{fixture}: {out}");
        let o = jianbao(d, &["archive", "search", "督察"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("在 2 期中"), "{fixture}: {out}");
        let o = jianbao(d, &["archive", "verify"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{fixture}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(!said.contains("重建"), "{fixture}: {said}");
    }
}
