//! XML for every back end that writes it (the OFD's parts, the SVG
//! previews, the PDF's XMP packet): one escaper with one policy, and a small
//! writer of elements that escapes every attribute value and text with it.

use std::fmt::Write as _;

/// `s` escaped for XML content and attribute values. Characters XML 1.0 does
/// not allow (C0 controls other than tab and line breaks, U+FFFE, U+FFFF)
/// become U+FFFD, so that a reader never meets a malformed document; line
/// breaks and tabs are written as character references so that attribute
/// values keep them; `&`, `<`, `>`, `"` are escaped everywhere.
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

/// An XML document being written, element by element, without white space
/// between elements. Element names get `prefix` (`ofd:` for the OFD's
/// namespace, empty where names are written qualified).
#[derive(Debug)]
pub struct Xml {
    out: String,
    prefix: &'static str,
    open: Vec<&'static str>,
    /// Whether the element just opened has not been closed with `>` yet.
    pending: bool,
}

impl Xml {
    /// A document without an XML declaration (an XMP packet).
    pub fn new(prefix: &'static str) -> Xml {
        Xml {
            out: String::new(),
            prefix,
            open: Vec::new(),
            pending: false,
        }
    }

    /// A document that starts with the XML declaration (UTF-8) and a line break.
    pub fn with_declaration(prefix: &'static str) -> Xml {
        let mut x = Xml::new(prefix);
        x.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
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
        let _ = write!(self.out, "<{}{name}", self.prefix);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v));
        }
    }

    /// Markup written as it is (a processing instruction, padding); never
    /// text from a document, which goes through [`Xml::text`].
    pub fn markup(&mut self, s: &str) {
        self.settle();
        self.out.push_str(s);
    }

    /// Open `name`; its content follows until [`Xml::close`].
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
            let _ = write!(self.out, "</{}{name}>", self.prefix);
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
        let _ = write!(self.out, ">{}</{}{name}>", escape(text), self.prefix);
    }

    /// Close every open element and return the document.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_characters_xml_cannot_hold_are_escaped() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c'");
        assert_eq!(
            escape("a\u{1}b\u{FFFF}\u{FFFE}"),
            "a\u{FFFD}b\u{FFFD}\u{FFFD}"
        );
        assert_eq!(escape("a\nb\tc\r"), "a&#10;b&#9;c&#13;");
        assert_eq!(escape("简报 ★"), "简报 ★");
    }

    #[test]
    fn elements_nest_with_their_prefix() {
        let mut x = Xml::with_declaration("p:");
        x.open("A", &[("k", "<1>")]);
        x.text("T", &[], "x & y");
        x.open("Empty", &[]);
        x.close();
        x.markup("<?pi?>");
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p:A k=\"&lt;1&gt;\"><p:T>x &amp; y</p:T><p:Empty/><?pi?></p:A>"
        );
        let mut x = Xml::new("");
        x.empty("rdf:li", &[("xml:lang", "x-default")]);
        assert_eq!(x.finish(), "<rdf:li xml:lang=\"x-default\"/>");
    }
}
