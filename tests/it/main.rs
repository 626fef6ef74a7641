//! The integration tests, one binary: real inputs rendered through the
//! library and the command line, checked on the layout, the PDF and the archive.

#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

mod archive;
mod checks;
mod cli;
mod common;
mod corpus;
mod hostile;
mod import;
mod layout;
mod ofd;
mod parts;
mod pdf;
mod pdftext;
mod register;
mod serve;
mod serve_page;
mod snapshot;
mod sources;
mod svg;
