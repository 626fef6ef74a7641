// dom.js: small helpers for building the page: elements, the status line,
// dialogs that ask (确定/取消) and buttons that stay usable whatever a
// request does.

/** An element with attributes (`class`, `text`, `on*` handlers, others as attributes) and children. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** The element with `id`. */
export const $ = (id) => document.getElementById(id);

const statusEl = () => $("status");

/** Say `text` in the status line; `kind` is "", "busy" or "bad". */
export function setStatus(text, kind) {
  const s = statusEl();
  if (!s) return;
  s.textContent = text;
  s.className = "status" + (kind ? " " + kind : "");
}

/**
 * Run `work` with `button` disabled, and enable it again whatever happens
 * (an answer, a refusal, a server that is gone or too slow).
 */
export async function busy(button, work) {
  if (button) button.disabled = true;
  try {
    return await work();
  } finally {
    if (button) button.disabled = false;
  }
}

/**
 * Ask with a dialog: `title`, a message (text or nodes), buttons (the last
 * is the default). Resolves to the chosen button's value, or null when the
 * dialog is closed (取消, Escape).
 */
export function ask(title, body, buttons = [{ label: "取消", value: null }, { label: "确定", value: true, primary: true }]) {
  return new Promise((resolve) => {
    const dlg = el("dialog", { class: "ask", "aria-labelledby": "ask-title" });
    const content = typeof body === "string" ? el("p", { text: body }) : body;
    const row = el("div", { class: "row" }, el("span", { class: "spacer" }));
    let result = null;
    for (const b of buttons) {
      row.append(
        el("button", {
          type: "button",
          class: b.primary ? "primary" : "",
          text: b.label,
          onclick: () => {
            result = b.value;
            dlg.close();
          },
        })
      );
    }
    dlg.append(el("div", { class: "dialog" }, el("h2", { id: "ask-title", text: title }), content, row));
    dlg.addEventListener("close", () => {
      dlg.remove();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    const primary = row.querySelector("button.primary");
    if (primary) primary.focus();
  });
}

/** Offer `blob` as a download named `name` through the browser. */
export function download(blob, name) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

/** A file name made of a bulletin's name and issue, without characters file systems refuse. */
export function fileName(doc, ext) {
  const m = (doc && doc.masthead) || {};
  const base = `${m.name || "简报"}${m.supplement || ""}第${m.issue || ""}期`;
  return base.replace(/[\\/:*?"<>|\s]+/g, "") + ext;
}
