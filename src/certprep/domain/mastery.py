"""Mastery per domain, task statement and skill, and what to study next.

Model: for each area, the learner's ability theta on that area's items is given a standard
normal prior and updated with the learner's latest final answer to each item (the IRT model of
``psychometrics.model``, with the item parameters scoring uses), on a grid. Mastery is the probability of answering a typical
item right (a = 1, b = 0, no guessing floor) at that ability: its posterior mean, and an 80%
credible interval from the posterior quantiles. With few answers the posterior stays close to
the prior, so the interval is wide; it is never "100%" from three right answers.

"What to study next" ranks task statements by how much closing the gap would raise the
expected exam score: each task's share of the scored questions (its domain's weight split over
the domain's tasks) times its room to improve (1 - mastery).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from certprep.domain.blueprint import Blueprint
from certprep.domain.irt import ItemParameters
from certprep.psychometrics.model import ItemParams, log_probabilities

GRID = np.linspace(-4.0, 4.0, 81)
_PRIOR = np.exp(-0.5 * GRID**2)
_TYPICAL = 1.0 / (1.0 + np.exp(-GRID))  # P(right) on a typical item, a=1, b=0, c=0


@dataclass(frozen=True)
class Response:
    item_id: str
    domain: int
    task: str
    skills: tuple[str, ...]
    params: ItemParameters
    correct: bool


@dataclass(frozen=True)
class Mastery:
    area: str  # "domain:3", "task:3.1", "skill:3.1.2"
    answered: int
    right: int
    theta: float
    theta_sd: float
    mastery: float
    low: float
    high: float
    p_above_cut: float


@dataclass(frozen=True)
class StudyArea:
    task: str
    title: str
    domain: int
    gain: float  # expected scaled-question share recovered, per 100 questions
    mastery: Mastery


def _log_likelihoods(responses: list[Response]) -> np.ndarray:
    """One row per response: the log-likelihood of its outcome at each grid point (the one
    IRT model, ``psychometrics.model``)."""
    params = ItemParams(
        np.fromiter((r.params.a for r in responses), float, len(responses)),
        np.fromiter((r.params.b for r in responses), float, len(responses)),
        np.fromiter((r.params.c for r in responses), float, len(responses)),
    )
    log_p, log_q = log_probabilities(params, GRID)
    right = np.fromiter((r.correct for r in responses), bool, len(responses))[:, None]
    rows: np.ndarray = np.where(right, log_p, log_q)
    return rows


def _summary(
    area: str, log_like: np.ndarray, answered: int, right: int, cut_theta: float
) -> Mastery:
    post = _PRIOR * np.exp(log_like - log_like.max())
    post = post / post.sum()
    theta = float((post * GRID).sum())
    sd = float(np.sqrt((post * (GRID - theta) ** 2).sum()))
    cdf = np.cumsum(post)
    low_theta = GRID[min(int(np.searchsorted(cdf, 0.10)), len(GRID) - 1)]
    high_theta = GRID[min(int(np.searchsorted(cdf, 0.90)), len(GRID) - 1)]
    return Mastery(
        area=area,
        answered=answered,
        right=right,
        theta=round(theta, 3),
        theta_sd=round(sd, 3),
        mastery=round(float((post * _TYPICAL).sum()), 3),
        low=round(float(1 / (1 + np.exp(-low_theta))), 3),
        high=round(float(1 / (1 + np.exp(-high_theta))), 3),
        p_above_cut=round(float(post[cut_theta <= GRID].sum()), 3),
    )


def mastery_by_area(responses: Iterable[Response], blueprint: Blueprint) -> dict[str, Mastery]:
    """Mastery for every domain, task and skill of the blueprint (unanswered areas: the prior).
    Each response's likelihood over the grid is computed once and summed into its areas."""
    listed = list(responses)
    groups: dict[str, list[int]] = defaultdict(list)
    for n, r in enumerate(listed):
        groups["all"].append(n)
        groups[f"domain:{r.domain}"].append(n)
        groups[f"task:{r.task}"].append(n)
        for s in r.skills:
            groups[f"skill:{s}"].append(n)
    rows = _log_likelihoods(listed) if listed else np.zeros((0, len(GRID)))
    correct = np.fromiter((r.correct for r in listed), bool, len(listed))
    cut = blueprint.exam.scoring.cut_theta
    areas = ["all"]
    areas += [f"domain:{d.id}" for d in blueprint.domains]
    areas += [f"task:{t}" for t in blueprint.tasks]
    areas += [f"skill:{s}" for s in blueprint.skills]
    out = {}
    for area in areas:
        index = groups.get(area, [])
        log_like = rows[index].sum(axis=0) if index else np.zeros(len(GRID))
        out[area] = _summary(
            area, log_like, len(index), int(correct[index].sum()) if index else 0, cut
        )
    return out


def study_next(masteries: dict[str, Mastery], blueprint: Blueprint) -> list[StudyArea]:
    """Task statements, most valuable first."""
    total_weight = sum(d.weight for d in blueprint.domains)
    out = []
    for domain in blueprint.domains:
        share = 100.0 * domain.weight / total_weight / len(domain.tasks)
        for task in domain.tasks:
            m = masteries[f"task:{task.id}"]
            out.append(
                StudyArea(task.id, task.title, domain.id, round(share * (1 - m.mastery), 2), m)
            )
    return sorted(out, key=lambda s: (-s.gain, s.task))
