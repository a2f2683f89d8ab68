"""Lab grading speed: one event-pattern evaluation (target < 20 µs warm), and grading a whole
event-pattern lab, cold (first call in the process) and warm.

Run: .venv/bin/python benchmarks/lab_grading.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import summary_ms, write


def main() -> None:
    start = time.perf_counter()
    from certprep.labs.catalog import all_labs
    from certprep.labs.graders.event_pattern import matches, parse
    from certprep.labs.grading import grade

    lab = all_labs()["s3-log-processing"]
    grade(lab, lab.solution)
    cold = time.perf_counter() - start
    pattern = parse(lab.solution)
    event = lab.checks[0].match[0]
    runs = 20_000
    start = time.perf_counter()
    for _ in range(runs):
        matches(pattern, event)
    per_eval = (time.perf_counter() - start) / runs
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        grade(lab, lab.solution)
        samples.append(time.perf_counter() - start)
    write(
        "lab_grading",
        {
            "event_pattern_evaluation_us": round(per_eval * 1e6, 2),
            "event_pattern_evaluation_target": "< 20 us (warm)",
            "event_pattern_lab_cold_ms": round(cold * 1000, 1),
            "event_pattern_lab_warm": summary_ms(samples),
        },
    )


if __name__ == "__main__":
    main()
