"""An item's IRT parameters as the exam engine uses them, and the prior that stands in
before calibration. The model itself (3PL, with 2PL as c = 0) lives in one place,
``certprep.psychometrics.model``; this module only holds one item's values.

P(correct | theta) = c + (1 - c) / (1 + exp(-a * (theta - b)))
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from certprep.domain.items import Item
from certprep.psychometrics.model import ItemParams, item_information, probability

#: How far one step of the author's 1-5 difficulty moves b, in logits (3 is b = 0).
LOGITS_PER_DIFFICULTY_STEP = 0.8
#: Discrimination assumed before calibration.
PRIOR_DISCRIMINATION = 1.0


@dataclass(frozen=True)
class ItemParameters:
    a: float
    b: float
    c: float

    def _arrays(self) -> ItemParams:
        return ItemParams(np.array([self.a]), np.array([self.b]), np.array([self.c]))

    def p(self, theta: float) -> float:
        return float(probability(self._arrays(), [theta])[0, 0])

    def information(self, theta: float) -> float:
        """Fisher information of the item at theta."""
        return float(item_information(self._arrays(), [theta])[0, 0])


def guessing_floor(item: Item) -> float:
    """The chance of a blind guess being right: one over the number of possible answer sets."""
    return 1.0 / comb(len(item.options), max(1, len(item.keys)))


def prior_difficulty(item: Item) -> float:
    """b from the author's 1-5 estimate (3 is b = 0)."""
    return (item.difficulty - 3) * LOGITS_PER_DIFFICULTY_STEP


def parameters(item: Item) -> ItemParameters:
    """Parameters written in the item file (``irt:``), else the prior from the author's
    estimate. Parameters calibrated from responses live in the database
    (``services.item_parameters``) and take precedence over both."""
    if item.irt is not None:
        return ItemParameters(item.irt.a, item.irt.b, item.irt.c)
    return ItemParameters(PRIOR_DISCRIMINATION, prior_difficulty(item), guessing_floor(item))
