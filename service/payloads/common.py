"""Field types shared by every payload model: one definition each, reused by all forms.

Each type carries its validation (GB 32100 check digit, phone formats, the 2000-character limit of the
narrative sections) and raises `PydanticCustomError` with a stable code and a Chinese message, so that
`service.payloads.errors` can report it unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

# --- Visible text ------------------------------------------------------------------------------------------

# Categories that are never visible text on a form: controls (Cc) and format characters (Cf: zero-width space and
# joiners, bidi embeddings, overrides and isolates, BOM, soft hyphen, tag characters). Lone surrogates are not
# dropped: they are broken input, rejected at their field (invalid_characters).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})
# Letters by category but blank on the page: the Hangul fillers.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Blocks without a control, format or filler character (checked by tests/test_payload_validation.py): a text made
# of them only (Chinese with its punctuation, Latin, full-width forms, symbols) is visible as it is, which one
# regular expression tells faster than a look at each character's category.
VISIBLE_BLOCKS = (
    *((0x0020, 0x007E), (0x00A0, 0x00AC), (0x00AE, 0x036F), (0x2010, 0x2027), (0x2030, 0x205E), (0x2100, 0x2BFF)),
    *((0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF)),
    *((0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFF9F), (0xFFE0, 0xFFEE)),
)
_ALL_VISIBLE = re.compile("[\\n\\t" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in VISIBLE_BLOCKS) + "]*")
_LINE_ENDS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def visible_text(value: str) -> str:
    """The text as it can be seen: line ends (CR LF, CR, U+2028/2029, NEL) become \\n; tab and newline stay;
    every other control and format (zero-width, bidi) character and the Hangul fillers are dropped.

    The one rule for user text: every payload string passes through it before validation, so a required text
    that is empty after it (``"\\u200b"``, ``"\\u0000"``) is missing, and nothing invisible reaches a form or a
    file name."""
    text = _LINE_ENDS.sub("\n", value)
    if text.isascii():
        return _ASCII_CONTROLS.sub("", text)
    if _ALL_VISIBLE.fullmatch(text):
        return text
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ch not in _INVISIBLE_LETTERS)
    )


def _visible_strings(value: Any) -> Any:
    """Every string inside a JSON value through `visible_text` (keys stay: unknown keys are reported as given)."""
    if isinstance(value, str):
        return visible_text(value)
    if isinstance(value, dict):
        return {k: _visible_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible_strings(v) for v in value]
    return value


# --- 附件标注 -----------------------------------------------------------------------------------------------

# The 公文 composer recognises (and renumbers) a mark of this shape; anything else would print twice.
ANNEX_MARK = re.compile(r"附件\s*\d*")
ANNEX_MARK_MAX_LENGTH = 10


def _annex_mark(value: str) -> str:
    if value and (len(value) > ANNEX_MARK_MAX_LENGTH or not ANNEX_MARK.fullmatch(value)):
        raise PydanticCustomError(
            "annex_mark_format",
            "附件标注应为“附件”加可选的阿拉伯数字编号（如“附件2”），或留空表示不标注；现为“{value}”",
            {"value": value},
        )
    return value


AnnexMark = Annotated[
    str,
    AfterValidator(_annex_mark),
    WithJsonSchema({"type": "string", "pattern": r"^(附件\s*\d*)?$", "maxLength": ANNEX_MARK_MAX_LENGTH}),
]
"""附件标注 of a standalone form ("附件2"), or "" for none: one rule for every form that prints one."""


def annex_mark_field(default: str, *, place: str) -> Any:
    """The annex_mark field: printed at `place` on a standalone form; the 公文 composer replaces it with its own
    number when it attaches the form."""
    return Field(
        default=default,
        title="附件标注",
        description=f"{place}的附件标注，默认“{default}”；空字符串表示不标注。作为公文附件时由公文重新编号",
    )


class PayloadModel(BaseModel):
    """Base of every payload model: unknown keys are errors (a typo must not be silently dropped); every string
    is reduced to its visible text before it is validated (`visible_text`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _visible_text_only(cls, data: Any) -> Any:
        return _visible_strings(data) if isinstance(data, dict) else data


class CreationField(StrEnum):
    """创建领域：通知规定的十个领域之一。"""

    ARTIFICIAL_INTELLIGENCE = "人工智能"
    INTELLIGENT_CONNECTED_NEV = "智能网联新能源汽车"
    NEW_ENERGY_STORAGE = "新型储能制造"
    CLEAN_LOW_CARBON_HYDROGEN = "清洁低碳氢"
    BIOMANUFACTURING = "生物制造"
    INTELLIGENT_ROBOTS = "智能机器人"
    LOW_ALTITUDE_EQUIPMENT = "低空装备"
    COMMERCIAL_SPACEFLIGHT = "商业航天"
    SAFETY_EMERGENCY_EQUIPMENT = "安全应急装备"
    SOFTWARE = "软件"


def _creation_field(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value not in CreationField._value2member_map_:
            raise PydanticCustomError(
                "creation_field_invalid",
                "“{value}”不是通知规定的十个创建领域之一（{allowed}）",
                {"value": value, "allowed": "、".join(f.value for f in CreationField)},
            )
    return value


CreationFieldValue = Annotated[CreationField, BeforeValidator(_creation_field)]

# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# ASCII: Python's \d also matches other scripts' digits ("٠"), which have no place in the code's alphabet.
_CREDIT_CODE_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", re.ASCII)


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 for its first 17 characters."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def _credit_code(value: str) -> str:
    code = re.sub(r"\s+", "", value).upper()
    if len(code) != 18 or not _CREDIT_CODE_SHAPE.fullmatch(code):
        raise PydanticCustomError(
            "credit_code_format",
            "统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z），第 3–8 位为行政区划代码",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise PydanticCustomError(
            "credit_code_check_digit",
            "统一社会信用代码校验位错误：第 18 位应为“{expected}”，实为“{actual}”",
            {"expected": expected, "actual": code[17]},
        )
    return code


CreditCode = Annotated[
    str,
    AfterValidator(_credit_code),
    WithJsonSchema({"type": "string", "pattern": _CREDIT_CODE_SHAPE.pattern, "minLength": 18, "maxLength": 18}),
]

# --- Telephone -----------------------------------------------------------------------------------------

_LANDLINE = r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"
_MOBILE = r"(?:\+86|0086)?-?1[3-9]\d{9}"
PHONE_PATTERN = re.compile(rf"(?:{_LANDLINE}|{_MOBILE})")
_PHONE_SEPARATORS = re.compile(r"\s*[,，;；、/]\s*|\s+")


def _phone(value: str) -> str:
    numbers = [n for n in _PHONE_SEPARATORS.split(value.strip()) if n]
    if not numbers:
        raise PydanticCustomError("required", "请填写联系电话")
    bad = [n for n in numbers if not PHONE_PATTERN.fullmatch(n)]
    if bad:
        raise PydanticCustomError(
            "phone_format",
            "电话号码“{bad}”格式不正确：固定电话如 020-83133305（可带分机 -1234），手机如 18688205188；"
            "多个号码用逗号分隔",
            {"bad": "、".join(bad)},
        )
    return ",".join(numbers)


Phone = Annotated[
    str,
    AfterValidator(_phone),
    WithJsonSchema(
        {
            "type": "string",
            "description": "一个或多个电话号码，逗号分隔；固定电话 020-83133305，手机 18688205188",
            "examples": ["020-83133305,18688205188"],
        }
    ),
]

# --- Dates -----------------------------------------------------------------------------------------------

_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _date(value: Any) -> Any:
    """Accept ISO dates and the 2026年3月18日 form; reject impossible dates with a Chinese message."""
    if isinstance(value, str):
        text = value.strip()
        m = _CN_DATE.fullmatch(text) or re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
        if not m:
            raise PydanticCustomError(
                "date_format", "日期“{value}”格式不正确，应为 2026-03-18 或 2026年3月18日", {"value": text}
            )
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise PydanticCustomError("date_invalid", "日期“{value}”不存在", {"value": text}) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    # Numbers would be read as Unix timestamps and datetimes lose their time silently: the contract is a string.
    raise PydanticCustomError("date_format", "应为日期文字，如 2026-03-18 或 2026年3月18日")


FormDate = Annotated[
    dt.date,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-03-25"]}),
]

# --- Numbers ---------------------------------------------------------------------------------------------


def _number_only(value: Any) -> Any:
    """JSON numbers only: "12.5" or true are not amounts (the published schema says number)."""
    if isinstance(value, str | bool):
        raise PydanticCustomError("wrong_type", "应为数字（不加引号）")
    return value


def _decimal_serializer(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_number_only),
    Field(ge=0, max_digits=16, decimal_places=6),
    PlainSerializer(_decimal_serializer, return_type=float | None, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
"""A non-negative amount (亿元, 万元/公顷, 公顷); shown with two decimals."""

Percent = Annotated[
    Decimal,
    BeforeValidator(_number_only),
    Field(ge=0, le=100, max_digits=12, decimal_places=6),
    PlainSerializer(_decimal_serializer, return_type=float | None, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
"""A share in percent (占比, 比重, 强度, 市场占有率): 0–100; shown with two decimals."""

GrowthRate = Annotated[
    Decimal,
    BeforeValidator(_number_only),
    Field(ge=-100, max_digits=12, decimal_places=6),
    PlainSerializer(_decimal_serializer, return_type=float | None, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": -100}),
]
"""A growth rate or margin in percent (增长率, 增速, 毛利润率): may be negative."""

Count = Annotated[int, Field(ge=0, le=10**9), BeforeValidator(_number_only)]
"""A count of enterprises, people, patents …: a non-negative integer."""

# --- Text ------------------------------------------------------------------------------------------------

NARRATIVE_MAX_CHARS = 2000


def _narrative(value: str) -> str:
    counted = len(re.sub(r"\s", "", value))
    if counted > NARRATIVE_MAX_CHARS:
        raise PydanticCustomError(
            "text_too_long",
            "内容不超过 {limit} 字（不计空白），现有 {count} 字",
            {"limit": NARRATIVE_MAX_CHARS, "count": counted},
        )
    return value


NarrativeText = Annotated[
    str,
    Field(min_length=1),
    AfterValidator(_narrative),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": "正文，换行分段；不超过 2000 字（不计空白字符）",
        }
    ),
]
"""A free-text section of at most 2000 characters (whitespace not counted); newlines split paragraphs."""

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
"""A name, address or title: one line, at most 200 characters."""

MediumText = Annotated[str, Field(min_length=1, max_length=500)]
"""A short description such as 主营业务: at most 500 characters."""

# --- Year series -----------------------------------------------------------------------------------------

YEARS = (2023, 2024, 2025)
N = TypeVar("N", bound=Decimal | int)


class YearSeries(PayloadModel, Generic[N]):
    """2023、2024、2025 三年的数值（JSON 键 "2023"、"2024"、"2025"）；近三年平均值由服务计算。"""

    y2023: N | None = Field(default=None, alias="2023", title="2023 年")
    y2024: N | None = Field(default=None, alias="2024", title="2024 年")
    y2025: N | None = Field(default=None, alias="2025", title="2025 年")

    def values(self) -> list[N | None]:
        return [self.y2023, self.y2024, self.y2025]

    @property
    def average(self) -> Decimal | None:
        """Mean of the years given (近三年平均值); None when no year is given."""
        present = [Decimal(v) for v in self.values() if v is not None]
        if not present:
            return None
        return sum(present, Decimal(0)) / len(present)


class AmountSeries(YearSeries[Amount]):
    """2023–2025 年各年的金额（亿元等），不可为负。"""


class PercentSeries(YearSeries[Percent]):
    """2023–2025 年各年的占比（%），0–100。"""


class GrowthSeries(YearSeries[GrowthRate]):
    """2023–2025 年各年的增长率或利润率（%），可为负。"""


class CountSeries(YearSeries[Count]):
    """2023–2025 年各年的数量（整数）。"""
