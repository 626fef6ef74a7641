//! Templates: the TOML data files of `templates/`, read and resolved so that
//! every length is in points and no value is left optional.
//!
//! The built-in templates are compiled into the program, so they work from any
//! directory. A template file may `extends = "jianbao"` and give only what it
//! changes; tables are merged key by key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::TemplateRef;
use crate::units::{Context, Length};

/// The built-in templates: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[("jianbao", include_str!("../templates/jianbao.toml"))];

/// A font role: what a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 小标宋: masthead name, article titles.
    Title,
    /// 仿宋: paragraphs and footer.
    Body,
    /// 黑体: marking, labels, section headings, ▲ leads.
    Heading,
    /// 楷体: guide items, issue line, issuer and date.
    Kai,
    /// 宋体: page numbers.
    Song,
    /// Latin letters and digits.
    Latin,
    /// Bold Latin letters and digits (inside titles and headings).
    LatinBold,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 7] = [
        Role::Title,
        Role::Body,
        Role::Heading,
        Role::Kai,
        Role::Song,
        Role::Latin,
        Role::LatinBold,
    ];

    /// The role's name as templates write it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading => "heading",
            Role::Kai => "kai",
            Role::Song => "song",
            Role::Latin => "latin",
            Role::LatinBold => "latin_bold",
        }
    }

    /// Whether the role sets Latin letters and digits (rather than CJK text).
    pub fn is_latin(self) -> bool {
        matches!(self, Role::Latin | Role::LatinBold)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub use crate::layout::Rgb;

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

/// One face of a role's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceSpec {
    /// The font file's name in the font folder.
    pub file: String,
    /// When set, the face is used only for these characters.
    pub only: Option<Vec<char>>,
}

/// The fonts of one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFonts {
    /// The chain of faces, tried in order.
    pub faces: Vec<FaceSpec>,
    /// The role that sets digits and Latin letters inside text of this role.
    pub latin: Role,
}

/// Page size and type area, in pt.
#[derive(Debug, Clone, PartialEq)]
pub struct PageStyle {
    /// Paper width.
    pub width: f32,
    /// Paper height.
    pub height: f32,
    /// Distance from the paper's top to the type area.
    pub top: f32,
    /// Distance from the paper's left edge to the type area (odd pages).
    pub left: f32,
    /// Type area width.
    pub type_width: f32,
    /// Type area height.
    pub type_height: f32,
    /// Whether even pages swap left and right margins.
    pub mirror_margins: bool,
}

impl PageStyle {
    /// The left edge of the type area on page `number` (1-based).
    pub fn left_on(&self, number: usize) -> f32 {
        if self.mirror_margins && number % 2 == 0 {
            self.width - self.left - self.type_width
        } else {
            self.left
        }
    }
}

/// The body grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridStyle {
    /// Lines a page.
    pub lines: u32,
    /// Characters a line.
    pub chars: u32,
    /// Line pitch: type height / lines.
    pub pitch: f32,
    /// Cell width: type width / chars.
    pub cell: f32,
    /// Height of the em box above the baseline, in em.
    pub em_ascent: f32,
}

/// Text style: role and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// The font role.
    pub role: Role,
    /// The size in pt.
    pub size: f32,
}

/// The masthead's parameters, in pt.
#[derive(Debug, Clone, PartialEq)]
pub struct MastheadStyle {
    /// Marking style.
    pub marking: TextStyle,
    /// Name role.
    pub name_role: Role,
    /// Largest name size.
    pub name_max_size: f32,
    /// Smallest one-line name size.
    pub name_min_size: f32,
    /// Smallest horizontal scale of the name (0–1).
    pub name_min_scale: f32,
    /// Grid line where the name band starts.
    pub name_line: u32,
    /// Grid lines of the name band (at least; a two-line name may take more).
    pub name_grid_lines: u32,
    /// Issue line style.
    pub issue: TextStyle,
    /// Blank grid lines between name and issue line.
    pub blank_lines_before_issue: u32,
    /// Issuer and date style.
    pub issuer: TextStyle,
    /// Smaller issuer size when both do not fit.
    pub issuer_min_size: f32,
    /// Indent of issuer and date from the type area's edges, at the issuer size.
    pub issuer_indent_zi: f32,
    /// Smallest gap between issuer and date, in characters of the issuer size.
    pub issuer_min_gap_zi: f32,
    /// Distance from the issuer line's em box bottom to the rule.
    pub rule_below: f32,
    /// Rule thickness.
    pub rule_thickness: f32,
    /// Whether the rule is doubled (thick over thin).
    pub double_rule: bool,
    /// Thickness of the thin rule of a double rule.
    pub double_thin: f32,
    /// Gap between the two rules of a double rule.
    pub double_gap: f32,
    /// Smallest distance from the rule to the top of the flow's first grid cell.
    pub gap_after_rule: f32,
}

/// The guide's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideStyle {
    /// The label, e.g. 【导读】.
    pub label: String,
    /// Label style.
    pub label_style: TextStyle,
    /// Item style.
    pub item: TextStyle,
    /// The bullet before each item.
    pub bullet: String,
    /// First-line indent.
    pub indent: f32,
    /// Blank lines after the guide.
    pub blank_lines_after: u32,
    /// Whether a frame is drawn around the guide.
    pub frame: bool,
    /// Frame line thickness.
    pub frame_thickness: f32,
    /// Space between frame and text.
    pub frame_padding: f32,
}

/// Article title parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleStyle {
    /// Title style.
    pub text: TextStyle,
    /// Grid lines each title line takes.
    pub grid_lines: u32,
    /// Blank lines before a title (not at a page top or after the masthead/guide).
    pub blank_lines_before: u32,
    /// Blank lines after a title.
    pub blank_lines_after: u32,
}

/// Paragraph parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphStyle {
    /// Paragraph style.
    pub text: TextStyle,
    /// First-line indent.
    pub indent: f32,
}

/// Section heading parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionStyle {
    /// Heading style.
    pub text: TextStyle,
    /// Opening bracket added before the title.
    pub open: String,
    /// Closing bracket added after the title.
    pub close: String,
    /// Blank lines before a section heading (not at a page top).
    pub blank_lines_before: u32,
}

/// ▲ item parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStyle {
    /// The mark, ▲.
    pub mark: String,
    /// Role of the mark, heading items and leads.
    pub mark_role: Role,
    /// Indent of a heading item.
    pub heading_indent: f32,
    /// Text after a lead.
    pub lead_separator: String,
}

/// Composition (line-breaking) parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositionStyle {
    /// Gap between a Han character and a Latin run, in em of the text size.
    pub latin_gap_zi: f32,
    /// Whether punctuation is compressed (GB/T 15834 style).
    pub compress_punctuation: bool,
    /// Whether widow and orphan control is on.
    pub widow_orphan: bool,
}

/// Footer (版记) parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FooterStyle {
    /// Footer style.
    pub text: TextStyle,
    /// Indent from both sides.
    pub indent: f32,
    /// 报：
    pub report_label: String,
    /// 送：
    pub send_label: String,
    /// 发：
    pub issue_label: String,
    /// Between names of a list.
    pub separator: String,
    /// After the imprint date: 印发.
    pub imprint_suffix: String,
    /// The copies text, `{}` replaced by the number.
    pub copies: String,
    /// Smallest horizontal scale of the printing body, to keep the 印发 line on one line.
    pub imprint_min_scale: f32,
    /// First and last rule.
    pub thick_rule: f32,
    /// Rules between elements.
    pub thin_rule: f32,
    /// Space kept free between the body and the footer's first rule.
    pub gap_before: f32,
    /// Whether the footer page is made even with a blank page.
    pub even_page: bool,
}

/// Where page numbers go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberPosition {
    /// Odd pages right, even pages left.
    Outside,
    /// Centred.
    Centre,
    /// No page numbers.
    None,
}

/// Page number parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PageNumberStyle {
    /// Number style.
    pub text: TextStyle,
    /// The dash on each side.
    pub dash: String,
    /// Where the number goes.
    pub position: NumberPosition,
    /// Distance from the type area's bottom to the top of the number.
    pub below: f32,
    /// Indent from the type area's side.
    pub indent: f32,
}

/// A resolved template: every length in pt, nothing optional.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The template's name.
    pub name: String,
    /// SHA-256 (hex) of the template text(s) it was read from, in order.
    pub sha256: String,
    /// Page and type area.
    pub page: PageStyle,
    /// Body grid.
    pub grid: GridStyle,
    /// Text colour.
    pub text_color: Rgb,
    /// Masthead red.
    pub red: Rgb,
    /// Font roles.
    pub fonts: BTreeMap<Role, RoleFonts>,
    /// Masthead.
    pub masthead: MastheadStyle,
    /// Guide.
    pub guide: GuideStyle,
    /// Article titles.
    pub title: TitleStyle,
    /// Paragraphs.
    pub paragraph: ParagraphStyle,
    /// Section headings.
    pub section: SectionStyle,
    /// ▲ items.
    pub item: ItemStyle,
    /// Composition.
    pub composition: CompositionStyle,
    /// Footer.
    pub footer: FooterStyle,
    /// Page numbers.
    pub page_number: PageNumberStyle,
}

impl Template {
    /// The fonts of `role`.
    pub fn role(&self, role: Role) -> &RoleFonts {
        // Resolution guarantees every role is present.
        &self.fonts[&role]
    }
}

/// Load and resolve the template an input asks for (or `override_path`, which wins).
/// `base_dir` is the folder relative template paths are taken from.
pub fn load(
    reference: &TemplateRef,
    base_dir: &Path,
    override_path: Option<&Path>,
) -> Result<Template> {
    let mut sources = Vec::new();
    match override_path {
        Some(p) => read_chain(
            &TemplateRef::File(p.to_path_buf()),
            Path::new("."),
            &mut sources,
        )?,
        None => read_chain(reference, base_dir, &mut sources)?,
    }
    resolve_sources(&sources)
}

/// Resolve a template given as TOML text (which may extend built-in templates).
pub fn from_str(label: &str, text: &str) -> Result<Template> {
    let mut sources = Vec::new();
    let value = parse_toml(label, text)?;
    if let Some(parent) = extends_of(label, &value)? {
        read_chain(&TemplateRef::Builtin(parent), Path::new("."), &mut sources)?;
    }
    sources.push(Source {
        label: label.to_string(),
        text: text.to_string(),
        value,
    });
    resolve_sources(&sources)
}

struct Source {
    label: String,
    text: String,
    value: toml::Table,
}

fn read_chain(reference: &TemplateRef, base_dir: &Path, out: &mut Vec<Source>) -> Result<()> {
    if out.len() > 8 {
        return Err(Error::Template {
            template: describe(reference),
            message: "extends 嵌套太深（是否互相继承？）".into(),
        });
    }
    let (label, text, dir) = match reference {
        TemplateRef::Builtin(name) => match BUILTIN.iter().find(|(n, _)| n == name) {
            Some((n, t)) => (n.to_string(), t.to_string(), PathBuf::from(".")),
            None => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(Error::Template {
                    template: name.clone(),
                    message: format!(
                        "没有这个内置模板：可用的有 {}；模板文件请写路径（如 ./my.toml）",
                        names.join("、")
                    ),
                });
            }
        },
        TemplateRef::File(path) => {
            let full = if path.is_absolute() {
                path.clone()
            } else {
                base_dir.join(path)
            };
            let text = std::fs::read_to_string(&full).map_err(|e| Error::Template {
                template: full.display().to_string(),
                message: format!("无法读取模板文件：{e}"),
            })?;
            let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
            (full.display().to_string(), text, dir)
        }
    };
    let value = parse_toml(&label, &text)?;
    if let Some(parent) = extends_of(&label, &value)? {
        let parent_ref =
            if parent.contains('/') || parent.contains('\\') || parent.ends_with(".toml") {
                TemplateRef::File(PathBuf::from(parent))
            } else {
                TemplateRef::Builtin(parent)
            };
        read_chain(&parent_ref, &dir, out)?;
    }
    out.push(Source { label, text, value });
    Ok(())
}

fn describe(r: &TemplateRef) -> String {
    match r {
        TemplateRef::Builtin(n) => n.clone(),
        TemplateRef::File(p) => p.display().to_string(),
    }
}

fn parse_toml(label: &str, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| Error::Template {
        template: label.to_string(),
        message: format!("TOML 格式错误：{}", e.to_string().trim()),
    })
}

fn extends_of(label: &str, value: &toml::Table) -> Result<Option<String>> {
    match value.get("extends") {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::Template {
            template: label.to_string(),
            message: "extends 应是模板名或文件路径（字符串）".into(),
        }),
    }
}

fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

fn resolve_sources(sources: &[Source]) -> Result<Template> {
    let label = sources.last().map(|s| s.label.clone()).unwrap_or_default();
    let mut merged = toml::Table::new();
    let mut hasher = Sha256::new();
    for s in sources {
        merge(&mut merged, &s.value);
        hasher.update(s.text.as_bytes());
    }
    merged.remove("extends");
    let raw: raw::Template =
        toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| Error::Template {
                template: label.clone(),
                message: format!("内容有误：{}", e.message().trim()),
            })?;
    let sha256 = hex(&hasher.finalize());
    raw.resolve(sha256).map_err(|message| Error::Template {
        template: label,
        message,
    })
}

/// Lower-case hexadecimal of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The template file format, as serde reads it.
mod raw {
    use super::*;

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
        pub width: String,
        pub height: String,
        pub top: String,
        pub left: String,
        pub type_width: String,
        pub type_height: String,
        pub mirror_margins: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Grid {
        pub lines: u32,
        pub chars: u32,
        pub em_ascent: f32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Colors {
        pub text: String,
        pub red: String,
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
        pub marking_size: String,
        pub name_role: Role,
        pub name_max_size: String,
        pub name_min_size: String,
        pub name_min_scale: f32,
        pub name_line: u32,
        pub name_grid_lines: u32,
        pub issue_role: Role,
        pub issue_size: String,
        pub blank_lines_before_issue: u32,
        pub issuer_role: Role,
        pub issuer_size: String,
        pub issuer_min_size: String,
        pub issuer_indent: String,
        pub issuer_min_gap: String,
        pub rule_below: String,
        pub rule_thickness: String,
        pub double_rule: bool,
        pub double_thin: String,
        pub double_gap: String,
        pub gap_after_rule: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Guide {
        pub label: String,
        pub label_role: Role,
        pub item_role: Role,
        pub size: String,
        pub bullet: String,
        pub indent: String,
        pub blank_lines_after: u32,
        pub frame: bool,
        pub frame_thickness: String,
        pub frame_padding: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Title {
        pub role: Role,
        pub size: String,
        pub grid_lines: u32,
        pub blank_lines_before: u32,
        pub blank_lines_after: u32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Paragraph {
        pub role: Role,
        pub size: String,
        pub indent: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Section {
        pub role: Role,
        pub size: String,
        pub open: String,
        pub close: String,
        pub blank_lines_before: u32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Item {
        pub mark: String,
        pub mark_role: Role,
        pub heading_indent: String,
        pub lead_separator: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Composition {
        pub latin_gap: String,
        pub compress_punctuation: bool,
        pub widow_orphan: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Footer {
        pub role: Role,
        pub size: String,
        pub indent: String,
        pub report_label: String,
        pub send_label: String,
        pub issue_label: String,
        pub separator: String,
        pub imprint_suffix: String,
        pub copies: String,
        pub imprint_min_scale: f32,
        pub thick_rule: String,
        pub thin_rule: String,
        pub gap_before: String,
        pub even_page: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PageNumber {
        pub role: Role,
        pub size: String,
        pub dash: String,
        pub position: String,
        pub below: String,
        pub indent: String,
    }

    /// Resolves lengths with a fixed context and names the key in errors.
    struct Resolver {
        line: f32,
    }

    impl Resolver {
        fn len(&self, key: &str, s: &str, zi: f32) -> Result<f32, String> {
            let l = Length::parse(s).map_err(|e| format!("{key}：{e}"))?;
            let v = l.to_pt(Context {
                zi,
                line: self.line,
            });
            if v < 0.0 {
                return Err(format!("{key}：长度不能为负（{s}）"));
            }
            Ok(v)
        }

        /// A length that must not depend on the text (a size or a page measure).
        fn abs(&self, key: &str, s: &str) -> Result<f32, String> {
            let l = Length::parse(s).map_err(|e| format!("{key}：{e}"))?;
            match l.absolute() {
                Some(v) if v > 0.0 => Ok(v),
                Some(_) => Err(format!("{key}：应大于 0（{s}）")),
                None => Err(format!(
                    "{key}：这里要用绝对长度（pt、mm），不能用“字”或“行”（{s}）"
                )),
            }
        }

        /// A length in characters, kept as a number of characters.
        fn zi(&self, key: &str, s: &str) -> Result<f32, String> {
            match Length::parse(s).map_err(|e| format!("{key}：{e}"))? {
                Length::Zi(v) if v >= 0.0 => Ok(v),
                _ => Err(format!("{key}：这里的长度以“字”为单位（如 1字），现为 {s}")),
            }
        }
    }

    fn nonempty(key: &str, s: &str) -> Result<String, String> {
        if s.is_empty() {
            Err(format!("{key} 不能为空"))
        } else {
            Ok(s.to_string())
        }
    }

    impl Template {
        pub fn resolve(self, sha256: String) -> Result<super::Template, String> {
            let p = &self.page;
            let tmp = Resolver { line: 0.0 };
            let page = PageStyle {
                width: tmp.abs("page.width", &p.width)?,
                height: tmp.abs("page.height", &p.height)?,
                top: tmp.abs("page.top", &p.top)?,
                left: tmp.abs("page.left", &p.left)?,
                type_width: tmp.abs("page.type_width", &p.type_width)?,
                type_height: tmp.abs("page.type_height", &p.type_height)?,
                mirror_margins: p.mirror_margins,
            };
            if page.left + page.type_width > page.width + 0.01
                || page.top + page.type_height > page.height + 0.01
            {
                return Err("版心超出了纸张：检查 page 的尺寸".into());
            }
            if self.grid.lines == 0 || self.grid.chars == 0 {
                return Err("grid.lines 和 grid.chars 应大于 0".into());
            }
            if !(0.5..=1.0).contains(&self.grid.em_ascent) {
                return Err("grid.em_ascent 应在 0.5 到 1 之间".into());
            }
            let grid = GridStyle {
                lines: self.grid.lines,
                chars: self.grid.chars,
                pitch: page.type_height / self.grid.lines as f32,
                cell: page.type_width / self.grid.chars as f32,
                em_ascent: self.grid.em_ascent,
            };
            let r = Resolver { line: grid.pitch };
            let color = |key: &str, s: &str| {
                parse_color(s).ok_or_else(|| format!("{key}：颜色写成 #RRGGBB（现为“{s}”）"))
            };

            let mut fonts = BTreeMap::new();
            for (name, rf) in self.fonts {
                let role = Role::ALL
                    .into_iter()
                    .find(|r| r.name() == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                        format!(
                            "fonts.{name}：没有这个字体角色；可用的有 {}",
                            names.join("、")
                        )
                    })?;
                if rf.faces.is_empty() {
                    return Err(format!("fonts.{name}.faces：至少要有一个字体文件"));
                }
                let faces = rf
                    .faces
                    .into_iter()
                    .map(|f| match f {
                        Face::File(file) => FaceSpec { file, only: None },
                        Face::Limited { file, only } => FaceSpec {
                            file,
                            only: Some(only.chars().collect()),
                        },
                    })
                    .collect();
                if !rf.latin.is_latin() && rf.latin != role {
                    return Err(format!(
                        "fonts.{name}.latin：应是 latin、latin_bold 或本角色自己（{name}）"
                    ));
                }
                fonts.insert(
                    role,
                    super::RoleFonts {
                        faces,
                        latin: rf.latin,
                    },
                );
            }
            if let Some(missing) = Role::ALL.iter().find(|r| !fonts.contains_key(r)) {
                return Err(format!("缺少字体角色 [fonts.{missing}]"));
            }

            let m = &self.masthead;
            let issuer_size = r.abs("masthead.issuer_size", &m.issuer_size)?;
            let min_scale = m.name_min_scale;
            if !(0.5..=1.0).contains(&min_scale) {
                return Err("masthead.name_min_scale 应在 0.5 到 1 之间".into());
            }
            let masthead = MastheadStyle {
                marking: TextStyle {
                    role: m.marking_role,
                    size: r.abs("masthead.marking_size", &m.marking_size)?,
                },
                name_role: m.name_role,
                name_max_size: r.abs("masthead.name_max_size", &m.name_max_size)?,
                name_min_size: r.abs("masthead.name_min_size", &m.name_min_size)?,
                name_min_scale: min_scale,
                name_line: m.name_line,
                name_grid_lines: m.name_grid_lines.max(1),
                issue: TextStyle {
                    role: m.issue_role,
                    size: r.abs("masthead.issue_size", &m.issue_size)?,
                },
                blank_lines_before_issue: m.blank_lines_before_issue,
                issuer: TextStyle {
                    role: m.issuer_role,
                    size: issuer_size,
                },
                issuer_min_size: r.abs("masthead.issuer_min_size", &m.issuer_min_size)?,
                issuer_indent_zi: r.zi("masthead.issuer_indent", &m.issuer_indent)?,
                issuer_min_gap_zi: r.zi("masthead.issuer_min_gap", &m.issuer_min_gap)?,
                rule_below: r.len("masthead.rule_below", &m.rule_below, issuer_size)?,
                rule_thickness: r.abs("masthead.rule_thickness", &m.rule_thickness)?,
                double_rule: m.double_rule,
                double_thin: r.abs("masthead.double_thin", &m.double_thin)?,
                double_gap: r.len("masthead.double_gap", &m.double_gap, issuer_size)?,
                gap_after_rule: r.len("masthead.gap_after_rule", &m.gap_after_rule, issuer_size)?,
            };
            if masthead.name_min_size > masthead.name_max_size {
                return Err("masthead.name_min_size 不能大于 name_max_size".into());
            }

            let g = &self.guide;
            let guide_size = r.abs("guide.size", &g.size)?;
            let guide = GuideStyle {
                label: nonempty("guide.label", &g.label)?,
                label_style: TextStyle {
                    role: g.label_role,
                    size: guide_size,
                },
                item: TextStyle {
                    role: g.item_role,
                    size: guide_size,
                },
                bullet: nonempty("guide.bullet", &g.bullet)?,
                indent: r.len("guide.indent", &g.indent, grid.cell)?,
                blank_lines_after: g.blank_lines_after,
                frame: g.frame,
                frame_thickness: r.abs("guide.frame_thickness", &g.frame_thickness)?,
                frame_padding: r.len("guide.frame_padding", &g.frame_padding, grid.cell)?,
            };

            let t = &self.title;
            if t.grid_lines == 0 {
                return Err("title.grid_lines 应大于 0".into());
            }
            let title = TitleStyle {
                text: TextStyle {
                    role: t.role,
                    size: r.abs("title.size", &t.size)?,
                },
                grid_lines: t.grid_lines,
                blank_lines_before: t.blank_lines_before,
                blank_lines_after: t.blank_lines_after,
            };
            let paragraph = ParagraphStyle {
                text: TextStyle {
                    role: self.paragraph.role,
                    size: r.abs("paragraph.size", &self.paragraph.size)?,
                },
                indent: r.len("paragraph.indent", &self.paragraph.indent, grid.cell)?,
            };
            if paragraph.text.size > grid.pitch {
                return Err("paragraph.size 大于网格行距，正文放不进一行".into());
            }
            let section = SectionStyle {
                text: TextStyle {
                    role: self.section.role,
                    size: r.abs("section.size", &self.section.size)?,
                },
                open: self.section.open.clone(),
                close: self.section.close.clone(),
                blank_lines_before: self.section.blank_lines_before,
            };
            let item = ItemStyle {
                mark: nonempty("item.mark", &self.item.mark)?,
                mark_role: self.item.mark_role,
                heading_indent: r.len(
                    "item.heading_indent",
                    &self.item.heading_indent,
                    grid.cell,
                )?,
                lead_separator: self.item.lead_separator.clone(),
            };
            let composition = CompositionStyle {
                latin_gap_zi: r.zi("composition.latin_gap", &self.composition.latin_gap)?,
                compress_punctuation: self.composition.compress_punctuation,
                widow_orphan: self.composition.widow_orphan,
            };
            let f = &self.footer;
            let footer_size = r.abs("footer.size", &f.size)?;
            if !f.copies.contains("{}") {
                return Err("footer.copies 应含 {}，用来放份数，如“（共印{}份）”".into());
            }
            let footer = FooterStyle {
                text: TextStyle {
                    role: f.role,
                    size: footer_size,
                },
                indent: r.len("footer.indent", &f.indent, footer_size)?,
                report_label: f.report_label.clone(),
                send_label: f.send_label.clone(),
                issue_label: f.issue_label.clone(),
                separator: f.separator.clone(),
                imprint_suffix: f.imprint_suffix.clone(),
                copies: f.copies.clone(),
                imprint_min_scale: f.imprint_min_scale.clamp(0.5, 1.0),
                thick_rule: r.abs("footer.thick_rule", &f.thick_rule)?,
                thin_rule: r.abs("footer.thin_rule", &f.thin_rule)?,
                gap_before: r.len("footer.gap_before", &f.gap_before, footer_size)?,
                even_page: f.even_page,
            };
            let n = &self.page_number;
            let number_size = r.abs("page_number.size", &n.size)?;
            let position = match n.position.as_str() {
                "outside" => NumberPosition::Outside,
                "centre" | "center" => NumberPosition::Centre,
                "none" => NumberPosition::None,
                other => {
                    return Err(format!(
                        "page_number.position：“{other}”无法识别，可用 outside、centre、none"
                    ))
                }
            };
            let page_number = PageNumberStyle {
                text: TextStyle {
                    role: n.role,
                    size: number_size,
                },
                dash: n.dash.clone(),
                position,
                below: r.len("page_number.below", &n.below, number_size)?,
                indent: r.len("page_number.indent", &n.indent, number_size)?,
            };

            Ok(super::Template {
                name: self.name,
                sha256,
                page,
                grid,
                text_color: color("colors.text", &self.colors.text)?,
                red: color("colors.red", &self.colors.red)?,
                fonts,
                masthead,
                guide,
                title,
                paragraph,
                section,
                item,
                composition,
                footer,
                page_number,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Template {
        load(
            &TemplateRef::Builtin("jianbao".into()),
            Path::new("."),
            None,
        )
        .unwrap()
    }

    #[test]
    fn builtin_template_has_the_numbers_of_layout_md() {
        let t = builtin();
        // layout.md §1.1: A4, 37 mm top, 28 mm left, 156 × 225 mm type area.
        assert!((t.page.width - 595.276).abs() < 0.01);
        assert!((t.page.height - 841.89).abs() < 0.01);
        assert!((t.page.top - 104.882).abs() < 0.01);
        assert!((t.page.left - 79.370).abs() < 0.01);
        // layout.md §1.2: pitch 28.99 pt, cell 15.79 pt.
        assert!((t.grid.pitch - 28.99).abs() < 0.01, "{}", t.grid.pitch);
        assert!((t.grid.cell - 15.79).abs() < 0.01, "{}", t.grid.cell);
        assert_eq!(t.paragraph.text.size, 16.0);
        assert!((t.paragraph.indent - 2.0 * t.grid.cell).abs() < 1e-4);
        assert_eq!(t.title.text.size, 22.0);
        assert_eq!(t.masthead.name_max_size, 42.0);
        assert_eq!(t.red, Rgb(1.0, 0.0, 0.0));
        assert!((t.footer.thick_rule - 0.992).abs() < 0.01);
        assert_eq!(t.footer.indent, 14.0);
        assert_eq!(t.page_number.position, NumberPosition::Outside);
        assert_eq!(t.role(Role::Body).faces[0].file, "FandolFang-Regular.otf");
        assert_eq!(t.role(Role::Body).latin, Role::Latin);
        assert_eq!(t.sha256.len(), 64);
    }

    #[test]
    fn extends_overrides_only_what_it_gives() {
        let t = from_str(
            "mine.toml",
            "extends = \"jianbao\"\nname = \"mine\"\n[page_number]\nposition = \"centre\"\n",
        )
        .unwrap();
        assert_eq!(t.name, "mine");
        assert_eq!(t.page_number.position, NumberPosition::Centre);
        assert_eq!(t.page_number.text.size, 14.0);
        assert_ne!(t.sha256, builtin().sha256);
    }

    #[test]
    fn unknown_keys_and_bad_lengths_are_errors() {
        let e = from_str("a.toml", "extends = \"jianbao\"\n[page]\ntopp = \"3mm\"\n").unwrap_err();
        assert!(e.to_string().contains("topp"), "{e}");
        let e = from_str("a.toml", "extends = \"jianbao\"\n[page]\ntop = \"37\"\n").unwrap_err();
        assert!(e.to_string().contains("缺少单位"), "{e}");
        let e = from_str(
            "a.toml",
            "extends = \"jianbao\"\n[fonts.body]\nfaces = []\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("fonts.body.faces"), "{e}");
        let e = from_str("a.toml", "extends = \"nosuch\"\n").unwrap_err();
        assert!(e.to_string().contains("没有这个内置模板"), "{e}");
        let e = from_str("a.toml", "extends = \"jianbao\"\n[colors]\nred = \"red\"\n").unwrap_err();
        assert!(e.to_string().contains("#RRGGBB"), "{e}");
    }

    #[test]
    fn unknown_builtin_and_missing_file_are_errors() {
        let e = load(
            &TemplateRef::Builtin("gongwen".into()),
            Path::new("."),
            None,
        )
        .unwrap_err();
        assert!(matches!(e, Error::Template { .. }));
        let e = load(
            &TemplateRef::File("no/such.toml".into()),
            Path::new("/nonexistent"),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("无法读取模板文件"), "{e}");
    }
}
