"""AWS policy evaluation: is one request allowed, explicitly denied or implicitly denied?

Semantics (IAM User Guide: "Policy evaluation logic", "Policy evaluation for requests within a
single account", "How AWS enforcement code logic evaluates requests", "Cross-account policy
evaluation logic", "Permissions boundaries", "Session policies", "AWS JSON policy elements:
Principal/NotPrincipal"; Organizations User Guide: "SCP evaluation", "Inheritance for service
control policies", "Resource control policies"):

1. An explicit ``Deny`` in any policy that applies (SCPs, RCPs, the resource-based policy,
   identity-based policies, the permissions boundary, session policies) decides: Deny.
2. RCPs: only their Deny statements matter, because RCPFullAWSAccess is always attached. They
   apply to resources in member accounts, not in the management account, and not to requests
   made by service-linked roles.
3. SCPs: every level from the organization root through each OU to the account must have an
   ``Allow`` that applies, or the request is implicitly denied. SCPs apply to IAM users, roles
   and the root user of member accounts; not to the management account, not to
   service-linked roles (path ``/aws-service-role/``), not to AWS service principals.
4. Same account: an ``Allow`` in the resource-based policy or in an identity-based policy is
   enough, but how a resource-policy grant combines with the other policies depends on how its
   ``Principal`` names the requester. Naming the IAM user, the role session (or federated user
   session) itself, or everyone (``"*"``) grants directly: implicit denies in identity policies,
   the permissions boundary and session policies do not matter. Naming the role ARN stands in
   for the identity policy but stays limited by the role's boundary and session policy. Naming
   the account only delegates to the account's identity policies. For KMS keys and role trust
   policies (``resource_policy_required``) the resource-based policy must allow in any case.
5. Otherwise an identity-based policy must allow (the root user has full access without
   one), then the permissions boundary (users and roles) and the session policies (role and
   federated user sessions; a federated user session without a session policy has no
   permissions) must allow too.
6. Cross-account: the principal's account (identity policies, boundary, session policies, its
   SCPs) and the resource's account (the resource-based policy, which may name the account,
   role, user or session; its RCPs) must both allow.

Context keys derived from the request (request values override them): ``aws:PrincipalArn``
(the role ARN for a role session), ``aws:PrincipalAccount``, ``aws:PrincipalType``,
``aws:userid``, ``aws:username`` (IAM users only), ``aws:PrincipalTag/*``,
``aws:PrincipalOrgID``, ``aws:PrincipalIsAWSService``, ``aws:PrincipalServiceName``,
``aws:ResourceAccount``, ``aws:RequestedRegion`` (from the resource ARN's Region when it has one)
and ``aws:SecureTransport`` (``true`` unless the request says otherwise). A request value of
``None`` removes a key.

Not modelled: groups (pass a user's group policies as identity policies), ACLs, VPC endpoint
policies, anonymous requests, role trust policies as such, a resource policy naming the IAM user
behind a federated user session, the exact list of services RCPs and SCPs cover, the actions
that need ``"Resource": "*"`` (a request on resource ``*`` only matches patterns that match
``*`` itself), and the unique IDs AWS assigns (``aws:userid`` is a stable stand-in).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Literal

from certprep.labs.graders.iam_patterns import ContextValue
from certprep.labs.graders.iam_policy import Grant, Policy, Requester, Statement, principal_match

PrincipalKind = Literal["user", "role_session", "root", "service", "federated_user"]
RequestValue = str | bool | int | float | Sequence[str] | None
_IAM = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):(root|user/(.+)|role/(.+))")
_STS = re.compile(
    r"arn:(aws[a-z-]*):sts::([0-9]{12}):(assumed-role/([^/]+)/(.+)|federated-user/(.+))"
)


class Outcome(StrEnum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


@cache
def _unique(prefix: str, text: str) -> str:
    return prefix + base64.b32encode(hashlib.sha1(text.encode()).digest()).decode()[:17]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes the request. ``arn`` is the user, session, root or federated-user ARN, or the
    service principal name; ``role_arn`` the role of a role session."""

    kind: PrincipalKind
    account: str
    arn: str
    name: str
    role_arn: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    org_id: str | None = None

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        tags: Mapping[str, str] | None = None,
        org_id: str | None = None,
        session_name: str = "session",
    ) -> Principal:
        """An account ID (its root user), a user, role (a session of it), assumed-role session
        or federated-user ARN, or a service principal such as ``codebuild.amazonaws.com``."""
        tag_map = dict(tags or {})

        def make(
            kind: PrincipalKind, account: str, arn: str, name: str, role: str | None = None
        ) -> Principal:
            return cls(kind, account, arn, name, role, tag_map, org_id)

        if re.fullmatch(r"[0-9]{12}", text):
            return make("root", text, f"arn:aws:iam::{text}:root", text)
        if found := _IAM.fullmatch(text):
            partition, account = found[1], found[2]
            if found[3] == "root":
                return make("root", account, text, account)
            if found[4] is not None:
                return make("user", account, text, found[4].rsplit("/", 1)[-1])
            role = found[5].rsplit("/", 1)[-1]
            session = f"arn:{partition}:sts::{account}:assumed-role/{role}/{session_name}"
            return make("role_session", account, session, role, text)
        if found := _STS.fullmatch(text):
            partition, account = found[1], found[2]
            if found[4] is not None:
                role_arn = f"arn:{partition}:iam::{account}:role/{found[4]}"
                return make("role_session", account, text, found[4], role_arn)
            return make("federated_user", account, text, found[6])
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", text):
            return make("service", "", text, text)
        raise ValueError(
            f"{text!r} is not a principal: use an account ID, an IAM user or role ARN, an"
            " assumed-role or federated-user ARN, or a service principal name"
        )

    @property
    def principal_arn(self) -> str:
        return self.role_arn or self.arn

    @property
    def service_linked(self) -> bool:
        return self.role_arn is not None and ":role/aws-service-role/" in self.role_arn

    @property
    def session_name(self) -> str | None:
        return self.arn.rsplit("/", 1)[-1] if self.kind == "role_session" else None

    def context(self) -> dict[str, ContextValue]:
        if self.kind == "service":
            return {"aws:principalisawsservice": "true", "aws:principalservicename": self.arn}
        keys: dict[str, ContextValue] = {
            "aws:principalarn": self.principal_arn,
            "aws:principalaccount": self.account,
            "aws:principalisawsservice": "false",
        }
        if self.kind == "user":
            keys |= {"aws:principaltype": "User", "aws:username": self.name}
            keys["aws:userid"] = _unique("AIDA", self.arn)
        elif self.kind == "role_session":
            keys["aws:principaltype"] = "AssumedRole"
            keys["aws:userid"] = f"{_unique('AROA', self.principal_arn)}:{self.session_name}"
        elif self.kind == "root":
            keys |= {"aws:principaltype": "Account", "aws:userid": self.account}
        else:
            keys |= {
                "aws:principaltype": "FederatedUser",
                "aws:userid": f"{self.account}:{self.name}",
            }
        for tag, value in self.tags.items():
            keys[f"aws:principaltag/{tag.lower()}"] = value
        if self.org_id:
            keys["aws:principalorgid"] = self.org_id
        return keys

    def describe(self) -> str:
        if self.kind == "role_session":
            return f"role {self.name} of {self.account}"
        if self.kind == "user":
            return f"user {self.name} of {self.account}"
        if self.kind == "root":
            return f"the root user of {self.account}"
        if self.kind == "service":
            return f"the service {self.arn}"
        return f"federated user {self.name} of {self.account}"


@dataclass(frozen=True, slots=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: Mapping[str, RequestValue] = field(default_factory=dict)
    resource_account: str | None = None

    @property
    def target_account(self) -> str:
        """The account that owns the resource: stated, else the ARN's account segment, else
        (S3 ARNs carry none) the principal's."""
        if self.resource_account:
            return self.resource_account
        parts = self.resource.split(":", 5)
        if len(parts) == 6 and parts[4] and parts[4] != "*":
            return parts[4]
        return self.principal.account

    def full_context(self) -> dict[str, ContextValue]:
        keys = self.principal.context()
        keys["aws:resourceaccount"] = self.target_account
        keys["aws:securetransport"] = "true"
        parts = self.resource.split(":", 5)
        if len(parts) == 6 and parts[3] and parts[3] != "*":
            keys["aws:requestedregion"] = parts[3]
        for key, value in self.context.items():
            name = key.lower()
            if value is None:
                keys.pop(name, None)
            elif isinstance(value, bool):
                keys[name] = "true" if value else "false"
            elif isinstance(value, str | int | float):
                keys[name] = str(value)
            else:
                keys[name] = tuple(str(v) for v in value)
        return keys

    def describe(self) -> str:
        return f"{self.action} on {self.resource} by {self.principal.describe()}"


@dataclass(frozen=True, slots=True)
class PolicySet:
    """The policies in play for one request. ``identity`` holds the principal's identity-based
    policies (for an IAM user, also its groups' policies; for a federated user session, those
    of the IAM user who federated). ``scps`` lists the SCPs attached at each level from the
    organization root to the principal's account (None: not in an organization); ``rcps`` the
    RCPs that apply to the resource's account."""

    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()
    resource: Policy | None = None
    resource_policy_required: bool = False
    scps: tuple[tuple[Policy, ...], ...] | None = None
    rcps: tuple[Policy, ...] = ()
    management_account: str | None = None


def _level(index: int, count: int) -> str:
    if index == 0:
        return "the organization root"
    return "the account" if index == count - 1 else f"OU level {index}"


def _first(
    policies: Iterable[Policy],
    effect: Literal["Allow", "Deny"],
    action: str,
    resource: str,
    context: Mapping[str, ContextValue],
) -> tuple[Policy, Statement] | None:
    for policy in policies:
        for statement in policy.matching(effect, action, resource, context):
            return policy, statement
    return None


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """The decision for one request, with the reason (which policy decided)."""
    case = _Case.of(request, policies)
    decision = case.explicit_deny() or case.scp_gate()
    if decision is not None:
        return decision
    if case.who.kind != "service" and case.who.account != request.target_account:
        return case.cross_account()
    return case.same_account()


@dataclass(frozen=True, slots=True)
class _Case:
    """One request with the policies that apply to its principal and resource."""

    who: Principal
    action: str
    resource: str
    target: str
    context: Mapping[str, ContextValue]
    identity: tuple[Policy, ...]
    boundary: Policy | None
    sessions: tuple[Policy, ...]
    scps: tuple[tuple[Policy, ...], ...]
    rcps: tuple[Policy, ...]
    resource_policy: Policy | None
    resource_policy_required: bool

    @classmethod
    def of(cls, request: Request, policies: PolicySet) -> _Case:
        who = request.principal
        target = request.target_account
        scps = policies.scps or ()
        if (
            who.kind == "service"
            or who.service_linked
            or who.account == policies.management_account
        ):
            scps = ()  # SCPs limit IAM users, roles and root users of member accounts only
        rcps = policies.rcps
        if target == policies.management_account or who.service_linked:
            rcps = ()
        return cls(
            who=who,
            action=request.action,
            resource=request.resource,
            target=target,
            context=request.full_context(),
            identity=policies.identity
            if who.kind in ("user", "role_session", "federated_user")
            else (),
            boundary=policies.boundary if who.kind in ("user", "role_session") else None,
            sessions=policies.session if who.kind in ("role_session", "federated_user") else (),
            scps=scps,
            rcps=rcps,
            resource_policy=policies.resource,
            resource_policy_required=policies.resource_policy_required,
        )

    @property
    def what(self) -> str:
        return f"{self.action} on {self.resource}"

    @property
    def resource_name(self) -> str:
        return self.resource_policy.name if self.resource_policy else "the resource-based policy"

    def _first(
        self, policies: Iterable[Policy], effect: Literal["Allow", "Deny"]
    ) -> tuple[Policy, Statement] | None:
        return _first(policies, effect, self.action, self.resource, self.context)

    def _requester(self) -> Requester:
        who = self.who
        return Requester(who.kind, who.account, who.arn, who.role_arn, self.boundary is not None)

    def explicit_deny(self) -> Decision | None:
        """Step 1: a Deny that applies in any policy decides."""
        plain = [p for level in self.scps for p in level]
        plain += [*self.identity, *([self.boundary] if self.boundary else []), *self.sessions]
        if hit := self._first(plain, "Deny"):
            return Decision(
                Outcome.EXPLICIT_DENY, f"explicitly denied by {hit[1].label} of {hit[0].name}"
            )
        requester = self._requester()
        for policy in [*self.rcps, *([self.resource_policy] if self.resource_policy else [])]:
            for statement in policy.matching("Deny", self.action, self.resource, self.context):
                if principal_match(statement, requester) is not None:
                    return Decision(
                        Outcome.EXPLICIT_DENY,
                        f"explicitly denied by {statement.label} of {policy.name}",
                    )
        return None

    def scp_gate(self) -> Decision | None:
        """Step 3: every SCP level from the root to the account must allow."""
        for index, level in enumerate(self.scps):
            if self._first(level, "Allow") is None:
                return Decision(
                    Outcome.IMPLICIT_DENY,
                    f"implicitly denied: no SCP attached at {_level(index, len(self.scps))} allows"
                    f" {self.what} (every level from the root to the account must allow)",
                )
        return None

    def _grant(self) -> tuple[Grant, Statement] | None:
        """The resource-based Allow that names the requester most directly."""
        if self.resource_policy is None:
            return None
        best: tuple[Grant, Statement] | None = None
        requester = self._requester()
        for statement in self.resource_policy.matching(
            "Allow", self.action, self.resource, self.context
        ):
            strength = principal_match(statement, requester)
            if strength is not None and (best is None or strength > best[0]):
                best = (strength, statement)
        return best

    def cross_account(self) -> Decision:
        """Step 6: the resource's account and the principal's account must both allow."""
        grant = self._grant()
        if grant is None:
            if self.resource_policy is None:
                why = f"the resource in account {self.target} has no resource-based policy to allow {self.what}"
            else:
                why = f"{self.resource_name} (account {self.target}) does not allow {self.what} for this principal"
            return Decision(
                Outcome.IMPLICIT_DENY, f"implicitly denied: cross-account request, and {why}"
            )
        identity_hit = self._first(self.identity, "Allow")
        if self.who.kind != "root" and identity_hit is None:
            return Decision(
                Outcome.IMPLICIT_DENY,
                f"implicitly denied: cross-account request, and no identity-based policy in account"
                f" {self.who.account} allows {self.what} (the resource policy alone is not enough)",
            )
        capped = self._limits()
        if isinstance(capped, Decision):
            return capped
        identity_part = (
            f"{identity_hit[1].label} of {identity_hit[0].name}"
            if identity_hit
            else "the root user"
        )
        return Decision(
            Outcome.ALLOW,
            f"allowed: {grant[1].label} of {self.resource_name} and {identity_part} both allow it{capped}",
        )

    def same_account(self) -> Decision:
        """Steps 4-5 within one account."""
        grant = self._grant()
        if self.resource_policy_required and grant is None:
            return Decision(
                Outcome.IMPLICIT_DENY,
                f"implicitly denied: {self.resource_name} must allow {self.what} itself, and it does not",
            )
        if grant is not None and grant[0] is Grant.DIRECT:
            return Decision(
                Outcome.ALLOW,
                f"allowed by {grant[1].label} of {self.resource_name}, which names this principal"
                " directly (identity policies, boundaries and session policies cannot limit it)",
            )
        if self.who.kind == "service":
            return Decision(
                Outcome.IMPLICIT_DENY,
                f"implicitly denied: {self.resource_name} does not allow {self.what} to this service",
            )
        if self.who.kind == "root":
            return Decision(
                Outcome.ALLOW, "allowed: the root user has full access in its own account"
            )
        identity_hit = self._first(self.identity, "Allow")
        if identity_hit is not None:
            source = f"{identity_hit[1].label} of {identity_hit[0].name}"
        elif grant is not None and grant[0] is Grant.ROLE:
            source = f"{grant[1].label} of {self.resource_name} (naming the role)"
        else:
            also = ""
            if grant is not None:  # names the account only
                also = f"; {self.resource_name} names only the account, which leaves it to identity policies"
            elif self.resource_policy is not None:
                also = f", and {self.resource_name} does not grant it to this principal"
            return Decision(
                Outcome.IMPLICIT_DENY,
                f"implicitly denied: no identity-based policy allows {self.what}{also}",
            )
        capped = self._limits()
        if isinstance(capped, Decision):
            return capped
        return Decision(Outcome.ALLOW, f"allowed by {source}{capped}")

    def _limits(self) -> Decision | str:
        """The permissions boundary and session policies that cap an identity-side grant: the
        deny they cause, or (when they allow) a note naming what allowed it."""
        notes = []
        if self.boundary is not None:
            hit = self._first([self.boundary], "Allow")
            if hit is None:
                return Decision(
                    Outcome.IMPLICIT_DENY,
                    f"implicitly denied: {self.boundary.name} does not allow {self.what}",
                )
            notes.append(f"within {hit[1].label} of {self.boundary.name}")
        if self.who.kind == "federated_user" and not self.sessions:
            return Decision(
                Outcome.IMPLICIT_DENY,
                "implicitly denied: a federated user session without a session policy has no permissions",
            )
        if self.sessions:
            hit = self._first(self.sessions, "Allow")
            if hit is None:
                return Decision(
                    Outcome.IMPLICIT_DENY,
                    f"implicitly denied: the session policy does not allow {self.what}",
                )
            notes.append(f"within {hit[1].label} of {hit[0].name}")
        if self.scps:
            notes.append("every SCP level allows it and none denies it")
        return f" ({'; '.join(notes)})" if notes else ""
