from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.candidate_check_model import CandidateCheckModel
    from ..models.check_problem_model import CheckProblemModel


T = TypeVar("T", bound="BatchCheckResult")


@_attrs_define
class BatchCheckResult:
    """
    Attributes:
        candidates (list[CandidateCheckModel]): 各申报对象（按清单顺序）
        problems (list[CheckProblemModel]): 跨申报对象检查发现的问题
        recommender (str): 地市和推荐单位
        runnable (int): 将会生成的申报对象数
        total (int): 申报对象总数
    """

    candidates: list[CandidateCheckModel]
    problems: list[CheckProblemModel]
    recommender: str
    runnable: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)

        problems = []
        for problems_item_data in self.problems:
            problems_item = problems_item_data.to_dict()
            problems.append(problems_item)

        recommender = self.recommender

        runnable = self.runnable

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "candidates": candidates,
                "problems": problems,
                "recommender": recommender,
                "runnable": runnable,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.candidate_check_model import CandidateCheckModel
        from ..models.check_problem_model import CheckProblemModel

        d = dict(src_dict)
        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in _candidates:
            candidates_item = CandidateCheckModel.from_dict(candidates_item_data)

            candidates.append(candidates_item)

        problems = []
        _problems = d.pop("problems")
        for problems_item_data in _problems:
            problems_item = CheckProblemModel.from_dict(problems_item_data)

            problems.append(problems_item)

        recommender = d.pop("recommender")

        runnable = d.pop("runnable")

        total = d.pop("total")

        batch_check_result = cls(
            candidates=candidates,
            problems=problems,
            recommender=recommender,
            runnable=runnable,
            total=total,
        )

        batch_check_result.additional_properties = d
        return batch_check_result

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
