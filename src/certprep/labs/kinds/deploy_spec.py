"""Deploy-spec labs: the learner writes a CodeDeploy ``appspec.yml`` or a CodeBuild
``buildspec.yml``; the ``appspec`` and ``buildspec`` graders validate it and each check asks
for something of the result.

A check (``CheckSpec``) reads like this in the catalog::

    - name: health check runs in ValidateService
      why: ValidateService is the last lifecycle event; it verifies the deployment.
      doc: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
      platform: server            # server (EC2/On-Premises) | ecs | lambda | buildspec
      valid: true                 # optional: no errors (CodeDeploy/CodeBuild would accept it)
      rules: [reserved-hook]      # optional: none of these rule ids may report a finding
      require:                    # optional: assertions on values found by path
        - path: hooks.ValidateService[*].location
          matches: validate_service\\.sh$
          message: the health check script is not in ValidateService

A check passes when every part of it holds. Rule ids are those of the platform's grader
(``appspec.RULES`` or ``buildspec.RULES``). An assertion selects values with a path (dotted
keys, ``[n]``, ``*`` any key, ``[*]`` any item; see ``yamldoc.select``) and tests them with one
of ``exists`` (true: something is there; false: nothing is), ``equals``, ``matches`` (a
regular expression searched in the value as text), ``one_of``, ``at_most``/``at_least``
(numbers). By default one selected value must pass (``every: true``: all of them, and at
least one must exist); a path that selects nothing fails unless ``optional: true``.
``ignore_case`` compares text without regard to case. ``message`` replaces the generated
explanation of a failure. An item of ``require`` may instead be ``any_of``, a list of two or
more assertions of which one must hold (for something that may be written in either of two
places); its failure lists why each alternative does not hold, unless it has a ``message``::

    - any_of:
        - path: phases.build.finally[*]
          matches: docker compose down
        - path: phases.post_build.commands[*]
          matches: docker compose down
      message: no cleanup runs after a failed build phase

A file that is not YAML fails every check with the reason.

A catalog regex is searched only in values of at most ``MAX_MATCHED_CHARS`` characters, so the
time a search takes stays bounded whatever the learner writes (a regex may backtrack on a
long value). A longer value never passes a ``matches`` assertion, and a failure it causes says
that the value is too long, not that it does not match.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from certprep.labs.graders import appspec, buildspec
from certprep.labs.graders.yamldoc import Report, SpecError, format_path, parse_path
from certprep.labs.graders.yamldoc import select as select_values
from certprep.labs.model import Check, CheckResult, Lab

SpecPlatform = Literal["server", "ecs", "lambda", "buildspec"]
_SHOWN = 3  # problems listed per failed check
MAX_MATCHED_CHARS = 4096  # the longest value a catalog regex is searched in


class Assertion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    exists: bool | None = None
    equals: Any = None
    matches: str | None = None
    one_of: tuple[Any, ...] | None = None
    at_most: float | None = None
    at_least: float | None = None
    every: bool = False
    optional: bool = False
    ignore_case: bool = False
    message: str | None = None

    @field_validator("path")
    @classmethod
    def _path_parses(cls, value: str) -> str:
        parse_path(value)  # raises ValueError naming the problem
        return value

    @field_validator("matches")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_test(self) -> Assertion:
        tests = {"exists", "equals", "matches", "one_of", "at_most", "at_least"}
        given = tests & self.model_fields_set
        if not given or (len(given) > 1 and given != {"at_most", "at_least"}):
            raise ValueError(
                "an assertion needs one of exists, equals, matches, one_of, at_most/at_least"
            )
        return self


class AnyOf(BaseModel):
    """Alternatives: the item holds when one of its assertions does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any_of: tuple[Assertion, ...] = Field(min_length=2)
    message: str | None = None


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: SpecPlatform
    valid: bool = False
    rules: tuple[str, ...] = ()
    require: tuple[Assertion | AnyOf, ...] = ()

    @model_validator(mode="after")
    def _says_something(self) -> CheckSpec:
        if not (self.valid or self.rules or self.require):
            raise ValueError("a check needs valid, rules or require")
        known = buildspec.RULES if self.platform == "buildspec" else appspec.RULES
        unknown = [r for r in self.rules if r not in known]
        if unknown:
            raise ValueError(f"unknown rule ids for {self.platform}: {', '.join(unknown)}")
        return self


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    reports: dict[str, Report | str] = {}
    results = []
    for check in lab.checks:
        spec = _spec(check)
        if spec.platform not in reports:
            reports[spec.platform] = _check(text, spec.platform)
        report = reports[spec.platform]
        if isinstance(report, str):
            results.append(CheckResult(check.name, False, report, check.doc))
        else:
            results.append(_grade_check(check, spec, report))
    return results


@cache
def _spec(check: Check) -> CheckSpec:
    return CheckSpec.model_validate(check.fields)


def _check(text: str, platform: SpecPlatform) -> Report | str:
    """The grader's report, or why the file cannot be read at all."""
    try:
        if platform == "buildspec":
            return buildspec.check(text)
        return appspec.check(text, platform)
    except SpecError as exc:
        return f"The file cannot be read: {exc}."


def _grade_check(check: Check, spec: CheckSpec, report: Report) -> CheckResult:
    problems: list[str] = []
    if spec.valid:
        problems += [str(f) for f in report.errors]
    for rule in spec.rules:
        problems += [str(f) for f in report.by_rule(rule)]
    for item in spec.require:
        if (problem := _failure(item, report)) is not None:
            problems.append(problem)
    if not problems:
        return CheckResult(check.name, True, "", check.doc)
    shown = [p.rstrip(".") for p in problems[:_SHOWN]]
    more = len(problems) - len(shown)
    tail = f" (and {more} more)" if more else ""
    detail = f"{check.why} Found: {'; '.join(shown)}{tail}."
    return CheckResult(check.name, False, detail, check.doc)


def _failure(item: Assertion | AnyOf, report: Report) -> str | None:
    """Why the item does not hold, or None if it does."""
    if isinstance(item, Assertion):
        return _assertion_failure(item, report)
    problems = []
    for alternative in item.any_of:
        problem = _assertion_failure(alternative, report)
        if problem is None:
            return None
        problems.append(problem.rstrip("."))
    too_long = [p for alternative in item.any_of if (p := _too_long(alternative, report))]
    if too_long:
        return too_long[0]
    return item.message or f"none of the alternatives holds: {'; or '.join(problems)}"


def _assertion_failure(assertion: Assertion, report: Report) -> str | None:
    """Why the assertion does not hold, or None if it does."""
    found = select_values(report.data, assertion.path)
    if "exists" in assertion.model_fields_set:
        if bool(found) == assertion.exists:
            return None
        if assertion.exists:
            return assertion.message or _missing(assertion.path, report)
        return assertion.message or (
            f"{_where(format_path(found[0][0]), report, found[0][0])} should not be there"
        )
    if not found:
        if assertion.optional:
            return None
        return assertion.message or _missing(assertion.path, report)
    results = [_passes(assertion, value) for _, value in found]
    if all(results) if assertion.every else any(results):
        return None
    if (too_long := _too_long(assertion, report)) is not None:
        return too_long
    if assertion.message:
        return assertion.message
    bad = [(path, value) for (path, value), ok in zip(found, results, strict=True) if not ok]
    path, value = bad[0]
    return f"{_where(format_path(path), report, path)} is {_show(value)}; {_expected(assertion)}"


def _passes(assertion: Assertion, value: Any) -> bool:
    fields = assertion.model_fields_set
    if "equals" in fields:
        return _same(value, assertion.equals, assertion.ignore_case)
    if "one_of" in fields:
        return any(_same(value, option, assertion.ignore_case) for option in assertion.one_of or ())
    if assertion.matches is not None:
        if isinstance(value, dict | list) or value is None:
            return False
        text = _text(value)
        if len(text) > MAX_MATCHED_CHARS:
            return False  # see _too_long
        flags = re.IGNORECASE if assertion.ignore_case else 0
        return re.search(assertion.matches, text, flags) is not None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    low_ok = assertion.at_least is None or value >= assertion.at_least
    high_ok = assertion.at_most is None or value <= assertion.at_most
    return low_ok and high_ok


def _too_long(assertion: Assertion, report: Report) -> str | None:
    """Why a ``matches`` assertion cannot pass on a selected value that is too long to search,
    or None when there is no such value."""
    if assertion.matches is None:
        return None
    for path, value in select_values(report.data, assertion.path):
        if isinstance(value, dict | list) or value is None:
            continue
        if (size := len(_text(value))) > MAX_MATCHED_CHARS:
            return (
                f"{_where(format_path(path), report, path)} is {size:,} characters long, too long "
                f"to check (certprep reads values of at most {MAX_MATCHED_CHARS:,} characters "
                "here); shorten it, e.g. split a long command into several"
            )
    return None


def _same(value: Any, expected: Any, ignore_case: bool) -> bool:
    if ignore_case and isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return bool(value == expected)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else _text(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _expected(assertion: Assertion) -> str:
    fields = assertion.model_fields_set
    scope = "every value" if assertion.every else "a value"
    if "equals" in fields:
        return f"expected {_show(assertion.equals)}"
    if "one_of" in fields:
        return f"expected one of {', '.join(_show(v) for v in assertion.one_of or ())}"
    if assertion.matches is not None:
        return f"expected {scope} matching /{assertion.matches}/"
    bounds = []
    if assertion.at_least is not None:
        bounds.append(f"at least {assertion.at_least:g}")
    if assertion.at_most is not None:
        bounds.append(f"at most {assertion.at_most:g}")
    return f"expected a number {' and '.join(bounds)}"


def _where(shown: str, report: Report, path: tuple[Any, ...]) -> str:
    """A path for a message, with its line."""
    line = report.document.line_of(path)
    return f"{shown} (line {line})" if line else shown


def _missing(expr: str, report: Report) -> str:
    """``expr`` is missing, saying where its nearest written parent is."""
    prefix: list[Any] = []
    for token in parse_path(expr):
        if token is None or token == -1 or (*prefix, token) not in report.document.lines:
            break
        prefix.append(token)
    if not prefix:
        return f"{expr} is missing"
    line = report.document.lines[tuple(prefix)]
    return f"{expr} is missing (under {format_path(prefix)}, line {line})"
