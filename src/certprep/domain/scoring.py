"""Scoring a finished attempt: right or wrong per item, ability, scaled score with its error,
and the per-domain report.

- Single and multiple response items are right only when the chosen set equals the key set.
- Only scored items count. The ability is Warm's weighted-likelihood estimate (WLE) under the
  items' parameters (calibrated, or the author-based prior), with its standard error. WLE, not
  EAP, makes the score: EAP pulls every estimate toward the population mean by an amount that
  depends on the form, so the same ability would get different expected scores on an easy and
  a hard form; WLE is nearly unbiased, which is what equating across forms needs.
- scaled = passing_score + A * (theta - theta_cut), rounded, clipped to the scale
  (``psychometrics.scaling``; A is the blueprint's points_per_logit, theta_cut comes from
  standard setting, ``services.item_parameters``). The SEM is A times the standard error.
- Compensatory: the overall scaled score alone decides the pass.
- A domain "Meets Competencies" when the learner's number right in it is at least what a
  just-passing candidate (theta = theta_cut) is expected to get right on the same items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from certprep.domain.blueprint import Blueprint
from certprep.domain.irt import ItemParameters
from certprep.domain.items import Item
from certprep.psychometrics.ability import wle
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.scaling import ScoreScale

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
    sem: int = 0  # standard error of measurement, in scaled points


def is_correct(item: Item, chosen: frozenset[int] | None) -> bool:
    return chosen is not None and chosen == item.keys


def score(
    blueprint: Blueprint,
    scored_items: list[Item],
    answers: Mapping[str, frozenset[int]],
    params: Mapping[str, ItemParameters],
    scale: ScoreScale,
) -> ScoreReport:
    """Score the scored items of a form given the chosen options (authored indices) per item
    id, the items' parameters and the score scale."""
    graded = [(item, is_correct(item, answers.get(item.id))) for item in scored_items]
    arrays = ItemParams(
        np.array([params[i.id].a for i, _ in graded]),
        np.array([params[i.id].b for i, _ in graded]),
        np.array([params[i.id].c for i, _ in graded]),
    )
    if graded:
        estimate = wle(arrays, np.array([ok for _, ok in graded], dtype=np.int8))
        theta, se = estimate.theta, estimate.se
    else:
        theta, se = scale.cut_theta, float("inf")
    scaled = int(scale.reported([theta])[0])
    domains = []
    for domain in blueprint.domains:
        task_ids = {t.id for t in domain.tasks}
        mine = [(item, ok) for item, ok in graded if item.task in task_ids]
        correct = sum(ok for _, ok in mine)
        expected = sum(params[item.id].p(scale.cut_theta) for item, _ in mine)
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
    sem = float(scale.sem([se])[0]) if np.isfinite(se) else float(scale.maximum - scale.minimum)
    return ScoreReport(
        tasks=tuple((t, c[0], c[1]) for t, c in sorted(per_task.items())),
        scaled=scaled,
        passed=scaled >= blueprint.exam.passing_score,
        passing_score=blueprint.exam.passing_score,
        theta=round(theta, 4),
        se=round(se, 4) if np.isfinite(se) else se,
        correct=sum(ok for _, ok in graded),
        total=len(graded),
        domains=tuple(domains),
        sem=round(sem),
    )
