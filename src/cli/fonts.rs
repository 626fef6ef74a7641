//! `jianbao fonts`: where fonts are looked for and which face of which file
//! each role gets; `jianbao fonts install`: copy the fonts into the user's
//! data folder; `jianbao fonts use DIR`: the office's own licensed fonts,
//! copied into a font folder with a template that uses them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jianbao::fonts::collection::FaceNames;
use jianbao::fonts::discover::{self, FontSource};
use jianbao::fonts::{install as fonts_install, FontLibrary};
use jianbao::model::TemplateRef;
use jianbao::template::Role;

use super::codes;

/// Arguments of `fonts`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FontsArgs {
    /// 列出这个模板文件的各字体角色（默认：内置模板）
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<FontsCommand>,
}

/// The `fonts` subcommands.
#[derive(Subcommand, Debug)]
pub enum FontsCommand {
    /// 把字体（连同许可证和来源说明）复制到用户数据文件夹，以后在任何文件夹运行都能找到
    #[command(after_help = codes::FONTS)]
    Install(InstallArgs),
    /// 使用本单位购买的字体（方正小标宋、仿宋_GB2312、楷体_GB2312、黑体等）：认出文件夹中的字体，复制到字体文件夹，并写出使用它们的模板
    #[command(after_help = codes::FONTS)]
    Use(UseArgs),
}

/// Arguments of `fonts install`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// 从这个字体文件夹复制（默认：当前文件夹下的 fonts/，否则按查找顺序找到的字体文件夹）
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
}

/// Arguments of `fonts use`.
#[derive(Args, Debug)]
pub struct UseArgs {
    /// 放着本单位字体文件的文件夹（如从 Windows 的 C:\Windows\Fonts 复制出来的 SIMFANG.TTF、simhei.ttf 等）
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// 把字体复制到这个字体文件夹（默认：用户数据文件夹中的字体文件夹；服务器上可用 /var/lib/jianbao/fonts）
    #[arg(long, value_name = "FONTDIR")]
    pub to: Option<PathBuf>,
    /// 模板写到这个文件（默认：字体文件夹中的 office.toml）
    #[arg(short, long, value_name = "FILE.toml")]
    pub output: Option<PathBuf>,
    /// 模板文件已存在时也覆盖
    #[arg(long)]
    pub force: bool,
}

/// What a role sets, as a clerk knows the faces.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Title => "小标宋：报头名称、文章标题",
        Role::Body => "仿宋：正文、版记",
        Role::Heading => "黑体：标识、导读、栏目、▲",
        Role::Kai => "楷体：导读条目、期号、编印单位和日期",
        Role::Song => "宋体：页码",
        Role::Latin => "西文和数字",
        Role::LatinBold => "标题中的西文和数字",
    }
}

/// The message when no font folder is found. It assumes no repository: the
/// program may be a copy, a package or an unpacked release.
const NO_FONTS: &str = "没有找到字体。安装包把字体放在 /usr/share/jianbao/fonts，压缩包把字体放在程序旁的 fonts/；请按使用手册重新安装，或用 jianbao fonts install --from 字体文件夹 复制到用户数据文件夹，或用 --font-dir 指定字体文件夹";

/// The font folder for a command that needs one; when none is found, the
/// library's message (every place looked at) and how to give one.
pub fn font_dir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        if !discover::is_font_folder(dir) {
            return Err(super::UsageError(format!(
                "--font-dir 给出的 {} 不是字体文件夹（其中没有 {}）：请指向 jianbao 的 fonts 文件夹，或 jianbao fonts 列出的文件夹",
                dir.display(),
                discover::MARKER_FONT
            ))
            .into());
        }
    }
    discover::locate_font_dir(given).context(NO_FONTS)
}

/// `jianbao fonts …`.
pub fn run(args: FontsArgs, given: Option<&Path>) -> Result<ExitCode> {
    match args.command {
        Some(FontsCommand::Install(a)) => install(a, given),
        Some(FontsCommand::Use(a)) => use_office(a, given),
        None => list(args.template.as_deref(), given),
    }
}

/// One face as `fonts` shows it: `FILE`, the face's PostScript and full
/// name, and for a collection which face it is.
fn describe_face(file: &jianbao::fonts::FontFile) -> String {
    let names = ttf_face_names(&file.data);
    let face = match (&names, file.index) {
        (Some(n), Some(i)) => format!(
            " 中第 {i} 个字体 {}",
            n.postscript.clone().unwrap_or_default()
        ),
        (Some(n), None) => format!(" {}", n.postscript.clone().unwrap_or_default()),
        _ => String::new(),
    };
    let full = names
        .and_then(|n| n.full.into_iter().next())
        .map(|f| format!("（{f}）"))
        .unwrap_or_default();
    let file_name = jianbao::fonts::collection::split(&file.name).0;
    format!("{file_name}{face}{full}")
}

fn ttf_face_names(data: &[u8]) -> Option<FaceNames> {
    jianbao::fonts::collection::faces(data)
        .ok()
        .and_then(|f| f.into_iter().next())
}

fn list(template: Option<&Path>, given: Option<&Path>) -> Result<ExitCode> {
    outln!("字体文件夹，按查找顺序：")?;
    let places = discover::font_places(given);
    let chosen = discover::locate_font_dir(given).ok();
    for (source, p) in &places {
        let mark = if Some(p) == chosen.as_ref() {
            "→ 使用"
        } else if discover::is_font_folder(p) {
            "  有字体"
        } else if p.is_dir() {
            "  没有字体"
        } else {
            "  不存在"
        };
        // Beside the program and the repository, only the places that exist are worth a line.
        let always = !matches!(source, FontSource::BesideProgram | FontSource::Repository);
        if always || p.is_dir() {
            outln!("  {mark}  {}（{source}）", p.display())?;
        }
    }
    let Some(dir) = chosen else {
        outln!("{NO_FONTS}")?;
        return Ok(ExitCode::from(super::EXIT_USAGE));
    };
    let reference = match template {
        Some(p) => TemplateRef::File(p.to_path_buf()),
        None => TemplateRef::Builtin("jianbao".into()),
    };
    let t = jianbao::template::load(&reference, Path::new("."), None)?;
    outln!(
        "模板 {} 的字体角色（每个字由链中第一个有它的字体显示）：",
        t.name
    )?;
    let library = FontLibrary::new(&dir);
    let mut missing = false;
    for role in Role::ALL {
        outln!("  {}（{}）", role.name(), role_label(role))?;
        for f in &t.role(role).faces {
            let only = match &f.only {
                Some(only) => format!("，只用于 {}", only.iter().collect::<String>()),
                None => String::new(),
            };
            match library.file(&f.file) {
                Ok(file) => outln!("    ✓ {}{only}", describe_face(&file))?,
                Err(e) => {
                    missing = true;
                    outln!("    ✗ {}{only}：{e}", f.file)?;
                }
            }
        }
    }
    Ok(if missing {
        ExitCode::from(super::EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    })
}

fn user_fonts() -> Result<PathBuf> {
    jianbao::places::user_font_dir().context(
        "不知道用户数据文件夹在哪里（Linux 上没有 HOME 也没有 XDG_DATA_HOME）：请用 --font-dir 指定字体文件夹",
    )
}

fn install(a: InstallArgs, given: Option<&Path>) -> Result<ExitCode> {
    let to = user_fonts()?;
    // Run in the repository (as its README says), its fonts/ is the source,
    // whatever else this binary can find.
    let here = Path::new("fonts");
    let from = match a.from {
        Some(f) => f,
        None if given.is_none() && discover::is_font_folder(here) => {
            std::path::absolute(here).unwrap_or_else(|_| here.to_path_buf())
        }
        None => font_dir(given)?,
    };
    if from == to {
        outln!("字体已在 {}", to.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    let copied = fonts_install::install(&from, &to)
        .with_context(|| format!("无法把字体从 {} 复制到 {}", from.display(), to.display()))?;
    outln!(
        "已把 {} 个文件从 {} 复制到 {}：",
        copied.len(),
        from.display(),
        to.display()
    )?;
    for c in &copied {
        outln!("  {c}")?;
    }
    outln!("以后在任何文件夹运行 jianbao 都能找到这些字体（jianbao fonts 可查看）。")?;
    Ok(ExitCode::SUCCESS)
}

fn use_office(a: UseArgs, given: Option<&Path>) -> Result<ExitCode> {
    let to = match a.to {
        Some(t) => t,
        None => user_fonts()?,
    };
    let template_path = a.output.unwrap_or_else(|| to.join("office.toml"));
    if template_path.exists() && !a.force {
        return Err(super::UsageError(format!(
            "{} 已存在：不覆盖（它可能改过）；要重新生成请加 --force，或用 -o 另指定文件",
            template_path.display()
        ))
        .into());
    }
    if !a.dir.is_dir() {
        return Err(super::UsageError(format!(
            "{} 不是文件夹：请给出放着本单位字体文件的文件夹",
            a.dir.display()
        ))
        .into());
    }
    let seen = fonts_install::recognise(&a.dir)
        .with_context(|| format!("无法读取字体文件夹 {}", a.dir.display()))?;
    for (file, why) in &seen.unreadable {
        eprintln!("jianbao: {file}：无法读取（{why}），跳过");
    }
    if seen.found.is_empty() {
        let unused: Vec<String> = seen
            .unused
            .iter()
            .map(|(f, family)| format!("{f}（{family}）"))
            .collect();
        return Err(super::UsageError(format!(
            "在 {} 中没有认出本单位的公文字体（方正小标宋、仿宋_GB2312、楷体_GB2312、黑体、宋体、Times New Roman）{}",
            a.dir.display(),
            if unused.is_empty() {
                "：这里没有 .ttf、.otf 或 .ttc 字体文件".to_string()
            } else {
                format!("：这里的字体是 {}", unused.join("、"))
            }
        ))
        .into());
    }
    // The font folder gets the program's own fonts first: they draw what
    // the office's faces lack, and the other roles.
    if !discover::is_font_folder(&to) {
        let from = font_dir(given)?;
        let copied = fonts_install::install(&from, &to)
            .with_context(|| format!("无法把字体从 {} 复制到 {}", from.display(), to.display()))?;
        outln!(
            "先把 jianbao 自带的 {} 个文件从 {} 复制到 {}",
            copied.len(),
            from.display(),
            to.display()
        )?;
    }
    fonts_install::copy_recognised(&seen.found, &to)
        .with_context(|| format!("无法把字体复制到 {}", to.display()))?;
    let base = jianbao::template::load(
        &TemplateRef::Builtin("jianbao".into()),
        Path::new("."),
        None,
    )?;
    let text = fonts_install::office_template(&seen.found, "jianbao", &base, &to);
    // The template must work with that folder before it is written.
    let template = jianbao::template::from_str(&template_path.display().to_string(), &text)?;
    FontLibrary::new(&to)
        .resolve(&template)
        .context("写出的模板用不了这些字体")?;
    super::render::write_output(&template_path, text.as_bytes())?;
    outln!(
        "已认出 {} 个字体，复制到 {}：",
        seen.found.len(),
        to.display()
    )?;
    for r in &seen.found {
        outln!(
            "  {:<10} {}  ← {}",
            r.role.name(),
            r.what,
            if r.collection {
                format!(
                    "{} 中第 {} 个字体 {}",
                    r.file,
                    r.face.index,
                    r.face.selector()
                )
            } else {
                r.file.clone()
            }
        )?;
    }
    for (file, family) in &seen.unused {
        outln!("  没有用到：{file}（{family}）")?;
    }
    let missing: Vec<String> = seen
        .missing()
        .iter()
        .map(|(role, what)| format!("{}（{what}）", role.name()))
        .collect();
    if !missing.is_empty() {
        outln!("仍用 jianbao 自带字体的角色：{}", missing.join("、"))?;
    }
    let shown = template_path.display();
    outln!("已写出模板 {shown}。用法：")?;
    outln!("  jianbao fonts --template {shown}            查看每个角色用的字体")?;
    outln!("  jianbao check 2024-01.json --template {shown}")?;
    outln!("  或在每期的 JSON 里写 \"template\": \"{shown}\"")?;
    let found_here = discover::locate_font_dir(given).ok();
    if found_here.as_deref() != Some(to.as_path()) {
        outln!(
            "注意：jianbao 现在找到的字体文件夹不是 {}：运行时请加 --font-dir {}，或设环境变量 JIANBAO_FONT_DIR",
            to.display(),
            to.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
