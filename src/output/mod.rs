//! Every artefact made from a layout goes through one door: [`write`] takes
//! the laid-out bulletin, what to make of it ([`Output`]) and which version
//! of the code makes it ([`Writer`]), and returns the bytes. The command
//! line, the server and the archive all call it; a new back end is one
//! folder here and one arm of [`Output`] and [`Writer`].
//!
//! The back ends, each a translator of the [`Layout`](crate::layout::Layout)
//! that makes no decision of its own:
//!
//! | output | folder | what |
//! |---|---|---|
//! | [`Output::Pdf`] | `pdf/` | PDF, or PDF/A-2b as issued copies are (jianbao's own writer on lopdf) |
//! | [`Output::Ofd`] | `ofd/` | an OFD package (GB/T 33190-2016) |
//! | [`Output::SvgPage`] | `svg/` | one page as SVG, for the web page's previews |
//!
//! A writer is what an artefact's bytes depend on besides the layout and the
//! font files: the version of jianbao's code and of every crate that decides
//! bytes (`deps.rs`). The archive records it with every file it keeps, so
//! that a copy can be written again byte for byte; a writer this program no
//! longer has is compared by the layout's [`fingerprint`], a hash of a frozen
//! canonical text of the layout (`fingerprint.rs`), apart from the
//! `Layout::dump` that tests and people read.

pub mod deps;
mod fingerprint;
pub mod ofd;
pub mod pdf;
pub mod svg;
pub mod xml;

pub use fingerprint::{fingerprint, fingerprint_of, Fingerprint};

use crate::error::{Error, Result};
use crate::Laid;

/// What to make of a laid-out bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// A PDF; with `pdfa`, PDF/A-2b (XMP metadata, an sRGB output intent),
    /// as issued copies are.
    Pdf {
        /// Write PDF/A-2b.
        pdfa: bool,
    },
    /// An OFD package (GB/T 33190-2016).
    Ofd,
    /// Page `n` (0-based) as an SVG document, for previews.
    SvgPage(usize),
}

impl Output {
    /// The output's name in messages: `PDF`, `OFD`, `SVG`.
    pub fn name(self) -> &'static str {
        match self {
            Output::Pdf { .. } => "PDF",
            Output::Ofd => "OFD",
            Output::SvgPage(_) => "SVG",
        }
    }

    /// The usual file extension of the output.
    pub fn extension(self) -> &'static str {
        match self {
            Output::Pdf { .. } => "pdf",
            Output::Ofd => "ofd",
            Output::SvgPage(_) => "svg",
        }
    }
}

/// The version of the code that writes an output: an artefact's bytes are a
/// function of the layout, the font files and its writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Writer {
    /// A PDF writer.
    Pdf(pdf::PdfWriter),
    /// An OFD writer.
    Ofd(ofd::OfdWriter),
    /// The SVG writer of previews (never filed).
    Svg,
}

impl Writer {
    /// The writer new artefacts of `output` are made with.
    pub fn current(output: Output) -> Writer {
        match output {
            Output::Pdf { .. } => Writer::Pdf(pdf::PdfWriter::CURRENT),
            Output::Ofd => Writer::Ofd(ofd::OfdWriter::CURRENT),
            Output::SvgPage(_) => Writer::Svg,
        }
    }

    /// The name the archive records: the kind of output, the writer's
    /// version and every crate its bytes depend on, e.g.
    /// `pdf/jianbao-1/libdeflate-1.26/6/allsorts-0.17.2/lopdf-0.44.0/miniz_oxide-0.9.1`.
    pub fn name(&self) -> String {
        match self {
            Writer::Pdf(w) => format!("pdf/{}", w.name()),
            Writer::Ofd(w) => format!("ofd/{}", w.name()),
            Writer::Svg => "svg/1".into(),
        }
    }

    /// The output a filed file written by this writer is (a PDF written as
    /// PDF/A when `pdfa`); `None` for previews, which are never filed.
    pub fn filed_output(self, pdfa: bool) -> Option<Output> {
        match self {
            Writer::Pdf(_) => Some(Output::Pdf { pdfa }),
            Writer::Ofd(_) => Some(Output::Ofd),
            Writer::Svg => None,
        }
    }

    /// The writer of a recorded name, if this program can still write it
    /// (the same version, built with the same crates).
    pub fn from_name(name: &str) -> Option<Writer> {
        let (kind, rest) = name.split_once('/')?;
        match kind {
            "pdf" => pdf::PdfWriter::from_name(rest).map(Writer::Pdf),
            "ofd" => ofd::OfdWriter::from_name(rest).map(Writer::Ofd),
            "svg" => (rest == "1").then_some(Writer::Svg),
            _ => None,
        }
    }
}

/// What writers keep between artefacts: the glyph outlines of SVG pages.
#[derive(Debug, Default)]
pub struct Cache {
    outlines: svg::Outlines,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache::default()
    }
}

/// The bytes of `output` of `laid`, written by `writer`.
pub fn write(laid: &Laid, output: Output, writer: Writer) -> Result<Vec<u8>> {
    write_cached(laid, output, writer, &Cache::new())
}

/// [`write`], keeping what can serve later artefacts in `cache`.
pub fn write_cached(laid: &Laid, output: Output, writer: Writer, cache: &Cache) -> Result<Vec<u8>> {
    match (output, writer) {
        (Output::Pdf { pdfa }, Writer::Pdf(writer)) => pdf::render(
            &laid.layout,
            &laid.fonts,
            pdf::RenderOptions { pdfa, writer },
        ),
        (Output::Ofd, Writer::Ofd(_)) => ofd::render(&laid.layout, &laid.fonts),
        (Output::SvgPage(n), Writer::Svg) => {
            svg::page_with(&laid.layout, &laid.fonts, n, &cache.outlines).map(String::into_bytes)
        }
        (output, writer) => Err(Error::Output {
            output: output.name(),
            message: format!("写出方式 {} 不能写这种文件", writer.name()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_names_say_the_output_and_round_trip() {
        for output in [Output::Pdf { pdfa: true }, Output::Ofd, Output::SvgPage(0)] {
            let w = Writer::current(output);
            let name = w.name();
            assert!(name.starts_with(output.extension()), "{name}");
            assert_eq!(Writer::from_name(&name), Some(w));
        }
        assert_eq!(Writer::from_name("jianbao-1/libdeflate-1.26/6"), None);
        assert_eq!(Writer::from_name("ofd"), None);
        assert_eq!(Writer::from_name("png/1"), None);
    }

    #[test]
    fn an_output_its_writer_cannot_write_is_an_output_error() {
        let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let json = r#"{
          "masthead": { "name": "简报", "issue": 1, "issuer": "办", "date": "2024-06-01" },
          "body": [ { "type": "article", "title": "题", "paragraphs": ["文。"] } ]
        }"#;
        let laid = crate::Engine::new(fonts)
            .layout(json.as_bytes(), &crate::Options::default())
            .unwrap();
        match write(&laid, Output::Ofd, Writer::Svg) {
            Err(e @ Error::Output { .. }) => {
                assert!(!e.is_content_error());
                assert!(e.to_string().contains("svg/1"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        // Each output with its own writer.
        for output in [Output::Pdf { pdfa: false }, Output::Ofd, Output::SvgPage(0)] {
            let bytes = write(&laid, output, Writer::current(output)).unwrap();
            assert!(!bytes.is_empty());
        }
        assert!(write(&laid, Output::SvgPage(1), Writer::Svg).is_err());
    }
}
