"""Adversarial AppSpec and buildspec files: grading answers with failed checks that say what is
wrong with the file (never certprep's generic "could not grade" backstop), and never hangs or
exhausts memory. Each grade runs under ``finishes``, a hang guard."""

from __future__ import annotations

import re

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders import appspec, buildspec
from certprep.labs.graders.yamldoc import SpecError, parse
from certprep.labs.graders.yamlload import MAX_DEPTH
from certprep.labs.grading import grade
from certprep.labs.kinds.deploy_spec import MAX_MATCHED_CHARS
from certprep.labs.model import CheckResult
from tests.labs.timebox import finishes

LABS = ["buildspec-test-reports", "ec2-appspec-in-place", "ecs-blue-green-appspec"]


def graded(lab_id: str, text: str) -> list[CheckResult]:
    results = finishes(lambda: grade(all_labs()[lab_id], text))
    assert results
    assert not [r for r in results if "could not grade" in r.detail], "hit the backstop"
    return results


def unreadable(lab_id: str, text: str) -> str:
    """The reason every check gives for a file that cannot be read."""
    results = graded(lab_id, text)
    assert all(not r.passed for r in results)
    details = {r.detail for r in results}
    assert len(details) == 1
    (detail,) = details
    assert detail.startswith("The file cannot be read: ")
    return detail


def alias_bomb(levels: int, fan: int = 9) -> str:
    """Each anchor lists the previous one ``fan`` times: ``fan ** levels`` values in a few
    hundred bytes."""
    lines = ["version: 0.2", "a0: &a0 [lol]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lab_id", LABS)
def test_an_alias_bomb_is_refused_before_it_expands(lab_id: str) -> None:
    text = alias_bomb(7)
    assert len(text) < 500
    assert "more than 100,000 values once its aliases" in unreadable(lab_id, text)


def test_anchors_nested_through_aliases_are_too_deep() -> None:
    """A chain of anchors, each listing the previous one once, is small but as deep as it is
    long once expanded."""
    chain = "a0: &a0 [x]\n" + "".join(f"a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, 3000))
    assert "nested too deeply" in unreadable("buildspec-test-reports", chain)


@pytest.mark.parametrize("text", ["&a [*a]", "version: 0.2\nphases: &p {build: *p}\n"])
def test_an_alias_inside_its_own_anchor_is_refused(text: str) -> None:
    detail = unreadable("buildspec-test-reports", text)
    assert "an alias refers to the value it is part of" in detail


def test_aliases_within_the_limits_still_work() -> None:
    text = (
        "version: 0.2\n"
        "x-commands: &cmds [npm ci, npm test]\n"
        "phases:\n  install:\n    commands: *cmds\n  build:\n    commands: *cmds\n"
    )
    data = parse(text).data
    assert data["phases"]["build"]["commands"] == ["npm ci", "npm test"]
    assert buildspec.check(alias_bomb(4)).data["a4"][0][0][0][0] == ["lol"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("\x1b[0m", 1),
        ("version: 0.2\nphases:\n  build: \x00\n", 3),
        ("version: 0.2\n\x0c\n", 2),
    ],
)
def test_a_control_character_is_named_with_its_line(text: str, line: int) -> None:
    detail = unreadable("buildspec-test-reports", text)
    assert "is not allowed in a YAML file" in detail and f"(line {line})" in detail


@pytest.mark.parametrize(
    "text",
    [
        "[" * 2000,
        "[" * 40_000,  # PyYAML's scanner is quadratic in the depth of flow nesting
        "{a: " * 3000 + "1" + "}" * 3000,
        "- " * 3000 + "x\n",
        "".join(" " * n + "a:\n" for n in range(300)),
        '{\n\t"a": ' + "[" * 3000 + "]" * 3000 + "\n}",  # tab-indented JSON
    ],
)
def test_deep_nesting_is_refused(text: str) -> None:
    detail = unreadable("ec2-appspec-in-place", text)
    assert f"nested too deeply (more than {MAX_DEPTH} levels" in detail


def test_nesting_within_the_limit_is_read() -> None:
    deep = "version: 0.0\nos: linux\nx: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert appspec.check(deep, "server").by_rule("unknown-key")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("7" * 5000, "cannot be read as !!int (Exceeds the limit (4300 digits))"),
        ("!!int seven", "'seven' cannot be read as !!int (invalid literal"),
        ("!!timestamp 2020-99", "'2020-99' cannot be read as !!timestamp (line 4, column 16)"),
    ],
)
def test_a_value_python_cannot_convert_is_named_with_its_line(value: str, said: str) -> None:
    text = f"version: 0.2\nphases:\n  build:\n    commands: [{value}]\n"
    detail = unreadable("buildspec-test-reports", text)
    assert said in detail and "(line 4, column 16)" in detail
    assert "set_int_max_str_digits" not in detail
    with pytest.raises(SpecError, match="cannot be read as"):
        parse(text)


def _buildspec(command: str) -> str:
    return f"version: 0.2\nphases:\n  build:\n    commands:\n      - {command!r}\n"


def _junit_check(text: str) -> CheckResult:
    results = graded("buildspec-test-reports", text)
    return next(r for r in results if r.name.startswith("JUnit XML"))


def test_a_long_command_does_not_make_a_catalog_regex_backtrack() -> None:
    """``--junitxml=`` many times over used to make the lab's regex quadratic."""
    for flag in ("--junitxml=", "'--junitxml=", "--junitxml='", "--junitxml "):
        command = flag * (MAX_MATCHED_CHARS // len(flag))
        assert len(command) <= MAX_MATCHED_CHARS
        result = _junit_check(_buildspec(command))
        assert not result.passed and "runs pytest with --junitxml" in result.detail


def test_a_value_too_long_for_a_catalog_regex_fails_saying_so() -> None:
    command = "python -m pytest --junitxml=reports/junit.xml " + "-v " * 2000
    result = _junit_check(_buildspec(command))
    assert not result.passed
    assert f"is {len(command):,} characters long, too long to check" in result.detail
    assert "phases.build.commands[0] (line 5)" in result.detail


def test_a_long_value_does_not_hide_one_that_matches() -> None:
    text = (
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        f"      - echo {'x' * 2 * MAX_MATCHED_CHARS}\n"
        "      - python -m pytest --junitxml=reports/junit.xml\n"
    )
    result = _junit_check(text)
    assert "too long" not in result.detail and "runs pytest with" not in result.detail


@pytest.mark.parametrize(
    "command",
    [
        "python -m pytest --junitxml=reports/junit.xml --cov=ledger",
        "python -m pytest --junitxml reports/junit.xml",
        "python -m pytest '--junitxml=reports/junit.xml'",
        'python -m pytest --junitxml="reports/junit.xml"',
    ],
)
def test_the_rewritten_catalog_regex_accepts_the_usual_spellings(command: str) -> None:
    pattern = all_labs()["buildspec-test-reports"].checks[1].fields["require"][0]["matches"]
    assert re.search(pattern, command)
