// outline.js: the body of the bulletin as an outline: articles (标题, 按语,
// 段落) and 【栏目】 with their ▲ items (小标题, 单位, 正文). Add, delete,
// move up and down, turn an article into an item of a 栏目 and back. Each
// change edits the bulletin and draws the outline again, with the focus on
// what was changed.

import { ask, el } from "./dom.js";
import { control, field } from "./fields.js";
import { state, edited } from "./state.js";

/** An empty article: an empty 标题 and 段落. */
function newArticle() {
  return { type: "article", title: "", paragraphs: [""] };
}

/** An empty 栏目: an empty 标题; its ▲ items are added with 添加条目. */
function newSection() {
  return { type: "section", title: "", items: [] };
}

function newItem() {
  return { paragraphs: [""] };
}

/** Whether a block or item has any text. */
function hasText(x) {
  return JSON.stringify(x).replace(/"(type|article|section|title|paragraphs|items|heading|lead|note)"/g, "").replace(/[\s"{}[\]:,]/g, "") !== "";
}

/** Move element `i` of `list` by `by` (−1 up, +1 down); whether it moved. */
function move(list, i, by) {
  const j = i + by;
  if (j < 0 || j >= list.length) return false;
  [list[i], list[j]] = [list[j], list[i]];
  return true;
}

let focusAfter = null;

/** Draw the outline again and edit, then focus `selector` (within the outline). */
function changed(selector) {
  focusAfter = selector;
  renderOutline(document.getElementById("outline"));
  edited();
}

/** The buttons of a block or item: 上移, 下移, 删除 and a conversion. */
function tools(where, { up, down, remove, convert, convertLabel }) {
  return el(
    "div",
    { class: "tools", role: "group", "aria-label": where },
    el("button", { type: "button", class: "small", text: "上移", "data-act": "up", onclick: up }),
    el("button", { type: "button", class: "small", text: "下移", "data-act": "down", onclick: down }),
    convert ? el("button", { type: "button", class: "small", text: convertLabel, "data-act": "convert", onclick: convert }) : null,
    el("button", { type: "button", class: "small danger", text: "删除", "data-act": "delete", onclick: remove })
  );
}

/** The article at `i` made an item of the nearest 栏目 (before it, else after it, else a new one). */
function articleToItem(i) {
  const body = state.doc.body;
  const a = body[i];
  const item = { heading: a.title || undefined, paragraphs: [...(a.note || []), ...(a.paragraphs || [])] };
  if (!item.heading) delete item.heading;
  if (item.paragraphs.length === 0) item.paragraphs = [""];
  let s = -1;
  for (let k = i - 1; k >= 0; k--) if (body[k].type === "section") { s = k; break; }
  if (s >= 0) {
    body[s].items = body[s].items || [];
    body[s].items.push(item);
    body.splice(i, 1);
    return [s, body[s].items.length - 1];
  }
  for (let k = i + 1; k < body.length; k++) if (body[k].type === "section") { s = k; break; }
  if (s >= 0) {
    body[s].items = body[s].items || [];
    body[s].items.unshift(item);
    body.splice(i, 1);
    return [s - 1, 0];
  }
  body[i] = { type: "section", title: "", items: [item] };
  return [i, 0];
}

/** Item `k` of the 栏目 at `i` made an article right after the 栏目 (the 栏目 goes when it is left empty). */
function itemToArticle(i, k) {
  const body = state.doc.body;
  const s = body[i];
  const it = s.items[k];
  const a = { type: "article", title: it.heading || it.lead || "", paragraphs: it.paragraphs && it.paragraphs.length ? it.paragraphs : [""] };
  s.items.splice(k, 1);
  if (s.items.length === 0 && !(s.title || "").trim()) {
    body.splice(i, 1, a);
    return i;
  }
  body.splice(i + 1, 0, a);
  return i + 1;
}

function articleCard(a, i, nth) {
  const base = `$.body[${i}]`;
  const where = `第${nth}篇文章`;
  return el(
    "div",
    { class: "block article", "data-block": base },
    el(
      "div",
      { class: "block-head" },
      el("span", { class: "tag", text: where }),
      tools(where, {
        up: () => move(state.doc.body, i, -1) && changed(`[data-block="$.body[${i - 1}]"] [data-act=up]`),
        down: () => move(state.doc.body, i, 1) && changed(`[data-block="$.body[${i + 1}]"] [data-act=down]`),
        remove: async () => {
          if (hasText(a) && !(await ask("删除文章", `删除${where}《${a.title || "无标题"}》？删除后无法恢复（可先“保存”）。`))) return;
          state.doc.body.splice(i, 1);
          changed("#add-article");
        },
        convert: () => {
          const [s, k] = articleToItem(i);
          changed(`[data-item="$.body[${s}].items[${k}]"] input`);
        },
        convertLabel: "改为栏目条目",
      })
    ),
    field("标题", control(`${base}.title`, { placeholder: "文章的标题" }), { wide: true }),
    field("按语", control(`${base}.note`, { kind: "paragraphs", optional: true, rows: 1, placeholder: "可不填" }), { wide: true }),
    field("段落", control(`${base}.paragraphs`, { kind: "paragraphs", rows: 3, placeholder: "一行一段：回车另起一段" }), { wide: true })
  );
}

function itemCard(it, i, k) {
  const base = `$.body[${i}].items[${k}]`;
  const where = `第${k + 1}条`;
  return el(
    "div",
    { class: "item", "data-item": base },
    el(
      "div",
      { class: "block-head" },
      el("span", { class: "tag", text: `▲ ${where}` }),
      tools(where, {
        up: () => move(state.doc.body[i].items, k, -1) && changed(`[data-item="$.body[${i}].items[${k - 1}]"] [data-act=up]`),
        down: () => move(state.doc.body[i].items, k, 1) && changed(`[data-item="$.body[${i}].items[${k + 1}]"] [data-act=down]`),
        remove: async () => {
          if (hasText(it) && !(await ask("删除条目", `删除这个栏目的${where}？删除后无法恢复。`))) return;
          state.doc.body[i].items.splice(k, 1);
          changed(`[data-block="$.body[${i}]"] [data-act=add-item]`);
        },
        convert: () => {
          const at = itemToArticle(i, k);
          changed(`[data-block="$.body[${at}]"] input`);
        },
        convertLabel: "改为文章",
      })
    ),
    el(
      "div",
      { class: "grid" },
      field("小标题", control(`${base}.heading`, { optional: true, placeholder: "单独一行，如 城关镇" })),
      field("单位", control(`${base}.lead`, { optional: true, placeholder: "接正文，如 县生态环境局" }))
    ),
    field("正文", control(`${base}.paragraphs`, { kind: "paragraphs", rows: 2, placeholder: "一行一段：回车另起一段" }), { wide: true })
  );
}

function sectionCard(s, i) {
  const base = `$.body[${i}]`;
  const items = Array.isArray(s.items) ? s.items : [];
  const where = `栏目【${s.title || ""}】`;
  const list = el("div", { class: "items" }, items.map((it, k) => itemCard(it, i, k)));
  if (!items.length) list.append(el("p", { class: "hint", text: "这个栏目还没有条目：点“添加条目”加入▲条目" }));
  return el(
    "div",
    { class: "block section", "data-block": base },
    el(
      "div",
      { class: "block-head" },
      el("span", { class: "tag", text: "栏目" }),
      tools(where, {
        up: () => move(state.doc.body, i, -1) && changed(`[data-block="$.body[${i - 1}]"] [data-act=up]`),
        down: () => move(state.doc.body, i, 1) && changed(`[data-block="$.body[${i + 1}]"] [data-act=down]`),
        remove: async () => {
          if (hasText(s) && !(await ask("删除栏目", `删除${where}和它的 ${items.length} 个条目？删除后无法恢复。`))) return;
          state.doc.body.splice(i, 1);
          changed("#add-section");
        },
      })
    ),
    field("标题", control(`${base}.title`, { placeholder: "栏目名，不写【】" }), {
      wide: true,
      hint: "印出来是【栏目名】",
    }),
    list,
    el("button", {
      type: "button",
      class: "add",
      text: "添加条目",
      "data-act": "add-item",
      onclick: () => {
        s.items = items;
        s.items.push(newItem());
        changed(`[data-item="${base}.items[${s.items.length - 1}]"] input`);
      },
    })
  );
}

/** Draw the outline of the body into `root`. */
export function renderOutline(root) {
  if (!root) return;
  const doc = state.doc;
  if (!Array.isArray(doc.body)) doc.body = [];
  let articles = 0;
  const blocks = doc.body.map((b, i) => {
    if (b && b.type === "section") return sectionCard(b, i);
    articles++;
    return articleCard(b || {}, i, articles);
  });
  const empty = doc.body.length ? [] : [el("p", { class: "hint", text: "正文还是空的：点“添加文章”或“添加栏目”" })];
  root.replaceChildren(
    ...blocks,
    ...empty,
    el(
      "div",
      { class: "row add-row" },
      el("button", {
        type: "button",
        id: "add-article",
        class: "add",
        text: "添加文章",
        onclick: () => {
          doc.body.push(newArticle());
          changed(`[data-block="$.body[${doc.body.length - 1}]"] input`);
        },
      }),
      el("button", {
        type: "button",
        id: "add-section",
        class: "add",
        text: "添加栏目",
        onclick: () => {
          doc.body.push(newSection());
          changed(`[data-block="$.body[${doc.body.length - 1}]"] input`);
        },
      })
    )
  );
  if (focusAfter) {
    const target = root.querySelector(focusAfter) || root.querySelector("#add-article");
    focusAfter = null;
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "nearest" });
    }
  }
}
