"""参会回执 (广东 附件2): who attends the training meeting, and how (online or on site).

The footer line names the deadline and the channel ("此表请于 2026 年 3 月 19 日上午 10 时前通过粤政易报省工信厅
园区处汇总"). A reply form with no rows is the form as sent out with a notice: numbered empty rows to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from service.payloads import FormPayload
from service.payloads.common import AnnexMark, PayloadModel, Phone, ShortText, annex_mark_field
from service.payloads.rules import Problem
from service.payloads.summaries import identity_key

RSVP_TITLE = "参会回执"


class AttendanceMode(StrEnum):
    """参会形式：线上或线下。"""

    ONLINE = "线上"
    OFFLINE = "线下"


_ISO_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::00)?")
_CN_DATETIME = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(上午|中午|下午|晚上)?\s*(\d{1,2})\s*[时点](?:\s*(\d{1,2})\s*分)?"
)


def _deadline(value: Any) -> Any:
    """ISO 2026-03-19T10:00 or 2026年3月19日上午10时; an impossible date or time is an error."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    iso = _ISO_DATETIME.fullmatch(text)
    cn = _CN_DATETIME.fullmatch(text)
    try:
        if iso:
            return dt.datetime(int(iso[1]), int(iso[2]), int(iso[3]), int(iso[4]), int(iso[5]))
        if cn:
            hour = int(cn[5]) + (12 if cn[4] in ("下午", "晚上") and int(cn[5]) < 12 else 0)
            return dt.datetime(int(cn[1]), int(cn[2]), int(cn[3]), hour, int(cn[6] or 0))
    except ValueError:
        raise PydanticCustomError("datetime_invalid", "时间“{value}”不存在", {"value": text}) from None
    raise PydanticCustomError(
        "datetime_format", "时间“{value}”格式不正确，应为 2026-03-19T10:00 或 2026年3月19日上午10时", {"value": text}
    )


Deadline = Annotated[
    dt.datetime,
    BeforeValidator(_deadline),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-03-19T10:00"]}),
]


def deadline_cn(value: dt.datetime) -> str:
    """2026年3月19日上午10时 (下午3时30分 …), as notices write a deadline."""
    hour = value.hour
    if hour < 12:
        part, shown = "上午", hour
    elif hour == 12:
        part, shown = "中午", 12
    elif hour < 18:
        part, shown = "下午", hour - 12
    else:
        part, shown = "晚上", hour - 12
    minutes = f"{value.minute}分" if value.minute else ""
    return f"{value.year}年{value.month}月{value.day}日{part}{shown}时{minutes}"


class RsvpRow(PayloadModel):
    """参会回执中的一行：一位参会人员。"""

    city: ShortText = Field(title="地市", description="如 广州市")
    organisation: ShortText = Field(title="单位")
    name: str = Field(min_length=1, max_length=50, title="姓名")
    phone: Phone = Field(title="电话")
    mode: AttendanceMode = Field(title="参会形式（线上/线下）")
    remark: str | None = Field(default=None, max_length=200, title="备注")


class MeetingRsvp(FormPayload):
    """参会回执（广东省通知附件2）：参会人员名单和参会形式；页脚写明报送时限和渠道。不填参会人员时生成待填写的回执表。"""

    deadline: Deadline = Field(title="报送截止时间", description="如 2026-03-19T10:00，显示为“2026年3月19日上午10时”")
    channel: ShortText = Field(title="报送渠道", description="如 粤政易")
    recipient: ShortText = Field(title="报送对象", description="如 省工信厅园区处")
    annex_mark: AnnexMark = annex_mark_field("附件2", place="表格首行左上角")
    rows: list[RsvpRow] = Field(
        default_factory=list, max_length=500, title="参会人员", description="不填时生成带空行的回执表，供各地填写"
    )

    @property
    def footer_phrases(self) -> tuple[str, ...]:
        """The footer line in the phrases it may break between when it does not fit on one line."""
        return (f"此表请于{deadline_cn(self.deadline)}前", f"通过{self.channel}", f"报{self.recipient}汇总")

    @property
    def footer(self) -> str:
        return "".join(self.footer_phrases)

    def check(self) -> list[Problem]:
        problems: list[Problem] = []
        first: dict[tuple[str, str], int] = {}
        for i, row in enumerate(self.rows):
            key = (identity_key(row.name), identity_key(row.organisation))
            if key in first:
                problems.append(
                    Problem(
                        ("rows", i, "name"),
                        "attendee_duplicate",
                        f"{row.organisation}的“{row.name}”已在第 {first[key] + 1} 行填写，同一人员只填写一次",
                    )
                )
            else:
                first[key] = i
        return problems

    def applicant_name(self) -> str:
        return "、".join(dict.fromkeys(r.city for r in self.rows))

    def document_title(self) -> str:
        return RSVP_TITLE
