"""What a batch run reports and delivers: per-candidate results, report.json + 报告.txt, and the delivery ZIP."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch.checks import CheckProblem
from service.batch.manifest import CandidateType, LoadedManifest
from service.batch.store import CandidateStatus, JobState
from service.output import atomic_write, campaign_iso, campaign_today, safe_file_name, write_zip
from service.output.zips import tree_entries

REPORT_JSON = "report.json"
REPORT_TXT = "报告.txt"
REPORT_FORMAT = "docgen-batch-report/1"


def error_entry(code: str, message: str, *, loc: str = "$", label: str = "") -> dict[str, str]:
    """One error as reports and the store keep it."""
    return {"loc": loc, "label": label, "code": code, "message": message}


def summary_file_stem(region: str) -> str:
    from service.payloads.summaries import SUMMARY_TITLE

    return f"{region}{SUMMARY_TITLE}"


def zip_stem(region: str) -> str:
    return safe_file_name(f"{region}推荐材料", fallback="推荐材料")


@dataclass
class CandidateResult:
    """One candidate's line in the report."""

    key: str
    index: int
    type: CandidateType | None
    priority: int | None
    applicant: str | None = None
    name: str | None = None
    credit_code: str | None = None
    parent_credit_code: str | None = None
    creation_field: str | None = None
    remark: str | None = None
    status: CandidateStatus = CandidateStatus.PENDING
    errors: list[dict[str, Any]] = field(default_factory=list)
    pages: int | None = None
    seconds: float | None = None
    reused: bool = False
    """True when this run found the outputs up to date and rendered nothing for the candidate."""
    sequence: int | None = None
    """序号 in the summary (per category)."""
    folder: str | None = None
    """The bundle folder, relative to the output folder."""
    outputs: dict[str, str] = field(default_factory=dict)
    content_hash: str | None = None
    input_hash: str | None = None
    template_version: str | None = None

    @property
    def display(self) -> str:
        who = self.name or self.applicant or f"候选 {self.key}"
        if self.type is None or self.priority is None:
            return f"清单第 {self.index + 1} 项「{who}」"
        return f"{self.type.label}类优先级 {self.priority}「{who}」"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "position": self.index + 1,  # 1-based, as in 清单第 N 项
            "type": self.type.value if self.type else None,
            "category": self.type.label if self.type else None,
            "priority": self.priority,
            "sequence": self.sequence,
            "applicant": self.applicant,
            "name": self.name,
            "credit_code": self.credit_code,
            "parent_credit_code": self.parent_credit_code,
            "creation_field": self.creation_field,
            "remark": self.remark,
            "status": self.status.value,
            "errors": self.errors,
            "pages": self.pages,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
            "reused": self.reused,
            "folder": self.folder,
            "files": sorted(self.outputs),
            "input_hash": self.input_hash,
            "template_version": self.template_version,
        }


@dataclass
class BatchReport:
    job_id: str
    state: JobState
    out_dir: Path
    manifest: LoadedManifest
    candidates: list[CandidateResult]
    problems: list[CheckProblem]
    started_at: float
    finished_at: float | None = None
    summary: dict[str, Any] | None = None
    summary_error: dict[str, str] | None = None
    zip_name: str | None = None

    @property
    def ok(self) -> list[CandidateResult]:
        return [c for c in self.candidates if c.status is CandidateStatus.OK]

    @property
    def failed(self) -> list[CandidateResult]:
        return [c for c in self.candidates if c.status is CandidateStatus.FAILED]

    @property
    def exit_code(self) -> int:
        """0: everything produced; 3: completed with failures (or cancelled / interrupted)."""
        return 0 if self.state is JobState.COMPLETED else 3

    def as_dict(self) -> dict[str, Any]:
        m = self.manifest
        produced = [c for c in self.ok if not c.reused]
        return {
            "format": REPORT_FORMAT,
            "job_id": self.job_id,
            "state": self.state.value,
            "state_label": self.state.label,
            "recommender": m.recommender.model_dump(),
            "contact": m.contact.model_dump(),
            "date": (m.date or campaign_today()).isoformat(),
            "counts": {
                "total": len(self.candidates),
                "ok": len(self.ok),
                "failed": len(self.failed),
                "produced": len(produced),
                "reused": len(self.ok) - len(produced),
            },
            "problems": [p.as_dict() for p in self.problems],
            "summary": self.summary,
            "summary_error": self.summary_error,
            "zip": self.zip_name,
            "candidates": [c.as_dict() for c in self.candidates],
            "started_at": campaign_iso(self.started_at),
            "finished_at": campaign_iso(self.finished_at) if self.finished_at else None,
            "seconds": round((self.finished_at or time.time()) - self.started_at, 2),
        }

    def text(self) -> str:
        return report_text(self)


# --- text report -------------------------------------------------------------------------------------------


def report_text(report: BatchReport) -> str:
    m = report.manifest
    data = report.as_dict()
    counts = data["counts"]
    lines = [
        f"{m.recommender.city}国家新兴产业发展示范基地创建对象推荐材料 — 批量生成报告",
        "",
        f"推荐单位：{m.recommender.department}",
        f"联系人：{m.contact.name}　电话：{m.contact.phone}",
        f"状态：{report.state.label}",
        f"开始：{data['started_at']}　结束：{data['finished_at'] or '—'}　用时：{data['seconds']:.1f} 秒",
        f"申报对象 {counts['total']} 个：成功 {counts['ok']} 个（本次生成 {counts['produced']} 个，"
        f"沿用上次结果 {counts['reused']} 个），失败 {counts['failed']} 个",
        "",
    ]
    if report.summary:
        s = report.summary
        files = "、".join(s[k] for k in ("docx", "pdf", "xlsx") if s.get(k))
        lines.append(f"推荐汇总表：{files}（园区类 {s['parks']} 个，企业类 {s['enterprises']} 个）")
    elif report.summary_error:
        lines.append(f"推荐汇总表：未生成（{report.summary_error['message']}）")
    if report.zip_name:
        lines.append(f"全部材料（ZIP）：{report.zip_name}")
    if report.problems:
        lines += ["", "跨申报对象检查发现的问题："]
        for p in report.problems:
            lines.append(f"  - [{p.code}] {p.message}")
    lines += ["", "各申报对象："]
    for ctype in (*CandidateType, None):
        members = [c for c in report.candidates if c.type is ctype]
        if not members:
            continue
        lines.append(f"  {ctype.label}类" if ctype else "  无法识别的清单项")
        for c in members:
            status = c.status.label + ("（沿用）" if c.reused else "")
            detail = []
            if c.creation_field:
                detail.append(f"领域：{c.creation_field}")
            if c.pages is not None and c.status is CandidateStatus.OK:
                detail.append(f"{c.pages} 页")
            if c.seconds is not None:
                detail.append(f"用时 {c.seconds:.1f} 秒")
            if c.folder:
                detail.append(f"→ {c.folder}/")
            lines.append(f"    {c.display}：{status}　" + "　".join(detail))
            for e in c.errors:
                where = f"{e.get('loc', '')} {e.get('label', '')}".strip()
                lines.append(f"        · {where + '：' if where and where != '$' else ''}[{e['code']}] {e['message']}")
    lines.append("")
    return "\n".join(lines)


# --- writing ---------------------------------------------------------------------------------------------


def write_reports(report: BatchReport) -> None:
    data = report.as_dict()
    out = report.out_dir
    atomic_write(out / REPORT_JSON, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
    atomic_write(out / REPORT_TXT, report.text().encode("utf-8"))


def delivered_files(report: BatchReport) -> list[str]:
    """What the delivery ZIP holds, relative to the output folder: summary, bundles of the candidates that
    succeeded, the reports."""
    files: list[str] = []
    if report.summary:
        files += report.summary["files"]
    for c in report.ok:
        files += sorted(c.outputs)
    return [*files, REPORT_JSON, REPORT_TXT]


def write_delivery_zip(report: BatchReport) -> None:
    """The delivery as one ZIP under one root folder (deterministic, dated the 填报日期), written atomically."""
    assert report.zip_name is not None
    m = report.manifest
    date = m.date or campaign_today()
    files: dict[str, Path | bytes | None] = {rel: report.out_dir / rel for rel in delivered_files(report)}
    entries = tree_entries(zip_stem(m.recommender.city), files)
    write_zip(report.out_dir / report.zip_name, entries, (date.year, date.month, date.day, 0, 0, 0))
