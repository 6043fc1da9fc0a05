from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TemplateSummary")


@_attrs_define
class TemplateSummary:
    """
    Attributes:
        formats (list[str]): 支持的输出格式
        id (str): 模板 ID
        title (str): 文档标题
        version (str): 模板版本哈希：Word 模板或数据模型变化时改变
    """

    formats: list[str]
    id: str
    title: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        formats = self.formats

        id = self.id

        title = self.title

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "formats": formats,
                "id": id,
                "title": title,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        formats = cast(list[str], d.pop("formats"))

        id = d.pop("id")

        title = d.pop("title")

        version = d.pop("version")

        template_summary = cls(
            formats=formats,
            id=id,
            title=title,
            version=version,
        )

        template_summary.additional_properties = d
        return template_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
