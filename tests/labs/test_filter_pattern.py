"""CloudWatch Logs filter patterns and metric filters, with golden cases from the AWS
documentation (each group names its page):

- [SYNTAX] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
  (regex, unstructured, JSON and space-delimited sections)
- [REGEX] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html
- [METRIC] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntaxForMetricFilters.html
- [BYTES] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/ExtractBytesExample.html
- [404] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Counting404Responses.html
- [4XX] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FindCountMetric.html
- [TERM] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CountOccurrencesExample.html
- [TRAIL] https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
- [ARCHIVED] the guide's earlier FilterAndPatternSyntax page, kept at
  https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide/blob/master/doc_source/FilterAndPatternSyntax.md
  (examples the current page dropped: ERRORCODE, Ev*ent, arrays as selectors)
- [NATIVE] what the guide leaves open, as CloudWatch Logs' own TestMetricFilter answered it
  (answers recorded in github.com/radkawar/stackd, testdata/aws/logs/filters.json and
  metric_filter_extractors.json; the events here are written anew)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders.filter_pattern import (
    FilterPatternError,
    metric_filter,
    parse,
)
from certprep.labs.grading import grade
from certprep.labs.kinds.filter_pattern import read_artifact


def matching(pattern: str, events: list[str]) -> list[str]:
    compiled = parse(pattern)
    return [e for e in events if compiled.matches(e)]


def one_line(event: dict[str, Any]) -> str:
    return json.dumps(event)


# --- [SYNTAX] unstructured log events -------------------------------------------------------

REQUESTS = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ERROR", REQUESTS),
        ("ERROR ARGUMENTS", REQUESTS[2:]),
        ("?ERROR ?ARGUMENTS", REQUESTS),
        ("ERROR -ARGUMENTS", REQUESTS[:2]),
        ('"INTERNAL SERVER ERROR"', []),
    ],
)
def test_terms_from_the_guide(pattern: str, expected: list[str]) -> None:
    assert matching(pattern, REQUESTS) == expected


def test_an_exact_phrase_must_appear_as_written() -> None:
    events = ["[ERROR 500] INTERNAL SERVER ERROR", "[ERROR 500] INTERNAL ERROR ON SERVER"]
    assert matching('"INTERNAL SERVER ERROR"', events) == events[:1]


def test_question_mark_terms_are_ignored_next_to_other_terms() -> None:
    # the guide: "?ERROR ?ARGUMENTS REQUEST" matches every event containing REQUEST
    events = [
        "[INFO] REQUEST FAILED",
        "[WARN] UNAUTHORIZED REQUEST",
        "[ERROR] 400 BAD REQUEST",
        "[ERROR 419] MISSING ARGUMENTS",
    ]
    assert matching("?ERROR ?ARGUMENTS REQUEST", events) == events[:3]
    # [NATIVE] and next to an exclusion: only the exclusion is left
    assert matching("?ERROR ?ARGUMENTS -REQUEST", ["plain", "ERROR REQUEST"]) == ["plain"]


def test_terms_are_case_sensitive_and_match_inside_words() -> None:
    # [ARCHIVED] "ERROR" matches "Exiting with ERRORCODE: -1"; [TERM] patterns are case sensitive
    assert parse("ERROR").matches("Exiting with ERRORCODE: -1")
    assert not parse("ERROR").matches("error arguments request")
    assert parse("Error").matches("This message contains an Error")
    assert not parse("Error").matches("This message contains an ERROR")
    # [ARCHIVED] "ERROR" - "Exiting" excludes the ERRORCODE line
    assert not parse('"ERROR" - "Exiting"').matches("Exiting with ERRORCODE: -1")


def test_the_empty_pattern_matches_everything_and_a_quoted_space_is_a_term() -> None:
    assert parse("").matches("anything") and parse("   ").matches("x")
    # [SYNTAX] offers " " to match everything; [NATIVE] it is the term "a space"
    assert parse('" "').matches("[ERROR 400] BAD REQUEST")
    assert not parse('" "').matches("ERROR-REQUEST")


# --- [SYNTAX] / [REGEX] regular expressions -------------------------------------------------


@pytest.mark.parametrize(
    ("regex", "hits", "misses"),
    [
        (
            "%AUTHORIZED%",
            ["[ERROR 401] UNAUTHORIZED REQUEST", "[SUCCESS 200] AUTHORIZED REQUEST"],
            ["[INFO] OK"],
        ),
        ("%^[hc]at%", ["hat", "cat trick"], ["that"]),
        ("%[hc]at$%", ["that", "a cat"], ["cats"]),
        ("%colou?r%", ["color", "colour"], ["colouur"]),
        ("%a{3,5}%", ["aaa", "xaaaaay"], ["aa"]),
        ("%gra|ey%", ["gray", "grey"], ["green"]),
        (
            "%^starting|^initializing|^shutting down%",
            ["starting workers", "initializing cache", "shutting down"],
            ["skipping initializing cache"],
        ),
        ("%\\[.\\]%", ["[a]", "[7]", "[ ]"], ["[ab]"]),
        ("%10\\.10\\.0\\.1%", ["10.10.0.1"], ["10010,051"]),
        ("%10.10.0.1%", ["10.10.0.1", "10010,051"], ["10.10.0"]),
        ("%ab*c%", ["ac", "abc", "abbbc"], ["ab"]),
        ("%ab+c%", ["abc", "abbc"], ["ac"]),
        ("%.at%", ["hat", "#at", " at"], ["at"]),
        ("%\\d%", ["a1"], ["abc"]),
        ("%^\\D+$%", ["abc"], ["a1"]),
        ("%\\w\\s\\w%", ["a b"], ["a-b"]),
        ("%\\x3A%", ["a:b"], ["ab"]),
        ("%\\x28%", ["f(x)"], ["fx"]),
        ("%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%", ["from 192.168.1.20"], ["from host-a"]),
        ("%[Ee]rror|[Ff]ail%", ["Error", "error", "Fail", "fail"], ["ERROR"]),
    ],
)
def test_regex_operators_from_the_guide(regex: str, hits: list[str], misses: list[str]) -> None:
    assert matching(regex, hits + misses) == hits


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("%something!%", "'!'"),
        ("%^(ERROR|WARN)%", "parentheses are not supported"),
        ("%café%", "multi-byte"),
        ("%[abc%", "without its ']'"),
        ("%\\bword%", "escape \\b"),
        ("%*a%", "nothing before it to repeat"),
        ("%ERROR% WARN", "must be the whole pattern"),
    ],
)
def test_unsupported_regexes_are_rejected_with_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError, match=None) as caught:
        parse(pattern)
    assert reason in str(caught.value)


# --- [SYNTAX] JSON log events ---------------------------------------------------------------

TRAIL_EVENT = one_line(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "cluster.name": "c",
    }
)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventType = "UpdateTrail" }',
        "{ $.sourceIPAddress != 123.123.* }",
        '{ $.arrayKey[0] = "value" }',
        "{ $.objectList[1].id = 2 }",
        "{ $.eventType = %Trail% }",
        "{ $.arrayKey[*] = %val.{2}% }",
        "{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }",
        "{ $.['cluster.name'] = \"c\" }",
        "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }",
        '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',  # [METRIC]
    ],
)
def test_json_patterns_from_the_guide_match_its_event(pattern: str) -> None:
    assert parse(pattern).matches(TRAIL_EVENT)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventType = "Update" }',
        "{ $.sourceIPAddress != 111.111.* }",
        '{ $.arrayKey[1] = "value" }',
        "{ $.eventType IS NULL }",
        "{ $.SomeObject NOT EXISTS }",
        "{ $.arrayKey = value }",  # [ARCHIVED] a selector on an array matches nothing
        "{ $.arrayKey != value }",
    ],
)
def test_json_patterns_that_do_not_match_the_guides_event(pattern: str) -> None:
    assert not parse(pattern).matches(TRAIL_EVENT)


USERS_EVENT = one_line(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [
            {"id": 2, "email": "John.Doe@example.com"},
            {"id": 3, "email": "Jane.Doe@example.com"},
        ],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
        (
            '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch"'
            ' && $.actions[2] = "nonmatch" }',
            True,
        ),
        (
            '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch")'
            ' && $.actions[2] = "nonmatch" }',
            False,
        ),
        ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
    ],
)
def test_compound_json_expressions_follow_and_before_or(pattern: str, matches: bool) -> None:
    assert parse(pattern).matches(USERS_EVENT) is matches


@pytest.mark.parametrize(
    ("pattern", "event", "matches"),
    [
        ("{ $.bandwidth > 75 }", {"bandwidth": 80}, True),
        ("{ $.latency < 50 }", {"latency": 50}, False),
        ("{ $.refreshRate >= 60 }", {"refreshRate": 60}, True),
        ("{ $.responseTime <= 5 }", {"responseTime": 4.5}, True),
        ("{ $.errorCode = 400}", {"errorCode": 400}, True),
        ("{ $.errorCode != 500 }", {"errorCode": 500}, False),
        ("{ $.number[0] = 1e+3 }", {"number": [1000]}, True),
        ("{ $.number[0] != 1e-3 }", {"number": [0.001]}, False),
        ("{ $.latency > +1000 }", {"latency": 1000.5}, True),  # [ARCHIVED]
        ("{ $.ThisFlag IS TRUE }", {"ThisFlag": True}, True),  # [ARCHIVED]
        ("{ $.ThisFlag IS FALSE }", {"ThisFlag": True}, False),
    ],
)
def test_numeric_and_boolean_json_conditions(
    pattern: str, event: dict[str, Any], matches: bool
) -> None:
    assert parse(pattern).matches(one_line(event)) is matches


def test_json_values_as_cloudwatch_compares_them() -> None:
    # [NATIVE] numbers compare as numbers, text as text; strings never order; booleans and
    # null are no values for = or !=; the last of duplicate keys wins
    events = [
        '{"v":1}', '{"v":1.0}', '{"v":1e0}', '{"v":"1"}', '{"v":"1.0"}', '{"v":"10"}',
        '{"v":true}', '{"v":null}', "{}", '{"v":[1]}', "not JSON", '{"v":2,"v":1}',
    ]  # fmt: skip
    assert matching("{ $.v = 1 }", events) == [events[i] for i in (0, 1, 2, 3, 11)]
    assert matching("{ $.v != 1 }", events) == ['{"v":"1.0"}', '{"v":"10"}']
    assert matching('{ $.v = "1" }', events) == [events[i] for i in (0, 3, 11)]
    assert matching("{ $.v > 1 }", events) == []
    assert matching("{ $.v = true }", ['{"v":true}', '{"v":"true"}']) == ['{"v":"true"}']
    assert matching("{ $.v = * }", events) == [events[i] for i in (0, 1, 2, 3, 4, 5, 11)]
    assert matching("{ $.v IS NULL }", ['{"v":null}', '{"v":[1,null]}', "{}"]) == [
        '{"v":null}',
        '{"v":[1,null]}',
    ]


def test_wildcards_in_json_strings() -> None:
    assert matching('{ $.v = "Alpha*" }', ['{"v":"Alphabet"}', '{"v":"xAlpha"}']) == [
        '{"v":"Alphabet"}'
    ]
    assert matching('{ $.v = "*Alpha" }', ['{"v":"Alphabet"}', '{"v":"xAlpha"}']) == [
        '{"v":"xAlpha"}'
    ]
    # [ARCHIVED] "Ev*ent will only match the actual string Ev*ent"
    assert matching("{ $.v = Ev*ent }", ['{"v":"Ev*ent"}', '{"v":"Event"}']) == ['{"v":"Ev*ent"}']


def test_the_cloudtrail_authorization_failures_filter() -> None:
    # [TRAIL] example: authorization failures
    pattern = parse(
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    )
    assert pattern.matches(
        '{"eventName": "RunInstances", "errorCode": "Client.UnauthorizedOperation"}'
    )
    assert pattern.matches('{"eventName": "GetParameter", "errorCode": "AccessDeniedException"}')
    assert not pattern.matches('{"eventName": "DescribeTable", "errorCode": "ThrottlingException"}')
    assert not pattern.matches('{"eventName": "DescribeInstances"}')


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("{ $.a = 1", "to close the JSON filter pattern"),
        ("{ $.a == 1 }", "unknown operator '=='"),
        ("{ $.a IS NOT NULL }", "IS NOT is not supported"),
        ("{ $.a EXISTS }", "EXISTS is not supported"),
        ("{ $.a = null }", "use IS NULL"),
        ('{ $.a > "Alpha" }', "compares numbers"),
        ("{ $.a = user@example.com }", "put it in double quotes"),
        ("{ $.items[*].* = 1 }", "more than one wildcard"),
        ("{ $.a[*] = 1 || $.b[*] = 1 || $.* = 1 || $.c[*] = 1 }", "three wildcard"),
        ("{ $.v = %A% || $.v = %B% || $.v = %C% }", "two regexes"),
        ("{ $..value = 1 }", "not valid"),
        ("{ $.arr[-1] = 1 }", "not valid"),
        ('{ "v": [1] }', "starting with $."),
        ("{ $.a = 1 } extra", "after the closing brace"),
        ("{ ($.a = 1 }", "to close a parenthesis"),
    ],
)
def test_invalid_json_patterns_are_rejected_with_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse(pattern)
    assert reason in str(caught.value)


# --- [SYNTAX] space-delimited log events ----------------------------------------------------

PROD = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'


@pytest.mark.parametrize(
    "pattern",
    [
        "[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        "[..., request =*.html*, status_code = 4*, bytes]",
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        "[ip, server, username, timestamp, request, status_code, bytes > 1000]",  # [METRIC]
        "[ip, user, ...]",  # [ARCHIVED]
    ],
)
def test_space_delimited_patterns_from_the_guide(pattern: str) -> None:
    assert parse(pattern).matches(PROD)


@pytest.mark.parametrize(
    "pattern",
    [
        "[ip, user, username, timestamp, request = *.gif*, status_code, bytes]",
        "[..., status_code = 5*, bytes]",
        "[ip, user, username, timestamp, request, status_code, bytes > 2000]",
        "[ip, user, username, timestamp, request, status_code, bytes, extra]",
    ],
)
def test_space_delimited_patterns_that_do_not_match(pattern: str) -> None:
    assert not parse(pattern).matches(PROD)


def test_the_guide_extracts_these_fields_from_its_event() -> None:
    # [METRIC] "the metric filter finds following fields and values"
    pattern = parse("[ip, server, username, timestamp, request, status_code, bytes > 1000]")
    extracted = pattern.structure.extract(PROD)  # type: ignore[union-attr]
    assert extracted is not None
    assert {k: v for k, v in extracted.items() if not k[1:].isdigit()} == {
        "$bytes": "1534",
        "$status_code": "404",
        "$request": "GET /index.html HTTP/1.0",
        "$timestamp": "10/Oct/2000:13:25:15 -0700",
        "$username": "frank",
        "$server": "Prod",
        "$ip": "127.0.0.1",
    }


SERVICE_LOG = [
    "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200",
    "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310",
    "WARNING 09/25/2014 12:00:02 Invalid user request",
    "ERROR 09/25/2014 12:00:02 Failed to process request",
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[w1=ERROR, w2]", SERVICE_LOG[3:]),
        ("[w1=ERROR || w1=WARNING, w2]", SERVICE_LOG[2:]),
        ("[w1!=ERROR && w1!=WARNING, w2]", SERVICE_LOG[:2]),
        ("[w1=ERROR || w1=%WARN%, w2]", SERVICE_LOG[2:]),  # [METRIC]
        (
            "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
            SERVICE_LOG[:1],
        ),
        (
            "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]",
            SERVICE_LOG[1:2],
        ),
    ],
)
def test_terms_in_order_from_the_guide(pattern: str, expected: list[str]) -> None:
    assert matching(pattern, SERVICE_LOG) == expected


def test_log_lines_split_as_cloudwatch_splits_them() -> None:
    # [NATIVE] tabs and runs of spaces separate fields; the last field takes the rest of the
    # line; an unclosed quote is an ordinary character; [] matches every event
    fields = parse("[ip, identity, user, timestamp, request, status, bytes]").structure
    extra = '127.0.0.5  -  frank [10/Oct/2000:13:25:19 -0700] "GET /i.html HTTP/1.0" 404 1534 extra'
    assert fields.extract(extra)["$bytes"] == "1534 extra"  # type: ignore[union-attr,index]
    tabs = '127.0.0.6\t-\tfrank\t[10/Oct/2000:13:25:20 -0700]\t"GET /i.html HTTP/1.0"\t404\t1534'
    assert fields.extract(tabs)["$status"] == "404"  # type: ignore[union-attr,index]
    assert parse("[..., bytes]").structure.extract('ERROR "unterminated words') == {  # type: ignore[union-attr]
        "$1": "ERROR",
        "$2": '"unterminated',
        "$3": "words",
        "$bytes": "words",
    }
    assert parse("[]").matches("anything at all")
    empty = parse('[a, b, c = "", d]').structure.extract('x [] "" y')  # type: ignore[union-attr]
    assert empty is not None and (empty["$b"], empty["$c"]) == ("", "")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[ip, user", "not closed"),
        ("[status = 4* && bytes > 1000]", "can only test 'status'"),  # [NATIVE] rejects it
        ("[..., status, ...]", "at most one ..."),
        ("[word, word]", "used twice"),
        ("[a = %x% , b = %y%, c = %z%]", "two regexes"),
        ("[ERROR] -healthz", "quote it"),
        ("[a > high]", "compares numbers"),
    ],
)
def test_invalid_space_delimited_patterns(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse(pattern)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("ERROR:", "put it in double quotes"),
        ("ERR*", "put it in double quotes"),  # [NATIVE] "Invalid character(s) in term"
        ('"ERROR', "not closed"),
        ("ERROR -", "must be followed by a term"),
        ("x" * 1025, "at most 1024"),
    ],
)
def test_invalid_term_patterns(pattern: str, reason: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        parse(pattern)
    assert reason in str(caught.value)


# --- metric values --------------------------------------------------------------------------

APACHE = [
    '127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287',
    '127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287',
    '127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /~test/ HTTP/1.1" 200 3',
    '127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308',
    '127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308',
    '127.0.0.1 - - [24/Sep/2013:11:51:34 -0700] "GET /~test/index.html HTTP/1.1" 200 3',
]


@pytest.mark.parametrize("value", ["$size", "$7"])
def test_bytes_transferred_from_an_apache_log(value: str) -> None:
    # [BYTES] metricValue $size (the seventh token, "$7")
    mf = metric_filter("[ip, id, user, timestamp, request, status_code, size]", value)
    assert [mf.value(line) for line in APACHE] == [287, 287, 3, 308, 308, 3]


def test_counting_404_and_4xx_responses() -> None:
    # [404] and [4XX]: metric value 1 for each matching event, nothing for the others
    not_found = metric_filter("[ip, id, user, timestamp, request, status_code=404, size]", "1")
    client_errors = metric_filter("[ip, id, user, timestamp, request, status_code=4*, size]", "1")
    assert [not_found.value(line) for line in APACHE] == [1, 1, None, 1, 1, None]
    assert [client_errors.value(line) for line in APACHE] == [1, 1, None, 1, 1, None]
    bob = '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb2.gif HTTP/1.0" 200 2326'
    assert not_found.value(bob) is None


def test_latency_from_a_json_event() -> None:
    # [METRIC] { $.latency = * } metricValue: $.latency publishes 50
    mf = metric_filter("{ $.latency = * }", "$.latency")
    assert mf.value('{"latency": 50, "requestType": "GET"}') == 50
    assert mf.value('{"requestType": "GET"}') is None  # no match, nothing published
    # a matching event whose value is not a number publishes nothing, never 0
    assert mf.value('{"latency": "slow"}') is None
    assert metric_filter("[kind, value]", "$value").value("SPACE n/a") is None


def test_metric_values_cloudwatch_rejects_or_admits() -> None:
    with pytest.raises(FilterPatternError, match="wildcard"):
        metric_filter("{ $.items[*].value = * }", "$.items[*].value")  # [NATIVE] rejected
    with pytest.raises(FilterPatternError, match="must be a number"):
        metric_filter("{ $.a = 1 }", "latency")
    # [NATIVE] admitted, but a field the pattern does not define publishes nothing
    assert metric_filter("[kind, value]", "$missing").value("SPACE 17") is None
    assert metric_filter("ERROR", "$.latency").value("ERROR 42") is None


# --- the kind: artifacts and grading --------------------------------------------------------


def test_a_metric_filter_document_is_read_with_the_api_field_names() -> None:
    text = "filterPattern: '{ $.a = 1 }'\nmetricTransformations:\n  - {metricName: M, metricNamespace: N, metricValue: 1}\n"
    assert read_artifact("metric-filter.yaml", text) == ("{ $.a = 1 }", "1")
    assert read_artifact("filter-pattern.txt", '  "[ERROR]"\n') == ('"[ERROR]"', None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("filterPattern: {\n", "not valid YAML"),
        ("filterPattern: { $.a = 1 }\nmetricTransformations: []", "must be a string"),
        ("filterPattern: x\nmetricTransformations: []", "exactly one transformation"),
        (
            "filterPattern: x\nfilterPatern: y\nmetricTransformations: []",
            "unknown field 'filterPatern'",
        ),
        (
            "filterPattern: x\nmetricTransformations: [{metricName: M, metricNamespace: N}]",
            "needs metricValue",
        ),
        (
            "filterPattern: x\nmetricTransformations: [{metricName: M, metricNamespace: N, metricValue: '1', defaultValue: 0, dimensions: {IP: $ip}}]",
            "cannot have a defaultValue",
        ),
    ],
)
def test_a_broken_metric_filter_fails_every_check_with_the_reason(text: str, reason: str) -> None:
    lab = all_labs()["checkout-latency-metric-filter"]
    results = grade(lab, text)
    assert all(not r.passed and reason in r.detail for r in results), results[0].detail


def test_a_rejected_pattern_fails_every_check_and_never_raises() -> None:
    lab = all_labs()["api-5xx-access-log-metric"]
    results = grade(lab, "[ip, user")
    assert all(
        not r.passed
        and r.detail.startswith(
            "CloudWatch Logs would reject this filter pattern: the pattern is not closed"
        )
        for r in results
    )


def test_question_marks_next_to_an_exclusion_fail_the_error_lab() -> None:
    lab = all_labs()["payment-worker-error-filter"]
    failed = {r.name for r in grade(lab, '?"[ERROR]" ?"[FATAL]" -"GET /healthz"') if not r.passed}
    assert failed == {"ignores lines that only mention errors", "ignores routine lines"}


def test_a_value_check_says_what_was_published() -> None:
    lab = all_labs()["checkout-latency-metric-filter"]
    counting = lab.solution.replace("metricValue: $.latencyMs", 'metricValue: "1"')
    detail = next(r.detail for r in grade(lab, counting) if not r.passed)
    assert "it publishes 1, where it should publish 182.4" in detail
    nothing = lab.solution.replace("$.latencyMs", "$.latency")
    detail = next(r.detail for r in grade(lab, nothing) if not r.passed)
    assert "it matches but publishes nothing ($.latency gives no number here)" in detail


def test_long_json_events_are_shortened_to_their_top_level_properties() -> None:
    lab = all_labs()["unauthorized-api-calls-alarm"]
    result = next(r for r in grade(lab, "?UnauthorizedOperation ?AccessDenied") if not r.passed)
    assert '"eventName": "PutMetricFilter"' in result.detail
    assert '"requestParameters": {...}' in result.detail
