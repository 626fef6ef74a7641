//! Where jianbao keeps its files for a user and for an installation: the
//! per-user data folder (fonts, the default archive) and the folder a
//! package installs the fonts to.
//!
//! The per-user folder follows each system's convention through the
//! `directories` crate: `$XDG_DATA_HOME/jianbao` (by default
//! `~/.local/share/jianbao`) on Linux, `%APPDATA%\jianbao\data` on Windows
//! (from the system's known folders, so `HOME` is not needed there),
//! `~/Library/Application Support/jianbao` on macOS.

use std::path::PathBuf;

/// The folder the Debian package installs the fonts to (with their
/// licences and provenance).
pub const SHARED_FONT_DIR: &str = "/usr/share/jianbao/fonts";

/// The user's data folder for jianbao, when the system says where it is
/// (on Linux: an absolute `XDG_DATA_HOME`, else the home folder).
pub fn user_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "jianbao").map(|d| d.data_dir().to_path_buf())
}

/// The per-user font folder, where `jianbao fonts install` copies the fonts.
pub fn user_font_dir() -> Option<PathBuf> {
    user_data_dir().map(|d| d.join("fonts"))
}

/// The per-user archive: the archive of `issue`, `archive …`, `new --name`
/// and `serve` when none is named.
pub fn user_archive_dir() -> Option<PathBuf> {
    user_data_dir().map(|d| d.join("archive"))
}

/// The per-user folder of the office's signing key (`jianbao keys`), kept
/// apart from the archive.
pub fn user_key_dir() -> Option<PathBuf> {
    user_data_dir().map(|d| d.join("keys"))
}
