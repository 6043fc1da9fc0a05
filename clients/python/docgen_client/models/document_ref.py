from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.document_ref_payload_type_0 import DocumentRefPayloadType0


T = TypeVar("T", bound="DocumentRef")


@_attrs_define
class DocumentRef:
    """附件引用本服务生成的另一份文档：填写数据，或附上空白表。

    Attributes:
        template_id (str): 本服务的模板 ID，如 city_recommendation_summary、province_recommendation_summary、meeting_rsvp、park_app
            lication、enterprise_application（公文不能作为此类附件，转发公文请用“转发的文件”）
        blank (bool | Unset): 为 true 时附上该表的空白样式，供手工填写 Default: False.
        payload (DocumentRefPayloadType0 | None | Unset): 该模板的 JSON 数据，按该模板的规则校验；与“空白表”二选一
    """

    template_id: str
    blank: bool | Unset = False
    payload: DocumentRefPayloadType0 | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.document_ref_payload_type_0 import DocumentRefPayloadType0

        template_id = self.template_id

        blank = self.blank

        payload: dict[str, Any] | Unset | None
        if isinstance(self.payload, Unset):
            payload = UNSET
        elif isinstance(self.payload, DocumentRefPayloadType0):
            payload = self.payload.to_dict()
        else:
            payload = self.payload

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "template_id": template_id,
            }
        )
        if blank is not UNSET:
            field_dict["blank"] = blank
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.document_ref_payload_type_0 import DocumentRefPayloadType0

        d = dict(src_dict)
        template_id = d.pop("template_id")

        blank = d.pop("blank", UNSET)

        def _parse_payload(data: object) -> DocumentRefPayloadType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payload_type_0 = DocumentRefPayloadType0.from_dict(data)

                return payload_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DocumentRefPayloadType0 | None | Unset, data)

        payload = _parse_payload(d.pop("payload", UNSET))

        document_ref = cls(
            template_id=template_id,
            blank=blank,
            payload=payload,
        )

        return document_ref
