"""Whole exams through the CLI: answer, flag, review, submit, report; resume after a crash."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from certprep.clock import FixedClock
from certprep.runtime import Runtime

from .conftest import FIXTURE_BANK

runner = CliRunner()
SEED = 5


def key_letters(rt: Runtime, seed: int = SEED) -> list[str]:
    """The right answer of every question of the form for ``seed``, as the learner types it."""
    from certprep.cli.app import app  # noqa: F401  (the same code path the CLI uses)

    form = rt.exams.preview_form(seed)
    out = []
    for f in form.items:
        item = rt.bank.items[f.item_id]
        out.append(
            "".join(chr(65 + d) for d, a in enumerate(f.option_order) if item.options[a].correct)
        )
    return out


def wrong(key: str) -> str:
    """Letters as many as the key's, but not the key: a complete, wrong answer."""
    letters = "ABCD" if len(key) == 1 else "ABCDE" if len(key) == 2 else "ABCDEF"
    for start in range(len(letters)):
        guess = "".join(sorted((letters[start:] + letters[:start])[: len(key)]))
        if guess != key:
            return guess
    raise AssertionError(key)


def invoke(rt: Runtime, args: list[str], text: str) -> str:
    from certprep.cli.app import app

    result = runner.invoke(app, args, input=text, obj=rt)
    assert result.exit_code == 0, result.output
    return result.output


def report_lines(output: str) -> list[str]:
    """The lines of the score report that must not depend on how the exam was taken."""
    wanted = re.compile(r"Scaled score|Scored questions right|^│ \d\. ")
    return [line for line in output.splitlines() if wanted.search(line)]


def test_a_full_exam_answered_through_the_cli(runtime: Runtime) -> None:
    keys = key_letters(runtime)
    answers = [k if n % 4 else wrong(k) for n, k in enumerate(keys)]  # every fourth one wrong
    text = "\n".join(answers[:10]) + "\nm\n" + "\n".join(answers[10:]) + "\nr\ns\ny\n"
    output = invoke(runtime, ["exam", "--seed", str(SEED)], text)
    assert "Question 75 of 75" in output
    assert "Review" in output and "1 flagged (11)" in output
    assert re.search(r"Scaled score: \d+ \(100-1000; passing 750\)\s+Result: (PASS|FAIL)", output)
    lines = report_lines(output)
    assert sum(bool(re.match(r"│ \d\. ", line)) for line in lines) == 6
    assert all(
        ("Meets Competencies" in line) or ("Needs Improvement" in line) for line in lines[2:]
    )
    # the item-by-item review follows, with rationales and references
    assert "your answer" in output and "https://docs.aws.amazon.com/" in output
    history = invoke(runtime, ["history"], "")
    assert "exam" in history and "submitted" in history


def test_the_same_answers_on_a_resumed_attempt_give_the_same_report(
    tmp_path: Path, runtime: Runtime
) -> None:
    keys = key_letters(runtime)
    answers = [k if n % 3 else wrong(k) for n, k in enumerate(keys)]
    straight = invoke(runtime, ["exam", "--seed", str(SEED)], "\n".join(answers) + "\ns\ny\n")

    other = Runtime(FIXTURE_BANK, f"sqlite:///{tmp_path / 'other.db'}", FixedClock(), "local")
    first = invoke(other, ["exam", "--seed", str(SEED)], "\n".join(answers[:40]) + "\n")  # then EOF
    assert "Continue with certprep exam --resume" in first
    other2 = Runtime(
        FIXTURE_BANK, f"sqlite:///{tmp_path / 'other.db'}", other.clock, "local"
    )  # a new process
    resumed = invoke(other2, ["exam", "--resume"], "\n".join(answers[40:]) + "\ns\ny\n")
    assert "Question 41 of 75" in resumed
    assert report_lines(resumed) == report_lines(straight)


def test_time_up_submits_the_exam_with_what_was_answered(
    runtime: Runtime, clock: FixedClock
) -> None:
    keys = key_letters(runtime)
    invoke(runtime, ["exam", "--seed", str(SEED)], "\n".join(keys[:20]) + "\n")
    clock.advance(minutes=181)
    output = invoke(runtime, ["exam", "--resume", "--no-review"], "b\n")
    assert "Scored questions right:" in output
    assert "Time left" not in output  # no question was shown: the attempt was already over
    history = invoke(runtime, ["history", "--json"], "")
    assert '"status": "expired"' in history


def test_accommodation_adds_thirty_minutes(runtime: Runtime) -> None:
    output = " ".join(invoke(runtime, ["exam", "--accommodation", "--seed", "1"], "q\n").split())
    assert "210 minutes" in output and "Time left 3:30:00" in output


def practice_items(rt: Runtime, domain: int, n: int) -> list[str]:
    """``n`` live items of a domain, single and multiple response mixed."""
    tasks = {t.id for d in rt.bank.blueprint.domains if d.id == domain for t in d.tasks}
    items = sorted(
        (i for i in rt.bank.items.values() if i.task in tasks and i.status.value == "live"),
        key=lambda i: (i.choose == 1, i.id),
    )
    return [i.id for i in items[:n]]


def test_practice_gives_feedback_after_each_answer(runtime: Runtime) -> None:
    ids = practice_items(runtime, 3, 3)
    args = ["practice", *[a for i in ids for a in ("--item", i)]]
    text = "".join("ABC"[: runtime.bank.items[i].choose] + "\n\n" for i in ids) + "y\n"
    output = invoke(runtime, args, text)
    assert output.count("Feedback") == 3
    assert "Practice finished:" in output and "of 3 right" in output
    assert "https://docs.aws.amazon.com/" in output
    assert "Scaled score" not in output and "What to do next" in output


def test_killing_the_process_mid_exam_loses_nothing(tmp_path: Path, runtime: Runtime) -> None:
    """A real crash: SIGKILL a running ``certprep exam`` after 30 answers, then resume."""
    keys = key_letters(runtime)
    env = {
        **os.environ,
        "CERTPREP_DATA_DIR": str(tmp_path / "data"),
        "CERTPREP_BANK": str(FIXTURE_BANK),
    }
    cmd = [sys.executable, "-m", "certprep", "exam", "--seed", str(SEED), "--no-review"]
    seen = ""
    with subprocess.Popen(
        cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("".join(answer + "\n" for answer in keys[:30]))
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while "Question 31 of 75" not in seen and time.monotonic() < deadline:
            seen += proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert "Question 31 of 75" in seen
    rest = "\n".join(keys[30:]) + "\ns\ny\n"
    done = subprocess.run(
        [sys.executable, "-m", "certprep", "exam", "--resume", "--no-review"],
        env=env,
        input=rest,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Question 31 of 75" in done.stdout
    assert "Scored questions right: 65 of 65" in done.stdout
