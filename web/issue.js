// issue.js: 签发 (filing the issue into the archive, as `jianbao issue`
// does, with the same refusals: errors, a number already used, warnings
// until the writer accepts them) and 更正 (filing a correction of an issued
// copy, which stays as it was and is shown as corrected). The questions are
// a dialog whose buttons say 签发 and 取消; Escape closes it.

import { call, SLOW } from "./api.js";
import { ask, busy, el, fileName, setStatus, $ } from "./dom.js";
import { beforeReplacing, startNew } from "./files.js";
import { state, load } from "./state.js";

let onCorrecting = () => {};

/** What to do when a correction starts or ends (main.js shows a banner). */
export function onCorrectionChange(fn) {
  onCorrecting = fn;
}

function label() {
  const m = (state.doc && state.doc.masthead) || {};
  return `《${m.name || "简报"}》${m.supplement || ""}第${m.issue || ""}期`;
}

function list(items) {
  return el("ul", {}, items.map((t) => el("li", { text: t })));
}

/** A problem as the dialog lists it: place and words. */
function said(p) {
  return `${p.place || p.path}：${p.text || p.message}`;
}

/** Open the 签发 dialog. */
export function openIssue() {
  const dlg = $("dlg-issue");
  const body = $("issue-body");
  const archive = state.info ? state.info.archive : "档案库";
  const c = state.correcting;
  body.replaceChildren(
    c
      ? el("p", {
          text: `这是对已签发的《${c.name}》${c.label}（档案编号 ${c.id}）的更正：更正本存入档案库 ${archive}，原来的那份保留不动，标为“已更正”。`,
        })
      : el("p", { text: `签发后，${label()}的输入和 PDF/A 存入档案库 ${archive}，不能再改动，期号也不能再用。` })
  );
  $("issue-reason-row").classList.toggle("hidden", !c);
  $("issue-reason").value = "";
  $("issue-accept").checked = false;
  $("issue-accept-row").classList.add("hidden");
  $("issue-go").classList.remove("hidden");
  $("issue-after").replaceChildren();
  dlg.showModal();
  if (c) $("issue-reason").focus();
  else $("issue-go").focus();
}

/** File the issue (or the correction). */
async function doIssue() {
  const body = $("issue-body");
  const c = state.correcting;
  const params = new URLSearchParams();
  if ($("issue-accept").checked) params.set("allow_warnings", "true");
  if (c) {
    const reason = $("issue-reason").value.trim();
    if (!reason) {
      $("issue-after").replaceChildren(el("p", { class: "error-text", text: "请写明更正的理由（记入档案，日后可查），如“第2页人名有误”。" }));
      $("issue-reason").focus();
      return;
    }
    params.set("supersedes", c.id);
    params.set("reason", reason);
  }
  const q = params.toString() ? `?${params}` : "";
  body.replaceChildren(el("p", { text: "正在签发…" }));
  $("issue-after").replaceChildren();
  let r;
  try {
    r = (await call("POST", `/api/issue${q}`, { body: state.text, timeout: SLOW })).data;
  } catch (e) {
    refused(e);
    return;
  }
  const what = r.revision > 1 ? `已签发更正本：《${r.name}》${r.label}（第 ${r.revision} 版）` : `已签发归档：《${r.name}》${r.label}`;
  body.replaceChildren(
    el("p", { class: "ok-text", text: `${what}，${r.pages} 页，档案库第 ${r.sequence} 份。` }),
    el("p", { text: `档案编号 ${r.id}` }),
    el("p", {}, el("a", { href: `/api/archive/${r.id}/pdf`, target: "_blank", rel: "noopener", text: "打开签发的 PDF" }))
  );
  if (r.warnings && r.warnings.length) body.append(el("p", { text: "接受的警告：" }), list(r.warnings));
  $("issue-go").classList.add("hidden");
  $("issue-accept-row").classList.add("hidden");
  $("issue-reason-row").classList.add("hidden");
  if (c) {
    state.correcting = null;
    onCorrecting();
  }
  $("issue-after").replaceChildren(
    el("button", {
      type: "button",
      text: "下一期",
      onclick: async (e) => {
        if (await startNew({ copy: r.id }, e.currentTarget)) $("dlg-issue").close();
      },
    })
  );
  setStatus(`${what}（档案编号 ${r.id}）`);
}

/** Find the issued copy of this number (its latest correction), to offer 更正. */
async function issuedCopy() {
  const m = state.doc.masthead || {};
  try {
    const copies = (await call("GET", "/api/archive")).data.copies || [];
    const year = String(m.date || "").slice(0, 4);
    return copies.find(
      (x) => x.name === m.name && String(x.year) === year && x.issue === m.issue && !x.superseded_by && (x.label || "").includes(m.supplement || "")
    );
  } catch (e) {
    return null;
  }
}

/** Say why the issue was not filed, and what the writer can do. */
async function refused(e) {
  const body = $("issue-body");
  const after = $("issue-after");
  const d = e.body || {};
  if (d.refused === "warnings") {
    body.replaceChildren(
      el("p", { class: "error-text", text: `未签发：有 ${d.warnings.length} 条警告（可能是写错了）。请先改正；核对无误的，勾选下面一项后再签发。` }),
      list(d.warnings.map(said))
    );
    $("issue-accept-row").classList.remove("hidden");
    return;
  }
  if (e.status === 422 && d.errors && d.errors.length) {
    body.replaceChildren(el("p", { class: "error-text", text: `未签发：有 ${d.errors.length} 处错误，请先改正（见检查结果）。` }), list(d.errors.map(said)));
    return;
  }
  if (d.refused === "archive" && /已经归档过/.test(d.message || "") && !state.correcting) {
    const m = state.doc.masthead || {};
    body.replaceChildren(
      el("p", { class: "error-text", text: `未签发：${label()}已经签发过，期号不能重复使用。` }),
      el("p", { text: "要改正已签发的那一期，用“更正”（原来的那份保留，标为已更正）；要出新的一期，用“下一期”。" })
    );
    const copy = await issuedCopy();
    after.replaceChildren(
      copy
        ? el("button", {
            type: "button",
            text: "更正",
            onclick: async (ev) => {
              if (await startCorrection(copy, ev.currentTarget, { keepText: true })) openIssue();
            },
          })
        : null,
      el("button", {
        type: "button",
        text: "下一期",
        onclick: async (ev) => {
          if (await startNew({ name: m.name, supplement: m.supplement || null }, ev.currentTarget)) $("dlg-issue").close();
        },
      })
    );
    return;
  }
  body.replaceChildren(el("p", { class: "error-text", text: `未签发：${e.message}` }));
}

/**
 * Start correcting issued copy `copy` ({ id, name, label }): its filed input
 * in the editor (or, with `keepText`, the text being edited), filed with
 * 签发 as its correction.
 */
export async function startCorrection(copy, button, { keepText = false } = {}) {
  return busy(button, async () => {
    const c = { id: copy.id, name: copy.name, label: copy.label };
    if (keepText) {
      state.correcting = c;
      onCorrecting();
      return true;
    }
    if (!(await beforeReplacing())) return false;
    let text;
    try {
      text = (await call("GET", `/api/archive/${copy.id}/input`, { as: "text" })).data;
    } catch (e) {
      setStatus(`这一期无法打开：${e.message}`, "bad");
      return false;
    }
    load(text, { correcting: c });
    onCorrecting();
    setStatus(`正在更正《${copy.name}》${copy.label}：改好后点“签发”`);
    return true;
  });
}

/** Stop correcting (the text stays, as a draft of its own). */
export async function cancelCorrection() {
  if (!(await ask("取消更正", "不再作为更正签发？改过的内容仍留在编辑器和草稿中。"))) return;
  state.correcting = null;
  onCorrecting();
}

/** Wire the dialog. */
export function initIssue() {
  $("btn-issue").addEventListener("click", openIssue);
  $("issue-go").addEventListener("click", (e) => busy(e.currentTarget, doIssue));
  $("btn-pdf").addEventListener("click", (e) =>
    busy(e.currentTarget, async () => {
      setStatus("正在生成 PDF…", "busy");
      try {
        const r = await call("POST", "/api/render", { body: state.text, as: "blob", timeout: SLOW });
        const a = el("a", { href: URL.createObjectURL(r.data), download: fileName(state.doc, ".pdf") });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 60000);
        setStatus(`PDF 已生成（${Math.round(r.data.size / 1024)} KB），在浏览器的下载文件夹中`);
      } catch (e) {
        setStatus(`无法生成 PDF：${(e.message || "").split("\n")[0]}`, "bad");
      }
    })
  );
}
