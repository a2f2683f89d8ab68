"""Reading the learner's commands. In a terminal, prompt_toolkit keeps a status line at the
bottom (the question, answers so far and a live clock, redrawn every second) while the
learner thinks; from a pipe or a test, plain lines from stdin."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol

#: what the status line says now (called again every second while the prompt waits)
StatusLine = Callable[[], str]


class Reader(Protocol):
    def __call__(self, prompt: str, status: StatusLine | None) -> str: ...


def read_plain(prompt: str, status: StatusLine | None = None) -> str:
    """One line from stdin (the question's panel, just printed, says what the status line
    would)."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


class LiveReader:
    """A prompt with a live status line at the bottom of the terminal."""

    def __init__(self) -> None:
        from prompt_toolkit import PromptSession

        self.session: PromptSession[str] = PromptSession()

    def __call__(self, prompt: str, status: StatusLine | None = None) -> str:
        if status is None:
            return self.session.prompt(prompt)
        return self.session.prompt(prompt, bottom_toolbar=status, refresh_interval=1.0)


def terminal_reader() -> Reader:
    """The live prompt when a person is at a terminal, plain lines otherwise."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return LiveReader()
    return read_plain
