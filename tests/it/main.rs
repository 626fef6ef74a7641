//! The integration tests, one binary: real inputs rendered through the
//! library and the command line, checked on the layout, the PDF and the archive.

#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

mod archive;
mod archive_hostile;
mod archive_scale;
mod checks;
mod cli;
mod common;
mod corpus;
mod defaults;
mod fonts;
mod hostile;
mod import;
mod import_hostile;
mod layout;
mod newcomer;
mod ofd;
mod parts;
mod pdf;
mod pdftext;
mod register;
mod rules;
mod serve;
mod serve_limits;
mod serve_page;
mod sign;
mod snapshot;
mod sources;
mod svg;
