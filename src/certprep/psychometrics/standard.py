"""Standard setting: the cut ability from Angoff ratings.

Each item carries a rating: the probability that a minimally competent candidate answers it
right. Panels give ratings; by default an item's rating is derived from its parameters as
P(reference_theta), the probability of a right answer at a documented reference ability
(certprep uses the blueprint's ``cut_theta``, 0.5, the ability the author-difficulty scale
calls just competent). The cut is the ability at which the expected number right on a
reference form equals the sum of the ratings of its items:

    sum_i P_i(theta_cut) = sum_i rating_i

The left side increases with theta, so the root is unique; it is found by bisection. Ratings
that derive from the same parameters give back the reference ability; ratings from a panel,
or from authors' prior parameters set against calibrated ones, move it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.model import FloatArray, ItemParams, probability


def angoff_ratings(params: ItemParams, reference_theta: float) -> FloatArray:
    """The default ratings: each item's P(right) at the reference ability."""
    out: FloatArray = probability(params, [reference_theta])[:, 0]
    return out


def cut_from_ratings(
    ratings: npt.ArrayLike, reference_form: ItemParams, lo: float = -6.0, hi: float = 6.0
) -> float:
    """The ability whose expected number right on ``reference_form`` is the ratings' sum."""
    r = np.asarray(ratings, dtype=np.float64)
    if r.shape != (len(reference_form),):
        raise ValueError("one rating per item of the reference form")
    if np.any((r <= 0) | (r >= 1)):
        raise ValueError("ratings are probabilities strictly between 0 and 1")
    target = float(r.sum())

    def expected(theta: float) -> float:
        return float(probability(reference_form, [theta]).sum())

    if not expected(lo) < target < expected(hi):
        raise ValueError(
            f"the ratings' sum {target:.2f} is outside what the form can give between "
            f"theta {lo} and {hi} ({expected(lo):.2f} to {expected(hi):.2f})"
        )
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if expected(mid) < target else (lo, mid)
    return 0.5 * (lo + hi)
