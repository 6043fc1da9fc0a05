from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.batch_links import BatchLinks
    from ..models.batch_status_model_error_type_0 import BatchStatusModelErrorType0
    from ..models.candidate_status_model import CandidateStatusModel


T = TypeVar("T", bound="BatchStatusModel")


@_attrs_define
class BatchStatusModel:
    """
    Attributes:
        cancel_requested (bool): 是否已请求取消
        candidates (list[CandidateStatusModel]): 各申报对象的状态
        done (int): 已处理（成功或失败）的申报对象数
        error (BatchStatusModelErrorType0 | None): 任务失败时的原因
        failed (int): 失败数
        id (str): 批量任务 ID
        links (BatchLinks):
        ok (int): 成功数
        state (str): queued 排队中 · running 进行中 · completed 全部完成 · completed_with_failures 已完成但部分申报对象失败 · failed
            失败（清单不可用或内部错误） · cancelled 已取消
        state_label (str): 状态的中文说明
        total (int): 申报对象总数
    """

    cancel_requested: bool
    candidates: list[CandidateStatusModel]
    done: int
    error: BatchStatusModelErrorType0 | None
    failed: int
    id: str
    links: BatchLinks
    ok: int
    state: str
    state_label: str
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_status_model_error_type_0 import BatchStatusModelErrorType0

        cancel_requested = self.cancel_requested

        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)

        done = self.done

        error: dict[str, Any] | None
        if isinstance(self.error, BatchStatusModelErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        failed = self.failed

        id = self.id

        links = self.links.to_dict()

        ok = self.ok

        state = self.state

        state_label = self.state_label

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cancel_requested": cancel_requested,
                "candidates": candidates,
                "done": done,
                "error": error,
                "failed": failed,
                "id": id,
                "links": links,
                "ok": ok,
                "state": state,
                "state_label": state_label,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_links import BatchLinks
        from ..models.batch_status_model_error_type_0 import BatchStatusModelErrorType0
        from ..models.candidate_status_model import CandidateStatusModel

        d = dict(src_dict)
        cancel_requested = d.pop("cancel_requested")

        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in _candidates:
            candidates_item = CandidateStatusModel.from_dict(candidates_item_data)

            candidates.append(candidates_item)

        done = d.pop("done")

        def _parse_error(data: object) -> BatchStatusModelErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchStatusModelErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchStatusModelErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

        failed = d.pop("failed")

        id = d.pop("id")

        links = BatchLinks.from_dict(d.pop("links"))

        ok = d.pop("ok")

        state = d.pop("state")

        state_label = d.pop("state_label")

        total = d.pop("total")

        batch_status_model = cls(
            cancel_requested=cancel_requested,
            candidates=candidates,
            done=done,
            error=error,
            failed=failed,
            id=id,
            links=links,
            ok=ok,
            state=state,
            state_label=state_label,
            total=total,
        )

        batch_status_model.additional_properties = d
        return batch_status_model

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
