#!/usr/bin/env python3
"""Write the import test drafts from the bulletins in expected/.

Each draft is one of the ways an office hands a bulletin over: text pasted
from Word (with or without indents and blank lines), text copied out of a PDF
(one paragraph a line, paragraphs cut at page breaks, "- ★" marks, spaces
around digits), .docx files written by python-docx and by LibreOffice, text
copied out of jianbao's own PDFs (and of PDFs LibreOffice makes of the .docx
drafts) with pdftotext, and GBK and UTF-16 files.
drafts.tsv lists each draft with the bulletin it must import as.

The drafts are committed; `cargo test` only reads them. Run this again after
changing a bulletin in expected/ (needs python-docx, LibreOffice's soffice,
poppler's pdftotext and a release build of jianbao):

    pip install python-docx
    apt-get install libreoffice-writer-nogui poppler-utils
    cargo build --release
    python3 tests/data/import/make_drafts.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DRAFTS = os.path.join(HERE, "drafts")
JIANBAO = os.path.join(ROOT, "target", "release", "jianbao")

CN_DIGITS = "〇一二三四五六七八九"


def load(name):
    with open(os.path.join(HERE, "expected", name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def cn_number(n):
    """12 → 十二, 2 → 二, 20 → 二十 (as offices write issue numbers and dates)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def date_text(iso, chinese=False, spaced=False):
    y, m, d = (int(x) for x in iso.split("-"))
    if chinese:
        return "".join(CN_DIGITS[int(c)] for c in str(y)) + "年" + cn_number(m) + "月" + cn_number(d) + "日"
    if spaced:
        return f"{y} 年 {m} 月 {d} 日"
    return f"{y}年{m}月{d}日"


def guide_items(b):
    g = b.get("guide")
    if g == "auto":
        return [blk["title"] if blk["type"] == "article" else "【" + blk["title"] + "】" for blk in b["body"]]
    return g or []


# ---------------------------------------------------------------------------
# The bulletin as a list of (kind, text) paragraphs, as a writer types it

def paragraphs(b, *, chinese=False, total_own_line=False, split_title=None):
    """(kind, text): kind is name, marking, issue, total, issuer_date,
    guide_label, guide_item, title, section, item_heading, item_first, para,
    list, imprint, copies, number."""
    m = b["masthead"]
    out = []
    if "marking" in m:
        out.append(("marking", m["marking"]))
    out.append(("name", m["name"]))
    issue = f"第{cn_number(m['issue']) if chinese else m['issue']}期"
    if "total_issue" in m:
        total = f"（总第{m['total_issue']}期）"
        if total_own_line:
            out.append(("issue", issue))
            out.append(("total", total))
        else:
            out.append(("issue", issue + total))
    else:
        out.append(("issue", issue))
    out.append(("issuer_date", (m["issuer"], date_text(m["date"], chinese))))
    items = guide_items(b)
    if items:
        out.append(("guide_label", "【导读】"))
        out.extend(("guide_item", "★" + t) for t in items)
    for blk in b["body"]:
        if blk["type"] == "article":
            title = blk["title"]
            if split_title and title == split_title[0]:
                out.append(("title", title[: split_title[1]]))
                out.append(("title", title[split_title[1]:]))
            else:
                out.append(("title", title))
            out.extend(("para", p) for p in blk["paragraphs"])
        else:
            out.append(("section", "【" + blk["title"] + "】"))
            for it in blk["items"]:
                ps = it["paragraphs"]
                if "heading" in it:
                    out.append(("item_heading", "▲" + it["heading"]))
                    out.extend(("para", p) for p in ps)
                elif "lead" in it:
                    out.append(("item_first", "▲" + it["lead"] + "：" + ps[0]))
                    out.extend(("para", p) for p in ps[1:])
                else:
                    out.append(("item_first", "▲" + ps[0]))
                    out.extend(("para", p) for p in ps[1:])
    d = b.get("distribution", {})
    for key, label in (("report_to", "报"), ("send_to", "送"), ("issue_to", "发")):
        if d.get(key):
            out.append(("list", label + "：" + "，".join(d[key])))
    imp = b.get("imprint")
    if imp:
        out.append(("imprint", (imp["issuer"], date_text(imp["date"], chinese))))
        if "copies" in imp:
            out.append(("copies", f"（共印{imp['copies']}份）"))
    if "document_number" in b:
        out.append(("number", b["document_number"]))
    return out


def word_text(b, *, indent=True, blank=True, chinese=False, total_own_line=False,
              split_title=None, copies_inline=False):
    """Text as pasted from a Word draft: one paragraph a line."""
    lines = []
    ps = paragraphs(b, chinese=chinese, total_own_line=total_own_line, split_title=split_title)
    k = 0
    while k < len(ps):
        kind, text = ps[k]
        if kind == "issuer_date":
            text = text[0] + "　　　　　　" + text[1]
        elif kind == "imprint":
            text = text[0] + "　　　　" + text[1] + "印发"
            if copies_inline and k + 1 < len(ps) and ps[k + 1][0] == "copies":
                text += ps[k + 1][1]
                k += 1
        elif kind in ("para", "item_first") and indent:
            text = "　　" + text
        elif kind in ("title", "name") and indent:
            text = "　　　　" + text
        lines.append(text)
        if blank:
            lines.append("")
        k += 1
    return "\n".join(lines) + "\n"


def pdf_copy_text(b, cuts):
    """Text as copied out of an issued PDF whose paragraphs come out one a
    line: blank lines between, '- ★' marks, spaces around digits in the
    masthead, issuer and date on separate lines, and the paragraphs numbered
    in `cuts` cut at a page break."""
    lines = []
    para_no = 0
    page = 1
    for kind, text in paragraphs(b):
        if kind == "issue":
            text = text.replace("第", "第 ").replace("期", " 期", 1)
        if kind == "issuer_date":
            lines += [text[0], "", date_text(b["masthead"]["date"], spaced=True), ""]
            continue
        if kind == "guide_item":
            text = "- ★ " + text[1:]
        if kind == "imprint":
            text = text[0] + " " + text[1] + "印发"
        if kind in ("para", "item_first"):
            para_no += 1
            if para_no in cuts:
                cut = len(text) * 2 // 3
                while text[cut - 1] in "，。、；：“”（）" or text[cut] in "，。、；：“”（）":
                    cut += 1
                page += 1
                lines += [text[:cut], "", f"- {page} -", "", text[cut:], ""]
                continue
        lines += [text, ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# .docx with python-docx

def python_docx(b, path, *, table_masthead=False, list_items=False):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)

    def para(text, *, center=False, bold=False, size=None, indent=False, red=False, style=None):
        p = doc.add_paragraph(style=style)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
        if red:
            r.font.color.rgb = RGBColor(0xE6, 0, 0)
        return p

    for kind, text in paragraphs(b):
        if kind == "marking":
            para(text)
        elif kind == "name":
            para(text, center=True, bold=True, size=26, red=True)
        elif kind in ("issue", "total"):
            para(text, center=True)
        elif kind == "issuer_date":
            if table_masthead:
                t = doc.add_table(rows=1, cols=2)
                t.cell(0, 0).text = text[0]
                t.cell(0, 1).text = text[1]
                t.cell(0, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                para(text[0] + "\t\t" + text[1])
            para("")
        elif kind == "guide_label":
            para(text, bold=True)
        elif kind == "guide_item":
            para(text)
        elif kind == "title":
            para(text, center=True, bold=True, size=22)
        elif kind == "section":
            para(text, bold=True)
        elif kind in ("item_heading", "item_first") and list_items:
            para(text[1:], style="List Bullet", indent=kind == "item_first")
        elif kind == "item_heading":
            para(text, bold=True)
        elif kind in ("para", "item_first"):
            para(text, indent=True)
        elif kind == "imprint":
            para(text[0] + "\t" + text[1] + "印发")
        else:
            para(text)
    doc.save(path)


# ---------------------------------------------------------------------------
# .docx with LibreOffice

def soffice(src, out_dir):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", out_dir, src],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def html(b):
    """The draft as HTML with the look a Word draft has (centred, bold)."""
    rows = ['<html><head><meta charset="utf-8"></head><body>']
    for kind, text in paragraphs(b):
        if kind == "issuer_date":
            rows.append(f"<p>{text[0]}&emsp;&emsp;&emsp;&emsp;{text[1]}</p>")
        elif kind == "imprint":
            rows.append(f"<p>{text[0]}&emsp;&emsp;{text[1]}印发</p>")
        elif kind == "name":
            rows.append(f'<p align="center"><font color="#e60000" size="7"><b>{text}</b></font></p>')
        elif kind in ("issue", "total"):
            rows.append(f'<p align="center">{text}</p>')
        elif kind == "title":
            rows.append(f'<p align="center"><font size="5"><b>{text}</b></font></p>')
        elif kind in ("section", "item_heading", "guide_label"):
            rows.append(f"<p><b>{text}</b></p>")
        elif kind in ("para", "item_first"):
            rows.append(f'<p style="text-indent: 2em">{text}</p>')
        else:
            rows.append(f"<p>{text}</p>")
    rows.append("</body></html>")
    return "\n".join(rows)


def libreoffice_docx(source_text, suffix, path):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "draft" + suffix)
        with open(src, "w", encoding="utf-8") as f:
            f.write(source_text)
        soffice(src, tmp)
        shutil.copy(os.path.join(tmp, "draft.docx"), path)


# ---------------------------------------------------------------------------
# Text copied out of jianbao's PDF

def pdftotext(name, path, *, raw=False):
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "a.pdf")
        src = os.path.join(HERE, "expected", name + ".json")
        subprocess.run([JIANBAO, "render", src, "-o", pdf], check=True, stderr=subprocess.DEVNULL)
        args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [pdf, path]
        subprocess.run(args, check=True)


def office_pdf_text(docx, path):
    """The text pdftotext copies out of the PDF LibreOffice makes of a .docx
    (a PDF made by an office suite rather than by jianbao)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, docx],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        pdf = os.path.join(tmp, os.path.splitext(os.path.basename(docx))[0] + ".pdf")
        subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, path], check=True)


# ---------------------------------------------------------------------------

def write(path, text, encoding="utf-8", newline="\n"):
    data = text.replace("\n", newline)
    if encoding == "utf-16be-nobom":
        raw = data.encode("utf-16-be")
    elif encoding == "utf-16le-bom":
        raw = b"\xff\xfe" + data.encode("utf-16-le")
    else:
        raw = data.encode(encoding)
    with open(path, "wb") as f:
        f.write(raw)


HAND = [
    ("hand/hanshou-typed.txt", "hanshou-2024-05"),
    ("hand/lixian-pdf-copy.txt", "lixian-2024-08"),
    ("hand/jinshi-wps-paste.txt", "jinshi-2024-10"),
]


def main():
    os.makedirs(DRAFTS, exist_ok=True)
    manifest = []

    def add(file, expected):
        manifest.append(("drafts/" + file, expected))
        return os.path.join(DRAFTS, file)

    tj, nx, ah = load("taojiang-2024-07"), load("nanxian-2023-12"), load("anhua-2024-03")
    zy, yj, hs = load("ziyang-2025-02"), load("yuanjiang-2024-06"), load("heshan-2024-09")

    # Pasted from Word.
    write(add("taojiang-word-indent-blank.txt", "taojiang-2024-07"), word_text(tj))
    write(add("nanxian-word-plain-bom.txt", "nanxian-2023-12"),
          word_text(nx, indent=False, blank=False), encoding="utf-8-sig", newline="\r\n")
    write(add("nanxian-gbk.txt", "nanxian-2023-12"),
          word_text(nx, blank=False, copies_inline=True), encoding="gb18030", newline="\r\n")
    write(add("anhua-utf16le.txt", "anhua-2024-03"),
          word_text(ah, indent=False), encoding="utf-16le-bom", newline="\r\n")
    write(add("ziyang-chinese-numerals.txt", "ziyang-2025-02"), word_text(zy, chinese=True))
    write(add("yuanjiang-utf16be.txt", "yuanjiang-2024-06"),
          word_text(yj, blank=False), encoding="utf-16be-nobom")
    write(add("heshan-split-title.txt", "heshan-2024-09"),
          word_text(hs, total_own_line=True, split_title=("区大气办开展秋冬季攻坚督查", 5),
                    copies_inline=True))

    # Copied out of a PDF, one paragraph a line, cut at page breaks.
    write(add("anhua-pdf-copy.txt", "anhua-2024-03"), pdf_copy_text(ah, cuts={2, 5, 8}))
    write(add("taojiang-pdf-copy.txt", "taojiang-2024-07"), pdf_copy_text(tj, cuts={1, 4}))

    # .docx by python-docx.
    python_docx(tj, add("taojiang-python-docx.docx", "taojiang-2024-07"))
    python_docx(yj, add("yuanjiang-python-docx-table.docx", "yuanjiang-2024-06"),
                table_masthead=True, list_items=True)

    # .docx by LibreOffice: from HTML (centred, bold) and from plain text.
    libreoffice_docx(html(nx), ".html", add("nanxian-libreoffice.docx", "nanxian-2023-12"))
    libreoffice_docx(html(hs), ".html", add("heshan-libreoffice.docx", "heshan-2024-09"))
    libreoffice_docx(word_text(zy), ".txt", add("ziyang-libreoffice-from-text.docx", "ziyang-2025-02"))

    # pdftotext of jianbao's own PDFs.
    pdftotext("taojiang-2024-07", add("taojiang-pdftotext.txt", "taojiang-2024-07"))
    pdftotext("anhua-2024-03", add("anhua-pdftotext-raw.txt", "anhua-2024-03"), raw=True)
    pdftotext("heshan-2024-09", add("heshan-pdftotext.txt", "heshan-2024-09"))
    pdftotext("yuanjiang-2024-06", add("yuanjiang-pdftotext.txt", "yuanjiang-2024-06"))

    # pdftotext of PDFs made by LibreOffice from three of the .docx drafts.
    for docx, expected in (("taojiang-python-docx", "taojiang-2024-07"),
                           ("nanxian-libreoffice", "nanxian-2023-12"),
                           ("heshan-libreoffice", "heshan-2024-09")):
        office_pdf_text(os.path.join(DRAFTS, docx + ".docx"),
                        add(docx + "-pdf-pdftotext.txt", expected))

    # Drafts typed by hand, with the slips people make (kept in hand/).
    manifest += HAND

    with open(os.path.join(HERE, "drafts.tsv"), "w", encoding="utf-8") as f:
        f.write("# draft (relative to this folder)\texpected bulletin (in expected/, .json)\n")
        for file, expected in manifest:
            f.write(f"{file}\t{expected}\n")
    print(f"{len(manifest)} drafts written to {DRAFTS}")


if __name__ == "__main__":
    sys.exit(main())
