"""EventBridge event patterns, with golden cases from the AWS documentation:
- https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from certprep.labs.graders.event_pattern import PatternError, matches, parse, validate

EC2 = {
    "version": "0",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "time": "2017-10-02T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "running"},
}


def event(**detail: Any) -> dict[str, Any]:
    return {**EC2, "detail": detail}


@pytest.mark.parametrize(
    ("pattern", "hit", "miss"),
    [
        # prefix matching (content filtering page)
        ({"time": [{"prefix": "2017-10-02"}]}, EC2, {**EC2, "time": "2017-10-03T00:00:00Z"}),
        # anything-but with a string, a list of strings, a number, numbers, a prefix
        (
            {"detail": {"state": [{"anything-but": "initializing"}]}},
            event(state="running"),
            event(state="initializing"),
        ),
        (
            {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}},
            event(state="running"),
            event(state="stopped"),
        ),
        (
            {"detail": {"x-limit": [{"anything-but": 123}]}},
            event(**{"x-limit": 124}),
            event(**{"x-limit": 123}),
        ),
        (
            {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}},
            event(**{"x-limit": 150}),
            event(**{"x-limit": 200.0}),
        ),
        (
            {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}},
            event(state="running"),
            event(state="initializing"),
        ),
        (
            {"FileName": [{"anything-but": {"suffix": ".png"}}]},
            {"FileName": "a.jpg"},
            {"FileName": "a.png"},
        ),
        (
            {"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]},
            {"state": "running"},
            {"state": "INITIALIZING"},
        ),
        (
            {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]},
            {"FilePath": "/usr/bin/x"},
            {"FilePath": "/usr/lib/x"},
        ),
        # numeric ranges and equality (3.018e2 is 301.8)
        (
            {"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}},
            event(**{"c-count": 5}),
            event(**{"c-count": 0}),
        ),
        (
            {"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}},
            event(**{"x-limit": 301.8}),
            event(**{"x-limit": 302}),
        ),
        # IP address matching
        (
            {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
            event(sourceIPAddress="10.0.0.255"),
            event(sourceIPAddress="10.0.1.1"),
        ),
        # exists: false matches a missing leaf, and an intermediate node (it is not a leaf)
        (
            {"detail": {"c-count": [{"exists": False}]}},
            event(state="running"),
            event(**{"c-count": 3}),
        ),
        (
            {"detail": {"c-count": [{"exists": False}]}},
            event(**{"c-count": {"c1": 100}}),
            event(**{"c-count": None}),
        ),
        ({"detail": {"state": [{"exists": True}]}}, event(state="x"), event(other="x")),
        # equals, empty, ignore case, wildcard
        ({"Name": ["Alice"]}, {"Name": "Alice"}, {"Name": "alice"}),
        ({"LastName": [""]}, {"LastName": ""}, {"LastName": " "}),
        ({"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "ALICE"}, {"Name": "Alicia"}),
        (
            {"service": [{"prefix": {"equals-ignore-case": "eventb"}}]},
            {"service": "EventBridge"},
            {"service": "SNS"},
        ),
        (
            {"service": [{"suffix": {"equals-ignore-case": "tbridge"}}]},
            {"service": "EVENTBRIDGE"},
            {"service": "bridges"},
        ),
        (
            {"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]},
            {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"},
            {"EventBusArn": "arn:aws:events:eu-west-1:123456789012:event-bus/default"},
        ),
        # null and booleans are exact
        ({"detail": {"ok": [None]}}, event(ok=None), event(ok="null")),
        ({"detail": {"ok": [True]}}, event(ok=True), event(ok=1)),
        # $or
        (
            {
                "detail": {
                    "$or": [
                        {"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                        {"d-count": [{"numeric": ["<", 10]}]},
                    ]
                }
            },
            event(**{"d-count": 3}),
            event(**{"c-count": 9, "d-count": 11}),
        ),
    ],
)
def test_documented_matching(
    pattern: dict[str, Any], hit: dict[str, Any], miss: dict[str, Any]
) -> None:
    validate(pattern)
    assert matches(pattern, hit)
    assert not matches(pattern, miss)


def test_arrays_match_when_they_intersect() -> None:
    pattern = {
        "resources": [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        ]
    }
    hit = {
        "resources": [
            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ]
    }
    assert matches(pattern, hit)
    assert not matches(pattern, {"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-x"]})


def test_arrays_of_objects_match_element_by_element() -> None:
    pattern = {"detail": {"items": {"name": ["db"], "size": [{"numeric": [">", 10]}]}}}
    assert matches(pattern, event(items=[{"name": "web", "size": 1}, {"name": "db", "size": 20}]))
    # name from one element and size from another is not a match
    assert not matches(
        pattern, event(items=[{"name": "db", "size": 1}, {"name": "web", "size": 20}])
    )


def test_keys_are_anded_and_anything_but_needs_the_field() -> None:
    pattern = {"source": ["aws.ec2"], "detail": {"state": [{"anything-but": "stopped"}]}}
    assert matches(pattern, EC2)
    assert not matches(pattern, {**EC2, "source": "aws.s3"})
    assert not matches(pattern, {**EC2, "detail": {}})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2]", "must be a JSON object"),
        ("{}", "is empty"),
        ('{"source": "aws.ec2"}', "must be a list of matchers"),
        ('{"source": []}', "must not be empty"),
        ('{"source": [{"startswith": "aws"}]}', "unknown operator"),
        ('{"n": [{"numeric": [">", "5"]}]}', "numeric needs operators"),
        ('{"n": [{"numeric": ["<", 5, ">", 1]}]}', "a numeric range is"),
        ('{"n": [{"numeric": [">", 1e10]}]}', "between -1e9 and 1e9"),
        ('{"f": [{"wildcard": "a**b"}]}', "two '*' in a row"),
        ('{"ip": [{"cidr": "10.0.0.0/33"}]}', "not a CIDR block"),
        ('{"x": [{"exists": "yes"}]}', "exists takes true or false"),
        ('{"x": [{"anything-but": ["a", 1]}]}', "only strings or only numbers"),
        ('{"$or": [{"a": ["b"]}]}', "at least two patterns"),
        ('{"x": [{"prefix": 5}]}', "prefix takes a string"),
        ('{"source": ["aws.ec2"', "not valid JSON"),
    ],
)
def test_invalid_patterns_are_rejected_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"detail": ' * 150 + '{"a": ["x"]}' + "}" * 150,  # parses, but far deeper than any rule
        '{"detail": {"a": ' + "[" * 5000 + "]" * 5000 + "}}",  # the JSON parser itself gives up
    ],
    ids=["deep-objects", "deep-arrays"],
)
def test_deeply_nested_patterns_get_a_clear_message(text: str) -> None:
    with pytest.raises(PatternError, match="too deeply nested"):
        parse(text)


def test_a_lab_check_says_too_deeply_nested() -> None:
    from certprep.labs.catalog import all_labs
    from certprep.labs.grading import grade

    lab = next(lab for lab in all_labs().values() if lab.kind == "event-pattern")
    results = grade(lab, '{"source": ' + "[" * 3000 + "]" * 3000 + "}")
    assert results and all("too deeply nested" in r.detail for r in results)
    assert not any("recursion" in r.detail.lower() for r in results)
