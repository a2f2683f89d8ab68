"""The regular expressions of CloudWatch Logs filter patterns (``%regex%``).

Semantics (CloudWatch Logs user guide, "Supported regular expressions (regex) syntax"):

- A regex may hold only letters and digits, the symbols ``: _ # = @ / ; , -``, the operators
  ``^ $ ? [ ] { } | \\ * + .`` and spaces (the guide's own example ``%^starting|^shutting
  down%`` has one). ``(`` and ``)`` are not supported (no subpatterns); multi-byte characters
  are not supported. ``\\xhh`` matches a character the pattern cannot spell, such as ``(``.
- Escapes: ``\\d \\D \\s \\S \\w \\W \\xhh``, and ``\\`` before an operator or a symbol for the
  character itself. ``{m,n}`` repeats the preceding term (either bound may be omitted).
- A regex matches if it matches anywhere in the text (``^`` and ``$`` anchor it); ``|`` has
  the lowest precedence; matching is case sensitive; ``\\w`` is ``[a-zA-Z_0-9]``.

``compile_regex`` raises RegexError (a ValueError) with the reason for anything else.
"""

from __future__ import annotations

import re
import warnings

SYMBOLS = frozenset(":_#=@/;,-")
OPERATORS = frozenset("^$?[]{}|\\*+.")
CLASS_ESCAPES = frozenset("dDsSwW")
_QUANTIFIER = re.compile(r"\{ *(\d*) *(?:(,) *(\d*) *)?\}")


class RegexError(ValueError):
    """A regex CloudWatch Logs would reject; the message says why."""


def compile_regex(body: str) -> re.Pattern[str]:
    """The regex between the ``%`` signs, validated and compiled for ``search``."""
    if not body:
        raise RegexError("the regex %% is empty")
    translated = _translate(body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(translated, re.ASCII | re.DOTALL)
    except re.error as exc:
        raise RegexError(f"the regex %{body}% is not valid: {exc.msg}") from None


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


def _translate(body: str) -> str:
    out: list[str] = []
    i = 0
    repeatable = False  # is there a term a quantifier could repeat?
    quantified = False  # did the previous token end with a quantifier?
    while i < len(body):
        char = body[i]
        _check_char(char, body)
        if char == "\\":
            text, size = _escape(body, i)
            out.append(text)
            i += size
            repeatable, quantified = True, False
        elif char == "[":
            text, i = _char_class(body, i)
            out.append(text)
            repeatable, quantified = True, False
        elif char in "*+?{":
            if not repeatable and not (char == "?" and quantified):
                raise RegexError(
                    f"the regex %{body}% has {char!r} with nothing before it to repeat"
                )
            if quantified and char != "?":
                raise RegexError(f"the regex %{body}% repeats a quantifier ({char!r})")
            if char == "{":
                found = _QUANTIFIER.match(body, i)
                if found is None:
                    raise RegexError(f"the regex %{body}% has a '{{' that is not {{m,n}}")
                low, comma, high = found.groups()
                if not low and not high:
                    raise RegexError(f"the regex %{body}% has {{}} without a number")
                out.append("{" + low + (comma or "") + (high or "") + "}")
                i = found.end()
            else:
                out.append(char)
                i += 1
            repeatable, quantified = False, char != "?" or not quantified
        elif char == "}" or char == "]":
            raise RegexError(f"the regex %{body}% has an unmatched {char!r}")
        else:
            out.append(char if char in OPERATORS else re.escape(char))
            i += 1
            repeatable, quantified = char not in "^$|", False
    return "".join(out)


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
