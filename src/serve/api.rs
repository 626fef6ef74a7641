//! The HTTP interface: the routes, what each takes and answers, and the
//! work behind them (run on blocking threads, a few at a time).
//!
//! | route | takes | answers |
//! |---|---|---|
//! | `POST /api/check` | bulletin JSON | [`Report`] (200; 500 when the server's fonts fail) |
//! | `POST /api/preview?page=N` | bulletin JSON | `image/svg+xml` of page N (1-based; 1 when absent) |
//! | `POST /api/render` | bulletin JSON | `application/pdf` |
//! | `POST /api/import` | a draft: `text/plain` or the bytes of a .docx | `{"json", "notices": [{"line", "message"}]}` |
//! | `POST /api/issue[?allow_warnings=true]` | bulletin JSON | the copy filed (201) |
//! | `GET /api/archive[?q=…]` | — | the copies issued, or the sentences found |
//! | `GET /api/archive/ID/pdf` | — | the issued PDF |
//!
//! Drafts (`drafts.rs`), new issues and what the server offers (`start.rs`)
//! and pages by layout key (`pages.rs`) have their own files; the check's
//! entries are put in a clerk's words by `words.rs`.
//!
//! A bulletin with errors gets 422 and the [`Report`]; an issue refused for
//! its warnings 422 with them; an issue number already used 409; a body over
//! [`MAX_BODY_BYTES`] 413; a malformed request (a bad query, an unknown
//! draft type) 400; every refusal has a `message` in Chinese.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Semaphore;

use super::assets::{ASSETS, CONTENT_SECURITY_POLICY};
use super::cache::{self, Recent};
use super::drafts::Drafts;
use super::report::{status_of, Report};
use super::templates::Offered;
use super::{guard, pages, words, Log, MAX_BODY_BYTES};
use crate::archive::{Archive, CopyQuery, Correction, Filter, IssueOptions};
use crate::error::Error;
use crate::import::{self, Kind};
use crate::model::Bulletin;
use crate::{svg, Engine, Laid, Options};

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
    outlines: svg::Outlines,
    permits: Semaphore,
    /// Issues are filed one at a time by this process (the archive's own
    /// lock also holds them apart from other processes).
    filing: Mutex<()>,
    loopback_only: bool,
    log: Option<Log>,
}

/// A refusal: a status and a JSON body with at least a `message`.
#[derive(Debug)]
pub struct Refusal {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: serde_json::Value,
}

impl Refusal {
    /// A refusal with `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            body: json!({ "ok": false, "message": message.into() }),
        }
    }

    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }

    /// A library error: the report of the bulletin's errors (or of the
    /// warnings that refused it) with a summary message.
    pub fn of(e: &Error) -> Refusal {
        Refusal::of_input(e, b"")
    }

    /// [`Refusal::of`] for `input`, whose entries are placed as a writer
    /// reads it.
    pub fn of_input(e: &Error, input: &[u8]) -> Refusal {
        let status =
            StatusCode::from_u16(status_of(e)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut report = Report::of_error(e);
        words::annotate(&mut report, &words::blocks_of_json(input));
        let mut body = serde_json::to_value(report).unwrap_or_else(|_| json!({}));
        body["message"] = json!(e.to_string());
        if matches!(e, Error::Warnings(_)) {
            body["refused"] = json!("warnings");
        } else if matches!(e, Error::Archive { .. }) {
            body["refused"] = json!("archive");
        }
        Refusal { status, body }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
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
        templates: Offered,
        loopback_only: bool,
        workers: usize,
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
            outlines: svg::Outlines::new(),
            permits: Semaphore::new(workers.max(1)),
            filing: Mutex::new(()),
            loopback_only,
            log,
        }
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
    pub fn svg_page(&self, laid: &Laid, index: usize) -> crate::Result<String> {
        svg::page_with(&laid.layout, &laid.fonts, index, &self.outlines)
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
        self.svg_page(&laid, 0).map(drop)
    }

    fn log(&self, line: &str) {
        if let Some(log) = &self.log {
            log(line);
        }
    }
}

/// Run `work` on a blocking thread once a permit is free.
pub async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> Result<T, Refusal> {
    let busy = || Refusal::new(StatusCode::SERVICE_UNAVAILABLE, "服务器正在关闭");
    let _permit = app.permits.acquire().await.map_err(|_| busy())?;
    let app = app.clone();
    tokio::task::spawn_blocking(move || work(&app))
        .await
        .map_err(|e| {
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("服务器处理这个请求时出错（{e}）：请把这一期的 JSON 发给维护人员"),
            )
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

/// Refuse requests from other sites (and, on loopback, to other names); set
/// the page's security headers; log one line per request.
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
        app.loopback_only,
        text(header::HOST),
        text(header::ORIGIN),
        h.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
    );
    // A body announced over the limit is refused before any of it is read
    // (a client that waits for `100 Continue` never sends it).
    let announced = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut resp = match refused {
        Some(why) => Refusal::new(StatusCode::FORBIDDEN, why).into_response(),
        None if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) => too_large().into_response(),
        None => next.run(req).await,
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
        app.log(&format!(
            "{peer} {method} {uri} {} {} ms",
            status.as_u16(),
            ms(start.elapsed())
        ));
    }
    resp
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
            (StatusCode::OK, report, took)
        }
        Err(e) => {
            let status = if status_of(&e) == 500 {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            let mut report = Report::of_error(&e);
            words::annotate(&mut report, &words::blocks_of_json(&b));
            (status, report, Duration::ZERO)
        }
    })
    .await?;
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
        crate::render::render(&laid.layout, &laid.fonts, Default::default())
            .map_err(|e| Refusal::of(&e))
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
    let imported = blocking(&app, move |_| import::import(&b, kind))
        .await?
        .map_err(|e| Refusal::of(&e))?;
    let notices: Vec<_> = imported
        .notices
        .iter()
        .map(|n| json!({ "line": n.line, "message": n.message }))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "ok": true, "json": imported.json, "notices": notices }),
    ))
}

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
            },
        );
        app.forget_previous();
        filed.map_err(|e| Refusal::of_input(&e, &b))
    })
    .await??;
    let m = &filed.manifest;
    app.log(&format!(
        "签发归档：《{}》{}，{} 页，编号 {}，登记第 {} 号{}",
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
            "pdf_sha256": m.pdf.sha256,
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
}

/// `GET /api/archive[?q=…]`: every copy, or the sentences that hold every word of `q`.
async fn archive_list(
    State(app): State<Arc<App>>,
    q: Result<Query<ArchiveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let query = q.q.unwrap_or_default().trim().to_string();
    if query.chars().count() > 200 {
        return Err(Refusal::bad_request("搜索词太长：最多 200 个字"));
    }
    let terms = crate::archive::text::query_terms(&query);
    if !query.is_empty() && crate::archive::text::fts_query(&terms).is_none() {
        return Err(Refusal::bad_request(
            "搜索词中没有汉字、字母或数字：请写要找的词，如 湿地",
        ));
    }
    let value = blocking(&app, move |app| {
        if !app.archive.root().join("copies").exists() {
            return Ok(json!({
                "ok": true, "copies": [], "hits": [],
                "notes": ["档案库中还没有签发的简报"],
            }));
        }
        if query.is_empty() {
            let (records, notes) = app.archive.list(&Filter::default())?;
            // Which copy each corrected one was superseded by.
            let by = |r: &crate::archive::Record| {
                records
                    .iter()
                    .find(|x| x.supersedes.as_deref() == Some(r.dir.as_str()))
                    .map(|x| x.id.clone())
            };
            let copy = |r: &crate::archive::Record| {
                json!({
                    "id": r.id, "name": r.name, "year": r.year, "issue": r.issue,
                    "total_issue": r.total_issue, "label": r.issue_label(),
                    "date": r.date, "pages": r.pages, "title": r.title,
                    "issued_at": r.issued_at, "revision": r.revision,
                    "superseded_by": by(r),
                })
            };
            let copies: Vec<_> = records.iter().rev().map(copy).collect();
            Ok(json!({ "ok": true, "copies": copies, "notes": notes }))
        } else {
            let copy = |r: &crate::archive::Record| {
                json!({
                    "id": r.id, "name": r.name, "year": r.year, "issue": r.issue,
                    "total_issue": r.total_issue, "label": r.issue_label(),
                    "date": r.date, "pages": r.pages, "title": r.title,
                    "issued_at": r.issued_at, "revision": r.revision,
                })
            };
            let (hits, notes) = app.archive.search(&query)?;
            let hits: Vec<_> = hits
                .iter()
                .map(|h| {
                    json!({
                        "copy": copy(&h.record), "block": h.block, "sentence": h.sentence,
                    })
                })
                .collect();
            Ok(json!({ "ok": true, "hits": hits, "notes": notes }))
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

/// `GET /api/archive/ID/pdf`: the issued PDF, when its bytes are still the
/// ones recorded.
async fn archive_pdf(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    if id.len() < 4 || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::bad_request(format!(
            "“{id}”不是编号：编号是列表中显示的十六进制串（至少 4 位）"
        )));
    }
    let (pdf, name) = blocking(&app, move |app| {
        let d = app
            .archive
            .find(&CopyQuery::Id(id))
            .map_err(|e| match e {
                Error::Archive { message } => Refusal::new(StatusCode::NOT_FOUND, message),
                e => Refusal::of(&e),
            })?;
        let limit = 256 * 1024 * 1024;
        let pdf = crate::files::read_regular(&d.pdf, limit).map_err(|e| {
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("这份副本的 PDF 无法读取（{e}）：运行 jianbao archive verify 检查档案库"),
            )
        })?;
        if crate::archive::store::sha256_hex(&pdf) != d.record.pdf_sha256 {
            return Err(Refusal::new(
                StatusCode::CONFLICT,
                "这份副本的 PDF 与归档时的记录不符（已改动）：运行 jianbao archive verify 检查档案库",
            ));
        }
        Ok((pdf, format!("{}.pdf", d.record.id)))
    })
    .await??;
    let disposition = format!("inline; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}
