"""Amazon EventBridge event patterns: validation and matching.

Semantics (from the EventBridge user guide, "Event patterns", "Comparison operators" and
"Content filtering"):

- A pattern is a JSON object. A key whose value is an object matches a nested object of the
  event; when the event holds an array of objects there, the pattern matches if one element
  matches the whole nested pattern. A key whose value is an array is a leaf: the event field
  matches if any of its values (a scalar, or each element of an array of scalars) matches any
  matcher of the array. Keys are ANDed; the values of one array are ORed.
- Matchers: a literal string, number (compared as numbers), boolean or null; ``prefix``,
  ``suffix`` (a string, or ``{"equals-ignore-case": s}``); ``equals-ignore-case``;
  ``wildcard`` (``*`` any run of characters, ``\\*`` a literal star, no ``**``);
  ``anything-but`` (a string, a number, a list of only strings or only numbers, or
  ``{"prefix"|"suffix"|"equals-ignore-case"|"wildcard": ...}``), which needs the field to be
  present; ``numeric`` (``[op, n]`` or ``[lower-op, n, upper-op, m]`` with ops ``= < <= > >=``,
  on JSON numbers); ``exists`` (true: the leaf is present, false: absent); ``cidr`` (IPv4/IPv6).
- ``"$or": [pattern, pattern, ...]`` (at least two) matches if any of the patterns matches.

``validate`` raises PatternError with the reason, as EventBridge rejects invalid patterns.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

Matcher = Callable[[Any, bool], bool]  # (value, present) -> matched
_NUMERIC_OPS = {"=", "<", "<=", ">", ">="}
_LOWER, _UPPER = {">", ">="}, {"<", "<="}
_MISSING = object()


class PatternError(ValueError):
    """An event pattern EventBridge would reject; the message says why."""


#: Levels of objects and arrays a pattern may nest (real patterns use a handful).
MAX_DEPTH = 100
_TOO_DEEP = f"the pattern is too deeply nested (more than {MAX_DEPTH} levels of objects and arrays)"


def parse(text: str) -> dict[str, Any]:
    try:
        pattern = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatternError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:  # the JSON parser counts its own depth and stops cleanly
        raise PatternError(_TOO_DEEP) from None
    if _depth(pattern) > MAX_DEPTH:
        raise PatternError(_TOO_DEEP)
    validate(pattern)
    return pattern  # type: ignore[no-any-return]


def _depth(value: Any) -> int:
    """How many levels of objects and arrays ``value`` nests (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def validate(pattern: Any, path: str = "") -> None:
    if not isinstance(pattern, dict):
        raise PatternError(f"{path or 'the pattern'} must be a JSON object")
    if not pattern:
        raise PatternError(f"{path or 'the pattern'} is empty")
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise PatternError(f"{where} needs a list of at least two patterns")
            for n, sub in enumerate(value):
                validate(sub, f"{where}[{n}]")
        elif isinstance(value, dict):
            validate(value, where)
        elif isinstance(value, list):
            if not value:
                raise PatternError(f"{where}: a list of values must not be empty")
            for matcher in value:
                _compile(matcher, where)
        else:
            raise PatternError(f"{where}: a value must be a list of matchers or a nested object")


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Does the event match the (valid) pattern? (Compiles the pattern on each call: to test
    many events, compile it once with ``compile_pattern``.)"""
    return compile_pattern(pattern)(event)


EventTest = Callable[[Any], bool]


def compile_pattern(pattern: dict[str, Any]) -> EventTest:
    """The (valid) pattern as a function of an event: its matchers are built once."""
    tests: list[tuple[str, Any]] = []
    for key, value in pattern.items():
        if key == "$or":
            tests.append((key, [compile_pattern(sub) for sub in value]))
        elif isinstance(value, dict):
            tests.append((key, compile_pattern(value)))
        else:
            tests.append((key, [_compile(m, "") for m in value]))

    def test(event: Any) -> bool:
        if not isinstance(event, dict):
            return False
        for key, compiled in tests:
            if key == "$or":
                if not any(alternative(event) for alternative in compiled):
                    return False
                continue
            field = event.get(key, _MISSING)
            if callable(compiled):  # a nested pattern
                candidates = field if isinstance(field, list) else [field]
                if not any(isinstance(c, dict) and compiled(c) for c in candidates):
                    return False
            elif not _leaf_matches(compiled, field):
                return False
        return True

    return test


def _leaf_matches(compiled: list[Matcher], field: Any) -> bool:
    present = field is not _MISSING and not isinstance(field, dict)
    values = field if isinstance(field, list) else [field]
    if not values:  # an empty array: only "exists" can say anything
        values = [_MISSING]
    for value in values:
        for match in compiled:
            if match(value, present and value is not _MISSING):
                return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _literal(expected: Any) -> Matcher:
    if _is_number(expected):
        return lambda v, present: present and _is_number(v) and float(v) == float(expected)
    return lambda v, present: present and type(v) is type(expected) and v == expected


def _string_test(kind: str, arg: Any, where: str) -> Callable[[str], bool]:
    """prefix/suffix/equals-ignore-case/wildcard as a test on a string value."""
    if kind in ("prefix", "suffix") and isinstance(arg, dict):
        if list(arg) != ["equals-ignore-case"] or not isinstance(arg["equals-ignore-case"], str):
            raise PatternError(
                f'{where}: {kind} takes a string or {{"equals-ignore-case": string}}'
            )
        needle = arg["equals-ignore-case"].casefold()
        if kind == "prefix":
            return lambda s: s.casefold().startswith(needle)
        return lambda s: s.casefold().endswith(needle)
    if not isinstance(arg, str):
        raise PatternError(f"{where}: {kind} takes a string")
    if kind == "prefix":
        return lambda s: s.startswith(arg)
    if kind == "suffix":
        return lambda s: s.endswith(arg)
    if kind == "equals-ignore-case":
        return lambda s: s.casefold() == arg.casefold()
    if "**" in arg.replace("\\*", ""):
        raise PatternError(f"{where}: a wildcard must not have two '*' in a row")
    parts = re.split(r"(?<!\\)\*", arg)
    regex = ".*".join(re.escape(p.replace("\\*", "*")) for p in parts)
    compiled = re.compile(rf"\A{regex}\Z", re.DOTALL)
    return lambda s: compiled.match(s) is not None


def _compile(matcher: Any, where: str) -> Matcher:
    if matcher is None or isinstance(matcher, str | bool) or _is_number(matcher):
        return _literal(matcher)
    if not isinstance(matcher, dict) or len(matcher) != 1:
        raise PatternError(f"{where}: a matcher is a value or an object with one operator")
    ((op, arg),) = matcher.items()
    if op in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        test = _string_test(op, arg, where)
        return lambda v, present: present and isinstance(v, str) and test(v)
    if op == "anything-but":
        return _anything_but(arg, where)
    if op == "numeric":
        return _numeric(arg, where)
    if op == "exists":
        if not isinstance(arg, bool):
            raise PatternError(f"{where}: exists takes true or false")
        return lambda v, present: present == arg
    if op == "cidr":
        try:
            network = ipaddress.ip_network(arg, strict=False)
        except (ValueError, TypeError):
            raise PatternError(f"{where}: {arg!r} is not a CIDR block") from None

        def in_network(v: Any, present: bool) -> bool:
            try:
                return present and isinstance(v, str) and ipaddress.ip_address(v) in network
            except ValueError:
                return False

        return in_network
    raise PatternError(f"{where}: unknown operator {op!r}")


def _anything_but(arg: Any, where: str) -> Matcher:
    if isinstance(arg, dict):
        if len(arg) != 1 or next(iter(arg)) not in (
            "prefix",
            "suffix",
            "equals-ignore-case",
            "wildcard",
        ):
            raise PatternError(
                f"{where}: anything-but takes prefix, suffix, equals-ignore-case or wildcard"
            )
        ((kind, inner),) = arg.items()
        options = (
            inner
            if isinstance(inner, list) and kind in ("equals-ignore-case", "wildcard")
            else [inner]
        )
        tests = [_string_test(kind, o, where) for o in options]
        return lambda v, present: present and not (isinstance(v, str) and any(t(v) for t in tests))
    excluded = arg if isinstance(arg, list) else [arg]
    if not excluded:
        raise PatternError(f"{where}: anything-but needs at least one value")
    if not (all(isinstance(x, str) for x in excluded) or all(_is_number(x) for x in excluded)):
        raise PatternError(f"{where}: anything-but takes only strings or only numbers")
    literals = [_literal(x) for x in excluded]
    return lambda v, present: present and not any(m(v, True) for m in literals)


def _numeric(arg: Any, where: str) -> Matcher:
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise PatternError(f"{where}: numeric takes [op, number] or [op, number, op, number]")
    pairs = [(arg[i], arg[i + 1]) for i in range(0, len(arg), 2)]
    for op, number in pairs:
        if op not in _NUMERIC_OPS or not _is_number(number):
            raise PatternError(
                f"{where}: numeric needs operators {sorted(_NUMERIC_OPS)} with numbers"
            )
        if not -1e9 <= number <= 1e9:
            raise PatternError(f"{where}: numeric values must lie between -1e9 and 1e9")
    if len(pairs) == 2:
        (lo_op, lo), (hi_op, hi) = pairs
        if lo_op not in _LOWER or hi_op not in _UPPER or lo > hi:
            raise PatternError(
                f"{where}: a numeric range is [>|>=, low, <|<=, high] with low <= high"
            )
    tests = {
        "=": lambda v, n: v == n,
        "<": lambda v, n: v < n,
        "<=": lambda v, n: v <= n,
        ">": lambda v, n: v > n,
        ">=": lambda v, n: v >= n,
    }
    return lambda v, present: present and _is_number(v) and all(tests[op](v, n) for op, n in pairs)
