"""IAM policy strings: wildcards, policy variables and ARN matching.

Semantics (IAM User Guide, "IAM JSON policy elements: Action", "...: Resource", "Condition
operators" and "IAM policy elements: Variables and tags"):

- ``*`` matches any run of characters (also none) and ``?`` exactly one character, anywhere in
  the string. Action names match case-insensitively (``iam:ListAccessKeys`` is
  ``IAM:listaccesskeys``); resource ARNs and ``...Like`` condition values case-sensitively.
- An ARN pattern is matched segment by segment: the six colon-separated parts
  (``arn:partition:service:region:account:resource``) are compared separately, so a ``*`` in the
  region segment cannot swallow the account; the last segment (the resource) may itself contain
  colons and slashes. ``*`` alone matches any resource. ArnEquals and ArnLike behave the same.
- A policy variable ``${key}`` is replaced by the single value of that key in the request
  context (key names are case-insensitive); ``${key, 'default'}`` falls back to ``default``
  when the key is missing. ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and
  ``$``. Variables exist only in policies with ``"Version": "2012-10-17"``; elsewhere they are
  literal text. A variable that cannot be resolved (missing key without default, or a
  multivalued key) leaves the value with nothing it can equal or be like, so the entry does not
  match (documented: "If AWS cannot resolve a variable this might cause the entire statement to
  be invalid").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

ContextValue = str | tuple[str, ...]
Context = Mapping[str, ContextValue]  # keys lower-cased

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,'\s][^,']*?)\s*,\s*'((?:[^']|'')*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class PolicyError(ValueError):
    """A policy document IAM would reject; the message says why."""


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str  # may hold * and ? wildcards


@dataclass(frozen=True, slots=True)
class _Char:
    char: str  # ${*}, ${?}, ${$}: always literal


@dataclass(frozen=True, slots=True)
class _Variable:
    key: str  # lower-cased context key
    default: str | None


_Part = _Literal | _Char | _Variable


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string, perhaps with variables, ready to render against a request context."""

    source: str
    parts: tuple[_Part, ...]
    has_variables: bool = False

    def text(self, context: Context) -> str | None:
        """The string with variables replaced (wildcards kept as typed); None if unresolvable."""
        out = []
        for part in self.parts:
            if isinstance(part, _Literal):
                out.append(part.text)
            elif isinstance(part, _Char):
                out.append(part.char)
            else:
                value = _resolve(part, context)
                if value is None:
                    return None
                out.append(value)
        return "".join(out)

    def regex(self, context: Context, *, ignore_case: bool = False) -> re.Pattern[str] | None:
        """The wildcard pattern as a compiled regex; None if a variable cannot be resolved."""
        if not self.has_variables:
            return glob_regex(self.source, ignore_case)
        pieces = []
        for part in self.parts:
            if isinstance(part, _Literal):
                pieces.append(_glob_source(part.text))
            elif isinstance(part, _Char):
                pieces.append(re.escape(part.char))
            else:
                value = _resolve(part, context)
                if value is None:
                    return None
                pieces.append(re.escape(value))
        return _compile("".join(pieces), ignore_case)


def _resolve(variable: _Variable, context: Context) -> str | None:
    value = context.get(variable.key)
    if isinstance(value, str):
        return value
    return variable.default  # missing, or multivalued (not usable as a variable)


def template(source: str, *, variables: bool) -> Template:
    """Parse a policy string; with ``variables`` False (Version 2008-10-17) ``${...}`` is text."""
    if not variables or "${" not in source:
        return Template(source, (_Literal(source),), False)
    parts: list[_Part] = []
    position = 0
    for found in _VARIABLE.finditer(source):
        if found.start() > position:
            parts.append(_Literal(source[position : found.start()]))
        inner = found.group(1)
        if inner in _SPECIAL:
            parts.append(_Char(_SPECIAL[inner]))
        elif (with_default := _DEFAULT.match(inner)) is not None:
            default = with_default.group(2).replace("''", "'")
            parts.append(_Variable(with_default.group(1).lower(), default))
        elif inner.strip() and "," not in inner and "'" not in inner:
            parts.append(_Variable(inner.strip().lower(), None))
        else:
            raise PolicyError(f"{source!r}: malformed policy variable ${{{inner}}}")
        position = found.end()
    if position < len(source):
        parts.append(_Literal(source[position:]))
    return Template(source, tuple(parts), any(not isinstance(p, _Literal) for p in parts))


def _glob_source(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


@lru_cache(maxsize=4096)
def _compile(source: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@cache
def glob_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """``*`` and ``?`` wildcards as an anchored regex (use with ``fullmatch``)."""
    return _compile(_glob_source(pattern), ignore_case)


def _segment_source(text: str, last: bool) -> str:
    """Wildcards of one ARN segment: they never cross a colon except in the resource part."""
    if last:
        return _glob_source(text)
    return "".join("[^:]*" if c == "*" else "[^:]" if c == "?" else re.escape(c) for c in text)


@dataclass(frozen=True, slots=True)
class ArnPattern:
    """A Resource entry or ArnLike value: ``*``, or six segments matched one by one."""

    source: str
    segments: tuple[Template, ...] | None  # None for "*"
    compiled: re.Pattern[str] | None  # the whole pattern, when it has no variables

    def matches(self, arn: str, context: Context) -> bool:
        if self.segments is None:
            return True
        if self.compiled is not None:
            return self.compiled.fullmatch(arn) is not None
        if any(s.has_variables and s.text(context) is None for s in self.segments):
            return False  # an unresolvable variable matches nothing
        pieces = [_rendered_segment(s, context, i == 5) for i, s in enumerate(self.segments)]
        return _compile(":".join(pieces), False).fullmatch(arn) is not None


def _rendered_segment(segment: Template, context: Context, last: bool) -> str:
    """Regex source of a segment: typed wildcards stay wildcards, variable values are literal."""
    out = []
    for part in segment.parts:
        if isinstance(part, _Literal):
            out.append(_segment_source(part.text, last))
        elif isinstance(part, _Char):
            out.append(re.escape(part.char))
        else:
            out.append(re.escape(_resolve(part, context) or ""))
    return "".join(out)


def _arn(source: str, parts: list[str], variables: bool) -> ArnPattern:
    segments = tuple(template(p, variables=variables) for p in parts)
    compiled = None
    if not any(s.has_variables for s in segments):
        compiled = _compile(
            ":".join(_segment_source(p, i == 5) for i, p in enumerate(parts)), False
        )
    return ArnPattern(source, segments, compiled)


def arn_pattern(source: str, *, variables: bool, where: str) -> ArnPattern:
    """Parse a resource ARN pattern; IAM rejects strings that are neither ``*`` nor ARNs, and
    variables before the fifth colon."""
    if source == "*":
        return ArnPattern(source, None, None)
    parts = source.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise PolicyError(f'{where}: resource {source!r} must be in ARN format or "*"')
    if variables and any("${" in p for p in parts[:5]):
        raise PolicyError(
            f"{where}: {source!r} uses a policy variable before the resource part of the ARN"
            " (variables are allowed only after the fifth colon)"
        )
    return _arn(source, parts, variables)


def arn_value_pattern(source: str, *, variables: bool) -> ArnPattern | None:
    """An ArnLike/ArnEquals value; None when it is not an ARN (it then matches nothing)."""
    if source == "*":
        return ArnPattern(source, None, None)
    parts = source.split(":", 5)
    if len(parts) != 6:
        return None
    return _arn(source, parts, variables)


# -- wildcard patterns compared with each other (for "the policy never grants X" checks) --


def globs_intersect(a: str, b: str, *, ignore_case: bool = True) -> bool:
    """Is there a string that both wildcard patterns match?"""
    if ignore_case:
        a, b = a.casefold(), b.casefold()

    @cache
    def reach(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            # a's star matches nothing more, or eats b's next symbol
            return reach(i + 1, j) or (j < len(b) and reach(i, j + 1))
        if j < len(b) and b[j] == "*":
            return reach(i, j + 1) or (i < len(a) and reach(i + 1, j))
        if i < len(a) and j < len(b) and (a[i] == b[j] or "?" in (a[i], b[j])):
            return reach(i + 1, j + 1)
        return False

    return reach(0, 0)


def glob_covers(a: str, b: str, *, ignore_case: bool = True) -> bool:
    """Does pattern ``a`` match every string pattern ``b`` matches? (A star in ``b`` can only be
    covered by a star in ``a``; a ``?`` by a ``?`` or a star.)"""
    if ignore_case:
        a, b = a.casefold(), b.casefold()

    @cache
    def reach(i: int, j: int) -> bool:
        if i == len(a):
            return j == len(b)
        if a[i] == "*":
            return reach(i + 1, j) or (j < len(b) and reach(i, j + 1))
        if j == len(b) or b[j] == "*":
            return False
        if a[i] == "?" or a[i] == b[j]:
            return reach(i + 1, j + 1)
        return False

    return reach(0, 0)
