"""Assembling a full exam form from a synthetic bank of 10,000 items (target: median < 20 ms).

Run: .venv/bin/python benchmarks/form_assembly.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import summary_ms, write
from certprep.bank.loader import bundled_bank_path, load_blueprint
from certprep.bank.synthetic import synthetic_items
from certprep.domain.form import BankIndex, assemble_exam

BANK_SIZE = 10_000
RUNS = 200


def main() -> None:
    blueprint = load_blueprint(bundled_bank_path())
    per_task = BANK_SIZE // len(blueprint.tasks)
    items = synthetic_items(blueprint, live_per_task=per_task - 20, pretest_per_task=20, seed=1)
    start = time.perf_counter()
    index = BankIndex.build(blueprint, items)
    index_s = time.perf_counter() - start
    seen = {i.id for i in items[::3]}  # a learner who has seen a third of the bank
    samples = []
    for seed in range(RUNS):
        start = time.perf_counter()
        form = assemble_exam(index, seed, seen)
        samples.append(time.perf_counter() - start)
        assert len(form) == 75
    write(
        "form_assembly",
        {
            "bank_items": len(items),
            "index_build_ms": round(index_s * 1000, 1),
            "assemble": summary_ms(samples),
            "target": "median < 20 ms",
        },
    )


if __name__ == "__main__":
    main()
