//! `jianbao import` under attack (issue 23): .docx files nested deep, with
//! huge numbers of attributes, text boxes, paragraphs or text; parts that
//! unpack to far more than they weigh, or use compression and encryption
//! that Word never writes; text drafts of many short lines, too large, or
//! cut inside a character. Each is refused with a Chinese message or read
//! in time in proportion to its size, in bounded memory, and never crashes
//! the process (or the server).

use std::io::{Cursor, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jianbao::import::{import, Kind};
use jianbao::Error;

use crate::common::{self, TempDir};

/// A masthead and an article, as paragraphs of a .docx body.
const HEAD: &str =
    "<w:p><w:r><w:t>某县工作简报</w:t></w:r></w:p><w:p><w:r><w:t>第3期</w:t></w:r></w:p>\
<w:p><w:r><w:t>某县人民政府办公室　2024年6月1日</w:t></w:r></w:p>\
<w:p><w:r><w:t>标题</w:t></w:r></w:p><w:p><w:r><w:t>正文第一段。</w:t></w:r></w:p>";

/// A .docx whose document body is `body`, its parts compressed with `method`.
fn docx_with(body: &str, method: zip::CompressionMethod) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    write!(
        z,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    )
    .unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    docx_with(body, zip::CompressionMethod::Deflated)
}

/// The message of a draft error.
fn refused(bytes: &[u8], kind: Option<Kind>) -> String {
    match import(bytes, kind) {
        Err(e @ Error::Draft { .. }) => e.to_string(),
        Err(e) => panic!("not a draft error: {e}"),
        Ok(i) => panic!("imported: {} paragraphs", i.bulletin.body.len()),
    }
}

/// Run `f` on a thread with a small stack (as a server's worker might
/// have): deep recursion would overflow it and abort the test process.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_docx_nested_ten_thousand_deep_is_refused_without_recursion() {
    let deep = |n: usize| {
        docx(&format!(
            "{HEAD}{}{}",
            "<w:x>".repeat(n),
            "</w:x>".repeat(n)
        ))
    };
    let ten = deep(10_000);
    assert!(ten.len() < 1000, "{} bytes", ten.len());
    for bytes in [ten.clone(), deep(40_000)] {
        let message = on_small_stack(move || refused(&bytes, Some(Kind::Docx)));
        assert!(message.contains("嵌套超过 256 层"), "{message}");
    }
    // Nested as deep as Word ever nests: read.
    let fine = docx(&format!(
        "{HEAD}{}{}",
        "<w:x>".repeat(200),
        "</w:x>".repeat(200)
    ));
    let got =
        on_small_stack(move || import(&fine, Some(Kind::Docx)).map(|i| i.bulletin.body.len()));
    assert_eq!(got.unwrap(), 1);
    // The server: 422, and it answers the next request.
    let s = crate::serve::start_with(Default::default());
    let a = crate::serve::request(
        s.addr,
        "POST",
        "/api/import",
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Jianbao", "1"),
        ],
        &ten,
    );
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.json()["message"].as_str().unwrap().contains("嵌套"));
    assert_eq!(crate::serve::get(s.addr, "/").status, 200);
}

#[test]
fn elements_with_too_many_attributes_are_refused_and_many_are_read_in_linear_time() {
    let attrs = |n: usize| (0..n).map(|i| format!(" a{i}=\"1\"")).collect::<String>();
    // 100,000 attributes on one element (13.6 s before): refused at once.
    let bytes = docx(&format!(
        "{HEAD}<w:p{}><w:r><w:t>x</w:t></w:r></w:p>",
        attrs(100_000)
    ));
    let started = Instant::now();
    let message = refused(&bytes, Some(Kind::Docx));
    assert!(message.contains("超过 1000 个属性"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // As many attributes in all, 1,000 on each element: read.
    let each = attrs(1000);
    let many: String = (0..100)
        .map(|_| format!("<w:p{each}><w:r><w:t>又一段正文。</w:t></w:r></w:p>"))
        .collect();
    let bytes = docx(&format!("{HEAD}{many}"));
    let started = Instant::now();
    let got = import(&bytes, Some(Kind::Docx)).unwrap();
    assert_eq!(got.bulletin.body.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn text_boxes_under_deep_elements_are_read_in_linear_time() {
    // Text boxes in a drawing 250 deep, each box in a paragraph of a deep
    // element (30 s for 5.9 KB before).
    let boxed = "<w:p><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>框中的文字。</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></w:p>";
    let one = format!(
        "{}{}{}",
        "<w:x>".repeat(240),
        boxed.repeat(2000),
        "</w:x>".repeat(240)
    );
    let bytes = docx(&format!("{HEAD}{}", one.repeat(10)));
    let started = Instant::now();
    let got = import(&bytes, Some(Kind::Docx)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let text: usize = got.bulletin.body.len();
    assert!(text >= 1);
    assert!(
        got.json.matches("框中的文字。").count() >= 20_000,
        "every box read"
    );
    // A box in a box: read once, as before (the inner one is skipped).
    let nested = "<w:p><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>外框。</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>内框。</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></w:p></w:txbxContent></w:drawing></w:r></w:p>";
    let got = import(&docx(&format!("{HEAD}{nested}")), Some(Kind::Docx)).unwrap();
    assert!(
        got.json.contains("外框。") && !got.json.contains("内框。"),
        "{}",
        got.json
    );
}

#[test]
fn many_short_text_lines_are_read_in_linear_time() {
    // 190,000 short lines that each look like a title (7 s before, in
    // proportion to the square of their number).
    let mut text =
        String::from("某县工作简报\n第3期\n某县人民政府办公室　2024年6月1日\n标题\n正文。\n");
    for _ in 0..190_000 {
        text.push_str("甲乙\n");
    }
    let started = Instant::now();
    let got = import(text.as_bytes(), Some(Kind::Text)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(got.notices.len() > 1000);
    // The server lists the first 1,000 of its notices and counts them all.
    let s = crate::serve::start_with(Default::default());
    let a = crate::serve::request(
        s.addr,
        "POST",
        "/api/import",
        &[("Content-Type", "text/plain"), ("X-Jianbao", "1")],
        text.as_bytes(),
    );
    assert_eq!(a.status, 200);
    let r = a.json();
    assert_eq!(r["json"], got.json.as_str());
    assert_eq!(r["notices"].as_array().unwrap().len(), 1000);
    assert_eq!(r["notices_total"], got.notices.len());
    // More lines than any bulletin has: refused before they are set apart.
    let mut text = String::from("某县工作简报\n第3期\n");
    for _ in 0..(jianbao::import::MAX_LINES + 10) {
        text.push_str("甲\n");
    }
    let started = Instant::now();
    let message = refused(text.as_bytes(), Some(Kind::Text));
    assert!(message.contains("行文字"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A .docx of many paragraphs, lines or text: refused in the same way.
    let paras = docx(&format!(
        "{HEAD}{}",
        "<w:p/>".repeat(jianbao::import::MAX_PARAGRAPHS + 1)
    ));
    assert!(refused(&paras, Some(Kind::Docx)).contains("段落"));
    let breaks = docx(&format!(
        "{HEAD}<w:p><w:r>{}</w:r></w:p>",
        "<w:t>甲</w:t><w:br/>".repeat(jianbao::import::MAX_LINES + 1)
    ));
    assert!(refused(&breaks, Some(Kind::Docx)).contains("行文字"));
    let text = docx(&format!(
        "{HEAD}<w:p><w:r><w:t>{}</w:t><w:tab/></w:r></w:p>",
        "a".repeat(jianbao::import::MAX_TEXT)
    ));
    assert!(refused(&text, Some(Kind::Docx)).contains("文字超过 8 MB"));
}

#[test]
fn a_docx_that_unpacks_to_far_more_is_refused_in_bounded_memory() {
    // The largest document part accepted, made of empty runs and spaces:
    // 64 MB of XML in a few hundred KB.
    let part = jianbao::import::MAX_PART as usize;
    let unit = "<w:r>                                                                                 </w:r>";
    let n = (part - 2000) / unit.len();
    let filler = format!("<w:p>{}</w:p>", unit.repeat(n));
    let bytes = docx(&format!("{HEAD}{filler}"));
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    // The same past the limit.
    let over = docx(&format!(
        "{HEAD}{filler}{}",
        unit.repeat(2000 / unit.len() + 50)
    ));
    let message = refused(&over, Some(Kind::Docx));
    assert!(message.contains("解压后超过 64 MB"), "{message}");
    // The server's peak memory while importing the largest it accepts.
    #[cfg(target_os = "linux")]
    {
        let (child, addr, _, _) = crate::serve::spawn_cli(&["--addr", "127.0.0.1:0"]);
        let a = crate::serve::request(
            addr,
            "POST",
            "/api/import",
            &[
                ("Content-Type", "application/octet-stream"),
                ("X-Jianbao", "1"),
            ],
            &bytes,
        );
        assert_eq!(a.status, 200, "{}", a.text());
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.0.id())).unwrap();
        let peak_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        eprintln!(
            "server peak memory importing a 64 MB part: {} MB",
            peak_kb / 1024
        );
        assert!(peak_kb < 512 * 1024, "{} MB", peak_kb / 1024);
        drop(child);
    }
}

#[test]
fn compression_and_encryption_word_never_writes_are_named() {
    // bzip2 and LZMA: the zip names the method; this build cannot unpack it.
    let mut bytes = docx_with(HEAD, zip::CompressionMethod::Stored);
    // Rewrite the method of every entry (local headers and the central
    // directory) to 12 (bzip2), then 14 (LZMA).
    for (code, name) in [(12u16, "bzip2"), (14, "LZMA")] {
        set_method(&mut bytes, code);
        let message = refused(&bytes, Some(Kind::Docx));
        assert!(message.contains(name), "{message}");
        assert!(!message.contains("没有正文"), "{message}");
    }
    // The zip's encryption flag.
    let mut bytes = docx_with(HEAD, zip::CompressionMethod::Stored);
    set_flag(&mut bytes, 1);
    let message = refused(&bytes, Some(Kind::Docx));
    assert!(message.contains("密码"), "{message}");
    // Word's own encryption: a compound file holding EncryptedPackage.
    let mut cfb = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    cfb.extend(vec![0u8; 500]);
    cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    cfb.extend(vec![0u8; 500]);
    let message = refused(&cfb, None);
    assert!(message.contains("密码"), "{message}");
}

/// Set the compression method of every entry of a zip.
fn set_method(zip: &mut [u8], code: u16) {
    patch(zip, |z, at, central| {
        let off = if central { 10 } else { 8 };
        z[at + off..at + off + 2].copy_from_slice(&code.to_le_bytes());
    });
}

/// Set general-purpose flag bits of every entry of a zip.
fn set_flag(zip: &mut [u8], bits: u16) {
    patch(zip, |z, at, central| {
        let off = if central { 8 } else { 6 };
        let old = u16::from_le_bytes([z[at + off], z[at + off + 1]]);
        z[at + off..at + off + 2].copy_from_slice(&(old | bits).to_le_bytes());
    });
}

fn patch(zip: &mut [u8], f: impl Fn(&mut [u8], usize, bool)) {
    let mut at = 0;
    while at + 4 <= zip.len() {
        match &zip[at..at + 4] {
            b"PK\x03\x04" => f(zip, at, false),
            b"PK\x01\x02" => f(zip, at, true),
            _ => {}
        }
        at += 1;
    }
}

#[test]
fn oversized_drafts_are_refused_before_they_are_read() {
    let t = TempDir::new("big-drafts");
    let d = t.path();
    // A sparse text file over the text limit: refused by its size, at once.
    let f = std::fs::File::create(d.join("big.txt")).unwrap();
    f.set_len(jianbao::import::MAX_TEXT_DRAFT_BYTES + 1)
        .unwrap();
    drop(f);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(d)
        .args(["import", "big.txt", "-o", "out.json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("文本草稿超过上限 8 MB"), "{err}");
    assert!(!err.contains("JSON"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!d.join("out.json").exists());
    // Text that becomes more JSON than a bulletin may have: said so.
    let mut text = String::from("某县工作简报\n第3期\n某县人民政府办公室　2024年6月1日\n标题\n");
    let para = format!("{}。\n", "很长的正文".repeat(800));
    while text.len() < 5 << 20 {
        text.push_str(&para);
    }
    let message = refused(text.as_bytes(), Some(Kind::Text));
    assert!(message.contains("分成几期"), "{message}");
}

#[test]
fn a_text_file_cut_inside_a_character_is_utf8() {
    let seed = std::fs::read(common::root().join("tests/data/seed-yiyang-2024-01.txt")).unwrap();
    // Cut inside the last Chinese character.
    let end = seed.len() - 1;
    let last = (0..end).rev().find(|&i| seed[i] >= 0xE0).unwrap();
    let cut = &seed[..last + 2];
    let got = import(cut, Some(Kind::Text)).unwrap();
    let whole = import(&seed, Some(Kind::Text)).unwrap();
    assert!(
        got.notices.iter().any(|n| n.message.contains("断了")),
        "{:?}",
        got.notices
    );
    assert!(got.notices.iter().all(|n| !n.message.contains("gb18030")));
    assert_eq!(got.bulletin.masthead.name, whole.bulletin.masthead.name);
}
