"""Official font names come out of LibreOffice in the mapped Simplified-Chinese faces, and the PDF options
(PDF/A-2b, metadata, embedded fonts) hold.

How faces are told apart: each embedded font is a subset whose ToUnicode lists exactly the characters it
draws. Fandol faces are named by their BaseFont. Noto faces always carry the .ttc's internal name
"NotoSansCJKjp-…" / "NotoSerifCJKjp-…" whatever region was used, so for them each glyph's CID (LibreOffice
names the glyphs "cidNNNNN") is compared with the glyph the *SC* face's cmap gives for that character —
for 宋家新展… the Japanese face has another glyph. That is the "no JP faces" check.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from service.conversion import ConversionPool, PdfOptions, PoolSettings
from service.conversion.fonts import OFFICIAL_FONTS, fc_match

# Disjoint characters per font, so that each subset's ToUnicode tells which font drew them. 宋家新展 and
# 宫骨 have different glyphs in the Japanese and the Chinese faces of Noto CJK.
SAMPLES = {
    "仿宋_GB2312": ("春夏秋冬", "FandolFang-Regular"),
    "黑体": ("东南西北家新", "NotoSansCJK*-Regular"),
    "楷体_GB2312": ("金木水火", "FandolKai-Regular"),
    "方正小标宋简体": ("日月星辰展宋", "NotoSerifCJK*-Bold"),
    "宋体": ("山川河流宫骨", "NotoSerifCJK*-Regular"),
}
# LibreOffice names a Noto subset after the collection's first face plus a suffix: NotoSansCJKjp-Regular-VKana.
ALLOWED_CJK_FACES = re.compile(r"^(FandolFang-Regular|FandolKai-Regular|Noto(Sans|Serif)CJK\w*-(Regular|Bold)(-\w+)?)$")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


# -- reading fonts out of a PDF -----------------------------------------------------------------------------


@dataclass
class EmbeddedFont:
    base_name: str
    """BaseFont without the subset prefix (ABCDEF+)."""
    subtype: str
    embedded: bool
    unicode: dict[int, str] = field(default_factory=dict)
    """character code → text (ToUnicode)."""
    glyph_names: dict[int, str] = field(default_factory=dict)
    """character code → glyph name (the built-in encoding of an embedded Type 1 program)."""

    @property
    def chars(self) -> set[str]:
        return {char for text in self.unicode.values() for char in text}


def _hex_text(value: str) -> str:
    raw = bytes.fromhex(value)
    return raw.decode("utf-16-be", errors="replace")


def parse_to_unicode(cmap: bytes) -> dict[int, str]:
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(source, 16)] = _hex_text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            low_code, high_code = int(low, 16), int(high, 16)
            if rest.startswith("["):
                targets = re.findall(r"<([0-9A-Fa-f]+)>", rest)
                for offset, target in enumerate(targets):
                    mapping[low_code + offset] = _hex_text(target)
            else:
                start = int(rest[1:-1], 16)
                for offset in range(high_code - low_code + 1):
                    mapping[low_code + offset] = chr(start + offset)
    return mapping


def type1_encoding(program: bytes, clear_length: int) -> dict[int, str]:
    clear = program[:clear_length].decode("latin-1")
    return {int(code): name for code, name in re.findall(r"dup (\d+) /(\S+) put", clear)}


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    fonts: dict[tuple[int, int], EmbeddedFont] = {}

    def visit(resources: pikepdf.Dictionary) -> None:
        for font in (resources.get("/Font") or {}).values():
            key = font.objgen
            if key in fonts:
                continue
            descriptor = font.get("/FontDescriptor")
            program = None
            if descriptor is not None:
                program = descriptor.get("/FontFile") or descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            entry = EmbeddedFont(
                base_name=str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1],
                subtype=str(font.get("/Subtype")),
                embedded=program is not None,
            )
            if "/ToUnicode" in font:
                entry.unicode = parse_to_unicode(font.ToUnicode.read_bytes())
            if program is not None and descriptor.get("/FontFile") is not None:
                entry.glyph_names = type1_encoding(program.read_bytes(), int(program.get("/Length1", 0)))
            fonts[key] = entry
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject.Resources)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            visit(page.obj.get("/Resources", pikepdf.Dictionary()))
    return list(fonts.values())


# -- the SC face's cmap, read from the .ttc ---------------------------------------------------------------


def _tables(data: bytes, offset: int) -> dict[str, int]:
    count = struct.unpack(">H", data[offset + 4 : offset + 6])[0]
    found = {}
    for i in range(count):
        tag, _, table_offset, _ = struct.unpack(">4sIII", data[offset + 12 + 16 * i : offset + 28 + 16 * i])
        found[tag.decode("latin-1")] = table_offset
    return found


def _family(data: bytes, offset: int) -> str:
    table = _tables(data, offset)["name"]
    _, count, strings = struct.unpack(">HHH", data[table : table + 6])
    names = {}
    for i in range(count):
        platform, _, language, name_id, length, start = struct.unpack(
            ">6H", data[table + 6 + 12 * i : table + 18 + 12 * i]
        )
        if platform == 3 and language == 0x409 and name_id in (1, 16):
            names[name_id] = data[table + strings + start : table + strings + start + length].decode("utf-16-be")
    return names.get(16) or names.get(1, "")


def _cmap(data: bytes, offset: int) -> dict[int, int]:
    table = _tables(data, offset)["cmap"]
    count = struct.unpack(">H", data[table + 2 : table + 4])[0]
    for i in range(count):
        platform, encoding, sub = struct.unpack(">HHI", data[table + 4 + 8 * i : table + 12 + 8 * i])
        start = table + sub
        if (platform, encoding) in ((3, 10), (0, 4)) and struct.unpack(">H", data[start : start + 2])[0] == 12:
            groups = struct.unpack(">I", data[start + 12 : start + 16])[0]
            mapping = {}
            for g in range(groups):
                first, last, glyph = struct.unpack(">III", data[start + 16 + 12 * g : start + 28 + 12 * g])
                for code in range(first, last + 1):
                    mapping[code] = glyph + code - first
            return mapping
    raise AssertionError("no format 12 cmap")


@cache
def noto_cmaps(style: str, weight: str) -> dict[str, dict[int, int]]:
    """Family name → cmap of every face in the Noto {Sans,Serif} CJK {Regular,Bold} collection."""
    query = f"Noto {style} CJK SC:{weight.lower()}"
    path = subprocess.run(["fc-match", "-f", "%{file}", query], capture_output=True, text=True, check=True).stdout
    data = Path(path).read_bytes()
    assert data[:4] == b"ttcf", path
    count = struct.unpack(">I", data[8:12])[0]
    offsets = struct.unpack(f">{count}I", data[12 : 12 + 4 * count])
    return {_family(data, offset): _cmap(data, offset) for offset in offsets}


def assert_noto_glyphs_are_sc(font: EmbeddedFont) -> int:
    """Every CJK glyph of a Noto subset is the SC face's glyph; returns how many of them differ from JP."""
    match = re.match(r"Noto(Sans|Serif)CJK\w*-(Regular|Bold)", font.base_name)
    assert match, font.base_name
    style, weight = match.groups()
    cmaps = noto_cmaps(style, weight)
    sc, jp = cmaps[f"Noto {style} CJK SC"], cmaps[f"Noto {style} CJK JP"]
    assert font.glyph_names, f"{font.base_name}: no glyph names to check"
    distinguishing = 0
    for code, text in font.unicode.items():
        if len(text) != 1 or not is_cjk(text):
            continue
        name = font.glyph_names[code]
        assert name.startswith("cid"), name
        cid = int(name[3:])
        assert cid == sc[ord(text)], f"{text} drawn with glyph {cid}, SC has {sc[ord(text)]}, JP {jp.get(ord(text))}"
        distinguishing += sc[ord(text)] != jp.get(ord(text))
    return distinguishing


# -- fixtures ------------------------------------------------------------------------------------------------


def official_fonts_docx() -> bytes:
    document = docx.Document()
    for font_name, (chars, _) in SAMPLES.items():
        run = document.add_paragraph().add_run(f"{chars} 2026")
        properties = run._element.get_or_add_rPr()
        fonts = properties.get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font_name)
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), "Times New Roman")
        fonts.set(qn("w:hint"), "eastAsia")
        run.font.size = Pt(16)
    heading = document.add_heading("第一部分 基本情况", level=1)
    heading.runs[0]._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversionPool]:
    settings = PoolSettings(size=1, health_interval=0, temp_root=str(tmp_path_factory.mktemp("lo")))
    with ConversionPool(settings) as shared:
        yield shared


@pytest.fixture(scope="module")
def official_pdf(pool: ConversionPool) -> bytes:
    return pool.convert(official_fonts_docx())


def sample_ids() -> list[str]:
    try:
        from service.rendering import list_templates
    except ImportError:
        return []
    return [spec.id for spec in list_templates() if spec.sample_path.is_file()]


# -- tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", OFFICIAL_FONTS, ids=lambda rule: rule.name)
def test_fontconfig_resolves_each_official_name_to_its_mapped_family(rule) -> None:
    family, style, weight, file = fc_match(rule.name)
    assert family == rule.expected[0], f"{rule.name} → {family} {style} ({file}); run `make install`"
    if rule.bold:
        assert weight is not None and weight >= 200 and style == "Bold"


@pytest.mark.parametrize("font_name", SAMPLES)
def test_each_official_font_comes_out_in_its_mapped_face(official_pdf: bytes, font_name: str) -> None:
    chars, expected = SAMPLES[font_name]
    drawing = [font for font in embedded_fonts(official_pdf) if set(chars) & font.chars]
    assert len(drawing) == 1, [(font.base_name, sorted(font.chars)) for font in drawing]
    (font,) = drawing
    assert set(chars) <= font.chars
    assert re.fullmatch(expected.replace("*", r"\w*") + r"(-\w+)?", font.base_name), font.base_name
    assert font.embedded


def test_noto_glyphs_are_the_simplified_chinese_forms(official_pdf: bytes) -> None:
    noto = [font for font in embedded_fonts(official_pdf) if font.base_name.startswith("Noto")]
    assert {re.sub(r"CJK\w*-(\w+).*", r"CJK-\1", font.base_name) for font in noto} >= {
        "NotoSansCJK-Regular",
        "NotoSerifCJK-Regular",
        "NotoSerifCJK-Bold",
    }
    for font in noto:
        # The text has characters whose JP glyph differs, so a JP face would fail the check.
        assert assert_noto_glyphs_are_sc(font) >= 1, font.base_name


def test_no_other_face_draws_chinese_text(official_pdf: bytes) -> None:
    for font in embedded_fonts(official_pdf):
        cjk = {char for char in font.chars if is_cjk(char)}
        assert not cjk or ALLOWED_CJK_FACES.match(font.base_name), (font.base_name, sorted(cjk))
    latin = [font.base_name for font in embedded_fonts(official_pdf) if "2" in font.chars]
    assert latin and all(name.startswith("Liberation") for name in latin), latin


@pytest.mark.parametrize("template_id", sample_ids() or [pytest.param("none", marks=pytest.mark.skip("no samples"))])
def test_every_sample_uses_only_the_mapped_sc_faces_for_chinese(pool: ConversionPool, template_id: str) -> None:
    from service.rendering import get_template, render

    spec = get_template(template_id)
    pdf = pool.convert(render(template_id, json.loads(spec.sample_path.read_text(encoding="utf-8"))))
    fonts = embedded_fonts(pdf)
    assert all(font.embedded for font in fonts), [font.base_name for font in fonts if not font.embedded]
    wrong = {
        font.base_name: "".join(sorted(char for char in font.chars if is_cjk(char)))[:20]
        for font in fonts
        if any(is_cjk(char) for char in font.chars) and not ALLOWED_CJK_FACES.match(font.base_name)
    }
    # A style whose w:rFonts has w:eastAsiaTheme="majorEastAsia" ignores its w:eastAsia="黑体": the theme font
    # (for themeFontLang ja-JP: ＭＳ ゴシック, not installed) wins and LibreOffice falls back to AR PL UKai.
    assert wrong == {}, "Chinese text drawn with a face that is not one of the mapped SC fonts"
    for font in fonts:
        if font.base_name.startswith("Noto"):
            assert_noto_glyphs_are_sc(font)


def test_pdfa_2b_declares_its_conformance_and_carries_the_metadata(pool: ConversionPool) -> None:
    options = PdfOptions(
        pdfa=True,
        title="国家新兴产业发展示范基地创建申请书（示范园区）",
        author="佛山市南岭智能机器人产业园管理委员会",
        subject="创建申请书（示范园区）",
        keywords=("示范基地", "申请书"),
    )
    pdf = pool.convert(official_fonts_docx(), options)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == options.title
        assert meta["dc:creator"] == [options.author]
        assert meta["dc:description"] == options.subject
        assert "示范基地" in meta.get("pdf:Keywords", "")
        info = document.docinfo
        assert (str(info["/Title"]), str(info["/Author"]), str(info["/Subject"])) == (
            options.title,
            options.author,
            options.subject,
        )
        assert "/OutputIntents" in document.Root
    assert all(font.embedded for font in embedded_fonts(pdf))


def test_a_plain_pdf_has_metadata_embedded_fonts_and_no_pdfa_claim(official_pdf: bytes, pool: ConversionPool) -> None:
    pdf = pool.convert(official_fonts_docx(), PdfOptions(title="标题", author="申报单位", subject="模板标题"))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        info = document.docinfo
        assert (str(info["/Title"]), str(info["/Author"]), str(info["/Subject"])) == ("标题", "申报单位", "模板标题")
        assert "pdfaid:part" not in document.open_metadata()
    fonts = embedded_fonts(pdf)
    assert fonts and all(font.embedded for font in fonts)
