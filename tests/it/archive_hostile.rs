//! The register under attack (issue 23): names that differ only by an
//! invisible character, a forged sentence in the full-text index, a rebuild
//! of the index that would erase the evidence of an edited copy, a copy
//! planted by hand with a consistent chain, and the report of `issue`
//! written to a full disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

use crate::common::*;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run and require exit code `want`.
fn expect(dir: &Path, args: &[&str], want: i32) -> Output {
    let o = run(dir, args);
    assert_eq!(
        o.status.code(),
        Some(want),
        "jianbao {args:?}\nstdout:\n{}\nstderr:\n{}",
        out(&o),
        err(&o)
    );
    o
}

/// The example, numbered `issue` (with a 文号 of its own), with the name
/// `name`, written to `file` (characters no font has drawn from another
/// face, with a warning).
fn issue_file(dir: &Path, file: &str, name: &str, issue: u32) -> String {
    let mut v = issuable_json();
    v["allow_substitutes"] = json!(true);
    v["masthead"]["name"] = json!(name);
    v["masthead"]["issue"] = json!(issue);
    v["masthead"]["total_issue"] = json!(100 + issue);
    // Each issue its own 文号 (one repeating the last issue's is a warning).
    v["document_number"] = json!(format!("益简字【2024】{}号", 40 + issue));
    fs::write(dir.join(file), serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    file.to_string()
}

/// The folders of the copies, in name order.
fn copy_dirs(archive: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for b in fs::read_dir(archive.join("copies")).unwrap() {
        for c in fs::read_dir(b.unwrap().path()).unwrap() {
            out.push(c.unwrap().path());
        }
    }
    out.sort();
    out
}

#[test]
fn a_name_with_an_invisible_character_is_the_same_bulletin() {
    let t = TempDir::new("invisible");
    let d = t.path();
    let name = "某县工作动态";
    let f = issue_file(d, "a.json", name, 1);
    expect(d, &["issue", &f], 0);
    // A soft hyphen at the end, or inside; zero-width space, zero-width
    // non-joiner, left-to-right mark, word joiner, byte order mark.
    for (k, invisible) in [
        "\u{AD}", "\u{200B}", "\u{200C}", "\u{200E}", "\u{2060}", "\u{FEFF}",
    ]
    .iter()
    .enumerate()
    {
        for named in [
            format!("{name}{invisible}"),
            format!("某县{invisible}工作动态"),
        ] {
            let f = issue_file(d, &format!("x{k}.json"), &named, 1);
            // check warns of it, at the name.
            let o = expect(d, &["check", &f], 0);
            assert!(err(&o).contains("看不见的字符"), "{:?}: {}", named, err(&o));
            assert!(err(&o).contains("$.masthead.name"), "{}", err(&o));
            expect(d, &["check", "--deny-warnings", &f], 1);
            // The number is used: refused even with the warning accepted.
            let o = expect(d, &["issue", &f, "--allow-warnings"], 1);
            assert!(err(&o).contains("已经归档过"), "{:?}: {}", named, err(&o));
        }
    }
    assert_eq!(copy_dirs(&d.join("archive")).len(), 1);
    // An issuer or title of nothing but invisible characters is empty.
    let mut v = issuable_json();
    v["masthead"]["issuer"] = json!("\u{200B}\u{200B}");
    v["body"][0]["paragraphs"][0] = json!("\u{200B}\u{3000}\u{FEFF}");
    fs::write(d.join("blank.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let o = expect(d, &["check", "blank.json"], 1);
    assert!(err(&o).contains("$.masthead.issuer"), "{}", err(&o));
    assert!(err(&o).contains("$.body[0].paragraphs[0]"), "{}", err(&o));
    assert!(err(&o).contains("看不见的字符"), "{}", err(&o));
}

#[test]
fn verify_finds_a_forged_sentence_in_the_text_index() {
    let t = TempDir::new("forged-text");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    expect(d, &["issue", "ex.json"], 0);
    expect(d, &["archive", "verify"], 0);
    // A sentence no copy has, under the real copy.
    let db = rusqlite::Connection::open(d.join("archive/index.sqlite")).unwrap();
    let dir: String = db
        .query_row("SELECT dir FROM copies", [], |r| r.get(0))
        .unwrap();
    let changed = db
        .execute(
            "UPDATE text SET sentence = '湿地保护伪造的句子：督察组认为整改不力。' \
             WHERE dir = ?1 AND pos = (SELECT min(pos) FROM text WHERE dir = ?1 AND sentence LIKE '%湿地%')",
            rusqlite::params![dir],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);
    let o = expect(d, &["archive", "search", "湿地"], 0);
    assert!(
        out(&o).contains("伪造的句子"),
        "the forgery is found by search: {}",
        out(&o)
    );
    let o = expect(d, &["archive", "verify"], 1);
    assert!(out(&o).contains("全文与副本的文字不符"), "{}", out(&o));
    // The copy's files agree with the chain: a rebuild is allowed and
    // puts the copy's own text back.
    expect(d, &["archive", "reindex"], 0);
    expect(d, &["archive", "verify"], 0);
    let o = expect(d, &["archive", "search", "湿地"], 0);
    assert!(!out(&o).contains("伪造"), "{}", out(&o));
}

#[test]
fn reindex_keeps_the_evidence_of_an_edited_last_copy() {
    let t = TempDir::new("reindex-evidence");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    expect(d, &["issue", "ex.json"], 0);
    let copy = copy_dirs(&d.join("archive")).remove(0);
    make_writable(&copy);
    let m = copy.join("manifest.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&m).unwrap()).unwrap();
    v["title"] = json!("改过的标题");
    fs::write(&m, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    assert!(out(&o).contains("清单"), "{}", out(&o));
    // The rebuild would erase the only record: refused, and the edit is
    // still found.
    let o = expect(d, &["archive", "reindex"], 1);
    assert!(
        err(&o).contains("不符") && err(&o).contains("--force"),
        "{}",
        err(&o)
    );
    expect(d, &["archive", "verify"], 1);
    // Forced: done, the old index kept beside it and named.
    let o = expect(d, &["archive", "reindex", "--force"], 0);
    assert!(err(&o).contains("index.replaced-1.sqlite"), "{}", err(&o));
    assert!(d.join("archive/index.replaced-1.sqlite").exists());
}

#[test]
fn a_copy_planted_by_hand_with_a_consistent_chain_is_reported() {
    let t = TempDir::new("planted");
    let a = t.path().join("a");
    fs::create_dir_all(&a).unwrap();
    let name = "某县工作动态";
    for n in 1..=2 {
        let f = issue_file(&a, &format!("i{n}.json"), name, n);
        expect(&a, &["issue", &f], 0);
    }
    // Another archive, a copy of this one, files issue 3: its manifest
    // names issue 2's manifest, as one filed here would.
    let b = t.path().join("b");
    copy_tree(&a, &b);
    let f = issue_file(&b, "i3.json", name, 3);
    expect(&b, &["issue", &f], 0);
    let planted = copy_dirs(&b.join("archive"))
        .into_iter()
        .find(|p| p.ends_with("2024-003"))
        .unwrap();
    let into = a
        .join("archive/copies")
        .join(planted.parent().unwrap().file_name().unwrap());
    make_writable(&into);
    copy_tree(&planted, &into.join("2024-003"));
    // Any command takes it into the index; verify says where it came from.
    expect(&a, &["archive", "list"], 0);
    let o = expect(&a, &["archive", "verify"], 1);
    assert!(out(&o).contains("不是经签发归档进来的"), "{}", out(&o));
    assert!(out(&o).contains("2024年第3期"), "{}", out(&o));
    // Accepted by a forced rebuild.
    expect(&a, &["archive", "reindex"], 1);
    expect(&a, &["archive", "reindex", "--force"], 0);
    expect(&a, &["archive", "verify"], 0);
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

#[cfg(target_os = "linux")]
#[test]
fn issue_to_a_full_disk_says_the_copy_was_filed() {
    let t = TempDir::new("dev-full");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(d)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .args(["issue", "ex.json"])
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    let said = err(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("已归档"), "{said}");
    assert!(said.contains("无法写到标准输出"), "{said}");
    assert!(said.contains("磁盘空间不足"), "{said}");
    assert!(!said.contains("No space"), "{said}");
    // A retry is refused as the number already used: the message said so.
    let o = expect(d, &["issue", "ex.json"], 1);
    assert!(err(&o).contains("已经归档过"));
    assert_eq!(copy_dirs(&d.join("archive")).len(), 1);
}
