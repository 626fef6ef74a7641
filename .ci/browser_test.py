#!/usr/bin/env python3
"""The page of `jianbao serve` in a real browser (Debian's headless Chromium,
driven by chromedriver over the W3C WebDriver protocol, Python's standard
library only).

It starts the release binary's server on a free loopback port with an empty
archive, opens the page in a fresh browser profile and checks what a writer
sees: the example's first page drawn in the preview, a typed change drawn
again within a second, an error listed with its JSON path and a click on it
selecting the place in the editor, a draft imported with its notices, the
issue into the archive and the archive's list. It measures the preview's
latency (edit → new page on screen) for the example and for a 60-page
bulletin, and saves screenshots. Exit code 0 when every check passes.

Run it through .ci/browser-test, which installs chromium and chromium-driver.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,900",
]

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=60):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# ------------------------------------------------------------------ PNG


def png_pixels(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = 4 if ctype == 6 else 3
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def red_pixels(png):
    _, _, rows = png_pixels(png)
    return sum(1 for row in rows for (r, g, b) in row if r > 180 and g < 90 and b < 90)


def differing_pixels(a, b):
    wa, ha, ra = png_pixels(a)
    wb, hb, rb = png_pixels(b)
    if (wa, ha) != (wb, hb):
        return wa * ha
    return sum(1 for x, y in zip(ra, rb) for p, q in zip(x, y) if p != q)


# ------------------------------------------------------------ WebDriver


class Browser:
    def __init__(self, driver_url, user_data_dir):
        self.base = driver_url
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": shutil.which("chromium") or "/usr/bin/chromium",
                        "args": FLAGS + ["--user-data-dir=" + user_data_dir],
                    },
                }
            }
        }
        v = self.call("POST", "/session", caps)
        self.sid = v["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        status, out = http(method, self.base + path, data, {"Content-Type": "application/json"})
        v = json.loads(out or b"{}").get("value")
        if status != 200:
            raise RuntimeError(f"WebDriver {method} {path}: {status} {v}")
        return v

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.sid}{path}", body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self.s("POST", f"/element/{self.find(css)}/click", {})

    def type(self, css, text):
        """Type `text` at the element's caret or over its selection, key by
        key, as a writer would. (WebDriver's "element send keys" moves the
        caret to the end of a textarea first, which chromedriver now does.)"""
        self.js("document.querySelector(arguments[0]).focus()", css)
        keys = []
        for ch in text:
            keys += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": keys}]})
        self.s("DELETE", "/actions")

    def shot(self, path=None, css=None):
        if css:
            png = base64.b64decode(self.s("GET", f"/element/{self.find(css)}/screenshot"))
        else:
            png = base64.b64decode(self.s("GET", "/screenshot"))
        if path:
            with open(path, "wb") as f:
                f.write(png)
        return png

    def wait(self, script, what, timeout=20.0, *args):
        end = time.time() + timeout
        while time.time() < end:
            v = self.js(script, *args)
            if v:
                return v
            time.sleep(0.02)
        check(False, f"{what} (waited {timeout} s)")
        return None

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass


# --------------------------------------------------------------- helpers

REFRESHED = "return window.jbState && jbState.refreshes > arguments[0] && jbState.lastRefresh"
PAGE1 = """
const p = jbState.pages[0];
return p && p.svg && p.img.complete && p.img.naturalWidth > 0 && !p.fig.classList.contains('stale') ? p.svg.length : 0;
"""


def editor_text(b):
    return b.js("return document.getElementById('source').value")


def select_text(b, needle, nth=0):
    """Select the `nth` occurrence of `needle` in the editor; its offset."""
    return b.js(
        """
        const t = document.getElementById('source');
        let i = -1;
        for (let k = 0; k <= arguments[1]; k++) i = t.value.indexOf(arguments[0], i + 1);
        if (i < 0) return -1;
        t.focus();
        t.setSelectionRange(i, i + arguments[0].length);
        return i;
        """,
        needle,
        nth,
    )


def type_change(b, needle, replacement):
    """Select `needle` and type `replacement` over it, as a writer would;
    then wait for the new preview of page 1. Returns (ms from the last key to
    the new page on screen, the page's refresh timings)."""
    before = b.js("return jbState.refreshes")
    at = select_text(b, needle)
    if not check(at >= 0, f"found {needle!r} in the editor"):
        return None, None
    b.type("#source", replacement)
    typed = time.time()
    timings = b.wait(REFRESHED, f"preview refreshed after typing {replacement!r}", 20.0, before)
    b.wait(PAGE1, "page 1 drawn again", 20.0)
    return (time.time() - typed) * 1000.0, timings


def set_text(b, text):
    before = b.js("return jbState.refreshes")
    b.js(
        """
        const t = document.getElementById('source');
        t.value = arguments[0];
        t.dispatchEvent(new Event('input'));
        """,
        text,
    )
    b.wait(REFRESHED, "preview refreshed after the text was replaced", 60.0, before)
    b.wait(PAGE1, "page 1 drawn", 60.0)


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/jianbao"))
    ap.add_argument("--shots", default=os.path.join(ROOT, "target/browser-test"))
    ap.add_argument("--runs", type=int, default=5, help="timed edits per bulletin")
    args = ap.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="jianbao-browser-")
    procs = []
    browser = None
    try:
        env = dict(os.environ, JIANBAO_FONT_DIR=os.path.join(ROOT, "fonts"))
        server = subprocess.Popen(
            [args.binary, "serve", "--addr", "127.0.0.1:0", "--archive", os.path.join(tmp, "archive")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(server)
        url = None
        for line in server.stderr:
            if "http://" in line:
                url = "http://" + line.split("http://")[1].split("/")[0]
                break
        if not url:
            print("FAIL the server did not start", file=sys.stderr)
            return 1
        log = []
        threading.Thread(target=lambda: log.extend(server.stderr), daemon=True).start()
        print(f"server at {url}")

        port = free_port()
        driver = subprocess.Popen(
            ["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        procs.append(driver)
        driver_url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if json.loads(http("GET", driver_url + "/status", timeout=2)[1])["value"]["ready"]:
                    break
            except Exception:
                pass
            time.sleep(0.05)
        browser = b = Browser(driver_url, os.path.join(tmp, "profile"))

        with open(os.path.join(ROOT, "examples/yiyang-2024-01.json"), "rb") as f:
            example = f.read()

        # 1. The page opens with the example and its first page drawn.
        b.go(url + "/")
        b.wait(REFRESHED, "the first check", 30.0, 0)
        check(b.wait(PAGE1, "page 1 of the example drawn", 30.0) is not None, "page 1 of the example drawn")
        check(editor_text(b) == example.decode(), "the editor holds the built-in example")
        status, want = http("POST", url + "/api/preview?page=1", example, {"Content-Type": "application/json"})
        svg1 = b.js("return jbState.pages[0].svg")
        check(status == 200 and svg1 == want.decode(), "page 1 in the browser is the server's SVG of the example")
        pages = b.js("return jbState.pages.length")
        status, rep = http("POST", url + "/api/check", example, {"Content-Type": "application/json"})
        check(pages == json.loads(rep)["pages"], f"all {pages} pages have a place in the preview")
        sheet1 = b.shot(os.path.join(args.shots, "page1-example.png"), "figure[data-page='1'] .sheet")
        reds = red_pixels(sheet1)
        check(reds > 500, f"the preview shows the red masthead ({reds} red pixels)")
        b.shot(os.path.join(args.shots, "1-opened.png"))
        problems = b.js("return Array.from(document.querySelectorAll('#problems li.notice code')).map(e => e.textContent)")
        check("$.masthead.name" in problems, f"the example's notices are listed with their paths: {problems}")

        # 2. A typed change is drawn again within a second.
        ms, t = type_change(b, "益阳市配合中央生态环境保护督察工作简报", "资阳区生态环境工作简报")
        svg2 = b.js("return jbState.pages[0].svg")
        check(svg2 != svg1, "the preview changed after typing")
        status, want = http(
            "POST", url + "/api/preview?page=1", editor_text(b).encode(), {"Content-Type": "application/json"}
        )
        check(svg2 == want.decode(), "the new preview is the server's SVG of the edited text")
        check("资阳区生态环境工作简报" in editor_text(b), "the typed Chinese text is in the editor")
        sheet2 = b.shot(os.path.join(args.shots, "page1-edited.png"), "figure[data-page='1'] .sheet")
        diff = differing_pixels(sheet1, sheet2)
        check(diff > 1000, f"the page on screen changed ({diff} pixels)")
        check(ms is not None and ms < 1000, f"edit → new page on screen in {ms:.0f} ms (< 1000 ms)")
        b.shot(os.path.join(args.shots, "2-edited.png"))

        # Latency over several edits (issue number), example.
        def timed(label, needle_for):
            runs = []
            for k in range(args.runs):
                old, new = needle_for(k)
                ms, t = type_change(b, old, new)
                if ms is not None and t:
                    runs.append((ms, t["check"], t["pages"]))
            if runs:
                print(
                    f"latency {label}: edit→page on screen median {statistics.median(r[0] for r in runs):.0f} ms "
                    f"(max {max(r[0] for r in runs):.0f}; includes the 300 ms pause after typing); "
                    f"check request median {statistics.median(r[1] for r in runs):.0f} ms, "
                    f"visible pages' previews median {statistics.median(r[2] for r in runs):.0f} ms"
                )
            return runs

        timed("example", lambda k: (f'"issue": {k + 1}', f'"issue": {k + 2}'))

        # 3. An error is listed with its path; clicking it selects the place.
        before = b.js("return jbState.refreshes")
        at = select_text(b, '"issue": ')
        value_at = at + len('"issue": ')
        b.js(
            "const t=document.getElementById('source'); t.setSelectionRange(arguments[0], t.value.indexOf(',', arguments[0]));",
            value_at,
        )
        b.type("#source", "0")
        b.wait(
            "return Array.from(document.querySelectorAll('#problems li.error code')).some(e => e.textContent === '$.masthead.issue')",
            "the error at $.masthead.issue is listed",
        )
        item = b.js(
            "const li = Array.from(document.querySelectorAll('#problems li.error')).find(l => l.querySelector('code').textContent === '$.masthead.issue'); return li && li.textContent"
        )
        check(item is not None and "正整数" in item, f"the error says what is wrong: {item}")
        check(b.js("return document.getElementById('status').classList.contains('bad')"), "the status shows the error")
        # Move the cursor away, then click the error.
        b.js("const t=document.getElementById('source'); t.setSelectionRange(0,0); t.blur();")
        b.click("#problems li.error")
        sel = b.js(
            "const t=document.getElementById('source'); return [t.selectionStart, t.selectionEnd, document.activeElement === t];"
        )
        check(sel == [value_at, value_at + 1, True], f"clicking the error selects the value 0 in the editor: {sel} (want {value_at})")
        check(
            b.js("return document.querySelectorAll('#gutter .ln.err').length") >= 1,
            "the line with the error is marked in the gutter",
        )
        b.shot(os.path.join(args.shots, "3-error.png"))

        # A syntax error: its line and column.
        text = editor_text(b)
        comma = text.index('"date"')
        before = b.js("return jbState.refreshes")
        b.js(
            "const t=document.getElementById('source'); t.focus(); t.setSelectionRange(arguments[0]-1, arguments[0]);",
            text.rindex(",", 0, comma) + 1,
        )
        b.type("#source", "\ue003")  # Backspace: the comma before "date" is gone
        b.wait(
            "return Array.from(document.querySelectorAll('#problems li.error code')).some(e => e.textContent.startsWith('第 '))",
            "the syntax error is listed with its line",
        )
        b.click("#problems li.error")
        line = b.js(
            "const t=document.getElementById('source'); return t.value.slice(0, t.selectionStart).split('\\n').length;"
        )
        listed = b.js("return document.querySelector('#problems li.error code').textContent")
        check(listed.startswith(f"第 {line} 行"), f"clicking the syntax error moves to its line: {listed}, cursor on line {line}")

        # The path locator on its own.
        cases = b.js(
            """
            const L = jbLocate;
            const t = '{\\n "a": {"b": [1, "x", {"c": true}]},\\n "k y": 2, "d": [] }';
            const r = (p) => { const x = L.locate(t, p); return x && [t.slice(x.start, x.end), x.exact]; };
            return [r('$.a.b[1]'), r('$.a.b[2].c'), r('$["k y"]'), r('$.a.missing'), r('$.a.b[9]'), r('$.d'), r('nonsense'),
                    L.offsetOf('ab\\ncd', 2, 2), L.parsePath('$.body[2].items[0]["x\\\\"y"]')];
            """
        )
        want = [
            ['"x"', True],
            ["true", True],
            ["2", True],
            ['"a"', False],
            ['"b"', False],
            ['"d"', True],
            None,
            4,
            ["body", 2, "items", 0, 'x"y'],
        ]
        check(cases == want, f"the path locator: {cases}")

        # 4. Import a pasted draft: the editor gets the bulletin, notices listed.
        with open(os.path.join(ROOT, "tests/data/import/drafts/ziyang-chinese-numerals.txt"), "rb") as f:
            draft = f.read().decode("utf-8-sig")
        before = b.js("return jbState.refreshes")
        b.click("#btn-import")
        b.js("document.getElementById('draft').value = arguments[0];", draft)
        b.click("#draft-go")
        b.wait(REFRESHED, "the imported draft laid out", 30.0, before)
        b.wait(PAGE1, "the imported draft's page 1 drawn", 30.0)
        imported = editor_text(b)
        status, want = http("POST", url + "/api/import", draft.encode(), {"Content-Type": "text/plain", "X-Jianbao": "1"})
        check(json.loads(want)["json"] == imported, "the imported JSON is in the editor")
        notes = b.js("return document.querySelectorAll('#problems li.draft').length")
        check(notes == len(json.loads(want)["notices"]) and notes > 0, f"the importer's {notes} notices are listed")
        b.shot(os.path.join(args.shots, "4-imported.png"))

        # 5. Issue (签发) into the archive; the same number again is refused.
        b.click("#btn-issue")
        b.click("#issue-go")
        done = b.wait(
            "const t = document.getElementById('issue-body').textContent; return t.includes('已签发') || t.includes('未签发') ? t : null",
            "the issue answered",
            60.0,
        )
        check(done is not None and "已签发归档" in done, f"issued: {done}")
        b.shot(os.path.join(args.shots, "5-issued.png"))
        b.click("#issue-cancel")
        b.click("#btn-issue")
        b.click("#issue-go")
        again = b.wait(
            "const t = document.getElementById('issue-body').textContent; return t.includes('未签发') ? t : null",
            "the second issue answered",
            60.0,
        )
        check(again is not None and "已经归档过" in again, f"the same number again is refused: {again}")
        b.shot(os.path.join(args.shots, "6-refused.png"))
        b.click("#issue-cancel")

        # Warnings refuse until the writer accepts them.
        v = json.loads(editor_text(b))
        v["masthead"]["issue"] += 1
        v["body"][0]["paragraphs"][0] = v["body"][0]["paragraphs"][0].replace("，", ",", 1)
        set_text(b, json.dumps(v, ensure_ascii=False, indent=2))
        b.wait("return document.querySelectorAll('#problems li.warning').length", "the half-width comma is a warning")
        b.click("#btn-issue")
        b.click("#issue-go")
        warned = b.wait(
            "const t = document.getElementById('issue-body').textContent; return t.includes('未签发') ? t : null",
            "the issue with a warning answered",
            60.0,
        )
        check(warned is not None and "警告" in warned and "$.body[0].paragraphs[0]" in warned, f"refused for its warning: {warned}")
        check(b.js("return !document.getElementById('issue-accept-row').classList.contains('hidden')"), "the writer is offered to accept the warning")
        b.shot(os.path.join(args.shots, "6b-warnings.png"))
        b.click("#issue-accept")
        b.click("#issue-go")
        accepted = b.wait(
            "const t = document.getElementById('issue-body').textContent; return t.includes('已签发') ? t : null",
            "the accepted issue answered",
            60.0,
        )
        check(accepted is not None and "接受的警告" in accepted, f"issued with the warning accepted: {accepted}")
        b.click("#issue-cancel")

        # 6. The archive: listed, searched, the PDF opens.
        b.click("#btn-archive")
        rows = b.wait("return document.querySelectorAll('#archive-body tr').length > 1 && document.querySelectorAll('#archive-body tr').length", "the archive lists the copy")
        check(rows == 3, f"two copies listed ({rows} rows with the header)")
        href = b.js("return document.querySelector('#archive-body a').getAttribute('href')")
        status, pdf = http("GET", url + href)
        check(status == 200 and pdf.startswith(b"%PDF"), f"the listed copy's PDF opens ({href})")
        b.shot(os.path.join(args.shots, "7-archive.png"))
        b.click("#archive-all")

        # 7. The download button makes the PDF.
        b.click("dialog[open] [data-close]")
        b.click("#btn-pdf")
        made = b.wait(
            "const t = document.getElementById('status').textContent; return t.includes('PDF 已生成') ? t : null",
            "the PDF was made",
            30.0,
        )
        check(made is not None, f"download PDF: {made}")

        # 8. The 60-page bulletin: latency of an edit.
        with open(os.path.join(ROOT, "tests/data/corpus/13-sixty-pages.json"), encoding="utf-8") as f:
            sixty = f.read()
        set_text(b, sixty)
        check(b.js("return jbState.pages.length") >= 50, "the 60-page bulletin has its pages")
        b.click("#btn-clear-draft")
        check(b.js("return document.querySelectorAll('#problems li.draft').length") == 0, "the importer's notices can be cleared")
        runs = timed("60 pages", lambda k: (f'"total_issue": {41 + k}', f'"total_issue": {42 + k}'))
        if runs:
            check(statistics.median(r[0] for r in runs) < 3000, "60 pages: edit → page on screen under 3 s")
        b.shot(os.path.join(args.shots, "8-sixty.png"))
        # Scrolled to the middle, the pages in view are drawn.
        b.js("document.querySelector(\"figure[data-page='30']\").scrollIntoView()")
        b.wait(
            "const p = jbState.pages[29]; return p.svg && !p.fig.classList.contains('stale')",
            "page 30 drawn when scrolled into view",
        )
        b.shot(os.path.join(args.shots, "9-sixty-page30.png"))
        errors = [l for l in log if " 500 " in l]
        check(not errors, f"no server errors in the log: {errors}")
    finally:
        if browser:
            browser.quit()
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"screenshots in {args.shots}")
    if failures:
        print(f"{len(failures)} check(s) failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print("browser test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
