"""``finishes``: run a call that must not hang, and fail the test if it does (a hang guard
with a generous limit, not a benchmark: no test asserts how long anything takes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
LIMIT = 30.0  # seconds


def finishes(call: Callable[[], T], limit: float = LIMIT) -> T:
    """The call's result (its exception is re-raised here); fails the test if the call is still
    running after ``limit`` seconds."""
    box: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"the call did not return within {limit:g} s"
    if errors:
        raise errors[0]
    return box[0]
