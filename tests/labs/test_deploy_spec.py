"""The deploy-spec lab kind: its check fields, its assertions on paths, its feedback, and one
lab run from the command line as a learner would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.labs.catalog import all_labs
from certprep.labs.graders.yamldoc import parse, parse_path, select
from certprep.labs.kinds.deploy_spec import CheckSpec, grade
from certprep.labs.model import Lab
from certprep.runtime import Runtime

DOC = "https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html"
APPSPEC = """\
version: 0.0
os: linux
files:
  - source: /
    destination: /opt/app
hooks:
  ApplicationStop:
    - location: scripts/stop.sh
      timeout: 60
  ValidateService:
    - location: scripts/check.sh
      timeout: 300
    - location: scripts/smoke.sh
      timeout: 900
"""


def lab(*checks: dict[str, Any], platform: str = "server") -> Lab:
    return Lab.model_validate(
        {
            "id": "test-lab",
            "title": "t",
            "domain": 1,
            "task": "1.4",
            "kind": "deploy-spec",
            "artifact": "appspec.yml",
            "brief": "b",
            "starter": "s",
            "hints": ["h"],
            "checks": [
                {"name": f"check {n}", "why": "Why.", "doc": DOC, "platform": platform, **c}
                for n, c in enumerate(checks)
            ]
            + [
                {"name": f"filler {n}", "why": "w", "doc": DOC, "platform": platform, "valid": True}
                for n in range(3 - len(checks))
            ],
            "solution": "x",
            "wrong": "y",
        }
    )


def results(text: str, *checks: dict[str, Any]) -> list[tuple[bool, str]]:
    graded = grade(lab(*checks), text)[: len(checks)]
    return [(r.passed, r.detail) for r in graded]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"platform": "server"}, "needs valid, rules or require"),
        ({"platform": "server", "rules": ["plaintext-secret"]}, "unknown rule ids for server"),
        ({"platform": "buildspec", "rules": ["reserved-hook"]}, "unknown rule ids for buildspec"),
        ({"platform": "k8s", "valid": True}, "platform"),
        ({"platform": "ecs", "require": [{"path": "a..b", "exists": True}]}, "bad path"),
        ({"platform": "ecs", "require": [{"path": "a", "matches": "("}]}, "bad regular expression"),
        ({"platform": "ecs", "require": [{"path": "a"}]}, "needs one of"),
        (
            {"platform": "ecs", "require": [{"path": "a", "equals": 1, "matches": "x"}]},
            "needs one of",
        ),
        ({"platform": "ecs", "valid": True, "colour": "red"}, "colour"),
    ],
)
def test_check_fields_are_validated_when_the_catalog_loads(
    fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        CheckSpec.model_validate(fields)


def test_every_rule_id_of_the_catalog_exists() -> None:
    for each in all_labs().values():
        if each.kind == "deploy-spec":
            for check in each.checks:
                CheckSpec.model_validate(check.fields)


def test_assertions_any_every_optional_and_bounds() -> None:
    timeouts = "hooks.ValidateService[*].timeout"
    assert results(
        APPSPEC,
        {"require": [{"path": timeouts, "at_most": 300}]},  # one of them
        {"require": [{"path": timeouts, "at_most": 300, "every": True}]},
        {"require": [{"path": "hooks.AfterInstall[*].timeout", "at_most": 300, "optional": True}]},
        {"require": [{"path": "hooks.AfterInstall[*].timeout", "at_most": 300}]},
    ) == [
        (True, ""),
        (
            False,
            "Why. Found: hooks.ValidateService[1].timeout (line 14) is 900; expected a number at most 300.",
        ),
        (True, ""),
        (False, "Why. Found: hooks.AfterInstall[*].timeout is missing (under hooks, line 6)."),
    ]


def test_assertions_exists_equals_one_of_and_matches() -> None:
    checks = (
        {"require": [{"path": "hooks.Install", "exists": False}]},
        {"require": [{"path": "files[0]", "exists": False}]},
        {"require": [{"path": "files[*].destination", "equals": "/opt/app"}]},
        {"require": [{"path": "os", "one_of": ["windows"]}]},
        {"require": [{"path": "OS", "one_of": ["LINUX"], "ignore_case": True}]},
        {"require": [{"path": "hooks.*[*].location", "matches": "stop", "message": "No stop."}]},
        {"require": [{"path": "hooks.*[*].location", "matches": "^start"}]},
    )
    assert [passed for passed, _ in results(APPSPEC, *checks)] == [
        True,
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    detail = dict(enumerate(results(APPSPEC, *checks)))
    assert detail[1][1] == "Why. Found: files[0] (line 4) should not be there."
    assert detail[3][1] == "Why. Found: os (line 2) is 'linux'; expected one of 'windows'."
    assert detail[6][1].endswith("expected a value matching /^start/.")


def test_any_of_holds_when_one_alternative_does() -> None:
    stop = {"path": "hooks.ApplicationStop[*].location", "matches": "stop"}
    start = {"path": "hooks.ApplicationStart[*].location", "matches": "start"}
    validate = {"path": "hooks.ValidateService[*].timeout", "at_least": 1000}
    assert results(
        APPSPEC,
        {"require": [{"any_of": [start, stop]}]},
        {"require": [{"any_of": [start, validate]}]},
        {"require": [{"any_of": [start, validate], "message": "No start."}]},
    ) == [
        (True, ""),
        (
            False,
            "Why. Found: none of the alternatives holds: hooks.ApplicationStart[*].location is"
            " missing (under hooks, line 6); or hooks.ValidateService[0].timeout (line 12) is"
            " 300; expected a number at least 1000.",
        ),
        (False, "Why. Found: No start."),
    ]


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"any_of": [{"path": "a", "exists": True}]}, "at least 2 items"),
        ({"any_of": [{"path": "a", "exists": True}, {"path": "b"}]}, "needs one of"),
        ({"any_of": [], "path": "a"}, "any_of"),
    ],
)
def test_any_of_is_validated_when_the_catalog_loads(item: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        CheckSpec.model_validate({"platform": "server", "require": [item]})


def test_rules_and_validity_report_the_findings_with_lines() -> None:
    text = APPSPEC.replace("ApplicationStop:", "Install:").replace("timeout: 900", "timeout: 9000")
    (valid, rules) = results(text, {"valid": True}, {"rules": ["reserved-hook"]})
    assert not valid[0] and "hooks.Install (line 7)" in valid[1] and "(line 14)" in valid[1]
    assert not rules[0] and "hooks.Install (line 7): Install is reserved" in rules[1]
    assert "(line 14)" not in rules[1]


def test_only_the_first_three_problems_are_listed() -> None:
    text = APPSPEC.replace("/opt/app", "opt") + "files2: 1\nhooks2: 2\nos2: 3\n"
    ((passed, detail),) = results(text, {"rules": ["unknown-key", "destination-not-absolute"]})
    assert not passed and detail.endswith("(and 1 more).")


@pytest.mark.parametrize("text", ["version: 0.0\nos: [linux\n", "", "a: 1\n---\nb: 2\n"])
def test_a_file_that_is_not_yaml_fails_every_check_with_the_reason(text: str) -> None:
    graded = grade(lab({"valid": True}, {"rules": ["reserved-hook"]}), text)
    assert all(not r.passed and r.detail.startswith("The file cannot be read: ") for r in graded)


def test_paths_select_keys_items_and_wildcards() -> None:
    data = parse(APPSPEC).data
    assert parse_path("hooks.*[*].timeout") == ("hooks", None, -1, "timeout")
    assert [v for _, v in select(data, "hooks.*[*].timeout")] == [60, 300, 900]
    assert select(data, "files[0].source") == [(("files", 0, "source"), "/")]
    assert select(data, "files[3].source") == select(data, "os.x") == []
    with pytest.raises(ValueError, match="bad path"):
        parse_path(".a")


runner = CliRunner()


def test_a_deploy_spec_lab_from_start_to_finish(
    tmp_path: Path, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERTPREP_LABS_DIR", str(tmp_path / "labs"))
    each = all_labs()["ec2-appspec-in-place"]
    started = runner.invoke(app, ["lab", "start", each.id], obj=runtime)
    assert started.exit_code == 0 and "appspec.yml" in started.output
    workspace = tmp_path / "labs" / each.id
    first = runner.invoke(app, ["lab", "check", each.id], obj=runtime)
    assert first.exit_code == 1 and "hooks.Install (line 9): Install is reserved" in first.output
    (workspace / "appspec.yml").write_text("version: 0.0\nhooks:\n  - [\n", encoding="utf-8")
    broken = runner.invoke(app, ["lab", "check", each.id], obj=runtime)
    assert broken.exit_code == 1 and "The file cannot be read: not valid YAML" in broken.output
    assert "Traceback" not in broken.output
    (workspace / "appspec.yml").write_text(each.solution, encoding="utf-8")
    done = runner.invoke(app, ["lab", "check", each.id], obj=runtime)
    assert done.exit_code == 0 and "7 of 7 checks pass. Lab complete." in done.output
