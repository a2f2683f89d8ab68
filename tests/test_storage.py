"""Storage on SQLite and PostgreSQL: migrations, the append-only log, ownership, exposure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.clock import FixedClock
from certprep.domain.attempt import Mode, Status, Step, StepKind, TimeUp
from certprep.domain.form import PracticeFilter
from certprep.errors import NotFound
from certprep.services.exams import ExamInProgress, ExamService
from certprep.storage.attempts import AttemptRepository
from certprep.storage.database import make_engine, migrate


def test_migrations_are_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    names = set(sa.inspect(engine).get_table_names())
    assert {"attempts", "attempt_steps", "attempt_items", "alembic_version"} <= names
    engine.dispose()


def test_each_step_is_written_to_one_index_and_still_found_by_attempt(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    """The log keeps only its unique (attempt_id, seq) index (migration 0007): reading an
    attempt's steps and deleting an attempt (the foreign key's cascade) both go through it."""
    engine = sessions.kw["bind"]
    indexes = sa.inspect(engine).get_indexes("attempt_steps")
    uniques = sa.inspect(engine).get_unique_constraints("attempt_steps")
    assert [i["name"] for i in indexes if not i.get("unique")] == []
    assert [u["column_names"] for u in uniques] == [["attempt_id", "seq"]]
    svc = ExamService(sessions, bank, clock)
    attempt_id = svc.start_exam(seed=1).attempt.id
    svc.answer(attempt_id, 0, [0])
    svc.flag(attempt_id, 1, True)
    assert ExamService(sessions, bank, clock).state(attempt_id).flags == {1}
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM attempts WHERE id = :id"), {"id": attempt_id})
        left = conn.execute(
            sa.text("SELECT count(*) FROM attempt_steps WHERE attempt_id = :id"), {"id": attempt_id}
        ).scalar_one()
    assert left == 0


def test_an_exam_round_trips_through_the_database(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    state = svc.start_exam(seed=3)
    attempt_id = state.attempt.id
    clock.advance(minutes=1)
    svc.answer(attempt_id, 0, [1])
    svc.flag(attempt_id, 4, True)
    clock.advance(minutes=1)
    svc.answer(attempt_id, 0, [2])
    reloaded = ExamService(sessions, bank, clock).state(attempt_id)  # a fresh service: a restart
    assert reloaded.attempt == state.attempt  # the form and its option orders came back intact
    assert reloaded.answers == {0: frozenset({state.attempt.form.items[0].option_order[2]})}
    assert reloaded.flags == {4}
    assert reloaded.time_left(clock.now()) == timedelta(minutes=178)
    assert reloaded.attempt.started_at.tzinfo is not None


def test_the_log_is_append_only_per_sequence_number(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    attempt_id = svc.start_exam(seed=3).attempt.id
    svc.flag(attempt_id, 0, True)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        AttemptRepository(session).append(attempt_id, Step(1, StepKind.UNFLAG, clock.now(), 0))


def test_one_learner_cannot_see_anothers_attempt(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    alice = ExamService(sessions, bank, clock, learner="alice")
    bob = ExamService(sessions, bank, clock, learner="bob")
    attempt_id = alice.start_exam(seed=1).attempt.id
    with pytest.raises(NotFound):
        bob.state(attempt_id)
    with pytest.raises(NotFound):
        bob.answer(attempt_id, 0, [0])
    assert bob.history() == [] and len(alice.history()) == 1


def test_expiry_is_recorded_and_later_answers_refused(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    attempt_id = svc.start_exam(seed=2).attempt.id
    svc.answer(attempt_id, 0, [0])
    clock.advance(minutes=200)
    with pytest.raises(TimeUp):
        svc.answer(attempt_id, 1, [0])
    state = svc.state(attempt_id)
    assert state.status is Status.EXPIRED
    assert state.ended_at == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    row = svc.history()[0]
    assert row.status == "expired" and row.result is not None and row.result["total"] == 65


def test_seen_items_are_avoided_in_the_next_form(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    exam = svc.start_exam(seed=1)
    first = {f.item_id for f in exam.attempt.form.items}
    svc.submit(exam.attempt.id)  # one full exam at a time
    second = {f.item_id for f in svc.start_exam(seed=1).attempt.form.items}
    assert len(first & second) <= 2 * 75 - len(bank.items)


def test_practice_sessions_pause_and_resume(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    state = svc.start_practice(PracticeFilter(domain=1), 5, minutes=10, seed=1)
    assert state.attempt.mode is Mode.PRACTICE and len(state.attempt.form) == 5
    clock.advance(minutes=3)
    svc.pause(state.attempt.id)
    clock.advance(hours=5)
    resumed = svc.resume(state.attempt.id)
    assert resumed.time_left(clock.now()) == timedelta(minutes=7)
    assert svc.open_attempt(Mode.PRACTICE) == state.attempt.id


def test_two_processes_with_their_own_caches_never_serve_a_stale_state(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    """Two web workers share the database, each with its own cache of derived states."""
    worker_a = ExamService(sessions, bank, clock)
    worker_b = ExamService(sessions, bank, clock)  # a separate AttemptCache
    attempt_id = worker_a.start_exam(seed=4).attempt.id
    worker_b.state(attempt_id)  # b caches the empty state
    worker_a.answer(attempt_id, 0, [1])
    worker_a.flag(attempt_id, 0, True)
    assert worker_b.state(attempt_id).flags == {0}  # b catches up from the log
    worker_b.answer(attempt_id, 1, [0])  # and appends after a's steps
    worker_a.answer(attempt_id, 2, [0])  # a was behind b by one step: no conflict, no loss
    final = ExamService(sessions, bank, clock).state(attempt_id)
    assert set(final.answers) == {0, 1, 2} and final.last_seq == 4


def test_one_full_exam_at_a_time(
    sessions: sessionmaker[Session], bank: Bank, clock: FixedClock
) -> None:
    svc = ExamService(sessions, bank, clock)
    first = svc.start_exam(seed=1)
    with pytest.raises(ExamInProgress) as refused:
        svc.start_exam(seed=2)
    assert refused.value.attempt_id == first.attempt.id
    clock.advance(minutes=181)  # its time ran out: it is over, so another may start
    assert svc.start_exam(seed=2).attempt.id != first.attempt.id
