//! `import`: every committed draft of tests/data/import/ (text pasted from
//! Word, copied out of PDFs, .docx by python-docx and LibreOffice, GBK and
//! UTF-16) imported and compared element by element with its bulletin; each
//! import passes `check`; render → text → import gives the same bulletin for
//! every example and fixture; one test per recognition rule, per notice and
//! per error; the command line.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::*;
use crate::pdftext;
use jianbao::import::{import, Imported, Kind};
use jianbao::model::{self, Block, Bulletin, Guide, ItemKind};
use jianbao::Options;

fn data() -> PathBuf {
    root().join("tests/data/import")
}

/// The drafts and the bulletin each must import as: drafts.tsv, and the seed.
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let tsv = std::fs::read_to_string(data().join("drafts.tsv")).expect("drafts.tsv");
    let mut out: Vec<(PathBuf, PathBuf)> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (draft, expected) = l.split_once('\t').expect("two columns");
            (
                data().join(draft),
                data().join("expected").join(format!("{expected}.json")),
            )
        })
        .collect();
    out.push((
        root().join("tests/data/seed-yiyang-2024-01.txt"),
        root().join("examples/yiyang-2024-01.json"),
    ));
    out
}

fn bulletin(path: &Path) -> Bulletin {
    model::parse(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import_file(path: &Path) -> Imported {
    let bytes = std::fs::read(path).unwrap();
    let kind = Kind::from_extension(&path.to_string_lossy());
    import(&bytes, kind).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A bulletin's elements, each a string naming what it is and what it says:
/// masthead fields, guide, titles, items, paragraphs, 版记 lists, imprint, 文号.
fn elements(b: &Bulletin) -> Vec<String> {
    let m = &b.masthead;
    let mut out = vec![
        format!("名称 {}", m.name),
        format!("期号 {}", m.issue),
        format!("编印单位 {}", m.issuer),
        format!("日期 {}", m.date),
    ];
    out.extend(m.total_issue.map(|t| format!("总期号 {t}")));
    out.extend(m.marking.as_ref().map(|t| format!("密级 {t}")));
    match &b.guide {
        Guide::None => {}
        Guide::Auto => out.push("导读 auto".into()),
        Guide::Items(items) => out.push(format!("导读 {}", items.join(" / "))),
    }
    for block in &b.body {
        match block {
            Block::Article(a) => {
                out.push(format!("标题 {}", a.title));
                out.extend(a.paragraphs.iter().map(|p| format!("段落 {p}")));
            }
            Block::Section(s) => {
                out.push(format!("栏目 {}", s.title));
                for item in &s.items {
                    out.push(match &item.kind {
                        ItemKind::Plain => "条目".to_string(),
                        ItemKind::Heading(h) => format!("条目 ▲{h}"),
                        ItemKind::Lead(l) => format!("条目 ▲{l}："),
                    });
                    out.extend(item.paragraphs.iter().map(|p| format!("段落 {p}")));
                }
            }
        }
    }
    let d = &b.distribution;
    for (label, list) in [
        ("报", &d.report_to),
        ("送", &d.send_to),
        ("发", &d.issue_to),
    ] {
        if !list.is_empty() {
            out.push(format!("{label}：{}", list.join("，")));
        }
    }
    let i = &b.imprint;
    out.push(format!("印发 {} {} {:?}", i.issuer, i.date, i.copies));
    out.extend(b.document_number.as_ref().map(|n| format!("文号 {n}")));
    out
}

/// (right, total, misses): elements of `want` found in `got` (as a multiset),
/// out of the larger count; misses are the elements of either not in the other.
fn score(want: &Bulletin, got: &Bulletin) -> (usize, usize, Vec<String>) {
    let mut count: BTreeMap<String, i64> = BTreeMap::new();
    let (w, g) = (elements(want), elements(got));
    for e in &w {
        *count.entry(e.clone()).or_default() += 1;
    }
    let mut right = 0;
    let mut extra = Vec::new();
    for e in &g {
        match count.get_mut(e) {
            Some(n) if *n > 0 => {
                *n -= 1;
                right += 1;
            }
            _ => extra.push(format!("多出：{e}")),
        }
    }
    let mut misses: Vec<String> = count
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(e, _)| format!("缺少：{e}"))
        .collect();
    misses.extend(extra);
    (right, w.len().max(g.len()), misses)
}

#[test]
fn the_seed_imports_as_the_example() {
    let imported = import_file(&root().join("tests/data/seed-yiyang-2024-01.txt"));
    let example = std::fs::read_to_string(root().join("examples/yiyang-2024-01.json")).unwrap();
    // Field by field, the template aside (the example names the default).
    assert_eq!(
        imported.json,
        example.replace("  \"template\": \"jianbao\",\n", "")
    );
    assert_eq!(imported.bulletin, model::parse(example.as_bytes()).unwrap());
    // Five paragraphs were cut by page breaks; each join is a notice.
    let joins = imported
        .notices
        .iter()
        .filter(|n| n.message.contains("跨页"))
        .count();
    assert_eq!(joins, 5, "{:?}", imported.notices);
}

#[test]
fn the_drafts_import_at_least_95_percent_right_and_pass_check() {
    let engine = engine();
    let (mut right, mut total) = (0, 0);
    let mut report = Vec::new();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 13, "at least 12 drafts and the seed");
    for (draft, expected) in &fixtures {
        let imported = import_file(draft);
        let (r, t, misses) = score(&bulletin(expected), &imported.bulletin);
        right += r;
        total += t;
        let name = draft.file_name().unwrap().to_string_lossy().to_string();
        if !misses.is_empty() {
            report.push(format!("{name}：{r}/{t}\n    {}", misses.join("\n    ")));
        }
        // `check`: the imported JSON parses and lays out with the repository's fonts.
        if let Err(e) = engine.layout(imported.json.as_bytes(), &Options::default()) {
            panic!("{name}: the import does not pass check: {e}");
        }
    }
    let share = right as f64 / total as f64;
    eprintln!("import accuracy: {right}/{total} = {share:.4}");
    assert!(
        share >= 0.95,
        "{right}/{total} elements right ({share:.3}); misses:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_fixture_set_covers_the_ways_drafts_come() {
    let files: Vec<String> = fixtures()
        .iter()
        .map(|(d, _)| d.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let has = |part: &str| files.iter().filter(|f| f.contains(part)).count();
    assert!(has(".docx") >= 4, "{files:?}");
    assert!(has("python-docx") >= 2 && has("libreoffice") >= 2);
    assert!(has("pdftotext") >= 6 && has("pdf-copy") >= 2);
    assert!(has("gbk") >= 1 && has("utf16") >= 2);
    // The committed bytes are what the names say.
    let read = |f: &str| std::fs::read(data().join("drafts").join(f)).unwrap();
    assert!(read("anhua-utf16le.txt").starts_with(b"\xFF\xFE"));
    assert!(read("nanxian-word-plain-bom.txt").starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&read("nanxian-gbk.txt")).is_err());
    assert!(read("taojiang-python-docx.docx").starts_with(b"PK\x03\x04"));
}

/// Render → text (own extractor) → import: the same bulletin.
#[test]
fn render_then_text_then_import_gives_the_same_bulletin() {
    let mut inputs = vec![root().join("examples/yiyang-2024-01.json")];
    let mut expected: Vec<PathBuf> = std::fs::read_dir(data().join("expected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    expected.sort();
    inputs.extend(expected);
    assert!(inputs.len() >= 7);
    let mut failures = Vec::new();
    for input in &inputs {
        let json = std::fs::read(input).unwrap();
        let pdf = render(&json);
        let text = pdftext::extract(&pdf).unwrap();
        let want = model::parse(&json).unwrap();
        match import(text.as_bytes(), Some(Kind::Text)) {
            Ok(got) if got.bulletin == want => {}
            Ok(got) => {
                let (_, _, misses) = score(&want, &got.bulletin);
                failures.push(format!(
                    "{}:\n    {}",
                    input.display(),
                    misses.join("\n    ")
                ));
            }
            Err(e) => failures.push(format!("{}: {e}", input.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_pdf_text_extractor_reads_the_example_in_order() {
    let pdf = render(&example());
    let text = pdftext::extract(&pdf).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "益阳市配合中央生态环境保护督察工作简报");
    assert_eq!(lines[1], "第 1 期");
    assert_eq!(
        lines[2],
        "益阳市配合中央生态环境保护督察协调联络专班 2024 年 5 月 10 日"
    );
    assert_eq!(lines[3], "【导读】");
    assert_eq!(lines[4], "★陈竞率队实地调研南洞庭湖湿地保护修复工作");
    assert!(lines.contains(&"5 月 9 日，益阳市委书记陈竞率队赴沅江市车便湖、目平湖"));
    assert!(lines.contains(&"益简字【2022】42 号"), "{text}");
    // Six pages in order, each with its number, a blank line between.
    let numbers: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("— ") && l.ends_with(" —"))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(numbers.len(), 6, "{text}");
    for (n, k) in numbers.iter().enumerate() {
        assert_eq!(lines[*k], format!("— {} —", n + 1));
    }
    assert!(text.split("\n\n").count() >= 7);
    // Without white space, the text is the seed's (what a reader copies out).
    let seed = std::fs::read_to_string(root().join("tests/data/seed-yiyang-2024-01.txt")).unwrap();
    let squeeze = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.trim().starts_with('—'))
            .map(|l| l.trim_start_matches("- "))
            .collect::<String>()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    assert_eq!(squeeze(&text), squeeze(&seed));
}

// ---------------------------------------------------------------------------
// One test per recognition rule

const HEAD: &str = "某县工作简报\n第3期\n某县人民政府办公室　2024年6月1日\n";
const BODY: &str = "县里召开会议\n　　6月1日，县里召开会议。\n";

fn text(draft: &str) -> Imported {
    import(draft.as_bytes(), Some(Kind::Text)).unwrap_or_else(|e| panic!("{e}\n{draft}"))
}

fn notices(imported: &Imported) -> Vec<String> {
    imported
        .notices
        .iter()
        .map(|n| format!("{}: {}", n.line, n.message))
        .collect()
}

#[test]
fn rule_name_line_endings() {
    for name in ["某县工作简报", "某市环保动态", "某县安全生产通报"] {
        let b = text(&format!("{name}\n第3期\n某县办公室　2024年6月1日\n{BODY}")).bulletin;
        assert_eq!(b.masthead.name, name);
    }
    // Another ending is read all the same, with a notice.
    let i = text(&format!(
        "某县工作交流\n第3期\n某县办公室　2024年6月1日\n{BODY}"
    ));
    assert_eq!(i.bulletin.masthead.name, "某县工作交流");
    assert!(notices(&i)
        .iter()
        .any(|n| n.starts_with("1: ") && n.contains("简报名称")));
}

#[test]
fn rule_issue_and_total_issue() {
    let cases = [
        ("第 3 期", 3, None),
        ("第3期（总第57期）", 3, Some(57)),
        ("第3期 (总第57期)", 3, Some(57)),
        ("2024年第3期", 3, None),
        ("第3期\n总第57期", 3, Some(57)),
    ];
    for (line, issue, total) in cases {
        let b = text(&format!(
            "某县工作简报\n{line}\n某县办公室　2024年6月1日\n{BODY}"
        ))
        .bulletin;
        assert_eq!(
            (b.masthead.issue, b.masthead.total_issue),
            (issue, total),
            "{line}"
        );
    }
}

#[test]
fn rule_issuer_and_date_on_one_line_or_two() {
    for lines in [
        "某县人民政府办公室　　　　2024年6月1日",
        "某县人民政府办公室\n\n2024 年 6 月 1 日",
        "某县人民政府办公室\t2024-06-01",
        "编印单位：某县人民政府办公室　2024.6.1",
    ] {
        let b = text(&format!("某县工作简报\n第3期\n{lines}\n{BODY}")).bulletin;
        assert_eq!(b.masthead.issuer, "某县人民政府办公室", "{lines}");
        assert_eq!(b.masthead.date.iso(), "2024-06-01", "{lines}");
    }
}

#[test]
fn rule_marking_lines() {
    for (line, marking) in [
        ("内部资料　注意保存", "内部资料 注意保存"),
        ("内部资料 注意保存", "内部资料 注意保存"),
        ("秘密★1年", "秘密★1年"),
        ("机密★6个月", "机密★6个月"),
    ] {
        let b = text(&format!("{line}\n{HEAD}{BODY}")).bulletin;
        assert_eq!(b.masthead.marking.as_deref(), Some(marking));
    }
    assert_eq!(
        text(&format!("{HEAD}{BODY}")).bulletin.masthead.marking,
        None
    );
}

#[test]
fn rule_guide_auto_when_the_items_are_the_titles() {
    let i = text(&format!(
        "{HEAD}【导读】\n★县里召开会议\n★【乡镇动态】\n{BODY}【乡镇动态】\n▲城关镇：召开会议。\n"
    ));
    assert_eq!(i.bulletin.guide, Guide::Auto);
    assert!(i.json.contains("\"guide\": \"auto\""));
    assert!(i.notices.is_empty(), "{:?}", notices(&i));
}

#[test]
fn rule_guide_explicit_when_the_items_differ() {
    let i = text(&format!("{HEAD}【导读】\n- ★ 县里召开会议\n- ★ 乡镇工作动态\n{BODY}【乡镇动态】\n▲城关镇：召开会议。\n"));
    assert_eq!(
        i.bulletin.guide,
        Guide::Items(vec!["县里召开会议".into(), "乡镇工作动态".into()])
    );
}

#[test]
fn rule_article_titles_one_or_two_lines() {
    let b = text(&format!(
        "{HEAD}{BODY}第二篇文章的标题\n正文第一段。\n正文第二段。\n"
    ))
    .bulletin;
    let titles: Vec<&str> = b.body.iter().map(Block::title).collect();
    assert_eq!(titles, ["县里召开会议", "第二篇文章的标题"]);
    let Block::Article(a) = &b.body[1] else {
        panic!()
    };
    assert_eq!(a.paragraphs, ["正文第一段。", "正文第二段。"]);
    let b = text(&format!(
        "{HEAD}县委书记带队调研\n南洞庭湖湿地保护修复工作\n正文。\n"
    ))
    .bulletin;
    assert_eq!(
        b.body[0].title(),
        "县委书记带队调研南洞庭湖湿地保护修复工作"
    );
}

#[test]
fn rule_section_headings_and_three_item_kinds() {
    let b = text(&format!(
        "{HEAD}【乡镇动态】\n▲6月1日，各乡镇召开会议。\n▲城关镇\n城关镇召开会议。\n第二段。\n▲县生态环境局：召开调度会。\n"
    ))
    .bulletin;
    let Block::Section(s) = &b.body[0] else {
        panic!("{:?}", b.body)
    };
    assert_eq!(s.title, "乡镇动态");
    assert_eq!(s.items[0].kind, ItemKind::Plain);
    assert_eq!(s.items[0].paragraphs, ["6月1日，各乡镇召开会议。"]);
    assert_eq!(s.items[1].kind, ItemKind::Heading("城关镇".into()));
    assert_eq!(s.items[1].paragraphs, ["城关镇召开会议。", "第二段。"]);
    assert_eq!(s.items[2].kind, ItemKind::Lead("县生态环境局".into()));
    assert_eq!(s.items[2].paragraphs, ["召开调度会。"]);
}

#[test]
fn rule_paragraphs_rejoined_across_page_breaks() {
    // One paragraph a line with blank lines, a page number between the parts.
    let i = text(&format!(
        "{HEAD}\n标题\n\n会议指出，要落实责任。专班下设综合协调组、材料\n\n- 2 -\n\n文件组等9个小组。\n\n下一段。\n"
    ));
    let Block::Article(a) = &i.bulletin.body[0] else {
        panic!()
    };
    assert_eq!(
        a.paragraphs,
        [
            "会议指出，要落实责任。专班下设综合协调组、材料文件组等9个小组。",
            "下一段。"
        ]
    );
}

#[test]
fn rule_wrapped_lines_of_a_pdf_copy_are_joined() {
    let pdf = render(&example());
    let text_ = pdftext::extract(&pdf).unwrap();
    let b = text(&text_).bulletin;
    assert_eq!(b, model::parse(&example()).unwrap());
}

#[test]
fn rule_spaces_around_digits_in_the_masthead_and_text() {
    let b = text("某县工作简报\n第 12 期\n某县办公室\n2024 年 6 月 1 日\n标题\n6 月 1 日，召开 PM 2.5 会议。\n").bulletin;
    assert_eq!(b.masthead.issue, 12);
    assert_eq!(b.masthead.date.iso(), "2024-06-01");
    let Block::Article(a) = &b.body[0] else {
        panic!()
    };
    assert_eq!(a.paragraphs, ["6月1日，召开PM 2.5会议。"]);
}

#[test]
fn rule_distribution_lists_split_at_commas() {
    let b = text(&format!(
        "{HEAD}{BODY}报：市委办公室，市政府办公室\n送：各县市区委、县市区人民政府，大通湖区管委会\n发：各乡镇\n"
    ))
    .bulletin;
    let d = &b.distribution;
    assert_eq!(d.report_to, ["市委办公室", "市政府办公室"]);
    assert_eq!(d.send_to, ["各县市区委、县市区人民政府", "大通湖区管委会"]);
    assert_eq!(d.issue_to, ["各乡镇"]);
}

#[test]
fn rule_imprint_with_date_and_copies() {
    for line in [
        "某县委办公室　　2024年6月2日印发\n（共印40份）",
        "某县委办公室 2024 年 6 月 2 日印发（共印 40 份）",
        "某县委办公室\n2024年6月2日印发\n共印40份",
    ] {
        let b = text(&format!("{HEAD}{BODY}报：市委\n{line}\n")).bulletin;
        assert_eq!(b.imprint.issuer, "某县委办公室", "{line}");
        assert_eq!(b.imprint.date.iso(), "2024-06-02");
        assert_eq!(b.imprint.copies, Some(40));
    }
    // No 印发 line: the masthead's issuer and date.
    let b = text(&format!("{HEAD}{BODY}")).bulletin;
    assert_eq!(b.imprint.issuer, "某县人民政府办公室");
    assert_eq!(b.imprint.copies, None);
}

#[test]
fn rule_document_number() {
    for n in ["益简字【2022】42号", "某简〔2024〕3号", "某简〔2024〕3 号"] {
        let b = text(&format!("{HEAD}{BODY}报：市委\n{n}\n")).bulletin;
        assert_eq!(
            b.document_number.as_deref(),
            Some(n.replace(' ', "").as_str())
        );
    }
}

#[test]
fn rule_docx_alignment_and_lists() {
    let bytes = std::fs::read(data().join("drafts/yuanjiang-python-docx-table.docx")).unwrap();
    // By its bytes (no name): a zip is a .docx.
    let i = import(&bytes, None).unwrap();
    let want = bulletin(&data().join("expected/yuanjiang-2024-06.json"));
    assert_eq!(i.bulletin, want);
    assert!(i.notices.is_empty(), "{:?}", notices(&i));
}

#[test]
fn rule_encodings() {
    let b = bulletin(&data().join("expected/anhua-2024-03.json"));
    let bytes = std::fs::read(data().join("drafts/anhua-utf16le.txt")).unwrap();
    assert_eq!(import(&bytes, None).unwrap().bulletin, b);
    let b = bulletin(&data().join("expected/nanxian-2023-12.json"));
    for f in ["nanxian-gbk.txt", "nanxian-word-plain-bom.txt"] {
        let bytes = std::fs::read(data().join("drafts").join(f)).unwrap();
        assert_eq!(import(&bytes, None).unwrap().bulletin, b, "{f}");
    }
    let b = bulletin(&data().join("expected/yuanjiang-2024-06.json"));
    let bytes = std::fs::read(data().join("drafts/yuanjiang-utf16be.txt")).unwrap();
    assert_eq!(import(&bytes, None).unwrap().bulletin, b);
}

// ---------------------------------------------------------------------------
// One test per notice

fn has_notice(i: &Imported, line: usize, words: &[&str]) {
    let found = i
        .notices
        .iter()
        .any(|n| n.line == line && words.iter().all(|w| n.message.contains(w)));
    assert!(
        found,
        "no notice on line {line} with {words:?}: {:?}",
        notices(i)
    );
}

#[test]
fn notice_a_line_read_as_a_title() {
    let i = text(&format!("{HEAD}{BODY}"));
    has_notice(&i, 4, &["《县里召开会议》", "标题"]);
    // Not when the guide names it.
    let i = text(&format!("{HEAD}【导读】\n★县里召开会议\n{BODY}"));
    assert!(i.notices.is_empty(), "{:?}", notices(&i));
}

#[test]
fn notice_a_title_over_two_lines() {
    let i = text(&format!(
        "{HEAD}县委书记带队调研\n湿地保护修复工作\n正文。\n"
    ));
    has_notice(
        &i,
        4,
        &["第 4 至 5 行", "《县委书记带队调研湿地保护修复工作》"],
    );
}

#[test]
fn notice_a_paragraph_joined_across_a_page_break() {
    let i = text(&format!(
        "{HEAD}\n标题\n\n会议指出，要落实责任。专班下设综合协调组、材料\n\n文件组等9个小组。\n"
    ));
    has_notice(&i, 7, &["第 7 行", "第 9 行", "跨页"]);
}

#[test]
fn notice_a_date_in_chinese_numerals() {
    let i = text(&format!(
        "某县工作简报\n第三期\n某县办公室　二〇二四年五月十日\n{BODY}某县办公室　二〇二四年五月十一日印发\n"
    ));
    assert_eq!(i.bulletin.masthead.date.iso(), "2024-05-10");
    assert_eq!(i.bulletin.imprint.date.iso(), "2024-05-11");
    has_notice(&i, 2, &["期号", "三"]);
    has_notice(&i, 3, &["二〇二四年五月十日", "2024-05-10"]);
    has_notice(&i, 6, &["二〇二四年五月十一日", "2024-05-11"]);
}

#[test]
fn notice_an_unclear_paragraph_end_in_wrapped_text() {
    // A 20-character measure; line 5 ends a sentence at the full width and
    // line 6 is short and ends one too: one paragraph or two?
    let full = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉";
    let draft = format!(
        "{HEAD}标题\n{}\n{}\n{}\n{}。\n{}\n{}\n{}\n{}。\n{}。\n",
        &full[..18 * 3],
        full,
        full,
        &full[..19 * 3],
        &full[..18 * 3],
        full,
        full,
        &full[..19 * 3],
        &full[..3 * 3],
    );
    let i = text(&draft);
    has_notice(&i, 12, &["第 12 行", "第 13 行", "另起一段"]);
}

#[test]
fn notice_the_guide_label_and_lines_left_out() {
    let i = text(&format!(
        "{HEAD}本期要目\n★县里召开会议\n{BODY}报：市委\n联系人：张三\n附件一览\n"
    ));
    has_notice(&i, 4, &["本期要目"]);
    assert_eq!(i.bulletin.guide_label.as_deref(), Some("本期要目"));
    assert_eq!(i.bulletin.imprint.contact.as_deref(), Some("联系人：张三"));
    has_notice(&i, 10, &["附件一览", "未导入"]);
}

#[test]
fn notice_paragraphs_without_a_title_or_item() {
    let i = text(&format!(
        "{HEAD}　　没有标题的一段。\n{BODY}【动态】\n这一段前面没有三角。\n"
    ));
    has_notice(&i, 4, &["（请补充标题）"]);
    assert_eq!(i.bulletin.body[0].title(), "（请补充标题）");
    has_notice(&i, 8, &["没有▲"]);
    let i = text(&format!("{HEAD}{BODY}▲不在栏目里的条目。\n"));
    has_notice(&i, 6, &["不在【栏目】中"]);
}

#[test]
fn notice_a_name_over_two_lines_and_a_copy_number() {
    let i = text(&format!(
        "编号：000123\n某县深入推进乡村振兴\n工作简报\n第3期\n某县办公室　2024年6月1日\n{BODY}"
    ));
    assert_eq!(i.bulletin.masthead.name, "某县深入推进乡村振兴工作简报");
    assert_eq!(i.bulletin.masthead.copy_number.as_deref(), Some("000123"));
    has_notice(&i, 2, &["两行合为简报名称"]);
    let i = text(&format!(
        "编号：第一份\n某县工作简报\n第3期\n某县办公室　2024年6月1日\n{BODY}"
    ));
    has_notice(&i, 1, &["编号：第一份", "不是数字编号", "未导入"]);
}

#[test]
fn notice_headings_and_sections_without_content() {
    let i = text(&format!(
        "{HEAD}【动态】\n▲城关镇\n▲河口镇\n河口镇召开会议。\n【空栏目】\n{BODY}"
    ));
    let Block::Section(s) = &i.bulletin.body[0] else {
        panic!()
    };
    assert_eq!(s.items[0].kind, ItemKind::Plain);
    assert_eq!(s.items[0].paragraphs, ["城关镇"]);
    has_notice(&i, 4, &["▲城关镇", "下面没有段落"]);
    has_notice(&i, 8, &["【空栏目】", "没有内容"]);
    assert_eq!(i.bulletin.body.len(), 2);
}

#[test]
fn notice_undecodable_bytes() {
    let mut bytes =
        "某县工作简报\n第3期\n某县办公室　2024年6月1日\n县里召开会议\n6月1日，县里召开会议。\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>();
    bytes.splice(0..0, [0xFF, 0xFE]);
    // An unpaired surrogate.
    bytes.extend_from_slice(&[0x00, 0xD8, 0x41, 0x00]);
    let i = import(&bytes, None).unwrap();
    has_notice(&i, 1, &["UTF-16LE", "无法解读"]);
}

// ---------------------------------------------------------------------------
// Errors

fn error(bytes: &[u8]) -> String {
    match import(bytes, None) {
        Ok(i) => panic!("imported: {}", i.json),
        Err(e) => {
            assert!(matches!(e, jianbao::Error::Draft { .. }), "{e:?}");
            assert!(e.is_content_error());
            e.to_string()
        }
    }
}

#[test]
fn error_a_draft_without_masthead() {
    let e = error("会议指出，要落实责任。\n\n再一段。\n".as_bytes());
    assert!(e.contains("没有找到报头") && e.contains("第3期"), "{e}");
    assert!(e.starts_with("第 1 行"), "{e}");
}

#[test]
fn error_a_masthead_without_issue_issuer_or_body() {
    assert!(error("某县工作简报\n某县办公室\n正文。\n".as_bytes()).contains("没有找到期号"));
    assert!(
        error("某县工作简报\n第3期\n县里召开会议\n正文。\n".as_bytes()).contains("编印单位和日期")
    );
    assert!(error(HEAD.as_bytes()).contains("没有找到正文"));
}

#[test]
fn error_files_that_are_not_drafts() {
    assert!(error(b"%PDF-1.7\n").contains("PDF"));
    assert!(error(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0").contains(".docx"));
    assert!(error(b"PK\x03\x04broken").contains(".docx"));
}

#[test]
fn damaged_drafts_give_a_result_never_a_panic() {
    // Every fixture cut short at many places, and with its lines reversed:
    // an import whose JSON reads back as its bulletin, or a draft error with
    // a message, whatever the bytes.
    let (mut imported, mut refused) = (0, 0);
    let mut check = |what: &str, r: jianbao::Result<jianbao::import::Imported>| match r {
        Ok(i) => {
            imported += 1;
            assert_eq!(i.json, model::to_json(&i.bulletin), "{what}");
            let back = model::parse(i.json.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(back, i.bulletin, "{what}");
        }
        Err(jianbao::Error::Draft { message, .. }) => {
            refused += 1;
            assert!(!message.trim().is_empty(), "{what}: an empty message");
        }
        Err(e) => panic!("{what}: not a draft error: {e:?}"),
    };
    for (draft, _) in fixtures() {
        let bytes = std::fs::read(&draft).unwrap();
        for k in 1..24 {
            let cut = &bytes[..bytes.len() * k / 24];
            let what = format!("{} cut at {k}/24", draft.display());
            check(&what, import(cut, None));
            check(&format!("{what} as text"), import(cut, Some(Kind::Text)));
        }
        let text = String::from_utf8_lossy(&bytes);
        let reversed: Vec<&str> = text.lines().rev().collect();
        let what = format!("{} reversed", draft.display());
        check(
            &what,
            import(reversed.join("\n").as_bytes(), Some(Kind::Text)),
        );
    }
    // Both outcomes happen: the test sees imports and refusals.
    assert!(
        imported > 0 && refused > 0,
        "{imported} imported, {refused} refused"
    );
}

// ---------------------------------------------------------------------------
// The command line

fn jianbao(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        let mut input = input;
        input.write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

#[test]
fn cli_imports_to_stdout_with_notices_on_stderr() {
    let seed = root().join("tests/data/seed-yiyang-2024-01.txt");
    let seed = seed.to_str().unwrap();
    let out = jianbao(&["import", seed], None);
    assert_eq!(out.status.code(), Some(0));
    let json = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        model::parse(json.as_bytes()).unwrap(),
        model::parse(&example()).unwrap()
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{seed}:28: 提示：第 28 行句末没有标点")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().filter(|l| l.contains(": 提示：")).count(), 5);
}

#[test]
fn places_in_a_docx_are_paragraphs_第_n_段() {
    let draft = data().join("drafts/ziyang-libreoffice-from-text.docx");
    let i = import_file(&draft);
    assert_eq!(i.unit, jianbao::import::Unit::Paragraph);
    assert!(!i.notices.is_empty());
    let draft = draft.to_str().unwrap();
    let out = jianbao(&["import", draft], None);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let first = i.notices[0].line;
    assert!(
        stderr.contains(&format!("{draft}: 第 {first} 段：提示：")),
        "{stderr}"
    );
    assert!(!stderr.contains(" 行"), "{stderr}");
    // A text draft counts lines (and the command line says file:line).
    let seed = import_file(&root().join("tests/data/seed-yiyang-2024-01.txt"));
    assert_eq!(seed.unit, jianbao::import::Unit::Line);
}

#[test]
fn cli_writes_the_output_file_and_reads_stdin() {
    let dir = TempDir::new("import");
    let out_path = dir.join("out.json");
    let draft = data().join("drafts/taojiang-python-docx.docx");
    let bytes = std::fs::read(&draft).unwrap();
    // From standard input, the format told by the bytes or by --format.
    for args in [
        vec!["import", "-", "-o", out_path.to_str().unwrap()],
        vec![
            "import",
            "--format",
            "docx",
            "-",
            "-o",
            out_path.to_str().unwrap(),
        ],
    ] {
        let _ = std::fs::remove_file(&out_path);
        let out = jianbao(&args, Some(&bytes));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let written = std::fs::read(&out_path).unwrap();
        assert_eq!(
            model::parse(&written).unwrap(),
            bulletin(&data().join("expected/taojiang-2024-07.json"))
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("<标准输入> → "), "{stderr}");
    }
    // `check` accepts what was written.
    let out = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["check", out_path.to_str().unwrap(), "--font-dir"])
        .arg(root().join("fonts"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --format text on a .docx reads its bytes as text: no masthead there.
    let out = jianbao(
        &["import", "--format", "text", draft.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cli_exit_codes() {
    let out = jianbao(&["import", "-"], Some("会议指出，要落实。\n".as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("没有找到报头"), "{stderr}");
    let out = jianbao(&["import", "/nonexistent/draft.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = jianbao(&["import"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = jianbao(&["import", "--format", "pdf", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_other_parts_survive_render_then_text_then_import() {
    // 编号, 增刊, 编者按, 本期要目, an article's 按语, 本期增发, 联系人 and a
    // supplement's 文号, printed and read back.
    let input = root().join("tests/data/corpus/18-all-parts.json");
    let json = std::fs::read(&input).unwrap();
    let text = pdftext::extract(&render(&json)).unwrap();
    let want = model::parse(&json).unwrap();
    let got = import(text.as_bytes(), Some(Kind::Text)).unwrap().bulletin;
    let (_, _, misses) = score(&want, &got);
    assert!(got == want, "{}", misses.join("\n"));
}
