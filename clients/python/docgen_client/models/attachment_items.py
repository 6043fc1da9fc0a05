from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.attachment_item import AttachmentItem


T = TypeVar("T", bound="AttachmentItems")


@_attrs_define
class AttachmentItems:
    """
    Attributes:
        accepted_types (list[str]): 可上传的附件类型（扩展名）
        items (list[AttachmentItem]): 附件清单的八项
        max_file_bytes (int): 单个附件的大小上限（字节）
        max_files (int): 一个申报材料包中附件文件的数量上限
        max_request_bytes (int): 申报材料包请求（含全部附件）的大小上限（字节）
        template_id (str): 模板 ID
    """

    accepted_types: list[str]
    items: list[AttachmentItem]
    max_file_bytes: int
    max_files: int
    max_request_bytes: int
    template_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted_types = self.accepted_types

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        max_file_bytes = self.max_file_bytes

        max_files = self.max_files

        max_request_bytes = self.max_request_bytes

        template_id = self.template_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted_types": accepted_types,
                "items": items,
                "max_file_bytes": max_file_bytes,
                "max_files": max_files,
                "max_request_bytes": max_request_bytes,
                "template_id": template_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_item import AttachmentItem

        d = dict(src_dict)
        accepted_types = cast(list[str], d.pop("accepted_types"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = AttachmentItem.from_dict(items_item_data)

            items.append(items_item)

        max_file_bytes = d.pop("max_file_bytes")

        max_files = d.pop("max_files")

        max_request_bytes = d.pop("max_request_bytes")

        template_id = d.pop("template_id")

        attachment_items = cls(
            accepted_types=accepted_types,
            items=items,
            max_file_bytes=max_file_bytes,
            max_files=max_files,
            max_request_bytes=max_request_bytes,
            template_id=template_id,
        )

        attachment_items.additional_properties = d
        return attachment_items

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
