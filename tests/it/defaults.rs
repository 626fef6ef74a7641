//! Where the program keeps things when it is not told: the per-user archive
//! (`$XDG_DATA_HOME/jianbao/archive`), the same for `issue`, `archive …`,
//! `new --name` and `serve`, whatever folder they run in; an archive named
//! by option or environment wins; an archive left in `./archive` by an
//! earlier version is never silently passed by.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::*;

const NAME: &str = "益阳市配合中央生态环境保护督察工作简报";

/// The program in `dir`, with the repository's fonts, no archive named and
/// `data` as the user's data folder.
fn jianbao(dir: &Path, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    c.current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env_remove("JIANBAO_ARCHIVE")
        .env("XDG_DATA_HOME", data)
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, data: &Path, args: &[&str]) -> Output {
    jianbao(dir, data).args(args).output().unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_command_uses_the_per_user_archive_from_any_folder() {
    let t = TempDir::new("user-archive");
    let data = t.join("data");
    let archive = data.join("jianbao/archive");
    let (one, two) = (t.join("one"), t.join("two"));
    fs::create_dir_all(&one).unwrap();
    fs::create_dir_all(&two).unwrap();
    fs::write(one.join("ex.json"), example()).unwrap();

    let o = run(&one, &data, &["issue", "ex.json", "--allow-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(archive.join("copies").is_dir(), "{}", said(&o));
    assert!(!one.join("archive").exists());

    // From another folder: the same archive for list, search, verify and new.
    let o = run(&two, &data, &["archive", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(said(&o).contains("共 1 期"), "{}", said(&o));
    let o = run(&two, &data, &["archive", "search", "湿地"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let o = run(&two, &data, &["archive", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let o = run(
        &two,
        &data,
        &[
            "new",
            "--name",
            NAME,
            "-o",
            "next.json",
            "--date",
            "2024-06-01",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let next: serde_json::Value =
        serde_json::from_slice(&fs::read(two.join("next.json")).unwrap()).unwrap();
    assert_eq!(
        next["masthead"]["issue"], 2,
        "numbered after the filed copy"
    );
    // The same number again, from the other folder: refused, the archive is one.
    fs::write(two.join("ex.json"), example()).unwrap();
    let o = run(&two, &data, &["issue", "ex.json", "--allow-warnings"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));

    // An archive named explicitly wins, by option and by environment.
    let o = run(&two, &data, &["archive", "list", "--archive", "elsewhere"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    let o = jianbao(&two, &data)
        .env("JIANBAO_ARCHIVE", t.join("env-archive"))
        .args(["issue", "ex.json", "--allow-warnings"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(t.join("env-archive/copies").is_dir());
}

#[test]
fn serve_files_into_the_per_user_archive_and_says_which() {
    let t = TempDir::new("serve-archive");
    let data = t.join("data");
    let mut child = jianbao(t.path(), &data)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let mut all = String::new();
    while !line.contains("http://") {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
        all.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let archive = data.join("jianbao/archive");
    assert!(
        all.contains(&format!("档案库：{}", archive.display())),
        "{all}"
    );
}

#[test]
fn an_archive_left_in_the_folder_by_an_earlier_version_is_not_passed_by() {
    let t = TempDir::new("old-archive");
    let data = t.join("data");
    fs::write(t.join("ex.json"), example()).unwrap();
    // Filed where earlier versions filed by default.
    let o = run(
        t.path(),
        &data,
        &[
            "issue",
            "ex.json",
            "--allow-warnings",
            "--archive",
            "archive",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    for args in [
        &["issue", "ex.json", "--allow-warnings"][..],
        &["archive", "list"],
        &["new", "--name", NAME],
    ] {
        let o = run(t.path(), &data, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", said(&o));
        assert!(said(&o).contains("--archive archive"), "{}", said(&o));
        assert!(said(&o).contains("mv archive"), "{}", said(&o));
    }
    assert!(
        !data.join("jianbao/archive").exists(),
        "nothing filed there"
    );
    // Named, it is used.
    let o = run(
        t.path(),
        &data,
        &["archive", "list", "--archive", "archive"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
}
