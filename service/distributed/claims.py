"""The completion step's lock, kept in the job store so that it holds across workers and survives them.

One row per job in the store's `artifacts` table (name `distributed_claim`, owner in `input_hash`): a conditional
upsert takes it when it is free, already ours (a redelivered task keeps its id) or older than the lease (its owner
died). SQLite and PostgreSQL both run `INSERT … ON CONFLICT … DO UPDATE … WHERE` atomically, so exactly one
caller gets a row count of 1.
"""

from __future__ import annotations

import time
from typing import Any

from service.batch.store import BatchStore

CLAIM = "distributed_claim"

_CLAIM_SQL = (
    "INSERT INTO artifacts (job_id, name, input_hash, outputs, updated_at) VALUES ({job}, {name}, {owner}, '{{}}',"
    " {now}) ON CONFLICT (job_id, name) DO UPDATE SET input_hash = excluded.input_hash,"
    " updated_at = excluded.updated_at"
    " WHERE artifacts.input_hash = excluded.input_hash OR artifacts.updated_at < {stale}"
)
_RELEASE_SQL = "DELETE FROM artifacts WHERE job_id = {job} AND name = {name} AND input_hash = {owner}"


def _execute(store: BatchStore, template: str, params: dict[str, Any]) -> int:
    """Run one statement in its own transaction on the store's database; the affected row count."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        result = conn.execute(text(template.format(**{k: f":{k}" for k in params})), params)
        return int(result.rowcount or 0)


def claim(store: BatchStore, job_id: str, owner: str, *, lease: float) -> bool:
    """Take the job's completion lock for `owner` (free, already ours, or expired after `lease` seconds)."""
    now = time.time()
    params = {"job": job_id, "name": CLAIM, "owner": owner, "now": now, "stale": now - lease}
    return _execute(store, _CLAIM_SQL, params) == 1


def release(store: BatchStore, job_id: str, owner: str) -> None:
    _execute(store, _RELEASE_SQL, {"job": job_id, "name": CLAIM, "owner": owner})


def clear(store: BatchStore, job_id: str) -> None:
    """Forget any claim (a new run of the job)."""
    store.delete_artifact(job_id, CLAIM)
