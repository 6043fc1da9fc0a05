from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.block import Block
    from ..models.document_ref import DocumentRef


T = TypeVar("T", bound="Attachment")


@_attrs_define
class Attachment:
    """公文附件：本服务生成的另一份文档（填写的或空白的），或文字内容（如评价要点）；从新页开始，页首标“附件N”。

    Attributes:
        blocks (list[Block] | None | Unset):
        document (DocumentRef | None | Unset):
        title (None | str | Unset): 用于附件说明；文字内容的附件还作为附件首页的标题。引用文档时可省略，默认取该文档自身的标题
    """

    blocks: list[Block] | Unset | None = UNSET
    document: DocumentRef | Unset | None = UNSET
    title: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.document_ref import DocumentRef

        blocks: list[dict[str, Any]] | Unset | None
        if isinstance(self.blocks, Unset):
            blocks = UNSET
        elif isinstance(self.blocks, list):
            blocks = []
            for blocks_type_0_item_data in self.blocks:
                blocks_type_0_item = blocks_type_0_item_data.to_dict()
                blocks.append(blocks_type_0_item)

        else:
            blocks = self.blocks

        document: dict[str, Any] | Unset | None
        if isinstance(self.document, Unset):
            document = UNSET
        elif isinstance(self.document, DocumentRef):
            document = self.document.to_dict()
        else:
            document = self.document

        title: str | Unset | None
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if blocks is not UNSET:
            field_dict["blocks"] = blocks
        if document is not UNSET:
            field_dict["document"] = document
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.block import Block
        from ..models.document_ref import DocumentRef

        d = dict(src_dict)

        def _parse_blocks(data: object) -> list[Block] | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                blocks_type_0 = []
                _blocks_type_0 = data
                for blocks_type_0_item_data in _blocks_type_0:
                    blocks_type_0_item = Block.from_dict(blocks_type_0_item_data)

                    blocks_type_0.append(blocks_type_0_item)

                return blocks_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Block] | None | Unset, data)

        blocks = _parse_blocks(d.pop("blocks", UNSET))

        def _parse_document(data: object) -> DocumentRef | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                document_type_0 = DocumentRef.from_dict(data)

                return document_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DocumentRef | None | Unset, data)

        document = _parse_document(d.pop("document", UNSET))

        def _parse_title(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        attachment = cls(
            blocks=blocks,
            document=document,
            title=title,
        )

        return attachment
