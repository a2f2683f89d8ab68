"""IAM condition operators: compiling a ``Condition`` block and testing it against a request.

Semantics (IAM User Guide: "Condition operators", "Conditions with multiple context keys or
values", "Single-valued vs. multivalued context keys", "Multivalued context key examples"):

- Operators in one block, and keys under one operator, are ANDed; the values of one key are
  ORed, except under a negated operator (``StringNotEquals``, ``StringNotLike``,
  ``NumericNotEquals``, ``DateNotEquals``, ``NotIpAddress``, ``ArnNotEquals``, ``ArnNotLike``,
  ``StringNotEqualsIgnoreCase``), where they are NORed: the request value must match none.
- A key missing from the request: the condition is false, except that negated operators are
  true, ``...IfExists`` is true, ``ForAllValues`` is true and ``ForAnyValue`` is false; ``Null``
  tests presence (``true``: the key is absent). An empty list counts as missing.
- ``ForAllValues:op``: every request value satisfies ``op`` (against the policy values);
  ``ForAnyValue:op``: at least one does. A list value used without a set operator is treated
  like ``ForAnyValue`` for positive operators and as the negation of that for negated ones.
- String operators compare as typed (``...IgnoreCase`` ignores case; ``Like`` has ``*``/``?``);
  numbers are decimals; dates are W3C ISO 8601 or epoch seconds; ``Bool`` takes
  ``true``/``false``; ``BinaryEquals`` compares base64-decoded bytes (request values given
  base64-encoded too); IP operators take CIDR blocks (a bare address is a /32 or /128); ARN
  operators match segment by segment. Policy variables work in string, ARN and Bool values.
- Operator names and context keys are matched case-insensitively.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from operator import eq, ge, gt, le, lt
from typing import Any

from certprep.labs.graders.iam_patterns import (
    ArnPattern,
    Context,
    PolicyError,
    arn_value_pattern,
    cut,
    shown,
    template,
)

Matcher = Callable[[str, Context], bool]  # (request value, context) -> matches this policy value
Compare = Callable[[Any, Any], bool]
# an integer or decimal, as IAM's numeric operators take them (not "nan", "inf", "1_0", "1e3")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True, slots=True)
class _Family:
    negated: bool
    compile: Callable[[str, bool], Matcher]  # (policy value text, variables allowed)
    variables: bool


def _string(mode: str) -> Callable[[str, bool], Matcher]:
    def compile_value(value: str, variables: bool) -> Matcher:
        tpl = template(value, variables=variables)
        if mode == "like":
            if not tpl.has_variables:
                static = tpl.glob({})
                return lambda v, ctx: static is not None and static.matches(v)
            return lambda v, ctx: (g := tpl.glob(ctx)) is not None and g.matches(v)
        if mode == "ignorecase":
            return lambda v, ctx: (t := tpl.text(ctx)) is not None and t.casefold() == v.casefold()
        return lambda v, ctx: tpl.text(ctx) == v

    return compile_value


def _number(text: str) -> Decimal | None:
    """An integer or decimal number, exactly; None for anything else."""
    return Decimal(text) if _DECIMAL.fullmatch(text) else None


def _numeric(test: Compare) -> Callable[[str, bool], Matcher]:
    def compile_value(value: str, variables: bool) -> Matcher:
        expected = _number(value)
        if expected is None:
            raise PolicyError(f"{shown(value)} is not a number (an integer or a decimal)")
        return lambda v, ctx: (n := _number(v)) is not None and test(n, expected)

    return compile_value


def parse_date(text: str) -> float | None:
    """Epoch seconds of a W3C ISO 8601 date/time or an epoch number; None if neither."""
    stripped = text.strip()
    if _DECIMAL.fullmatch(stripped):
        return float(stripped)
    try:
        moment = datetime.fromisoformat(stripped)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError):
        return None


def _date(test: Compare) -> Callable[[str, bool], Matcher]:
    def compile_value(value: str, variables: bool) -> Matcher:
        if "*" in value:
            raise PolicyError(f"{shown(value)}: wildcards are not permitted in date conditions")
        expected = parse_date(value)
        if expected is None:
            raise PolicyError(f"{shown(value)} is not an ISO 8601 date or epoch time")
        return lambda v, ctx: (d := parse_date(v)) is not None and test(d, expected)

    return compile_value


def _bool(value: str, variables: bool) -> Matcher:
    tpl = template(value, variables=variables)
    if not tpl.has_variables and value.lower() not in ("true", "false"):
        raise PolicyError(f"{shown(value)}: Bool takes true or false")
    return lambda v, ctx: (t := tpl.text(ctx)) is not None and t.lower() == v.lower()


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _binary(value: str, variables: bool) -> Matcher:
    expected = _b64(value)
    if expected is None:
        raise PolicyError(f"{shown(value)} is not base64-encoded")
    return lambda v, ctx: _b64(v) == expected


def _ip(value: str, variables: bool) -> Matcher:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise PolicyError(f"{shown(value)} is not an IP address or CIDR block") from None

    def contains(v: str, ctx: Context) -> bool:
        try:
            return ipaddress.ip_address(v) in network
        except ValueError:
            return False

    return contains


def _arn(value: str, variables: bool) -> Matcher:
    pattern: ArnPattern | None = arn_value_pattern(value, variables=variables)
    if pattern is None:
        return lambda v, ctx: False
    return lambda v, ctx: pattern.matches(v, ctx)


def _null(value: str, variables: bool) -> Matcher:
    if value.lower() not in ("true", "false"):
        raise PolicyError(f"{shown(value)}: Null takes true or false")
    wanted = value.lower()
    return lambda v, ctx: v == wanted  # v is "true" when the key is absent


def _families() -> dict[str, _Family]:
    families = {
        "stringequals": _Family(False, _string("equals"), True),
        "stringnotequals": _Family(True, _string("equals"), True),
        "stringequalsignorecase": _Family(False, _string("ignorecase"), True),
        "stringnotequalsignorecase": _Family(True, _string("ignorecase"), True),
        "stringlike": _Family(False, _string("like"), True),
        "stringnotlike": _Family(True, _string("like"), True),
        "numericequals": _Family(False, _numeric(eq), False),
        "numericnotequals": _Family(True, _numeric(eq), False),
        "numericlessthan": _Family(False, _numeric(lt), False),
        "numericlessthanequals": _Family(False, _numeric(le), False),
        "numericgreaterthan": _Family(False, _numeric(gt), False),
        "numericgreaterthanequals": _Family(False, _numeric(ge), False),
        "dateequals": _Family(False, _date(eq), False),
        "datenotequals": _Family(True, _date(eq), False),
        "datelessthan": _Family(False, _date(lt), False),
        "datelessthanequals": _Family(False, _date(le), False),
        "dategreaterthan": _Family(False, _date(gt), False),
        "dategreaterthanequals": _Family(False, _date(ge), False),
        "bool": _Family(False, _bool, True),
        "binaryequals": _Family(False, _binary, False),
        "ipaddress": _Family(False, _ip, False),
        "notipaddress": _Family(True, _ip, False),
        "arnequals": _Family(False, _arn, True),
        "arnlike": _Family(False, _arn, True),
        "arnnotequals": _Family(True, _arn, True),
        "arnnotlike": _Family(True, _arn, True),
    }
    return families


FAMILIES = _families()


@dataclass(frozen=True, slots=True)
class Clause:
    """One operator applied to one key: ``{"StringEquals": {"aws:username": ["a", "b"]}}``."""

    operator: str  # as written
    key: str  # lower-cased
    negated: bool
    set_operator: str | None  # "all" | "any"
    if_exists: bool
    null: bool
    matchers: tuple[Matcher, ...]

    def matches(self, context: Context) -> bool:
        raw = context.get(self.key)
        values: tuple[str, ...] = () if raw is None else (raw,) if isinstance(raw, str) else raw
        if self.null:
            present = "false" if values else "true"
            return any(m(present, context) for m in self.matchers)
        if not values:
            if self.if_exists or self.set_operator == "all":
                return True
            if self.set_operator == "any":
                return False
            return self.negated
        if self.set_operator is not None:
            tests = (self._one(v, context) for v in values)
            return all(tests) if self.set_operator == "all" else any(tests)
        hit = any(m(v, context) for v in values for m in self.matchers)
        return not hit if self.negated else hit

    def _one(self, value: str, context: Context) -> bool:
        hit = any(m(value, context) for m in self.matchers)
        return not hit if self.negated else hit


@dataclass(frozen=True, slots=True)
class ConditionBlock:
    clauses: tuple[Clause, ...]

    def matches(self, context: Context) -> bool:
        return all(c.matches(context) for c in self.clauses)


def _value_text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise PolicyError(f"{where}: a condition value must be a string, number or Boolean")


def compile_condition(block: Any, *, variables: bool, where: str) -> ConditionBlock:
    """Compile a ``Condition`` element; PolicyError names what IAM would reject."""
    if not isinstance(block, Mapping) or not block:
        raise PolicyError(f"{where}: Condition must be a non-empty object of operators")
    clauses = []
    for operator, keys in block.items():
        set_operator, if_exists, family_name = _split_operator(str(operator), where)
        if not isinstance(keys, Mapping) or not keys:
            raise PolicyError(f"{where}: {operator} must map condition keys to values")
        null = family_name == "null"
        family = None if null else FAMILIES[family_name]
        for key, raw in keys.items():
            listed = raw if isinstance(raw, list) else [raw]
            if not listed:
                raise PolicyError(f"{where}: {operator} {cut(key)} has no values")
            texts = [_value_text(v, f"{where}: {operator} {cut(key)}") for v in listed]
            try:
                if family is None:
                    matchers = tuple(_null(t, False) for t in texts)
                else:
                    matchers = tuple(
                        family.compile(t, variables and family.variables) for t in texts
                    )
            except PolicyError as exc:
                raise PolicyError(f"{where}: {operator} {cut(key)}: {exc}") from None
            clauses.append(
                Clause(
                    operator=str(operator),
                    key=str(key).lower(),
                    negated=bool(family and family.negated),
                    set_operator=set_operator,
                    if_exists=if_exists,
                    null=null,
                    matchers=matchers,
                )
            )
    return ConditionBlock(tuple(clauses))


def _split_operator(operator: str, where: str) -> tuple[str | None, bool, str]:
    name = operator
    set_operator = None
    lowered = name.lower()
    for prefix, kind in (("forallvalues:", "all"), ("foranyvalue:", "any")):
        if lowered.startswith(prefix):
            set_operator, name = kind, name[len(prefix) :]
            break
    lowered = name.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    if lowered == "null":
        if if_exists:
            raise PolicyError(f"{where}: IfExists cannot be added to the Null operator")
        return set_operator, False, "null"
    if lowered not in FAMILIES:
        raise PolicyError(f"{where}: unknown condition operator {shown(operator)}")
    return set_operator, if_exists, lowered
