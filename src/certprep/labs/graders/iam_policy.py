"""IAM JSON policy documents: validation, and matching one statement against a request.

Validation follows the policy grammar and element pages of the IAM User Guide and the SCP/RCP
syntax pages of the Organizations User Guide; ``parse_policy`` raises PolicyError with the
reason, as IAM rejects the document (JSON text is first held to its size quota and read as
strictly as IAM reads it: ``iam_document``):

- top level: only ``Version`` (``2012-10-17`` or ``2008-10-17``; missing means ``2008-10-17``,
  where policy variables are plain text; SCPs and RCPs must state ``2012-10-17``), ``Id`` (not
  in identity policies) and ``Statement`` (an object or a non-empty list of objects); no key twice.
- a statement: ``Effect`` ``Allow`` or ``Deny``; exactly one of ``Action``/``NotAction`` and of
  ``Resource``/``NotResource``; ``Principal``/``NotPrincipal`` exactly one in resource-based
  policies and none in identity policies (also boundaries and session policies) and SCPs;
  ``NotPrincipal`` only with ``Deny``; ``Sid`` unique, and alphanumeric in IAM policies.
- actions: ``*`` or ``service:action`` (wildcards allowed in the action name); resources:
  ``*`` or an ARN (variables only after the fifth colon); principals: ``*`` or a map of
  ``AWS``/``Service``/``Federated``/``CanonicalUser``; an ``AWS`` principal is ``*``, an account
  ID or the ARN of an account (``:root``), user, role, assumed-role session or federated user,
  never with a partial wildcard.
- RCPs: ``Deny`` only (``Allow`` is reserved to RCPFullAWSAccess), ``Principal`` ``"*"``, no
  ``NotAction``/``NotPrincipal``.

Matching: ``Action`` matches if any pattern matches the action (case-insensitive, ``*``/``?``);
``NotAction`` if none does; ``Resource``/``NotResource`` likewise with ARN patterns. Principal
matching is ``principal_match`` below; conditions are in ``iam_conditions``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

from certprep.labs.graders.iam_conditions import ConditionBlock, compile_condition
from certprep.labs.graders.iam_document import PolicyKind, SizeLimit, check_size, load_json
from certprep.labs.graders.iam_glob import Glob, glob, glob_covers, globs_intersect
from certprep.labs.graders.iam_patterns import (
    ArnPattern,
    Context,
    PolicyError,
    arn_pattern,
    cut,
    shown,
)

Effect = Literal["Allow", "Deny"]
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
# patterns for fullmatch: ASCII digits only, and no trailing newline slips through
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+")
_ACCOUNT = re.compile(r"[0-9]{12}")
_AWS_PRINCIPAL = re.compile(
    r"arn:aws[a-z-]*:(?:iam::(?P<iam>[0-9]{12}):(?P<iamkind>root\Z|user/|role/)"
    r"|sts::(?P<sts>[0-9]{12}):(?P<stskind>assumed-role/[^/]+/|federated-user/))(?P<rest>.*)"
)


class Grant(IntEnum):
    """How a matching Principal entry names the requester (stronger is larger)."""

    ACCOUNT = 1  # the account: delegates to the account's identity policies
    ROLE = 2  # the role: limited by the role's permissions boundary and session policy
    DIRECT = 3  # the user, the session itself, the service, or everyone ("*")


@dataclass(frozen=True, slots=True)
class PrincipalEntry:
    kind: Literal["everyone", "account", "user", "role", "session", "service", "other"]
    value: str


@dataclass(frozen=True, slots=True)
class Requester:
    """What Principal matching needs to know about who makes the request."""

    kind: Literal["user", "role_session", "root", "service", "federated_user"]
    account: str
    arn: str  # user ARN, session ARN, root ARN, federated-user ARN, or the service name
    role_arn: str | None = None
    has_boundary: bool = False


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    sid: str | None
    effect: Effect
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[ArnPattern, ...]
    not_resource: bool
    principals: tuple[PrincipalEntry, ...] | None
    not_principal: bool
    condition: ConditionBlock | None
    action_globs: tuple[Glob, ...]

    @property
    def label(self) -> str:
        return f"statement {shown(self.sid)}" if self.sid else f"statement #{self.index + 1}"

    def action_matches(self, action: str) -> bool:
        return any(g.matches(action) for g in self.action_globs) != self.not_action

    def resource_matches(self, resource: str, context: Context) -> bool:
        hit = any(p.matches(resource, context) for p in self.resources)
        return hit != self.not_resource

    def applies(self, action: str, resource: str, context: Context) -> bool:
        """Action, resource and condition match (the principal is checked separately)."""
        return (
            self.action_matches(action)
            and self.resource_matches(resource, context)
            and (self.condition is None or self.condition.matches(context))
        )

    def may_grant(self, action_pattern: str) -> bool:
        """Could this statement's Action/NotAction cover some action the pattern matches?"""
        if self.not_action:
            return not any(glob_covers(p, action_pattern) for p in self.actions)
        return any(globs_intersect(p, action_pattern) for p in self.actions)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    kind: PolicyKind
    version: str
    statements: tuple[Statement, ...]

    def matching(
        self, effect: Effect, action: str, resource: str, context: Context
    ) -> Iterable[Statement]:
        for statement in self.statements:
            if statement.effect == effect and statement.applies(action, resource, context):
                yield statement


def principal_match(statement: Statement, who: Requester) -> Grant | None:
    """For a resource-based statement: how its Principal names the requester, or None.

    NotPrincipal (Deny only) applies unless every identity the request is evaluated as is
    listed: the user or session, the role, and the account (NotPrincipal page); and it always
    applies to a principal with a permissions boundary (Permissions boundaries page)."""
    if statement.principals is None:
        return Grant.DIRECT  # identity policies and SCPs: the attached principal
    if statement.not_principal:
        if who.has_boundary and who.kind in ("user", "role_session"):
            return Grant.DIRECT
        chain = _chain(who)
        listed = all(
            any(_entry_names(e, kind, value) for e in statement.principals) for kind, value in chain
        )
        return None if listed else Grant.DIRECT
    best: Grant | None = None
    for entry in statement.principals:
        grant = _entry_grant(entry, who)
        if grant is not None and (best is None or grant > best):
            best = grant
    return best


def _chain(who: Requester) -> list[tuple[str, str]]:
    if who.kind == "service":
        return [("service", who.arn)]
    chain = [] if who.kind == "root" else [("self", who.arn)]
    if who.role_arn:
        chain.append(("role", who.role_arn))
    chain.append(("account", who.account))
    return chain


def _entry_names(entry: PrincipalEntry, kind: str, value: str) -> bool:
    if entry.kind == "everyone":
        return True
    if kind == "account":
        return entry.kind == "account" and entry.value == value
    if kind == "role":
        return entry.kind == "role" and entry.value == value
    if kind == "service":
        return entry.kind == "service" and entry.value == value
    return entry.kind in ("user", "session") and entry.value == value


def _entry_grant(entry: PrincipalEntry, who: Requester) -> Grant | None:
    if entry.kind == "everyone":
        return Grant.DIRECT
    if who.kind == "service":
        return Grant.DIRECT if entry.kind == "service" and entry.value == who.arn else None
    if entry.kind == "account":
        return Grant.ACCOUNT if entry.value == who.account else None
    if entry.kind == "role":
        return Grant.ROLE if entry.value == who.role_arn else None
    if entry.kind in ("user", "session"):
        return Grant.DIRECT if entry.value == who.arn else None
    return None


# -- parsing and validation ----------------------------------------------------------------


def parse_policy(
    document: str | dict[str, Any],
    kind: PolicyKind,
    name: str = "the policy",
    limit: SizeLimit | None = None,
) -> Policy:
    """Validate and compile a policy document (JSON text or an already-parsed object). JSON
    text is first held to its size quota: ``limit``, or the largest for its kind."""
    if isinstance(document, str):
        check_size(document, kind, name, limit)
        raw = load_json(document)
    else:
        raw = document
    if not isinstance(raw, dict):
        raise PolicyError("a policy must be a JSON object")
    unknown = set(raw) - {"Version", "Id", "Statement"}
    if unknown:
        raise PolicyError(
            f"unknown top-level element(s) {_names(unknown)}; use Version, Id and Statement"
        )
    version = raw.get("Version")
    if version is None:
        if kind in ("scp", "rcp"):
            raise PolicyError('every SCP and RCP must include "Version": "2012-10-17"')
        version = "2008-10-17"
    if kind in ("scp", "rcp") and version != "2012-10-17":
        raise PolicyError('every SCP and RCP must include "Version": "2012-10-17"')
    if version not in ("2012-10-17", "2008-10-17"):
        raise PolicyError(
            f'Version must be "2012-10-17" (or the old "2008-10-17"), not {_value(version)}'
        )
    if "Id" in raw and kind == "identity":
        raise PolicyError("the Id element is not allowed in identity-based policies")
    body = raw.get("Statement")
    if body is None:
        raise PolicyError("the policy has no Statement")
    listed = body if isinstance(body, list) else [body]
    if not listed:
        raise PolicyError("Statement must not be empty")
    statements = []
    sids: set[str] = set()
    for index, item in enumerate(listed):
        statement = _parse_statement(item, index, kind, variables=version == "2012-10-17")
        if statement.sid is not None:
            if statement.sid in sids:
                raise PolicyError(
                    f"Sid {shown(statement.sid)} is used twice; statement IDs must be unique"
                )
            sids.add(statement.sid)
        statements.append(statement)
    return Policy(name, kind, version, tuple(statements))


def _names(keys: Iterable[object]) -> str:
    listed = sorted(map(str, keys))
    more = f" and {len(listed) - 5} more" if len(listed) > 5 else ""
    return ", ".join(shown(k) for k in listed[:5]) + more


def _value(value: Any) -> str:
    return shown(value) if isinstance(value, str) else cut(json.dumps(value))


def _strings(value: Any, element: str, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise PolicyError(f"{where}: {element} must be a non-empty string or list of strings")
    return tuple(items)


def _parse_statement(item: Any, index: int, kind: PolicyKind, *, variables: bool) -> Statement:
    where = f"statement #{index + 1}"
    if not isinstance(item, dict):
        raise PolicyError(f"{where} must be a JSON object")
    sid = item.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise PolicyError(f"{where}: Sid must be a string")
        where = f"statement {shown(sid)}"
        if kind in ("identity", "scp") and not re.fullmatch(r"[A-Za-z0-9]*", sid):
            raise PolicyError(f"{where}: a Sid in IAM policies may use only A-Z, a-z and 0-9")
    unknown = set(item) - _STATEMENT_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown element(s) {_names(unknown)}")
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f'{where}: Effect must be "Allow" or "Deny"')
    actions, not_action = _pair(item, "Action", "NotAction", where)
    resources, not_resource = _pair(item, "Resource", "NotResource", where)
    action_list = _strings(actions, "NotAction" if not_action else "Action", where)
    for action in action_list:
        if action != "*" and not _ACTION.fullmatch(action):
            raise PolicyError(
                f'{where}: action {shown(action)} must be "*" or a service prefix, a colon and an'
                " action name (for example s3:GetObject)"
            )
    resource_list = tuple(
        arn_pattern(r, variables=variables, where=where)
        for r in _strings(resources, "NotResource" if not_resource else "Resource", where)
    )
    principals, not_principal = _principals(item, kind, effect, where)
    if kind == "rcp":
        if effect != "Deny":
            raise PolicyError(
                f"{where}: RCP statements must Deny (Allow is only for RCPFullAWSAccess)"
            )
        if not_action:
            raise PolicyError(f"{where}: RCPs do not support NotAction")
    condition = None
    if "Condition" in item:
        condition = compile_condition(item["Condition"], variables=variables, where=where)
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        actions=action_list,
        not_action=not_action,
        resources=resource_list,
        not_resource=not_resource,
        principals=principals,
        not_principal=not_principal,
        condition=condition,
        action_globs=tuple(glob(a, ignore_case=True) for a in dict.fromkeys(action_list)),
    )


def _pair(item: dict[str, Any], plain: str, negated: str, where: str) -> tuple[Any, bool]:
    if plain in item and negated in item:
        raise PolicyError(f"{where}: use {plain} or {negated}, not both")
    if plain in item:
        return item[plain], False
    if negated in item:
        return item[negated], True
    raise PolicyError(f"{where}: a statement needs {plain} or {negated}")


def _principals(
    item: dict[str, Any], kind: PolicyKind, effect: str, where: str
) -> tuple[tuple[PrincipalEntry, ...] | None, bool]:
    present = [k for k in ("Principal", "NotPrincipal") if k in item]
    if kind in ("identity", "scp"):
        if present:
            what = "identity-based policies" if kind == "identity" else "SCPs"
            raise PolicyError(f"{where}: {present[0]} is not allowed in {what}")
        return None, False
    if len(present) != 1:
        raise PolicyError(
            f"{where}: a resource-based policy statement needs Principal or NotPrincipal (one of them)"
        )
    element = present[0]
    if element == "NotPrincipal" and (effect != "Deny" or kind == "rcp"):
        raise PolicyError(f'{where}: NotPrincipal is supported only with "Effect": "Deny"')
    entries = _principal_entries(item[element], element, where)
    if kind == "rcp" and entries != (PrincipalEntry("everyone", "*"),):
        raise PolicyError(f'{where}: an RCP must use "Principal": "*" (narrow it with Condition)')
    return entries, element == "NotPrincipal"


def _principal_entries(value: Any, element: str, where: str) -> tuple[PrincipalEntry, ...]:
    if value == "*":
        return (PrincipalEntry("everyone", "*"),)
    if not isinstance(value, dict) or not value:
        raise PolicyError(f'{where}: {element} must be "*" or an object such as {{"AWS": [...]}}')
    entries = []
    for key, raw in value.items():
        if key not in ("AWS", "Service", "Federated", "CanonicalUser"):
            raise PolicyError(
                f"{where}: invalid principal type {shown(key)} (use AWS, Service, Federated or"
                " CanonicalUser)"
            )
        for text in _strings(raw, f"{element}.{key}", where):
            entries.append(_principal_entry(key, text, where))
    return tuple(entries)


def _principal_entry(key: str, text: str, where: str) -> PrincipalEntry:
    if key == "AWS":
        if text == "*":
            return PrincipalEntry("everyone", "*")
        if "*" in text or "?" in text:
            raise PolicyError(
                f"{where}: invalid principal {shown(text)}: a wildcard cannot match part of a"
                " principal"
            )
        if _ACCOUNT.fullmatch(text):
            return PrincipalEntry("account", text)
        found = _AWS_PRINCIPAL.fullmatch(text)
        if found is None or (found["iamkind"] != "root" and not found["rest"]):
            raise PolicyError(
                f"{where}: invalid principal {shown(text)} (an account ID or an IAM/STS ARN)"
            )
        if found["iamkind"] == "root":
            return PrincipalEntry("account", found["iam"])
        if found["iamkind"] == "user/":
            return PrincipalEntry("user", text)
        if found["iamkind"] == "role/":
            return PrincipalEntry("role", text)
        return PrincipalEntry("session", text)
    if key == "Service":
        if "*" in text:
            raise PolicyError(f"{where}: invalid service principal {shown(text)}")
        return PrincipalEntry("service", text)
    return PrincipalEntry("other", text)
