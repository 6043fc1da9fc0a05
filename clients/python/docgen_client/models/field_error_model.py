from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FieldErrorModel")


@_attrs_define
class FieldErrorModel:
    """一处数据错误（与命令行输出的对象相同）。

    Attributes:
        code (str): 稳定的错误代码，供程序判断
        label (str): 字段的中文名称（含上级名称）
        loc (str): 字段的 JSON 路径，如 `$.basic.credit_code`
        message (str): 中文错误说明
    """

    code: str
    label: str
    loc: str
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        label = self.label

        loc = self.loc

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "label": label,
                "loc": loc,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        label = d.pop("label")

        loc = d.pop("loc")

        message = d.pop("message")

        field_error_model = cls(
            code=code,
            label=label,
            loc=loc,
            message=message,
        )

        field_error_model.additional_properties = d
        return field_error_model

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
