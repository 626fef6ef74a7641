// preview.js: the pages as they will print, drawn from the server's SVG of
// the layout, inline in the page so that every laid-out line is an element
// carrying the input path it came from (data-path). After an edit the text
// is checked at once (no pause for typing to stop); an edit made while a
// check is under way waits for its answer and is then checked with every
// other edit made meanwhile (coalesced, never queued). Only the pages in
// view whose version changed are fetched again, by the layout's key.
// A click on a line asks for its field; moving through the fields shows
// and marks the line.

import { call, ApiError, OFFLINE, TIMEOUT } from "./api.js";
import { el, $, setStatus } from "./dom.js";
import { state } from "./state.js";

/** The pages: { fig, sheet, version, loaded }. */
const pages = [];
/** The last layout that could be made: its key and page versions. */
let current = { key: null, versions: [], generation: -1 };
let running = false;
let dirty = false;
let marked = null;
const hooks = { problems: () => {}, line: () => {} };

/**
 * The latency of each refresh, for people and the benchmark: from the
 * edit (typed) to the new pages painted, and the check and pages parts.
 */
export const metrics = [];
window.jbMetrics = metrics;

/** Where the check's report goes, and what a click on a line does with its path. */
export function init({ problems, line }) {
  hooks.problems = problems;
  hooks.line = line;
  const box = $("pages");
  box.addEventListener("click", clicked);
  observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const i = Number(e.target.dataset.page) - 1;
        if (!running && current.key && current.generation === state.generation) load(i, current);
      }
    },
    { root: box, rootMargin: "300px" }
  );
}

let observer = null;

/** A new bulletin: nothing is marked. */
export function forget() {
  marked = null;
  mark(null, false);
}

/** Check and draw again as soon as possible: now, or when the check under way is answered. */
export function schedule() {
  dirty = true;
  if (!running) cycle();
}

/** After the next paint. */
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function cycle() {
  running = true;
  try {
    while (dirty) {
      dirty = false;
      const generation = state.generation;
      const text = state.text;
      const typed = state.typedAt;
      const t0 = performance.now();
      setStatus("正在排版…", "busy");
      let report;
      try {
        report = (await call("POST", "/api/check", { body: text })).data;
      } catch (e) {
        failed(e);
        return;
      }
      if (generation !== state.generation) continue;
      const t1 = performance.now();
      state.report = report;
      hooks.problems(report);
      if (!report.ok) {
        for (const p of pages) p.fig.classList.add("stale");
        const n = report.errors.length;
        setStatus(`有 ${n} 处错误，改正后预览才会更新（现在显示的是上次排好的版面）`, "bad");
        metrics.push({ generation, typed, check: t1 - t0, pages: 0, painted: t1, latency: t1 - typed, ok: false });
        continue;
      }
      current = { key: report.key, versions: report.versions, generation };
      setPageCount(report.pages);
      const want = visible();
      try {
        await Promise.all(want.map((i) => load(i, current)));
      } catch (e) {
        failed(e);
        return;
      }
      if (generation !== state.generation) continue;
      const t2 = performance.now();
      unloadFar(want);
      // The line being edited stays in view as the text grows or moves.
      if (marked) mark(marked, true);
      await painted();
      const t3 = performance.now();
      metrics.push({ generation, typed, check: t1 - t0, pages: t2 - t1, painted: t3, latency: t3 - typed, ok: true, visible: want.map((i) => i + 1) });
      if (metrics.length > 500) metrics.splice(0, 100);
      const w = report.warnings.length;
      const n = report.notices.length;
      $("pageinfo").textContent = `共 ${report.pages} 页`;
      // The time it took is for the developer's eye (the title), not the clerk's.
      setStatus(`已更新：${report.pages} 页，${w} 条警告，${n} 条提示`);
      document.getElementById("status").title = `排版和显示用了 ${Math.round(t3 - t0)} 毫秒`;
    }
  } finally {
    running = false;
  }
}

/** Say why a refresh failed; a later edit or the server's return tries again. */
function failed(e) {
  dirty = true;
  if (e instanceof ApiError && (e.kind === OFFLINE || e.kind === TIMEOUT)) {
    setStatus("无法连接服务器：预览暂停；服务器恢复后自动继续", "bad");
  } else {
    setStatus(`排版失败：${e.message}`, "bad");
    dirty = false;
  }
}

/** Try again (the server is back). */
export function resume() {
  if (dirty && !running) cycle();
}

function setPageCount(n) {
  const box = $("pages");
  while (pages.length > n) {
    const p = pages.pop();
    observer.unobserve(p.fig);
    p.fig.remove();
  }
  const empty = box.querySelector(".empty");
  if (n > 0 && empty) empty.remove();
  while (pages.length < n) {
    const i = pages.length;
    const sheet = el("div", { class: "sheet" });
    const fig = el("figure", { class: "page stale", "data-page": String(i + 1) }, el("figcaption", { text: `第 ${i + 1} 页` }), sheet);
    box.append(fig);
    pages.push({ fig, sheet, version: null, loaded: false });
    observer.observe(fig);
  }
  pages.forEach((p, i) => p.fig.classList.toggle("stale", p.version !== current.versions[i]));
}

/** The pages in or near the view. */
function visible() {
  const box = $("pages").getBoundingClientRect();
  const out = [];
  pages.forEach((p, i) => {
    const r = p.fig.getBoundingClientRect();
    if (r.bottom >= box.top - 100 && r.top <= box.bottom + 100) out.push(i);
  });
  if (out.length === 0 && pages.length > 0) out.push(0);
  return out;
}

/** Forget the drawings of pages far from the view (a 60-page bulletin stays light). */
function unloadFar(near) {
  if (!near.length) return;
  const lo = Math.min(...near) - 4;
  const hi = Math.max(...near) + 4;
  pages.forEach((p, i) => {
    if ((i < lo || i > hi) && p.loaded) {
      p.sheet.replaceChildren();
      p.loaded = false;
      p.version = null;
      p.fig.classList.add("stale");
    }
  });
}

/** Draw page `i` of layout `of` unless it shows that version already. */
async function load(i, of) {
  const p = pages[i];
  const version = of.versions[i];
  if (!p || (p.loaded && p.version === version)) return;
  if (p.loading && p.loading.version === version) return p.loading.promise;
  const promise = (async () => {
    let svg;
    try {
      svg = (await call("GET", `/api/page/${of.key}/${i + 1}`, { as: "text" })).data;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404 || !(e.body && e.body.expired)) throw e;
      // The layout is no longer kept: send the text again.
      svg = (await call("POST", `/api/preview?page=${i + 1}`, { body: state.text, as: "text" })).data;
    }
    if (of !== current) return;
    p.sheet.innerHTML = svg;
    p.version = version;
    p.loaded = true;
    p.fig.classList.remove("stale");
    if (marked) mark(marked, false);
  })();
  p.loading = { version, promise };
  try {
    await promise;
  } finally {
    if (p.loading && p.loading.promise === promise) p.loading = null;
  }
}

/** The line a click on the preview is on: the line clicked, else the nearest in its band. */
function lineAt(e) {
  const direct = e.target.closest && e.target.closest("g[data-path]");
  if (direct) return direct;
  const svg = e.target.closest && e.target.closest("svg");
  if (!svg || !svg.getScreenCTM()) return null;
  const pt = svg.createSVGPoint();
  pt.x = e.clientX;
  pt.y = e.clientY;
  const at = pt.matrixTransform(svg.getScreenCTM().inverse());
  let best = null;
  let bestGap = 12; // pt: about half a grid line
  for (const g of svg.querySelectorAll("g[data-path]")) {
    const b = g.getBBox();
    const gap = at.y < b.y ? b.y - at.y : at.y > b.y + b.height ? at.y - b.y - b.height : 0;
    const out = at.x < b.x - 40 || at.x > b.x + b.width + 40;
    if (!out && gap < bestGap) {
      best = g;
      bestGap = gap;
    }
  }
  return best;
}

function clicked(e) {
  const g = lineAt(e);
  if (!g) return;
  hooks.line(g.dataset.path);
}

/** Mark the lines of `path` (and of what it contains) on the pages drawn; scroll them into view when asked. */
function mark(path, scroll) {
  for (const r of document.querySelectorAll("#pages rect.mark")) r.remove();
  if (!path) return [];
  const sel = `g[data-path="${CSS.escape(path)}"]`;
  let lines = Array.from(document.querySelectorAll(`#pages ${sel}`));
  if (!lines.length) {
    lines = Array.from(document.querySelectorAll("#pages g[data-path]")).filter((g) => {
      const p = g.dataset.path;
      return p.startsWith(path + "[") || p.startsWith(path + ".");
    });
  }
  for (const g of lines) {
    const b = g.getBBox();
    const r = document.createElementNS(g.namespaceURI, "rect");
    r.setAttribute("class", "mark");
    r.setAttribute("x", b.x - 2);
    r.setAttribute("y", b.y - 2);
    r.setAttribute("width", b.width + 4);
    r.setAttribute("height", b.height + 4);
    g.parentNode.insertBefore(r, g);
  }
  if (scroll && lines.length) {
    const box = $("pages");
    const r = lines[0].getBoundingClientRect();
    const view = box.getBoundingClientRect();
    if (r.top < view.top + 20 || r.bottom > view.bottom - 20) {
      box.scrollTop += r.top - view.top - view.height / 3;
    }
  }
  return lines;
}

/**
 * Show the lines of `path`: marked, and scrolled into view; when they are on
 * a page not drawn, the server says which page.
 */
export async function reveal(path) {
  marked = path;
  if (mark(path, true).length || !current.key || !path) return;
  try {
    const found = (await call("GET", `/api/find/${current.key}?path=${encodeURIComponent(path)}`)).data;
    if (marked !== path || !found.page) return;
    const p = pages[found.page - 1];
    if (!p) return;
    p.fig.scrollIntoView({ block: "start" });
    await load(found.page - 1, current);
    if (marked === path) mark(path, true);
  } catch (e) {
    /* a page that cannot be found is not marked */
  }
}
