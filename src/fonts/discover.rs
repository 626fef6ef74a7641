//! Finding the font folder: the places a font folder is looked for, in
//! order, and which of them holds the fonts. Used by the command line; the
//! pipeline itself is given a folder ([`super::FontLibrary::new`]).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::FONT_DIR_ENV;

/// A file every font folder of the built-in template holds: the folder
/// that has it is a font folder.
pub const MARKER_FONT: &str = "FandolFang-Regular.otf";

/// Where a font folder was found, or would have been. The order of the
/// variants is the order they are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSource {
    /// Named on the command line.
    Given,
    /// Named by the environment variable [`FONT_DIR_ENV`].
    Environment,
    /// The user's data folder, where `jianbao fonts install` and `jianbao
    /// fonts use` copy fonts ([`crate::places::user_font_dir`]).
    UserData,
    /// Beside the program: `fonts/` in its folder (an unpacked release),
    /// or `share/jianbao/fonts/` of its installation prefix.
    BesideProgram,
    /// Where the Debian package installs them ([`crate::places::SHARED_FONT_DIR`]).
    Shared,
    /// The repository's `fonts/`, when the program runs from its `target/`.
    Repository,
}

impl std::fmt::Display for FontSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FontSource::Given => "命令行指定的文件夹",
            FontSource::Environment => "环境变量 JIANBAO_FONT_DIR",
            FontSource::UserData => "用户数据文件夹",
            FontSource::BesideProgram => "程序旁边",
            FontSource::Shared => "安装包的字体文件夹",
            FontSource::Repository => "源代码仓库",
        })
    }
}

/// The places fonts are looked for, in order: the folder `given` on the
/// command line, the environment variable, the user's data folder, beside
/// the program, the package's folder, the repository the program was built
/// in. A place is listed once, at its first source.
pub fn font_places(given: Option<&Path>) -> Vec<(FontSource, PathBuf)> {
    let exe = std::env::current_exe().ok();
    places_for(
        given,
        std::env::var_os(FONT_DIR_ENV)
            .filter(|e| !e.is_empty())
            .map(PathBuf::from),
        crate::places::user_font_dir(),
        exe.as_deref(),
    )
}

/// [`font_places`] with what it reads from the process given.
fn places_for(
    given: Option<&Path>,
    env: Option<PathBuf>,
    user: Option<PathBuf>,
    exe: Option<&Path>,
) -> Vec<(FontSource, PathBuf)> {
    let mut out: Vec<(FontSource, PathBuf)> = Vec::new();
    let mut push = |source: FontSource, path: PathBuf| {
        if !out.iter().any(|(_, p)| *p == path) {
            out.push((source, path));
        }
    };
    if let Some(g) = given {
        push(FontSource::Given, g.to_path_buf());
    }
    if let Some(e) = env {
        push(FontSource::Environment, e);
    }
    if let Some(u) = user {
        push(FontSource::UserData, u);
    }
    let dir = exe.and_then(Path::parent);
    if let Some(dir) = dir {
        push(FontSource::BesideProgram, dir.join("fonts"));
        if let Some(prefix) = dir.parent() {
            push(
                FontSource::BesideProgram,
                prefix.join("share/jianbao/fonts"),
            );
        }
    }
    push(
        FontSource::Shared,
        PathBuf::from(crate::places::SHARED_FONT_DIR),
    );
    // target/release/jianbao (or target/debug/…, target/TRIPLE/release/…):
    // the repository is the folder that holds target/.
    if let Some(target) = dir.and_then(|d| {
        d.ancestors()
            .take(3)
            .find(|a| a.file_name().is_some_and(|n| n == "target"))
    }) {
        if let Some(repo) = target.parent() {
            push(FontSource::Repository, repo.join("fonts"));
        }
    }
    out
}

/// Whether `dir` is a font folder (it holds [`MARKER_FONT`]).
pub fn is_font_folder(dir: &Path) -> bool {
    dir.join(MARKER_FONT).is_file()
}

/// The font folder to use: the one given on the command line or by the
/// environment variable when one is (whatever it holds: an error about it
/// then names it), else the first place that holds the fonts. An error
/// lists every place looked at.
pub fn locate_font_dir(given: Option<&Path>) -> Result<PathBuf> {
    let places = font_places(given);
    if let Some((_, p)) = places
        .iter()
        .find(|(s, _)| matches!(s, FontSource::Given | FontSource::Environment))
    {
        return Ok(p.clone());
    }
    if let Some((_, p)) = places.iter().find(|(_, p)| is_font_folder(p)) {
        return Ok(p.clone());
    }
    let looked: Vec<String> = places
        .iter()
        .map(|(s, p)| format!("{}（{s}）", p.display()))
        .collect();
    Err(Error::Font {
        file: PathBuf::from(MARKER_FONT),
        message: format!(
            "找不到有这个文件的字体文件夹。找过这些地方：{}",
            looked.join("；")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(places: &[(FontSource, PathBuf)]) -> Vec<(FontSource, String)> {
        places
            .iter()
            .map(|(s, p)| (*s, p.display().to_string()))
            .collect()
    }

    #[test]
    fn the_order_is_flag_environment_user_beside_shared_repository() {
        let places = places_for(
            Some(Path::new("/given")),
            Some(PathBuf::from("/env")),
            Some(PathBuf::from("/home/u/.local/share/jianbao/fonts")),
            Some(Path::new("/src/jianbao/target/release/jianbao")),
        );
        assert_eq!(
            sources(&places),
            [
                (FontSource::Given, "/given".into()),
                (FontSource::Environment, "/env".into()),
                (
                    FontSource::UserData,
                    "/home/u/.local/share/jianbao/fonts".into()
                ),
                (
                    FontSource::BesideProgram,
                    "/src/jianbao/target/release/fonts".into()
                ),
                (
                    FontSource::BesideProgram,
                    "/src/jianbao/target/share/jianbao/fonts".into()
                ),
                (FontSource::Shared, "/usr/share/jianbao/fonts".into()),
                (FontSource::Repository, "/src/jianbao/fonts".into()),
            ]
        );
    }

    #[test]
    fn an_installed_program_finds_the_package_fonts_once() {
        // /usr/bin/jianbao: its prefix's share/jianbao/fonts is the
        // package's folder, listed once, as beside the program.
        let places = places_for(None, None, None, Some(Path::new("/usr/bin/jianbao")));
        assert_eq!(
            sources(&places),
            [
                (FontSource::BesideProgram, "/usr/bin/fonts".into()),
                (FontSource::BesideProgram, "/usr/share/jianbao/fonts".into()),
            ]
        );
        // An unpacked release: fonts/ beside the program first; no repository.
        let places = places_for(
            None,
            None,
            None,
            Some(Path::new("/opt/jianbao-0.1.0/jianbao")),
        );
        assert_eq!(places[0].1, Path::new("/opt/jianbao-0.1.0/fonts"));
        assert!(places.iter().all(|(s, _)| *s != FontSource::Repository));
    }
}
