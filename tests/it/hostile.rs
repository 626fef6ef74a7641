//! Hostile files, paths and sizes (one test each): nothing written or
//! deleted where it does not belong, no crash, no hang, a clear message and
//! the documented exit code.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

/// Run the binary in `dir` with the repository's fonts; stdin closed.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(dir)
        .args(args)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_json(dir: &Path, name: &str, v: &serde_json::Value) {
    std::fs::write(dir.join(name), serde_json::to_vec(v).unwrap()).unwrap();
}

#[test]
fn render_never_overwrites_its_input() {
    let t = TempDir::new("overwrite");
    let d = t.path();
    std::fs::write(d.join("in.json"), example()).unwrap();
    let o = run(d, &["render", "in.json", "-o", "in.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("就是输入文件"), "{}", err(&o));
    assert_eq!(std::fs::read(d.join("in.json")).unwrap(), example());
    // An input named x.pdf, without -o: its PDF would be itself.
    std::fs::write(d.join("x.pdf"), example()).unwrap();
    let o = run(d, &["render", "x.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert_eq!(std::fs::read(d.join("x.pdf")).unwrap(), example());
}

#[test]
fn two_inputs_with_the_same_name_are_refused_before_anything_is_written() {
    let t = TempDir::new("twins");
    let d = t.path();
    for sub in ["a", "b", "out"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("a/x.json"), example()).unwrap();
    std::fs::write(d.join("b/x.json"), example()).unwrap();
    let o = run(d, &["render", "a/x.json", "b/x.json", "-o", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("都会写到"), "{}", err(&o));
    assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_output_is_replaced_never_written_through() {
    let t = TempDir::new("planted");
    let d = t.path();
    std::fs::write(d.join("in.json"), example()).unwrap();
    std::fs::write(d.join("victim.txt"), b"keep").unwrap();
    std::os::unix::fs::symlink(d.join("victim.txt"), d.join("out.pdf")).unwrap();
    let o = run(d, &["render", "in.json", "-o", "out.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(std::fs::read(d.join("victim.txt")).unwrap(), b"keep");
    let meta = std::fs::symlink_metadata(d.join("out.pdf")).unwrap();
    assert!(meta.is_file(), "the link was replaced by the PDF");
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
#[cfg(unix)]
fn a_named_pipe_at_the_output_is_written_into_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let t = TempDir::new("fifo");
    let d = t.path();
    std::fs::write(d.join("in.json"), example()).unwrap();
    let fifo = d.join("out.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Another program reads the pipe, as `lp -` or a viewer would.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = run(d, &["render", "in.json", "-o", "out.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // Checked before the reader is waited for: a pipe replaced by a file
    // would leave it waiting for ever.
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(
        kind.is_fifo(),
        "the pipe is still a pipe, not a file: {kind:?}"
    );
    let read = reader.join().unwrap();
    assert!(read.starts_with(b"%PDF-"), "the reader got the PDF");
    // Nothing was left beside it.
    let names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["schema"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before reading anything.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("panicked"), "{}", err(&o));
}

#[test]
fn inputs_that_are_not_regular_files_or_too_large_are_refused() {
    let t = TempDir::new("inputs");
    let d = t.path();
    // Too large: exit 1, nothing written.
    let big = format!(
        "{{\"masthead\": {{}}, \"pad\": \"{}\"}}",
        "x".repeat(jianbao::model::MAX_INPUT_BYTES)
    );
    std::fs::write(d.join("big.json"), big).unwrap();
    let o = run(d, &["render", "big.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("超过上限"), "{}", err(&o));
    assert!(!d.join("big.pdf").exists());
    // A folder, a device: exit 2 without reading.
    std::fs::create_dir(d.join("dir.json")).unwrap();
    let o = run(d, &["check", "dir.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    #[cfg(unix)]
    {
        let o = run(d, &["check", "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
        assert!(err(&o).contains("不是普通文件"), "{}", err(&o));
    }
}

#[test]
fn drafts_that_are_not_regular_files_or_too_large_are_refused() {
    let t = TempDir::new("drafts");
    let d = t.path();
    // A device: exit 2 at once, nothing read or written.
    #[cfg(unix)]
    {
        let o = run(d, &["import", "/dev/zero", "-o", "out.json"]);
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
        assert!(err(&o).contains("不是普通文件"), "{}", err(&o));
        assert!(!d.join("out.json").exists());
    }
    // Over the limit: exit 1 with the limit named, nothing written. (A
    // sparse file: its size is over the limit without writing 64 MB.)
    for (name, limit) in [
        ("big.docx", jianbao::import::MAX_DRAFT_BYTES),
        ("big.txt", jianbao::import::MAX_TEXT_DRAFT_BYTES),
    ] {
        let big = std::fs::File::create(d.join(name)).unwrap();
        big.set_len(limit + 1).unwrap();
        drop(big);
        let o = run(d, &["import", name, "-o", "out.json"]);
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let said = format!("超过上限 {} MB", limit >> 20);
        assert!(err(&o).contains(&said), "{}", err(&o));
        assert!(!d.join("out.json").exists());
    }
}

#[test]
fn hostile_templates_are_refused_quickly() {
    let t = TempDir::new("templates");
    let d = t.path();
    let mut v = example_json();
    for (name, toml, expect) in [
        ("self.toml", "extends = \"self.toml\"\n", "循环"),
        (
            "huge.toml",
            "extends = \"jianbao\"\n[title]\nblank_lines_before = 1000000000\n",
            "超出范围",
        ),
        (
            "len.toml",
            "extends = \"jianbao\"\n[paragraph]\nindent = \"1e9mm\"\n",
            "indent",
        ),
        (
            "nan.toml",
            "extends = \"jianbao\"\n[grid]\nem_ascent = nan\n",
            "em_ascent",
        ),
        (
            "off.toml",
            "extends = \"jianbao\"\n[page_number]\nbelow = \"300mm\"\n",
            "超出",
        ),
    ] {
        std::fs::write(d.join(name), toml).unwrap();
        v["template"] = json!(name);
        write_json(d, "in.json", &v);
        let started = Instant::now();
        let o = run(d, &["render", "in.json", "-o", "out.pdf"]);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name} took too long"
        );
        assert_eq!(o.status.code(), Some(1), "{name}: {}", err(&o));
        assert!(err(&o).contains(expect), "{name}: {}", err(&o));
        assert!(!d.join("out.pdf").exists(), "{name}");
    }
    // A template path naming a file that is not TOML: its text is not shown.
    std::fs::write(d.join("secret.txt"), "password = hunter2 and more\n").unwrap();
    v["template"] = json!("./secret.txt");
    write_json(d, "in.json", &v);
    let o = run(d, &["check", "in.json"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(!err(&o).contains("hunter2"), "{}", err(&o));
    #[cfg(unix)]
    {
        v["template"] = json!("/dev/zero");
        write_json(d, "in.json", &v);
        let started = Instant::now();
        let o = run(d, &["check", "in.json"]);
        assert!(started.elapsed() < Duration::from_secs(5));
        // Not read at all: a file that cannot be read as a template (2, as
        // for an input that is a device), not a template with an error (1).
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
        assert!(err(&o).contains("不是普通文件"), "{}", err(&o));
    }
}

#[test]
fn long_titles_and_names_take_little_time_or_are_refused() {
    let t = TempDir::new("long");
    let d = t.path();
    // The longest title the format allows, laid out in well under a second.
    let title = han(jianbao::model::MAX_LINE_CHARS);
    let v = minimal(json!([{"type": "article", "title": title, "paragraphs": ["正文。"]}]));
    write_json(d, "t.json", &v);
    let started = Instant::now();
    let o = run(d, &["check", "t.json"]);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // Longer: refused at once, naming the limit.
    let v = minimal(json!([{"type": "article", "title": han(1600), "paragraphs": ["正文。"]}]));
    write_json(d, "t.json", &v);
    let o = run(d, &["check", "t.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("上限 200 字"), "{}", err(&o));
    let mut v = minimal(json!([{"type": "article", "title": "标题", "paragraphs": ["正文。"]}]));
    v["masthead"]["name"] = json!(han(10_000));
    write_json(d, "n.json", &v);
    let started = Instant::now();
    let o = run(d, &["check", "n.json"]);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_huge_total_issue_is_refused_and_never_wraps() {
    let t = TempDir::new("wrap");
    let d = t.path();
    let mut v = example_json();
    v["masthead"]["total_issue"] = json!(4_294_967_295u64);
    write_json(d, "in.json", &v);
    let o = run(d, &["check", "in.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("最大为 999999"), "{}", err(&o));
    v["masthead"]["total_issue"] = json!(jianbao::model::MAX_TOTAL_ISSUE);
    write_json(d, "in.json", &v);
    let o = run(
        d,
        &[
            "new",
            "--from",
            "in.json",
            "-o",
            "next.json",
            "--date",
            "2024-06-01",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("上限"), "{}", err(&o));
    assert!(!d.join("next.json").exists());
}

#[test]
fn a_body_face_cut_short_is_an_error_not_a_fallback_for_every_character() {
    let t = TempDir::new("cut-face");
    let d = t.path();
    let fonts = d.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for e in std::fs::read_dir(root().join("fonts")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), fonts.join(e.file_name())).unwrap();
        }
    }
    let face = std::fs::read(root().join("fonts/FandolFang-Regular.otf")).unwrap();
    std::fs::write(fonts.join("FandolFang-Regular.otf"), &face[..1000]).unwrap();
    std::fs::write(d.join("in.json"), example()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(d)
        .args(["check", "in.json", "--font-dir", "fonts"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("FandolFang-Regular.otf"), "{}", err(&o));
    assert!(err(&o).contains("截断"), "{}", err(&o));
    assert!(!err(&o).contains("提示"), "{}", err(&o));
}

#[test]
fn messages_carry_no_english_words_of_the_system_or_the_toml_reader() {
    let t = TempDir::new("english");
    let d = t.path();
    std::fs::write(d.join("in.json"), example()).unwrap();
    std::fs::create_dir(d.join("out.pdf")).unwrap();
    let o = run(d, &["render", "in.json", "-o", "out.pdf", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let mut v = example_json();
    for (name, toml) in [
        ("a.toml", "extends = \"jianbao\"\n[title\nx = 1\n"),
        ("b.toml", "extends = \"jianbao\"\n[title]\nx = \n"),
        ("c.toml", "extends = \"jianbao\"\nextends = \"jianbao\"\n"),
    ] {
        std::fs::write(d.join(name), toml).unwrap();
        v["template"] = json!(name);
        write_json(d, "t.json", &v);
        let o2 = run(d, &["check", "t.json"]);
        assert_eq!(o2.status.code(), Some(1), "{name}: {}", err(&o2));
        for english in ["expected", "invalid", "duplicate", "os error"] {
            assert!(!err(&o2).contains(english), "{name}: {}", err(&o2));
        }
    }
    for english in ["Is a directory", "os error"] {
        assert!(!err(&o).contains(english), "{}", err(&o));
    }
    assert!(err(&o).contains("文件夹"), "{}", err(&o));
}
