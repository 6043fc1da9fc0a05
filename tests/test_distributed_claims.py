"""The completion step's claim (service.distributed.claims) on SQLite and PostgreSQL: one owner at a time, the
same owner again (a redelivered task), a stale claim taken over, released claims free; many threads, one winner."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from service.batch.store import BatchStore
from service.distributed import claims


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BatchStore:
    target = request.getfixturevalue("postgres_url") if request.param == "postgresql" else tmp_path / "jobs.db"
    s = BatchStore(target)
    s.create_job("job", tmp_path / "manifest.json", tmp_path / "out")
    request.addfinalizer(s.close)
    return s


def test_one_owner_at_a_time(store: BatchStore) -> None:
    assert claims.claim(store, "job", "task-a", lease=60)
    assert not claims.claim(store, "job", "task-b", lease=60)
    assert claims.claim(store, "job", "task-a", lease=60)  # redelivered: same task id
    claims.release(store, "job", "task-b")  # not the owner: nothing happens
    assert not claims.claim(store, "job", "task-b", lease=60)
    claims.release(store, "job", "task-a")
    assert claims.claim(store, "job", "task-b", lease=60)
    assert claims.claim(store, "job", "task-c", lease=-1)  # the owner's lease ran out: taken over
    claims.clear(store, "job")
    assert claims.claim(store, "job", "task-d", lease=60)


def test_concurrent_claims_have_one_winner(store: BatchStore) -> None:
    won: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(owner: str) -> None:
        barrier.wait()
        if claims.claim(store, "job", owner, lease=60):
            won.append(owner)

    threads = [threading.Thread(target=attempt, args=(f"task-{n}",)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
