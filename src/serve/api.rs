//! The HTTP interface: the routes, what each takes and answers, and the
//! work behind them (run on blocking threads, a few at a time).
//!
//! | route | takes | answers |
//! |---|---|---|
//! | `POST /api/check` | bulletin JSON | [`Report`] (200; 500 when the server's fonts fail) |
//! | `POST /api/preview?page=N` | bulletin JSON | `image/svg+xml` of page N (1-based; 1 when absent) |
//! | `POST /api/render` | bulletin JSON | `application/pdf` |
//! | `POST /api/import` | a draft: `text/plain` or the bytes of a .docx | `{"json", "notices": [{"line", "message"}], "notices_total", "unit"}` (at most 1,000 notices listed; `unit`: 行 or 段 of a .docx) |
//! | `POST /api/issue[?allow_warnings=true]` | bulletin JSON | the copy filed (201) |
//! | `GET /api/archive[?q=…][&offset=&limit=&name=&year=]` | — | a page of the copies issued (the latest first), or of the sentences found, with their total |
//! | `GET /api/archive/ID/pdf` | — | the issued PDF |
//!
//! Drafts (`drafts.rs`), new issues and what the server offers (`start.rs`)
//! and pages by layout key (`pages.rs`) have their own files; the check's
//! entries are put in a clerk's words by `words.rs`.
//!
//! A bulletin with errors gets 422 and the [`Report`]; an issue refused for
//! its warnings 422 with them; an issue number already used 409; a body over
//! [`MAX_BODY_BYTES`] 413; a body not sent in time 408; work that takes too
//! long 503; a malformed request (a bad query, an unknown draft type) 400;
//! every refusal has a `message` in Chinese, and none shows a path of the
//! server's files (the log has them).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::assets::{ASSETS, CONTENT_SECURITY_POLICY};
use super::cache::{self, Recent};
use super::drafts::Drafts;
use super::guard::{self, Hosts, Seen};
use super::report::{status_of, Report};
use super::templates::Offered;
use super::work::{Failed, Pool};
use super::{pages, words, Limits, Log, MAX_BODY_BYTES};
use crate::archive::{Archive, Correction, Filter, IssueOptions, SearchQuery, SEARCH_PAGE};
use crate::error::{Error, Hint};
use crate::import::{self, Kind};
use crate::model::Bulletin;
use crate::output::{self, Output, Writer};
use crate::{Engine, Laid, Options};

/// How many layouts are kept for the previews that follow a check.
const LAYOUTS_KEPT: usize = 8;

/// How long the issue filed before a bulletin is kept for its checks: a
/// copy filed by another process shows within this time.
const PREVIOUS_KEPT: Duration = Duration::from_secs(10);

/// The issue filed before a bulletin: its series, year and number, when it
/// was looked up, and what was found.
type PreviousKept = Option<((String, String, u16, u32), Instant, Option<Arc<Bulletin>>)>;

/// The server's state: one engine (fonts read once), the archive, the
/// recent layouts and glyph outlines, and the permits of blocking work.
pub struct App {
    engine: Engine,
    archive: Archive,
    templates: Offered,
    drafts: Drafts,
    previous: Mutex<PreviousKept>,
    layouts: Recent<Laid>,
    outputs: output::Cache,
    work: Pool,
    /// Issues are filed one at a time by this process (the archive's own
    /// lock also holds them apart from other processes).
    filing: Mutex<()>,
    hosts: Hosts,
    limits: Limits,
    log: Option<Log>,
    /// The office key every issued copy is signed with, if any.
    sign: Option<crate::sign::Signer>,
}

/// A refusal: a status and a JSON body with at least a `message`.
#[derive(Debug)]
pub struct Refusal {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: serde_json::Value,
    /// What the log is told besides the status (never the client).
    detail: Option<String>,
}

impl Refusal {
    /// A refusal with `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            body: json!({ "ok": false, "message": message.into() }),
            detail: None,
        }
    }

    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }

    /// A library error: the report of the bulletin's errors (or of the
    /// warnings that refused it) with a summary message. The server's own
    /// trouble (fonts, archive files) is told without its paths.
    pub fn of(e: &Error) -> Refusal {
        Refusal::of_input(e, b"")
    }

    /// [`Refusal::of`] for `input`, whose entries are placed as a writer
    /// reads it.
    pub fn of_input(e: &Error, input: &[u8]) -> Refusal {
        let status =
            StatusCode::from_u16(status_of(e)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if matches!(e, Error::Io { .. } | Error::Font { .. }) {
            return Refusal::server_trouble(e);
        }
        let mut report = Report::of_error(e);
        words::annotate(&mut report, &words::blocks_of_json(input));
        let mut body = serde_json::to_value(report).unwrap_or_else(|_| json!({}));
        body["message"] = json!(e.to_string());
        if matches!(e, Error::Warnings(_)) {
            body["refused"] = json!("warnings");
        } else if let Error::Refused { message, hints } = e {
            body["refused"] = json!("archive");
            body["message"] = json!(with_words(message, hints));
            body["hints"] = json!(hints);
        } else if matches!(e, Error::Archive { .. }) {
            body["refused"] = json!("archive");
        }
        // The archive's messages may name its folders: the client is told
        // the archive, the log the paths.
        let mut detail = None;
        if let Some(m) = body["message"].as_str() {
            if m.contains('/') || m.contains('\\') {
                detail = Some(m.to_string());
                body["message"] = json!(without_paths(m));
            }
        }
        if let Some(errors) = body["errors"].as_array_mut() {
            for e in errors {
                if let Some(m) = e["message"].as_str() {
                    let clean = without_paths(m);
                    e["message"] = json!(clean);
                }
            }
        }
        Refusal {
            status,
            body,
            detail,
        }
    }
}

impl Refusal {
    /// 500 for the server's own trouble: what failed, in words without the
    /// server's paths; the log line (written by the gate) has the whole
    /// message.
    fn server_trouble(e: &Error) -> Refusal {
        let what = match e {
            Error::Font { .. } => "服务器的字体文件无法使用",
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                    "服务器的磁盘空间不足"
                }
                std::io::ErrorKind::PermissionDenied => "服务器没有读写档案库文件的权限",
                _ => "服务器读写自己的文件时出错",
            },
            _ => "服务器出错",
        };
        let mut r = Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{what}：请告诉管理员（服务器的日志中有详情）"),
        );
        r.detail = Some(e.to_string());
        r
    }
}

/// What the archive suggests, in the words of the page (the page has no
/// commands: it says what to do, or who can do it).
pub fn hint_words(h: &Hint) -> String {
    match h {
        Hint::NextIssue { .. } => "把这一期改为下一期的期号（期号、总期号各加一）后再签发".into(),
        Hint::Supersede { id } => {
            format!("如要更正已签发的那一期（档案编号 {id}），请签发它的更正本并写明理由")
        }
        Hint::GiveReason => "请写明更正的理由".into(),
        Hint::List => "可在“已签发”列表中查看各期的档案编号".into(),
        Hint::Verify => "请管理员核对档案库".into(),
        Hint::Reindex => "请管理员从文件重建档案索引".into(),
    }
}

/// `message` followed by the words of its hints.
pub fn with_words(message: &str, hints: &[Hint]) -> String {
    let mut out = message.to_string();
    for h in hints {
        out.push('。');
        out.push_str(&hint_words(h));
    }
    out
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut resp = json_response(self.status, &self.body);
        if let Some(d) = self.detail {
            resp.extensions_mut().insert(Detail(d));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::without_paths;

    #[test]
    fn paths_are_taken_out_of_messages() {
        for (m, want) in [
            (
                "无法创建 /srv/jianbao/archive/.tmp/x1：没有权限",
                "无法创建 〈服务器上的路径〉：没有权限",
            ),
            (
                "找不到 /tmp/a b（档案库）",
                "找不到 〈服务器上的路径〉 b（档案库）",
            ),
            (
                "文件 C:\\简报\\archive 无法读写",
                "文件 〈服务器上的路径〉 无法读写",
            ),
            (
                "副本（/tmp/档案/x）已改动",
                "副本（〈服务器上的路径〉）已改动",
            ),
            ("text/plain 或 1/2 或 a:b", "text/plain 或 1/2 或 a:b"),
            ("没有路径", "没有路径"),
        ] {
            assert_eq!(without_paths(m), want, "{m}");
        }
    }
}

/// What the gate writes to the log after the status (the client never sees it).
#[derive(Debug, Clone)]
struct Detail(String);

/// `message` with every absolute path (a word starting with `/`, `\\` or a
/// drive letter) replaced by 〈服务器上的路径〉.
pub fn without_paths(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(['/', '\\', ':']) {
        // A drive letter (C:\) starts a path one character before the colon.
        let (at, is_path) = match rest[start..].chars().next() {
            Some(':') => {
                let before = rest[..start].chars().next_back();
                let drive = before.is_some_and(|c| c.is_ascii_alphabetic())
                    && rest[start + 1..].starts_with(['\\', '/']);
                (start.saturating_sub(1), drive)
            }
            _ => {
                // A path starts after a space, an opening mark or the start.
                let before = rest[..start].chars().next_back();
                let starts = before
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '.' && c != '-' && c != '_');
                (start, starts)
            }
        };
        if !is_path {
            let next = start + rest[start..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..next]);
            rest = &rest[next..];
            continue;
        }
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| {
                c.is_whitespace()
                    || "：，。；）)」”\"'（(".contains(c)
                    || (!c.is_ascii() && !c.is_alphanumeric())
            })
            .unwrap_or(tail.len());
        let end = if end == 0 { tail.len().min(1) } else { end };
        out.push_str("〈服务器上的路径〉");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `value` as a JSON answer.
pub fn json_response(status: StatusCode, value: &impl Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A body over [`MAX_BODY_BYTES`].
fn too_large() -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "请求超过 {} MB 的上限：一期简报的 JSON 通常不到 200 KB，Word 草稿不到几 MB",
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
}

/// The body of a request, or why it cannot be read (413 beyond the limit).
pub fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, Refusal> {
    b.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            Refusal::bad_request(format!("无法读取请求的内容：{}", rej.body_text()))
        }
    })
}

/// Milliseconds, for `Server-Timing`.
fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

impl App {
    /// The state of a server.
    pub fn new(
        engine: Engine,
        archive: Archive,
        hosts: Hosts,
        work: Pool,
        limits: Limits,
        templates: Offered,
        log: Option<Log>,
    ) -> App {
        let drafts = Drafts::new(archive.root().join(super::drafts::DRAFTS_DIR));
        App {
            engine,
            archive,
            templates,
            drafts,
            previous: Mutex::new(None),
            layouts: Recent::new(LAYOUTS_KEPT),
            outputs: output::Cache::new(),
            work,
            filing: Mutex::new(()),
            hosts,
            limits,
            log,
            sign: None,
        }
    }

    /// Sign every copy issued through the page with `sign`.
    pub fn with_signer(mut self, sign: Option<crate::sign::Signer>) -> App {
        self.sign = sign;
        self
    }

    /// The archive.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// The drafts.
    pub fn drafts(&self) -> &Drafts {
        &self.drafts
    }

    /// The templates offered.
    pub fn templates(&self) -> &Offered {
        &self.templates
    }

    /// Parse `body` and resolve its template among those offered (the
    /// server reads no file a client names): the bulletin, its template,
    /// and the template's file when it is one given on the command line.
    fn parse(
        &self,
        body: &[u8],
    ) -> Result<
        (
            Bulletin,
            crate::template::Template,
            Option<std::path::PathBuf>,
        ),
        Error,
    > {
        let bulletin = crate::model::parse(body)?;
        let (template, file) = self.templates.resolve(&bulletin.template)?;
        Ok((bulletin, template, file))
    }

    /// The layout of `body`, from the recent layouts when it was made
    /// already; and how long the layout took (zero when it was kept).
    fn laid(&self, body: &[u8]) -> Result<(Arc<Laid>, Duration), Error> {
        let key = cache::key(body);
        if let Some(l) = self.layouts.get(&key) {
            return Ok((l, Duration::ZERO));
        }
        let start = Instant::now();
        let (bulletin, template, _) = self.parse(body)?;
        let laid = Arc::new(self.engine.layout_bulletin(bulletin, template)?);
        self.layouts.put(key, laid.clone());
        Ok((laid, start.elapsed()))
    }

    /// The layout kept under `key`, when it is still kept.
    pub fn kept_layout(&self, key: &cache::Key) -> Option<Arc<Laid>> {
        self.layouts.get(key)
    }

    /// Page `index` of `laid` as SVG, with the glyph outlines kept.
    pub fn svg_page(&self, laid: &Laid, index: usize) -> crate::Result<Vec<u8>> {
        let page = Output::SvgPage(index);
        output::write_cached(laid, page, Writer::current(page), &self.outputs)
    }

    /// The issue filed before `b` in its series, when the archive has one
    /// (looked up at most every [`PREVIOUS_KEPT`] for the same issue).
    fn previous_of(&self, b: &Bulletin) -> Option<Arc<Bulletin>> {
        let m = &b.masthead;
        let (name, series) = crate::archive::manifest::series_key(&m.name, m.supplement.as_deref());
        let key = (name, series, m.date.year(), m.issue);
        {
            let kept = self.previous.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((k, at, found)) = kept.as_ref() {
                if *k == key && at.elapsed() < PREVIOUS_KEPT {
                    return found.clone();
                }
            }
        }
        // An archive that cannot be read says so where it is used (the
        // archive's list, issuing); the check goes on without it.
        let found = self.archive.previous_issue(b).ok().flatten().map(Arc::new);
        *self.previous.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((key, Instant::now(), found.clone()));
        found
    }

    /// Forget the issue filed before (a copy was just filed).
    fn forget_previous(&self) {
        *self.previous.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Lay out `example` and draw its first page (fonts and outlines read).
    pub fn warm_up(&self, example: &[u8]) -> Result<(), Error> {
        let (laid, _) = self.laid(example)?;
        let first = Output::SvgPage(0);
        output::write_cached(&laid, first, Writer::current(first), &self.outputs).map(drop)
    }

    fn log(&self, line: &str) {
        if let Some(log) = &self.log {
            log(line);
        }
    }
}

/// Run `work` on a thread of its own once a place is free (`work.rs`).
pub async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> Result<T, Refusal> {
    let a = app.clone();
    app.work.run(move || work(&a)).await.map_err(|e| match e {
        Failed::Deadline => {
            let mut r = Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "这个请求处理了 {} 秒还没有完成，已放弃：内容可能太多（如很长的不能断开的字母或数字串）；请减少内容后再试",
                    app.limits.work_deadline.as_secs()
                ),
            );
            r.detail = Some("处理超时".into());
            r
        }
        Failed::NoThread => Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器暂时无法处理更多请求：请稍后再试",
        ),
        Failed::Panicked(what) => {
            let mut r = Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器处理这个请求时出错：请把这一期的 JSON 发给维护人员",
            );
            r.detail = Some(format!("程序错误：{what}"));
            r
        }
    })
}

/// The routes of the server.
pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new()
        .route("/api/check", post(check))
        .route("/api/preview", post(preview))
        .route("/api/render", post(render))
        .route("/api/import", post(import_draft))
        .route("/api/issue", post(issue))
        .route("/api/archive", get(archive_list))
        .route("/api/archive/{id}/pdf", get(archive_pdf))
        .route("/schema.json", get(schema));
    r = super::drafts::routes(r);
    r = super::start::routes(r);
    r = super::pages::routes(r);
    for a in ASSETS {
        let (ty, body) = (a.content_type, a.body);
        r = r.route(
            a.path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, ty),
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    body,
                )
            }),
        );
    }
    r.fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        .with_state(app)
}

/// Refuse requests to names the server does not answer to, from other
/// sites and forms (`guard.rs`); read the body within its time and size;
/// set the page's security headers; log one line per issue and per refused
/// or failed request.
async fn gate(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "-".to_string(), |c| c.0.ip().to_string());
    let uri = req.uri().path().to_string();
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    let refused = guard::refuse(
        &app.hosts,
        Seen {
            host: text(header::HOST),
            origin: text(header::ORIGIN),
            fetch_site: h.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
            changes: !matches!(
                method,
                axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
            ),
            content_type: text(header::CONTENT_TYPE),
            custom_header: h.contains_key(guard::CUSTOM_HEADER),
        },
    );
    // A body announced over the limit is refused before any of it is read
    // (a client that waits for `100 Continue` never sends it).
    let announced = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut resp = match refused {
        Some((status, why)) => Refusal::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN),
            why,
        )
        .into_response(),
        None if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) => too_large().into_response(),
        None => match read_body(req, app.limits.body_timeout).await {
            Ok(req) => next.run(req).await,
            Err(r) => r.into_response(),
        },
    };
    let headers = resp.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Every issue, and every request refused or failed: what an
    // administrator looks for (edits and previews would drown it).
    let status = resp.status();
    if uri == "/api/issue" || status.is_client_error() || status.is_server_error() {
        let detail = resp
            .extensions()
            .get::<Detail>()
            .map_or(String::new(), |d| format!("：{}", d.0));
        app.log(&format!(
            "{peer} {method} {uri} {} {} ms{detail}",
            status.as_u16(),
            ms(start.elapsed())
        ));
    }
    resp
}

/// The request with its body read whole, within `timeout` and
/// [`MAX_BODY_BYTES`] (408 and 413 otherwise).
async fn read_body(req: Request, timeout: Duration) -> Result<Request, Refusal> {
    let (parts, body) = req.into_parts();
    let read = axum::body::to_bytes(body, MAX_BODY_BYTES);
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Ok(Err(e)) => {
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            Err(if over {
                too_large()
            } else {
                Refusal::bad_request("请求的内容没有收完整：请重试")
            })
        }
        Err(_) => Err(Refusal::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "请求的内容 {} 秒内没有收完：网络太慢或连接中断，请重试",
                timeout.as_secs()
            ),
        )),
    }
}

async fn not_found() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "没有这个地址")
}

async fn schema() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/schema+json; charset=utf-8",
        )],
        crate::model::schema::json_schema(),
    )
        .into_response()
}

/// `POST /api/check`.
async fn check(
    State(app): State<Arc<App>>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let b = body(b)?;
    let (status, report, took) = blocking(&app, move |app| match app.laid(&b) {
        Ok((laid, took)) => {
            let mut report = Report::of_laid(&laid);
            // The 文号 against the issue filed before, when there is one.
            if let Some(prev) = app.previous_of(&laid.bulletin) {
                let found = crate::model::checks::against_previous(&laid.bulletin, &prev);
                report
                    .warnings
                    .extend(found.iter().map(super::report::Entry::of));
            }
            report.key = Some(pages::key_hex(&cache::key(&b)));
            report.versions = laid.layout.pages.iter().map(pages::version).collect();
            words::annotate(&mut report, &words::blocks_of(&laid.bulletin));
            Ok((StatusCode::OK, report, took))
        }
        // The server's own trouble: told without its paths.
        Err(e) if status_of(&e) == 500 => Err(Refusal::of(&e)),
        Err(e) => {
            let mut report = Report::of_error(&e);
            words::annotate(&mut report, &words::blocks_of_json(&b));
            Ok((StatusCode::OK, report, Duration::ZERO))
        }
    })
    .await??;
    let mut resp = json_response(status, &report);
    if let Ok(v) = HeaderValue::from_str(&format!("layout;dur={}", ms(took))) {
        resp.headers_mut().insert("server-timing", v);
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

/// `POST /api/preview?page=N`.
async fn preview(
    State(app): State<Arc<App>>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let page: usize = match q.page.as_deref() {
        None => 1,
        Some(p) => p
            .parse()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| Refusal::bad_request(format!("页码“{p}”应是从 1 起的整数")))?,
    };
    let b = body(b)?;
    let (svg, timing) = blocking(&app, move |app| {
        let (laid, took) = app.laid(&b).map_err(|e| Refusal::of_input(&e, &b))?;
        let n = laid.layout.pages.len();
        if page > n {
            let mut r = Refusal::new(
                StatusCode::NOT_FOUND,
                format!("没有第 {page} 页：这一期共 {n} 页"),
            );
            r.body["pages"] = json!(n);
            return Err(r);
        }
        let start = Instant::now();
        let svg = app.svg_page(&laid, page - 1).map_err(|e| Refusal::of(&e))?;
        let timing = format!("layout;dur={}, svg;dur={}", ms(took), ms(start.elapsed()));
        Ok::<_, Refusal>((svg, timing))
    })
    .await??;
    let mut resp = (
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&timing) {
        resp.headers_mut().insert("server-timing", v);
    }
    Ok(resp)
}

/// `POST /api/render`.
async fn render(
    State(app): State<Arc<App>>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let b = body(b)?;
    let pdf = blocking(&app, move |app| {
        let (laid, _) = app.laid(&b).map_err(|e| Refusal::of_input(&e, &b))?;
        let pdf = Output::Pdf { pdfa: false };
        output::write(&laid, pdf, Writer::current(pdf)).map_err(|e| Refusal::of(&e))
    })
    .await??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"bulletin.pdf\"",
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Deserialize)]
struct ImportQuery {
    /// The draft's file name, to tell its kind by the extension.
    name: Option<String>,
}

/// `POST /api/import`: the kind from the query's file name, else the
/// content type, else the first bytes.
async fn import_draft(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let b = body(b)?;
    if b.is_empty() {
        return Err(Refusal::bad_request(
            "草稿是空的：请粘贴草稿的文字，或选择 .txt、.docx 文件",
        ));
    }
    // A bulletin's own JSON (a file saved from the page, or one the command
    // line renders) is opened as it is: a .json name, a JSON type, or text
    // that begins as a JSON object.
    let named_json = q
        .name
        .as_deref()
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".json"));
    let typed_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let looks_json = b
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&b)
        .iter()
        .find(|c| !c.is_ascii_whitespace())
        == Some(&b'{');
    if named_json || typed_json || (q.name.is_none() && looks_json) {
        let text = std::str::from_utf8(b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&b))
            .map_err(|_| Refusal::bad_request("这个 .json 文件不是 UTF-8 文本：无法打开"))?;
        return Ok(json_response(
            StatusCode::OK,
            &json!({ "ok": true, "json": text, "notices": [], "bulletin": true }),
        ));
    }
    let by_name = q.name.as_deref().and_then(Kind::from_extension);
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let by_type = match mime.as_deref() {
        Some("text/plain") => Some(Kind::Text),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document") => {
            Some(Kind::Docx)
        }
        None | Some("") | Some("application/octet-stream") => None,
        Some(other) => {
            return Err(Refusal::bad_request(format!(
                "草稿的类型 {other} 无法导入：只能导入纯文本（text/plain）或 Word/WPS 的 .docx"
            )))
        }
    };
    let kind = by_name.or(by_type);
    // The answer is written on the work's thread, straight from the
    // importer's values (no JSON tree of them), with at most
    // MAX_NOTICES_SHOWN notices and their count.
    let body = blocking(&app, move |_| {
        import::import(&b, kind).map(|imported| {
            #[derive(Serialize)]
            struct Shown<'a> {
                line: usize,
                message: &'a str,
            }
            #[derive(Serialize)]
            struct Answer<'a> {
                ok: bool,
                json: &'a str,
                notices: Vec<Shown<'a>>,
                notices_total: usize,
                /// What a notice's line counts: 行 or 段 (of a .docx).
                unit: &'static str,
            }
            let answer = Answer {
                ok: true,
                json: &imported.json,
                notices: imported
                    .notices
                    .iter()
                    .take(MAX_NOTICES_SHOWN)
                    .map(|n| Shown {
                        line: n.line,
                        message: &n.message,
                    })
                    .collect(),
                notices_total: imported.notices.len(),
                unit: imported.unit.word(),
            };
            serde_json::to_vec(&answer).unwrap_or_default()
        })
    })
    .await?
    .map_err(|e| Refusal::of(&e))?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response())
}

/// The most import notices an answer lists (a draft can give one for
/// each of 200,000 lines; a page cannot show them): the rest are counted.
const MAX_NOTICES_SHOWN: usize = 1000;

#[derive(Deserialize)]
struct IssueQuery {
    allow_warnings: Option<String>,
    /// A correction: the id of the copy it supersedes.
    supersedes: Option<String>,
    /// Why the copy is corrected (required with `supersedes`).
    reason: Option<String>,
}

/// `POST /api/issue`: the body is filed byte for byte.
async fn issue(
    State(app): State<Arc<App>>,
    q: Result<Query<IssueQuery>, axum::extract::rejection::QueryRejection>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let allow_warnings = match q.allow_warnings.as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(Refusal::bad_request(format!(
                "allow_warnings 应是 true 或 false，而不是“{other}”"
            )))
        }
    };
    let supersedes = match q.supersedes.as_deref() {
        None => None,
        Some(id) => {
            let id = super::start::check_copy_id(id)?;
            let reason = q.reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.is_empty() {
                return Err(Refusal::bad_request(
                    "更正要写明理由（记入档案，日后可查）：如“第2页人名有误”",
                ));
            }
            if reason.chars().count() > 500 {
                return Err(Refusal::bad_request("更正的理由太长：最多 500 个字"));
            }
            Some(Correction {
                id,
                reason: reason.to_string(),
            })
        }
    };
    let b = body(b)?;
    let filed = blocking(&app, move |app| {
        let (_, _, template) = app.parse(&b).map_err(|e| Refusal::of_input(&e, &b))?;
        let _one = app.filing.lock().unwrap_or_else(|e| e.into_inner());
        let filed = app.archive.issue(
            &app.engine,
            &b,
            &Options {
                template,
                ..Options::default()
            },
            &IssueOptions {
                allow_warnings,
                now: SystemTime::now(),
                supersedes,
                ofd: false,
                sign: app.sign.clone(),
            },
        );
        app.forget_previous();
        filed.map_err(|e| Refusal::of_input(&e, &b))
    })
    .await??;
    let m = &filed.manifest;
    app.log(&format!(
        "签发归档：《{}》{}，{} 页，档案编号 {}，档案库第 {} 份{}",
        m.name,
        m.issue_label(),
        m.pages,
        m.id(),
        m.sequence,
        if filed.warnings.is_empty() {
            String::new()
        } else {
            format!("，接受了 {} 条警告", filed.warnings.len())
        }
    ));
    Ok(json_response(
        StatusCode::CREATED,
        &json!({
            "ok": true,
            "id": m.id(),
            "name": m.name,
            "year": m.year,
            "issue": m.issue,
            "total_issue": m.total_issue,
            "label": m.issue_label(),
            "pages": m.pages,
            "sequence": m.sequence,
            "issued_at": m.issued_at,
            "pdf_sha256": m.pdf().sha256,
            "signed_by": m.signature.as_ref().map(|s| s.key.subject.clone()),
            "warnings": filed.warnings,
            "notices": filed.notices,
            "notes": filed.notes,
            "revision": m.revision,
            "supersedes": m.supersedes.as_ref().map(|s| s.copy.clone()),
        }),
    ))
}

#[derive(Deserialize)]
struct ArchiveQuery {
    q: Option<String>,
    /// The page: how many to pass over, and how many to give (at most 200).
    offset: Option<usize>,
    limit: Option<usize>,
    /// Filters: a part of the name, a year.
    name: Option<String>,
    year: Option<u16>,
}

/// The most copies or sentences one page of `GET /api/archive` gives.
const ARCHIVE_PAGE_MAX: usize = 200;

/// `GET /api/archive[?q=…]`: every copy with its state (current,
/// superseded, a correction), or the sentences that hold every word of `q`.
async fn archive_list(
    State(app): State<Arc<App>>,
    q: Result<Query<ArchiveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let text = q.q.clone().unwrap_or_default().trim().to_string();
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(SEARCH_PAGE).clamp(1, ARCHIVE_PAGE_MAX);
    let name = q.name.clone().filter(|n| !n.trim().is_empty());
    let query = match text.as_str() {
        "" => None,
        t => {
            let mut query =
                SearchQuery::parse(t).map_err(|e| Refusal::bad_request(e.to_string()))?;
            query.offset = offset;
            query.limit = limit;
            query.scope.name = name.clone();
            query.scope.year = q.year;
            Some(query)
        }
    };
    let value = blocking(&app, move |app| {
        if !app.archive.has_copies() {
            return Ok(json!({
                "ok": true, "copies": [], "hits": [],
                "notes": ["档案库中还没有签发的简报"],
            }));
        }
        match query {
            None => {
                // A page, the latest first.
                let mut listing = app.archive.list(&Filter {
                    name,
                    year: q.year,
                    offset,
                    limit: Some(limit),
                })?;
                let words: Vec<String> = listing.hints.iter().map(hint_words).collect();
                listing.notes.extend(words);
                Ok(json!({
                    "ok": true,
                    "current": listing.current(),
                    "total": listing.total,
                    "superseded": listing.superseded,
                    "offset": listing.offset,
                    "counts": listing.counts,
                    "copies": listing.copies,
                    "notes": listing.notes,
                    "hints": listing.hints,
                }))
            }
            Some(query) => {
                let found = app.archive.search(&query)?;
                Ok(json!({
                    "ok": true,
                    "hits": found.hits,
                    "total": found.total,
                    "issues": found.copies,
                    "offset": found.offset,
                    "notes": found.notes,
                }))
            }
        }
    })
    .await?
    .map_err(|e: Error| {
        // The archive's own trouble (a damaged index, unreadable folders).
        let mut r = Refusal::of(&e);
        r.status = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })?;
    Ok(json_response(StatusCode::OK, &value))
}

/// `GET /api/archive/ID/pdf`: the issued PDF (the signed one for a signed
/// copy), when its bytes are still the ones recorded.
async fn archive_pdf(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    if id.len() < 4 || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::bad_request(format!(
            "“{id}”不是档案编号：档案编号是列表中显示的十六进制串（至少 4 位）"
        )));
    }
    let (record, pdf) = blocking(&app, move |app| {
        if !app.archive.has_copies() {
            return Ok(None);
        }
        app.archive.download_pdf(&id)
    })
    .await?
    .map_err(|e| Refusal::of(&e))?
    .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "档案库中没有这个档案编号的副本"))?;
    let disposition = format!("inline; filename=\"{}.pdf\"", record.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}
