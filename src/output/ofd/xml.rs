//! Writing the package's XML: elements of the OFD namespace with the `ofd:`
//! prefix (the namespace `http://www.ofdspec.org/2016` of the schemas of
//! GB/T 33190-2016 Annex A), escaped as every XML of jianbao is
//! ([`crate::output::xml`]), and lengths in millimetres written to the
//! micrometre.

use crate::output::xml;

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

/// An OFD part being written: the shared writer of [`crate::output::xml`]
/// with the `ofd:` prefix on every element, its root declaring the namespace.
pub struct Xml(xml::Xml);

impl Xml {
    /// A document whose root element is `ofd:{root}`, declaring the namespace.
    pub fn new(root: &'static str, attrs: &[(&str, &str)]) -> Xml {
        let mut x = xml::Xml::with_declaration("ofd:");
        let mut all = vec![("xmlns:ofd", NAMESPACE)];
        all.extend_from_slice(attrs);
        x.open(root, &all);
        Xml(x)
    }

    /// Close every open element and return the document's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.0.finish().into_bytes()
    }
}

impl std::ops::Deref for Xml {
    type Target = xml::Xml;

    fn deref(&self) -> &xml::Xml {
        &self.0
    }
}

impl std::ops::DerefMut for Xml {
    fn deref_mut(&mut self) -> &mut xml::Xml {
        &mut self.0
    }
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
}
