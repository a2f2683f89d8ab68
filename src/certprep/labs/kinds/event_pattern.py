"""Event-pattern labs: the learner writes an EventBridge event pattern (JSON); each check
names events that must match and events that must not."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from certprep.labs.graders import event_pattern
from certprep.labs.model import Check, CheckResult, Lab


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: tuple[dict[str, Any], ...] = ()
    no_match: tuple[dict[str, Any], ...] = ()


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    try:
        pattern = event_pattern.parse(text)
    except event_pattern.PatternError as exc:
        return CheckResult.all_failed(lab.checks, f"EventBridge would reject this pattern: {exc}")
    test = event_pattern.compile_pattern(pattern)
    return [_event_check(c, _spec(c), test) for c in lab.checks]


@cache
def _spec(check: Check) -> CheckSpec:
    return CheckSpec.model_validate(check.fields)


def _event_check(check: Check, spec: CheckSpec, test: event_pattern.EventTest) -> CheckResult:
    missed = [e for e in spec.match if not test(e)]
    wrongly = [e for e in spec.no_match if test(e)]
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
