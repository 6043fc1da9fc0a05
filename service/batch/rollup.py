"""Province roll-up: the MIIT 推荐汇总表 (工业和信息化部通知附件1) from several cities' batch outputs.

Reads each city output folder's `report.json` (written by `docgen batch`), takes the candidates that
succeeded, and lists them — parks and enterprises separately, in the order the cities are given and, within a
city, in the city's priority order — renumbered per category from 1.

The same cross-candidate rules as in a batch apply across cities (the same enterprise or park recommended by
two cities, a group company in one city and its subsidiary in another, one object under two creation fields,
one 申报单位 twice): the candidate listed first (earlier city, then higher priority) is kept, the others are left
out of the table and reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch.checks import CandidateFacts, CheckProblem, check_facts, rejected_by
from service.batch.manifest import CandidateType
from service.batch.report import REPORT_FORMAT, REPORT_JSON
from service.batch.store import JobState
from service.conversion.converter import Converter
from service.errors import DocgenError, ErrorKind
from service.output import atomic_write, campaign_now, campaign_today, count_pdf_pages, reproducible_pdf
from service.payloads import PayloadInvalid

PROVINCE_TEMPLATE = "province_recommendation_summary"
ROLLUP_JSON = "rollup.json"
ROLLUP_TXT = "汇总报告.txt"
ROLLUP_FORMAT = "docgen-rollup-report/1"
DEFAULT_RECOMMENDER = "广东省工业和信息化厅"


class RollupInvalid(DocgenError):
    """The roll-up cannot be made (a folder without a finished batch report, no candidate at all …)."""

    code = "rollup_invalid"
    kind = ErrorKind.INVALID
    title = "无法生成汇总表"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass
class CityInput:
    folder: Path
    city: str
    department: str
    state: str
    ok: int
    failed: int
    candidates: list[dict[str, Any]]


@dataclass
class RollupRow:
    city: str
    key: str
    category: CandidateType
    priority: int
    """Number in the province table (per category, from 1)."""
    city_priority: int | None
    applicant: str
    name: str
    creation_field: str
    credit_code: str | None


@dataclass
class RollupReport:
    out_dir: Path
    recommender: str
    cities: list[CityInput]
    rows: list[RollupRow]
    problems: list[CheckProblem]
    left_out: dict[str, list[str]] = field(default_factory=dict)
    """"<city>:<key>" → messages, for candidates not listed because of a problem."""
    files: list[str] = field(default_factory=list)
    pages: int | None = None

    @property
    def exit_code(self) -> int:
        return 3 if self.problems else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": ROLLUP_FORMAT,
            "recommender": self.recommender,
            "cities": [
                {
                    "folder": str(c.folder),
                    "city": c.city,
                    "department": c.department,
                    "state": c.state,
                    "ok": c.ok,
                    "failed": c.failed,
                }
                for c in self.cities
            ],
            "rows": [
                {
                    "category": r.category.label,
                    "priority": r.priority,
                    "city": r.city,
                    "city_priority": r.city_priority,
                    "applicant": r.applicant,
                    "name": r.name,
                    "creation_field": r.creation_field,
                    "credit_code": r.credit_code,
                }
                for r in self.rows
            ],
            "problems": [p.as_dict() for p in self.problems],
            "left_out": self.left_out,
            "files": self.files,
            "pages": self.pages,
            "generated_at": campaign_now().isoformat(timespec="seconds"),
        }

    def text(self) -> str:
        lines = [
            "国家新兴产业发展示范基地创建对象推荐汇总表 — 省级汇总报告",
            "",
            f"推荐单位：{self.recommender}",
            "地市：" + "、".join(f"{c.city}（成功 {c.ok} 个，失败 {c.failed} 个）" for c in self.cities),
            f"列入汇总表：园区类 {sum(r.category is CandidateType.PARK for r in self.rows)} 个，"
            f"企业类 {sum(r.category is CandidateType.ENTERPRISE for r in self.rows)} 个",
            "文件：" + "、".join(self.files),
        ]
        if self.problems:
            lines += ["", "跨地市检查发现的问题（未列入汇总表的申报对象见下）："]
            lines += [f"  - [{p.code}] {p.message}" for p in self.problems]
        for ctype in CandidateType:
            rows = [r for r in self.rows if r.category is ctype]
            if rows:
                lines += ["", f"{ctype.label}类："]
                lines += [f"  {r.priority}. {r.name}（{r.applicant}，{r.city}，{r.creation_field}）" for r in rows]
        lines.append("")
        return "\n".join(lines)


def read_city(folder: Path) -> CityInput:
    path = Path(folder) / REPORT_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RollupInvalid([f"{folder}：没有 {REPORT_JSON}（请先对该地市运行 docgen batch）"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RollupInvalid([f"{path}：不是合法的 JSON（{exc}）"]) from None
    if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
        raise RollupInvalid([f"{path}：不是 docgen batch 生成的报告（format 应为 {REPORT_FORMAT}）"])
    state = data.get("state")
    if state not in (JobState.COMPLETED.value, JobState.COMPLETED_WITH_FAILURES.value):
        raise RollupInvalid([f"{path}：该地市的批量任务尚未完成（状态：{state}），请先完成后再汇总"])
    counts = data.get("counts") or {}
    rec = data.get("recommender") or {}
    return CityInput(
        folder=Path(folder),
        city=str(rec.get("city") or ""),
        department=str(rec.get("department") or ""),
        state=str(state),
        ok=int(counts.get("ok", 0)),
        failed=int(counts.get("failed", 0)),
        candidates=[c for c in data.get("candidates", []) if c.get("status") == "ok"],
    )


def collect(cities: Sequence[CityInput]) -> tuple[list[CandidateFacts], dict[str, dict[str, Any]]]:
    """Facts of every succeeded candidate in roll-up order (city order, parks then enterprises by 序号)."""
    facts: list[CandidateFacts] = []
    rows: dict[str, dict[str, Any]] = {}
    order = 0
    for city in cities:
        ranked = sorted(city.candidates, key=lambda c: (0 if c.get("type") == "park" else 1, c.get("sequence") or 0))
        for c in ranked:
            key = f"{city.city}:{c['key']}"
            ctype = CandidateType(c["type"])
            facts.append(
                CandidateFacts(
                    key=key,
                    index=order,
                    priority=c.get("sequence"),
                    type=ctype,
                    applicant=c.get("applicant"),
                    name=c.get("name"),
                    credit_code=c.get("credit_code"),
                    parent_credit_code=c.get("parent_credit_code"),
                    creation_fields=(c["creation_field"],) if c.get("creation_field") else (),
                    origin=city.city,
                    order=order,
                )
            )
            rows[key] = c | {"city": city.city}
            order += 1
    return facts, rows


def rollup(
    city_dirs: Sequence[Path | str],
    out_dir: Path | str,
    *,
    recommender: str = DEFAULT_RECOMMENDER,
    converter: Converter,
) -> RollupReport:
    """Build the province 推荐汇总表 (.docx, .pdf, .xlsx) and its report in `out_dir`. RollupInvalid if impossible."""
    from service.conversion.errors import ConversionError
    from service.excel.summaries import summary_xlsx
    from service.packaging.convert import docx_to_pdf
    from service.rendering import get_template, validate
    from service.rendering.bounded import render_document

    if not city_dirs:
        raise RollupInvalid(["请至少给出一个地市的输出目录"])
    cities = [read_city(Path(d)) for d in city_dirs]
    seen: dict[str, Path] = {}
    duplicates = []
    for c in cities:
        if c.city in seen:
            duplicates.append(f"{c.folder} 与 {seen[c.city]} 都是{c.city}的输出：每个地市只能给出一次")
        seen.setdefault(c.city, c.folder)
    if duplicates:
        raise RollupInvalid(duplicates)
    facts, by_key = collect(cities)
    problems = check_facts(facts, priorities=False)
    left = rejected_by(problems)
    rows: list[RollupRow] = []
    counters = {t: 0 for t in CandidateType}
    for f in facts:
        if f.key in left:
            continue
        assert f.type is not None
        entry = by_key[f.key]
        counters[f.type] += 1
        rows.append(
            RollupRow(
                city=entry["city"],
                key=entry["key"],
                category=f.type,
                priority=counters[f.type],
                city_priority=entry.get("sequence"),
                applicant=entry["applicant"],
                name=entry["name"],
                creation_field=entry["creation_field"],
                credit_code=entry.get("credit_code"),
            )
        )
    if not rows:
        raise RollupInvalid(["各地市的输出中没有成功生成的申报对象，无法生成汇总表"])
    payload = {
        "recommender": recommender,
        "rows": [
            {"priority": r.priority, "applicant": r.applicant, "name": r.name, "category": r.category.label,
             "creation_field": r.creation_field, **({"credit_code": r.credit_code} if r.credit_code else {})}
            for r in rows
        ],
    }  # fmt: skip
    try:
        docx = render_document(PROVINCE_TEMPLATE, validate(PROVINCE_TEMPLATE, payload))
        title = get_template(PROVINCE_TEMPLATE).title
        today = campaign_today()
        pdf = reproducible_pdf(docx_to_pdf(converter, docx), title=title, author=recommender, subject=title, day=today)
        xlsx = summary_xlsx(PROVINCE_TEMPLATE, payload)
    except PayloadInvalid as exc:
        raise RollupInvalid([f"{e.label}：{e.message}" for e in exc.errors]) from None
    except ConversionError as exc:
        if exc.policy.retry:
            raise  # busy, timeout, unavailable travel as they are: the CLI says to try again
        raise RollupInvalid([f"汇总表转换为 PDF 失败：{exc.message}"]) from exc
    out = Path(out_dir)
    stem = title
    atomic_write(out / f"{stem}.docx", docx)
    atomic_write(out / f"{stem}.pdf", pdf)
    atomic_write(out / f"{stem}.xlsx", xlsx)
    report = RollupReport(out, recommender, cities, rows, problems)
    report.left_out = {k: [p.message for p in v] for k, v in left.items()}
    report.files = [f"{stem}.docx", f"{stem}.pdf", f"{stem}.xlsx"]
    report.pages = count_pdf_pages(pdf)
    data = report.as_dict() | {"sha256": {name: hashlib.sha256(b).hexdigest()
                                          for name, b in ((f"{stem}.docx", docx), (f"{stem}.pdf", pdf),
                                                          (f"{stem}.xlsx", xlsx))}}  # fmt: skip
    atomic_write(out / ROLLUP_JSON, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
    atomic_write(out / ROLLUP_TXT, report.text().encode("utf-8"))
    return report
