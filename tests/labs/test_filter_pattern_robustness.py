"""Adversarial filter patterns and metric filter documents: grading answers with failed checks
that name the problem, and never raises or hangs.

- https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html
- https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
"""

from __future__ import annotations

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders.filter_pattern import FilterPatternError, metric_filter, parse
from certprep.labs.graders.filter_pattern_json import load_event
from certprep.labs.graders.filter_pattern_regex import compile_regex
from certprep.labs.grading import grade
from certprep.labs.kinds.filter_pattern import ArtifactError, read_artifact
from certprep.labs.model import CheckResult
from tests.labs.timebox import finishes

PATTERN_LAB = "payment-worker-error-filter"  # filter-pattern.txt
METRIC_LAB = "checkout-latency-metric-filter"  # metric-filter.yaml


def graded(lab_id: str, text: str) -> list[CheckResult]:
    results = finishes(lambda: grade(all_labs()[lab_id], text))
    assert results
    return results


# -- regexes that make a backtracking engine take exponential time ----------------------------


@pytest.mark.parametrize(
    "body",
    [".*" * 20 + "Q", "\\w*" * 12 + "Q", ".*a" * 30 + "Q", "a*" * 40 + "[^a]", "\\d?" * 60 + "x"],
)
def test_catastrophic_regexes_return(body: str) -> None:
    pattern = parse(f"%{body}%")
    assert finishes(lambda: pattern.matches("a" * 5_000)) is False
    assert finishes(lambda: pattern.matches("a" * 30 + "Qx"))
    results = graded(PATTERN_LAB, f"%{body}%")
    assert any(not r.passed for r in results)


def test_regexes_in_json_and_space_delimited_patterns_return() -> None:
    json_pattern = parse("{ $.msg = %" + ".*" * 20 + "Q% }")
    assert finishes(lambda: json_pattern.matches('{"msg": "' + "a" * 3_000 + '"}')) is False
    delimited = parse("[level, msg = %" + "\\w*" * 12 + "Q%]")
    assert finishes(lambda: delimited.matches("ERROR " + "a" * 3_000)) is False


def test_the_regex_engine_follows_the_guides_operators() -> None:
    regex = compile_regex("^a{2,3}b?c*$|x\\d+")
    assert [regex.search(t) for t in ("aa", "aaab", "aaaacc", "aabcc\n", "zx12", "x")] == [
        True,
        True,
        False,
        True,
        True,
        False,
    ]
    lazy = compile_regex("a+?b??c*?")
    assert lazy.search("a") and not lazy.search("b")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("%a{4294967296}%", "repeats a term more than 10,000 times"),
        ("%a{999}b{999}" + "c{999}" * 9 + "%", "unrolls to 10,989 positions"),
        ("%a{5,3}%", "min repeat greater than max repeat"),
        ("%[z-a]%", "is not valid"),
    ],
)
def test_regexes_too_large_or_invalid_are_rejected_with_the_reason(
    pattern: str, reason: str
) -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse(pattern)
    assert reason in str(caught.value)
    results = graded(PATTERN_LAB, pattern)
    assert all(not r.passed and reason in r.detail for r in results)


# -- patterns that used to raise --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("{ " + "(" * 400 + " $.a = 1 " + ")" * 400 + " }", "nested more than 50 deep"),
        ("{ $.a > 1e9999999999999999999 }", "is out of range"),
        ("[a, b = -1e9999999999999999999]", "is out of range"),
    ],
)
def test_patterns_that_raised_fail_every_check_with_the_reason(pattern: str, reason: str) -> None:
    results = graded(PATTERN_LAB, pattern)
    assert all(not r.passed and reason in r.detail for r in results), results[0].detail


def test_nested_parentheses_up_to_the_limit_still_work() -> None:
    pattern = parse("{ " + "(" * 50 + " $.a = 1 " + ")" * 50 + " }")
    assert pattern.matches('{"a": 1}') and not pattern.matches('{"a": 2}')


def test_events_with_unreadable_numbers_do_not_match() -> None:
    assert load_event('{"a": 1e9999999999999999999}') is None
    assert load_event('{"a": ' + "[" * 5_000 + "]" * 5_000 + "}") is None
    assert not parse("{ $.a = 1 }").matches('{"a": 1e9999999999999999999}')
    bytes_over = parse("[ip, bytes > 10]")
    assert not bytes_over.matches("1.2.3.4 1e9999999999999999999")


def test_an_ellipsis_lines_up_many_fields() -> None:
    names = [f"f{i}" for i in range(150)]
    pattern = parse("[..., " + ", ".join(names) + ", last = x]")
    line = " ".join(["pre"] * 50 + ["v"] * 150 + ["x"])
    assert finishes(lambda: pattern.matches(line))
    assert not pattern.matches(" ".join(["v"] * 150 + ["y"]))
    assert not pattern.matches(" ".join(["v"] * 149 + ["x"]))  # one field short
    extracted = metric_filter("[first, ..., n]", "$n").value("a b c 7")
    assert extracted == 7


# -- metric filter documents that used to raise -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 8_000 + "]" * 8_000, "nest"),  # libyaml: "maximum nesting depth"
        ("[" * 20_000 + "]" * 20_000, "this grader reads at most 16,384"),
        (
            "filterPattern: x\nmetricTransformations: [{metricName: M, metricNamespace: N,"
            " metricValue: " + "9" * 5_000 + "}]",
            "has a value YAML cannot build",
        ),
        ('{"filterPattern": "x", "n": ' + "9" * 5_000 + "}", "has a value YAML cannot build"),
    ],
)
def test_unreadable_metric_filter_documents_fail_every_check(text: str, reason: str) -> None:
    with pytest.raises(ArtifactError, match=reason):
        finishes(lambda: read_artifact("metric-filter.yaml", text))
    results = graded(METRIC_LAB, text)
    assert all(not r.passed and reason in r.detail for r in results), results[0].detail
