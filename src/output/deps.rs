//! The crates whose code decides an artefact's bytes, at the versions this
//! program is built with. A writer's name spells out every one its bytes
//! depend on (`…/allsorts-0.17.2/…`), so that a copy filed by one build names
//! what made it. Cargo.lock pins them; a test per crate fails when Cargo.lock
//! moves one without its version here, that is without a new writer name
//! (copies filed under the old name are then compared by their layout).

/// A crate whose output goes into an artefact's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    /// Its name in a writer's name.
    pub name: &'static str,
    /// Its package name in Cargo.lock.
    pub package: &'static str,
    /// The version built, as far as it may change the bytes: Cargo.lock's
    /// version is this or starts with it and a dot.
    pub version: &'static str,
}

impl Dependency {
    /// Its part of a writer's name: `allsorts-0.17.2`.
    pub fn part(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

/// libdeflate, built by the `libdeflater` crate, which compresses the PDF's
/// page contents and font programs. The crate's minor version is
/// libdeflate's own; its patch versions change the binding only.
pub const LIBDEFLATE: Dependency = Dependency {
    name: "libdeflate",
    package: "libdeflater",
    version: "1.26",
};

/// allsorts subsets the faces jianbao's own subsetters do not (CFF programs
/// with subroutines: the Noto faces of names, titles and headings) for the
/// PDF, and every face of the OFD.
pub const ALLSORTS: Dependency = Dependency {
    name: "allsorts",
    package: "allsorts-azul",
    version: "0.17.2",
};

/// lopdf serialises the PDF's objects, object streams and cross-reference
/// stream.
pub const LOPDF: Dependency = Dependency {
    name: "lopdf",
    package: "lopdf",
    version: "0.44.0",
};

/// miniz_oxide (through flate2) deflates lopdf's object and cross-reference
/// streams and the OFD package's parts.
pub const MINIZ_OXIDE: Dependency = Dependency {
    name: "miniz_oxide",
    package: "miniz_oxide",
    version: "0.9.1",
};

/// zip writes the OFD package.
pub const ZIP: Dependency = Dependency {
    name: "zip",
    package: "zip",
    version: "8.6.0",
};

/// `own` followed by the parts of `deps`: a writer's name.
pub fn name(own: &str, deps: &[Dependency]) -> String {
    let mut s = own.to_string();
    for d in deps {
        s.push('/');
        s.push_str(&d.part());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The version of `package` in Cargo.lock.
    fn locked(package: &str) -> String {
        let lock = include_str!("../../Cargo.lock");
        let at = lock
            .find(&format!("name = \"{package}\"\nversion = \""))
            .unwrap_or_else(|| panic!("{package} is not in Cargo.lock"));
        let line = lock[at..].lines().nth(1).unwrap_or_default();
        line.trim_start_matches("version = \"")
            .trim_end_matches('"')
            .to_string()
    }

    /// Cargo.lock builds `d` at the version the writers' names give.
    fn is_built(d: Dependency) {
        let version = locked(d.package);
        assert!(
            version == d.version || version.starts_with(&format!("{}.", d.version)),
            "Cargo.lock builds {} {version}, the writers' names say {}: name a new writer \
             for it (output/deps.rs), so that copies filed by the old one are compared by \
             their layout instead of failing",
            d.package,
            d.version
        );
        assert_eq!(
            lock_count(d.package),
            1,
            "two versions of {} in Cargo.lock",
            d.package
        );
    }

    fn lock_count(package: &str) -> usize {
        include_str!("../../Cargo.lock")
            .matches(&format!("name = \"{package}\"\n"))
            .count()
    }

    #[test]
    fn the_writers_name_the_libdeflate_that_is_built() {
        is_built(LIBDEFLATE);
    }

    #[test]
    fn the_writers_name_the_allsorts_that_is_built() {
        is_built(ALLSORTS);
    }

    #[test]
    fn the_writers_name_the_lopdf_that_is_built() {
        is_built(LOPDF);
    }

    #[test]
    fn the_writers_name_the_miniz_oxide_that_is_built() {
        is_built(MINIZ_OXIDE);
    }

    #[test]
    fn the_writers_name_the_zip_that_is_built() {
        is_built(ZIP);
    }

    #[test]
    fn names_spell_out_every_dependency() {
        assert_eq!(
            name("1", &[ALLSORTS, ZIP]),
            format!("1/allsorts-{}/zip-{}", ALLSORTS.version, ZIP.version)
        );
    }
}
