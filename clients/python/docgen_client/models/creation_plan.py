from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreationPlan")


@_attrs_define
class CreationPlan:
    """二、创建工作方案：发展基础、总体思路、重点任务、进度安排、保障措施，每部分不超过 2000 字，换行分段。

    Attributes:
        development_basis (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        key_tasks (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        overall_approach (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        safeguards (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        schedule (str): 正文，换行分段；不超过 2000 字（不计空白字符）
    """

    development_basis: str
    key_tasks: str
    overall_approach: str
    safeguards: str
    schedule: str

    def to_dict(self) -> dict[str, Any]:
        development_basis = self.development_basis

        key_tasks = self.key_tasks

        overall_approach = self.overall_approach

        safeguards = self.safeguards

        schedule = self.schedule

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "development_basis": development_basis,
                "key_tasks": key_tasks,
                "overall_approach": overall_approach,
                "safeguards": safeguards,
                "schedule": schedule,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        development_basis = d.pop("development_basis")

        key_tasks = d.pop("key_tasks")

        overall_approach = d.pop("overall_approach")

        safeguards = d.pop("safeguards")

        schedule = d.pop("schedule")

        creation_plan = cls(
            development_basis=development_basis,
            key_tasks=key_tasks,
            overall_approach=overall_approach,
            safeguards=safeguards,
            schedule=schedule,
        )

        return creation_plan
