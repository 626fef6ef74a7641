//! `jianbao serve`: a web page to write, see and issue a bulletin, served by
//! one process on the writer's machine or the office's server.
//!
//! The page (the files of `web/`, compiled into the program) edits the
//! bulletin's JSON and talks to a small JSON API (`api.rs`): check, preview
//! one page as SVG ([`crate::output`]), render the PDF, import a draft, issue
//! into the archive, list and search issued copies and open their PDFs. One
//! [`Engine`] serves every request, so font files are read once; the work of
//! a request (layout, rendering, filing) runs on a thread of its own, at
//! most as many at full priority as the machine has cores (`work.rs`).
//!
//! What the server accepts: bodies up to [`MAX_BODY_BYTES`], no file path
//! from the client (a bulletin that names a template file is refused), only
//! requests addressed to a name it answers to, none that a browser marks as
//! sent by another web site, and changes only as JSON or with the page's
//! own header (`guard.rs`). What it bounds ([`Limits`], `conn.rs`): open
//! connections, the time to send a request's head and body, to take an
//! answer, and the time of a request's work; running out of file
//! descriptors makes it wait, never stop.
//!
//! The library never prints: what the server has to say (one line for each
//! issue and each refused or failed request) goes to the [`Log`] the caller
//! gives.

mod api;
mod assets;
mod cache;
mod conn;
mod drafts;
mod guard;
mod pages;
mod report;
mod start;
mod templates;
mod words;
mod work;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use guard::{host_name, is_loopback_host, Hosts, CUSTOM_HEADER};
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
    /// The names (or addresses) it answers to besides IP addresses and, on
    /// loopback, loopback names: at least one when it listens on another
    /// address (see [`guard`](Hosts)).
    pub allowed_hosts: Vec<String>,
    /// Connections, time-outs and the time of a request's work.
    pub limits: Limits,
    /// Sign every copy issued from the page with this office key
    /// (`serve --sign`); `None`: copies are filed unsigned.
    pub sign: Option<crate::sign::Signer>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: DEFAULT_ADDR.parse().expect("a socket address"),
            archive: PathBuf::from("archive"),
            font_dir: PathBuf::from("fonts"),
            templates: Vec::new(),
            log: None,
            allowed_hosts: Vec::new(),
            limits: Limits::default(),
            sign: None,
        }
    }
}

/// What one server allows each client, and all of them together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once; beyond them a new connection is answered
    /// 503 and closed. Lowered at start-up to what the process's limit of
    /// open files allows (with room for the archive and fonts), unless
    /// [`Limits::exact_connections`].
    pub max_connections: usize,
    /// Keep [`Limits::max_connections`] as given, even above the limit of
    /// open files (the administrator said so).
    pub exact_connections: bool,
    /// The time from a connection's start (or the end of its last answer)
    /// to the end of a request's head; an idle connection is closed after
    /// it.
    pub header_timeout: Duration,
    /// The time to send a request's body (408 after it).
    pub body_timeout: Duration,
    /// The time an answer may wait for the client to take it.
    pub write_timeout: Duration,
    /// The time after which a request's work gives up its place and runs at
    /// the lowest priority (`work.rs`).
    pub demote_after: Duration,
    /// The time after which the client is told that its request took too
    /// long (503).
    pub work_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 256,
            exact_connections: false,
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            demote_after: Duration::from_millis(500),
            work_deadline: Duration::from_secs(60),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("archive", &self.archive)
            .field("font_dir", &self.font_dir)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("limits", &self.limits)
            .field("sign", &self.sign)
            .field("templates", &self.templates)
            .finish_non_exhaustive()
    }
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: TcpListener,
    app: Arc<api::App>,
    limits: Limits,
    log: Option<Log>,
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
    /// The names it is to answer to: one that is not a host name, or none
    /// given for an address other than loopback.
    Hosts(String),
    /// A template given to offer cannot be used.
    Template(crate::Error),
    /// The address cannot be listened on.
    Listen(std::io::Error),
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Hosts(m) => f.write_str(m),
            BindError::Template(e) => e.fmt(f),
            BindError::Listen(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BindError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BindError::Hosts(_) => None,
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
    ///
    /// Refused ([`BindError::Hosts`]) on an address other than loopback when
    /// no allowed host is given: anyone's web page could otherwise reach it
    /// through a name of its own (DNS rebinding); refused too when a
    /// template given to offer cannot be used.
    pub fn bind(config: Config) -> Result<Server, BindError> {
        let loopback = is_loopback(&config.addr);
        let mut names = Vec::new();
        for h in &config.allowed_hosts {
            match host_name(h.trim()) {
                Some(n) => names.push(n),
                None => return Err(BindError::Hosts(format!("“{h}”不是主机名或 IP 地址"))),
            }
        }
        if !loopback && names.is_empty() {
            return Err(BindError::Hosts(format!(
                    "在 {} 上监听时必须写明同事们在浏览器中用来打开它的名称或地址（只接受这些名称的请求，其他网站就无法借用自己的域名访问它）",
                config.addr
            )));
        }
        let templates = templates::Offered::load(&config.templates).map_err(BindError::Template)?;
        let listener = TcpListener::bind(config.addr).map_err(BindError::Listen)?;
        listener.set_nonblocking(true).map_err(BindError::Listen)?;
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let app = api::App::new(
            Engine::new(&config.font_dir),
            crate::archive::Archive::new(&config.archive),
            Hosts { loopback, names },
            work::Pool::new(workers, config.limits),
            config.limits,
            templates,
            config.log.clone(),
        )
        .with_signer(config.sign.clone());
        Ok(Server {
            listener,
            app: Arc::new(app),
            limits: conn::fit_to_open_files(config.limits),
            log: config.log,
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

    /// Its routes, to answer requests without the socket (in-process tests).
    pub fn router(&self) -> axum::Router {
        api::router(self.app.clone())
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The limits it keeps (connections lowered to what the process's
    /// limit of open files allows).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Answer requests until the process ends (or the runtime cannot start).
    pub fn run(self) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(64)
            .thread_name("jianbao-serve")
            .enable_io()
            .enable_time()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let router = api::router(self.app);
            conn::serve(listener, router, self.limits, self.log).await;
            Ok(())
        })
    }
}
