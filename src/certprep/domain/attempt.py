"""An attempt is an append-only log of steps; its state is derived from the log.

Walk an attempt forward with the ``*_step`` functions: each checks the rules against the state
and returns the Step to append (or raises AttemptError). ``derive`` folds a log into a state, so
resuming after a crash, auditing and regrading all read the same log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from certprep.domain.form import Form, FormItem
from certprep.domain.items import Item
from certprep.errors import CertprepError
from certprep.text import plural


class Mode(StrEnum):
    EXAM = "exam"
    PRACTICE = "practice"


class Purpose(StrEnum):
    """What a session is for: it decides how it is resumed, labelled and reported."""

    EXAM = "exam"  # a full simulated exam (Mode.EXAM)
    PRACTICE = "practice"  # questions the learner chose, with feedback
    REVIEW = "review"  # the items due for review
    DRILL = "drill"  # adaptive: items near the learner's ability in weak areas


#: what a learner calls each kind of session, by Purpose value
PURPOSE_NAMES = {
    "exam": "full exam",
    "practice": "practice",
    "review": "review session",
    "drill": "adaptive drill",
}


class StepKind(StrEnum):
    VISIT = "visit"
    ANSWER = "answer"
    CHANGE = "change"
    CLEAR = "clear"
    FLAG = "flag"
    UNFLAG = "unflag"
    PAUSE = "pause"
    RESUME = "resume"
    SUBMIT = "submit"
    EXPIRE = "expire"


class Status(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"


class AttemptError(CertprepError):
    """A step the rules refuse (time is up, the attempt is over, a bad choice...)."""


class TimeUp(AttemptError):
    pass


class NoSuchQuestion(AttemptError):
    """A question number the attempt does not have (HTTP 404)."""


@dataclass(frozen=True)
class Step:
    seq: int
    kind: StepKind
    at: datetime
    position: int | None = None
    choice: tuple[int, ...] | None = None  # authored option indices


@dataclass(frozen=True)
class Attempt:
    id: str
    mode: Mode
    form: Form
    started_at: datetime
    time_limit: timedelta | None
    accommodation: bool = False
    learner: str = "local"
    #: left out, it follows the mode (sessions stored before purposes were recorded)
    purpose: Purpose | None = None

    def __post_init__(self) -> None:
        if self.purpose is None:
            default = Purpose.EXAM if self.mode is Mode.EXAM else Purpose.PRACTICE
            object.__setattr__(self, "purpose", default)


@dataclass
class AttemptState:
    attempt: Attempt
    answers: dict[int, frozenset[int]] = field(default_factory=dict)
    flags: set[int] = field(default_factory=set)
    current: int = 0
    status: Status = Status.IN_PROGRESS
    ended_at: datetime | None = None
    active_since: datetime | None = None
    active_before: timedelta = timedelta(0)
    last_seq: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is Status.IN_PROGRESS

    @property
    def paused(self) -> bool:
        return self.is_open and self.active_since is None

    def elapsed(self, now: datetime) -> timedelta:
        running = now - self.active_since if self.active_since is not None else timedelta(0)
        return self.active_before + max(running, timedelta(0))

    def time_left(self, now: datetime) -> timedelta | None:
        """Time left by the clock, or None for an untimed attempt."""
        limit = self.attempt.time_limit
        if limit is None:
            return None
        if not self.is_open:
            return timedelta(0)
        return max(limit - self.elapsed(now), timedelta(0))

    def unanswered(self) -> list[int]:
        return [p for p in range(len(self.attempt.form)) if p not in self.answers]

    def complete(self, position: int) -> bool:
        """Answered with as many options as the question asks for (a choice of fewer is
        saved, but incomplete: it scores as wrong, as on the real exam)."""
        chosen = self.answers.get(position)
        return chosen is not None and len(chosen) >= self.attempt.form.items[position].choose

    def incomplete(self) -> list[int]:
        return [p for p in sorted(self.answers) if not self.complete(p)]

    def answers_by_item(self) -> dict[str, frozenset[int]]:
        form = self.attempt.form.items
        return {form[p].item_id: chosen for p, chosen in self.answers.items()}


def apply(state: AttemptState, step: Step) -> AttemptState:
    """The state after one more step of the log."""
    s = replace(state, answers=dict(state.answers), flags=set(state.flags), last_seq=step.seq)
    if step.position is not None:
        s.current = step.position
    kind = step.kind
    if kind in (StepKind.ANSWER, StepKind.CHANGE) and step.position is not None and step.choice:
        s.answers[step.position] = frozenset(step.choice)
    elif kind is StepKind.CLEAR and step.position is not None:
        s.answers.pop(step.position, None)
    elif kind is StepKind.FLAG and step.position is not None:
        s.flags.add(step.position)
    elif kind is StepKind.UNFLAG and step.position is not None:
        s.flags.discard(step.position)
    elif kind is StepKind.PAUSE and s.active_since is not None:
        s.active_before += step.at - s.active_since
        s.active_since = None
    elif kind is StepKind.RESUME and s.active_since is None:
        s.active_since = step.at
    elif kind in (StepKind.SUBMIT, StepKind.EXPIRE):
        if s.active_since is not None:
            s.active_before += step.at - s.active_since
        s.active_since = None
        s.status = Status.SUBMITTED if kind is StepKind.SUBMIT else Status.EXPIRED
        s.ended_at = step.at
    return s


def start_state(attempt: Attempt) -> AttemptState:
    return AttemptState(attempt, active_since=attempt.started_at)


def derive(attempt: Attempt, steps: Iterable[Step]) -> AttemptState:
    state = start_state(attempt)
    for step in sorted(steps, key=lambda s: s.seq):
        state = apply(state, step)
    return state


def expiry_step(state: AttemptState, now: datetime) -> Step | None:
    """The expire step to record when the time ran out before ``now`` (else None)."""
    limit = state.attempt.time_limit
    if limit is None or not state.is_open or state.active_since is None:
        return None
    if state.elapsed(now) < limit:
        return None
    at = state.active_since + (limit - state.active_before)
    return Step(state.last_seq + 1, StepKind.EXPIRE, at)


def _open_check(state: AttemptState, now: datetime) -> None:
    if not state.is_open:
        raise AttemptError(f"attempt {state.attempt.id} is over ({state.status.value})")
    if expiry_step(state, now) is not None:
        raise TimeUp(f"time is up for attempt {state.attempt.id}")


def _active_check(state: AttemptState, now: datetime) -> None:
    """Open, in time, and not paused: a paused session takes nothing until it is resumed."""
    _open_check(state, now)
    if state.paused:
        raise AttemptError("the session is paused: resume it first")


def form_item_at(state: AttemptState, position: int) -> FormItem:
    form = state.attempt.form.items
    if not 0 <= position < len(form):
        raise NoSuchQuestion(f"there is no question {position + 1}; the attempt has {len(form)}")
    return form[position]


def _next(state: AttemptState, kind: StepKind, now: datetime, **kw: object) -> Step:
    return Step(state.last_seq + 1, kind, now, **kw)  # type: ignore[arg-type]


def answer_step(
    state: AttemptState, position: int, item: Item, choice: Iterable[int], now: datetime
) -> Step:
    """Answer (or change the answer to) a question; ``choice`` holds authored option indices."""
    _active_check(state, now)
    form_item = form_item_at(state, position)
    if form_item.item_id != item.id:
        raise AttemptError(f"question {position + 1} is not item {item.id}")
    chosen = tuple(sorted(set(choice)))
    if not chosen:
        raise AttemptError("choose at least one option (or clear the answer)")
    if any(not 0 <= c < len(item.options) for c in chosen):
        raise AttemptError(
            f"question {position + 1} has options A-{chr(64 + len(item.options))} only"
        )
    if len(chosen) > item.choose:
        raise AttemptError(
            f"question {position + 1} asks for {plural(item.choose, 'option')}; {len(chosen)} chosen"
        )
    if state.attempt.mode is Mode.PRACTICE and state.complete(position):
        raise AttemptError(
            f"question {position + 1} is answered and its feedback shown; it is final"
        )
    kind = StepKind.CHANGE if position in state.answers else StepKind.ANSWER
    return _next(state, kind, now, position=position, choice=chosen)


def clear_step(state: AttemptState, position: int, now: datetime) -> Step:
    _active_check(state, now)
    form_item_at(state, position)
    return _next(state, StepKind.CLEAR, now, position=position)


def flag_step(state: AttemptState, position: int, flagged: bool, now: datetime) -> Step:
    _active_check(state, now)
    form_item_at(state, position)
    return _next(state, StepKind.FLAG if flagged else StepKind.UNFLAG, now, position=position)


def visit_step(state: AttemptState, position: int, now: datetime) -> Step:
    _active_check(state, now)
    form_item_at(state, position)
    return _next(state, StepKind.VISIT, now, position=position)


def pause_step(state: AttemptState, now: datetime) -> Step:
    _open_check(state, now)
    if state.attempt.mode is Mode.EXAM:
        raise AttemptError("a full exam cannot be paused")
    if state.paused:
        raise AttemptError("the session is already paused")
    return _next(state, StepKind.PAUSE, now)


def resume_step(state: AttemptState, now: datetime) -> Step:
    if not state.is_open:
        raise AttemptError(f"attempt {state.attempt.id} is over ({state.status.value})")
    if not state.paused:
        raise AttemptError("the session is not paused")
    return _next(state, StepKind.RESUME, now)


def submit_step(state: AttemptState, now: datetime) -> Step:
    _open_check(state, now)
    return _next(state, StepKind.SUBMIT, now)


def displayed_to_authored(form_item: FormItem, displayed: Iterable[int]) -> tuple[int, ...]:
    order = form_item.option_order
    out = []
    for d in displayed:
        if not 0 <= d < len(order):
            raise AttemptError(
                f"there is no option {chr(65 + d)}; this question has A-{chr(64 + len(order))}"
            )
        out.append(order[d])
    return tuple(sorted(out))


def authored_to_displayed(form_item: FormItem, authored: Iterable[int]) -> tuple[int, ...]:
    where = {a: d for d, a in enumerate(form_item.option_order)}
    return tuple(sorted(where[a] for a in authored))
