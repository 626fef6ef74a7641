//! `jianbao fonts`: where fonts are looked for and which faces each role
//! gets; `jianbao fonts install`: copy the fonts into the user's data folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jianbao::fonts::{self, FontLibrary, FontSource};
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
    /// 把字体（连同许可证和来源说明）复制到用户数据文件夹，安装后的程序从那里找字体
    #[command(after_help = codes::FONTS)]
    Install(InstallArgs),
}

/// Arguments of `fonts install`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// 从这个字体文件夹复制（默认：当前文件夹下的 fonts/，即在仓库里运行时仓库的字体；否则按查找顺序找到的第一个）
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
}

/// The font folder for a command that needs one; when none is found, the
/// library's message (every place looked at) and how to give one.
pub fn font_dir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        if !fonts::is_font_folder(dir) {
            return Err(super::UsageError(format!(
                "--font-dir 给出的 {} 不是字体文件夹（其中没有 {}）：请指向仓库的 fonts/ 或 jianbao fonts 列出的文件夹",
                dir.display(),
                fonts::MARKER_FONT
            ))
            .into());
        }
    }
    fonts::locate_font_dir(given).context(
        "没有字体可用（用 --font-dir 指定字体文件夹，或在仓库里运行 jianbao fonts install 把字体装到用户数据文件夹）",
    )
}

/// `jianbao fonts …`.
pub fn run(args: FontsArgs, given: Option<&Path>) -> Result<ExitCode> {
    match args.command {
        Some(FontsCommand::Install(a)) => install(a, given),
        None => list(args.template.as_deref(), given),
    }
}

fn list(template: Option<&Path>, given: Option<&Path>) -> Result<ExitCode> {
    outln!("字体文件夹，按查找顺序：")?;
    let places = fonts::font_places(given);
    let chosen = fonts::locate_font_dir(given).ok();
    for (source, p) in &places {
        let mark = if Some(p) == chosen.as_ref() {
            "→ 使用"
        } else if fonts::is_font_folder(p) {
            "  有字体"
        } else if p.is_dir() {
            "  没有字体"
        } else {
            "  不存在"
        };
        // Beside the program, only the places that exist are worth a line.
        if *source != FontSource::BesideProgram || p.is_dir() {
            outln!("  {mark}  {}（{source}）", p.display())?;
        }
    }
    let Some(dir) = chosen else {
        outln!("没有找到字体文件夹：在仓库里运行 jianbao fonts install，或用 --font-dir 指定")?;
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
        let faces: Vec<String> = t
            .role(role)
            .faces
            .iter()
            .map(|f| {
                let found = match library.file(&f.file) {
                    Ok(_) => "✓",
                    Err(_) => {
                        missing = true;
                        "✗ 缺少"
                    }
                };
                match &f.only {
                    Some(only) => format!(
                        "{found} {}（只用于 {}）",
                        f.file,
                        only.iter().collect::<String>()
                    ),
                    None => format!("{found} {}", f.file),
                }
            })
            .collect();
        outln!("  {:<10} {}", role.name(), faces.join(" → "))?;
    }
    Ok(if missing {
        ExitCode::from(super::EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    })
}

fn install(a: InstallArgs, given: Option<&Path>) -> Result<ExitCode> {
    let to = fonts::user_font_dir().context(
        "不知道用户数据文件夹在哪里（没有 HOME 或 XDG_DATA_HOME）：请用 --font-dir 指定字体文件夹",
    )?;
    // Run in the repository (as the README says), its fonts/ is the source,
    // whatever else this binary can find.
    let here = Path::new("fonts");
    let from = match a.from {
        Some(f) => f,
        None if given.is_none() && fonts::is_font_folder(here) => {
            std::path::absolute(here).unwrap_or_else(|_| here.to_path_buf())
        }
        None => font_dir(given)?,
    };
    if from == to {
        outln!("字体已在 {}", to.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    let copied = fonts::install(&from, &to)
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
    outln!("安装后的 jianbao 在别的文件夹里也能找到这些字体（jianbao fonts 可查看）。")?;
    Ok(ExitCode::SUCCESS)
}
