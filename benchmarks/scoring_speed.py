"""Scoring one finished 65-item exam with the psychometrics package: WLE ability and its SEM
in scaled points, EAP and posterior SD, the scaled score and pass, and the per-domain report
(right answers against a just-passing candidate's expected number right). Target: < 5 ms.

Run: .venv/bin/python benchmarks/scoring_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np

from _common import summary_ms, write
from certprep.bank.loader import bundled_bank_path, load_blueprint
from certprep.psychometrics.ability import eap, wle
from certprep.psychometrics.assembly import FormSpec
from certprep.psychometrics.model import ItemParams, probability
from certprep.psychometrics.scaling import ScoreScale

RUNS = 2000


def score(
    form: ItemParams, domain: Any, right: Any, scale: ScoreScale, n_domains: int
) -> dict[str, Any]:
    ability = wle(form, right)
    posterior = eap(form, right)
    expected = probability(form, [scale.cut_theta])[:, 0]
    got = np.bincount(domain, weights=right, minlength=n_domains)
    bar = np.bincount(domain, weights=expected, minlength=n_domains)
    return {
        "scaled": int(scale.reported(ability.theta)),
        "passed": bool(scale.passed(ability.theta)),
        "sem": float(scale.sem(ability.se)),
        "eap": posterior.theta,
        "psd": posterior.se,
        "meets": (got >= bar).tolist(),
    }


def main() -> None:
    blueprint = load_blueprint(bundled_bank_path())
    spec = FormSpec.from_blueprint(blueprint)
    scale = ScoreScale.from_exam(blueprint.exam)
    rng = np.random.default_rng(3)
    n = spec.form_length
    form = ItemParams(
        np.exp(rng.normal(0.2, 0.25, n)), rng.normal(0.5, 0.7, n), rng.uniform(0.05, 0.25, n)
    )
    task = np.concatenate([[t] * k for t, k in sorted(spec.quotas(rng).items())])
    domain = np.array([spec.task_domain[t] for t in task]) - 1
    patterns = (rng.random((RUNS, n)) < 0.65).astype(np.int8)
    samples = []
    for row in patterns:
        start = time.perf_counter()
        report = score(form, domain, row, scale, len(spec.domain_counts))
        samples.append(time.perf_counter() - start)
    timing = summary_ms(samples)
    write(
        "scoring_speed",
        {
            "items": n,
            "score_one_exam": timing,
            "median_us": round(timing["median_ms"] * 1000, 1),
            "example": report,
            "target": "median < 5 ms",
        },
    )


if __name__ == "__main__":
    main()
