"""Producing a batch's files: each candidate's bundle folder and the city 推荐汇总表, recorded in the store.

Outputs are published atomically (a folder is built under `.docgen/tmp/` and renamed into place) and a record is
committed only after its files are there, so a run killed at any moment leaves complete outputs or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from service.batch.manifest import CandidateType
from service.batch.planning import Prepared, TemplateVersions, canonical
from service.batch.progress import BatchProgress
from service.batch.report import BatchReport, error_entry, summary_file_stem
from service.batch.store import BatchStore, CandidateRecord, CandidateStatus
from service.conversion.converter import Converter
from service.conversion.errors import ConversionError
from service.errors import POLICY, DocgenError, kind_of
from service.output import atomic_write, campaign_today, count_pdf_pages, publish_folder, reproducible_pdf
from service.payloads import PayloadInvalid

log = logging.getLogger("docgen.batch")

SUMMARY_TEMPLATE = "city_recommendation_summary"
SUMMARY_ARTIFACT = "city_summary"
SUMMARY_FORMATS = ("docx", "pdf", "xlsx")
CATEGORY_DIRS = {CandidateType.PARK: "园区类", CandidateType.ENTERPRISE: "企业类"}
ATTEMPTS = 3
"""Tries of one candidate when the converter is busy, timed out or unavailable."""
MAX_RETRY_WAIT = 5.0
"""Seconds at most between two tries (a busy pool suggests its own wait)."""


def retryable(exc: BaseException) -> bool:
    """The batch's one decision on an error: try the candidate again (busy, timeout, unavailable: the same input
    will likely succeed later) or record it as failed (invalid, limit, not_found; internal is logged as well)."""
    return POLICY[kind_of(exc)].retry


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def outputs_intact(out_dir: Path, outputs: Mapping[str, str]) -> bool:
    """Every recorded output exists with its recorded sha256."""
    if not outputs:
        return False
    for rel, digest in outputs.items():
        path = out_dir / rel
        try:
            if not path.is_file() or sha256_file(path) != digest:
                return False
        except OSError:
            return False
    return True


def remove_outputs(out_dir: Path, paths: Iterable[str]) -> None:
    """Delete files this pipeline recorded as its own, then the bundle folders they leave empty (the category
    folders stay: another worker may be about to publish into them)."""
    root = out_dir.resolve()
    parents: set[Path] = set()
    for rel in paths:
        path = (out_dir / rel).resolve()
        if not path.is_relative_to(root) or path == root:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        parents.update(p for p in path.parents if p.is_relative_to(root) and len(p.relative_to(root).parts) >= 2)
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty


def folder_of(outputs: Mapping[str, str]) -> str | None:
    for rel in outputs:
        parts = rel.split("/")
        if len(parts) >= 3:
            return "/".join(parts[:2])
    return None


def summary_payload(report: BatchReport) -> dict[str, Any]:
    from service.payloads.summaries import Category

    rows = []
    for c in sorted(report.ok, key=lambda c: (0 if c.type is CandidateType.PARK else 1, c.sequence or 0)):
        assert c.type is not None
        row: dict[str, Any] = {
            "priority": c.sequence,
            "applicant": c.applicant,
            "name": c.name,
            "category": (Category.PARK if c.type is CandidateType.PARK else Category.ENTERPRISE).value,
            "creation_field": c.creation_field,
        }
        if c.credit_code:
            row["credit_code"] = c.credit_code
        if c.remark:
            row["remark"] = c.remark
        rows.append(row)
    return {
        "recommender": report.manifest.recommender.department,
        "region": report.manifest.recommender.city,
        "rows": rows,
    }


class Producer:
    """Writes one job's outputs into `out_dir` and records them in `store`."""

    def __init__(
        self,
        out_dir: Path,
        store: BatchStore,
        job_id: str,
        *,
        converter: Converter,
        progress: BatchProgress,
        tmp_dir: Path,
        versions: TemplateVersions,
    ) -> None:
        self.out_dir = out_dir
        self.store = store
        self.job_id = job_id
        self.converter = converter
        self.progress = progress
        self.tmp_dir = tmp_dir
        self.versions = versions

    def reusable(self, p: Prepared, rec: CandidateRecord | None) -> bool:
        return (
            rec is not None
            and rec.status is CandidateStatus.OK
            and rec.input_hash == p.result.input_hash
            and rec.template_version == p.result.template_version
            and outputs_intact(self.out_dir, rec.outputs)
        )

    def reuse(self, p: Prepared, rec: CandidateRecord) -> None:
        r = p.result
        r.status, r.reused, r.outputs = CandidateStatus.OK, True, dict(rec.outputs)
        r.pages, r.seconds = rec.pages, rec.seconds
        r.folder = folder_of(rec.outputs)
        self.store.record_candidate(
            self.job_id, p.key, status=CandidateStatus.OK, input_hash=r.input_hash, template_version=r.template_version,
            outputs=r.outputs, errors=[], pages=r.pages, seconds=r.seconds, reused=True,
        )  # fmt: skip

    def produce_guarded(self, p: Prepared) -> None:
        """`produce`, with a crash recorded as this candidate's failure (a bug in one must not stop the batch)."""
        try:
            self.produce(p)
        except Exception as exc:  # a bug in one candidate must not stop the batch
            log.exception("申报对象 %s 生成失败 (candidate crashed)", p.key)
            p.result.errors = [
                error_entry("internal_error", f"生成申报材料时发生内部错误：{type(exc).__name__}: {exc}")
            ]
            self.record_failure(p, self.store.candidate(self.job_id, p.key))
            self.progress.candidate_finished(p.result)

    def produce(self, p: Prepared) -> None:
        """Package one candidate and put its bundle folder in place, then record it."""
        from service.packaging import assemble_package

        r = p.result
        assert p.loaded.entry is not None and p.validated is not None and r.sequence is not None
        previous = self.store.candidate(self.job_id, p.key)
        self.store.set_candidate_status(self.job_id, p.key, CandidateStatus.RUNNING)
        r.status = CandidateStatus.RUNNING
        self.progress.candidate_started(p.key)
        start = time.perf_counter()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                package = assemble_package(
                    p.loaded.entry.type.template_id, p.validated, p.attachments, sequence=r.sequence,
                    progress=lambda step: self.progress.candidate_step(p.key, step), converter=self.converter,
                    renderer=self.versions.renderer(p.loaded.entry.type.template_id),
                )  # fmt: skip
                break
            except DocgenError as exc:
                if retryable(exc) and attempt < ATTEMPTS:
                    log.warning("申报对象 %s 第 %d 次生成未完成，稍后重试 (retrying): %s", p.key, attempt, exc.code)
                    time.sleep(min(float(exc.retry_after or attempt), MAX_RETRY_WAIT))
                    continue
                if exc.policy.log_traceback:
                    log.error("申报对象 %s 生成失败 (internal error): %s", p.key, exc.code, exc_info=exc)
                # serialized once, for the store and the report
                r.errors = [e.as_dict() for e in exc.errors] or [error_entry(exc.code, exc.message, label="申报材料包")]
                break
        if r.errors:
            r.seconds = time.perf_counter() - start
            self.record_failure(p, previous)
            self.progress.candidate_finished(r)
            return
        category = CATEGORY_DIRS[p.loaded.entry.type]
        folder = f"{category}/{package.folder}"
        publish_folder(self.out_dir / folder, package.files, staging_dir=self.tmp_dir)
        outputs = {f"{folder}/{rel}": hashlib.sha256(data).hexdigest() for rel, data in package.files.items()}
        if previous is not None:
            remove_outputs(self.out_dir, [rel for rel in previous.outputs if rel not in outputs])
        r.status, r.reused, r.outputs, r.folder = CandidateStatus.OK, False, outputs, folder
        r.pages, r.seconds = package.pages, time.perf_counter() - start
        self.store.record_candidate(
            self.job_id, p.key, status=CandidateStatus.OK, input_hash=r.input_hash, template_version=r.template_version,
            outputs=outputs, errors=[], pages=r.pages, seconds=r.seconds,
        )  # fmt: skip
        self.progress.candidate_finished(r)

    def record_failure(self, p: Prepared, previous: CandidateRecord | None) -> None:
        r = p.result
        r.status, r.reused, r.outputs, r.folder = CandidateStatus.FAILED, False, {}, None
        if previous is not None and previous.outputs:
            remove_outputs(self.out_dir, previous.outputs)  # outputs of older inputs must not be delivered
        self.store.record_candidate(
            self.job_id, p.key, status=CandidateStatus.FAILED, input_hash=r.input_hash,
            template_version=r.template_version, outputs={}, errors=r.errors, pages=None, seconds=r.seconds,
        )  # fmt: skip

    # --- the city summary ------------------------------------------------------------------------------

    def city_summary(self, report: BatchReport) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
        """The 推荐汇总表 as .docx and .pdf from the candidates that succeeded (reused when unchanged)."""
        manifest = report.manifest
        from service.excel.summaries import summary_xlsx
        from service.packaging.convert import docx_to_pdf
        from service.rendering import get_template, validate
        from service.rendering.bounded import render_document

        previous = self.store.artifact(self.job_id, SUMMARY_ARTIFACT)
        if not report.ok:
            if previous:
                remove_outputs(self.out_dir, previous[1])
                self.store.delete_artifact(self.job_id, SUMMARY_ARTIFACT)
            return None, error_entry("summary_empty", "没有成功生成的申报对象，未生成推荐汇总表")
        payload = summary_payload(report)
        version = self.versions(SUMMARY_TEMPLATE)
        # The formats are part of the hash: a summary made before the .xlsx existed is made again, with it.
        input_hash = hashlib.sha256(
            canonical({"payload": payload, "version": version, "formats": SUMMARY_FORMATS})
        ).hexdigest()
        stem = summary_file_stem(manifest.recommender.city)
        info: dict[str, Any] = {
            "docx": f"{stem}.docx",
            "pdf": f"{stem}.pdf",
            "xlsx": f"{stem}.xlsx",
            "parks": sum(1 for c in report.ok if c.type is CandidateType.PARK),
            "enterprises": sum(1 for c in report.ok if c.type is CandidateType.ENTERPRISE),
        }
        if previous and previous[0] == input_hash and outputs_intact(self.out_dir, previous[1]):
            info["reused"] = True
            info["pages"] = count_pdf_pages((self.out_dir / info["pdf"]).read_bytes())
            return info | {"files": sorted(previous[1])}, None
        try:
            docx = render_document(SUMMARY_TEMPLATE, validate(SUMMARY_TEMPLATE, payload))
            title = get_template(SUMMARY_TEMPLATE).title
            author = manifest.recommender.department
            pdf = reproducible_pdf(docx_to_pdf(self.converter, docx), title=stem, author=author, subject=title,
                                   day=manifest.date or campaign_today())  # fmt: skip
            xlsx = summary_xlsx(SUMMARY_TEMPLATE, payload)
        except PayloadInvalid as exc:
            return None, error_entry(
                "summary_invalid",
                "推荐汇总表数据校验未通过：" + "；".join(f"{e.label}：{e.message}" for e in exc.errors),
            )
        except ConversionError as exc:
            return None, error_entry(exc.code, f"推荐汇总表转换为 PDF 失败：{exc.message}")
        atomic_write(self.out_dir / info["docx"], docx)
        atomic_write(self.out_dir / info["pdf"], pdf)
        atomic_write(self.out_dir / info["xlsx"], xlsx)
        outputs = {info[k]: hashlib.sha256(b).hexdigest() for k, b in (("docx", docx), ("pdf", pdf), ("xlsx", xlsx))}
        if previous:
            remove_outputs(self.out_dir, [k for k in previous[1] if k not in outputs])
        pages = count_pdf_pages(pdf)
        self.store.record_artifact(self.job_id, SUMMARY_ARTIFACT, input_hash, outputs)
        info["reused"] = False
        info["pages"] = pages
        return info | {"files": sorted(outputs)}, None
