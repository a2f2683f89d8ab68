"""What JSON and space-delimited filter patterns share: a scanner over the pattern text, the
values a condition compares with, and how a comparison decides.

Semantics (CloudWatch Logs user guide, "Filter pattern syntax for metric filters,
subscription filters, filter log events, and Live Tail", JSON and space-delimited sections):

- Operators: ``=`` and ``!=`` compare strings or numbers; ``<``, ``>``, ``<=``, ``>=`` compare
  numbers and need a number (an integer or decimal with an optional sign, optionally in
  scientific notation: ``1e+3``, ``+1000``, ``55.5``); a string there is rejected.
- A value is a number, a string in double quotes, a bare string, or a ``%regex%``. A bare
  string may not hold characters the pattern syntax uses (``" % $ @ \\ [ ] { } ! < > =``);
  such strings go in double quotes. A bare ``null`` is rejected (``IS NULL`` tests for null).
  ``*`` at the start or end of a string is a wildcard (any text), inside quotes too
  (``"*UnauthorizedOperation"``); a ``*`` in the middle is a literal star (the archived guide:
  ``Ev*ent`` matches only ``Ev*ent``). ``*`` alone matches any value.
- A string matches the whole value (``=``), a regex matches anywhere in it. ``!=`` is the
  negation of ``=`` on a value that is there.
- Numbers: a number in the pattern equals a number in the log numerically (``1`` equals ``1.0``
  and ``1e0``); compared with text it is compared as text (``1`` equals ``"1"`` but not
  ``"1.0"``). Whether text in the log counts as a number for ``<``, ``>``, ... is the caller's
  choice: fields of space-delimited events do (``bytes > 1000``), JSON strings do not.
  (These details follow CloudWatch Logs' own answers to TestMetricFilter.)
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from certprep.labs.graders.filter_pattern_regex import Regex, RegexError, compile_regex

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
OPERATORS = ("!=", "<=", ">=", "=", "<", ">")  # longest first
ORDERING: dict[str, Callable[[Decimal | int, Decimal | int], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
NEEDS_QUOTES = frozenset('"%$@\\[]{}!<>=')
Scalar = str | int | Decimal
Test = Callable[[Scalar], bool]


class FilterPatternError(ValueError):
    """A filter pattern CloudWatch Logs would reject; the message says why."""


class Scanner:
    """A cursor over the pattern text, with errors that say where."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str) -> FilterPatternError:
        return FilterPatternError(f"{message} (at character {self.pos + 1})")

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self.skip_ws()
        return self.pos >= len(self.text)

    def peek(self, token: str) -> bool:
        self.skip_ws()
        return self.text.startswith(token, self.pos)

    def take(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str, context: str) -> None:
        if not self.take(token):
            raise self.error(f"expected {token!r} {context}, found {self.rest_preview()}")

    def rest_preview(self) -> str:
        rest = self.text[self.pos : self.pos + 20]
        return repr(rest) if rest else "the end of the pattern"

    def take_word(self) -> str:
        """A run of letters (a keyword such as IS, NULL, NOT, EXISTS), or ''."""
        self.skip_ws()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isalpha():
            self.pos += 1
        return self.text[start : self.pos]

    def take_operator(self) -> str | None:
        self.skip_ws()
        for op in OPERATORS:
            if self.text.startswith(op, self.pos):
                end = self.pos + len(op)
                if end < len(self.text) and self.text[end] in "=<>!":
                    raise self.error(
                        f"unknown operator {self.text[self.pos : end + 1]!r} "
                        "(the operators are = != < > <= >=)"
                    )
                self.pos = end
                return op
        return None

    def read_quoted(self) -> str:
        """The string in double quotes at the cursor; ``\\"`` and ``\\\\`` are escapes."""
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] in '"\\':
                out.append(self.text[self.pos + 1])
                self.pos += 2
            elif char == '"':
                self.pos += 1
                return "".join(out)
            else:
                out.append(char)
                self.pos += 1
        self.pos = start
        raise self.error("a double quote is not closed")

    def read_regex(self) -> Regex:
        end = self.text.find("%", self.pos + 1)
        if end < 0:
            raise self.error("a regex is not closed: it must end with %")
        body = self.text[self.pos + 1 : end]
        try:
            compiled = compile_regex(body)
        except RegexError as exc:
            raise self.error(str(exc)) from None
        self.pos = end + 1
        return compiled


@dataclass(frozen=True)
class Value:
    """The right-hand side of a condition."""

    text: str
    number: Decimal | None = None  # a bare numeric literal
    regex: Regex | None = None


def read_value(scanner: Scanner, stop: str) -> Value:
    """A value at the cursor; a bare value ends at whitespace or any character of ``stop``."""
    scanner.skip_ws()
    if scanner.peek('"'):
        return Value(scanner.read_quoted())
    if scanner.peek("%"):
        regex = scanner.read_regex()
        return Value(f"%{regex.source}%", regex=regex)
    start = scanner.pos
    text = scanner.text
    while (
        scanner.pos < len(text)
        and not text[scanner.pos].isspace()
        and text[scanner.pos] not in stop
    ):
        scanner.pos += 1
    bare = text[start : scanner.pos]
    if not bare:
        raise scanner.error(f"expected a value, found {scanner.rest_preview()}")
    bad = sorted({c for c in bare if c in NEEDS_QUOTES})
    if bad:
        scanner.pos = start
        raise scanner.error(
            f"the value {bare!r} has {', '.join(map(repr, bad))}: put it in double quotes"
        )
    if bare == "null":
        scanner.pos = start
        raise scanner.error("null is not a value here: use IS NULL to test for null")
    if NUMBER.match(bare):
        number = decimal(bare)
        if number is None:
            scanner.pos = start
            raise scanner.error(f"the number {bare[:40]!r} is out of range")
        return Value(bare, number=number)
    return Value(bare)


def decimal(text: str) -> Decimal | None:
    """The exact value of a NUMBER, or None when its exponent is beyond any decimal."""
    try:
        return Decimal(text)
    except ArithmeticError:  # decimal.InvalidOperation: 1e9999999999999999999
        return None


def text_number(value: Scalar) -> Decimal | int | None:
    """The number a log value stands for, text included (space-delimited fields)."""
    if isinstance(value, str):
        return decimal(value) if NUMBER.match(value) else None
    return value


def json_number(value: Scalar) -> Decimal | int | None:
    """The number a JSON value is: only JSON numbers are, strings are text."""
    return None if isinstance(value, str) else value


def string_test(value: Value) -> Callable[[str], bool]:
    """Does a text value equal the pattern's string (with its wildcards), or contain its regex?"""
    if value.regex is not None:
        return value.regex.search
    text = value.text
    if text and set(text) == {"*"}:
        return lambda s: True
    lead, trail = text.startswith("*"), text.endswith("*")
    core = text[1 if lead else 0 : len(text) - 1 if trail else len(text)]
    if lead and trail:
        return lambda s: core in s
    if lead:
        return lambda s: s.endswith(core)
    if trail:
        return lambda s: s.startswith(core)
    return lambda s: s == core


def compile_test(
    op: str, value: Value, scanner: Scanner, as_number: Callable[[Scalar], Decimal | int | None]
) -> Test:
    """The test ``<value in the log> op <pattern value>`` for a value that is there;
    ``as_number`` says which log values are numbers."""
    if op in ORDERING:
        if value.number is None:
            raise scanner.error(f"{op} compares numbers, and {value.text!r} is not a number")
        bound, compare = value.number, ORDERING[op]

        def ordered(v: Scalar) -> bool:
            n = as_number(v)
            return n is not None and compare(n, bound)

        return ordered
    equals = _equality(value, as_number)
    if op == "=":
        return equals
    return lambda v: not equals(v)


def _equality(value: Value, as_number: Callable[[Scalar], Decimal | int | None]) -> Test:
    if value.number is not None:
        number, text = value.number, value.text

        def same_number(v: Scalar) -> bool:
            n = as_number(v)
            return n == number if n is not None else v == text

        return same_number
    matches = string_test(value)
    return lambda v: matches(v if isinstance(v, str) else str(v))
