"""The chance of passing is honest: not enough evidence after a short practice session, never
certain after one mock, shown on the pages and by `certprep readiness`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.clock import FixedClock
from certprep.domain.form import PracticeFilter
from certprep.runtime import Runtime


def answer_all(rt: Runtime, attempt_id: str, right: bool = True) -> None:
    state = rt.exams.state(attempt_id)
    for p, f in enumerate(state.attempt.form.items):
        item = rt.bank.items[f.item_id]
        keys = sorted(d for d, a in enumerate(f.option_order) if item.options[a].correct)
        wrong = [d for d in range(len(f.option_order)) if d not in keys][: len(keys)]
        rt.exams.answer(attempt_id, p, keys if right else wrong)


def test_a_short_practice_session_is_not_enough_evidence(runtime: Runtime) -> None:
    state = runtime.exams.start_practice(PracticeFilter(), count=10, seed=1)
    answer_all(runtime, state.attempt.id)
    estimate = runtime.learning.pass_estimate()
    assert estimate.responses == 10 and not estimate.enough_evidence
    assert "not enough evidence" in estimate.reason
    assert not runtime.learning.readiness(estimate).ready


def test_one_perfect_mock_is_never_certain(runtime: Runtime, clock: FixedClock) -> None:
    exam = runtime.exams.start_exam(seed=4)
    answer_all(runtime, exam.attempt.id)
    runtime.exams.submit(exam.attempt.id)
    clock.advance(minutes=1)
    estimate = runtime.learning.pass_estimate()
    assert estimate.responses >= 65 and estimate.enough_evidence
    assert 0.5 < estimate.p_pass < 1.0 and estimate.p_pass <= 0.99
    assert estimate.low <= estimate.p_pass <= estimate.high


def test_a_weak_mock_gives_a_low_chance(runtime: Runtime) -> None:
    exam = runtime.exams.start_exam(seed=4)
    answer_all(runtime, exam.attempt.id, right=False)
    runtime.exams.submit(exam.attempt.id)
    estimate = runtime.learning.pass_estimate()
    assert estimate.enough_evidence and estimate.p_pass < 0.2


def test_the_readiness_command(runtime: Runtime) -> None:
    result = CliRunner().invoke(app, ["readiness", "--json"], obj=runtime)
    data = json.loads(result.output)
    assert data["enough_evidence"] is False and data["ready_to_book"] is False
    text = CliRunner().invoke(app, ["readiness"], obj=runtime).output
    assert "Not enough evidence yet" in text
