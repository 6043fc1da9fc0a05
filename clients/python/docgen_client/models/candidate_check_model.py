from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.field_error_model import FieldErrorModel


T = TypeVar("T", bound="CandidateCheckModel")


@_attrs_define
class CandidateCheckModel:
    """
    Attributes:
        errors (list[FieldErrorModel]): 该申报对象自身的错误（清单条目、数据校验）
        key (str): 候选标识（清单中的 id，省略时为在清单中的位置）
        name (None | str): 园区/企业名称
        position (int): 在清单中的位置（从 1 开始）
        priority (int | None): 推荐优先级（同一类别内）
        type_ (None | str): park（园区）或 enterprise（企业）
        will_run (bool): 运行时是否会生成（没有数据错误，也未因跨申报对象检查被跳过）
    """

    errors: list[FieldErrorModel]
    key: str
    name: str | None
    position: int
    priority: int | None
    type_: str | None
    will_run: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        key = self.key

        name: str | None
        name = self.name

        position = self.position

        priority: int | None
        priority = self.priority

        type_: str | None
        type_ = self.type_

        will_run = self.will_run

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
                "key": key,
                "name": name,
                "position": position,
                "priority": priority,
                "type": type_,
                "will_run": will_run,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error_model import FieldErrorModel

        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = FieldErrorModel.from_dict(errors_item_data)

            errors.append(errors_item)

        key = d.pop("key")

        def _parse_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        position = d.pop("position")

        def _parse_priority(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        priority = _parse_priority(d.pop("priority"))

        def _parse_type_(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        type_ = _parse_type_(d.pop("type"))

        will_run = d.pop("will_run")

        candidate_check_model = cls(
            errors=errors,
            key=key,
            name=name,
            position=position,
            priority=priority,
            type_=type_,
            will_run=will_run,
        )

        candidate_check_model.additional_properties = d
        return candidate_check_model

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
