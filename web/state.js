// state.js: what the page is editing. The bulletin is one JSON value (`doc`)
// and its text (`text`, what the server checks, saves and files): the one
// source of truth. The form changes `doc` in place and calls `edited()`;
// the JSON view sets the text with `setText()`; opening a file, a draft or a
// new issue replaces both with `load()`. Modules listen for what changed:
//   "edit"  the text changed (check and preview again, save the draft);
//   "load"  a whole new bulletin (draw the form again);
//   "json"  the JSON view changed the bulletin (draw the form again when shown).

const listeners = { edit: new Set(), load: new Set(), json: new Set() };

export const state = {
  /** The bulletin as a value; null when the JSON view holds text that is not JSON. */
  doc: null,
  /** Its text. */
  text: "",
  /** Counts edits: answers for an older text are not shown. */
  generation: 0,
  /** When the edit of each generation was typed (performance.now()), for the latency figures. */
  typedAt: 0,
  /** The draft this bulletin is kept as on the server (16 hexadecimal digits). */
  draftId: null,
  /** An issued copy being corrected: { id, label, name }; null otherwise. */
  correcting: null,
  /** The last check's report. */
  report: null,
  /** What the server offers: { archive, drafts, templates, version }. */
  info: null,
};

/** Listen for `kind` ("edit", "load", "json"). */
export function on(kind, fn) {
  listeners[kind].add(fn);
}

function emit(kind, detail) {
  for (const fn of listeners[kind]) fn(detail);
}

/** The text of a bulletin value, as the page writes it. */
export function serialize(doc) {
  return JSON.stringify(doc, null, 2) + "\n";
}

/** A fresh draft id: 16 hexadecimal digits. */
export function newDraftId() {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function touched() {
  state.generation++;
  state.typedAt = performance.now();
}

/** The form changed `state.doc`: its text follows. */
export function edited() {
  state.text = serialize(state.doc);
  touched();
  emit("edit");
}

/** The JSON view's text: the bulletin when it reads as JSON. */
export function setText(text) {
  state.text = text;
  try {
    const v = JSON.parse(text);
    state.doc = v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch (e) {
    state.doc = null;
  }
  touched();
  emit("json");
  emit("edit");
}

/**
 * A whole new bulletin: `text` (from a file, a draft, the archive, a new
 * issue), kept as draft `draftId` (a new one when absent).
 */
export function load(text, { draftId = newDraftId(), correcting = null } = {}) {
  state.draftId = draftId;
  state.correcting = correcting;
  state.text = text;
  try {
    const v = JSON.parse(text);
    state.doc = v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch (e) {
    state.doc = null;
  }
  touched();
  emit("load");
  emit("edit");
}

/** The value at a JSON path of the check's form (`$.body[1].paragraphs[0]`), or undefined. */
export function valueAt(doc, path) {
  let cur = doc;
  for (const step of steps(path)) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** The steps of a path: keys as strings, indices as numbers. */
export function steps(path) {
  const out = [];
  const re = /\.([A-Za-z0-9_]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let m;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}
