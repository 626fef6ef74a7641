//! Tests of the archive of issued copies, with the repository's fonts in
//! temporary directories: end to end through the built `jianbao` binary
//! where the command is what is tested, through the library where a copy is
//! only filed to be checked, or a fixture verified.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use jianbao::archive::{Archive, Compared, IssueOptions, Rerender};
use jianbao::output::{Output as Artefact, Writer};
use serde_json::Value;

use crate::common::*;

const NAME: &str = "益阳市配合中央生态环境保护督察工作简报";

fn repo() -> PathBuf {
    root()
}

/// The binary, run in `dir`, with the repository's fonts and the archive
/// `./archive` (named through the environment; the per-user default is
/// tested in defaults.rs).
fn jianbao(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    c.current_dir(dir)
        .env("JIANBAO_FONT_DIR", repo().join("fonts"))
        .env("JIANBAO_ARCHIVE", "archive")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    jianbao(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Run and require exit code `want`.
fn expect(dir: &Path, args: &[&str], want: i32) -> Output {
    let o = run(dir, args);
    assert_eq!(
        code(&o),
        want,
        "jianbao {args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

/// The id printed by `issue`.
fn issued_id(o: &Output) -> String {
    let out = stdout(o);
    let line = out
        .lines()
        .find(|l| l.contains("档案编号："))
        .unwrap_or_else(|| panic!("no id in {out}"));
    line.split('：').nth(1).unwrap().trim().to_string()
}

/// The directory printed by `issue`.
fn issued_dir(dir: &Path, o: &Output) -> PathBuf {
    let out = stdout(o);
    let line = out.lines().find(|l| l.contains("目录：")).unwrap();
    dir.join(line.split('：').nth(1).unwrap().trim())
}

/// Fill the placeholder article of a skeleton.
fn fill(skeleton: &Path, out: &Path, title: &str, paragraphs: &[&str]) {
    let mut v: Value = serde_json::from_slice(&fs::read(skeleton).unwrap()).unwrap();
    v["body"][0]["title"] = Value::from(title);
    v["body"][0]["paragraphs"] = Value::from(paragraphs.to_vec());
    fs::write(out, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

/// An input like the example, with another name, issue number and text.
fn variant(dir: &Path, file: &str, name: &str, issue: u32, title: &str) -> PathBuf {
    let mut v: Value = serde_json::from_slice(&issuable()).unwrap();
    v["masthead"]["name"] = Value::from(name);
    v["masthead"]["issue"] = Value::from(issue);
    // A 文号 of its own: one that repeats the previous issue's is a warning.
    v["document_number"] = Value::from(format!("益简字【2024】{}号", 100 + issue));
    v["guide"] = Value::from("auto");
    v["body"] = serde_json::json!([{
        "type": "article",
        "title": title,
        "paragraphs": ["5月16日，沅江市开展南洞庭湖湿地巡查。督察组对整改情况表示肯定。"]
    }]);
    let p = dir.join(file);
    fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    p
}

fn set_writable(p: &Path) {
    make_writable(p);
    if let Some(parent) = p.parent() {
        make_writable_dir_only(parent);
    }
}

fn make_writable_dir_only(p: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = p;
}

/// File `input` into `dir/archive` as `jianbao issue INPUT --allow-warnings`
/// run in `dir` does, through the library; the copy's folder.
fn file_copy(dir: &Path, input: &Path) -> PathBuf {
    Archive::new(dir.join("archive"))
        .issue(
            &engine(),
            &fs::read(input).unwrap(),
            &jianbao::Options {
                base_dir: dir.to_path_buf(),
                ..Default::default()
            },
            &IssueOptions {
                allow_warnings: true,
                now: std::time::SystemTime::now(),
                supersedes: None,
                ofd: false,
                sign: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .dir
}

/// An archive (`archive/` of the returned folder) with the example filed
/// as `jianbao issue ex.json` files it, through the library; returns
/// (tempdir, copy dir).
fn archive_with_example(tag: &str) -> (TempDir, PathBuf) {
    let t = TempDir::new(tag);
    fs::write(t.path().join("ex.json"), issuable()).unwrap();
    let filed = Archive::new(t.path().join("archive"))
        .issue(
            &engine(),
            &issuable(),
            &jianbao::Options {
                base_dir: t.path().to_path_buf(),
                ..Default::default()
            },
            &IssueOptions {
                allow_warnings: false,
                now: std::time::SystemTime::now(),
                supersedes: None,
                ofd: false,
                sign: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    (t, filed.dir)
}

#[test]
fn warnings_refuse_an_issue_unless_accepted_and_are_recorded() {
    let t = TempDir::new("warned");
    let d = t.path();
    let mut v = issuable_json();
    // A half-width comma inside Chinese text: a probable mistake.
    v["body"][0]["paragraphs"][0] = Value::String("会议指出,要落实责任。".into());
    fs::write(d.join("w.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let o = expect(d, &["issue", "w.json"], 1);
    let err = stderr(&o);
    assert!(err.contains("1 条警告"), "{err}");
    assert!(err.contains("“,”应为“，”"), "{err}");
    assert!(
        err.contains("--allow-warnings"),
        "the command line says how: {err}"
    );
    assert!(!d.join("archive").exists(), "nothing filed");

    let o = expect(d, &["issue", "w.json", "--allow-warnings"], 0);
    assert!(stderr(&o).contains("警告："), "{}", stderr(&o));
    let copy = issued_dir(d, &o);
    let manifest: Value =
        serde_json::from_slice(&fs::read(copy.join("manifest.json")).unwrap()).unwrap();
    let warnings = manifest["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{manifest}");
    assert!(warnings[0].as_str().unwrap().contains("半角标点"));
}

#[test]
fn three_issues_filed_listed_shown_searched_and_verified() {
    let t = TempDir::new("three");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();

    // The example has only notices (adaptations of the layout): filed
    // without any flag, the notices shown and recorded.
    let o = expect(d, &["issue", "ex.json"], 0);
    assert!(stderr(&o).contains("提示："), "{}", stderr(&o));
    assert!(!stderr(&o).contains("警告："), "{}", stderr(&o));
    let id1 = issued_id(&o);
    assert!(stdout(&o).contains("2024年第1期"));
    assert!(stdout(&o).contains("SHA-256："));
    let copy1 = issued_dir(d, &o);
    assert!(copy1.starts_with(d.join("archive")));
    for f in ["input.json", "issued.pdf", "manifest.json"] {
        let meta = fs::metadata(copy1.join(f)).unwrap();
        assert!(meta.permissions().readonly(), "{f} should be read-only");
    }
    assert_eq!(fs::read(copy1.join("input.json")).unwrap(), issuable());
    let manifest: Value =
        serde_json::from_slice(&fs::read(copy1.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["name"], NAME);
    assert_eq!(manifest["issue"], 1);
    assert_eq!(manifest["year"], 2024);
    assert!(manifest["pages"].as_u64().unwrap() > 0);
    assert!(manifest["fonts"].as_array().unwrap().len() >= 3);
    assert_eq!(manifest["template"]["name"], "jianbao");
    assert_eq!(manifest["sequence"], 1);
    assert_eq!(manifest["notices"].as_array().unwrap().len(), 5);
    assert_eq!(manifest["warnings"].as_array().unwrap().len(), 0);

    // The same number again: refused, and the filed copy is untouched.
    let before = fs::read(copy1.join("issued.pdf")).unwrap();
    let o = expect(d, &["issue", "ex.json", "--allow-warnings"], 1);
    assert!(stderr(&o).contains("已经归档过"), "{}", stderr(&o));
    assert_eq!(fs::read(copy1.join("issued.pdf")).unwrap(), before);

    // Second issue: `new --name` from the archive.
    let o = expect(
        d,
        &[
            "new",
            "--name",
            NAME,
            "--date",
            "2024-05-17",
            "-o",
            "n2.json",
        ],
        0,
    );
    let skel: Value = serde_json::from_slice(&fs::read(d.join("n2.json")).unwrap()).unwrap();
    assert_eq!(skel["masthead"]["issue"], 2);
    assert_eq!(skel["masthead"]["date"], "2024-05-17");
    assert_eq!(skel["distribution"]["report_to"][0], "市委办公室");
    // The example's 文号 “益简字【2024】42号” ends in neither its 期号 (1)
    // nor a 总期号, so it is left out (a copied 文号 would be wrong) and
    // `new` says so.
    assert!(skel["document_number"].is_null(), "{skel}");
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        said.contains("益简字【2024】42号") && said.contains("没有照抄"),
        "{said}"
    );
    // Unfilled, it fails check; filled, it passes.
    expect(d, &["check", "n2.json"], 1);
    fill(
        &d.join("n2.json"),
        &d.join("i2.json"),
        "南洞庭湖湿地保护修复持续推进",
        &[
            "5月16日，沅江市开展湿地巡查，清理违规网围。",
            "巡查组要求持续巩固整改成果。",
        ],
    );
    expect(d, &["check", "i2.json"], 0);
    let o = expect(d, &["issue", "i2.json", "--allow-warnings"], 0);
    let id2 = issued_id(&o);

    // Third issue: `new --from` the second.
    expect(
        d,
        &[
            "new",
            "--from",
            "i2.json",
            "--date",
            "2024-05-24",
            "-o",
            "n3.json",
        ],
        0,
    );
    let skel: Value = serde_json::from_slice(&fs::read(d.join("n3.json")).unwrap()).unwrap();
    assert_eq!(skel["masthead"]["issue"], 3);
    // `new` never overwrites.
    expect(
        d,
        &[
            "new",
            "--from",
            "i2.json",
            "--date",
            "2024-05-24",
            "-o",
            "n3.json",
        ],
        2,
    );
    fill(
        &d.join("n3.json"),
        &d.join("i3.json"),
        "督察反馈问题整改调度会召开",
        &["5月23日，市生态环境局召开整改调度会。会议要求压实责任，按期销号。"],
    );
    let o = expect(d, &["issue", "i3.json", "--allow-warnings"], 0);
    let id3 = issued_id(&o);

    // list
    let o = expect(d, &["archive", "list"], 0);
    let out = stdout(&o);
    for id in [&id1, &id2, &id3] {
        assert!(out.contains(id.as_str()), "{out}");
    }
    assert!(out.contains("陈竞率队实地调研南洞庭湖湿地保护修复工作"));
    assert!(out.contains("2024-05-24"));
    assert!(out.contains("共 3 期"), "{out}");
    let o = expect(d, &["archive", "list", "--year", "2023"], 0);
    assert!(!stdout(&o).contains(&id1));
    let o = expect(d, &["archive", "list", "--name", "益阳市配合"], 0);
    assert!(stdout(&o).contains("共 3 期"));

    // show, by id and by name/year/issue
    let o = expect(d, &["archive", "show", &id2], 0);
    assert!(stdout(&o).contains("2024年第2期"), "{}", stdout(&o));
    assert!(stdout(&o).contains("issued.pdf"));
    let o = expect(d, &["archive", "show", NAME, "2024", "3"], 0);
    assert!(stdout(&o).contains(&id3));
    let o = expect(d, &["archive", "show", "配合中央", "2024", "1"], 0);
    assert!(stdout(&o).contains(&id1));
    expect(d, &["archive", "show", NAME, "2024", "9"], 1);

    // search: two-character words
    let o = expect(d, &["archive", "search", "湿地"], 0);
    let out = stdout(&o);
    assert!(out.contains(&id1) && out.contains(&id2), "{out}");
    assert!(!out.contains(&id3), "{out}");
    assert!(
        out.contains("5月16日，沅江市开展湿地巡查，清理违规网围。"),
        "{out}"
    );
    let o = expect(d, &["archive", "search", "调度"], 0);
    let out = stdout(&o);
    assert!(out.contains(&id3) && !out.contains(&id2), "{out}");
    assert!(
        out.contains("5月23日，市生态环境局召开整改调度会。"),
        "{out}"
    );
    let o = expect(d, &["archive", "search", "督察"], 0);
    assert!(stdout(&o).contains(&id1) && stdout(&o).contains(&id3));
    let o = expect(d, &["archive", "search", "网围"], 0);
    assert!(stdout(&o).contains("共 1 处"), "{}", stdout(&o));
    let o = expect(d, &["archive", "search", "不存在的词语"], 0);
    assert!(stdout(&o).contains("没有找到"));

    // verify, and verify --rerender
    let o = expect(d, &["archive", "verify"], 0);
    assert_eq!(stdout(&o).matches("完好  ").count(), 3, "{}", stdout(&o));
    let o = expect(d, &["archive", "verify", "--rerender"], 0);
    assert_eq!(
        stdout(&o).matches("重新排版：逐字节相同").count(),
        3,
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("重新排版 3 份：相同 3（其中只比较版面 0）"),
        "{}",
        stdout(&o)
    );

    // The register chain links the manifests: the second names the first's hash.
    let shown = |id: &str| issued_dir(d, &expect(d, &["archive", "show", id], 0));
    let m1 = fs::read(shown(&id1).join("manifest.json")).unwrap();
    let m2: Value =
        serde_json::from_slice(&fs::read(shown(&id2).join("manifest.json")).unwrap()).unwrap();
    use sha2::Digest;
    let h1: String = sha2::Sha256::digest(&m1)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(m2["previous"], Value::from(h1));
    assert_eq!(m2["sequence"], 2);
}

#[test]
fn issued_pdf_is_pdfa_and_deterministic() {
    let (t, copy) = archive_with_example("pdfa");
    let pdf = fs::read(copy.join("issued.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    // The XMP packet is an unfiltered stream: readable in the file's bytes.
    for needle in [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<xmp:CreateDate>2024-05-10T00:00:00+08:00</xmp:CreateDate>",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    // The dictionaries may sit in compressed object streams: read them with lopdf.
    let doc = lopdf::Document::load_mem(&pdf).expect("lopdf reads the issued copy");
    assert!(doc.trailer.get(b"ID").is_ok(), "document ID");
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let catalog = doc.get_dictionary(root).unwrap();
    assert!(catalog.get(b"Metadata").unwrap().as_reference().is_ok());
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = match &intents[0] {
        lopdf::Object::Dictionary(d) => d.clone(),
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
        other => panic!("output intent {other:?}"),
    };
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    // XMP agrees with the document information dictionary.
    let info_id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info_id).unwrap();
    let info_text = |key: &str| -> String {
        let bytes = info
            .get(key.as_bytes())
            .unwrap_or_else(|_| panic!("/{key} missing"))
            .as_str()
            .unwrap();
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    };
    let title = info_text("Title");
    assert_eq!(title, format!("{NAME} 第1期"));
    assert!(text.contains(&format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>")));
    let producer = info_text("Producer");
    assert!(text.contains(&format!("<pdf:Producer>{producer}</pdf:Producer>")));
    let author = info_text("Author");
    assert!(text.contains(&format!("<rdf:li>{author}</rdf:li>")));
    // No stale PDF/X identification anywhere in the file.
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict() {
            assert!(!d.has(b"GTS_PDFXVersion"), "no PDF/X identification");
        }
    }
    // Header: version 1.7, then a comment line of four bytes above 127.
    assert!(pdf.starts_with(b"%PDF-1.7\n%"), "header");
    assert!(pdf[10..14].iter().all(|&b| b > 127), "binary comment");
    assert!(doc.trailer.get(b"Encrypt").is_err(), "not encrypted");
    // (qpdf --check of an issued copy runs in .ci/pdf-check.)
    // The same input renders to the same bytes with `render --pdfa`.
    fs::write(t.path().join("again.json"), issuable()).unwrap();
    expect(
        t.path(),
        &["render", "again.json", "--pdfa", "-o", "again.pdf"],
        0,
    );
    assert_eq!(fs::read(t.path().join("again.pdf")).unwrap(), pdf);
}

#[test]
fn changed_byte_is_reported() {
    let (t, copy) = archive_with_example("tamper");
    expect(t.path(), &["archive", "verify"], 0);
    let pdf = copy.join("issued.pdf");
    set_writable(&pdf);
    let mut bytes = fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    fs::write(&pdf, bytes).unwrap();
    let o = expect(t.path(), &["archive", "verify"], 1);
    let out = stdout(&o);
    assert!(out.contains("已改动"), "{out}");
    assert!(out.contains("issued.pdf 已改动"), "{out}");
}

#[test]
fn deleted_files_and_copies_are_reported_missing() {
    let (t, copy1) = archive_with_example("missing");
    let d = t.path();
    let i2 = variant(d, "i2.json", NAME, 2, "南洞庭湖湿地保护修复持续推进");
    let copy2 = file_copy(d, &i2);
    let i3 = variant(d, "i3.json", NAME, 3, "督察反馈问题整改调度会召开");
    file_copy(d, &i3);

    // One file of a copy.
    set_writable(&copy1.join("input.json"));
    fs::remove_file(copy1.join("input.json")).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    let out = stdout(&o);
    assert!(
        out.contains("缺失") && out.contains("input.json 不见了"),
        "{out}"
    );

    // A whole copy: the index remembers it …
    make_writable(&copy2);
    make_writable_dir_only(copy2.parent().unwrap());
    fs::remove_dir_all(&copy2).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    let out = stdout(&o);
    assert!(out.contains("2024年第2期"), "{out}");
    assert!(out.contains("整份副本"), "{out}");
    // … and after the index is rebuilt from the files, the register chain does.
    // The index disagrees with the files: a rebuild is refused (it
    // would lose the evidence) unless forced.
    expect(d, &["archive", "reindex"], 1);
    expect(d, &["archive", "reindex", "--force"], 0);
    let o = expect(d, &["archive", "verify"], 1);
    let out = stdout(&o);
    assert!(out.contains("档案库第 2 份"), "{out}");
    assert!(out.contains("缺失"), "{out}");
    // list shows only what is there.
    let o = expect(d, &["archive", "list"], 0);
    assert!(stdout(&o).contains("共 2 期"), "{}", stdout(&o));
}

#[test]
fn edited_manifest_is_reported() {
    let (t, copy1) = archive_with_example("manifest");
    let d = t.path();
    let i2 = variant(d, "i2.json", NAME, 2, "南洞庭湖湿地保护修复持续推进");
    file_copy(d, &i2);
    // Change the PDF and make the manifest agree: the chain still tells.
    let pdf = copy1.join("issued.pdf");
    set_writable(&pdf);
    let mut bytes = fs::read(&pdf).unwrap();
    bytes[100] ^= 0x20;
    fs::write(&pdf, &bytes).unwrap();
    let mpath = copy1.join("manifest.json");
    set_writable(&mpath);
    let mut m: Value = serde_json::from_slice(&fs::read(&mpath).unwrap()).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(m["outputs"][0]["file"], "issued.pdf");
    m["outputs"][0]["sha256"] = Value::from(sha);
    // The manifest keeps SM3 beside SHA-256: made to agree as well.
    assert!(m["outputs"][0]["sm3"].is_string());
    m["outputs"][0]["sm3"] = Value::from(jianbao::sign::sm3_hex(&bytes));
    fs::write(&mpath, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    // The index disagrees with the files: a rebuild is refused (it
    // would lose the evidence) unless forced.
    expect(d, &["archive", "reindex"], 1);
    expect(d, &["archive", "reindex", "--force"], 0);
    let o = expect(d, &["archive", "verify"], 1);
    let out = stdout(&o);
    // The PDF agrees with its manifest; the next copy's link does not.
    assert!(
        out.contains("登记链") && !out.contains("issued.pdf 已改动"),
        "{out}"
    );
}

#[test]
fn corrupt_or_missing_index_is_rebuilt() {
    let (t, _copy) = archive_with_example("index");
    let d = t.path();
    let index = d.join("archive/index.sqlite");
    fs::write(
        &index,
        b"this is not an SQLite database, just garbage bytes",
    )
    .unwrap();
    let o = expect(d, &["archive", "list"], 0);
    assert!(stdout(&o).contains("共 1 期"), "{}", stdout(&o));
    assert!(stderr(&o).contains("重建"), "{}", stderr(&o));
    let o = expect(d, &["archive", "search", "湿地"], 0);
    assert!(stdout(&o).contains("共"), "{}", stdout(&o));

    // Damage inside a valid file: overwrite pages after the header.
    let mut bytes = fs::read(&index).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    fs::write(&index, bytes).unwrap();
    let o = expect(d, &["archive", "verify"], 0);
    assert!(stdout(&o).contains("完好"), "{}", stdout(&o));
    assert!(stderr(&o).contains("重建"), "{}", stderr(&o));
    let o = expect(d, &["archive", "search", "湿地"], 0);
    assert!(stdout(&o).contains("湿地"), "{}", stdout(&o));

    fs::remove_file(&index).unwrap();
    let o = expect(d, &["archive", "search", "湿地"], 0);
    assert!(stdout(&o).contains("湿地"), "{}", stdout(&o));
    assert!(index.exists());
}

#[test]
fn interrupted_issue_is_ignored_and_cleaned_up() {
    let (t, _copy) = archive_with_example("interrupt");
    let d = t.path();
    // What a process killed while writing leaves: a partial temporary copy.
    let leftover = d.join("archive/.tmp/issue-99999-1");
    fs::create_dir_all(&leftover).unwrap();
    fs::write(leftover.join("input.json"), b"{\"partial\":").unwrap();
    fs::write(leftover.join("issued.pdf"), b"%PDF-1.7\n").unwrap();

    let o = expect(d, &["archive", "list"], 0);
    assert!(stdout(&o).contains("共 1 期"), "{}", stdout(&o));
    let o = expect(d, &["archive", "verify"], 0);
    assert!(
        stdout(&o).contains("完好 1，已改动 0，缺失 0"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("临时目录"), "{}", stderr(&o));

    let i2 = variant(d, "i2.json", NAME, 2, "南洞庭湖湿地保护修复持续推进");
    let o = expect(d, &["issue", i2.to_str().unwrap(), "--allow-warnings"], 0);
    assert!(stderr(&o).contains("清理了 1 个"), "{}", stderr(&o));
    assert!(!leftover.exists());
    assert_eq!(fs::read_dir(d.join("archive/.tmp")).unwrap().count(), 0);
    expect(d, &["archive", "verify"], 0);
}

#[test]
fn concurrent_issues_of_the_same_number_one_wins() {
    for round in 0..3 {
        let t = TempDir::new("race");
        let d = t.path();
        fs::write(d.join("ex.json"), issuable()).unwrap();
        let spawn = || {
            jianbao(d)
                .args(["issue", "ex.json", "--allow-warnings"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let mut codes = [code(&a), code(&b)];
        codes.sort();
        assert_eq!(
            codes,
            [0, 1],
            "round {round}\nA: {}\nB: {}",
            stderr(&a),
            stderr(&b)
        );
        let loser = if code(&a) == 1 { &a } else { &b };
        assert!(stderr(loser).contains("已经归档过"), "{}", stderr(loser));
        let o = expect(d, &["archive", "verify"], 0);
        assert!(stdout(&o).contains("共 1 份"), "{}", stdout(&o));
    }
}

#[test]
fn concurrent_issues_of_different_numbers_both_succeed() {
    let t = TempDir::new("race2");
    let d = t.path();
    let inputs: Vec<PathBuf> = (2..=5)
        .map(|n| variant(d, &format!("i{n}.json"), NAME, n, &format!("第{n}期的标题")))
        .collect();
    let children: Vec<_> = inputs
        .iter()
        .map(|p| {
            jianbao(d)
                .args(["issue", p.to_str().unwrap(), "--allow-warnings"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let o = expect(d, &["archive", "verify"], 0);
    let out = stdout(&o);
    assert!(out.contains("共 4 份：完好 4"), "{out}");
    assert!(out.contains("登记链末端：第 4 号"), "{out}");
}

#[test]
fn hostile_names_stay_inside_the_archive() {
    let t = TempDir::new("hostile");
    let d = t.path();
    let work = d.join("work");
    fs::create_dir_all(&work).unwrap();
    let names = [
        "../../逃逸/简报".to_string(),
        "/etc/passwd".to_string(),
        "a/b\\c:d*?\"<>|.".to_string(),
        "..".to_string(),
        ".".to_string(),
        "CON".to_string(),
        "长/".repeat(20),
    ];
    for (i, name) in names.iter().enumerate() {
        let p = variant(&work, &format!("h{i}.json"), name, 1, "湿地保护");
        let o = expect(
            &work,
            &["issue", p.to_str().unwrap(), "--allow-warnings"],
            0,
        );
        let copy = issued_dir(&work, &o);
        let root = fs::canonicalize(work.join("archive")).unwrap();
        assert!(
            fs::canonicalize(&copy).unwrap().starts_with(&root),
            "{name}: {}",
            copy.display()
        );
        let o = expect(&work, &["archive", "show", name, "2024", "1"], 0);
        assert!(
            stdout(&o).contains(&format!("《{name}》")),
            "{}",
            stdout(&o)
        );
    }
    // Nothing was written beside the work folder, and every file of the
    // archive is inside it.
    let mut top: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, vec!["work"]);
    fn walk(p: &Path, root: &Path, n: &mut usize) {
        for e in fs::read_dir(p).unwrap() {
            let e = e.unwrap();
            let meta = fs::symlink_metadata(e.path()).unwrap();
            assert!(!meta.file_type().is_symlink());
            assert!(e.path().starts_with(root));
            assert!(e.file_name().len() <= 255);
            if meta.is_dir() {
                walk(&e.path(), root, n);
            } else {
                *n += 1;
            }
        }
    }
    let mut files = 0;
    walk(&work.join("archive"), &work.join("archive"), &mut files);
    assert_eq!(
        files,
        names.len() * 3 + 2,
        "three files a copy, index and lock"
    );
    let o = expect(&work, &["archive", "verify"], 0);
    assert!(stdout(&o).contains(&format!("完好 {}", names.len())));
    // `new` with a hostile name writes only where -o says.
    expect(
        &work,
        &[
            "new",
            "--name",
            "../../逃逸/简报",
            "--date",
            "2024-06-01",
            "-o",
            "next.json",
        ],
        0,
    );
    let v: Value = serde_json::from_slice(&fs::read(work.join("next.json")).unwrap()).unwrap();
    assert_eq!(v["masthead"]["issue"], 2);
}

#[test]
fn archive_directory_from_option_and_environment() {
    let t = TempDir::new("env");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    let o = jianbao(d)
        .env("JIANBAO_ARCHIVE", d.join("from-env"))
        .args(["issue", "ex.json", "--allow-warnings"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(d.join("from-env/copies").is_dir());
    assert!(!d.join("archive").exists());
    let o = expect(d, &["archive", "list", "--archive", "from-env"], 0);
    assert!(stdout(&o).contains("共 1 期"));
    // No archive there: a usage/file error, exit 2.
    let o = expect(d, &["archive", "list", "--archive", "nowhere"], 2);
    assert!(stderr(&o).contains("没有档案库"), "{}", stderr(&o));
}

#[test]
fn rerender_reports_a_different_font_set() {
    let (t, _copy) = archive_with_example("fonts");
    let d = t.path();
    let o = expect(d, &["archive", "verify", "--rerender"], 0);
    assert!(stdout(&o).contains("逐字节相同"), "{}", stdout(&o));
    // The same fonts, but one file changed (a few bytes appended).
    let fonts = d.join("fonts");
    fs::create_dir_all(&fonts).unwrap();
    for e in fs::read_dir(repo().join("fonts")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), fonts.join(e.file_name())).unwrap();
        }
    }
    let mut song = fs::read(fonts.join("FandolSong-Regular.otf")).unwrap();
    song.extend_from_slice(&[0; 4]);
    fs::write(fonts.join("FandolSong-Regular.otf"), song).unwrap();
    let o = jianbao(d)
        .env("JIANBAO_FONT_DIR", &fonts)
        .args(["archive", "verify", "--rerender"])
        .output()
        .unwrap();
    // The copy is intact; the different font is reported, not hidden.
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("完好 1"), "{out}");
    assert!(
        out.contains("字体 FandolSong-Regular.otf 与归档时不同"),
        "{out}"
    );
}

#[test]
fn invalid_input_is_refused_and_nothing_is_filed() {
    let t = TempDir::new("invalid");
    let d = t.path();
    let mut v: Value = serde_json::from_slice(&issuable()).unwrap();
    v["masthead"]["issue"] = Value::from(0);
    fs::write(d.join("bad.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let o = expect(d, &["issue", "bad.json", "--allow-warnings"], 1);
    assert!(stderr(&o).contains("$.masthead.issue"), "{}", stderr(&o));
    assert!(!d.join("archive").exists());
    // A missing input file is a file error.
    expect(d, &["issue", "nothing.json"], 2);
}

#[test]
fn killed_issues_leave_whole_copies_or_nothing() {
    let t = TempDir::new("kill");
    let d = t.path();
    // Kill `issue` processes at different moments of their work.
    let mut filed = 0;
    for (k, delay) in (0..12u64).map(|k| (k, k * 20)).collect::<Vec<_>>() {
        let p = variant(d, &format!("k{k}.json"), NAME, 10 + k as u32, "湿地巡查");
        let mut child = jianbao(d)
            .args(["issue", p.to_str().unwrap(), "--allow-warnings"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        filed += usize::from(status.success());
    }
    // Whatever was filed is whole; nothing half-written is listed or damaged.
    // (If every process was killed before it began to file, the archive may
    // not exist yet: one more issue below makes it, and the same holds.)
    if !d.join("archive").exists() {
        let p = variant(d, "first.json", NAME, 98, "湿地巡查");
        expect(d, &["issue", p.to_str().unwrap(), "--allow-warnings"], 0);
        filed += 1;
    }
    let o = expect(d, &["archive", "verify"], 0);
    let out = stdout(&o);
    assert!(out.contains("已改动 0，缺失 0"), "{out}");
    let list = stdout(&expect(d, &["archive", "list"], 0));
    let listed: usize = list
        .lines()
        .find_map(|l| l.strip_prefix("共 ")?.strip_suffix(" 期")?.parse().ok())
        .unwrap_or(0);
    assert!(listed >= filed, "{listed} listed, {filed} reported success");
    // The next issue removes any leftovers.
    let p = variant(d, "last.json", NAME, 99, "湿地巡查");
    expect(d, &["issue", p.to_str().unwrap(), "--allow-warnings"], 0);
    assert_eq!(fs::read_dir(d.join("archive/.tmp")).unwrap().count(), 0);
    expect(d, &["archive", "verify"], 0);
}

#[test]
fn an_edited_last_manifest_stays_detectable_after_the_next_issue() {
    let (t, copy1) = archive_with_example("head");
    let d = t.path();
    let mpath = copy1.join("manifest.json");
    set_writable(&mpath);
    let mut m: Value = serde_json::from_slice(&fs::read(&mpath).unwrap()).unwrap();
    m["title"] = Value::from("改过的标题");
    fs::write(&mpath, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("清单"), "{}", stdout(&o));
    // Filing the next issue does not link to the edited manifest.
    let i2 = variant(d, "i2.json", NAME, 2, "南洞庭湖湿地保护修复持续推进");
    file_copy(d, &i2);
    // The index disagrees with the files: a rebuild is refused (it
    // would lose the evidence) unless forced.
    expect(d, &["archive", "reindex"], 1);
    expect(d, &["archive", "reindex", "--force"], 0);
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("登记链"), "{}", stdout(&o));
}

// ---------------------------------------------------------------------------
// Hostile archives: links, names, deleted copies, unreadable folders, forged
// index rows, templates that moved.

/// Whether this process can be refused by file permissions (not when root).
fn permissions_bind() -> bool {
    let t = TempDir::new("perm");
    let p = t.path().join("f");
    fs::write(&p, b"x").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let binds = fs::read(&p).is_err();
    make_writable(&p);
    binds
}

#[cfg(unix)]
#[test]
fn a_linked_tmp_folder_is_never_followed() {
    let (t, _) = archive_with_example("tmplink");
    let d = t.path();
    let outside = d.join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("precious.txt"), b"keep").unwrap();
    fs::remove_dir_all(d.join("archive/.tmp")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("archive/.tmp")).unwrap();
    let p = variant(d, "i2.json", NAME, 2, "第二期");
    let o = expect(d, &["issue", p.to_str().unwrap()], 1);
    assert!(stderr(&o).contains("不是普通文件夹"), "{}", stderr(&o));
    assert_eq!(fs::read(outside.join("precious.txt")).unwrap(), b"keep");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn linked_copy_folders_never_take_a_copy_outside() {
    // copies/ itself a link.
    let t = TempDir::new("copieslink");
    let d = t.path();
    let outside = d.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::create_dir_all(d.join("archive")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("archive/copies")).unwrap();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    let o = expect(d, &["issue", "ex.json"], 1);
    assert!(stderr(&o).contains("不是普通文件夹"), "{}", stderr(&o));
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);

    // A bulletin's folder a link: the next issue of that bulletin is refused,
    // and verify says the folder cannot be proved.
    let (t, copy) = archive_with_example("bulletinlink");
    let d = t.path();
    let bulletin = copy.parent().unwrap().to_path_buf();
    let moved = d.join("moved");
    make_writable(&bulletin);
    fs::rename(&bulletin, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &bulletin).unwrap();
    let p = variant(d, "i2.json", NAME, 2, "第二期");
    let o = expect(d, &["issue", p.to_str().unwrap()], 1);
    assert!(stderr(&o).contains("不是普通文件夹"), "{}", stderr(&o));
    assert_eq!(
        fs::read_dir(&moved).unwrap().count(),
        1,
        "nothing filed through the link"
    );
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("链接"), "{}", stdout(&o));
}

#[test]
fn a_name_differing_only_by_spaces_is_the_same_bulletin() {
    let (t, _) = archive_with_example("spaces");
    let d = t.path();
    for (i, name) in [
        format!(" {NAME} "),
        format!("\u{3000}{NAME}"),
        format!("{NAME} "),
        format!(" {NAME}\u{3000}"),
    ]
    .iter()
    .enumerate()
    {
        let p = variant(d, &format!("s{i}.json"), name, 1, "同一期");
        let o = expect(d, &["issue", p.to_str().unwrap()], 1);
        assert!(
            stderr(&o).contains("已经归档过"),
            "{name:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_deleted_copys_number_stays_used() {
    let (t, copy1) = archive_with_example("deleted");
    let d = t.path();
    let p = variant(d, "i2.json", NAME, 2, "第二期");
    expect(d, &["issue", p.to_str().unwrap()], 0);
    // The first copy's folder is deleted: its number is still known, by
    // the index and, without the index, by the copy filed after it.
    make_writable(&copy1);
    fs::remove_dir_all(&copy1).unwrap();
    fs::write(d.join("again.json"), issuable()).unwrap();
    let o = expect(d, &["issue", "again.json"], 1);
    assert!(stderr(&o).contains("已经归档过"), "{}", stderr(&o));
    fs::remove_file(d.join("archive/index.sqlite")).unwrap();
    let o = expect(d, &["issue", "again.json"], 1);
    assert!(stderr(&o).contains("已经归档过"), "{}", stderr(&o));
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("缺失"), "{}", stdout(&o));
}

#[test]
fn unreadable_folders_are_never_reported_intact() {
    let (t, copy) = archive_with_example("unreadable");
    let d = t.path();
    fs::remove_file(d.join("archive/index.sqlite")).unwrap();
    let bulletin = copy.parent().unwrap().to_path_buf();
    if !permissions_bind() {
        eprintln!(
            "skipped the permission case: this process reads files whatever their mode (root)"
        );
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&bulletin, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let o = run(d, &["archive", "verify"]);
    make_writable(&bulletin);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("无法读取"), "{}", stdout(&o));
}

#[test]
fn forged_index_rows_are_neither_listed_nor_proved() {
    let (t, _) = archive_with_example("forged");
    let d = t.path();
    let db = rusqlite::Connection::open(d.join("archive/index.sqlite")).unwrap();
    db.execute("UPDATE copies SET name = '伪造的简报', issue = 99", [])
        .unwrap();
    drop(db);
    let o = expect(d, &["archive", "list"], 0);
    assert!(!stdout(&o).contains("伪造"), "{}", stdout(&o));
    assert!(stdout(&o).contains("益阳市配合中央"), "{}", stdout(&o));
    assert!(stderr(&o).contains("与副本的清单不符"), "{}", stderr(&o));
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("索引被改动过"), "{}", stdout(&o));
    // Rebuilt, the index agrees again.
    expect(d, &["archive", "reindex"], 0);
    expect(d, &["archive", "verify"], 0);
}

#[test]
fn a_template_file_is_kept_with_the_copy_and_rerenders_after_it_moved() {
    let t = TempDir::new("kepttemplate");
    let d = t.path();
    fs::write(
        d.join("office.toml"),
        "extends = \"jianbao\"\nname = \"office\"\n[page_number]\nposition = \"centre\"\n",
    )
    .unwrap();
    let mut v: Value = serde_json::from_slice(&issuable()).unwrap();
    v["template"] = Value::from("office.toml");
    fs::write(d.join("t.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let o = expect(d, &["issue", "t.json"], 0);
    let copy = issued_dir(d, &o);
    let kept = fs::read_to_string(copy.join("template.toml")).unwrap();
    assert!(
        kept.contains("centre") && !kept.contains("extends"),
        "{kept}"
    );
    let manifest: Value =
        serde_json::from_slice(&fs::read(copy.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["template"]["file"]["file"], "template.toml");
    fs::remove_file(d.join("office.toml")).unwrap();
    let o = expect(d, &["archive", "verify", "--rerender"], 0);
    assert!(
        stdout(&o).contains("相同 1（其中只比较版面 0）"),
        "{}",
        stdout(&o)
    );
    // Nothing changed: the kept template is the one filed (issue 23, item 13:
    // every copy with a template file was said to have another template).
    assert!(!stdout(&o).contains("与归档时不同"), "{}", stdout(&o));
    // The kept template is checked like the other files.
    set_writable(&copy.join("template.toml"));
    fs::write(copy.join("template.toml"), kept.replace("centre", "none")).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    assert!(
        stdout(&o).contains("template.toml 已改动"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_copy_that_cannot_be_rendered_again_fails_verify_rerender_quickly() {
    let (t, copy) = archive_with_example("norender");
    let d = t.path();
    // A manifest changed to name a template that is a device: nothing hangs,
    // and the copy is not proved.
    let path = copy.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    m["template"]["builtin"] = Value::Bool(false);
    m["template"]["reference"] = Value::from("/dev/zero");
    set_writable(&path);
    fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let started = std::time::Instant::now();
    let o = run(d, &["archive", "verify", "--rerender"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("重新排版：失败"), "{}", stdout(&o));
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

/// The one copy of the archive fixture `fixture` (filed by an earlier
/// version; its index is rebuilt from the files), verified with re-rendering
/// (which must prove it): its manifest, the layout rules it was filed under,
/// whether today's writer makes the same PDF/A of its input, and the
/// re-render's result.
fn verify_fixture(fixture: &str) -> (Value, u32, bool, Rerender) {
    let t = TempDir::new("oldcopy");
    let d = t.path();
    copy_tree(&repo().join("tests/data").join(fixture), &d.join("archive"));
    let copy = fs::read_dir(d.join("archive/copies"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("2024-012");
    let manifest: Value =
        serde_json::from_slice(&fs::read(copy.join("manifest.json")).unwrap()).unwrap();
    let rules = manifest["rules"].as_u64().unwrap_or(1) as u32;
    let laid = layout(&fs::read(copy.join("input.json")).unwrap());
    let pdfa = Artefact::Pdf { pdfa: true };
    let now = jianbao::output::write(&laid, pdfa, Writer::current(pdfa)).unwrap();
    let same_now = now == fs::read(copy.join("issued.pdf")).unwrap();
    let report = Archive::new(d.join("archive"))
        .verify(Some(&engine()))
        .unwrap();
    assert!(report.all_intact(), "{report:#?}");
    assert!(!report.rerender_failed(), "{report:#?}");
    let [c] = &report.copies[..] else {
        panic!("{report:#?}")
    };
    (manifest, rules, same_now, c.rerender.clone().unwrap())
}

/// A copy filed under other layout rules is proved by its hashes.
fn proved_by_hashes_as_the_rules_changed(rules: u32, r: &Rerender) {
    let changed = r.rules_changed.expect("the rules changed");
    assert_eq!(
        (changed.filed, changed.now),
        (rules, jianbao::layout::RULES)
    );
    assert!(!r.identical && !r.failed, "{r:#?}");
    assert!(
        r.outputs.iter().all(|o| o.compared == Compared::Hashes),
        "{r:#?}"
    );
    assert!(r.notes[0].contains("排版规则自归档以来已经改变"), "{r:#?}");
}

/// How each output of a re-render was compared, and whether it was the same.
fn compared(r: &Rerender) -> Vec<(&str, Compared, bool)> {
    r.outputs
        .iter()
        .map(|o| (o.file.as_str(), o.compared, o.same))
        .collect()
}

#[test]
fn a_copy_filed_by_the_current_writers_rerenders_byte_for_byte() {
    // tests/data/archive-direct: `issue --ofd`, filed by the current PDF and
    // OFD writers. A change to their bytes without a new writer name
    // (output::pdf::deflate::DIRECT, output::ofd::VERSION, a crate of
    // output/deps.rs) fails here.
    let (manifest, rules, same_now, r) = verify_fixture("archive-direct");
    assert_eq!(
        rules,
        jianbao::layout::RULES,
        "the layout rules changed: file tests/data/archive-direct again under the new rules \
         (ARCHITECTURE.md, Filed copies are proved again)"
    );
    let writers: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["writer"].as_str().unwrap())
        .collect();
    let now = [
        Writer::current(Artefact::Pdf { pdfa: true }).name(),
        Writer::current(Artefact::Ofd).name(),
    ];
    assert_eq!(
        writers, now,
        "the fixture was filed by other writers: file it again with the current ones"
    );
    assert!(
        same_now,
        "today's writer makes other bytes of the same layout"
    );
    assert_eq!(
        compared(&r),
        [
            ("issued.pdf", Compared::Bytes, true),
            ("issued.ofd", Compared::Bytes, true)
        ],
        "{r:#?}"
    );
    assert!(r.identical && r.same_inputs && r.notes.is_empty(), "{r:#?}");
}

#[test]
fn a_copy_filed_before_writers_were_recorded_is_proved_by_its_hashes() {
    // tests/data/archive-legacy: filed through printpdf before the manifest
    // recorded a writer or a layout. printpdf is gone: the copy cannot be
    // written again nor its layout compared; its files' hashes prove it.
    let (manifest, rules, same_now, r) = verify_fixture("archive-legacy");
    assert!(manifest.get("writer").is_none() && manifest.get("layout_sha256").is_none());
    assert!(!same_now, "today's writer makes other bytes");
    if rules != jianbao::layout::RULES {
        return proved_by_hashes_as_the_rules_changed(rules, &r);
    }
    assert_eq!(
        compared(&r),
        [("issued.pdf", Compared::Hashes, false)],
        "{r:#?}"
    );
    assert!(!r.identical && !r.failed, "{r:#?}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("写出方式“pdf/legacy”本程序已不再有")
                && n.contains("清单中没有本程序能比较的版面摘要")),
        "{r:#?}"
    );
}

#[test]
fn a_copy_filed_through_printpdf_with_libdeflate_is_compared_by_its_layout() {
    // tests/data/archive-libdeflate: printpdf's document with libdeflate 9,
    // and the layout's hash. printpdf is gone: the layout is compared.
    let (manifest, rules, same_now, r) = verify_fixture("archive-libdeflate");
    assert_eq!(manifest["writer"], "libdeflate-1.26/9", "{manifest}");
    assert!(!same_now, "today's writer makes other bytes");
    if rules != jianbao::layout::RULES {
        return proved_by_hashes_as_the_rules_changed(rules, &r);
    }
    assert_eq!(
        compared(&r),
        [("issued.pdf", Compared::Layout, true)],
        "{r:#?}"
    );
    assert!(r.identical, "{r:#?}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("写出方式“pdf/libdeflate-1.26/9”本程序已不再有")),
        "{r:#?}"
    );
}

#[test]
fn a_copy_filed_with_an_ofd_before_the_ofd_writer_changed_still_verifies() {
    // tests/data/archive-ofd: `issue --ofd` of the current fixture's input,
    // filed by version 0.1: the PDF by the direct writer 1, the OFD before
    // its writer was recorded (`ofd/0`: jianbao's own ZIP writer, since
    // replaced by the zip crate). Both writers are gone: the layout is
    // compared.
    let (manifest, rules, same_now, r) = verify_fixture("archive-ofd");
    assert_eq!(manifest["ofd"]["file"], "issued.ofd", "{manifest}");
    assert_eq!(manifest["writer"], "jianbao-1/libdeflate-1.26/6");
    assert!(!same_now, "today's writer makes other bytes");
    if rules != jianbao::layout::RULES {
        return proved_by_hashes_as_the_rules_changed(rules, &r);
    }
    assert_eq!(
        compared(&r),
        [
            ("issued.pdf", Compared::Layout, true),
            ("issued.ofd", Compared::Layout, true)
        ],
        "{r:#?}"
    );
    assert!(r.identical, "{r:#?}");
    assert_eq!(r.outputs[1].writer, "ofd/0");
    // Today's OFD of the same input is another file.
    let copy = repo().join("tests/data/archive-ofd/copies/某县工作动态-5bf4bbab/2024-012");
    let laid = layout(&fs::read(copy.join("input.json")).unwrap());
    let now = jianbao::output::write(&laid, Artefact::Ofd, Writer::current(Artefact::Ofd)).unwrap();
    assert_ne!(now, fs::read(copy.join("issued.ofd")).unwrap());
}

#[test]
fn issue_records_the_writer_and_layout_and_files_an_ofd_beside_the_pdf() {
    let t = TempDir::new("ofdcopy");
    let d = t.path();
    fs::write(d.join("e.json"), issuable()).unwrap();
    let o = expect(d, &["issue", "--ofd", "e.json"], 0);
    assert!(stdout(&o).contains("OFD SHA-256："), "{}", stdout(&o));
    let copy = issued_dir(d, &o);
    let manifest: Value =
        serde_json::from_slice(&fs::read(copy.join("manifest.json")).unwrap()).unwrap();
    // Every output with its writer, the layout's fingerprint and rules.
    use jianbao::output::{Output, Writer};
    let outputs = manifest["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2, "{manifest}");
    assert_eq!(outputs[0]["file"], "issued.pdf");
    assert_eq!(
        outputs[0]["writer"].as_str(),
        Some(Writer::current(Output::Pdf { pdfa: true }).name().as_str())
    );
    assert!(
        outputs[0]["writer"]
            .as_str()
            .is_some_and(|w| w.starts_with("pdf/jianbao-") && w.contains("/allsorts-")),
        "{manifest}"
    );
    assert_eq!(outputs[1]["file"], "issued.ofd");
    assert_eq!(
        outputs[1]["writer"].as_str(),
        Some(Writer::current(Output::Ofd).name().as_str())
    );
    assert_eq!(manifest["rules"], jianbao::layout::RULES);
    assert_eq!(manifest["layout"]["version"], 1);
    assert_eq!(
        manifest["layout"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    assert!(manifest.get("writer").is_none() && manifest.get("pdf").is_none());
    let ofd = fs::read(copy.join("issued.ofd")).unwrap();
    assert!(ofd.starts_with(b"PK"), "an OFD is a ZIP package");
    assert_eq!(outputs[1]["bytes"], ofd.len() as u64);
    // Re-rendered, both files come out the same.
    let o = expect(d, &["archive", "verify", "--rerender"], 0);
    assert!(
        stdout(&o).contains("重新排版：逐字节相同"),
        "{}",
        stdout(&o)
    );
    // The OFD is checked like the PDF.
    set_writable(&copy.join("issued.ofd"));
    let mut changed = ofd.clone();
    changed.push(0);
    fs::write(copy.join("issued.ofd"), changed).unwrap();
    let o = expect(d, &["archive", "verify"], 1);
    assert!(stdout(&o).contains("issued.ofd 已改动"), "{}", stdout(&o));
    // Put back as filed, the copy is intact again.
    fs::write(copy.join("issued.ofd"), ofd).unwrap();
    expect(d, &["archive", "verify"], 0);
}

#[test]
fn new_says_when_a_name_is_new_to_the_archive() {
    let t = TempDir::new("newname");
    let d = t.path();
    fs::write(d.join("ex.json"), issuable()).unwrap();
    expect(d, &["issue", "ex.json"], 0);
    // A name filed before: its next issue, without a word about newness.
    let o = expect(
        d,
        &[
            "new",
            "--name",
            "益阳市配合中央生态环境保护督察工作简报",
            "-o",
            "a.json",
        ],
        0,
    );
    assert!(!stderr(&o).contains("新简报"), "{}", stderr(&o));
    // A part of it is another bulletin: 第1期, and `new` says so.
    let o = expect(d, &["new", "--name", "益阳市工作简报", "-o", "b.json"], 0);
    assert!(
        stderr(&o).contains("《益阳市工作简报》是档案库") && stderr(&o).contains("新简报"),
        "{}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&fs::read(d.join("b.json")).unwrap()).unwrap();
    assert_eq!(v["masthead"]["issue"], 1);
}

#[test]
fn a_copy_filed_under_other_layout_rules_is_proved_by_its_hashes() {
    // The layout rules change (layout::RULES): a copy filed under the old
    // ones would not lay out the same again, and that is not a failure.
    let (t, copy) = archive_with_example("rules");
    let d = t.path();
    let path = copy.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let filed = jianbao::layout::RULES + 1;
    m["rules"] = filed.into();
    set_writable(&path);
    fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    // As if it had been filed so: the index is rebuilt from the files.
    fs::remove_file(d.join("archive/index.sqlite")).unwrap();
    let o = expect(d, &["archive", "verify", "--rerender"], 0);
    let out = stdout(&o);
    assert!(
        out.contains("完好") && out.contains("重新排版：未比较：排版规则已变，以哈希核对"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "排版规则自归档以来已经改变（归档时第 {filed} 版，本程序第 {} 版）",
            jianbao::layout::RULES
        )),
        "{out}"
    );
    assert!(out.contains("失败 0，只核对哈希 1"), "{out}");
    // Its hashes are still checked.
    let pdf = copy.join("issued.pdf");
    set_writable(&pdf);
    let mut bytes = fs::read(&pdf).unwrap();
    bytes.push(b'\n');
    fs::write(&pdf, bytes).unwrap();
    let o = expect(d, &["archive", "verify", "--rerender"], 1);
    assert!(stdout(&o).contains("issued.pdf 已改动"), "{}", stdout(&o));
}

#[test]
fn library_messages_name_no_command_or_flag() {
    // The archive and the server say what to do as typed hints; the command
    // line words them as commands, the page as words (ARCHITECTURE.md).
    let commands = [
        "new", "issue", "archive", "render", "check", "serve", "import", "schema", "fonts",
    ];
    let mut found = Vec::new();
    for dir in ["src/archive", "src/serve"] {
        for e in fs::read_dir(repo().join(dir)).unwrap() {
            let path = e.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (n, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") || !line.contains('"') {
                    continue;
                }
                let flag = line
                    .match_indices("--")
                    .any(|(i, _)| line[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()));
                let command = commands
                    .iter()
                    .any(|c| line.contains(&format!("jianbao {c}")));
                if flag || command {
                    found.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
