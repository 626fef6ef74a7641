//! Drafts kept by the server, in the archive's folder (`ARCHIVE/drafts/`),
//! so that what a writer typed survives a browser whose storage is cleared,
//! another browser, another colleague's machine. One file a draft,
//! `<id>.json`, holding the bulletin's JSON as the page last sent it (it
//! may be unfinished, even not yet JSON): the command line can check and
//! render it as it is. Ids are 16 hexadecimal digits chosen by the page;
//! nothing else names a file.
//!
//! | route | takes | answers |
//! |---|---|---|
//! | `GET /api/drafts` | — | `{"drafts": [{"id", "name", "label", "saved_at", "bytes"}]}`, newest first |
//! | `GET /api/drafts/ID` | — | `{"id", "text", "saved_at"}` |
//! | `PUT /api/drafts/ID` | the bulletin's JSON (any text) | `{"id", "saved_at"}` |
//! | `DELETE /api/drafts/ID` | — | `{"id"}` |

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use super::api::{blocking, body, json_response, App, Refusal};

/// The folder of drafts inside an archive's folder.
pub const DRAFTS_DIR: &str = "drafts";

/// The most drafts kept: a writer makes one an issue.
pub const MAX_DRAFTS: usize = 2000;

/// A draft as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// Its id.
    pub id: String,
    /// The bulletin's name, when its JSON has one.
    pub name: String,
    /// Its issue as printed (`第3期`, `增刊第1期`), when its JSON has one.
    pub label: String,
    /// When it was saved, China Standard Time (`2024-05-10 14:03`).
    pub saved_at: String,
    /// Its size.
    pub bytes: u64,
}

/// The drafts of one server.
#[derive(Debug)]
pub struct Drafts {
    dir: PathBuf,
    /// Saves and deletions one at a time (a listing may run beside them).
    writing: Mutex<()>,
}

/// Whether `id` is a draft's id: 16 lower-case hexadecimal digits.
fn valid(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `t` as a writer reads a time: `2024-05-10 14:03`, China Standard Time.
fn when(t: SystemTime) -> String {
    crate::model::date::cst(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The name and issue label of a draft's JSON, as far as they can be read.
fn describe(text: &[u8]) -> (String, String) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(text) else {
        return (String::new(), String::new());
    };
    let m = &v["masthead"];
    let name = m["name"].as_str().unwrap_or_default().to_string();
    let label = match m["issue"].as_u64() {
        Some(n) => format!("{}第{n}期", m["supplement"].as_str().unwrap_or_default()),
        None => String::new(),
    };
    (name, label)
}

impl Drafts {
    /// The drafts in `dir` (created when the first is saved).
    pub fn new(dir: impl Into<PathBuf>) -> Drafts {
        Drafts {
            dir: dir.into(),
            writing: Mutex::new(()),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn io(&self, what: &str, e: std::io::Error) -> Refusal {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "草稿{what}失败（{e}）：请检查服务器上的草稿文件夹 {}",
                self.dir.display()
            ),
        )
    }

    /// Every draft, the most recently saved first.
    pub fn list(&self) -> Result<Vec<Listed>, Refusal> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io("读取", e)),
        };
        let mut out: Vec<(SystemTime, Listed)> = Vec::new();
        for entry in rd.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = file.strip_suffix(".json").filter(|id| valid(id)) else {
                continue;
            };
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let limit = crate::model::MAX_INPUT_BYTES as u64;
            let text = crate::files::read_regular(&entry.path(), limit).unwrap_or_default();
            let (name, label) = describe(&text);
            let saved = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            out.push((
                saved,
                Listed {
                    id: id.to_string(),
                    name,
                    label,
                    saved_at: when(saved),
                    bytes: meta.len(),
                },
            ));
        }
        out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        Ok(out.into_iter().map(|(_, l)| l).collect())
    }

    /// The text of draft `id` and when it was saved.
    pub fn read(&self, id: &str) -> Result<(String, String), Refusal> {
        check_id(id)?;
        let path = self.file(id);
        let limit = crate::model::MAX_INPUT_BYTES as u64;
        let bytes = crate::files::read_regular(&path, limit).map_err(|e| match e {
            crate::files::ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Refusal::new(StatusCode::NOT_FOUND, "没有这份草稿：可能已被删除")
            }
            e => Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("草稿无法读取（{e}）"),
            ),
        })?;
        let saved = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map(when)
            .unwrap_or_default();
        Ok((String::from_utf8_lossy(&bytes).into_owned(), saved))
    }

    /// Keep `text` as draft `id` (replacing what it held), whole or not at all.
    pub fn save(&self, id: &str, text: &[u8]) -> Result<String, Refusal> {
        check_id(id)?;
        if std::str::from_utf8(text).is_err() {
            return Err(Refusal::bad_request("草稿应是 UTF-8 文本"));
        }
        if text.len() > crate::model::MAX_INPUT_BYTES {
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "草稿超过 {} MB：一期简报的 JSON 通常不到 200 KB",
                    crate::model::MAX_INPUT_BYTES / (1024 * 1024)
                ),
            ));
        }
        let _one = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let path = self.file(id);
        if !path.exists() && self.count() >= MAX_DRAFTS {
            return Err(Refusal::new(
                StatusCode::INSUFFICIENT_STORAGE,
                format!("草稿已有 {MAX_DRAFTS} 份：请先删除用不着的草稿"),
            ));
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io("保存", e))?;
        let tmp = self.dir.join(format!(".{id}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| self.io("保存", e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.io("保存", e)
        })?;
        Ok(when(SystemTime::now()))
    }

    /// Delete draft `id` (nothing when there is none).
    pub fn delete(&self, id: &str) -> Result<(), Refusal> {
        check_id(id)?;
        let _one = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        match std::fs::remove_file(self.file(id)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io("删除", e)),
        }
    }

    fn count(&self) -> usize {
        std::fs::read_dir(&self.dir)
            .map(|rd| rd.flatten().count())
            .unwrap_or(0)
    }
}

fn check_id(id: &str) -> Result<(), Refusal> {
    if valid(id) {
        Ok(())
    } else {
        Err(Refusal::bad_request(format!(
            "“{id}”不是草稿的编号（16 位十六进制数字）"
        )))
    }
}

/// The routes of the drafts.
pub fn routes(r: Router<Arc<App>>) -> Router<Arc<App>> {
    r.route("/api/drafts", get(list))
        .route("/api/drafts/{id}", get(read).put(save).delete(remove))
}

async fn list(State(app): State<Arc<App>>) -> Result<Response, Refusal> {
    let drafts = blocking(&app, |app| app.drafts().list()).await??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "drafts": drafts }),
    ))
}

async fn read(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Refusal> {
    let (text, saved_at) = blocking(&app, move |app| app.drafts().read(&id)).await??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "text": text, "saved_at": saved_at }),
    ))
}

async fn save(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let b = body(b)?;
    let id2 = id.clone();
    let saved_at = blocking(&app, move |app| app.drafts().save(&id2, &b)).await??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "id": id, "saved_at": saved_at }),
    ))
}

async fn remove(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Refusal> {
    let id2 = id.clone();
    blocking(&app, move |app| app.drafts().delete(&id2)).await??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "id": id }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_saved_listed_read_and_deleted_by_id_only() {
        let dir = std::env::temp_dir().join(format!("jianbao-drafts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let d = Drafts::new(&dir);
        assert!(d.list().unwrap().is_empty(), "no folder, no drafts");
        let a = "0123456789abcdef";
        let text = r#"{"masthead": {"name": "某县工作简报", "issue": 3}}"#;
        d.save(a, text.as_bytes()).unwrap();
        d.save("fedcba9876543210", b"{ not yet json").unwrap();
        let listed = d.list().unwrap();
        assert_eq!(listed.len(), 2);
        let first = listed.iter().find(|l| l.id == a).unwrap();
        assert_eq!(
            (first.name.as_str(), first.label.as_str()),
            ("某县工作简报", "第3期")
        );
        assert_eq!(d.read(a).unwrap().0, text);
        for bad in [
            "../../etc/passwd",
            "0123456789ABCDEF",
            "0123",
            "0123456789abcdeg",
        ] {
            assert_eq!(
                d.save(bad, b"{}").unwrap_err().status,
                StatusCode::BAD_REQUEST
            );
            assert_eq!(d.read(bad).unwrap_err().status, StatusCode::BAD_REQUEST);
        }
        assert_eq!(
            d.save(a, &[0xff, 0xfe]).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        d.delete(a).unwrap();
        d.delete(a).unwrap();
        assert_eq!(d.read(a).unwrap_err().status, StatusCode::NOT_FOUND);
        assert_eq!(d.list().unwrap().len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
