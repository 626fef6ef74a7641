// files.js: the bulletin as files and drafts. 新建 (a blank first issue),
// 下一期 (the next after the last issued copy of this bulletin, as `jianbao
// new` makes it), 打开 (a .json bulletin, a .docx or .txt draft through the
// importer, also by dropping it on the page), 粘贴草稿, 保存 (the .json,
// downloaded by the browser) and 草稿: every bulletin is kept on the server
// as a draft, saved a moment after each change, so that nothing is lost
// when the browser's storage is cleared. The browser keeps only which draft
// was open, and a copy of its text for when the server cannot be reached.

import { call, json, ApiError, SLOW } from "./api.js";
import { ask, busy, download, el, fileName, setStatus, $ } from "./dom.js";
import { setDraftNotices } from "./problems.js";
import { state, load, on } from "./state.js";

const DRAFT_KEY = "jianbao.draft";
const TEXT_KEY = "jianbao.text";
const CORRECTING_KEY = "jianbao.correcting";
/** The largest file sent (the server's limit is 8 MB). */
const MAX_UPLOAD = 8 * 1024 * 1024;

let savedGeneration = -1;
let saveTimer = null;
let saving = null;
/** When the first change not yet saved was made: typing without a pause is saved every 5 s. */
let unsavedSince = 0;

function footer(text, bad) {
  const s = $("draft-state");
  s.textContent = text;
  s.classList.toggle("bad", !!bad);
}

/** Keep which draft is open, and its text, in the browser (for a server that is gone). */
function keepLocally() {
  try {
    localStorage.setItem(DRAFT_KEY, state.draftId || "");
    localStorage.setItem(TEXT_KEY, state.text);
    localStorage.setItem(CORRECTING_KEY, state.correcting ? JSON.stringify(state.correcting) : "");
  } catch (e) {
    /* storage full or disabled: the server keeps the draft */
  }
}

/** The bulletin as it is now counts as saved (a bulletin shown but not yet changed). */
export function markSaved() {
  savedGeneration = state.generation;
}

/** Save the draft now, when it changed since it was last saved. Resolves to whether it is saved. */
export async function saveNow() {
  clearTimeout(saveTimer);
  if (!state.draftId || savedGeneration === state.generation) return true;
  if (saving) await saving.catch(() => {});
  if (savedGeneration === state.generation) return true;
  const generation = state.generation;
  const id = state.draftId;
  unsavedSince = 0;
  saving = call("PUT", `/api/drafts/${id}`, { body: state.text });
  try {
    const r = await saving;
    if (state.draftId === id) {
      savedGeneration = Math.max(savedGeneration, generation);
      footer(`草稿已保存 ${r.data.saved_at.slice(11)}`);
    }
    return true;
  } catch (e) {
    footer(`草稿未能保存：${e.message}`, true);
    return false;
  } finally {
    saving = null;
  }
}

on("edit", () => {
  keepLocally();
  if (savedGeneration === state.generation) return;
  footer("有改动，稍后自动保存草稿");
  clearTimeout(saveTimer);
  const now = performance.now();
  if (!unsavedSince) unsavedSince = now;
  saveTimer = setTimeout(saveNow, now - unsavedSince > 5000 ? 0 : 1000);
});
// Leaving the page: what was not saved yet goes with a request that may
// outlive the page (up to the browser's 64 KB for such requests; the text
// is also kept in this browser).
window.addEventListener("pagehide", () => {
  if (!state.draftId || savedGeneration === state.generation) return;
  call("PUT", `/api/drafts/${state.draftId}`, { body: state.text, keepalive: state.text.length < 60000 }).catch(() => {});
});

/**
 * Before another bulletin replaces this one: save it as a draft. When the
 * server cannot take it, ask (the text is kept in this browser meanwhile).
 */
export async function beforeReplacing() {
  if (await saveNow()) return true;
  return !!(await ask(
    "当前内容还没有保存",
    "当前的简报还没能保存到服务器的草稿中（无法连接服务器）。仍要换成另一期吗？（可先点“保存”下载 .json 文件）"
  ));
}

/** Drop the empty optional fields a skeleton carries (a printing body left empty: the masthead's is used). */
function tidy(text) {
  try {
    const v = JSON.parse(text);
    if (v.imprint && v.imprint.issuer === "") delete v.imprint.issuer;
    if (v.imprint && Object.keys(v.imprint).length === 0) delete v.imprint;
    return JSON.stringify(v, null, 2) + "\n";
  } catch (e) {
    return text;
  }
}

/** Load a new issue from `/api/new` (`request`); notes listed with the problems. */
export async function startNew(request, button) {
  return busy(button, async () => {
    if (!(await beforeReplacing())) return false;
    let r;
    try {
      r = (await call("POST", "/api/new", { body: json(request) })).data;
    } catch (e) {
      setStatus(`无法生成新的一期：${e.message}`, "bad");
      return false;
    }
    if (request.name && r.first_issue) {
      const go = await ask(
        "档案库中没有上一期",
        `档案库中还没有《${request.name}》签发过的期，无法接着编号。要从第1期的骨架开始吗？`
      );
      if (!go) return false;
    }
    setDraftNotices((r.notes || []).map((message) => ({ line: null, message, place: "新的一期", badge: "说明" })));
    load(tidy(r.json));
    setStatus(`已生成${r.supplement || ""}第${r.issue}期；原来的内容在“草稿”中`);
    return true;
  });
}

/** Open a file: a bulletin's .json as it is, a draft (.docx, .txt) through the importer. */
export async function openFile(f) {
  if (!f) return;
  if (f.size > MAX_UPLOAD) {
    setStatus("文件超过 8 MB：请确认选对了文件", "bad");
    return;
  }
  if (!(await beforeReplacing())) return;
  setStatus(`正在打开 ${f.name}…`, "busy");
  let r;
  try {
    r = (
      await call("POST", `/api/import?name=${encodeURIComponent(f.name)}`, {
        body: f,
        type: f.type || "application/octet-stream",
        timeout: SLOW,
      })
    ).data;
  } catch (e) {
    // The message says where (第 N 行, or 第 N 段 of a .docx) itself.
    setStatus(`无法打开 ${f.name}：${e.message}`, "bad");
    return;
  }
  setDraftNotices(draftNotices(r));
  load(r.json);
  setStatus(r.bulletin ? `已打开 ${f.name}` : `已导入 ${f.name}：请核对列出的导入提示`);
}

/** The importer's notices, each placed by its line (行) or, in a .docx, paragraph (段). */
function draftNotices(r) {
  return (r.notices || []).map((n) => ({ ...n, place: `草稿第 ${n.line} ${r.unit || "行"}` }));
}

/** Import pasted text. */
async function importText(text, button) {
  return busy(button, async () => {
    if (!(await beforeReplacing())) return false;
    let r;
    try {
      r = (await call("POST", "/api/import", { body: text, type: "text/plain; charset=utf-8", timeout: SLOW })).data;
    } catch (e) {
      $("paste-error").textContent = `无法导入：${e.message}`;
      return false;
    }
    setDraftNotices(draftNotices(r));
    load(r.json);
    setStatus("已导入粘贴的草稿：请核对列出的导入提示");
    return true;
  });
}

/** The drafts dialog. */
async function showDrafts() {
  const dlg = $("dlg-drafts");
  const out = $("drafts-body");
  out.replaceChildren(el("p", { text: "正在读取…" }));
  if (!dlg.open) dlg.showModal();
  await saveNow();
  let list;
  try {
    list = (await call("GET", "/api/drafts")).data.drafts;
  } catch (e) {
    out.replaceChildren(el("p", { class: "error-text", text: e.message }));
    return;
  }
  if (!list.length) {
    out.replaceChildren(el("p", { text: "服务器上还没有草稿：改动过的简报会自动存为草稿。" }));
    return;
  }
  const table = el("table", {}, el("tr", {}, ...["简报名称", "期号", "保存时间", ""].map((t) => el("th", { text: t }))));
  for (const d of list) {
    const mine = d.id === state.draftId;
    table.append(
      el(
        "tr",
        { class: mine ? "current" : "" },
        el("td", { text: d.name || "（未写名称）" }),
        el("td", { text: d.label }),
        el("td", { text: d.saved_at + (mine ? "（正在编辑）" : "") }),
        el(
          "td",
          { class: "actions" },
          el("button", {
            type: "button",
            class: "small",
            text: "打开",
            disabled: mine,
            onclick: (e) => openDraft(d.id, e.currentTarget),
          }),
          el("button", {
            type: "button",
            class: "small danger",
            text: "删除",
            disabled: mine,
            onclick: async (e) => {
              if (!(await ask("删除草稿", `删除草稿《${d.name || "未写名称"}》${d.label}？删除后无法恢复。`))) return;
              await busy(e.currentTarget, async () => {
                try {
                  await call("DELETE", `/api/drafts/${d.id}`);
                } catch (err) {
                  setStatus(`草稿没有删除：${err.message}`, "bad");
                }
              });
              showDrafts();
            },
          })
        )
      )
    );
  }
  out.replaceChildren(table);
}

async function openDraft(id, button) {
  await busy(button, async () => {
    if (!(await beforeReplacing())) return;
    let d;
    try {
      d = (await call("GET", `/api/drafts/${id}`)).data;
    } catch (e) {
      setStatus(`草稿无法打开：${e.message}`, "bad");
      return;
    }
    $("dlg-drafts").close();
    setDraftNotices([]);
    load(d.text, { draftId: id });
    markSaved();
    setStatus(`已打开草稿（保存于 ${d.saved_at}）`);
  });
}

/**
 * The bulletin to start with: the draft this browser had open (from the
 * server, else its copy here), or, on a fresh browser, the built-in example.
 */
export async function startUp() {
  let id = null;
  let text = null;
  let correcting = null;
  try {
    id = localStorage.getItem(DRAFT_KEY) || null;
    text = localStorage.getItem(TEXT_KEY);
    const c = localStorage.getItem(CORRECTING_KEY);
    correcting = c ? JSON.parse(c) : null;
  } catch (e) {
    /* no storage */
  }
  if (id && /^[0-9a-f]{16}$/.test(id)) {
    try {
      const d = (await call("GET", `/api/drafts/${id}`)).data;
      load(d.text, { draftId: id, correcting });
      markSaved();
      footer(`草稿保存于 ${d.saved_at}`);
      return;
    } catch (e) {
      if (text && text.trim()) {
        load(text, { draftId: id, correcting });
        footer(e.kind === "refused" ? "草稿已不在服务器上：用的是这个浏览器中的副本" : "无法连接服务器：用的是这个浏览器中的副本", true);
        return;
      }
    }
  }
  let example = "";
  try {
    example = (await call("GET", "/example.json", { as: "text" })).data;
  } catch (e) {
    setStatus(e.message, "bad");
  }
  load(example);
  markSaved();
  footer("示例：改动后自动存为草稿");
}

/** Wire the buttons of this file. */
export function initFiles() {
  $("btn-new").addEventListener("click", (e) => startNew({ blank: true }, e.currentTarget));
  $("btn-next").addEventListener("click", (e) => {
    const m = (state.doc && state.doc.masthead) || {};
    if (!m.name || !String(m.name).trim()) {
      setStatus("先在“简报名称”中写上名称，才能接着档案库中的上一期生成下一期", "bad");
      return;
    }
    startNew({ name: m.name, supplement: m.supplement || null }, e.currentTarget);
  });
  $("btn-open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    e.target.value = "";
    openFile(f);
  });
  $("btn-save").addEventListener("click", () => {
    download(new Blob([state.text], { type: "application/json" }), fileName(state.doc, ".json"));
    saveNow();
    setStatus("已下载 .json 文件（浏览器的下载文件夹中）");
  });
  $("btn-drafts").addEventListener("click", showDrafts);
  $("btn-paste").addEventListener("click", () => {
    $("paste-error").textContent = "";
    $("dlg-paste").showModal();
  });
  $("paste-go").addEventListener("click", async (e) => {
    const text = $("paste-text").value;
    if (!text.trim()) {
      $("paste-error").textContent = "请先粘贴草稿的文字";
      return;
    }
    if (await importText(text, e.currentTarget)) $("dlg-paste").close();
  });

  // Drop a file anywhere on the page.
  const zone = $("dropzone");
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
  document.addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    depth++;
    zone.classList.remove("hidden");
  });
  document.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.classList.add("hidden");
  });
  document.addEventListener("dragover", (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  document.addEventListener("drop", (e) => {
    depth = 0;
    zone.classList.add("hidden");
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (!f) return;
    e.preventDefault();
    openFile(f);
  });
}

export { ApiError };
