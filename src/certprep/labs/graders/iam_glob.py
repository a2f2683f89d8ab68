"""IAM wildcard patterns (``*`` and ``?``), matched without backtracking.

A pattern is a list of tokens: literal characters and four kinds of wildcard (a ``*`` that
matches any run of characters, or only a run without a colon, and a ``?`` that matches any
character, or any but a colon; the colon-bound kinds serve ARN segments). ``Glob.matches``
runs the pattern as a bit-parallel automaton (shift-and): one pass over the text, with a few
integer operations per character, so its cost is linear in the text whatever the pattern
holds (``s3:********x`` cannot backtrack). ``globs_intersect`` and ``glob_covers`` compare two
patterns with an iterative table over both (no recursion, so long patterns cannot exhaust the
stack).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum

_STARS = re.compile(r"\*{2,}")


class Wild(IntEnum):
    RUN = 0  # * : any run of characters
    SEGMENT_RUN = 1  # * inside an ARN segment: a run without a colon
    ONE = 2  # ? : any one character
    SEGMENT_ONE = 3  # ? inside an ARN segment: one character, not a colon


Token = str | Wild  # a literal character, or a wildcard
_RUNS = (Wild.RUN, Wild.SEGMENT_RUN)


def wildcard_tokens(
    text: str, *, in_segment: bool = False, end_expands: bool = False
) -> list[Token]:
    """The tokens of typed text where ``*`` and ``?`` are wildcards. ``in_segment``: they stay
    within an ARN segment, except that with ``end_expands`` a ``*`` that ends the text (the
    segment) may cross colons."""
    tokens: list[Token] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if char == "*":
            crosses = not in_segment or (end_expands and index == last)
            tokens.append(Wild.RUN if crosses else Wild.SEGMENT_RUN)
        elif char == "?":
            tokens.append(Wild.SEGMENT_ONE if in_segment else Wild.ONE)
        else:
            tokens.append(char)
    return tokens


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled wildcard pattern; ``matches`` tests a whole string against it."""

    size: int
    literals: Mapping[str, int]  # character -> the positions of that literal
    one: int  # positions of ONE
    segment_one: int
    run: int  # positions of RUN
    segment_run: int
    ignore_case: bool = False

    def matches(self, text: str) -> bool:
        if self.ignore_case:
            text = text.casefold()
        runs = self.run | self.segment_run
        state = 1 | ((1 & runs) << 1)  # before any character; a leading * may match nothing
        literals, one, segment_one, run = self.literals, self.one, self.segment_one, self.run
        for char in text:
            if char == ":":
                step, stay = literals.get(char, 0) | one, run
            else:
                step, stay = literals.get(char, 0) | one | segment_one, runs
            state = ((state & step) << 1) | (state & stay)
            if not state:
                return False
            state |= (state & runs) << 1  # a * may stop here (runs of * are one token)
        return bool(state >> self.size & 1)


def compile_glob(tokens: Iterable[Token], *, ignore_case: bool = False) -> Glob:
    """The matcher for a token list; adjacent stars collapse into one (a colon-bound star next
    to an unbounded one adds nothing)."""
    merged: list[Token] = []
    for token in tokens:
        if token in _RUNS and merged and merged[-1] in _RUNS:
            merged[-1] = Wild.RUN if Wild.RUN in (token, merged[-1]) else Wild.SEGMENT_RUN
        else:
            merged.append(token)
    literals: dict[str, int] = {}
    masks = dict.fromkeys(Wild, 0)
    for position, token in enumerate(merged):
        bit = 1 << position
        if isinstance(token, Wild):
            masks[token] |= bit
        else:
            literals[token] = literals.get(token, 0) | bit
    return Glob(
        size=len(merged),
        literals=literals,
        one=masks[Wild.ONE],
        segment_one=masks[Wild.SEGMENT_ONE],
        run=masks[Wild.RUN],
        segment_run=masks[Wild.SEGMENT_RUN],
        ignore_case=ignore_case,
    )


def glob(pattern: str, *, ignore_case: bool = False) -> Glob:
    """A plain wildcard pattern (``*`` and ``?`` anywhere, colons included)."""
    text = pattern.casefold() if ignore_case else pattern
    return compile_glob(wildcard_tokens(text), ignore_case=ignore_case)


# -- wildcard patterns compared with each other (for "the policy never grants X" checks) --


def _prepare(a: str, b: str, ignore_case: bool) -> tuple[str, str]:
    if ignore_case:
        a, b = a.casefold(), b.casefold()
    return _STARS.sub("*", a), _STARS.sub("*", b)


def globs_intersect(a: str, b: str, *, ignore_case: bool = True) -> bool:
    """Is there a string that both wildcard patterns match?"""
    a, b = _prepare(a, b, ignore_case)
    n, m = len(a), len(b)
    below = [False] * (m + 1)  # row i + 1 of the table: can a[i+1:] and b[j:] meet?
    for i in range(n, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if i == n and j == m:
                row[j] = True
            elif i < n and a[i] == "*":  # a's star matches nothing more, or eats b's next symbol
                row[j] = below[j] or (j < m and row[j + 1])
            elif j < m and b[j] == "*":
                row[j] = row[j + 1] or (i < n and below[j])
            elif i < n and j < m:
                row[j] = (a[i] == b[j] or "?" in (a[i], b[j])) and below[j + 1]
        below = row
    return below[0]


def glob_covers(a: str, b: str, *, ignore_case: bool = True) -> bool:
    """Does pattern ``a`` match every string pattern ``b`` matches? (A star in ``b`` can only be
    covered by a star in ``a``; a ``?`` by a ``?`` or a star.)"""
    a, b = _prepare(a, b, ignore_case)
    n, m = len(a), len(b)
    below = [j == m for j in range(m + 1)]  # row n: a is used up, so b must be too
    for i in range(n - 1, -1, -1):
        row = [False] * (m + 1)
        for j in range(m, -1, -1):
            if a[i] == "*":
                row[j] = below[j] or (j < m and row[j + 1])
            elif j < m and b[j] != "*" and (a[i] == "?" or a[i] == b[j]):
                row[j] = below[j + 1]
        below = row
    return below[0]
