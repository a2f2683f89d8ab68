"""IAM condition operators, with golden cases from the IAM User Guide:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from typing import Any

import pytest

from certprep.labs.graders.iam_conditions import compile_condition
from certprep.labs.graders.iam_patterns import ContextValue


def holds(
    condition: dict[str, Any], context: dict[str, ContextValue], *, variables: bool = True
) -> bool:
    block = compile_condition(condition, variables=variables, where="test")
    return block.matches({k.lower(): v for k, v in context.items()})


def test_string_equals_on_a_principal_tag_and_a_missing_tag() -> None:
    # "aws:PrincipalTag/job-category": "iamuser-admin"; a user without the tag -> false
    condition = {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
    assert holds(condition, {"aws:PrincipalTag/job-category": "iamuser-admin"})
    assert not holds(condition, {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"})
    assert not holds(condition, {})


def test_key_names_are_case_insensitive() -> None:
    # Variables page: "aws:CurrentTime is equivalent to AWS:currenttime"
    assert holds({"StringEquals": {"AWS:PrincipalTag/Team": "a"}}, {"aws:principaltag/team": "a"})


def test_string_like_with_a_policy_variable_s3_prefix_home_directory() -> None:
    # "s3:prefix": ["", "home/", "home/${aws:username}/"]
    condition = {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}
    assert holds(condition, {"s3:prefix": "home/David/", "aws:username": "David"})
    assert holds(condition, {"s3:prefix": "", "aws:username": "David"})
    assert not holds(condition, {"s3:prefix": "home/Adele/", "aws:username": "David"})


def test_ignore_case_and_negated_string_operators() -> None:
    assert holds({"StringEqualsIgnoreCase": {"k": "Prod"}}, {"k": "PROD"})
    assert holds({"StringNotEqualsIgnoreCase": {"k": "Prod"}}, {"k": "dev"})
    assert not holds({"StringNotEqualsIgnoreCase": {"k": "Prod"}}, {"k": "prod"})


def test_numeric_less_than_equals_max_keys() -> None:
    # "NumericLessThanEquals": {"s3:max-keys": "10"}
    condition = {"NumericLessThanEquals": {"s3:max-keys": "10"}}
    assert holds(condition, {"s3:max-keys": "10"}) and holds(condition, {"s3:max-keys": "2.5"})
    assert not holds(condition, {"s3:max-keys": "11"}) and not holds(condition, {})


def test_date_greater_than_token_issue_time() -> None:
    # "DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}; absent for access keys
    condition = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert holds(condition, {"aws:TokenIssueTime": "2020-06-01T12:00:00Z"})
    assert holds(condition, {"aws:TokenIssueTime": "1700000000"})  # epoch seconds
    assert not holds(condition, {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"})
    assert not holds(condition, {})


def test_bool_secure_transport_false() -> None:
    # "Bool": {"aws:SecureTransport": "false"} in a Deny of s3:*
    condition = {"Bool": {"aws:SecureTransport": "false"}}
    assert holds(condition, {"aws:SecureTransport": "false"})
    assert not holds(condition, {"aws:SecureTransport": "true"})
    assert holds({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": "false"})


def test_binary_equals_compares_base64_bytes() -> None:
    condition = {"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}
    assert holds(condition, {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not holds(condition, {"key": "T3RoZXI="})


def test_ip_address_ranges_ipv4_and_ipv6() -> None:
    # "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}; mixing IPv4 and IPv6 ranges
    condition = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert holds(condition, {"aws:SourceIp": "203.0.113.77"})
    assert holds(condition, {"aws:SourceIp": "2001:db8:1234:5678::1"})
    assert not holds(condition, {"aws:SourceIp": "198.51.100.1"})
    assert not holds(condition, {})  # via a VPC endpoint the key is absent: false
    assert holds(
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "198.51.100.1"}
    )
    assert holds(
        {"IpAddress": {"aws:SourceIp": "203.0.113.5"}}, {"aws:SourceIp": "203.0.113.5"}
    )  # /32


def test_arn_like_matches_segments_where_string_like_does_not() -> None:
    # pattern arn:aws:someservice:*:111122223333:finance/* against a value whose first star
    # would have to cross segments: StringLike matches, ArnLike does not
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert holds({"StringLike": {"k": pattern}}, {"k": value})
    assert not holds({"ArnLike": {"k": pattern}}, {"k": value})
    assert holds(
        {"ArnLike": {"k": pattern}}, {"k": "arn:aws:someservice:us-east-2:111122223333:finance/x"}
    )


def test_arn_equals_source_arn_absent_when_called_directly() -> None:
    # SQS queue policy: "ArnEquals": {"aws:SourceArn": "arn:aws:sns:REGION:123456789012:TOPIC-ID"}
    condition = {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"}}
    assert holds(condition, {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts"})
    assert not holds(condition, {})  # "If an IAM user attempts to perform this operation directly"
    assert holds(
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}, {}
    )  # negated, missing


def test_if_exists_ec2_instance_type() -> None:
    # "StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}
    condition = {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
    assert holds(condition, {"ec2:InstanceType": "t2.micro"})
    assert not holds(condition, {"ec2:InstanceType": "m5.large"})
    assert holds(condition, {})  # an image or key pair has no instance type
    # BoolIfExists with MultiFactorAuthPresent (NotAction page example)
    mfa = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    assert holds(mfa, {}) and holds(mfa, {"aws:MultiFactorAuthPresent": "false"})
    assert not holds(mfa, {"aws:MultiFactorAuthPresent": "true"})


def test_null_checks_presence() -> None:
    # "Null": {"aws:TokenIssueTime": "true"}: the user must not use temporary credentials
    condition = {"Null": {"aws:TokenIssueTime": "true"}}
    assert holds(condition, {})
    assert not holds(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    assert holds(
        {"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}
    )


def test_a_missing_key_is_false_except_for_negated_operators() -> None:
    # Condition operators page: "If the policy condition requires that the key is not matched,
    # such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true"
    assert not holds({"StringLike": {"k": "*"}}, {})
    assert holds({"StringNotLike": {"k": "a*"}}, {})
    assert holds({"NumericNotEquals": {"k": "1"}}, {})


def test_multiple_operators_and_keys_are_anded_values_ored_negated_values_nored() -> None:
    condition = {
        "StringEquals": {
            "aws:PrincipalTag/department": ["finance", "hr"],
            "aws:PrincipalTag/role": "audit",
        },
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:user/*"},
    }
    context: dict[str, ContextValue] = {
        "aws:PrincipalTag/department": "hr",
        "aws:PrincipalTag/role": "audit",
        "aws:PrincipalArn": "arn:aws:iam::222222222222:user/Mary",
    }
    assert holds(condition, context)
    assert not holds(condition, {**context, "aws:PrincipalTag/role": "admin"})
    # NOR: StringNotEquals with two values is true only when the value equals neither
    negated = {"StringNotEquals": {"aws:PrincipalTag/role": ["audit", "security"]}}
    assert holds(negated, {"aws:PrincipalTag/role": "dev"})
    assert not holds(negated, {"aws:PrincipalTag/role": "audit"})
    assert not holds(negated, {"aws:PrincipalTag/role": "security"})


def test_for_all_values_and_for_any_value_dynamodb_attributes() -> None:
    # ForAllValues:StringLike requested attributes PostDateTime, Message, Tags
    allowed = {
        "ForAllValues:StringLike": {
            "dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]
        }
    }
    assert holds(allowed, {"dynamodb:requestedAttributes": ("PostDateTime", "Message")})
    assert not holds(allowed, {"dynamodb:requestedAttributes": ("PostDateTime", "UserName")})
    # ForAnyValue:StringLike ["ID", "PostDateTime"] in a Deny of PutItem
    denied = {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}
    assert holds(denied, {"dynamodb:requestedAttributes": ("UserName", "Message", "PostDateTime")})
    assert not holds(denied, {"dynamodb:requestedAttributes": ("UserName",)})


def test_set_operators_with_an_empty_or_missing_key() -> None:
    # "If the key values in the request resolve to an empty data set ... ForAllValues returns
    # true, and ... ForAnyValue returns false"; "ForAllValues ... also returns true if there are
    # no context keys in the request"
    all_values = {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    any_value = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}
    for context in ({}, {"aws:TagKeys": ()}):
        assert holds(all_values, context)
        assert not holds(any_value, context)
    # the Null operator closes that hole
    guarded = {**all_values, "Null": {"aws:TagKeys": "false"}}
    assert not holds(guarded, {})
    assert holds(guarded, {"aws:TagKeys": ("environment",)})


@pytest.mark.parametrize(
    ("tag_keys", "matches"),
    [
        (("key1:legal",), False),
        (("key1:hr", "key1:personnel"), False),
        (("key2:audit",), True),
        (None, True),
    ],
)
def test_for_all_values_string_not_like_table(
    tag_keys: tuple[str, ...] | None, matches: bool
) -> None:
    # Multivalued context key examples: Deny with "ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}
    context: dict[str, ContextValue] = {} if tag_keys is None else {"aws:TagKeys": tag_keys}
    assert holds({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}, context) is matches


def test_unresolvable_variables_leave_nothing_to_equal() -> None:
    condition = {"StringEquals": {"s3:prefix": "home/${aws:username}/"}}
    assert not holds(condition, {"s3:prefix": "home//"})  # a role session has no aws:username
    with_default = {"StringEquals": {"s3:prefix": "home/${aws:username, 'shared'}/"}}
    assert holds(with_default, {"s3:prefix": "home/shared/"})
    # a multivalued key cannot be a variable
    assert not holds({"StringEquals": {"k": "${aws:TagKeys}"}}, {"k": "a", "aws:TagKeys": ("a",)})
    # without Version 2012-10-17 the variable is text
    assert holds(
        {"StringEquals": {"k": "${aws:username}"}}, {"k": "${aws:username}"}, variables=False
    )
