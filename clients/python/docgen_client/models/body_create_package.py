from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="BodyCreatePackage")


@_attrs_define
class BodyCreatePackage:
    """
    Attributes:
        payload (str): 申请书数据（JSON 文本，与 POST /v1/documents/{template_id} 的请求体相同）
        files (list[File] | Unset): 附件文件（PDF、JPG、PNG、DOCX），可多个；顺序即同一序号内的排列顺序
        items (list[int] | Unset): 每个附件在“三、附件清单”中的序号（1–8），与 files 一一对应
        titles (list[str] | Unset): 每个附件的标题，与 files 一一对应；省略时取文件名（去掉扩展名和序号前缀）
    """

    payload: str
    files: list[File] | Unset = UNSET
    items: list[int] | Unset = UNSET
    titles: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        payload = self.payload

        files: list[FileTypes] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = []
            for files_item_data in self.files:
                files_item = files_item_data.to_tuple()

                files.append(files_item)

        items: list[int] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = self.items

        titles: list[str] | Unset = UNSET
        if not isinstance(self.titles, Unset):
            titles = self.titles

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "payload": payload,
            }
        )
        if files is not UNSET:
            field_dict["files"] = files
        if items is not UNSET:
            field_dict["items"] = items
        if titles is not UNSET:
            field_dict["titles"] = titles

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("payload", (None, str(self.payload).encode(), "text/plain")))

        if not isinstance(self.files, Unset):
            for files_item_element in self.files:
                files.append(("files", files_item_element.to_tuple()))

        if not isinstance(self.items, Unset):
            for items_item_element in self.items:
                files.append(("items", (None, str(items_item_element).encode(), "text/plain")))

        if not isinstance(self.titles, Unset):
            for titles_item_element in self.titles:
                files.append(("titles", (None, str(titles_item_element).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payload = d.pop("payload")

        _files = d.pop("files", UNSET)
        files: list[File] | Unset = UNSET
        if _files is not UNSET:
            files = []
            for files_item_data in _files:
                files_item = File(payload=BytesIO(files_item_data))

                files.append(files_item)

        items = cast(list[int], d.pop("items", UNSET))

        titles = cast(list[str], d.pop("titles", UNSET))

        body_create_package = cls(
            payload=payload,
            files=files,
            items=items,
            titles=titles,
        )

        body_create_package.additional_properties = d
        return body_create_package

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
