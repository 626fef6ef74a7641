//! `check` on what goes stale when an issue is started from the last one:
//! one test per warning of `model::checks`, through the command line, with
//! the place a writer reads and what to do; and the 文号 compared with the
//! issue filed before it when an archive is at hand (`check` and `issue`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

use crate::common::*;

/// `jianbao ARGS` with the repository's fonts, in `dir`, with no archive
/// from the environment.
fn jianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env_remove("JIANBAO_ARCHIVE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `check` the issuable example with `edit` applied, with `--deny-warnings`
/// and without: the exit codes and what was said.
fn check(edit: impl FnOnce(&mut Value)) -> (i32, i32, String) {
    let t = TempDir::new("checks");
    let mut v = issuable_json();
    edit(&mut v);
    std::fs::write(t.join("in.json"), serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let plain = jianbao(t.path(), &["check", "in.json"]);
    let deny = jianbao(t.path(), &["check", "--deny-warnings", "in.json"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&plain.stdout),
        String::from_utf8_lossy(&plain.stderr)
    );
    (
        plain.status.code().unwrap(),
        deny.status.code().unwrap(),
        said,
    )
}

/// The warning lines of what `check` said.
fn warnings(said: &str) -> Vec<&str> {
    said.lines().filter(|l| l.contains("警告：$")).collect()
}

#[test]
fn the_issuable_example_has_no_warning_the_example_its_stale_document_number() {
    let (code, deny, said) = check(|_| {});
    assert_eq!((code, deny), (0, 0), "{said}");
    assert!(warnings(&said).is_empty(), "{said}");
    let (code, deny, said) = check(|v| {
        v["document_number"] = json!("益简字【2022】42号");
    });
    assert_eq!((code, deny), (0, 1), "{said}");
    let w = warnings(&said);
    assert_eq!(w.len(), 1, "{said}");
    assert!(
        w[0].contains("$.document_number")
            && w[0].contains("2022 年")
            && w[0].contains("2024 年")
            && w[0].contains("请核对"),
        "{said}"
    );
}

#[test]
fn a_guide_entry_that_names_no_title_is_a_warning() {
    // The body of another issue under last issue's guide.
    let (code, deny, said) = check(|v| {
        v["body"][0]["title"] = json!("城关镇召开春耕生产工作会议");
        v["body"][1]["title"] = json!("城关镇开展防汛应急演练");
    });
    assert_eq!((code, deny), (0, 1), "{said}");
    let w = warnings(&said);
    assert_eq!(w.len(), 2, "{said}");
    assert!(
        w[0].contains("$.guide[0]") && w[0].contains("导读第 1 条"),
        "{said}"
    );
    assert!(
        w[1].contains("$.guide[1]") && w[1].contains("找不到对应的标题"),
        "{said}"
    );
    // The guide names 县市区工作动态 for the section 【县市区动态】: the same.
    let (_, deny, said) = check(|v| {
        v["guide"] = json!("auto");
        v["body"][0]["title"] = json!("城关镇召开春耕生产工作会议");
    });
    assert_eq!(deny, 0, "{said}");
}

#[test]
fn a_printing_date_before_the_issue_is_a_warning() {
    // The printing date of last issue's file (the example leaves it out:
    // it is the issue's date unless given).
    let (code, deny, said) = check(|v| {
        v["masthead"]["date"] = json!("2024-06-01");
        v["imprint"]["date"] = json!("2024-05-10");
    });
    assert_eq!((code, deny), (0, 1), "{said}");
    let w = warnings(&said);
    assert_eq!(w.len(), 1, "{said}");
    assert!(
        w[0].contains("$.imprint.date")
            && w[0].contains("2024年5月10日")
            && w[0].contains("2024年6月1日"),
        "{said}"
    );
}

#[test]
fn another_printing_body_is_a_warning_a_parent_one_a_notice() {
    let (code, deny, said) = check(|v| {
        v["imprint"]["issuer"] = json!("某县人民政府办公室");
    });
    assert_eq!((code, deny), (0, 1), "{said}");
    let w = warnings(&said);
    assert_eq!(w.len(), 1, "{said}");
    assert!(
        w[0].contains("$.imprint.issuer") && w[0].contains("某县人民政府办公室"),
        "{said}"
    );
    // The masthead's issuer is a unit of the printing body: a notice.
    let (code, deny, said) = check(|v| {
        v["masthead"]["issuer"] = json!("益阳市生态环境局办公室");
        v["imprint"]["issuer"] = json!("益阳市生态环境局");
    });
    assert_eq!((code, deny), (0, 0), "{said}");
    assert!(
        said.lines()
            .any(|l| l.contains("提示：$.imprint.issuer") && l.contains("上级单位")),
        "{said}"
    );
}

#[test]
fn a_document_number_repeating_the_previous_issues_is_a_warning_with_an_archive() {
    let t = TempDir::new("checks-archive");
    let d = t.path();
    std::fs::write(d.join("one.json"), issuable()).unwrap();
    let o = jianbao(d, &["issue", "one.json", "--archive", "a"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut two = issuable_json();
    two["masthead"]["issue"] = json!(2);
    two["masthead"]["date"] = json!("2024-05-17");
    two["imprint"]["date"] = json!("2024-05-17");
    std::fs::write(d.join("two.json"), serde_json::to_vec(&two).unwrap()).unwrap();

    // Without the archive nothing is known of the previous issue.
    let o = jianbao(
        d,
        &["check", "--deny-warnings", "two.json", "--archive", "none"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // With it, the same 文号 is a warning naming the previous issue.
    let o = jianbao(
        d,
        &["check", "--deny-warnings", "two.json", "--archive", "a"],
    );
    let said = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(
        said.contains("$.document_number") && said.contains("与上一期（2024年第1期）的文号相同"),
        "{said}"
    );
    // The environment names the archive as --archive does.
    let o = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["check", "--deny-warnings", "two.json"])
        .current_dir(d)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", d.join("a"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    // `issue` refuses it for the same reason, unless accepted.
    let o = jianbao(d, &["issue", "two.json", "--archive", "a"]);
    let said = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("与上一期（2024年第1期）的文号相同"), "{said}");
    // Another number is not.
    two["document_number"] = json!("益简字【2024】43号");
    std::fs::write(d.join("two.json"), serde_json::to_vec(&two).unwrap()).unwrap();
    let o = jianbao(
        d,
        &["check", "--deny-warnings", "two.json", "--archive", "a"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = jianbao(d, &["issue", "two.json", "--archive", "a"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
