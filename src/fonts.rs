//! Fonts: loading font files from the font folder and resolving each role to a
//! chain of faces, so that every character is drawn by the first face of its
//! role's chain that has it.
//!
//! Only the tables needed for layout (cmap, hmtx) are read, through ttf-parser,
//! which parses lazily; outlines are read only by the renderer, for the glyphs
//! used.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::template::{hex, Role, Template};

pub mod collection;
pub mod discover;
pub mod install;

/// The environment variable that names the font folder.
pub const FONT_DIR_ENV: &str = "JIANBAO_FONT_DIR";

/// A font file read into memory.
#[derive(Debug)]
pub struct FontFile {
    /// The file's name in the font folder.
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// Its bytes (mapped, so that only the pages a render touches are read);
    /// for a face of a collection, that face as a file of its own.
    pub data: FontBytes,
    /// The face's index in its file, when the file is a collection (.ttc).
    pub index: Option<u32>,
    sha256: OnceLock<String>,
}

impl FontFile {
    /// SHA-256 (hex) of the file (the whole collection for a face of one),
    /// computed on first use.
    pub fn sha256(&self) -> &str {
        self.sha256
            .get_or_init(|| hex(&Sha256::digest(self.data.file())))
    }
}

/// The bytes of a font file, memory-mapped.
///
/// A CJK font is 5–8 MB, and a bulletin uses a few hundred of its glyphs:
/// reading the whole files cost about 17 ms of a 60 ms render; mapped, only
/// the tables and outlines used are paged in.
///
/// The face of a collection is copied out of the mapped file when the file
/// is opened ([`collection::extract`]), so that every reader of the face
/// reads a plain font file: the whole face is read then (fonts/README.md
/// has what it costs).
#[derive(Debug)]
pub struct FontBytes {
    map: memmap2::Mmap,
    face: Option<Vec<u8>>,
}

/// The largest font file read: the CJK faces of a full character set are
/// 5–20 MB; a larger file is not a font a bulletin needs.
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

impl FontBytes {
    /// Map the regular file at `path` of at most [`MAX_FONT_BYTES`].
    fn open(path: &Path) -> std::result::Result<FontBytes, crate::files::ReadError> {
        use crate::files::ReadError;
        let check = |meta: std::fs::Metadata| {
            if !meta.is_file() {
                Err(ReadError::NotRegular)
            } else if meta.len() > MAX_FONT_BYTES {
                Err(ReadError::TooLarge {
                    size: Some(meta.len()),
                    limit: MAX_FONT_BYTES,
                })
            } else {
                Ok(())
            }
        };
        check(std::fs::metadata(path).map_err(ReadError::Io)?)?;
        let file = std::fs::File::open(path).map_err(ReadError::Io)?;
        check(file.metadata().map_err(ReadError::Io)?)?;
        // The crate's one use of `unsafe` (Cargo.toml denies it elsewhere).
        // SAFETY: the map is read-only and font files are not modified while a
        // render runs (fonts/ is part of the installation, like the program).
        // A file truncated under us could fault; that is the same contract every
        // font-rendering program has with its font files.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(ReadError::Io)?;
        Ok(FontBytes { map, face: None })
    }

    /// The bytes of the whole file (for a face of a collection, the collection).
    pub fn file(&self) -> &[u8] {
        &self.map
    }
}

impl std::ops::Deref for FontBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.face.as_deref().unwrap_or(&self.map)
    }
}

/// The font folder, with the files read so far (each file is read once).
#[derive(Debug)]
pub struct FontLibrary {
    dir: PathBuf,
    files: Mutex<BTreeMap<String, Arc<FontFile>>>,
}

impl FontLibrary {
    /// A library reading from `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FontLibrary {
            dir: dir.into(),
            files: Mutex::new(BTreeMap::new()),
        }
    }

    /// The folder fonts are read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file `name`, read on first use; `file.ttc#face` names a face of
    /// a collection ([`collection`]).
    pub fn file(&self, name: &str) -> Result<Arc<FontFile>> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = files.get(name) {
            return Ok(f.clone());
        }
        if name.contains('/') || name.contains('\\') || name == ".." {
            return Err(Error::Font {
                file: PathBuf::from(name),
                message: "字体名应是字体文件夹中的文件名，不能含路径".into(),
            });
        }
        let (file_name, selector) = collection::split(name);
        let path = self.dir.join(file_name);
        let mut data = FontBytes::open(&path).map_err(|e| Error::Font {
            file: path.clone(),
            message: format!(
                "无法读取（{e}）：字体文件夹 {} 中应有这个文件",
                self.dir.display()
            ),
        })?;
        let index = open_face(&mut data, &path, file_name, selector)?;
        if ttf_parser::Face::parse(&data, 0).is_err() {
            return Err(Error::Font {
                file: path,
                message: "不是可用的 OpenType/TrueType 字体".into(),
            });
        }
        // A file cut short still parses (its tables are read when used), and
        // its characters would all fall back to other faces: refused here.
        if let Some(cut) = ttf_parser::RawFace::parse(&data, 0).ok().and_then(|raw| {
            raw.table_records
                .into_iter()
                .find(|r| u64::from(r.offset) + u64::from(r.length) > data.len() as u64)
        }) {
            let tag = cut.tag.to_string();
            return Err(damaged(
                &path,
                format!(
                    "文件只有 {} 字节，它的 {} 表却超出了文件的末尾：文件被截断了",
                    data.len(),
                    tag.trim()
                ),
            ));
        }
        let file = Arc::new(FontFile {
            name: name.to_string(),
            path,
            data,
            index,
            sha256: OnceLock::new(),
        });
        files.insert(name.to_string(), file.clone());
        Ok(file)
    }

    /// Resolve every role of `template` to its chain of faces, reading the files.
    pub fn resolve(&self, template: &Template) -> Result<FontSet> {
        let mut files: Vec<Arc<FontFile>> = Vec::new();
        let mut chains = BTreeMap::new();
        for (role, rf) in &template.fonts {
            let mut chain = Vec::new();
            for spec in &rf.faces {
                let id = match files.iter().position(|f| f.name == spec.file) {
                    Some(i) => i,
                    None => {
                        files.push(self.file(&spec.file)?);
                        files.len() - 1
                    }
                };
                chain.push(ChainEntry {
                    face: FaceId(id as u16),
                    only: spec.only.clone(),
                });
            }
            chains.insert(*role, chain);
        }
        let latin = template
            .fonts
            .iter()
            .map(|(r, rf)| (*r, rf.latin))
            .collect();
        Ok(FontSet {
            files,
            chains,
            latin,
        })
    }
}

/// For a collection, copy out the face `selector` chooses (an error lists
/// its faces when none or no face of it is chosen); its index. A plain file
/// stays as it is (a `selector` must name its one face).
fn open_face(
    data: &mut FontBytes,
    path: &Path,
    file_name: &str,
    selector: Option<&str>,
) -> Result<Option<u32>> {
    let fail = |message: String| Error::Font {
        file: path.to_path_buf(),
        message,
    };
    let is_collection = collection::is_collection(data.file());
    if !is_collection && selector.is_none() {
        return Ok(None);
    }
    let index = collection::choose(data.file(), file_name, selector).map_err(fail)?;
    if !is_collection {
        return Ok(None);
    }
    let face = collection::extract(data.file(), index)
        .ok_or_else(|| damaged(path, format!("字体集中第 {index} 个字体无法取出")))?;
    data.face = Some(face);
    Ok(Some(index))
}

pub use crate::layout::FaceId;

/// One entry of a role's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEntry {
    /// The face.
    pub face: FaceId,
    /// When set, the face is used only for these characters.
    pub only: Option<Vec<char>>,
}

/// The fonts of one render: the files used and each role's chain. The hand-off
/// of the font stage.
#[derive(Debug, Clone)]
pub struct FontSet {
    files: Vec<Arc<FontFile>>,
    chains: BTreeMap<Role, Vec<ChainEntry>>,
    latin: BTreeMap<Role, Role>,
}

impl FontSet {
    /// The files, indexed by [`FaceId`].
    pub fn files(&self) -> &[Arc<FontFile>] {
        &self.files
    }

    /// The file of `face`.
    pub fn file(&self, face: FaceId) -> &FontFile {
        &self.files[face.0 as usize]
    }

    /// The chain of `role`.
    pub fn chain(&self, role: Role) -> &[ChainEntry] {
        self.chains.get(&role).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The role setting Latin letters and digits inside text of `role`.
    pub fn latin_role(&self, role: Role) -> Role {
        self.latin.get(&role).copied().unwrap_or(role)
    }

    /// Parse the faces for glyph lookups (cheap: tables are read lazily).
    pub fn metrics(&self) -> Result<Metrics<'_>> {
        let faces = self
            .files
            .iter()
            .map(|f| {
                ttf_parser::Face::parse(&f.data, 0)
                    .map(|face| {
                        let upm = f32::from(face.units_per_em());
                        ParsedFace { face, upm }
                    })
                    .map_err(|e| damaged(&f.path, format!("无法解析：{e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Metrics {
            set: self,
            faces,
            cache: Mutex::new(HashMap::new()),
        })
    }
}

struct ParsedFace<'a> {
    face: ttf_parser::Face<'a>,
    upm: f32,
}

/// A glyph found for a character.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphInfo {
    /// The face drawing it.
    pub face: FaceId,
    /// The glyph id in that face.
    pub gid: u16,
    /// The glyph's advance, in em.
    pub advance: f32,
    /// Whether the face is not the first of the chain (a fallback was used).
    pub fallback: bool,
}

/// The character drawn for one that no face has, when substitutes are allowed:
/// 〓 (GETA MARK), the traditional placeholder of Chinese typesetting.
pub const SUBSTITUTE: char = '〓';

/// How a character of a role is drawn: the decision of the font policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GlyphChoice {
    /// By the role's first general face, or by a face limited to this character.
    Primary(GlyphInfo),
    /// By a later face of the role's chain: the first lacks it.
    Fallback(GlyphInfo),
    /// No face of the role has it; substitutes are allowed and another face
    /// of the set has it.
    OtherFace(GlyphInfo),
    /// No face has it; substitutes are allowed: drawn as [`SUBSTITUTE`].
    Geta(GlyphInfo),
    /// Nothing may draw it: an error, unless a substitute is allowed and exists.
    Missing,
}

/// Glyph lookups over a [`FontSet`], cached.
pub struct Metrics<'a> {
    set: &'a FontSet,
    faces: Vec<ParsedFace<'a>>,
    cache: Mutex<HashMap<(Role, char), Option<GlyphInfo>>>,
}

impl<'a> Metrics<'a> {
    /// The font set.
    pub fn set(&self) -> &'a FontSet {
        self.set
    }

    /// The glyph of `ch` in `face`, when the face has one.
    pub fn glyph_in(&self, face: FaceId, ch: char) -> Option<(u16, f32)> {
        let pf = self.faces.get(face.0 as usize)?;
        let gid = pf.face.glyph_index(ch)?;
        if gid.0 == 0 {
            return None;
        }
        let adv = pf.face.glyph_hor_advance(gid).unwrap_or(0);
        Some((gid.0, f32::from(adv) / pf.upm))
    }

    /// The glyph drawing `ch` in `role`: the first face of the chain that has it.
    pub fn glyph(&self, role: Role, ch: char) -> Option<GlyphInfo> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache.entry((role, ch)).or_insert_with(|| {
            let chain = self.set.chain(role);
            let first_general = chain.iter().position(|e| e.only.is_none());
            chain.iter().enumerate().find_map(|(i, entry)| {
                if let Some(only) = &entry.only {
                    if !only.contains(&ch) {
                        return None;
                    }
                }
                self.glyph_in(entry.face, ch)
                    .map(|(gid, advance)| GlyphInfo {
                        face: entry.face,
                        gid,
                        advance,
                        fallback: entry.only.is_none() && Some(i) != first_general,
                    })
            })
        })
    }

    /// The font policy: how `ch` in `role` is drawn. The role's chain first
    /// (its first general face, else a fallback); when no face of the chain
    /// has it and `allow_substitutes`, any face of the set, else 〓 from the
    /// role's chain or any face; else missing.
    pub fn choose(&self, role: Role, ch: char, allow_substitutes: bool) -> GlyphChoice {
        if let Some(g) = self.glyph(role, ch) {
            return if g.fallback {
                GlyphChoice::Fallback(g)
            } else {
                GlyphChoice::Primary(g)
            };
        }
        if !allow_substitutes {
            return GlyphChoice::Missing;
        }
        if let Some(g) = self.any_glyph(ch) {
            return GlyphChoice::OtherFace(g);
        }
        self.glyph(role, SUBSTITUTE)
            .or_else(|| self.any_glyph(SUBSTITUTE))
            .map_or(GlyphChoice::Missing, GlyphChoice::Geta)
    }

    /// Any face of the set that has `ch` (for substitutes), first by face order.
    pub fn any_glyph(&self, ch: char) -> Option<GlyphInfo> {
        (0..self.faces.len()).find_map(|i| {
            let face = FaceId(i as u16);
            self.glyph_in(face, ch).map(|(gid, advance)| GlyphInfo {
                face,
                gid,
                advance,
                fallback: true,
            })
        })
    }
}

/// A subset of `file` holding glyph 0 and `gids` (sorted, without
/// duplicates), renumbered in that order: the original glyph `gids[i]` is
/// glyph `i + 1` of the subset when `gids` does not hold 0, glyph `i`
/// otherwise. Outline tables are read only for these glyphs; the subset keeps
/// a Unicode cmap.
pub fn subset(file: &FontFile, gids: &[u16]) -> Result<Vec<u8>> {
    subset_with(file, gids, false)
}

/// [`subset`], also keeping the OS/2 table (when the face has one): a font
/// file that stands on its own, as in an OFD package, and not only inside a
/// PDF (the OpenType specification requires OS/2 of a font file).
pub fn subset_standalone(file: &FontFile, gids: &[u16]) -> Result<Vec<u8>> {
    subset_with(file, gids, true)
}

/// The font program a PDF embeds for `gids` (glyph 0 first, then `gids` in
/// order): the bare `CFF ` table of a CFF face (CID-keyed faces keep their
/// CIDs, name-keyed ones stay name-keyed), or a TrueType file without
/// `cmap`, which a CIDFontType2 shown through CIDToGIDMap does not need
/// (ISO 32000-1 §9.9).
pub fn subset_program(file: &FontFile, gids: &[u16]) -> Result<Vec<u8>> {
    use allsorts::subset::prince::{subset as subset_font, PrinceCmapTarget};
    subset_by(file, gids, |provider, ids| {
        subset_font(provider, ids, PrinceCmapTarget::Omit, false).map_err(|e| e.to_string())
    })
}

/// `make` run on the table provider of `file` and the glyphs allsorts wants
/// kept (glyph 0 first, then `gids`); its error becomes a font error.
fn subset_by(
    file: &FontFile,
    gids: &[u16],
    make: impl FnOnce(
        &allsorts::font_data::DynamicFontTableProvider<'_>,
        &[u16],
    ) -> std::result::Result<Vec<u8>, String>,
) -> Result<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    let fail = |what: String| damaged(&file.path, format!("无法取子集：{what}"));
    let mut ids = Vec::with_capacity(gids.len() + 1);
    ids.push(0);
    ids.extend(gids.iter().copied().filter(|&g| g != 0));
    let data = ReadScope::new(&file.data)
        .read::<FontData<'_>>()
        .map_err(|e| fail(e.to_string()))?;
    let provider = data.table_provider(0).map_err(|e| fail(e.to_string()))?;
    make(&provider, &ids).map_err(fail)
}

fn subset_with(file: &FontFile, gids: &[u16], os2: bool) -> Result<Vec<u8>> {
    use allsorts::subset::{subset as subset_font, CmapTarget, SubsetProfile};
    use allsorts::tables::FontTableProvider;
    use allsorts::tag;
    subset_by(file, gids, |provider, ids| {
        let profile = if os2 && provider.has_table(tag::OS_2) {
            // The PDF profile's tables and OS/2.
            SubsetProfile::Custom(vec![
                tag::CMAP,
                tag::HEAD,
                tag::CVT,
                tag::FPGM,
                tag::HHEA,
                tag::HMTX,
                tag::MAXP,
                tag::NAME,
                tag::OS_2,
                tag::POST,
                tag::PREP,
            ])
        } else {
            SubsetProfile::Pdf
        };
        subset_font(provider, ids, &profile, CmapTarget::Unicode).map_err(|e| e.to_string())
    })
}

/// The error of a font file that cannot be read as a font (`what` says
/// where it failed): in practice a file damaged or cut short in copying.
fn damaged(path: &Path, what: String) -> Error {
    Error::Font {
        file: path.to_path_buf(),
        message: format!(
            "{what}（字体文件可能已损坏或不完整：请换一份完好的，如重新复制字体文件夹）"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TemplateRef;

    fn repo_fonts() -> FontLibrary {
        FontLibrary::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"))
    }

    #[test]
    fn chains_fall_back_for_missing_characters() {
        let t = crate::template::load(
            &TemplateRef::Builtin("jianbao".into()),
            Path::new("."),
            None,
        )
        .unwrap();
        let set = repo_fonts().resolve(&t).unwrap();
        let m = set.metrics().unwrap();
        let zhong = m.glyph(Role::Body, '中').unwrap();
        assert_eq!(set.file(zhong.face).name, "FandolFang-Regular.otf");
        assert!(!zhong.fallback);
        assert_eq!(zhong.advance, 1.0);
        // 昇 is missing from FandolFang (fonts/PROVENANCE.md): it comes from the fallback.
        let sheng = m.glyph(Role::Body, '昇').unwrap();
        assert_eq!(set.file(sheng.face).name, "FallbackKai-Light.ttf");
        assert!(sheng.fallback);
        // The title chain takes — from its own bold face, narrower than
        // 1 em there (typeset draws it wider to fill its cell).
        let dash = m.glyph(Role::Title, '—').unwrap();
        assert_eq!(set.file(dash.face).name, "NotoSerifCJKsc-Bold.subset.otf");
        assert!(!dash.fallback && dash.advance < 1.0);
        assert_eq!(
            set.file(m.glyph(Role::Title, '中').unwrap().face).name,
            "NotoSerifCJKsc-Bold.subset.otf"
        );
        // A private-use character is in no face.
        assert!(m.glyph(Role::Body, '\u{E000}').is_none());
        assert_eq!(set.latin_role(Role::Title), Role::LatinBold);
    }

    #[test]
    fn the_glyph_policy_decides_primary_fallback_substitute_missing() {
        let t = crate::template::load(
            &TemplateRef::Builtin("jianbao".into()),
            Path::new("."),
            None,
        )
        .unwrap();
        let set = repo_fonts().resolve(&t).unwrap();
        let m = set.metrics().unwrap();
        let name = |g: GlyphInfo| set.file(g.face).name.clone();
        match m.choose(Role::Body, '中', false) {
            GlyphChoice::Primary(g) => assert_eq!(name(g), "FandolFang-Regular.otf"),
            other => panic!("中: {other:?}"),
        }
        // A face limited to a character is primary for it.
        assert!(matches!(
            m.choose(Role::Title, '—', false),
            GlyphChoice::Primary(_)
        ));
        match m.choose(Role::Body, '昇', false) {
            GlyphChoice::Fallback(g) => assert_eq!(name(g), "FallbackKai-Light.ttf"),
            other => panic!("昇: {other:?}"),
        }
        // Not in the role's chain: missing, unless substitutes are allowed.
        assert_eq!(m.choose(Role::Latin, '中', false), GlyphChoice::Missing);
        match m.choose(Role::Latin, '中', true) {
            GlyphChoice::OtherFace(g) => assert_ne!(name(g), "LiberationSerif-Regular.ttf"),
            other => panic!("中 in latin: {other:?}"),
        }
        // In no face at all: 〓 when allowed.
        assert_eq!(
            m.choose(Role::Body, '\u{E000}', false),
            GlyphChoice::Missing
        );
        match m.choose(Role::Body, '\u{E000}', true) {
            GlyphChoice::Geta(g) => {
                assert_eq!(Some(g.gid), m.glyph_in(g.face, SUBSTITUTE).map(|x| x.0))
            }
            other => panic!("U+E000: {other:?}"),
        }
    }

    #[test]
    fn missing_files_are_font_errors() {
        let lib = FontLibrary::new("/nonexistent/fonts");
        let e = lib.file("FandolFang-Regular.otf").unwrap_err();
        assert!(matches!(e, Error::Font { .. }));
        assert!(e.to_string().contains("/nonexistent/fonts"), "{e}");
        assert!(repo_fonts().file("../x.otf").is_err());
    }
}
