// api.js: every request of the page goes through `call`: one error style
// (ApiError with a kind a caller can act on and a message in Chinese), a
// time-out on every request, the headers the server asks of requests that
// change state, and one place that knows whether the server can be reached.
// Callers never see a fetch that hangs or a network failure of their own.

/** Kinds of failure: the server cannot be reached, took too long, refused (4xx), failed (5xx). */
export const OFFLINE = "offline";
export const TIMEOUT = "timeout";
export const REFUSED = "refused";
export const FAILED = "failed";

/** Time-outs, in milliseconds: checks and pages are quick; filing and PDFs take longer. */
export const QUICK = 5000;
export const SLOW = 30000;

/** A failed request: `kind`, the HTTP status (0 without one), the JSON answer when there was one. */
export class ApiError extends Error {
  constructor(kind, message, status = 0, body = null) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.body = body;
  }
}

const listeners = new Set();
let reachable = true;

/** Call `fn(reachable)` whenever the server becomes reachable or unreachable. */
export function onConnection(fn) {
  listeners.add(fn);
}

/** Whether the last request reached the server. */
export function isReachable() {
  return reachable;
}

function setReachable(ok) {
  if (ok === reachable) return;
  reachable = ok;
  for (const fn of listeners) fn(ok);
  if (!ok) probe();
}

let probing = null;

/** While the server cannot be reached, ask it every 2 s whether it is back. */
function probe() {
  if (probing) return;
  probing = setInterval(async () => {
    try {
      await call("GET", "/api/info", { timeout: 2000 });
    } catch (e) {
      /* still gone */
    }
    if (reachable) {
      clearInterval(probing);
      probing = null;
    }
  }, 2000);
}

let lastAnswer = performance.now();

/**
 * A heartbeat while the page is open: when nothing was answered for 4 s,
 * ask the server, so that a server that is gone is said within 5 s even
 * when the writer is only reading.
 */
export function keepWatch() {
  setInterval(() => {
    if (document.hidden || !reachable || probing) return;
    if (performance.now() - lastAnswer > 4000) call("GET", "/api/info", { timeout: 2000 }).catch(() => {});
  }, 1000);
}

/**
 * A request. `options`: `body` (a string, Blob or File), `type` (its
 * Content-Type; JSON when absent and a body is given), `as` ("json", "text",
 * "blob"; JSON by default), `timeout` (ms, QUICK by default), `signal` (to
 * abandon it), `keepalive` (it may outlive the page). Resolves to
 * { status, data, headers }; rejects with ApiError.
 */
export async function call(method, path, options = {}) {
  const { body, as = "json", timeout = QUICK, signal, keepalive = false } = options;
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeout);
  const abandon = () => ctl.abort();
  if (signal) {
    if (signal.aborted) ctl.abort();
    else signal.addEventListener("abort", abandon, { once: true });
  }
  const headers = { "X-Jianbao": "1" };
  if (body !== undefined) headers["Content-Type"] = options.type || "application/json";
  let resp;
  try {
    resp = await fetch(path, { method, headers, body, signal: ctl.signal, cache: "no-store", keepalive });
  } catch (e) {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", abandon);
    if (signal && signal.aborted && !timedOut) throw new ApiError("aborted", "已取消");
    setReachable(false);
    if (timedOut) throw new ApiError(TIMEOUT, `服务器 ${Math.round(timeout / 1000)} 秒没有回应：无法连接服务器，请确认 jianbao serve 仍在运行`);
    throw new ApiError(OFFLINE, "无法连接服务器：请确认 jianbao serve 仍在运行");
  }
  let data;
  try {
    const json = (resp.headers.get("content-type") || "").includes("application/json");
    if (!resp.ok) data = json ? await resp.json() : { message: await resp.text() };
    else if (as === "json") data = await resp.json();
    else if (as === "blob") data = await resp.blob();
    else data = await resp.text();
  } catch (e) {
    clearTimeout(timer);
    if (timedOut) {
      setReachable(false);
      throw new ApiError(TIMEOUT, "服务器回应太慢：无法连接服务器");
    }
    throw new ApiError(FAILED, `服务器的回答无法读取（${resp.status}）`, resp.status);
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", abandon);
  }
  lastAnswer = performance.now();
  setReachable(true);
  if (!resp.ok) {
    const kind = resp.status >= 500 ? FAILED : REFUSED;
    const message = (data && data.message) || `服务器返回 ${resp.status}`;
    throw new ApiError(kind, message, resp.status, data);
  }
  return { status: resp.status, data, headers: resp.headers };
}

/** A JSON body for `call`. */
export function json(value) {
  return JSON.stringify(value);
}
