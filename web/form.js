// form.js: the editor form, the page's main view: the masthead (报头), the
// guide (导读, with its 自动 switch) and the editor's note (编者按), the
// body (outline.js) and the 版记 (报/送/发 lists, the 印发 line, 文号).
// Every control writes into the bulletin (fields.js); the JSON stays the
// one source of truth and is drawn again from it here when it is replaced.

import { el } from "./dom.js";
import { control, field, fit, refreshAll, setAt } from "./fields.js";
import { renderOutline } from "./outline.js";
import { state, edited, on } from "./state.js";

/** The titles of the body, as the automatic guide lists them (a 栏目 without its 【】). */
function titles(doc) {
  return ((doc && doc.body) || []).map((b) => (b && b.title) || "");
}

/** A card of the form: a heading and its fields. */
function card(title, id, ...children) {
  return el("section", { class: "card", id, "aria-labelledby": `${id}-h` }, el("h2", { id: `${id}-h`, text: title }), ...children);
}

/** The template picker: the built-in templates and those the server was given. */
function templatePicker() {
  const offered = (state.info && state.info.templates) || [{ value: "jianbao", name: "jianbao", builtin: true }];
  const select = el("select", { id: "f-template" });
  select.dataset.path = "$.template";
  const current = (state.doc && state.doc.template) || "jianbao";
  const values = offered.map((t) => t.value);
  for (const t of offered) {
    select.append(el("option", { value: t.value, text: t.builtin ? `${t.name}（内置）` : `${t.name}（${t.value}）` }));
  }
  if (!values.includes(current)) select.append(el("option", { value: current, text: `${current}（服务器上没有）` }));
  select.value = current;
  select.addEventListener("change", () => {
    setAt(state.doc, "$.template", select.value === "jianbao" && !state.doc.template ? undefined : select.value);
    edited();
  });
  select.refresh = () => {
    select.value = (state.doc && state.doc.template) || "jianbao";
  };
  return select;
}

/** The guide's text box of the form shown. */
let guideBox = null;

// The automatic entries follow the titles as they are typed.
on("edit", () => {
  const box = guideBox;
  if (box && box.isConnected && state.doc && state.doc.guide === "auto" && document.activeElement !== box) {
    box.value = titles(state.doc).join("\n");
  }
});

/** The guide: automatic (the titles of the body) or its own entries, one a line. */
function guideFields() {
  const auto = el("input", { type: "checkbox", id: "guide-auto" });
  const box = control("$.guide", { kind: "entries", optional: true, rows: 3, placeholder: "一行一条；空着则不印导读" });
  const show = () => {
    const isAuto = state.doc && state.doc.guide === "auto";
    auto.checked = isAuto;
    box.disabled = isAuto;
    box.classList.toggle("auto", isAuto);
    if (isAuto) box.value = titles(state.doc).join("\n");
    fit(box);
  };
  const refresh = box.refresh;
  box.refresh = () => {
    refresh();
    show();
  };
  auto.addEventListener("change", () => {
    if (auto.checked) {
      state.doc.guide = "auto";
    } else {
      // The titles as a start for the writer's own entries.
      const t = titles(state.doc).filter((x) => x.trim() !== "");
      if (t.length) state.doc.guide = t;
      else delete state.doc.guide;
    }
    box.refresh();
    edited();
  });
  guideBox = box;
  show();
  // The switch is labelled by its own word; the text box by 导读.
  const switchLabel = el("label", { class: "switch", for: "guide-auto" }, auto, " 自动");
  return field("导读", box, {
    wide: true,
    extra: switchLabel,
    hint: "勾选“自动”则按正文的标题和栏目排；否则一行写一条",
  });
}

/** Draw the whole form from the bulletin. */
export function renderForm() {
  const root = document.getElementById("form");
  root.replaceChildren();
  if (!state.doc) {
    root.append(
      el(
        "div",
        { class: "broken" },
        el("p", { text: "JSON 有错误，表单无法显示：请在 JSON 视图中按检查结果改正，或从“草稿”“打开”重新开始。" })
      )
    );
    return;
  }
  const d = state.doc;
  if (!d.masthead || typeof d.masthead !== "object") d.masthead = {};
  root.append(
    card(
      "报头",
      "card-masthead",
      el(
        "div",
        { class: "grid" },
        field("简报名称", control("$.masthead.name", { placeholder: "如 某县工作动态" }), { wide: true }),
        field("期号", control("$.masthead.issue", { kind: "int", placeholder: "如 5" })),
        field("总期号", control("$.masthead.total_issue", { kind: "int", optional: true, placeholder: "可不填" })),
        field("编印单位", control("$.masthead.issuer", { placeholder: "如 某县人民政府办公室" }), { wide: true }),
        field("日期", control("$.masthead.date", { kind: "date", placeholder: "2025-04-18" })),
        field("增刊", control("$.masthead.supplement", { optional: true, placeholder: "正刊不填；如 增刊、专刊" })),
        field("密级/标注", control("$.masthead.marking", { optional: true, placeholder: "如 内部资料 注意保存" })),
        field("编号", control("$.masthead.copy_number", { optional: true, placeholder: "份号，可不填" })),
        field("模板", templatePicker())
      )
    ),
    card(
      "导读与编者按",
      "card-guide",
      guideFields(),
      field("导读标题", control("$.guide_label", { optional: true, placeholder: "默认【导读】；如 本期要目" }), { wide: true }),
      field("编者按", control("$.editor_note", { kind: "paragraphs", optional: true, rows: 2, placeholder: "可不填；一行一段" }), { wide: true })
    ),
    card("正文", "card-body", el("div", { id: "outline" })),
    card(
      "版记",
      "card-footer",
      el(
        "div",
        { class: "grid" },
        field("报", control("$.distribution.report_to", { kind: "names", optional: true, rows: 2, placeholder: "一行一个单位" }), { wide: true }),
        field("送", control("$.distribution.send_to", { kind: "names", optional: true, rows: 2, placeholder: "一行一个单位" }), { wide: true }),
        field("发", control("$.distribution.issue_to", { kind: "names", optional: true, rows: 1, placeholder: "一行一个单位" }), { wide: true }),
        field("本期增发", control("$.distribution.extra_to", { kind: "names", optional: true, rows: 1, placeholder: "可不填" }), { wide: true }),
        field("印发机关", control("$.imprint.issuer", { optional: true, placeholder: "不填则同编印单位" }), { wide: true }),
        field("印发日期", control("$.imprint.date", { kind: "date", optional: true, placeholder: "不填则同日期" })),
        field("份数", control("$.imprint.copies", { kind: "int", optional: true, placeholder: "如 60" })),
        field("联系人", control("$.imprint.contact", { optional: true, placeholder: "如 联系人：张三　电话：0737-1234567" }), { wide: true }),
        field("文号", control("$.document_number", { optional: true, placeholder: "如 某简〔2025〕5号" }), { wide: true })
      )
    )
  );
  renderOutline(document.getElementById("outline"));
}

/** Show the bulletin's values again without drawing the form anew (the structure is the same). */
export function refreshForm() {
  refreshAll();
}
