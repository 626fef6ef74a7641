//! The template file format as serde reads it: typed values (lengths with
//! their units, colours, roles) and the range of every number, checked while
//! reading, so that no value can make a page absurd, unbounded or not a
//! number. Errors name the key (`masthead.rule_below`) and, for an unknown
//! key, the nearest valid one.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::Role;
use crate::layout::Rgb;
use crate::units::Length;

/// An absolute length (pt, mm, cm, in), in pt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Abs(pub f32);

/// A length in any unit, resolved later against its text's size and the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Len(pub Length);

/// A length in characters (字), as a number of characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zi(pub f32);

/// A colour written `#RRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub Rgb);

/// A string that may not be empty.
#[derive(Debug, Clone, PartialEq)]
pub struct NonEmpty(pub String);

fn length<'de, D: Deserializer<'de>>(d: D) -> Result<Length, D::Error> {
    let s = String::deserialize(d)?;
    let l = Length::parse(&s).map_err(de::Error::custom)?;
    // Bounds that no page needs to pass: a length beyond them is a typo
    // (and, unbounded, could make a layout allocate without end).
    let (value, max, unit) = match l {
        Length::Pt(v) => (v, 2000.0, "pt"),
        Length::Mm(v) => (v, 700.0, "mm"),
        Length::Zi(v) => (v, 30.0, "字"),
        Length::Hang(v) => (v, 30.0, "行"),
    };
    if !(0.0..=max).contains(&value) {
        return Err(de::Error::custom(format!(
            "“{s}”超出范围：应在 0 到 {max}{unit} 之间"
        )));
    }
    Ok(l)
}

impl<'de> Deserialize<'de> for Len {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        length(d).map(Len)
    }
}

impl<'de> Deserialize<'de> for Abs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match length(d)? {
            l @ (Length::Pt(_) | Length::Mm(_)) => Ok(Abs(l.absolute().unwrap_or(0.0))),
            l => Err(de::Error::custom(format!(
                "这里要用绝对长度（pt、mm），不能用“字”或“行”（{l}）"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Zi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match length(d)? {
            Length::Zi(v) => Ok(Zi(v)),
            l => Err(de::Error::custom(format!(
                "这里的长度以“字”为单位（如 1字），现为 {l}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_color(&s)
            .map(Color)
            .ok_or_else(|| de::Error::custom(format!("颜色写成 #RRGGBB（现为“{s}”）")))
    }
}

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Err(de::Error::custom("不能为空"));
        }
        Ok(NonEmpty(s))
    }
}

/// A colour written `#RRGGBB`.
fn parse_color(s: &str) -> Option<Rgb> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = |i: usize| {
        u8::from_str_radix(&hex[i..i + 2], 16)
            .ok()
            .map(|v| f32::from(v) / 255.0)
    };
    Some(Rgb(c(0)?, c(2)?, c(4)?))
}

/// An absolute length from `LO` to `HI` pt.
fn pt<'de, const LO: u32, const HI: u32, D: Deserializer<'de>>(d: D) -> Result<Abs, D::Error> {
    let v = Abs::deserialize(d)?;
    if !(LO as f32..=HI as f32).contains(&v.0) {
        return Err(de::Error::custom(format!(
            "{:.2}pt 超出范围：应在 {LO}pt 到 {HI}pt 之间",
            v.0
        )));
    }
    Ok(v)
}

/// A whole number from `LO` to `HI`.
fn count<'de, const LO: u32, const HI: u32, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    if !(i64::from(LO)..=i64::from(HI)).contains(&v) {
        return Err(de::Error::custom(format!(
            "{v} 超出范围：应是 {LO} 到 {HI} 之间的整数"
        )));
    }
    Ok(v as u32)
}

/// A ratio from `LO` to `HI` per cent, written as a fraction (0.8 for 80 %).
fn ratio<'de, const LO: u32, const HI: u32, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    let (lo, hi) = (f64::from(LO) / 100.0, f64::from(HI) / 100.0);
    if !(lo..=hi).contains(&v) {
        return Err(de::Error::custom(format!(
            "{v} 超出范围：应在 {lo} 到 {hi} 之间"
        )));
    }
    Ok(v as f32)
}

/// A whole template, every table required (a template that extends another
/// has the other's values merged in before it is read).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub page: Page,
    pub grid: Grid,
    pub colors: Colors,
    pub fonts: BTreeMap<String, RoleFonts>,
    pub masthead: Masthead,
    pub guide: Guide,
    /// Added in 0.2: templates written before it have none (the defaults hold).
    #[serde(default)]
    pub note: Note,
    pub title: Title,
    pub paragraph: Paragraph,
    pub section: Section,
    pub item: Item,
    pub composition: Composition,
    pub footer: Footer,
    pub page_number: PageNumber,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    #[serde(deserialize_with = "pt::<72, 2000, _>")]
    pub width: Abs,
    #[serde(deserialize_with = "pt::<72, 2000, _>")]
    pub height: Abs,
    #[serde(deserialize_with = "pt::<0, 1000, _>")]
    pub top: Abs,
    #[serde(deserialize_with = "pt::<0, 1000, _>")]
    pub left: Abs,
    #[serde(deserialize_with = "pt::<72, 2000, _>")]
    pub type_width: Abs,
    #[serde(deserialize_with = "pt::<72, 2000, _>")]
    pub type_height: Abs,
    pub mirror_margins: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    #[serde(deserialize_with = "count::<5, 60, _>")]
    pub lines: u32,
    #[serde(deserialize_with = "count::<5, 60, _>")]
    pub chars: u32,
    #[serde(deserialize_with = "ratio::<50, 100, _>")]
    pub em_ascent: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    pub text: Color,
    pub red: Color,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleFonts {
    pub faces: Vec<Face>,
    pub latin: Role,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub enum Face {
    File(String),
    Limited { file: String, only: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Masthead {
    pub marking_role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub marking_size: Abs,
    pub name_role: Role,
    #[serde(deserialize_with = "pt::<5, 200, _>")]
    pub name_max_size: Abs,
    #[serde(deserialize_with = "pt::<5, 200, _>")]
    pub name_min_size: Abs,
    #[serde(deserialize_with = "ratio::<50, 100, _>")]
    pub name_min_scale: f32,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub name_line: u32,
    #[serde(deserialize_with = "count::<1, 10, _>")]
    pub name_grid_lines: u32,
    pub issue_role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub issue_size: Abs,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_before_issue: u32,
    pub issuer_role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub issuer_size: Abs,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub issuer_min_size: Abs,
    pub issuer_indent: Zi,
    pub issuer_min_gap: Zi,
    pub rule_below: Len,
    #[serde(deserialize_with = "pt::<0, 20, _>")]
    pub rule_thickness: Abs,
    pub double_rule: bool,
    #[serde(deserialize_with = "pt::<0, 20, _>")]
    pub double_thin: Abs,
    pub double_gap: Len,
    pub gap_after_rule: Len,
    // The copy number, added in 0.2 (templates before it lack these keys).
    #[serde(default = "defaults::copy_number_label")]
    pub copy_number_label: String,
    #[serde(default = "defaults::heading")]
    pub copy_number_role: Role,
    #[serde(default = "defaults::three_hao", deserialize_with = "pt::<5, 72, _>")]
    pub copy_number_size: Abs,
}

/// The 编者按 and 按语 (the `[note]` table).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Note {
    pub label: NonEmpty,
    pub article_label: NonEmpty,
    pub label_role: Role,
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub indent: Len,
    pub position: NotePosition,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_after: u32,
}

impl Default for Note {
    fn default() -> Note {
        Note {
            label: NonEmpty("编者按：".into()),
            article_label: NonEmpty("编者按：".into()),
            label_role: Role::Heading,
            role: Role::Kai,
            size: defaults::three_hao(),
            indent: Len(Length::Zi(2.0)),
            position: NotePosition::BeforeGuide,
            blank_lines_after: 1,
        }
    }
}

/// Where the 编者按 goes, as templates write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotePosition {
    BeforeGuide,
    AfterGuide,
}

/// Defaults of the keys added after the first templates were written.
mod defaults {
    use super::{Abs, Role};

    pub fn max_spacing() -> super::Zi {
        super::Zi(0.125)
    }

    pub fn yes() -> bool {
        true
    }

    pub fn half_line() -> super::Len {
        super::Len(crate::units::Length::Hang(0.5))
    }

    pub fn copy_number_label() -> String {
        "编号：".into()
    }

    pub fn heading() -> Role {
        Role::Heading
    }

    /// 三号, 16 pt.
    pub fn three_hao() -> Abs {
        Abs(16.0)
    }

    pub fn extra_label() -> String {
        "本期增发：".into()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub label: NonEmpty,
    pub label_role: Role,
    pub item_role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub bullet: NonEmpty,
    pub indent: Len,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_after: u32,
    pub frame: bool,
    #[serde(deserialize_with = "pt::<0, 20, _>")]
    pub frame_thickness: Abs,
    pub frame_padding: Len,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Title {
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    #[serde(deserialize_with = "count::<1, 10, _>")]
    pub grid_lines: u32,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_before: u32,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_after: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paragraph {
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub indent: Len,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub open: String,
    pub close: String,
    #[serde(deserialize_with = "count::<0, 10, _>")]
    pub blank_lines_before: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub mark: NonEmpty,
    pub mark_role: Role,
    pub heading_indent: Len,
    pub lead_separator: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    pub latin_gap: Zi,
    pub compress_punctuation: bool,
    pub hanging_punctuation: bool,
    pub widow_orphan: bool,
    /// Added in 0.2.
    #[serde(default)]
    pub grid_latin: GridLatin,
    /// Added in 0.2.
    #[serde(default = "defaults::max_spacing")]
    pub max_letter_spacing: Zi,
    /// Added in 0.2.
    #[serde(default = "defaults::max_spacing")]
    pub max_word_spacing: Zi,
    /// Added in 0.2.
    #[serde(default = "defaults::yes")]
    pub hyphenate: bool,
    /// Added in 0.2.
    #[serde(default = "defaults::yes")]
    pub avoid_lone_characters: bool,
}

/// How digit and Latin runs sit on the character grid, as templates write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GridLatin {
    #[default]
    Word,
    Cells,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub indent: Len,
    pub report_label: String,
    pub send_label: String,
    pub issue_label: String,
    /// Added in 0.2.
    #[serde(default = "defaults::extra_label")]
    pub extra_label: String,
    pub separator: String,
    pub imprint_suffix: String,
    pub copies: String,
    #[serde(deserialize_with = "ratio::<50, 100, _>")]
    pub imprint_min_scale: f32,
    #[serde(deserialize_with = "pt::<0, 20, _>")]
    pub thick_rule: Abs,
    #[serde(deserialize_with = "pt::<0, 20, _>")]
    pub thin_rule: Abs,
    pub gap_before: Len,
    /// Added in 0.2.
    #[serde(default = "defaults::half_line")]
    pub min_gap: Len,
    pub line_pitch: Len,
    pub min_line_pitch: Len,
    pub fit: bool,
    /// Added in 0.2.
    #[serde(default = "defaults::yes")]
    pub carry_over: bool,
    pub even_page: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageNumber {
    pub role: Role,
    #[serde(deserialize_with = "pt::<5, 72, _>")]
    pub size: Abs,
    pub dash: String,
    pub position: Position,
    pub below: Len,
    pub indent: Len,
}

/// Where page numbers go, as templates write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Outside,
    #[serde(alias = "center")]
    Centre,
    None,
}

/// A serde error on the merged table, in Chinese: the key, what is wrong
/// and, for an unknown key, the nearest valid name.
pub fn describe(path: &str, message: &str) -> String {
    let key = if path.is_empty() || path == "." {
        String::new()
    } else {
        path.to_string()
    };
    let at = |k: &str| {
        if k.is_empty() {
            String::new()
        } else {
            format!("{k}：")
        }
    };
    // serde's own messages, in English, are few and fixed in form.
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let names = backticked(expected);
        let parent = key
            .strip_suffix(field)
            .map(|p| p.trim_end_matches('.'))
            .unwrap_or(&key);
        let full = if parent.is_empty() {
            field.to_string()
        } else {
            format!("{parent}.{field}")
        };
        return match crate::suggest::nearest(field, names.iter().map(String::as_str)) {
            Some(n) => format!("{full}：没有这一项：是否应为 {n}？"),
            None if names.is_empty() => format!("{full}：没有这一项"),
            None => format!("{full}：没有这一项；这里可用的有 {}", names.join("、")),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return format!(
            "{}“{value}”无法识别；可用的有 {}",
            at(&key),
            backticked(expected).join("、")
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        let full = if key.is_empty() {
            field.to_string()
        } else {
            format!("{key}.{field}")
        };
        return format!("缺少 {full}：请补上（或用 extends = \"jianbao\" 继承内置模板）");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "{}类型不对：应为：{}；现为：{}",
            at(&key),
            kind_zh(want),
            kind_zh(got)
        );
    }
    format!("{}{message}", at(&key))
}

/// The names in backticks of a serde message: "`a`, `b` or `c`".
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// serde's description of a kind of value, in Chinese.
fn kind_zh(s: &str) -> String {
    let s = s.trim();
    let word = |w: &str| s.starts_with(w) || s.starts_with(&format!("a {w}"));
    if word("string") || s.starts_with("a string") {
        "字符串（用引号括起来）".into()
    } else if word("boolean") {
        "true 或 false".into()
    } else if word("integer") || s.starts_with("an integer") || s == "i64" || s == "u32" {
        "整数".into()
    } else if word("floating point") || s == "f64" {
        "数".into()
    } else if word("map") || s.starts_with("struct") {
        "表（[…] 一节或 { … }）".into()
    } else if word("sequence") {
        "列表 [ … ]".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_chinese_with_the_key() {
        assert_eq!(
            describe(
                "page.topp",
                "unknown field `topp`, expected one of `width`, `height`, `top`"
            ),
            "page.topp：没有这一项：是否应为 top？"
        );
        assert_eq!(
            describe("", "unknown field `body`, expected one of `name`, `page`"),
            "body：没有这一项；这里可用的有 name、page"
        );
        assert!(describe(
            "page_number.position",
            "unknown variant `left`, expected one of `outside`, `centre`, `none`"
        )
        .contains("可用的有 outside、centre、none"));
        assert_eq!(
            describe(
                "footer.even_page",
                "invalid type: string \"yes\", expected a boolean"
            ),
            "footer.even_page：类型不对：应为：true 或 false；现为：字符串（用引号括起来）"
        );
        assert!(describe("masthead", "missing field `name_role`").contains("masthead.name_role"));
    }
}
