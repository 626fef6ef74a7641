//! Starting an issue from the page, and what the page is told of the
//! server: a new issue as `jianbao new` makes it (the next after the last
//! issued copy of a name, or a first issue's skeleton), the next issue after
//! a filed copy, a filed copy's input (to correct it), and which archive,
//! drafts folder and templates the server uses.
//!
//! | route | takes | answers |
//! |---|---|---|
//! | `POST /api/new` | `{"name", "supplement"?, "date"?}`, `{"copy": ID, "date"?}` or `{"blank": true, "date"?}` | `{"json", "issue", "year", "notes", "first_issue"}` |
//! | `GET /api/archive/ID/input` | — | the filed input, byte for byte (when its hash is the recorded one) |
//! | `GET /api/info` | — | `{"archive", "drafts", "templates", "version"}` |

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::api::{blocking, body, json_response, App, Refusal};
use crate::archive::{CopyQuery, NextIssue, NextNote};
use crate::error::Error;
use crate::model::Date;

/// The routes of this file.
pub fn routes(r: Router<Arc<App>>) -> Router<Arc<App>> {
    r.route("/api/new", post(new_issue))
        .route("/api/archive/{id}/input", get(copy_input))
        .route("/api/info", get(info))
}

/// What `POST /api/new` is asked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRequest {
    /// The bulletin's name: its next issue after the archive's last, or a
    /// first issue.
    name: Option<String>,
    /// The supplement series (增刊), for `name`.
    supplement: Option<String>,
    /// A filed copy: the issue after it.
    copy: Option<String>,
    /// A first issue's skeleton with nothing filled in (no name).
    #[serde(default)]
    blank: bool,
    /// The new issue's date, `YYYY-MM-DD` (today, China Standard Time, when absent).
    date: Option<String>,
}

/// A note of `new` in words for the page (the command line's name a field).
fn note_words(n: &NextNote) -> String {
    match n {
        NextNote::DocumentNumberLeftOut(no) => format!(
            "上一期的文号“{no}”中的号数与期号、总期号都对不上，没有照抄：请在版记的“文号”中填写这一期的文号"
        ),
        other => other.to_string(),
    }
}

/// A copy's id as the page sends it: hexadecimal, at least 4 digits.
pub fn check_copy_id(id: &str) -> Result<String, Refusal> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 4 || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::bad_request(format!(
            "“{id}”不是档案编号：档案编号是已签发列表中显示的十六进制串"
        )));
    }
    Ok(id)
}

/// An archive's refusal (no such copy: 404) or trouble (500).
fn archive_refusal(e: Error) -> Refusal {
    match e {
        Error::Archive { message } => Refusal::new(StatusCode::NOT_FOUND, message),
        // No such copy: what to look at instead, in the page's words.
        Error::Refused { message, hints } if hints.contains(&crate::error::Hint::List) => {
            Refusal::new(
                StatusCode::NOT_FOUND,
                super::api::with_words(&message, &hints),
            )
        }
        e => Refusal::of(&e),
    }
}

/// `POST /api/new`.
async fn new_issue(
    State(app): State<Arc<App>>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let b = body(b)?;
    let req: NewRequest = serde_json::from_slice(&b)
        .map_err(|e| Refusal::bad_request(format!("请求的内容有误：{e}")))?;
    let date = match req.date.as_deref().map(str::trim) {
        None | Some("") => Date::cst(SystemTime::now()),
        Some(d) => Date::parse_iso(d).ok_or_else(|| {
            Refusal::bad_request(format!(
                "日期“{d}”应写成 2025-04-18 的样子，且是日历上的日期"
            ))
        })?,
    };
    let copy = req.copy.as_deref().map(check_copy_id).transpose()?;
    let name = req
        .name
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if copy.is_none() && name.is_empty() && !req.blank {
        return Err(Refusal::bad_request("请写简报名称（如 某县工作动态）"));
    }
    if name.chars().count() > crate::model::MAX_LINE_CHARS {
        return Err(Refusal::bad_request("简报名称太长"));
    }
    let supplement = req
        .supplement
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let blank = req.blank && copy.is_none() && name.is_empty();
    let next: NextIssue = blocking(&app, move |app| match copy {
        None if blank => Ok(NextIssue {
            json: crate::archive::skeleton::first_issue("", None, date),
            numbers: crate::archive::skeleton::Numbers {
                year: date.year(),
                issue: 1,
                total_issue: None,
            },
            supplement: None,
            notes: Vec::new(),
        }),
        Some(id) => {
            let d = app
                .archive()
                .find(&CopyQuery::Id(id))
                .map_err(archive_refusal)?;
            let bytes = read_input(&d)?;
            let prev = crate::model::parse(&bytes).map_err(|e| Refusal::of(&e))?;
            app.archive()
                .next_after(&prev, date)
                .map_err(|e| Refusal::of(&e))
        }
        None => app
            .archive()
            .next_by_name(&name, supplement.as_deref(), date)
            .map_err(|e| Refusal::of(&e)),
    })
    .await??;
    let notes: Vec<String> = next.notes.iter().map(note_words).collect();
    let first_issue = next.notes.contains(&NextNote::FirstIssue);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "ok": true,
            "json": next.json,
            "year": next.numbers.year,
            "issue": next.numbers.issue,
            "total_issue": next.numbers.total_issue,
            "supplement": next.supplement,
            "notes": notes,
            "first_issue": first_issue,
        }),
    ))
}

/// The input of a filed copy, when it still has its recorded hash.
fn read_input(d: &crate::archive::CopyDetails) -> Result<Vec<u8>, Refusal> {
    let limit = crate::model::MAX_INPUT_BYTES as u64;
    let bytes = crate::files::read_regular(&d.input, limit).map_err(|e| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("这份副本的输入无法读取（{e}）：请让管理员检查档案库"),
        )
    })?;
    if crate::archive::store::sha256_hex(&bytes) != d.record.input_sha256 {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "这份副本的输入与归档时的记录不符（已改动）：请让管理员检查档案库",
        ));
    }
    Ok(bytes)
}

/// `GET /api/archive/ID/input`: the filed input, to correct it.
async fn copy_input(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Refusal> {
    let id = check_copy_id(&id)?;
    let bytes = blocking(&app, move |app| {
        let d = app
            .archive()
            .find(&CopyQuery::Id(id))
            .map_err(archive_refusal)?;
        read_input(&d)
    })
    .await??;
    Ok((
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        bytes,
    )
        .into_response())
}

/// `GET /api/info`.
async fn info(State(app): State<Arc<App>>) -> Response {
    let absolute = |p: &std::path::Path| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string()
    };
    json_response(
        StatusCode::OK,
        &json!({
            "ok": true,
            "archive": absolute(app.archive().root()),
            "drafts": absolute(app.drafts().dir()),
            "templates": app.templates().choices(),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    )
}
