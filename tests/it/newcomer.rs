//! The traps a newcomer fell into (issue 27), one test each: help texts that
//! say 提示 (notice) where they mean 警告 (warning); outputs that replaced a
//! file someone wrote; `serve` on 0.0.0.0 naming an address nobody can
//! open; the browser's 404 for /favicon.ico; figures in the docs that the
//! program contradicts.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use crate::common::*;

fn jianbao(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    c.current_dir(dir)
        .env("JIANBAO_FONT_DIR", root().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    jianbao(dir).args(args).output().unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The help of `path`, and the description of each option in it (the
/// option's line and the lines that continue it).
fn options_of(path: &[&str]) -> Vec<(String, String)> {
    let mut args = path.to_vec();
    args.push("--help");
    let o = run(Path::new("."), &args);
    assert_eq!(o.status.code(), Some(0), "{path:?}");
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in help.lines() {
        let t = line.trim_start();
        if t.starts_with("--") || (t.starts_with('-') && t.chars().nth(2) == Some(',')) {
            let name = t
                .split_whitespace()
                .find(|w| w.starts_with("--"))
                .unwrap_or(t)
                .trim_end_matches(',')
                .to_string();
            out.push((name, t.to_string()));
        } else if !t.is_empty() && line.starts_with("          ") {
            if let Some(last) = out.last_mut() {
                last.1.push_str(t);
            }
        } else if t.is_empty() {
            out.push((String::new(), String::new()));
        }
    }
    out.retain(|(n, _)| !n.is_empty());
    out
}

#[test]
fn help_texts_call_warnings_警告_and_notices_提示() {
    // Every command that has an option about warnings.
    let mut seen = 0;
    for path in [
        &["check"][..],
        &["render"],
        &["issue"],
        &["new"],
        &["import"],
        &["serve"],
    ] {
        for (name, text) in options_of(path) {
            if name.contains("warnings") {
                seen += 1;
                assert!(
                    text.contains("警告") && !text.contains("提示时"),
                    "{path:?} {name}: {text}"
                );
            }
        }
    }
    assert!(
        seen >= 2,
        "check --deny-warnings and issue --allow-warnings"
    );
    // And what they say holds: notices alone pass --deny-warnings (the
    // example as an office issues it now, its 文号 of this year), and a
    // warning fails it (the example's 文号 of 2022, as the real issue had it).
    let t = TempDir::new("deny-warnings");
    fs::write(t.join("issuable.json"), issuable()).unwrap();
    let o = run(t.path(), &["check", "issuable.json", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(said(&o).contains("0 条警告，5 条提示"), "{}", said(&o));
    let example = root().join("examples/yiyang-2024-01.json");
    let o = run(
        t.path(),
        &["check", &example.display().to_string(), "--deny-warnings"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("1 条警告"), "{}", said(&o));
}

#[test]
fn outputs_never_replace_a_file_someone_wrote_without_force() {
    let t = TempDir::new("overwrite");
    let d = t.path();
    fs::write(d.join("in.json"), example()).unwrap();
    fs::copy(
        root().join("tests/data/seed-yiyang-2024-01.txt"),
        d.join("draft.txt"),
    )
    .unwrap();
    let docx = b"PK\x03\x04 a Word draft";
    // render: a Word draft (or any file that is not a PDF or an OFD) is kept.
    fs::write(d.join("draft.docx"), docx).unwrap();
    let o = run(d, &["render", "in.json", "-o", "draft.docx"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("--force"), "{}", said(&o));
    assert_eq!(fs::read(d.join("draft.docx")).unwrap(), docx);
    fs::write(d.join("notes.pdf"), "会议记录").unwrap();
    let o = run(d, &["render", "in.json", "-o", "notes.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert_eq!(fs::read_to_string(d.join("notes.pdf")).unwrap(), "会议记录");
    // A PDF or an OFD it made is made again.
    for out in ["in.pdf", "in.ofd"] {
        let o = run(d, &["render", "in.json", "-o", out]);
        assert_eq!(o.status.code(), Some(0), "{}", said(&o));
        let o = run(d, &["render", "in.json", "-o", out]);
        assert_eq!(o.status.code(), Some(0), "again {out}: {}", said(&o));
    }
    // Without -o too: in.pdf beside in.json.
    let o = run(d, &["render", "in.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    // With --force the draft is replaced.
    let o = run(d, &["render", "in.json", "-o", "draft.docx", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(fs::read(d.join("draft.docx"))
        .unwrap()
        .starts_with(b"%PDF-"));

    // import and new write JSON, which people edit: an existing file is kept.
    fs::write(d.join("edited.json"), "{\"edited\": true}").unwrap();
    let o = run(d, &["import", "draft.txt", "-o", "edited.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("--force"), "{}", said(&o));
    assert_eq!(
        fs::read_to_string(d.join("edited.json")).unwrap(),
        "{\"edited\": true}"
    );
    let o = run(d, &["new", "--from", "in.json", "-o", "edited.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("--force"), "{}", said(&o));
    assert_eq!(
        fs::read_to_string(d.join("edited.json")).unwrap(),
        "{\"edited\": true}"
    );
    let o = run(d, &["import", "draft.txt", "-o", "edited.json", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let o = run(
        d,
        &["new", "--from", "in.json", "-o", "edited.json", "--force"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(fs::read_to_string(d.join("edited.json"))
        .unwrap()
        .contains("masthead"));
}

/// `jianbao serve` with `args` until it says where to open it: the child and
/// what it said.
fn serve(dir: &Path, args: &[&str]) -> (Child, String) {
    let mut child = jianbao(dir)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut all = String::new();
    loop {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            panic!("serve ended: {all}");
        }
        all.push_str(&line);
        if all.contains("按 Ctrl+C 停止") {
            break;
        }
    }
    child.stderr = Some(err.into_inner());
    (child, all)
}

fn get(addr: SocketAddr, path: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        addr.port()
    )
    .unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&reply[..split]).into_owned(),
        reply[split + 4..].to_vec(),
    )
}

#[test]
fn serve_answers_the_icon_the_browser_asks_for_and_logs_no_404() {
    let t = TempDir::new("favicon");
    let (mut child, said) = serve(t.path(), &["--addr", "127.0.0.1:0"]);
    let addr: SocketAddr = said
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let (_, page) = get(addr, "/");
    assert!(String::from_utf8_lossy(&page).contains("<link rel=\"icon\" href=\"/favicon.svg\""));
    for path in ["/favicon.svg", "/favicon.ico"] {
        let (head, body) = get(addr, path);
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert!(
            head.to_lowercase().contains("content-type: image/svg+xml"),
            "{head}"
        );
        assert!(
            body.starts_with(b"<svg") && body.len() < 1024,
            "small: {}",
            body.len()
        );
    }
    let _ = child.kill();
    let mut rest = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    let _ = child.wait();
    assert!(!rest.contains("404"), "{rest}");
}

#[test]
fn serve_on_every_address_names_the_addresses_colleagues_can_open() {
    let t = TempDir::new("lan");
    let (mut child, said) = serve(
        t.path(),
        &["--addr", "0.0.0.0:0", "--allow-host", "jianbao.office.lan"],
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(!said.contains("http://0.0.0.0"), "{said}");
    assert!(
        said.contains("在这台机器的浏览器中打开 http://127.0.0.1:"),
        "{said}"
    );
    assert!(
        said.contains("同事在局域网中打开：http://") || said.contains("这台机器没有局域网地址"),
        "{said}"
    );
}

/// The example's pages, as the program lays it out.
fn example_pages() -> usize {
    layout(&example()).layout.pages.len()
}

#[test]
fn the_figures_the_docs_state_are_the_programs() {
    let pages = example_pages();
    let read = |p: &str| fs::read_to_string(root().join(p)).unwrap();
    // Where the docs state the example's pages, they state the program's.
    let stated = [
        ("README.md", format!("| the example | {pages} |")),
        ("docs/serve.md", format!("example ({pages} pages)")),
    ];
    for (file, phrase) in &stated {
        assert!(
            read(file).contains(phrase.as_str()),
            "{file} should say “{phrase}”"
        );
    }
    // And nowhere another number in those forms.
    let mut docs = vec!["README.md".to_string(), "README.zh-CN.md".to_string()];
    for e in fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            docs.push(format!("docs/{}", p.file_name().unwrap().to_string_lossy()));
        }
    }
    for file in &docs {
        let text = read(file);
        for form in ["example (", "| the example | ", "| example | ", "示例（共 "] {
            for (at, _) in text.match_indices(form) {
                let n: String = text[at + form.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if !n.is_empty() {
                    assert_eq!(n, pages.to_string(), "{file}: “{form}{n}” at byte {at}");
                }
            }
        }
    }
    // An empty search: a search that finds nothing exits 0, one without a
    // word to look for 1, as the README's table says.
    let t = TempDir::new("search-codes");
    let d = t.path();
    fs::write(d.join("ex.json"), example()).unwrap();
    assert_eq!(
        run(d, &["issue", "ex.json", "--allow-warnings"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(d, &["archive", "search", "不存在的词语"]).status.code(),
        Some(0)
    );
    assert_eq!(run(d, &["archive", "search", "，"]).status.code(), Some(1));
    let readme = read("README.md");
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `archive list`"))
        .unwrap();
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert!(cells[2].contains("a search that finds nothing"), "{row}");
    assert!(cells[3].contains("a search without a word"), "{row}");
}

/// The code of a Markdown text: its indented and fenced blocks and its
/// inline code spans.
fn code_of(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || line.starts_with("    ") {
            out.push(line.to_string());
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let Some(code) = parts.next() {
            out.push(code.to_string());
            parts.next();
        }
    }
    out
}

/// Every `jianbao <command>` named in the code of `markdown`, with the
/// subcommand of `archive` and `fonts`.
fn commands_of(markdown: &str) -> std::collections::BTreeSet<String> {
    let word = |w: Option<&str>| {
        w.filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
            .map(str::to_string)
    };
    let mut out = std::collections::BTreeSet::new();
    for code in code_of(markdown) {
        for (at, _) in code.match_indices("jianbao ") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '-' || c == '_') {
                continue;
            }
            let mut words = code[at + "jianbao ".len()..].split_whitespace();
            let Some(first) = word(words.next()) else {
                continue;
            };
            let name = match (first.as_str(), word(words.next())) {
                ("archive" | "fonts", Some(sub)) => format!("{first} {sub}"),
                _ => first,
            };
            out.insert(name);
        }
    }
    out
}

#[test]
fn the_chinese_and_english_readmes_name_the_same_commands() {
    let en = commands_of(&fs::read_to_string(root().join("README.md")).unwrap());
    let zh = commands_of(&fs::read_to_string(root().join("README.zh-CN.md")).unwrap());
    for must in [
        "render",
        "check",
        "issue",
        "new",
        "serve",
        "archive verify",
        "fonts use",
    ] {
        assert!(
            en.contains(must),
            "README.md lacks `jianbao {must}`: {en:?}"
        );
    }
    assert_eq!(
        en, zh,
        "README.md and README.zh-CN.md name different commands"
    );
    // And each is a command of the program.
    let help = String::from_utf8_lossy(&run(Path::new("."), &["--help"]).stdout).into_owned();
    for c in &en {
        let first = c.split(' ').next().unwrap();
        assert!(
            help.contains(&format!("  {first} ")),
            "`jianbao {c}` is not a command"
        );
    }
}

/// Run the README's first issue (the code block after `heading`) in an empty
/// folder, filling in the skeleton after the first `new` as a writer would.
fn run_first_issue(readme: &str, heading: &str) {
    let text = fs::read_to_string(root().join(readme)).unwrap();
    let after = &text[text
        .find(heading)
        .unwrap_or_else(|| panic!("{readme}: {heading}"))..];
    let lines: Vec<&str> = after
        .lines()
        .skip_while(|l| !l.starts_with("    jianbao "))
        .take_while(|l| l.starts_with("    jianbao "))
        .collect();
    assert_eq!(lines.len(), 5, "{readme}: {lines:?}");
    let t = TempDir::new("first-issue");
    let (work, data) = (t.join("work"), t.join("data"));
    fs::create_dir_all(&work).unwrap();
    let mut filled = false;
    for line in lines {
        let command = line.trim().split(" #").next().unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let o = Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .current_dir(&work)
            .env("JIANBAO_FONT_DIR", root().join("fonts"))
            .env_remove("JIANBAO_ARCHIVE")
            .env("XDG_DATA_HOME", &data)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{readme}: {command}: {}",
            said(&o)
        );
        if args[0] == "new" && !filled {
            let out = work.join(args.last().unwrap());
            let mut v: serde_json::Value =
                serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
            v["masthead"]["issuer"] = "某县人民政府办公室".into();
            v["body"][0]["title"] = "全县召开安全生产工作会议".into();
            v["body"][0]["paragraphs"][0] =
                "6月3日，县政府召开全县安全生产工作会议，部署下一阶段重点工作。".into();
            v["imprint"]["issuer"] = "某县人民政府办公室".into();
            fs::write(&out, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
            filled = true;
        }
    }
    assert!(work.join("2024-01.pdf").is_file());
    assert!(data.join("jianbao/archive/copies").is_dir());
    let next: serde_json::Value =
        serde_json::from_slice(&fs::read(work.join("2024-02.json")).unwrap()).unwrap();
    assert_eq!(next["masthead"]["issue"], 2, "{readme}");
}

#[test]
fn the_first_issue_of_each_readme_runs() {
    run_first_issue("README.md", "## Your first issue");
    run_first_issue("README.zh-CN.md", "## 第一期");
}
