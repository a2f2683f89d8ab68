"""IAM policy strings: wildcards, policy variables and ARN matching.

Semantics (IAM User Guide, "IAM JSON policy elements: Action", "...: Resource", "Condition
operators" and "IAM policy elements: Variables and tags"):

- ``*`` matches any run of characters (also none) and ``?`` exactly one character, anywhere in
  the string. Action names match case-insensitively (``iam:ListAccessKeys`` is
  ``IAM:listaccesskeys``); resource ARNs and ``...Like`` condition values case-sensitively.
- An ARN pattern is matched segment by segment: in the first five colon-separated parts
  (``arn:partition:service:region:account:``) a ``?`` or a ``*`` stays within its segment,
  except that in the ``Resource`` and ``NotResource`` elements a ``*`` that is the last
  character of a segment "can expand to match beyond the colon boundaries" (Resource page), so
  ``arn:aws:sqs:*:123456789012:queue1`` also matches ARNs with extra colons after the region.
  The last segment (the resource) may itself contain colons and slashes, and its wildcards
  match them. ``*`` alone matches any resource. ArnEquals and ArnLike conditions match segment
  by segment without that expansion: a star there never crosses a colon before the resource.
- A policy variable ``${key}`` is replaced by the single value of that key in the request
  context (key names are case-insensitive); ``${key, 'default'}`` falls back to ``default``
  when the key is missing. ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and
  ``$``. Variables exist only in policies with ``"Version": "2012-10-17"``; elsewhere they are
  literal text. A variable that cannot be resolved (missing key without default, or a
  multivalued key) leaves the value with nothing it can equal or be like, so the entry does not
  match (documented: "If AWS cannot resolve a variable this might cause the entire statement to
  be invalid").

Wildcards are matched by ``iam_glob`` (linear in the text, never backtracking).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from certprep.labs.graders.iam_glob import Glob, Token, compile_glob, wildcard_tokens

ContextValue = str | tuple[str, ...]
Context = Mapping[str, ContextValue]  # keys lower-cased

_SPECIAL = {"*": "*", "?": "?", "$": "$"}
SHOWN = 80  # the longest piece of learner text an error message repeats


class PolicyError(ValueError):
    """A policy document IAM would reject; the message says why."""


def cut(value: object) -> str:
    """Learner text as an error message repeats it: cut to about 80 characters."""
    text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


def shown(value: object) -> str:
    """Learner text as an error message quotes it: ``repr``, cut to about 80 characters."""
    return repr(cut(value))


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

    def tokens(
        self, context: Context, *, in_segment: bool = False, end_expands: bool = False
    ) -> list[Token] | None:
        """Typed wildcards as wildcards, variable values as literal text; None if a variable
        cannot be resolved."""
        tokens: list[Token] = []
        for index, part in enumerate(self.parts):
            if isinstance(part, _Literal):
                ends = end_expands and index == len(self.parts) - 1
                tokens += wildcard_tokens(part.text, in_segment=in_segment, end_expands=ends)
            elif isinstance(part, _Char):
                tokens.append(part.char)
            else:
                value = _resolve(part, context)
                if value is None:
                    return None
                tokens += value
        return tokens

    def glob(self, context: Context) -> Glob | None:
        """The wildcard pattern, compiled; None if a variable cannot be resolved."""
        tokens = self.tokens(context)
        return None if tokens is None else compile_glob(tokens)


def _resolve(variable: _Variable, context: Context) -> str | None:
    value = context.get(variable.key)
    if isinstance(value, str):
        return value
    return variable.default  # missing, or multivalued (not usable as a variable)


def _variable(inner: str, source: str) -> _Part:
    """The part a ``${inner}`` stands for."""
    if inner in _SPECIAL:
        return _Char(_SPECIAL[inner])
    comma = inner.find(",")
    if comma < 0:
        if inner.strip() and "'" not in inner:
            return _Variable(inner.strip().lower(), None)
    else:  # ${key, 'default'}: a default in single quotes, '' for a quote inside it
        key, quoted = inner[:comma].strip(), inner[comma + 1 :].strip()
        body = quoted[1:-1]
        if (
            key
            and "'" not in key
            and len(quoted) >= 2
            and quoted[0] == quoted[-1] == "'"
            and "'" not in body.replace("''", "")
        ):
            return _Variable(key.lower(), body.replace("''", "'"))
    raise PolicyError(f"{shown(source)}: malformed policy variable {shown('${' + inner + '}')}")


def template(source: str, *, variables: bool) -> Template:
    """Parse a policy string; with ``variables`` False (Version 2008-10-17) ``${...}`` is text."""
    if not variables or "${" not in source:
        return Template(source, (_Literal(source),), False)
    parts: list[_Part] = []
    position = 0
    while (start := source.find("${", position)) >= 0:
        end = source.find("}", start + 2)
        if end < 0:
            break  # no closing brace: the rest is plain text
        if start > position:
            parts.append(_Literal(source[position:start]))
        parts.append(_variable(source[start + 2 : end], source))
        position = end + 1
    if position < len(source):
        parts.append(_Literal(source[position:]))
    return Template(source, tuple(parts), any(not isinstance(p, _Literal) for p in parts))


@dataclass(frozen=True, slots=True)
class ArnPattern:
    """A Resource entry or ArnLike value: ``*``, or six segments matched one by one."""

    source: str
    segments: tuple[Template, ...] | None  # None for "*"
    compiled: Glob | None  # the whole pattern, when it has no variables
    end_expands: bool = False  # a * ending one of the first five segments crosses colons

    def matches(self, arn: str, context: Context) -> bool:
        if self.segments is None:
            return True
        if self.compiled is not None:
            return self.compiled.matches(arn)
        tokens = _arn_tokens(self.segments, context, self.end_expands)
        return tokens is not None and compile_glob(tokens).matches(arn)


def _arn_tokens(
    segments: tuple[Template, ...], context: Context, end_expands: bool
) -> list[Token] | None:
    tokens: list[Token] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        rendered = segment.tokens(context, in_segment=not last, end_expands=end_expands)
        if rendered is None:
            return None  # an unresolvable variable matches nothing
        tokens += rendered
        if not last:
            tokens.append(":")
    return tokens


def _arn(source: str, parts: list[str], variables: bool, end_expands: bool) -> ArnPattern:
    segments = tuple(template(p, variables=variables) for p in parts)
    compiled = None
    if not any(s.has_variables for s in segments):
        tokens = _arn_tokens(segments, {}, end_expands)
        compiled = compile_glob(tokens or [])
    return ArnPattern(source, segments, compiled, end_expands)


def arn_pattern(source: str, *, variables: bool, where: str) -> ArnPattern:
    """Parse a Resource/NotResource entry; IAM rejects strings that are neither ``*`` nor ARNs,
    and variables before the fifth colon."""
    if source == "*":
        return ArnPattern(source, None, None)
    parts = source.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise PolicyError(f'{where}: resource {shown(source)} must be in ARN format or "*"')
    if variables and any("${" in p for p in parts[:5]):
        raise PolicyError(
            f"{where}: {shown(source)} uses a policy variable before the resource part of the"
            " ARN (variables are allowed only after the fifth colon)"
        )
    return _arn(source, parts, variables, end_expands=True)


def arn_value_pattern(source: str, *, variables: bool) -> ArnPattern | None:
    """An ArnLike/ArnEquals value; None when it is not an ARN (it then matches nothing)."""
    if source == "*":
        return ArnPattern(source, None, None)
    parts = source.split(":", 5)
    if len(parts) != 6:
        return None
    return _arn(source, parts, variables, end_expands=False)
