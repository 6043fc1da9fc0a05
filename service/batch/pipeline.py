"""Run one batch: checks → each candidate's package → the city summary → report.json + 报告.txt → one ZIP.

This module orchestrates; the work is in `planning` (validation, hashes, 序号), `produce` (bundles, the city
summary), `report` (report.json, 报告.txt, the delivery ZIP) and `progress` (the events the CLI draws).

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

Each candidate's form renders as POST /v1/documents does by default: with the newest active uploaded version of
its template id (in the isolated render process), else with the built-in file; report.json and the store record
the version used (`template_version`).

Idempotent and resumable: a candidate's *content hash* covers its template version, payload and attachment bytes; its
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

import shutil
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from service.batch.checks import rejected_by, run_checks
from service.batch.jobs import BatchJob
from service.batch.manifest import LoadedManifest, ManifestInvalid, load_manifest, priority_order
from service.batch.planning import (
    PIPELINE_VERSION,
    Prepared,
    TemplateVersions,
    candidate_rows,
    fails_again,
    plan_sequences,
    prepare,
)
from service.batch.produce import CATEGORY_DIRS, SUMMARY_ARTIFACT, SUMMARY_TEMPLATE, Producer, remove_outputs
from service.batch.progress import BatchProgress
from service.batch.report import (
    REPORT_FORMAT,
    REPORT_JSON,
    REPORT_TXT,
    BatchReport,
    CandidateResult,
    error_entry,
    report_text,
    write_delivery_zip,
    write_reports,
    zip_stem,
)
from service.batch.store import BatchStore, CandidateStatus, JobState
from service.conversion.converter import Converter

if TYPE_CHECKING:
    from service.templates.store import TemplateStore

# Names other modules imported from here before the split (the CLI among them): they stay importable.
__all__ = [
    "CATEGORY_DIRS",
    "PIPELINE_VERSION",
    "REPORT_FORMAT",
    "REPORT_JSON",
    "REPORT_TXT",
    "SUMMARY_ARTIFACT",
    "SUMMARY_TEMPLATE",
    "BatchProgress",
    "BatchReport",
    "CandidateResult",
    "Pipeline",
    "candidate_rows",
    "report_text",
    "run_batch",
    "run_job",
    "zip_stem",
]

STATE_DIR = ".docgen"
STATE_DB = "state.db"
LOCAL_JOB = "local"
MAX_ROUNDS = 3
"""Packaging rounds per run (a failure while packaging renumbers the later candidates of its category)."""


class Pipeline:
    """One run of one job: plan (`planning`), produce (`produce`), report and deliver (`report`)."""

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
        templates: TemplateStore | None = None,
    ) -> None:
        """`templates`: where uploaded template versions are found (default: the configured store, as the
        service and `docgen template upload` use it)."""
        self.manifest = manifest
        self.out_dir = Path(out_dir)
        self.store = store
        self.job_id = job_id
        self.workers = max(1, workers or converter.capacity)
        self.progress = progress or BatchProgress()
        self.stop = stop or threading.Event()
        self.state_dir = self.out_dir / STATE_DIR
        self.tmp_dir = self.state_dir / "tmp"
        if templates is None:
            from service.templates.store import configured_store

            templates = configured_store()
        self.versions = TemplateVersions(templates)
        self.producer = Producer(self.out_dir, store, job_id, converter=converter, progress=self.progress,
                                 tmp_dir=self.tmp_dir, versions=self.versions)  # fmt: skip

    # --- the run ---------------------------------------------------------------------------------------

    def run(self) -> BatchReport:
        prepared, report = self.begin()
        self.produce_all([p for p in prepared if p.viable], report.candidates)
        if self.stop.is_set():
            return self.stopped(report)
        return self.finish(report)

    def begin(self, *, fresh: bool = True, started: float | None = None) -> tuple[list[Prepared], BatchReport]:
        """Validate, check and number-independent bookkeeping: the candidates (priority order) and the report
        they go into. `fresh`: a new run of this job (clears leftovers, marks the job running); a distributed
        step re-plans a running job with `fresh=False`, since other workers may be writing into `.docgen/tmp`."""
        started = time.time() if started is None else started
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if fresh:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)  # leftovers of a killed run
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        if fresh:
            self.store.set_job_state(self.job_id, JobState.RUNNING)

        prepared = [prepare(c, self.versions) for c in self.manifest.candidates]
        problems = run_checks(self.manifest.candidates)
        for key, found in rejected_by(problems).items():
            for p in prepared:
                if p.key == key:
                    p.result.errors += [error_entry(x.code, x.message, label="跨申报对象检查") for x in found]
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
                self.producer.record_failure(p, self.store.candidate(self.job_id, p.key))
        report = BatchReport(self.job_id, JobState.RUNNING, self.out_dir, self.manifest,
                             [p.result for p in prepared], problems, started)  # fmt: skip
        return prepared, report

    def finish(self, report: BatchReport) -> BatchReport:
        """Every candidate is ok or failed: the city summary, report.json + 报告.txt, the ZIP, the job's end state."""
        self.progress.stage("生成推荐汇总表")
        report.summary, report.summary_error = self.producer.city_summary(report)
        ok = all(c.status is CandidateStatus.OK for c in report.candidates) and report.summary_error is None
        report.state = JobState.COMPLETED if ok else JobState.COMPLETED_WITH_FAILURES
        self.progress.stage("写入报告与 ZIP")
        report.zip_name = f"{zip_stem(self.manifest.recommender.city)}.zip"
        report.finished_at = time.time()
        write_reports(report)
        write_delivery_zip(report)
        result = {"zip": report.zip_name, "report": REPORT_JSON, **report.as_dict()["counts"]}
        self.store.set_job_state(self.job_id, report.state, result=result)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        return report

    def stopped(self, report: BatchReport) -> BatchReport:
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
        write_reports(report)
        self.store.set_job_state(self.job_id, JobState.CANCELLED, result={"report": REPORT_JSON})
        return report

    # --- production ------------------------------------------------------------------------------------

    def produce_all(self, viable: list[Prepared], everyone: list[CandidateResult]) -> None:
        records = {p.key: self.store.candidate(self.job_id, p.key) for p in viable}
        expected_fail = {p.key for p in viable if fails_again(records[p.key], p.result.content_hash)}
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
                if self.producer.reusable(p, rec):
                    assert rec is not None
                    self.producer.reuse(p, rec)
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

    def _run_parallel(self, todo: list[Prepared]) -> None:
        executor = ThreadPoolExecutor(max_workers=min(self.workers, len(todo)), thread_name_prefix="batch")
        futures: dict[Future[None], Prepared] = {executor.submit(self._produce_unless_stopped, p): p for p in todo}
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

    def _produce_unless_stopped(self, p: Prepared) -> None:
        if not self.stop.is_set():
            self.producer.produce_guarded(p)


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
