#!/usr/bin/env python3
"""Build the small font files the tests of font collections and of an
office's own fonts use (tests/it/fonts.rs), from open-licensed faces.

    python3 tests/data/fonts/make-fixtures.py NotoSerifCJK-Bold.ttc

NotoSerifCJK-Bold.ttc is the file of Debian's fonts-noto-cjk package
(1:20220127+repack1-1: `apt-get download fonts-noto-cjk && dpkg -x
fonts-noto-cjk_*.deb noto`, then noto/usr/share/fonts/opentype/noto/). The
other faces come from the repository's fonts/. Needs fontTools (4.x).

Writes, next to this script:

- NotoSerifCJK-Bold-test.ttc: a collection of two faces of the Noto file,
  the Japanese one first (as in the real file, where face 0 is JP) and the
  Simplified Chinese one second, each cut to the characters of TTC_TEXT.
  Its glyphs of 骨 differ between the two faces, so a test can tell which
  face drew them.
- office/: stand-ins for the fonts an office has licensed, each a few
  dozen glyphs of an open face renamed with the family name of the face
  it stands for, so that `jianbao fonts use` can be tried on them. They are
  NOT those fonts: their outlines are Fandol's and Noto's. simsun.ttc holds
  two faces named 新宋体 (first) and 宋体 (second), the reverse of the real
  file, so that taking its first face would be wrong.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
FONTS = REPO / "fonts"

# The title of the collection test's bulletin (tests/it/fonts.rs), and
# characters whose Japanese and Chinese glyphs differ (骨, 写, 边).
TTC_TEXT = "某县工作简报骨干队伍建设写边第期"

# The office test's bulletin (tests/it/fonts.rs, minimal()): name, issuer,
# issue line, one article, the footer; digits come from the Latin faces.
OFFICE_TEXT = (
    "某县工作简报第期总人民政府办公室年月日印发报送市各乡镇"
    "共份标题正文召开会议部署工作落实责任。，：（）【】—"
)

DESCRIPTION = "jianbao test fixture: a few glyphs of an open face, renamed; not the font it is named after"


def cut(font: TTFont, text: str) -> TTFont:
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)
    return font


def rename(font: TTFont, family_en: str, family_zh: str | None, ps: str, style: str = "Regular") -> None:
    name = font["name"]
    name.names = []
    for lang, fam in ((0x409, family_en), (0x804, family_zh)):
        if fam is None:
            continue
        full = fam if style == "Regular" else f"{fam} {style}"
        name.setName(fam, 1, 3, 1, lang)
        name.setName(style, 2, 3, 1, lang)
        name.setName(full, 4, 3, 1, lang)
    name.setName(ps, 6, 3, 1, 0x409)
    name.setName(DESCRIPTION, 10, 3, 1, 0x409)
    if "CFF " in font:
        font["CFF "].cff.fontNames = [ps]


def collection(noto_ttc: Path) -> None:
    src = TTCollection(str(noto_ttc))
    faces = {f["name"].getDebugName(6): i for i, f in enumerate(src.fonts)}
    out = TTCollection()
    for ps in ("NotoSerifCJKjp-Bold", "NotoSerifCJKsc-Bold"):
        face = TTFont(str(noto_ttc), fontNumber=faces[ps])
        out.fonts.append(cut(face, TTC_TEXT))
    out.save(str(HERE / "NotoSerifCJK-Bold-test.ttc"))


def office() -> None:
    dest = HERE / "office"
    dest.mkdir(exist_ok=True)
    plan = [
        ("NotoSerifCJKsc-Bold.subset.otf", "xiaobiaosong.otf", "FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXBSJW--GB1-0"),
        ("FandolFang-Regular.otf", "fangsong.otf", "FangSong_GB2312", "仿宋_GB2312", "FangSong_GB2312"),
        ("FandolKai-Regular.otf", "kaiti.otf", "KaiTi_GB2312", "楷体_GB2312", "KaiTi_GB2312"),
        ("NotoSansCJKsc-Medium.subset.otf", "simhei.otf", "SimHei", "黑体", "SimHei"),
    ]
    for src, out, en, zh, ps in plan:
        font = cut(TTFont(str(FONTS / src)), OFFICE_TEXT)
        rename(font, en, zh, ps)
        font.save(str(dest / out))
    # 新宋体 first, 宋体 second: the order of the real simsun.ttc reversed.
    song = TTCollection()
    for en, zh, ps in (("NSimSun", "新宋体", "NSimSun"), ("SimSun", "宋体", "SimSun")):
        font = cut(TTFont(str(FONTS / "FandolSong-Regular.otf")), OFFICE_TEXT)
        rename(font, en, zh, ps)
        song.fonts.append(font)
    song.save(str(dest / "simsun.ttc"))


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    collection(Path(sys.argv[1]))
    office()


if __name__ == "__main__":
    main()
