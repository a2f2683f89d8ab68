"""Space-delimited filter patterns: ``[ip, user, ..., status_code = 5*, bytes > 1000]``.

Semantics (CloudWatch Logs user guide, "Using filter patterns to match terms in
space-delimited log events" and "Filter pattern syntax for metric filters"; the details the
guide leaves open follow CloudWatch Logs' own answers to TestMetricFilter):

- The log event splits into fields at whitespace (spaces and tabs, runs count once); the
  characters between double quotes, or between square brackets, are one field (without the
  quotes or brackets): ``127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html
  HTTP/1.0" 404 1534`` has seven fields. A quote or bracket that is never closed is an
  ordinary character.
- The pattern, in square brackets, lists the fields separated by commas. An entry is a name
  (``ip``), a name with conditions (``status_code = 4*``, ``bytes > 1000``; see
  ``filter_pattern_syntax``), ``...`` for any number of fields (at most one ``...``), or
  nothing (an unnamed field). Conditions on one field combine with ``&&`` and ``||`` (``&&``
  binds tighter) and must all name that field: ``status_code = 404 || status_code = 410``;
  CloudWatch rejects a condition on another field inside an entry. Field names are unique; at
  most two regexes per pattern. ``[]`` matches every event.
- Without ``...``, the event needs at least as many fields as the pattern, and the last entry
  takes the rest of the line: ``[w1=ERROR, w2]`` matches every line whose first word is ERROR
  (the guide's "include a blank w2 indicator"). With ``...``, the entries line up with the
  fields exactly, ``...`` standing for as many fields as needed (none too).
- A match extracts ``$name`` for named entries and ``$1``, ``$2``, ... by position (the
  metric value of ``[ip, id, user, timestamp, request, status_code, size]`` can be ``$size``
  or ``$7``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from certprep.labs.graders.filter_pattern_syntax import (
    FilterPatternError,
    Scanner,
    Test,
    compile_test,
    read_value,
    text_number,
)

ELLIPSIS = "..."
_NAME = re.compile(r"[A-Za-z0-9_]+")
# a closed "quoted" or [bracketed] field, else a run of non-space characters
_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')
Fields = list[tuple[str, int]]  # (value, where it starts in the line)


@dataclass(frozen=True)
class Entry:
    name: str | None  # None: an unnamed field, or "..." for the ellipsis
    test: Test | None = None


@dataclass(frozen=True)
class DelimitedPattern:
    text: str
    entries: tuple[Entry, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(e.name for e in self.entries if e.name not in (None, ELLIPSIS))

    def matches(self, message: str) -> bool:
        return self._line_up(message) is not None

    def extract(self, message: str) -> dict[str, str] | None:
        """The extracted fields ($name and $1, $2, ...) when the event matches, else None."""
        lined_up = self._line_up(message)
        if lined_up is None:
            return None
        values, positions = lined_up
        extracted = {f"${n}": value for n, value in enumerate(values, start=1)}
        fields = [e for e in self.entries if e.name != ELLIPSIS]
        for entry, position in zip(fields, positions, strict=True):
            if entry.name is not None:
                extracted[f"${entry.name}"] = values[position]
        return extracted

    def _line_up(self, message: str) -> tuple[list[str], list[int]] | None:
        """The field values of the event and the position of each (non-ellipsis) entry."""
        fields = split_fields(message)
        values = [value for value, _ in fields]
        if any(e.name == ELLIPSIS for e in self.entries):
            positions = _align(self.entries, values)
            return None if positions is None else (values, positions)
        count = len(self.entries)
        if count == 0:
            return values, []
        if len(values) < count:
            return None
        if len(values) > count:  # the last entry takes the rest of the line
            values = [*values[: count - 1], message[fields[count - 1][1] :].rstrip()]
        for entry, value in zip(self.entries, values, strict=True):
            if entry.test is not None and not entry.test(value):
                return None
        return values, list(range(count))


def _align(entries: tuple[Entry, ...], values: list[str]) -> list[int] | None:
    """Where the entries (the ellipsis aside) sit when they line up with the values, else None.
    A pattern has at most one ellipsis, so the entries before it take the first fields, those
    after it the last ones, and the ellipsis what lies between (no search is needed)."""
    cut = next(i for i, entry in enumerate(entries) if entry.name == ELLIPSIS)
    before, after = entries[:cut], entries[cut + 1 :]
    if len(before) + len(after) > len(values):
        return None
    positions = list(range(len(before)))
    positions += range(len(values) - len(after), len(values))
    lined_up = zip((*before, *after), positions, strict=True)
    if any(entry.test is not None and not entry.test(values[p]) for entry, p in lined_up):
        return None
    return positions


def split_fields(line: str) -> Fields:
    """The fields of a space-delimited log event and where each starts."""
    return [(_field_text(m), m.start()) for m in _FIELD.finditer(line)]


def _field_text(found: re.Match[str]) -> str:
    quoted, bracketed, word = found.groups()
    return quoted if quoted is not None else bracketed if bracketed is not None else word


def parse_delimited_pattern(text: str) -> DelimitedPattern:
    scanner = Scanner(text)
    scanner.expect("[", "to open a space-delimited filter pattern")
    entries: list[Entry] = []
    regexes = [0]
    if scanner.take("]"):  # [] matches every event
        return DelimitedPattern(text, ())
    while True:
        entries.append(_parse_entry(scanner, regexes))
        if scanner.take("]"):
            break
        scanner.expect(",", "between the fields of a space-delimited pattern (or ] to close it)")
    if not scanner.at_end():
        raise scanner.error(
            f"unexpected text after the closing bracket: {scanner.rest_preview()} (a pattern "
            'that starts with [ is space-delimited; to match the text "[ERROR]", quote it)'
        )
    names = [e.name for e in entries if e.name is not None]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise FilterPatternError(
            f"the field {duplicates[0]!r} appears twice (a pattern has at most one ...)"
            if duplicates[0] == ELLIPSIS
            else f"the field name {duplicates[0]!r} is used twice"
        )
    if regexes[0] > 2:
        raise FilterPatternError("a space-delimited filter pattern may use at most two regexes")
    return DelimitedPattern(text, tuple(entries))


def _parse_entry(scanner: Scanner, regexes: list[int]) -> Entry:
    if scanner.at_end():
        raise scanner.error("the pattern is not closed: a space-delimited pattern ends with ]")
    if scanner.take(ELLIPSIS):
        return Entry(ELLIPSIS)
    if scanner.peek(",") or scanner.peek("]"):
        return Entry(None)
    name = _take_name(scanner)
    if scanner.at_end():
        raise scanner.error("the pattern is not closed: a space-delimited pattern ends with ]")
    if scanner.peek(",") or scanner.peek("]"):
        return Entry(name)
    return Entry(name, _parse_or(scanner, name, regexes, first=True))


def _take_name(scanner: Scanner) -> str:
    scanner.skip_ws()
    found = _NAME.match(scanner.text, scanner.pos)
    if found is None:
        raise scanner.error(
            f"expected a field name (letters, digits and _) or ..., found {scanner.rest_preview()}"
        )
    scanner.pos = found.end()
    return found.group()


def _parse_or(scanner: Scanner, name: str, regexes: list[int], first: bool = False) -> Test:
    terms = [_parse_and(scanner, name, regexes, first)]
    while scanner.take("||"):
        terms.append(_parse_and(scanner, name, regexes))
    return terms[0] if len(terms) == 1 else lambda v: any(t(v) for t in terms)


def _parse_and(scanner: Scanner, name: str, regexes: list[int], first: bool = False) -> Test:
    factors = [_parse_condition(scanner, name, regexes, first)]
    while scanner.take("&&"):
        factors.append(_parse_condition(scanner, name, regexes))
    return factors[0] if len(factors) == 1 else lambda v: all(f(v) for f in factors)


def _parse_condition(scanner: Scanner, name: str, regexes: list[int], first: bool = False) -> Test:
    if not first:
        other = _take_name(scanner)
        if other != name:
            raise scanner.error(
                f"the conditions of the field {name!r} can only test {name!r}, not {other!r}; "
                "give each field its own entry"
            )
    op = scanner.take_operator()
    if op is None:
        raise scanner.error(
            f"expected an operator (=, !=, <, >, <=, >=) or a comma after the field {name!r}, "
            f"found {scanner.rest_preview()}"
        )
    value = read_value(scanner, stop=",]&|()")
    regexes[0] += value.regex is not None
    return compile_test(op, value, scanner, text_number)
