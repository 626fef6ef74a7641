//! Command-line arguments (clap) and the commands that render, check and
//! describe bulletins.

/// `println!` that returns the write's error instead of panicking, so that a
/// reader that stops early (`jianbao schema | head -1`) ends the command
/// quietly (see [`exit_code`]).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod archive;
mod codes;
mod fonts;
mod import;
mod keys;
mod render;
mod serve;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Exit code: the input has errors, or cannot be laid out.
pub const EXIT_INPUT: u8 = 1;
/// Exit code: usage errors, files that cannot be read or written.
pub const EXIT_USAGE: u8 = 2;

/// jianbao 排印工作简报：把一期简报的 JSON 排成符合 GB/T 9704 版式的 PDF。
#[derive(Parser, Debug)]
#[command(name = "jianbao", version, about, after_help = codes::RENDER)]
pub struct Cli {
    /// 字体文件夹（默认依次找：环境变量 JIANBAO_FONT_DIR、用户数据文件夹、程序旁的 fonts/、/usr/share/jianbao/fonts；jianbao fonts 可查看）
    #[arg(long, global = true, value_name = "DIR")]
    pub font_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// 排版并写出 PDF 或 OFD（一个或多个输入；“-” 为标准输入）
    #[command(after_help = codes::RENDER)]
    Render(render::RenderArgs),
    /// 检查输入并排版但不写文件：列出警告（可能的书写错误）、提示（排版所作的调整）和错误
    #[command(after_help = codes::RENDER)]
    Check(render::CheckArgs),
    /// 输出输入格式的 JSON Schema，供编辑器校验和补全
    #[command(after_help = codes::SCHEMA)]
    Schema,
    /// 签发归档：校验、排版为 PDF/A-2b 并存入档案库（同一简报同年期号不能重复）
    #[command(after_help = codes::ISSUE)]
    Issue(archive::IssueArgs),
    /// 档案库：列出、查看、校验、搜索已归档的各期
    #[command(subcommand, after_help = codes::ARCHIVE)]
    Archive(archive::ArchiveCommand),
    /// 生成下一期（或第一期）的输入骨架：期号、总期号加一，复制报头、发送范围和印发信息
    #[command(after_help = codes::NEW)]
    New(archive::NewArgs),
    /// 字体：查找顺序和各角色用到哪个文件的哪个字体；fonts install 装到用户数据文件夹；fonts use 使用本单位的字体
    #[command(after_help = codes::FONTS)]
    Fonts(fonts::FontsArgs),
    /// 把草稿（纯文本、.docx 或 PDF）转成输入 JSON，列出需要核对的推断
    #[command(after_help = import::IMPORT_EXIT_CODES)]
    Import(import::ImportArgs),
    /// 启动本机网页：在浏览器中编辑、预览、导入草稿、下载 PDF 和签发归档
    #[command(after_help = codes::SERVE)]
    Serve(serve::ServeArgs),
    /// 办公室的签名密钥：生成（init）、导入 CA 签发的（import）、查看（show）、更换（change）
    #[command(subcommand, after_help = codes::KEYS)]
    Keys(keys::KeysCommand),
}

/// Run the command line; the exit code on success.
pub fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout and usage errors to stderr.
            let _ = e.print();
            return Ok(ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 }));
        }
    };
    let given = cli.font_dir.as_deref();
    match cli.command {
        Command::Render(args) => render::render(args, fonts::font_dir(given)?),
        Command::Check(args) => render::check(args, fonts::font_dir(given)?),
        Command::Schema => {
            outln!("{}", jianbao::model::schema::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Issue(args) => archive::issue(args, fonts::font_dir(given)?),
        Command::Archive(cmd) => archive::archive(cmd, given),
        Command::New(args) => archive::new(args),
        Command::Import(args) => import::run(args),
        Command::Fonts(args) => fonts::run(args, given),
        Command::Serve(args) => serve::run(args, fonts::font_dir(given)?),
        Command::Keys(cmd) => keys::run(cmd),
    }
}

/// Whether the command ended because its output was closed by the reader
/// (a pipe into `head`): not an error, and nothing to say.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<jianbao::Error>().is_some_and(|e| {
                matches!(e, jianbao::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}

/// An error and its causes, one after the other, with the system's own
/// (English) words for a failed read or write said in Chinese.
pub fn chinese_chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => jianbao::error::io_reason(io),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join("：")
}

/// The exit code for an error that ended a command.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<jianbao::Error>() {
            return if e.is_content_error() {
                EXIT_INPUT
            } else {
                EXIT_USAGE
            };
        }
        if cause.downcast_ref::<UsageError>().is_some() {
            return EXIT_USAGE;
        }
    }
    EXIT_USAGE
}

/// What the library suggests, as the command to run.
pub fn hint_command(h: &jianbao::Hint) -> String {
    use jianbao::Hint;
    match h {
        Hint::NextIssue { name } => {
            format!("生成下一期：jianbao new --name {name} -o 下一期.json")
        }
        Hint::Supersede { id } => format!(
            "查看已归档的那一期：jianbao archive show {id}；签发它的更正本：jianbao issue --supersedes {id} --reason \"更正理由\" 输入.json"
        ),
        Hint::GiveReason => "写明理由：--reason \"更正理由\"".into(),
        Hint::List => "查看已归档各期及其档案编号：jianbao archive list".into(),
        Hint::Verify => "核对档案库：jianbao archive verify".into(),
        Hint::Reindex => "从文件重建索引：jianbao archive reindex".into(),
    }
}

/// The hints of the library error behind `err`, as commands, one a line.
pub fn hints_of(err: &anyhow::Error) -> Vec<String> {
    err.chain()
        .filter_map(|c| match c.downcast_ref::<jianbao::Error>() {
            Some(jianbao::Error::Refused { hints, .. }) => Some(hints),
            _ => None,
        })
        .flatten()
        .map(hint_command)
        .collect()
}

/// A usage error found after argument parsing.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
