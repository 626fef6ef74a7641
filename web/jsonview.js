// jsonview.js: the expert view: the bulletin's JSON as text, with line
// numbers, the lines with problems marked, and a problem's place selected
// (locate.js maps the check's JSON paths to offsets in the text). What is
// typed here is the bulletin (state.setText); the form shows it again when
// it is JSON.

import { el, $ } from "./dom.js";
import { index, locate, offsetOf } from "./locate.js";
import { state, setText } from "./state.js";

let source;
let gutter;
let gutterLines = [];
let map = null;
let composing = false;

/** Set up the view's text box. */
export function initJsonView() {
  source = $("source");
  gutter = $("gutter");
  source.addEventListener("input", (e) => {
    updateGutter();
    if (composing || e.isComposing) return;
    setText(source.value);
  });
  source.addEventListener("compositionstart", () => {
    composing = true;
  });
  source.addEventListener("compositionend", () => {
    composing = false;
    setText(source.value);
  });
  source.addEventListener("scroll", fitGutter);
  window.addEventListener("resize", fitGutter);
  source.addEventListener("keydown", (e) => {
    if (e.key === "Tab" && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      document.execCommand("insertText", false, "  ");
    }
  });
}

/** Show the bulletin's current text (the view is opened, or the bulletin was replaced). */
export function showText() {
  if (source.value !== state.text) {
    source.value = state.text;
    source.setSelectionRange(0, 0);
    source.scrollTop = 0;
  }
  updateGutter();
}

/** Rebuild the gutter's lines where the text changed. */
function updateGutter() {
  const lines = source.value.split("\n");
  const old = gutterLines;
  let a = 0;
  while (a < old.length && a < lines.length && old[a] === lines[a]) a++;
  let b = 0;
  while (b < old.length - a && b < lines.length - a && old[old.length - 1 - b] === lines[lines.length - 1 - b]) b++;
  const kids = gutter.children;
  for (let k = old.length - b - 1; k >= a; k--) kids[k].remove();
  const before = kids[a] || null;
  const frag = document.createDocumentFragment();
  for (let k = a; k < lines.length - b; k++) frag.append(el("div", { class: "ln" }, lines[k] + "\u200b"));
  gutter.insertBefore(frag, before);
  const last = old.length === lines.length ? lines.length - b : kids.length;
  for (let k = a; k < last; k++) kids[k].dataset.n = k + 1;
  gutterLines = lines;
  fitGutter();
}

function fitGutter() {
  gutter.style.width = source.clientWidth + "px";
  gutter.scrollTop = source.scrollTop;
}

/** The text range of a problem: its line and column, or its JSON path. */
export function rangeOf(p) {
  const text = source.value;
  if (p.line) {
    const start = offsetOf(text, p.line, p.column || 1);
    return { start, end: Math.min(text.length, start + 1), exact: true };
  }
  if (!map || map.text !== text) map = { text, index: index(text) };
  return locate(text, p.path, map.index);
}

/** Select `range` in the text and scroll it into the middle of the view. */
export function select(range) {
  source.focus();
  source.setSelectionRange(range.start, range.end);
  const line = source.value.slice(0, range.start).split("\n").length - 1;
  const row = gutter.children[line];
  if (row) {
    source.scrollTop = Math.max(0, row.offsetTop - source.clientHeight / 3);
    fitGutter();
  }
}

/** Select the place of `path` (or of a problem with a line). */
export function selectPath(p) {
  const r = rangeOf(typeof p === "string" ? { path: p } : p);
  if (r) select(r);
  return !!r;
}

/** Mark the lines of the report's errors and warnings. */
export function markLines(report) {
  if (!gutter) return;
  for (const d of gutter.querySelectorAll(".ln.err, .ln.warn")) d.classList.remove("err", "warn");
  if (!report || $("json-pane").hidden) return;
  const mark = (list, cls) => {
    for (const p of list || []) {
      const r = rangeOf(p);
      if (!r) continue;
      const line = source.value.slice(0, r.start).split("\n").length - 1;
      const d = gutter.children[line];
      if (d) d.classList.add(cls);
    }
  };
  mark(report.warnings, "warn");
  mark(report.errors, "err");
}
