"""The batch steps the Celery tasks run, on the batch pipeline's own pieces (plan, produce, report).

A batch runs as: one *start* step (validate, check, number the candidates, reuse what is up to date, and hand back
the candidates to produce), one *candidate* step per candidate (render, convert, assemble, publish the folder,
record), and the *completion* step, run by whichever task finds nothing pending: it re-plans with the failures of
this run (a failure renumbers the later candidates of its category, as in the embedded pipeline) and either hands
back the renumbered candidates or writes the city summary, report.json, 报告.txt and the result ZIP.

Every step is idempotent, so a redelivered task is harmless: a candidate whose record says `ok` with the planned
input hash and intact files is not produced again, and the completion step runs under a claim in the store
(`claims`) and does nothing for a finished job. The steps take the store and the converter from their caller:
workers pass their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from service.batch.manifest import ManifestInvalid, load_manifest
from service.batch.pipeline import MAX_ROUNDS, Pipeline
from service.batch.planning import Prepared, fails_again, plan_sequences, prepare
from service.batch.produce import folder_of
from service.batch.progress import BatchProgress
from service.batch.report import error_entry
from service.batch.store import BatchStore, CandidateRecord, CandidateStatus, JobRecord, JobState
from service.conversion.converter import Converter
from service.errors import DocgenError

log = logging.getLogger("docgen.distributed")

TRANSIENT_PREFIXES = ("conversion_busy", "conversion_timeout", "libreoffice_unavailable", "task_time_limit_exceeded")
"""Error codes of a candidate worth another delivery later (the worker's pool was busy, slow or down, or the task
ran out of time)."""


class Mode(StrEnum):
    START = "start"
    """A new run of a queued job."""
    COMPLETE = "complete"
    """A candidate finished: if nothing is pending, finish the job or start the next numbering round."""
    RESUME = "resume"
    """Re-plan a running job whose tasks may have been lost: every unfinished candidate is handed back."""


@dataclass(frozen=True)
class Todo:
    key: str
    input_hash: str


@dataclass
class Advance:
    todo: list[Todo]
    finished: bool = False
    waiting: bool = False
    """Candidates are still pending or running: their tasks will run the completion step."""


def _pipeline(
    store: BatchStore, job: JobRecord, converter: Converter, progress: BatchProgress | None = None
) -> Pipeline | None:
    try:
        manifest = load_manifest(Path(job.manifest_path))
    except ManifestInvalid as exc:
        error = {"code": exc.code, "message": str(exc), "errors": [e.as_dict() for e in exc.errors]}
        store.set_job_state(job.id, JobState.FAILED, error=error)
        return None
    return Pipeline(manifest, Path(job.out_dir), store, job.id, converter=converter, workers=1, progress=progress)


def _in_flight(store: BatchStore, job_id: str) -> bool:
    return any(c.status in (CandidateStatus.PENDING, CandidateStatus.RUNNING) for c in store.candidates(job_id))


def advance(store: BatchStore, job_id: str, converter: Converter, mode: Mode, *, round_: int = 0) -> Advance:
    """Plan `job_id` and return the candidates to produce (already set `pending`); finish it when none is left.

    The caller holds the job's claim (`claims.claim`)."""
    job = store.get_job(job_id)
    if job is None or job.state.finished:
        return Advance([], finished=True)
    if job.cancel_requested:
        return _cancel(store, job, converter)
    if mode is Mode.COMPLETE and (job.state is JobState.QUEUED or _in_flight(store, job_id)):
        return Advance([], waiting=True)
    fresh = job.state is JobState.QUEUED
    pipeline = _pipeline(store, job, converter)
    if pipeline is None:
        return Advance([], finished=True)
    prepared, report = pipeline.begin(fresh=fresh, started=None if fresh else job.started_at)
    viable = [p for p in prepared if p.viable]
    stored = _records(store, job_id)  # one query, not one per candidate
    records = {p.key: stored.get(p.key) for p in viable}
    if fresh:
        expected_fail = {p.key for p in viable if fails_again(records[p.key], p.result.content_hash)}
    else:  # every viable candidate has been tried in this run (or is about to be): this run's failures count
        expected_fail = {k for k, r in records.items() if r is not None and r.status is CandidateStatus.FAILED}
    sequences = plan_sequences(viable, expected_fail)
    todo: list[Todo] = []
    for p in viable:
        rec = records[p.key]
        p.result.sequence = sequences[p.key]
        p.result.input_hash = f"{p.result.content_hash}:{p.result.sequence}"
        if pipeline.producer.reusable(p, rec):
            assert rec is not None
            if fresh:
                pipeline.producer.reuse(p, rec)  # up to date from an earlier run: reported as reused
            else:
                _from_record(p, rec)
        elif not fresh and _failed_as_planned(p, rec):  # failed in this run with this 序号: not tried again
            assert rec is not None
            _from_record(p, rec)
        else:
            todo.append(Todo(p.key, p.result.input_hash))
    if todo and (mode is not Mode.COMPLETE or round_ + 1 < MAX_ROUNDS):
        for t in todo:
            store.set_candidate_status(job_id, t.key, CandidateStatus.PENDING)
        return Advance(todo)
    for p in viable:  # out of rounds: report what the records say
        if p.result.status in (CandidateStatus.PENDING, CandidateStatus.RUNNING):
            rec = records[p.key]
            if rec is not None:
                _from_record(p, rec)
    pipeline.finish(report)
    return Advance([], finished=True)


def _records(store: BatchStore, job_id: str) -> dict[str, CandidateRecord]:
    """The job's candidate records by key."""
    return {rec.key: rec for rec in store.candidates(job_id)}


def _failed_as_planned(p: Prepared, rec: CandidateRecord | None) -> bool:
    return rec is not None and rec.status is CandidateStatus.FAILED and rec.input_hash == p.result.input_hash


def _from_record(p: Prepared, rec: CandidateRecord) -> None:
    r = p.result
    r.status, r.reused, r.outputs = rec.status, rec.reused, dict(rec.outputs)
    r.pages, r.seconds, r.folder = rec.pages, rec.seconds, folder_of(rec.outputs)
    if rec.status is CandidateStatus.FAILED:
        r.errors = list(rec.errors)


def _cancel(store: BatchStore, job: JobRecord, converter: Converter) -> Advance:
    """Cancelled: queued jobs end at once; running ones once their running candidates are done."""
    if job.state is JobState.QUEUED:
        store.set_job_state(job.id, JobState.CANCELLED)
        return Advance([], finished=True)
    if any(c.status is CandidateStatus.RUNNING for c in store.candidates(job.id)):
        return Advance([], waiting=True)
    pipeline = _pipeline(store, job, converter)
    if pipeline is None:
        return Advance([], finished=True)
    prepared, report = pipeline.begin(fresh=False, started=job.started_at)
    records = _records(store, job.id)
    for p in prepared:
        rec = records.get(p.key)
        if p.viable and rec is not None:
            _from_record(p, rec)
    pipeline.stopped(report)
    return Advance([], finished=True)


def produce_candidate(
    store: BatchStore,
    job_id: str,
    key: str,
    input_hash: str,
    converter: Converter,
    progress: BatchProgress | None = None,
) -> str:
    """Produce one candidate as planned (`input_hash` carries its 序号); returns its status afterwards.

    Skipped when the job is finished or cancelled, and when the record already says `ok` for this input with
    intact files (a redelivered task). `progress` hears the packaging steps (a task's deadline checks there)."""
    found = _planned(store, job_id, key, input_hash, converter, progress)
    if isinstance(found, str):
        return found
    pipeline, p, rec = found
    if not p.viable:  # the inputs changed since planning and are now invalid
        pipeline.producer.record_failure(p, rec)
        return CandidateStatus.FAILED.value
    if pipeline.producer.reusable(p, rec):
        return CandidateStatus.OK.value
    pipeline.tmp_dir.mkdir(parents=True, exist_ok=True)
    pipeline.producer.produce_guarded(p)
    return p.result.status.value


def record_failure(
    store: BatchStore, job_id: str, key: str, input_hash: str, converter: Converter, error: DocgenError
) -> str:
    """Record the candidate as failed with `error` (a task stopped by its time limit); returns its status."""
    found = _planned(store, job_id, key, input_hash, converter, None)
    if isinstance(found, str):
        return found
    pipeline, p, rec = found
    p.result.errors = [error_entry(error.code, error.message, label="申报材料包")]
    pipeline.producer.record_failure(p, rec)
    return CandidateStatus.FAILED.value


def _planned(
    store: BatchStore, job_id: str, key: str, input_hash: str, converter: Converter, progress: BatchProgress | None
) -> tuple[Pipeline, Prepared, CandidateRecord | None] | str:
    """The job's pipeline, the candidate prepared with its planned 序号 and its record; or the status to return
    when there is nothing to do (job finished or cancelled, candidate gone)."""
    job = store.get_job(job_id)
    if job is None or job.state.finished:
        return "skipped"
    rec = store.candidate(job_id, key)
    if job.cancel_requested:
        if rec is not None and rec.status in (CandidateStatus.PENDING, CandidateStatus.RUNNING):
            store.set_candidate_status(job_id, key, CandidateStatus.CANCELLED)
        return CandidateStatus.CANCELLED.value
    pipeline = _pipeline(store, job, converter, progress)
    if pipeline is None:
        return "skipped"
    found = [c for c in pipeline.manifest.candidates if c.key == key]
    if not found:
        log.warning("批量任务 %s 的清单中已没有申报对象 %s (candidate gone)", job_id, key)
        store.set_candidate_status(job_id, key, CandidateStatus.CANCELLED)
        return "skipped"
    p = prepare(found[0], pipeline.versions)
    if p.viable:
        p.result.sequence = int(input_hash.rsplit(":", 1)[1])
        p.result.input_hash = f"{p.result.content_hash}:{p.result.sequence}"
    return pipeline, p, rec


def transient_failure(store: BatchStore, job_id: str, key: str) -> bool:
    """The candidate failed only for reasons another worker (or a later try) may not have."""
    rec = store.candidate(job_id, key)
    if rec is None or rec.status is not CandidateStatus.FAILED or not rec.errors:
        return False
    return all(str(e.get("code", "")).startswith(TRANSIENT_PREFIXES) for e in rec.errors)
