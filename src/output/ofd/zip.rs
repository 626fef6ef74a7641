//! The OFD package's container (GB/T 33190-2016 §7.1: an OFD file is a ZIP
//! of its parts), written by the `zip` crate: entries in the order given,
//! each deflated, every one dated the bulletin's day at 00:00 (never the
//! clock), no extra fields, so that equal parts give equal bytes.

use std::io::{Cursor, Write as _};

use chrono::{Datelike, NaiveDate};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};

/// The deflate level of the parts: the best, as the package is written once.
const LEVEL: i64 = 9;

/// A failure of the ZIP writer: a fault of the program, or a part beyond
/// what a ZIP holds.
fn failed(e: impl std::fmt::Display) -> Error {
    Error::Output {
        output: "OFD",
        message: format!("打包出错（{e}）"),
    }
}

/// The ZIP of `parts` (name, bytes), in that order, dated `date` (dates
/// before 1980, which a ZIP cannot hold, become 1980-01-01).
pub fn package(date: NaiveDate, parts: &[(&str, &[u8])]) -> Result<Vec<u8>> {
    let (y, m, d) = (date.year().clamp(1980, 2107), date.month(), date.day());
    let time = if date.year() < 1980 {
        DateTime::default()
    } else {
        DateTime::from_date_and_time(y as u16, m as u8, d as u8, 0, 0, 0).map_err(failed)?
    };
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(time);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(*name, options).map_err(failed)?;
        zip.write_all(bytes).map_err(failed)?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parts_read_back_in_order_dated_the_day_given() {
        let text = "OFD ".repeat(100);
        let parts: [(&str, &[u8]); 2] = [("OFD.xml", text.as_bytes()), ("Doc_0/字.xml", b"x")];
        let bytes = package(date(2024, 5, 10), &parts).unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(z.len(), 2);
        for (i, (name, data)) in parts.iter().enumerate() {
            let mut f = z.by_index(i).unwrap();
            assert_eq!(f.name(), *name);
            assert_eq!(f.compression(), CompressionMethod::Deflated);
            let t = f.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2024, 5, 10, 0));
            let mut back = Vec::new();
            f.read_to_end(&mut back).unwrap();
            assert_eq!(back, *data);
        }
    }

    #[test]
    fn equal_parts_give_equal_bytes_and_old_dates_hold() {
        let make = |d| package(d, &[("b.xml", b"<b/>"), ("a.xml", b"<a/>")]).unwrap();
        assert_eq!(make(date(2024, 1, 2)), make(date(2024, 1, 2)));
        assert_ne!(make(date(2024, 1, 2)), make(date(2024, 1, 3)));
        let old = make(date(1970, 1, 1));
        let mut z = zip::ZipArchive::new(Cursor::new(old)).unwrap();
        let t = z.by_index(0).unwrap().last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }
}
