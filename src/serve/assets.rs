//! The page's files, compiled into the program from `web/` (HTML, CSS,
//! JavaScript, no build step), with the built-in example and the input's
//! JSON Schema. Nothing is fetched from elsewhere at run time.

/// A file of the page: its path on the server, media type and bytes.
pub struct Asset {
    /// The path it is served at.
    pub path: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its content.
    pub body: &'static str,
}

/// The page's files: the HTML, one ES module per concern (`main.js` puts
/// them together), the style sheet, and the example.
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../../web/index.html"),
    },
    Asset {
        path: "/main.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/main.js"),
    },
    Asset {
        path: "/state.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/state.js"),
    },
    Asset {
        path: "/api.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/api.js"),
    },
    Asset {
        path: "/dom.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/dom.js"),
    },
    Asset {
        path: "/fields.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/fields.js"),
    },
    Asset {
        path: "/form.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/form.js"),
    },
    Asset {
        path: "/outline.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/outline.js"),
    },
    Asset {
        path: "/preview.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/preview.js"),
    },
    Asset {
        path: "/problems.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/problems.js"),
    },
    Asset {
        path: "/jsonview.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/jsonview.js"),
    },
    Asset {
        path: "/locate.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/locate.js"),
    },
    Asset {
        path: "/files.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/files.js"),
    },
    Asset {
        path: "/issue.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/issue.js"),
    },
    Asset {
        path: "/archive.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../web/archive.js"),
    },
    Asset {
        path: "/style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../web/style.css"),
    },
    // The tab's icon (a page with a red masthead), also at the path
    // browsers ask for by themselves, so that no page load logs a 404.
    Asset {
        path: "/favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../../web/favicon.svg"),
    },
    Asset {
        path: "/favicon.ico",
        content_type: "image/svg+xml",
        body: include_str!("../../web/favicon.svg"),
    },
    Asset {
        path: "/example.json",
        content_type: "application/json; charset=utf-8",
        body: include_str!("../../examples/yiyang-2024-01.json"),
    },
];

/// The policy of the page: its own files only (previews are inline SVG).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
