//! The files of the archive: where copies live, how a name becomes a
//! directory name that cannot leave the archive, filing a copy atomically
//! (temporary directory, fsync, rename), the archive lock, and reading the
//! copies back.
//!
//! ```text
//! ARCHIVE/
//!   copies/<bulletin>-<hash>/<year>-<issue>/{input.json, issued.pdf, manifest.json}
//!   .tmp/           copies being written (leftovers of an interrupted issue)
//!   index.sqlite    catalogue and full-text index (rebuilt from copies/ at will)
//!   lock.sqlite     held exclusively while a copy is filed
//! ```

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::manifest::Manifest;
use crate::error::{Error, Result};
use crate::template::hex;

/// The folder of filed copies, inside the archive.
pub const COPIES: &str = "copies";
/// The folder of copies being written, inside the archive.
pub const TMP: &str = ".tmp";
/// The input file of a copy.
pub const INPUT_FILE: &str = "input.json";
/// The PDF file of a copy.
pub const PDF_FILE: &str = "issued.pdf";
/// The OFD file of a copy filed with `issue --ofd`.
pub const OFD_FILE: &str = "issued.ofd";
/// The manifest file of a copy.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The template kept with a copy when it is not built in.
pub const TEMPLATE_FILE: &str = "template.toml";
/// The lock file.
pub const LOCK_FILE: &str = "lock.sqlite";
/// How long to wait for another process that holds the lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// Most characters of a bulletin name kept in its directory name.
const SLUG_CHARS: usize = 24;

/// The largest manifest read: a manifest is 2–3 KB.
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024;

/// A bulletin's name as the register compares it: Unicode NFC (one spelling
/// of each character), without white space anywhere (ASCII or ideographic:
/// leading and trailing spaces are typing slips, and a name has no spaces
/// inside) and without default-ignorable code points (a soft hyphen, a
/// zero-width space or joiner, a direction mark, a BOM: they draw nothing,
/// so two names that differ only by them look the same). Full-width and
/// half-width forms stay distinct: （） and () are different characters in
/// a name.
pub fn normalize_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc()
        .filter(|&c| !c.is_whitespace() && !crate::model::lint::is_default_ignorable(c))
        .collect()
}

/// A name as folder names are made of it: as [`normalize_name`] did before
/// it removed invisible characters, so that the folders of copies filed
/// before keep their names.
fn folder_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().filter(|c| !c.is_whitespace()).collect()
}

/// SHA-256 (hex) of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The directory name for a bulletin name: its letters and digits (at most
/// [`SLUG_CHARS`]; anything else becomes `_`) and 8 hex digits of the name's
/// SHA-256, so that different names never share a directory. Never empty,
/// never `.` or `..`, never contains a separator, at most 105 bytes.
pub fn bulletin_dir_name(name: &str) -> String {
    let name = &folder_name(name);
    let mut slug = String::new();
    let mut last_sep = true;
    for c in name.chars() {
        if slug.chars().count() >= SLUG_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            slug.push(c);
            last_sep = false;
        } else if !last_sep {
            slug.push('_');
            last_sep = true;
        }
    }
    let slug = slug.trim_end_matches('_');
    let slug = if slug.is_empty() { "bulletin" } else { slug };
    format!("{slug}-{}", &sha256_hex(name.as_bytes())[..8])
}

/// The directory name of an issue inside its bulletin's directory:
/// `2024-001`; a supplement's series between year and number
/// (`2024-增刊-001`, its letters and digits, with 6 hex digits of its
/// SHA-256 when some of its characters were dropped); a correction's
/// revision after it (`2024-001-r2`).
pub fn issue_dir_name(year: u16, supplement: Option<&str>, issue: u32, revision: u32) -> String {
    let mut out = format!("{year:04}-");
    if let Some(series) = supplement {
        let series = folder_name(series);
        let slug: String = series
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(SLUG_CHARS)
            .collect();
        if slug.is_empty() || slug != series {
            out.push_str(&format!("{slug}_{}-", &sha256_hex(series.as_bytes())[..6]));
        } else {
            out.push_str(&format!("{slug}-"));
        }
    }
    out.push_str(&format!("{issue:03}"));
    if revision > 1 {
        out.push_str(&format!("-r{revision}"));
    }
    out
}

/// The path of a copy relative to the archive:
/// `copies/<bulletin>/<year>-[<series>-]<issue>[-r<revision>]`.
pub fn copy_rel_dir(
    name: &str,
    supplement: Option<&str>,
    year: u16,
    issue: u32,
    revision: u32,
) -> PathBuf {
    Path::new(COPIES)
        .join(bulletin_dir_name(name))
        .join(issue_dir_name(year, supplement, issue, revision))
}

/// [`copy_rel_dir`] with `/` between its parts, as the register writes it.
pub fn copy_rel(
    name: &str,
    supplement: Option<&str>,
    year: u16,
    issue: u32,
    revision: u32,
) -> String {
    copy_rel_dir(name, supplement, year, issue, revision)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// An I/O error on `path`.
pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Write a file and flush it to the disk.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    Ok(())
}

/// Flush a directory's entries to the disk (where the platform allows it).
fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(path)
            .and_then(|d| d.sync_all())
            .map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Make a file or directory read-only (directories keep search permission).
fn make_read_only(path: &Path, is_dir: bool) -> Result<()> {
    let mut perms = fs::metadata(path).map_err(io(path))?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perms.set_mode(if is_dir { 0o555 } else { 0o444 });
    }
    #[cfg(not(unix))]
    {
        if is_dir {
            return Ok(());
        }
        perms.set_readonly(true);
    }
    fs::set_permissions(path, perms).map_err(io(path))
}

/// Make a file, or a tree, writable again (filed copies are read-only).
/// Symbolic links are left alone, never followed.
pub fn make_writable(p: &Path) {
    let Ok(meta) = fs::symlink_metadata(p) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    let mut perms = meta.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perms.set_mode(if meta.is_dir() { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    {
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
    }
    let _ = fs::set_permissions(p, perms);
    if meta.is_dir() {
        if let Ok(rd) = fs::read_dir(p) {
            for e in rd.flatten() {
                make_writable(&e.path());
            }
        }
    }
}

/// Make a tree writable again and remove it (leftovers of interrupted issues).
pub fn remove_tree(path: &Path) -> Result<()> {
    make_writable(path);
    // A symbolic link is removed itself, never followed.
    let is_real_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let res = if is_real_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match res {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The archive's root, with the operations on its files.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// The exclusive lock of an archive: held while it lives.
#[derive(Debug)]
pub struct Lock {
    _conn: rusqlite::Connection,
}

/// A folder under `copies/` that could not be read, or is not a real folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The folder, relative to the archive.
    pub rel: String,
    /// Why, in Chinese.
    pub why: String,
}

/// What a scan of `copies/` found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// The copy folders, sorted.
    pub dirs: Vec<String>,
    /// Folders that could not be read: their copies cannot be proved intact.
    pub unreadable: Vec<Unreadable>,
}

/// An error unless `path` is a real folder (not a link), when it exists.
pub fn real_folder(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Archive {
            message: format!(
                "{} 不是普通文件夹（是链接或文件）：jianbao 不会通过它读写；请检查档案库是否被改动，删除它后再试",
                path.display()
            ),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A copy found on disk.
#[derive(Debug, Clone)]
pub struct FoundCopy {
    /// Its directory relative to the archive (`copies/…/…`), with `/` separators.
    pub rel: String,
    /// Its manifest, when it could be read.
    pub manifest: Result<Manifest, String>,
    /// SHA-256 of the manifest file, when it exists.
    pub manifest_sha256: Option<String>,
}

impl Store {
    /// The archive at `root` (nothing is created).
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// The archive's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the archive exists (has its copies folder).
    pub fn exists(&self) -> bool {
        self.root.join(COPIES).is_dir()
    }

    /// Create the archive's folders if they are missing; refuse when one of
    /// them is a link (writing through it would write outside the archive).
    pub fn create(&self) -> Result<()> {
        for dir in [self.root.join(COPIES), self.root.join(TMP)] {
            real_folder(&dir)?;
            fs::create_dir_all(&dir).map_err(io(&dir))?;
            real_folder(&dir)?;
        }
        Ok(())
    }

    /// Take the archive's exclusive lock, waiting up to [`LOCK_WAIT`] for
    /// another process. The lock is SQLite's own lock on `lock.sqlite`, which
    /// the operating system releases if the process dies.
    pub fn lock(&self) -> Result<Lock> {
        let path = self.root.join(LOCK_FILE);
        let fail = |e: rusqlite::Error| {
            Error::io(
                &path,
                std::io::Error::other(format!(
                    "无法锁定档案库 {}（{e}）：另一个 jianbao 可能正在归档，请稍后再试；或检查这个目录能否写入",
                    self.root.display()
                )),
            )
        };
        let conn = rusqlite::Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(LOCK_WAIT).map_err(fail)?;
        conn.execute_batch("BEGIN EXCLUSIVE").map_err(fail)?;
        Ok(Lock { _conn: conn })
    }

    /// The absolute path of a path relative to the archive.
    pub fn path(&self, rel: &str) -> PathBuf {
        rel.split('/')
            .fold(self.root.clone(), |p, part| p.join(part))
    }

    /// Every copy folder under `copies/` (two levels), sorted, and the
    /// folders that could not be read or are links (never followed). Files
    /// and hidden entries are ignored.
    pub fn scan_dirs(&self) -> Result<Scan> {
        let copies = self.root.join(COPIES);
        real_folder(&copies)?;
        let mut scan = Scan::default();
        let rd = match fs::read_dir(&copies) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(scan),
            Err(e) => return Err(Error::io(&copies, e)),
        };
        let unreadable = |rel: String, why: String| Unreadable { rel, why };
        for b in rd {
            let b = b.map_err(io(&copies))?;
            let bname = b.file_name().to_string_lossy().into_owned();
            if bname.starts_with('.') {
                continue;
            }
            let rel = format!("{COPIES}/{bname}");
            match b.file_type() {
                Ok(t) if t.is_symlink() => {
                    scan.unreadable
                        .push(unreadable(rel, "是链接，不是文件夹：不会跟随它".into()));
                    continue;
                }
                Ok(t) if t.is_dir() => {}
                _ => continue,
            }
            let inner = match fs::read_dir(b.path()) {
                Ok(inner) => inner,
                Err(e) => {
                    scan.unreadable.push(unreadable(
                        rel,
                        format!("无法读取（{}）", crate::error::io_reason(&e)),
                    ));
                    continue;
                }
            };
            for c in inner {
                let c = match c {
                    Ok(c) => c,
                    Err(e) => {
                        scan.unreadable.push(unreadable(
                            rel.clone(),
                            format!("无法读取（{}）", crate::error::io_reason(&e)),
                        ));
                        break;
                    }
                };
                let cname = c.file_name().to_string_lossy().into_owned();
                if cname.starts_with('.') {
                    continue;
                }
                match c.file_type() {
                    Ok(t) if t.is_dir() => scan.dirs.push(format!("{rel}/{cname}")),
                    Ok(t) if t.is_symlink() => scan.unreadable.push(unreadable(
                        format!("{rel}/{cname}"),
                        "是链接，不是文件夹：不会跟随它".into(),
                    )),
                    _ => {}
                }
            }
        }
        scan.dirs.sort();
        scan.unreadable.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(scan)
    }

    /// Every copy folder under `copies/`, sorted ([`Store::scan_dirs`]
    /// without the unreadable ones).
    pub fn copy_dirs(&self) -> Result<Vec<String>> {
        Ok(self.scan_dirs()?.dirs)
    }

    /// Read the copy at `rel`.
    pub fn read_copy(&self, rel: &str) -> FoundCopy {
        let path = self.path(rel).join(MANIFEST_FILE);
        probe::note(&path);
        match crate::files::read_regular(&path, MAX_MANIFEST_BYTES) {
            Ok(bytes) => FoundCopy {
                rel: rel.to_string(),
                manifest_sha256: Some(sha256_hex(&bytes)),
                manifest: Manifest::from_bytes(&bytes).map_err(|e| e.to_string()),
            },
            Err(e) => FoundCopy {
                rel: rel.to_string(),
                manifest_sha256: None,
                manifest: Err(format!("manifest.json 无法读取：{e}")),
            },
        }
    }

    /// Every copy on disk.
    pub fn scan(&self) -> Result<Vec<FoundCopy>> {
        Ok(self
            .copy_dirs()?
            .iter()
            .map(|rel| self.read_copy(rel))
            .collect())
    }

    /// Names of leftover temporary directories (of interrupted issues); none
    /// when `.tmp` is not a real folder (a link is never followed).
    pub fn leftovers(&self) -> Vec<String> {
        if real_folder(&self.root.join(TMP)).is_err() {
            return Vec::new();
        }
        let mut out: Vec<String> = fs::read_dir(self.root.join(TMP))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Remove the leftovers of interrupted issues. Call with the lock held:
    /// then no other process is writing there.
    pub fn clean_leftovers(&self, _lock: &Lock) -> Result<usize> {
        real_folder(&self.root.join(TMP))?;
        let names = self.leftovers();
        for n in &names {
            remove_tree(&self.root.join(TMP).join(n))?;
        }
        Ok(names.len())
    }

    /// File a copy: write the three files into a new temporary directory,
    /// flush them, rename the directory to `rel` and make it read-only. The
    /// copy appears whole or not at all. Refuses when `rel` exists.
    pub fn file_copy(
        &self,
        _lock: &Lock,
        rel: &str,
        files: &[(&str, &[u8])],
        manifest: &[u8],
    ) -> Result<PathBuf> {
        let target = self.path(rel);
        if fs::symlink_metadata(&target).is_ok() {
            return Err(Error::Archive {
                message: format!("{} 已存在：这一期已经归档过", target.display()),
            });
        }
        let tmp_root = self.root.join(TMP);
        real_folder(&tmp_root)?;
        fs::create_dir_all(&tmp_root).map_err(io(&tmp_root))?;
        // Every folder on the way must be real: a link would file the copy
        // outside the archive.
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        real_folder(&self.root.join(COPIES))?;
        real_folder(&parent)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let tmp = tmp_root.join(format!("issue-{}-{nanos}", std::process::id()));
        fs::create_dir(&tmp).map_err(io(&tmp))?;
        let result = (|| {
            for (name, bytes) in files {
                write_synced(&tmp.join(name), bytes)?;
            }
            // The manifest last: a directory with a manifest is complete.
            write_synced(&tmp.join(MANIFEST_FILE), manifest)?;
            for f in files.iter().map(|(n, _)| *n).chain([MANIFEST_FILE]) {
                make_read_only(&tmp.join(f), false)?;
            }
            sync_dir(&tmp)?;
            fs::create_dir_all(&parent).map_err(io(&parent))?;
            real_folder(&parent)?;
            sync_dir(&self.root.join(COPIES))?;
            fs::rename(&tmp, &target).map_err(io(&target))?;
            sync_dir(&parent)?;
            make_read_only(&target, true)?;
            Ok(target.clone())
        })();
        if result.is_err() {
            let _ = remove_tree(&tmp);
        }
        result
    }
}

/// A test hook: the files of copies that the archive reads on this thread
/// (manifests, inputs, PDFs), recorded while a test asks for them, so that
/// a test can prove which copies a command touched.
#[doc(hidden)]
pub mod probe {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    thread_local! {
        static OPENED: RefCell<Option<Vec<PathBuf>>> = const { RefCell::new(None) };
    }

    /// Start recording on this thread (forgetting what was recorded).
    pub fn start() {
        OPENED.with(|o| *o.borrow_mut() = Some(Vec::new()));
    }

    /// Stop recording on this thread; what was read since [`start`].
    pub fn take() -> Vec<PathBuf> {
        OPENED.with(|o| o.borrow_mut().take()).unwrap_or_default()
    }

    /// Record that `path` (a file of a copy) is read.
    pub(crate) fn note(path: &Path) {
        OPENED.with(|o| {
            if let Some(v) = o.borrow_mut().as_mut() {
                v.push(path.to_path_buf());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulletin_names_never_leave_the_folder() {
        for name in [
            "../../etc/passwd",
            "..",
            ".",
            "/",
            "a/b\\c:d*e?f\"g<h>i|j",
            "\u{0}",
            "   ",
            "CON",
            "益阳市配合中央生态环境保护督察工作简报",
        ] {
            let d = bulletin_dir_name(name);
            assert!(!d.contains('/') && !d.contains('\\'), "{d}");
            assert!(d != "." && d != ".." && !d.starts_with('.'), "{d}");
            assert!(d
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
            let p = copy_rel_dir(name, Some(name), 2024, 1, 2);
            assert_eq!(p.components().count(), 3);
            assert!(p
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_))));
        }
        let long = "长".repeat(10_000);
        let d = bulletin_dir_name(&long);
        assert!(d.len() <= 105, "{}", d.len());
        assert_eq!(
            bulletin_dir_name("../x"),
            format!("x-{}", &sha256_hex(b"../x")[..8])
        );
        // Names that differ only in what is dropped still get different folders.
        assert_ne!(bulletin_dir_name("a/b"), bulletin_dir_name("a:b"));
        assert_eq!(
            bulletin_dir_name("益阳简报"),
            format!("益阳简报-{}", &sha256_hex("益阳简报".as_bytes())[..8])
        );
    }

    #[cfg(unix)]
    #[test]
    fn removing_leftovers_never_follows_links() {
        let base = std::env::temp_dir().join(format!("jianbao-store-{}", std::process::id()));
        let outside = base.join("outside");
        let tmp = base.join("tmp");
        fs::create_dir_all(&outside).unwrap();
        fs::create_dir_all(&tmp).unwrap();
        fs::write(outside.join("keep.txt"), b"keep").unwrap();
        std::os::unix::fs::symlink(&outside, tmp.join("link")).unwrap();
        remove_tree(&tmp.join("link")).unwrap();
        assert!(outside.join("keep.txt").exists());
        assert!(fs::symlink_metadata(tmp.join("link")).is_err());
        remove_tree(&base).unwrap();
        assert!(!base.exists());
    }

    #[test]
    fn issue_folders_sort_by_year_and_number() {
        assert_eq!(issue_dir_name(2024, None, 1, 1), "2024-001");
        assert_eq!(issue_dir_name(2024, None, 1234, 1), "2024-1234");
        assert_eq!(issue_dir_name(2024, Some("增刊"), 1, 1), "2024-增刊-001");
        assert_eq!(issue_dir_name(2024, Some("增 刊"), 1, 1), "2024-增刊-001");
        assert_eq!(issue_dir_name(2024, None, 7, 2), "2024-007-r2");
        // Series that differ only in what is dropped get different folders.
        let a = issue_dir_name(2024, Some("生态·专刊"), 1, 1);
        let b = issue_dir_name(2024, Some("生态/专刊"), 1, 1);
        assert_ne!(a, b);
        assert!(a.starts_with("2024-生态专刊_") && !a.contains('/'), "{a}");
        let odd = issue_dir_name(2024, Some("../.."), 1, 1);
        assert!(!odd.contains('/') && !odd.contains(".."), "{odd}");
    }
}
