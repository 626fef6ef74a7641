//! The web page's API for a clerk's work, on a real loopback port: the
//! check in a clerk's words with its layout key and page versions, pages by
//! key, drafts kept on the server, a new issue and the next one, a filed
//! copy's input and its correction (更正), what the server offers (archive,
//! templates given with `--template`), a .json opened as a bulletin, and the
//! 文号 compared with the issue filed before.

use serde_json::{json, Value};

use crate::common::{self, TempDir};
use crate::serve::{get, post, request, start, start_with};

fn put(addr: std::net::SocketAddr, path: &str, body: &[u8]) -> crate::serve::Answer {
    request(
        addr,
        "PUT",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
}

#[test]
fn the_check_speaks_a_clerks_words_and_names_its_layout_and_pages() {
    let s = start();
    let r = post(s.addr, "/api/check", &common::example()).json();
    assert_eq!(r["ok"], true);
    let key = r["key"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 64);
    let versions: Vec<String> = r["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(versions.len(), r["pages"].as_u64().unwrap() as usize);
    // Each entry: its place as a clerk reads it, its words, and the details.
    let fallback = r["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["message"].as_str().unwrap().contains("昇"))
        .unwrap()
        .clone();
    assert_eq!(fallback["place"], "栏目【县市区动态】第2条第1段");
    let text = fallback["text"].as_str().unwrap();
    assert!(
        text.contains("“昇”字") && !text.contains(".ttf") && !text.contains("U+"),
        "{text}"
    );
    assert_eq!(fallback["path"], "$.body[2].items[1].paragraphs[0]");
    let w = &r["warnings"][0];
    assert_eq!(w["place"], "版记·文号");

    // A page by key is the page the text gives.
    let by_key = get(s.addr, &format!("/api/page/{key}/2"));
    assert_eq!(by_key.status, 200);
    assert_eq!(
        by_key.header("content-type"),
        Some("image/svg+xml; charset=utf-8")
    );
    let by_text = post(s.addr, "/api/preview?page=2", &common::example());
    assert_eq!(by_key.body, by_text.body);
    assert!(by_key
        .text()
        .contains("data-path=\"$.body[1].paragraphs[1]\""));
    assert_eq!(get(s.addr, &format!("/api/page/{key}/99")).status, 404);
    assert_eq!(get(s.addr, &format!("/api/page/{key}/x")).status, 400);
    assert_eq!(get(s.addr, "/api/page/abc/1").status, 400);
    let gone = get(s.addr, &format!("/api/page/{}/1", "0".repeat(64)));
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["expired"], true);

    // An edit on the last page changes its version only.
    let mut v = common::example_json();
    v["document_number"] = json!("益简字【2022】43号");
    let r2 = post(s.addr, "/api/check", &serde_json::to_vec(&v).unwrap()).json();
    let after: Vec<&str> = r2["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let n = after.len();
    assert_eq!(
        after[..n - 1],
        versions[..n - 1],
        "the pages before are the same"
    );
    assert_ne!(after[n - 1], versions[n - 1]);

    // An input with errors: places from what can be read of it.
    let mut bad = common::example_json();
    bad["body"][1]["paragraphs"][2] = json!("");
    let r = post(s.addr, "/api/check", &serde_json::to_vec(&bad).unwrap()).json();
    assert_eq!(r["ok"], false);
    let e = &r["errors"][0];
    assert_eq!(e["path"], "$.body[1].paragraphs[2]");
    assert_eq!(e["place"], "第2篇文章《益阳市配合中央生态环境…》第3段");
    assert_eq!(e["text"], "还没有填写");
    assert!(r.get("key").is_none());
}

#[test]
fn drafts_are_kept_on_the_server_beside_the_archive() {
    let s = start();
    assert_eq!(get(s.addr, "/api/drafts").json()["drafts"], json!([]));
    let id = "00112233aabbccdd";
    let text = String::from_utf8(common::example()).unwrap();
    let a = put(s.addr, &format!("/api/drafts/{id}"), text.as_bytes());
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.json()["saved_at"].as_str().unwrap().len() >= 16);
    // Unfinished text is kept too.
    let b = put(s.addr, "/api/drafts/ffffffffffffffff", b"{ \"masthead\": ");
    assert_eq!(b.status, 200);
    let list = get(s.addr, "/api/drafts").json();
    let drafts = list["drafts"].as_array().unwrap();
    assert_eq!(drafts.len(), 2);
    let d = drafts.iter().find(|d| d["id"] == id).unwrap();
    assert_eq!(d["name"], "益阳市配合中央生态环境保护督察工作简报");
    assert_eq!(d["label"], "第1期");
    assert_eq!(
        get(s.addr, &format!("/api/drafts/{id}")).json()["text"],
        text.as_str()
    );
    // In the archive's folder, as files the command line can read.
    let file = s.archive.join("archive/drafts").join(format!("{id}.json"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // Only ids name drafts.
    for bad in ["..%2F..%2Fx", "ABCDEFABCDEFABCD", "123"] {
        assert_eq!(
            put(s.addr, &format!("/api/drafts/{bad}"), b"{}").status,
            400,
            "{bad}"
        );
        assert_eq!(
            get(s.addr, &format!("/api/drafts/{bad}")).status,
            400,
            "{bad}"
        );
    }
    assert_eq!(get(s.addr, "/api/drafts/0000000000000000").status, 404);
    let del = request(
        s.addr,
        "DELETE",
        &format!("/api/drafts/{id}"),
        &[("X-Jianbao", "1")],
        b"",
    );
    assert_eq!(del.status, 200);
    assert!(!file.exists());
    assert_eq!(
        get(s.addr, "/api/drafts").json()["drafts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Issue `body` and return the answer's JSON (asserting 201).
fn issue(s: &crate::serve::Running, query: &str, body: &[u8]) -> Value {
    let a = post(s.addr, &format!("/api/issue{query}"), body);
    assert_eq!(a.status, 201, "{}", a.text());
    a.json()
}

#[test]
fn new_issues_next_issues_corrections_and_a_filed_copys_input() {
    let s = start();
    let name = "益阳市配合中央生态环境保护督察工作简报";

    // A name the archive does not know: a first issue to fill in.
    let a = post(
        s.addr,
        "/api/new",
        json!({ "name": "城关镇工作简报", "date": "2025-04-18" })
            .to_string()
            .as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let first = a.json();
    let skel: Value = serde_json::from_str(first["json"].as_str().unwrap()).unwrap();
    assert_eq!(skel["masthead"]["name"], "城关镇工作简报");
    assert_eq!(skel["masthead"]["issue"], 1);
    assert_eq!(skel["masthead"]["date"], "2025-04-18");
    assert!(first["notes"][0].as_str().unwrap().contains("没有这份简报"));
    assert_eq!(first["first_issue"], true);
    // 新建 with nothing: a blank first issue.
    let blank = post(
        s.addr,
        "/api/new",
        br#"{"blank": true, "date": "2025-04-18"}"#,
    )
    .json();
    let skel: Value = serde_json::from_str(blank["json"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            skel["masthead"]["name"].as_str(),
            skel["masthead"]["issue"].as_u64()
        ),
        (Some(""), Some(1))
    );
    assert_eq!(skel["body"][0]["title"], "");
    for bad in [
        json!({}),
        json!({ "name": " " }),
        json!({ "name": "x", "date": "2025-02-30" }),
        json!({ "copy": "../x" }),
        json!({ "name": "x", "other": 1 }),
    ] {
        assert_eq!(
            post(s.addr, "/api/new", bad.to_string().as_bytes()).status,
            400,
            "{bad}"
        );
    }

    // Issued: the next by name, and the next after the copy.
    let filed = issue(&s, "", &common::issuable());
    let id = filed["id"].as_str().unwrap().to_string();
    let a = post(
        s.addr,
        "/api/new",
        json!({ "name": name, "date": "2024-05-17" })
            .to_string()
            .as_bytes(),
    )
    .json();
    let next: Value = serde_json::from_str(a["json"].as_str().unwrap()).unwrap();
    assert_eq!(next["masthead"]["issue"], 2);
    assert_eq!(next["distribution"]["report_to"][0], "市委办公室");
    assert_eq!(a["first_issue"], false);
    // The note of a 文号 left out names the page's field, not the JSON's.
    let notes = a["notes"].to_string();
    assert!(
        notes.contains("“文号”") && !notes.contains("document_number"),
        "{notes}"
    );
    let a = post(
        s.addr,
        "/api/new",
        json!({ "copy": id, "date": "2024-05-17" })
            .to_string()
            .as_bytes(),
    )
    .json();
    assert_eq!(a["issue"], 2);
    let unknown = post(
        s.addr,
        "/api/new",
        json!({ "copy": "abcdef123456" }).to_string().as_bytes(),
    );
    assert_eq!(unknown.status, 404);

    // The filed input, byte for byte, to correct it.
    let input = get(s.addr, &format!("/api/archive/{id}/input"));
    assert_eq!(input.status, 200);
    assert_eq!(input.body, common::issuable());
    assert_eq!(get(s.addr, "/api/archive/xyz/input").status, 400);
    assert_eq!(get(s.addr, "/api/archive/abcdef123456/input").status, 404);

    // 更正: the same number, with a reason, supersedes the copy.
    let mut v = common::issuable_json();
    v["body"][0]["paragraphs"][0] = json!("5月9日，益阳市委书记陈竞率队赴沅江市调研。");
    let corrected = serde_json::to_vec_pretty(&v).unwrap();
    let no_reason = post(s.addr, &format!("/api/issue?supersedes={id}"), &corrected);
    assert_eq!(no_reason.status, 400);
    assert!(no_reason.json()["message"]
        .as_str()
        .unwrap()
        .contains("理由"));
    let again = post(s.addr, "/api/issue", &corrected);
    assert_eq!(
        again.status, 409,
        "the number is used: only a correction may file it"
    );
    let reason = "%E7%AC%AC1%E9%A1%B5%E6%9C%89%E8%AF%AF"; // 第1页有误
    let fixed = issue(&s, &format!("?supersedes={id}&reason={reason}"), &corrected);
    assert_eq!(fixed["revision"], 2);
    assert_eq!(fixed["issue"], 1);
    let list = get(s.addr, "/api/archive").json();
    let copies = list["copies"].as_array().unwrap();
    let old = copies.iter().find(|c| c["id"] == id.as_str()).unwrap();
    assert_eq!(
        (old["state"].as_str(), &old["by"]),
        (Some("superseded"), &fixed["id"])
    );
    let new = copies.iter().find(|c| c["id"] == fixed["id"]).unwrap();
    assert_eq!(
        (new["state"].as_str(), new["revision"].as_u64(), &new["of"]),
        (Some("correction"), Some(2), &json!(id))
    );

    // The 文号 of issue 2, checked against the issue filed before it.
    let mut two = common::issuable_json();
    two["masthead"]["issue"] = json!(2);
    let r = post(s.addr, "/api/check", &serde_json::to_vec(&two).unwrap()).json();
    let w: Vec<&Value> = r["warnings"].as_array().unwrap().iter().collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["path"], "$.document_number");
    assert!(w[0]["message"]
        .as_str()
        .unwrap()
        .contains("与上一期（2024年第1期）的文号相同"));
    assert_eq!(w[0]["place"], "版记·文号");
}

#[test]
fn the_server_says_which_archive_and_templates_and_offers_only_those() {
    let t = TempDir::new("serve-template");
    let file = t.join("our-office.toml");
    std::fs::write(
        &file,
        "extends = \"jianbao\"\nname = \"our-office\"\n[page_number]\nposition = \"centre\"\n",
    )
    .unwrap();
    let s = start_with(jianbao::serve::Config {
        templates: vec![file.clone()],
        ..Default::default()
    });
    let info = get(s.addr, "/api/info").json();
    let archive = info["archive"].as_str().unwrap();
    assert!(
        archive.ends_with("archive") && std::path::Path::new(archive).is_absolute(),
        "{archive}"
    );
    assert!(info["drafts"].as_str().unwrap().ends_with("drafts"));
    assert_eq!(
        info["templates"],
        json!([
            { "value": "jianbao", "name": "jianbao", "builtin": true },
            { "value": "our-office.toml", "name": "our-office", "builtin": false }
        ])
    );
    // Picked by its file's name, laid out with it, filed with it.
    let mut v = common::issuable_json();
    v["template"] = json!("our-office.toml");
    let body = serde_json::to_vec(&v).unwrap();
    let r = post(s.addr, "/api/check", &body).json();
    assert_eq!(r["ok"], true, "{r}");
    let centred = post(s.addr, "/api/preview?page=2", &body).text();
    let plain = post(s.addr, "/api/preview?page=2", &common::issuable()).text();
    assert_ne!(centred, plain, "page numbers placed otherwise");
    let filed = issue(&s, "", &body);
    let dir = std::fs::read_dir(s.archive.join("archive/copies"))
        .unwrap()
        .flat_map(|b| std::fs::read_dir(b.unwrap().path()).unwrap())
        .map(|c| c.unwrap().path())
        .next()
        .unwrap();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["template"]["name"], "our-office");
    assert_eq!(manifest["template"]["builtin"], false);
    assert!(dir.join("template.toml").exists());
    assert_eq!(filed["issue"], 1);
    // Any other path is refused, with what may be picked.
    for other in ["/etc/passwd", "../our-office.toml", "red"] {
        v["template"] = json!(other);
        let r = post(s.addr, "/api/check", &serde_json::to_vec(&v).unwrap()).json();
        assert_eq!(r["errors"][0]["path"], "$.template", "{other}");
        assert!(r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("our-office.toml"));
    }
}

#[test]
fn a_json_file_given_to_import_is_opened_as_a_bulletin() {
    let s = start();
    let text = String::from_utf8(common::example()).unwrap();
    let a = request(
        s.addr,
        "POST",
        "/api/import?name=2024-01.json",
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Jianbao", "1"),
        ],
        text.as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let r = a.json();
    assert_eq!(r["json"], text.as_str());
    assert_eq!(r["bulletin"], true);
    // By its type, or by its first character when nothing names it.
    let a = post(s.addr, "/api/import", text.as_bytes()).json();
    assert_eq!(a["json"], text.as_str());
    let a = request(
        s.addr,
        "POST",
        "/api/import",
        &[("Content-Type", "text/plain"), ("X-Jianbao", "1")],
        b"  {\"masthead\": 1}",
    )
    .json();
    assert_eq!(a["bulletin"], true);
}

#[test]
fn serve_offers_the_templates_given_on_the_command_line_and_refuses_unusable_ones() {
    let t = TempDir::new("serve-template-cli");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .arg("serve")
            .args(args)
            .args(["--addr", "127.0.0.1:0", "--archive"])
            .arg(t.join("a"))
            .env("JIANBAO_FONT_DIR", common::root().join("fonts"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    // A file that is not there, a template with an error, two of one name:
    // exit code 2 before anything listens, saying which and why.
    std::fs::write(
        t.join("bad.toml"),
        "extends = \"jianbao\"\n[page_number]\nposition = \"sideways\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(t.join("x")).unwrap();
    std::fs::write(t.join("ok.toml"), "extends = \"jianbao\"\n").unwrap();
    std::fs::write(t.join("x/ok.toml"), "extends = \"jianbao\"\n").unwrap();
    for (args, said) in [
        (
            vec!["--template", t.join("missing.toml").to_str().unwrap()],
            "missing.toml",
        ),
        (
            vec!["--template", t.join("bad.toml").to_str().unwrap()],
            "bad.toml",
        ),
        (
            vec![
                "--template",
                t.join("ok.toml").to_str().unwrap(),
                "--template",
                t.join("x/ok.toml").to_str().unwrap(),
            ],
            "同名",
        ),
    ] {
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(said) && err.contains("--template"), "{err}");
        assert!(!err.contains("http://"), "nothing listened: {err}");
    }
}
