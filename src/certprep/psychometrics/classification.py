"""How well pass/fail decisions and pass probabilities hold up.

- **Accuracy**: the share of examinees whose decision on a form matches their true status.
- **Consistency**: the share whose decisions on two parallel forms agree.
- **Rudner's estimates** from a single form (Rudner 2001, 2005): treating each examinee's
  estimate as true with normal error SE, the probability of the same decision is
  p = Phi(|theta_hat - cut| / SE); accuracy is the mean of p, consistency the mean of
  p^2 + (1 - p)^2 (two independent sittings agree).
- **Expected calibration error** of predicted probabilities: predictions binned into ``bins``
  equal-width bins; ECE = sum over bins of (share of predictions in the bin) x |mean
  prediction - observed rate|. The reliability curve is the bins' (mean prediction, observed
  rate, count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from certprep.psychometrics.model import FloatArray


def agreement(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    return float(np.mean(np.asarray(x, dtype=bool) == np.asarray(y, dtype=bool)))


def rudner(theta_hat: npt.ArrayLike, se: npt.ArrayLike, cut: float) -> tuple[float, float]:
    """Rudner's (accuracy, consistency) from one form's estimates and standard errors."""
    z = np.abs(np.asarray(theta_hat) - cut) / np.maximum(np.asarray(se), 1e-12)
    p = ndtr(z)
    return float(p.mean()), float(np.mean(p**2 + (1 - p) ** 2))


@dataclass(frozen=True)
class Reliability:
    predicted: FloatArray  # mean prediction per non-empty bin
    observed: FloatArray  # observed rate per non-empty bin
    count: npt.NDArray[np.int64]
    ece: float


def reliability(predicted: npt.ArrayLike, outcome: npt.ArrayLike, bins: int = 10) -> Reliability:
    p = np.asarray(predicted, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    if p.shape != y.shape or not len(p):
        raise ValueError("one outcome per prediction, at least one")
    which = np.minimum((p * bins).astype(np.intp), bins - 1)
    count = np.bincount(which, minlength=bins)
    sum_p = np.bincount(which, weights=p, minlength=bins)
    sum_y = np.bincount(which, weights=y, minlength=bins)
    used = count > 0
    mean_p, rate = sum_p[used] / count[used], sum_y[used] / count[used]
    ece = float(np.sum(count[used] / len(p) * np.abs(mean_p - rate)))
    return Reliability(mean_p, rate, count[used].astype(np.int64), ece)
