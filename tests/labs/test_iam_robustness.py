"""Adversarial IAM documents: whatever a learner submits, grading answers with failed checks
that name the problem, and never raises or hangs. Also the size quotas and the strictness of
validation (what IAM rejects is rejected here too).

- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html (20 KB)
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html (32 KB)
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders.iam_conditions import compile_condition
from certprep.labs.graders.iam_glob import glob, glob_covers, globs_intersect
from certprep.labs.graders.iam_patterns import PolicyError, template
from certprep.labs.graders.iam_policy import parse_policy
from certprep.labs.grading import grade
from certprep.labs.kinds.iam_policy import SetupSpec, size_limit
from certprep.labs.model import CheckResult
from tests.labs.timebox import finishes

ROLE_POLICY_LAB = "codebuild-least-privilege-policy"  # identity policy of a role, with never:
BUCKET_LAB = "cross-account-artifact-bucket-policy"
SCP_LAB = "workloads-region-guardrail-scp"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", **fields}


def graded(lab_id: str, text: str) -> list[CheckResult]:
    results = finishes(lambda: grade(all_labs()[lab_id], text))
    assert results
    return results


def all_fail_with(results: list[CheckResult], reason: str) -> bool:
    return all(not r.passed and reason in r.detail for r in results)


# -- wildcards that would make a backtracking matcher hang ------------------------------------


def test_many_stars_in_an_action_are_matched_without_backtracking() -> None:
    statement = parse_policy(document(allow(Action="s3:" + "*" * 22 + "x")), "identity")
    matched = finishes(lambda: statement.statements[0].action_matches("s3:" + "a" * 40))
    assert matched is False
    assert statement.statements[0].action_matches("s3:GetObjectx")
    results = graded(ROLE_POLICY_LAB, document(allow(Action="s3:" + "*" * 22 + "x")))
    assert any(not r.passed for r in results)


def test_stars_and_question_marks_in_a_resource_are_matched_without_backtracking() -> None:
    pattern = "arn:aws:s3:::" + "*?" * 12 + "Q"
    statement = parse_policy(document(allow(Resource=pattern)), "identity").statements[0]
    assert finishes(lambda: statement.resource_matches("arn:aws:s3:::" + "a" * 60, {})) is False
    assert statement.resource_matches("arn:aws:s3:::" + "ab" * 12 + "Q", {})


@pytest.mark.parametrize(
    ("operator", "value", "request_value"),
    [
        ("StringLike", "*" * 30 + "Q", "a" * 80),
        ("StringLike", "${aws:username}" + "*a" * 20 + "Q", "a" * 80),
        ("ArnLike", "arn:aws:iam::*:" + "*a" * 30 + "Q", "arn:aws:iam::1:" + "a" * 80),
    ],
)
def test_like_conditions_with_many_stars_return(
    operator: str, value: str, request_value: str
) -> None:
    block = compile_condition({operator: {"k": value}}, variables=True, where="s")
    assert finishes(lambda: block.matches({"k": request_value, "aws:username": "a"})) is False


def test_a_never_check_compares_a_long_star_run_without_recursion() -> None:
    text = document(allow(Action="s3:" + "*" * 1200))
    statement = parse_policy(text, "identity").statements[0]
    assert finishes(lambda: statement.may_grant("s3:DeleteObject"))
    assert not finishes(lambda: statement.may_grant("kms:Decrypt"))
    results = graded(ROLE_POLICY_LAB, text)  # its never: checks run on this statement
    assert any(not r.passed and "s3:DeleteObject" in r.detail for r in results)
    long_pattern = "s3:" + "*" * 3000 + "?" + "*" * 3000
    assert finishes(lambda: globs_intersect(long_pattern, "s3:DeleteObject"))
    assert finishes(lambda: glob_covers("s3:*", long_pattern))
    assert not glob_covers(long_pattern, "s3:*")


# -- documents that used to raise -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "a policy document can have at most 131,072"),
        ("[" * 3_000 + "]" * 3_000, "nested far too deeply"),
        (
            document(allow(Condition={"StringEquals": {"k": "v"}})).replace(
                '"v"', "[" * 3_000 + '"v"' + "]" * 3_000
            ),
            "nested far too deeply",
        ),
        (document(allow())[:-3] + ', "Sid": ' + "9" * 5_000 + "}]}", "more than 4,000 digits"),
        (document(allow())[:-3] + ', "Sid": NaN}]}', "NaN is not a JSON value"),
        (document(allow())[:-3] + ', "Sid": -Infinity}]}', "-Infinity is not a JSON value"),
    ],
)
def test_broken_json_fails_every_check_with_the_reason(text: str, reason: str) -> None:
    assert all_fail_with(graded(ROLE_POLICY_LAB, text), reason)


def test_policy_variables_are_parsed_in_linear_time() -> None:
    unclosed = finishes(lambda: template("arn:aws:s3:::b/" + "${" * 40_000, variables=True))
    assert not unclosed.has_variables  # no closing brace: plain text
    spaced = finishes(lambda: template("${a" + " " * 40_000 + "x}", variables=True))
    assert spaced.text({"a" + " " * 40_000 + "x": "v"}) == "v"
    with pytest.raises(PolicyError, match="malformed policy variable"):
        finishes(lambda: template("${a, " + " " * 40_000 + "x'}", variables=True))
    quoted = template("${aws:username, 'it''s'}", variables=True)
    assert quoted.text({}) == "it's" and quoted.text({"aws:username": "bo"}) == "bo"
    assert template("${ aws:username }", variables=True).text({"aws:username": "x"}) == "x"


# -- size quotas, checked before parsing ------------------------------------------------------


def padded(size: int, **fields: Any) -> str:
    """A valid policy of exactly ``size`` characters, not counting whitespace."""
    base = document(allow(Sid="S", **fields))
    return base.replace('"S"', '"S' + "a" * (size - len("".join(base.split()))) + '"')


@pytest.mark.parametrize(
    ("setup", "most"),
    [
        ({"artifact": "identity", "attached_to": "arn:aws:iam::1:role/r"}, 10_240),
        ({"artifact": "identity", "attached_to": "arn:aws:iam::1:user/u"}, 6_144),
        ({"artifact": "boundary", "attached_to": "arn:aws:iam::1:role/r"}, 6_144),
        ({"artifact": "session", "attached_to": "arn:aws:iam::1:role/r"}, 2_048),
        ({"artifact": "resource", "attached_to": "arn:aws:s3:::bucket"}, 20_480),
        ({"artifact": "resource", "attached_to": "arn:aws:kms:us-east-1:1:key/k"}, 32_768),
        ({"artifact": "scp"}, 5_120),
        ({"artifact": "rcp"}, 5_120),
    ],
)
def test_each_role_has_its_documented_size_quota(setup: dict[str, Any], most: int) -> None:
    limit = size_limit(SetupSpec.model_construct(**setup))
    assert limit[0] == most
    role = setup["artifact"]
    kind = "identity" if role in ("boundary", "session") else role
    fields: dict[str, Any] = {}
    if kind in ("resource", "rcp"):
        fields["Principal"] = "*"
    if kind == "rcp":
        fields["Effect"] = "Deny"
    assert parse_policy(padded(most, **fields), kind, "it", limit)
    with pytest.raises(PolicyError, match=f"can have at most {most:,}"):
        parse_policy(padded(most + 1, **fields), kind, "it", limit)


def test_whitespace_does_not_count_and_an_oversized_scp_fails_every_check() -> None:
    spaced = padded(5_120).replace(",", ",\n" + " " * 4_000)
    assert parse_policy(spaced, "scp", "it")  # 4,000 spaces after each comma are not counted
    results = graded(SCP_LAB, padded(5_121, Effect="Deny"))
    assert all_fail_with(
        results, "too large: 5,121 characters not counting whitespace, and an SCP can have at"
    )


# -- validation as strict as IAM's ------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (allow(Action="s3:GetObject\n"), 'must be "*" or a service prefix'),
        (
            allow(Principal={"AWS": "١١١١٢٢٢٢٣٣٣٣"}),  # Arabic-Indic digits are not an account
            "invalid principal",
        ),
        (
            allow(Principal={"AWS": "arn:aws:iam::111122223333:user/bob\n"}),
            "invalid principal",
        ),
        (allow(Condition={"NumericEquals": {"k": "nan"}}), "is not a number"),
        (allow(Condition={"NumericLessThan": {"k": "inf"}}), "is not a number"),
        (allow(Condition={"NumericLessThan": {"k": "1_0"}}), "is not a number"),
        (allow(Condition={"NumericLessThan": {"k": "١٠"}}), "is not a number"),
        (allow(Condition={"DateLessThan": {"k": "١٠"}}), "is not an ISO 8601 date"),
    ],
)
def test_what_iam_rejects_is_rejected(statement: dict[str, Any], reason: str) -> None:
    with pytest.raises(PolicyError, match=None) as caught:
        parse_policy(document(statement), "resource" if "Principal" in statement else "identity")
    assert reason in str(caught.value)


def test_numbers_compare_exactly() -> None:
    block = compile_condition({"NumericLessThan": {"k": "10.5"}}, variables=True, where="s")
    assert block.matches({"k": "10.4999999999999999999"}) and not block.matches({"k": "10.5"})
    assert not block.matches({"k": "nan"}) and not block.matches({"k": "-inf"})


def test_error_messages_cut_long_values() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(document(allow(Action="not an action " * 300)), "identity")
    message = str(caught.value)
    assert len(message) < 300 and "not an action not an action" in message and "..." in message


# -- Resource wildcards at the end of a segment -----------------------------------------------


def test_a_star_ending_a_resource_segment_expands_beyond_the_colon() -> None:
    # Resource page: "If the * wildcard is the last character of a resource ARN segment, it
    # can expand to match beyond the colon boundaries."
    regional = parse_policy(
        document(allow(Resource="arn:aws:sqs:*:123456789012:queue1")), "identity"
    ).statements[0]
    assert regional.resource_matches("arn:aws:sqs:us-east-2:9:123456789012:queue1", {})
    assert not regional.resource_matches("arn:aws:sqs:us-east-2:999999999999:queue1", {})
    # a star inside a segment stays within it
    inside = parse_policy(
        document(allow(Resource="arn:aws:sqs:us-*-2:123456789012:queue1")), "identity"
    ).statements[0]
    assert inside.resource_matches("arn:aws:sqs:us-east-2:123456789012:queue1", {})
    assert not inside.resource_matches("arn:aws:sqs:us-x:y-2:123456789012:queue1", {})
    # ArnLike conditions match segment by segment, without the expansion
    arn_like = compile_condition(
        {"ArnLike": {"k": "arn:aws:sqs:*:123456789012:queue1"}}, variables=True, where="s"
    )
    assert not arn_like.matches({"k": "arn:aws:sqs:us-east-2:9:123456789012:queue1"})


def test_action_matching_is_case_insensitive_without_regexes() -> None:
    assert glob("iam:List*", ignore_case=True).matches("IAM:listaccesskeys")
    assert not glob("iam:List?", ignore_case=True).matches("iam:List")
