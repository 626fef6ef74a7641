//! `jianbao import`: a draft (plain text or a .docx) read into bulletin JSON.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jianbao::files::ReadError;
use jianbao::import::{import, Kind};

use super::render::{refuse_to_replace, write_output};
use super::UsageError;

/// The exit codes of `import`, for its help.
pub const IMPORT_EXIT_CODES: &str = "退出码 / exit codes:
  0  成功（提示写在标准错误上） success (notices on standard error)
  1  草稿无法识别：没有报头或正文，或不是可读的草稿格式 the draft has no masthead or body, or is not a draft
  2  用法错误（如输出文件已存在）或文件无法读写 usage errors (an existing output), file errors";

/// Arguments of `import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// 草稿：纯文本（UTF-8、GBK、UTF-16 均可）或 Word/WPS 的 .docx；“-” 为标准输入
    #[arg(value_name = "DRAFT")]
    pub draft: PathBuf,
    /// 写出的 JSON 文件（默认：标准输出）
    #[arg(short, long, value_name = "OUT.json")]
    pub output: Option<PathBuf>,
    /// 草稿的格式（默认按扩展名和文件开头的字节判断）
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// 输出文件已存在时也覆盖（默认不覆盖：它可能已经改过）
    #[arg(long)]
    pub force: bool,
}

/// The formats `--format` names.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum Format {
    /// 纯文本
    Text,
    /// Word/WPS .docx
    Docx,
}

fn is_stdio(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// `jianbao import`.
pub fn run(args: ImportArgs) -> Result<ExitCode> {
    if let (Some(out), false) = (&args.output, args.force) {
        refuse_to_replace(out, |_| false, "它可能已经改过")?;
    }
    let name = if is_stdio(&args.draft) {
        "<标准输入>".to_string()
    } else {
        args.draft.display().to_string()
    };
    let kind = match args.format {
        Some(Format::Text) => Some(Kind::Text),
        Some(Format::Docx) => Some(Kind::Docx),
        None => args
            .draft
            .file_name()
            .and_then(|n| Kind::from_extension(&n.to_string_lossy())),
    };
    // One byte more than the limit, so that the importer can say it is too
    // large; a file larger than the limit of its kind is not read at all.
    let limit = jianbao::import::limit_for(kind) + 1;
    let bytes = if is_stdio(&args.draft) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("无法读取标准输入")?;
        bytes
    } else {
        match jianbao::files::read_regular(&args.draft, limit) {
            Ok(b) => b,
            Err(ReadError::Io(e)) => return Err(jianbao::Error::io(&args.draft, e).into()),
            Err(ReadError::TooLarge { .. }) => {
                let e = if kind == Some(Kind::Text) {
                    jianbao::import::text_too_large()
                } else {
                    jianbao::import::too_large()
                };
                return Err(anyhow::Error::new(e).context(format!("{name}: 无法导入")));
            }
            Err(e) => {
                return Err(UsageError(format!(
                    "{name}：{e}：草稿应是文本文件或 .docx（或用“-”表示标准输入）"
                ))
                .into())
            }
        }
    };
    let imported = import(&bytes, kind).with_context(|| format!("{name}: 无法导入"))?;
    for n in &imported.notices {
        match imported.unit {
            // file:line, as compilers and editors read it.
            jianbao::import::Unit::Line => eprintln!("{name}:{}: 提示：{}", n.line, n.message),
            jianbao::import::Unit::Paragraph => {
                eprintln!("{name}: 第 {} 段：提示：{}", n.line, n.message)
            }
        }
    }
    let out = args.output.unwrap_or_else(|| PathBuf::from("-"));
    write_output(&out, imported.json.as_bytes())?;
    if !is_stdio(&out) {
        eprintln!(
            "{name} → {}（正文 {} 部分，{} 条提示；请核对后用 jianbao check 检查）",
            out.display(),
            imported.bulletin.body.len(),
            imported.notices.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
