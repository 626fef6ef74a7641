//! Fonts as an office installs them: a face of a collection (.ttc) chosen by
//! name and embedded by every writer, never its first face by default; an
//! office's own licensed fonts taken up by `jianbao fonts use`; the messages
//! of a program that finds no fonts. The fixtures and how they were made:
//! tests/data/fonts/make-fixtures.py.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::json;

use crate::common::*;

fn fixtures() -> PathBuf {
    root().join("tests/data/fonts")
}

/// The program with nothing of the caller's environment that changes where
/// it looks: no font folder or archive from the environment, a user data
/// folder of its own.
fn jianbao(dir: &Path, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    c.current_dir(dir)
        .env_remove("JIANBAO_FONT_DIR")
        .env_remove("JIANBAO_ARCHIVE")
        .env("XDG_DATA_HOME", data)
        .stdin(Stdio::null());
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A font folder: the repository's fonts and `extra` files.
fn font_folder(t: &TempDir, extra: &[&Path]) -> PathBuf {
    let dir = t.join("fonts");
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(root().join("fonts")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    for p in extra {
        fs::copy(p, dir.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

/// A bulletin whose name and title have 骨, drawn differently by the
/// Japanese and the Chinese face of the test collection.
fn bone_bulletin() -> serde_json::Value {
    let mut v = minimal(json!([{ "type": "article", "title": "骨干队伍建设",
        "paragraphs": ["召开会议部署工作落实责任。"] }]));
    v["masthead"]["name"] = json!("某县骨干工作简报");
    v
}

/// Render `input` with `template` into PDF, OFD and page 1's SVG.
fn outputs(fonts: &Path, template: &Path, input: &Path, t: &TempDir, tag: &str) -> [Vec<u8>; 3] {
    let mut files = Vec::new();
    for ext in ["pdf", "ofd"] {
        let out = t.join(format!("{tag}.{ext}"));
        let o = Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .arg("render")
            .arg(input)
            .arg("-o")
            .arg(&out)
            .arg("--template")
            .arg(template)
            .arg("--font-dir")
            .arg(fonts)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{tag}.{ext}: {}", text(&o));
        files.push(fs::read(&out).unwrap());
    }
    let opts = jianbao::Options {
        template: Some(template.to_path_buf()),
        ..Default::default()
    };
    let laid = jianbao::Engine::new(fonts)
        .layout(&fs::read(input).unwrap(), &opts)
        .unwrap();
    files.push(
        jianbao::output::write(
            &laid,
            jianbao::output::Output::SvgPage(0),
            jianbao::output::Writer::Svg,
        )
        .unwrap(),
    );
    [files.remove(0), files.remove(0), files.remove(0)]
}

/// The BaseFont of every font of a PDF.
fn pdf_fonts(pdf: &[u8]) -> Vec<String> {
    let d = lopdf::Document::load_mem(pdf).expect("a PDF");
    d.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| {
            d.get(b"Type").and_then(lopdf::Object::as_name).ok() == Some(b"Font".as_slice())
        })
        .filter_map(|d| d.get(b"BaseFont").and_then(lopdf::Object::as_name).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

fn title_template(t: &TempDir, name: &str, face: &str) -> PathBuf {
    let p = t.join(name);
    fs::write(
        &p,
        format!("extends = \"jianbao\"\n[fonts.title]\nfaces = [\"{face}\", \"NotoSerifCJKsc-Bold.subset.otf\"]\n"),
    )
    .unwrap();
    p
}

#[test]
fn a_collection_face_is_chosen_by_name_and_every_writer_embeds_that_face() {
    let t = TempDir::new("ttc");
    let ttc = fixtures().join("NotoSerifCJK-Bold-test.ttc");
    let fonts = font_folder(&t, &[&ttc]);
    // The Chinese face copied out by hand, to compare with.
    let data = fs::read(&ttc).unwrap();
    let sc = jianbao::fonts::collection::extract(&data, 1).unwrap();
    fs::write(fonts.join("sc-alone.otf"), &sc).unwrap();
    let input = t.join("in.json");
    fs::write(&input, serde_json::to_vec(&bone_bulletin()).unwrap()).unwrap();

    let by_name = title_template(
        &t,
        "sc.toml",
        "NotoSerifCJK-Bold-test.ttc#NotoSerifCJKsc-Bold",
    );
    let by_index = title_template(&t, "sc1.toml", "NotoSerifCJK-Bold-test.ttc#1");
    let alone = title_template(&t, "alone.toml", "sc-alone.otf");
    let jp = title_template(
        &t,
        "jp.toml",
        "NotoSerifCJK-Bold-test.ttc#NotoSerifCJKjp-Bold",
    );

    // The layout takes the title's 骨 from face 1 of the collection.
    let laid = jianbao::Engine::new(&fonts)
        .layout(
            &fs::read(&input).unwrap(),
            &jianbao::Options {
                template: Some(by_name.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let used: Vec<_> = laid
        .fonts
        .files()
        .iter()
        .filter(|f| f.name.starts_with("NotoSerifCJK-Bold-test.ttc"))
        .collect();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].index, Some(1));

    let [pdf, ofd, svg] = outputs(&fonts, &by_name, &input, &t, "by-name");
    let names = pdf_fonts(&pdf);
    assert!(
        names.iter().any(|n| n.ends_with("+NotoSerifCJKsc-Bold")),
        "the PDF names the Chinese face: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("NotoSerifCJKjp")),
        "and not the Japanese one: {names:?}"
    );
    // The same bytes as with that face copied out by hand, and by its index;
    // other bytes with the Japanese face: every writer took the chosen face.
    assert_eq!(
        outputs(&fonts, &by_index, &input, &t, "by-index"),
        [pdf.clone(), ofd.clone(), svg.clone()]
    );
    let [pdf_a, ofd_a, svg_a] = outputs(&fonts, &alone, &input, &t, "alone");
    assert_eq!(svg_a, svg, "SVG");
    assert_eq!(ofd_a, ofd, "OFD");
    assert_eq!(pdf_a, pdf, "PDF");
    let [pdf_j, ofd_j, svg_j] = outputs(&fonts, &jp, &input, &t, "jp");
    assert!(pdf_fonts(&pdf_j)
        .iter()
        .any(|n| n.ends_with("+NotoSerifCJKjp-Bold")));
    assert_ne!(svg_j, svg, "the Japanese 骨 is drawn otherwise");
    assert_ne!(ofd_j, ofd);
}

#[test]
fn a_collection_named_without_a_face_is_an_error_listing_its_faces() {
    let t = TempDir::new("ttc-none");
    let fonts = font_folder(&t, &[&fixtures().join("NotoSerifCJK-Bold-test.ttc")]);
    let template = title_template(&t, "t.toml", "NotoSerifCJK-Bold-test.ttc");
    let input = t.join("in.json");
    fs::write(&input, serde_json::to_vec(&bone_bulletin()).unwrap()).unwrap();
    let data = t.join("data");
    let o = jianbao(t.path(), &data)
        .arg("check")
        .arg(&input)
        .arg("--template")
        .arg(&template)
        .arg("--font-dir")
        .arg(&fonts)
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(said.contains("字体集"), "{said}");
    assert!(
        said.contains("0 NotoSerifCJKjp-Bold") && said.contains("1 NotoSerifCJKsc-Bold"),
        "{said}"
    );
    assert!(
        said.contains("\"NotoSerifCJK-Bold-test.ttc#NotoSerifCJKsc-Bold\""),
        "{said}"
    );
    // `jianbao fonts` shows the same, on the role's line.
    let o = jianbao(t.path(), &data)
        .args(["fonts", "--template"])
        .arg(&template)
        .arg("--font-dir")
        .arg(&fonts)
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(
        said.contains("✗ NotoSerifCJK-Bold-test.ttc：") && said.contains("字体集"),
        "{said}"
    );
    // A face it does not have is refused with the list too.
    let bad = title_template(
        &t,
        "bad.toml",
        "NotoSerifCJK-Bold-test.ttc#NotoSerifCJKtc-Bold",
    );
    let o = jianbao(t.path(), &data)
        .arg("check")
        .arg(&input)
        .arg("--template")
        .arg(&bad)
        .arg("--font-dir")
        .arg(&fonts)
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(said.contains("没有“NotoSerifCJKtc-Bold”"), "{said}");
}

#[test]
fn fonts_use_takes_an_offices_fonts_and_its_template_puts_them_first() {
    let t = TempDir::new("fonts-use");
    let data = t.join("data");
    let office = fixtures().join("office");
    let o = jianbao(t.path(), &data)
        .arg("fonts")
        .arg("use")
        .arg(&office)
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    let fonts = data.join("jianbao/fonts");
    let template = fonts.join("office.toml");
    assert!(template.is_file(), "{said}");
    // The open fonts were put there first (the fallbacks), then the office's.
    for f in [
        "FandolFang-Regular.otf",
        "fangsong.otf",
        "simsun.ttc",
        "licenses",
    ] {
        assert!(fonts.join(f).exists(), "{f}: {said}");
    }
    for (role, file) in [
        ("title", "xiaobiaosong.otf"),
        ("body", "fangsong.otf"),
        ("kai", "kaiti.otf"),
        ("heading", "simhei.otf"),
    ] {
        assert!(
            said.lines().any(|l| l.contains(role) && l.contains(file)),
            "{role} ← {file}: {said}"
        );
    }
    // simsun.ttc's 宋体 is its second face: chosen by name, not the first (新宋体).
    assert!(said.contains("simsun.ttc 中第 1 个字体 SimSun"), "{said}");
    let written = fs::read_to_string(&template).unwrap();
    assert!(written.contains("\"simsun.ttc#SimSun\""), "{written}");
    assert!(
        written.contains(
            "faces = [\"fangsong.otf\", \"FandolFang-Regular.otf\", \"FallbackKai-Light.ttf\"]"
        ),
        "{written}"
    );

    // `jianbao fonts` finds that folder (the user's) and shows each role's face.
    let o = jianbao(t.path(), &data)
        .args(["fonts", "--template"])
        .arg(&template)
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("→ 使用  {}", fonts.display())),
        "{said}"
    );
    assert!(
        said.contains("✓ fangsong.otf FangSong_GB2312（FangSong_GB2312）"),
        "{said}"
    );
    assert!(said.contains("✓ simsun.ttc 中第 1 个字体 SimSun"), "{said}");

    // A bulletin rendered with it embeds the office's faces.
    // (The guide's label 【导读】 is set in 黑体: its brackets are in the stand-in.)
    let mut bulletin = minimal(json!([{ "type": "article", "title": "标题",
        "paragraphs": ["召开会议部署工作落实责任。"] }]));
    bulletin["guide"] = json!("auto");
    let input = t.join("in.json");
    fs::write(&input, serde_json::to_vec(&bulletin).unwrap()).unwrap();
    let o = jianbao(t.path(), &data)
        .arg("render")
        .arg(&input)
        .arg("-o")
        .arg(t.join("out.pdf"))
        .arg("--template")
        .arg(&template)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let names = pdf_fonts(&fs::read(t.join("out.pdf")).unwrap());
    for name in [
        "+FZXBSJW--GB1-0",
        "+FangSong_GB2312",
        "+KaiTi_GB2312",
        "+SimHei",
        "+SimSun",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(name)),
            "{name} is not embedded: {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n.contains("NSimSun")), "{names:?}");

    // The template is not written over without --force.
    let again = |force: bool| {
        let mut c = jianbao(t.path(), &data);
        c.arg("fonts").arg("use").arg(&office);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let o = again(false);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(again(true).status.code(), Some(0));
}

#[test]
fn fonts_use_on_a_folder_without_office_fonts_says_what_is_there() {
    let t = TempDir::new("fonts-use-none");
    let data = t.join("data");
    let o = jianbao(t.path(), &data)
        .args(["fonts", "use"])
        .arg(root().join("fonts"))
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(
        said.contains("没有认出") && said.contains("FandolFang"),
        "{said}"
    );
    assert!(!data.join("jianbao/fonts").exists(), "nothing copied");
}

#[test]
fn a_copied_program_without_fonts_does_not_speak_of_a_repository() {
    let t = TempDir::new("nofonts");
    let bin = t.join("jianbao");
    fs::copy(env!("CARGO_BIN_EXE_jianbao"), &bin).unwrap();
    fs::write(t.join("in.json"), example()).unwrap();
    let o = Command::new(&bin)
        .current_dir(t.path())
        .env_remove("JIANBAO_FONT_DIR")
        .env("XDG_DATA_HOME", t.join("data"))
        .args(["check", "in.json"])
        .output()
        .unwrap();
    let said = text(&o);
    let shared = Path::new(jianbao::places::SHARED_FONT_DIR);
    if jianbao::fonts::discover::is_font_folder(shared) {
        // The package is installed on this machine: its fonts are found.
        assert_eq!(o.status.code(), Some(0), "{said}");
    } else {
        assert_eq!(o.status.code(), Some(2), "{said}");
        assert!(said.contains("没有找到字体"), "{said}");
        assert!(said.contains("fonts install --from"), "{said}");
        assert!(!said.contains("仓库"), "{said}");
        // Every place it looked at is named.
        assert!(
            said.contains(&t.join("fonts").display().to_string()),
            "{said}"
        );
        assert!(said.contains("/usr/share/jianbao/fonts"), "{said}");
    }
    // With fonts/ beside it (an unpacked release), it finds them.
    let fonts = font_folder(&t, &[]);
    assert_eq!(fonts, t.join("fonts"));
    let o = Command::new(&bin)
        .current_dir(t.path())
        .env_remove("JIANBAO_FONT_DIR")
        .env("XDG_DATA_HOME", t.join("data"))
        .args(["fonts"])
        .output()
        .unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("→ 使用  {}（程序旁边）", fonts.display())),
        "{said}"
    );
}
