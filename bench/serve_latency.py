#!/usr/bin/env python3
"""Preview latency of `jianbao serve`.

Server side (the default): an edit (a new body, so nothing is kept from
before) → POST /api/check → POST /api/preview?page=1, timed at the client
over loopback, with the server's own Server-Timing (layout, SVG). Also: the
other pages' previews of the same text (the layout is kept), the SVG's size
and the server's peak memory.

    python3 bench/serve_latency.py [--runs 30] [--binary target/release/jianbao]

In the browser (--browser): headless Chromium (Debian's, through
chromedriver, .ci/chromium.py; install them with .ci/browser-test) types
into the page as a writer does, and the page's own clock measures from the
last keystroke (its input event) to the new page on screen (the frame after
the new SVG is in the page). Each run types one character into a paragraph
of the example and of the 60-page bulletin (tests/data/corpus/13-sixty-
pages.json), the preview showing that paragraph; then bursts of three keys
80 ms apart (a fast typist), timed from the last. It works with the page of
earlier versions too (the JSON editor, #source), to give figures before:

    python3 bench/serve_latency.py --browser [--runs 40] [--binary …]
"""

import argparse
import json
import os
import shutil
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


# -------------------------------------------------------------- browser

# Installed in the page before typing: the time of each input event (the
# keystroke, as the page receives it), and a watch that records when page
# `n`'s drawing changed and was painted. Works with the form page (inline
# SVG) and with the JSON page of earlier versions (an <img> per page).
WATCH = """
window.__inputs = [];
document.addEventListener('input', () => window.__inputs.push(performance.now()), true);
window.__painted = [];
const box = document.getElementById('pages');
new MutationObserver((records) => {
  for (const r of records) {
    const fig = r.target.closest ? r.target.closest('figure') : null;
    if (!fig) continue;
    const img = fig.querySelector('img');
    const done = () => requestAnimationFrame(() => setTimeout(() => window.__painted.push(performance.now()), 0));
    if (img && r.type === 'attributes' && r.attributeName === 'class' && !fig.classList.contains('stale')) done();
    if (!img && r.type === 'childList' && fig.querySelector('svg')) done();
  }
}).observe(box, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
"""


def browser_bench(args):
    sys.path.insert(0, os.path.join(ROOT, ".ci"))
    import chromium

    tmp = tempfile.mkdtemp(prefix="jianbao-latency-browser-")
    server = chromium.Server(args.binary, os.path.join(tmp, "archive"), os.path.join(ROOT, "fonts"), ["--quiet"])
    b = chromium.Browser(os.path.join(tmp, "profile"))
    try:
        b.go(server.url + "/")
        time.sleep(2)
        form = b.js("return !!document.getElementById('form-pane')")
        print(f"page: {'the form (inline SVG)' if form else 'the JSON editor (img)'}; {args.runs} runs each\n")
        print("| bulletin | keys | median | p95 | max | check request (median) |")
        print("|---|---|---|---|---|---|")
        for label, path, para in [
            ("example", "examples/yiyang-2024-01.json", "$.body[1].paragraphs[0]"),
            ("60 pages", "tests/data/corpus/13-sixty-pages.json", "$.body[30].paragraphs[0]"),
        ]:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                text = f.read()
            # Put the bulletin in the page, and the caret in a paragraph whose page is shown.
            if form:
                b.js("jbState.constructor; window.__load = null;")
                b.choose_file(b.labelled("打开"), os.path.join(ROOT, path))
                b.wait("return jbState.report && jbState.report.ok && jbState.text === arguments[0]", "loaded", 60, text)
                time.sleep(1.0)
                box = b.js(
                    "return document.querySelector(`#form [data-path=\"${arguments[0].replace(/\\[0\\]$/, '')}\"]`)",
                    para,
                )
                b.js("const c = arguments[0]; c.scrollIntoView({block: 'center'}); c.focus(); c.setSelectionRange(4, 4);", box)
            else:
                b.js("const t = document.getElementById('source'); t.value = arguments[0]; t.dispatchEvent(new Event('input'));", text)
                time.sleep(3)
                first = json.loads(text)["body"][int(para.split("[")[1].split("]")[0])]["paragraphs"][0][:6]
                b.js(
                    "const t = document.getElementById('source'); const i = t.value.indexOf(arguments[0]) + 4; t.focus(); t.setSelectionRange(i, i);",
                    first,
                )
                # The old page draws the pages in view: show the paragraph's page.
                b.js("document.getElementById('pages').scrollTop = 0")
            time.sleep(1.5)
            b.js(WATCH)
            for keys in (1, 3):
                lat, checks = [], []
                for k in range(args.runs + 2):
                    b.js("window.__inputs = []; window.__painted = [];")
                    b.keys("的" * keys, pause=80)
                    t0 = time.time()
                    got = None
                    while time.time() - t0 < 10:
                        # The form page records each refresh (preview.js): the one of
                        # the last edit. The JSON page of earlier versions drew only
                        # the latest text: the first page painted after the last key.
                        got = b.js(
                            """
                            const i = window.__inputs; if (!i.length) return null;
                            const last = i[i.length - 1];
                            if (window.jbMetrics && window.jbState && jbState.generation !== undefined) {
                              const m = jbMetrics.find(x => x.generation === jbState.generation && x.ok);
                              return m ? m.painted - last : null;
                            }
                            const after = window.__painted.filter(x => x > last);
                            return after.length ? after[0] - last : null;
                            """
                        )
                        if got is not None:
                            # Nothing else still on its way for this edit.
                            time.sleep(0.15)
                            break
                        time.sleep(0.01)
                    if k < 2 or got is None:
                        continue
                    lat.append(got)
                    m = b.js("const m = window.jbMetrics; return m && m.length ? m[m.length - 1].check : (window.jbState && jbState.lastRefresh ? jbState.lastRefresh.check : null)")
                    if m is not None:
                        checks.append(m)
                    time.sleep(0.1 + 0.2 * ((k * 7) % 5) / 5)
                lat.sort()
                p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
                med = statistics.median(lat)
                chk = f"{statistics.median(checks):.0f} ms" if checks else "—"
                print(f"| {label} | {keys} | {med:.0f} ms | {p95:.0f} ms | {max(lat):.0f} ms | {chk} |", flush=True)
    finally:
        b.quit()
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/jianbao"))
    ap.add_argument("--browser", action="store_true", help="last keystroke → new page on screen, in Chromium")
    args = ap.parse_args()
    if args.browser:
        return browser_bench(args)
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
