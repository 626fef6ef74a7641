//! Putting fonts where jianbao finds them: copying a font folder (the
//! program's own open-licensed fonts, with their licences) to another, and
//! an office's own licensed fonts (方正小标宋, 仿宋_GB2312, 楷体_GB2312,
//! 黑体 …) recognised by the names inside their files, copied into a font
//! folder, with a template that puts them first in each role's chain.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::template::{FaceSpec, Role, Template};

use super::collection::{self, FaceNames};
use super::discover::{is_font_folder, MARKER_FONT};
use super::MAX_FONT_BYTES;

/// The extensions of the font files copied and recognised (any case).
const FONT_EXTENSIONS: [&str; 4] = [".otf", ".ttf", ".ttc", ".otc"];

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let p = p.to_path_buf();
    move |e| Error::io(p, e)
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    let lower = name.to_lowercase();
    extensions.iter().any(|e| lower.ends_with(e))
}

/// The regular files of `dir` whose names end in one of `extensions`
/// (links are never followed), sorted by name.
fn files_of(dir: &Path, extensions: &[&str]) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let e = e.map_err(io(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().map_err(io(&e.path()))?.is_file() && has_extension(&name, extensions) {
            out.push((name, e.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// Copy the font folder `from` (its fonts, licences, provenance and README)
/// into `to`, creating it; the names of the files copied, sorted. Refuses a
/// `from` that is not a font folder, and never copies a link.
pub fn install(from: &Path, to: &Path) -> Result<Vec<String>> {
    if !is_font_folder(from) {
        return Err(Error::Font {
            file: from.to_path_buf(),
            message: format!("这不是字体文件夹（没有 {MARKER_FONT}）"),
        });
    }
    let wanted = [".otf", ".ttf", ".ttc", ".otc", ".txt", ".md"];
    let mut copied = Vec::new();
    let mut copy_dir = |src: &Path, dst: &Path, prefix: &str| -> Result<()> {
        std::fs::create_dir_all(dst).map_err(io(dst))?;
        for (name, path) in files_of(src, &wanted)? {
            std::fs::copy(&path, dst.join(&name)).map_err(io(&dst.join(&name)))?;
            copied.push(format!("{prefix}{name}"));
        }
        Ok(())
    };
    copy_dir(from, to, "")?;
    let licenses = from.join("licenses");
    if licenses.is_dir() {
        copy_dir(&licenses, &to.join("licenses"), "licenses/")?;
    }
    Ok(copied)
}

/// One face an office uses in its documents, and the names its files go by.
struct OfficeFont {
    role: Role,
    /// How offices name it (for messages).
    what: &'static str,
    /// Family, full or PostScript names (compared without case, spaces,
    /// `_` and `-`), best first: a face of the first list is taken before
    /// one of the second.
    names: &'static [&'static [&'static str]],
    /// For Times New Roman, whose regular and bold share a family name:
    /// whether this is the bold face.
    bold: bool,
}

/// The faces GB/T 9704-2012 names for each role (§7: 小标宋 for titles,
/// 仿宋 for the text, 黑体 and 楷体 for headings; 宋体 for page numbers,
/// §7.5), as an office's licensed files are named.
const OFFICE_FONTS: &[OfficeFont] = &[
    OfficeFont {
        role: Role::Title,
        what: "方正小标宋",
        names: &[
            &["方正小标宋简体", "fzxiaobiaosongb05s", "fzxbsjw"],
            &[
                "方正小标宋",
                "方正小标宋gbk",
                "fzxiaobiaosongb05",
                "fzxiaobiaosong",
            ],
        ],
        bold: false,
    },
    OfficeFont {
        role: Role::Body,
        what: "仿宋_GB2312",
        names: &[
            &["仿宋_gb2312", "fangsonggb2312"],
            &["仿宋", "fangsong", "simfang"],
            &[
                "方正仿宋简体",
                "方正仿宋gbk",
                "fzfangsongz02s",
                "fzfangsongz02",
            ],
        ],
        bold: false,
    },
    OfficeFont {
        role: Role::Kai,
        what: "楷体_GB2312",
        names: &[
            &["楷体_gb2312", "kaitigb2312"],
            &["楷体", "kaiti", "simkai"],
            &["方正楷体简体", "方正楷体gbk", "fzkaitiz03s", "fzkaitiz03"],
        ],
        bold: false,
    },
    OfficeFont {
        role: Role::Heading,
        what: "黑体",
        names: &[
            &["黑体", "simhei"],
            &["方正黑体简体", "方正黑体gbk", "fzheitib02s", "fzheitib02"],
        ],
        bold: false,
    },
    OfficeFont {
        role: Role::Song,
        what: "宋体",
        names: &[&["宋体", "simsun"], &["方正书宋简体", "fzshusongz01s"]],
        bold: false,
    },
    OfficeFont {
        role: Role::Latin,
        what: "Times New Roman",
        names: &[&["timesnewroman", "timesnewromanpsmt", "timesnewromanregular"]],
        bold: false,
    },
    OfficeFont {
        role: Role::LatinBold,
        what: "Times New Roman Bold",
        names: &[&[
            "timesnewroman",
            "timesnewromanpsboldmt",
            "timesnewromanbold",
        ]],
        bold: true,
    },
];

/// A name as the tables compare it: lower case, without spaces, `_` or `-`
/// (both sides are compared so: `FangSong_GB2312` is `fangsonggb2312`).
fn plain(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a face's style is bold (its style name, else its full name).
fn is_bold(face: &FaceNames) -> bool {
    let style = face.style.as_deref().map(plain).unwrap_or_default();
    style.contains("bold") || style.contains("粗")
}

/// How well `face` stands for `font`: the index of the first list that
/// names it (0 is best), or `None`.
fn rank(font: &OfficeFont, face: &FaceNames) -> Option<usize> {
    if font.role == Role::Latin || font.role == Role::LatinBold {
        // Times New Roman's regular and bold share the family name.
        let italic = face
            .style
            .as_deref()
            .is_some_and(|s| plain(s).contains("italic"));
        if italic || is_bold(face) != font.bold {
            return None;
        }
    }
    let names: Vec<String> = face
        .family
        .iter()
        .chain(&face.full)
        .chain(&face.postscript)
        .map(|n| plain(n))
        .collect();
    font.names
        .iter()
        .position(|list| list.iter().any(|n| names.contains(&plain(n))))
}

/// A face of an office's folder recognised as standing for a role.
#[derive(Debug, Clone)]
pub struct Recognised {
    /// The role it will set.
    pub role: Role,
    /// The face an office knows it as (仿宋_GB2312 …).
    pub what: &'static str,
    /// Its file's name in the folder.
    pub file: String,
    /// Its file's path.
    pub path: PathBuf,
    /// The face's names (its index in a collection).
    pub face: FaceNames,
    /// Whether the file is a collection, whose face must be named.
    pub collection: bool,
}

impl Recognised {
    /// The name a template gives it: the file, and for a collection the face
    /// after `#`.
    pub fn template_name(&self) -> String {
        if self.collection {
            format!("{}#{}", self.file, self.face.selector())
        } else {
            self.file.clone()
        }
    }
}

/// What [`recognise`] found in a folder.
#[derive(Debug, Default)]
pub struct Recognition {
    /// The face taken for each role found, in the order of the roles.
    pub found: Vec<Recognised>,
    /// Font files that could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    /// Font files read but standing for no role (their first face's names).
    pub unused: Vec<(String, String)>,
}

impl Recognition {
    /// The roles no face was found for, with the office face each wants.
    pub fn missing(&self) -> Vec<(Role, &'static str)> {
        OFFICE_FONTS
            .iter()
            .filter(|f| !self.found.iter().any(|r| r.role == f.role))
            .map(|f| (f.role, f.what))
            .collect()
    }
}

/// Read the font files of `dir` (not its subfolders) and recognise the
/// office's faces among them by the names inside the files (file names
/// differ from office to office: SIMFANG.TTF, 仿宋_GB2312.ttf, FZXBSJW.TTF).
/// For each role the best-named face is taken, the first file by name on
/// a tie.
pub fn recognise(dir: &Path) -> Result<Recognition> {
    let mut out = Recognition::default();
    let mut best: Vec<(usize, Recognised)> = Vec::new();
    for (name, path) in files_of(dir, &FONT_EXTENSIONS)? {
        let data = match crate::files::read_regular(&path, MAX_FONT_BYTES) {
            Ok(d) => d,
            Err(e) => {
                out.unreadable.push((name, e.to_string()));
                continue;
            }
        };
        let faces = match collection::faces(&data) {
            Ok(f) => f,
            Err(e) => {
                out.unreadable.push((name, e));
                continue;
            }
        };
        let is_collection = collection::is_collection(&data);
        let mut used = false;
        for face in &faces {
            for font in OFFICE_FONTS {
                let Some(r) = rank(font, face) else { continue };
                let better = match best.iter().position(|(_, b)| b.role == font.role) {
                    Some(i) if best[i].0 <= r => false,
                    Some(i) => {
                        best.remove(i);
                        true
                    }
                    None => true,
                };
                used = true;
                if better {
                    best.push((
                        r,
                        Recognised {
                            role: font.role,
                            what: font.what,
                            file: name.clone(),
                            path: path.clone(),
                            face: face.clone(),
                            collection: is_collection,
                        },
                    ));
                }
            }
        }
        if !used {
            let first = faces
                .first()
                .map(|f| f.family.first().cloned().unwrap_or_else(|| f.describe()))
                .unwrap_or_default();
            out.unused.push((name, first));
        }
    }
    for font in OFFICE_FONTS {
        if let Some(i) = best.iter().position(|(_, b)| b.role == font.role) {
            out.found.push(best.remove(i).1);
        }
    }
    Ok(out)
}

/// Copy the files of `found` into the font folder `to` (each file once);
/// a file of the same name already there is kept when it is the same bytes
/// and refused otherwise. The names of the files copied.
pub fn copy_recognised(found: &[Recognised], to: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    let mut copied: Vec<String> = Vec::new();
    for r in found {
        if copied.contains(&r.file) {
            continue;
        }
        let dst = to.join(&r.file);
        if dst.exists() {
            let same = std::fs::read(&dst).ok() == std::fs::read(&r.path).ok();
            if !same {
                return Err(Error::Font {
                    file: dst,
                    message: format!(
                        "字体文件夹中已有同名的另一个文件：请先把它移走，或把 {} 改名后再试",
                        r.path.display()
                    ),
                });
            }
        } else {
            std::fs::copy(&r.path, &dst).map_err(io(&dst))?;
        }
        copied.push(r.file.clone());
    }
    Ok(copied)
}

/// A TOML string (basic string with escapes).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn face_entry(spec: &FaceSpec) -> String {
    match &spec.only {
        Some(only) => format!(
            "{{ file = {}, only = {} }}",
            quote(&spec.file),
            quote(&only.iter().collect::<String>())
        ),
        None => quote(&spec.file),
    }
}

/// The text of a template that extends `base` (a built-in template's name)
/// and puts each recognised face first in its role's chain, before the
/// faces `base_template` has (which still draw what the office's face
/// lacks: 仿宋_GB2312 has only the characters of GB 2312). `font_dir` is
/// named in its comments.
pub fn office_template(
    found: &[Recognised],
    base: &str,
    base_template: &Template,
    font_dir: &Path,
) -> String {
    let mut t = String::new();
    t.push_str("# 本单位字体的模板，由 jianbao fonts use 写出。\n");
    t.push_str(&format!(
        "# 字体文件在 {}（这个模板只能与那个字体文件夹一起用）。\n",
        font_dir.display()
    ));
    t.push_str("# 每个角色先用本单位的字体；它没有的字（如 GB 2312 以外的“昇”），\n");
    t.push_str("# 再由 jianbao 自带的字体显示，jianbao check 会逐字列出。\n");
    t.push_str(&format!(
        "extends = {}\nname = \"本单位字体\"\n",
        quote(base)
    ));
    for r in found {
        let mut faces = vec![quote(&r.template_name())];
        faces.extend(
            base_template
                .role(r.role)
                .faces
                .iter()
                .filter(|f| f.file != r.template_name())
                .map(face_entry),
        );
        t.push_str(&format!(
            "\n[fonts.{}]    # {}：{}{}\nfaces = [{}]\n",
            r.role.name(),
            r.what,
            r.file,
            if r.collection {
                format!(" 中的第 {} 个字体", r.face.index)
            } else {
                String::new()
            },
            faces.join(", ")
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(family: &[&str], style: &str) -> FaceNames {
        FaceNames {
            index: 0,
            postscript: None,
            full: Vec::new(),
            family: family.iter().map(|s| s.to_string()).collect(),
            style: Some(style.into()),
        }
    }

    fn role_of(face: &FaceNames) -> Vec<(Role, usize)> {
        OFFICE_FONTS
            .iter()
            .filter_map(|f| rank(f, face).map(|r| (f.role, r)))
            .collect()
    }

    #[test]
    fn office_faces_are_recognised_by_their_family_names() {
        assert_eq!(
            role_of(&names(&["FangSong_GB2312", "仿宋_GB2312"], "Regular")),
            [(Role::Body, 0)]
        );
        assert_eq!(
            role_of(&names(&["FangSong", "仿宋"], "Regular")),
            [(Role::Body, 1)]
        );
        assert_eq!(
            role_of(&names(&["KaiTi_GB2312"], "Regular")),
            [(Role::Kai, 0)]
        );
        assert_eq!(
            role_of(&names(&["SimHei", "黑体"], "Regular")),
            [(Role::Heading, 0)]
        );
        assert_eq!(
            role_of(&names(&["方正小标宋简体"], "Regular")),
            [(Role::Title, 0)]
        );
        assert_eq!(
            role_of(&names(&["SimSun", "宋体"], "Regular")),
            [(Role::Song, 0)]
        );
        // 新宋体 is not 宋体; Noto is no office face.
        assert!(role_of(&names(&["NSimSun", "新宋体"], "Regular")).is_empty());
        assert!(role_of(&names(&["Noto Serif CJK SC"], "Bold")).is_empty());
        // Times New Roman: regular and bold apart, italics never.
        assert_eq!(
            role_of(&names(&["Times New Roman"], "Regular")),
            [(Role::Latin, 0)]
        );
        assert_eq!(
            role_of(&names(&["Times New Roman"], "Bold")),
            [(Role::LatinBold, 0)]
        );
        assert!(role_of(&names(&["Times New Roman"], "Bold Italic")).is_empty());
    }
}
