//! The archive benchmark's generator: files synthetic bulletins of varied
//! text and size into an archive through `Archive::issue` (exactly what
//! `jianbao issue --allow-warnings` files), one in flight per core, so that
//! 20,000 copies are filed in minutes. Not part of the program.
//!
//!     archive_fill ARCHIVE FROM TO     (fonts: JIANBAO_FONT_DIR, else ./fonts)
//!
//! Copy `i` belongs to one of 40 bulletins (a city's counties and bureaus),
//! each issued weekly from 2015; its text is drawn from a vocabulary by a
//! generator seeded with `i`, with 1 to 4 articles of the example kept, so
//! that copies differ in text and length. Every copy has a sentence with
//! 湿地 (a common word); one in fifty mentions 候鸟 (a rare one).

// A command-line tool: it tells its progress and failures on standard error.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use chrono::{Datelike, NaiveDate};
use jianbao::archive::{Archive, IssueOptions};
use jianbao::model::Date;
use jianbao::{Engine, Options};
use serde_json::{json, Value};

/// How many bulletins the copies are spread over.
const BULLETINS: u64 = 40;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &[
    "资阳区",
    "赫山区",
    "沅江市",
    "南县",
    "桃江县",
    "安化县",
    "大通湖区",
    "高新区",
    "龙岭",
    "朝阳街道",
    "会龙山街道",
    "新市渡镇",
    "泉交河镇",
    "茈湖口镇",
];
const TOPICS: &[&str] = &[
    "秸秆禁烧",
    "扬尘治理",
    "河长制",
    "饮用水源",
    "黑臭水体",
    "噪声投诉",
    "固废处置",
    "矿山修复",
    "畜禽养殖污染",
    "入河排污口",
    "垃圾分类",
    "农村改厕",
    "大气污染防治",
];
const ACTIONS: &[&str] = &[
    "召开专题调度会",
    "开展联合执法检查",
    "组织明察暗访",
    "印发整改方案",
    "约谈相关负责人",
    "完成问题销号",
    "建立长效机制",
    "开展“回头看”",
    "召开现场推进会",
    "下发督办通知",
];
const RESULTS: &[&str] = &[
    "累计排查点位{n}个",
    "整改问题{n}个",
    "立案查处{n}起",
    "出动执法人员{n}人次",
    "清理垃圾{n}吨",
    "督促{n}家企业完成整改",
    "新建监测站点{n}个",
];

/// Sentences of a paragraph of copy `i`.
fn paragraph(rng: &mut Rng) -> String {
    let mut p = String::new();
    for _ in 0..(2 + rng.next() % 4) {
        let n = (rng.next() % 900 + 10).to_string();
        p.push_str(&format!(
            "{}{}{}，{}。",
            rng.pick(PLACES),
            rng.pick(ACTIONS),
            rng.pick(TOPICS),
            rng.pick(RESULTS).replace("{n}", &n)
        ));
    }
    p
}

/// The input of copy `i` (1-based), from the example `base`.
fn bulletin(base: &Value, i: u64) -> Vec<u8> {
    let mut rng = Rng(i);
    let mut doc = base.clone();
    let k = i % BULLETINS;
    let week = i / BULLETINS;
    let start = NaiveDate::from_ymd_opt(2015, 1, 5).expect("a date");
    let day = start + chrono::Days::new(7 * week);
    let issue = day.ordinal0() / 7 + 1;
    let date = Date::parse_iso(&day.format("%Y-%m-%d").to_string()).expect("a date");
    if k > 0 {
        let place = PLACES[(k as usize) % PLACES.len()];
        doc["masthead"]["name"] = format!("{place}第{k}督察整改工作简报").into();
    }
    doc["masthead"]["issue"] = issue.into();
    doc["masthead"]["total_issue"] = (week + 1).into();
    doc["masthead"]["date"] = date.iso().into();
    doc["imprint"]["date"] = date.iso().into();
    let topic = rng.pick(TOPICS);
    let mut wetland = format!(
        "{}月{}日，{}召开{}专项调度会，通报第{}批交办问题办理情况，部署湿地保护和{}工作。",
        date.month(),
        date.day(),
        rng.pick(PLACES),
        topic,
        week + 1,
        topic
    );
    if i.is_multiple_of(50) {
        wetland.push_str("洞庭湖候鸟栖息地巡护同步加强。");
    }
    let mut body = vec![json!({
        "type": "article",
        "title": format!("{topic}专项行动第{}次调度", week + 1),
        "paragraphs": [wetland, paragraph(&mut rng)],
    })];
    for _ in 0..(rng.next() % 3) {
        let paras: Vec<String> = (0..(1 + rng.next() % 4))
            .map(|_| paragraph(&mut rng))
            .collect();
        body.push(json!({
            "type": "article",
            "title": format!("{}{}", rng.pick(PLACES), rng.pick(ACTIONS)),
            "paragraphs": paras,
        }));
    }
    let keep = base["body"].as_array().map_or(0, |b| b.len());
    let kept = 1 + (rng.next() as usize) % keep.max(1);
    body.extend(
        base["body"]
            .as_array()
            .into_iter()
            .flatten()
            .take(kept)
            .cloned(),
    );
    doc["body"] = Value::Array(body);
    doc["guide"] = "auto".into();
    serde_json::to_vec_pretty(&doc).expect("JSON")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, archive, from, to] = &args[..] else {
        eprintln!("usage: archive_fill ARCHIVE FROM TO");
        std::process::exit(2);
    };
    let (from, to): (u64, u64) = (from.parse().expect("FROM"), to.parse().expect("TO"));
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fonts = std::env::var_os("JIANBAO_FONT_DIR").map_or(repo.join("fonts"), PathBuf::from);
    let base: Value = serde_json::from_slice(
        &std::fs::read(repo.join("examples/yiyang-2024-01.json")).expect("the example"),
    )
    .expect("the example's JSON");
    let engine = Engine::new(fonts);
    let archive = Archive::new(archive);
    let items: Vec<u64> = (from..=to).collect();
    let done = AtomicUsize::new(0);
    let t0 = Instant::now();
    let failed = jianbao::par::map(&items, |&i| {
        let r = archive.issue(
            &engine,
            &bulletin(&base, i),
            &Options::default(),
            &IssueOptions {
                allow_warnings: true,
                now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_420_000_000 + i * 600),
                supersedes: None,
                ofd: false,
                sign: None,
            },
        );
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(1000) {
            eprintln!("  {n} filed ({:.0} s)", t0.elapsed().as_secs_f64());
        }
        r.err().map(|e| format!("{i}: {e}"))
    });
    let failed: Vec<String> = failed.into_iter().flatten().flatten().collect();
    for f in &failed {
        eprintln!("{f}");
    }
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
