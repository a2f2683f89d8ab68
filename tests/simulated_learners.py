"""Learners with known abilities who answer through the real services (so their answers are
in the step logs like anyone's), for the calibration, analysis and readiness tests."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from certprep.runtime import Runtime

TRUE_A = 1.3


def true_b(item_id: str) -> float:
    """A known difficulty per item, spread over -1.5..1.5 by its id."""
    return (sum(map(ord, item_id)) % 31) / 10.0 - 1.5


def simulate(
    rt: Runtime,
    learners: int,
    per_learner: int,
    seed: int = 1,
    strong_pick: dict[str, int] | None = None,
    items: Iterable[str] | None = None,
) -> dict[str, float]:
    """Each learner (ability ~ N(0, 1)) answers ``per_learner`` items in one practice session,
    right with the 2PL probability. ``strong_pick[item] = k``: learners above average choose
    authored option k of that item instead (a key that strong learners reject)."""
    rng = random.Random(seed)
    pool = sorted(items if items is not None else rt.bank.items)
    abilities = {}
    for n in range(learners):
        name = f"sim-{seed}-{n:04d}"
        theta = rng.gauss(0.0, 1.0)
        abilities[name] = theta
        exams = rt.exams.for_learner(name)
        chosen = rng.sample(pool, per_learner)
        state = exams.start_selected(chosen, seed=n)
        for p, f in enumerate(state.attempt.form.items):
            item = rt.bank.items[f.item_id]
            right = rng.random() < 1 / (1 + math.exp(-TRUE_A * (theta - true_b(item.id))))
            keys = sorted(item.keys)
            wrong = [k for k in range(len(item.options)) if k not in item.keys][: len(keys)]
            authored = keys if right else wrong
            if strong_pick and item.id in strong_pick and theta > 0:
                authored = [strong_pick[item.id]]
            displayed = [f.option_order.index(a) for a in authored]
            exams.answer(state.attempt.id, p, displayed)
    return abilities
