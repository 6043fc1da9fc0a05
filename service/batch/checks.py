"""Checks across the candidates of a batch, run before anything is rendered.

The notice's rules that no single form can check:

* `duplicate_credit_code` — the same enterprise (统一社会信用代码) twice;
* `duplicate_park` — the same park (园区名称) twice;
* `duplicate_applicant` — the same 申报单位 (or enterprise name) twice: the 推荐汇总表 lists each once;
* `group_and_subsidiary` — 集团公司与其子公司不得重复申报: an enterprise naming another candidate as its
  parent company (母公司统一社会信用代码, in its payload or in the manifest entry);
* `multiple_creation_fields` — 每个申报对象原则上限申报 1 个创建领域: one park or enterprise under two
  fields, or one payload naming several fields;
* `priority_not_contiguous` — priorities must be 1, 2, 3 … with no gap and no number used twice.

Each problem names every candidate involved (`candidates`) and says which of them are skipped
(`rejected`). For conflicts between candidates the one the city ranked highest (smallest priority) is kept
and the others are skipped: the priority is the city's own order of preference, and the report says which
one was kept so that the city can swap them. Facts are read from the raw payloads, so a candidate whose
form has errors still takes part (its own errors are reported separately).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from service.batch.manifest import CandidateType, LoadedCandidate
from service.payloads.common import CreationField
from service.payloads.summaries import identity_key

CHECK_CODES = (
    "duplicate_credit_code",
    "duplicate_park",
    "duplicate_applicant",
    "group_and_subsidiary",
    "multiple_creation_fields",
    "priority_not_contiguous",
)

_FIELD_SEPARATORS = re.compile(r"\s*[、,，;；/|和及与]\s*|\s+")


@dataclass(frozen=True)
class CandidateFacts:
    """What the cross-candidate checks need to know about one candidate."""

    key: str
    index: int
    priority: int | None
    type: CandidateType | None
    applicant: str | None = None
    """申报单位 (cover.applicant)."""
    name: str | None = None
    """园区名称 or 企业名称 (basic_info.name)."""
    credit_code: str | None = None
    parent_credit_code: str | None = None
    creation_fields: tuple[str, ...] = ()
    origin: str = ""
    """Where the candidate comes from, in the province roll-up: the city (广州市)."""
    order: int | None = None
    """Rank for "who is kept" when it is not the priority (the roll-up: city order, then priority)."""

    @property
    def display(self) -> str:
        """How a problem names the candidate: 企业类优先级 3「广州某某有限公司」 (广州市… in the roll-up)."""
        who = self.name or self.applicant or f"候选 {self.key}"
        if self.priority is None or self.type is None:
            return f"{self.origin}清单第 {self.index + 1} 项「{who}」"
        return f"{self.origin}{self.type.label}类优先级 {self.priority}「{who}」"

    @property
    def rank(self) -> tuple[int, int, int]:
        if self.order is not None:
            return (self.order, 0, self.index)
        return (0 if self.type is CandidateType.PARK else 1, self.priority or 10**6, self.index)

    @property
    def park_key(self) -> str | None:
        return normalise_name(self.name) if self.type is CandidateType.PARK and self.name else None


@dataclass(frozen=True)
class CheckProblem:
    code: str
    message: str
    candidates: tuple[str, ...]
    """Keys of every candidate involved."""
    rejected: tuple[str, ...]
    """Keys of the candidates skipped because of this problem."""
    kept: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "candidates": list(self.candidates),
            "rejected": list(self.rejected),
        }


def normalise_name(name: str) -> str:
    """Names compared as a reader would (as the 推荐汇总表 does): whitespace and full/half width ignored."""
    return identity_key(name)


def normalise_code(code: Any) -> str | None:
    if not isinstance(code, str):
        return None
    text = re.sub(r"\s+", "", code).upper()
    return text or None


def _get(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def creation_fields_of(value: Any) -> tuple[str, ...]:
    """The 创建领域 a payload names: one normally; several when a list or "人工智能、软件" was given."""
    items: list[Any] = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        text = item.strip()
        if text in CreationField._value2member_map_:
            parts = [text]
        else:
            parts = [p for p in _FIELD_SEPARATORS.split(text) if p]
            known = [p for p in parts if p in CreationField._value2member_map_]
            parts = known if known else [text]
        for part in parts:
            if part not in found:
                found.append(part)
    return tuple(found)


def facts_of(candidate: LoadedCandidate) -> CandidateFacts:
    """Facts from the candidate's raw payload (best effort: the payload may not be valid)."""
    entry = candidate.entry
    payload = candidate.payload or {}
    ctype = entry.type if entry else None
    parent = normalise_code(_get(payload, "basic_info", "parent_company_credit_code"))
    if entry is not None and entry.parent_credit_code:
        parent = normalise_code(entry.parent_credit_code)
    return CandidateFacts(
        key=candidate.key,
        index=candidate.index,
        priority=entry.priority if entry else None,
        type=ctype,
        applicant=_text(_get(payload, "cover", "applicant")),
        name=_text(_get(payload, "basic_info", "name")),
        credit_code=normalise_code(_get(payload, "basic_info", "credit_code"))
        if ctype is CandidateType.ENTERPRISE
        else None,
        parent_credit_code=parent if ctype is CandidateType.ENTERPRISE else None,
        creation_fields=creation_fields_of(_get(payload, "cover", "creation_field")),
    )


def _names(facts: Iterable[CandidateFacts]) -> str:
    return "、".join(f.display for f in facts)


def _keys(facts: Iterable[CandidateFacts]) -> tuple[str, ...]:
    return tuple(f.key for f in facts)


def check_priorities(facts: list[CandidateFacts]) -> list[CheckProblem]:
    """Per category, priorities 1, 2, 3 …: a number used twice skips all who share it; a gap skips the one after."""
    problems: list[CheckProblem] = []
    for ctype in CandidateType:
        problems += _check_category_priorities(ctype, [f for f in facts if f.type is ctype])
    return problems


def _check_category_priorities(ctype: CandidateType, facts: list[CandidateFacts]) -> list[CheckProblem]:
    problems: list[CheckProblem] = []
    what = f"{ctype.label}类推荐优先级"
    by_priority: dict[int, list[CandidateFacts]] = {}
    for f in facts:
        if f.priority is not None:
            by_priority.setdefault(f.priority, []).append(f)
    for priority, group in sorted(by_priority.items()):
        if len(group) > 1:
            problems.append(
                CheckProblem(
                    "priority_not_contiguous",
                    f"{what} {priority} 被 {len(group)} 个申报对象同时使用（{_names(group)}），无法确定排序；"
                    "园区类和企业类分别从 1 起连续编号、互不重复",
                    _keys(group),
                    _keys(group),
                )
            )
    previous: int = 0
    for priority in sorted(by_priority):
        if priority != previous + 1:
            before = by_priority.get(previous, [])
            after = by_priority[priority]
            missing = str(previous + 1) if priority == previous + 2 else f"{previous + 1}–{priority - 1}"
            lead = f"{what} {previous}（{_names(before)}）之后是" if before else f"{what}从"
            tail = f" {priority}（{_names(after)}）" + ("" if before else " 开始")
            problems.append(
                CheckProblem(
                    "priority_not_contiguous",
                    f"{what}不连续：{lead}{tail}，缺少 {missing}；应从 1 起连续编号（是否漏掉了申报对象？）",
                    _keys([*before, *after]),
                    _keys(after),
                )
            )
        previous = priority
    return problems


def check_duplicates(facts: list[CandidateFacts]) -> list[CheckProblem]:
    """The same 申报对象 twice: by 统一社会信用代码, by park name, then by 申报单位 or 园区/企业名称 (the
    推荐汇总表 lists each once).

    A set of candidates already reported under an earlier identity is not reported again.
    """
    identities: list[tuple[str, str, dict[str, list[CandidateFacts]]]] = [
        ("duplicate_credit_code", "统一社会信用代码", _group(facts, lambda f: f.credit_code)),
        ("duplicate_park", "园区", _group(facts, lambda f: f.park_key)),
        ("duplicate_applicant", "申报单位", _group(facts, lambda f: f.applicant and identity_key(f.applicant))),
        ("duplicate_applicant", "园区/企业名称", _group(facts, lambda f: f.name and identity_key(f.name))),
    ]
    problems: list[CheckProblem] = []
    reported: list[set[str]] = []
    for code, describe, groups in identities:
        for ident, group in groups.items():
            keys = {f.key for f in group}
            if len(group) < 2 or any(keys <= seen for seen in reported):
                continue
            reported.append(keys)
            shown = group[0].credit_code if code == "duplicate_credit_code" else _shown(group, describe, ident)
            problems.append(_conflict(group, code, describe, shown))
    return problems


Identity = Callable[[CandidateFacts], str | bool | None]


def _group(facts: list[CandidateFacts], key: Identity) -> dict[str, list[CandidateFacts]]:
    out: dict[str, list[CandidateFacts]] = {}
    for f in facts:
        k = key(f)
        if isinstance(k, str) and k:
            out.setdefault(k, []).append(f)
    return out


def _shown(group: list[CandidateFacts], describe: str, ident: str) -> str:
    first = group[0]
    if describe == "申报单位":
        return first.applicant or ident
    return first.name or ident


def _conflict(group: list[CandidateFacts], same_code: str, describe: str, shown: str | None) -> CheckProblem:
    """Same 申报对象 more than once: `same_code` when the fields agree, else multiple_creation_fields."""
    group = sorted(group, key=lambda f: f.rank)
    kept, rest = group[0], group[1:]
    fields = {fld for f in group for fld in f.creation_fields}
    if len(fields) > 1:
        return CheckProblem(
            "multiple_creation_fields",
            f"同一申报对象（{describe}“{shown}”）以不同创建领域（{'、'.join(sorted(fields))}）申报了 "
            f"{len(group)} 次：{_names(group)}。每个申报对象原则上限申报 1 个创建领域；"
            f"保留优先级最高的{kept.display}，其余不予生成",
            _keys(group),
            _keys(rest),
            (kept.key,),
        )
    return CheckProblem(
        same_code,
        f"{describe}“{shown}”重复申报 {len(group)} 次：{_names(group)}；保留优先级最高的{kept.display}，其余不予生成",
        _keys(group),
        _keys(rest),
        (kept.key,),
    )


def check_groups(facts: list[CandidateFacts]) -> list[CheckProblem]:
    """集团公司与其子公司不得重复申报: parent and subsidiary both in the batch; the lower priority is skipped."""
    by_code: dict[str, list[CandidateFacts]] = {}
    for f in facts:
        if f.credit_code:
            by_code.setdefault(f.credit_code, []).append(f)
    problems: list[CheckProblem] = []
    for child in facts:
        parent_code = child.parent_credit_code
        if not parent_code or parent_code == child.credit_code:
            continue
        for parent in by_code.get(parent_code, []):
            kept, rejected = sorted((parent, child), key=lambda f: f.rank)
            problems.append(
                CheckProblem(
                    "group_and_subsidiary",
                    f"{child.display}的母公司（集团公司）统一社会信用代码为 {parent_code}，即{parent.display}："
                    f"集团公司与其子公司不得重复申报；保留优先级较高的{kept.display}，{rejected.display}不予生成",
                    (parent.key, child.key),
                    (rejected.key,),
                    (kept.key,),
                )
            )
    return problems


def check_single_field(facts: list[CandidateFacts]) -> list[CheckProblem]:
    """One payload naming more than one 创建领域 (a list, or "人工智能、软件")."""
    problems: list[CheckProblem] = []
    for f in facts:
        known = [x for x in f.creation_fields if x in CreationField._value2member_map_]
        if len(known) > 1:
            problems.append(
                CheckProblem(
                    "multiple_creation_fields",
                    f"{f.display}同时申报了 {len(known)} 个创建领域（{'、'.join(known)}）："
                    "每个申报对象原则上限申报 1 个创建领域，请只保留一个",
                    (f.key,),
                    (f.key,),
                )
            )
    return problems


def check_facts(facts: list[CandidateFacts], *, priorities: bool = True) -> list[CheckProblem]:
    """Every cross-candidate problem among `facts`, in a stable order (the province roll-up skips priorities)."""
    problems = check_priorities(facts) if priorities else []
    return problems + check_duplicates(facts) + check_groups(facts) + check_single_field(facts)


def run_checks(candidates: Iterable[LoadedCandidate]) -> list[CheckProblem]:
    """Every cross-candidate problem of a batch's candidates."""
    return check_facts([facts_of(c) for c in candidates if c.entry is not None])


def rejected_by(problems: Iterable[CheckProblem]) -> dict[str, list[CheckProblem]]:
    """Candidate key → the problems that skip it."""
    out: dict[str, list[CheckProblem]] = {}
    for p in problems:
        for key in p.rejected:
            out.setdefault(key, []).append(p)
    return out
