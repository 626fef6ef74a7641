//! The paragraphs of a .docx (Word, WPS, LibreOffice) with the hints a
//! bulletin's structure shows in: alignment, bold, font size, list marks.
//!
//! A .docx is a zip of XML parts. This reads only `word/document.xml` (or the
//! part `_rels/.rels` names) and `word/styles.xml`, as a stream of XML events
//! (quick-xml): no tree of the part is built, every element is handled once
//! with a stack of what it is in, so that time is in proportion to the part
//! and memory to the text read. It ignores every element it does not know:
//! text in tables and text boxes is read in document order, deleted
//! revisions, field codes and the fallback copies of drawings are skipped.
//!
//! What it refuses, each with a Chinese message: a part that unpacks to more
//! than [`MAX_PART`] (the document) or [`MAX_SMALL_PART`] (styles, package
//! relationships); elements nested deeper than [`MAX_DEPTH`]; an element
//! with more than [`MAX_ATTRIBUTES`] attributes; more than [`MAX_TEXT`] of
//! text; a document type declaration (entities); parts compressed other than
//! with Deflate, and encrypted ones.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, Result};

/// A paragraph's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Left, justified or not given.
    #[default]
    Start,
    /// Centred.
    Centre,
    /// Right.
    End,
}

/// One paragraph of the document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    /// Its text; `\n` where a line break (Shift+Enter) was typed, `\t` for tabs.
    pub text: String,
    /// Its alignment.
    pub align: Align,
    /// Whether all its text is bold.
    pub bold: bool,
    /// The largest font size of its text, in pt, when known.
    pub size: Option<f32>,
    /// Whether it is an item of a numbered or bulleted list.
    pub list: bool,
    /// Whether its first line is indented.
    pub indent: bool,
}

/// The most the document part may unpack to: the `document.xml` of a
/// 60-page bulletin is about 1 MB, of a 300-page one with much formatting
/// under 20 MB (pictures are parts of their own, never unpacked).
pub const MAX_PART: u64 = 64 << 20;

/// The most the styles and the package relationships may unpack to.
pub const MAX_SMALL_PART: u64 = 16 << 20;

/// The deepest nesting of XML elements read: Word nests a text box in a
/// table about 20 deep.
pub const MAX_DEPTH: usize = 256;

/// The most attributes one element may have (Word writes at most a few dozen).
pub const MAX_ATTRIBUTES: usize = 1000;

/// The most text (UTF-8 bytes) read out of a draft: twice what fits in a
/// bulletin's JSON ([`crate::model::MAX_INPUT_BYTES`]).
pub const MAX_TEXT: usize = 8 << 20;

/// The most paragraphs read out of a .docx: a 1,000-page bulletin has
/// about 20,000.
pub const MAX_PARAGRAPHS: usize = 100_000;

/// The paragraphs of the .docx in `bytes`, in document order.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<Paragraph>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        let what = match e {
            zip::result::ZipError::UnsupportedArchive(_) => "使用了本程序不支持的 zip 格式",
            _ => "无法作为 zip 打开，可能已损坏或不完整",
        };
        draft(format!(
            "不是有效的 .docx 文件（{what}）：请用 Word 或 WPS 重新保存为 .docx"
        ))
    })?;
    let main = match part(&mut zip, "_rels/.rels", MAX_SMALL_PART)? {
        Some(rels) => main_part(rels)?,
        None => None,
    }
    .unwrap_or_else(|| "word/document.xml".to_string());
    if zip.index_for_name(&main).is_none() {
        if zip.index_for_name("content.xml").is_some() {
            return Err(draft(
                "这是 OpenDocument（.odt）文件：请在 WPS 或 LibreOffice 中“另存为” .docx 后再导入"
                    .to_string(),
            ));
        }
        return Err(draft(format!(
            "这个 .docx 中没有正文部分 {main}：可能是其他格式改了扩展名，请用 Word 或 WPS 重新保存为 .docx"
        )));
    }
    let styles = match part(&mut zip, "word/styles.xml", MAX_SMALL_PART)? {
        Some(xml) => Styles::read(xml)?,
        None => Styles::default(),
    };
    let Some(document) = part(&mut zip, &main, MAX_PART)? else {
        return Err(draft(format!("这个 .docx 中没有正文部分 {main}")));
    };
    let mut reader = Body::new(&styles);
    events(document, &mut |e| reader.event(e))?;
    Ok(reader.out)
}

fn draft(message: String) -> Error {
    Error::Draft {
        line: None,
        message,
    }
}

/// A part of the zip, ready to be read (at most `limit` bytes unpacked);
/// `None` when there is no such part.
fn part<'z>(
    zip: &'z mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Part<'z>>> {
    let Some(i) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let broken = || {
        draft(format!(
            "这个 .docx 中的 {name} 已损坏，无法读取：请用 Word 或 WPS 重新保存为 .docx"
        ))
    };
    {
        let raw = zip.by_index_raw(i).map_err(|_| broken())?;
        if raw.encrypted() {
            return Err(draft(
                "这个 .docx 加了密码（zip 加密），无法读取：请在 Word 或 WPS 中去掉密码，另存为 .docx 后再导入"
                    .to_string(),
            ));
        }
        use zip::CompressionMethod as M;
        let method = raw.compression();
        if !matches!(method, M::Stored | M::Deflated) {
            // Methods this build cannot unpack have no variant of their own.
            #[allow(deprecated)]
            let code = method.to_u16();
            let what = match M::name_from_u16(code) {
                "Aes" => {
                    return Err(draft(
                        "这个 .docx 加了密码（AES 加密），无法读取：请在 Word 或 WPS 中去掉密码，另存为 .docx 后再导入"
                            .to_string(),
                    ))
                }
                "Bzip2" => "bzip2".to_string(),
                "Lzma" => "LZMA".to_string(),
                "Xz" => "XZ".to_string(),
                "Zstd" => "Zstandard".to_string(),
                "Unknown" => format!("第 {code} 号压缩方法"),
                other => other.to_string(),
            };
            return Err(draft(format!(
                "这个 .docx 中的 {name} 用 {what} 压缩：Word 和 WPS 保存的 .docx 只用标准的 Deflate 压缩，本程序也只读这种；请用 Word 或 WPS 重新保存为 .docx"
            )));
        }
        if raw.size() > limit {
            return Err(too_large_part(name, limit));
        }
    }
    let file = zip.by_index(i).map_err(|_| broken())?;
    Ok(Some(Part {
        name: name.to_string(),
        limit,
        reader: Box::new(Capped {
            inner: file,
            left: limit,
        }),
    }))
}

fn too_large_part(name: &str, limit: u64) -> Error {
    draft(format!(
        "这个 .docx 中的 {name} 解压后超过 {} MB，不像是一份简报（可能是压缩炸弹）：请确认选对了文件",
        limit >> 20
    ))
}

/// A part being read: its name, its limit, its bytes.
struct Part<'z> {
    name: String,
    limit: u64,
    reader: Box<dyn Read + 'z>,
}

/// A reader that fails once more than `left` bytes came out (the zip's
/// stated size can lie).
struct Capped<R> {
    inner: R,
    left: u64,
}

/// The error [`Capped`] gives past its limit.
#[derive(Debug)]
struct OverLimit;

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the limit")
    }
}

impl std::error::Error for OverLimit {}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(OverLimit));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// One XML event as the readers below see it: names are local (without
/// their namespace prefix), entities are resolved into text, an empty
/// element is a start and an end.
enum Ev<'a, 'b> {
    Start(&'a BytesStart<'b>),
    End,
    Text(&'a str),
}

/// The value of the attribute `local` of `e`, whatever its namespace prefix.
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn local<'a>(e: &'a BytesStart) -> &'a str {
    let name = e.name().0;
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Read the XML of `part`, calling `f` for each event, within the limits of
/// depth, attributes and size.
fn events(part: Part, f: &mut dyn FnMut(Ev) -> Result<()>) -> Result<()> {
    let name = part.name.clone();
    let limit = part.limit;
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, part.reader));
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let invalid = |at: u64, why: &str| {
        draft(format!(
            "这个 .docx 中的 {name} 不是有效的 XML（第 {at} 个字节附近{why}）：请用 Word 或 WPS 重新保存"
        ))
    };
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let over = match &e {
                    quick_xml::Error::Io(io) => {
                        io.get_ref().is_some_and(|inner| inner.is::<OverLimit>())
                    }
                    _ => false,
                };
                if over {
                    return Err(too_large_part(&name, limit));
                }
                let why = match e {
                    quick_xml::Error::Io(_) => "：数据已损坏",
                    quick_xml::Error::Encoding(_) => "：不是 UTF-8 编码",
                    quick_xml::Error::IllFormed(_) => "：标签不配对",
                    _ => "",
                };
                return Err(invalid(reader.error_position(), why));
            }
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                check_element(&e, depth, &name)?;
                f(Ev::Start(&e))?;
            }
            Event::Empty(e) => {
                check_element(&e, depth + 1, &name)?;
                f(Ev::Start(&e))?;
                f(Ev::End)?;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                f(Ev::End)?;
            }
            Event::Text(t) => f(Ev::Text(&t.xml10_content()))?,
            Event::CData(t) => f(Ev::Text(&t.xml10_content()))?,
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(_) => None,
                };
                let Some(ch) = ch else {
                    return Err(invalid(reader.buffer_position(), "：有未定义的实体"));
                };
                f(Ev::Text(ch.encode_utf8(&mut [0; 4])))?
            }
            Event::DocType(_) => {
                return Err(invalid(
                    reader.buffer_position(),
                    "：有文档类型声明（DTD），Word 不会写它",
                ))
            }
            Event::Eof => {
                if depth > 0 {
                    return Err(invalid(
                        reader.buffer_position(),
                        "：文件在元素结束前就断了",
                    ));
                }
                return Ok(());
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
}

/// Refuse an element nested too deep or with too many attributes.
fn check_element(e: &BytesStart, depth: usize, part: &str) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(draft(format!(
            "这个 .docx 中的 {part} 的元素嵌套超过 {MAX_DEPTH} 层，不像是 Word 或 WPS 保存的文件：请用 Word 或 WPS 重新保存"
        )));
    }
    if e.attributes().with_checks(false).count() > MAX_ATTRIBUTES {
        return Err(draft(format!(
            "这个 .docx 中的 {part} 有元素带了超过 {MAX_ATTRIBUTES} 个属性，不像是 Word 或 WPS 保存的文件：请用 Word 或 WPS 重新保存"
        )));
    }
    Ok(())
}

/// The main document part named by the package relationships.
fn main_part(rels: Part) -> Result<Option<String>> {
    let mut found = None;
    events(rels, &mut |e| {
        if let Ev::Start(el) = e {
            if found.is_none()
                && local(el) == "Relationship"
                && attr(el, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
            {
                found = attr(el, "Target").map(|t| t.trim_start_matches('/').to_string());
            }
        }
        Ok(())
    })?;
    Ok(found)
}

/// Whether an on/off property element (`<w:b/>`, `<w:b w:val="0"/>`) is on.
fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

fn align_of(jc: &BytesStart) -> Align {
    match attr(jc, "val").as_deref() {
        Some("center") => Align::Centre,
        Some("right" | "end") => Align::End,
        _ => Align::Start,
    }
}

/// Font size in pt of a `<w:sz w:val="32"/>` (half-points).
fn size_of(sz: &BytesStart) -> Option<f32> {
    attr(sz, "val")?
        .parse::<f32>()
        .ok()
        .filter(|h| h.is_finite())
        .map(|half| half / 2.0)
}

/// Paragraph styles: what each gives its paragraphs.
#[derive(Debug, Default)]
struct Styles {
    styles: BTreeMap<String, Style>,
    default_style: Option<String>,
    default_size: Option<f32>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    align: Option<Align>,
    bold: Option<bool>,
    size: Option<f32>,
    list: bool,
}

/// What a paragraph style resolves to.
#[derive(Debug, Clone, Copy, Default)]
struct Resolved {
    align: Option<Align>,
    bold: Option<bool>,
    size: Option<f32>,
    list: bool,
}

impl Styles {
    /// The paragraph styles of `styles.xml`; a part that is not XML gives
    /// none (the document is read without them), one over the limits is an
    /// error.
    fn read(part: Part) -> Result<Styles> {
        let mut out = Styles::default();
        // Where the reader is: the names of the open elements.
        let mut path: Vec<String> = Vec::new();
        // The paragraph style being read: its id, and what it gives.
        let mut style: Option<(String, Style)> = None;
        let mut style_depth = 0;
        let mut in_default: Option<usize> = None;
        let result = events(part, &mut |e| {
            match e {
                Ev::Start(el) => {
                    let name = local(el).to_string();
                    let depth = path.len() + 1;
                    if name == "rPrDefault" {
                        in_default = Some(depth);
                        out.default_size = None;
                    } else if name == "sz" && in_default.is_some() && out.default_size.is_none() {
                        out.default_size = size_of(el);
                    }
                    if name == "style" && style.is_none() {
                        if attr(el, "type").as_deref() == Some("paragraph") {
                            if let Some(id) = attr(el, "styleId") {
                                if attr(el, "default").is_some_and(|v| v == "1" || v == "true") {
                                    out.default_style = Some(id.clone());
                                }
                                style = Some((id, Style::default()));
                                style_depth = depth;
                            }
                        }
                    } else if let Some((_, s)) = &mut style {
                        let parent = path.last().map(String::as_str);
                        let inside = |d: usize| depth == style_depth + d;
                        match (name.as_str(), parent) {
                            ("basedOn", _) if inside(1) && s.based_on.is_none() => {
                                s.based_on = attr(el, "val")
                            }
                            ("jc", Some("pPr")) if inside(2) && s.align.is_none() => {
                                s.align = Some(align_of(el))
                            }
                            ("numPr", Some("pPr")) if inside(2) => s.list = true,
                            ("b", Some("rPr")) if inside(2) && s.bold.is_none() => {
                                s.bold = Some(on(el))
                            }
                            ("sz", Some("rPr")) if inside(2) && s.size.is_none() => {
                                s.size = size_of(el)
                            }
                            _ => {}
                        }
                    }
                    path.push(name);
                }
                Ev::End => {
                    let depth = path.len();
                    path.pop();
                    if in_default == Some(depth) {
                        in_default = None;
                    }
                    if style.is_some() && depth == style_depth {
                        if let Some((id, s)) = style.take() {
                            out.styles.entry(id).or_insert(s);
                        }
                    }
                }
                Ev::Text(_) => {}
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(out),
            // Limits are kept; a styles part that is only broken is left out.
            Err(e) if e.to_string().contains("不是有效的 XML") => Ok(Styles::default()),
            Err(e) => Err(e),
        }
    }

    /// What style `id` (or the default paragraph style) gives, following `basedOn`.
    fn resolve(&self, id: Option<&str>) -> Resolved {
        let mut r = Resolved::default();
        let mut next = id.or(self.default_style.as_deref());
        for _ in 0..16 {
            let Some(style) = next.and_then(|id| self.styles.get(id)) else {
                break;
            };
            r.align = r.align.or(style.align);
            r.bold = r.bold.or(style.bold);
            r.size = r.size.or(style.size);
            r.list |= style.list;
            next = style.based_on.as_deref();
        }
        r.size = r.size.or(self.default_size);
        r
    }
}

/// What an open element of the document is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Between paragraphs (the body, a table, a cell, a text box's content).
    Walk,
    /// Inside a subtree that is not read (deleted text, a fallback copy,
    /// properties, field codes, the content of elements read by their
    /// attributes).
    Skip,
    /// A paragraph (`<w:p>`).
    Para,
    /// Inside a paragraph, around its runs (an insertion, a hyperlink).
    InPara,
    /// A paragraph's own properties (`<w:pPr>` right inside `<w:p>`).
    PPr,
    /// A run (`<w:r>`).
    Run,
    /// A run's own properties.
    RPr,
    /// A run's text (`<w:t>`).
    Text,
    /// Inside a drawing, a picture or other content of a run: only text
    /// boxes are read.
    Drawing,
    /// A text box's content (`<w:txbxContent>`), read as paragraphs of
    /// their own after the paragraph that anchors it.
    Box,
}

/// The properties of the run being read.
#[derive(Debug, Clone, Copy, Default)]
struct RunInfo {
    bold: Option<bool>,
    size: Option<f32>,
    /// Where its text starts in the paragraph's text.
    from: usize,
}

/// A paragraph being read. Its runs are summed up as they end (what the
/// paragraph style gives is added at the paragraph's end), so that memory
/// does not grow with the number of runs.
#[derive(Debug, Default)]
struct ParaState {
    text: String,
    style: Option<String>,
    align: Option<Align>,
    list: bool,
    indent: bool,
    run: RunInfo,
    /// Whether a run had text (other than white space).
    any_text: bool,
    /// Whether every run with text that says bold or not says bold.
    all_said_bold: bool,
    /// Whether a run with text says nothing of bold (the style decides).
    unsaid_bold: bool,
    /// The largest size that a run with text states.
    said_size: Option<f32>,
    /// Whether a run with text states no size (the style decides).
    unsaid_size: bool,
    /// The paragraphs of its text boxes.
    inner: Vec<Paragraph>,
}

/// The reader of the document part.
struct Body<'s> {
    styles: &'s Styles,
    stack: Vec<Frame>,
    /// The paragraph in the body (or a table), and the one in a text box.
    outer: Option<ParaState>,
    boxed: Option<ParaState>,
    /// Whether a text box is open.
    in_box: bool,
    text_bytes: usize,
    out: Vec<Paragraph>,
}

impl<'s> Body<'s> {
    fn new(styles: &'s Styles) -> Body<'s> {
        Body {
            styles,
            stack: Vec::new(),
            outer: None,
            boxed: None,
            in_box: false,
            text_bytes: 0,
            out: Vec::new(),
        }
    }

    /// The paragraph being read: the text box's, when one is open.
    fn para(&mut self) -> Option<&mut ParaState> {
        if self.in_box {
            self.boxed.as_mut()
        } else {
            self.outer.as_mut()
        }
    }

    fn event(&mut self, e: Ev) -> Result<()> {
        match e {
            Ev::Start(el) => {
                let frame = self.start(el);
                self.stack.push(frame);
            }
            Ev::End => {
                if let Some(frame) = self.stack.pop() {
                    self.end(frame);
                }
            }
            Ev::Text(t) => {
                if self.stack.last() == Some(&Frame::Text) {
                    self.text_bytes += t.len();
                    if self.text_bytes <= MAX_TEXT {
                        if let Some(p) = self.para() {
                            p.text.push_str(t);
                        }
                    }
                }
            }
        }
        if self.text_bytes > MAX_TEXT {
            return Err(draft(format!(
                "这个 .docx 的文字超过 {} MB，比一期简报能容纳的多得多：请确认选对了文件，或分成几期导入",
                MAX_TEXT >> 20
            )));
        }
        if self.out.len() + self.outer.as_ref().map_or(0, |o| o.inner.len()) > MAX_PARAGRAPHS {
            return Err(draft(format!(
                "这个 .docx 有超过 {MAX_PARAGRAPHS} 个段落，比一期简报多得多：请确认选对了文件，或分成几期导入"
            )));
        }
        Ok(())
    }

    /// What the element `el` opens, given where it is.
    fn start(&mut self, el: &BytesStart) -> Frame {
        let name = local(el);
        let parent = self.stack.last().copied().unwrap_or(Frame::Walk);
        match parent {
            Frame::Skip | Frame::Text | Frame::RPr | Frame::PPr => {
                // Properties are read from the children of pPr and rPr.
                match (parent, name) {
                    (Frame::PPr, "pStyle") => {
                        let v = attr(el, "val");
                        if let Some(p) = self.para() {
                            p.style = p.style.take().or(v);
                        }
                    }
                    (Frame::PPr, "jc") => {
                        let a = align_of(el);
                        if let Some(p) = self.para() {
                            p.align = p.align.or(Some(a));
                        }
                    }
                    (Frame::PPr, "numPr") => {
                        if let Some(p) = self.para() {
                            p.list = true;
                        }
                    }
                    (Frame::PPr, "ind") => {
                        let indented = ["firstLine", "firstLineChars"].iter().any(|a| {
                            attr(el, a).is_some_and(|v| v.parse::<f32>().is_ok_and(|n| n > 0.0))
                        });
                        if let Some(p) = self.para() {
                            p.indent |= indented;
                        }
                    }
                    (Frame::RPr, "b") => {
                        let b = on(el);
                        if let Some(p) = self.para() {
                            p.run.bold = p.run.bold.or(Some(b));
                        }
                    }
                    (Frame::RPr, "sz") => {
                        let s = size_of(el);
                        if let Some(p) = self.para() {
                            if p.run.size.is_none() {
                                p.run.size = s;
                            }
                        }
                    }
                    _ => {}
                }
                Frame::Skip
            }
            Frame::Walk | Frame::Box => match name {
                "p" => {
                    let state = ParaState {
                        all_said_bold: true,
                        ..ParaState::default()
                    };
                    if self.in_box {
                        self.boxed = Some(state);
                    } else {
                        self.outer = Some(state);
                    }
                    Frame::Para
                }
                "del" | "moveFrom" | "Fallback" | "sectPr" | "pPr" | "rPr" | "tblPr" | "tcPr"
                | "trPr" | "tblGrid" => Frame::Skip,
                _ => Frame::Walk,
            },
            Frame::Para | Frame::InPara => match name {
                "r" => {
                    if let Some(p) = self.para() {
                        p.run = RunInfo {
                            from: p.text.len(),
                            ..RunInfo::default()
                        };
                    }
                    Frame::Run
                }
                "pPr" if parent == Frame::Para => Frame::PPr,
                "del" | "moveFrom" | "Fallback" | "pPr" | "instrText" | "delText" => Frame::Skip,
                _ => Frame::InPara,
            },
            Frame::Run => {
                let put = |b: &mut Body, s: &str| {
                    b.text_bytes += s.len();
                    if b.text_bytes <= MAX_TEXT {
                        if let Some(p) = b.para() {
                            p.text.push_str(s);
                        }
                    }
                };
                match name {
                    "t" => Frame::Text,
                    "rPr" => Frame::RPr,
                    "tab" | "ptab" => {
                        put(self, "\t");
                        Frame::Skip
                    }
                    "br" | "cr" => {
                        if attr(el, "type").as_deref() != Some("page") {
                            put(self, "\n");
                        }
                        Frame::Skip
                    }
                    "noBreakHyphen" => {
                        put(self, "-");
                        Frame::Skip
                    }
                    "sym" => {
                        let ch = attr(el, "char")
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .and_then(symbol);
                        if let Some(c) = ch {
                            put(self, c.encode_utf8(&mut [0; 4]));
                        }
                        Frame::Skip
                    }
                    "instrText" | "delText" => Frame::Skip,
                    // Drawings and their alternate content: the text boxes'
                    // paragraphs are paragraphs of their own.
                    _ => self.drawing(name),
                }
            }
            Frame::Drawing => self.drawing(name),
        }
    }

    /// An element inside a run's drawing: a text box is read (unless it is
    /// in another, or the anchoring paragraph is itself in one), a fallback
    /// copy skipped.
    fn drawing(&mut self, name: &str) -> Frame {
        match name {
            "Fallback" => Frame::Skip,
            "txbxContent" if !self.in_box => {
                self.in_box = true;
                Frame::Box
            }
            "txbxContent" => Frame::Skip,
            _ => Frame::Drawing,
        }
    }

    fn end(&mut self, frame: Frame) {
        match frame {
            Frame::Box => self.in_box = false,
            Frame::Run => {
                if let Some(p) = self.para() {
                    let r = p.run;
                    let from = r.from.min(p.text.len());
                    if p.text[from..].chars().any(|c| !c.is_whitespace()) {
                        p.any_text = true;
                        match r.bold {
                            Some(b) => p.all_said_bold &= b,
                            None => p.unsaid_bold = true,
                        }
                        match r.size {
                            Some(s) => p.said_size = Some(p.said_size.map_or(s, |m| m.max(s))),
                            None => p.unsaid_size = true,
                        }
                    }
                }
            }
            Frame::Para => {
                let state = if self.in_box {
                    self.boxed.take()
                } else {
                    self.outer.take()
                };
                let Some(state) = state else {
                    return;
                };
                let (para, inner) = self.finish(state);
                let target = if self.in_box {
                    self.outer.as_mut().map(|o| &mut o.inner)
                } else {
                    None
                };
                match target {
                    Some(t) => {
                        t.extend(para);
                        t.extend(inner);
                    }
                    None => {
                        self.out.extend(para);
                        self.out.extend(inner);
                    }
                }
            }
            _ => {}
        }
    }

    /// A paragraph read whole: itself (unless it only anchors text boxes)
    /// and the paragraphs of its text boxes.
    fn finish(&self, p: ParaState) -> (Option<Paragraph>, Vec<Paragraph>) {
        let base = self.styles.resolve(p.style.as_deref());
        let all_bold = p.all_said_bold && (!p.unsaid_bold || base.bold == Some(true));
        let size = match (p.said_size, p.unsaid_size.then_some(base.size).flatten()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let keep = p.inner.is_empty() || !p.text.trim().is_empty();
        let para = Paragraph {
            align: p.align.or(base.align).unwrap_or_default(),
            list: base.list || p.list,
            indent: p.indent,
            bold: p.any_text && all_bold,
            size,
            text: p.text,
        };
        (keep.then_some(para), p.inner)
    }
}

/// The character of a `<w:sym>`: Unicode as it is; the private-use codes of
/// the Wingdings and Symbol fonts for the marks bulletins use.
fn symbol(code: u32) -> Option<char> {
    match code {
        0xF0AB | 0xF0B5 => Some('★'),
        0xF070 | 0xF0E4 | 0xF073 => Some('▲'),
        0xF06C => Some('●'),
        0xE000..=0xF8FF => None,
        c => char::from_u32(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A .docx made of `document` (the body's XML) and optional styles.
    pub fn docx(body: &str, styles: Option<&str>) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
        );
        zip.write_all(xml.as_bytes()).unwrap();
        if let Some(s) = styles {
            zip.start_file("word/styles.xml", opts).unwrap();
            let xml = format!(
                r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{s}</w:styles>"#
            );
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn text_alignment_bold_size_and_lists() {
        let bytes = docx(
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="44"/></w:rPr><w:t>标题</w:t></w:r></w:p>
<w:p><w:pPr><w:ind w:firstLineChars="200"/></w:pPr><w:r><w:t xml:space="preserve">正文 </w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>二</w:t><w:tab/><w:t>三</w:t><w:br/><w:t>四</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>条目</w:t></w:r></w:p>
<w:p/>"#,
            None,
        );
        let ps = paragraphs(&bytes).unwrap();
        assert_eq!(ps.len(), 4);
        assert_eq!(ps[0].text, "标题");
        assert_eq!(
            (ps[0].align, ps[0].bold, ps[0].size),
            (Align::Centre, true, Some(22.0))
        );
        assert_eq!(ps[1].text, "正文 二\t三\n四");
        assert!(ps[1].indent && !ps[1].bold && ps[1].align == Align::Start);
        assert!(ps[2].list);
        assert_eq!(ps[3].text, "");
    }

    #[test]
    fn styles_give_alignment_and_bold() {
        let styles = r#"<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>
<w:style w:type="paragraph" w:styleId="Base"><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:basedOn w:val="Base"/><w:rPr><w:b/><w:sz w:val="44"/></w:rPr></w:style>"#;
        let bytes = docx(
            r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p>"#,
            Some(styles),
        );
        let ps = paragraphs(&bytes).unwrap();
        assert_eq!(
            (ps[0].align, ps[0].bold, ps[0].size),
            (Align::Centre, true, Some(22.0))
        );
        assert_eq!(
            (ps[1].align, ps[1].bold, ps[1].size),
            (Align::Start, false, Some(16.0))
        );
    }

    #[test]
    fn tables_text_boxes_revisions_and_fields() {
        let bytes = docx(
            r#"<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>某县办公室</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2024年6月1日</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:ins><w:r><w:t>加上</w:t></w:r></w:ins><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:sym w:char="F0AB"/></w:r></w:p>"#,
            None,
        );
        let ps = paragraphs(&bytes).unwrap();
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["某县办公室", "2024年6月1日", "框内", "加上★"]);
    }

    #[test]
    fn broken_files_are_draft_errors() {
        let e = paragraphs(b"PK\x03\x04 not really").unwrap_err();
        assert!(e.to_string().contains("不是有效的 .docx"), "{e}");
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.finish().unwrap();
        let e = paragraphs(&buf.into_inner()).unwrap_err();
        assert!(e.to_string().contains("word/document.xml"), "{e}");
        let mut buf = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.finish().unwrap();
        let e = paragraphs(&buf.into_inner()).unwrap_err();
        assert!(e.to_string().contains(".odt"), "{e}");
        let e = paragraphs(&docx("<w:p>", None)).unwrap_err();
        assert!(e.to_string().contains("XML"), "{e}");
    }
}
