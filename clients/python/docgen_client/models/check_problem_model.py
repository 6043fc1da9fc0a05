from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CheckProblemModel")


@_attrs_define
class CheckProblemModel:
    """
    Attributes:
        candidates (list[str]): 涉及的申报对象（key）
        code (str): 问题代码，如 duplicate_credit_code、priority_not_contiguous
        message (str): 中文说明
        rejected (list[str]): 因此将被跳过的申报对象（key）
    """

    candidates: list[str]
    code: str
    message: str
    rejected: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        candidates = self.candidates

        code = self.code

        message = self.message

        rejected = self.rejected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "candidates": candidates,
                "code": code,
                "message": message,
                "rejected": rejected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        candidates = cast(list[str], d.pop("candidates"))

        code = d.pop("code")

        message = d.pop("message")

        rejected = cast(list[str], d.pop("rejected"))

        check_problem_model = cls(
            candidates=candidates,
            code=code,
            message=message,
            rejected=rejected,
        )

        check_problem_model.additional_properties = d
        return check_problem_model

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
