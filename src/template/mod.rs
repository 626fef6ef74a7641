//! Templates: the TOML data files of `templates/`, read and resolved so that
//! every length is in points and no value is left optional.
//!
//! The built-in templates are compiled into the program, so they work from any
//! directory. A template file may `extends = "jianbao"` and give only what it
//! changes; tables are merged key by key. Reading ([`source`]), the file
//! format with its ranges ([`raw`]) and resolution to points ([`resolve`])
//! are one file each.

mod raw;
mod resolve;
mod source;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::error::Result;
use crate::model::TemplateRef;

pub use source::{MAX_CHAIN, MAX_TEMPLATE_BYTES};

/// The built-in templates: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[("jianbao", include_str!("../../templates/jianbao.toml"))];

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

/// One face of a role's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceSpec {
    /// The font file's name in the font folder (`file.ttc#face` for a face
    /// of a collection: `crate::fonts::collection`).
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
        if self.mirror_margins && number.is_multiple_of(2) {
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
    /// The copy number's label: 编号：.
    pub copy_number_label: String,
    /// The copy number's style (GB/T 9704-2012 §7.2.1: 三号).
    pub copy_number: TextStyle,
}

/// Where the 编者按 is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePosition {
    /// Below the masthead rule, before the guide.
    BeforeGuide,
    /// After the guide, before the first article.
    AfterGuide,
}

/// The 编者按 of an issue and the 按语 of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteStyle {
    /// The issue's label, run into the first paragraph: 编者按：.
    pub label: String,
    /// An article's label.
    pub article_label: String,
    /// Style of the label (黑体).
    pub label_style: TextStyle,
    /// Style of the text (楷体).
    pub text: TextStyle,
    /// First-line indent.
    pub indent: f32,
    /// Where the issue's note goes.
    pub position: NotePosition,
    /// Blank lines after the issue's note.
    pub blank_lines_after: u32,
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
    /// Gap between a Han character and a Latin run, in 字 (the grid cell on
    /// the grid, the text size elsewhere).
    pub latin_gap_zi: f32,
    /// Whether punctuation is compressed (GB/T 15834 style).
    pub compress_punctuation: bool,
    /// Whether a line-end mark may hang past the right edge (Word's 允许标点溢出边界).
    pub hanging_punctuation: bool,
    /// Whether widow and orphan control is on.
    pub widow_orphan: bool,
    /// How digit and Latin runs sit on the character grid.
    pub grid_latin: GridLatin,
    /// The most justification may add between two characters of a line, in 字.
    pub max_letter_spacing_zi: f32,
    /// The most justification may add to a space between Latin words, in 字.
    pub max_word_spacing_zi: f32,
    /// Whether English words may be hyphenated to keep a line within the
    /// spacing limits.
    pub hyphenate: bool,
    /// Whether a paragraph's last line of one character (孤字) is avoided.
    pub avoid_lone_characters: bool,
}

/// How digit and Latin runs sit on the character grid (layout.md §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridLatin {
    /// As Word and WPS set them on a grid of 每行28字 (`docGrid
    /// linesAndChars`): each glyph at its own advance plus the grid's
    /// per-character adjustment (cell − font size), and the ¼ 字 gap
    /// between a Han character and the run (autospace).
    Word,
    /// As LibreOffice sets them on a character grid: the run centred in the
    /// fewest whole cells that hold it, no gap.
    Cells,
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
    /// 本期增发：
    pub extra_label: String,
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
    /// The least room between the last text line's baseline and the
    /// footer's first rule (half a line: no text touches the rule).
    pub min_gap: f32,
    /// The footer's own line pitch.
    pub line_pitch: f32,
    /// The smallest pitch the fitting may tighten the footer to.
    pub min_line_pitch: f32,
    /// Whether a footer that would stand alone on a new page may be fitted
    /// on the last page by tightening it (layout.md §6.2).
    pub fit: bool,
    /// Whether, when the footer would stand alone on a new page, the body's
    /// last lines go with it (layout.md §6.2).
    pub carry_over: bool,
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
    /// The template as one TOML text: its chain merged, without `extends`
    /// (what an issued copy keeps, so that it can be laid out again).
    pub merged: String,
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
    /// 编者按 and 按语.
    pub note: NoteStyle,
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
    let sources = match override_path {
        Some(p) => source::read_chain(&TemplateRef::File(p.to_path_buf()), Path::new("."))?,
        None => source::read_chain(reference, base_dir)?,
    };
    resolve::resolve(&sources)
}

/// Resolve a template given as TOML text (which may extend built-in templates).
pub fn from_str(label: &str, text: &str) -> Result<Template> {
    resolve::resolve(&source::chain_of_text(label, text)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

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
    fn every_number_has_a_range_and_everything_stays_on_the_page() {
        let refused = |toml: &str, expect: &str| {
            let e = from_str("t.toml", &format!("extends = \"jianbao\"\n{toml}\n")).unwrap_err();
            assert!(e.to_string().contains(expect), "{toml}: {e}");
        };
        refused(
            "[title]\nblank_lines_before = 100000",
            "title.blank_lines_before",
        );
        refused("[guide]\nblank_lines_after = -1", "0 到 10");
        refused("[paragraph]\nindent = \"1000字\"", "超出范围");
        refused("[paragraph]\nindent = \"-2字\"", "超出范围");
        refused("[page]\nwidth = \"0mm\"", "page.width");
        refused(
            "[masthead]\nname_min_scale = 0.1",
            "masthead.name_min_scale",
        );
        refused("[grid]\nem_ascent = 2.0", "grid.em_ascent");
        refused("[title]\nsize = \"60pt\"", "title.size");
        refused("[paragraph]\nindent = \"15字\"", "一半");
        refused("[masthead]\nname_line = 10\nname_grid_lines = 10", "报头");
        refused("[page_number]\nbelow = \"60mm\"", "超出了纸张");
        refused("[page]\ntopp = \"3mm\"", "是否应为 top");
        refused(
            "[fonts.bodi]\nfaces = [\"x.otf\"]\nlatin = \"latin\"",
            "是否应为 body",
        );
        refused("[page_number]\nposition = \"left\"", "outside");
        refused("[footer]\neven_page = \"yes\"", "true 或 false");
        // In range: accepted.
        let t = from_str(
            "t.toml",
            "extends = \"jianbao\"\n[title]\nblank_lines_before = 2\n",
        )
        .unwrap();
        assert_eq!(t.title.blank_lines_before, 2);
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
        // A file that cannot be read is a file error (exit code 2), in Chinese.
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(e.to_string().contains("找不到"), "{e}");
        assert!(!e.is_content_error());
    }
}
