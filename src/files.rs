//! Reading the files a user names (inputs, templates): only regular files,
//! and never more than a stated number of bytes, so that a device, a pipe or
//! a huge file can neither hang nor exhaust memory.

use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system refused (not found, no permission, …).
    Io(std::io::Error),
    /// A folder, device, pipe or socket.
    NotRegular,
    /// Larger than the limit.
    TooLarge {
        /// The file's size, when known.
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(&crate::error::io_reason(e)),
            ReadError::NotRegular => f.write_str("不是普通文件（是文件夹、设备或管道）"),
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(f, "文件有 {size} 字节，超过上限 {limit} 字节"),
            ReadError::TooLarge { size: None, limit } => {
                write!(f, "文件超过上限 {limit} 字节")
            }
        }
    }
}

/// The bytes of the regular file at `path`, when it has at most `limit` of them.
///
/// The file's kind is checked before it is opened (opening a pipe for
/// reading would wait for a writer) and again on the open handle; reading
/// stops after `limit + 1` bytes whatever the file claims.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let check = |meta: std::fs::Metadata| {
        if !meta.is_file() {
            Err(ReadError::NotRegular)
        } else if meta.len() > limit {
            Err(ReadError::TooLarge {
                size: Some(meta.len()),
                limit,
            })
        } else {
            Ok(())
        }
    };
    check(std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    check(file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_regular_files_only() {
        let d = std::env::temp_dir().join(format!("jianbao-files-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("a.txt");
        std::fs::write(&f, b"hello").unwrap();
        assert_eq!(read_regular(&f, 5).unwrap(), b"hello");
        assert!(matches!(
            read_regular(&f, 4),
            Err(ReadError::TooLarge {
                size: Some(5),
                limit: 4
            })
        ));
        assert!(matches!(read_regular(&d, 100), Err(ReadError::NotRegular)));
        assert!(matches!(
            read_regular(&d.join("none"), 100),
            Err(ReadError::Io(_))
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_regular(Path::new("/dev/zero"), 100),
                Err(ReadError::NotRegular)
            ));
            // A pipe is refused before it is opened (opening would block).
            let fifo = d.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(
                made.is_ok_and(|s| s.success()),
                "mkfifo (coreutils) made a pipe"
            );
            assert!(matches!(
                read_regular(&fifo, 100),
                Err(ReadError::NotRegular)
            ));
        }
        let _ = std::fs::remove_dir_all(&d);
    }
}
