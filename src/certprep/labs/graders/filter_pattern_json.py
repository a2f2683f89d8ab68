"""JSON filter patterns: ``{ $.a = "x" && ($.b > 5 || $.c IS NULL) }``.

Semantics (CloudWatch Logs user guide, "Using filter patterns to match terms in JSON log
events"):

- The pattern is in curly braces. A condition is ``SELECTOR OP VALUE`` (see
  ``filter_pattern_syntax`` for operators and values), ``SELECTOR IS NULL``, ``IS TRUE``,
  ``IS FALSE`` or ``SELECTOR NOT EXISTS`` (``IS NOT`` and ``EXISTS`` are not supported).
  Conditions combine with ``&&`` and ``||`` and parentheses; ``&&`` binds tighter than ``||``.
- A selector starts with ``$.``; property names are letters, digits, ``-`` and ``_``;
  ``[n]`` picks an array element (zero-based), ``['cluster.name']`` a property whose name has
  other characters, and ``*`` (``$.*``, ``[*]``) any property or element: the condition holds
  if it holds for one of them. At most one wildcard per selector, three per pattern, and at
  most two regexes per pattern. (This grader also refuses parentheses nested more than
  ``MAX_NESTING`` deep, a limit the guide does not state.)
- A comparison needs the selector to reach a string or a number: a missing property, ``null``,
  a boolean, an array or an object matches neither ``=`` nor ``!=``. ``IS NULL`` holds for
  ``null`` (and, as CloudWatch answers, for an array holding a null), ``IS TRUE``/``IS FALSE``
  for the booleans, ``NOT EXISTS`` when the property is absent.
- A log event that is not a JSON object matches no JSON pattern.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from certprep.labs.graders.filter_pattern_syntax import (
    FilterPatternError,
    Scanner,
    Test,
    compile_test,
    json_number,
    read_value,
)

MISSING: Any = object()
MAX_NESTING = 50  # parentheses inside parentheses
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_INDEX = re.compile(r"\[(\d+)\]")
_QUOTED_KEY = re.compile(r"\['([^']*)'\]")
Step = str | int | None  # a property name, an array index, or None for the wildcard
Condition = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Selector:
    text: str
    steps: tuple[Step, ...]

    @property
    def wildcards(self) -> int:
        return sum(step is None for step in self.steps)

    def values(self, doc: Any) -> list[Any]:
        """What the selector reaches in the document (several through a wildcard)."""
        current = [doc]
        for step in self.steps:
            found: list[Any] = []
            for node in current:
                if step is None:
                    if isinstance(node, dict):
                        found.extend(node.values())
                    elif isinstance(node, list):
                        found.extend(node)
                elif isinstance(step, str):
                    if isinstance(node, dict) and step in node:
                        found.append(node[step])
                elif isinstance(node, list) and step < len(node):
                    found.append(node[step])
            current = found
        return current


def parse_selector(scanner: Scanner) -> Selector:
    scanner.skip_ws()
    start, text = scanner.pos, scanner.text
    if not text.startswith("$.", start):
        raise scanner.error(
            f"expected a property selector starting with $., found {scanner.rest_preview()}"
        )
    scanner.pos += 1
    steps: list[Step] = []
    while scanner.pos < len(text) and text[scanner.pos] in ".[":
        if text.startswith(".*", scanner.pos):
            steps.append(None)
            scanner.pos += 2
        elif text.startswith("[*]", scanner.pos):
            steps.append(None)
            scanner.pos += 3
        elif text[scanner.pos] == "." and text.startswith("[", scanner.pos + 1):
            scanner.pos += 1  # $.['cluster.name']
        elif found := _NAME.match(text, scanner.pos + 1) if text[scanner.pos] == "." else None:
            steps.append(found.group())
            scanner.pos = found.end()
        elif found := _INDEX.match(text, scanner.pos):
            steps.append(int(found.group(1)))
            scanner.pos = found.end()
        elif found := _QUOTED_KEY.match(text, scanner.pos):
            steps.append(found.group(1))
            scanner.pos = found.end()
        else:
            raise scanner.error(
                f"the selector {text[start : scanner.pos + 1]!r} is not valid: property names are "
                "letters, digits, - and _; use [n] for an array element and ['a.b'] for other names"
            )
    if not steps:
        raise scanner.error("a selector must name a property after $.")
    selector = Selector(text[start : scanner.pos], tuple(steps))
    if selector.wildcards > 1:
        raise scanner.error(f"the selector {selector.text} has more than one wildcard")
    return selector


@dataclass(frozen=True)
class JsonPattern:
    text: str
    condition: Condition

    def matches(self, message: str) -> bool:
        doc = load_event(message)
        return doc is not None and self.condition(doc)


def parse_json_pattern(text: str) -> JsonPattern:
    scanner = Scanner(text)
    scanner.expect("{", "to open a JSON filter pattern")
    counts = {"wildcards": 0, "regexes": 0, "depth": 0}
    condition = _parse_or(scanner, counts)
    scanner.expect("}", "to close the JSON filter pattern")
    if not scanner.at_end():
        raise scanner.error(f"unexpected text after the closing brace: {scanner.rest_preview()}")
    if counts["wildcards"] > 3:
        raise FilterPatternError("a filter pattern may use at most three wildcard selectors")
    if counts["regexes"] > 2:
        raise FilterPatternError("a JSON filter pattern may use at most two regexes")
    return JsonPattern(text, condition)


def _parse_or(scanner: Scanner, counts: dict[str, int]) -> Condition:
    terms = [_parse_and(scanner, counts)]
    while scanner.take("||"):
        terms.append(_parse_and(scanner, counts))
    if len(terms) == 1:
        return terms[0]
    return lambda doc: any(term(doc) for term in terms)


def _parse_and(scanner: Scanner, counts: dict[str, int]) -> Condition:
    factors = [_parse_factor(scanner, counts)]
    while scanner.take("&&"):
        factors.append(_parse_factor(scanner, counts))
    if len(factors) == 1:
        return factors[0]
    return lambda doc: all(factor(doc) for factor in factors)


def _parse_factor(scanner: Scanner, counts: dict[str, int]) -> Condition:
    if scanner.take("("):
        counts["depth"] += 1
        if counts["depth"] > MAX_NESTING:
            raise scanner.error(
                f"parentheses are nested more than {MAX_NESTING} deep; this grader stops there"
            )
        inner = _parse_or(scanner, counts)
        scanner.expect(")", "to close a parenthesis")
        counts["depth"] -= 1
        return inner
    if scanner.peek("&") or scanner.peek("|"):
        raise scanner.error("expected a condition; && and || need a condition on each side")
    selector = parse_selector(scanner)
    counts["wildcards"] += selector.wildcards
    keyword = scanner.take_word().upper()
    if keyword == "IS":
        what = scanner.take_word().upper()
        if what == "NOT":
            raise scanner.error("IS NOT is not supported (use != or NOT EXISTS)")
        constants = {"NULL": None, "TRUE": True, "FALSE": False}
        if what not in constants:
            raise scanner.error("IS must be followed by NULL, TRUE or FALSE")
        return _is(selector, constants[what])
    if keyword == "NOT":
        if scanner.take_word().upper() != "EXISTS":
            raise scanner.error("NOT must be followed by EXISTS")
        return lambda doc: not selector.values(doc)
    if keyword == "EXISTS":
        raise scanner.error("EXISTS is not supported (use = * for a property that is there)")
    if keyword:
        raise scanner.error(f"unknown keyword {keyword!r} after {selector.text}")
    op = scanner.take_operator()
    if op is None:
        raise scanner.error(
            f"expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) after {selector.text}"
        )
    value = read_value(scanner, stop="()&|}")
    counts["regexes"] += value.regex is not None
    return _compare(selector, compile_test(op, value, scanner, json_number))


def _is(selector: Selector, constant: bool | None) -> Condition:
    if constant is None:  # CloudWatch also counts an array that holds a null
        return lambda doc: any(
            v is None or (isinstance(v, list) and None in v) for v in selector.values(doc)
        )
    return lambda doc: any(v is constant for v in selector.values(doc))


def _compare(selector: Selector, test: Test) -> Condition:
    def holds(doc: dict[str, Any]) -> bool:
        for v in selector.values(doc):
            if isinstance(v, bool) or not isinstance(v, str | int | Decimal):
                continue  # null, booleans, arrays and objects are not value nodes
            if test(v):
                return True
        return False

    return holds


class JsonFloat(Decimal):
    """A JSON number with a fraction or exponent, exact, that prints as it was written
    (CloudWatch compares ``1e0`` with the string "1" as text, and they differ)."""

    raw: str

    def __new__(cls, text: str) -> JsonFloat:
        number = super().__new__(cls, text)
        number.raw = text
        return number

    def __str__(self) -> str:
        return self.raw


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@lru_cache(maxsize=4096)
def load_event(message: str) -> dict[str, Any] | None:
    """The log event as a JSON object (floats as Decimal), or None. Cached: never mutate it."""
    if not message.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(message, parse_float=JsonFloat, parse_constant=_no_constants)
    except (ValueError, ArithmeticError, RecursionError):
        return None  # not JSON, a number beyond any decimal, or nested past the parser's depth
    return doc if isinstance(doc, dict) else None
