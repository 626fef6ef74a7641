//! Calendar dates as bulletins print them, and the China Standard Time clock,
//! on top of chrono's proleptic Gregorian calendar.

use std::fmt;
use std::time::SystemTime;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// A real calendar date (year 1–9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

/// Written as the input writes it: `YYYY-MM-DD`.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl Date {
    /// The date, when it exists in the calendar (years 1–9999: what `YYYY` can say).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).map(Date)
    }

    /// Parse `YYYY-MM-DD` (exactly that form: four, two and two digits), when
    /// it is a real date.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !shaped {
            return None;
        }
        Date::new(
            s[0..4].parse().ok()?,
            s[5..7].parse().ok()?,
            s[8..10].parse().ok()?,
        )
    }

    /// The year.
    pub fn year(self) -> u16 {
        // new() admits years 1–9999 only.
        self.0.year() as u16
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.0.month() as u8
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.0.day() as u8
    }

    /// As bulletins print it: `2024年5月10日` (Arabic numerals, no leading zeros).
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year(), self.month(), self.day())
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        self.to_string()
    }

    /// The start of the day (00:00) in China Standard Time.
    pub fn start_cst(self) -> DateTime<FixedOffset> {
        self.0
            .and_time(chrono::NaiveTime::MIN)
            .and_local_timezone(china_standard_time())
            .single()
            .expect("a fixed offset has one local time")
    }

    /// The date of `t` in China Standard Time.
    pub fn cst(t: SystemTime) -> Date {
        Date(cst(t).date_naive())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// China Standard Time: UTC+8 all year, no daylight saving.
pub fn china_standard_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `t` in China Standard Time.
pub fn cst(t: SystemTime) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from(t).with_timezone(&china_standard_time())
}

/// `t` as RFC 3339 in China Standard Time, to the second: `2024-05-10T09:30:00+08:00`.
pub fn rfc3339_cst(t: SystemTime) -> String {
    cst(t).to_rfc3339_opts(SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(Date::parse_iso("2024-05-10"), Date::new(2024, 5, 10));
        assert!(Date::parse_iso("2024-02-29").is_some());
        assert!(Date::parse_iso("2023-02-29").is_none());
        assert!(Date::parse_iso("1900-02-29").is_none());
        assert!(Date::parse_iso("2000-02-29").is_some());
        assert!(Date::parse_iso("2024-04-31").is_none());
        assert!(Date::parse_iso("2024-13-01").is_none());
        assert!(Date::parse_iso("2024-00-10").is_none());
        assert!(Date::parse_iso("2024-5-10").is_none());
        assert!(Date::parse_iso("2024-05-1a").is_none());
        assert!(Date::parse_iso("+024-05-10").is_none());
        assert!(Date::parse_iso("0000-05-10").is_none());
        assert!(Date::parse_iso("２０２４-05-10").is_none());
    }

    #[test]
    fn prints_chinese_without_leading_zeros() {
        assert_eq!(Date::new(2024, 5, 10).unwrap().chinese(), "2024年5月10日");
        assert_eq!(Date::new(2024, 5, 10).unwrap().iso(), "2024-05-10");
        assert_eq!(Date::new(987, 1, 2).unwrap().iso(), "0987-01-02");
    }

    #[test]
    fn china_standard_time_is_utc_plus_8() {
        let t = UNIX_EPOCH + Duration::from_secs(1_715_300_000);
        assert_eq!(rfc3339_cst(t), "2024-05-10T08:13:20+08:00");
        // 16:00 UTC is already the next day in Beijing.
        let late = UNIX_EPOCH + Duration::from_secs(1_715_356_800);
        assert_eq!(Date::cst(late).iso(), "2024-05-11");
        assert_eq!(Date::cst(UNIX_EPOCH).iso(), "1970-01-01");
        let start = Date::new(2024, 5, 10).unwrap().start_cst();
        assert_eq!(start.to_rfc3339(), "2024-05-10T00:00:00+08:00");
    }
}
