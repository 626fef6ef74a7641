//! The text of a PDF, roughly as `pdftotext` (non-layout mode) gives it, for
//! tests of jianbao's own PDFs without poppler: standalone (lopdf only).
//!
//! The page content streams are decoded and every glyph is placed (text and
//! graphics matrices, `Tc`/`Tw`/`Tz`/`Ts`, `TJ` adjustments, advances from the
//! fonts' widths); its text comes from its font's ToUnicode CMap. Glyphs are
//! grouped into lines by baseline and ordered by x; a space is put where the
//! gap between two glyphs is wider than 0.15 em (as between Chinese and Latin
//! text), a blank line where the gap between two lines is wider than 2.2
//! times their font size, and a blank line between pages. Pages come in page
//! order, lines from the top.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// A font as far as text extraction needs it.
#[derive(Debug, Default)]
struct Font {
    /// Codes are two bytes (Type0 fonts with Identity-H and the like).
    two_byte: bool,
    /// Code → text, from the ToUnicode CMap.
    to_unicode: BTreeMap<u32, String>,
    /// Code → advance width in thousandths of an em.
    widths: BTreeMap<u32, f32>,
    /// The width of codes not in `widths`.
    default_width: f32,
}

/// One glyph placed on the page.
#[derive(Debug, Clone)]
struct Glyph {
    x: f32,
    y: f32,
    /// Font size on the page (text size times the matrices' vertical scale).
    size: f32,
    /// Advance on the page.
    advance: f32,
    text: String,
}

/// An affine matrix `[a b c d e f]` as PDF writes them.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF's row-vector convention: `m × n`).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

fn numbers(ops: &[Object]) -> Vec<f32> {
    ops.iter().map(number).collect()
}

/// The text of the PDF `bytes`.
pub fn extract(bytes: &[u8]) -> Result<String, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("not a PDF lopdf reads: {e}"))?;
    let mut pages = Vec::new();
    for (_, page) in doc.get_pages() {
        pages.push(page_text(&doc, page)?);
    }
    Ok(pages.join("\n\n"))
}

/// Follow a reference.
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// A glyph as a reader places it: its origin (x from the left, y from the
/// bottom, in pt) and its text.
pub type Placed = (f32, f32, String);

/// Every glyph of every page of the PDF `bytes`, page by page.
pub fn placed(bytes: &[u8]) -> Result<Vec<Vec<Placed>>, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("not a PDF lopdf reads: {e}"))?;
    let mut pages = Vec::new();
    for (_, page) in doc.get_pages() {
        let glyphs = page_glyphs(&doc, page)?;
        pages.push(glyphs.into_iter().map(|g| (g.x, g.y, g.text)).collect());
    }
    Ok(pages)
}

fn page_text(doc: &Document, page: ObjectId) -> Result<String, String> {
    Ok(lines_of(page_glyphs(doc, page)?))
}

fn page_glyphs(doc: &Document, page: ObjectId) -> Result<Vec<Glyph>, String> {
    let mut fonts: BTreeMap<Vec<u8>, Font> = BTreeMap::new();
    let page_fonts = doc
        .get_page_fonts(page)
        .map_err(|e| format!("fonts of page {page:?}: {e}"))?;
    for (name, dict) in page_fonts {
        fonts.insert(name, read_font(doc, dict));
    }
    let content = doc.get_page_content(page);
    let content =
        Content::decode(&content).map_err(|e| format!("content of page {page:?}: {e}"))?;
    Ok(place_glyphs(&content, &fonts))
}

fn read_font(doc: &Document, dict: &Dictionary) -> Font {
    let mut font = Font {
        default_width: 1000.0,
        ..Font::default()
    };
    let subtype = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    font.two_byte = subtype == b"Type0";
    if let Ok(o) = dict.get(b"ToUnicode") {
        if let Object::Stream(s) = resolve(doc, o) {
            let data = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            font.to_unicode = parse_cmap(&String::from_utf8_lossy(&data));
        }
    }
    if font.two_byte {
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(cid) = descendant {
            if let Ok(dw) = cid.get(b"DW") {
                font.default_width = number(resolve(doc, dw));
            }
            if let Ok(w) = cid.get(b"W") {
                if let Ok(items) = resolve(doc, w).as_array() {
                    read_cid_widths(doc, items, &mut font.widths);
                }
            }
        }
    } else {
        let first = dict
            .get(b"FirstChar")
            .map(|o| number(resolve(doc, o)) as u32)
            .unwrap_or(0);
        if let Ok(w) = dict.get(b"Widths") {
            if let Ok(items) = resolve(doc, w).as_array() {
                for (k, o) in items.iter().enumerate() {
                    font.widths
                        .insert(first + k as u32, number(resolve(doc, o)));
                }
            }
        }
        font.default_width = 500.0;
    }
    font
}

/// The `W` array of a CID font: `c [w1 w2 …]` and `c1 c2 w`.
fn read_cid_widths(doc: &Document, items: &[Object], out: &mut BTreeMap<u32, f32>) {
    let mut k = 0;
    while k < items.len() {
        let first = number(resolve(doc, &items[k])) as u32;
        match items.get(k + 1).map(|o| resolve(doc, o)) {
            Some(Object::Array(ws)) => {
                for (j, w) in ws.iter().enumerate() {
                    out.insert(first + j as u32, number(resolve(doc, w)));
                }
                k += 2;
            }
            Some(last) => {
                let last = number(last) as u32;
                let w = items.get(k + 2).map_or(0.0, |o| number(resolve(doc, o)));
                for c in first..=last.min(first + 65_535) {
                    out.insert(c, w);
                }
                k += 3;
            }
            None => break,
        }
    }
}

/// The hex strings and brackets of a CMap section, in order.
fn tokens(section: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                let mut hex = String::new();
                for d in chars.by_ref() {
                    if d == '>' {
                        break;
                    }
                    if d.is_ascii_hexdigit() {
                        hex.push(d);
                    }
                }
                out.push(hex);
            }
            '[' | ']' => out.push(c.to_string()),
            _ => {}
        }
    }
    out
}

fn hex_value(hex: &str) -> u32 {
    u32::from_str_radix(hex, 16).unwrap_or(0)
}

/// UTF-16BE in hex as text.
fn hex_text(hex: &str) -> String {
    let units: Vec<u16> = hex
        .as_bytes()
        .chunks(4)
        .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect();
    String::from_utf16_lossy(&units)
}

/// The `bfchar` and `bfrange` mappings of a ToUnicode CMap.
fn parse_cmap(cmap: &str) -> BTreeMap<u32, String> {
    let mut map = BTreeMap::new();
    for part in cmap.split("beginbfchar").skip(1) {
        let section = part.split("endbfchar").next().unwrap_or("");
        let t = tokens(section);
        for pair in t.chunks(2) {
            if let [src, dst] = pair {
                map.insert(hex_value(src), hex_text(dst));
            }
        }
    }
    for part in cmap.split("beginbfrange").skip(1) {
        let section = part.split("endbfrange").next().unwrap_or("");
        let t = tokens(section);
        let mut k = 0;
        while k + 2 < t.len() {
            let (lo, hi) = (hex_value(&t[k]), hex_value(&t[k + 1]));
            if t[k + 2] == "[" {
                let mut j = k + 3;
                let mut code = lo;
                while j < t.len() && t[j] != "]" {
                    map.insert(code, hex_text(&t[j]));
                    code += 1;
                    j += 1;
                }
                k = j + 1;
            } else {
                let start = &t[k + 2];
                let mut units: Vec<u16> = start
                    .as_bytes()
                    .chunks(4)
                    .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
                    .collect();
                for code in lo..=hi.min(lo + 65_535) {
                    map.insert(code, String::from_utf16_lossy(&units));
                    if let Some(last) = units.last_mut() {
                        *last = last.wrapping_add(1);
                    }
                }
                k += 3;
            }
        }
    }
    map
}

/// The text state of the content stream interpreter.
#[derive(Debug, Clone)]
struct State {
    ctm: Matrix,
    font: Option<Vec<u8>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

fn place_glyphs(content: &Content, fonts: &BTreeMap<Vec<u8>, Font>) -> Vec<Glyph> {
    let mut glyphs = Vec::new();
    let mut state = State {
        ctm: IDENTITY,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        scale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    let mut stack: Vec<State> = Vec::new();
    let mut tm = IDENTITY;
    let mut tlm = IDENTITY;
    for op in &content.operations {
        let args = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(state.clone()),
            "Q" => {
                if let Some(s) = stack.pop() {
                    state = s;
                }
            }
            "cm" => {
                let n = numbers(args);
                if n.len() == 6 {
                    let m = [n[0], n[1], n[2], n[3], n[4], n[5]];
                    state.ctm = mul(&m, &state.ctm);
                }
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" => {
                state.font = args
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec);
                state.size = args.get(1).map_or(0.0, number);
            }
            "Tc" => state.char_spacing = args.first().map_or(0.0, number),
            "Tw" => state.word_spacing = args.first().map_or(0.0, number),
            "Tz" => state.scale = args.first().map_or(100.0, number) / 100.0,
            "TL" => state.leading = args.first().map_or(0.0, number),
            "Ts" => state.rise = args.first().map_or(0.0, number),
            "Tm" => {
                let n = numbers(args);
                if n.len() == 6 {
                    tm = [n[0], n[1], n[2], n[3], n[4], n[5]];
                    tlm = tm;
                }
            }
            "Td" | "TD" => {
                let n = numbers(args);
                if n.len() == 2 {
                    if op.operator == "TD" {
                        state.leading = -n[1];
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n[0], n[1]], &tlm);
                    tm = tlm;
                }
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                tm = tlm;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator == "'" || op.operator == "\"" {
                    if op.operator == "\"" {
                        state.word_spacing = args.first().map_or(0.0, number);
                        state.char_spacing = args.get(1).map_or(0.0, number);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                let Some(font) = state.font.as_ref().and_then(|f| fonts.get(f)) else {
                    continue;
                };
                let items: Vec<&Object> = match (op.operator.as_str(), args.last()) {
                    ("TJ", Some(Object::Array(a))) => a.iter().collect(),
                    (_, Some(o)) => vec![o],
                    _ => Vec::new(),
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            show(bytes, font, &state, &mut tm, &mut glyphs);
                        }
                        other => {
                            let adjust = -number(other) / 1000.0 * state.size * state.scale;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, adjust, 0.0], &tm);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    glyphs
}

/// Place the glyphs of one string.
fn show(bytes: &[u8], font: &Font, state: &State, tm: &mut Matrix, out: &mut Vec<Glyph>) {
    let codes: Vec<u32> = if font.two_byte {
        bytes
            .chunks(2)
            .map(|c| c.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b)))
            .collect()
    } else {
        bytes.iter().map(|b| u32::from(*b)).collect()
    };
    for code in codes {
        let render = mul(
            &[
                state.size * state.scale,
                0.0,
                0.0,
                state.size,
                0.0,
                state.rise,
            ],
            &mul(tm, &state.ctm),
        );
        let width = font
            .widths
            .get(&code)
            .copied()
            .unwrap_or(font.default_width)
            / 1000.0;
        let space = if !font.two_byte && code == 32 {
            state.word_spacing
        } else {
            0.0
        };
        let tx = (width * state.size + state.char_spacing + space) * state.scale;
        let page_scale = (tm[0] * state.ctm[0]).abs().max(f32::EPSILON);
        let text = font.to_unicode.get(&code).cloned().unwrap_or_else(|| {
            if font.two_byte {
                String::new()
            } else {
                char::from_u32(code).map(String::from).unwrap_or_default()
            }
        });
        out.push(Glyph {
            x: render[4],
            y: render[5],
            size: (state.size * (render[3].abs() / state.size.max(f32::EPSILON))).abs(),
            advance: tx * page_scale,
            text,
        });
        *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
    }
}

/// The glyphs of a page as lines of text.
fn lines_of(mut glyphs: Vec<Glyph>) -> String {
    glyphs.retain(|g| !g.text.is_empty());
    // Top to bottom, then left to right.
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= 0.3 * line[0].size.max(g.size) => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    let mut previous: Option<(f32, f32)> = None;
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let size = line.iter().map(|g| g.size).fold(0.0, f32::max);
        let y = line[0].y;
        if let Some((py, psize)) = previous {
            out.push('\n');
            if py - y > 2.2 * size.max(psize) {
                out.push('\n');
            }
        }
        let mut end: Option<f32> = None;
        for g in &line {
            if let Some(e) = end {
                if g.x - e > 0.15 * g.size && !g.text.starts_with(' ') {
                    out.push(' ');
                }
            }
            out.push_str(&g.text);
            end = Some(g.x + g.advance);
        }
        previous = Some((y, size));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_sections() {
        let cmap = "2 beginbfchar\n<0001> <0020>\n<0069> <2014>\nendbfchar\n\
                    2 beginbfrange\n<0010> <0012> <4E00>\n<0020> <0021> [<0041> <D840DC00>]\nendbfrange";
        let m = parse_cmap(cmap);
        assert_eq!(m[&1], " ");
        assert_eq!(m[&0x69], "—");
        assert_eq!(m[&0x12], "丂");
        assert_eq!(m[&0x20], "A");
        assert_eq!(m[&0x21], "\u{20000}");
    }
}
