//! The register's series and corrections, end to end through the binary:
//! supplements numbered apart from the regular issues, numbers out of order
//! or used twice warned about, and corrections that supersede an issued copy
//! without touching it (`issue --supersedes ID --reason …`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

use crate::common::*;

const NAME: &str = "益阳市配合中央生态环境保护督察工作简报";

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

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn expect(dir: &Path, args: &[&str], want: i32) -> String {
    let o = run(dir, args);
    assert_eq!(
        o.status.code(),
        Some(want),
        "jianbao {args:?}\n{}",
        said(&o)
    );
    said(&o)
}

/// The value after `label` on the line that has it.
fn field(out: &str, label: &str) -> String {
    let line = out
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} in {out}"));
    line.split(label).nth(1).unwrap().trim().to_string()
}

/// The example changed by `change`, written as `file` in `dir`.
fn write(dir: &Path, file: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = issuable_json();
    change(&mut v);
    let p = dir.join(file);
    fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    p
}

fn supplement(v: &mut Value, issue: u32) {
    v["masthead"]["supplement"] = json!("增刊");
    v["masthead"]["issue"] = json!(issue);
    v["editor_note"] = json!("现将南洞庭湖湿地保护修复专项行动情况专刊刊发。");
    v["body"][0]["paragraphs"][0] = json!("增刊记述了湿地巡查的经过。");
}

#[test]
fn a_supplement_is_numbered_apart_and_known_to_list_show_search_and_new() {
    let t = TempDir::new("supplement");
    let d = t.path();
    write(d, "regular.json", |_| {});
    write(d, "s1.json", |v| supplement(v, 1));
    expect(d, &["issue", "regular.json"], 0);
    // 增刊第1期 beside 第1期 of the same bulletin and year.
    let out = expect(d, &["issue", "s1.json"], 0);
    assert!(out.contains("2024年增刊第1期"), "{out}");
    assert!(field(&out, "目录：").ends_with("/2024-增刊-001"), "{out}");
    // A second 增刊第1期 is refused.
    write(d, "s1-again.json", |v| {
        supplement(v, 1);
        v["body"][0]["title"] = json!("另一篇");
    });
    let out = expect(d, &["issue", "s1-again.json"], 1);
    assert!(out.contains("2024年增刊第1期已经归档过"), "{out}");

    let list = expect(d, &["archive", "list"], 0);
    assert!(list.contains("增刊1"), "{list}");
    let show = expect(d, &["archive", "show", NAME, "2024", "增刊第1期"], 0);
    assert!(show.contains("2024年增刊第1期"), "{show}");
    let show = expect(d, &["archive", "show", NAME, "2024", "1"], 0);
    assert!(
        show.contains("《益阳市配合中央生态环境保护督察工作简报》2024年第1期"),
        "{show}"
    );
    // The editor's note is searched too, and the hit names the series.
    let found = expect(d, &["archive", "search", "专刊刊发"], 0);
    assert!(
        found.contains("2024年增刊第1期") && found.contains("（编者按）"),
        "{found}"
    );

    // new --from a supplement continues the supplement's series.
    expect(
        d,
        &[
            "new",
            "--from",
            "s1.json",
            "--date",
            "2024-05-20",
            "-o",
            "s2.json",
        ],
        0,
    );
    let s2: Value = serde_json::from_slice(&fs::read(d.join("s2.json")).unwrap()).unwrap();
    assert_eq!(s2["masthead"]["supplement"], "增刊");
    assert_eq!(s2["masthead"]["issue"], 2);
    // And by name: the regular series and the supplement's apart.
    let out = expect(
        d,
        &[
            "new",
            "--name",
            NAME,
            "--supplement",
            "增刊",
            "--date",
            "2024-05-20",
        ],
        0,
    );
    assert!(out.contains("\"supplement\": \"增刊\""), "{out}");
    assert!(out.contains("\"issue\": 2"), "{out}");
    let out = expect(d, &["new", "--name", NAME, "--date", "2024-05-20"], 0);
    assert!(!out.contains("supplement"), "{out}");
    assert!(out.contains("\"issue\": 2"), "{out}");
    // A series the archive does not have yet starts at 1, from the regular issue.
    let out = expect(
        d,
        &[
            "new",
            "--name",
            NAME,
            "--supplement",
            "专刊",
            "--date",
            "2024-05-20",
        ],
        0,
    );
    assert!(
        out.contains("\"supplement\": \"专刊\"") && out.contains("\"issue\": 1"),
        "{out}"
    );
    assert!(
        out.contains("“专刊”") && out.contains("市委办公室"),
        "{out}"
    );
}

#[test]
fn numbers_used_twice_or_out_of_order_are_warnings() {
    let t = TempDir::new("numbering");
    let d = t.path();
    write(d, "i1.json", |v| v["masthead"]["total_issue"] = json!(57));
    expect(d, &["issue", "i1.json"], 0);
    // 总期号 57 again on 第2期.
    write(d, "i2.json", |v| {
        v["masthead"]["issue"] = json!(2);
        v["masthead"]["total_issue"] = json!(57);
    });
    let out = expect(d, &["issue", "i2.json"], 1);
    assert!(out.contains("$.masthead.total_issue"), "{out}");
    assert!(out.contains("总期号 57 已经用于"), "{out}");
    assert!(out.contains("--allow-warnings"), "{out}");
    // 第4期 after 第1期: 第2、3期 missing.
    write(d, "i4.json", |v| {
        v["masthead"]["issue"] = json!(4);
        v["masthead"]["total_issue"] = json!(60);
    });
    let out = expect(d, &["issue", "i4.json"], 1);
    assert!(
        out.contains("期号不连续") && out.contains("第2期没有归档"),
        "{out}"
    );
    assert!(out.contains("总第58期没有归档"), "{out}");
    // Accepted, the warnings are recorded in the manifest.
    let out = expect(d, &["issue", "i4.json", "--allow-warnings"], 0);
    let manifest: Value = serde_json::from_slice(
        &fs::read(d.join(field(&out, "目录：")).join("manifest.json")).unwrap(),
    )
    .unwrap();
    let warnings = manifest["warnings"].to_string();
    assert!(warnings.contains("期号不连续"), "{warnings}");
    // 第3期 after 第4期: out of order.
    write(d, "i3.json", |v| {
        v["masthead"]["issue"] = json!(3);
        v["masthead"]["total_issue"] = json!(59);
    });
    let out = expect(d, &["issue", "i3.json"], 1);
    assert!(out.contains("期号不按顺序"), "{out}");
}

#[test]
fn a_correction_supersedes_a_copy_that_stays_as_issued() {
    let t = TempDir::new("supersede");
    let d = t.path();
    write(d, "ex.json", |_| {});
    let out = expect(d, &["issue", "ex.json"], 0);
    let old_id = field(&out, "档案编号：");
    let old_dir = d.join(field(&out, "目录："));
    let old_pdf = fs::read(old_dir.join("issued.pdf")).unwrap();
    write(d, "fixed.json", |v| {
        v["body"][0]["paragraphs"][0] = json!("5月9日，益阳市委书记陈竞率队调研（更正了日期）。");
    });

    // The same number without --supersedes: refused, and told how.
    let out = expect(d, &["issue", "fixed.json"], 1);
    assert!(
        out.contains("已经归档过") && out.contains("--supersedes"),
        "{out}"
    );
    // --supersedes needs a reason.
    expect(d, &["issue", "fixed.json", "--supersedes", &old_id], 2);
    let out = expect(
        d,
        &[
            "issue",
            "fixed.json",
            "--supersedes",
            &old_id,
            "--reason",
            " ",
        ],
        1,
    );
    assert!(out.contains("写明理由"), "{out}");
    // The same text again is no correction.
    let out = expect(
        d,
        &[
            "issue",
            "ex.json",
            "--supersedes",
            &old_id,
            "--reason",
            "重发",
        ],
        1,
    );
    assert!(out.contains("逐字节相同"), "{out}");

    let out = expect(
        d,
        &[
            "issue",
            "fixed.json",
            "--supersedes",
            &old_id[..8],
            "--reason",
            "第一篇日期有误",
        ],
        0,
    );
    assert!(
        out.contains("更正本（第 2 版）") && out.contains(&old_id),
        "{out}"
    );
    let new_id = field(&out, "档案编号：");
    let new_dir = field(&out, "目录：");
    assert!(new_dir.ends_with("/2024-001-r2"), "{new_dir}");
    // The old copy is untouched.
    assert_eq!(fs::read(old_dir.join("issued.pdf")).unwrap(), old_pdf);
    let manifest: Value =
        serde_json::from_slice(&fs::read(d.join(&new_dir).join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["revision"], 2);
    assert_eq!(manifest["supersedes"]["reason"], "第一篇日期有误");
    assert!(manifest["supersedes"]["pdf_sha256"]
        .as_str()
        .unwrap()
        .starts_with(&old_id));

    // list, show and verify mark both.
    let list = expect(d, &["archive", "list"], 0);
    assert!(
        list.contains(&format!("已被 {} 更正", &new_id[..6])),
        "{list}"
    );
    assert!(list.contains("更正本（第2版）"), "{list}");
    assert!(list.contains("1 份现行，1 份已被更正"), "{list}");
    let show = expect(d, &["archive", "show", &old_id], 0);
    assert!(
        show.contains("已被更正") && show.contains(&new_id),
        "{show}"
    );
    let show = expect(d, &["archive", "show", NAME, "2024", "1"], 0);
    assert!(
        show.contains(&new_id) && show.contains("第一篇日期有误"),
        "{show}"
    );
    let verify = expect(d, &["archive", "verify"], 0);
    assert!(verify.contains(&format!("已被 {new_id} 更正")), "{verify}");
    assert!(
        verify.contains(&format!("更正本，取代 {old_id}（第一篇日期有误）")),
        "{verify}"
    );
    assert!(verify.contains("完好 2"), "{verify}");

    // A superseded copy is not corrected twice: the latest is.
    write(d, "fixed2.json", |v| {
        v["body"][0]["paragraphs"][0] = json!("又一处更正。");
    });
    let out = expect(
        d,
        &[
            "issue",
            "fixed2.json",
            "--supersedes",
            &old_id,
            "--reason",
            "再改",
        ],
        1,
    );
    assert!(out.contains(&format!("--supersedes {new_id}")), "{out}");
    let out = expect(
        d,
        &[
            "issue",
            "fixed2.json",
            "--supersedes",
            &new_id,
            "--reason",
            "再改",
        ],
        0,
    );
    assert!(field(&out, "目录：").ends_with("/2024-001-r3"), "{out}");
    // new --name continues after the latest correction's input.
    let out = expect(d, &["new", "--name", NAME, "--date", "2024-05-20"], 0);
    assert!(out.contains("\"issue\": 2"), "{out}");

    // The superseded copy's manifest edited afterwards: verify says so.
    make_writable(&old_dir);
    let mf = old_dir.join("manifest.json");
    let text = fs::read_to_string(&mf)
        .unwrap()
        .replace("\"pages\": 6", "\"pages\": 5");
    fs::write(&mf, text).unwrap();
    let verify = expect(d, &["archive", "verify"], 1);
    assert!(verify.contains("被更正时"), "{verify}");
}
