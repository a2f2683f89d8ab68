"""The web app's write path: group commit, optimistic cached states, and races between
processes (each with its own cache and writer) on one database. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.clock import FixedClock
from certprep.domain.attempt import Status, TimeUp
from certprep.services.exams import ExamService


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run on a fresh event loop in a thread of its own (the browser tests keep a loop running
    in the main thread for the whole session)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def worker(sessions: sessionmaker[Session], bank: Bank, clock: FixedClock) -> ExamService:
    return ExamService(sessions, bank, clock)  # a process of its own: its own cache and writer


def test_concurrent_answers_are_all_committed_in_order(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = worker(sessions, bank, clock)
    # eight learners (one full exam each) served by one process: one cache, one writer
    learners = [
        ExamService(sessions, bank, clock, f"learner-{n}", cache=svc.cache, writer=svc.writer)
        for n in range(8)
    ]
    attempts = [one.start_exam(seed=n).attempt.id for n, one in enumerate(learners)]

    async def learner(one: ExamService, attempt_id: str) -> None:
        for position in range(20):
            await one.run_async(attempt_id, one.answer_command(position, [0]))

    async def main() -> None:
        await asyncio.gather(*(learner(o, a) for o, a in zip(learners, attempts, strict=True)))

    run(main())
    assert svc.writer.steps == 160 and svc.writer.batches < 160  # they were grouped
    for n, attempt_id in enumerate(attempts):
        fresh = ExamService(sessions, bank, clock, f"learner-{n}").state(attempt_id)
        assert sorted(fresh.answers) == list(range(20)) and fresh.last_seq == 20


def test_a_stale_cache_loses_the_race_and_catches_up(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    a, b = worker(sessions, bank, clock), worker(sessions, bank, clock)
    attempt_id = a.start_exam(seed=3).attempt.id
    b.state(attempt_id)  # b caches seq 0

    async def main() -> None:
        await a.run_async(attempt_id, a.answer_command(0, [1]))  # seq 1 by a
        await a.run_async(attempt_id, a.submit_command())  # seq 2: the exam is over
        # b still believes the exam is open at seq 0: its insert of seq 1 loses, it catches up,
        # and then the rules refuse the answer because the exam has ended
        with pytest.raises(Exception, match="is over"):
            await b.run_async(attempt_id, b.answer_command(5, [0]))

    run(main())
    final = worker(sessions, bank, clock).state(attempt_id)
    assert final.status is Status.SUBMITTED and set(final.answers) == {0} and final.last_seq == 2


def test_later_writes_built_on_a_lost_race_fail_with_it(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    """Two requests queued on the same stale state: both must be redone, none may leave a gap."""
    a, b = worker(sessions, bank, clock), worker(sessions, bank, clock)
    attempt_id = a.start_exam(seed=4).attempt.id
    b.state(attempt_id)
    a.flag(attempt_id, 9, True)  # seq 1 written behind b's back

    async def main() -> None:
        await asyncio.gather(
            b.run_async(attempt_id, b.answer_command(1, [0])),
            b.run_async(attempt_id, b.answer_command(2, [0])),
        )

    run(main())
    final = worker(sessions, bank, clock).state(attempt_id)
    assert final.flags == {9} and set(final.answers) == {1, 2} and final.last_seq == 3


def test_time_up_on_the_async_path_submits_and_refuses(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = worker(sessions, bank, clock)
    attempt_id = svc.start_exam(seed=5).attempt.id
    clock.advance(minutes=181)

    async def main() -> None:
        with pytest.raises(TimeUp):
            await svc.run_async(attempt_id, svc.answer_command(0, [0]))

    run(main())
    row = svc.history()[0]
    assert row.status == "expired" and row.result is not None
