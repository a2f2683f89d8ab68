"""A process-wide cache of derived attempt states, kept correct by the step log itself.

The log's unique (attempt, seq) constraint is the arbiter: a write computed from a cached state
inserts the next sequence number, and if another process got there first the insert fails, the
cached state is dropped, and the write is tried again on a state caught up from the database.
Reads always catch up. So several web workers can share one database, each with its own cache.

Each cached state carries an *epoch*, fresh whenever the state is loaded from the database;
states derived from it optimistically (before their steps are committed) keep the epoch, so
that when one write of an epoch fails, every later write built on it fails too.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict

from certprep.domain.attempt import AttemptState


class AttemptCache:
    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._states: OrderedDict[str, tuple[AttemptState, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._attempt_locks: dict[str, threading.Lock] = {}
        self._epochs = itertools.count(1)

    def new_epoch(self) -> int:
        with self._lock:
            return next(self._epochs)

    def get(self, attempt_id: str) -> AttemptState | None:
        found = self.get_with_epoch(attempt_id)
        return found[0] if found else None

    def get_with_epoch(self, attempt_id: str) -> tuple[AttemptState, int] | None:
        with self._lock:
            found = self._states.get(attempt_id)
            if found is not None:
                self._states.move_to_end(attempt_id)
            return found

    def put(self, state: AttemptState, epoch: int | None = None) -> None:
        with self._lock:
            if epoch is None:
                old = self._states.get(state.attempt.id)
                epoch = old[1] if old else next(self._epochs)
            self._states[state.attempt.id] = (state, epoch)
            self._states.move_to_end(state.attempt.id)
            while len(self._states) > self.capacity:
                self._states.popitem(last=False)

    def drop(self, attempt_id: str) -> None:
        with self._lock:
            self._states.pop(attempt_id, None)

    def lock_for(self, attempt_id: str) -> threading.Lock:
        """A lock that serialises this process's synchronous writes to one attempt."""
        with self._lock:
            lock = self._attempt_locks.get(attempt_id)
            if lock is None:
                if len(self._attempt_locks) > 4 * self.capacity:
                    self._attempt_locks.clear()  # only held locks matter; new ones are made
                lock = self._attempt_locks[attempt_id] = threading.Lock()
            return lock
