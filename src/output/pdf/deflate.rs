//! Stream compression of the PDF: which deflate, at which level, on how many
//! threads. What the bytes of a copy depend on besides the layout, recorded in
//! the archive as a [`PdfWriter`] so that a copy can be written again byte for
//! byte.

use lopdf::{Object, Stream};

use crate::output::deps;

/// The PDF writer: jianbao's own objects (version [`DIRECT`]) with their
/// streams compressed by libdeflate at a level. A copy's bytes depend on it,
/// so the archive records it and a re-render uses the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PdfWriter {
    /// The libdeflate level, 1–12.
    level: u8,
}

/// The version of the direct writer's output: any change to the bytes it
/// writes for a layout is a new number here, so that copies made by the old
/// one are compared by their layout rather than reported as changed.
/// 1: the first (copies of version 0.1); 2: the XMP packet of PDF/A written
/// element by element with the escaper every XML of jianbao uses.
pub const DIRECT: u32 = 2;

/// The version of libdeflate (`output::deps`); part of the writers' names.
pub const LIBDEFLATE: &str = deps::LIBDEFLATE.version;

/// What else the direct writer's bytes depend on, in the order its name
/// gives them: allsorts (faces with subroutines), lopdf (the objects and
/// their streams), miniz_oxide (lopdf's object and cross-reference streams).
const DIRECT_DEPS: [deps::Dependency; 3] = [deps::ALLSORTS, deps::LOPDF, deps::MINIZ_OXIDE];

/// What names recorded before they spelled out [`DIRECT_DEPS`] stand for
/// (`jianbao-1/libdeflate-1.26/6`, filed by versions before 0.2): the
/// versions every such copy was made with.
const UNNAMED_DEPS: &str = "/allsorts-0.17.2/lopdf-0.44.0/miniz_oxide-0.9.1";

/// The level of [`PdfWriter::CURRENT`]: measured on the example and the
/// 60-page bench bulletin (bench/peer.py), see README, Performance. Level 6
/// against 9: the pages' content streams of 60 pages (409 KB) deflate in
/// 3.1 ms instead of 13.2 (to 55.3 KB instead of 52.2), the example's
/// 296 KB font program in 4.0 ms instead of 4.3 (0.3 KB larger); the
/// example's PDF is 0.6 KB larger, still 3 KB smaller than printpdf's.
const CURRENT_LEVEL: u8 = 6;

impl PdfWriter {
    /// The writer new copies are made with.
    pub const CURRENT: PdfWriter = PdfWriter {
        level: CURRENT_LEVEL,
    };

    /// The name the archive records (after `pdf/`): the direct writer's
    /// version, libdeflate's and the level, then the other crates its bytes
    /// depend on:
    /// `jianbao-1/libdeflate-1.26/6/allsorts-0.17.2/lopdf-0.44.0/miniz_oxide-0.9.1`.
    pub fn name(self) -> String {
        deps::name(
            &format!("jianbao-{DIRECT}/libdeflate-{LIBDEFLATE}/{}", self.level),
            &DIRECT_DEPS,
        )
    }

    /// The writer of a recorded name, if this program can still write it:
    /// the same version of the direct writer, built with the same crates.
    /// Names of writers this program no longer has (`legacy`,
    /// `libdeflate-1.26/9`: printpdf's document, removed in version 0.2)
    /// give `None`.
    pub fn from_name(name: &str) -> Option<PdfWriter> {
        // A name recorded before the crates were spelled out stands for
        // the versions of then.
        let full = if name.contains("/allsorts-") {
            name.to_string()
        } else {
            format!("{name}{UNNAMED_DEPS}")
        };
        (1..=12)
            .map(|level| PdfWriter { level })
            .find(|w| w.name() == full)
    }
}

impl Default for PdfWriter {
    fn default() -> Self {
        PdfWriter::CURRENT
    }
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
    deflate_libdeflate(content, writer.level)
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
            PdfWriter { level: 1 },
            PdfWriter { level: 9 },
            PdfWriter::CURRENT,
        ] {
            assert_eq!(PdfWriter::from_name(&w.name()), Some(w));
        }
        assert_eq!(
            PdfWriter::CURRENT.name(),
            format!(
                "jianbao-{DIRECT}/libdeflate-{LIBDEFLATE}/{CURRENT_LEVEL}/allsorts-{}/lopdf-{}/miniz_oxide-{}",
                deps::ALLSORTS.version,
                deps::LOPDF.version,
                deps::MINIZ_OXIDE.version
            )
        );
        // Names recorded before the crates were spelled out: the crates of then.
        let unnamed = format!("jianbao-{DIRECT}/libdeflate-{LIBDEFLATE}/6");
        let then = PdfWriter::CURRENT.name() == format!("{unnamed}{UNNAMED_DEPS}");
        assert_eq!(PdfWriter::from_name(&unnamed).is_some(), then);
        // Another version of a crate is another writer.
        let moved = PdfWriter::CURRENT
            .name()
            .replace("/allsorts-", "/allsorts-9");
        assert_eq!(PdfWriter::from_name(&moved), None);
        assert_eq!(PdfWriter::from_name("jianbao-0/libdeflate-1.26/9"), None);
        assert_eq!(PdfWriter::from_name("jianbao-1/legacy"), None);
        // printpdf's writers are gone.
        assert_eq!(PdfWriter::from_name("legacy"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.26/9"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.26/0"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.26/13"), None);
        assert_eq!(PdfWriter::from_name("libdeflate-1.19/9"), None);
        assert_eq!(PdfWriter::from_name("zopfli-15"), None);
    }

    #[test]
    fn compression_is_kept_only_when_it_pays_and_reads_back() {
        assert!(deflate_libdeflate(b"short", 9).is_none());
        let long = "简报".repeat(200);
        {
            let out = deflate_libdeflate(long.as_bytes(), CURRENT_LEVEL).unwrap();
            assert!(out.len() + 19 < long.len());
            let mut back = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&out[..]), &mut back)
                .unwrap();
            assert_eq!(back, long.as_bytes());
        }
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
