"""Readiness: the probability that a learner passes the real exam, with an interval.

    P(pass) = sum_q posterior(theta_q) * P(pass | theta_q)

- The **posterior** of the learner's ability comes from their recent scored first-exposure
  responses (``ability.posterior``: a N(0, 1) prior times the likelihood, on the grid).
- **P(pass | theta)** is the chance that one sitting of a typical form scores at or above the
  cut. The form's WLE is at or above the cut exactly when Warm's estimating function at the
  cut is >= 0 (it decreases in theta); given theta that function is a weighted sum of the
  form's independent right/wrong answers,

      S = sum_i (x_i - P_i(cut)) w_i + J(cut) / (2 I(cut)),   w_i = P_i'(cut) / (P_i Q_i)(cut),

  with mean sum_i (P_i(theta) - P_i(cut)) w_i + J/(2I) and variance sum_i P_i Q_i(theta) w_i^2,
  so P(pass | theta) = Phi(mean / sd) (normal approximation of a sum of 65 terms), averaged
  over the reference forms given (the forms a learner could draw). The learner's ability on
  the day, on the real exam's items, may also differ from certprep's scale: the curve is
  smoothed by a normal ``transfer_sd`` (0.4 logits by default, an assumption, since certprep
  cannot see real exam results). The simulation (``simulation``) checks the calibration of
  this chain with transfer_sd = 0, where the "real exam" is a certprep form.
- **Never certain**: certprep's bank is not the real exam, and no model of it should claim
  certainty, so ``readiness`` reports P(pass) and its interval within ``BOUNDS`` (1% to
  99%). An all-right mock would otherwise say 99.999%. The bounds are a reporting rule: the
  calibration checks (``simulation``) measure the model's own probabilities.
- **The 80% interval** is P(pass | theta) at the posterior's 10th and 90th percentiles.
- **Enough evidence** needs at least ``min_responses`` (30) responses, and either a posterior
  SD of at most ``max_psd`` (0.45 logits, about 56 scaled points) or an 80% interval of P(pass)
  no wider than ``max_width`` (0.2: the ability is uncertain but clearly on one side of the
  cut); otherwise certprep says "not enough evidence" instead of a number to rely on. Ten
  practice answers leave the posterior SD near 0.6; one full mock brings it near 0.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from certprep.psychometrics.ability import posterior
from certprep.psychometrics.model import EPS, FloatArray, ItemParams, probability, quadrature

MIN_RESPONSES = 30
MAX_PSD = 0.45
MAX_WIDTH = 0.2
BOUNDS = (0.01, 0.99)
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
    reference_forms: Sequence[ItemParams],
    cut_theta: float,
    transfer_sd: float = TRANSFER_SD,
) -> FloatArray:
    """P(pass | theta) at every grid point, averaged over the reference forms."""
    if not reference_forms:
        raise ValueError("at least one reference form")
    curves = []
    for form in reference_forms:
        s_cut = 1.0 / (1.0 + np.exp(-form.a * (cut_theta - form.b)))
        p_cut = np.clip(form.c + (1.0 - form.c) * s_cut, EPS, 1.0 - EPS)
        d1 = form.a * (1.0 - form.c) * s_cut * (1.0 - s_cut)
        d2 = form.a * d1 * (1.0 - 2.0 * s_cut)
        w = d1 / (p_cut * (1.0 - p_cut))
        shift = float((w * d2).sum() / (2.0 * (w * d1).sum()))
        p = np.clip(probability(form, grid), EPS, 1.0 - EPS)
        mean = ((p - p_cut[:, None]) * w[:, None]).sum(axis=0) + shift
        sd = np.sqrt((p * (1.0 - p) * w[:, None] ** 2).sum(axis=0))
        curves.append(ndtr(mean / sd))
    curve: FloatArray = np.mean(curves, axis=0)
    if transfer_sd > 0:
        delta = np.linspace(-4.0, 4.0, 81) * transfer_sd
        weight = np.exp(-0.5 * (delta / transfer_sd) ** 2)
        weight /= weight.sum()
        shifted = np.interp(grid[:, None] + delta[None, :], grid, curve)
        curve = shifted @ weight
    return curve


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
    reference_forms: Sequence[ItemParams],
    cut_theta: float,
    grid: FloatArray | None = None,
    transfer_sd: float = TRANSFER_SD,
    min_responses: int = MIN_RESPONSES,
    max_psd: float = MAX_PSD,
    max_width: float = MAX_WIDTH,
) -> Readiness:
    """Readiness from one learner's responses (``right[i]`` to the item of ``params`` i, -1
    for not answered); ``reference_forms`` are forms the learner could sit."""
    g = quadrature() if grid is None else grid
    r = np.atleast_1d(np.asarray(right))
    n = int((r >= 0).sum())
    post = posterior(params, r[None, :], g) if len(r) else np.exp(-0.5 * g[None, :] ** 2)
    post = post / post.sum(axis=1, keepdims=True)
    curve = pass_curve(g, reference_forms, cut_theta, transfer_sd)
    p, low, high = readiness_from_posterior(post, g, curve)
    theta = float(post[0] @ g)
    psd = float(np.sqrt(max(float(post[0] @ g**2) - theta**2, 0.0)))
    reasons = []
    if n < min_responses:
        reasons.append(f"{n} scored responses, fewer than {min_responses}")
    if psd > max_psd and float(high[0] - low[0]) > max_width:
        reasons.append(
            f"ability still uncertain (posterior SD {psd:.2f} > {max_psd}, "
            f"P(pass) between {float(low[0]):.0%} and {float(high[0]):.0%})"
        )
    reason = "not enough evidence: " + "; ".join(reasons) if reasons else ""
    lo, hi = BOUNDS
    p_pass, p_low, p_high = (float(np.clip(v[0], lo, hi)) for v in (p, low, high))
    return Readiness(p_pass, p_low, p_high, not reasons, n, theta, psd, reason)
