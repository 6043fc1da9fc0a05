"""Run one batch: checks → each candidate's package → the city summary → report.json + 报告.txt → one ZIP.

Output folder (the same tree is in the ZIP, under one root folder):

    OUT_DIR/
      <地市>国家新兴产业发展示范基地创建对象推荐汇总表.docx / .pdf   built from the candidates that succeeded
      园区类/01_<申报单位>/ …   企业类/01_<申报单位>/ …             each candidate's disc bundle, numbered as in
                                                                    the summary (per category, from 1)
      report.json   报告.txt                                         per candidate: ok/failed, errors, pages, time
      <地市>推荐材料.zip                                             all of the above
      .docgen/state.db                                               resume state (not part of the delivery)

Before anything is rendered every candidate is validated (manifest entry, payload, attachment list and file
types) and the cross-candidate checks run; a candidate with an error is reported and skipped, the others go on.

Idempotent and resumable: a candidate's *content hash* covers its template, payload and attachment bytes; its
*input hash* adds its 序号 in the summary. A candidate is skipped when its record says `ok` with the same input
hash and template version and every output file is there with the recorded sha256. Outputs are written into
`.docgen/tmp/` and renamed into place, and the record is committed only after that, so a run killed at any
moment leaves complete outputs or none, and the next run redoes exactly what is missing.

序号 follow the candidates that succeed: if a candidate fails while being packaged, the later ones of its
category are renumbered (and re-packaged) in the same run so that folders and summary agree. A candidate that
failed before with the same content is numbered as failing on the next run (and still retried), so a re-run
of an unchanged batch renders nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch.checks import CandidateFacts, CheckProblem, facts_of, rejected_by, run_checks
from service.batch.manifest import (
    CandidateType,
    LoadedCandidate,
    LoadedManifest,
    ManifestInvalid,
    load_manifest,
    priority_order,
)
from service.batch.runner import BatchJob
from service.batch.store import BatchStore, CandidateRecord, CandidateStatus, JobState
from service.conversion.converter import Converter
from service.payloads import PayloadInvalid, ValidatedPayload

log = logging.getLogger("docgen.batch")

STATE_DIR = ".docgen"
STATE_DB = "state.db"
REPORT_JSON = "report.json"
REPORT_TXT = "报告.txt"
REPORT_FORMAT = "docgen-batch-report/1"
SUMMARY_TEMPLATE = "city_recommendation_summary"
SUMMARY_ARTIFACT = "city_summary"
CATEGORY_DIRS = {CandidateType.PARK: "园区类", CandidateType.ENTERPRISE: "企业类"}
LOCAL_JOB = "local"
PIPELINE_VERSION = "batch-1"
"""Part of every content hash: bump it when what the batch writes for a candidate changes."""
MAX_ROUNDS = 3
"""Packaging rounds per run (a failure while packaging renumbers the later candidates of its category)."""
FILE_MODE = 0o644
RETRIED_CODES_PREFIX = ("conversion_", "libreoffice_", "internal_error")
"""Failures that may be transient: never assumed to repeat when planning the numbering."""


# --- progress ----------------------------------------------------------------------------------------------


class BatchProgress:
    """Receives progress events (from worker threads); the CLI draws Rich progress bars with them."""

    def planned(self, results: list[CandidateResult]) -> None:
        """Before production: every candidate, with status `pending` (to produce), `ok` (reused) or `failed`."""

    def candidate_started(self, key: str) -> None: ...

    def candidate_step(self, key: str, step: str) -> None:
        """A step of `service.packaging.STEPS` ("check", "convert", …, "done") began."""

    def candidate_finished(self, result: CandidateResult) -> None: ...

    def stage(self, text: str) -> None:
        """A batch-level step (city summary, report, ZIP) began; `text` is Chinese."""


# --- results -----------------------------------------------------------------------------------------------


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
            "date": (m.date or _today()).isoformat(),
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
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at) if self.finished_at else None,
            "seconds": round((self.finished_at or time.time()) - self.started_at, 2),
        }

    def text(self) -> str:
        return report_text(self)


# --- files -------------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename: a reader (or a resumed run) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def _error(code: str, message: str, *, loc: str = "$", label: str = "") -> dict[str, str]:
    return {"loc": loc, "label": label, "code": code, "message": message}


# --- preparing a candidate (no rendering) ------------------------------------------------------------------


@dataclass
class Prepared:
    loaded: LoadedCandidate
    facts: CandidateFacts
    result: CandidateResult
    validated: ValidatedPayload | None = None
    attachments: list[Any] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.loaded.key

    @property
    def viable(self) -> bool:
        return not self.result.errors


def candidate_rows(manifest: LoadedManifest) -> list[tuple[str, int, int | None, str | None, str | None]]:
    """(key, position, priority, type, name) of every candidate, for `BatchStore.sync_candidates`."""
    rows = []
    for cand in sorted(manifest.candidates, key=priority_order):
        facts = facts_of(cand)
        rows.append((cand.key, cand.index, cand.priority, cand.type.value if cand.type else None,
                     facts.name or facts.applicant))  # fmt: skip
    return rows


def summary_file_stem(region: str) -> str:
    from service.payloads.summaries import SUMMARY_TITLE

    return f"{region}{SUMMARY_TITLE}"


def zip_stem(region: str) -> str:
    return f"{region}推荐材料"


class Pipeline:
    def __init__(
        self,
        manifest: LoadedManifest,
        out_dir: Path,
        store: BatchStore,
        job_id: str,
        *,
        converter: Converter,
        workers: int | None = None,
        progress: BatchProgress | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.manifest = manifest
        self.converter = converter
        self.out_dir = Path(out_dir)
        self.store = store
        self.job_id = job_id
        self.workers = max(1, workers or converter.capacity)
        self.progress = progress or BatchProgress()
        self.stop = stop or threading.Event()
        self.state_dir = self.out_dir / STATE_DIR
        self.tmp_dir = self.state_dir / "tmp"
        self._versions: dict[str, str] = {}

    # --- the run ---------------------------------------------------------------------------------------

    def run(self) -> BatchReport:
        started = time.time()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)  # leftovers of a killed run
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.store.set_job_state(self.job_id, JobState.RUNNING)

        prepared = [self.prepare(c) for c in self.manifest.candidates]
        problems = run_checks(self.manifest.candidates)
        for key, found in rejected_by(problems).items():
            for p in prepared:
                if p.key == key:
                    p.result.errors += [_error(x.code, x.message, label="跨申报对象检查") for x in found]
        prepared.sort(key=lambda p: priority_order(p.loaded))
        removed = self.store.sync_candidates(
            self.job_id,
            [(p.key, p.loaded.index, p.loaded.priority, p.loaded.type.value if p.loaded.type else None,
              p.result.name or p.result.applicant) for p in prepared],
        )  # fmt: skip
        for rec in removed:
            remove_outputs(self.out_dir, rec.outputs)

        for p in prepared:
            if not p.viable:
                self._record_failure(p, self.store.candidate(self.job_id, p.key))
        report = BatchReport(self.job_id, JobState.RUNNING, self.out_dir, self.manifest,
                             [p.result for p in prepared], problems, started)  # fmt: skip
        self.produce_all([p for p in prepared if p.viable], report.candidates)
        if self.stop.is_set():
            return self._stopped(report)

        self.progress.stage("生成推荐汇总表")
        report.summary, report.summary_error = self.city_summary(report)
        ok = all(c.status is CandidateStatus.OK for c in report.candidates) and report.summary_error is None
        report.state = JobState.COMPLETED if ok else JobState.COMPLETED_WITH_FAILURES
        self.progress.stage("写入报告与 ZIP")
        report.zip_name = f"{zip_stem(self.manifest.recommender.city)}.zip"
        report.finished_at = time.time()
        self.write_reports(report)
        self.write_zip(report)
        result = {"zip": report.zip_name, "report": REPORT_JSON, **report.as_dict()["counts"]}
        self.store.set_job_state(self.job_id, report.state, result=result)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        return report

    def _stopped(self, report: BatchReport) -> BatchReport:
        """Cancelled (reported as such) or interrupted (left `running`, to be resumed)."""
        if not self.store.cancel_requested(self.job_id):
            report.state = JobState.RUNNING
            return report
        for c in report.candidates:
            if c.status in (CandidateStatus.PENDING, CandidateStatus.RUNNING):
                c.status = CandidateStatus.CANCELLED
                self.store.set_candidate_status(self.job_id, c.key, CandidateStatus.CANCELLED)
        report.state = JobState.CANCELLED
        report.finished_at = time.time()
        self.write_reports(report)
        self.store.set_job_state(self.job_id, JobState.CANCELLED, result={"report": REPORT_JSON})
        return report

    # --- preparation -----------------------------------------------------------------------------------

    def template_version(self, template_id: str) -> str:
        if template_id not in self._versions:
            from service.rendering import get_template

            self._versions[template_id] = get_template(template_id).version
        return self._versions[template_id]

    def prepare(self, cand: LoadedCandidate) -> Prepared:
        """Validate a candidate and read its attachments: everything short of rendering."""
        from service.packaging import AttachmentListError, PackageError, PackageLimits
        from service.packaging.attachments import Attachment, attachments_from_dir, check_sizes, detect_kind
        from service.rendering import validate

        facts = facts_of(cand)
        entry = cand.entry
        result = CandidateResult(
            key=cand.key, index=cand.index, type=cand.type, priority=cand.priority, applicant=facts.applicant,
            name=facts.name, credit_code=facts.credit_code, parent_credit_code=facts.parent_credit_code,
            creation_field=facts.creation_fields[0] if len(facts.creation_fields) == 1 else None,
            remark=entry.remark if entry else None,
            errors=[e.as_dict() for e in cand.errors],
        )  # fmt: skip
        prep = Prepared(cand, facts, result)
        if entry is None or cand.payload is None:
            return prep
        template_id = entry.type.template_id
        result.template_version = self.template_version(template_id)
        try:
            prep.validated = validate(template_id, cand.payload)
        except PayloadInvalid as exc:
            result.errors += [e.as_dict() for e in exc.errors]
        if prep.validated is not None:
            model: Any = prep.validated.model
            result.applicant, result.name = model.cover.applicant, model.basic_info.name
            result.creation_field = model.cover.creation_field.value
            if entry.type is CandidateType.ENTERPRISE:
                result.credit_code = model.basic_info.credit_code
        try:
            src = cand.attachments
            if src.folder is not None:
                prep.attachments = attachments_from_dir(src.folder)
            else:
                prep.attachments = [Attachment.from_path(path, item, title) for item, path, title in src.files]
        except AttachmentListError as exc:
            result.errors.append(_error(exc.code, exc.message, loc="$.attachments", label="附件"))
            return prep
        except PackageError as exc:
            result.errors.append(_error(exc.code, exc.message, loc="$.attachments", label="附件"))
            return prep
        digest = hashlib.sha256()
        listed = []
        for att in prep.attachments:
            try:
                data = att.read()
                detect_kind(att.name, data[:1024])
            except PackageError as exc:
                result.errors.append(_error(exc.code, exc.message, loc="$.attachments", label="附件"))
                continue
            listed.append({"item": att.item, "title": att.title, "name": att.name,
                           "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
        try:
            check_sizes(prep.attachments, PackageLimits())
        except PackageError as exc:
            result.errors.append(_error(exc.code, exc.message, loc="$.attachments", label="附件"))
        digest.update(canonical({
            "pipeline": PIPELINE_VERSION, "template": template_id, "payload": cand.payload, "attachments": listed,
        }))  # fmt: skip
        result.content_hash = digest.hexdigest()
        return prep

    # --- production ------------------------------------------------------------------------------------

    def produce_all(self, viable: list[Prepared], everyone: list[CandidateResult]) -> None:
        records = {p.key: self.store.candidate(self.job_id, p.key) for p in viable}
        expected_fail = {p.key for p in viable if _fails_again(records[p.key], p.result.content_hash)}
        attempted: dict[str, str] = {}  # key → input hash produced (or failed) in this run
        announced = False
        for _round in range(MAX_ROUNDS):
            sequences = plan_sequences(viable, expected_fail)
            todo: list[Prepared] = []
            for p in viable:
                seq = sequences[p.key]
                p.result.sequence = seq
                p.result.input_hash = f"{p.result.content_hash}:{seq}"
                if attempted.get(p.key) == p.result.input_hash:
                    continue
                rec = records[p.key] if p.key not in attempted else self.store.candidate(self.job_id, p.key)
                if self._reusable(p, rec):
                    assert rec is not None
                    self._reuse(p, rec)
                else:
                    p.result.status = CandidateStatus.PENDING
                    todo.append(p)
            if not announced:
                self.progress.planned(everyone)
                announced = True
            if not todo:
                break
            self._run_parallel(todo)
            for p in todo:
                if p.result.status in (CandidateStatus.OK, CandidateStatus.FAILED):
                    attempted[p.key] = p.result.input_hash or ""
            if self.stop.is_set():
                return
            failed_now = {p.key for p in viable if p.result.status is CandidateStatus.FAILED}
            if plan_sequences(viable, failed_now) == sequences:
                break
            expected_fail = failed_now

    def _reusable(self, p: Prepared, rec: CandidateRecord | None) -> bool:
        return (
            rec is not None
            and rec.status is CandidateStatus.OK
            and rec.input_hash == p.result.input_hash
            and rec.template_version == p.result.template_version
            and outputs_intact(self.out_dir, rec.outputs)
        )

    def _reuse(self, p: Prepared, rec: CandidateRecord) -> None:
        r = p.result
        r.status, r.reused, r.outputs = CandidateStatus.OK, True, dict(rec.outputs)
        r.pages, r.seconds = rec.pages, rec.seconds
        r.folder = _folder_of(rec.outputs)
        self.store.record_candidate(
            self.job_id, p.key, status=CandidateStatus.OK, input_hash=r.input_hash, template_version=r.template_version,
            outputs=r.outputs, errors=[], pages=r.pages, seconds=r.seconds, reused=True,
        )  # fmt: skip

    def _run_parallel(self, todo: list[Prepared]) -> None:
        executor = ThreadPoolExecutor(max_workers=min(self.workers, len(todo)), thread_name_prefix="batch")
        futures: dict[Future[None], Prepared] = {executor.submit(self._produce_guarded, p): p for p in todo}
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for f in done:
                    f.result()
        except BaseException:
            self.stop.set()  # Ctrl-C: the running candidates finish and are saved; the others are not started
            executor.shutdown(wait=True, cancel_futures=True)
            raise
        executor.shutdown(wait=True)

    def _produce_guarded(self, p: Prepared) -> None:
        if self.stop.is_set():
            return
        try:
            self.produce(p)
        except Exception as exc:  # a bug in one candidate must not stop the batch
            log.exception("申报对象 %s 生成失败 (candidate crashed)", p.key)
            p.result.errors = [_error("internal_error", f"生成申报材料时发生内部错误：{type(exc).__name__}: {exc}")]
            self._record_failure(p, self.store.candidate(self.job_id, p.key))
            self.progress.candidate_finished(p.result)

    def produce(self, p: Prepared) -> None:
        """Package one candidate and put its bundle folder in place, then record it."""
        from service.packaging import PackageError, assemble_package

        r = p.result
        assert p.loaded.entry is not None and p.validated is not None and r.sequence is not None
        previous = self.store.candidate(self.job_id, p.key)
        self.store.set_candidate_status(self.job_id, p.key, CandidateStatus.RUNNING)
        r.status = CandidateStatus.RUNNING
        self.progress.candidate_started(p.key)
        start = time.perf_counter()
        try:
            package = assemble_package(
                p.loaded.entry.type.template_id, p.validated, p.attachments, sequence=r.sequence,
                progress=lambda step: self.progress.candidate_step(p.key, step), converter=self.converter,
            )  # fmt: skip
        except PayloadInvalid as exc:
            r.errors = [e.as_dict() for e in exc.errors]
        except PackageError as exc:
            r.errors = [_error(exc.code, exc.message, label="申报材料包")]
        if r.errors:
            r.seconds = time.perf_counter() - start
            self._record_failure(p, previous)
            self.progress.candidate_finished(r)
            return
        category = CATEGORY_DIRS[p.loaded.entry.type]
        folder = f"{category}/{package.folder}"
        self._publish_folder(self.out_dir / folder, package.files)
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

    def _publish_folder(self, target: Path, files: Mapping[str, bytes]) -> None:
        """Write the folder under .docgen/tmp and rename it into place (replacing an older version)."""
        staging = Path(tempfile.mkdtemp(prefix="bundle-", dir=self.tmp_dir))
        try:
            built = staging / "new"
            for rel, data in files.items():
                path = built / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.replace(target, staging / "old")
            os.replace(built, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _record_failure(self, p: Prepared, previous: CandidateRecord | None) -> None:
        r = p.result
        r.status, r.reused, r.outputs, r.folder = CandidateStatus.FAILED, False, {}, None
        if previous is not None and previous.outputs:
            remove_outputs(self.out_dir, previous.outputs)  # outputs of older inputs must not be delivered
        self.store.record_candidate(
            self.job_id, p.key, status=CandidateStatus.FAILED, input_hash=r.input_hash,
            template_version=r.template_version, outputs={}, errors=r.errors, pages=None, seconds=r.seconds,
        )  # fmt: skip

    # --- the city summary ------------------------------------------------------------------------------

    def summary_payload(self, report: BatchReport) -> dict[str, Any]:
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
            "recommender": self.manifest.recommender.department,
            "region": self.manifest.recommender.city,
            "rows": rows,
        }

    def city_summary(self, report: BatchReport) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
        """The 推荐汇总表 as .docx and .pdf from the candidates that succeeded (reused when unchanged)."""
        from service.packaging.convert import ConversionFailed, docx_to_pdf
        from service.rendering import get_template, render

        previous = self.store.artifact(self.job_id, SUMMARY_ARTIFACT)
        if not report.ok:
            if previous:
                remove_outputs(self.out_dir, previous[1])
                self.store.delete_artifact(self.job_id, SUMMARY_ARTIFACT)
            return None, _error("summary_empty", "没有成功生成的申报对象，未生成推荐汇总表")
        payload = self.summary_payload(report)
        version = self.template_version(SUMMARY_TEMPLATE)
        input_hash = hashlib.sha256(canonical({"payload": payload, "version": version})).hexdigest()
        stem = summary_file_stem(self.manifest.recommender.city)
        info: dict[str, Any] = {
            "docx": f"{stem}.docx",
            "pdf": f"{stem}.pdf",
            "parks": sum(1 for c in report.ok if c.type is CandidateType.PARK),
            "enterprises": sum(1 for c in report.ok if c.type is CandidateType.ENTERPRISE),
        }
        if previous and previous[0] == input_hash and outputs_intact(self.out_dir, previous[1]):
            info["reused"] = True
            info["pages"] = count_pdf_pages((self.out_dir / info["pdf"]).read_bytes())
            return info | {"files": sorted(previous[1])}, None
        try:
            docx = render(SUMMARY_TEMPLATE, payload)
            title = get_template(SUMMARY_TEMPLATE).title
            author = self.manifest.recommender.department
            pdf = reproducible_pdf(docx_to_pdf(self.converter, docx), title=stem, author=author, subject=title,
                                   day=self.manifest.date or _today())  # fmt: skip
        except PayloadInvalid as exc:
            return None, _error(
                "summary_invalid",
                "推荐汇总表数据校验未通过：" + "；".join(f"{e.label}：{e.message}" for e in exc.errors),
            )
        except ConversionFailed as exc:
            return None, _error(exc.code, f"推荐汇总表转换为 PDF 失败：{exc.message}")
        atomic_write(self.out_dir / info["docx"], docx)
        atomic_write(self.out_dir / info["pdf"], pdf)
        outputs = {info["docx"]: hashlib.sha256(docx).hexdigest(), info["pdf"]: hashlib.sha256(pdf).hexdigest()}
        if previous:
            remove_outputs(self.out_dir, [k for k in previous[1] if k not in outputs])
        pages = count_pdf_pages(pdf)
        self.store.record_artifact(self.job_id, SUMMARY_ARTIFACT, input_hash, outputs)
        info["reused"] = False
        info["pages"] = pages
        return info | {"files": sorted(outputs)}, None

    # --- report and ZIP --------------------------------------------------------------------------------

    def write_reports(self, report: BatchReport) -> None:
        data = report.as_dict()
        atomic_write(self.out_dir / REPORT_JSON, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
        atomic_write(self.out_dir / REPORT_TXT, report.text().encode("utf-8"))

    def delivered_files(self, report: BatchReport) -> list[str]:
        files: list[str] = []
        if report.summary:
            files += report.summary["files"]
        for c in report.ok:
            files += sorted(c.outputs)
        return [*files, REPORT_JSON, REPORT_TXT]

    def write_zip(self, report: BatchReport) -> None:
        """The delivery as one ZIP (UTF-8 names, sorted entries, fixed timestamps), written atomically."""
        assert report.zip_name is not None
        root = zip_stem(self.manifest.recommender.city)
        date = self.manifest.date or _today()
        stamp = (date.year, date.month, date.day, 0, 0, 0)
        target = self.out_dir / report.zip_name
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=self.out_dir)
        os.close(fd)
        try:
            write_zip(Path(tmp), root, self.out_dir, self.delivered_files(report), stamp)
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_zip(
    target: Path, root: str, base: Path, files: Iterable[str], stamp: tuple[int, int, int, int, int, int]
) -> None:
    entries: set[str] = {f"{root}/"}
    for rel in files:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            entries.add(f"{root}/{'/'.join(parts[:depth])}/")
        entries.add(f"{root}/{rel}")
    with zipfile.ZipFile(target, "w", allowZip64=True) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 0
            info.flag_bits |= 0x800  # UTF-8 names
            if name.endswith("/"):
                info.external_attr = 0x10
                zf.writestr(info, b"")
                continue
            info.compress_type = zipfile.ZIP_DEFLATED
            with (base / name[len(root) + 1 :]).open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def reproducible_pdf(pdf: bytes, *, title: str, author: str, subject: str, day: dt.date) -> bytes:
    """LibreOffice stamps the clock, a random /ID and per-process font ids into every PDF: set the metadata from
    `day`, drop the font ids and save with a content-derived /ID (as the packaging does), so that the same
    document gives the same bytes."""
    import io

    import pikepdf

    from service.packaging import merge, reproducible

    created = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        reproducible.normalise_fonts(doc)  # LibreOffice numbers embedded fonts per process run
        merge.set_metadata(doc, merge.Metadata(title, author, subject, "", created))
        return merge.save(doc, min_version=doc.pdf_version or "1.6")


def count_pdf_pages(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def plan_sequences(viable: Iterable[Prepared], expected_fail: set[str]) -> dict[str, int]:
    """序号 per category in priority order; a candidate expected to fail takes the number it would have
    without using it up (its own hash stays stable; the next candidate gets the same number)."""
    out: dict[str, int] = {}
    items = list(viable)
    for ctype in CandidateType:
        n = 0
        members = sorted((p for p in items if p.loaded.type is ctype), key=lambda p: priority_order(p.loaded))
        for p in members:
            out[p.key] = n + 1
            if p.key not in expected_fail:
                n += 1
    return out


def _fails_again(rec: CandidateRecord | None, content_hash: str | None) -> bool:
    """Did this content fail last time for a reason that does not go away by itself (a bad attachment …)?"""
    if rec is None or rec.status is not CandidateStatus.FAILED or not rec.input_hash or not content_hash:
        return False
    codes = [e.get("code", "") for e in rec.errors]
    transient = any(c.startswith(RETRIED_CODES_PREFIX) for c in codes)
    return bool(codes) and not transient and rec.input_hash.startswith(f"{content_hash}:")


def _folder_of(outputs: Mapping[str, str]) -> str | None:
    for rel in outputs:
        parts = rel.split("/")
        if len(parts) >= 3:
            return "/".join(parts[:2])
    return None


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
        lines.append(f"推荐汇总表：{s['docx']}、{s['pdf']}（园区类 {s['parks']} 个，企业类 {s['enterprises']} 个）")
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


# --- entry points ------------------------------------------------------------------------------------------


def run_batch(
    manifest_path: Path | str,
    out_dir: Path | str,
    *,
    converter: Converter,
    workers: int | None = None,
    progress: BatchProgress | None = None,
    store: BatchStore | None = None,
    job_id: str | None = None,
    stop: threading.Event | None = None,
) -> BatchReport:
    """Run a batch into `out_dir` (resuming whatever an earlier run there left). ManifestInvalid if unusable.

    `converter`: converts the documents (e.g. a `ConversionPool`); `workers` defaults to its capacity.
    """
    manifest = load_manifest(Path(manifest_path))
    workers = workers or converter.capacity
    out = Path(out_dir)
    own = store is None
    if store is None:
        out.mkdir(parents=True, exist_ok=True)
        store = BatchStore(out / STATE_DIR / STATE_DB)
    job_id = job_id or LOCAL_JOB
    try:
        if own:
            store.ensure_job(job_id, Path(manifest_path).resolve(), out.resolve(), workers=workers)
        return Pipeline(manifest, out, store, job_id, converter=converter, workers=workers, progress=progress,
                        stop=stop).run()  # fmt: skip
    finally:
        if own:
            store.close()


def run_job(job: BatchJob, store: BatchStore, *, converter: Converter, stop: threading.Event | None = None,
            progress: BatchProgress | None = None) -> BatchReport | None:  # fmt: skip
    """Run a job recorded in `store` (the embedded runner's work); every outcome is recorded in the store."""
    try:
        manifest = load_manifest(job.manifest_path)
    except ManifestInvalid as exc:
        error = {"code": exc.code, "message": str(exc), "errors": [e.as_dict() for e in exc.errors]}
        store.set_job_state(job.id, JobState.FAILED, error=error)
        return None
    return Pipeline(manifest, job.out_dir, store, job.id, converter=converter, workers=job.workers,
                    progress=progress, stop=stop).run()  # fmt: skip
