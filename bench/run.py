#!/usr/bin/env python3
"""Whole-process benchmark of the release binary: wall time and peak memory.

Usage: bench/run.py [--runs N] [--bin target/release/jianbao]

Renders the example (examples/yiyang-2024-01.json) and a synthetic bulletin of
about 60 pages (the example's body repeated), N times each, and prints the
minimum and median wall time, the peak resident memory (max RSS of the child
process) and the size and page count of the PDF. Build first with
`cargo build --release`. Nothing here is a test: rerun it to compare.
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def synthetic(pages_wanted=60):
    ex = json.load(open(os.path.join(ROOT, "examples/yiyang-2024-01.json"), encoding="utf-8"))
    body = []
    # The example's body fills about 6 pages; repeat it, numbering the copies.
    for k in range(1, pages_wanted // 6 + 1):
        for b in ex["body"]:
            b = json.loads(json.dumps(b))
            b["title"] = f"{b['title']}（{k}）"
            body.append(b)
    ex["body"] = body
    ex["guide"] = "auto"
    return ex


def run(binary, inp, out, runs):
    walls, rss = [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        p = subprocess.run([binary, "render", inp, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit(f"render failed: {p.stderr.decode()}")
        rss = max(rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    pages = subprocess.run([binary, "render", "--dump-layout", inp], capture_output=True, text=True).stdout.split(",")[1]
    return min(walls), statistics.median(walls), rss, os.path.getsize(out), pages.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/jianbao"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "synthetic-60.json")
        json.dump(synthetic(), open(big, "w", encoding="utf-8"), ensure_ascii=False)
        cases = [("example", os.path.join(ROOT, "examples/yiyang-2024-01.json")), ("synthetic", big)]
        print(f"{'input':<10} {'pages':>9} {'min ms':>8} {'median ms':>10} {'peak MB':>8} {'PDF KB':>8}")
        for name, inp in cases:
            out = os.path.join(tmp, name + ".pdf")
            lo, med, rss, size, pages = run(a.bin, inp, out, a.runs)
            # ru_maxrss is in KiB on Linux; it is the largest child so far, so
            # the example is measured first.
            print(f"{name:<10} {pages:>9} {lo*1000:8.1f} {med*1000:10.1f} {rss/1024:8.1f} {size/1024:8.1f}")


if __name__ == "__main__":
    main()
