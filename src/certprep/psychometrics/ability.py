"""Ability estimates for response patterns on known items.

- **EAP** (expected a posteriori): the posterior mean of ability on the quadrature grid, with
  the posterior SD (PSD) as its uncertainty; the prior is normal (N(0, 1) unless told). Always
  finite, pulled toward the prior mean by an amount that grows as the form's information at
  the learner's ability falls.
- **WLE** (Warm's weighted likelihood estimate): the root of

      sum_i (x_i - P_i) P_i' / (P_i Q_i) + J / (2 I) = 0,  J = sum_i P_i' P_i'' / (P_i Q_i)

  with standard error 1 / sqrt(I(theta)). Its bias is of order 1/I^2 whatever the form, so
  the same ability gives the same expected estimate on an easier or a harder form; it is
  finite for all-right and all-wrong patterns. Found by bracketing on the grid, bisection and
  a last secant step, kept to the grid's range.

Both come for one pattern (``eap``, ``wle``) or for many examinees on the same items at once
(``eap_many``, ``wle_many``: rows are examinees, -1 marks an item not answered).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.model import (
    EPS,
    FloatArray,
    ItemParams,
    log_probabilities,
    normal_weights,
    probability,
    quadrature,
)

_BISECTIONS = 16


@dataclass(frozen=True)
class Ability:
    theta: float
    se: float  # the posterior SD for EAP, 1/sqrt(information) for WLE


def _as_matrix(right: npt.ArrayLike, n_items: int) -> npt.NDArray[np.int8]:
    m = np.atleast_2d(np.asarray(right).astype(np.int8))
    if m.shape[1] != n_items:
        raise ValueError(f"{m.shape[1]} responses for {n_items} items")
    return m


def posterior(
    params: ItemParams,
    right: npt.ArrayLike,
    grid: FloatArray | None = None,
    mean: float = 0.0,
    sd: float = 1.0,
) -> FloatArray:
    """Posterior weights on the grid, one row per examinee (rows sum to 1)."""
    g = quadrature() if grid is None else grid
    m = _as_matrix(right, len(params))
    log_p, log_q = log_probabilities(params, g)
    seen = m >= 0
    log_like = (m == 1).astype(np.float64) @ log_p + (seen & (m == 0)).astype(np.float64) @ log_q
    log_like += np.log(normal_weights(g, mean, sd))[None, :]
    log_like -= log_like.max(axis=1, keepdims=True)
    post = np.exp(log_like)
    out: FloatArray = post / post.sum(axis=1, keepdims=True)
    return out


def eap_many(
    params: ItemParams,
    right: npt.ArrayLike,
    grid: FloatArray | None = None,
    mean: float = 0.0,
    sd: float = 1.0,
) -> tuple[FloatArray, FloatArray]:
    """EAP and PSD of every row of ``right`` (examinees x items; 1, 0, or -1 not answered)."""
    g = quadrature() if grid is None else grid
    post = posterior(params, right, g, mean, sd)
    theta = post @ g
    psd = np.sqrt(np.maximum(post @ g**2 - theta**2, 0.0))
    return theta, psd


def eap(
    params: ItemParams,
    right: npt.ArrayLike,
    grid: FloatArray | None = None,
    mean: float = 0.0,
    sd: float = 1.0,
) -> Ability:
    """EAP and posterior SD of one response pattern (``right[i]`` for item i)."""
    theta, psd = eap_many(params, np.atleast_1d(np.asarray(right))[None, :], grid, mean, sd)
    return Ability(float(theta[0]), float(psd[0]))


def _warm(params: ItemParams, m: npt.NDArray[np.int8], theta: FloatArray) -> FloatArray:
    """Warm's estimating function at theta[n, t] for row n of m (decreasing in theta);
    theta is examinees x points."""
    a, b, c = params.a, params.b, params.c
    s = 1.0 / (1.0 + np.exp(-a * (theta[:, :, None] - b)))
    p = np.clip(c + (1.0 - c) * s, EPS, 1.0 - EPS)
    d1 = a * (1.0 - c) * s * (1.0 - s)
    w = np.where(m[:, None, :] >= 0, d1 / (p * (1.0 - p)), 0.0)
    info = (w * d1).sum(axis=2)
    j = (w * a * d1 * (1.0 - 2.0 * s)).sum(axis=2)
    score = (w * (m[:, None, :] - p)).sum(axis=2)
    out: FloatArray = score + j / (2.0 * np.maximum(info, 1e-300))
    return out


def information(params: ItemParams, m: npt.ArrayLike, theta: FloatArray) -> FloatArray:
    """Information of each row's answered items at that row's theta."""
    mm = _as_matrix(m, len(params))
    p = probability(params, theta)  # items x examinees
    c = params.c[:, None]
    pc = np.clip(p, EPS, 1.0 - EPS)
    item_info = params.a[:, None] ** 2 * ((1.0 - pc) / pc) * ((pc - c) / (1.0 - c)) ** 2
    out: FloatArray = np.where(mm.T >= 0, item_info, 0.0).sum(axis=0)
    return out


def wle_many(
    params: ItemParams, right: npt.ArrayLike, grid: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """WLE and its standard error for every row of ``right`` (-1: not answered)."""
    g = quadrature() if grid is None else grid
    m = _as_matrix(right, len(params))
    chunk = max(1, 2_000_000 // (len(g) * max(len(params), 1)))
    theta = np.concatenate(
        [_wle_rows(params, m[k : k + chunk], g) for k in range(0, m.shape[0], chunk)]
    )
    info = information(params, m, theta)
    return theta, 1.0 / np.sqrt(np.maximum(info, 1e-300))


def _wle_rows(params: ItemParams, m: npt.NDArray[np.int8], grid: FloatArray) -> FloatArray:
    # bracket: the first of every fourth grid point where the estimating function turns negative
    g = grid[::4] if len(grid) % 4 == 1 else grid
    values = _warm(params, m, np.broadcast_to(g, (m.shape[0], len(g))))
    first = np.argmax(values < 0, axis=1)
    never = ~(values < 0).any(axis=1)
    rows = np.arange(m.shape[0])
    lo, hi = g[np.maximum(first - 1, 0)], g[first]
    f_lo, f_hi = values[rows, np.maximum(first - 1, 0)], values[rows, first]
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        f_mid = _warm(params, m, mid[:, None])[:, 0]
        up = f_mid > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
        f_lo, f_hi = np.where(up, f_mid, f_lo), np.where(up, f_hi, f_mid)
    # a last secant step inside the small bracket
    span = np.where(f_lo - f_hi > 0, f_lo - f_hi, 1.0)
    root = lo + (hi - lo) * np.clip(f_lo / span, 0.0, 1.0)
    out: FloatArray = np.where(never, g[-1], np.where(first == 0, g[0], root))
    return out


def wle(params: ItemParams, right: npt.ArrayLike, grid: FloatArray | None = None) -> Ability:
    theta, se = wle_many(params, np.atleast_1d(np.asarray(right))[None, :], grid)
    return Ability(float(theta[0]), float(se[0]))
