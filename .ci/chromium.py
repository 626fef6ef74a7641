"""Debian's headless Chromium, driven by chromedriver over the W3C WebDriver
protocol (and Chrome DevTools commands through chromedriver), with Python's
standard library only; and a `jianbao serve` on a free loopback port. Used
by the browser test (.ci/browser_test.py) and the latency benchmark
(bench/serve_latency.py --browser).

What a writer does is done as a writer does it: controls are found by their
accessible name (their <label> or aria-label), text is typed key by key or
committed by an input method (pinyin composition through
Input.imeSetComposition), files are chosen through the file input, and
downloads land in a folder, as in a browser.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1366,900",
]
# The viewport every screenshot is taken at.
WIDTH, HEIGHT = 1366, 768


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


class Server:
    """`jianbao serve` on a free loopback port; its log lines are kept."""

    def __init__(self, binary, archive, fonts, extra=()):
        env = dict(os.environ, JIANBAO_FONT_DIR=fonts)
        env.pop("JIANBAO_ARCHIVE", None)
        self.proc = subprocess.Popen(
            [binary, "serve", "--addr", "127.0.0.1:0", "--archive", archive, *extra],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = None
        self.log = []
        for line in self.proc.stderr:
            self.log.append(line)
            if "http://" in line:
                self.url = "http://" + line.split("http://")[1].split("/")[0]
                break
        if not self.url:
            raise RuntimeError("the server did not start: " + "".join(self.log))
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Browser:
    """A Chromium session through chromedriver."""

    def __init__(self, profile, downloads=None):
        self.port = free_port()
        self.driver = subprocess.Popen(
            ["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                if json.loads(http("GET", self.base + "/status", timeout=2)[1])["value"]["ready"]:
                    break
            except Exception:
                pass
            time.sleep(0.05)
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:loggingPrefs": {"browser": "ALL"},
                    "goog:chromeOptions": {
                        "binary": shutil.which("chromium") or "/usr/bin/chromium",
                        "args": FLAGS + ["--user-data-dir=" + profile],
                    },
                }
            }
        }
        self.sid = self.call("POST", "/session", caps)["sessionId"]
        self.cdp("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        if downloads:
            os.makedirs(downloads, exist_ok=True)
            self.cdp("Browser.setDownloadBehavior", behavior="allow", downloadPath=downloads)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        status, out = http(method, self.base + path, data, {"Content-Type": "application/json"})
        v = json.loads(out or b"{}").get("value")
        if status != 200:
            raise RuntimeError(f"WebDriver {method} {path}: {status} {v}")
        return v

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.sid}{path}", body)

    def cdp(self, cmd, **params):
        """A Chrome DevTools Protocol command."""
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.s("POST", "/execute/async", {"script": script, "args": list(args)})

    def console(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except RuntimeError:
            return []

    # -- elements

    @staticmethod
    def ref(e):
        return e[ELEMENT] if isinstance(e, dict) else e

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def labelled(self, name, scope=None, nth=0):
        """The control whose accessible name is `name` (its <label> or
        aria-label), within `scope` (a CSS selector) when given."""
        e = self.js(
            """
            const [name, scope, nth] = arguments;
            const root = scope ? document.querySelector(scope) : document;
            if (!root) return null;
            const found = [];
            for (const l of root.querySelectorAll('label[for]')) {
              if (l.textContent.trim() === name) { const c = document.getElementById(l.htmlFor); if (c) found.push(c); }
            }
            for (const c of root.querySelectorAll('[aria-label]')) if (c.getAttribute('aria-label') === name) found.push(c);
            return found[nth] || null;
            """,
            name,
            scope,
            nth,
        )
        if e is None:
            raise RuntimeError(f"no control named {name!r} in {scope or 'the page'}")
        return e

    def button(self, name, scope=None, nth=0):
        """The visible, enabled-or-not button whose accessible name is `name`."""
        e = self.js(
            """
            const [name, scope, nth] = arguments;
            const root = scope ? document.querySelector(scope) : document;
            const named = (b) => (b.getAttribute('aria-label') || b.textContent).trim() === name;
            const all = Array.from(root.querySelectorAll('button')).filter(b => named(b) && b.offsetParent !== null);
            return all[nth] || null;
            """,
            name,
            scope,
            nth,
        )
        if e is None:
            raise RuntimeError(f"no button {name!r} in {scope or 'the page'}")
        return e

    def click(self, e):
        self.s("POST", f"/element/{self.ref(e)}/click", {})

    def focus(self, e):
        self.js("arguments[0].focus()", e)

    def keys(self, text, pause=0):
        """Type `text` key by key into the focused control (WebDriver key codes: \\ue007 Enter, \\ue003 Backspace)."""
        acts = []
        for ch in text:
            acts += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
            if pause:
                acts.append({"type": "pause", "duration": pause})
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": acts}]})
        self.s("DELETE", "/actions")

    def type_into(self, e, text, replace=True):
        """Focus `e`, select what it holds (to type over it) and type `text`."""
        self.js("const c = arguments[0]; c.focus(); if (arguments[1]) c.select(); else c.setSelectionRange(c.value.length, c.value.length);", e, replace)
        self.keys(text)

    def insert(self, text):
        """Text committed at once, as an input method commits it (Input.insertText)."""
        self.cdp("Input.insertText", text=text)

    def compose(self, pinyin_steps, commit):
        """Type with a Chinese input method: the pinyin composed key by key
        (compositionstart/update events, the pinyin shown in the field),
        then the characters committed (compositionend)."""
        for p in pinyin_steps:
            self.cdp("Input.imeSetComposition", text=p, selectionStart=len(p), selectionEnd=len(p))
        self.cdp("Input.insertText", text=commit)

    def value(self, e):
        return self.js("return arguments[0].value", e)

    def choose_file(self, e, path):
        """Choose `path` in a file input (as the file chooser does)."""
        self.s("POST", f"/element/{self.ref(e)}/value", {"text": path})

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
        """Poll `script` until it returns something true; None (and a message) when it never does."""
        end = time.time() + timeout
        while time.time() < end:
            v = self.js(script, *args)
            if v:
                return v
            time.sleep(0.02)
        print(f"(waited {timeout} s for {what})", flush=True)
        return None

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(10)
        except subprocess.TimeoutExpired:
            self.driver.kill()


# The page's own record of each refresh (preview.js): from the edit typed to
# the new pages painted.
LAST_REFRESH = "const m = window.jbMetrics || []; return m.length ? m[m.length - 1] : null"


def refreshed_after(b, generation, timeout=30.0):
    """Wait until the page shows a refresh of at least `generation`; its record."""
    return b.wait(
        "const m = window.jbMetrics || []; const r = m.filter(x => x.generation >= arguments[0]); return r.length ? r[r.length - 1] : null",
        f"a refresh of generation {generation}",
        timeout,
        generation,
    )


def generation(b):
    return b.js("return window.jbState ? jbState.generation : -1")
