//! jianbao: typesets Chinese government work bulletins (工作简报) from JSON into
//! print-ready PDFs in the official layout, and archives the issued copies.
//!
//! The pipeline, one module and one hand-off type per stage:
//! [`model`] (JSON → [`model::Bulletin`]) → `template` (resolved, every length
//! in pt) → `fonts` (role → chain of faces) → `typeset` (lines of positioned
//! glyph runs) → `paginate` (pages of positioned items: the `layout`) →
//! `render` (the layout to PDF bytes).

pub mod error;
pub mod model;

pub use error::{Error, MissingGlyph, Place, Problem, Result, Warning};
