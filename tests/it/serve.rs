//! `jianbao serve`: every endpoint with good and bad input, answered in the
//! test process by the server's routes (no socket where none matters); over
//! HTTP on a free loopback port what needs one (the Host and Origin checks,
//! the size limit, a chunked body, two issues of the same number at once,
//! concurrent previews); and the command line's start-up.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use jianbao::serve::{Config, Limits, Server, MAX_BODY_BYTES};
use serde_json::{json, Value};

use crate::common::{self, TempDir};

/// A server on a free loopback port with an archive of its own, answering
/// on a thread of the test process.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) archive: TempDir,
}

pub(crate) fn start() -> Running {
    start_with(Config::default())
}

/// A server with `config`'s limits, hosts and log (its address, archive and
/// fonts are the test's).
pub(crate) fn start_with(config: Config) -> Running {
    let archive = TempDir::new("serve");
    let server = Server::bind(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        archive: archive.join("archive"),
        font_dir: common::root().join("fonts"),
        ..config
    })
    .expect("bind a free loopback port");
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    Running { addr, archive }
}

/// The default limits (for tests that lower some).
pub(crate) fn limits() -> Limits {
    Limits::default()
}

/// A server's routes, answering in the test process without a socket
/// (`tower::ServiceExt::oneshot` on its router), with an archive of its own.
struct InProcess {
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
    archive: TempDir,
}

fn in_process() -> InProcess {
    let archive = TempDir::new("serve");
    let server = Server::bind(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        archive: archive.join("archive"),
        font_dir: common::root().join("fonts"),
        log: None,
        ..Config::default()
    })
    .expect("bind a free loopback port");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    InProcess {
        router: server.router(),
        runtime,
        archive,
    }
}

/// What a test asks of a server, in process or over HTTP.
trait Endpoint {
    /// One request; `extra` headers may replace `Host`.
    fn request(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &[u8]) -> Answer;

    fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Answer {
        self.request("POST", path, &[("Content-Type", "application/json")], body)
    }
}

impl Endpoint for InProcess {
    fn request(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &[u8]) -> Answer {
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder().method(method).uri(path);
        if !extra.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            req = req.header("host", "127.0.0.1:8080");
        }
        for (n, v) in extra {
            req = req.header(*n, *v);
        }
        let req = req.body(axum::body::Body::from(body.to_vec())).unwrap();
        let (status, headers, body) = self.runtime.block_on(async {
            let resp = self.router.clone().oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, headers, body.to_vec())
        });
        Answer {
            status,
            headers,
            body,
        }
    }
}

impl Endpoint for Running {
    fn request(&self, method: &str, path: &str, extra: &[(&str, &str)], body: &[u8]) -> Answer {
        request(self.addr, method, path, extra, body)
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// Read an HTTP/1.1 answer (with a Content-Length or chunked) from `s`.
pub(crate) fn read_answer(s: &mut impl BufRead) -> Answer {
    let mut line = String::new();
    s.read_line(&mut line).unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("status line: {line:?}"))
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        s.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').unwrap();
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut a = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    if status == 100 {
        return a;
    }
    if let Some(len) = a.header("content-length") {
        let mut body = vec![0; len.parse().unwrap()];
        s.read_exact(&mut body).unwrap();
        a.body = body;
    } else if a.header("transfer-encoding") == Some("chunked") {
        loop {
            line.clear();
            s.read_line(&mut line).unwrap();
            let n = usize::from_str_radix(line.trim(), 16).unwrap();
            let mut chunk = vec![0; n + 2];
            s.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            a.body.extend_from_slice(&chunk[..n]);
        }
    } else {
        s.read_to_end(&mut a.body).unwrap();
    }
    a
}

/// One request on a new connection; `extra` headers may replace `Host`.
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !extra.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (n, v) in extra {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before it has read everything.
    let _ = s.write_all(body);
    read_answer(&mut BufReader::new(s))
}

pub(crate) fn get(addr: SocketAddr, path: &str) -> Answer {
    request(addr, "GET", path, &[], b"")
}

pub(crate) fn post(addr: SocketAddr, path: &str, body: &[u8]) -> Answer {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
}

/// The example (as issuable) with a paragraph of `text` added to its first article.
fn with_paragraph(text: &str) -> Vec<u8> {
    let mut v = common::issuable_json();
    v["body"][0]["paragraphs"]
        .as_array_mut()
        .unwrap()
        .push(json!(text));
    serde_json::to_vec_pretty(&v).unwrap()
}

#[test]
fn the_page_and_its_files_are_served_from_the_binary() {
    let s = in_process();
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().contains("简报排版"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    // Every file of web/ is served at its name, as it is; the example too.
    let mut files: Vec<(String, String, &str)> = vec![(
        "/example.json".into(),
        "examples/yiyang-2024-01.json".into(),
        "application/json",
    )];
    let mut modules = Vec::new();
    for entry in std::fs::read_dir(common::root().join("web")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let ty = match name.rsplit('.').next() {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            Some("html") => continue,
            Some("svg") => "image/svg+xml",
            other => panic!("a file of web/ the server does not serve: {name} ({other:?})"),
        };
        if ty == "text/javascript" {
            modules.push(name.clone());
        }
        files.push((format!("/{name}"), format!("web/{name}"), ty));
    }
    assert!(modules.len() >= 8, "one module per concern: {modules:?}");
    for (path, file, ty) in &files {
        let a = s.get(path);
        assert_eq!(a.status, 200, "{path}");
        assert!(a.header("content-type").unwrap().starts_with(ty), "{path}");
        assert_eq!(
            a.body,
            std::fs::read(common::root().join(file)).unwrap(),
            "{path}"
        );
    }
    // Every module a module imports is served; the page loads main.js.
    assert!(page
        .text()
        .contains("<script type=\"module\" src=\"/main.js\">"));
    for m in &modules {
        let text = std::fs::read_to_string(common::root().join("web").join(m)).unwrap();
        for line in text.lines().filter(|l| l.starts_with("import ")) {
            let target = line
                .rsplit("from \"./")
                .next()
                .unwrap()
                .trim_end_matches("\";");
            assert!(modules.iter().any(|x| x == target), "{m} imports {target}");
        }
    }
    // The page refers to nothing outside the server.
    for (_, f, _) in files.iter().skip(1) {
        // An SVG names its namespace by a URL it never fetches.
        let text = std::fs::read_to_string(common::root().join(f))
            .unwrap()
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"),
            "{f}"
        );
    }
    let index = std::fs::read_to_string(common::root().join("web/index.html")).unwrap();
    assert!(!index.contains("http://") && !index.contains("https://"));
    let schema = s.get("/schema.json");
    assert_eq!(schema.status, 200);
    assert!(schema.json()["properties"]["masthead"].is_object());
    let missing = s.get("/nothing");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["ok"], false);
    assert!(missing.json()["message"].as_str().unwrap().contains("没有"));
    // Reading endpoints by the wrong method.
    assert_eq!(s.get("/api/check").status, 405);
}

#[test]
fn check_reports_pages_notices_and_errors_at_their_places() {
    let s = in_process();
    let laid = common::layout(&common::example());
    let a = s.post("/api/check", &common::example());
    assert_eq!(a.status, 200);
    let r = a.json();
    assert_eq!(r["ok"], true);
    assert_eq!(r["pages"], laid.layout.pages.len());
    assert_eq!(r["errors"], json!([]));
    // The real issue's 文号 is of 2022, the issue of 2024: a warning.
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["path"], "$.document_number");
    let notices = r["notices"].as_array().unwrap();
    assert_eq!(notices.len() + 1, laid.diagnostics.len());
    // 昇 comes from the fallback face: a notice in its section.
    let sheng = notices
        .iter()
        .find(|n| n["message"].as_str().unwrap().contains("昇"))
        .expect("the fallback notice");
    assert!(sheng["path"].as_str().unwrap().starts_with("$.body["));
    assert!(sheng["article"].as_str().unwrap().contains("栏目"));

    // JSON syntax: line and column.
    let a = s.post(
        "/api/check",
        b"{\n  \"masthead\": {\n    \"name\": \"x\",,\n  }\n}",
    );
    assert_eq!(a.status, 200);
    let r = a.json();
    assert_eq!(r["ok"], false);
    assert_eq!(r["pages"], 0);
    assert_eq!(r["errors"][0]["line"], 3);
    assert!(r["errors"][0]["column"].as_u64().unwrap() > 10);

    // A rule of the format: path and article.
    let mut v = common::example_json();
    v["body"][0]["paragraph"] = json!(["x"]);
    let r = s
        .post("/api/check", &serde_json::to_vec(&v).unwrap())
        .json();
    assert_eq!(r["ok"], false);
    let e = &r["errors"][0];
    assert_eq!(e["path"], "$.body[0].paragraph");
    assert!(e["article"].as_str().unwrap().starts_with("文章《"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("paragraphs"), "{e}");
    assert!(e.get("line").is_none());

    // A warning (half-width comma in Chinese text), with its place.
    let r = s
        .post("/api/check", &with_paragraph("湿地保护,修复工作。"))
        .json();
    assert_eq!(r["ok"], true);
    assert_eq!(r["warnings"][0]["path"], "$.body[0].paragraphs[2]");

    // A character no font has.
    let r = s
        .post("/api/check", &with_paragraph("私用\u{E000}字。"))
        .json();
    assert_eq!(r["ok"], false);
    assert_eq!(r["errors"][0]["path"], "$.body[0].paragraphs[2]");
    assert!(r["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("U+E000"));

    // A template file: the server reads no file a client names.
    let mut v = common::example_json();
    v["template"] = json!("/etc/passwd");
    let r = s
        .post("/api/check", &serde_json::to_vec(&v).unwrap())
        .json();
    assert_eq!(r["ok"], false);
    assert_eq!(r["errors"][0]["path"], "$.template");
    assert!(r["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("内置模板"));

    // Not UTF-8, empty.
    let r = s.post("/api/check", b"\xff\xfe{").json();
    assert_eq!(r["ok"], false);
    assert!(r["errors"][0]["line"].is_number());
    let r = s.post("/api/check", b"").json();
    assert_eq!(r["ok"], false);
}

#[test]
fn previews_are_the_svg_of_the_same_layout() {
    let s = in_process();
    let laid = common::layout(&common::example());
    for page in 1..=laid.layout.pages.len() {
        let a = s.post(&format!("/api/preview?page={page}"), &common::example());
        assert_eq!(a.status, 200, "page {page}");
        assert_eq!(
            a.header("content-type"),
            Some("image/svg+xml; charset=utf-8")
        );
        let want = jianbao::output::svg::page(&laid.layout, &laid.fonts, page - 1).unwrap();
        assert_eq!(a.text(), want, "page {page}");
        assert!(a.header("server-timing").unwrap().contains("svg;dur="));
    }
    // Without a page: page 1. An edit changes it.
    let first = s.post("/api/preview", &common::example()).text();
    assert!(first.contains("fill=\"#ff0000\""));
    let mut v = common::example_json();
    v["masthead"]["name"] = json!("某县工作简报");
    let changed = s.post("/api/preview?page=1", &serde_json::to_vec(&v).unwrap());
    assert_eq!(changed.status, 200);
    assert_ne!(changed.text(), first);
    // Pages that do not exist; numbers that are not page numbers.
    let a = s.post("/api/preview?page=99", &common::example());
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["pages"], laid.layout.pages.len());
    for bad in ["0", "-1", "abc", "1.5", ""] {
        let a = s.post(&format!("/api/preview?page={bad}"), &common::example());
        assert_eq!(a.status, 400, "page={bad}");
        assert!(a.json()["message"].as_str().unwrap().contains("页码"));
    }
    // A bulletin with errors: 422 and the report.
    let a = s.post("/api/preview?page=1", b"{");
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["errors"][0]["line"], 1);
}

#[test]
fn concurrent_previews_of_one_bulletin_are_all_right() {
    let s = start();
    let sixty =
        std::fs::read(common::root().join("tests/data/corpus/13-sixty-pages.json")).unwrap();
    let laid = common::layout(&sixty);
    let n = laid.layout.pages.len();
    assert!(n >= 50, "{n} pages");
    let pages = [1, 2, 17, 30, 45, n];
    let handles: Vec<_> = pages
        .iter()
        .map(|&p| {
            let body = sixty.clone();
            let addr = s.addr;
            std::thread::spawn(move || (p, post(addr, &format!("/api/preview?page={p}"), &body)))
        })
        .collect();
    for h in handles {
        let (p, a) = h.join().unwrap();
        assert_eq!(a.status, 200, "page {p}");
        assert_eq!(
            a.text(),
            jianbao::output::svg::page(&laid.layout, &laid.fonts, p - 1).unwrap()
        );
    }
}

#[test]
fn render_gives_the_pdf_the_library_makes() {
    let s = in_process();
    let a = s.post("/api/render", &common::example());
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("application/pdf"));
    assert!(a
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(a.body, common::render(&common::example()));
    let a = s.post("/api/render", b"{\"masthead\": 1}");
    assert_eq!(a.status, 422);
    let r = a.json();
    assert_eq!(r["ok"], false);
    assert!(r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"] == "$.masthead"));
}

#[test]
fn import_reads_text_and_docx_drafts() {
    let s = in_process();
    let seed = std::fs::read(common::root().join("tests/data/seed-yiyang-2024-01.txt")).unwrap();
    let a = s.request(
        "POST",
        "/api/import",
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("X-Jianbao", "1"),
        ],
        &seed,
    );
    assert_eq!(a.status, 200);
    let r = a.json();
    let want = jianbao::import::import(&seed, Some(jianbao::import::Kind::Text)).unwrap();
    assert_eq!(r["json"], want.json);
    assert_eq!(r["notices"].as_array().unwrap().len(), want.notices.len());
    // The imported bulletin is the example, field for field.
    let got: Value = serde_json::from_str(r["json"].as_str().unwrap()).unwrap();
    let mut example = common::example_json();
    example.as_object_mut().unwrap().remove("template");
    assert_eq!(got, example);

    let docx =
        std::fs::read(common::root().join("tests/data/import/drafts/heshan-libreoffice.docx"))
            .unwrap();
    let want = jianbao::import::import(&docx, Some(jianbao::import::Kind::Docx)).unwrap();
    for (path, ty) in [
        (
            "/api/import",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "/api/import?name=%E8%8D%89%E7%A8%BF.docx",
            "application/octet-stream",
        ),
        ("/api/import", "application/octet-stream"),
    ] {
        let a = s.request(
            "POST",
            path,
            &[("Content-Type", ty), ("X-Jianbao", "1")],
            &docx,
        );
        assert_eq!(a.status, 200, "{path} {ty}");
        let r = a.json();
        assert_eq!(r["json"], want.json);
        let notices = r["notices"].as_array().unwrap();
        assert_eq!(notices.len(), want.notices.len());
        assert!(notices
            .iter()
            .all(|n| n["line"].is_number() && n["message"].is_string()));
    }

    // Not a draft: 422 with the importer's message; a type it cannot read,
    // an empty body, a bad query: 400.
    let a = s.request(
        "POST",
        "/api/import",
        &[("Content-Type", "text/plain"), ("X-Jianbao", "1")],
        "随便写的几句话。\n没有报头。".as_bytes(),
    );
    assert_eq!(a.status, 422);
    assert!(!a.json()["message"].as_str().unwrap().is_empty());
    let a = s.request(
        "POST",
        "/api/import",
        &[("Content-Type", "application/pdf"), ("X-Jianbao", "1")],
        b"%PDF-1.7",
    );
    assert_eq!(a.status, 400);
    assert!(a.json()["message"].as_str().unwrap().contains(".docx"));
    let a = s.request(
        "POST",
        "/api/import",
        &[("Content-Type", "text/plain"), ("X-Jianbao", "1")],
        b"",
    );
    assert_eq!(a.status, 400);
    let a = s.request(
        "POST",
        "/api/import?name=a&name=b",
        &[("Content-Type", "text/plain"), ("X-Jianbao", "1")],
        &seed,
    );
    assert_eq!(a.status, 400);
}

#[test]
fn issue_refuses_as_the_command_line_does_and_the_archive_finds_the_copy() {
    let s = in_process();
    // An empty archive lists nothing.
    let r = s.get("/api/archive").json();
    assert_eq!(r["copies"], json!([]));

    let a = s.post("/api/issue", &common::issuable());
    assert_eq!(a.status, 201, "{}", a.text());
    let filed = a.json();
    assert_eq!(filed["ok"], true);
    assert_eq!(filed["issue"], 1);
    assert_eq!(filed["sequence"], 1);
    let id = filed["id"].as_str().unwrap().to_string();

    // The same number again: refused, with what to do in words (the page
    // has no commands) and as typed hints.
    let a = s.post("/api/issue", &common::issuable());
    assert_eq!(a.status, 409);
    let r = a.json();
    assert_eq!(r["refused"], "archive");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains("已经归档过")
            && message.contains("下一期的期号")
            && message.contains(&format!("档案编号 {id}"))
            && !message.contains("--")
            && !message.contains("jianbao "),
        "{message}"
    );
    assert_eq!(r["hints"][0]["hint"], "next_issue");
    assert_eq!(r["hints"][1], json!({ "hint": "supersede", "id": id }));

    // Warnings refuse unless accepted.
    let mut v: Value = serde_json::from_slice(&with_paragraph("湿地保护,修复工作。")).unwrap();
    v["masthead"]["issue"] = json!(2);
    v["document_number"] = json!("益简字【2024】43号");
    let warned = serde_json::to_vec_pretty(&v).unwrap();
    let a = s.post("/api/issue", &warned);
    assert_eq!(a.status, 422);
    let r = a.json();
    assert_eq!(r["refused"], "warnings");
    assert_eq!(r["warnings"][0]["path"], "$.body[0].paragraphs[2]");
    let a = s.post("/api/issue?allow_warnings=maybe", &warned);
    assert_eq!(a.status, 400);
    let a = s.post("/api/issue?allow_warnings=true", &warned);
    assert_eq!(a.status, 201, "{}", a.text());
    assert_eq!(a.json()["warnings"].as_array().unwrap().len(), 1);

    // Errors refuse; a template file is refused before anything is read.
    let a = s.post("/api/issue", b"{");
    assert_eq!(a.status, 422);
    let mut t = common::example_json();
    t["masthead"]["issue"] = json!(3);
    t["template"] = json!("../../etc/x.toml");
    let a = s.post("/api/issue", &serde_json::to_vec(&t).unwrap());
    assert_eq!(a.status, 422);
    assert_eq!(a.json()["errors"][0]["path"], "$.template");

    // The archive: both copies listed, newest first; the PDF as filed.
    let r = s.get("/api/archive").json();
    let copies = r["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[1]["id"], id.as_str());
    assert_eq!(copies[0]["issue"], 2);
    let pdf = s.get(&format!("/api/archive/{id}/pdf"));
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let on_disk = std::fs::read_dir(s.archive.join("archive/copies"))
        .unwrap()
        .flat_map(|b| std::fs::read_dir(b.unwrap().path()).unwrap())
        .map(|c| std::fs::read(c.unwrap().path().join("issued.pdf")).unwrap())
        .any(|b| b == pdf.body);
    assert!(on_disk, "the PDF served is the one filed");

    // Search: sentences with every word.
    let r = s.get("/api/archive?q=%E6%B9%BF%E5%9C%B0").json(); // 湿地
    let hits = r["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits
        .iter()
        .all(|h| h["sentence"].as_str().unwrap().contains("湿地")));
    assert!(hits[0]["copy"]["id"].is_string());
    assert!(hits[0]["label"].as_str().unwrap().contains("第"));
    let a = s.get("/api/archive?q=%21%21");
    assert_eq!(a.status, 400);

    // A correction (filed on the command line, here through the library):
    // the list says which copy is in force, as `archive list` does.
    let mut corrected = common::example_json();
    corrected["body"][0]["title"] = json!("更正后的标题");
    let archive = jianbao::archive::Archive::new(s.archive.join("archive"));
    let fix = archive
        .issue(
            &common::engine(),
            &serde_json::to_vec(&corrected).unwrap(),
            &jianbao::Options::default(),
            &jianbao::archive::IssueOptions {
                allow_warnings: true,
                now: std::time::SystemTime::now(),
                supersedes: Some(jianbao::archive::Correction {
                    id: id.clone(),
                    reason: "标题有误".into(),
                }),
                ofd: false,
                sign: None,
            },
        )
        .unwrap();
    let r = s.get("/api/archive").json();
    let copies = r["copies"].as_array().unwrap();
    assert_eq!((copies.len(), r["current"].as_u64()), (3, Some(2)));
    let state = |id: &str| copies.iter().find(|c| c["id"] == id).unwrap().clone();
    let first = state(&id);
    assert_eq!(first["state"], "superseded");
    assert_eq!(first["by"], fix.manifest.id());
    let now = state(&fix.manifest.id());
    assert_eq!(now["state"], "correction");
    assert_eq!(
        (now["revision"].as_u64(), now["of"].as_str()),
        (Some(2), Some(id.as_str()))
    );
    assert_eq!(copies[1]["state"], "current");

    // Ids that are not ids, or name no copy.
    assert_eq!(s.get("/api/archive/xyz!/pdf").status, 400);
    assert_eq!(s.get("/api/archive/..%2F..%2Fetc/pdf").status, 400);
    assert_eq!(s.get("/api/archive/abcdef/pdf").status, 404);

    // A copy whose PDF was changed on disk is not served.
    let dir = std::fs::read_dir(s.archive.join("archive/copies"))
        .unwrap()
        .flat_map(|b| std::fs::read_dir(b.unwrap().path()).unwrap())
        .map(|c| c.unwrap().path())
        .find(|p| std::fs::read(p.join("issued.pdf")).unwrap() == pdf.body)
        .unwrap();
    common::make_writable(&dir);
    std::fs::write(dir.join("issued.pdf"), b"%PDF-1.7 forged").unwrap();
    let a = s.get(&format!("/api/archive/{id}/pdf"));
    assert_eq!(a.status, 409);
    assert!(a.json()["message"].as_str().unwrap().contains("已改动"));
}

#[test]
fn two_issues_of_the_same_number_at_once_one_wins() {
    let s = start();
    let mut v = common::issuable_json();
    v["masthead"]["issue"] = json!(7);
    let a = serde_json::to_vec(&v).unwrap();
    // The same number, different text.
    v["body"][0]["paragraphs"][0] = json!("另一段文字。");
    let b = serde_json::to_vec(&v).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = [a, b]
        .into_iter()
        .map(|body| {
            let addr = s.addr;
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                post(addr, "/api/issue", &body)
            })
        })
        .collect();
    let mut statuses: Vec<u16> = handles
        .into_iter()
        .map(|h| h.join().unwrap().status)
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let r = get(s.addr, "/api/archive").json();
    assert_eq!(r["copies"].as_array().unwrap().len(), 1);
}

#[test]
fn bodies_over_the_limit_get_413() {
    let s = start();
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    for path in [
        "/api/check",
        "/api/preview",
        "/api/render",
        "/api/import",
        "/api/issue",
    ] {
        let a = post(s.addr, path, &big);
        assert_eq!(a.status, 413, "{path}");
        assert!(
            a.json()["message"].as_str().unwrap().contains("8 MB"),
            "{path}"
        );
    }
    // Told the size first, the server refuses without reading the body.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        c,
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        s.addr,
        MAX_BODY_BYTES * 4
    )
    .unwrap();
    let a = read_answer(&mut BufReader::new(c));
    assert_eq!(a.status, 413);
    // Without a length (chunked), the body is read up to the limit.
    let c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut w = c.try_clone().unwrap();
    let addr = s.addr;
    let writer = std::thread::spawn(move || {
        let head = format!(
            "POST /api/import HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nX-Jianbao: 1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        w.write_all(head.as_bytes())?;
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..=MAX_BODY_BYTES / chunk.len() {
            w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            w.write_all(&chunk)?;
            w.write_all(b"\r\n")?;
        }
        w.write_all(b"0\r\n\r\n")
    });
    let a = read_answer(&mut BufReader::new(c));
    assert_eq!(a.status, 413);
    assert!(a.json()["message"].as_str().unwrap().contains("8 MB"));
    let _ = writer.join();
    // Exactly at the limit is read (and is not a bulletin: over the input's 4 MB).
    let at = vec![b' '; MAX_BODY_BYTES];
    let a = post(s.addr, "/api/check", &at);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["errors"][0]["path"], "$");
}

#[test]
fn requests_from_other_sites_are_refused() {
    let s = start();
    let host = s.addr.to_string();
    let own = format!("http://{host}");
    let ok = request(
        s.addr,
        "POST",
        "/api/check",
        &[
            ("Origin", &own),
            ("Sec-Fetch-Site", "same-origin"),
            ("Content-Type", "application/json"),
        ],
        &common::example(),
    );
    assert_eq!(ok.status, 200);
    let local = request(
        s.addr,
        "GET",
        "/",
        &[("Host", &format!("localhost:{}", s.addr.port()))],
        b"",
    );
    assert_eq!(local.status, 200);
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let a = request(
            s.addr,
            "POST",
            "/api/issue",
            &[(name, value), ("Content-Type", "application/json")],
            &common::example(),
        );
        assert_eq!(a.status, 403, "{name}: {value}");
        assert!(a.json()["message"].as_str().unwrap().contains("其他网站"));
    }
    // A name that is not this machine's (DNS rebinding) on a loopback server.
    let a = request(s.addr, "GET", "/", &[("Host", "evil.example:8080")], b"");
    assert_eq!(a.status, 421);
    // Nothing was filed.
    assert!(!s.archive.join("archive/copies").exists());
}

/// What a server process says on standard error after start-up.
pub(crate) type Said = std::sync::Arc<std::sync::Mutex<String>>;

/// A server process, ended when dropped.
pub(crate) struct Process(pub(crate) std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `jianbao serve` with `args`, until it says where it listens: the process,
/// its address, what it said so far and what it says later.
pub(crate) fn spawn_cli(args: &[&str]) -> (Process, SocketAddr, String, Said) {
    spawn_cli_in(Command::new(env!("CARGO_BIN_EXE_jianbao")), args)
}

/// [`spawn_cli`] through `command` (the binary, or a shell that limits it
/// and runs it).
pub(crate) fn spawn_cli_in(
    mut command: Command,
    args: &[&str],
) -> (Process, SocketAddr, String, Said) {
    let archive = TempDir::new("serve-cli");
    let child = command
        .arg("serve")
        .args(args)
        .arg("--archive")
        .arg(archive.join("a"))
        .env("JIANBAO_FONT_DIR", common::root().join("fonts"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Process(child);
    let mut err = BufReader::new(child.0.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            let status = child.0.wait();
            panic!("serve ended ({status:?}): {said}");
        }
        said.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            let addr = rest.split('/').next().unwrap().parse().unwrap();
            // Keep reading its log so that it never blocks on a full pipe.
            let later = Said::default();
            let log = later.clone();
            std::thread::spawn(move || {
                let _archive = archive;
                let mut line = String::new();
                while err.read_line(&mut line).is_ok_and(|n| n > 0) {
                    log.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
            return (child, addr, said, later);
        }
    }
}

#[test]
fn the_command_line_serves_on_loopback_and_warns_on_other_addresses() {
    let (child, addr, said, later) = spawn_cli(&["--addr", "127.0.0.1:0"]);
    assert!(addr.ip().is_loopback());
    assert!(!said.contains("警告"), "{said}");
    let a = get(addr, "/");
    assert_eq!(a.status, 200);
    let r = post(addr, "/api/check", &common::example()).json();
    assert_eq!(r["ok"], true);
    // Issues and refusals are logged, with the client's address.
    assert_eq!(post(addr, "/api/issue", &common::issuable()).status, 201);
    assert_eq!(post(addr, "/api/preview?page=x", b"{}").status, 400);
    let mut log = String::new();
    for _ in 0..200 {
        log = later.lock().unwrap().clone();
        if log.contains("/api/preview") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        log.contains("签发归档：《益阳市配合中央生态环境保护督察工作简报》2024年第1期"),
        "{log}"
    );
    assert!(log.contains("127.0.0.1 POST /api/issue 201"), "{log}");
    assert!(log.contains("127.0.0.1 POST /api/preview 400"), "{log}");
    assert!(!log.contains("/api/check"), "{log}");
    drop(child);

    let (child, addr, said, _) =
        spawn_cli(&["--addr", "0.0.0.0:0", "--allow-host", "jianbao.office.lan"]);
    assert!(
        said.contains("警告") && said.contains("不只是本机"),
        "{said}"
    );
    // Reached through loopback all the same, by the name it was told.
    let a = request(
        SocketAddr::from(([127, 0, 0, 1], addr.port())),
        "GET",
        "/",
        &[("Host", "jianbao.office.lan")],
        b"",
    );
    assert_eq!(a.status, 200);
    drop(child);

    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["serve", "--addr", "localhost"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("IP 地址和端口"));
    // A font folder that does not serve is found at start-up.
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--font-dir",
            "/nonexistent",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("字体"));
}
