"""公文 (GB/T 9704-2012): a notice or letter with its header, body, 附件说明, signature, 附注 and attachments.

Body text is a list of blocks: a plain paragraph (level 0, optionally with a 黑体 lead-in) or a heading of
level 1–4 (一、 （一） 1. （1）), numbered by the service, optionally followed by run-in text in the same
paragraph, as the seed writes "（一）组织申报。各地省级…".

Attachments are other documents of this service (a filled or blank form) or text blocks. A notice that
forwards another (转发) carries the forwarded documents in `forwarded`: they follow the notice's own text,
each with its own attachments, before the notice's own attachments — the order of the seed. Forwarded
documents are not attachments of the notice (they are neither numbered nor listed in its 附件说明).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from service.payloads import FormPayload, PayloadInvalid, validate_payload
from service.payloads.common import FormDate, PayloadModel, ShortText
from service.payloads.errors import Loc
from service.payloads.registry import attachable_ids, document
from service.payloads.rules import Problem
from service.payloads.summaries import identity_key

# --- 发文字号 ------------------------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"(?P<code>[\u4e00-\u9fff]+)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号")
_DOC_NUMBER_LOOSE = re.compile(
    r"(?P<code>[\u4e00-\u9fff]+)\s*[\[［【〔(（]\s*(?P<year>\d{4})\s*[\]］】〕)）]\s*(?P<serial>\d+)\s*号"
)


def _document_number(value: str) -> str:
    text = value.strip()
    if _DOC_NUMBER.fullmatch(text):
        return text
    loose = _DOC_NUMBER_LOOSE.fullmatch(text)
    if loose:
        serial = int(loose["serial"])
        raise PydanticCustomError(
            "document_number_format",
            "发文字号“{value}”不规范：年份用六角括号〔〕括入，序号不编虚位，应为“{suggestion}”",
            {"value": text, "suggestion": f"{loose['code']}〔{loose['year']}〕{serial}号"},
        )
    raise PydanticCustomError(
        "document_number_format",
        "发文字号“{value}”不规范：应由发文机关代字、〔年份〕和序号组成，如 工信厅规函〔2026〕101号",
        {"value": text},
    )


DocumentNumber = Annotated[
    str,
    AfterValidator(_document_number),
    WithJsonSchema({"type": "string", "pattern": _DOC_NUMBER.pattern, "examples": ["工信厅规函〔2026〕101号"]}),
]

# --- Body blocks ---------------------------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"
_NUMBERED_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d+\s*[.．、]|[（(]\s*\d+\s*[）)])"
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


class Block(PayloadModel):
    """正文中的一段：普通段落（第 0 层），或第 1–4 层标题（序号一、（一）1.（1）由系统编排），标题后可接同段正文。"""

    level: Literal[0, 1, 2, 3, 4] = Field(
        default=0,
        title="层级",
        description="0 普通段落；1 一、（黑体）；2 （一）（楷体）；3 1.（仿宋）；4 （1）（仿宋）",
    )
    heading: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        title="标题",
        description="第 1–4 层的标题文字，不含序号；其后有“正文”时与正文同段，如 标题“组织申报。”正文“各地省级……”",
    )
    text: str | None = Field(default=None, min_length=1, max_length=5000, title="正文")
    lead: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        title="段首强调语",
        description="第 0 层段落开头以黑体显示的引导语，如“一是”",
    )


@dataclass(frozen=True)
class NumberedBlock:
    """A block as printed: its number ("一、", "（一）" …) assigned from its position."""

    level: int
    number: str
    heading: str
    text: str
    lead: str


def number_blocks(blocks: list[Block]) -> list[NumberedBlock]:
    """Number the headings: each level counts from 1 and restarts under a new heading of a higher level."""
    counters = [0] * 5
    out: list[NumberedBlock] = []
    for block in blocks:
        number = ""
        if block.level:
            counters[block.level] += 1
            for deeper in range(block.level + 1, 5):
                counters[deeper] = 0
            number = heading_number(block.level, counters[block.level])
        out.append(NumberedBlock(block.level, number, block.heading or "", block.text or "", block.lead or ""))
    return out


def check_blocks(blocks: list[Block], prefix: Loc) -> list[Problem]:
    problems: list[Problem] = []
    for i, block in enumerate(blocks):
        loc = (*prefix, i)
        if block.level == 0:
            if block.heading is not None:
                problems.append(
                    Problem((*loc, "heading"), "heading_on_paragraph", "普通段落（层级 0）没有标题；标题请设层级 1–4")
                )
            if block.text is None:
                problems.append(Problem((*loc, "text"), "required", "普通段落须填写正文"))
        else:
            if block.heading is None:
                problems.append(Problem((*loc, "heading"), "required", f"第 {block.level} 层标题须填写标题文字"))
            elif _NUMBERED_HEADING.match(block.heading):
                problems.append(
                    Problem(
                        (*loc, "heading"),
                        "heading_numbered",
                        f"标题“{block.heading}”自带序号：序号由系统按层级自动编排，请去掉",
                    )
                )
            if block.lead is not None:
                problems.append(Problem((*loc, "lead"), "lead_on_heading", "段首强调语只用于普通段落（层级 0）"))
    return problems


# --- Attachments -------------------------------------------------------------------------------------------------


class DocumentRef(PayloadModel):
    """附件引用本服务生成的另一份文档：填写数据，或附上空白表。"""

    template_id: str = Field(
        title="模板 ID",
        description="本服务的模板 ID，如 city_recommendation_summary、province_recommendation_summary、meeting_rsvp、"
        "park_application、enterprise_application（公文不能作为此类附件，转发公文请用“转发的文件”）",
    )
    payload: dict[str, Any] | None = Field(
        default=None, title="文档数据", description="该模板的 JSON 数据，按该模板的规则校验；与“空白表”二选一"
    )
    blank: bool = Field(default=False, title="空白表", description="为 true 时附上该表的空白样式，供手工填写")


class Attachment(PayloadModel):
    """公文附件：本服务生成的另一份文档（填写的或空白的），或文字内容（如评价要点）；从新页开始，页首标“附件N”。"""

    title: ShortText | None = Field(
        default=None,
        title="附件名称",
        description="用于附件说明；文字内容的附件还作为附件首页的标题。引用文档时可省略，默认取该文档自身的标题",
    )
    document: DocumentRef | None = Field(default=None, title="本服务生成的文档")
    blocks: list[Block] | None = Field(default=None, min_length=1, max_length=1000, title="文字内容")


def _check_document(ref: DocumentRef, loc: Loc) -> list[Problem]:
    if ref.template_id not in attachable_ids():
        usable = "、".join(attachable_ids())
        return [
            Problem(
                (*loc, "template_id"),
                "unknown_template",
                f"“{ref.template_id}”不能作为附件文档；可用模板：{usable}",
            )
        ]
    if ref.blank and ref.payload is not None:
        return [Problem((*loc, "payload"), "blank_with_payload", "选择了空白表，就不要再填写文档数据")]
    if not ref.blank and ref.payload is None:
        return [Problem((*loc, "payload"), "required", "请填写文档数据，或设“空白表”为 true")]
    if ref.payload is None:
        return []
    attached = document(ref.template_id)
    try:
        validate_payload(attached.model, ref.payload)
    except PayloadInvalid as exc:
        title = attached.title
        return [
            Problem((*loc, "payload", *_parse_json_path(e.loc)), e.code, f"{title} / {e.label}：{e.message}")
            for e in exc.errors
        ]
    return []


def _parse_json_path(path: str) -> Loc:
    return tuple(int(index) if index else name for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path))


def check_attachments(attachments: list[Attachment], prefix: Loc) -> list[Problem]:
    problems: list[Problem] = []
    for i, att in enumerate(attachments):
        loc = (*prefix, i)
        if (att.document is None) == (att.blocks is None):
            problems.append(
                Problem(
                    loc,
                    "attachment_kind",
                    "附件须是本服务生成的文档或文字内容之一（“本服务生成的文档”与“文字内容”二选一）",
                )
            )
            continue
        if att.document is not None:
            problems += _check_document(att.document, (*loc, "document"))
        else:
            if att.title is None:
                problems.append(Problem((*loc, "title"), "required", "文字内容的附件须填写附件名称"))
            problems += check_blocks(att.blocks or [], (*loc, "blocks"))
    return problems


# --- The document -------------------------------------------------------------------------------------------------


class Disclosure(StrEnum):
    """公开方式。"""

    PUBLIC = "主动公开"
    ON_REQUEST = "依申请公开"
    NOT_PUBLIC = "不予公开"


TITLE_LINE_CHARS = 20  # 二号 (22 pt) characters in the 156 mm type area
# Bounds of one 公文 with everything it forwards and attaches (the seed needs 1 forwarded document, 7 attachments,
# about 200 blocks and 40 000 characters); each attached form costs ~0.1 s of CPU and ~6 MB to compose.
MAX_FORWARDED = 5
MAX_TOTAL_ATTACHMENTS = 20
MAX_TOTAL_ROWS = 3000
MAX_TOTAL_TEXT_CHARS = 300_000
LETTER = "信函"


def plain_title(text: str) -> str:
    """A title as one line: manual line breaks (and the spaces around them) removed."""
    return re.sub(r"\s*\n\s*", "", text).strip()


class _Document(PayloadModel):
    issuer_mark: ShortText = Field(
        title="发文机关标志", description="红色居中的发文机关全称或规范化简称，如 广东省工业和信息化厅"
    )
    document_number: DocumentNumber | None = Field(
        default=None, title="发文字号", description="如 工信厅规函〔2026〕101号：年份用六角括号〔〕，序号不编虚位"
    )
    title: str = Field(min_length=1, max_length=200, title="标题", description="二号小标宋居中；可用换行符指定回行位置")
    title_lines: list[ShortText] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        title="标题分行",
        description="标题回行时各行的文字，连起来须与标题一致，每行不超过 20 字；省略时按词语边界自动分行，"
        "词意完整、排列对称",
    )
    addressees: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        title="主送机关",
        description="如 各地级以上市工业和信息化主管部门；末尾的全角冒号由系统添加",
    )
    body: list[Block] = Field(min_length=1, max_length=1000, title="正文")
    attachment_list: list[ShortText] | None = Field(
        default=None,
        max_length=50,
        title="附件说明",
        description="附件名称，按顺序；省略时按附件自动生成，填空列表则不印附件说明（如原件该页缺失）",
    )
    signature: ShortText | None = Field(default=None, title="发文机关署名")
    date: FormDate | None = Field(default=None, title="成文日期", description="以阿拉伯数字显示，如 2026年3月18日")
    with_seal: bool = Field(
        default=True,
        title="加盖印章",
        description="加盖印章时成文日期右空四字、署名居中于其上；不加盖时署名右空二字、日期首字比署名首字右移二字",
    )
    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        title="附注",
        description="如 联系人：张三，电话：020-83133421；显示在成文日期下一行，外加圆括号",
    )
    attachments: list[Attachment] = Field(default_factory=list, max_length=50, title="附件")
    disclosure: Disclosure | None = Field(default=None, title="公开方式", description="印在全文最后（附件之后）")

    @property
    def note_text(self) -> str:
        """The 附注 without its own brackets (the template adds full-width ones)."""
        if not self.note:
            return ""
        return re.sub(r"^[（(]\s*|\s*[）)]$", "", self.note.strip())

    @property
    def addressee_line(self) -> str:
        return (self.addressees or "").rstrip("：:") + "："

    def document_title(self) -> str:
        return plain_title(self.title)

    def check_document(self, prefix: Loc = ()) -> list[Problem]:
        problems = check_blocks(self.body, (*prefix, "body"))
        problems += self._check_title_lines(prefix)
        problems += check_attachments(self.attachments, (*prefix, "attachments"))
        if self.attachment_list:
            if len(self.attachment_list) != len(self.attachments):
                problems.append(
                    Problem(
                        (*prefix, "attachment_list"),
                        "attachment_list_mismatch",
                        f"附件说明列出 {len(self.attachment_list)} 个附件，实际附有 {len(self.attachments)} 个",
                    )
                )
            else:
                for i, (listed, att) in enumerate(zip(self.attachment_list, self.attachments, strict=True)):
                    if att.title is not None and identity_key(listed) != identity_key(att.title):
                        problems.append(
                            Problem(
                                (*prefix, "attachment_list", i),
                                "attachment_list_mismatch",
                                f"附件说明第 {i + 1} 项“{listed}”与附件{i + 1}的名称“{att.title}”不一致",
                            )
                        )
        if (self.signature is None) != (self.date is None):
            missing = "signature" if self.signature is None else "date"
            problems.append(Problem((*prefix, missing), "required", "发文机关署名和成文日期须同时填写"))
        return problems

    def _check_title_lines(self, prefix: Loc) -> list[Problem]:
        if not self.title_lines:
            return []
        problems: list[Problem] = []
        joined = "".join(line.strip() for line in self.title_lines)
        if re.sub(r"\s+", "", joined) != re.sub(r"\s+", "", plain_title(self.title)):
            problems.append(
                Problem(
                    (*prefix, "title_lines"),
                    "title_lines_mismatch",
                    f"标题分行连起来是“{joined}”，与标题“{plain_title(self.title)}”不一致",
                )
            )
        for i, line in enumerate(self.title_lines):
            if display_width(line) > TITLE_LINE_CHARS:
                problems.append(
                    Problem(
                        (*prefix, "title_lines", i),
                        "title_line_too_long",
                        f"标题分行第 {i + 1} 行“{line}”超过一行可排的 {TITLE_LINE_CHARS} 字",
                    )
                )
        return problems


class ForwardedDocument(_Document):
    """被转发的公文：按原件排印其版头、正文和附件；原件缺页时署名、成文日期和附件说明可以空缺（保留原件已有的内容）。"""


class OfficialDocument(_Document, FormPayload):
    """公文（GB/T 9704-2012）：版头（发文机关标志、发文字号、红色分隔线）、标题、主送机关、正文、附件说明、署名、
    成文日期、附注、公开方式；转发的文件接在正文之后，附件各自另起一页。"""

    signature: ShortText = Field(title="发文机关署名", description="如 广东省工业和信息化厅")
    date: FormDate = Field(title="成文日期", description="以阿拉伯数字显示，如 2026年3月18日")
    format: Literal["文件", "信函"] = Field(
        default="文件",
        title="版式",
        description="文件：GB/T 9704 的一般格式；信函：第 10 章的信函格式（用于函：发文机关标志距页面上边 30 mm，"
        "上下各一条红色双线，发文字号居右，首页不显示页码）",
    )
    forwarded: list[ForwardedDocument] = Field(
        default_factory=list,
        max_length=MAX_FORWARDED,
        title="转发的文件",
        description="转发类公文所转发的文件（含其附件），按顺序接在本文正文之后、本文附件之前；不计入本文附件",
    )

    def check(self) -> list[Problem]:
        problems = self.check_document()
        for i, doc in enumerate(self.forwarded):
            problems += doc.check_document(("forwarded", i))
        return problems + self._check_size()

    def _check_size(self) -> list[Problem]:
        """The work one request may ask for: every document, attachment, block and table row counts, wherever
        it sits (a small payload naming hundreds of forms must not cost minutes and gigabytes)."""
        documents: list[_Document] = [self, *self.forwarded]
        attachments = [att for doc in documents for att in doc.attachments]
        problems: list[Problem] = []
        if len(attachments) > MAX_TOTAL_ATTACHMENTS:
            problems.append(
                Problem(
                    ("attachments",),
                    "document_too_many_attachments",
                    f"本文和转发的文件共有 {len(attachments)} 个附件，超过了 {MAX_TOTAL_ATTACHMENTS} 个的上限",
                )
            )
        blocks = [b for doc in documents for b in doc.body] + [b for att in attachments for b in att.blocks or []]
        rows = len(blocks) + sum(_rows_in(att.document.payload) for att in attachments if att.document is not None)
        if rows > MAX_TOTAL_ROWS:
            problems.append(
                Problem(
                    ("body",),
                    "document_too_many_rows",
                    f"正文段落、文字附件段落和附件表格行共 {rows} 项，超过了 {MAX_TOTAL_ROWS} 项的上限",
                )
            )
        chars = sum(len(b.text or "") + len(b.heading or "") + len(b.lead or "") for b in blocks)
        if chars > MAX_TOTAL_TEXT_CHARS:
            problems.append(
                Problem(
                    ("body",),
                    "document_too_long",
                    f"正文和文字附件共 {chars} 字，超过了 {MAX_TOTAL_TEXT_CHARS} 字的上限",
                )
            )
        return problems


def _rows_in(value: Any) -> int:
    """Items of every list inside an attached form's data (its table rows), iteratively."""
    total, stack = 0, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            total += len(node)
            stack.extend(node)
    return total

    def applicant_name(self) -> str:
        return self.signature


def display_width(text: str) -> float:
    """Width in character units of the body font: CJK and full-width 1, Latin digits and letters ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
