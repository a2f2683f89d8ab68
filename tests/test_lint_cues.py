"""``bank lint`` warns, with file:line, about the cues that give a key away without the stem
(docs/authoring.md), and about facts not checked for a year; warnings never fail the lint."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from certprep.bank.lint import lint_path
from certprep.cli.app import app

from .conftest import FIXTURE_BANK

TODAY = date(2026, 12, 6)
CLEAN = {
    "id": "cue-0001",
    "type": "single",
    "task": "1.1",
    "skills": ["1.1.1"],
    "difficulty": 3,
    "status": "live",
    "stem": "A team deploys with CodeDeploy to 12 instances. Which setting keeps most in service?",
    "options": [
        {"text": "A minimum healthy hosts value of 9 instances", "correct": True, "why": "w"},
        {"text": "A minimum healthy hosts value of 6 instances", "correct": False, "why": "w"},
        {"text": "A minimum healthy hosts value of 75 percent", "correct": False, "why": "w"},
        {"text": "A minimum healthy hosts value of 50 percent", "correct": False, "why": "w"},
    ],
    "explanation": "e",
    "references": ["https://docs.aws.amazon.com/codedeploy/latest/userguide/welcome.html"],
    "checked": {"date": "2026-11-01", "by": ["blind", "options-only", "docs"]},
}


def _lint(tmp_path: Path, **changes: Any) -> list[str]:
    item = json.loads(json.dumps(CLEAN))
    item.update(changes)
    if item.get("checked") is None:
        item.pop("checked", None)
    path = tmp_path / "1.1-cues.yaml"
    path.write_text(yaml.safe_dump({"items": [item]}, sort_keys=False))
    report = lint_path(path, TODAY)
    assert not report.errors, [str(e) for e in report.errors]
    return [c.message for c in report.cues]


def _options(*texts: str) -> list[dict[str, object]]:
    return [{"text": t, "correct": n == 0, "why": "w"} for n, t in enumerate(texts)]


def test_a_clean_item_has_no_cue(tmp_path: Path) -> None:
    assert _lint(tmp_path) == []


def test_only_the_key_echoing_the_stem_is_a_cue(tmp_path: Path) -> None:
    stem = "Roll out AppConfig.Linear20PercentEvery6Minutes to us-east-1. Which strategy fits?"
    cues = _lint(
        tmp_path,
        stem=stem,
        options=_options(
            "AppConfig.Linear20PercentEvery6Minutes in us-east-1",
            "AppConfig.Canary10Percent20Minutes in the Region",
            "AppConfig.AllAtOnce in the Region",
            "A custom linear strategy in the Region",
        ),
    )
    assert any("stem-echo" in c and "'us-east-1'" in c for c in cues), cues


def test_a_spread_of_lengths_is_a_cue(tmp_path: Path) -> None:
    long = "Use a custom deployment configuration with a minimum of nine healthy hosts in service"
    cues = _lint(tmp_path, options=_options(long, "AllAtOnce", "HalfAtATime", "OneAtATime"))
    assert any("length-spread" in c for c in cues), cues


def test_absolutes_in_distractors_alone_are_a_cue(tmp_path: Path) -> None:
    cues = _lint(
        tmp_path,
        options=_options(
            "Keep 9 instances in service",
            "Always keep 6 instances in service",
            "Never keep fewer than 3 in service",
            "Keep 6 instances in service",
        ),
    )
    assert any("absolute: only distractors say always, never" in c for c in cues), cues


def test_all_of_the_above_is_a_cue(tmp_path: Path) -> None:
    cues = _lint(
        tmp_path, options=_options("Keep 9 in service", "Keep 6", "Keep 3", "All of the above")
    )
    assert any("all-none" in c for c in cues), cues


@pytest.mark.parametrize(
    ("checked", "expected"),
    [
        ({"date": "2025-11-01", "by": ["docs"]}, "last checked 2025-11-01, 13 months ago"),
        (None, "never been checked"),
        ({"date": "2026-01-01", "by": ["docs"]}, None),
    ],
)
def test_facts_not_checked_for_a_year_are_a_cue(
    tmp_path: Path, checked: dict[str, object] | None, expected: str | None
) -> None:
    cues = _lint(tmp_path, checked=checked)
    stale = [c for c in cues if "stale" in c]
    assert (stale == []) if expected is None else any(expected in c for c in stale), cues


def test_cues_are_warnings_with_file_and_line_and_counted(tmp_path: Path) -> None:
    item = dict(
        CLEAN,
        options=_options(
            "Keep nine in service", "Always keep six", "Keep three running", "Keep six running"
        ),
    )
    path = tmp_path / "1.1-cues.yaml"
    path.write_text(yaml.safe_dump({"items": [item]}, sort_keys=False))
    result = CliRunner().invoke(app, ["bank", "lint", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}:2: warning: item cue-0001: absolute:" in result.output
    assert "Cues (docs/authoring.md): 1 absolute." in result.output
    data = json.loads(CliRunner().invoke(app, ["bank", "lint", str(path), "--json"]).output)
    assert data["cue_counts"]["absolute"] == 1 and data["cues"][0]["cue"] == "absolute"


def test_lint_lints_the_bank_certprep_bank_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTPREP_BANK", str(FIXTURE_BANK))
    result = CliRunner().invoke(app, ["bank", "lint"])
    assert result.exit_code == 0 and " 133 items from" in result.output, result.output
