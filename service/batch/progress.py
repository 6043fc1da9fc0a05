"""The progress protocol of a batch run: events from worker threads (the CLI draws Rich progress bars)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.batch.report import CandidateResult


class BatchProgress:
    """Receives progress events (from worker threads); every method does nothing unless overridden."""

    def planned(self, results: list[CandidateResult]) -> None:
        """Before production: every candidate, with status `pending` (to produce), `ok` (reused) or `failed`."""

    def candidate_started(self, key: str) -> None: ...

    def candidate_step(self, key: str, step: str) -> None:
        """A step of `service.packaging.STEPS` ("check", "convert", …, "done") began."""

    def candidate_finished(self, result: CandidateResult) -> None: ...

    def stage(self, text: str) -> None:
        """A batch-level step (city summary, report, ZIP) began; `text` is Chinese."""
