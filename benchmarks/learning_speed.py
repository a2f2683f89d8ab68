"""The learning engine's speed: recording a review (target < 5 ms of server time), and mastery
plus "what to study next" for a learner with 5,000 responses (target < 100 ms).

Run: .venv/bin/python benchmarks/learning_speed.py
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import summary_ms, write
from certprep.bank.loader import Bank, bundled_bank_path, load_blueprint
from certprep.bank.synthetic import synthetic_items
from certprep.clock import FixedClock
from certprep.domain.irt import parameters
from certprep.domain.mastery import Response, mastery_by_area, study_next
from certprep.runtime import Runtime
from certprep.services.learning import Outcome

RESPONSES = 5_000


def main() -> None:
    blueprint = load_blueprint(bundled_bank_path())
    items = synthetic_items(blueprint, live_per_task=300, pretest_per_task=0, seed=2)
    bank = Bank(blueprint, {i.id: i for i in items})
    rng = random.Random(4)
    clock = FixedClock(datetime(2026, 1, 5, tzinfo=UTC))
    data = Path(tempfile.mkdtemp())
    rt = Runtime(database_url=f"sqlite:///{data / 'bench.db'}", clock=clock)
    rt.__dict__["bank"] = bank

    # (a) recording a review: an existing card, rated again
    chosen = rng.sample(items, 200)
    rt.learning.record([Outcome(i.id, False, False, clock.now()) for i in chosen])
    samples = []
    for n, item in enumerate(chosen):
        clock.advance(minutes=1)
        outcome = Outcome(item.id, n % 3 != 0, False, clock.now())
        start = time.perf_counter()
        rt.learning.record([outcome])
        samples.append(time.perf_counter() - start)

    # (b) mastery and what next for 5,000 responses (the computation, from loaded responses)
    sample = rng.sample(items, RESPONSES)
    responses = [
        Response(
            i.id,
            blueprint.domain_of_task[i.task],
            i.task,
            i.skills,
            parameters(i),
            rng.random() < 0.6,
        )
        for i in sample
    ]
    compute = []
    for _ in range(20):
        start = time.perf_counter()
        study_next(mastery_by_area(responses, blueprint), blueprint)
        compute.append(time.perf_counter() - start)

    # (c) the same, end to end through the service: 5,000 practice answers in the database
    for chunk in range(0, RESPONSES, 100):
        ids = [i.id for i in sample[chunk : chunk + 100]]
        state = rt.exams.start_selected(ids, seed=chunk)
        for p in range(len(ids)):
            rt.exams.answer(state.attempt.id, p, [0])
        clock.advance(hours=1)
    clock.advance(days=1)
    gc.freeze()  # as the web app does after start-up: long-lived objects leave the collector's scans
    end_to_end = []
    for _ in range(5):
        start = time.perf_counter()
        masteries = rt.learning.mastery()
        rt.learning.study_next(masteries)
        end_to_end.append(time.perf_counter() - start)
    assert masteries["all"].answered == RESPONSES, masteries["all"].answered
    write(
        "learning_speed",
        {
            "record_review": {**summary_ms(samples), "target": "< 5 ms"},
            "mastery_and_next_5000_responses_compute": {
                **summary_ms(compute),
                "target": "< 100 ms",
            },
            "mastery_and_next_5000_responses_with_database_read": summary_ms(end_to_end),
            "at": (datetime.now(UTC) - timedelta(0)).isoformat(timespec="seconds"),
        },
    )


if __name__ == "__main__":
    main()
