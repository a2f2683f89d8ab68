"""Lab grading speed, per lab kind: the first grade in a fresh process (cold: imports,
cfn-lint's rules, the moto emulator), then every lab of the kind graded repeatedly (warm:
median and p95 per lab, and the slowest lab's median); and single evaluations of the pattern
and policy engines.

Warm targets (issue 6): a CloudFormation lab < 0.3 s; an event-pattern or filter-pattern
evaluation < 20 µs; an IAM request evaluation < 100 µs; a boto3 lab (the script in its own
process plus the state checks) < 1 s.

Run: .venv/bin/python benchmarks/lab_grading.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import summary_ms, write

WARM_RUNS = {"boto3-script": 10, "cloudformation": 20}


def grade_kind(kind: str) -> dict[str, Any]:
    """In this process: the first grade of the kind's first lab (cold), then each of its labs
    graded repeatedly (warm)."""
    start = time.perf_counter()
    from certprep.labs.catalog import all_labs
    from certprep.labs.grading import grade

    labs = sorted((x for x in all_labs().values() if x.kind == kind), key=lambda x: x.id)
    result: dict[str, Any] = {"cold_first_grade_ms": None, "warm": {}}
    with tempfile.TemporaryDirectory() as folder:
        for lab in labs:
            workspace = Path(folder) / lab.id
            workspace.mkdir()
            (workspace / lab.artifact).write_text(lab.solution, encoding="utf-8")
            first = grade(lab, lab.solution, workspace)
            if result["cold_first_grade_ms"] is None:
                result["cold_first_grade_ms"] = round((time.perf_counter() - start) * 1000, 1)
            assert all(r.passed for r in first), [r for r in first if not r.passed]
            samples = []
            for _ in range(WARM_RUNS.get(kind, 50)):
                start_one = time.perf_counter()
                grade(lab, lab.solution, workspace)
                samples.append(time.perf_counter() - start_one)
            result["warm"][lab.id] = summary_ms(samples)
    result["slowest_warm_median_ms"] = max(s["median_ms"] for s in result["warm"].values())
    return result


def per_kind() -> dict[str, Any]:
    from certprep.labs.catalog import all_labs

    results = {}
    for kind in sorted({lab.kind for lab in all_labs().values()}):
        print(f"  grading the {kind} labs in a fresh process...", flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--kind", kind],
            capture_output=True,
            text=True,
            check=True,
        )
        results[kind] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def evaluations() -> dict[str, float]:
    """Microseconds per single evaluation of each engine, warm."""
    from certprep.labs.catalog import all_labs
    from certprep.labs.graders import event_pattern

    labs = all_labs()
    lab = labs["s3-log-processing"]
    test = event_pattern.compile_pattern(event_pattern.parse(lab.solution))
    event = lab.checks[0].fields["match"][0]
    assert test(event)
    figures = {"event_pattern_us": _per_call_us(lambda: test(event))}
    figures.update(_extra_evaluations())
    return figures


def _extra_evaluations() -> dict[str, float]:
    import json

    from certprep.labs.graders import filter_pattern
    from certprep.labs.graders.iam_evaluation import PolicySet, Principal, Request, evaluate
    from certprep.labs.graders.iam_policy import parse_policy

    trail = filter_pattern.parse(
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    )
    event = json.dumps(
        {
            "eventVersion": "1.08",
            "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/r/s"},
            "eventSource": "ec2.amazonaws.com",
            "eventName": "RunInstances",
            "awsRegion": "us-east-1",
            "errorCode": "Client.UnauthorizedOperation",
            "errorMessage": "You are not authorized to perform this operation.",
        }
    )
    access = filter_pattern.parse(
        "[ip, id, user, timestamp, request, status_code = 5*, bytes, referrer, agent]"
    )
    line = (
        '10.0.1.17 - - [14/May/2024:02:11:47 +0000] "POST /api/orders HTTP/1.1" 502 157 '
        '"-" "okhttp/4.12.0"'
    )
    assert trail.matches(event) and access.matches(line)

    def policy(kind: str, *statements: dict[str, object]) -> object:
        return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, kind, kind)

    everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    full_access = policy("scp", everything)
    region_guardrail = policy(
        "scp",
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "organizations:*", "route53:*", "cloudfront:*"],
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/PlatformAdmin"},
            },
        },
    )
    policies = PolicySet(
        identity=(policy("identity", everything),),  # type: ignore[arg-type]
        scps=((full_access,), (full_access, region_guardrail), (full_access,)),  # type: ignore[arg-type]
    )
    request = Request(
        Principal.parse("arn:aws:sts::333344445555:assumed-role/AppDeployer/ci"),
        "ec2:RunInstances",
        "arn:aws:ec2:us-east-1:333344445555:instance/*",
    )
    assert evaluate(request, policies).outcome.name == "EXPLICIT_DENY"
    return {
        "filter_pattern_json_cloudtrail_us": _per_call_us(lambda: trail.matches(event)),
        "filter_pattern_space_delimited_us": _per_call_us(lambda: access.matches(line)),
        "iam_request_scp_levels_and_identity_us": _per_call_us(
            lambda: evaluate(request, policies), runs=5_000
        ),
    }


def _per_call_us(call: Any, runs: int = 20_000) -> float:
    return round(min(timeit.repeat(call, number=runs, repeat=3)) / runs * 1e6, 2)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--kind":
        print(json.dumps(grade_kind(sys.argv[2])))
        return
    write(
        "lab_grading",
        {
            "evaluations_us": evaluations(),
            "lab_grade_by_kind": per_kind(),
            "targets": {
                "cloudformation warm": "< 300 ms",
                "event/filter pattern evaluation": "< 20 us",
                "IAM request evaluation": "< 100 us",
                "boto3-script warm": "< 1000 ms",
            },
        },
    )


if __name__ == "__main__":
    main()
