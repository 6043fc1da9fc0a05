"""Batch generation for a city's candidates: every package plus the city 推荐汇总表 in one resumable run.

    from service.batch import run_batch, rollup
    report = run_batch("samples/batch_guangzhou/manifest.json", "out/广州", workers=2)
    report.state        # JobState.COMPLETED / COMPLETED_WITH_FAILURES
    rollup(["out/广州", "out/深圳"], "out/省汇总")     # the province table (工业和信息化部附件1)

Modules, one responsibility each: `manifest` (the batch manifest), `checks` (rules across candidates),
`store` (SQLite job state), `jobs` (a job as runners pass it), `runner` (the JobRunner interface and the
embedded runner, which never imports the pipeline: the run function is injected), `planning` (validation,
hashes, 序号), `produce` (bundles and the city summary), `report` (report.json, 报告.txt, the delivery ZIP),
`progress` (progress events), `pipeline` (one run, orchestrating the above), `rollup` (the province roll-up).
"""

from __future__ import annotations

from service.batch.checks import CHECK_CODES, CheckProblem, run_checks
from service.batch.jobs import BatchJob
from service.batch.manifest import BatchManifest, CandidateType, ManifestInvalid, load_manifest
from service.batch.pipeline import run_batch, run_job
from service.batch.progress import BatchProgress
from service.batch.report import BatchReport, CandidateResult
from service.batch.rollup import RollupInvalid, RollupReport, rollup
from service.batch.runner import EmbeddedRunner, JobRunner, JobStatus, resume_unfinished
from service.batch.store import BatchStore, CandidateStatus, JobState, StoreTooNew

__all__ = [
    "CHECK_CODES",
    "BatchJob",
    "BatchManifest",
    "BatchProgress",
    "BatchReport",
    "BatchStore",
    "CandidateResult",
    "CandidateStatus",
    "CandidateType",
    "CheckProblem",
    "EmbeddedRunner",
    "JobRunner",
    "JobState",
    "JobStatus",
    "ManifestInvalid",
    "RollupInvalid",
    "RollupReport",
    "StoreTooNew",
    "load_manifest",
    "resume_unfinished",
    "rollup",
    "run_batch",
    "run_checks",
    "run_job",
]
