//! Stream compression of the PDF: which deflate, at which level, on how many
//! threads. What the bytes of a copy depend on besides the layout, recorded in
//! the archive as a [`PdfWriter`] so that a copy can be written again byte for
//! byte.

use std::io::Write;

use lopdf::{Object, Stream};

/// How the streams of a PDF are compressed. A copy's bytes depend on it, so
/// the archive records it (manifest `writer`) and a re-render uses the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PdfWriter {
    /// Every copy filed before the manifest recorded a writer: what lopdf's
    /// own `Document::compress` writes (flate2 with miniz_oxide at level 9,
    /// kept only when it saves more than 19 bytes).
    Legacy,
    /// Copies filed with printpdf's document and libdeflate (the version
    /// [`LIBDEFLATE`] names) at the given level.
    Libdeflate(u8),
    /// jianbao's own PDF objects (version [`DIRECT`]) with libdeflate at the
    /// given level: the current writer.
    Direct(u8),
}

/// The version of the direct writer's output: any change to the bytes it
/// writes for a layout is a new number here, so that copies made by the old
/// one are compared by their layout rather than reported as changed.
pub const DIRECT: u32 = 1;

/// The version of the `libdeflater` crate, which builds the libdeflate it
/// ships (Cargo.lock pins it; a test checks the two agree). Its output may
/// change with its version, so the version is part of the writer's name:
/// updating the crate means a new name here, and copies written by the old
/// one are then compared by their layout.
pub const LIBDEFLATE: &str = "1.26";

/// The level of [`PdfWriter::CURRENT`]: measured on the example and the
/// 60-page bench bulletin (bench/peer.py), see README, Performance. Level 6
/// against 9: the pages' content streams of 60 pages (409 KB) deflate in
/// 3.1 ms instead of 13.2 (to 55.3 KB instead of 52.2), the example's
/// 296 KB font program in 4.0 ms instead of 4.3 (0.3 KB larger); the
/// example's PDF is 0.6 KB larger, still 3 KB smaller than printpdf's.
const CURRENT_LEVEL: u8 = 6;

impl PdfWriter {
    /// The writer new copies are made with.
    pub const CURRENT: PdfWriter = PdfWriter::Direct(CURRENT_LEVEL);

    /// The name the archive records: `legacy`, `libdeflate-1.26/9` (printpdf's
    /// document), or `jianbao-1/libdeflate-1.26/9` (the direct writer).
    pub fn name(self) -> String {
        match self {
            PdfWriter::Legacy => "legacy".into(),
            PdfWriter::Libdeflate(level) => format!("libdeflate-{LIBDEFLATE}/{level}"),
            PdfWriter::Direct(level) => format!("jianbao-{DIRECT}/libdeflate-{LIBDEFLATE}/{level}"),
        }
    }

    /// The writer of a recorded name, if this program can still write it.
    pub fn from_name(name: &str) -> Option<PdfWriter> {
        if name == "legacy" {
            return Some(PdfWriter::Legacy);
        }
        let direct = format!("jianbao-{DIRECT}/");
        let (rest, make): (&str, fn(u8) -> PdfWriter) = match name.strip_prefix(&direct) {
            Some(rest) => (rest, PdfWriter::Direct),
            None => (name, PdfWriter::Libdeflate),
        };
        let rest = rest.strip_prefix("libdeflate-")?.strip_prefix(LIBDEFLATE)?;
        let level: u8 = rest.strip_prefix('/')?.parse().ok()?;
        (1..=12).contains(&level).then(|| make(level))
    }
}

impl Default for PdfWriter {
    fn default() -> Self {
        PdfWriter::CURRENT
    }
}

/// Deflate `content` in the zlib format as lopdf does (flate2, miniz_oxide,
/// level 9); `None` when it does not save more than 19 bytes (the length of
/// `/Filter /FlateDecode`).
fn deflate_legacy(content: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(content.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(content).ok()?;
    let out = enc.finish().ok()?;
    (out.len() + 19 < content.len()).then_some(out)
}

/// Deflate `content` in the zlib format with libdeflate; `None` as above.
fn deflate_libdeflate(content: &[u8], level: u8) -> Option<Vec<u8>> {
    let level = libdeflater::CompressionLvl::new(i32::from(level)).ok()?;
    let mut c = libdeflater::Compressor::new(level);
    let mut out = vec![0; c.zlib_compress_bound(content.len())];
    let n = c.zlib_compress(content, &mut out).ok()?;
    out.truncate(n);
    (out.len() + 19 < content.len()).then_some(out)
}

/// `content` deflated as `writer` does (zlib format), `None` when that
/// does not save more than 19 bytes and the stream stays as it is.
pub fn deflate(content: &[u8], writer: PdfWriter) -> Option<Vec<u8>> {
    match writer {
        PdfWriter::Legacy => deflate_legacy(content),
        PdfWriter::Libdeflate(level) | PdfWriter::Direct(level) => {
            deflate_libdeflate(content, level)
        }
    }
}

/// Compress every stream of `doc` that may be compressed and is not yet, on
/// as many threads as there are cores (`par::map`: the bytes do not depend
/// on how the threads ran).
pub fn compress(doc: &mut lopdf::Document, writer: PdfWriter) {
    let deflate = |content: &[u8]| deflate(content, writer);
    let mut streams: Vec<&mut Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            Object::Stream(s) if s.allows_compression && s.dict.get(b"Filter").is_err() => Some(s),
            _ => None,
        })
        .collect();
    // Largest first: the font programs are most of the work.
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let done = crate::par::map(&streams, |s| deflate(&s.content));
    for (s, out) in streams.into_iter().zip(done) {
        // A result lost with its thread is made again here.
        if let Some(out) = out.unwrap_or_else(|| deflate(&s.content)) {
            s.dict.set("Filter", "FlateDecode");
            s.set_content(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_names_round_trip_and_unknown_names_are_refused() {
        for w in [
            PdfWriter::Legacy,
            PdfWriter::Libdeflate(1),
            PdfWriter::Libdeflate(9),
            PdfWriter::Direct(6),
            PdfWriter::CURRENT,
        ] {
            assert_eq!(PdfWriter::from_name(&w.name()), Some(w));
        }
        assert_eq!(
            PdfWriter::CURRENT.name(),
            format!("jianbao-{DIRECT}/libdeflate-{LIBDEFLATE}/{CURRENT_LEVEL}")
        );
        assert_eq!(PdfWriter::from_name("jianbao-0/libdeflate-1.26/9"), None);
        assert_eq!(PdfWriter::from_name("jianbao-1/legacy"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.26/0"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.26/13"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.19/9"), None);
        assert_eq!(PdfWriter::from_name("zopfli-15"), None);
    }

    #[test]
    fn the_writer_names_the_libdeflate_that_is_built() {
        let lock = include_str!("../../../Cargo.lock");
        let at = lock
            .find("name = \"libdeflater\"\nversion = \"")
            .expect("libdeflater in Cargo.lock");
        let version = &lock[at..].lines().nth(1).unwrap_or_default();
        assert!(
            version.starts_with(&format!("version = \"{LIBDEFLATE}.")),
            "Cargo.lock has libdeflater {version}: name a new PdfWriter for it"
        );
    }

    #[test]
    fn compression_is_kept_only_when_it_pays_and_reads_back() {
        assert!(deflate_legacy(b"short").is_none());
        assert!(deflate_libdeflate(b"short", 9).is_none());
        let long = "简报".repeat(200);
        for out in [
            deflate_legacy(long.as_bytes()).unwrap(),
            deflate_libdeflate(long.as_bytes(), CURRENT_LEVEL).unwrap(),
        ] {
            assert!(out.len() + 19 < long.len());
            let mut back = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&out[..]), &mut back)
                .unwrap();
            assert_eq!(back, long.as_bytes());
        }
    }

    #[test]
    fn legacy_is_what_lopdf_writes() {
        let make = || {
            let mut doc = lopdf::Document::with_version("1.7");
            for k in 0..9u32 {
                let content: Vec<u8> = (0..4000u32).map(|i| ((i * (k + 3)) % 251) as u8).collect();
                doc.add_object(Stream::new(lopdf::Dictionary::new(), content));
            }
            doc
        };
        let mut ours = make();
        let mut theirs = make();
        compress(&mut ours, PdfWriter::Legacy);
        theirs.compress();
        assert_eq!(ours.objects, theirs.objects);
    }

    #[test]
    fn threads_do_not_change_the_bytes() {
        let make = || {
            let mut doc = lopdf::Document::with_version("1.7");
            for k in 0..9u32 {
                let content: Vec<u8> = (0..40000u32).map(|i| ((i * (k + 3)) % 251) as u8).collect();
                doc.add_object(Stream::new(lopdf::Dictionary::new(), content));
            }
            doc
        };
        let mut many = make();
        compress(&mut many, PdfWriter::CURRENT);
        for (id, obj) in make().objects {
            let Object::Stream(mut s) = obj else { continue };
            let out = deflate_libdeflate(&s.content, CURRENT_LEVEL).unwrap();
            s.set_content(out);
            match many.objects.get(&id) {
                Some(Object::Stream(m)) => assert_eq!(m.content, s.content),
                _ => panic!("stream {id:?} lost"),
            }
        }
    }
}
