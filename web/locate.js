// locate.js: where a JSON path ($.body[2].paragraphs[0]) is in the text of
// the editor. A small JSON reader that records, for every value, the text
// offsets of its key (when it is an object member) and of the value; it is
// tolerant: a text with a syntax error is read up to the error. Paths are
// written as the server writes them: `.name` for plain keys, `["key"]` for
// others, `[n]` for list elements. An ES module: the JSON view imports it.

/** Split a path into its steps: strings for keys, numbers for indices. */
function parsePath(path) {
  if (typeof path !== "string" || path[0] !== "$") return null;
  const steps = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      let j = i + 1;
      while (j < path.length && /[A-Za-z0-9_]/.test(path[j])) j++;
      if (j === i + 1) return null;
      steps.push(path.slice(i + 1, j));
      i = j;
    } else if (c === "[" && path[i + 1] === '"') {
      // ["key"], with the escapes of Rust's escape_debug (\" \\ \n \t \u{…}).
      let j = i + 2;
      let key = "";
      while (j < path.length && path[j] !== '"') {
        if (path[j] === "\\") {
          const e = path[j + 1];
          if (e === "u" && path[j + 2] === "{") {
            const end = path.indexOf("}", j);
            if (end < 0) return null;
            key += String.fromCodePoint(parseInt(path.slice(j + 3, end), 16));
            j = end + 1;
            continue;
          }
          key += { n: "\n", t: "\t", r: "\r", "0": "\0" }[e] ?? e;
          j += 2;
        } else {
          key += path[j];
          j++;
        }
      }
      if (path.slice(j, j + 2) !== '"]') return null;
      steps.push(key);
      i = j + 2;
    } else if (c === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) return null;
      const n = Number(path.slice(i + 1, end));
      if (!Number.isInteger(n) || n < 0) return null;
      steps.push(n);
      i = end + 1;
    } else {
      return null;
    }
  }
  return steps;
}

/** Key a step list for the map. */
function keyOf(steps) {
  return JSON.stringify(steps);
}

/**
 * Read `text` as JSON and map every value's path (as step lists) to
 * { keyStart, keyEnd, start, end, kind }, offsets in UTF-16 code units.
 */
function index(text) {
  const map = new Map();
  let i = 0;
  const n = text.length;
  function ws() {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  }
  function fail() {
    throw new Error("stop");
  }
  function string() {
    if (text[i] !== '"') fail();
    const start = i;
    i++;
    let s = "";
    while (i < n && text[i] !== '"') {
      if (text[i] === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          s += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[e] ?? e;
          i += 2;
        }
      } else {
        s += text[i];
        i++;
      }
    }
    if (i >= n) fail();
    i++;
    return { start, end: i, value: s };
  }
  function value(steps, keyStart, keyEnd) {
    ws();
    const start = i;
    const entry = { keyStart, keyEnd, start, end: start, kind: "scalar" };
    map.set(keyOf(steps), entry);
    const c = text[i];
    if (c === "{") {
      entry.kind = "object";
      i++;
      ws();
      if (text[i] === "}") {
        i++;
      } else {
        for (;;) {
          ws();
          const k = string();
          ws();
          if (text[i] !== ":") fail();
          i++;
          value(steps.concat([k.value]), k.start, k.end);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            break;
          }
          fail();
        }
      }
    } else if (c === "[") {
      entry.kind = "array";
      i++;
      ws();
      if (text[i] === "]") {
        i++;
      } else {
        for (let k = 0; ; k++) {
          value(steps.concat([k]), undefined, undefined);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            break;
          }
          fail();
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
      if (!m) fail();
      i += m[0].length;
    }
    entry.end = i;
  }
  try {
    value([], undefined, undefined);
  } catch (e) {
    // A syntax error: what was read so far is kept.
  }
  return map;
}

/**
 * The range to select for `path` in `text`: the value when it is a
 * scalar, the key of an object or list (or its opening bracket); the
 * nearest enclosing value that exists when the path itself does not
 * (a field left out). `exact` tells whether the path itself was found.
 * Returns null for a path that is not a JSON path.
 */
function locate(text, path, map) {
  const steps = parsePath(path);
  if (!steps) return null;
  map = map || index(text);
  for (let k = steps.length; k >= 0; k--) {
    const e = map.get(keyOf(steps.slice(0, k)));
    if (!e) continue;
    const exact = k === steps.length;
    if (e.kind === "scalar") return { start: e.start, end: e.end, exact };
    if (e.keyStart !== undefined) return { start: e.keyStart, end: e.keyEnd, exact };
    return { start: e.start, end: e.start + 1, exact };
  }
  return null;
}

/** The offset of a 1-based line and column (column in characters). */
function offsetOf(text, line, column) {
  let i = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", i);
    if (nl < 0) return text.length;
    i = nl + 1;
  }
  // Columns count characters (code points); step over surrogate pairs.
  for (let c = 1; c < column && i < text.length && text[i] !== "\n"; c++) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code < 0xdc00 ? 2 : 1;
  }
  return i;
}

export { parsePath, index, locate, offsetOf };
