"""IAM policy labs: the learner writes one JSON policy document, which plays one role in a fixed
setup (an identity policy, a permissions boundary, a session policy, a resource-based policy
such as a bucket or key policy, an SCP or an RCP); each check evaluates requests with AWS's
policy evaluation logic (``graders/iam_evaluation``) and names the requests that must be
allowed and must be denied.

A check's fields::

    setup:                  # the policies in play; usually one YAML anchor (&setup / *setup)
      artifact: identity | boundary | session | resource | scp | rcp
      artifact_name: your bucket policy      # how feedback names the learner's document
      attached_to: <ARN>    # identity/boundary/session: the IAM user or role it is attached to;
                            # resource: the resource (it also covers "<ARN>/..." objects)
      scp_level: 1          # scp: where it is attached (0 = root ... last = the account)
      principal: <ARN>      # the default requester (an account ID, user, role or session ARN,
                            # or a service principal); a role ARN means a session of that role
      resource_account: "111122223333"       # default owner of ARNs without an account (S3)
      context: {aws:RequestedRegion: eu-west-1}   # default request context keys
      principals:           # the fixed policies of each IAM user or role in play
        <user or role ARN>: {identity: [<doc>...], boundary: <doc>, session: [<doc>...],
                             tags: {team: build}}
      resources: {<resource ARN>: <doc>}     # fixed resource-based policies
      scps: [[<doc>...], [<doc>...], ...]    # SCPs attached at each level, root to account
      rcps: [<doc>...]
      org: {id: o-..., accounts: [...], management_account: "..."}
    allow: [<request>...]           # must be allowed
    deny: [<request>...]            # must be denied, explicitly or implicitly
    explicit_deny: [<request>...]   # must be denied by a Deny statement
    never: [<action pattern>...]    # no Allow statement of the learner's document may cover it

A request is ``{action, resource, principal?, context?, resource_account?, principal_tags?}``;
a context value of null removes a default key. A ``<doc>`` is a policy document written as a
YAML map (or a JSON string). SCPs apply to principals of ``org.accounts`` (all principals when
no org is given) except the management account; principals in ``org.accounts`` carry
``aws:PrincipalOrgID``. A KMS key's own policy must allow requests on it
(``resource_policy_required``) when the setup gives one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from certprep.labs.graders.iam_document import SIZE_LIMITS, PolicyKind, SizeLimit
from certprep.labs.graders.iam_evaluation import (
    Decision,
    Outcome,
    PolicySet,
    Principal,
    Request,
    evaluate,
)
from certprep.labs.graders.iam_patterns import PolicyError
from certprep.labs.graders.iam_policy import Policy, parse_policy
from certprep.labs.model import Check, CheckResult, Lab

Role = Literal["identity", "boundary", "session", "resource", "scp", "rcp"]
Doc = dict[str, Any] | str
Value = str | bool | int | float | list[str] | None
_GRAMMAR: dict[str, PolicyKind] = {
    "identity": "identity",
    "boundary": "identity",
    "session": "identity",
    "resource": "resource",
    "scp": "scp",
    "rcp": "rcp",
}
_REJECTED_BY = {
    "identity": "IAM",
    "boundary": "IAM",
    "session": "AWS STS",
    "resource": "AWS",
    "scp": "AWS Organizations",
    "rcp": "AWS Organizations",
}
_DEFAULT_NAME = {
    "identity": "your identity policy",
    "boundary": "your permissions boundary",
    "session": "your session policy",
    "resource": "your resource-based policy",
    "scp": "your SCP",
    "rcp": "your RCP",
}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequestSpec(_Spec):
    action: str
    resource: str
    principal: str | None = None
    context: dict[str, Value] = {}
    resource_account: str | None = None
    principal_tags: dict[str, str] | None = None


class PrincipalSpec(_Spec):
    identity: tuple[Doc, ...] = ()
    boundary: Doc | None = None
    session: tuple[Doc, ...] = ()
    tags: dict[str, str] = {}


class OrgSpec(_Spec):
    id: str
    accounts: tuple[str, ...] = ()
    management_account: str | None = None


class SetupSpec(_Spec):
    artifact: Role
    artifact_name: str | None = None
    attached_to: str | None = None
    scp_level: int | None = None
    principal: str | None = None
    resource_account: str | None = None
    context: dict[str, Value] = {}
    principals: dict[str, PrincipalSpec] = {}
    resources: dict[str, Doc] = {}
    scps: tuple[tuple[Doc, ...], ...] | None = None
    rcps: tuple[Doc, ...] = ()
    org: OrgSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SetupSpec:
        if (
            self.artifact in ("identity", "boundary", "session", "resource")
            and not self.attached_to
        ):
            raise ValueError(f"a {self.artifact} artifact needs attached_to")
        if self.artifact == "scp" and (
            self.scps is None or self.scp_level is None or not 0 <= self.scp_level < len(self.scps)
        ):
            raise ValueError("an scp artifact needs scps and a scp_level within them")
        _build(self)  # every fixed policy must be valid
        return self


class CheckSpec(_Spec):
    setup: SetupSpec
    allow: tuple[RequestSpec, ...] = ()
    deny: tuple[RequestSpec, ...] = ()
    explicit_deny: tuple[RequestSpec, ...] = ()
    never: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _has_something(self) -> CheckSpec:
        if not (self.allow or self.deny or self.explicit_deny or self.never):
            raise ValueError("a check needs allow, deny, explicit_deny or never")
        for request in (*self.allow, *self.deny, *self.explicit_deny):
            _request(self.setup, request)  # raises for a bad principal
        return self


@dataclass(frozen=True)
class _Fixed:
    """The setup's own policies, parsed once."""

    identity: dict[str, tuple[Policy, ...]]
    boundary: dict[str, Policy]
    session: dict[str, tuple[Policy, ...]]
    resources: dict[str, Policy]
    scps: tuple[tuple[Policy, ...], ...] | None
    rcps: tuple[Policy, ...]


def _parse(doc: Doc, kind: PolicyKind, name: str) -> Policy:
    try:
        return parse_policy(doc if isinstance(doc, str) else dict(doc), kind, name)
    except PolicyError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _short(arn: str) -> str:
    return arn.split(":", 5)[-1]


def _policy_kind(arn: str) -> str:
    service = arn.split(":", 5)[2] if arn.count(":") >= 5 else ""
    return {"kms": "key policy", "s3": "bucket policy"}.get(service, "resource policy")


def _level_name(index: int, count: int) -> str:
    return (
        "the root" if index == 0 else "the account" if index == count - 1 else f"OU level {index}"
    )


def _build(setup: SetupSpec) -> _Fixed:
    identity: dict[str, tuple[Policy, ...]] = {}
    boundary: dict[str, Policy] = {}
    session: dict[str, tuple[Policy, ...]] = {}
    for arn, spec in setup.principals.items():
        who = _short(arn)
        identity[arn] = tuple(
            _parse(d, "identity", f"the identity policy of {who}") for d in spec.identity
        )
        if spec.boundary is not None:
            boundary[arn] = _parse(spec.boundary, "identity", f"the boundary of {who}")
        session[arn] = tuple(_parse(d, "identity", "the session policy") for d in spec.session)
    resources = {
        arn: _parse(doc, "resource", f"the {_policy_kind(arn)} of {_short(arn)}")
        for arn, doc in setup.resources.items()
    }
    scps = None
    if setup.scps is not None:
        count = len(setup.scps)
        scps = tuple(
            tuple(_parse(d, "scp", f"the SCP at {_level_name(i, count)}") for d in level)
            for i, level in enumerate(setup.scps)
        )
    rcps = tuple(_parse(d, "rcp", "an RCP") for d in setup.rcps)
    return _Fixed(identity, boundary, session, resources, scps, rcps)


@cache
def _spec(check: Check) -> CheckSpec:
    return CheckSpec.model_validate(check.fields)


@cache
def _fixed(check: Check) -> _Fixed:
    return _build(_spec(check).setup)


@lru_cache(maxsize=1024)
def _principal(text: str) -> Principal:
    return Principal.parse(text)


def _request(setup: SetupSpec, spec: RequestSpec) -> Request:
    text = spec.principal or setup.principal
    if text is None:
        raise ValueError(f"request {spec.action} on {spec.resource} names no principal")
    principal = _principal(text)
    known = setup.principals.get(principal.principal_arn)
    tags = {**(known.tags if known else {}), **(spec.principal_tags or {})}
    org_id = setup.org.id if setup.org and principal.account in setup.org.accounts else None
    if tags or org_id:
        principal = replace(principal, tags=tags, org_id=org_id)
    return Request(
        principal,
        spec.action,
        spec.resource,
        {**setup.context, **spec.context},
        spec.resource_account or setup.resource_account,
    )


def _policies(setup: SetupSpec, fixed: _Fixed, artifact: Policy, request: Request) -> PolicySet:
    who = request.principal.principal_arn
    mine = setup.attached_to == who
    identity = fixed.identity.get(who, ())
    boundary = fixed.boundary.get(who)
    session = fixed.session.get(who, ())
    if mine and setup.artifact == "identity":
        identity = (*identity, artifact)
    elif mine and setup.artifact == "boundary":
        boundary = artifact
    elif mine and setup.artifact == "session":
        session = (*session, artifact)
    resource = _resource_policy(setup, fixed, artifact, request.resource)
    scps = fixed.scps
    if scps is not None and setup.artifact == "scp" and setup.scp_level is not None:
        scps = tuple(
            (*level, artifact) if i == setup.scp_level else level for i, level in enumerate(scps)
        )
    org = setup.org
    if scps is not None and org is not None and request.principal.account not in org.accounts:
        scps = None
    rcps = (*fixed.rcps, artifact) if setup.artifact == "rcp" else fixed.rcps
    return PolicySet(
        identity=identity,
        boundary=boundary,
        session=session,
        resource=resource,
        resource_policy_required=resource is not None and ":kms:" in request.resource,
        scps=scps,
        rcps=rcps,
        management_account=org.management_account if org else None,
    )


def _covers(owner: str, resource: str) -> bool:
    return resource == owner or resource.startswith(owner + "/")


def _resource_policy(
    setup: SetupSpec, fixed: _Fixed, artifact: Policy, resource: str
) -> Policy | None:
    if setup.artifact == "resource" and setup.attached_to and _covers(setup.attached_to, resource):
        return artifact
    for owner, policy in fixed.resources.items():
        if _covers(owner, resource):
            return policy
    return None


def size_limit(setup: SetupSpec) -> SizeLimit:
    """The size quota of the learner's document in its role (the largest it could have: an
    identity policy of a role may be one of its inline policies, of a user a managed policy)."""
    attached = setup.attached_to or ""
    if setup.artifact == "identity":
        return SIZE_LIMITS["role inline" if ":role/" in attached else "managed"]
    if setup.artifact == "boundary":
        return SIZE_LIMITS["managed"]  # a permissions boundary is a managed policy
    if setup.artifact == "resource":
        by_service = {"s3": "bucket", "kms": "key"}
        service = attached.split(":", 5)[2] if attached.count(":") >= 5 else ""
        return SIZE_LIMITS[by_service.get(service, "resource")]
    return SIZE_LIMITS[setup.artifact]  # session, scp, rcp


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    parsed: dict[tuple[str, str, SizeLimit], Policy | str] = {}
    results = []
    for check in lab.checks:
        spec = _spec(check)
        role = spec.setup.artifact
        name = spec.setup.artifact_name or _DEFAULT_NAME[role]
        limit = size_limit(spec.setup)
        key = (role, name, limit)
        if key not in parsed:
            try:
                parsed[key] = parse_policy(text, _GRAMMAR[role], name, limit)
            except PolicyError as exc:
                parsed[key] = f"{_REJECTED_BY[role]} would reject this policy: {exc}"
        artifact = parsed[key]
        if isinstance(artifact, str):
            results.append(CheckResult(check.name, False, artifact, check.doc))
        else:
            results.append(_check(check, spec, _fixed(check), artifact))
    return results


def decide(
    setup: SetupSpec, artifact: Policy, spec: RequestSpec, fixed: _Fixed | None = None
) -> tuple[Request, Decision]:
    """One request of a check, and its decision with the learner's document in place."""
    request = _request(setup, spec)
    return request, evaluate(request, _policies(setup, fixed or _build(setup), artifact, request))


def _check(check: Check, spec: CheckSpec, fixed: _Fixed, artifact: Policy) -> CheckResult:
    problems = []
    for wanted, requests in (
        ("allowed", spec.allow),
        ("denied", spec.deny),
        ("explicitly denied (by a Deny that no Allow can override)", spec.explicit_deny),
    ):
        for request_spec in requests:
            request, decision = decide(spec.setup, artifact, request_spec, fixed)
            if wanted == "allowed":
                ok = decision.allowed
            elif wanted == "denied":
                ok = not decision.allowed
            else:
                ok = decision.outcome is Outcome.EXPLICIT_DENY
            if not ok:
                problems.append(
                    f"The request {_describe(request, request_spec)} should be {wanted}, but it is"
                    f" {decision.reason}."
                )
    for action in spec.never:
        granting = [s for s in artifact.statements if s.effect == "Allow" and s.may_grant(action)]
        if granting:
            problems.append(
                f"{artifact.name[:1].upper()}{artifact.name[1:]} must never grant {action}, but"
                f" {granting[0].label} allows it (least privilege: grant only what the job needs)."
            )
    if not problems:
        return CheckResult(check.name, True, "", check.doc)
    more = f" ({len(problems) - 1} more request(s) fail too.)" if len(problems) > 1 else ""
    return CheckResult(check.name, False, f"{check.why} {problems[0]}{more}", check.doc)


def _describe(request: Request, spec: RequestSpec) -> str:
    text = request.describe()
    if spec.context:
        text += " with " + json.dumps(spec.context, separators=(", ", ": "))
    return text
