from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disclosure import Disclosure
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment import Attachment
    from ..models.block import Block


T = TypeVar("T", bound="ForwardedDocument")


@_attrs_define
class ForwardedDocument:
    """被转发的公文：按原件排印其版头、正文和附件；原件缺页时署名、成文日期和附件说明可以空缺（保留原件已有的内容）。

    Attributes:
        body (list[Block]):
        issuer_mark (str): 红色居中的发文机关全称或规范化简称，如 广东省工业和信息化厅
        title (str): 二号小标宋居中；可用换行符指定回行位置
        addressees (None | str | Unset): 如 各地级以上市工业和信息化主管部门；末尾的全角冒号由系统添加
        attachment_list (list[str] | None | Unset): 附件名称，按顺序；省略时按附件自动生成，填空列表则不印附件说明（如原件该页缺失）
        attachments (list[Attachment] | Unset):
        date (datetime.date | None | Unset): 以阿拉伯数字显示，如 2026年3月18日
        disclosure (Disclosure | None | Unset): 印在全文最后（附件之后）
        document_number (None | str | Unset): 如 工信厅规函〔2026〕101号：年份用六角括号〔〕，序号不编虚位
        note (None | str | Unset): 如 联系人：张三，电话：020-83133421；显示在成文日期下一行，外加圆括号
        signature (None | str | Unset):
        title_lines (list[str] | None | Unset): 标题回行时各行的文字，连起来须与标题一致，每行不超过 20 字；省略时按词语边界自动分行，词意完整、排列对称
        with_seal (bool | Unset): 加盖印章时成文日期右空四字、署名居中于其上；不加盖时署名右空二字、日期首字比署名首字右移二字 Default: True.
    """

    body: list[Block]
    issuer_mark: str
    title: str
    addressees: str | Unset | None = UNSET
    attachment_list: list[str] | Unset | None = UNSET
    attachments: list[Attachment] | Unset = UNSET
    date: datetime.date | Unset | None = UNSET
    disclosure: Disclosure | Unset | None = UNSET
    document_number: str | Unset | None = UNSET
    note: str | Unset | None = UNSET
    signature: str | Unset | None = UNSET
    title_lines: list[str] | Unset | None = UNSET
    with_seal: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        body = []
        for body_item_data in self.body:
            body_item = body_item_data.to_dict()
            body.append(body_item)

        issuer_mark = self.issuer_mark

        title = self.title

        addressees: str | Unset | None
        if isinstance(self.addressees, Unset):
            addressees = UNSET
        else:
            addressees = self.addressees

        attachment_list: list[str] | Unset | None
        if isinstance(self.attachment_list, Unset):
            attachment_list = UNSET
        elif isinstance(self.attachment_list, list):
            attachment_list = self.attachment_list

        else:
            attachment_list = self.attachment_list

        attachments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = []
            for attachments_item_data in self.attachments:
                attachments_item = attachments_item_data.to_dict()
                attachments.append(attachments_item)

        date: str | Unset | None
        if isinstance(self.date, Unset):
            date = UNSET
        elif isinstance(self.date, datetime.date):
            date = self.date.isoformat()
        else:
            date = self.date

        disclosure: str | Unset | None
        if isinstance(self.disclosure, Unset):
            disclosure = UNSET
        elif isinstance(self.disclosure, Disclosure):
            disclosure = self.disclosure.value
        else:
            disclosure = self.disclosure

        document_number: str | Unset | None
        if isinstance(self.document_number, Unset):
            document_number = UNSET
        else:
            document_number = self.document_number

        note: str | Unset | None
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        signature: str | Unset | None
        if isinstance(self.signature, Unset):
            signature = UNSET
        else:
            signature = self.signature

        title_lines: list[str] | Unset | None
        if isinstance(self.title_lines, Unset):
            title_lines = UNSET
        elif isinstance(self.title_lines, list):
            title_lines = self.title_lines

        else:
            title_lines = self.title_lines

        with_seal = self.with_seal

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "body": body,
                "issuer_mark": issuer_mark,
                "title": title,
            }
        )
        if addressees is not UNSET:
            field_dict["addressees"] = addressees
        if attachment_list is not UNSET:
            field_dict["attachment_list"] = attachment_list
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if date is not UNSET:
            field_dict["date"] = date
        if disclosure is not UNSET:
            field_dict["disclosure"] = disclosure
        if document_number is not UNSET:
            field_dict["document_number"] = document_number
        if note is not UNSET:
            field_dict["note"] = note
        if signature is not UNSET:
            field_dict["signature"] = signature
        if title_lines is not UNSET:
            field_dict["title_lines"] = title_lines
        if with_seal is not UNSET:
            field_dict["with_seal"] = with_seal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment import Attachment
        from ..models.block import Block

        d = dict(src_dict)
        body = []
        _body = d.pop("body")
        for body_item_data in _body:
            body_item = Block.from_dict(body_item_data)

            body.append(body_item)

        issuer_mark = d.pop("issuer_mark")

        title = d.pop("title")

        def _parse_addressees(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        addressees = _parse_addressees(d.pop("addressees", UNSET))

        def _parse_attachment_list(data: object) -> list[str] | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attachment_list_type_0 = cast(list[str], data)

                return attachment_list_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        attachment_list = _parse_attachment_list(d.pop("attachment_list", UNSET))

        _attachments = d.pop("attachments", UNSET)
        attachments: list[Attachment] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = Attachment.from_dict(attachments_item_data)

                attachments.append(attachments_item)

        def _parse_date(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_type_0 = datetime.date.fromisoformat(data)

                return date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date = _parse_date(d.pop("date", UNSET))

        def _parse_disclosure(data: object) -> Disclosure | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disclosure_type_0 = Disclosure(data)

                return disclosure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Disclosure | None | Unset, data)

        disclosure = _parse_disclosure(d.pop("disclosure", UNSET))

        def _parse_document_number(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        document_number = _parse_document_number(d.pop("document_number", UNSET))

        def _parse_note(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_signature(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signature = _parse_signature(d.pop("signature", UNSET))

        def _parse_title_lines(data: object) -> list[str] | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                title_lines_type_0 = cast(list[str], data)

                return title_lines_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        title_lines = _parse_title_lines(d.pop("title_lines", UNSET))

        with_seal = d.pop("with_seal", UNSET)

        forwarded_document = cls(
            body=body,
            issuer_mark=issuer_mark,
            title=title,
            addressees=addressees,
            attachment_list=attachment_list,
            attachments=attachments,
            date=date,
            disclosure=disclosure,
            document_number=document_number,
            note=note,
            signature=signature,
            title_lines=title_lines,
            with_seal=with_seal,
        )

        return forwarded_document
