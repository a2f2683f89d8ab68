"""Adversarial CloudFormation templates: a template over a limit (CloudFormation's quotas or
certprep's, ``graders/cfn_limits``) fails every check saying which, before cfn-lint runs; no
template makes grading raise or hang. Each grade runs under ``finishes``, a hang guard.

- Quotas: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  (500 resources; a template body of 51,200 bytes in a request)
"""

from __future__ import annotations

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders import cfn_limits, cfn_runner, cfn_template
from certprep.labs.grading import grade
from tests.labs.timebox import finishes

LAB = "alb-5xx-alarm"
SOLUTION = all_labs()[LAB].solution


def refused(text: str) -> str:
    """The reason every check of the lab gives for a template certprep does not lint."""
    results = finishes(lambda: grade(all_labs()[LAB], text))
    assert results and all(not r.passed for r in results)
    details = {r.detail for r in results}
    assert len(details) == 1
    (detail,) = details
    assert "could not grade" not in detail, "hit the backstop"
    assert detail.startswith("certprep did not lint this template: ")
    return detail


def with_actions(actions: str) -> str:
    old = "      AlarmActions:\n        - !Ref OnCallTopic\n"
    assert old in SOLUTION
    return SOLUTION.replace(old, actions)


def topics(count: int) -> str:
    return "Resources:\n" + "".join(f"  T{n}:\n    Type: AWS::SNS::Topic\n" for n in range(count))


def test_a_sub_string_of_nested_placeholders_is_refused_before_the_lint() -> None:
    """``${${${...`` made cfn-lint's and certprep's Fn::Sub regexes quadratic."""
    text = with_actions(f'      AlarmActions: [!Sub "{"${" * 10_000}"]\n')
    detail = refused(text)
    assert "a Fn::Sub string (line 37) is 20,000 characters long" in detail
    assert "at most 16,384" in detail and "not of CloudFormation" in detail


def test_a_short_sub_string_with_too_many_placeholders_is_refused() -> None:
    text = with_actions(f'      AlarmActions: [!Sub "{"${" * 101}"]\n')
    assert "holds 101 '${', and certprep reads at most 100" in refused(text)


def test_sub_placeholders_are_counted_across_the_template_and_through_aliases() -> None:
    sub = '!Sub "' + "${OnCallTopic}" * 90 + '"'
    text = with_actions(f"      AlarmActions: [&sub {sub}, *sub, *sub, *sub, *sub, *sub]\n")
    assert "Fn::Sub strings hold more than 500 '${' together" in refused(text)


def test_sub_placeholders_within_the_limits_are_linted() -> None:
    text = with_actions(f'      AlarmActions: [!Sub "{"${" * 100}"]\n')
    result = finishes(lambda: cfn_runner.lint(text))
    assert not result.refused and result.findings


def test_a_template_larger_than_a_request_allows_is_refused() -> None:
    text = topics(6000)
    assert len(text) > cfn_limits.MAX_TEMPLATE_BYTES
    detail = refused(text)
    assert f"it is {len(text):,} bytes" in detail and "at most 51,200 bytes" in detail


def test_more_than_500_resources_is_refused_with_cloudformations_limit() -> None:
    assert not cfn_runner.lint(topics(500)).refused
    detail = refused(topics(501))
    assert "it declares 501 resources, and CloudFormation allows at most 500" in detail


def test_more_than_100_conditions_is_refused() -> None:
    conditions = "".join(f"  C{n}: !Equals [!Ref OnCallEmail, a{n}]\n" for n in range(101))
    text = SOLUTION.replace("\nResources:\n", f"\nConditions:\n{conditions}\nResources:\n")
    assert "it declares 101 conditions, and certprep grades templates of at most 100" in (
        refused(text)
    )


def test_an_alias_bomb_is_refused() -> None:
    lines = ["Metadata:", "  a0: &a0 [lol]"]
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 6)]
    text = SOLUTION + "\n".join(lines) + "\n"
    assert "more than 25,000 values once its YAML aliases (*name) are expanded" in refused(text)


def test_a_value_that_makes_cfn_lint_fail_is_refused_saying_so() -> None:
    text = SOLUTION.replace(
        "  Checkout5xxAlarm:\n", "  Checkout5xxAlarm:\n    Metadata: [not, a, mapping]\n"
    )
    detail = refused(text)
    assert "cfn-lint stopped on it (AttributeError" in detail and "wrong type" in detail


def test_sub_references_are_found_in_linear_time() -> None:
    text = "${" * 200_000 + "${OnCallTopic}"
    assert finishes(lambda: cfn_template.references({"Fn::Sub": text})) == {"OnCallTopic"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("${A}-${B.Arn}", {"A", "B"}),
        ("${!Literal}-${AWS::Region}", {"AWS::Region"}),
        ("${a${B}", {"B"}),
    ],
)
def test_sub_references_still_read_ordinary_strings(text: str, names: set[str]) -> None:
    assert cfn_template.references({"Fn::Sub": text}) == names
