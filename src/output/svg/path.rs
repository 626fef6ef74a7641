//! Glyph outlines as SVG path data: the outline of one glyph, read with
//! ttf-parser, written in font units (y upwards, as in the font) with
//! relative commands, so that a page's `<defs>` stay small.
//!
//! Coordinates are rounded to hundredths of a font unit before the
//! differences are taken, so relative commands accumulate no rounding error.

use std::fmt::Write as _;

/// Hundredths of a font unit.
fn units(v: f32) -> i64 {
    (f64::from(v) * 100.0).round() as i64
}

/// `v` hundredths written as a decimal, without trailing zeros (`1250` →
/// `12.5`, `-7` → `-.07`), with a separator before it unless a minus sign
/// separates it from what is already written.
fn push_units(out: &mut String, v: i64) {
    let last = out.as_bytes().last().copied();
    let after_command = matches!(last, Some(b'a'..=b'z' | b'A'..=b'Z') | None);
    if v >= 0 && !after_command {
        out.push(' ');
    }
    if v < 0 {
        out.push('-');
    }
    let a = v.unsigned_abs();
    let (whole, frac) = (a / 100, a % 100);
    if whole > 0 || frac == 0 {
        let _ = write!(out, "{whole}");
    }
    if frac > 0 {
        if frac % 10 == 0 {
            let _ = write!(out, ".{}", frac / 10);
        } else {
            let _ = write!(out, ".{frac:02}");
        }
    }
}

/// Builds the path data of one glyph (ttf-parser's [`ttf_parser::OutlineBuilder`]).
#[derive(Debug, Default)]
pub struct PathData {
    out: String,
    /// The current point, in hundredths of a font unit.
    at: (i64, i64),
    /// The start of the current subpath (where `z` returns to).
    start: (i64, i64),
    /// The last command letter written (repeated commands are implicit).
    last: Option<u8>,
}

impl PathData {
    /// An empty path.
    pub fn new() -> PathData {
        PathData::default()
    }

    /// The path data written.
    pub fn finish(self) -> String {
        self.out
    }

    fn command(&mut self, c: u8) {
        // After `m`, further pairs are implicit `l`s: never rely on that.
        if self.last != Some(c) || c == b'm' {
            self.out.push(c as char);
            self.last = Some(c);
        }
    }

    /// Write points relative to the current point; the last becomes current.
    fn points(&mut self, pts: &[(f32, f32)]) {
        let from = self.at;
        for &(x, y) in pts {
            let p = (units(x), units(y));
            push_units(&mut self.out, p.0 - from.0);
            push_units(&mut self.out, p.1 - from.1);
            self.at = p;
        }
    }
}

impl ttf_parser::OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        self.command(b'm');
        self.points(&[(x, y)]);
        self.start = self.at;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.command(b'l');
        self.points(&[(x, y)]);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.command(b'q');
        self.points(&[(x1, y1), (x, y)]);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.command(b'c');
        self.points(&[(x1, y1), (x2, y2), (x, y)]);
    }

    fn close(&mut self) {
        self.out.push('z');
        self.last = Some(b'z');
        self.at = self.start;
    }
}

/// The path data of glyph `gid` of `face`, in font units with y upwards; `None`
/// for a glyph without an outline (a space) or an id the face lacks.
pub fn glyph_path(face: &ttf_parser::Face<'_>, gid: u16) -> Option<String> {
    let mut b = PathData::new();
    face.outline_glyph(ttf_parser::GlyphId(gid), &mut b)?;
    let d = b.finish();
    (!d.is_empty()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttf_parser::OutlineBuilder;

    #[test]
    fn numbers_are_short_and_separated() {
        let mut s = String::from("m");
        for v in [0, 1250, -7, 300, -100, 5] {
            push_units(&mut s, v);
        }
        assert_eq!(s, "m0 12.5-.07 3-1 .05");
    }

    #[test]
    fn relative_commands_accumulate_no_rounding_error() {
        let mut b = PathData::new();
        b.move_to(10.004, 20.0);
        b.line_to(10.014, 20.0);
        b.line_to(10.024, 20.0);
        b.curve_to(11.0, 21.0, 12.0, 22.0, 13.0, 23.0);
        b.quad_to(14.0, 24.0, 15.5, 25.0);
        b.close();
        b.move_to(0.0, 0.0);
        b.line_to(-1.0, 0.0);
        b.close();
        // 10.004 → 10.00, 10.014 → 10.01, 10.024 → 10.02: each step one hundredth.
        assert_eq!(
            b.finish(),
            "m10 20l.01 0 .01 0c.98 1 1.98 2 2.98 3q1 1 2.5 2zm-10-20l-1 0z"
        );
    }

    #[test]
    fn glyphs_of_the_repository_fonts_have_outlines() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for file in ["FandolFang-Regular.otf", "LiberationSerif-Regular.ttf"] {
            let data = std::fs::read(dir.join(file)).unwrap();
            let face = ttf_parser::Face::parse(&data, 0).unwrap();
            let gid = face.glyph_index('中').or(face.glyph_index('A')).unwrap();
            let d = glyph_path(&face, gid.0).unwrap();
            assert!(d.starts_with('m') && d.ends_with('z'), "{file}: {d}");
            // A space draws nothing.
            let space = face.glyph_index(' ').unwrap();
            assert_eq!(glyph_path(&face, space.0), None, "{file}");
        }
    }
}
