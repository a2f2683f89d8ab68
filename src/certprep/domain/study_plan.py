"""The exam guide's ten preparation steps, a day-by-day plan to an exam date, and the rule for
when to book the exam.

Readiness rule (what the guide calls "consistently score well on mock exams", made honest):
book when certprep has enough evidence about the learner's ability, at least one full
practice exam has been taken (that counts: its items were not seen with feedback while it was
open), and the estimated probability of passing the real exam is at least 0.8
(``services.readiness``, ``psychometrics.readiness``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

READY_PROBABILITY = 0.8
NEW_ITEMS_PER_DAY_MAX = 25


@dataclass(frozen=True)
class GuideStep:
    number: int
    title: str
    evidence: str  # what certprep can see, or "" when only the learner can tick it


GUIDE_STEPS = (
    GuideStep(1, "Understand the exam objectives", "practice in every domain"),
    GuideStep(2, "Take official AWS training", ""),
    GuideStep(3, "Use AWS Skill Builder for targeted learning", ""),
    GuideStep(4, "Fill knowledge gaps in your weakest domains", "no domain below 50% mastery"),
    GuideStep(5, "Get hands-on with labs", "labs finished"),
    GuideStep(6, "Explore gamified learning (AWS Cloud Quest)", ""),
    GuideStep(7, "Test your skills in AWS Jam events", ""),
    GuideStep(8, "Join study groups and communities", ""),
    GuideStep(9, "Take practice exams", "full practice exams finished"),
    GuideStep(10, "Review, reinforce, and schedule the exam", "the readiness rule holds"),
)


@dataclass(frozen=True)
class StepStatus:
    step: GuideStep
    done: bool
    progress: str


@dataclass(frozen=True)
class Readiness:
    ready: bool
    recent_scores: tuple[int, ...]
    pass_probability: float
    reason: str
    low: float = 0.0  # the 80% interval of the pass probability
    high: float = 1.0
    enough_evidence: bool = False


def readiness(
    mock_scores: Sequence[int],
    pass_probability: float,
    low: float = 0.0,
    high: float = 1.0,
    enough_evidence: bool = True,
    evidence_reason: str = "",
) -> Readiness:
    """The book rule (module docstring) on an estimate of the chance of passing."""
    recent = tuple(mock_scores[-3:])

    def verdict(ready: bool, reason: str) -> Readiness:
        return Readiness(ready, recent, pass_probability, reason, low, high, enough_evidence)

    if not enough_evidence:
        return verdict(False, evidence_reason or "not enough evidence yet: keep practising")
    if not mock_scores:
        return verdict(False, "take a full practice exam")
    if pass_probability < READY_PROBABILITY:
        return verdict(
            False,
            f"the estimated chance of passing is {pass_probability:.0%}; book it at "
            f"{READY_PROBABILITY:.0%}",
        )
    return verdict(True, "book the exam")


@dataclass
class DayPlan:
    day: date
    reviews: int = 0
    new_items: int = 0
    focus: tuple[str, ...] = ()
    mock_exam: bool = False
    labs: int = 0
    notes: list[str] = field(default_factory=list)


def mock_days(today: date, exam_day: date) -> list[date]:
    """Days for full practice exams: at least three when there is room, spread out, the last
    two days before the exam (never on its eve)."""
    days_left = (exam_day - today).days
    if days_left < 2:
        return []
    last = exam_day - timedelta(days=2)
    count = max(1, min(6, days_left // 5 + 1))
    if days_left >= 6:
        count = max(count, 3)
    gap = max(1, (last - today).days // count)
    return sorted(
        {
            last - timedelta(days=gap * n)
            for n in range(count)
            if last - timedelta(days=gap * n) >= today
        }
    )


def daily_plan(
    today: date,
    exam_day: date,
    unseen_items: int,
    reviews_due_by_day: dict[date, int],
    focus_tasks: Sequence[str],
    labs_left: int = 0,
) -> list[DayPlan]:
    """One entry per day from today to the day before the exam."""
    days_left = (exam_day - today).days
    if days_left <= 0:
        raise ValueError("the exam date must be after today")
    mocks = set(mock_days(today, exam_day))
    eve = exam_day - timedelta(days=1)
    study_days = max(1, days_left - len(mocks) - (1 if days_left > 1 and eve not in mocks else 0))
    per_day = (
        min(NEW_ITEMS_PER_DAY_MAX, math.ceil(unseen_items / study_days)) if unseen_items else 0
    )
    lab_every = max(1, study_days // labs_left) if labs_left else 0
    plan = []
    backlog = sum(n for d, n in reviews_due_by_day.items() if d < today)
    for n in range(days_left):
        day = today + timedelta(days=n)
        entry = DayPlan(day, reviews=reviews_due_by_day.get(day, 0) + (backlog if n == 0 else 0))
        if day in mocks:
            entry.mock_exam = True
            entry.notes.append("full practice exam (180 minutes), then review what you missed")
        else:
            entry.new_items = per_day
            entry.focus = (
                tuple(focus_tasks[n % len(focus_tasks) : n % len(focus_tasks) + 2])
                if focus_tasks
                else ()
            )
            if lab_every and n % lab_every == 0:
                entry.labs = 1
        if day == eve and days_left > 1:
            entry.notes.append("light review only; rest")
            entry.new_items = 0
        plan.append(entry)
    return plan
