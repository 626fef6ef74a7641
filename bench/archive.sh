#!/usr/bin/env bash
# Benchmark of the archive: files N issues generated from the example (200 by
# default), then times one `issue`, `archive verify`, `archive verify
# --rerender`, `archive search` and `archive list`, and reports the archive's
# size. Needs bash, python3 (to generate the inputs) and cargo.
#
#   bench/archive.sh [N]        (CARGO_TARGET_DIR is honoured)
set -euo pipefail

N=${1:-200}
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
cargo build --release --quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jianbao-bench.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
# A private copy of the binary: a shared target directory may be rebuilt meanwhile.
cp "${CARGO_TARGET_DIR:-$REPO/target}/release/jianbao" "$WORK/jianbao"
J="$WORK/jianbao"
export JIANBAO_FONT_DIR="$REPO/fonts"
unset JIANBAO_ARCHIVE

ms() { # run a command, print its wall time in milliseconds
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}

mkdir -p "$WORK/in"
python3 - "$REPO/examples/yiyang-2024-01.json" "$WORK/in" "$N" <<'PY'
import datetime, json, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = json.load(open(src, encoding="utf-8"))
topics = ["湿地保护", "秸秆禁烧", "扬尘治理", "河长制", "饮用水源", "黑臭水体", "噪声投诉", "固废处置"]
start = datetime.date(2024, 1, 2)
for i in range(1, n + 1):
    doc = json.loads(json.dumps(base))
    day = start + datetime.timedelta(days=i)
    doc["masthead"]["issue"] = i
    doc["masthead"]["total_issue"] = 56 + i
    doc["masthead"]["date"] = day.isoformat()
    doc["imprint"]["date"] = day.isoformat()
    topic = topics[i % len(topics)]
    extra = {
        "type": "article",
        "title": f"{topic}专项行动第{i}次调度",
        "paragraphs": [
            f"{day.month}月{day.day}日，市专班召开{topic}专项调度会，通报第{i}批交办问题办理情况。",
            "会议要求，各地要对照清单逐项销号，确保问题整改到位。"
            + ("洞庭湖候鸟栖息地巡护同步加强。" if i % 50 == 0 else ""),
        ],
    }
    doc["guide"] = "auto"
    # Vary the length: keep a rotating part of the example's body.
    body = doc["body"]
    keep = body[: 1 + i % len(body)]
    doc["body"] = [extra] + keep
    with open(f"{out}/issue-{i:03d}.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
# The example itself, numbered after them, for timing one more issue.
base["masthead"]["issue"] = n + 1
with open(f"{out}/../next.json", "w", encoding="utf-8") as f:
    json.dump(base, f, ensure_ascii=False, indent=2)
PY

cd "$WORK"
echo "jianbao $("$J" --version | awk '{print $2}') — archive benchmark, $N issues, $(nproc) cores"

# One issue of the example into an empty archive (median of 5).
cp "$REPO/examples/yiyang-2024-01.json" ex.json
runs=()
for k in 1 2 3 4 5; do
  runs+=("$(ms "$J" issue ex.json --allow-warnings --archive "one$k")")
done
IFS=$'\n' sorted=($(sort -n <<<"${runs[*]}")); unset IFS
echo "issue (the example, empty archive): ${sorted[2]} ms (median of 5: ${runs[*]})"

# File N issues.
s=$(date +%s%N)
for f in in/issue-*.json; do
  "$J" issue "$f" --allow-warnings --archive arch >/dev/null 2>&1
done
e=$(date +%s%N)
echo "filing $N issues: $(((e - s) / 1000000)) ms ($(((e - s) / 1000000 / N)) ms each)"
echo "issue (the example as issue $((N + 1)), into the $N-issue archive): $(ms "$J" issue next.json --allow-warnings --archive arch) ms"

"$J" archive verify --archive arch | tail -2 | head -1
echo "archive verify: $(ms "$J" archive verify --archive arch) ms"
echo "archive search 湿地: $(ms "$J" archive search 湿地 --archive arch) ms ($("$J" archive search 湿地 --archive arch | tail -1))"
echo "archive search 候鸟: $(ms "$J" archive search 候鸟 --archive arch) ms ($("$J" archive search 候鸟 --archive arch | tail -1))"
echo "archive search 督察 整改: $(ms "$J" archive search 督察 整改 --archive arch) ms ($("$J" archive search 督察 整改 --archive arch | tail -1))"
echo "archive list: $(ms "$J" archive list --archive arch) ms"
rm -f arch/index.sqlite
echo "archive list with the index deleted (rebuilt from files): $(ms "$J" archive list --archive arch) ms"
echo "archive verify --rerender: $(ms "$J" archive verify --rerender --archive arch) ms ($("$J" archive verify --rerender --archive arch | grep '重新排版' | tail -1))"
echo "archive size: $(du -sh arch | cut -f1) ($(du -sb arch | cut -f1) bytes; copies $(du -sh arch/copies | cut -f1), index $(du -h arch/index.sqlite | cut -f1))"
