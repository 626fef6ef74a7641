//! A deterministic ZIP writer for the OFD package (GB/T 33190-2016: an OFD
//! file is a ZIP container of its parts): entries in the order given, every timestamp the
//! same fixed date, no extra fields, no clock and no file-system metadata, so
//! equal contents give equal bytes.
//!
//! Written from the ZIP application note (PKWARE APPNOTE 6.3, §4.3–4.4) for
//! the one case needed here: a handful of entries well below 4 GB, stored or
//! compressed with deflate. Compression is flate2's, already in the build.

use std::io::Write as _;

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};

/// Local file header signature (APPNOTE §4.3.7).
const LOCAL_HEADER: u32 = 0x0403_4b50;
/// Central directory file header signature (APPNOTE §4.3.12).
const CENTRAL_HEADER: u32 = 0x0201_4b50;
/// End of central directory signature (APPNOTE §4.3.16).
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Version needed to extract: 2.0, deflate (APPNOTE §4.4.3.2).
const VERSION: u16 = 20;
/// Compression method: stored (APPNOTE §4.4.5).
const STORED: u16 = 0;
/// Compression method: deflated (APPNOTE §4.4.5).
const DEFLATED: u16 = 8;
/// General purpose flag bit 11: names are UTF-8 (APPNOTE §4.4.4).
const UTF8_NAMES: u16 = 1 << 11;

/// One file of the archive, written.
struct Entry {
    name: String,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// A ZIP archive being written in memory.
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
    /// MS-DOS time and date of every entry (APPNOTE §4.4.6).
    dos_time: u16,
    dos_date: u16,
}

fn too_large() -> Error {
    Error::Io {
        path: "<ofd>".into(),
        source: std::io::Error::other("OFD 包超过 4 GB，ZIP 无法容纳"),
    }
}

fn u32_of(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| too_large())
}

impl ZipWriter {
    /// An empty archive whose entries are all dated `date`, 00:00 (dates
    /// before 1980, which MS-DOS dates cannot hold, become 1980-01-01).
    pub fn new(date: NaiveDate) -> ZipWriter {
        let (y, m, d) = if date.year() < 1980 {
            (1980, 1, 1)
        } else {
            (
                date.year().min(2107) as u16,
                date.month() as u16,
                date.day() as u16,
            )
        };
        ZipWriter {
            out: Vec::new(),
            entries: Vec::new(),
            dos_time: 0,
            dos_date: ((y - 1980) << 9) | (m << 5) | d,
        }
    }

    /// Add a file; compressed with deflate when that makes it smaller.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<()> {
        let mut crc = Crc::new();
        crc.update(data);
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
        let deflated = enc
            .write_all(data)
            .and_then(|_| enc.finish())
            .map_err(|e| Error::io("<ofd>", e))?;
        let (method, body) = if deflated.len() < data.len() {
            (DEFLATED, deflated.as_slice())
        } else {
            (STORED, data)
        };
        let entry = Entry {
            name: name.to_string(),
            method,
            crc: crc.sum(),
            compressed: u32_of(body.len())?,
            size: u32_of(data.len())?,
            offset: u32_of(self.out.len())?,
        };
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        let o = &mut self.out;
        put32(o, LOCAL_HEADER);
        put16(o, VERSION);
        put16(o, flags(name));
        put16(o, entry.method);
        put16(o, self.dos_time);
        put16(o, self.dos_date);
        put32(o, entry.crc);
        put32(o, entry.compressed);
        put32(o, entry.size);
        put16(o, name_len);
        put16(o, 0); // extra field length
        o.extend_from_slice(name.as_bytes());
        o.extend_from_slice(body);
        self.entries.push(entry);
        Ok(())
    }

    /// Write the central directory and return the archive's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let start = u32_of(self.out.len())?;
        let count = u16::try_from(self.entries.len()).map_err(|_| too_large())?;
        for e in &self.entries {
            let o = &mut self.out;
            put32(o, CENTRAL_HEADER);
            put16(o, VERSION); // made by: MS-DOS attributes, version 2.0
            put16(o, VERSION);
            put16(o, flags(&e.name));
            put16(o, e.method);
            put16(o, self.dos_time);
            put16(o, self.dos_date);
            put32(o, e.crc);
            put32(o, e.compressed);
            put32(o, e.size);
            put16(o, e.name.len() as u16);
            put16(o, 0); // extra field length
            put16(o, 0); // comment length
            put16(o, 0); // disk number start
            put16(o, 0); // internal attributes
            put32(o, 0); // external attributes
            put32(o, e.offset);
            o.extend_from_slice(e.name.as_bytes());
        }
        let size = u32_of(self.out.len())? - start;
        let o = &mut self.out;
        put32(o, END_OF_CENTRAL_DIRECTORY);
        put16(o, 0); // this disk
        put16(o, 0); // disk with the central directory
        put16(o, count);
        put16(o, count);
        put32(o, size);
        put32(o, start);
        put16(o, 0); // comment length
        Ok(self.out)
    }
}

fn flags(name: &str) -> u16 {
    if name.is_ascii() {
        0
    } else {
        UTF8_NAMES
    }
}

fn put16(o: &mut Vec<u8>, v: u16) {
    o.extend_from_slice(&v.to_le_bytes());
}

fn put32(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn le16(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }

    fn le32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    #[test]
    fn dos_dates_come_from_the_date_given() {
        assert_eq!(
            ZipWriter::new(date(2024, 5, 10)).dos_date,
            (44 << 9) | (5 << 5) | 10
        );
        assert_eq!(ZipWriter::new(date(1970, 1, 1)).dos_date, (1 << 5) | 1);
    }

    #[test]
    fn headers_sizes_and_the_end_record_agree() {
        let mut z = ZipWriter::new(date(2024, 5, 10));
        let text = "OFD ".repeat(100);
        z.add("OFD.xml", text.as_bytes()).unwrap();
        z.add("a", b"x").unwrap();
        let b = z.finish().unwrap();
        assert_eq!(le32(&b, 0), LOCAL_HEADER);
        // The repetitive text is deflated, the single byte stored.
        assert_eq!(le16(&b, 8), DEFLATED);
        assert_eq!(le32(&b, 22), 400);
        let end = b.len() - 22;
        assert_eq!(le32(&b, end), END_OF_CENTRAL_DIRECTORY);
        assert_eq!(le16(&b, end + 10), 2);
        let cd = le32(&b, end + 16) as usize;
        assert_eq!(le32(&b, cd), CENTRAL_HEADER);
        assert_eq!(le32(&b, end + 12) as usize, end - cd);
        // The second entry's local header is where the directory says.
        let second = cd + 46 + "OFD.xml".len();
        let off = le32(&b, second + 42) as usize;
        assert_eq!(le32(&b, off), LOCAL_HEADER);
        assert_eq!(le16(&b, off + 8), STORED);
        assert_eq!(&b[off + 30..off + 31], b"a");
        assert_eq!(&b[off + 31..off + 32], b"x");
        // CRC-32 of "x" (a known value).
        assert_eq!(le32(&b, off + 14), 0x8CDC_1683);
    }

    #[test]
    fn equal_contents_give_equal_bytes() {
        let make = || {
            let mut z = ZipWriter::new(date(2024, 1, 2));
            z.add("b.xml", b"<b/>").unwrap();
            z.add("a.xml", b"<a/>").unwrap();
            z.finish().unwrap()
        };
        assert_eq!(make(), make());
    }
}
