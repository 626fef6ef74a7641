//! The templates a user may pick on the page: the built-in ones and the
//! files given to `serve --template FILE`, each read and resolved once when
//! the server starts. A bulletin names a built-in one by its name and a
//! file by the file's own name (`"template": "our-office.toml"`, as the
//! command line finds it beside the input); a name that is neither is
//! refused. The server never reads a path a client names.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Place, Problem, Result};
use crate::model::TemplateRef;
use crate::template::{self, Template};

/// A template offered on the page.
#[derive(Debug, Clone)]
struct Offer {
    /// How a bulletin names it: the built-in name, or the file's name.
    value: String,
    /// The file, for a template given on the command line.
    path: Option<PathBuf>,
    /// It, resolved.
    template: Template,
}

/// What the page is told of a template it may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// What the bulletin's `template` is set to.
    pub value: String,
    /// The template's own name (its `name`).
    pub name: String,
    /// Whether it is built into the program.
    pub builtin: bool,
}

/// The templates a server offers.
#[derive(Debug, Clone)]
pub struct Offered {
    offers: Vec<Offer>,
}

impl Offered {
    /// The built-in templates and the files `paths`, each resolved. Two
    /// files of the same name cannot both be offered (a bulletin names a
    /// file by its name).
    pub fn load(paths: &[PathBuf]) -> Result<Offered> {
        let mut offers = Vec::new();
        for (name, _) in template::BUILTIN {
            let r = TemplateRef::Builtin(name.to_string());
            offers.push(Offer {
                value: name.to_string(),
                path: None,
                template: template::load(&r, Path::new("."), None)?,
            });
        }
        for p in paths {
            let value = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(other) = offers.iter().find(|o| o.value == value) {
                let first = other
                    .path
                    .as_deref()
                    .map_or_else(|| "内置模板".to_string(), |p| p.display().to_string());
                return Err(Error::Template {
                    template: p.display().to_string(),
                    message: format!(
                        "与 {first} 同名：网页上的简报以文件名选模板，请给其中一个改名"
                    ),
                });
            }
            let template = template::load(&TemplateRef::File(p.clone()), Path::new("."), None)?;
            offers.push(Offer {
                value,
                path: Some(p.clone()),
                template,
            });
        }
        Ok(Offered { offers })
    }

    /// The template `reference` names, and its file when it is one given on
    /// the command line; refused (at `$.template`) when it is not offered.
    pub fn resolve(&self, reference: &TemplateRef) -> Result<(Template, Option<PathBuf>)> {
        let asked = match reference {
            TemplateRef::Builtin(n) => n.clone(),
            TemplateRef::File(p) => p.display().to_string(),
        };
        let found = self.offers.iter().find(|o| match reference {
            TemplateRef::Builtin(n) => o.path.is_none() && &o.value == n,
            // Only a file's bare name; a path with folders is never looked up.
            TemplateRef::File(p) => o.path.is_some() && Path::new(&o.value) == p.as_path(),
        });
        match found {
            Some(o) => Ok((o.template.clone(), o.path.clone())),
            None => {
                let names = |builtin: bool| {
                    self.offers
                        .iter()
                        .filter(|o| o.path.is_none() == builtin)
                        .map(|o| format!("“{}”", o.value))
                        .collect::<Vec<_>>()
                        .join("、")
                };
                let files = names(false);
                let also = if files.is_empty() {
                    "（其他模板文件要由管理员在启动网页时给出）".to_string()
                } else {
                    format!("，或启动网页时给出的模板 {files}")
                };
                Err(Error::Invalid(vec![Problem {
                    place: Place::new("$.template"),
                    message: format!(
                        "网页上没有模板“{asked}”：只能用内置模板 {}{also}",
                        names(true)
                    ),
                }]))
            }
        }
    }

    /// The templates, for the page to offer.
    pub fn choices(&self) -> Vec<Choice> {
        self.offers
            .iter()
            .map(|o| Choice {
                value: o.value.clone(),
                name: o.template.name.clone(),
                builtin: o.path.is_none(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("jianbao-templates-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn builtin_and_given_templates_are_offered_by_name_and_nothing_else() {
        let d = temp("offer");
        let file = d.join("our-office.toml");
        std::fs::write(
            &file,
            "extends = \"jianbao\"\nname = \"our-office\"\n[page_number]\nposition = \"centre\"\n",
        )
        .unwrap();
        let o = Offered::load(std::slice::from_ref(&file)).unwrap();
        let values: Vec<String> = o.choices().into_iter().map(|c| c.value).collect();
        assert_eq!(values, ["jianbao", "our-office.toml"]);
        let (t, p) = o.resolve(&TemplateRef::Builtin("jianbao".into())).unwrap();
        assert_eq!((t.name.as_str(), p), ("jianbao", None));
        let (t, p) = o
            .resolve(&TemplateRef::File("our-office.toml".into()))
            .unwrap();
        assert_eq!(
            (t.name.as_str(), p.as_deref()),
            ("our-office", Some(file.as_path()))
        );
        for asked in [
            TemplateRef::File(file.clone()),
            TemplateRef::File("../our-office.toml".into()),
            TemplateRef::File("x/our-office.toml".into()),
            TemplateRef::File("jianbao".into()),
            TemplateRef::Builtin("our-office.toml".into()),
            TemplateRef::Builtin("red".into()),
        ] {
            let e = o.resolve(&asked).unwrap_err();
            assert!(e.to_string().contains("our-office.toml"), "{asked:?}: {e}");
        }
        // Two files of one name cannot both be offered.
        let again = d.join("sub");
        std::fs::create_dir_all(&again).unwrap();
        std::fs::copy(&file, again.join("our-office.toml")).unwrap();
        let e = Offered::load(&[file, again.join("our-office.toml")]).unwrap_err();
        assert!(e.to_string().contains("同名"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
