from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TemplateLinks")


@_attrs_define
class TemplateLinks:
    """
    Attributes:
        blank (str): 空白表格的地址
        documents (str): 生成文档的地址（POST）
        sample (str): 示例数据的地址
        schema (str): JSON Schema 的地址
    """

    blank: str
    documents: str
    sample: str
    schema: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        blank = self.blank

        documents = self.documents

        sample = self.sample

        schema = self.schema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "blank": blank,
                "documents": documents,
                "sample": sample,
                "schema": schema,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        blank = d.pop("blank")

        documents = d.pop("documents")

        sample = d.pop("sample")

        schema = d.pop("schema")

        template_links = cls(
            blank=blank,
            documents=documents,
            sample=sample,
            schema=schema,
        )

        template_links.additional_properties = d
        return template_links

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
