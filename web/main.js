// main.js: the page of `jianbao serve`, put together. The form (form.js,
// outline.js) is the main view; the JSON view (jsonview.js) is for experts.
// Every edit is checked and drawn at once (preview.js); problems are listed
// in a clerk's words (problems.js) and lead to their field; a click on a
// line of the preview leads to its field, and the field being edited is
// marked on the preview. Files, drafts and new issues: files.js; 签发 and
// 更正: issue.js; 已签发: archive.js; requests: api.js; the bulletin: state.js.

import { call, keepWatch, onConnection } from "./api.js";
import { el, setStatus, $ } from "./dom.js";
import { initArchive } from "./archive.js";
import { initFiles, saveNow, startUp } from "./files.js";
import { focusPath, pathAtCaret, refreshAll } from "./fields.js";
import { renderForm } from "./form.js";
import { cancelCorrection, initIssue, onCorrectionChange } from "./issue.js";
import { initJsonView, markLines, selectPath, showText } from "./jsonview.js";
import { forget, init as initPreview, resume, reveal, schedule } from "./preview.js";
import { onGo, setDraftNotices, showProblems } from "./problems.js";
import { state, on } from "./state.js";

/** Which view is shown: "form" or "json". */
let view = "form";
/** The form shows an older bulletin than the JSON view's (drawn again when shown). */
let formStale = false;

function showView(v) {
  view = v;
  $("tab-form").setAttribute("aria-selected", String(v === "form"));
  $("tab-json").setAttribute("aria-selected", String(v === "json"));
  $("form-pane").hidden = v !== "form";
  $("json-pane").hidden = v !== "json";
  if (v === "json") {
    showText();
    markLines(state.report);
  } else if (formStale) {
    formStale = false;
    renderForm();
    showProblems(state.report);
  }
}

function showCorrecting() {
  const b = $("correcting");
  const c = state.correcting;
  b.classList.toggle("hidden", !c);
  if (!c) return;
  b.replaceChildren(
    el("span", { text: `正在更正已签发的《${c.name}》${c.label}（档案编号 ${c.id}）：改好后点“签发”，写明更正理由。` }),
    el("button", { type: "button", class: "small", text: "取消更正", onclick: cancelCorrection })
  );
  try {
    localStorage.setItem("jianbao.correcting", JSON.stringify(c));
  } catch (e) {
    /* no storage */
  }
}

/** Go to `path`: its field in the form, or its place in the JSON view. */
function goTo(p) {
  const path = typeof p === "string" ? p : p.path;
  if (view === "json" || (p && p.line) || !state.doc) {
    if (view !== "json") showView("json");
    selectPath(p);
    return;
  }
  if (!focusPath(path)) {
    // No field of its own (the whole body, the 版记): the nearest that holds it.
    showView("json");
    selectPath(p);
  }
}

let revealed = null;
/** Mark the line of the field being edited on the preview. */
function follow(e) {
  const c = e.target;
  if (!c || !c.dataset || !c.dataset.path) return;
  const path = pathAtCaret(c);
  if (path === revealed) return;
  revealed = path;
  reveal(path);
}

async function info() {
  try {
    state.info = (await call("GET", "/api/info")).data;
    $("archive-info").textContent = `档案库：${state.info.archive}`;
    $("archive-info").title = `签发的各期存入这里；草稿在 ${state.info.drafts}`;
  } catch (e) {
    $("archive-info").textContent = "档案库：（无法连接服务器）";
  }
}

// The bulletin being edited, for tests and for people at the console.
window.jbState = state;

async function main() {
  initJsonView();
  initFiles();
  initIssue();
  initArchive();
  initPreview({
    problems: (report) => {
      if (view === "form" && !formStale) showProblems(report);
      else showProblems(report);
      markLines(report);
    },
    line: (path) => goTo(path),
  });
  onGo(goTo);
  onCorrectionChange(showCorrecting);

  on("load", () => {
    formStale = false;
    revealed = null;
    forget();
    renderForm();
    if (view === "json") showText();
    showCorrecting();
  });
  on("json", () => {
    formStale = true;
  });
  on("edit", schedule);

  $("tab-form").addEventListener("click", () => showView("form"));
  $("tab-json").addEventListener("click", () => showView("json"));
  $("btn-clear-draft").addEventListener("click", () => {
    setDraftNotices([]);
    showProblems(state.report);
  });
  for (const b of document.querySelectorAll("[data-close]")) b.addEventListener("click", () => b.closest("dialog").close());

  const form = $("form-pane");
  form.addEventListener("focusin", follow);
  form.addEventListener("keyup", follow);
  form.addEventListener("click", follow);

  onConnection((ok) => {
    $("conn").textContent = ok ? "" : "无法连接服务器";
    $("conn").classList.toggle("bad", !ok);
    if (ok) {
      setStatus("已重新连接服务器");
      resume();
      saveNow();
    } else {
      setStatus("无法连接服务器：请确认 jianbao serve 仍在运行（改动会保留在这个浏览器中）", "bad");
    }
  });
  keepWatch();

  $("pages").append(el("div", { class: "empty", text: "正在排版…" }));
  await info();
  await startUp();
  refreshAll();
}

main();
