from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rsvp_row import RsvpRow


T = TypeVar("T", bound="MeetingRsvp")


@_attrs_define
class MeetingRsvp:
    """参会回执（广东省通知附件2）：参会人员名单和参会形式；页脚写明报送时限和渠道。不填参会人员时生成待填写的回执表。

    Attributes:
        channel (str): 如 粤政易
        deadline (datetime.datetime): 如 2026-03-19T10:00，显示为“2026年3月19日上午10时”
        recipient (str): 如 省工信厅园区处
        annex_mark (str | Unset): 表格首行左上角的附件标注，默认“附件2”；空字符串表示不标注。作为公文附件时由公文重新编号 Default: '附件2'.
        rows (list[RsvpRow] | Unset): 不填时生成带空行的回执表，供各地填写
    """

    channel: str
    deadline: datetime.datetime
    recipient: str
    annex_mark: str | Unset = "附件2"
    rows: list[RsvpRow] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        deadline = self.deadline.isoformat()

        recipient = self.recipient

        annex_mark = self.annex_mark

        rows: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = rows_item_data.to_dict()
                rows.append(rows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "deadline": deadline,
                "recipient": recipient,
            }
        )
        if annex_mark is not UNSET:
            field_dict["annex_mark"] = annex_mark
        if rows is not UNSET:
            field_dict["rows"] = rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rsvp_row import RsvpRow

        d = dict(src_dict)
        channel = d.pop("channel")

        deadline = datetime.datetime.fromisoformat(d.pop("deadline"))

        recipient = d.pop("recipient")

        annex_mark = d.pop("annex_mark", UNSET)

        _rows = d.pop("rows", UNSET)
        rows: list[RsvpRow] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = RsvpRow.from_dict(rows_item_data)

                rows.append(rows_item)

        meeting_rsvp = cls(
            channel=channel,
            deadline=deadline,
            recipient=recipient,
            annex_mark=annex_mark,
            rows=rows,
        )

        return meeting_rsvp
