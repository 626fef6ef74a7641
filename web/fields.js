// fields.js: the form's controls and how they write into the bulletin.
// Every control carries the JSON path it edits (`data-path`, the check's
// form), so that a problem, a click on the preview or a line of the layout
// finds it. Text boxes of several lines hold one paragraph (or one name) a
// line: 回车 starts a new paragraph, and pasting several paragraphs splits
// them. While an input method composes (pinyin), nothing is written: the
// characters are, when the composition ends.

import { el } from "./dom.js";
import { state, edited, steps, valueAt } from "./state.js";

let nextId = 0;

/** A control's id, unique in the page. */
function uid(prefix) {
  nextId++;
  return `${prefix}-${nextId}`;
}

/** Set `value` at `path` of `doc`, making the objects on the way; `undefined` removes it. */
export function setAt(doc, path, value) {
  const s = steps(path);
  let cur = doc;
  for (let i = 0; i < s.length - 1; i++) {
    if (cur[s[i]] === undefined || cur[s[i]] === null || typeof cur[s[i]] !== "object") {
      if (value === undefined) return;
      cur[s[i]] = typeof s[i + 1] === "number" ? [] : {};
    }
    cur = cur[s[i]];
  }
  const last = s[s.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(last, 1);
    else delete cur[last];
  } else {
    cur[last] = value;
  }
}

/** Full-width digits as ASCII. */
function ascii(s) {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** A date as the writer typed it, as YYYY-MM-DD when it reads as one (2025-04-18, 2025/4/18, 2025年4月18日). */
export function isoDate(typed) {
  const t = ascii(typed.trim());
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  if (!m) return t;
  return `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
}

/** The value a control of `kind` writes for `text`; undefined removes an optional field. */
function valueOf(kind, text, optional) {
  switch (kind) {
    case "int": {
      const t = ascii(text.trim());
      if (t === "") return optional ? undefined : "";
      return /^\d+$/.test(t) ? Number(t) : t;
    }
    case "date": {
      const t = text.trim();
      if (t === "") return optional ? undefined : "";
      return isoDate(t);
    }
    case "paragraphs": {
      const paras = text.split("\n").filter((l) => l.trim() !== "");
      if (paras.length === 0) return optional ? undefined : [""];
      return paras;
    }
    case "names":
    case "entries": {
      const names = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
      return names.length === 0 && optional ? undefined : names;
    }
    default:
      return text.trim() === "" && optional ? undefined : text;
  }
}

/** The text a control of `kind` shows for `value`. */
function textOf(kind, value) {
  if (value === undefined || value === null) return "";
  if (kind === "paragraphs" || kind === "names" || kind === "entries") return Array.isArray(value) ? value.join("\n") : String(value);
  return String(value);
}

/** Paste into a control of `kind`: text from WPS or a web page made into lines it takes. */
function pasted(kind, text) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (kind === "paragraphs") {
    // One paragraph a line; indents typed as spaces dropped (the layout indents).
    return lines
      .map((l) => l.replace(/^[\s\u3000]+/, "").replace(/[\s\u3000]+$/, ""))
      .filter((l) => l !== "")
      .join("\n");
  }
  if (kind === "names") {
    // 报：甲，乙、丙 → one name a line.
    return lines
      .join("\n")
      .replace(/^\s*(报|送|发|本期增发)\s*[:：]\s*/gm, "")
      .split(/[\n，、,；;]+/)
      .map((n) => n.trim())
      .filter((n) => n !== "")
      .join("\n");
  }
  if (kind === "entries") {
    // ★ 标题 → 标题, one a line.
    return lines
      .map((l) => l.replace(/^[\s\u3000]*[★☆●•·\-－*]?[\s\u3000]*/, "").trim())
      .filter((l) => l !== "")
      .join("\n");
  }
  return lines.map((l) => l.trim()).join("");
}

/** Grow a text box to its content (the form scrolls, not the box). */
export function fit(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = textarea.scrollHeight + 2 + "px";
}

/**
 * A control for `path` of the bulletin. `kind`: "text", "int", "date",
 * "paragraphs" (a text box, one paragraph a line), "names" (a text box, one
 * name a line). `optional`: an empty control removes the field.
 */
export function control(path, { kind = "text", optional = false, placeholder = "", rows = 1, id } = {}) {
  const multi = kind === "paragraphs" || kind === "names" || kind === "entries";
  const c = multi
    ? el("textarea", { rows: String(rows), spellcheck: "false", placeholder })
    : el("input", { type: "text", spellcheck: "false", autocomplete: "off", placeholder });
  if (kind === "int") c.setAttribute("inputmode", "numeric");
  c.id = id || uid("f");
  c.dataset.path = path;
  c.dataset.kind = kind;
  if (multi) c.dataset.lines = "";
  c.value = textOf(kind, valueAt(state.doc, path));
  let composing = false;
  let last = c.value;
  const commit = () => {
    if (c.value === last) return;
    last = c.value;
    if (multi) fit(c);
    const v = valueOf(kind, c.value, optional);
    setAt(state.doc, path, v);
    edited();
  };
  c.addEventListener("compositionstart", () => {
    composing = true;
  });
  c.addEventListener("compositionend", () => {
    composing = false;
    commit();
  });
  c.addEventListener("input", (e) => {
    if (composing || e.isComposing) {
      if (multi) fit(c);
      return;
    }
    commit();
  });
  c.addEventListener("paste", (e) => {
    const text = e.clipboardData && e.clipboardData.getData("text/plain");
    if (!text) return;
    const clean = pasted(kind, text);
    if (clean === text) return;
    e.preventDefault();
    document.execCommand("insertText", false, clean);
  });
  if (multi) requestAnimationFrame(() => fit(c));
  /** Show `value` (the bulletin changed elsewhere). */
  c.refresh = () => {
    c.value = textOf(kind, valueAt(state.doc, path));
    last = c.value;
    if (multi) fit(c);
  };
  return c;
}

/**
 * A labelled field: the label (its text is the control's accessible
 * name), the control, a hint, and a place for the problems found in it.
 */
export function field(label, ctl, { hint, wide, extra } = {}) {
  const notes = el("div", { class: "notes", "aria-live": "polite" });
  return el(
    "div",
    { class: "field" + (wide ? " wide" : "") },
    el("label", { for: ctl.id, text: label }),
    el("div", { class: "control" }, ctl, extra, hint ? el("div", { class: "hint", text: hint }) : null, notes)
  );
}

/** The control editing `path`, and the line of it, when the path is a line of a multi-line control. */
export function controlFor(path) {
  const root = document.getElementById("form");
  if (!root || !path) return null;
  const exact = root.querySelector(`[data-path="${CSS.escape(path)}"]`);
  if (exact) return { control: exact, line: null };
  const s = steps(path);
  // A line of a text box: $.body[1].paragraphs[2] in the box of $.body[1].paragraphs.
  for (let k = s.length; k > 0; k--) {
    const head = pathOf(s.slice(0, k));
    const c = root.querySelector(`[data-path="${CSS.escape(head)}"]`);
    if (!c) continue;
    const line = c.dataset.lines !== undefined && typeof s[k] === "number" ? s[k] : null;
    return { control: c, line };
  }
  return null;
}

/** A path of steps in the check's form. */
export function pathOf(s) {
  let p = "$";
  for (const x of s) p += typeof x === "number" ? `[${x}]` : /^[A-Za-z0-9_]+$/.test(x) ? `.${x}` : `[${JSON.stringify(x)}]`;
  return p;
}

/** The text range of the `n`-th paragraph (non-blank line) of a text box. */
export function lineRange(text, n) {
  let start = 0;
  let k = -1;
  const lines = text.split("\n");
  for (const l of lines) {
    if (l.trim() !== "") k++;
    if (k === n && l.trim() !== "") return { start, end: start + l.length };
    start += l.length + 1;
  }
  return { start: text.length, end: text.length };
}

/** Which paragraph (non-blank line) of a text box the offset is in. */
export function lineAt(text, offset) {
  let k = -1;
  let start = 0;
  for (const l of text.split("\n")) {
    if (l.trim() !== "") k++;
    if (offset <= start + l.length) return Math.max(0, k);
    start += l.length + 1;
  }
  return Math.max(0, k);
}

/** The path a control's caret is at: the control's, or its paragraph's. */
export function pathAtCaret(c) {
  const path = c.dataset.path;
  if (c.dataset.lines === undefined) return path;
  return `${path}[${lineAt(c.value, c.selectionStart || 0)}]`;
}

/** The y of `offset` in a text box, from the box's top: measured on a copy of its text. */
function caretTop(c, offset) {
  const style = getComputedStyle(c);
  const mirror = el("div", { class: "mirror" });
  for (const p of ["font", "lineHeight", "padding", "border", "width", "boxSizing", "whiteSpace", "wordBreak", "overflowWrap", "letterSpacing"]) {
    mirror.style[p] = style[p];
  }
  mirror.style.position = "absolute";
  mirror.style.visibility = "hidden";
  mirror.style.whiteSpace = "pre-wrap";
  mirror.textContent = c.value.slice(0, offset) + "\u200b";
  document.body.append(mirror);
  const h = mirror.offsetHeight;
  mirror.remove();
  return h - parseFloat(style.lineHeight || "20");
}

/**
 * Focus the control of `path` and select it (the whole value, or its
 * paragraph of a text box), scrolled into the middle of the form. Returns
 * whether a control was found.
 */
export function focusPath(path, { select = true } = {}) {
  const found = controlFor(path);
  if (!found) return false;
  const c = found.control;
  const pane = document.getElementById("form-pane");
  c.focus({ preventScroll: true });
  let top = 0;
  if (c.setSelectionRange && select) {
    if (found.line !== null) {
      const r = lineRange(c.value, found.line);
      c.setSelectionRange(r.start, r.end);
      top = caretTop(c, r.start);
    } else {
      c.setSelectionRange(0, c.value.length);
    }
  }
  if (pane) {
    const box = pane.getBoundingClientRect();
    const at = c.getBoundingClientRect().top - box.top + pane.scrollTop + top;
    pane.scrollTop = Math.max(0, at - pane.clientHeight / 3);
  } else {
    c.scrollIntoView({ block: "center" });
  }
  return true;
}

/** Show every control's value again (the bulletin changed outside the form). */
export function refreshAll() {
  for (const c of document.querySelectorAll("#form [data-path]")) if (c.refresh) c.refresh();
}
