// archive.js: 已签发: the issued copies, newest first (each marked 现行,
// 更正本 or 已被…更正, as `jianbao archive list` marks it), searched by their text,
// each with its PDF, 更正 (correct it: its input in the editor, filed as its
// correction) and 下一期 (the next issue, started from it).

import { call } from "./api.js";
import { el, $ } from "./dom.js";
import { startNew } from "./files.js";
import { startCorrection } from "./issue.js";

function pdfLink(c) {
  return el("a", { href: `/api/archive/${c.id}/pdf`, target: "_blank", rel: "noopener", text: "PDF" });
}

function actions(c) {
  return el(
    "td",
    { class: "actions" },
    pdfLink(c),
    c.state === "superseded"
      ? null
      : el("button", {
          type: "button",
          class: "small",
          text: "更正",
          onclick: async (e) => {
            if (await startCorrection(c, e.currentTarget)) $("dlg-archive").close();
          },
        }),
    el("button", {
      type: "button",
      class: "small",
      text: "下一期",
      onclick: async (e) => {
        if (await startNew({ copy: c.id }, e.currentTarget)) $("dlg-archive").close();
      },
    })
  );
}

/** How many copies or sentences the server answers at a time. */
const PAGE = 20;

/** 上一页 and 下一页 around the page `offset` of `total`, when there are more. */
function pager(q, offset, shown, total) {
  if (total <= PAGE) return el("p");
  const to = (at) => () => loadArchive(q, at);
  return el(
    "p",
    { class: "pager" },
    `第 ${offset + 1}–${offset + shown} 条，共 ${total} 条 `,
    offset > 0 ? el("button", { type: "button", class: "small", text: "上一页", onclick: to(Math.max(0, offset - PAGE)) }) : null,
    offset + shown < total ? el("button", { type: "button", class: "small", text: "下一页", onclick: to(offset + PAGE) }) : null
  );
}

/** A page of the copies (the latest first), or of the sentences that hold every word of `q`. */
async function loadArchive(q, offset = 0) {
  const out = $("archive-body");
  out.replaceChildren(el("p", { text: "正在查找…" }));
  let j;
  try {
    const params = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
    if (q) params.set("q", q);
    j = (await call("GET", `/api/archive?${params}`)).data;
  } catch (e) {
    out.replaceChildren(el("p", { class: "error-text", text: e.message }));
    return;
  }
  const table = el("table");
  if (q) {
    table.append(el("tr", {}, el("th", { text: "简报" }), el("th", { text: "找到的句子" }), el("th")));
    for (const h of j.hits) {
      table.append(
        el(
          "tr",
          {},
          el("td", { text: `《${h.copy.name}》${h.label}` }),
          el("td", {}, el("div", { text: h.block === h.sentence ? "（标题）" : `（${h.block}）` }), el("div", { class: "sentence", text: h.sentence })),
          el("td", { class: "actions" }, pdfLink(h.copy))
        )
      );
    }
    const total = j.total ?? j.hits.length;
    out.replaceChildren(el("p", { text: total ? `找到 ${total} 处，在 ${j.issues} 期中（最新的在前）` : `没有找到“${q}”` }));
    out.append(pager(q, offset, j.hits.length, total));
  } else {
    table.append(el("tr", {}, ...["档案编号", "简报", "期号", "日期", "页数", "首篇标题", "状态", ""].map((t) => el("th", { text: t }))));
    for (const c of j.copies) {
      const stateText =
        (c.state === "superseded" ? `已被 ${c.by.slice(0, 6)} 更正` : c.state === "correction" ? `更正本（第 ${c.revision} 版）` : "现行") +
        (c.signed_by ? `；${c.signed_by}签名` : "");
      table.append(
        el(
          "tr",
          { class: c.state === "superseded" ? "superseded" : "" },
          el("td", {}, el("code", { text: c.id })),
          el("td", { text: c.name }),
          el("td", { text: c.label }),
          el("td", { text: c.date }),
          el("td", { text: String(c.pages) }),
          el("td", { text: c.title }),
          el("td", { text: stateText }),
          actions(c)
        )
      );
    }
    const n = j.total ?? j.copies.length;
    const old = j.superseded ?? 0;
    const summary = !n
      ? "档案库中还没有签发的简报"
      : !old
        ? `共 ${n} 期`
        : `共 ${n} 份副本：${n - old} 份现行，${old} 份已被更正（保留备查）`;
    out.replaceChildren(el("p", { text: summary }));
    out.append(pager(q, offset, j.copies.length, n));
  }
  for (const n of j.notes || []) out.append(el("p", { class: "hint", text: n }));
  out.append(table);
}

/** Wire the dialog. */
export function initArchive() {
  $("btn-archive").addEventListener("click", () => {
    $("dlg-archive").showModal();
    loadArchive($("archive-q").value.trim());
  });
  $("archive-go").addEventListener("click", () => loadArchive($("archive-q").value.trim()));
  $("archive-q").addEventListener("keydown", (e) => {
    if (e.key === "Enter") loadArchive($("archive-q").value.trim());
  });
  $("archive-all").addEventListener("click", () => {
    $("archive-q").value = "";
    loadArchive("");
  });
}
