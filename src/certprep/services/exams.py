"""Taking exams and practice sessions: start, answer, flag, navigate, submit, report, history."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from certprep.domain import attempt as rules
from certprep.domain.attempt import Attempt, AttemptState, Mode, Purpose, Status, Step
from certprep.domain.form import (
    Form,
    FormError,
    FormItem,
    PracticeFilter,
    assemble_exam,
    assemble_practice,
    form_of,
)
from certprep.domain.history import ItemRecord
from certprep.domain.items import Item
from certprep.domain.practice_source import PracticeSource
from certprep.domain.scoring import ScoreReport, is_correct, score
from certprep.errors import CertprepError, NotFound
from certprep.services.attempt_store import AttemptStore, Command
from certprep.services.item_parameters import ParameterSource
from certprep.services.learning import LearningService, load_item_records, outcomes_of
from certprep.storage.attempts import AttemptRepository
from certprep.storage.tables import AttemptRow


class ExamInProgress(CertprepError):
    """One full exam at a time, as on the real exam: finish or end the open one first."""

    def __init__(self, attempt_id: str) -> None:
        super().__init__(
            f"you have a full exam in progress ({attempt_id}): resume it with "
            "'certprep exam --resume', or end it, before starting another"
        )
        self.attempt_id = attempt_id


@dataclass(frozen=True)
class OpenSession:
    """An unfinished session, as its resume button describes it."""

    attempt_id: str
    purpose: Purpose
    started_at: datetime
    answered: int  # complete answers
    total: int
    time_left: timedelta | None
    paused: bool

    def describe(self) -> str:
        """'started 2026-12-06 10:02 UTC, 12 of 75 answered, 2:41 left'."""
        details = [
            f"started {self.started_at:%Y-%m-%d %H:%M} UTC",
            f"{self.answered} of {self.total} answered",
        ]
        if self.paused:
            details.append("paused")
        elif self.time_left is not None:
            minutes = int(self.time_left.total_seconds() // 60)
            details.append(f"{minutes // 60}:{minutes % 60:02d} left")
        return ", ".join(details)


#: starting an exam checks for an open one and adds the new one under this lock, so that a
#: double click starts one exam, not two
_EXAM_START = threading.Lock()


@dataclass(frozen=True)
class Question:
    """One question as the learner sees it: no key, no rationale."""

    position: int
    total: int
    item: Item
    form_item: FormItem
    chosen: tuple[int, ...]  # displayed indices
    flagged: bool

    @property
    def options(self) -> list[str]:
        return [self.item.options[a].text for a in self.form_item.option_order]


@dataclass(frozen=True)
class ReviewEntry:
    position: int
    item: Item
    form_item: FormItem
    chosen: frozenset[int] | None  # authored indices
    correct: bool
    flagged: bool


@dataclass(frozen=True)
class Report:
    attempt: Attempt
    state: AttemptState
    score: ScoreReport
    review: tuple[ReviewEntry, ...]
    #: questions of this attempt the learner had seen before it (a mock's score is then
    #: likely inflated)
    reused: int = 0


class ExamService(AttemptStore):
    """Exams and practice sessions for one learner. Writes go through AttemptStore: ``answer``
    and friends synchronously (the terminal), ``run_async`` with a command (the web app)."""

    learning: LearningService | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._per_learner: dict[str, ExamService] = {}
        self.parameters = ParameterSource(self.sessions, self.bank)

    def for_learner(self, learner: str) -> ExamService:
        """The same service (bank, database, clock, cache, writer) acting for another learner.
        Kept per learner: the web app asks for it on every request."""
        known = self._per_learner.get(learner)
        if known is None:
            known = ExamService(
                self.sessions, self.bank, self.clock, learner, self.cache, self.writer
            )
            known.learning = self.learning
            known.parameters = self.parameters
            if len(self._per_learner) >= 4096:
                self._per_learner.clear()
            self._per_learner[learner] = known
        return known

    def after_commit(self, before: AttemptState, step: Step, after: AttemptState) -> None:
        """Misses and flags start review cards; answers in review sessions rate them (the
        learning service is made for the learner when there is something to record, so it
        reads their current FSRS parameters)."""
        if self.learning is None:
            return
        outcomes = outcomes_of(before, step, after, self.bank.items)
        if outcomes:
            self.learning.for_learner(self.learner).record(outcomes)

    # -- starting ---------------------------------------------------------------------------
    def preview_form(self, seed: int) -> Form:
        with self.sessions() as session:
            seen = AttemptRepository(session).seen_items(self.learner)
        table = self.parameters.table()
        return assemble_exam(self.index, seed, seen, (), table.by_item, table.cut_theta)

    def start_exam(self, seed: int | None = None, accommodation: bool = False) -> AttemptState:
        exam = self.bank.blueprint.exam
        minutes = exam.minutes + (exam.accommodation_minutes if accommodation else 0)
        seed = _seed(seed)
        table = self.parameters.table()  # forms carry the most information near the cut
        with _EXAM_START:
            open_exam = self.open_attempt(Mode.EXAM)
            if open_exam is not None and self.state(open_exam).is_open:
                raise ExamInProgress(open_exam)
            return self._start(
                Mode.EXAM,
                lambda seen, open_practice: assemble_exam(
                    self.index, seed, seen, open_practice, table.by_item, table.cut_theta
                ),
                timedelta(minutes=minutes),
                accommodation,
                Purpose.EXAM,
            )

    def item_records(self) -> dict[str, ItemRecord]:
        """What this learner has seen, answered, missed and flagged, per item."""
        return load_item_records(self.sessions, self.learner, self.bank.items)

    def practice_pool(self, source: PracticeSource) -> frozenset[str] | None:
        """The item ids a practice source allows (None: any item)."""
        if source is PracticeSource.ALL:
            return None
        records = self.item_records()
        if source is PracticeSource.MISSED:
            return frozenset(i for i, r in records.items() if r.missed)
        if source is PracticeSource.FLAGGED:
            return frozenset(i for i, r in records.items() if r.flagged)
        return frozenset(self.bank.items) - frozenset(records)

    def start_practice(
        self,
        where: PracticeFilter,
        count: int,
        minutes: int | None = None,
        seed: int | None = None,
        source: PracticeSource = PracticeSource.ALL,
    ) -> AttemptState:
        seed = _seed(seed)
        pool = self.practice_pool(source)
        if pool is not None:
            if not pool:
                raise FormError([f"you have no {source.value} items yet"])
            where = replace(where, only=pool)
        limit = timedelta(minutes=minutes) if minutes else None
        return self._start(
            Mode.PRACTICE,
            lambda seen, in_exam: assemble_practice(
                self.index, seed, count, _not_in_exam(where, in_exam), seen
            ),
            limit,
            False,
            Purpose.PRACTICE,
        )

    def start_selected(
        self,
        item_ids: list[str],
        minutes: int | None = None,
        seed: int | None = None,
        purpose: Purpose = Purpose.DRILL,
    ) -> AttemptState:
        """A practice session of exactly these items, in this order (reviews, adaptive drills)."""
        if not item_ids:
            raise FormError(["no items to practise"])
        seed = _seed(seed)
        limit = timedelta(minutes=minutes) if minutes else None

        def build(seen: set[str], in_exam: set[str]) -> Form:
            items = [self.bank.items[i] for i in item_ids if i not in in_exam]
            if not items:
                raise FormError(
                    ["these questions are in your exam in progress: finish the exam first"]
                )
            return form_of(self.bank.blueprint, items, seed)

        return self._start(Mode.PRACTICE, build, limit, False, purpose)

    def _start(
        self,
        mode: Mode,
        build: Callable[[set[str], set[str]], Form],
        limit: timedelta | None,
        accommodation: bool,
        purpose: Purpose | None = None,
    ) -> AttemptState:
        """``build(seen, blocked)``: the form, given the items the learner has seen and those
        it must not hold. An exam's items are not practised while it is open (practice shows
        keys), and an exam does not take the items of an open practice session."""
        other = Mode.PRACTICE if mode is Mode.EXAM else Mode.EXAM
        with self.sessions.begin() as session:
            repo = AttemptRepository(session)
            form = build(repo.seen_items(self.learner), repo.open_items(self.learner, other.value))
            attempt = Attempt(
                id=secrets.token_hex(6),
                mode=mode,
                form=form,
                started_at=self.clock.now(),
                time_limit=limit,
                accommodation=accommodation,
                learner=self.learner,
                purpose=purpose,
            )
            repo.add(attempt, self.bank.blueprint.exam.code)
        state = rules.start_state(attempt)
        self.cache.put(state)
        return state

    # -- reading ----------------------------------------------------------------------------
    def open_attempt(self, mode: Mode | None = None, purpose: Purpose | None = None) -> str | None:
        with self.sessions() as session:
            return AttemptRepository(session).latest_open(
                self.learner, mode.value if mode else None, purpose.value if purpose else None
            )

    def resolve_id(self, prefix: str) -> str:
        """The learner's attempt whose id is ``prefix`` or starts with it (unique)."""
        with self.sessions() as session:
            matches = AttemptRepository(session).ids_starting(self.learner, prefix.strip())
        if prefix in matches:
            return prefix
        if not matches:
            raise NotFound(f"no attempt {prefix!r}; 'certprep history' lists yours")
        if len(matches) > 1:
            raise CertprepError(
                f"{prefix!r} starts {len(matches)} attempt ids ({', '.join(sorted(matches)[:5])}"
                f"{', ...' if len(matches) > 5 else ''}): give more of it"
            )
        return matches[0]

    def open_sessions(self) -> list[OpenSession]:
        """The learner's unfinished sessions, newest first, as a resume button describes them."""
        with self.sessions() as session:
            ids = AttemptRepository(session).open_ids(self.learner)
        now = self.clock.now()
        out = []
        for attempt_id in ids:
            state = self.state(attempt_id)
            out.append(
                OpenSession(
                    attempt_id,
                    state.attempt.purpose or Purpose.PRACTICE,
                    state.attempt.started_at,
                    sum(state.complete(p) for p in state.answers),
                    len(state.attempt.form),
                    state.time_left(now),
                    state.paused,
                )
            )
        return out

    def question(self, state: AttemptState, position: int) -> Question:
        form_item = state.attempt.form.items[position]
        chosen = state.answers.get(position, frozenset())
        return Question(
            position=position,
            total=len(state.attempt.form),
            item=self.bank.items[form_item.item_id],
            form_item=form_item,
            chosen=rules.authored_to_displayed(form_item, chosen),
            flagged=position in state.flags,
        )

    def history(self, limit: int = 50) -> list[AttemptRow]:
        """The learner's attempts, newest first. Results stored before they carried right and
        wrong per task statement get them here, once, from their step logs."""
        with self.sessions() as session:
            rows = AttemptRepository(session).history(self.learner, limit)
        missing = [r for r in rows if r.result is not None and "tasks" not in r.result]
        if missing:
            with self.sessions.begin() as session:
                repo = AttemptRepository(session)
                for row in missing:
                    row.result = {**row.result, "tasks": self._task_results(row.id)}  # type: ignore[dict-item]
                    repo.set_result(row.id, row.result)
        return rows

    def _task_results(self, attempt_id: str) -> dict[str, list[int]]:
        try:
            report = self._report(self.state(attempt_id))
        except KeyError:  # an item that is no longer in the bank: nothing to say per task
            return {}
        return {task: [right, total] for task, right, total in report.score.tasks}

    def report(self, attempt_id: str) -> Report:
        return self.report_for(self.state(attempt_id))

    def report_for(self, state: AttemptState) -> Report:
        if state.is_open:
            raise rules.AttemptError(
                f"attempt {state.attempt.id} is still in progress; submit it first"
            )
        return self._report(state)

    # -- acting -----------------------------------------------------------------------------
    def answer_command(self, position: int, displayed: Iterable[int]) -> Command:
        choice = tuple(displayed)

        def step(state: AttemptState) -> Step:
            form_item = rules.form_item_at(state, position)
            item = self.bank.items[form_item.item_id]
            authored = rules.displayed_to_authored(form_item, choice)
            return rules.answer_step(state, position, item, authored, self.clock.now())

        return step

    def clear_command(self, position: int) -> Command:
        return lambda s: rules.clear_step(s, position, self.clock.now())

    def flag_command(self, position: int, flagged: bool) -> Command:
        return lambda s: rules.flag_step(s, position, flagged, self.clock.now())

    def visit_command(self, position: int) -> Command:
        return lambda s: rules.visit_step(s, position, self.clock.now())

    def pause_command(self) -> Command:
        return lambda s: rules.pause_step(s, self.clock.now())

    def resume_command(self) -> Command:
        return lambda s: rules.resume_step(s, self.clock.now())

    def submit_command(self) -> Command:
        return lambda s: rules.submit_step(s, self.clock.now())

    def answer(self, attempt_id: str, position: int, displayed: Iterable[int]) -> AttemptState:
        return self._write(attempt_id, self.answer_command(position, displayed))

    def clear(self, attempt_id: str, position: int) -> AttemptState:
        return self._write(attempt_id, self.clear_command(position))

    def flag(self, attempt_id: str, position: int, flagged: bool) -> AttemptState:
        return self._write(attempt_id, self.flag_command(position, flagged))

    def visit(self, attempt_id: str, position: int) -> AttemptState:
        return self._write(attempt_id, self.visit_command(position))

    def pause(self, attempt_id: str) -> AttemptState:
        return self._write(attempt_id, self.pause_command())

    def resume(self, attempt_id: str) -> AttemptState:
        return self._write(attempt_id, self.resume_command())

    def submit(self, attempt_id: str) -> AttemptState:
        return self._write(attempt_id, self.submit_command())

    @staticmethod
    def answer_is_final(state: AttemptState, position: int) -> bool:
        """May the key of this question be shown? Exam: once the exam has ended. Practice: once
        the question is answered."""
        if not state.is_open:
            return True
        return state.attempt.mode is Mode.PRACTICE and state.complete(position)

    def is_correct(self, state: AttemptState, position: int) -> bool:
        item = self.bank.items[state.attempt.form.items[position].item_id]
        return is_correct(item, state.answers.get(position))

    # -- internals --------------------------------------------------------------------------
    def closing_result(self, state: AttemptState) -> dict[str, Any]:
        return score_to_json(self._report(state).score)

    def _report(self, state: AttemptState) -> Report:
        form = state.attempt.form.items
        items = [self.bank.items[f.item_id] for f in form]
        scored = [item for item, f in zip(items, form, strict=True) if f.scored]
        table = self.parameters.table()
        result = score(
            self.bank.blueprint,
            scored,
            state.answers_by_item(),
            table.by_item,
            table.scale(self.bank),
        )
        review = tuple(
            ReviewEntry(
                position=p,
                item=item,
                form_item=form[p],
                chosen=state.answers.get(p),
                correct=is_correct(item, state.answers.get(p)),
                flagged=p in state.flags,
            )
            for p, item in enumerate(items)
        )
        with self.sessions() as session:
            reused = len(AttemptRepository(session).seen_before(state.attempt))
        return Report(state.attempt, state, result, review, reused)


def _not_in_exam(where: PracticeFilter, in_exam: set[str]) -> PracticeFilter:
    return replace(where, exclude=frozenset(where.exclude) | in_exam) if in_exam else where


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


def score_to_json(result: ScoreReport) -> dict[str, Any]:
    return {
        "scaled": result.scaled,
        "passed": result.passed,
        "theta": result.theta,
        "correct": result.correct,
        "total": result.total,
        "domains": [
            {
                "domain": d.domain,
                "name": d.name,
                "correct": d.correct,
                "total": d.total,
                "status": d.status,
            }
            for d in result.domains
        ],
        "tasks": {task: [right, total] for task, right, total in result.tasks},
    }


__all__ = [
    "ExamInProgress",
    "ExamService",
    "OpenSession",
    "PracticeSource",
    "Question",
    "Report",
    "ReviewEntry",
    "Status",
]
