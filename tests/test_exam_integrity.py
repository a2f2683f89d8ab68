"""Practice never gives away the keys of an exam in progress, and an exam whose items were
seen with feedback while it was open does not count toward readiness."""

from __future__ import annotations

import pytest

from certprep.clock import FixedClock
from certprep.domain.form import FormError, PracticeFilter
from certprep.runtime import Runtime
from certprep.storage.attempts import AttemptRepository

from .test_learning import answer_practice


def exam_items(rt: Runtime, attempt_id: str) -> set[str]:
    return {f.item_id for f in rt.exams.state(attempt_id).attempt.form.items}


def test_practice_does_not_serve_the_items_of_an_open_exam(runtime: Runtime) -> None:
    exam = runtime.exams.start_exam(seed=3)
    in_exam = exam_items(runtime, exam.attempt.id)
    tasks = {f.task for f in exam.attempt.form.items}
    for task in sorted(tasks):
        practice = runtime.exams.start_practice(PracticeFilter(task=task), count=100, seed=1)
        served = {f.item_id for f in practice.attempt.form.items}
        assert not served & in_exam, task


def test_review_and_drills_of_exam_items_wait_for_the_exam(runtime: Runtime) -> None:
    exam = runtime.exams.start_exam(seed=3)
    ids = [f.item_id for f in exam.attempt.form.items]
    with pytest.raises(FormError, match="in your exam in progress"):
        runtime.exams.start_selected(ids[:3], seed=1)
    runtime.exams.submit(exam.attempt.id)
    assert runtime.exams.start_selected(ids[:3], seed=1).attempt.form.items


def test_an_exam_does_not_take_the_items_of_an_open_practice_session(runtime: Runtime) -> None:
    practice = runtime.exams.start_practice(PracticeFilter(domain=1), count=8, seed=2)
    open_items = {f.item_id for f in practice.attempt.form.items}
    exam = runtime.exams.start_exam(seed=5)
    assert not exam_items(runtime, exam.attempt.id) & open_items


def test_an_exam_seen_with_feedback_while_open_does_not_count(
    runtime: Runtime, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an exam taken before practice kept out of open exams could be: its keys were shown."""
    honest = runtime.exams.start_exam(seed=1)
    runtime.exams.submit(honest.attempt.id)
    assert len(runtime.learning.mock_scores()) == 1
    clock.advance(minutes=5)

    monkeypatch.setattr(AttemptRepository, "open_items", lambda self, learner, mode: set())
    leaked = runtime.exams.start_exam(seed=2)
    answer_practice(runtime, sorted(exam_items(runtime, leaked.attempt.id))[:5], right=True)
    runtime.exams.submit(leaked.attempt.id)
    assert len(runtime.learning.mock_scores()) == 1  # the leaked exam is left out
