//! The paragraphs of a .docx (Word, WPS, LibreOffice) with the hints a
//! bulletin's structure shows in: alignment, bold, font size, list marks.
//!
//! A .docx is a zip of XML parts. This reads only `word/document.xml` (or the
//! part `_rels/.rels` names) and `word/styles.xml`, with a small reader of the
//! few elements needed, and ignores every element it does not know: text in
//! tables and text boxes is read in document order, deleted revisions, field
//! codes and the fallback copies of drawings are skipped.

use std::io::{Cursor, Read};

use roxmltree::{Document, Node, ParsingOptions};

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

/// The most any one part may unpack to (a guard against zip bombs).
const MAX_PART: u64 = 256 << 20;

/// The paragraphs of the .docx in `bytes`, in document order.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<Paragraph>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        draft(format!(
            "不是有效的 .docx 文件（无法作为 zip 打开：{e}）：请用 Word 或 WPS 重新保存为 .docx"
        ))
    })?;
    let main = part(&mut zip, "_rels/.rels")
        .and_then(|rels| main_part(&rels))
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(document) = part(&mut zip, &main) else {
        if zip.by_name("content.xml").is_ok() {
            return Err(draft(
                "这是 OpenDocument（.odt）文件：请在 WPS 或 LibreOffice 中“另存为” .docx 后再导入"
                    .to_string(),
            ));
        }
        return Err(draft(format!(
            "这个 .docx 中没有正文部分 {main}：可能是其他格式改了扩展名，请用 Word 或 WPS 重新保存为 .docx"
        )));
    };
    let styles = part(&mut zip, "word/styles.xml")
        .map(|xml| Styles::read(&xml))
        .unwrap_or_default();
    let doc = Document::parse_with_options(&document, options()).map_err(|e| {
        draft(format!(
            "{main} 不是有效的 XML（{e}）：请用 Word 或 WPS 重新保存"
        ))
    })?;
    let mut out = Vec::new();
    walk(doc.root_element(), &styles, &mut out);
    Ok(out)
}

fn draft(message: String) -> Error {
    Error::Draft {
        line: None,
        message,
    }
}

fn options<'a>() -> ParsingOptions<'a> {
    ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
        ..ParsingOptions::default()
    }
}

/// The text of a part of the zip, when present and readable.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let file = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_PART).read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.trim_start_matches('\u{FEFF}').to_string())
}

/// The main document part named by the package relationships.
fn main_part(rels: &str) -> Option<String> {
    let doc = Document::parse_with_options(rels, options()).ok()?;
    let target = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Relationship")
        .find(|n| {
            n.attribute("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
        })?
        .attribute("Target")?;
    Some(target.trim_start_matches('/').to_string())
}

/// The value of the attribute `local` of `node`, whatever its namespace prefix.
fn attr<'a>(node: Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

fn is(node: Node, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local
}

fn child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, local))
}

/// Whether an on/off property element (`<w:b/>`, `<w:b w:val="0"/>`) is on.
fn on(node: Node) -> bool {
    !matches!(attr(node, "val"), Some("0" | "false" | "off" | "none"))
}

fn align_of(jc: Node) -> Align {
    match attr(jc, "val") {
        Some("center") => Align::Centre,
        Some("right" | "end") => Align::End,
        _ => Align::Start,
    }
}

/// Font size in pt of a `<w:sz w:val="32"/>` (half-points).
fn size_of(sz: Node) -> Option<f32> {
    attr(sz, "val")?.parse::<f32>().ok().map(|half| half / 2.0)
}

/// Paragraph styles: what each gives its paragraphs.
#[derive(Debug, Default)]
struct Styles {
    styles: Vec<Style>,
    default_style: Option<String>,
    default_size: Option<f32>,
}

#[derive(Debug, Default)]
struct Style {
    id: String,
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
    fn read(xml: &str) -> Styles {
        let Ok(doc) = Document::parse_with_options(xml, options()) else {
            return Styles::default();
        };
        let mut out = Styles::default();
        for node in doc.descendants() {
            if is(node, "rPrDefault") {
                out.default_size = node.descendants().find(|n| is(*n, "sz")).and_then(size_of);
            }
            if !is(node, "style") || attr(node, "type") != Some("paragraph") {
                continue;
            }
            let Some(id) = attr(node, "styleId") else {
                continue;
            };
            if attr(node, "default").is_some_and(|v| v == "1" || v == "true") {
                out.default_style = Some(id.to_string());
            }
            let ppr = child(node, "pPr");
            let rpr = child(node, "rPr");
            out.styles.push(Style {
                id: id.to_string(),
                based_on: child(node, "basedOn").and_then(|b| attr(b, "val").map(str::to_string)),
                align: ppr.and_then(|p| child(p, "jc")).map(align_of),
                bold: rpr.and_then(|r| child(r, "b")).map(on),
                size: rpr.and_then(|r| child(r, "sz")).and_then(size_of),
                list: ppr.and_then(|p| child(p, "numPr")).is_some(),
            });
        }
        out
    }

    /// What style `id` (or the default paragraph style) gives, following `basedOn`.
    fn resolve(&self, id: Option<&str>) -> Resolved {
        let mut r = Resolved::default();
        let mut next = id.or(self.default_style.as_deref());
        for _ in 0..16 {
            let Some(style) = next.and_then(|id| self.styles.iter().find(|s| s.id == id)) else {
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

/// Collect the paragraphs under `node` in document order.
fn walk(node: Node, styles: &Styles, out: &mut Vec<Paragraph>) {
    for c in node.children().filter(Node::is_element) {
        match c.tag_name().name() {
            "p" => paragraph(c, styles, out),
            // Deleted revisions, the fallback copy of a drawing, and parts
            // that are not the text.
            "del" | "moveFrom" | "Fallback" | "sectPr" | "pPr" | "rPr" | "tblPr" | "tcPr"
            | "trPr" | "tblGrid" => {}
            _ => walk(c, styles, out),
        }
    }
}

/// One `<w:p>`; paragraphs inside its text boxes follow it.
fn paragraph(p: Node, styles: &Styles, out: &mut Vec<Paragraph>) {
    let ppr = child(p, "pPr");
    let style = ppr
        .and_then(|x| child(x, "pStyle"))
        .and_then(|s| attr(s, "val"));
    let base = styles.resolve(style);
    let mut para = Paragraph {
        align: ppr
            .and_then(|x| child(x, "jc"))
            .map(align_of)
            .or(base.align)
            .unwrap_or_default(),
        list: base.list || ppr.and_then(|x| child(x, "numPr")).is_some(),
        indent: ppr.and_then(|x| child(x, "ind")).is_some_and(|ind| {
            ["firstLine", "firstLineChars"]
                .iter()
                .any(|a| attr(ind, a).is_some_and(|v| v.parse::<f32>().is_ok_and(|n| n > 0.0)))
        }),
        ..Paragraph::default()
    };
    let mut runs = Runs {
        base,
        styles,
        all_bold: true,
        any_text: false,
        size: None,
        inner: Vec::new(),
    };
    runs.collect(p, &mut para.text);
    para.bold = runs.any_text && runs.all_bold;
    para.size = runs.size;
    // A paragraph that only anchors text boxes stands for nothing itself.
    if runs.inner.is_empty() || !para.text.trim().is_empty() {
        out.push(para);
    }
    out.extend(runs.inner);
}

/// The state of reading a paragraph's runs.
struct Runs<'s> {
    base: Resolved,
    styles: &'s Styles,
    all_bold: bool,
    any_text: bool,
    size: Option<f32>,
    /// The paragraphs of text boxes anchored in this paragraph.
    inner: Vec<Paragraph>,
}

impl Runs<'_> {
    fn collect(&mut self, node: Node, text: &mut String) {
        for c in node.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "r" => self.run(c, text),
                "del" | "moveFrom" | "Fallback" | "pPr" | "instrText" | "delText" => {}
                _ => self.collect(c, text),
            }
        }
    }

    fn run(&mut self, r: Node, text: &mut String) {
        let rpr = child(r, "rPr");
        let bold = rpr
            .and_then(|x| child(x, "b"))
            .map(on)
            .or(self.base.bold)
            .unwrap_or(false);
        let size = rpr
            .and_then(|x| child(x, "sz"))
            .and_then(size_of)
            .or(self.base.size);
        let before = text.len();
        for c in r.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "t" => text.push_str(c.text().unwrap_or_default()),
                "tab" | "ptab" => text.push('\t'),
                "br" | "cr" => {
                    if attr(c, "type") != Some("page") {
                        text.push('\n');
                    }
                }
                "noBreakHyphen" => text.push('-'),
                "sym" => {
                    let ch = attr(c, "char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(symbol);
                    text.extend(ch);
                }
                "rPr" | "instrText" | "delText" => {}
                // Drawings and their alternate content: the text boxes'
                // paragraphs are paragraphs of their own (the fallback copy
                // of the same box is skipped).
                _ => {
                    let boxes = c.descendants().filter(|d| {
                        is(*d, "txbxContent")
                            && !d
                                .ancestors()
                                .skip(1)
                                .any(|a| is(a, "Fallback") || is(a, "txbxContent"))
                    });
                    for tb in boxes {
                        walk(tb, self.styles, &mut self.inner);
                    }
                }
            }
        }
        if text[before..].chars().any(|c| !c.is_whitespace()) {
            self.any_text = true;
            self.all_bold &= bold;
            if let Some(s) = size {
                self.size = Some(self.size.map_or(s, |m: f32| m.max(s)));
            }
        }
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
