//! MEASUREMENT PROTOTYPE (to be removed): a page drawn as SVG text with the
//! page's subset fonts embedded as WOFF 1.0 data URLs, to compare with the
//! glyph outlines of [`super::page`] in time and bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use super::{escape, hex, num, pt};
use crate::error::Result;
use crate::fonts::{FaceId, FontSet};
use crate::layout::{Item, Layout};

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// An sfnt as WOFF 1.0: every table zlib-compressed when that is smaller.
pub fn woff(sfnt: &[u8]) -> Vec<u8> {
    let flavor = be32(sfnt, 0);
    let n = be16(sfnt, 4) as usize;
    let mut tables: Vec<([u8; 4], u32, &[u8])> = (0..n)
        .map(|i| {
            let r = 12 + 16 * i;
            let tag = [sfnt[r], sfnt[r + 1], sfnt[r + 2], sfnt[r + 3]];
            let sum = be32(sfnt, r + 4);
            let off = be32(sfnt, r + 8) as usize;
            let len = be32(sfnt, r + 12) as usize;
            (tag, sum, &sfnt[off..off + len])
        })
        .collect();
    tables.sort_by_key(|t| t.0);
    let mut dir = Vec::new();
    let mut data = Vec::new();
    let header = 44 + 20 * n;
    let mut total_sfnt = 12 + 16 * n;
    for (tag, sum, bytes) in &tables {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = z.write_all(bytes);
        let z = z.finish().unwrap_or_default();
        let stored: &[u8] = if z.len() < bytes.len() { &z } else { bytes };
        dir.extend_from_slice(tag);
        dir.extend_from_slice(&((header + data.len()) as u32).to_be_bytes());
        dir.extend_from_slice(&(stored.len() as u32).to_be_bytes());
        dir.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        dir.extend_from_slice(&sum.to_be_bytes());
        data.extend_from_slice(stored);
        while data.len() % 4 != 0 {
            data.push(0);
        }
        total_sfnt += bytes.len().div_ceil(4) * 4;
    }
    let mut out = Vec::with_capacity(header + data.len());
    out.extend_from_slice(b"wOFF");
    out.extend_from_slice(&flavor.to_be_bytes());
    out.extend_from_slice(&((header + data.len()) as u32).to_be_bytes());
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(total_sfnt as u32).to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&[0; 20]);
    out.extend_from_slice(&dir);
    out.extend_from_slice(&data);
    out
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let v = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Page `index` as SVG text with its fonts embedded as WOFF data URLs.
pub fn page_woff(layout: &Layout, fonts: &FontSet, index: usize) -> Result<String> {
    let page = &layout.pages[index];
    let mut used: BTreeMap<FaceId, Vec<u16>> = BTreeMap::new();
    for item in &page.items {
        if let Item::Line(l) = item {
            for r in &l.runs {
                used.entry(r.face)
                    .or_default()
                    .extend(r.glyphs.iter().map(|g| g.gid));
            }
        }
    }
    let (w, h) = (pt(layout.page_width), pt(layout.page_height));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}pt\" height=\"{h}pt\">"
    );
    out.push_str("<style>\n");
    for (face, gids) in &mut used {
        gids.sort_unstable();
        gids.dedup();
        gids.retain(|&g| g != 0);
        let sub = crate::fonts::subset_standalone(fonts.file(*face), gids)?;
        let _ = writeln!(
            out,
            "@font-face{{font-family:f{};src:url(data:font/woff;base64,{})}}",
            face.0,
            base64(&woff(&sub))
        );
    }
    out.push_str("text{white-space:pre}\n</style>\n");
    let _ = writeln!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>");
    for item in &page.items {
        match item {
            Item::Line(l) => {
                for r in &l.runs {
                    let xs: Vec<String> = r
                        .glyphs
                        .iter()
                        .map(|g| num(f64::from(g.x / r.hscale), 2))
                        .collect();
                    let text: String = r.glyphs.iter().map(|g| escape(&g.text)).collect();
                    let scale = if (r.hscale - 1.0).abs() > 1e-6 {
                        format!(" transform=\"scale({} 1)\"", num(f64::from(r.hscale), 5))
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        "<text font-family=\"f{}\" font-size=\"{}\" fill=\"{}\" x=\"{}\" y=\"{}\"{scale}>{text}</text>",
                        r.face.0,
                        pt(r.size),
                        hex(r.color),
                        xs.join(" "),
                        pt(l.baseline)
                    );
                }
            }
            Item::Rule(r) => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    pt(r.x0),
                    pt(r.y - r.thickness / 2.0),
                    pt(r.x1 - r.x0),
                    pt(r.thickness),
                    hex(r.color)
                );
            }
            Item::Frame(f) => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    pt(f.x),
                    pt(f.y),
                    pt(f.width),
                    pt(f.height),
                    hex(f.color),
                    pt(f.thickness)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}
