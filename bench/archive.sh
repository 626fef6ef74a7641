#!/usr/bin/env bash
# Benchmark of the archive at scale: files synthetic bulletins of varied
# text and size (bench/archive_fill.rs: exactly what `issue --allow-warnings`
# files, one in flight per core) into one archive, and at each size N of the
# list (1,000, 5,000, 20,000 by default) times every command, whole process,
# release binary: `issue` of the example (and into an empty archive), `archive
# list` (first page), `show`, `search` (first page; a common and a rare word,
# and two words), `verify` (every copy), the server's archive list and search
# (time to the answer), and reports the archive's size on disk.
#
#   bench/archive.sh [N ...]              (e.g. bench/archive.sh 1000 5000 20000)
#   BEFORE=path/to/older/jianbao [BEFORE_MAX=5000] bench/archive.sh 1000 5000
#       also times that binary's commands on the same archive, up to
#       BEFORE_MAX copies (its index is rebuilt by it first, then migrated
#       back by this one)
#
# CARGO_TARGET_DIR is honoured; build a non-incremental release binary for
# figures you report, and run nothing else meanwhile. Needs bash, curl.
set -euo pipefail

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 5000 20000)
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
cargo build --release --locked --quiet --bin jianbao --example archive_fill
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jianbao-archive-bench.XXXXXX")
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Private copies of the binaries: a shared target directory may be rebuilt meanwhile.
cp "$TARGET/release/jianbao" "$WORK/jianbao"
cp "$TARGET/release/examples/archive_fill" "$WORK/fill"
J="$WORK/jianbao"
OLD=
if [ -n "${BEFORE:-}" ]; then
  cp "$BEFORE" "$WORK/before"
  OLD="$WORK/before"
fi
export JIANBAO_FONT_DIR="$REPO/fonts"
unset JIANBAO_ARCHIVE
cd "$WORK"
A="$WORK/arch"

ms() { # run a command, print its wall time in milliseconds
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}

median5() { # the median of 5 runs of a command, in ms
  local runs=() k
  for k in 1 2 3 4 5; do runs+=("$(ms "$@")"); done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

# The example as issue NUMBER of 2030 (a year no generated copy has).
example_as() {
  python3 - "$REPO/examples/yiyang-2024-01.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
n = int(sys.argv[2])
d["masthead"]["issue"] = n
d["masthead"]["total_issue"] = 100000 + n
d["masthead"]["date"] = d["imprint"]["date"] = "2030-%02d-%02d" % (1 + n // 28 % 12, 1 + n % 28)
print(json.dumps(d, ensure_ascii=False))
PY
}

# The server's time to answer GET PATH on the archive, median of 5, in ms.
serve_ms() {
  local path=$1 runs=() k
  for k in 1 2 3 4 5; do
    runs+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$path" | awk '{printf "%d", $1 * 1000}')")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

echo "jianbao $("$J" --version | awk '{print $2}') — archive benchmark, $(nproc) cores, sizes ${SIZES[*]}"
runs=()
for k in 1 2 3 4 5; do
  example_as 1 >"ex$k.json"
  runs+=("$(ms "$J" issue "ex$k.json" --allow-warnings --archive "empty$k")")
done
echo "issue (the example, empty archive): $(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p) ms (median of 5: ${runs[*]})"

times() { # BIN LABEL: every command's time on the archive as it is
  local bin=$1 label=$2 n id
  n=$(find "$A/copies" -mindepth 2 -maxdepth 2 -type d | wc -l)
  id=$("$J" archive list --archive "$A" --offset $((n / 2)) --limit 1 2>/dev/null | awk 'NR==2 {print $1}')
  echo "  [$label] archive list: $(median5 "$bin" archive list --archive "$A") ms"
  echo "  [$label] archive show (a copy from the middle): $(median5 "$bin" archive show "$id" --archive "$A") ms"
  echo "  [$label] archive search 湿地: $(median5 "$bin" archive search 湿地 --archive "$A") ms ($("$bin" archive search 湿地 --archive "$A" 2>/dev/null | grep '^共' | head -1))"
  echo "  [$label] archive search 候鸟: $(median5 "$bin" archive search 候鸟 --archive "$A") ms ($("$bin" archive search 候鸟 --archive "$A" 2>/dev/null | grep '^共' | head -1))"
  echo "  [$label] archive search 督察 整改: $(median5 "$bin" archive search 督察 整改 --archive "$A") ms"
  NEXT=$((NEXT + 1))
  example_as "$NEXT" >next.json
  echo "  [$label] issue (the example, into this archive): $(ms "$bin" issue next.json --allow-warnings --archive "$A") ms"
  local vs ve
  vs=$(date +%s%N)
  "$bin" archive verify --archive "$A" >verify.out 2>&1 || true
  ve=$(date +%s%N)
  echo "  [$label] archive verify: $(((ve - vs) / 1000000)) ms for $((n + 1)) copies ($(grep '^共' verify.out | head -1))"
}

NEXT=1
FILED=0
for N in "${SIZES[@]}"; do
  s=$(date +%s%N)
  "$WORK/fill" "$A" $((FILED + 1)) "$N" 2>&1 | tail -1
  e=$(date +%s%N)
  echo "N = $N: filed $((N - FILED)) copies in $(((e - s) / 1000000)) ms ($(((e - s) / 1000 / (N - FILED))) µs each, both cores)"
  FILED=$N
  if [ -n "$OLD" ] && [ "$N" -le "${BEFORE_MAX:-1000000000}" ]; then
    mv "$A/index.sqlite" "$WORK/index.v3"
    "$OLD" archive list --archive "$A" >/dev/null 2>&1 || true # its own index, rebuilt
    times "$OLD" before
    rm -f "$WORK/index.v3"
    "$J" archive list --archive "$A" >/dev/null 2>&1 # the index migrated
  fi
  times "$J" now
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$J" serve --addr "127.0.0.1:$PORT" --archive "$A" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
  echo "  [now] server GET /api/archive: $(serve_ms /api/archive) ms; ?q=湿地: $(serve_ms "/api/archive?q=%E6%B9%BF%E5%9C%B0") ms; ?q=候鸟: $(serve_ms "/api/archive?q=%E5%80%99%E9%B8%9F") ms"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  echo "  archive size: $(du -sh "$A" | cut -f1) ($(du -sb "$A" | cut -f1) bytes; copies $(du -sh "$A/copies" | cut -f1), index $(du -h "$A/index.sqlite" | cut -f1))"
done
