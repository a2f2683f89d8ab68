"""The regular expressions of CloudWatch Logs filter patterns (``%regex%``).

Semantics (CloudWatch Logs user guide, "Supported regular expressions (regex) syntax"):

- A regex may hold only letters and digits, the symbols ``: _ # = @ / ; , -``, the operators
  ``^ $ ? [ ] { } | \\ * + .`` and spaces (the guide's own example ``%^starting|^shutting
  down%`` has one). ``(`` and ``)`` are not supported (no subpatterns); multi-byte characters
  are not supported. ``\\xhh`` matches a character the pattern cannot spell, such as ``(``.
- Escapes: ``\\d \\D \\s \\S \\w \\W \\xhh``, and ``\\`` before an operator or a symbol for the
  character itself. ``{m,n}`` repeats the preceding term (either bound may be omitted); a ``?``
  after a quantifier makes it lazy, which changes nothing about whether the regex matches.
- A regex matches if it matches anywhere in the text (``^`` and ``$`` anchor it); ``|`` has
  the lowest precedence; matching is case sensitive; ``\\w`` is ``[a-zA-Z_0-9]``.

``compile_regex`` raises RegexError (a ValueError) with the reason for anything else.

Without subpatterns, a regex is a choice of sequences of one-character terms, each repeated
between a lower and an upper bound. ``Regex.search`` runs it as a position automaton simulated
bit-parallel (shift-and, with the "optional characters" closure of Navarro and Raffinot): one
pass over the text, a few integer operations per character. A backtracking engine can take
exponential time on ``%.*.*.*.*Q%``; this one cannot. The repeats are unrolled into positions,
so a regex may unroll to at most ``MAX_POSITIONS`` of them (a limit of this grader, not of
CloudWatch: ``%a{4294967295}%`` is refused with that reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOLS = frozenset(":_#=@/;,-")
OPERATORS = frozenset("^$?[]{}|\\*+.")
CLASS_ESCAPES = frozenset("dDsSwW")
MAX_POSITIONS = 10_000
_QUANTIFIER = re.compile(r"\{ *([0-9]*) *(?:(,) *([0-9]*) *)?\}")
_MASK_CACHE = 4_096  # characters whose masks one regex remembers


class RegexError(ValueError):
    """A regex CloudWatch Logs would reject; the message says why."""


@dataclass
class _Term:
    """One character test (a literal, ``.``, an escape or a class), repeated low..high times."""

    char: str | None  # a literal character, else ``test`` decides
    test: re.Pattern[str] | None
    low: int = 1
    high: int | None = 1  # None: unbounded

    def accepts(self, char: str) -> bool:
        if self.char is not None:
            return char == self.char
        return self.test is None or self.test.fullmatch(char) is not None  # None: "."


_Item = _Term | str  # a term, or the anchor "^" or "$"


def compile_regex(body: str) -> Regex:
    """The regex between the ``%`` signs, validated and compiled for ``search``."""
    if not body:
        raise RegexError("the regex %% is empty")
    return Regex(body, _parse(body))


def _check_char(char: str, body: str) -> None:
    if ord(char) > 127:
        raise RegexError(
            f"the regex %{body}% has {char!r}: multi-byte characters are not supported"
        )
    if char in "()":
        raise RegexError(
            f"the regex %{body}% uses {char!r}: parentheses are not supported, a regex cannot "
            "define a subpattern (match a literal parenthesis with \\x28 or \\x29)"
        )
    if not (char.isalnum() or char == " " or char in SYMBOLS or char in OPERATORS):
        raise RegexError(
            f"the regex %{body}% uses {char!r}, which a filter-pattern regex does not support "
            f"(use \\x{ord(char):02X} to match it)"
        )


def _escape(body: str, i: int) -> tuple[str, int]:
    """The escape sequence at body[i] (a backslash), as Python regex text, and its length."""
    if i + 1 >= len(body):
        raise RegexError(f"the regex %{body}% ends with a lone backslash")
    nxt = body[i + 1]
    if nxt in CLASS_ESCAPES:
        return body[i : i + 2], 2
    if nxt == "x":
        digits = body[i + 2 : i + 4]
        if len(digits) != 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise RegexError(f"the regex %{body}% has \\x without two hexadecimal digits")
        return body[i : i + 4], 4
    if nxt in OPERATORS or nxt in SYMBOLS:
        return re.escape(nxt), 2
    raise RegexError(
        f"the regex %{body}% uses the escape \\{nxt}, which is not supported "
        "(supported: \\d \\D \\s \\S \\w \\W \\xhh and \\ before an operator)"
    )


def _class_term(text: str, body: str) -> _Term:
    try:
        return _Term(None, re.compile(text, re.ASCII | re.DOTALL))
    except re.error as exc:
        raise RegexError(f"the regex %{body}% is not valid: {exc.msg}") from None


def _parse(body: str) -> list[list[_Item]]:
    """The alternatives of the regex, each a sequence of terms and anchors."""
    alternatives: list[list[_Item]] = [[]]
    i = 0
    repeatable = False  # is there a term a quantifier could repeat?
    quantified = False  # did the previous token end with a quantifier?
    while i < len(body):
        char = body[i]
        _check_char(char, body)
        sequence = alternatives[-1]
        if char == "\\":
            text, size = _escape(body, i)
            i += size
            if text.startswith("\\x"):
                sequence.append(_Term(chr(int(text[2:], 16)), None))
            elif len(text) == 2 and text[1] in CLASS_ESCAPES:
                sequence.append(_class_term(text, body))
            else:
                sequence.append(_Term(text[-1], None))
            repeatable, quantified = True, False
        elif char == "[":
            text, i = _char_class(body, i)
            sequence.append(_class_term(text, body))
            repeatable, quantified = True, False
        elif char in "*+?{":
            if not repeatable and not (char == "?" and quantified):
                raise RegexError(
                    f"the regex %{body}% has {char!r} with nothing before it to repeat"
                )
            if quantified and char != "?":
                raise RegexError(f"the regex %{body}% repeats a quantifier ({char!r})")
            if char == "{":
                low, high, i = _bounds(body, i)
            else:
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
                i += 1
            if repeatable:  # else a "?" that makes the quantifier before it lazy
                term = sequence[-1]
                assert isinstance(term, _Term)
                term.low, term.high = low, high
            repeatable, quantified = False, char != "?" or not quantified
        elif char == "}" or char == "]":
            raise RegexError(f"the regex %{body}% has an unmatched {char!r}")
        else:
            if char == "|":
                alternatives.append([])
            elif char in "^$":
                sequence.append(char)
            else:
                sequence.append(_Term(None if char == "." else char, None))
            i += 1
            repeatable, quantified = char not in "^$|", False
    size = sum(_width(item) for sequence in alternatives for item in sequence)
    if size > MAX_POSITIONS:
        raise RegexError(
            f"the regex %{body}% repeats its terms too often for this grader to test (it "
            f"unrolls to {size:,} positions; the limit is {MAX_POSITIONS:,})"
        )
    return alternatives


def _bounds(body: str, i: int) -> tuple[int, int | None, int]:
    found = _QUANTIFIER.match(body, i)
    if found is None:
        raise RegexError(f"the regex %{body}% has a '{{' that is not {{m,n}}")
    low_text, comma, high_text = found.groups()
    if not low_text and not high_text:
        raise RegexError(f"the regex %{body}% has {{}} without a number")
    if max(len(low_text), len(high_text or "")) > len(str(MAX_POSITIONS)):
        raise RegexError(
            f"the regex %{body}% repeats a term more than {MAX_POSITIONS:,} times, more than "
            "this grader can test"
        )
    low = int(low_text or "0")
    high = int(high_text) if high_text else None if comma else low
    if high is not None and low > high:
        raise RegexError(f"the regex %{body}% is not valid: min repeat greater than max repeat")
    return low, high, found.end()


def _width(item: _Item) -> int:
    """How many automaton positions an item unrolls to."""
    if isinstance(item, str):
        return 1
    return item.low + (1 if item.high is None else item.high - item.low)


def _char_class(body: str, start: int) -> tuple[str, int]:
    """The character class opening at body[start], as Python regex text, and where it ends."""
    i = start + 1
    out = ["["]
    if i < len(body) and body[i] == "^":
        out.append("^")
        i += 1
    first = i
    while True:
        if i >= len(body):
            raise RegexError(f"the regex %{body}% has a '[' without its ']'")
        char = body[i]
        if char == "]" and i > first:
            out.append("]")
            return "".join(out), i + 1
        _check_char(char, body)
        if char == "\\":
            text, size = _escape(body, i)
            out.append(text)
            i += size
        elif char == "-" and i > first and i + 1 < len(body) and body[i + 1] != "]":
            out.append("-")  # a range, between two characters
            i += 1
        else:
            out.append(re.escape(char) if not char.isalnum() else char)
            i += 1


# -- matching ----------------------------------------------------------------------------------

_Blocks = tuple[int, int, int]  # (first bits, final bits, all bits) of the epsilon runs


def _blocks(skippable: int) -> _Blocks:
    """The runs of consecutive positions that can be passed without a character: a run
    [a..b] lets an active position in it activate every later one up to b + 1."""
    first = skippable & ~(skippable << 1)
    final = (skippable << 1) & ~skippable
    return first, final, skippable | final


def _close(state: int, blocks: _Blocks) -> int:
    first, final, every = blocks
    marked = state | final
    return state | (every & (~(marked - first) ^ marked))


class Regex:
    """A compiled filter-pattern regex; ``search`` says whether it matches anywhere."""

    def __init__(self, source: str, alternatives: list[list[_Item]]) -> None:
        self.source = source
        self._terms: list[tuple[_Term, int, int]] = []  # (term, step bits, loop bits)
        self._masks: dict[str, tuple[int, int]] = {}
        self._starts = self._accepts = 0
        position = skip = caret = dollar = 0
        for sequence in alternatives:
            self._starts |= 1 << position
            for item in sequence:
                if isinstance(item, str):  # an anchor: passed where it holds
                    if item == "^":
                        caret |= 1 << position
                    else:
                        dollar |= 1 << position
                    position += 1
                    continue
                step = loop = 0
                for count in range(_width(item)):
                    bit = 1 << (position + count)
                    if count >= item.low:
                        skip |= bit  # optional, or the unbounded loop
                    if item.high is None and count == item.low:
                        loop |= bit
                    else:
                        step |= bit
                position += _width(item)
                self._terms.append((item, step, loop))
            self._accepts |= 1 << position
            position += 1  # the accepting position, then the next alternative
        self._closures = {
            (start, end): _blocks(skip | (caret if start else 0) | (dollar if end else 0))
            for start in (False, True)
            for end in (False, True)
        }

    def _step(self, char: str) -> tuple[int, int]:
        masks = self._masks.get(char)
        if masks is None:
            step = loop = 0
            for term, term_step, term_loop in self._terms:
                if term.accepts(char):
                    step |= term_step
                    loop |= term_loop
            masks = (step, loop)
            if len(self._masks) < _MASK_CACHE:
                self._masks[char] = masks
        return masks

    def search(self, text: str) -> bool:
        """Does the regex match somewhere in the text? (``$`` also holds before a final
        newline, as in most engines.)"""
        size = len(text)
        ends = (size, size - 1) if text.endswith("\n") else (size,)
        state = 0
        for index in range(size + 1):
            state = _close(state | self._starts, self._closures[index == 0, index in ends])
            if state & self._accepts:
                return True
            if index < size:
                step, loop = self._step(text[index])
                state = ((state & step) << 1) | (state & loop)
        return False
