"""`CeleryRunner`: the `JobRunner` of the distributed mode (`DOCGEN_RUNNER=celery`).

Submitting sends one start task; a worker plans the job and fans out one task per candidate; the last one to
finish runs the completion step (`steps`, `tasks`). Status is read from the shared store, so any API replica
answers for any job. Cancelling sets the store's flag (tasks not yet started skip their candidate) and revokes
the queued candidate tasks. Nothing runs in this process: shutting the runner down leaves the jobs to the workers.
"""

from __future__ import annotations

import logging

from celery import Celery

from service.batch.jobs import BatchJob
from service.batch.pipeline import MAX_ROUNDS
from service.batch.runner import JobRunner, JobStatus
from service.batch.store import BatchStore, CandidateStatus, JobState
from service.distributed import tasks
from service.distributed.queues import BATCH_QUEUE

log = logging.getLogger("docgen.distributed")


class CeleryRunner(JobRunner):
    def __init__(self, store: BatchStore, app: Celery) -> None:
        self.store = store
        self.app = app

    def submit(self, job: BatchJob) -> str:
        """Queue the job's start task. A job already running is left to the workers: its tasks are in the
        broker (persistent, acknowledged late), so an API replica restarting sends nothing again."""
        record = self.store.get_job(job.id)
        if record is not None and record.state is JobState.RUNNING:
            log.info("批量任务 %s 正由 worker 执行 (running on workers)", job.id)
            return job.id
        tasks.send_start(self.app, job.id)
        return job.id

    def take_over(self, job: BatchJob) -> bool:
        """A running job is the workers' (its tasks wait in the broker, acknowledged late): nothing to send. A job
        still queued gets its start task again, as `submit` sends it."""
        record = self.store.get_job(job.id)
        if record is not None and record.state is JobState.RUNNING:
            return False
        tasks.send_start(self.app, job.id)
        return True

    def resume(self, job_id: str) -> None:
        """Re-plan a running job and send every unfinished candidate again (after the broker lost its data);
        candidates still queued then run twice, harmlessly."""
        tasks.send_start(self.app, job_id, resume=True)

    def cancel(self, job_id: str) -> JobStatus | None:
        job = self.store.get_job(job_id)
        if job is None:
            return None
        if not job.state.finished:
            self.store.request_cancel(job_id)
            if job.state is JobState.QUEUED:
                self.store.set_job_state(job_id, JobState.CANCELLED)
            else:
                waiting = [c.key for c in self.store.candidates(job_id) if c.status is CandidateStatus.PENDING]
                ids = [tasks.candidate_task_id(job_id, key, r) for key in waiting for r in range(MAX_ROUNDS)]
                if ids:
                    self.app.control.revoke(ids)
                # the completion step marks the rest cancelled once the running candidates are done
                self.app.send_task(tasks.COMPLETE, args=[job_id, 0], queue=BATCH_QUEUE)
        return self.status(job_id)

    def shutdown(self, *, wait: bool = True) -> None:
        """Nothing runs here; the store belongs to the caller."""


def resume_lost(runner: CeleryRunner) -> list[str]:
    """Re-plan every unfinished job (an operator, after the broker lost its data)."""
    resumed = []
    for job in runner.store.list_jobs([JobState.QUEUED, JobState.RUNNING]):
        runner.resume(job.id)
        resumed.append(job.id)
    return resumed
