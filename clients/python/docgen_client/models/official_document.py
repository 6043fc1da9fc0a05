from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disclosure import Disclosure
from ..models.official_document_版式 import OfficialDocument版式
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment import Attachment
    from ..models.block import Block
    from ..models.forwarded_document import ForwardedDocument


T = TypeVar("T", bound="OfficialDocument")


@_attrs_define
class OfficialDocument:
    """公文（GB/T 9704-2012）：版头（发文机关标志、发文字号、红色分隔线）、标题、主送机关、正文、附件说明、署名、
    成文日期、附注、公开方式；转发的文件接在正文之后，附件各自另起一页。

        Attributes:
            body (list[Block]):
            date (datetime.date): 以阿拉伯数字显示，如 2026年3月18日
            issuer_mark (str): 红色居中的发文机关全称或规范化简称，如 广东省工业和信息化厅
            signature (str): 如 广东省工业和信息化厅
            title (str): 二号小标宋居中；可用换行符指定回行位置
            addressees (None | str | Unset): 如 各地级以上市工业和信息化主管部门；末尾的全角冒号由系统添加
            attachment_list (list[str] | None | Unset): 附件名称，按顺序；省略时按附件自动生成，填空列表则不印附件说明（如原件该页缺失）
            attachments (list[Attachment] | Unset):
            disclosure (Disclosure | None | Unset): 印在全文最后（附件之后）
            document_number (None | str | Unset): 如 工信厅规函〔2026〕101号：年份用六角括号〔〕，序号不编虚位
            format_ (OfficialDocument版式 | Unset): 文件：GB/T 9704 的一般格式；信函：第 10 章的信函格式（用于函：发文机关标志距页面上边 30
                mm，上下各一条红色双线，发文字号居右，首页不显示页码） Default: OfficialDocument版式.文件.
            forwarded (list[ForwardedDocument] | Unset): 转发类公文所转发的文件（含其附件），按顺序接在本文正文之后、本文附件之前；不计入本文附件
            note (None | str | Unset): 如 联系人：张三，电话：020-83133421；显示在成文日期下一行，外加圆括号
            title_lines (list[str] | None | Unset): 标题回行时各行的文字，连起来须与标题一致，每行不超过 20 字；省略时按词语边界自动分行，词意完整、排列对称
            with_seal (bool | Unset): 加盖印章时成文日期右空四字、署名居中于其上；不加盖时署名右空二字、日期首字比署名首字右移二字 Default: True.
    """

    body: list[Block]
    date: datetime.date
    issuer_mark: str
    signature: str
    title: str
    addressees: str | Unset | None = UNSET
    attachment_list: list[str] | Unset | None = UNSET
    attachments: list[Attachment] | Unset = UNSET
    disclosure: Disclosure | Unset | None = UNSET
    document_number: str | Unset | None = UNSET
    format_: OfficialDocument版式 | Unset = OfficialDocument版式.文件
    forwarded: list[ForwardedDocument] | Unset = UNSET
    note: str | Unset | None = UNSET
    title_lines: list[str] | Unset | None = UNSET
    with_seal: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        body = []
        for body_item_data in self.body:
            body_item = body_item_data.to_dict()
            body.append(body_item)

        date = self.date.isoformat()

        issuer_mark = self.issuer_mark

        signature = self.signature

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

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value

        forwarded: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.forwarded, Unset):
            forwarded = []
            for forwarded_item_data in self.forwarded:
                forwarded_item = forwarded_item_data.to_dict()
                forwarded.append(forwarded_item)

        note: str | Unset | None
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

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
                "date": date,
                "issuer_mark": issuer_mark,
                "signature": signature,
                "title": title,
            }
        )
        if addressees is not UNSET:
            field_dict["addressees"] = addressees
        if attachment_list is not UNSET:
            field_dict["attachment_list"] = attachment_list
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if disclosure is not UNSET:
            field_dict["disclosure"] = disclosure
        if document_number is not UNSET:
            field_dict["document_number"] = document_number
        if format_ is not UNSET:
            field_dict["format"] = format_
        if forwarded is not UNSET:
            field_dict["forwarded"] = forwarded
        if note is not UNSET:
            field_dict["note"] = note
        if title_lines is not UNSET:
            field_dict["title_lines"] = title_lines
        if with_seal is not UNSET:
            field_dict["with_seal"] = with_seal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment import Attachment
        from ..models.block import Block
        from ..models.forwarded_document import ForwardedDocument

        d = dict(src_dict)
        body = []
        _body = d.pop("body")
        for body_item_data in _body:
            body_item = Block.from_dict(body_item_data)

            body.append(body_item)

        date = datetime.date.fromisoformat(d.pop("date"))

        issuer_mark = d.pop("issuer_mark")

        signature = d.pop("signature")

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

        _format_ = d.pop("format", UNSET)
        format_: OfficialDocument版式 | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = OfficialDocument版式(_format_)

        _forwarded = d.pop("forwarded", UNSET)
        forwarded: list[ForwardedDocument] | Unset = UNSET
        if _forwarded is not UNSET:
            forwarded = []
            for forwarded_item_data in _forwarded:
                forwarded_item = ForwardedDocument.from_dict(forwarded_item_data)

                forwarded.append(forwarded_item)

        def _parse_note(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

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

        official_document = cls(
            body=body,
            date=date,
            issuer_mark=issuer_mark,
            signature=signature,
            title=title,
            addressees=addressees,
            attachment_list=attachment_list,
            attachments=attachments,
            disclosure=disclosure,
            document_number=document_number,
            format_=format_,
            forwarded=forwarded,
            note=note,
            title_lines=title_lines,
            with_seal=with_seal,
        )

        return official_document
