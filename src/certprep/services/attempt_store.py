"""Reading and writing attempts: the cached derived state, the step log, and the two ways a
step is written.

- ``_write`` (the terminal, tests): one transaction per step, under a per-attempt lock.
- ``run_async`` (the web app): the step is computed from the cached state and handed to the
  group-commit StepWriter; the request is answered once the batch holding it is committed.

Either way a write first trusts the cached state; if another process appended meanwhile, the
next sequence number is taken, the insert fails, the cache is dropped, and the write is retried
on a state caught up from the log. Reads always catch up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.domain import attempt as rules
from certprep.domain.attempt import AttemptState, Step
from certprep.errors import NotFound
from certprep.services.attempt_cache import AttemptCache
from certprep.services.step_writer import Closing, StepConflict, StepWriter
from certprep.storage.attempts import AttemptRepository

if TYPE_CHECKING:
    from certprep.bank.loader import Bank

#: Given the current state, the step to append (or an AttemptError).
Command = Callable[[AttemptState], Step]
_RETRIES = 4


class AttemptBusy(rules.AttemptError):
    """Writes to one attempt from several processes kept colliding; the client may retry."""


class AttemptStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        bank: Bank,
        clock: Clock,
        learner: str = "local",
        cache: AttemptCache | None = None,
        writer: StepWriter | None = None,
    ) -> None:
        self.sessions, self.bank, self.clock, self.learner = sessions, bank, clock, learner
        self.index = bank.index
        self.cache = cache if cache is not None else AttemptCache()
        self.writer = writer if writer is not None else StepWriter(sessions.kw["bind"])

    def after_commit(self, before: AttemptState, step: Step, after: AttemptState) -> None:
        """Called once a step is committed (the learning engine listens here)."""

    def closing_result(self, state: AttemptState) -> dict[str, Any]:
        """The result stored with an attempt when it ends (see ExamService)."""
        raise NotImplementedError

    # -- reading -----------------------------------------------------------------------------
    def state(self, attempt_id: str) -> AttemptState:
        """The attempt's state now; records the expiry if the time ran out meanwhile."""
        return self._write(attempt_id, None)

    async def state_async(self, attempt_id: str) -> AttemptState:
        return await self.run_async(attempt_id, None)

    def _load(
        self, repo: AttemptRepository, attempt_id: str, catch_up: bool
    ) -> tuple[AttemptState, int]:
        """The current state and its epoch: the cached one, brought up to date from the log
        when asked (reads always ask; a write asks only after losing a race)."""
        found = self.cache.get_with_epoch(attempt_id)
        if found is not None and found[0].attempt.learner != self.learner:
            raise NotFound(f"no attempt {attempt_id!r}")
        if found is None:
            attempt = repo.get_attempt(attempt_id, self.learner)
            if attempt is None:
                raise NotFound(f"no attempt {attempt_id!r}")
            found, catch_up = (rules.start_state(attempt), self.cache.new_epoch()), True
        state, epoch = found
        if catch_up:
            for step in repo.steps_after(attempt_id, state.last_seq):
                state = rules.apply(state, step)
        return state, epoch

    # -- writing, one transaction per step ----------------------------------------------------
    def _write(self, attempt_id: str, command: Command | None) -> AttemptState:
        for attempt_no in range(_RETRIES):
            try:
                return self._write_once(attempt_id, command, catch_up=attempt_no > 0)
            except IntegrityError:
                self.cache.drop(attempt_id)
        raise AttemptBusy(f"attempt {attempt_id} is busy; try again")

    def _write_once(self, attempt_id: str, command: Command | None, catch_up: bool) -> AttemptState:
        timed_out = False
        with self.cache.lock_for(attempt_id):
            with self.sessions.begin() as session:
                repo = AttemptRepository(session)
                state, epoch = self._load(repo, attempt_id, catch_up or command is None)
                expiry = rules.expiry_step(state, self.clock.now())
                step = expiry if expiry is not None else (command(state) if command else None)
                before = state
                if step is not None:
                    repo.append(attempt_id, step)
                    state = rules.apply(state, step)
                    if not state.is_open:
                        repo.close(
                            attempt_id,
                            state.status.value,
                            state.ended_at,
                            self.closing_result(state),
                        )
                    timed_out = expiry is not None and command is not None
            self.cache.put(state, epoch)  # only what was committed
        if step is not None:
            self.after_commit(before, step, state)
        if timed_out:
            raise rules.TimeUp(f"time is up: attempt {attempt_id} was submitted when it ran out")
        return state

    # -- writing, group commit (the web app) --------------------------------------------------
    async def run_async(self, attempt_id: str, command: Command | None) -> AttemptState:
        for attempt_no in range(_RETRIES):
            found = self.cache.get_with_epoch(attempt_id)
            if command is not None and attempt_no == 0 and found is not None:
                if found[0].attempt.learner != self.learner:
                    raise NotFound(f"no attempt {attempt_id!r}")
                state, epoch = found  # the hot path: no database read at all
            else:
                with self.sessions() as session:
                    state, epoch = self._load(AttemptRepository(session), attempt_id, catch_up=True)
            expiry = rules.expiry_step(state, self.clock.now())
            step = expiry if expiry is not None else (command(state) if command else None)
            if step is None:
                self.cache.put(state, epoch)
                return state
            after = rules.apply(state, step)
            closing = None
            if not after.is_open:
                closing = Closing(after.status.value, after.ended_at, self.closing_result(after))
            self.cache.put(after, epoch)  # optimistic: the next request builds on it
            try:
                await self.writer.write(attempt_id, step, epoch, closing)
            except StepConflict:
                self.cache.drop(attempt_id)
                continue
            except BaseException:
                self.cache.drop(attempt_id)
                raise
            self.after_commit(state, step, after)
            if expiry is not None and command is not None:
                raise rules.TimeUp(
                    f"time is up: attempt {attempt_id} was submitted when it ran out"
                )
            return after
        raise AttemptBusy(f"attempt {attempt_id} is busy; try again")
