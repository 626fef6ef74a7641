// app.js: the page of jianbao serve. The editor holds the bulletin's JSON;
// every change is checked (POST /api/check) half a second after typing
// stops, and the pages in view are drawn again (POST /api/preview?page=N,
// SVG). Problems are listed with their JSON path and article; clicking one
// selects the place in the editor (locate.js). Drafts are imported through
// POST /api/import; the PDF comes from POST /api/render; 签发 files the
// issue through POST /api/issue; issued copies are listed and searched with
// GET /api/archive.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const source = $("source");
  const gutter = $("gutter");
  const problems = $("problems");
  const pagesEl = $("pages");
  const statusEl = $("status");

  /** How long typing must pause before the bulletin is checked again. */
  const DEBOUNCE_MS = 300;
  /** The largest draft file sent (the server's limit is 8 MB). */
  const MAX_UPLOAD = 8 * 1024 * 1024;
  const STORE_KEY = "jianbao.draft";

  // What the page knows. `generation` counts edits: answers to requests
  // made for an older text are dropped.
  const state = {
    generation: 0,
    text: "",
    report: null,
    pages: [], // { fig, img, url, svg, generation, loading }
    draftNotices: [],
    timer: null,
    checking: null, // AbortController of the running check
    lastRefresh: null, // timings of the last refresh, for tests and people
    refreshes: 0,
    map: null, // locate index of the current text
    composing: false, // between compositionstart and compositionend
  };
  window.jbState = state;

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "status" + (cls ? " " + cls : "");
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  async function readError(resp) {
    try {
      const j = await resp.json();
      return j;
    } catch (e) {
      return { message: `服务器返回 ${resp.status}` };
    }
  }

  // ---------------------------------------------------------------- editor

  let gutterLines = [];

  /** Rebuild the gutter's lines where the text changed. */
  function updateGutter() {
    const lines = source.value.split("\n");
    const old = gutterLines;
    let a = 0;
    while (a < old.length && a < lines.length && old[a] === lines[a]) a++;
    let b = 0;
    while (
      b < old.length - a &&
      b < lines.length - a &&
      old[old.length - 1 - b] === lines[lines.length - 1 - b]
    )
      b++;
    const kids = gutter.children;
    // Remove the changed old lines, insert the new ones.
    for (let k = old.length - b - 1; k >= a; k--) kids[k].remove();
    const before = kids[a] || null;
    const frag = document.createDocumentFragment();
    for (let k = a; k < lines.length - b; k++) {
      frag.append(el("div", { class: "ln" }, lines[k] + "\u200b"));
    }
    gutter.insertBefore(frag, before);
    // Number the new lines, and the ones after them when lines were added or removed.
    const last = old.length === lines.length ? lines.length - b : kids.length;
    for (let k = a; k < last; k++) kids[k].dataset.n = k + 1;
    gutterLines = lines;
    fitGutter();
  }

  function fitGutter() {
    gutter.style.width = source.clientWidth + "px";
    gutter.scrollTop = source.scrollTop;
  }

  function markLines(report) {
    for (const d of gutter.querySelectorAll(".ln.err, .ln.warn")) d.classList.remove("err", "warn");
    if (!report) return;
    const mark = (list, cls) => {
      for (const p of list) {
        const r = rangeOf(p);
        if (!r) continue;
        const line = source.value.slice(0, r.start).split("\n").length - 1;
        const d = gutter.children[line];
        if (d) d.classList.add(cls);
      }
    };
    mark(report.warnings || [], "warn");
    mark(report.errors || [], "err");
  }

  /** The text range of a problem: its line and column, or its JSON path. */
  function rangeOf(p) {
    const text = source.value;
    if (p.line) {
      const start = jbLocate.offsetOf(text, p.line, p.column || 1);
      return { start, end: Math.min(text.length, start + 1), exact: true };
    }
    if (!state.map || state.map.text !== text) state.map = { text, index: jbLocate.index(text) };
    return jbLocate.locate(text, p.path, state.map.index);
  }

  /** Select `range` in the editor and scroll it into the middle of the view. */
  function select(range) {
    source.focus();
    source.setSelectionRange(range.start, range.end);
    const line = source.value.slice(0, range.start).split("\n").length - 1;
    const row = gutter.children[line];
    if (row) {
      source.scrollTop = Math.max(0, row.offsetTop - source.clientHeight / 3);
      fitGutter();
    }
  }

  function edited(e) {
    state.generation++;
    updateGutter();
    // While a Chinese input method composes, the text holds pinyin: wait
    // for the characters (compositionend) before checking. The composition
    // events say so; an input event's isComposing alone does not (automation
    // and some input methods set it on text that is already final).
    if (state.composing) {
      clearTimeout(state.timer);
      return;
    }
    for (const p of state.pages) p.fig.classList.add("stale");
    setStatus("有改动，等待重排…", "busy");
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, DEBOUNCE_MS);
    try {
      localStorage.setItem(STORE_KEY, source.value);
    } catch (e) {
      /* storage full or disabled: nothing to keep */
    }
  }

  function setText(text) {
    source.value = text;
    source.setSelectionRange(0, 0);
    source.scrollTop = 0;
    edited();
    clearTimeout(state.timer);
    refresh();
  }

  source.addEventListener("input", edited);
  source.addEventListener("compositionstart", () => {
    state.composing = true;
  });
  source.addEventListener("compositionend", () => {
    state.composing = false;
    edited();
  });
  source.addEventListener("scroll", fitGutter);
  window.addEventListener("resize", fitGutter);
  source.addEventListener("keydown", (e) => {
    if (e.key === "Tab" && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      document.execCommand("insertText", false, "  ");
    }
  });

  // -------------------------------------------------------------- checking

  async function refresh() {
    const generation = state.generation;
    const text = source.value;
    if (state.checking) state.checking.abort();
    const ctl = new AbortController();
    state.checking = ctl;
    const t0 = performance.now();
    setStatus("正在排版…", "busy");
    let resp;
    try {
      resp = await fetch("/api/check", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: text,
        signal: ctl.signal,
      });
    } catch (e) {
      if (e.name !== "AbortError") setStatus("无法连接服务器：请确认 jianbao serve 仍在运行", "bad");
      return;
    }
    const report = resp.ok ? await resp.json() : await readError(resp);
    if (generation !== state.generation) return;
    const t1 = performance.now();
    state.report = report;
    state.text = text;
    showProblems();
    markLines(report);
    if (!resp.ok) {
      setStatus(report.message || `服务器出错（${resp.status}）`, "bad");
      return;
    }
    if (!report.ok) {
      const n = report.errors.length;
      setStatus(`有 ${n} 处错误：预览停在上次能排版的样子`, "bad");
      return;
    }
    setPageCount(report.pages);
    $("pageinfo").textContent = `共 ${report.pages} 页`;
    const visible = visiblePages();
    await Promise.all(visible.map((i) => loadPage(i, generation)));
    if (generation !== state.generation) return;
    const t2 = performance.now();
    state.refreshes++;
    state.lastRefresh = {
      generation,
      check: t1 - t0,
      pages: t2 - t1,
      total: t2 - t0,
      visible: visible.map((i) => i + 1),
    };
    const w = report.warnings.length;
    const n = report.notices.length;
    setStatus(`已更新：${report.pages} 页，${w} 条警告，${n} 条提示（${Math.round(t2 - t0)} 毫秒）`);
  }

  function setPageCount(n) {
    while (state.pages.length > n) {
      const p = state.pages.pop();
      if (p.url) URL.revokeObjectURL(p.url);
      p.fig.remove();
    }
    if (n > 0) {
      const empty = pagesEl.querySelector(".empty");
      if (empty) empty.remove();
    }
    while (state.pages.length < n) {
      const i = state.pages.length;
      const img = el("img", { alt: `第 ${i + 1} 页`, decoding: "async" });
      const fig = el(
        "figure",
        { class: "page stale", "data-page": String(i + 1) },
        el("figcaption", { text: `第 ${i + 1} 页` }),
        el("div", { class: "sheet" }, img)
      );
      pagesEl.append(fig);
      const p = { fig, img, url: null, svg: null, generation: -1, loading: null };
      state.pages.push(p);
      observer.observe(fig);
    }
  }

  /** The pages in or near the view. */
  function visiblePages() {
    const box = pagesEl.getBoundingClientRect();
    const out = [];
    state.pages.forEach((p, i) => {
      const r = p.fig.getBoundingClientRect();
      if (r.bottom >= box.top - 200 && r.top <= box.bottom + 200) out.push(i);
    });
    if (out.length === 0 && state.pages.length > 0) out.push(0);
    return out;
  }

  /** Draw page `i` of the text of `generation`, unless it is drawn already. */
  async function loadPage(i, generation) {
    const p = state.pages[i];
    if (!p || p.generation === generation) return;
    if (p.loading && p.loading.generation === generation) return p.loading.promise;
    const text = state.text;
    const promise = (async () => {
      let resp;
      try {
        resp = await fetch(`/api/preview?page=${i + 1}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: text,
        });
      } catch (e) {
        return;
      }
      if (!resp.ok || generation !== state.generation) return;
      const svg = await resp.text();
      if (generation !== state.generation) return;
      p.generation = generation;
      if (svg !== p.svg) {
        const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
        await new Promise((resolve) => {
          p.img.onload = p.img.onerror = resolve;
          p.img.src = url;
        });
        if (p.url) URL.revokeObjectURL(p.url);
        p.url = url;
        p.svg = svg;
      }
      p.fig.classList.remove("stale");
    })();
    p.loading = { generation, promise };
    return promise;
  }

  const observer = new IntersectionObserver(
    (entries) => {
      if (!state.report || !state.report.ok) return;
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const i = Number(e.target.dataset.page) - 1;
        if (state.text === source.value) loadPage(i, state.generation);
      }
    },
    { root: pagesEl, rootMargin: "200px" }
  );

  // -------------------------------------------------------------- problems

  const LABELS = { error: "错误", warning: "警告", notice: "提示", draft: "导入" };

  function problemItem(kind, p) {
    const li = el(
      "li",
      { class: kind, tabindex: "0" },
      el("span", { class: "badge", text: LABELS[kind] })
    );
    if (kind === "draft") {
      li.append(el("code", { text: `草稿第 ${p.line} 行` }));
      li.classList.add("plain");
    } else if (p.line) {
      li.append(el("code", { text: `第 ${p.line} 行第 ${p.column} 列` }));
    } else {
      li.append(el("code", { text: p.path }));
    }
    if (p.article) li.append(el("span", { class: "article", text: p.article }));
    li.append(el("div", { class: "msg", text: p.message }));
    if (kind !== "draft") {
      const go = () => {
        const r = rangeOf(p);
        if (r) select(r);
      };
      li.addEventListener("click", go);
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter") go();
      });
    }
    return li;
  }

  function showProblems() {
    const r = state.report || { errors: [], warnings: [], notices: [] };
    problems.replaceChildren();
    const errors = r.errors || [];
    const warnings = r.warnings || [];
    const notices = r.notices || [];
    for (const p of errors) problems.append(problemItem("error", p));
    for (const p of warnings) problems.append(problemItem("warning", p));
    for (const p of notices) problems.append(problemItem("notice", p));
    for (const p of state.draftNotices) problems.append(problemItem("draft", p));
    if (!problems.children.length) {
      problems.append(el("li", { class: "plain", text: "没有错误、警告或提示。" }));
    }
    const parts = [];
    if (errors.length) parts.push(`${errors.length} 处错误`);
    if (warnings.length) parts.push(`${warnings.length} 条警告`);
    if (notices.length) parts.push(`${notices.length} 条提示`);
    if (state.draftNotices.length) parts.push(`${state.draftNotices.length} 条导入提示`);
    $("counts").textContent = parts.join("，");
    $("btn-clear-draft").classList.toggle("hidden", !state.draftNotices.length);
  }

  $("btn-clear-draft").addEventListener("click", () => {
    state.draftNotices = [];
    showProblems();
  });

  // ---------------------------------------------------------------- import

  const dlgImport = $("dlg-import");

  async function importDraft(body, type, name) {
    $("draft-error").textContent = "";
    if (body.size !== undefined && body.size > MAX_UPLOAD) {
      $("draft-error").textContent = "文件超过 8 MB：请确认选对了草稿";
      if (!dlgImport.open) dlgImport.showModal();
      return;
    }
    setStatus("正在导入草稿…", "busy");
    const q = name ? `?name=${encodeURIComponent(name)}` : "";
    let resp;
    try {
      resp = await fetch(`/api/import${q}`, {
        method: "POST",
        // Not JSON: the server takes it only with its own header (a form
        // or another site cannot send one).
        headers: { "Content-Type": type || "application/octet-stream", "X-Jianbao": "1" },
        body,
      });
    } catch (e) {
      setStatus("无法连接服务器", "bad");
      return;
    }
    const j = await readError(resp);
    if (!resp.ok) {
      const where = j.errors && j.errors[0] && j.errors[0].line ? `（第 ${j.errors[0].line} 行）` : "";
      $("draft-error").textContent = `无法导入${where}：${j.message}`;
      if (!dlgImport.open) dlgImport.showModal();
      setStatus("草稿没有导入", "bad");
      return;
    }
    dlgImport.close();
    state.draftNotices = j.notices || [];
    setText(j.json);
  }

  $("btn-import").addEventListener("click", () => {
    $("draft-error").textContent = "";
    dlgImport.showModal();
  });
  $("draft-go").addEventListener("click", () => {
    const text = $("draft").value;
    if (!text.trim()) {
      $("draft-error").textContent = "请先粘贴草稿的文字";
      return;
    }
    importDraft(text, "text/plain; charset=utf-8", null);
  });
  $("draft-file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    if (f) importDraft(f, f.type, f.name);
    e.target.value = "";
  });

  // Drop a .txt or .docx anywhere on the page.
  const dropzone = $("dropzone");
  let dragDepth = 0;
  document.addEventListener("dragenter", (e) => {
    if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes("Files")) return;
    dragDepth++;
    dropzone.classList.remove("hidden");
  });
  document.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) dropzone.classList.add("hidden");
  });
  document.addEventListener("dragover", (e) => {
    if (e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files")) e.preventDefault();
  });
  document.addEventListener("drop", (e) => {
    dragDepth = 0;
    dropzone.classList.add("hidden");
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (!f) return;
    e.preventDefault();
    importDraft(f, f.type, f.name);
  });

  // ----------------------------------------------------------- PDF, issue

  function bulletinName() {
    try {
      const b = JSON.parse(source.value);
      const m = b.masthead || {};
      return `${m.name || "简报"}第${m.issue || ""}期`;
    } catch (e) {
      return "简报";
    }
  }

  $("btn-pdf").addEventListener("click", async () => {
    setStatus("正在生成 PDF…", "busy");
    const resp = await fetch("/api/render", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: source.value,
    });
    if (!resp.ok) {
      const j = await readError(resp);
      setStatus(`无法生成 PDF：${(j.message || "").split("\n")[0]}`, "bad");
      return;
    }
    const blob = await resp.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: `${bulletinName()}.pdf` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    setStatus(`PDF 已生成（${Math.round(blob.size / 1024)} KB）`);
  });

  const dlgIssue = $("dlg-issue");

  function list(items, fmt) {
    const ul = el("ul");
    for (const it of items) ul.append(el("li", { text: fmt(it) }));
    return ul;
  }

  function openIssue() {
    const body = $("issue-body");
    body.replaceChildren(
      el("p", {
        text: `签发后，这一期（${bulletinName()}）的输入和 PDF/A 存入档案库，不能再改动，期号也不能再用。`,
      })
    );
    $("issue-accept").checked = false;
    $("issue-accept-row").classList.add("hidden");
    $("issue-go").disabled = false;
    $("issue-go").classList.remove("hidden");
    dlgIssue.showModal();
  }

  async function doIssue() {
    const body = $("issue-body");
    const allow = $("issue-accept").checked;
    $("issue-go").disabled = true;
    body.replaceChildren(el("p", { text: "正在签发…" }));
    const resp = await fetch(`/api/issue${allow ? "?allow_warnings=true" : ""}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: source.value,
    });
    const j = await readError(resp);
    $("issue-go").disabled = false;
    if (resp.status === 201) {
      body.replaceChildren(
        el("p", { class: "ok-text", text: `已签发归档：《${j.name}》${j.label}，${j.pages} 页，登记第 ${j.sequence} 号。` }),
        el("p", { text: `编号 ${j.id}` }),
        el("p", {}, el("a", { href: `/api/archive/${j.id}/pdf`, target: "_blank", rel: "noopener", text: "打开签发的 PDF" }))
      );
      if (j.warnings && j.warnings.length) body.append(el("p", { text: "接受的警告：" }), list(j.warnings, (w) => w));
      $("issue-go").classList.add("hidden");
      $("issue-accept-row").classList.add("hidden");
      return;
    }
    if (j.refused === "warnings") {
      body.replaceChildren(
        el("p", { class: "error-text", text: `未签发：排版有 ${j.warnings.length} 条警告（可能是书写错误）。请先改正；确认无误的，勾选下面一项后再签发。` }),
        list(j.warnings, (w) => `${w.path}${w.article ? "（" + w.article + "）" : ""}：${w.message}`)
      );
      $("issue-accept-row").classList.remove("hidden");
      return;
    }
    if (j.errors && j.errors.length && resp.status === 422) {
      body.replaceChildren(
        el("p", { class: "error-text", text: `未签发：输入有 ${j.errors.length} 处错误，请先改正（见检查结果）。` }),
        list(j.errors, (e) => `${e.path}：${e.message}`)
      );
      return;
    }
    body.replaceChildren(el("p", { class: "error-text", text: `未签发：${j.message || resp.status}` }));
  }

  $("btn-issue").addEventListener("click", openIssue);
  $("issue-go").addEventListener("click", doIssue);

  // --------------------------------------------------------------- archive

  const dlgArchive = $("dlg-archive");

  function pdfLink(c) {
    return el("a", { href: `/api/archive/${c.id}/pdf`, target: "_blank", rel: "noopener", text: "打开 PDF" });
  }

  // A copy's state, as `jianbao archive list` shows it.
  function copyState(c) {
    if (c.state === "superseded") return `已被 ${c.by.slice(0, 6)} 更正`;
    if (c.state === "correction") return `更正本（第${c.revision}版）`;
    return "现行";
  }

  // One page of the archive (the server answers a page at a time, the latest first).
  const ARCHIVE_PAGE = 20;

  // Buttons to the pages before and after this one, when there are any.
  function pager(q, offset, shown, total) {
    if (total <= ARCHIVE_PAGE) return el("p");
    const nav = el("p", { class: "pager", text: `第 ${offset + 1}–${offset + shown} 条，共 ${total} 条 ` });
    if (offset > 0) {
      const prev = el("button", { type: "button", text: "上一页" });
      prev.addEventListener("click", () => loadArchive(q, Math.max(0, offset - ARCHIVE_PAGE)));
      nav.append(prev);
    }
    if (offset + shown < total) {
      const next = el("button", { type: "button", text: "下一页" });
      next.addEventListener("click", () => loadArchive(q, offset + ARCHIVE_PAGE));
      nav.append(next);
    }
    return nav;
  }

  async function loadArchive(q, offset = 0) {
    const out = $("archive-body");
    out.replaceChildren(el("p", { text: "正在查找…" }));
    const params = new URLSearchParams({ offset: String(offset), limit: String(ARCHIVE_PAGE) });
    if (q) params.set("q", q);
    const resp = await fetch(`/api/archive?${params}`);
    const j = await readError(resp);
    if (!resp.ok) {
      out.replaceChildren(el("p", { class: "error-text", text: j.message }));
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
            el("td", { text: `《${h.copy.name}》${h.copy.label}` }),
            el("td", {}, el("div", { text: h.block === h.sentence ? "（标题）" : `【${h.block}】` }), el("div", { class: "sentence", text: h.sentence })),
            el("td", {}, pdfLink(h.copy))
          )
        );
      }
      const total = j.total ?? j.hits.length;
      out.replaceChildren(el("p", { text: total ? `找到 ${total} 处，在 ${j.issues ?? "?"} 期中（最新的在前）` : `没有找到“${q}”` }));
      out.append(pager(q, offset, j.hits.length, total));
    } else {
      table.append(
        el("tr", {}, ...["编号", "简报", "期号", "日期", "页数", "首篇标题", "状态", ""].map((t) => el("th", { text: t })))
      );
      for (const c of j.copies) {
        table.append(
          el(
            "tr",
            {},
            el("td", {}, el("code", { text: c.id })),
            el("td", { text: c.name }),
            el("td", { text: c.label }),
            el("td", { text: c.date }),
            el("td", { text: String(c.pages) }),
            el("td", { text: c.title }),
            el("td", { class: c.state === "superseded" ? "hint" : "", text: copyState(c) }),
            el("td", {}, pdfLink(c))
          )
        );
      }
      const n = j.total ?? j.copies.length;
      const summary = !n
        ? "档案库中还没有签发的简报"
        : j.current === n || j.current === undefined
          ? `共 ${n} 期`
          : `共 ${n} 份副本：${j.current} 份现行，${n - j.current} 份已被更正（保留备查）`;
      out.replaceChildren(el("p", { text: summary }));
      out.append(pager(q, offset, j.copies.length, n));
    }
    for (const n of j.notes || []) out.append(el("p", { class: "hint", text: n }));
    out.append(table);
  }

  $("btn-archive").addEventListener("click", () => {
    dlgArchive.showModal();
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

  for (const b of document.querySelectorAll("[data-close]")) {
    b.addEventListener("click", () => b.closest("dialog").close());
  }

  // ----------------------------------------------------------------- start

  async function example() {
    const resp = await fetch("/example.json");
    return resp.text();
  }

  $("btn-example").addEventListener("click", async () => {
    if (!confirm("用内置示例替换编辑器中的内容？")) return;
    state.draftNotices = [];
    setText(await example());
  });

  (async function start() {
    let text = null;
    try {
      text = localStorage.getItem(STORE_KEY);
    } catch (e) {
      text = null;
    }
    pagesEl.append(el("div", { class: "empty", text: "正在排版…" }));
    setText(text && text.trim() ? text : await example());
  })();
})();
