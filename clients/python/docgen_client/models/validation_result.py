from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.field_error_model import FieldErrorModel
    from ..models.validation_result_derived import ValidationResultDerived


T = TypeVar("T", bound="ValidationResult")


@_attrs_define
class ValidationResult:
    """
    Attributes:
        derived (ValidationResultDerived): 计算得出的数值：JSON 路径 → 值（近三年平均值、未填写时由其他字段算出的比重等）
        errors (list[FieldErrorModel]): 全部错误（通过时为空）
        valid (bool): 数据是否通过校验
    """

    derived: ValidationResultDerived
    errors: list[FieldErrorModel]
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        derived = self.derived.to_dict()

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        valid = self.valid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "derived": derived,
                "errors": errors,
                "valid": valid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error_model import FieldErrorModel
        from ..models.validation_result_derived import ValidationResultDerived

        d = dict(src_dict)
        derived = ValidationResultDerived.from_dict(d.pop("derived"))

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = FieldErrorModel.from_dict(errors_item_data)

            errors.append(errors_item)

        valid = d.pop("valid")

        validation_result = cls(
            derived=derived,
            errors=errors,
            valid=valid,
        )

        validation_result.additional_properties = d
        return validation_result

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
