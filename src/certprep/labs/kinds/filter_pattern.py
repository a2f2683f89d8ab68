"""Filter-pattern labs: the learner writes a CloudWatch Logs filter pattern; each check names
log events that must match, events that must not, and for a metric filter the value it must
publish for an event.

The artifact is read by the lab's artifact file name:

- ``*.yaml`` / ``*.yml`` / ``*.json``: a metric filter, with the field names of the
  PutMetricFilter API (JSON is YAML too)::

      filterPattern: '{ $.route = "/api/checkout" }'
      metricTransformations:
        - metricName: CheckoutLatency
          metricNamespace: Shop
          metricValue: $.latencyMs
          defaultValue: 0          # optional; not with dimensions (AWS forbids both)

  ``metricTransformations`` holds exactly one transformation (as the API requires), whose
  ``metricValue`` is graded by the ``values`` checks.
- anything else (``filter-pattern.txt``): the filter pattern itself; surrounding whitespace
  is ignored.

A metric filter document longer than ``MAX_DOCUMENT`` characters, nested too deeply or holding
a value YAML cannot build fails every check with the reason; nothing a learner writes raises.

A log event in a check is a string (the message, one line) or a mapping, which stands for
that JSON object written on one line. ``values`` cases give ``value: null`` for an event that
must publish nothing.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from certprep.labs.graders import filter_pattern
from certprep.labs.model import Check, CheckResult, Lab

LogEvent = str | dict[str, Any]
METRIC_FILTER_FILES = (".yaml", ".yml", ".json")
MAX_DOCUMENT = 16_384  # characters; the API's fields add up to a few thousand at most
# libyaml when the wheel has it: fast, and it stops at 1,000 levels of nesting by itself (the
# pure-Python scanner slows down with depth; MAX_DOCUMENT bounds it)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FILTER_FIELDS = {"filterName", "logGroupName", "filterPattern", "metricTransformations"}
_TRANSFORMATION_FIELDS = {
    "metricName",
    "metricNamespace",
    "metricValue",
    "defaultValue",
    "dimensions",
    "unit",
}


class ValueCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event: LogEvent
    value: float | None


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: tuple[LogEvent, ...] = ()
    no_match: tuple[LogEvent, ...] = ()
    values: tuple[ValueCase, ...] = ()


class ArtifactError(ValueError):
    """The artifact cannot be read as the lab's metric filter; the message says why."""


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    try:
        pattern_text, metric_value = read_artifact(lab.artifact, text)
    except ArtifactError as exc:
        return CheckResult.all_failed(lab.checks, str(exc))
    try:
        compiled = (
            filter_pattern.metric_filter(pattern_text, metric_value)
            if metric_value is not None
            else None
        )
        pattern = compiled.pattern if compiled else filter_pattern.parse(pattern_text)
    except filter_pattern.FilterPatternError as exc:
        what = "metric filter" if metric_value is not None else "filter pattern"
        return CheckResult.all_failed(
            lab.checks, f"CloudWatch Logs would reject this {what}: {exc}"
        )
    return [_check(c, _spec(c), pattern, compiled) for c in lab.checks]


def read_artifact(artifact: str, text: str) -> tuple[str, str | None]:
    """The filter pattern and, for a metric filter document, its metric value."""
    if not artifact.endswith(METRIC_FILTER_FILES):
        return text.strip(), None
    if len(text) > MAX_DOCUMENT:
        raise ArtifactError(
            f"{artifact} is {len(text):,} characters long; a metric filter document is far"
            f" shorter (this grader reads at most {MAX_DOCUMENT:,})"
        )
    try:
        doc = yaml.load(text, Loader=_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise ArtifactError(
            f"{artifact} is not valid YAML{at}: {getattr(exc, 'problem', None) or exc}"
        ) from None
    except RecursionError:  # the YAML composer recurses once per level of nesting
        raise ArtifactError(f"{artifact} is nested far too deeply to be a metric filter") from None
    except ValueError as exc:  # a value YAML cannot build, such as a 5,000-digit integer
        reason = str(exc).split(";")[0]
        raise ArtifactError(f"{artifact} has a value YAML cannot build: {reason}") from None
    if not isinstance(doc, dict):
        raise ArtifactError(
            f"{artifact} must be a mapping with filterPattern and metricTransformations"
        )
    unknown = sorted(set(map(str, doc)) - _FILTER_FIELDS)
    if unknown:
        raise ArtifactError(
            f"{artifact}: unknown field {unknown[0]!r} (PutMetricFilter has "
            f"{', '.join(sorted(_FILTER_FIELDS))})"
        )
    pattern = doc.get("filterPattern")
    if not isinstance(pattern, str):
        raise ArtifactError(
            f"{artifact}: filterPattern must be a string (a pattern that starts with {{ or [ "
            "must be quoted in YAML)"
        )
    transformations = doc.get("metricTransformations")
    if not isinstance(transformations, list) or len(transformations) != 1:
        raise ArtifactError(
            f"{artifact}: metricTransformations must be a list of exactly one transformation"
        )
    return pattern, _metric_value(artifact, transformations[0])


def _metric_value(artifact: str, transformation: Any) -> str:
    if not isinstance(transformation, dict):
        raise ArtifactError(f"{artifact}: the metric transformation must be a mapping")
    unknown = sorted(set(map(str, transformation)) - _TRANSFORMATION_FIELDS)
    if unknown:
        raise ArtifactError(f"{artifact}: unknown metric transformation field {unknown[0]!r}")
    for field in ("metricName", "metricNamespace", "metricValue"):
        if field not in transformation:
            raise ArtifactError(f"{artifact}: the metric transformation needs {field}")
    if "dimensions" in transformation and transformation.get("defaultValue") is not None:
        raise ArtifactError(
            f"{artifact}: a metric filter with dimensions cannot have a defaultValue"
        )
    value = transformation["metricValue"]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ArtifactError(f"{artifact}: metricValue must be a number or a $ reference")
    return str(value)


@cache
def _spec(check: Check) -> CheckSpec:
    return CheckSpec.model_validate(check.fields)


def message(event: LogEvent) -> str:
    """The log event message a check's event stands for."""
    return event if isinstance(event, str) else json.dumps(event)


def _check(
    check: Check,
    spec: CheckSpec,
    pattern: filter_pattern.FilterPattern,
    metric: filter_pattern.MetricFilter | None,
) -> CheckResult:
    problems: list[str] = []
    missed = next((e for e in spec.match if not pattern.matches(message(e))), None)
    if missed is not None:
        problems.append(f"It does not match this log event, which it should: {_brief(missed)}")
    wrongly = next((e for e in spec.no_match if pattern.matches(message(e))), None)
    if wrongly is not None:
        problems.append(f"It matches this log event, which it should not: {_brief(wrongly)}")
    for case in spec.values:
        problem = _value_problem(case, metric)
        if problem:
            problems.append(problem)
            break
    if not problems:
        return CheckResult(check.name, True, "", check.doc)
    return CheckResult(check.name, False, " ".join([check.why, *problems]), check.doc)


def _value_problem(case: ValueCase, metric: filter_pattern.MetricFilter | None) -> str | None:
    event = message(case.event)
    if metric is None:
        return "This artifact has no metric value to publish."
    got = metric.value(event)
    want = case.value
    if got is None and want is None:
        return None
    if got is not None and want is not None and math.isclose(got, want, rel_tol=1e-9):
        return None
    if got is not None:
        said = f"it publishes {got:g}"
    elif metric.pattern.matches(event):
        said = f"it matches but publishes nothing ({metric.metric_value} gives no number here)"
    else:
        said = "it does not match, so it publishes nothing"
    wanted = "nothing" if want is None else f"{want:g}"
    return f"For this log event {said}, where it should publish {wanted}: {_brief(case.event)}"


def _brief(event: LogEvent) -> str:
    """The event as the detail shows it: whole up to 600 characters; a longer JSON event with
    its nested objects and long strings shortened, so its top-level properties show."""
    text = message(event)
    if len(text) <= 600:
        return text
    if isinstance(event, dict):
        text = json.dumps({k: _shorten(v) for k, v in event.items()}, ensure_ascii=False)
        text = text.replace('"{...}"', "{...}").replace('"[...]"', "[...]")
    return text if len(text) <= 600 else text[:597] + "..."


def _shorten(value: Any) -> Any:
    if isinstance(value, dict):
        return "{...}" if value else {}
    if isinstance(value, list):
        return "[...]" if value else []
    if isinstance(value, str) and len(value) > 100:
        return value[:97] + "..."
    return value
