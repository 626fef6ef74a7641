//! `jianbao serve`: a web page to write, see and issue a bulletin, served by
//! one process on the writer's machine or the office's server.
//!
//! The page (the files of `web/`, compiled into the program) edits the
//! bulletin's JSON and talks to a small JSON API (`api.rs`): check, preview
//! one page as SVG ([`crate::svg`]), render the PDF, import a draft, issue
//! into the archive, list and search issued copies and open their PDFs. One
//! [`Engine`] serves every request, so font files are read once; the work of
//! a request (layout, rendering, filing) runs on blocking threads, at most
//! as many at once as the machine has cores, while other requests wait.
//!
//! What the server accepts: bodies up to [`MAX_BODY_BYTES`], no file path
//! from the client (a bulletin that names a template file is refused), no
//! request that a browser marks as sent by another web site, and on the
//! loopback interface only requests addressed to it (`guard.rs`).
//!
//! The library never prints: what the server has to say (one line for each
//! issue and each refused or failed request) goes to the [`Log`] the caller
//! gives.

mod api;
mod assets;
mod cache;
mod drafts;
mod guard;
mod pages;
mod report;
mod start;
mod templates;
mod words;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

pub use guard::is_loopback_host;
pub use report::{status_of, Entry, Report};

use crate::Engine;

/// The largest request body: a .docx draft with pictures can be a few
/// megabytes; a bulletin's JSON is at most [`crate::model::MAX_INPUT_BYTES`].
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The address `jianbao serve` listens on when none is given: the loopback
/// interface only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Where the server's messages go (one line each).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// What the server is told.
#[derive(Clone)]
pub struct Config {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// The archive issued copies are filed into and read from.
    pub archive: PathBuf,
    /// The font folder.
    pub font_dir: PathBuf,
    /// Template files a user may pick besides the built-in ones.
    pub templates: Vec<PathBuf>,
    /// Where a line about each request goes, when anywhere.
    pub log: Option<Log>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("archive", &self.archive)
            .field("font_dir", &self.font_dir)
            .field("templates", &self.templates)
            .finish_non_exhaustive()
    }
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: TcpListener,
    app: Arc<api::App>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

/// Why a server could not start.
#[derive(Debug)]
pub enum BindError {
    /// A template given to offer cannot be used.
    Template(crate::Error),
    /// The address cannot be listened on.
    Listen(std::io::Error),
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Template(e) => e.fmt(f),
            BindError::Listen(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BindError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BindError::Template(e) => Some(e),
            BindError::Listen(e) => Some(e),
        }
    }
}

/// Whether `addr` is on the loopback interface (only this machine can reach it).
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

impl Server {
    /// Read the templates of `config` and bind to `config.addr` (port 0
    /// picks a free port).
    pub fn bind(config: Config) -> Result<Server, BindError> {
        let templates = templates::Offered::load(&config.templates).map_err(BindError::Template)?;
        let listener = TcpListener::bind(config.addr).map_err(BindError::Listen)?;
        listener.set_nonblocking(true).map_err(BindError::Listen)?;
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let app = api::App::new(
            Engine::new(&config.font_dir),
            crate::archive::Archive::new(&config.archive),
            templates,
            is_loopback(&config.addr),
            workers,
            config.log,
        );
        Ok(Server {
            listener,
            app: Arc::new(app),
        })
    }

    /// Lay out the built-in example once: the font files are opened before
    /// the first request, and a font folder that does not serve is found at
    /// start-up.
    pub fn warm_up(&self) -> crate::Result<()> {
        let example = assets::ASSETS
            .iter()
            .find(|a| a.path == "/example.json")
            .map_or(&b""[..], |a| a.body.as_bytes());
        self.app.warm_up(example)
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answer requests until the process ends (or an error of the listener).
    pub fn run(self) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(64)
            .thread_name("jianbao-serve")
            .enable_io()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let app = api::router(self.app).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).await
        })
    }
}
