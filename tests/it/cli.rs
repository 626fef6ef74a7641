//! The command line: the contract of input errors (exit code 1, every
//! problem on standard error with its place and article; the rules
//! themselves are unit tests of the parser, `model/parse/tests.rs`), usage
//! and file errors (exit code 2), and the render, check and schema commands.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::*;
use serde_json::{json, Value};

fn jianbao(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    cmd.args(args)
        .arg("--font-dir")
        .arg(root().join("fonts"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

/// The example's path, as an argument.
fn example_path() -> String {
    root()
        .join("examples/yiyang-2024-01.json")
        .display()
        .to_string()
}

/// `check` an input given as bytes; returns exit code and stderr.
fn check_bytes(input: &[u8]) -> (i32, String) {
    let out = jianbao(&["check", "-"], Some(input));
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `check` the example with `edit` applied; asserts exit code 1 and that the
/// message contains every fragment of `expect`.
fn rejects(edit: impl FnOnce(&mut Value), expect: &[&str]) {
    let mut v = example_json();
    edit(&mut v);
    let (code, err) = check_bytes(&serde_json::to_vec(&v).unwrap());
    assert_eq!(code, 1, "exit code for: {err}");
    for e in expect {
        assert!(err.contains(e), "message lacks {e:?}:\n{err}");
    }
}

#[test]
fn the_example_checks_clean_of_errors() {
    let out = jianbao(&["check", example_path().as_str()], None);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("6 页"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("昇"), "the fallback is reported: {stderr}");
}

#[test]
fn an_input_error_exits_1_naming_the_place_and_the_article() {
    rejects(
        |v| {
            let p = v["body"][0]
                .as_object_mut()
                .unwrap()
                .remove("paragraphs")
                .unwrap();
            v["body"][0]["paragraph"] = p;
        },
        &[
            "$.body[0].paragraph",
            "paragraphs",
            "文章《陈竞率队实地调研南洞庭湖湿地保护修复工作》",
        ],
    );
}

#[test]
fn every_problem_of_an_input_is_reported_at_once() {
    rejects(
        |v| {
            v["masthead"]["date"] = json!("2024-02-30");
            v["body"][2]["items"][1]["paragraphs"][0] = json!("第一行\n第二行");
        },
        &[
            "输入有 2 处错误",
            "$.masthead.date",
            "2024-02-30",
            "$.body[2].items[1].paragraphs[0]",
            "栏目【县市区动态】",
        ],
    );
}

#[test]
fn rule_a_character_no_font_has_is_an_error_naming_it() {
    rejects(
        |v| v["body"][1]["paragraphs"][2] = json!("新字\u{E000}出现。"),
        &[
            "U+E000",
            "$.body[1].paragraphs[2]",
            "文章《益阳市配合中央生态环境保护督察协调联络工作会议召开》",
        ],
    );
    // Allowed explicitly, it is drawn as a substitute with a warning.
    let mut v = example_json();
    v["body"][1]["paragraphs"][2] = json!("新字\u{E000}出现。");
    v["allow_substitutes"] = json!(true);
    let (code, err) = check_bytes(&serde_json::to_vec(&v).unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("〓"), "{err}");
}

#[test]
fn a_damaged_font_file_is_named_with_what_to_do() {
    // A face cut short in copying: its tables for measuring still read,
    // its outlines do not. The render fails on that file, saying so.
    let t = TempDir::new("cutfont");
    let fonts = t.join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    for e in std::fs::read_dir(root().join("fonts")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, fonts.join(p.file_name().unwrap())).unwrap();
        }
    }
    let face = fonts.join("FandolFang-Regular.otf");
    let cut = std::fs::read(&face).unwrap()[..300_000].to_vec();
    std::fs::write(&face, cut).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["render", &example_path(), "-o"])
        .arg(t.join("out.pdf"))
        .arg("--font-dir")
        .arg(&fonts)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("FandolFang-Regular.otf"), "{err}");
    assert!(err.contains("损坏或不完整"), "{err}");
    assert!(err.contains("换一份完好的"), "{err}");
    assert!(!t.join("out.pdf").exists());
}

#[test]
fn a_page_number_dash_no_font_has_is_an_error_naming_it() {
    // Page numbers are typeset with the rest, so their characters are
    // checked with the rest: no page drawn with empty boxes.
    let t = TempDir::new("dash");
    std::fs::write(
        t.join("t.toml"),
        "extends = \"jianbao\"\n[page_number]\ndash = \"\u{E000}\"\n",
    )
    .unwrap();
    let mut v = example_json();
    v["template"] = json!("t.toml");
    std::fs::write(t.join("in.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let input = t.join("in.json").display().to_string();
    let out_pdf = t.join("out.pdf").display().to_string();
    let out = jianbao(&["render", input.as_str(), "-o", out_pdf.as_str()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("U+E000"), "{err}");
    assert!(err.contains("page_number.dash"), "{err}");
    assert!(!t.join("out.pdf").exists(), "no PDF written");
}

#[test]
fn rule_syntax_errors_give_line_and_column() {
    let (code, err) = check_bytes(b"{\n  \"masthead\": {\n    \"name\": \"x\",\n  }\n}");
    assert_eq!(code, 1);
    assert!(err.contains("第 4 行"), "{err}");
    assert!(err.contains("列"), "{err}");
}

#[test]
fn usage_and_file_errors_exit_with_2() {
    let out = jianbao(&["render", "/nonexistent/input.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/input.json"));
    let out = jianbao(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["check", example_path().as_str()])
        .args(["--font-dir", "/nonexistent/fonts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--font-dir"));
}

#[test]
fn a_template_that_cannot_be_read_exits_2_and_one_with_an_error_exits_1() {
    let dir = TempDir::new("tplcodes");
    let example = example_path();
    let run = |template: &std::path::Path| {
        jianbao(
            &[
                "check",
                example.as_str(),
                "--template",
                template.to_str().unwrap(),
            ],
            None,
        )
    };
    // Missing, and a folder: files that cannot be read (README: 2).
    let out = run(&dir.join("missing.toml"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是普通文件"));
    // Read, but wrong: an error of the template (1), in Chinese, with the key.
    std::fs::write(dir.join("bad.toml"), "extends = \"jianbao\"\n[bogus]\n").unwrap();
    let out = run(&dir.join("bad.toml"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bogus：没有这一项"));
}

#[test]
fn fonts_install_copies_the_fonts_of_the_folder_it_is_run_in() {
    // As the README says: in the repository, `jianbao fonts install`; then
    // the program finds its fonts in the user data folder from anywhere.
    let dir = TempDir::new("fontsinstall");
    let work = dir.join("repo");
    std::fs::create_dir_all(&work).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"),
        work.join("fonts"),
    )
    .unwrap();
    #[cfg(not(unix))]
    panic!("this test links a folder; write its Windows version before running it there");
    let data = dir.join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(&work)
        .env_remove("JIANBAO_FONT_DIR")
        .env("XDG_DATA_HOME", &data)
        .args(["fonts", "install"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&format!("从 {} 复制", work.join("fonts").display())),
        "{said}"
    );
    let installed = data.join("jianbao/fonts");
    for f in ["FandolFang-Regular.otf", "README.md", "PROVENANCE.md"] {
        assert!(installed.join(f).is_file(), "{f} not installed: {said}");
    }
    // That folder is then in the list `jianbao fonts` shows.
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(dir.path())
        .env_remove("JIANBAO_FONT_DIR")
        .env("XDG_DATA_HOME", &data)
        .args(["fonts"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&installed.display().to_string()), "{said}");
}

#[test]
fn help_documents_the_exit_codes() {
    let out = jianbao(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("退出码") && help.contains("  1  ") && help.contains("  2  "),
        "{help}"
    );
}

/// The exit codes of one command's help: the numbers that start the lines of
/// the block after "退出码 / exit codes:", which must end the help.
fn help_codes(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let out = jianbao(&args, None);
    assert_eq!(out.status.code(), Some(0), "{path:?}");
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = help
        .rfind("退出码 / exit codes:")
        .unwrap_or_else(|| panic!("{path:?}: no exit codes in its help:\n{help}"));
    let block = &help[start..];
    // Nothing but the block after it: it ends the help.
    let codes: Vec<String> = block
        .lines()
        .skip(1)
        .filter_map(|l| {
            let t = l.trim_start();
            let n: String = t.chars().take_while(char::is_ascii_digit).collect();
            (!n.is_empty() && l.starts_with("  ") && !l.starts_with("     ")).then_some(n)
        })
        .collect();
    assert!(
        block
            .lines()
            .skip(1)
            .all(|l| l.starts_with("  ") || l.trim().is_empty()),
        "{path:?}: the exit codes do not end its help:\n{block}"
    );
    codes
}

#[test]
fn every_command_ends_its_help_with_the_exit_codes_of_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    // README rows: | `cmd`, `cmd` | 0 | 1 | 2 |; a code is used unless its cell is "—".
    let mut rows: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() != 4 {
            continue;
        }
        let names = cells[0]
            .split(',')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect();
        let codes = (0..3)
            .filter(|&k| cells[k + 1] != "—")
            .map(|k| k.to_string())
            .collect();
        rows.push((names, codes));
    }
    let commands: &[&[&str]] = &[
        &["render"],
        &["check"],
        &["schema"],
        &["import"],
        &["issue"],
        &["new"],
        &["archive", "list"],
        &["archive", "show"],
        &["archive", "search"],
        &["archive", "reindex"],
        &["archive", "verify"],
        &["fonts"],
        &["fonts", "install"],
        &["fonts", "use"],
        &["serve"],
        &["keys", "init"],
        &["keys", "import"],
        &["keys", "show"],
        &["keys", "change"],
    ];
    for path in commands {
        let name = path.join(" ");
        // "archive show" is written `show` after `archive list` in its row.
        let row = rows
            .iter()
            .find(|(names, _)| {
                names.contains(&name)
                    || (path.len() == 2
                        && names.first().is_some_and(|f| f.starts_with(path[0]))
                        && names.iter().any(|n| n == path[1]))
            })
            .unwrap_or_else(|| panic!("README has no exit-code row for `{name}`"));
        assert_eq!(help_codes(path), row.1, "`{name}`: help and README differ");
    }
    // Every command is in the list above.
    let out = jianbao(&["--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    for line in help
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
    {
        let word = line.split_whitespace().next().unwrap_or("");
        if word.chars().all(|c| c.is_ascii_lowercase()) && !word.is_empty() && word != "help" {
            assert!(
                commands.iter().any(|c| c[0] == word),
                "`{word}` is missing from this test"
            );
        }
    }
}

#[test]
fn render_reads_stdin_and_writes_stdout() {
    let out = jianbao(&["render", "-"], Some(&example()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.starts_with(b"%PDF-1.7"));
    assert_eq!(out.stdout, render(&example()));
}

#[test]
fn render_defaults_the_output_name_and_takes_several_inputs() {
    let dir = TempDir::new("cli");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::write(&a, example()).unwrap();
    let v = minimal(json!([{"type": "article", "title": "短讯", "paragraphs": ["一段话。"]}]));
    std::fs::write(&b, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = jianbao(&["render", a.to_str().unwrap(), b.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("a.pdf").is_file() && dir.join("b.pdf").is_file());
    // With one bad input among several, the others are still rendered and the exit code is 1.
    std::fs::write(&b, b"{").unwrap();
    std::fs::remove_file(dir.join("a.pdf")).unwrap();
    let out = jianbao(&["render", a.to_str().unwrap(), b.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.join("a.pdf").is_file());
}

#[test]
fn dump_layout_prints_every_item() {
    let out = jianbao(&["render", "--dump-layout", example_path().as_str()], None);
    assert_eq!(out.status.code(), Some(0));
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(dump.starts_with("layout 595.28x841.89pt, 6 pages"));
    assert!(dump.contains("line name"));
    assert!(dump.contains("line page-number"));
    assert_eq!(dump, layout(&example()).layout.dump());
}

#[test]
fn schema_is_json_naming_every_top_level_field() {
    let out = jianbao(&["schema"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "template",
        "masthead",
        "guide",
        "body",
        "distribution",
        "imprint",
        "document_number",
    ] {
        assert!(v["properties"].get(field).is_some(), "{field}");
    }
}

#[test]
fn layouts_that_cannot_be_made_exit_with_1_naming_the_place() {
    // A name so long that even two lines need less than 26 pt.
    rejects(
        |v| v["masthead"]["name"] = json!(han(60)),
        &["$.masthead.name", "简报名称太长"],
    );
    // An issuer that does not fit beside the date even at 14 pt and 80 %.
    rejects(
        |v| v["masthead"]["issuer"] = json!(han(30)),
        &["$.masthead.issuer", "简称"],
    );
    // A marking longer than a line.
    rejects(
        |v| v["masthead"]["marking"] = json!(han(40)),
        &["$.masthead.marking"],
    );
    // A footer taller than a page.
    let names: Vec<String> = (0..60).map(|i| format!("{}{i}", han(10))).collect();
    rejects(
        |v| v["distribution"]["report_to"] = json!(names),
        &["$.distribution", "版记"],
    );
}

#[test]
fn half_width_punctuation_in_chinese_text_is_a_warning() {
    let mut v = example_json();
    v["body"][0]["paragraphs"][1] =
        json!("陈竞强调:要高度重视,坚决扛牢\"守护好一江碧水\"的政治责任。");
    let (code, err) = check_bytes(&serde_json::to_vec(&v).unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("$.body[0].paragraphs[1]"), "{err}");
    assert!(
        err.contains("“,”应为“，”") && err.contains("“:”应为“：”"),
        "{err}"
    );
    let out = jianbao(
        &["check", "--deny-warnings", "-"],
        Some(&serde_json::to_vec(&v).unwrap()),
    );
    assert_eq!(out.status.code(), Some(1));
}
