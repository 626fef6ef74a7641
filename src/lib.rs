//! jianbao: typesets Chinese government work bulletins (工作简报) from JSON into
//! print-ready PDFs in the official layout, and archives the issued copies.
//!
//! The pipeline, one module and one hand-off type per stage:
//! [`model`] (JSON → [`model::Bulletin`]) → [`template`] (→ [`template::Template`],
//! every length in pt) → [`fonts`] (role → chain of faces: [`fonts::FontSet`]) →
//! [`typeset`] (lines of positioned glyph runs: [`typeset::Typeset`]) →
//! [`paginate`] (pages of positioned items: [`layout::Layout`]) → [`output`]
//! (PDF, OFD or SVG bytes, through one door: [`output::write`]). [`Engine`]
//! runs them in order.

pub mod archive;
pub mod diag;
pub mod error;
pub mod files;
pub mod fonts;
pub mod import;
pub mod layout;
pub mod model;
pub mod output;
pub mod paginate;
pub mod par;
pub mod places;
pub mod serve;
pub mod sign;
pub mod suggest;
pub mod template;
#[cfg(test)]
mod testgen;
pub mod typeset;
pub mod units;

use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Severity, Sink, Warned};
pub use error::{Error, Hint, MissingGlyph, Place, Problem, Result};

use fonts::{FontLibrary, FontSet};
use layout::Layout;
use model::Bulletin;
use template::Template;

/// The most pages a bulletin may have: a weekly bulletin has 4 to 12, a
/// yearly collection a few hundred.
pub const MAX_PAGES: usize = 1000;

/// What a render may be told besides the input.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A template file to use instead of the one the input names.
    pub template: Option<PathBuf>,
    /// The folder relative template paths in the input are taken from
    /// (the input file's folder).
    pub base_dir: PathBuf,
}

/// A laid-out bulletin, with everything that went into it.
#[derive(Debug, Clone)]
pub struct Laid {
    /// The validated input.
    pub bulletin: Bulletin,
    /// The resolved template.
    pub template: Template,
    /// The fonts used.
    pub fonts: FontSet,
    /// The pages.
    pub layout: Layout,
    /// What the writer should know: notices and warnings, in the order they arose.
    pub diagnostics: Vec<Diagnostic>,
}

/// The pipeline, with a font library shared by several renders (each font file
/// is read once).
#[derive(Debug)]
pub struct Engine {
    fonts: FontLibrary,
}

impl Engine {
    /// An engine reading fonts from `font_dir`.
    pub fn new(font_dir: impl Into<PathBuf>) -> Engine {
        Engine {
            fonts: FontLibrary::new(font_dir),
        }
    }

    /// The folder fonts are read from.
    pub fn font_dir(&self) -> &Path {
        self.fonts.dir()
    }

    /// Parse, resolve template and fonts, typeset and paginate `json`.
    pub fn layout(&self, json: &[u8], opts: &Options) -> Result<Laid> {
        let bulletin = model::parse(json)?;
        let template =
            template::load(&bulletin.template, &opts.base_dir, opts.template.as_deref())?;
        self.layout_bulletin(bulletin, template)
    }

    /// Typeset and paginate a parsed bulletin with a resolved template.
    pub fn layout_bulletin(&self, bulletin: Bulletin, template: Template) -> Result<Laid> {
        let mut sink = Sink::new();
        sink.extend(model::lint::lint(&bulletin));
        sink.extend(model::checks::consistency(&bulletin));
        let fonts = self.fonts.resolve(&template)?;
        let set = typeset::typeset(&bulletin, &template, &fonts.metrics()?)?.unpack(&mut sink);
        let layout = paginate::paginate(&set, &template, bulletin.doc_info()).unpack(&mut sink);
        if layout.pages.len() > MAX_PAGES {
            return Err(Error::Layout {
                place: Place::new("$.body"),
                message: format!(
                    "排出来有 {} 页，超过上限 {MAX_PAGES} 页：请分成几期",
                    layout.pages.len()
                ),
            });
        }
        Ok(Laid {
            bulletin,
            template,
            fonts,
            layout,
            diagnostics: sink.into_diagnostics(),
        })
    }

    /// Lay out `json` and write it as `output` with the current writer.
    pub fn render(
        &self,
        json: &[u8],
        opts: &Options,
        output: output::Output,
    ) -> Result<(Laid, Vec<u8>)> {
        let laid = self.layout(json, opts)?;
        let bytes = output::write(&laid, output, output::Writer::current(output))?;
        Ok((laid, bytes))
    }
}
