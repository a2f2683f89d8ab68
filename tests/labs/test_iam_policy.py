"""IAM policy documents: validation and element matching, with golden cases from the IAM User
Guide:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from certprep.labs.graders.iam_glob import glob_covers, globs_intersect
from certprep.labs.graders.iam_patterns import PolicyError
from certprep.labs.graders.iam_policy import (
    Grant,
    Requester,
    parse_policy,
    principal_match,
)


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return doc


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def first(doc: dict[str, Any] | str, kind: Any = "identity") -> Any:
    return parse_policy(doc, kind).statements[0]


# -- validation: what IAM rejects, and why ----------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "kind", "reason"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "identity", "not valid JSON"),
        (
            '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Effect": "Deny",'
            ' "Action": "*", "Resource": "*"}}',
            "identity",
            "appears twice",
        ),
        (policy(ALLOW_ALL, version="2012-10-18"), "identity", "Version must be"),
        ({"Version": "2012-10-17"}, "identity", "no Statement"),
        (policy(), "identity", "must not be empty"),
        ({**policy(ALLOW_ALL), "Id": "x"}, "identity", "Id element is not allowed"),
        ({**policy(ALLOW_ALL), "Name": "x"}, "identity", "unknown top-level"),
        (policy({"Effect": "allow", "Action": "*", "Resource": "*"}), "identity", "Effect must"),
        (policy({"Effect": "Allow", "Resource": "*"}), "identity", "needs Action or NotAction"),
        (
            policy({"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}),
            "identity",
            "not both",
        ),
        (policy({"Effect": "Allow", "Action": "*"}), "identity", "needs Resource or NotResource"),
        (policy({**ALLOW_ALL, "Action": []}), "identity", "non-empty"),
        (policy({**ALLOW_ALL, "Action": "GetObject"}), "identity", "service prefix"),
        (policy({**ALLOW_ALL, "Resource": "bucket/*"}), "identity", "ARN format"),
        (
            policy({**ALLOW_ALL, "Resource": "arn:aws:s3:${aws:username}::bucket"}),
            "identity",
            "fifth colon",
        ),
        (
            policy({**ALLOW_ALL, "Principal": {"AWS": "111122223333"}}),
            "identity",
            "Principal is not allowed in identity-based policies",
        ),
        (policy(ALLOW_ALL), "resource", "needs Principal or NotPrincipal"),
        (
            policy({**ALLOW_ALL, "NotPrincipal": {"AWS": "111122223333"}}),
            "resource",
            'NotPrincipal is supported only with "Effect": "Deny"',
        ),
        (
            policy({**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}}),
            "resource",
            "wildcard cannot match part of a principal",
        ),
        (policy({**ALLOW_ALL, "Principal": {"AWS": "alice"}}), "resource", "invalid principal"),
        (policy({**ALLOW_ALL, "Principal": {"Group": "x"}}), "resource", "principal type"),
        (policy({**ALLOW_ALL, "Sid": "a b"}), "identity", "A-Z, a-z and 0-9"),
        (policy({**ALLOW_ALL, "Sid": "A"}, {**ALLOW_ALL, "Sid": "A"}), "identity", "unique"),
        (policy({**ALLOW_ALL, "Condition": {"StringEqual": {"a": "b"}}}), "identity", "unknown"),
        (policy({**ALLOW_ALL, "Condition": {"NullIfExists": {"a": "true"}}}), "identity", "Null"),
        (
            policy({**ALLOW_ALL, "Condition": {"NumericLessThan": {"a": "ten"}}}),
            "identity",
            "number",
        ),
        (
            policy({**ALLOW_ALL, "Condition": {"DateLessThan": {"a": "soon"}}}),
            "identity",
            "ISO 8601",
        ),
        (
            policy({**ALLOW_ALL, "Condition": {"IpAddress": {"a": "10.0.0.0/33"}}}),
            "identity",
            "CIDR",
        ),
        (policy({**ALLOW_ALL, "Condition": {"Bool": {"a": "yes"}}}), "identity", "true or false"),
        (policy({**ALLOW_ALL, "Condition": {"StringEquals": {"a": []}}}), "identity", "no values"),
        # SCP syntax: no Principal; every SCP states its Version
        (
            policy({**ALLOW_ALL, "Principal": "*"}),
            "scp",
            "Principal is not allowed in SCPs",
        ),
        (policy(ALLOW_ALL, version=None), "scp", "Version"),
        # RCP syntax: Deny only (Allow is reserved to RCPFullAWSAccess), Principal "*"
        (policy({**ALLOW_ALL, "Principal": "*"}), "rcp", "must Deny"),
        (
            policy(
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": "111122223333"},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            ),
            "rcp",
            'Principal": "*"',
        ),
    ],
)
def test_iam_rejects_invalid_documents_with_the_reason(doc: Any, kind: Any, reason: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(reason)):
        parse_policy(doc if isinstance(doc, str) else json.dumps(doc), kind)


def test_a_single_statement_object_and_the_grammar_examples_are_valid() -> None:
    # grammar page: Statement may be one object; blocks in any order; Version may be omitted
    doc = parse_policy(
        {
            "Statement": {
                "Resource": "*",
                "Action": ["ec2:Describe*", "ec2:List*"],
                "Effect": "Allow",
            }
        },
        "identity",
    )
    assert doc.version == "2008-10-17" and len(doc.statements) == 1
    bucket = parse_policy(
        policy(
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": ["arn:aws:iam::123456789012:root", "999999999999"],
                    "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                },
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::examplebucket/*",
            }
        ),
        "resource",
    )
    assert {e.kind for e in bucket.statements[0].principals or ()} == {"account", "other"}


# -- Action / NotAction -----------------------------------------------------------------------


def test_action_names_are_case_insensitive_and_take_wildcards() -> None:
    # Action page: "iam:ListAccessKeys is the same as IAM:listaccesskeys"; "iam:*AccessKey*"
    statement = first(policy({**ALLOW_ALL, "Action": ["iam:ListAccessKeys", "iam:*AccessKey*"]}))
    assert statement.action_matches("IAM:listaccesskeys")
    assert statement.action_matches("iam:CreateAccessKey") and statement.action_matches(
        "iam:UpdateAccessKey"
    )
    assert not statement.action_matches("iam:CreateUser")
    question = first(policy({**ALLOW_ALL, "Action": "s3:Get?bject"}))
    assert question.action_matches("s3:GetObject") and not question.action_matches("s3:GetObjects")


def test_not_action_matches_everything_except_the_listed_actions() -> None:
    # NotAction page: "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"
    statement = first(policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    assert statement.action_matches("s3:GetObject") and statement.action_matches("ec2:RunInstances")
    assert not statement.action_matches("iam:CreateUser")


# -- Resource / NotResource -------------------------------------------------------------------


def test_resource_wildcards_match_within_each_arn_segment() -> None:
    # Resource page: "arn:aws:iam::account-ID-without-hyphens:user/accounting/*"
    statement = first(
        policy({**ALLOW_ALL, "Resource": "arn:aws:iam::123456789012:user/accounting/*"})
    )
    assert statement.resource_matches("arn:aws:iam::123456789012:user/accounting/bob", {})
    assert not statement.resource_matches("arn:aws:iam::123456789012:user/sales/bob", {})
    # a star may stand for the region, but the account segment must still match after it
    regional = first(policy({**ALLOW_ALL, "Resource": "arn:aws:sqs:*:123456789012:queue1"}))
    assert regional.resource_matches("arn:aws:sqs:us-east-2:123456789012:queue1", {})
    assert not regional.resource_matches("arn:aws:sqs:us-east-2:999999999999:queue1", {})
    # the resource part keeps its own colons and slashes
    logs = first(
        policy({**ALLOW_ALL, "Resource": "arn:aws:logs:eu-west-1:123456789012:log-group:/app:*"})
    )
    assert logs.resource_matches(
        "arn:aws:logs:eu-west-1:123456789012:log-group:/app:log-stream:x", {}
    )
    # resource names are case-sensitive ("the IAM user name is case sensitive")
    bob = first(policy({**ALLOW_ALL, "Resource": "arn:aws:iam::123456789012:user/Bob"}))
    assert not bob.resource_matches("arn:aws:iam::123456789012:user/bob", {})


def test_not_resource_matches_everything_except_the_listed_resources() -> None:
    statement = first(
        policy({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::logs/*"})
    )
    assert statement.resource_matches("arn:aws:s3:::data/file", {})
    assert not statement.resource_matches("arn:aws:s3:::logs/file", {})


# -- policy variables -------------------------------------------------------------------------


def test_variables_are_replaced_from_the_request_context() -> None:
    # Variables page: "arn:aws:s3:::mybucket/${aws:username}/*"
    statement = first(policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::mybucket/${aws:username}/*"}))
    assert statement.resource_matches(
        "arn:aws:s3:::mybucket/David/notes.txt", {"aws:username": "David"}
    )
    assert not statement.resource_matches(
        "arn:aws:s3:::mybucket/Adele/notes.txt", {"aws:username": "David"}
    )
    # "If AWS cannot resolve a variable": no user name (a role session) -> no match
    assert not statement.resource_matches("arn:aws:s3:::mybucket/David/notes.txt", {})
    # a tag as a variable: "arn:aws:s3:::bucket/${aws:PrincipalTag/department}"
    tagged = first(
        policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/department}"})
    )
    assert tagged.resource_matches(
        "arn:aws:s3:::bucket/finance", {"aws:principaltag/department": "finance"}
    )


def test_variable_values_are_literal_and_special_variables_escape_wildcards() -> None:
    statement = first(policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::b/${aws:username}"}))
    assert not statement.resource_matches("arn:aws:s3:::b/anything", {"aws:username": "*"})
    star = first(policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::b/file${*}"}))
    assert star.resource_matches("arn:aws:s3:::b/file*", {})
    assert not star.resource_matches("arn:aws:s3:::b/file1", {})


def test_a_default_value_stands_in_for_a_missing_key() -> None:
    # Variables page, "Specifying default values": ${aws:userid, 'anonymous'}
    statement = first(
        policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::bucket/${aws:userid, 'anonymous'}/*"})
    )
    assert statement.resource_matches("arn:aws:s3:::bucket/anonymous/x", {})
    assert statement.resource_matches("arn:aws:s3:::bucket/AIDA1/x", {"aws:userid": "AIDA1"})


def test_without_version_2012_variables_are_plain_text() -> None:
    # "If you don't include the Version element ... variables ... are treated as literal strings"
    statement = first(
        policy({**ALLOW_ALL, "Resource": "arn:aws:s3:::b/${aws:username}"}, version=None)
    )
    assert statement.resource_matches("arn:aws:s3:::b/${aws:username}", {"aws:username": "x"})
    assert not statement.resource_matches("arn:aws:s3:::b/x", {"aws:username": "x"})


# -- Principal / NotPrincipal -----------------------------------------------------------------

BOB = Requester("user", "444455556666", "arn:aws:iam::444455556666:user/Bob")
ALICE = Requester("user", "444455556666", "arn:aws:iam::444455556666:user/Alice")
AUDIT = Requester(
    "role_session",
    "444455556666",
    "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
    role_arn="arn:aws:iam::444455556666:role/cross-account-read-only-role",
)


def principal_statement(principal: Any, *, effect: str = "Allow", negated: bool = False) -> Any:
    key = "NotPrincipal" if negated else "Principal"
    return first(
        policy({"Effect": effect, key: principal, "Action": "s3:*", "Resource": "*"}), "resource"
    )


def test_how_a_principal_entry_names_the_requester() -> None:
    # Principal page: the account (ID or :root ARN) delegates; a role ARN covers its sessions
    assert principal_match(principal_statement({"AWS": "444455556666"}), BOB) is Grant.ACCOUNT
    assert (
        principal_match(principal_statement({"AWS": "arn:aws:iam::444455556666:root"}), BOB)
        is Grant.ACCOUNT
    )
    assert principal_match(principal_statement({"AWS": BOB.arn}), BOB) is Grant.DIRECT
    assert principal_match(principal_statement({"AWS": BOB.arn}), ALICE) is None
    assert principal_match(principal_statement({"AWS": AUDIT.role_arn}), AUDIT) is Grant.ROLE
    assert principal_match(principal_statement({"AWS": AUDIT.arn}), AUDIT) is Grant.DIRECT
    assert principal_match(principal_statement("*"), AUDIT) is Grant.DIRECT
    service = Requester("service", "", "cloudtrail.amazonaws.com")
    assert (
        principal_match(principal_statement({"Service": "cloudtrail.amazonaws.com"}), service)
        is Grant.DIRECT
    )
    assert principal_match(principal_statement({"AWS": "444455556666"}), service) is None


def test_not_principal_exempts_only_a_fully_listed_identity_chain() -> None:
    # NotPrincipal page: list Bob and his account; the role, the session and the account
    listed = principal_statement(
        {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
        effect="Deny",
        negated=True,
    )
    assert principal_match(listed, BOB) is None  # not denied
    assert principal_match(listed, ALICE) is Grant.DIRECT  # denied
    bob_only = principal_statement(
        {"AWS": "arn:aws:iam::444455556666:user/Bob"}, effect="Deny", negated=True
    )
    assert principal_match(bob_only, BOB) is Grant.DIRECT  # the account is denied, so Bob is
    session_chain = principal_statement(
        {"AWS": [AUDIT.arn, AUDIT.role_arn, "arn:aws:iam::444455556666:root"]},
        effect="Deny",
        negated=True,
    )
    assert principal_match(session_chain, AUDIT) is None
    no_role = principal_statement(
        {"AWS": [AUDIT.arn, "arn:aws:iam::444455556666:root"]}, effect="Deny", negated=True
    )
    assert principal_match(no_role, AUDIT) is Grant.DIRECT


def test_not_principal_deny_always_applies_to_a_principal_with_a_boundary() -> None:
    # Permissions boundaries page, Important note on NotPrincipal with Deny
    listed = principal_statement(
        {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
        effect="Deny",
        negated=True,
    )
    bounded = Requester("user", "444455556666", BOB.arn, has_boundary=True)
    assert principal_match(listed, bounded) is Grant.DIRECT


# -- comparing wildcard patterns (least-privilege checks) ---------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "intersect", "covers"),
    [
        ("s3:*", "s3:DeleteObject", True, True),
        ("s3:Get*", "s3:DeleteObject", False, False),
        ("s3:*Object", "s3:Delete*", True, False),
        ("*", "kms:*", True, True),
        ("kms:Decrypt", "KMS:decrypt", True, True),
        ("iam:Get?", "iam:Get*", True, False),
        ("iam:*", "iam:Get?", True, True),
    ],
)
def test_wildcard_patterns_compared(a: str, b: str, intersect: bool, covers: bool) -> None:
    assert globs_intersect(a, b) is intersect and globs_intersect(b, a) is intersect
    assert glob_covers(a, b) is covers


def test_may_grant_reads_action_and_not_action() -> None:
    assert first(policy({**ALLOW_ALL, "Action": "s3:*"})).may_grant("s3:DeleteBucket")
    assert not first(policy({**ALLOW_ALL, "Action": "s3:Get*"})).may_grant("s3:DeleteBucket")
    not_iam = first(policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    assert not not_iam.may_grant("iam:CreateUser") and not_iam.may_grant("kms:ScheduleKeyDeletion")
