"""Item response theory: the 3PL model, the prior that stands in before calibration, and
the maximum-likelihood ability estimate used for scoring.

P(correct | theta) = c + (1 - c) / (1 + exp(-a * (theta - b)))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

from certprep.domain.items import Item

THETA_MIN, THETA_MAX = -4.0, 4.0
_GRID_STEP = 0.1
#: How far one step of the author's 1-5 difficulty moves b, in logits (3 is b = 0).
LOGITS_PER_DIFFICULTY_STEP = 0.8
#: Discrimination assumed before calibration.
PRIOR_DISCRIMINATION = 1.0


@dataclass(frozen=True)
class ItemParameters:
    a: float
    b: float
    c: float

    def p(self, theta: float) -> float:
        return self.c + (1.0 - self.c) / (1.0 + math.exp(-self.a * (theta - self.b)))

    def information(self, theta: float) -> float:
        """Fisher information of the item at theta (3PL)."""
        p = self.p(theta)
        if p <= self.c or p >= 1.0:
            return 0.0
        return self.a**2 * ((1.0 - p) / p) * ((p - self.c) / (1.0 - self.c)) ** 2


def guessing_floor(item: Item) -> float:
    """The chance of a blind guess being right: one over the number of possible answer sets."""
    return 1.0 / comb(len(item.options), max(1, len(item.keys)))


def parameters(item: Item) -> ItemParameters:
    """Calibrated parameters where there are some, else the prior from the author's estimate."""
    if item.irt is not None:
        return ItemParameters(item.irt.a, item.irt.b, item.irt.c)
    b = (item.difficulty - 3) * LOGITS_PER_DIFFICULTY_STEP
    return ItemParameters(PRIOR_DISCRIMINATION, b, guessing_floor(item))


def _log_likelihood(theta: float, responses: Sequence[tuple[ItemParameters, bool]]) -> float:
    total = 0.0
    for params, correct in responses:
        p = min(max(params.p(theta), 1e-12), 1.0 - 1e-12)
        total += math.log(p if correct else 1.0 - p)
    return total


@dataclass(frozen=True)
class AbilityEstimate:
    theta: float
    se: float


def estimate_ability(responses: Sequence[tuple[ItemParameters, bool]]) -> AbilityEstimate:
    """Maximum-likelihood ability, bounded to [-4, 4], with its standard error.

    A grid search finds the global maximum (3PL likelihoods can have more than one peak), then
    golden-section search refines it. All-right and all-wrong patterns end at the bounds.
    """
    if not responses:
        return AbilityEstimate(0.0, math.inf)
    steps = round((THETA_MAX - THETA_MIN) / _GRID_STEP)
    grid = [THETA_MIN + i * _GRID_STEP for i in range(steps + 1)]
    best = max(grid, key=lambda t: _log_likelihood(t, responses))
    lo, hi = max(THETA_MIN, best - _GRID_STEP), min(THETA_MAX, best + _GRID_STEP)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(40):
        x1, x2 = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if _log_likelihood(x1, responses) >= _log_likelihood(x2, responses):
            hi = x2
        else:
            lo = x1
    theta = round((lo + hi) / 2, 4)
    info = sum(params.information(theta) for params, _ in responses)
    return AbilityEstimate(theta, 1.0 / math.sqrt(info) if info > 0 else math.inf)
