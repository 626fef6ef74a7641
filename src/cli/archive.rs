//! `jianbao issue`, `jianbao archive …` and `jianbao new`: filing issued
//! copies, finding and proving them, and starting the next issue.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use clap::{ArgGroup, Args, Subcommand};
use jianbao::archive::{
    Archive, Compared, CopyQuery, CopyState, Correction, Filter, IssueOptions, NextNote,
    OutputCheck, Rerender, Scope, SearchQuery, Status, VerifyOptions, VerifyReport,
};
use jianbao::model::Date;
use jianbao::Engine;

use super::render::{read_input, refuse_to_replace, write_output};
use super::table::{display_width, pad, pad_left, truncate_width};
use super::{codes, UsageError, EXIT_INPUT};

/// Where the archive is.
#[derive(Args, Debug)]
pub struct ArchiveDir {
    /// 档案库目录（默认：环境变量 JIANBAO_ARCHIVE，否则用户数据文件夹中的 archive，如 ~/.local/share/jianbao/archive）
    #[arg(long, value_name = "DIR", env = "JIANBAO_ARCHIVE")]
    pub archive: Option<PathBuf>,
}

impl ArchiveDir {
    /// The archive: the one named (option or environment), else the
    /// per-user one, the same for every command. Refused when none is named
    /// and the current folder holds an archive in `./archive` (where earlier
    /// versions filed by default) that is not the per-user one: filing into
    /// another archive would let a number be issued twice.
    pub fn path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.archive {
            return Ok(p.clone());
        }
        let dir = jianbao::places::user_archive_dir().ok_or_else(|| {
            UsageError(
                "不知道用户数据文件夹在哪里（Linux 上没有 HOME 也没有 XDG_DATA_HOME）：请用 --archive 指定档案库".into(),
            )
        })?;
        let old = Path::new(jianbao::archive::DEFAULT_DIR);
        let is_archive = old.join("copies").is_dir() || old.join("index.sqlite").is_file();
        let same = std::fs::canonicalize(old).ok() == std::fs::canonicalize(&dir).ok();
        if is_archive && !same {
            return Err(UsageError(format!(
                "当前文件夹里有档案库 archive（以前的版本默认用它），而现在不指定时用的是 {}。为免同一期签发到两个档案库，这次没有执行。继续用原来的：加 --archive archive，或设环境变量 JIANBAO_ARCHIVE；改用新的位置：把它整个移过去（mv archive {}）",
                dir.display(),
                dir.display()
            ))
            .into());
        }
        Ok(dir)
    }
}

/// Arguments of `issue`.
#[derive(Args, Debug)]
pub struct IssueArgs {
    /// 要签发的一期（JSON 文件；“-” 为标准输入）
    #[arg(value_name = "INPUT.json")]
    pub input: PathBuf,
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 有警告（可能的书写错误）时也归档（确认无误后用；警告记入清单）
    #[arg(long)]
    pub allow_warnings: bool,
    /// 使用这个模板文件，而不是输入中指定的模板
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// 签发更正本：取代这个档案编号的已归档副本（原副本保留不动，list、show、verify 中标明已被更正）
    #[arg(long, value_name = "档案编号", requires = "reason")]
    pub supersedes: Option<String>,
    /// 更正的理由（与 --supersedes 同用，记入清单）
    #[arg(long, value_name = "理由", requires = "supersedes")]
    pub reason: Option<String>,
    /// 同时归档一份 OFD（GB/T 33190-2016，与 PDF 同一版面），存为 issued.ofd
    #[arg(long)]
    pub ofd: bool,
    /// 用办公室的签名密钥签名：另存 signed.pdf（带 PAdES 签名）和 manifest.p7s（清单的签名）；环境变量 JIANBAO_SIGN=1 则每一期都签
    #[arg(long, env = "JIANBAO_SIGN", value_parser = clap::builder::BoolishValueParser::new())]
    pub sign: bool,
    #[command(flatten)]
    pub key: super::keys::KeyDir,
    /// 给 OFD 签章的外部程序（与 --sign、--ofd 同用）：标准输入给它 Signature.xml，标准输出取回签名值 SignedValue.dat，如电子印章系统或 UKey 中间件的命令（按空格分开，不经 shell）
    #[arg(long, value_name = "命令", env = "JIANBAO_OFD_SIGNER")]
    pub ofd_signer: Option<String>,
    /// 外部程序给出的是电子印章（seal，GB/T 38540）还是数字签名（sign，GB/T 35275）
    #[arg(long, value_name = "seal|sign", default_value = "seal", value_parser = ["seal", "sign"])]
    pub ofd_signer_type: String,
    /// 外部程序的签名算法（OID；默认 SM2/SM3 1.2.156.10197.1.501）
    #[arg(long, value_name = "OID")]
    pub ofd_signer_method: Option<String>,
}

/// The `archive` subcommands.
#[derive(Subcommand, Debug)]
pub enum ArchiveCommand {
    /// 列出已归档的各期
    #[command(after_help = codes::ARCHIVE)]
    List(ListArgs),
    /// 查看一期的登记信息和文件位置：档案编号，或 名称 年份 期号
    #[command(after_help = codes::ARCHIVE)]
    Show(ShowArgs),
    /// 重新计算每份副本的哈希，报告完好、已改动或缺失（有问题时退出码 1）
    #[command(after_help = codes::VERIFY)]
    Verify(VerifyArgs),
    /// 在已归档各期的标题和正文中搜索（多个词以空格分开，须都出现）
    #[command(after_help = codes::ARCHIVE)]
    Search(SearchArgs),
    /// 从副本文件重建索引（索引丢失或损坏时也会自动重建）；索引记下的与文件不符时不重建，除非加 --force
    #[command(after_help = codes::ARCHIVE)]
    Reindex(ReindexArgs),
}

/// Arguments of `archive reindex`.
#[derive(Args, Debug)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 索引与副本文件不符时也以文件为准重建（旧索引另存为 index.replaced-N.sqlite）
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `archive list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 只列名称是或含有这些字的简报
    #[arg(long, value_name = "名称")]
    pub name: Option<String>,
    /// 只列这一年的
    #[arg(long, value_name = "年份")]
    pub year: Option<u16>,
    /// 每页列出几份（最新的在前；默认 20）
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,
    /// 跳过最新的这么多份（翻页：--offset 20 是第二页）
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
    /// 列出全部，不分页
    #[arg(long, conflicts_with_all = ["limit", "offset"])]
    pub all: bool,
}

/// Arguments of `archive show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// list 显示的档案编号；或 简报名称（或其中一部分）、年份、期号（增刊写 增刊第1期）
    #[arg(required = true, num_args = 1..=3, value_name = "档案编号 | 名称 年份 期号")]
    pub what: Vec<String>,
}

/// Arguments of `archive verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 同时把每一期的输入重新排版，比较是否与签发的 PDF 逐字节相同
    #[arg(long)]
    pub rerender: bool,
    /// 只核对这一天（含）以后归档的副本，及其与后一份的登记链
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// 只核对这个编号的副本，及其与后一份的登记链
    #[arg(long, value_name = "编号")]
    pub copy: Option<String>,
}

/// Arguments of `archive search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    #[command(flatten)]
    pub dir: ArchiveDir,
    /// 要找的词（如 湿地、督察）
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
    /// 每页几句（最新一期的在前；默认 20）
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub limit: u64,
    /// 跳过前面这么多句（翻页：--offset 20 是第二页）
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
    /// 只在名称是或含有这些字的简报中找
    #[arg(long, value_name = "名称")]
    pub name: Option<String>,
    /// 只在这一年的各期中找
    #[arg(long, value_name = "年份")]
    pub year: Option<u16>,
    /// 只在这一天（含）以后的各期中找（简报上的日期）
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// 只在这一天（含）以前的各期中找（简报上的日期）
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// 只在增刊、专刊中找
    #[arg(long, conflicts_with = "regular")]
    pub supplement: bool,
    /// 只在正刊中找（不含增刊、专刊）
    #[arg(long)]
    pub regular: bool,
}

/// A day given as `YYYY-MM-DD`, checked.
fn day(text: &str) -> Result<String> {
    Date::parse_iso(text)
        .map(|d| d.iso())
        .ok_or_else(|| UsageError(format!("日期“{text}”应是 YYYY-MM-DD 形式的真实日期")).into())
}

/// Arguments of `new`.
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("source").required(true).args(["from", "name"])))]
pub struct NewArgs {
    /// 上一期的 JSON：从它复制报头、发送范围和印发信息
    #[arg(long, value_name = "PREVIOUS.json")]
    pub from: Option<PathBuf>,
    /// 简报名称：从档案库中这份简报的最近一期生成
    #[arg(long, value_name = "名称")]
    pub name: Option<String>,
    /// 写到这个文件（默认：标准输出）；不覆盖已有文件
    #[arg(short, long, value_name = "NEXT.json")]
    pub output: Option<PathBuf>,
    /// 输出文件已存在时也覆盖（默认不覆盖：它可能已经改过）
    #[arg(long)]
    pub force: bool,
    /// 新一期的日期（默认：今天，北京时间）
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// 与 --name 同用：生成这一增刊、专刊系列（如 增刊）的下一期，单独编号
    #[arg(long, value_name = "刊别", requires = "name")]
    pub supplement: Option<String>,
    #[command(flatten)]
    pub dir: ArchiveDir,
}

/// `jianbao issue`.
pub fn issue(args: IssueArgs, font_dir: PathBuf) -> Result<ExitCode> {
    let (bytes, opts) = read_input(&args.input, args.template.as_deref())?;
    let engine = Engine::new(font_dir);
    let archive = Archive::new(args.dir.path()?);
    let key = match args.sign {
        true => Some(jianbao::sign::Signer {
            key: args.key.load()?,
            ofd: match (&args.ofd_signer, args.ofd) {
                (Some(cmd), true) => Some(
                    jianbao::sign::ofd::ExternalSigner::new(
                        cmd,
                        if args.ofd_signer_type == "sign" {
                            jianbao::sign::ofd::Kind::Sign
                        } else {
                            jianbao::sign::ofd::Kind::Seal
                        },
                        args.ofd_signer_method.as_deref(),
                    )
                    .map_err(jianbao::Error::from)?,
                ),
                _ => None,
            },
        }),
        false if args.ofd_signer.is_some() && std::env::var_os("JIANBAO_OFD_SIGNER").is_none() => {
            return Err(UsageError(
                "--ofd-signer 要与 --sign 同用（清单由办公室的密钥签名）".into(),
            )
            .into())
        }
        false => None,
    };
    let filed = archive
        .issue(
            &engine,
            &bytes,
            &opts,
            &IssueOptions {
                allow_warnings: args.allow_warnings,
                now: SystemTime::now(),
                supersedes: args.supersedes.clone().map(|id| Correction {
                    id,
                    reason: args.reason.clone().unwrap_or_default(),
                }),
                ofd: args.ofd,
                sign: key,
            },
        )
        .map_err(|e| {
            // The library does not know the flag; the command line says how to accept.
            let hint = if matches!(e, jianbao::Error::Warnings(_)) {
                "（确认这些警告无误后，加 --allow-warnings 再签发）"
            } else {
                ""
            };
            anyhow::Error::new(e).context(format!("{}: 未归档{hint}", args.input.display()))
        })?;
    for n in &filed.notices {
        eprintln!("{}: 提示：{n}", args.input.display());
    }
    for w in &filed.warnings {
        eprintln!("{}: 警告：{w}", args.input.display());
    }
    for n in &filed.notes {
        eprintln!("jianbao: {n}");
    }
    let m = &filed.manifest;
    // The report is written at once; the copy is filed whatever becomes of
    // it, so a full disk or closed output is said in Chinese and the exit
    // code stays 0 (a retry would be refused as a number already used).
    use std::fmt::Write as _;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "已归档：《{}》{}，{} 页（档案库第 {} 份）",
        m.name,
        m.issue_label(),
        m.pages,
        m.sequence
    );
    if let Some(s) = &m.supersedes {
        let _ = writeln!(
            report,
            "  更正本（第 {} 版）：取代档案编号 {} 的副本（保留在档案库中）；理由：{}",
            m.revision,
            jianbao::archive::manifest::short_id(&s.pdf_sha256),
            s.reason
        );
    }
    let _ = writeln!(report, "  档案编号：{}", m.id());
    let _ = writeln!(report, "  目录：{}", filed.dir.display());
    let _ = writeln!(report, "  PDF：{}", filed.dir.join(&m.pdf().file).display());
    let _ = writeln!(report, "  PDF SHA-256：{}", m.pdf().sha256);
    if let Some(o) = m.ofd() {
        let _ = writeln!(report, "  OFD：{}", filed.dir.join(&o.file).display());
        let _ = writeln!(report, "  OFD SHA-256：{}", o.sha256);
    }
    if let Some(s) = &m.signature {
        let _ = writeln!(
            report,
            "  签名版 PDF：{}",
            filed.dir.join(&s.pdf.file).display()
        );
        let _ = writeln!(
            report,
            "  签名：{}（{}，证书指纹 {}）；清单的签名 {}",
            s.key.subject,
            s.key.algorithm.name(),
            s.key.fingerprint,
            s.manifest_signature
        );
    }
    let written = {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        out.write_all(report.as_bytes()).and_then(|()| out.flush())
    };
    if let Err(e) = written {
        eprintln!(
            "jianbao: 已归档：《{}》{}，档案编号 {}（档案库第 {} 份）；只是这份报告无法写到标准输出（{}）：用 jianbao archive show {} 查看，不要重新签发",
            m.name,
            m.issue_label(),
            m.id(),
            m.sequence,
            jianbao::error::io_reason(&e),
            m.id()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `jianbao archive …`.
pub fn archive(cmd: ArchiveCommand, fonts: Option<&Path>) -> Result<ExitCode> {
    match cmd {
        ArchiveCommand::List(a) => list(a),
        ArchiveCommand::Show(a) => show(a),
        ArchiveCommand::Verify(a) => verify(a, fonts),
        ArchiveCommand::Search(a) => search(a),
        ArchiveCommand::Reindex(a) => {
            let done = Archive::new(a.dir.path()?)
                .reindex(a.force)
                .map_err(|e| match e {
                    jianbao::Error::Archive { message } => jianbao::Error::Archive {
                        message: format!("{message}：jianbao archive reindex --force"),
                    },
                    e => e,
                })?;
            for d in &done.disagreements {
                eprintln!("jianbao: 以文件为准，不再记得：{d}");
            }
            if let Some(old) = &done.kept {
                eprintln!("jianbao: 旧索引保留在 {}", old.display());
            }
            outln!("索引已从文件重建：{} 份副本", done.copies)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_notes(notes: &[String], hints: &[jianbao::Hint]) {
    for n in notes {
        eprintln!("jianbao: {n}");
    }
    for h in hints {
        eprintln!("  可以：{}", super::hint_command(h));
    }
}

/// `2024-05-10T09:30:00+08:00` → `2024-05-10 09:30`.
fn short_time(t: &str) -> String {
    t.get(..16).unwrap_or(t).replace('T', " ")
}

fn list(a: ListArgs) -> Result<ExitCode> {
    let archive = Archive::new(a.dir.path()?);
    let listing = archive.list(&Filter {
        name: a.name,
        year: a.year,
        offset: if a.all { 0 } else { a.offset as usize },
        limit: (!a.all).then_some(a.limit as usize),
    })?;
    print_notes(&listing.notes, &listing.hints);
    let copies = &listing.copies;
    if copies.is_empty() {
        if listing.total > 0 {
            outln!(
                "这一页没有副本：共 {} 份，--offset 应小于 {}",
                listing.total,
                listing.total
            )?;
        } else {
            outln!("没有符合条件的归档副本")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let name_w = copies
        .iter()
        .map(|c| display_width(&truncate_width(&c.record.name, 28)))
        .max()
        .unwrap_or(4)
        .max(4);
    // 期号 with its series: 3, 增刊3.
    let numbers: Vec<String> = copies
        .iter()
        .map(|c| {
            let r = &c.record;
            format!("{}{}", r.supplement.as_deref().unwrap_or(""), r.issue)
        })
        .collect();
    let number_w = numbers
        .iter()
        .map(|n| display_width(n))
        .max()
        .unwrap_or(4)
        .max(4);
    // Corrections and the copies they supersede.
    let states: Vec<String> = copies
        .iter()
        .map(|c| match &c.state {
            CopyState::Superseded { by } => format!("已被 {} 更正", &by[..by.len().min(6)]),
            CopyState::Current => String::new(),
            CopyState::Correction { revision, .. } => format!("更正本（第{revision}版）"),
        })
        .collect();
    let state_w = states.iter().map(|s| display_width(s)).max().unwrap_or(0);
    let state_col = |s: &str| {
        if state_w == 0 {
            String::new()
        } else {
            format!("{}  ", pad(s, state_w))
        }
    };
    outln!(
        "{}  {}  {}  {}  {}  {}  {}  {}  {}首篇标题",
        pad("档案编号", 12),
        pad("名称", name_w),
        pad("年份", 4),
        pad("期号", number_w),
        pad("总期号", 6),
        pad("日期", 10),
        pad("页数", 4),
        pad("归档时间", 16),
        state_col("状态"),
    )?;
    for ((c, n), state) in copies.iter().zip(&numbers).zip(&states) {
        let r = &c.record;
        outln!(
            "{}  {}  {:>4}  {}  {:>6}  {:<10}  {:>4}  {}  {}{}",
            r.id,
            pad(&truncate_width(&r.name, 28), name_w),
            r.year,
            pad_left(n, number_w),
            r.total_issue.map(|t| t.to_string()).unwrap_or_default(),
            r.date,
            r.pages,
            pad(&short_time(&r.issued_at), 16),
            state_col(state),
            truncate_width(&r.title, 40)
        )?;
    }
    let total = listing.total;
    let current = listing.current();
    if listing.counts.len() > 1 {
        let groups: Vec<String> = listing
            .counts
            .iter()
            .map(|c| {
                format!(
                    "《{}》{} 年 {} 份",
                    truncate_width(&c.name, 28),
                    c.year,
                    c.copies
                )
            })
            .collect();
        outln!("按名称和年份：{}", groups.join("，"))?;
    }
    if current == total {
        outln!("共 {total} 期")?;
    } else {
        outln!(
            "共 {total} 份副本：{current} 份现行，{} 份已被更正（保留备查）",
            total - current
        )?;
    }
    let shown = listing.offset + copies.len();
    if copies.len() < total {
        outln!(
            "这一页是最新起第 {}–{shown} 份{}",
            listing.offset + 1,
            if shown < total {
                format!("；下一页：--offset {shown}")
            } else {
                String::new()
            }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(a: ShowArgs) -> Result<ExitCode> {
    let query = match a.what.as_slice() {
        [id] => CopyQuery::Id(id.clone()),
        [name, year, issue] => {
            let (supplement, number) = split_issue(issue).ok_or_else(|| {
                UsageError(format!("期号“{issue}”应是数字，如 3；增刊写 增刊第1期"))
            })?;
            CopyQuery::Key {
                name: name.clone(),
                supplement,
                year: year
                    .parse()
                    .map_err(|_| UsageError(format!("年份“{year}”应是数字，如 2024")))?,
                issue: number,
            }
        }
        _ => {
            return Err(
                UsageError("archive show 要一个档案编号，或 名称 年份 期号 三项".into()).into(),
            )
        }
    };
    let archive = Archive::new(a.dir.path()?);
    let d = archive.find(&query)?;
    let r = &d.record;
    outln!("《{}》{}", r.name, r.issue_label())?;
    outln!("  档案编号：  {}", r.id)?;
    outln!("  档案库序号：第 {} 份", r.seq)?;
    outln!("  日期：      {}", r.date)?;
    outln!("  页数：      {}", r.pages)?;
    outln!("  首篇标题：  {}", r.title)?;
    outln!("  归档时间：  {}", r.issued_at)?;
    outln!("  目录：      {}", d.dir.display())?;
    outln!("  输入：      {}", d.input.display())?;
    outln!("  PDF：       {}", d.pdf.display())?;
    outln!("  清单：      {}", d.manifest_file.display())?;
    if let Some(by) = &d.superseded_by {
        outln!(
            "  状态：      已被更正：现行的是档案编号 {}（档案库第 {} 份）；这一份保留备查",
            by.id,
            by.seq
        )?;
    }
    outln!("  PDF SHA-256：   {}", r.pdf_sha256)?;
    outln!("  输入 SHA-256：  {}", r.input_sha256)?;
    outln!("  清单 SHA-256：  {}", r.manifest_sha256)?;
    match &d.manifest {
        Some(m) => {
            outln!("  程序：      {} {}", m.tool.name, m.tool.version)?;
            outln!("  排版规则：  第 {} 版", m.rules)?;
            for o in &m.outputs {
                outln!("  {}：写出方式 {}", o.file, o.writer)?;
            }
            outln!(
                "  模板：      {}（{}，SHA-256 {}）",
                m.template.name,
                m.template.reference,
                m.template.sha256.chars().take(16).collect::<String>()
            )?;
            for f in &m.fonts {
                outln!(
                    "  字体：      {}（SHA-256 {}）",
                    f.name,
                    f.sha256.chars().take(16).collect::<String>()
                )?;
            }
            if let Some(s) = &m.signature {
                outln!(
                    "  签名：      {}（{}，证书指纹 {}；密钥登记 {}）",
                    s.key.subject,
                    s.key.algorithm.name(),
                    s.key.fingerprint,
                    s.key.entry
                )?;
                outln!("  签名版 PDF：{}", d.dir.join(&s.pdf.file).display())?;
                if let Some(o) = &s.ofd {
                    outln!("  签章版 OFD：{}", d.dir.join(&o.file.file).display())?;
                }
                outln!(
                    "  清单的签名：{}",
                    d.dir.join(&s.manifest_signature).display()
                )?;
            }
            if let Some(s) = &m.supersedes {
                outln!(
                    "  更正本：    第 {} 版，取代档案编号 {}（{}）",
                    m.revision,
                    jianbao::archive::manifest::short_id(&s.pdf_sha256),
                    s.dir
                )?;
                outln!("  更正理由：  {}", s.reason)?;
            }
            for n in &m.notices {
                outln!("  归档时的提示：{n}")?;
            }
            for w in &m.warnings {
                outln!("  归档时接受的警告：{w}")?;
            }
            match &m.previous {
                Some(p) => outln!("  前一份清单 SHA-256：{p}")?,
                None => outln!("  前一份清单：无（档案库的第一份）")?,
            }
        }
        None => outln!("  清单无法读取：运行 jianbao archive verify 查看")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What re-rendering a copy showed, in a few words.
fn rerender_summary(r: &Rerender) -> String {
    let word = |o: &OutputCheck| match (o.compared, o.same) {
        (Compared::Bytes, true) => "逐字节相同",
        (Compared::Bytes, false) => "字节不同",
        (Compared::Layout, true) => "版面相同（字节无法比较）",
        (Compared::Layout, false) => "版面不同",
        (Compared::Hashes, _) => "未比较，以哈希核对",
    };
    if r.failed {
        return "失败".into();
    }
    if r.rules_changed.is_some() {
        return "未比较：排版规则已变，以哈希核对".into();
    }
    let words: Vec<&str> = r.outputs.iter().map(word).collect();
    if words.windows(2).all(|w| w[0] == w[1]) {
        words.first().copied().unwrap_or("未比较").to_string()
    } else {
        r.outputs
            .iter()
            .zip(&words)
            .map(|(o, w)| format!("{} {w}", o.file))
            .collect::<Vec<_>>()
            .join("，")
    }
}

fn print_report(report: &VerifyReport) -> std::io::Result<()> {
    for c in &report.copies {
        let id = c.id.as_deref().unwrap_or("            ");
        let mut line = format!("{}  {}  {}", pad(c.status.label(), 6), id, c.label);
        if let Some(by) = &c.superseded_by {
            line.push_str(&format!("  已被 {} 更正", &by[..by.len().min(12)]));
        }
        if let Some((old, reason)) = &c.corrects {
            line.push_str(&format!("  更正本，取代 {old}（{reason}）"));
        }
        if let Some(r) = &c.rerender {
            line.push_str("  重新排版：");
            line.push_str(&rerender_summary(r));
        }
        outln!("{line}")?;
        for p in &c.problems {
            outln!("    - {p}")?;
        }
        if let Some(r) = &c.rerender {
            for n in &r.notes {
                outln!("    - {n}")?;
            }
        }
    }
    let count = |s: Status| report.copies.iter().filter(|c| c.status == s).count();
    outln!(
        "共 {} 份：完好 {}，已改动 {}，缺失 {}",
        report.copies.len(),
        count(Status::Intact),
        count(Status::Changed),
        count(Status::Missing)
    )?;
    for p in &report.index_problems {
        outln!("索引：{p}")?;
    }
    for h in &report.hints {
        outln!("可以：{}", super::hint_command(h))?;
    }
    let rerendered: Vec<_> = report
        .copies
        .iter()
        .filter_map(|c| c.rerender.as_ref())
        .collect();
    if !rerendered.is_empty() {
        let (mut same, mut by_layout, mut differ, mut failed, mut hashes) = (0, 0, 0, 0, 0);
        for r in &rerendered {
            let by = |c: Compared| r.outputs.iter().any(|o| o.compared == c);
            if r.failed {
                failed += 1;
            } else if r.identical {
                same += 1;
                by_layout += usize::from(by(Compared::Layout));
            } else if !by(Compared::Bytes) && !by(Compared::Layout) {
                hashes += 1;
            } else {
                differ += 1;
            }
        }
        outln!(
            "重新排版 {} 份：相同 {same}（其中只比较版面 {by_layout}），不同 {differ}，失败 {failed}，只核对哈希 {hashes}",
            rerendered.len(),
        )?;
    }
    if let Some((seq, sha)) = &report.head {
        outln!("登记链末端：第 {seq} 号，清单 SHA-256 {sha}（可另行记下，用于日后核对）")?;
    }
    Ok(())
}

fn verify(a: VerifyArgs, fonts: Option<&Path>) -> Result<ExitCode> {
    let archive = Archive::new(a.dir.path()?);
    let engine = match a.rerender {
        true => Some(Engine::new(super::fonts::font_dir(fonts)?)),
        false => None,
    };
    let since = a.since.as_deref().map(day).transpose()?;
    // A bar on a terminal only (standard error), never on a pipe.
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("核对 {bar:40} {pos}/{len} 份 {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let report = archive.verify_with(
        engine.as_ref(),
        &VerifyOptions {
            since,
            copy: a.copy.clone(),
            progress: Some(&progress),
        },
    )?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    print_notes(&report.notes, &[]);
    print_report(&report)?;
    if report.all_intact() && !report.rerender_failed() {
        Ok(ExitCode::SUCCESS)
    } else {
        if !report.all_intact() {
            eprintln!("jianbao: 有副本已改动或缺失：档案库不再与签发时一致");
        }
        if report.rerender_failed() {
            eprintln!(
                "jianbao: 有副本无法重新排版，或在模板、字体和程序都相同的情况下重新排版得到不同的字节"
            );
        }
        Ok(ExitCode::from(EXIT_INPUT))
    }
}

fn search(a: SearchArgs) -> Result<ExitCode> {
    let archive = Archive::new(a.dir.path()?);
    let query = a.text.join(" ");
    let mut q = SearchQuery::parse(&query)?;
    q.limit = a.limit as usize;
    q.offset = a.offset as usize;
    q.scope = Scope {
        name: a.name.clone(),
        year: a.year,
        from: a.from.as_deref().map(day).transpose()?,
        to: a.to.as_deref().map(day).transpose()?,
        supplement: match (a.supplement, a.regular) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    };
    let found = archive.search(&q)?;
    print_notes(&found.notes, &[]);
    let hits = &found.hits;
    if hits.is_empty() {
        if found.total > 0 {
            outln!(
                "这一页没有结果：共 {} 处，--offset 应小于 {}",
                found.total,
                found.total
            )?;
        } else {
            outln!("没有找到“{query}”")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut last: Option<&str> = None;
    for h in hits {
        if last != Some(h.record.dir.as_str()) {
            outln!(
                "{}  《{}》{}  {}",
                h.record.id,
                h.record.name,
                h.record.issue_label(),
                h.record.date
            )?;
            last = Some(h.record.dir.as_str());
        }
        if h.sentence == h.block {
            outln!("    （标题）{}", h.sentence)?;
        } else {
            // The article, section or 编者按 it is in, in plain brackets
            // (【】 is how a bulletin marks its sections).
            outln!("    （{}）{}", h.block, h.sentence)?;
        }
    }
    outln!(
        "共 {} 处，在 {} 期中（最新的在前）",
        found.total,
        found.copies
    )?;
    let shown = found.offset + hits.len();
    if hits.len() < found.total {
        outln!(
            "这一页是第 {}–{shown} 处{}",
            found.offset + 1,
            if shown < found.total {
                format!("；下一页：--offset {shown}")
            } else {
                String::new()
            }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `jianbao new`.
pub fn new(a: NewArgs) -> Result<ExitCode> {
    let date = match &a.date {
        Some(d) => Date::parse_iso(d)
            .ok_or_else(|| UsageError(format!("日期“{d}”应是 YYYY-MM-DD 形式的真实日期")))?,
        None => Date::cst(SystemTime::now()),
    };
    if let (Some(out), false) = (&a.output, a.force) {
        refuse_to_replace(out, |_| false, "它可能已经改过")?;
    }
    let archive = Archive::new(a.dir.path()?);
    let next = if let Some(from) = &a.from {
        let (bytes, _) = read_input(from, None)?;
        let prev = jianbao::model::parse(&bytes)
            .with_context(|| format!("{}: 上一期的输入有错误", from.display()))?;
        archive.next_after(&prev, date)?
    } else {
        let name = a.name.clone().unwrap_or_default();
        archive
            .next_by_name(&name, a.supplement.as_deref(), date)
            .with_context(|| format!("档案库中《{name}》最近一期的输入无法读取"))?
    };
    for n in &next.notes {
        match n {
            NextNote::NewYear { .. } => eprintln!("jianbao: {n}（--date）"),
            NextNote::FirstIssue => eprintln!(
                "jianbao: 《{}》是档案库 {} 中的新简报（名称要与已归档的一字不差才算同一份）：生成第1期的骨架，编印单位等请自行填写",
                a.name.as_deref().unwrap_or_default(),
                archive.root().display()
            ),
            NextNote::Index(_)
            | NextNote::SimilarNames(_)
            | NextNote::DocumentNumberLeftOut(_)
            | NextNote::FirstOfSeries(_) => eprintln!("jianbao: {n}"),
        }
    }
    let out = a.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    write_output(&out, next.json.as_bytes())?;
    let what = next.numbers;
    let label = jianbao::archive::manifest::issue_label(
        what.year,
        next.supplement.as_deref(),
        what.issue,
        what.total_issue,
    );
    if out.as_os_str() != "-" {
        eprintln!(
            "已生成 {label} 的骨架 → {}：在 body 中填写标题和段落，再用 jianbao check {} 检查",
            out.display(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// An issue as `archive show` takes it: `3`, `第3期`, `增刊第1期`, `增刊1`:
/// the series (none for a regular issue) and the number.
fn split_issue(text: &str) -> Option<(Option<String>, u32)> {
    let t = text.trim().trim_end_matches('期');
    let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, number) = t.split_at(t.len() - digits);
    let number: u32 = number.parse().ok()?;
    let series = head.trim_end_matches('第').trim();
    Some(((!series.is_empty()).then(|| series.to_string()), number))
}

#[cfg(test)]
mod tests {
    use super::split_issue;

    #[test]
    fn issues_with_and_without_their_series() {
        assert_eq!(split_issue("3"), Some((None, 3)));
        assert_eq!(split_issue("第3期"), Some((None, 3)));
        assert_eq!(split_issue("增刊第1期"), Some((Some("增刊".into()), 1)));
        assert_eq!(
            split_issue("生态环保专刊2"),
            Some((Some("生态环保专刊".into()), 2))
        );
        assert_eq!(split_issue("增刊"), None);
        assert_eq!(split_issue(""), None);
    }
}
