from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="BodyUploadTemplate")


@_attrs_define
class BodyUploadTemplate:
    """
    Attributes:
        file (File): Word 模板（.docx）
        description (None | str | Unset): 说明
        id (None | str | Unset): 模板 ID；与内置模板相同时为其新版本
        sample (None | str | Unset): 试渲染用的示例数据（JSON，可选）
        schema (File | None | Unset): 数据的 JSON Schema（可选；缺省时由模板变量推断）
        title (None | str | Unset): 标题
    """

    file: File
    description: str | Unset | None = UNSET
    id: str | Unset | None = UNSET
    sample: str | Unset | None = UNSET
    schema: File | Unset | None = UNSET
    title: str | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        description: str | Unset | None
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        id: str | Unset | None
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        sample: str | Unset | None
        if isinstance(self.sample, Unset):
            sample = UNSET
        else:
            sample = self.sample

        schema: FileTypes | Unset | None
        if isinstance(self.schema, Unset):
            schema = UNSET
        elif isinstance(self.schema, File):
            schema = self.schema.to_tuple()

        else:
            schema = self.schema

        title: str | Unset | None
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if id is not UNSET:
            field_dict["id"] = id
        if sample is not UNSET:
            field_dict["sample"] = sample
        if schema is not UNSET:
            field_dict["schema"] = schema
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.description, Unset):
            if isinstance(self.description, str):
                files.append(("description", (None, str(self.description).encode(), "text/plain")))
            else:
                files.append(("description", (None, str(self.description).encode(), "text/plain")))

        if not isinstance(self.id, Unset):
            if isinstance(self.id, str):
                files.append(("id", (None, str(self.id).encode(), "text/plain")))
            else:
                files.append(("id", (None, str(self.id).encode(), "text/plain")))

        if not isinstance(self.sample, Unset):
            if isinstance(self.sample, str):
                files.append(("sample", (None, str(self.sample).encode(), "text/plain")))
            else:
                files.append(("sample", (None, str(self.sample).encode(), "text/plain")))

        if not isinstance(self.schema, Unset):
            if isinstance(self.schema, File):
                files.append(("schema", self.schema.to_tuple()))
            else:
                files.append(("schema", (None, str(self.schema).encode(), "text/plain")))

        if not isinstance(self.title, Unset):
            if isinstance(self.title, str):
                files.append(("title", (None, str(self.title).encode(), "text/plain")))
            else:
                files.append(("title", (None, str(self.title).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        def _parse_description(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_sample(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sample = _parse_sample(d.pop("sample", UNSET))

        def _parse_schema(data: object) -> File | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, bytes):
                    raise TypeError()
                schema_type_0 = File(payload=BytesIO(data))

                return schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(File | None | Unset, data)

        schema = _parse_schema(d.pop("schema", UNSET))

        def _parse_title(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        body_upload_template = cls(
            file=file,
            description=description,
            id=id,
            sample=sample,
            schema=schema,
            title=title,
        )

        body_upload_template.additional_properties = d
        return body_upload_template

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
