"""Start-up time of the CLI: `certprep --help` (target < 0.3 s) and `certprep bank lint`.

Run: .venv/bin/python benchmarks/cli_startup.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import summary_ms, write

CERTPREP = str(Path(sys.executable).parent / "certprep")


def timed(args: list[str], runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([CERTPREP, *args], capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
    return summary_ms(samples)


def main() -> None:
    timed(["--help"], 2)  # warm the file cache
    write(
        "cli_startup",
        {
            "help": timed(["--help"], 20),
            "bank_lint": timed(["bank", "lint"], 5),
            "target": "certprep --help under 300 ms",
        },
    )


if __name__ == "__main__":
    main()
