"""The queues of the distributed mode (a module of names only, importable by every other one)."""

from __future__ import annotations

BATCH_QUEUE = "docgen.batch"
"""Planning, one task per candidate, the completion step."""
CONVERT_QUEUE = "docgen.convert"
"""Single-document conversions sent by API replicas (`DOCGEN_CONVERT_VIA=celery`)."""
QUEUES = (BATCH_QUEUE, CONVERT_QUEUE)
