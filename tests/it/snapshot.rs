//! Pinned layouts: the text dumps of the example's layout and of every
//! bulletin of the layout corpus (`tests/data/corpus/`) are kept in
//! `tests/it/snapshots/`, and every change to them shows up as a diff in review.
//! Set `JIANBAO_UPDATE_SNAPSHOTS=1` to rewrite the files after a deliberate
//! layout change, then read the diff before committing it.

use std::path::PathBuf;

use crate::common::*;

/// The environment variable that rewrites the pinned files instead of comparing.
const UPDATE: &str = "JIANBAO_UPDATE_SNAPSHOTS";

fn snapshot_path(name: &str) -> PathBuf {
    root()
        .join("tests/it/snapshots")
        .join(format!("{name}.layout.txt"))
}

/// Compare `dump` with the pinned file `name`, or rewrite it when asked.
fn check_snapshot(name: &str, dump: &str) {
    let path = snapshot_path(name);
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&path, dump).unwrap();
        return;
    }
    let pinned = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with {UPDATE}=1 to write it", path.display()));
    if pinned != dump {
        let first = pinned
            .lines()
            .zip(dump.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| pinned.lines().count().min(dump.lines().count()));
        let line = |s: &str| s.lines().nth(first).unwrap_or("<end>").to_string();
        panic!(
            "the layout of {name} changed (first difference at line {}):\n  pinned: {}\n  now:    {}\n\
             if the change is meant, run the tests with {UPDATE}=1 and review the diff of {}",
            first + 1,
            line(&pinned),
            line(dump),
            path.display()
        );
    }
}

#[test]
fn the_example_layout_is_pinned() {
    let laid = layout(&example());
    check_snapshot("yiyang-2024-01", &laid.layout.dump());
}

#[test]
fn every_corpus_layout_is_pinned() {
    let corpus = crate::corpus::corpus();
    for (name, _, laid) in corpus {
        let name = name.trim_end_matches(".json");
        check_snapshot(&format!("corpus-{name}"), &laid.layout.dump());
    }
    // No pinned file is left over from a bulletin the corpus no longer has.
    let dir = root().join("tests/it/snapshots");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = file
            .strip_prefix("corpus-")
            .and_then(|f| f.strip_suffix(".layout.txt"))
        {
            assert!(
                corpus
                    .iter()
                    .any(|(n, _, _)| n.trim_end_matches(".json") == stem),
                "{file} pins a bulletin the corpus does not have"
            );
        }
    }
}
