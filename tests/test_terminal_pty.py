"""The exam in a real pseudo-terminal: the live status line (question, answers, clock) stays at
the bottom while the learner thinks, and the clock moves without a key being pressed."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from .conftest import FIXTURE_BANK

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def read_until(fd: int, pattern: str, seconds: float) -> str:
    """What the terminal shows (escape sequences dropped) until ``pattern`` appears. Answers
    the cursor position requests a real terminal answers."""
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if b"\x1b[6n" in chunk:
                os.write(fd, b"\x1b[20;1R")
            seen += ESCAPES.sub("", chunk.decode("utf-8", "replace"))
            if re.search(pattern, seen):
                return seen
    return seen


def test_the_status_line_keeps_a_live_clock(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CERTPREP_DATA_DIR": str(tmp_path / "data"),
        "CERTPREP_BANK": str(FIXTURE_BANK),
        "TERM": "xterm",
    }
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "certprep", "exam", "--seed", "5", "--no-review"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    try:
        first = read_until(primary, r"Question 1 of 75 · 0 answered · Time left 2:59:\d\d", 30)
        assert re.search(r"exam · Question 1 of 75 · 0 answered · Time left", first), first[-800:]
        later = read_until(primary, r"\d", 4)  # no key pressed: only the clock redraws
        assert re.search(r"\d", later), "the clock did not move"
        os.write(primary, b"q\r")
        assert "certprep exam --resume" in read_until(primary, r"exam --resume", 10)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
