"""The batch manifest: who recommends, who to contact, and the candidates in priority order.

A manifest is a JSON file (``manifest.json`` in an uploaded ZIP). Payloads and attachments are either inline
or paths *relative to the manifest's folder*: absolute paths, ``..`` and symlinks leading outside that folder
are refused, so a manifest can never make the service read a file elsewhere on the server.

Loading is lenient per candidate: a broken candidate entry (unknown type, missing payload file …) becomes
that candidate's errors and the others go on; only a manifest whose header is unusable (no 推荐单位, no
candidates, not JSON) raises `ManifestInvalid`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service.errors import DocgenError, ErrorKind
from service.payloads.common import CreditCode, FormDate, Phone, ShortText
from service.payloads.errors import FieldError, from_validation_error, json_path
from service.payloads.json_input import JsonInputError, load_json

MANIFEST_NAME = "manifest.json"
MAX_CANDIDATES = 200


class ManifestInvalid(DocgenError):
    """The manifest cannot be used at all (not JSON, no 推荐单位, no candidates …)."""

    code = "manifest_invalid"
    kind = ErrorKind.INVALID
    title = "批量清单不可用"

    def __init__(self, errors: list[FieldError], path: Path | None = None) -> None:
        self.path = path
        where = f"{path.name}：" if path else ""
        super().__init__(f"{where}批量清单不可用，共 {len(errors)} 处错误", errors=errors)


class CandidateType(StrEnum):
    PARK = "park"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        return "园区" if self is CandidateType.PARK else "企业"

    @property
    def template_id(self) -> str:
        return "park_application" if self is CandidateType.PARK else "enterprise_application"


def _relative_path(value: str) -> str:
    """A path inside the manifest's folder: no absolute path, no drive, no `..`."""
    text = value.strip().replace("\\", "/")
    if not text:
        raise ValueError("路径不能为空")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(value).drive or text.startswith("~"):
        raise ValueError(f"“{value}”是绝对路径：清单只能引用清单所在文件夹内的文件（请写相对路径）")
    if ".." in PurePosixPath(text).parts:
        raise ValueError(f"“{value}”含有“..”：清单只能引用清单所在文件夹内的文件")
    return text


RelativePath = Annotated[str, Field(min_length=1, max_length=500)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class Recommender(_Strict):
    city: ShortText = Field(title="地市", description="如 广州市")
    department: ShortText = Field(title="推荐单位", description="地市工业和信息化主管部门，如 广州市工业和信息化局")


class Contact(_Strict):
    name: ShortText = Field(title="联系人")
    phone: Phone = Field(title="联系电话")


class AttachmentRef(_Strict):
    """One file of a candidate's 附件清单, as in the `attachments.json` of `docgen package`."""

    file: RelativePath = Field(title="文件", description="相对清单所在文件夹的文件路径")
    item: int = Field(ge=1, le=8, title="附件清单序号", description="对应申请书“三、附件清单”的序号 1–8")
    title: str | None = Field(default=None, max_length=100, title="材料名称", description="省略时取文件名")

    @field_validator("file")
    @classmethod
    def _inside(cls, value: str) -> str:
        return _relative_path(value)


class CandidateEntry(_Strict):
    """One candidate (申报对象) of the batch."""

    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        title="候选标识",
        description="可选；字母、数字、-、_。用于断点续做和报告，省略时按在清单中的位置编号",
    )
    type: CandidateType = Field(title="申报类别", description="park（园区）或 enterprise（企业）")
    priority: int = Field(
        ge=1,
        le=MAX_CANDIDATES,
        title="推荐优先级",
        description="在同一申报类别（园区类或企业类）内从 1 起连续编号，1 为最优先；即推荐汇总表中的序号",
    )
    payload: dict[str, Any] | RelativePath = Field(
        title="申请书数据", description="申请书 JSON（内联对象），或相对清单文件夹的 JSON 文件路径"
    )
    attachments: RelativePath | list[AttachmentRef] | None = Field(
        default=None,
        title="附件",
        description="附件文件夹（含 1/、2/ … 子文件夹或 attachments.json），或附件列表；路径相对清单文件夹",
    )
    parent_credit_code: CreditCode | None = Field(
        default=None,
        title="母公司（集团公司）统一社会信用代码",
        description="企业所属集团公司的统一社会信用代码（申请书数据中已填写时可省略）",
    )
    remark: str | None = Field(default=None, max_length=200, title="备注", description="推荐汇总表“备注”栏")

    @field_validator("payload")
    @classmethod
    def _payload_path(cls, value: Any) -> Any:
        return _relative_path(value) if isinstance(value, str) else value

    @field_validator("attachments")
    @classmethod
    def _attachments_path(cls, value: Any) -> Any:
        return _relative_path(value) if isinstance(value, str) else value


class BatchManifest(_Strict):
    """批量清单：推荐单位、联系人和按推荐优先级排列的申报对象。"""

    recommender: Recommender = Field(title="推荐单位")
    contact: Contact = Field(title="联系人")
    date: FormDate | None = Field(default=None, title="填报日期", description="推荐汇总表的日期；省略时为生成当天")
    candidates: list[CandidateEntry] = Field(min_length=1, max_length=MAX_CANDIDATES, title="申报对象")


class _Header(_Strict):
    recommender: Recommender = Field(title="推荐单位")
    contact: Contact = Field(title="联系人")
    date: FormDate | None = Field(default=None, title="填报日期")
    candidates: list[Any] = Field(min_length=1, max_length=MAX_CANDIDATES, title="申报对象")


@dataclass
class AttachmentSource:
    """Where a candidate's attachments come from, resolved inside the manifest folder."""

    folder: Path | None = None
    files: list[tuple[int, Path, str | None]] = field(default_factory=list)


@dataclass
class LoadedCandidate:
    """A candidate entry with its payload read and its paths resolved; `errors` when it cannot be used."""

    index: int
    """0-based position in the manifest."""
    key: str
    """Stable identifier: the entry's `id`, else its 1-based position ("03")."""
    entry: CandidateEntry | None
    payload: dict[str, Any] | None = None
    attachments: AttachmentSource = field(default_factory=AttachmentSource)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def type(self) -> CandidateType | None:
        return self.entry.type if self.entry else None

    @property
    def priority(self) -> int | None:
        return self.entry.priority if self.entry else None

    @property
    def label(self) -> str:
        """How reports name the candidate before its payload is read: 第 N 项 / 优先级 N."""
        if self.entry is None:
            return f"清单第 {self.index + 1} 项"
        return f"{self.entry.type.label}类优先级 {self.entry.priority}（清单第 {self.index + 1} 项）"


@dataclass
class LoadedManifest:
    path: Path
    base_dir: Path
    recommender: Recommender
    contact: Contact
    date: dt.date | None
    candidates: list[LoadedCandidate]
    raw: dict[str, Any]

    def in_priority_order(self) -> list[LoadedCandidate]:
        """Parks, then enterprises, each by priority; entries that could not be parsed last, in manifest order."""
        return sorted(self.candidates, key=priority_order)


def priority_order(candidate: LoadedCandidate) -> tuple[int, int, int]:
    if candidate.entry is None:
        return (2, 0, candidate.index)
    return (0 if candidate.entry.type is CandidateType.PARK else 1, candidate.entry.priority, candidate.index)


def resolve_inside(base_dir: Path, relative: str) -> Path:
    """The real path of `relative` under `base_dir`; ValueError if it leads outside (also via symlinks)."""
    text = _relative_path(relative)
    base = base_dir.resolve()
    target = (base / text).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"“{relative}”指向清单所在文件夹之外（符号链接？）")
    return target


def _read_json_file(path: Path) -> Any:
    """The file's JSON; ValueError with a Chinese reason that names no server path (messages reach users)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError("文件不存在") from None
    except IsADirectoryError:
        raise ValueError("应为 JSON 文件，实为文件夹") from None
    except OSError:
        raise ValueError("文件无法读取") from None
    try:
        return load_json(data, "该文件")
    except JsonInputError as exc:
        raise ValueError(exc.message.removesuffix("。")) from None


def _error(loc: tuple[str | int, ...], label: str, code: str, message: str) -> FieldError:
    return FieldError(json_path(loc), label, code, message)


def _load_candidate(index: int, raw: Any, base_dir: Path) -> LoadedCandidate:
    loc: tuple[str | int, ...] = ("candidates", index)
    try:
        entry = CandidateEntry.model_validate(raw)
    except ValidationError as exc:
        errors = [
            FieldError(f"$.candidates[{index}]{e.loc[1:]}", f"申报对象第 {index + 1} 项 / {e.label}", e.code, e.message)
            for e in from_validation_error(exc, CandidateEntry)
        ]
        key = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        return LoadedCandidate(index, _safe_key(key, index), None, errors=errors)
    cand = LoadedCandidate(index, entry.id or f"{index + 1:02d}", entry)
    if isinstance(entry.payload, dict):
        cand.payload = entry.payload
    else:
        try:
            data = _read_json_file(resolve_inside(base_dir, entry.payload))
            if not isinstance(data, dict):
                raise ValueError("应为 JSON 对象（{…}）")
            cand.payload = data
        except ValueError as exc:
            cand.errors.append(
                _error((*loc, "payload"), "申请书数据", "payload_file", f"申请书数据文件“{entry.payload}”：{exc}")
            )
    if isinstance(entry.attachments, str):
        try:
            folder = resolve_inside(base_dir, entry.attachments)
            if not folder.is_dir():
                raise ValueError("文件夹不存在")
            cand.attachments = AttachmentSource(folder=folder)
        except ValueError as exc:
            cand.errors.append(
                _error((*loc, "attachments"), "附件", "attachments_folder", f"附件文件夹“{entry.attachments}”：{exc}")
            )
    elif entry.attachments:
        files: list[tuple[int, Path, str | None]] = []
        for i, ref in enumerate(entry.attachments):
            try:
                path = resolve_inside(base_dir, ref.file)
                if not path.is_file():
                    raise ValueError("文件不存在")
                files.append((ref.item, path, ref.title))
            except ValueError as exc:
                cand.errors.append(
                    _error(
                        (*loc, "attachments", i, "file"),
                        f"附件 / 第 {i + 1} 行 / 文件",
                        "attachment_missing",
                        f"附件“{ref.file}”：{exc}",
                    )
                )
        cand.attachments = AttachmentSource(files=files)
    return cand


def _safe_key(key: str | None, index: int) -> str:
    if key and re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key):
        return key
    return f"{index + 1:02d}"


def parse_manifest(data: Any, base_dir: Path, path: Path | None = None) -> LoadedManifest:
    """Check a manifest's header and load each candidate; ManifestInvalid if the manifest is unusable."""
    if not isinstance(data, dict):
        raise ManifestInvalid([_error((), "批量清单", "wrong_type", "批量清单应为 JSON 对象（{…}）")], path)
    try:
        head = _Header.model_validate(data)
    except ValidationError as exc:
        errors = [e for e in from_validation_error(exc, _Header) if not e.loc.startswith("$.candidates[")]
        raise ManifestInvalid(errors or from_validation_error(exc, _Header), path) from None
    candidates = [_load_candidate(i, raw, base_dir) for i, raw in enumerate(head.candidates)]
    seen: dict[str, LoadedCandidate] = {}
    dup_errors: list[FieldError] = []
    for cand in candidates:
        other = seen.get(cand.key)
        if other is not None:
            dup_errors.append(
                _error(
                    ("candidates", cand.index, "id"),
                    f"申报对象第 {cand.index + 1} 项 / 候选标识",
                    "duplicate_id",
                    f"候选标识“{cand.key}”与清单第 {other.index + 1} 项重复",
                )
            )
        seen.setdefault(cand.key, cand)
    if dup_errors:
        raise ManifestInvalid(dup_errors, path)
    return LoadedManifest(
        path=path or base_dir / MANIFEST_NAME,
        base_dir=base_dir.resolve(),
        recommender=head.recommender,
        contact=head.contact,
        date=head.date,
        candidates=candidates,
        raw=data,
    )


def load_manifest(path: Path) -> LoadedManifest:
    """Read a manifest file; payload and attachment paths are resolved against its folder."""
    if Path(path).suffix.lower() == ".xlsx":  # a candidate list (候选名单) becomes the same manifest
        from service.batch import candidate_list

        # load() is typed Any: it hands back what `parse` (parse_manifest) returns.
        loaded: LoadedManifest = candidate_list.load(
            Path(path), parse=parse_manifest, invalid=ManifestInvalid, resolve=resolve_inside
        )
        return loaded
    try:
        data = _read_json_file(path)
    except ValueError as exc:
        # The file's name only: the folder is the server's (an upload's temporary folder).
        raise ManifestInvalid([_error((), "批量清单", "manifest_file", f"{path.name}：{exc}")], path) from None
    return parse_manifest(data, path.parent, path)
