//! Writing the package's XML: elements of the OFD namespace with the `ofd:`
//! prefix (the namespace `http://www.ofdspec.org/2016` of the schemas of
//! GB/T 33190-2016 Annex A),
//! escaped text, and lengths in millimetres written to the micrometre.

use std::fmt::Write as _;

/// The OFD namespace (target namespace of the schemas of GB/T 33190-2016 Annex A).
pub const NAMESPACE: &str = "http://www.ofdspec.org/2016";

/// Millimetres per point (1 pt = 1/72 in, 1 in = 25.4 mm).
pub const MM_PER_PT: f64 = 25.4 / 72.0;

/// A length in pt as whole micrometres, the precision written.
pub fn um(pt: f32) -> i64 {
    (f64::from(pt) * MM_PER_PT * 1000.0).round() as i64
}

/// Micrometres as millimetres, without trailing zeros: `12345` → `12.345`,
/// `210000` → `210`, `-500` → `-0.5`.
pub fn mm_of_um(um: i64) -> String {
    decimal(um, 3)
}

/// `v` × 10^-`places`, without trailing zeros.
pub fn decimal(v: i64, places: usize) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let unit = 10u64.pow(places as u32);
    let (int, frac) = (a / unit, a % unit);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:0places$}");
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

/// A length in pt, written in millimetres.
pub fn mm(pt: f32) -> String {
    mm_of_um(um(pt))
}

/// An XML document being written.
pub struct Xml {
    out: String,
    open: Vec<&'static str>,
    /// Whether the element just opened has not been closed with `>` yet.
    pending: bool,
}

impl Xml {
    /// A document whose root element is `ofd:{root}`, declaring the namespace.
    pub fn new(root: &'static str, attrs: &[(&str, &str)]) -> Xml {
        let mut x = Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
            pending: false,
        };
        let mut all = vec![("xmlns:ofd", NAMESPACE)];
        all.extend_from_slice(attrs);
        x.open(root, &all);
        x
    }

    fn settle(&mut self) {
        if self.pending {
            self.out.push('>');
            self.pending = false;
        }
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.settle();
        let _ = write!(self.out, "<ofd:{name}");
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v));
        }
    }

    /// Open `ofd:{name}`; its content follows until [`Xml::close`].
    pub fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.pending = true;
        self.open.push(name);
    }

    /// Close the element opened last.
    pub fn close(&mut self) {
        let Some(name) = self.open.pop() else { return };
        if self.pending {
            self.out.push_str("/>");
            self.pending = false;
        } else {
            let _ = write!(self.out, "</ofd:{name}>");
        }
    }

    /// An element without content.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push_str("/>");
    }

    /// An element holding `text`.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        let _ = write!(self.out, ">{}</ofd:{name}>", escape(text));
    }

    /// Close every open element and return the document's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.into_bytes()
    }
}

/// `s` escaped for XML content and attribute values. Characters XML 1.0 does
/// not allow (C0 controls other than tab and line breaks, U+FFFE, U+FFFF)
/// become U+FFFD; line breaks and tabs are written as character references so
/// that attribute values keep them.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_to_the_micrometre() {
        assert_eq!(mm_of_um(210_000), "210");
        assert_eq!(mm_of_um(12_345), "12.345");
        assert_eq!(mm_of_um(-500), "-0.5");
        assert_eq!(mm_of_um(0), "0");
        assert_eq!(mm_of_um(7), "0.007");
        // A4: 595.276 x 841.89 pt.
        assert_eq!(mm(595.276), "210");
        assert_eq!(mm(841.89), "297");
        assert_eq!(mm(16.0), "5.644");
        assert_eq!(mm(-0.0), "0");
        assert_eq!(decimal(55_714, 4), "5.5714");
        assert_eq!(decimal(-3, 4), "-0.0003");
    }

    #[test]
    fn elements_nest_and_escape() {
        let mut x = Xml::new("Page", &[("A", "1")]);
        x.open("Content", &[]);
        x.text("T", &[("N", "a\"<b>&")], "x<y & z");
        x.empty("E", &[]);
        x.open("Empty", &[]);
        x.close();
        let s = String::from_utf8(x.finish()).unwrap();
        assert_eq!(
            s,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\" A=\"1\"><ofd:Content>\
             <ofd:T N=\"a&quot;&lt;b&gt;&amp;\">x&lt;y &amp; z</ofd:T><ofd:E/><ofd:Empty/>\
             </ofd:Content></ofd:Page>"
        );
    }

    #[test]
    fn characters_xml_cannot_hold_are_replaced() {
        assert_eq!(escape("a\u{1}b\u{FFFF}"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(escape("a\nb"), "a&#10;b");
    }
}
