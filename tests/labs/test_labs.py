"""Every lab's model solution passes and its wrong solution fails; the lab commands work for
a learner from start to finish."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.labs.catalog import all_labs, get_lab
from certprep.labs.grading import grade
from certprep.runtime import Runtime

runner = CliRunner()
LABS = sorted(all_labs())


@pytest.mark.parametrize("lab_id", LABS)
def test_the_model_solution_passes_and_the_wrong_one_fails(lab_id: str) -> None:
    lab = all_labs()[lab_id]
    assert all(r.passed for r in grade(lab, lab.solution)), lab_id
    failed = [r for r in grade(lab, lab.wrong) if not r.passed]
    assert failed and all(
        r.detail and r.doc.startswith("https://docs.aws.amazon.com/") for r in failed
    )


def test_a_lab_from_start_to_finish(
    tmp_path: Path, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERTPREP_LABS_DIR", str(tmp_path / "labs"))
    lab = all_labs()["s3-log-processing"]
    listed = runner.invoke(app, ["lab", "list", "--json"], obj=runtime)
    assert {
        "id": lab.id,
        "title": lab.title,
        "domain": 4,
        "kind": "event-pattern",
        "status": "not started",
    } in __import__("json").loads(listed.output)
    assert runner.invoke(app, ["lab", "check", lab.id], obj=runtime).exit_code == 2  # not started
    started = runner.invoke(app, ["lab", "start", lab.id], obj=runtime)
    assert started.exit_code == 0 and "created: README.md, pattern.json" in started.output
    workspace = tmp_path / "labs" / lab.id
    assert "# Ticket DATA-877" in (workspace / "README.md").read_text()
    first = runner.invoke(app, ["lab", "check", lab.id], obj=runtime)
    assert (
        first.exit_code == 1
        and "FAIL" in first.output
        and "See https://docs.aws.amazon.com/" in first.output
    )
    (workspace / "pattern.json").write_text('{"source": ["aws.s3"', encoding="utf-8")
    broken = runner.invoke(app, ["lab", "check", lab.id], obj=runtime)
    assert (
        broken.exit_code == 1
        and "EventBridge would reject this pattern: not valid JSON" in broken.output
    )
    hints = [runner.invoke(app, ["lab", "hint", lab.id], obj=runtime).output for _ in range(4)]
    assert hints[0].startswith("Hint 1 of 3") and hints[2].startswith("Hint 3 of 3")
    assert hints[3].startswith("No more hints: you have seen all 3") and "Hint 3 of 3" in hints[3]
    (workspace / "pattern.json").write_text(lab.solution, encoding="utf-8")
    done = runner.invoke(app, ["lab", "check", lab.id], obj=runtime)
    assert done.exit_code == 0 and "3 of 3 checks pass. Lab complete." in done.output
    again = runner.invoke(app, ["lab", "start", lab.id], obj=runtime)
    assert (
        "your files are kept" in again.output
        and (workspace / "pattern.json").read_text() == lab.solution
    )
    steps = {s.step.number: s for s in runtime.learning.checklist()}
    assert steps[5].progress == "1 lab finished"


def test_an_unknown_lab_is_a_clear_error(runtime: Runtime) -> None:
    result = runner.invoke(app, ["lab", "start", "no-such-lab"], obj=runtime)
    assert result.exit_code == 2 and "no lab 'no-such-lab'" in result.output


@pytest.mark.parametrize("lab_id", LABS)
def test_every_check_fits_its_labs_kind(lab_id: str) -> None:
    assert get_lab(lab_id).id == lab_id  # validates the kind-specific fields of every check


def test_a_check_that_does_not_fit_its_kind_is_reported_with_the_lab(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from certprep.errors import CertprepError
    from certprep.labs import catalog

    lab = all_labs()["ec2-stop-alert"]
    broken = lab.model_copy(
        update={"checks": (lab.checks[0].model_copy(update={"nonsense": 1}), *lab.checks[1:])}
    )
    monkeypatch.setattr(catalog, "all_labs", lambda: {lab.id: broken})
    catalog.get_lab.cache_clear()
    try:
        with pytest.raises(CertprepError, match=r"ec2-stop-alert\.yaml: invalid checks"):
            catalog.get_lab(lab.id)
    finally:
        catalog.get_lab.cache_clear()


def test_a_grader_bug_fails_the_checks_with_a_message_instead_of_crashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from certprep.labs.kinds import event_pattern as kind

    def broken(*_: object) -> list[object]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(kind, "grade", broken)
    lab = all_labs()["ec2-stop-alert"]
    results = grade(lab, lab.solution)
    assert [r.passed for r in results] == [False] * len(lab.checks)
    assert "could not grade this pattern.json (RecursionError)" in results[0].detail
