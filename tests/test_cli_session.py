"""The terminal session as a learner meets it: incomplete answers, the review grid and its
subsets, time warnings, the follow-up prompt after feedback, resuming reviews, ids."""

from __future__ import annotations

import re
from io import StringIO

from rich.console import Console
from typer.testing import CliRunner

from certprep.cli import render
from certprep.cli.app import app
from certprep.cli.session_ui import SessionUI
from certprep.clock import FixedClock
from certprep.runtime import Runtime

from .test_cli_exam import SEED, key_letters, practice_items, wrong

runner = CliRunner()


def invoke(rt: Runtime, args: list[str], text: str, code: int = 0) -> str:
    result = runner.invoke(app, args, input=text, obj=rt)
    assert result.exit_code == code, result.output
    return result.output


def first_multiple(keys: list[str]) -> int:
    return next(n for n, k in enumerate(keys) if len(k) > 1)


def test_a_partial_choice_is_saved_but_incomplete_and_the_question_stays(
    runtime: Runtime,
) -> None:
    keys = key_letters(runtime)
    n = first_multiple(keys)
    lines = [*keys[:n], keys[n][0], "r", "q"]  # one letter of a "choose two or three"
    output = invoke(runtime, ["exam", "--seed", str(SEED)], "\n".join(lines) + "\n")
    assert "Saved, but incomplete: this question asks for" in output
    after = output.split("Saved, but incomplete")[1]
    assert f"Question {n + 1} of 75" in after.split("Review")[0]  # still on it
    assert re.search(rf"\b1 incomplete \({n + 1}\)", output)
    state = runtime.exams.state(runtime.exams.open_attempt() or "")
    assert state.incomplete() == [n] and not state.complete(n)


def test_the_end_confirmation_lists_incomplete_questions(runtime: Runtime) -> None:
    keys = key_letters(runtime)
    n = first_multiple(keys)
    answers = [k if i != n else f"{k[0]}\nn" for i, k in enumerate(keys)]  # then move on
    output = invoke(
        runtime, ["exam", "--seed", str(SEED), "--no-review"], "\n".join(answers) + "\ns\ny\n"
    )
    confirm = output.split("End the exam now?")[0].rsplit("Review", 1)[1]
    assert f"1 incomplete ({n + 1})" in confirm and "0 unanswered" in confirm


def test_the_review_grid_fits_80_by_24(runtime: Runtime) -> None:
    state = runtime.exams.start_exam(SEED)
    for p in (2, 7):
        runtime.exams.flag(state.attempt.id, p, True)
    state = runtime.exams.state(state.attempt.id)
    out = StringIO()
    render.review_grid(Console(file=out, width=80, force_terminal=False), state)
    lines = out.getvalue().rstrip("\n").splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
    assert "⚑" in out.getvalue() and "75 unanswered" in out.getvalue()


def test_review_flagged_steps_through_flagged_questions(runtime: Runtime) -> None:
    text = "g 5\nm\ng 30\nm\ng 1\nrf\nn\nn\nq\n"
    output = invoke(runtime, ["exam", "--seed", str(SEED)], text)
    after = output.split("Stepping through 2 flagged questions")[1]
    shown = re.findall(r"Question (\d+) of 75", after)
    assert shown[:2] == ["5", "30"]
    assert "That was the last of the flagged questions" in after


def test_time_warnings_at_30_10_and_5_minutes(runtime: Runtime, clock: FixedClock) -> None:
    invoke(runtime, ["exam", "--seed", str(SEED)], "q\n")
    clock.advance(minutes=151)
    output = invoke(runtime, ["exam", "--resume"], "q\n")
    assert output.count("Time check: 0:29:00 left") == 1
    clock.advance(minutes=21)
    output = invoke(runtime, ["exam", "--resume"], "n\nq\n")
    assert output.count("Time check:") == 1 and "0:08:00 left" in output


def test_the_live_status_line_has_the_question_and_the_clock(
    runtime: Runtime, clock: FixedClock
) -> None:
    state = runtime.exams.start_exam(SEED)
    ui = SessionUI(runtime.exams, Console(file=StringIO()), lambda prompt, status: "q")
    clock.advance(minutes=176)
    line = ui._status_line(state.attempt.id, 11)()
    assert "Question 12 of 75" in line and "Time left 0:04:00" in line
    assert "less than 5 minutes left" in line


def test_an_answer_typed_at_the_follow_up_prompt_answers_the_next_question(
    runtime: Runtime,
) -> None:
    ids = practice_items(runtime, 2, 2)
    first, second = (runtime.bank.items[i] for i in ids)
    args = ["practice", "--item", ids[0], "--item", ids[1]]
    a1 = "ABC"[: first.choose]
    a2 = "BCD"[: second.choose]
    output = invoke(runtime, args, f"{a1}\n{a2}\n\ny\n")  # no Enter in between
    assert output.count("Feedback") == 2 and "of 2 right" in output
    state = runtime.exams.state(runtime.exams.history()[0].id)
    assert state.complete(0) and state.complete(1)  # the second was answered too


def test_h_after_a_wrong_answer_shows_the_help(runtime: Runtime) -> None:
    ids = practice_items(runtime, 4, 1)
    item = runtime.bank.items[ids[0]]
    invoke(runtime, ["practice", "--item", ids[0]], "q\n")
    state = runtime.exams.state(runtime.exams.open_attempt() or "")
    f = state.attempt.form.items[0]
    key = "".join(chr(65 + d) for d, a in enumerate(f.option_order) if item.options[a].correct)
    output = invoke(runtime, ["practice", "--resume"], f"{wrong(key)}\nh\n\ny\n")
    assert "Not quite" in output
    after = output.split("Enter to finish")[1]
    assert "g 12" in after  # the help text


def test_review_sessions_resume_as_reviews(runtime: Runtime, clock: FixedClock) -> None:
    ids = practice_items(runtime, 1, 3)
    state = runtime.exams.start_selected(ids)
    for p, item_id in enumerate(ids):
        item = runtime.bank.items[item_id]
        f = state.attempt.form.items[p]
        miss = [d for d, a in enumerate(f.option_order) if not item.options[a].correct]
        runtime.exams.answer(state.attempt.id, p, miss[: item.choose])
    runtime.exams.submit(state.attempt.id)
    clock.advance(minutes=10)
    first = invoke(runtime, ["review"], "q\n")
    assert "Continue with certprep review" in first
    review_id = re.search(r"Attempt ([0-9a-f]{12})", first).group(1)  # type: ignore[union-attr]
    again = invoke(runtime, ["review"], "q\n")
    assert "Resuming" in again and review_id in [r.id for r in runtime.exams.history()]
    assert sum(r.status == "in_progress" for r in runtime.exams.history()) == 1
    refused = invoke(runtime, ["practice", "--resume"], "", code=2)
    assert "'certprep review' continues it" in refused


def test_history_shows_whole_ids_and_report_takes_a_prefix(runtime: Runtime) -> None:
    ids = practice_items(runtime, 5, 1)
    answer = "ABC"[: runtime.bank.items[ids[0]].choose]
    invoke(runtime, ["practice", "--item", ids[0]], f"{answer}\n\ny\n")
    attempt = runtime.exams.history()[0].id
    result = runner.invoke(app, ["history"], obj=runtime, terminal_width=80)
    assert attempt in result.output
    report = invoke(runtime, ["report", attempt[:4], "--no-review"], "")
    assert "Practice finished" in report and "Scaled score" not in report
    missing = invoke(runtime, ["report", "zzzz"], "", code=2)
    assert "no attempt 'zzzz'" in missing


def test_practice_item_refuses_an_unknown_id(runtime: Runtime) -> None:
    output = invoke(runtime, ["practice", "--item", "dop-9.9-9999"], "", code=2)
    assert "no question 'dop-9.9-9999'" in output
