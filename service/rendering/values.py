"""How payload values appear in a document: sanitising, escaping, number and date formats, blank forms.

User text is data, never template: it reaches Jinja only as a context value, is stripped of characters
XML forbids, escaped, and its newlines become Word line breaks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

# XML 1.0 forbids C0 controls except tab/newline/CR, lone surrogates and U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
# A hyphen no line is broken at (Word breaks after "-"); LibreOffice paints it with the run's own "-" glyph,
# so Liberation Serif (no U+2011 glyph) needs no fallback font and PDF text keeps the digits together.
_NO_BREAK_HYPHEN = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'
# The separators a payload may put between telephone numbers (service.payloads.common.Phone).
_PHONE_SEPARATORS = re.compile(r"\s*[,，;；、/]\s*|\s+")


def clean_text(text: str) -> str:
    """Remove characters that cannot appear in a .docx and normalise line ends to \\n."""
    return _ILLEGAL_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _text_markup(text: str) -> Markup:
    escaped = str(escape(clean_text(text)))
    return Markup(escaped.replace("\n", _BREAK).replace("\t", _TAB))


class Blank:
    """Stands for the payload in a blank form: every part of it is itself and prints as nothing."""

    def __getattr__(self, name: str) -> Blank:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key: Any) -> Blank:
        return self

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __str__(self) -> str:
        return ""

    def __len__(self) -> int:
        return 0


BLANK = Blank()


def fmt_decimal(value: Decimal | float | int, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    # -0.0 and small negatives that round to zero keep their sign in Decimal: a form prints "0.00", not "-0.00".
    return str(rounded.copy_abs() if rounded.is_zero() else rounded)


def amount(value: Any) -> Any:
    """Amounts and percentages: two decimals."""
    if value is None or isinstance(value, Blank) or value == "":
        return ""
    return fmt_decimal(value, 2)


def count(value: Any) -> Any:
    if value is None or isinstance(value, Blank) or value == "":
        return ""
    return str(int(value))


def date_cn(value: Any) -> str:
    """2026年3月18日 (no leading zeros, as GB/T 9704 writes dates); blank: spaces to write by hand."""
    if value is None or isinstance(value, Blank):
        return "      年    月    日"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def paragraphs(value: Any) -> list[str]:
    """The applicant's text split on newlines into non-empty paragraphs (blank: one empty paragraph)."""
    if value is None or isinstance(value, Blank):
        return [""]
    parts = [p.strip() for p in clean_text(str(value)).split("\n")]
    return [p for p in parts if p] or [""]


def rows(value: Any, blank_rows: int) -> list[Any]:
    """A loop's rows: the list itself, or `blank_rows` empty rows in a blank form."""
    if isinstance(value, Blank):
        return [BLANK] * blank_rows
    return list(value or [])


def phone_lines(value: Any) -> Any:
    """Telephone numbers one per line, each unbreakable: "020-87654321-802,13922245678" gives two lines
    and neither number is ever split at its hyphens."""
    if value is None or isinstance(value, Blank):
        return ""
    numbers = [n for n in _PHONE_SEPARATORS.split(clean_text(str(value)).strip()) if n]
    return Markup(_BREAK.join(str(escape(n)).replace("-", _NO_BREAK_HYPHEN) for n in numbers))


def _is_wide(char: str) -> bool:
    return ord(char) >= 0x2E80  # CJK scripts, symbols and full-width forms: one em


def line_width_pt(text: str, size_pt: float, tracking_pt: float = 0.0) -> float:
    """Width of a line of text as Word and LibreOffice set it: a Chinese or full-width character one em, a
    digit half an em (Times New Roman / Liberation Serif), another Latin character counted at 0.6 em to err on
    the wide side, a quarter em wherever Chinese meets Latin or digits (both add that space on their own), and
    `tracking_pt` (w:spacing) after every character."""
    width = sum(1.0 if _is_wide(c) else 0.5 if c.isdigit() and c.isascii() else 0.6 for c in text) * size_pt
    switches = sum(_is_wide(a) != _is_wide(b) for a, b in itertools.pairwise(text))
    return width + switches * size_pt / 4 + len(text) * tracking_pt


def phrase_lines(parts: Any, width_pt: float, size_pt: float, tracking_pt: float = 0.0) -> Any:
    """Phrases joined on one line while they fit in `width_pt`; a line too long breaks between two phrases (a
    Word line break), never inside one: "此表请于…前" / "通过粤政易报…汇总" rather than "…汇" / "总"."""
    if parts is None or isinstance(parts, Blank):
        return ""
    lines: list[str] = []
    for part in (clean_text(str(p)) for p in parts):
        if lines and line_width_pt(lines[-1] + part, size_pt, tracking_pt) <= width_pt:
            lines[-1] += part
        else:
            lines.append(part)
    return Markup(_BREAK.join(str(escape(line)) for line in lines))


def checkbox(value: Any) -> str:
    return "☑" if value and not isinstance(value, Blank) else "☐"


def finalize(value: Any) -> Any:
    """Applied to every {{ }} output before escaping: one consistent format for each type."""
    if value is None or isinstance(value, Blank):
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return fmt_decimal(value, 2)
    if isinstance(value, dt.date):
        return date_cn(value)
    if isinstance(value, str):
        return _text_markup(value)
    if isinstance(value, Iterable):
        return _text_markup("、".join(str(v) for v in value))
    return _text_markup(str(value))


FILTERS = {
    "amount": amount,
    "percent": amount,
    "count": count,
    "date_cn": date_cn,
    "paragraphs": paragraphs,
    "rows": rows,
    "checkbox": checkbox,
    "phone_lines": phone_lines,
    "phrase_lines": phrase_lines,
}
GLOBALS = {"checkbox": checkbox}
