//! PDF/A-2b parts of the document: XMP metadata and the sRGB output intent.

use lopdf::Object;

use crate::layout::DocInfo;

/// Add the PDF/A objects to `doc`; returns the catalog entries that refer to them.
pub fn add(_doc: &mut lopdf::Document, _info: &DocInfo) -> Vec<(&'static str, Object)> {
    Vec::new()
}
