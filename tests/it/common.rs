//! Helpers shared by the integration tests: the repository's fonts, the example, small inputs.

use std::path::{Path, PathBuf};

use jianbao::output::Output;
use jianbao::{Engine, Laid, Options};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An engine on the repository's fonts (never the system's).
pub fn engine() -> Engine {
    Engine::new(root().join("fonts"))
}

/// The example input's bytes.
pub fn example() -> Vec<u8> {
    std::fs::read(root().join("examples/yiyang-2024-01.json")).expect("example input")
}

/// The example as JSON, to derive other inputs from.
pub fn example_json() -> serde_json::Value {
    serde_json::from_slice(&example()).expect("example is JSON")
}

/// The example as an office would issue it now: its 文号, 益简字【2022】42号
/// in the real issue (of another year than the issue: `check` warns), set
/// to 2024. Tests of filing use it, so that they file without warnings.
pub fn issuable() -> Vec<u8> {
    String::from_utf8(example())
        .expect("UTF-8")
        .replace("益简字【2022】42号", "益简字【2024】42号")
        .into_bytes()
}

/// [`issuable`] as JSON.
pub fn issuable_json() -> serde_json::Value {
    serde_json::from_slice(&issuable()).expect("example is JSON")
}

/// Lay out `json`, panicking with the error's message when it fails.
pub fn layout(json: &[u8]) -> Laid {
    engine()
        .layout(json, &Options::default())
        .unwrap_or_else(|e| panic!("layout failed: {e}"))
}

/// Lay out a JSON value.
pub fn layout_value(v: &serde_json::Value) -> Laid {
    layout(&serde_json::to_vec(v).unwrap())
}

/// Render `json` to PDF bytes.
pub fn render(json: &[u8]) -> Vec<u8> {
    engine()
        .render(json, &Options::default(), Output::Pdf { pdfa: false })
        .unwrap_or_else(|e| panic!("render failed: {e}"))
        .1
}

/// A minimal valid bulletin with the given body blocks.
pub fn minimal(body: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "masthead": {
            "name": "某县工作简报",
            "issue": 3,
            "total_issue": 41,
            "issuer": "某县人民政府办公室",
            "date": "2024-06-01"
        },
        "body": body,
        "distribution": { "report_to": ["市政府办公室"], "send_to": ["各乡镇人民政府"] },
        "imprint": { "copies": 40 }
    })
}

/// `n` characters of Han text without punctuation.
pub fn han(n: usize) -> String {
    "生态环境保护督察工作简报会议强调要求落实责任"
        .chars()
        .cycle()
        .take(n)
        .collect()
}

/// A temporary directory, removed (read-only parts included) when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory under the system's temporary folder.
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "jianbao-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        make_writable(&p);
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// A path inside it.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

/// Filed copies are read-only: the library's own helper makes them writable.
pub fn make_writable(p: &Path) {
    jianbao::archive::store::make_writable(p);
}

impl Drop for TempDir {
    fn drop(&mut self) {
        make_writable(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
