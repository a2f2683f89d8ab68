"""Grading a lab artifact, check by check."""

from __future__ import annotations

import json
from dataclasses import dataclass

from certprep.labs.graders import event_pattern
from certprep.labs.model import Check, Lab


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    doc: str


def grade(lab: Lab, artifact_text: str) -> list[CheckResult]:
    """Every check of the lab against the learner's artifact (never raises for bad input:
    an artifact that cannot be read fails every check with the reason)."""
    if lab.kind == "event-pattern":
        return _grade_event_pattern(lab, artifact_text)
    raise ValueError(
        f"no grader for lab kind {lab.kind!r}"
    )  # pragma: no cover - the model forbids it


def _grade_event_pattern(lab: Lab, text: str) -> list[CheckResult]:
    try:
        pattern = event_pattern.parse(text)
    except event_pattern.PatternError as exc:
        reason = f"EventBridge would reject this pattern: {exc}"
        return [CheckResult(c.name, False, reason, c.doc) for c in lab.checks]
    return [_event_check(c, pattern) for c in lab.checks]


def _event_check(check: Check, pattern: dict[str, object]) -> CheckResult:
    missed = [e for e in check.match if not event_pattern.matches(pattern, e)]
    wrongly = [e for e in check.no_match if event_pattern.matches(pattern, e)]
    if not missed and not wrongly:
        return CheckResult(check.name, True, "", check.doc)
    parts = [check.why]
    if missed:
        parts.append("It does not match this event, which it should: " + _brief(missed[0]))
    if wrongly:
        parts.append("It matches this event, which it should not: " + _brief(wrongly[0]))
    return CheckResult(check.name, False, " ".join(parts), check.doc)


def _brief(event: dict[str, object]) -> str:
    text = json.dumps(event, separators=(",", ":"))
    return text if len(text) <= 300 else text[:297] + "..."
