//! `jianbao render` and `jianbao check`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jianbao::output::{self, Output, Writer};
use jianbao::{Engine, Laid, Options};

use super::{exit_code, UsageError, EXIT_INPUT};

/// Arguments of `render`.
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// 输入的 JSON 文件（可多个；“-” 为标准输入）
    #[arg(required = true, value_name = "INPUT.json")]
    pub inputs: Vec<PathBuf>,
    /// 输出的 PDF 或 OFD（扩展名 .ofd 时写 OFD；默认：输入文件名改为 .pdf 或 --format 的扩展名；“-” 为标准输出；多个输入时可为文件夹）
    #[arg(short, long, value_name = "OUT.pdf|OUT.ofd")]
    pub output: Option<PathBuf>,
    /// 输出格式（默认按 -o 的扩展名，否则 pdf）
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// 使用这个模板文件，而不是输入中指定的模板
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// 把排好的版面以文本列出到标准输出（每项一行）；不写 PDF，除非同时给了 -o
    #[arg(long)]
    pub dump_layout: bool,
    /// 写出 PDF/A-2b（归档用：XMP 元数据、sRGB 输出意图）
    #[arg(long)]
    pub pdfa: bool,
    /// 输出文件已存在而且不是 PDF 或 OFD（如 Word 草稿）时也覆盖
    #[arg(long)]
    pub force: bool,
}

/// The output format of `render`: the files of [`Output`] a user can ask for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// PDF (PDF/A-2b with --pdfa)
    Pdf,
    /// OFD (GB/T 33190-2016)
    Ofd,
}

impl Format {
    /// `--format` when given, else from the output's extension, else PDF.
    fn of(args: &RenderArgs) -> Format {
        args.format.unwrap_or_else(|| {
            let ofd = args
                .output
                .as_deref()
                .and_then(Path::extension)
                .is_some_and(|e| e.eq_ignore_ascii_case("ofd"));
            if ofd {
                Format::Ofd
            } else {
                Format::Pdf
            }
        })
    }

    /// The library's output for this format.
    fn output(self, pdfa: bool) -> Output {
        match self {
            Format::Pdf => Output::Pdf { pdfa },
            Format::Ofd => Output::Ofd,
        }
    }

    fn extension(self) -> &'static str {
        self.output(false).extension()
    }
}

/// Arguments of `check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 输入的 JSON 文件（可多个；“-” 为标准输入）
    #[arg(required = true, value_name = "INPUT.json")]
    pub inputs: Vec<PathBuf>,
    /// 使用这个模板文件，而不是输入中指定的模板
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// 有警告（可能的书写错误）时以退出码 1 结束；提示不算
    #[arg(long)]
    pub deny_warnings: bool,
    // The archive: a 文号 is compared with the previous issue's there.
    #[command(flatten)]
    pub dir: super::archive::ArchiveDir,
}

fn is_stdio(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Read an input file (or standard input) and the options it implies.
pub fn read_input(path: &Path, template: Option<&Path>) -> Result<(Vec<u8>, Options)> {
    // One byte more than the library accepts, so that it can say the input is too large.
    let limit = jianbao::model::MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let base_dir = if is_stdio(path) {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("无法读取标准输入")?;
        PathBuf::from(".")
    } else {
        bytes = match jianbao::files::read_regular(path, limit) {
            Ok(b) => b,
            Err(jianbao::files::ReadError::Io(e)) => return Err(jianbao::Error::io(path, e).into()),
            Err(jianbao::files::ReadError::TooLarge { .. }) => {
                // Its first bytes and its size say enough to refuse it.
                let mut head = Vec::new();
                std::fs::File::open(path)
                    .and_then(|f| f.take(limit).read_to_end(&mut head))
                    .map_err(|e| jianbao::Error::io(path, e))?;
                head
            }
            Err(e) => {
                return Err(UsageError(format!(
                    "{}：{e}：输入应是 JSON 文本文件（或用“-”表示标准输入）",
                    path.display()
                ))
                .into())
            }
        };
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let opts = Options {
        template: template.map(Path::to_path_buf),
        base_dir,
    };
    Ok((bytes, opts))
}

fn name_of(path: &Path) -> String {
    if is_stdio(path) {
        "<标准输入>".into()
    } else {
        path.display().to_string()
    }
}

/// Print the notices and warnings of a layout, each with its label.
fn print_diagnostics(path: &Path, laid: &Laid) {
    for d in &laid.diagnostics {
        eprintln!("{}: {}：{d}", name_of(path), d.severity.label());
    }
}

/// Where the output of `input` goes.
fn output_for(
    input: &Path,
    output: Option<&Path>,
    several: bool,
    format: Format,
) -> Result<PathBuf> {
    match output {
        Some(o) if several => {
            if o.is_dir() {
                let stem = input.file_stem().unwrap_or_default();
                Ok(o.join(stem).with_extension(format.extension()))
            } else {
                Err(UsageError("多个输入时，-o 只能是已存在的文件夹".into()).into())
            }
        }
        Some(o) => Ok(o.to_path_buf()),
        None if is_stdio(input) => Ok(PathBuf::from("-")),
        None => Ok(input.with_extension(format.extension())),
    }
}

/// Whether two paths name the same file (when both exist), or the same path.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    abs(a) == abs(b)
}

/// Refuse, before anything is written, outputs that would overwrite an input
/// (`render in.json -o in.json`, or an input named `x.pdf`) or each other
/// (`render a/x.json b/x.json -o DIR`).
fn check_outputs(args: &RenderArgs, several: bool) -> Result<()> {
    let format = Format::of(args);
    let mut outputs: Vec<(PathBuf, &Path)> = Vec::new();
    for input in &args.inputs {
        if args.dump_layout && args.output.is_none() {
            continue;
        }
        let out = output_for(input, args.output.as_deref(), several, format)?;
        if is_stdio(&out) {
            continue;
        }
        if let Some(clash) = args
            .inputs
            .iter()
            .find(|i| !is_stdio(i) && same_file(i, &out))
        {
            return Err(UsageError(format!(
                "输出文件 {} 就是输入文件 {}：会把输入覆盖掉；请用 -o 另指定输出文件",
                out.display(),
                clash.display()
            ))
            .into());
        }
        if let Some((_, first)) = outputs.iter().find(|(o, _)| same_file(o, &out)) {
            return Err(UsageError(format!(
                "{} 和 {} 都会写到 {}：后一个会覆盖前一个；请分开输出，或给输入文件改名",
                first.display(),
                input.display(),
                out.display()
            ))
            .into());
        }
        if !args.force {
            refuse_to_replace(
                &out,
                is_pdf_or_ofd,
                "不是 PDF 或 OFD 文件（可能是 Word 草稿或别的文件）",
            )?;
        }
        outputs.push((out, input));
    }
    Ok(())
}

/// Whether the file at `path` is a PDF or an OFD (an OFD is a ZIP package
/// with `OFD.xml`; a .docx is a ZIP package without it).
fn is_pdf_or_ofd(path: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 5];
    if f.read_exact(&mut head).is_err() {
        return false;
    }
    if &head == b"%PDF-" {
        return true;
    }
    head.starts_with(b"PK\x03\x04")
        && std::fs::File::open(path)
            .ok()
            .and_then(|f| zip::ZipArchive::new(f).ok())
            .is_some_and(|z| z.index_for_name("OFD.xml").is_some())
}

/// The rule for an output that exists, the same for `render`, `import` and
/// `new`: a file that a person may have written or edited is not replaced
/// without `--force`. `render` replaces what it makes again from the JSON
/// (a PDF or an OFD: `replaceable`); `import` and `new` write JSON, which
/// people edit, so they replace nothing (`replaceable` says no). `what`
/// says why a file is not replaced.
///
/// A link at the output is replaced, never written through ([`write_output`]),
/// so what it points to is kept whatever it is: a link is not refused.
pub fn refuse_to_replace(path: &Path, replaceable: fn(&Path) -> bool, what: &str) -> Result<()> {
    let link_or_nothing = std::fs::symlink_metadata(path).map_or(true, |m| m.is_symlink());
    if is_stdio(path) || link_or_nothing || is_device_or_pipe(path) || replaceable(path) {
        return Ok(());
    }
    Err(UsageError(format!(
        "{} 已存在，{what}：不覆盖。请用 -o 另指定输出文件；确认要覆盖时加 --force",
        path.display()
    ))
    .into())
}

/// Whether `path` (its links followed) is a device, a named pipe or a
/// socket: `/dev/null`, `/dev/stdout`, a FIFO another program reads. Such an
/// output is written into, never replaced by a file: writing replaces
/// nothing a person wrote.
fn is_device_or_pipe(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// `jianbao render`.
pub fn render(args: RenderArgs, font_dir: PathBuf) -> Result<ExitCode> {
    let engine = Engine::new(font_dir);
    let several = args.inputs.len() > 1;
    if args.inputs.iter().filter(|p| is_stdio(p)).count() > 1 {
        return Err(UsageError("标准输入“-”只能用一次".into()).into());
    }
    if args.pdfa && Format::of(&args) == Format::Ofd {
        return Err(UsageError("--pdfa 只用于 PDF 输出，不能与 OFD 同用".into()).into());
    }
    check_outputs(&args, several)?;
    let mut worst = 0u8;
    for input in &args.inputs {
        let result = render_one(&engine, input, &args, several);
        if let Err(e) = result {
            eprintln!("jianbao: 错误：{}: {e:#}", name_of(input));
            worst = worst.max(exit_code(&e));
        }
    }
    Ok(ExitCode::from(worst))
}

fn render_one(engine: &Engine, input: &Path, args: &RenderArgs, several: bool) -> Result<()> {
    let (bytes, opts) = read_input(input, args.template.as_deref())?;
    let format = Format::of(args);
    let target = format.output(args.pdfa);
    let write = |laid: &Laid| -> Result<Vec<u8>> {
        Ok(output::write(laid, target, Writer::current(target))?)
    };
    let laid = engine.layout(&bytes, &opts)?;
    print_diagnostics(input, &laid);
    if args.dump_layout {
        std::io::stdout().write_all(laid.layout.dump().as_bytes())?;
        if let Some(out) = &args.output {
            write_output(
                &output_for(input, Some(out), several, format)?,
                &write(&laid)?,
            )?;
        }
        return Ok(());
    }
    let doc = write(&laid)?;
    let out = output_for(input, args.output.as_deref(), several, format)?;
    write_output(&out, &doc)?;
    if !is_stdio(&out) {
        eprintln!(
            "{} → {}（{} 页，{} KB）",
            name_of(input),
            out.display(),
            laid.layout.pages.len(),
            doc.len().div_ceil(1024)
        );
    }
    Ok(())
}

/// Write `bytes` to `path` (standard output for “-”), through a temporary file
/// so that a failed write never leaves half a PDF; into a device or a named
/// pipe directly (it is never replaced by a file).
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    if is_stdio(path) {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    let io = |e: std::io::Error| jianbao::Error::io(path, e);
    if is_device_or_pipe(path) {
        // /dev/null, a terminal, a pipe: written into as the shell's `>`
        // would (renaming a file over it would replace the device itself).
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.flush().map_err(io)?;
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // A new file of an unpredictable name, created exclusively (a link
    // planted in the folder is never followed), renamed over the target: a
    // link at the target is replaced, not written through.
    let mut tmp = tempfile::Builder::new()
        .prefix(".jianbao-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        tmp.as_file().set_permissions(readable).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// `jianbao check`.
pub fn check(args: CheckArgs, font_dir: PathBuf) -> Result<ExitCode> {
    let engine = Engine::new(font_dir);
    // The archive to compare with the issue filed before (none when no
    // per-user folder is known: the check goes on without it).
    let archive_dir = args.dir.path().ok();
    let archive = archive_dir.as_ref().map(jianbao::archive::Archive::new);
    let mut worst = 0u8;
    for input in &args.inputs {
        let result = read_input(input, args.template.as_deref())
            .and_then(|(bytes, opts)| Ok(engine.layout(&bytes, &opts)?));
        match result {
            Ok(mut laid) => {
                // The issue filed before it, when the archive has it.
                match archive
                    .as_ref()
                    .map_or(Ok(None), |a| a.previous_issue(&laid.bulletin))
                {
                    Ok(Some(prev)) => {
                        laid.diagnostics
                            .extend(jianbao::model::checks::against_previous(
                                &laid.bulletin,
                                &prev,
                            ))
                    }
                    Ok(None) => {}
                    Err(e) => eprintln!(
                        "{}: 提示：档案库 {} 无法读取（{e}），没有与上一期比较文号",
                        name_of(input),
                        archive_dir.as_deref().unwrap_or(Path::new("")).display()
                    ),
                }
                print_diagnostics(input, &laid);
                let warnings = laid.diagnostics.iter().filter(|d| d.is_warning()).count();
                let notices = laid.diagnostics.len() - warnings;
                let pages = laid.layout.pages.len();
                if args.deny_warnings && warnings > 0 {
                    eprintln!(
                        "jianbao: 错误：{}: 有 {warnings} 条警告（--deny-warnings）：请改正后再试",
                        name_of(input)
                    );
                    worst = worst.max(EXIT_INPUT);
                } else {
                    outln!(
                        "{}: 可以排版：{pages} 页，{warnings} 条警告，{notices} 条提示",
                        name_of(input)
                    )?;
                }
            }
            Err(e) => {
                eprintln!("jianbao: 错误：{}: {e:#}", name_of(input));
                worst = worst.max(exit_code(&e));
            }
        }
    }
    Ok(ExitCode::from(worst))
}
