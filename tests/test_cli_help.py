"""The help and messages a new learner reads in the terminal: a place to start, flags without
noise, arguments named as usual, choices listed, and no Python dicts in output."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.runtime import Runtime

runner = CliRunner()


def test_the_top_level_help_says_where_to_start() -> None:
    out = runner.invoke(app, ["--help"]).output
    assert "Start here" in out and "certprep start" in out and "certprep practice" in out


@pytest.mark.parametrize(
    "command", [["serve"], ["exam"], ["practice"], ["report"], ["bank", "lint"]]
)
def test_help_shows_no_type_after_a_flag_and_no_braces(command: list[str]) -> None:
    out = runner.invoke(app, [*command, "--help"]).output
    assert "<bool>" not in out
    assert not re.search(r"\{[a-z_]+\}", out), out


def test_arguments_read_as_usual() -> None:
    assert (
        "Usage: certprep report [OPTIONS] ATTEMPT_ID"
        in runner.invoke(app, ["report", "--help"]).output
    )
    assert (
        "Usage: certprep bank lint [OPTIONS] [PATH]"
        in runner.invoke(app, ["bank", "lint", "--help"]).output
    )


def test_practice_source_lists_its_choices_and_refuses_others() -> None:
    assert "all|missed|flagged|unseen" in runner.invoke(app, ["practice", "--help"]).output
    bad = runner.invoke(app, ["practice", "--source", "bogus"])
    assert bad.exit_code == 2 and "is not one of" in bad.output


def test_logging_a_real_exam_needs_its_result(runtime: Runtime) -> None:
    missing = runner.invoke(app, ["exam-log", "--add", "2026-11-01"], obj=runtime)
    assert missing.exit_code == 2 and "--passed, or --add DATE --failed" in missing.output
    stray = runner.invoke(app, ["exam-log", "--failed"], obj=runtime)
    assert stray.exit_code == 2 and "--add" in stray.output
    logged = runner.invoke(app, ["exam-log", "--add", "2025-12-01", "--failed"], obj=runtime)
    assert logged.exit_code == 0 and "failed; earliest retake 2025-12-15" in logged.output


def test_bank_stats_prints_words_not_python_dicts(runtime: Runtime) -> None:
    out = runner.invoke(app, ["bank", "stats"], obj=runtime).output
    assert "{" not in out and "By status: live" in out and "Key positions: 4 options" in out


def test_mastery_names_skills_and_does_not_invent_a_score(runtime: Runtime) -> None:
    out = runner.invoke(app, ["mastery", "--skills"], obj=runtime, env={"COLUMNS": "200"}).output
    assert "1.1.1 Configure code, image, and artifact repositories" in out
    assert "not answered yet" in out and " 50% " not in out
