// problems.js: what the check found, in a clerk's words: errors (错误),
// warnings (警告) and notices (提示), each with its place as a writer reads
// the bulletin (第2篇文章《……》第3段, 版记·报送单位第4个), a button that goes
// there, and a details line with the JSON path and the program's own
// message. Each is also shown under the field it is about. The importer's
// notices (导入) are listed until cleared.

import { el, $ } from "./dom.js";
import { controlFor } from "./fields.js";

const LABELS = { error: "错误", warning: "警告", notice: "提示", draft: "导入" };

let goTo = () => {};
let draftNotices = [];

/** What the 转到 button does with a problem (set by main.js: the form or the JSON view). */
export function onGo(fn) {
  goTo = fn;
}

/** The importer's notices, listed until cleared. */
export function setDraftNotices(list) {
  draftNotices = list || [];
}

function item(kind, p) {
  const li = el("li", { class: kind });
  const head = el(
    "div",
    { class: "head" },
    el("span", { class: "badge", text: (kind === "draft" && p.badge) || LABELS[kind] }),
    el("span", { class: "place", text: kind === "draft" ? p.place || `草稿第 ${p.line} 行` : p.place || p.path })
  );
  li.append(head);
  li.append(el("div", { class: "msg", text: kind === "draft" ? p.message : p.text || p.message }));
  if (kind !== "draft") {
    head.append(el("button", { type: "button", class: "small go", text: "转到", onclick: () => goTo(p) }));
    const detail = p.line ? `第 ${p.line} 行第 ${p.column} 列` : p.path;
    li.append(
      el(
        "details",
        {},
        el("summary", { text: "详情" }),
        el("div", { class: "detail" }, el("code", { text: detail }), p.article ? ` ${p.article}` : "", el("div", { text: p.message }))
      )
    );
  }
  return li;
}

/** A problem under the field it is about. */
function noteUnder(kind, p) {
  const found = controlFor(p.path);
  if (!found) return;
  const notes = found.control.closest(".field")?.querySelector(".notes");
  if (!notes) return;
  const text = p.text || p.message;
  // Which line of a text box, unless the words say it already.
  const n = found.line !== null ? found.line + 1 : null;
  const said = n !== null && new RegExp(`第 ?${n} ?[段条个]`).test(text);
  const line = n !== null && !said ? `第${n}${found.control.dataset.kind === "paragraphs" ? "段" : "条"}：` : "";
  notes.append(el("div", { class: `note ${kind}` }, el("b", { text: LABELS[kind] }), ` ${line}${text}`));
}

/** Show `report` (the check's answer), in the list and under the fields. */
export function showProblems(report) {
  const list = $("problems");
  const r = report || { errors: [], warnings: [], notices: [] };
  const errors = r.errors || [];
  const warnings = r.warnings || [];
  const notices = r.notices || [];
  list.replaceChildren(
    ...errors.map((p) => item("error", p)),
    ...warnings.map((p) => item("warning", p)),
    ...notices.map((p) => item("notice", p)),
    ...draftNotices.map((p) => item("draft", p))
  );
  if (!list.children.length) list.append(el("li", { class: "plain", text: "没有错误、警告或提示。" }));
  for (const n of document.querySelectorAll("#form .notes")) n.replaceChildren();
  for (const p of errors) noteUnder("error", p);
  for (const p of warnings) noteUnder("warning", p);
  const parts = [];
  if (errors.length) parts.push(`${errors.length} 处错误`);
  if (warnings.length) parts.push(`${warnings.length} 条警告`);
  if (notices.length) parts.push(`${notices.length} 条提示`);
  if (draftNotices.length) parts.push(`${draftNotices.length} 条说明`);
  $("counts").textContent = parts.join("，") || "无";
  $("counts").className = "counts" + (errors.length ? " bad" : warnings.length ? " warn" : "");
  $("btn-clear-draft").classList.toggle("hidden", !draftNotices.length);
}
