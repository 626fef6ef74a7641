#!/usr/bin/env python3
"""Preview latency of `jianbao serve`, server side: an edit (a new body, so
nothing is kept from before) → POST /api/check → POST /api/preview?page=1,
as the page does it, timed at the client over loopback, with the server's
own Server-Timing (layout, SVG). Also: the other pages' previews of the same
text (the layout is kept), the SVG's size and the server's peak memory.

    python3 bench/serve_latency.py [--runs 30] [--binary target/release/jianbao]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def post(url, body):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
        timing = r.headers.get("Server-Timing", "")
    return (time.perf_counter() - t) * 1000.0, data, timing


def dur(timing, name):
    for part in timing.split(","):
        part = part.strip()
        if part.startswith(name + ";dur="):
            return float(part.split("=")[1])
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/jianbao"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="jianbao-latency-")
    env = dict(os.environ, JIANBAO_FONT_DIR=os.path.join(ROOT, "fonts"))
    server = subprocess.Popen(
        [args.binary, "serve", "--quiet", "--addr", "127.0.0.1:0", "--archive", os.path.join(tmp, "a")],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        for line in server.stderr:
            if "http://" in line:
                url = "http://" + line.split("http://")[1].split("/")[0]
                break
        print(f"| bulletin | pages | check (layout) | page 1 SVG | edit → page 1 | another page | page 1 SVG size |")
        print("|---|---|---|---|---|---|---|")
        for label, path in [
            ("example", "examples/yiyang-2024-01.json"),
            ("60 pages", "tests/data/corpus/13-sixty-pages.json"),
        ]:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                v = json.load(f)
            check, preview, total, other, layout, svg = [], [], [], [], [], []
            pages, size = 0, 0
            for k in range(args.runs + 3):
                # An edit: another copy count, so that the body is new.
                v.setdefault("imprint", {})["copies"] = 100 + k
                body = json.dumps(v, ensure_ascii=False, indent=2).encode()
                t1, rep, tim1 = post(url + "/api/check", body)
                t2, page, tim2 = post(url + "/api/preview?page=1", body)
                t3, _, _ = post(url + "/api/preview?page=2", body)
                if k < 3:
                    continue  # warm-up
                pages = json.loads(rep)["pages"]
                size = len(page)
                check.append(t1)
                preview.append(t2)
                total.append(t1 + t2)
                other.append(t3)
                layout.append(dur(tim1, "layout"))
                svg.append(dur(tim2, "svg"))
            m = statistics.median
            print(
                f"| {label} | {pages} | {m(check):.1f} ms (layout {m(layout):.1f}) | {m(preview):.1f} ms (SVG {m(svg):.2f}) "
                f"| {m(total):.1f} ms (min {min(total):.1f}) | {m(other):.1f} ms | {size // 1024} KB |"
            )
        try:
            with open(f"/proc/{server.pid}/status") as f:
                peak = [l.split()[1] for l in f if l.startswith("VmHWM")][0]
            print(f"\nserver's peak memory (VmHWM): {int(peak) // 1024} MB")
        except (OSError, IndexError):
            pass
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
