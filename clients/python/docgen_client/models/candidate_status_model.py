from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.field_error_model import FieldErrorModel


T = TypeVar("T", bound="CandidateStatusModel")


@_attrs_define
class CandidateStatusModel:
    """
    Attributes:
        errors (list[FieldErrorModel]): 失败原因（数据错误、跨申报对象检查、附件或转换错误）
        key (str): 候选标识（清单中的 id，省略时为在清单中的位置）
        name (None | str): 园区/企业名称
        pages (int | None): 完整申报材料的页数
        position (int): 在清单中的位置（从 1 开始）
        priority (int | None): 推荐优先级（同一类别内）
        reused (bool): 本次运行沿用了已有结果（输入和模板版本均未变化），没有重新生成
        seconds (float | None): 生成用时（秒）
        status (str): pending 等待 · running 生成中 · ok 成功 · failed 失败 · cancelled 已取消
        status_label (str): 状态的中文说明
        type_ (None | str): park（园区）或 enterprise（企业）
    """

    errors: list[FieldErrorModel]
    key: str
    name: str | None
    pages: int | None
    position: int
    priority: int | None
    reused: bool
    seconds: float | None
    status: str
    status_label: str
    type_: str | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        key = self.key

        name: str | None
        name = self.name

        pages: int | None
        pages = self.pages

        position = self.position

        priority: int | None
        priority = self.priority

        reused = self.reused

        seconds: float | None
        seconds = self.seconds

        status = self.status

        status_label = self.status_label

        type_: str | None
        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
                "key": key,
                "name": name,
                "pages": pages,
                "position": position,
                "priority": priority,
                "reused": reused,
                "seconds": seconds,
                "status": status,
                "status_label": status_label,
                "type": type_,
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

        def _parse_pages(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pages = _parse_pages(d.pop("pages"))

        position = d.pop("position")

        def _parse_priority(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        priority = _parse_priority(d.pop("priority"))

        reused = d.pop("reused")

        def _parse_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        seconds = _parse_seconds(d.pop("seconds"))

        status = d.pop("status")

        status_label = d.pop("status_label")

        def _parse_type_(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        type_ = _parse_type_(d.pop("type"))

        candidate_status_model = cls(
            errors=errors,
            key=key,
            name=name,
            pages=pages,
            position=position,
            priority=priority,
            reused=reused,
            seconds=seconds,
            status=status,
            status_label=status_label,
            type_=type_,
        )

        candidate_status_model.additional_properties = d
        return candidate_status_model

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
