"""The learning engine: review cards, mastery, what to study next, adaptive drills, the study
plan and the real exam log, for one learner."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from fsrs import Card
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.domain import review as fsrs_review
from certprep.domain.adaptive import pick_adaptive
from certprep.domain.attempt import AttemptState, Mode, Step, StepKind
from certprep.domain.exam_policy import earliest_retake, renewal_due
from certprep.domain.history import ItemRecord, item_records
from certprep.domain.items import Item, ItemStatus
from certprep.domain.mastery import Mastery, Response, StudyArea, mastery_by_area, study_next
from certprep.domain.review import SelfRating
from certprep.domain.scoring import is_correct
from certprep.domain.study_plan import (
    GUIDE_STEPS,
    PLAN_DAYS_MAX,
    DayPlan,
    Readiness,
    StepStatus,
    daily_plan,
    readiness,
)
from certprep.errors import CertprepError
from certprep.psychometrics.readiness import Readiness as PassEstimate
from certprep.services.item_parameters import ParameterSource
from certprep.services.readiness import learner_readiness
from certprep.storage.attempts import AttemptRepository
from certprep.storage.learning import LearningRepository
from certprep.storage.tables import RealExamRow, ReviewLogRow
from certprep.text import plural

if TYPE_CHECKING:
    from certprep.bank.loader import Bank

RECENT_DAYS = 7
#: Fewer reviews than this say too little about how a learner forgets.
MIN_REVIEWS_TO_OPTIMIZE = 100


@dataclass(frozen=True)
class Outcome:
    """What happened to one item: answered (right or wrong) and/or flagged."""

    item_id: str
    correct: bool | None  # None: flagged without a final answer
    flagged: bool
    at: datetime
    attempt_id: str | None = None


def outcomes_of(
    before: AttemptState, step: Step, after: AttemptState, items: Mapping[str, Item]
) -> list[Outcome]:
    """What a committed step means for review: a practice answer (final at once) or flag, or
    every question of an exam when it ends (unanswered counts as missed)."""
    attempt = after.attempt
    if attempt.mode is Mode.PRACTICE and step.position is not None:
        item_id = attempt.form.items[step.position].item_id
        flagged = step.position in after.flags
        if step.kind in (StepKind.ANSWER, StepKind.CHANGE):
            if not after.complete(step.position):
                return []  # saved, but incomplete: no feedback yet, nothing to record
            chosen = after.answers.get(step.position)
            return [
                Outcome(item_id, is_correct(items[item_id], chosen), flagged, step.at, attempt.id)
            ]
        if step.kind is StepKind.FLAG and step.position not in after.answers:
            return [Outcome(item_id, None, True, step.at, attempt.id)]
        return []
    if attempt.mode is Mode.EXAM and before.is_open and not after.is_open:
        return [
            Outcome(
                f.item_id,
                is_correct(items[f.item_id], after.answers.get(p)),
                p in after.flags,
                step.at,
                attempt.id,
            )
            for p, f in enumerate(attempt.form.items)
            if f.item_id in items
        ]
    return []


def load_item_records(
    sessions: sessionmaker[Session], learner: str, items: Mapping[str, Item]
) -> dict[str, ItemRecord]:
    """What a learner has seen, answered, missed and flagged, per item, from their step logs."""
    with sessions() as session:
        repo = AttemptRepository(session)
        return item_records(repo.shown_items(learner), repo.answer_log(learner), items)


@dataclass(frozen=True)
class RealExam:
    taken_on: date
    passed: bool
    score: int | None
    retake_from: date | None
    renew_by: date | None


class LearningService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        bank: Bank,
        clock: Clock,
        learner: str = "local",
        parameters: ParameterSource | None = None,
    ) -> None:
        self.sessions, self.bank, self.clock, self.learner = sessions, bank, clock, learner
        self.parameters = parameters or ParameterSource(sessions, bank)

    @cached_property
    def scheduler(self) -> fsrs_review.Scheduler:
        """FSRS with this learner's optimised parameters, or the package's defaults."""
        with self.sessions() as session:
            params = LearningRepository(session).fsrs_parameters(self.learner)
        return fsrs_review.make_scheduler(params)

    def optimize(self) -> tuple[int, list[float]]:
        """Fit FSRS's parameters to this learner's review history (fsrs's optimizer, which
        needs PyTorch) and use them from now on. Returns (reviews used, parameters)."""
        no_torch = CertprepError(
            "the FSRS optimizer needs PyTorch: pip install 'certprep[optimizer]'"
        )
        try:
            from fsrs.optimizer import Optimizer
        except ImportError:
            raise no_torch from None
        with self.sessions() as session:
            logs = LearningRepository(session).logs(self.learner)
        if len(logs) < MIN_REVIEWS_TO_OPTIMIZE:
            raise CertprepError(
                "fitting the review schedule to you needs at least "
                f"{MIN_REVIEWS_TO_OPTIMIZE} rated answers to items on your review schedule "
                f"(every answer to such an item counts, in practice, exams and reviews); you "
                f"have {len(logs)}: keep reviewing with 'certprep review' and try again later"
            )
        review_logs = [
            fsrs_review.ReviewLog(
                fsrs_review.card_id(r.item_id), fsrs_review.Rating(r.rating), r.reviewed_at, None
            )
            for r in logs
        ]
        try:  # fsrs 6 imports PyTorch when the optimizer is made, not when it is imported
            optimizer = Optimizer(review_logs)
        except ImportError:
            raise no_torch from None
        parameters = [float(p) for p in optimizer.compute_optimal_parameters()]
        with self.sessions.begin() as session:
            LearningRepository(session).save_fsrs_parameters(
                self.learner, parameters, len(logs), self.clock.now()
            )
        self.__dict__.pop("scheduler", None)
        return len(logs), parameters

    def for_learner(self, learner: str) -> LearningService:
        return LearningService(self.sessions, self.bank, self.clock, learner, self.parameters)

    # -- review cards ---------------------------------------------------------------------------
    def record(self, outcomes: list[Outcome]) -> None:
        """Start or rate review cards for what the learner just did (one transaction)."""
        if not outcomes:
            return
        with self.sessions.begin() as session:
            repo = LearningRepository(session)
            for o in outcomes:
                row = repo.card(self.learner, o.item_id)
                if row is None and not fsrs_review.needs_card(o.correct is not False, o.flagged):
                    continue
                card = (
                    fsrs_review.card_from_json(row.card)
                    if row
                    else fsrs_review.new_card(o.item_id, o.at)
                )
                if o.correct is None:  # a flag alone: the card waits, due now
                    if row is None:
                        repo.save_card(
                            self.learner, o.item_id, fsrs_review.card_to_json(card), card.due, o.at
                        )
                    continue
                self._rate(
                    repo,
                    o.item_id,
                    card,
                    fsrs_review.rating_for(o.correct, o.flagged),
                    o.at,
                    o.attempt_id,
                )

    def _rate(
        self,
        repo: LearningRepository,
        item_id: str,
        card: Card,
        rating: fsrs_review.Rating,
        at: datetime,
        attempt_id: str | None,
    ) -> Card:
        before = fsrs_review.card_to_json(card)
        after, _ = fsrs_review.review(self.scheduler, card, rating, at)
        repo.save_card(self.learner, item_id, fsrs_review.card_to_json(after), after.due, at)
        repo.add_log(
            ReviewLogRow(
                learner=self.learner,
                item_id=item_id,
                rating=int(rating),
                reviewed_at=at,
                attempt_id=attempt_id,
                card_before=before,
            )
        )
        return after

    def self_rate(self, item_id: str, attempt_id: str, rating: SelfRating) -> datetime | None:
        """The learner says a right answer was hard or easy: the rating of that answer is
        replaced (or, for "hard" with no card yet, a card starts). Returns the new due date."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            repo = LearningRepository(session)
            last = repo.last_log(self.learner, item_id)
            if last is not None and last.attempt_id == attempt_id and last.card_before is not None:
                if last.rating == int(fsrs_review.Rating.Again):
                    raise CertprepError("only a right answer can be rated hard or easy")
                card = fsrs_review.card_from_json(last.card_before)
                new_rating = fsrs_review.rating_for(True, self_rating=rating)
                after, _ = fsrs_review.review(self.scheduler, card, new_rating, last.reviewed_at)
                repo.save_card(
                    self.learner, item_id, fsrs_review.card_to_json(after), after.due, now
                )
                last.rating = int(new_rating)
                return after.due
            if rating is SelfRating.HARD:
                card = fsrs_review.new_card(item_id, now)
                return self._rate(repo, item_id, card, fsrs_review.Rating.Hard, now, attempt_id).due
        return None

    def due_items(self, until: datetime | None = None) -> list[str]:
        with self.sessions() as session:
            due = LearningRepository(session).due_items(self.learner, until or self.clock.now())
        return [
            i
            for i in due
            if i in self.bank.items and self.bank.items[i].status is not ItemStatus.RETIRED
        ]

    def reviews_by_day(self) -> dict[date, int]:
        """Reviews falling due per day, counted as ``due_items`` counts them: cards of items
        that are still in the bank and not retired."""
        with self.sessions() as session:
            dates = LearningRepository(session).due_dates(self.learner)
        items = self.bank.items
        return dict(
            Counter(
                due.date()
                for item_id, due in dates
                if item_id in items and items[item_id].status is not ItemStatus.RETIRED
            )
        )

    # -- mastery and what next ----------------------------------------------------------------
    def responses(self) -> list[Response]:
        """The learner's latest final answer to each item."""
        records = load_item_records(self.sessions, self.learner, self.bank.items)
        out = []
        domain_of = self.bank.blueprint.domain_of_task
        params = self.parameters.table().by_item
        for item_id, record in records.items():
            item = self.bank.items.get(item_id)
            if item is None or record.correct is None:
                continue
            out.append(
                Response(
                    item_id,
                    domain_of[item.task],
                    item.task,
                    item.skills,
                    params[item_id],
                    record.correct,
                )
            )
        return out

    def mastery(self, responses: list[Response] | None = None) -> dict[str, Mastery]:
        return mastery_by_area(
            self.responses() if responses is None else responses, self.bank.blueprint
        )

    def study_next(self, masteries: dict[str, Mastery] | None = None) -> list[StudyArea]:
        return study_next(masteries or self.mastery(), self.bank.blueprint)

    def suggested_items(self, task: str, count: int = 5) -> list[str]:
        """Items to do for a task: missed first, then unseen."""
        records = load_item_records(self.sessions, self.learner, self.bank.items)
        live = [i for i in self.bank.index.live_by_task.get(task, [])]
        missed = [i.id for i in live if records.get(i.id) and records[i.id].missed]
        unseen = [i.id for i in live if i.id not in records]
        return (missed + unseen)[:count]

    def adaptive_selection(
        self, count: int, seed: int | None = None, recent_days: int = RECENT_DAYS
    ) -> list[str]:
        """Items for an adaptive drill: the three weakest task statements, near the learner's
        ability (maximum information, randomesque), nothing seen in the last ``recent_days``
        days unless it is due for review."""
        now = self.clock.now()
        responses = self.responses()
        masteries = self.mastery(responses)
        weakest = [s.task for s in self.study_next(masteries)[:3]]
        theta = masteries["all"].theta
        with self.sessions() as session:
            shown = AttemptRepository(session).shown_items(self.learner)
        recent = {
            item_id
            for _, item_id, started, _, _ in shown
            if started >= now - timedelta(days=recent_days)
        }
        due = set(self.due_items(now))
        candidates = [i for t in weakest for i in self.bank.index.live_by_task.get(t, [])]
        rng = random.Random(seed)
        picked = pick_adaptive(candidates, theta, count, rng, recent, due)
        if len(picked) < count:  # the weakest areas are exhausted: widen to the whole bank
            rest = [
                i
                for items in self.bank.index.live_by_task.values()
                for i in items
                if i not in picked
            ]
            picked += pick_adaptive(
                rest, theta, count - len(picked), rng, recent | {p.id for p in picked}, due
            )
        return [i.id for i in picked]

    # -- plan and readiness ---------------------------------------------------------------------
    def mock_scores(self) -> list[int]:
        """The scaled scores of finished exams, oldest first; an exam whose items the learner
        saw with feedback while it was open does not count."""
        with self.sessions() as session:
            rows = AttemptRepository(session).history(self.learner, limit=1000)
            finished = [
                r
                for r in rows
                if r.mode == "exam"
                and r.status != "in_progress"
                and r.result
                and not AttemptRepository(session).answered_elsewhere_during(r)
            ]
        return [int(r.result["scaled"]) for r in sorted(finished, key=lambda r: r.started_at)]  # type: ignore[index]

    def pass_estimate(self) -> PassEstimate:
        """The probability of passing the real exam, with its 80% interval and whether the
        evidence is enough to rely on it (``services.readiness``)."""
        return learner_readiness(self.sessions, self.bank, self.parameters.table(), self.learner)

    def readiness(self, estimate: PassEstimate | None = None) -> Readiness:
        """The book rule (``domain.study_plan``) on the pass estimate."""
        e = estimate or self.pass_estimate()
        return readiness(self.mock_scores(), e.p_pass, e.low, e.high, e.enough_evidence, e.reason)

    def checklist(self) -> list[StepStatus]:
        masteries = self.mastery()
        with self.sessions() as session:
            checks = LearningRepository(session).plan_checks(self.learner)
            labs_done = LearningRepository(session).labs_passed(self.learner)
            rows = AttemptRepository(session).history(self.learner, limit=1000)
        exams = sum(1 for r in rows if r.mode == "exam" and r.status != "in_progress")
        practised = {
            d.id for d in self.bank.blueprint.domains if masteries[f"domain:{d.id}"].answered > 0
        }
        domains = len(self.bank.blueprint.domains)
        weak = [d for d in self.bank.blueprint.domains if masteries[f"domain:{d.id}"].mastery < 0.5]
        ready = self.readiness()
        seen = {
            1: (
                len(practised) == domains,
                f"{len(practised)} of {plural(domains, 'domain')} practised",
            ),
            4: (
                not weak and len(practised) == domains,
                f"{domains - len(weak)} of {domains} domains at 50%+ mastery",
            ),
            5: (labs_done >= 3, f"{plural(labs_done, 'lab')} finished"),
            9: (exams >= 3, f"{plural(exams, 'full practice exam')} finished"),
            10: (ready.ready, ready.reason),
        }
        out = []
        for step in GUIDE_STEPS:
            if step.number in seen:
                done, progress = seen[step.number]
                done = done or step.number in checks
            else:
                done, progress = (
                    step.number in checks,
                    "marked done" if step.number in checks else "not yet",
                )
            out.append(StepStatus(step, done, progress))
        return out

    def check_step(self, number: int, done: bool = True) -> None:
        if not any(s.number == number for s in GUIDE_STEPS):
            raise CertprepError(f"there is no step {number}; steps are 1-{len(GUIDE_STEPS)}")
        with self.sessions.begin() as session:
            LearningRepository(session).check_step(self.learner, number, self.clock.now(), done)

    def check_exam_day(self, exam_day: date) -> None:
        today = self.clock.now().date()
        if exam_day <= today:
            raise CertprepError(f"the exam date {exam_day} must be after today ({today})")
        if (exam_day - today).days > PLAN_DAYS_MAX:
            raise CertprepError(
                f"the exam date {exam_day} is more than a year away: plan with a date within "
                f"{PLAN_DAYS_MAX} days"
            )

    def plan(self, exam_day: date, labs_left: int = 0) -> list[DayPlan]:
        """A day-by-day plan: every task statement by weight and weakness, today's reviews as
        ``review`` counts them, and ``labs_left`` labs spread over the study days."""
        self.check_exam_day(exam_day)
        today = self.clock.now().date()
        gains = [(s.task, s.gain) for s in self.study_next()]
        with self.sessions() as session:
            seen = AttemptRepository(session).seen_items(self.learner)
        unseen = sum(
            1 for i in self.bank.items.values() if i.status is ItemStatus.LIVE and i.id not in seen
        )
        return daily_plan(
            today,
            exam_day,
            unseen,
            self.reviews_by_day(),
            gains,
            labs_left=labs_left,
            due_now=len(self.due_items()),
        )

    # -- the real exam --------------------------------------------------------------------------
    def add_real_exam(self, taken_on: date, passed: bool, score: int | None = None) -> RealExam:
        exam = self.bank.blueprint.exam
        if score is not None and not exam.scale.min <= score <= exam.scale.max:
            raise CertprepError(f"a score is between {exam.scale.min} and {exam.scale.max}")
        if taken_on > self.clock.now().date():
            raise CertprepError("that date is in the future: log an exam after you have taken it")
        with self.sessions.begin() as session:
            LearningRepository(session).add_real_exam(
                RealExamRow(
                    learner=self.learner,
                    taken_on=taken_on,
                    passed=passed,
                    score=score,
                    created_at=self.clock.now(),
                )
            )
        return self._real_exam(taken_on, passed, score)

    def _real_exam(self, taken_on: date, passed: bool, score: int | None) -> RealExam:
        exam = self.bank.blueprint.exam
        return RealExam(
            taken_on,
            passed,
            score,
            None if passed else earliest_retake(taken_on, exam),
            renewal_due(taken_on, exam) if passed else None,
        )

    def real_exams(self) -> list[RealExam]:
        with self.sessions() as session:
            rows = LearningRepository(session).real_exams(self.learner)
        return [self._real_exam(r.taken_on, r.passed, r.score) for r in rows]
