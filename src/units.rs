//! Lengths as templates write them (`37mm`, `16pt`, `2字`, `1行`) and their conversion to points.

use std::fmt;

/// Points per millimetre: 72 / 25.4 (layout.md: "1 mm = 2.8346 pt").
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// A length as written in a template, before it is resolved against its context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    /// Points (1/72 inch).
    Pt(f32),
    /// Millimetres.
    Mm(f32),
    /// Characters (字): multiples of the character width of the text it applies to.
    Zi(f32),
    /// Lines (行): multiples of the body grid's line pitch.
    Hang(f32),
}

/// What relative lengths are relative to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The width of one character (字) of the text concerned, in pt.
    pub zi: f32,
    /// The body grid's line pitch (行), in pt.
    pub line: f32,
}

impl Length {
    /// Parse `12pt`, `37mm`, `1.5cm`, `2字` (or `2em`), `1行` (or `1line`).
    pub fn parse(s: &str) -> Result<Length, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let value: f32 = num
            .parse()
            .map_err(|_| format!("“{s}”不是长度：数字部分“{num}”无法识别"))?;
        if !value.is_finite() {
            return Err(format!("“{s}”不是有限的长度"));
        }
        match unit.trim() {
            "pt" => Ok(Length::Pt(value)),
            "mm" => Ok(Length::Mm(value)),
            "cm" => Ok(Length::Mm(value * 10.0)),
            "in" => Ok(Length::Pt(value * 72.0)),
            "字" | "em" => Ok(Length::Zi(value)),
            "行" | "line" | "lines" => Ok(Length::Hang(value)),
            "" => Err(format!("“{s}”缺少单位：写成 {s}pt、{s}mm、{s}字 或 {s}行")),
            other => Err(format!(
                "“{s}”的单位“{other}”无法识别：可用 pt、mm、cm、in、字、行"
            )),
        }
    }

    /// The length in points.
    pub fn to_pt(self, ctx: Context) -> f32 {
        match self {
            Length::Pt(v) => v,
            Length::Mm(v) => mm(v),
            Length::Zi(v) => v * ctx.zi,
            Length::Hang(v) => v * ctx.line,
        }
    }

    /// The length in points, when it does not depend on a context.
    pub fn absolute(self) -> Option<f32> {
        match self {
            Length::Pt(v) => Some(v),
            Length::Mm(v) => Some(mm(v)),
            Length::Zi(_) | Length::Hang(_) => None,
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Pt(v) => write!(f, "{v}pt"),
            Length::Mm(v) => write!(f, "{v}mm"),
            Length::Zi(v) => write!(f, "{v}字"),
            Length::Hang(v) => write!(f, "{v}行"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: Context = Context {
        zi: 15.79,
        line: 28.99,
    };

    #[test]
    fn parses_every_unit() {
        assert_eq!(Length::parse("16pt"), Ok(Length::Pt(16.0)));
        assert_eq!(Length::parse("37mm"), Ok(Length::Mm(37.0)));
        assert_eq!(Length::parse("1.5cm"), Ok(Length::Mm(15.0)));
        assert_eq!(Length::parse("2字"), Ok(Length::Zi(2.0)));
        assert_eq!(Length::parse("0.25em"), Ok(Length::Zi(0.25)));
        assert_eq!(Length::parse("1行"), Ok(Length::Hang(1.0)));
        assert_eq!(Length::parse(" 1in "), Ok(Length::Pt(72.0)));
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        assert!(Length::parse("16").unwrap_err().contains("缺少单位"));
        assert!(Length::parse("16px").unwrap_err().contains("px"));
        assert!(Length::parse("pt").is_err());
        assert!(Length::parse("1.2.3mm").is_err());
    }

    #[test]
    fn converts_to_points() {
        // layout.md: 1 mm = 2.8346 pt; the type area is 156 mm = 442.2 pt wide.
        assert!((mm(1.0) - 2.8346).abs() < 1e-4);
        assert!((Length::Mm(156.0).to_pt(CTX) - 442.205).abs() < 1e-3);
        assert_eq!(Length::Zi(2.0).to_pt(CTX), 31.58);
        assert_eq!(Length::Hang(1.0).to_pt(CTX), 28.99);
        assert_eq!(Length::Zi(1.0).absolute(), None);
    }
}
