"""The iam-policy lab kind: a check's setup, the learner's document in its role, and feedback
that names the request and the policy that decided it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from certprep.labs.catalog import all_labs
from certprep.labs.grading import grade
from certprep.labs.kinds.iam_policy import CheckSpec
from certprep.labs.model import Check, Lab

IAM_LABS = sorted(lab_id for lab_id, lab in all_labs().items() if lab.kind == "iam-policy")
ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
ROLE = "arn:aws:iam::111122223333:role/app"


def lab_with(*checks: dict[str, Any]) -> Lab:
    return Lab(
        id="iam-test",
        title="t",
        domain=6,
        task="6.1",
        kind="iam-policy",
        artifact="policy.json",
        brief="b",
        starter="{}",
        hints=("h",),
        checks=tuple(
            Check.model_validate(
                {"name": f"c{i}", "why": "Why.", "doc": "https://docs.aws.amazon.com/x", **c}
            )
            for i, c in enumerate(checks)
        ),
        solution="{}",
        wrong="{}",
    )


def identity_setup(**extra: Any) -> dict[str, Any]:
    return {"artifact": "identity", "attached_to": ROLE, "principal": ROLE, **extra}


def test_there_are_four_iam_labs_with_starters_that_fail_some_checks() -> None:
    assert len(IAM_LABS) >= 4
    for lab_id in IAM_LABS:
        lab = all_labs()[lab_id]
        results = grade(lab, lab.starter)
        assert any(not r.passed for r in results), lab_id
        assert len(lab.hints) == 3 and len(lab.checks) >= 3


@pytest.mark.parametrize("lab_id", IAM_LABS)
def test_an_unreadable_artifact_fails_every_check_with_the_reason(lab_id: str) -> None:
    lab = all_labs()[lab_id]
    results = grade(lab, '{"Version": "2012-10-17", "Statement": [')
    assert all(
        not r.passed and "would reject this policy: not valid JSON" in r.detail for r in results
    )


def test_a_document_invalid_for_its_role_is_rejected() -> None:
    scp = all_labs()["workloads-region-guardrail-scp"]
    with_principal = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",'
        ' "Action": "organizations:LeaveOrganization", "Resource": "*"}]}'
    )
    results = grade(scp, with_principal)
    assert all("Principal is not allowed in SCPs" in r.detail for r in results)
    bucket = all_labs()["cross-account-artifact-bucket-policy"]
    no_principal = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    assert all("needs Principal or NotPrincipal" in r.detail for r in grade(bucket, no_principal))


def test_feedback_names_the_request_the_outcome_and_the_deciding_statement() -> None:
    lab = lab_with(
        {
            "setup": identity_setup(),
            "allow": [
                {
                    "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::b/k",
                    "context": {"aws:SourceIp": "10.0.0.1"},
                }
            ],
        },
        {
            "setup": identity_setup(),
            "explicit_deny": [{"action": "s3:DeleteObject", "resource": "arn:aws:s3:::b/k"}],
        },
        {"setup": identity_setup(), "never": ["s3:Delete*"]},
    )
    document = '{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}'
    allow, explicit, never = grade(lab, document)
    assert not allow.passed and allow.detail.startswith(
        "Why. The request s3:GetObject on arn:aws:s3:::b/k by role app of 111122223333"
    )
    assert '"aws:SourceIp": "10.0.0.1"' in allow.detail and "implicitly denied" in allow.detail
    assert (
        not explicit.passed
        and "should be explicitly denied" in explicit.detail
        and "implicitly denied" in explicit.detail
    )
    assert (
        not never.passed
        and "Your identity policy must never grant s3:Delete*, but statement 'ReadOnly'"
        in never.detail
    )


def test_the_artifact_applies_only_where_it_is_attached() -> None:
    other = "arn:aws:iam::111122223333:role/other"
    lab = lab_with(
        {
            "setup": identity_setup(principals={other: {"identity": [ADMIN]}}),
            "allow": [
                {"action": "sqs:SendMessage", "resource": "arn:aws:sqs:eu-west-1:111122223333:q"}
            ],
            "deny": [
                {
                    "action": "sqs:SendMessage",
                    "resource": "arn:aws:sqs:eu-west-1:111122223333:q",
                    "principal": "arn:aws:iam::111122223333:role/third",
                }
            ],
        },
        {
            "setup": {
                "artifact": "boundary",
                "attached_to": other,
                "principal": other,
                "principals": {other: {"identity": [ADMIN]}},
            },
            "deny": [{"action": "iam:CreateUser", "resource": "*"}],
        },
        {
            "setup": {
                "artifact": "scp",
                "scp_level": 1,
                "principal": other,
                "principals": {other: {"identity": [ADMIN]}},
                "scps": [[ADMIN | {}], [ADMIN | {}]],
            },
            "explicit_deny": [{"action": "iam:CreateUser", "resource": "*"}],
        },
    )
    document = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}'
    assert [r.passed for r in grade(lab, document)] == [True, True, True]


def test_context_defaults_merge_and_null_removes_a_key() -> None:
    setup = identity_setup(context={"aws:SourceVpc": "vpc-1"})
    lab = lab_with(
        {
            "setup": setup,
            "allow": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}],
            "deny": [
                {
                    "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::b/k",
                    "context": {"aws:SourceVpc": None},
                }
            ],
        },
        {
            "setup": setup,
            "deny": [
                {
                    "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::b/k",
                    "context": {"aws:SourceVpc": "vpc-2"},
                }
            ],
        },
        {
            "setup": setup,
            "allow": [
                {
                    "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::b/k",
                    "principal_tags": {"team": "x"},
                }
            ],
        },
    )
    document = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}]}'
    assert all(r.passed for r in grade(lab, document))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"setup": {"artifact": "identity"}, "allow": []}, "needs attached_to"),
        (
            {"setup": {"artifact": "scp", "scps": [[ADMIN]], "scp_level": 1}, "never": ["s3:*"]},
            "scp_level",
        ),
        (
            {
                "setup": identity_setup(principals={ROLE: {"identity": [{"Statement": []}]}}),
                "never": ["s3:*"],
            },
            "must not be empty",
        ),
        ({"setup": identity_setup()}, "needs allow, deny"),
        (
            {
                "setup": {"artifact": "identity", "attached_to": ROLE},
                "allow": [{"action": "s3:GetObject", "resource": "*"}],
            },
            "names no principal",
        ),
        (
            {
                "setup": identity_setup(),
                "allow": [{"action": "s3:GetObject", "resource": "*", "principal": "bob"}],
            },
            "not a principal",
        ),
        (
            {
                "setup": identity_setup(),
                "allow": [{"action": "s3:GetObject", "resource": "*", "user": "x"}],
            },
            "Extra inputs",
        ),
    ],
)
def test_a_broken_check_is_caught_when_the_catalog_loads(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        CheckSpec.model_validate(fields)
