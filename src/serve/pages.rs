//! The preview's pages without sending the text again: a check answers
//! with the key of its layout (the SHA-256 of the body, under which the
//! server keeps the layout for a while) and a version of each page (a hash
//! of what is drawn on it and of the input paths it shows), so that the
//! page fetches only the pages that changed, by key.
//!
//! | route | answers |
//! |---|---|
//! | `GET /api/page/KEY/N` | `image/svg+xml` of page N of the layout kept under KEY; 404 when it is no longer kept (the page then sends the text to `POST /api/preview`) |
//! | `GET /api/find/KEY?path=P` | `{"page"}`: the first page with a line set from the input at P (or from within it; else from the nearest field that holds it), `null` when none |

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::api::{blocking, App, Refusal};
use crate::layout::{Item, Layout, Page};

/// The routes of this file.
pub fn routes(r: Router<Arc<App>>) -> Router<Arc<App>> {
    r.route("/api/page/{key}/{page}", get(page))
        .route("/api/find/{key}", get(find))
}

/// The first page (1-based) with a line set from `path`, from within it, or
/// else from the nearest field that holds it (`$.body[1].note` → `$.body[1]`).
pub fn page_of(layout: &Layout, path: &str) -> Option<usize> {
    let mut want = path.to_string();
    loop {
        let inside = |s: &str| {
            s == want
                || s.strip_prefix(want.as_str())
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
        };
        if let Some((i, _)) = layout
            .lines()
            .find(|(_, l)| l.source.as_deref().is_some_and(inside))
        {
            return Some(i + 1);
        }
        // Never up to `$` itself, which holds everything.
        let cut = want.rfind(['.', '['])?;
        if cut <= 1 {
            return None;
        }
        want.truncate(cut);
    }
}

#[derive(serde::Deserialize)]
struct FindQuery {
    path: String,
}

/// `GET /api/find/KEY?path=P`.
async fn find(
    State(app): State<Arc<App>>,
    UrlPath(key): UrlPath<String>,
    q: Result<Query<FindQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response, Refusal> {
    let Query(q) = q.map_err(|e| Refusal::bad_request(format!("查询参数有误：{e}")))?;
    let key =
        parse_key(&key).ok_or_else(|| Refusal::bad_request("版面的编号应是 64 位十六进制数字"))?;
    let Some(laid) = app.kept_layout(&key) else {
        let mut r = Refusal::new(StatusCode::NOT_FOUND, "这个版面已不在服务器的缓存中");
        r.body["expired"] = serde_json::json!(true);
        return Err(r);
    };
    let page = page_of(&laid.layout, &q.path);
    Ok(super::api::json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "page": page }),
    ))
}

/// A key as text: 64 hexadecimal digits.
pub fn key_hex(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_key(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// FNV-1a, 64 bits: a page's version needs no more than telling two
/// versions of one page apart within a session.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn f32(&mut self, v: f32) {
        self.bytes(&v.to_bits().to_le_bytes());
    }
}

/// The version of a page: a hash of everything drawn on it and of the
/// input paths of its lines.
pub fn version(page: &Page) -> String {
    let mut h = Fnv::new();
    h.bytes(&page.number.unwrap_or(0).to_le_bytes());
    h.f32(page.type_left);
    for item in &page.items {
        match item {
            Item::Line(l) => {
                h.bytes(b"L");
                h.f32(l.baseline);
                h.bytes(l.source.as_deref().unwrap_or("").as_bytes());
                h.bytes(&[0]);
                for r in &l.runs {
                    h.bytes(&r.face.0.to_le_bytes());
                    for v in [r.size, r.hscale, r.color.0, r.color.1, r.color.2] {
                        h.f32(v);
                    }
                    for g in &r.glyphs {
                        h.bytes(&g.gid.to_le_bytes());
                        h.f32(g.x);
                    }
                }
            }
            Item::Rule(r) => {
                h.bytes(b"R");
                for v in [
                    r.x0,
                    r.x1,
                    r.y,
                    r.thickness,
                    r.color.0,
                    r.color.1,
                    r.color.2,
                ] {
                    h.f32(v);
                }
            }
            Item::Frame(f) => {
                h.bytes(b"F");
                for v in [f.x, f.y, f.width, f.height, f.thickness] {
                    h.f32(v);
                }
            }
        }
    }
    format!("{:016x}", h.0)
}

/// `GET /api/page/KEY/N`.
async fn page(
    State(app): State<Arc<App>>,
    UrlPath((key, page)): UrlPath<(String, String)>,
) -> Result<Response, Refusal> {
    let key =
        parse_key(&key).ok_or_else(|| Refusal::bad_request("版面的编号应是 64 位十六进制数字"))?;
    let page: usize = page
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| Refusal::bad_request(format!("页码“{page}”应是从 1 起的整数")))?;
    let (svg, timing) = blocking(&app, move |app| {
        let Some(laid) = app.kept_layout(&key) else {
            let mut r = Refusal::new(StatusCode::NOT_FOUND, "这个版面已不在服务器的缓存中");
            r.body["expired"] = serde_json::json!(true);
            return Err(r);
        };
        let n = laid.layout.pages.len();
        if page > n {
            let mut r = Refusal::new(
                StatusCode::NOT_FOUND,
                format!("没有第 {page} 页：这一期共 {n} 页"),
            );
            r.body["pages"] = serde_json::json!(n);
            return Err(r);
        }
        let start = Instant::now();
        let svg = app.svg_page(&laid, page - 1).map_err(|e| Refusal::of(&e))?;
        let timing = format!("svg;dur={:.1}", start.elapsed().as_secs_f64() * 1000.0);
        Ok((svg, timing))
    })
    .await??;
    let mut resp = (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=600"),
        ],
        svg,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&timing) {
        resp.headers_mut().insert("server-timing", v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_and_versions_tell_pages_apart() {
        let k = [7u8; 32];
        assert_eq!(parse_key(&key_hex(&k)), Some(k));
        assert_eq!(parse_key("00"), None);
        assert_eq!(parse_key(&"zz".repeat(32)), None);
        let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let example = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yiyang-2024-01.json"),
        )
        .unwrap();
        let laid = crate::Engine::new(fonts)
            .layout(&example, &crate::Options::default())
            .unwrap();
        let v: Vec<String> = laid.layout.pages.iter().map(version).collect();
        let mut unique = v.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), v.len(), "{v:?}");
        let mut moved = laid.layout.pages[0].clone();
        if let Item::Line(l) = &mut moved.items[0] {
            l.source = Some("$.other".into());
        }
        assert_ne!(version(&moved), v[0], "the paths count");
        assert_eq!(version(&laid.layout.pages[0].clone()), v[0]);
        // Where a field is.
        assert_eq!(page_of(&laid.layout, "$.masthead.name"), Some(1));
        assert_eq!(page_of(&laid.layout, "$.body[1].paragraphs[1]"), Some(2));
        assert_eq!(
            page_of(&laid.layout, "$.body[1]"),
            page_of(&laid.layout, "$.body[1].title")
        );
        assert_eq!(
            page_of(&laid.layout, "$.body[1].note[0]"),
            page_of(&laid.layout, "$.body[1].title")
        );
        assert_eq!(
            page_of(&laid.layout, "$.document_number"),
            Some(laid.layout.pages.len())
        );
        assert_eq!(page_of(&laid.layout, "$.nothing"), None);
    }
}
