"""Scripted walkthroughs of attempts in the domain layer, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from certprep.bank.loader import Bank
from certprep.domain import attempt as rules
from certprep.domain.attempt import Attempt, AttemptError, Mode, Status, StepKind, TimeUp
from certprep.domain.form import BankIndex, assemble_exam

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def exam(bank: Bank) -> Attempt:
    form = assemble_exam(BankIndex.build(bank.blueprint, bank.items.values()), seed=11)
    return Attempt("a1", Mode.EXAM, form, T0, timedelta(minutes=180))


def walk(state: rules.AttemptState, step: rules.Step, log: list[rules.Step]) -> rules.AttemptState:
    log.append(step)
    return rules.apply(state, step)


def test_answer_flag_change_clear_and_submit(bank: Bank, exam: Attempt) -> None:
    log: list[rules.Step] = []
    s = rules.start_state(exam)
    first = bank.items[exam.form.items[0].item_id]
    s = walk(s, rules.answer_step(s, 0, first, [0], T0 + timedelta(minutes=1)), log)
    s = walk(s, rules.flag_step(s, 0, True, T0 + timedelta(minutes=2)), log)
    s = walk(s, rules.answer_step(s, 0, first, [1], T0 + timedelta(minutes=3)), log)
    assert [st.kind for st in log] == [StepKind.ANSWER, StepKind.FLAG, StepKind.CHANGE]
    assert s.answers == {0: frozenset({1})} and s.flags == {0}
    s = walk(s, rules.clear_step(s, 0, T0 + timedelta(minutes=4)), log)
    s = walk(s, rules.flag_step(s, 0, False, T0 + timedelta(minutes=5)), log)
    assert s.answers == {} and s.flags == set()
    s = walk(s, rules.submit_step(s, T0 + timedelta(minutes=6)), log)
    assert s.status is Status.SUBMITTED and s.ended_at == T0 + timedelta(minutes=6)
    with pytest.raises(AttemptError, match="over"):
        rules.answer_step(s, 0, first, [0], T0 + timedelta(minutes=7))
    # the state is a function of the log alone
    assert rules.derive(exam, reversed(log)) == s


def test_time_runs_out_and_the_exam_expires_at_the_limit(bank: Bank, exam: Attempt) -> None:
    s = rules.start_state(exam)
    assert s.time_left(T0 + timedelta(minutes=30)) == timedelta(minutes=150)
    late = T0 + timedelta(minutes=181)
    first = bank.items[exam.form.items[0].item_id]
    with pytest.raises(TimeUp):
        rules.answer_step(s, 0, first, [0], late)
    expiry = rules.expiry_step(s, late)
    assert expiry is not None and expiry.kind is StepKind.EXPIRE
    assert expiry.at == T0 + timedelta(minutes=180)  # recorded at the limit, not when noticed
    s = rules.apply(s, expiry)
    assert s.status is Status.EXPIRED and s.time_left(late) == timedelta(0)


def test_a_full_exam_cannot_be_paused(exam: Attempt) -> None:
    with pytest.raises(AttemptError, match="cannot be paused"):
        rules.pause_step(rules.start_state(exam), T0)


def test_practice_pause_stops_the_clock(bank: Bank, exam: Attempt) -> None:
    practice = Attempt("p1", Mode.PRACTICE, exam.form, T0, timedelta(minutes=10))
    s = rules.start_state(practice)
    s = rules.apply(s, rules.pause_step(s, T0 + timedelta(minutes=4)))
    assert s.paused
    # a day later, still six minutes left
    assert s.time_left(T0 + timedelta(days=1)) == timedelta(minutes=6)
    s = rules.apply(s, rules.resume_step(s, T0 + timedelta(days=1)))
    assert s.time_left(T0 + timedelta(days=1, minutes=5)) == timedelta(minutes=1)
    assert rules.expiry_step(s, T0 + timedelta(days=1, minutes=7)) is not None


def test_a_paused_session_takes_no_answer_until_resumed(bank: Bank, exam: Attempt) -> None:
    practice = Attempt("p1", Mode.PRACTICE, exam.form, T0, timedelta(minutes=10))
    s = rules.start_state(practice)
    s = rules.apply(s, rules.pause_step(s, T0 + timedelta(minutes=1)))
    item = bank.items[exam.form.items[0].item_id]
    later = T0 + timedelta(minutes=2)
    for step in (
        lambda: rules.answer_step(s, 0, item, [0] * item.choose, later),
        lambda: rules.clear_step(s, 0, later),
        lambda: rules.flag_step(s, 0, True, later),
        lambda: rules.visit_step(s, 1, later),
    ):
        with pytest.raises(AttemptError, match="paused: resume it first"):
            step()
    s = rules.apply(s, rules.resume_step(s, later))
    assert rules.answer_step(s, 0, item, list(range(item.choose)), later).position == 0


def test_choices_are_checked(bank: Bank, exam: Attempt) -> None:
    s = rules.start_state(exam)
    position = next(p for p, f in enumerate(exam.form.items) if bank.items[f.item_id].choose == 2)
    item = bank.items[exam.form.items[position].item_id]
    with pytest.raises(AttemptError, match="asks for 2"):
        rules.answer_step(s, position, item, [0, 1, 2], T0)
    with pytest.raises(AttemptError, match="options A-"):
        rules.answer_step(s, position, item, [9], T0)
    with pytest.raises(AttemptError, match="no question 76"):
        rules.flag_step(s, 75, True, T0)
    with pytest.raises(AttemptError, match="no option E"):
        rules.displayed_to_authored(exam.form.items[0], [4]) if len(
            exam.form.items[0].option_order
        ) == 4 else rules.displayed_to_authored(exam.form.items[0], [7])


def test_practice_answers_are_final_once_feedback_is_shown(bank: Bank, exam: Attempt) -> None:
    practice = Attempt("p2", Mode.PRACTICE, exam.form, T0, None)
    s = rules.start_state(practice)
    item = bank.items[exam.form.items[0].item_id]
    s = rules.apply(s, rules.answer_step(s, 0, item, [0], T0))
    with pytest.raises(AttemptError, match="final"):
        rules.answer_step(s, 0, item, [1], T0)


def test_displayed_letters_map_to_authored_options(exam: Attempt) -> None:
    fi = exam.form.items[0]
    for displayed in range(len(fi.option_order)):
        authored = rules.displayed_to_authored(fi, [displayed])
        assert rules.authored_to_displayed(fi, authored) == (displayed,)
