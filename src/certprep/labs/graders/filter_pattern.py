"""Amazon CloudWatch Logs filter patterns (metric filters, subscription filters, filter log
events): parsing, matching, and the value a metric filter publishes.

Semantics (CloudWatch Logs user guide, "Filter pattern syntax for metric filters,
subscription filters, filter log events, and Live Tail" and its pages on unstructured, JSON
and space-delimited log events and regular expressions; "Filter pattern syntax for metric
filters"):

- An empty pattern matches every log event. (The guide offers ``" "`` to "match everything";
  it is the term "a space", which every event with a space matches, as CloudWatch answers.)
- ``{ ... }`` is a JSON pattern (``filter_pattern_json``), ``[ ... ]`` a space-delimited one
  (``filter_pattern_delimited``), ``%regex%`` alone a regex that must match somewhere in the
  event (``filter_pattern_regex``).
- Anything else is a list of terms, separated by spaces, matched case sensitively anywhere in
  the event, even inside a longer word (``ERROR`` matches ``ERRORCODE``). A term is a word of
  letters, digits and ``_``, or any text in double quotes (``"INTERNAL SERVER ERROR"``,
  ``"[ERROR]"``); other characters must be quoted. Every plain term must appear; a term after
  ``-`` must not. Terms after ``?`` are alternatives, one of which must appear, but only in a
  pattern made of ``?`` terms alone: combined with plain or ``-`` terms, CloudWatch ignores
  the ``?`` terms. A ``%regex%`` must be the whole pattern.
- A metric filter publishes, for each matching event, its metric value: a number
  (``1``), ``$.selector`` of a JSON pattern, or ``$field`` / ``$n`` of a space-delimited
  pattern; CloudWatch rejects a wildcard selector there. An extracted value is published only
  if it is a number (a JSON number, or a space-delimited field whose text is one); otherwise,
  and for an event that does not match, nothing is published.

Patterns are compiled once (``parse``) and then evaluated against any number of events.
Invalid patterns raise FilterPatternError with the reason, as CloudWatch Logs rejects them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from certprep.labs.graders.filter_pattern_delimited import (
    DelimitedPattern,
    parse_delimited_pattern,
)
from certprep.labs.graders.filter_pattern_json import (
    JsonPattern,
    Selector,
    load_event,
    parse_json_pattern,
    parse_selector,
)
from certprep.labs.graders.filter_pattern_regex import RegexError, compile_regex
from certprep.labs.graders.filter_pattern_syntax import NUMBER, FilterPatternError, Scanner

__all__ = ["FilterPattern", "FilterPatternError", "MetricFilter", "metric_filter", "parse"]

MAX_PATTERN_LENGTH = 1024  # PutMetricFilter / PutSubscriptionFilter filterPattern
MAX_METRIC_VALUE_LENGTH = 100
Kind = Literal["all", "terms", "regex", "json", "space-delimited"]
_WORD = re.compile(r"[A-Za-z0-9_]+")
_FIELD_REF = re.compile(r"\$([A-Za-z0-9_]+)\Z")


@dataclass(frozen=True)
class FilterPattern:
    text: str
    kind: Kind
    matches: Callable[[str], bool]
    structure: JsonPattern | DelimitedPattern | None = None


def parse(text: str) -> FilterPattern:
    """The compiled pattern; FilterPatternError if CloudWatch Logs would reject it."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(f"a filter pattern is at most {MAX_PATTERN_LENGTH} characters")
    stripped = text.strip()
    if not stripped:
        return FilterPattern(text, "all", lambda message: True)
    if stripped.startswith("{"):
        json_pattern = parse_json_pattern(stripped)
        return FilterPattern(text, "json", json_pattern.matches, json_pattern)
    if stripped.startswith("["):
        delimited = parse_delimited_pattern(stripped)
        return FilterPattern(text, "space-delimited", delimited.matches, delimited)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == "%" and "%" not in stripped[1:-1]:
        try:
            regex = compile_regex(stripped[1:-1])
        except RegexError as exc:
            raise FilterPatternError(str(exc)) from None
        return FilterPattern(text, "regex", regex.search)
    return FilterPattern(text, "terms", _parse_terms(stripped))


def _parse_terms(text: str) -> Callable[[str], bool]:
    scanner = Scanner(text)
    required: list[str] = []
    excluded: list[str] = []
    optional: list[str] = []
    while not scanner.at_end():
        target = required
        if scanner.take("?"):
            target = optional
        elif scanner.take("-"):
            target = excluded
        if target is not required and scanner.at_end():
            raise scanner.error("? and - must be followed by a term")
        target.append(_take_term(scanner))
    if required or excluded:
        optional = []  # the guide: combined with other terms, ? terms are ignored

    def matches(message: str) -> bool:
        return (
            all(term in message for term in required)
            and not any(term in message for term in excluded)
            and (not optional or any(term in message for term in optional))
        )

    return matches


def _take_term(scanner: Scanner) -> str:
    scanner.skip_ws()
    if scanner.peek('"'):
        return scanner.read_quoted()
    start, text = scanner.pos, scanner.text
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    word = text[start:end]
    if word.startswith("%") or word.endswith("%"):
        raise scanner.error(
            "a %regex% must be the whole pattern (or a value in a JSON or space-delimited pattern)"
        )
    if _WORD.fullmatch(word) is None:
        raise scanner.error(
            f"the term {word!r} has characters other than letters, digits and _: "
            f'put it in double quotes ("{word}")'
        )
    scanner.pos = end
    return word


@dataclass(frozen=True)
class MetricFilter:
    """A filter pattern with the metric value it publishes for each matching event."""

    pattern: FilterPattern
    metric_value: str
    _extract: Callable[[str], float | None]

    def value(self, message: str) -> float | None:
        """The number published for this log event, or None when nothing is published."""
        if not self.pattern.matches(message):
            return None
        return self._extract(message)


def metric_filter(pattern_text: str, metric_value: str) -> MetricFilter:
    """The compiled metric filter; FilterPatternError if the pattern or value is rejected.

    Like CloudWatch, it admits a reference the pattern cannot fill (``$.x`` with a pattern
    that is not JSON, ``$size`` naming no field): such a filter publishes nothing."""
    pattern = parse(pattern_text)
    value = metric_value.strip()
    if not value or len(value) > MAX_METRIC_VALUE_LENGTH:
        raise FilterPatternError(f"a metric value is 1 to {MAX_METRIC_VALUE_LENGTH} characters")
    if NUMBER.match(value):
        constant = float(value)
        return MetricFilter(pattern, value, lambda message: constant)
    if value.startswith("$."):
        return MetricFilter(pattern, value, _json_value(value, pattern.structure))
    if _FIELD_REF.match(value):
        return MetricFilter(pattern, value, _field_value(value, pattern.structure))
    raise FilterPatternError(
        f"the metric value {value!r} must be a number, a $.selector of a JSON pattern "
        "or a $field of a space-delimited pattern"
    )


def _json_value(
    text: str, structure: JsonPattern | DelimitedPattern | None
) -> Callable[[str], float | None]:
    scanner = Scanner(text)
    selector: Selector = parse_selector(scanner)
    if not scanner.at_end():
        raise scanner.error(f"the metric value {text} is not a property selector")
    if selector.wildcards:
        raise FilterPatternError(f"the metric value {text} must be a valid number, not a wildcard")
    if not isinstance(structure, JsonPattern):
        return lambda message: None

    def extract(message: str) -> float | None:
        doc = load_event(message)
        found = selector.values(doc) if doc is not None else []
        if not found or isinstance(found[0], bool) or not isinstance(found[0], int | Decimal):
            return None  # a JSON string, null, boolean, array or object is not a number
        return float(found[0])

    return extract


def _field_value(
    text: str, structure: JsonPattern | DelimitedPattern | None
) -> Callable[[str], float | None]:
    if not isinstance(structure, DelimitedPattern):
        return lambda message: None

    def extract(message: str) -> float | None:
        found = (structure.extract(message) or {}).get(text)
        return float(found) if found is not None and NUMBER.match(found) else None

    return extract
