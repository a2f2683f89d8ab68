"""Readiness: the probability that a learner passes the real exam, with an interval.

    P(pass) = sum_q posterior(theta_q) * P(pass | theta_q)

- The **posterior** of the learner's ability comes from their recent scored first-exposure
  responses (``ability.posterior``: a N(0, 1) prior times the likelihood, on the grid).
- **P(pass | theta)** is the chance that one sitting of a typical 65-item form scores at or
  above the cut: the form's ability estimate (WLE) is close to normal around theta with
  variance 1 / I(theta), where I is the form's information; the learner's ability on the day,
  on the real exam's items, may also differ from certprep's scale by a normal ``transfer_sd``
  (0.4 logits by default: an assumption, since certprep cannot see real exam results). So

      P(pass | theta) = Phi((theta - theta_cut) / sqrt(1 / I(theta) + transfer_sd^2)).

  The simulation (``simulation``) checks the calibration of this chain with transfer_sd = 0,
  where the "real exam" is a certprep form.
- **The 80% interval** is P(pass | theta) at the posterior's 10th and 90th percentiles.
- **Enough evidence** needs at least ``min_responses`` (30) responses and a posterior SD of at
  most ``max_psd`` (0.45 logits, about 56 scaled points); otherwise certprep says "not enough
  evidence yet" instead of a number to rely on. Ten practice answers leave the posterior SD
  near 0.6; one full mock brings it near 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from certprep.psychometrics.ability import posterior
from certprep.psychometrics.model import FloatArray, ItemParams, quadrature

MIN_RESPONSES = 30
MAX_PSD = 0.45
TRANSFER_SD = 0.4


@dataclass(frozen=True)
class Readiness:
    p_pass: float
    low: float  # 80% interval from the posterior
    high: float
    enough_evidence: bool
    responses: int
    theta: float  # posterior mean
    psd: float  # posterior SD
    reason: str  # why there is not enough evidence ("" when there is)


def pass_curve(
    grid: FloatArray,
    form_information: FloatArray,
    cut_theta: float,
    transfer_sd: float = TRANSFER_SD,
) -> FloatArray:
    """P(pass | theta) at every grid point for a form with this information curve."""
    var = 1.0 / np.maximum(form_information, 1e-12) + transfer_sd**2
    out: FloatArray = ndtr((grid - cut_theta) / np.sqrt(var))
    return out


def _quantile(post: FloatArray, grid: FloatArray, q: float) -> FloatArray:
    cdf = np.cumsum(post, axis=1)
    idx = np.clip((cdf < q).sum(axis=1), 0, len(grid) - 1)
    out: FloatArray = grid[idx]
    return out


def readiness_from_posterior(
    post: FloatArray, grid: FloatArray, curve: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """P(pass), and the 80% interval's ends, for each posterior row."""
    p = post @ curve
    low = np.interp(_quantile(post, grid, 0.10), grid, curve)
    high = np.interp(_quantile(post, grid, 0.90), grid, curve)
    return p, low, high


def readiness(
    params: ItemParams,
    right: npt.ArrayLike,
    form_information: FloatArray,
    cut_theta: float,
    grid: FloatArray | None = None,
    transfer_sd: float = TRANSFER_SD,
    min_responses: int = MIN_RESPONSES,
    max_psd: float = MAX_PSD,
) -> Readiness:
    """Readiness from one learner's responses (``right[i]`` to the item of ``params`` i);
    ``form_information`` is a typical form's information on the grid."""
    g = quadrature() if grid is None else grid
    r = np.atleast_1d(np.asarray(right))
    n = int((r >= 0).sum())
    post = posterior(params, r[None, :], g) if len(r) else np.exp(-0.5 * g[None, :] ** 2)
    post = post / post.sum(axis=1, keepdims=True)
    curve = pass_curve(g, form_information, cut_theta, transfer_sd)
    p, low, high = readiness_from_posterior(post, g, curve)
    theta = float(post[0] @ g)
    psd = float(np.sqrt(max(float(post[0] @ g**2) - theta**2, 0.0)))
    reasons = []
    if n < min_responses:
        reasons.append(f"{n} scored responses, fewer than {min_responses}")
    if psd > max_psd:
        reasons.append(f"ability still uncertain (posterior SD {psd:.2f} > {max_psd})")
    reason = "not enough evidence: " + "; ".join(reasons) if reasons else ""
    return Readiness(float(p[0]), float(low[0]), float(high[0]), not reasons, n, theta, psd, reason)
