"""Scoring a finished attempt: right or wrong per item, ability, scaled score, domain report.

- Single and multiple response items are right only when the chosen set equals the key set.
- Only scored items count. The ability estimate is the 3PL maximum-likelihood theta.
- scaled = passing_score + points_per_logit * (theta - cut_theta), rounded, clipped to the scale.
- Compensatory: the overall scaled score alone decides the pass.
- A domain "Meets Competencies" when the learner's number right in it is at least what a
  just-passing candidate (theta = cut_theta) is expected to get right on the same items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from certprep.domain.blueprint import Blueprint, ExamFormat
from certprep.domain.irt import estimate_ability, parameters
from certprep.domain.items import Item

MEETS = "Meets Competencies"
NEEDS = "Needs Improvement"


@dataclass(frozen=True)
class DomainResult:
    domain: int
    name: str
    weight: float
    correct: int
    total: int
    borderline_expected: float
    status: str

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ScoreReport:
    scaled: int
    passed: bool
    passing_score: int
    theta: float
    se: float
    correct: int
    total: int
    domains: tuple[DomainResult, ...]
    tasks: tuple[tuple[str, int, int], ...] = ()  # (task id, right, scored items)


def is_correct(item: Item, chosen: frozenset[int] | None) -> bool:
    return chosen is not None and chosen == item.keys


def scale_score(theta: float, exam: ExamFormat) -> int:
    s = exam.scoring
    raw = exam.passing_score + s.points_per_logit * (theta - s.cut_theta)
    return int(min(exam.scale.max, max(exam.scale.min, round(raw))))


def score(
    blueprint: Blueprint,
    scored_items: list[Item],
    answers: Mapping[str, frozenset[int]],
) -> ScoreReport:
    """Score the scored items of a form given the chosen options (authored indices) per item id."""
    exam = blueprint.exam
    graded = [(item, is_correct(item, answers.get(item.id))) for item in scored_items]
    estimate = estimate_ability([(parameters(item), ok) for item, ok in graded])
    scaled = scale_score(estimate.theta, exam)
    domains = []
    for domain in blueprint.domains:
        task_ids = {t.id for t in domain.tasks}
        mine = [(item, ok) for item, ok in graded if item.task in task_ids]
        correct = sum(ok for _, ok in mine)
        expected = sum(parameters(item).p(exam.scoring.cut_theta) for item, _ in mine)
        status = MEETS if mine and correct >= expected else NEEDS
        domains.append(
            DomainResult(
                domain.id, domain.name, domain.weight, correct, len(mine), expected, status
            )
        )
    per_task: dict[str, list[int]] = {}
    for item, ok in graded:
        counts = per_task.setdefault(item.task, [0, 0])
        counts[0] += ok
        counts[1] += 1
    return ScoreReport(
        tasks=tuple((t, c[0], c[1]) for t, c in sorted(per_task.items())),
        scaled=scaled,
        passed=scaled >= exam.passing_score,
        passing_score=exam.passing_score,
        theta=estimate.theta,
        se=estimate.se,
        correct=sum(ok for _, ok in graded),
        total=len(graded),
        domains=tuple(domains),
    )
