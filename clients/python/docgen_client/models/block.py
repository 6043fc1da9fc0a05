from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.block_层级 import Block层级
from ..types import UNSET, Unset

T = TypeVar("T", bound="Block")


@_attrs_define
class Block:
    """正文中的一段：普通段落（第 0 层），或第 1–4 层标题（序号一、（一）1.（1）由系统编排），标题后可接同段正文。

    Attributes:
        heading (None | str | Unset): 第 1–4 层的标题文字，不含序号；其后有“正文”时与正文同段，如 标题“组织申报。”正文“各地省级……”
        lead (None | str | Unset): 第 0 层段落开头以黑体显示的引导语，如“一是”
        level (Block层级 | Unset): 0 普通段落；1 一、（黑体）；2 （一）（楷体）；3 1.（仿宋）；4 （1）（仿宋） Default: Block层级.VALUE_0.
        text (None | str | Unset):
    """

    heading: str | Unset | None = UNSET
    lead: str | Unset | None = UNSET
    level: Block层级 | Unset = Block层级.VALUE_0
    text: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        heading: str | Unset | None
        if isinstance(self.heading, Unset):
            heading = UNSET
        else:
            heading = self.heading

        lead: str | Unset | None
        if isinstance(self.lead, Unset):
            lead = UNSET
        else:
            lead = self.lead

        level: int | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level.value

        text: str | Unset | None
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if heading is not UNSET:
            field_dict["heading"] = heading
        if lead is not UNSET:
            field_dict["lead"] = lead
        if level is not UNSET:
            field_dict["level"] = level
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_heading(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        heading = _parse_heading(d.pop("heading", UNSET))

        def _parse_lead(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lead = _parse_lead(d.pop("lead", UNSET))

        _level = d.pop("level", UNSET)
        level: Block层级 | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = Block层级(_level)

        def _parse_text(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        block = cls(
            heading=heading,
            lead=lead,
            level=level,
            text=text,
        )

        return block
