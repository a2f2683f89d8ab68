"""Calibrating 20,000 examinees x 1,000 items, 75 responses each (sparse), 2PL, 61 quadrature
points: certprep against the mirt package (the ``bench`` extra: pip install 'certprep[bench]').

Each package runs in its own fresh process on the same simulated data (same seed), so that
each one's peak memory (maximum resident set size) is its own. Time is the fit alone, with
both packages' defaults otherwise (tolerance 1e-4 on parameter change; standard errors off
for the timed fit, certprep's Louis standard errors timed separately); the median of ``--repeat``
fits (3) is reported, with every fit's time, since a shared machine's load varies. certprep's
traced peak (tracemalloc) is the memory its numpy and scipy arrays took at once. RMSE of a and b against
the true parameters after mean/sigma linking to the true scale.

Run: .venv/bin/python benchmarks/calibration_speed.py [--examinees N] [--items M] [--responses K]
Targets: certprep >= 10x faster than mirt at equal or better recovery, peak < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np

from _common import write


def simulate(n: int, m: int, k: int, seed: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    a = np.exp(rng.normal(np.log(1.2), 0.25, m))
    b = rng.normal(0.0, 1.0, m)
    theta = rng.normal(0.0, 1.0, n)
    # each examinee's k items, drawn in blocks so the data cost little memory
    item = np.concatenate(
        [
            np.argpartition(rng.random((min(2000, n - lo), m)), k - 1, axis=1)[:, :k].ravel()
            for lo in range(0, n, 2000)
        ]
    )
    person = np.repeat(np.arange(n), k)
    p = 1.0 / (1.0 + np.exp(-a[item] * (theta[person] - b[item])))
    right = (rng.random(len(item)) < p).astype(np.int8)
    return a, b, person, item, right


def rmse_linked(a_hat: Any, b_hat: Any, a: Any, b: Any) -> tuple[float, float]:
    slope = b.std() / b_hat.std()
    intercept = b.mean() - slope * b_hat.mean()
    return (
        float(np.sqrt(np.mean((a_hat / slope - a) ** 2))),
        float(np.sqrt(np.mean((slope * b_hat + intercept - b) ** 2))),
    )


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(package: str, n: int, m: int, k: int, seed: int, repeat: int) -> dict[str, Any]:
    a, b, person, item, right = simulate(n, m, k, seed)
    before = rss_mb()
    out: dict[str, Any] = {"package": package}
    if package == "certprep":
        from certprep.psychometrics.calibration import calibrate
        from certprep.psychometrics.responses import Responses

        responses = Responses(person, item, right, n, m)
        times = []
        tracemalloc.start()
        for _ in range(repeat):
            start = time.perf_counter()
            cal = calibrate(responses, standard_errors=False)
            times.append(time.perf_counter() - start)
        out["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
        a_hat, b_hat = cal.params.a, cal.params.b
        out |= {"iterations": cal.iterations, "converged": cal.converged}
        start = time.perf_counter()
        with_se = calibrate(responses)
        out["seconds_with_standard_errors"] = round(time.perf_counter() - start, 3)
        out["mean_se_a"] = round(float(np.nanmean(with_se.se_a)), 4)
        out["mean_se_b"] = round(float(np.nanmean(with_se.se_b)), 4)
    else:
        import mirt

        matrix = np.full((n, m), -1, dtype=np.int64)
        matrix[person, item] = right
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            res = mirt.fit_mirt(matrix, model="2PL", n_quadpts=61, compute_standard_errors=False)
            times.append(time.perf_counter() - start)
        a_hat = np.asarray(res.model.parameters["discrimination"]).ravel()
        b_hat = np.asarray(res.model.parameters["difficulty"]).ravel()
        out |= {"iterations": res.n_iterations, "converged": bool(res.converged)}
        out["version"] = getattr(mirt, "__version__", "?")
    out["rmse_a"], out["rmse_b"] = (round(x, 4) for x in rmse_linked(a_hat, b_hat, a, b))
    out["seconds"] = round(statistics.median(times), 3)
    out["seconds_each"] = [round(t, 3) for t in times]
    out["peak_rss_mb"] = round(rss_mb(), 1)
    out["rss_before_fit_mb"] = round(before, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examinees", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--responses", type=int, default=75)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed fits per package")
    parser.add_argument("--run", choices=["certprep", "mirt"])
    args = parser.parse_args()
    sizes = (args.examinees, args.items, args.responses, args.seed)
    if args.run:
        print(json.dumps(run_one(args.run, *sizes, repeat=args.repeat)))
        return
    results = {}
    for package in ("certprep", "mirt"):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                *("--run", package, f"--examinees={args.examinees}", f"--items={args.items}"),
                *(
                    f"--responses={args.responses}",
                    f"--seed={args.seed}",
                    f"--repeat={args.repeat}",
                ),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            results[package] = {"error": proc.stderr.strip().splitlines()[-1:]}
            continue
        results[package] = json.loads(proc.stdout.strip().splitlines()[-1])
    summary: dict[str, Any] = {
        "examinees": args.examinees,
        "items": args.items,
        "responses_each": args.responses,
        "model": "2PL",
        "quadrature_points": 61,
        "results": results,
        "target": "certprep >= 10x faster than mirt at equal or better RMSE; peak < 1500 MB",
    }
    if "seconds" in results.get("mirt", {}) and "seconds" in results["certprep"]:
        summary["speedup"] = round(results["mirt"]["seconds"] / results["certprep"]["seconds"], 1)
    write("calibration_speed", summary)


if __name__ == "__main__":
    main()
