"""A process-wide cache of derived attempt states, kept correct by the step log itself.

Every read or write first asks the database for the steps after the cached sequence number
(an indexed query that usually returns nothing) and applies them; a write then inserts the next
step, and the unique (attempt, seq) constraint turns a race with another process into a retry.
So several web workers can share one database, each with its own cache, and none serves a
stale state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from certprep.domain.attempt import AttemptState


class AttemptCache:
    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._states: OrderedDict[str, AttemptState] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, attempt_id: str) -> AttemptState | None:
        with self._lock:
            state = self._states.get(attempt_id)
            if state is not None:
                self._states.move_to_end(attempt_id)
            return state

    def put(self, state: AttemptState) -> None:
        with self._lock:
            self._states[state.attempt.id] = state
            self._states.move_to_end(state.attempt.id)
            while len(self._states) > self.capacity:
                self._states.popitem(last=False)

    def drop(self, attempt_id: str) -> None:
        with self._lock:
            self._states.pop(attempt_id, None)
