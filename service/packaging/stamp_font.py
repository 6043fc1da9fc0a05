"""The page-number font: the 宋体 face the documents use, subset to "— 0123456789" and embedded.

Which face: whatever fontconfig gives for 宋体 (system/fontconfig maps it to Noto Serif CJK SC, as it does for
LibreOffice when it converts the documents), so the numbers match the documents' 宋体 and print the same on any
printer or viewer, which a non-embedded standard font cannot promise (and PDF/A forbids).

How: fontTools (the reference font library, maintained by the type community and used by most font tools) reads
the outlines of the 12 glyphs and writes a new bare CFF font program (~2 KB) with standard glyph names. It is
embedded as a simple Type 1 font (/FontFile3 /Type1C) with WinAnsiEncoding, so the stamp's bytes stay
single-byte ("—" is 0x97), text extraction gives exactly "— N —" from the glyph names, and /Widths are the
font's own advance widths (a PDF/A requirement). The program depends only on the font file: the same bytes on
every run, so packages stay reproducible. Built once per process (reading the CJK face takes ~1 s).
"""

from __future__ import annotations

import hashlib
import io
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from service.packaging.errors import PackageError

FAMILY = "宋体"
CHARS = "— 0123456789"
GLYPH_NAMES = {
    "—": "emdash",
    " ": "space",
    **dict(
        zip("0123456789", ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), strict=True)
    ),
}
FIRST_CHAR, LAST_CHAR = 0x20, 0x97  # space … emdash in WinAnsiEncoding


@dataclass(frozen=True)
class StampFont:
    base_font: str
    """Subset name, e.g. "QWERTY+NotoSerifCJKsc-Regular" (tag derived from the program's bytes)."""
    family: str
    program: bytes
    """The bare CFF font program (/FontFile3 /Subtype /Type1C)."""
    widths: dict[str, int]
    """Advance widths (1/1000 em) by character."""
    bbox: tuple[int, int, int, int]
    dash_middle: float
    """Height of the em dash's middle above the baseline, in em."""
    digit_top: float
    """Top of the tallest digit above the baseline, in em."""
    ascent: int
    descent: int

    def text_width(self, text: str, size: float) -> float:
        return sum(self.widths[c] for c in text) * size / 1000

    def code_width(self, code: int) -> int:
        char = bytes([code]).decode("cp1252", errors="ignore")
        return self.widths.get(char, 0)


def locate(family: str = FAMILY) -> tuple[str, int, str]:
    """(file, face index, family name) of what fontconfig gives for `family`."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family[0]}", family],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        path, index, name = out.split("\n", 2)
        return path, int(index or 0), name
    except (OSError, subprocess.SubprocessError, ValueError):
        raise PackageError(
            "stamp_font_missing", f"找不到页码字体“{family}”：fontconfig（fc-match）不可用；请运行 make install"
        ) from None


@lru_cache(maxsize=1)
def stamp_font() -> StampFont:
    from fontTools.cffLib import CFFFontSet
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont, TTLibError

    path, index, family = locate()
    try:
        source = TTFont(path, fontNumber=index, lazy=True)
        cmap = source.getBestCmap()
        glyphs = source.getGlyphSet()
        scale = 1000 / source["head"].unitsPerEm
        missing = [c for c in CHARS if ord(c) not in cmap]
        if missing:
            raise PackageError("stamp_font_missing", f"页码字体 {family} 缺少字符“{''.join(missing)}”")
        order = [".notdef", *(GLYPH_NAMES[c] for c in CHARS)]
        charstrings = {}
        widths: dict[str, int] = {}
        boxes: dict[str, tuple[float, float, float, float] | None] = {}
        notdef = T2CharStringPen(0, None)
        charstrings[".notdef"] = notdef.getCharString()
        for char in CHARS:
            name = cmap[ord(char)]
            width = round(source["hmtx"][name][0] * scale)
            # Outlines are scaled to a 1000-unit em so that the CFF's default FontMatrix applies.
            pen = T2CharStringPen(width, None)
            glyphs[name].draw(TransformPen(pen, (scale, 0, 0, scale, 0, 0)))
            charstrings[GLYPH_NAMES[char]] = pen.getCharString()
            bounds = BoundsPen(None)
            glyphs[name].draw(TransformPen(bounds, (scale, 0, 0, scale, 0, 0)))
            widths[char] = width
            boxes[char] = bounds.bounds
        ps_name = str(source["name"].getDebugName(6) or "NotoSerifCJKsc-Regular").replace(" ", "")
        ascent = round(source["hhea"].ascent * scale)
        descent = round(source["hhea"].descent * scale)
    except (OSError, TTLibError, KeyError) as exc:
        raise PackageError("stamp_font_missing", f"无法读取页码字体 {family}（{path}）：{exc}") from None

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(order)
    builder.setupCFF(ps_name, {"FullName": ps_name, "FamilyName": family}, charstrings, {})
    cff: CFFFontSet = builder.font["CFF "].cff
    out = io.BytesIO()
    cff.compile(out, builder.font)
    program = out.getvalue()
    painted = [b for b in boxes.values() if b is not None]
    bbox = (
        min(round(b[0]) for b in painted),
        min(round(b[1]) for b in painted),
        max(round(b[2]) for b in painted),
        max(round(b[3]) for b in painted),
    )
    dash = boxes["—"]
    assert dash is not None
    tag = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256(program).digest()[:6])
    return StampFont(
        base_font=f"{tag}+{ps_name}",
        family=family,
        program=program,
        widths=widths,
        bbox=bbox,
        dash_middle=(dash[1] + dash[3]) / 2 / 1000,
        digit_top=max(box[3] for d in "0123456789" if (box := boxes[d]) is not None) / 1000,
        ascent=ascent,
        descent=descent,
    )
