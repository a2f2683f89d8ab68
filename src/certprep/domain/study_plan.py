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
#: how far ahead a day-by-day plan reaches (AWS lets you book about this far ahead)
PLAN_DAYS_MAX = 366
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


def focus_rotation(gains: Sequence[tuple[str, float]], slots: int) -> list[str]:
    """Task statements for ``slots`` study slots, from (task, score to gain) pairs: every task
    at least once when there are enough slots, the rest in proportion to what there is to gain
    (weight times room to improve), each task's turns spread apart (smooth weighted round
    robin). With fewer slots than tasks, the most valuable tasks."""
    ranked = sorted(gains, key=lambda g: (-g[1], g[0]))
    if slots <= 0 or not ranked:
        return []
    if slots < len(ranked):
        return [task for task, _ in ranked[:slots]]
    counts = {task: 1 for task, _ in ranked}
    extra = slots - len(ranked)
    total_gain = sum(max(gain, 0.0) for _, gain in ranked) or float(len(ranked))
    shares = {
        task: extra * (max(gain, 0.0) or total_gain / len(ranked)) / total_gain
        for task, gain in ranked
    }
    for task in counts:
        counts[task] += math.floor(shares[task])
    left = slots - sum(counts.values())
    for task in sorted(counts, key=lambda t: -(shares[t] - math.floor(shares[t])))[:left]:
        counts[task] += 1
    current = dict.fromkeys(counts, 0)
    order = []
    for _ in range(slots):
        for task in current:
            current[task] += counts[task]
        pick = max(current, key=lambda t: (current[t], -list(counts).index(t)))
        current[pick] -= slots
        order.append(pick)
    return order


def daily_plan(
    today: date,
    exam_day: date,
    unseen_items: int,
    reviews_due_by_day: dict[date, int],
    focus_gains: Sequence[tuple[str, float]],
    labs_left: int = 0,
    due_now: int | None = None,
) -> list[DayPlan]:
    """One entry per day from today to the day before the exam. ``focus_gains``: (task, score
    to gain) for every task statement; each study day focuses on two, so that every task comes
    up before the exam, the valuable ones more often. ``due_now``: today's reviews as
    ``certprep review`` counts them (default: the day's count plus any backlog)."""
    days_left = (exam_day - today).days
    if days_left <= 0:
        raise ValueError("the exam date must be after today")
    mocks = set(mock_days(today, exam_day))
    eve = exam_day - timedelta(days=1)
    study = [
        today + timedelta(days=n)
        for n in range(days_left)
        if today + timedelta(days=n) not in mocks and (today + timedelta(days=n) != eve or n == 0)
    ]
    study_days = max(1, len(study))
    per_day = (
        min(NEW_ITEMS_PER_DAY_MAX, math.ceil(unseen_items / study_days)) if unseen_items else 0
    )
    study_index = {day: k for k, day in enumerate(study)}
    rotation = focus_rotation(focus_gains, 2 * len(study))
    lab_days = set(study[:: max(1, len(study) // labs_left)][:labs_left]) if labs_left else set()
    backlog = sum(n for d, n in reviews_due_by_day.items() if d < today)
    plan = []
    for n in range(days_left):
        day = today + timedelta(days=n)
        today_reviews = reviews_due_by_day.get(day, 0) + backlog
        entry = DayPlan(
            day,
            reviews=(today_reviews if due_now is None else due_now)
            if n == 0
            else reviews_due_by_day.get(day, 0),
        )
        if day in mocks:
            entry.mock_exam = True
            entry.notes.append("full practice exam (180 minutes), then review what you missed")
        elif day in study_index:
            k = study_index[day]
            entry.new_items = per_day
            entry.focus = tuple(dict.fromkeys(rotation[2 * k : 2 * k + 2]))
            entry.labs = int(day in lab_days)
        if day == eve and days_left > 1:
            entry.notes.append("light review only; rest")
            entry.new_items = 0
            entry.focus = ()
        plan.append(entry)
    return plan
