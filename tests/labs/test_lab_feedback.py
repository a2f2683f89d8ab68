"""Lab commands and feedback as a learner meets them: the workspace found from inside it, a
status per lab, hints that say when they run out, one message for an unreadable artifact,
the same output on every run, and feedback that never hands over the answer."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.labs.catalog import all_labs, get_lab
from certprep.labs.grading import grade
from certprep.runtime import Runtime

runner = CliRunner()
LAB = "pipeline-failure-alert"


@pytest.fixture
def labs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CERTPREP_LABS_DIR", str(tmp_path / "labs"))
    return tmp_path / "labs"


def test_check_and_hint_work_from_inside_the_lab_folder(
    labs_dir: Path, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["lab", "start", LAB], obj=runtime).exit_code == 0
    inside = labs_dir / LAB
    monkeypatch.chdir(inside)
    (inside / "pattern.json").write_text(get_lab(LAB).solution, encoding="utf-8")
    for args in (["lab", "check"], ["lab", "check", LAB]):
        result = runner.invoke(app, args, obj=runtime)
        assert result.exit_code == 0, result.output
        assert "Lab complete" in result.output and "start the lab" not in result.output
    assert runner.invoke(app, ["lab", "hint"], obj=runtime).output.startswith("Hint 1 of")
    monkeypatch.chdir(labs_dir)
    lost = runner.invoke(app, ["lab", "check"], obj=runtime)
    assert lost.exit_code == 2 and "which lab?" in lost.output


def test_lab_list_shows_each_labs_status(labs_dir: Path, runtime: Runtime) -> None:
    def status() -> str:
        rows = json.loads(runner.invoke(app, ["lab", "list", "--json"], obj=runtime).output)
        return next(r["status"] for r in rows if r["id"] == LAB)

    assert status() == "not started"
    runner.invoke(app, ["lab", "start", LAB], obj=runtime)
    assert status() == "started"
    runner.invoke(app, ["lab", "check", LAB], obj=runtime)
    assert status() == "failing"
    (labs_dir / LAB / "pattern.json").write_text(get_lab(LAB).solution, encoding="utf-8")
    runner.invoke(app, ["lab", "check", LAB], obj=runtime)
    assert status() == "passed"
    table = runner.invoke(app, ["lab", "list"], obj=runtime, env={"COLUMNS": "80"}).output
    assert "nodejs-buildspec-secrets" in table and "Status" in table


def test_start_help_names_the_real_workspace_folder(tmp_path: Path) -> None:
    env = {**os.environ, "CERTPREP_LABS_DIR": str(tmp_path / "my-labs"), "COLUMNS": "200"}
    out = subprocess.run(
        [sys.executable, "-m", "certprep", "lab", "start", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Create {tmp_path / 'my-labs'}/LAB_ID/" in out


def test_an_unreadable_artifact_is_reported_once(labs_dir: Path, runtime: Runtime) -> None:
    runner.invoke(app, ["lab", "start", LAB], obj=runtime)
    (labs_dir / LAB / "pattern.json").write_text('{"source": [', encoding="utf-8")
    out = runner.invoke(app, ["lab", "check", LAB], obj=runtime).output
    assert out.count("not valid JSON") == 1 and "Not graded:" in out
    assert out.count("FAIL") == len(get_lab(LAB).checks)


GRADE_ALL = """
import json, sys
from certprep.labs.catalog import all_labs
from certprep.labs.grading import grade
out = {}
for lab in sorted(all_labs().values(), key=lambda l: l.id):
    if lab.kind != "boto3-script":
        out[lab.id] = [(r.name, r.passed, r.detail) for r in grade(lab, lab.wrong, None)]
print(json.dumps(out))
"""


def test_checks_and_messages_come_in_the_same_order_on_every_run() -> None:
    runs = [
        subprocess.run(
            [sys.executable, "-c", GRADE_ALL],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]


def _conditions(pattern: str) -> set[str]:
    """The conditions a pattern's author must write: its parts split at && and || and commas."""
    parts = re.split(r"&&|\|\||,(?=\s*[\w$.\"]+\s*[=!<>])|\s-(?=\")", pattern)
    return {p.strip(" []{}()\n'") for p in parts if len(p.strip(" []{}()\n'")) >= 8}


@pytest.mark.parametrize(
    "lab",
    [lab for lab in all_labs().values() if lab.kind in ("filter-pattern", "event-pattern")],
    ids=lambda lab: lab.id,
)
def test_feedback_says_what_is_wrong_without_handing_over_the_answer(lab: object) -> None:
    assert hasattr(lab, "solution")
    given = f"{lab.starter}\n{lab.brief}"  # type: ignore[attr-defined]
    secrets = {c for c in _conditions(lab.solution) if c not in given}  # type: ignore[attr-defined]
    for text in (lab.starter, lab.wrong):  # type: ignore[attr-defined]
        for result in grade(lab, text, None):  # type: ignore[arg-type]
            leaked = [s for s in secrets if s in result.detail]
            assert not leaked, (result.name, leaked)


def test_the_replication_lab_needs_the_dr_bucket_to_exist() -> None:
    lab = get_lab("orders-data-recovery")
    without = lab.solution.replace(
        's3_dr.create_bucket(\n    Bucket=REPLICA, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}\n)',
        "",
    ).replace(
        "for client, bucket in ((s3, SOURCE), (s3_dr, REPLICA)):",
        "for client, bucket in ((s3, SOURCE),):",
    )
    assert without != lab.solution
    results = {r.name: r.passed for r in grade(lab, without, None)}
    assert results["the DR bucket exists"] is False
