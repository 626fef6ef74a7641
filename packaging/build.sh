#!/usr/bin/env bash
# Builds jianbao's release packages into target/dist/:
#   jianbao_VERSION_ARCH.deb            the Debian package (cargo-deb; contents
#                                       in Cargo.toml, [package.metadata.deb])
#   jianbao-VERSION-MACHINE-linux.tar.gz the program, its fonts and docs, to run
#                                       where it is unpacked
#   SHA256SUMS
# on the machine it runs on (x86_64 here; on an arm64 machine, arm64).
#
# Needs the Rust toolchain, gcc, dpkg-dev (dpkg-shlibdeps, for the package's
# dependencies) and binutils. cargo-deb is installed by this script, at a fixed
# version, into ~/.cache/jianbao-tools (JIANBAO_TOOLS overrides). The release
# build is reused when it is up to date (cargo test --release builds it).
# Both archives are reproducible: file times are the last commit's
# (SOURCE_DATE_EPOCH), owners root.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

CARGO_DEB_VERSION=3.8.0
tools="${JIANBAO_TOOLS:-$HOME/.cache/jianbao-tools}"
cargo_deb="$tools/bin/cargo-deb"

if ! "$cargo_deb" --version 2>/dev/null | grep -qx "cargo-deb $CARGO_DEB_VERSION"; then
    echo "packaging: installing cargo-deb $CARGO_DEB_VERSION into $tools" >&2
    cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION" --root "$tools"
fi
for tool in dpkg-shlibdeps strip; do
    if ! command -v "$tool" >/dev/null; then
        echo "packaging: $tool is missing (apt-get install dpkg-dev binutils)" >&2
        exit 1
    fi
done

cargo build --release --locked

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
machine="$(uname -m)"
arch="$(dpkg --print-architecture)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || stat -c %Y Cargo.toml)}"

dist="$root/target/dist"
rm -rf "$dist"
mkdir -p "$dist"

# The Debian package, from the release binary just built.
deb="$dist/jianbao_${version}_${arch}.deb"
"$cargo_deb" --no-build --locked --output "$deb"

# The tarball: jianbao-VERSION-MACHINE-linux/ with the program, fonts/ beside
# it (found there by the program), the docs and the licences.
name="jianbao-${version}-${machine}-linux"
stage="$dist/stage/$name"
mkdir -p "$stage/docs" "$stage/fonts/licenses"
install -m 755 target/release/jianbao "$stage/jianbao"
strip --strip-unneeded "$stage/jianbao"
install -m 644 fonts/*.otf fonts/*.ttf fonts/README.md fonts/PROVENANCE.md "$stage/fonts/"
install -m 644 fonts/licenses/* "$stage/fonts/licenses/"
install -m 644 README.md README.zh-CN.md ARCHITECTURE.md "$stage/"
install -m 644 packaging/copyright "$stage/COPYRIGHT"
install -m 644 docs/*.md docs/*.png "$stage/docs/"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tarball="$dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$dist/stage" -cf - "$name" | gzip -n -9 > "$tarball"
rm -rf "$dist/stage"

(cd "$dist" && sha256sum -- *.deb *.tar.gz > SHA256SUMS)
for f in "$deb" "$tarball"; do
    echo "packaging: $(du -h "$f" | cut -f1)  ${f#"$root"/}"
done
