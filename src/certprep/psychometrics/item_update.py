"""The M-step: maximise every item's expected complete-data log-posterior at once.

Given expected right counts r[i, q] and responses n[i, q] at the grid points, item i maximises

    sum_q r log P(theta_q) + (n - r) log(1 - P(theta_q)) + log prior

over phi = (log a, b) for 2PL, or (log a, b, logit c) for 3PL, so that every step stays
inside a > 0 and 0 < c < 1. Fisher scoring on 61 weighted points, all items as one batch of
2x2 (or 3x3) systems; a step that would lower an item's objective is halved (per item), and
steps are capped so that no item jumps far in one iteration.
"""

from __future__ import annotations

import numpy as np

from certprep.psychometrics.model import EPS, BoolArray, FloatArray, ItemParams
from certprep.psychometrics.priors import A_BOUNDS, B_BOUNDS, C_BOUNDS, ItemPrior

MAX_STEP = 1.0
HALVINGS = 8


def to_phi(params: ItemParams, three_pl: bool) -> FloatArray:
    cols = [np.log(params.a), params.b]
    if three_pl:
        c = np.clip(params.c, *C_BOUNDS)
        cols.append(np.log(c / (1 - c)))
    out: FloatArray = np.column_stack(cols)
    return out


def from_phi(phi: FloatArray, three_pl: bool) -> ItemParams:
    a = np.clip(np.exp(phi[:, 0]), *A_BOUNDS)
    b = np.clip(phi[:, 1], *B_BOUNDS)
    c = 1.0 / (1.0 + np.exp(-phi[:, 2])) if three_pl else np.zeros(len(phi))
    return ItemParams(a, b, c)


def curves(phi: FloatArray, grid: FloatArray, three_pl: bool) -> tuple[FloatArray, FloatArray]:
    """P (items x grid) and dP/dphi (items x grid x k)."""
    a = np.exp(phi[:, :1])
    z = a * (grid[None, :] - phi[:, 1:2])
    s = 1.0 / (1.0 + np.exp(-z))
    c = 1.0 / (1.0 + np.exp(-phi[:, 2:3])) if three_pl else np.zeros((len(phi), 1))
    slope = (1.0 - c) * s * (1.0 - s)
    parts = [slope * z, -slope * a]
    if three_pl:
        parts.append((1.0 - s) * c * (1.0 - c))
    p = np.clip(c + (1.0 - c) * s, EPS, 1.0 - EPS)
    return p, np.stack(parts, axis=2)


def objective(
    phi: FloatArray, right: FloatArray, total: FloatArray, grid: FloatArray, three_pl: bool
) -> FloatArray:
    """Expected complete-data log-likelihood per item (no prior)."""
    p, _ = curves(phi, grid, three_pl)
    out: FloatArray = (right * np.log(p) + (total - right) * np.log1p(-p)).sum(axis=1)
    return out


def gradient_and_fisher(
    phi: FloatArray, right: FloatArray, total: FloatArray, grid: FloatArray, three_pl: bool
) -> tuple[FloatArray, FloatArray]:
    """Gradient (items x k) and expected information (items x k x k) of ``objective``."""
    p, dp = curves(phi, grid, three_pl)
    pq = p * (1.0 - p)
    grad = np.matmul(((right - total * p) / pq)[:, None, :], dp)[:, 0, :]
    fisher = np.matmul(dp.transpose(0, 2, 1), (total / pq)[:, :, None] * dp)
    return grad, fisher


def prior_terms(
    phi: FloatArray, prior: ItemPrior, three_pl: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Log prior per item, its gradient and its negative Hessian (diagonal, items x k)."""
    la, b = phi[:, 0], phi[:, 1]
    va, vb = prior.sd_log_a**2, prior.sd_b**2
    value = -0.5 * ((la - prior.mean_log_a) ** 2 / va + (b - prior.mean_b) ** 2 / vb)
    grad = [-(la - prior.mean_log_a) / va, -(b - prior.mean_b) / vb]
    neg_hess = [1.0 / va, 1.0 / vb]
    if three_pl:
        c = 1.0 / (1.0 + np.exp(-phi[:, 2]))
        am1, bm1 = prior.c_alpha - 1.0, prior.c_beta - 1.0
        value = value + am1 * np.log(c) + bm1 * np.log1p(-c)
        grad.append(am1 * (1.0 - c) - bm1 * c)
        neg_hess.append((am1 + bm1) * c * (1.0 - c))
    return value, np.column_stack(grad), np.column_stack(neg_hess)


def m_step(
    params: ItemParams,
    right: FloatArray,
    total: FloatArray,
    grid: FloatArray,
    prior: ItemPrior,
    three_pl: bool,
    free: BoolArray,
    steps: int = 1,
    tol: float = 1e-7,
) -> tuple[ItemParams, float]:
    """New parameters of the ``free`` items (the others are returned unchanged) and the
    largest change of any free parameter on the (a, b, c) scale."""
    idx = np.flatnonzero(free)
    if not len(idx):
        return params, 0.0
    phi = to_phi(params.take(idx), three_pl)
    r, n, pr = right[idx], total[idx], prior.take(idx)
    k = phi.shape[1]
    for _ in range(steps):
        f_old = objective(phi, r, n, grid, three_pl) + prior_terms(phi, pr, three_pl)[0]
        grad, fisher = gradient_and_fisher(phi, r, n, grid, three_pl)
        _, p_grad, p_info = prior_terms(phi, pr, three_pl)
        info = fisher + p_info[:, :, None] * np.eye(k)[None]
        info += 1e-9 * np.eye(k)[None]
        step = np.linalg.solve(info, (grad + p_grad)[:, :, None])[:, :, 0]
        biggest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))
        scale = np.ones((len(idx), 1))
        for _ in range(HALVINGS):
            trial = phi + scale * step
            f_new = objective(trial, r, n, grid, three_pl) + prior_terms(trial, pr, three_pl)[0]
            worse = f_new < f_old - 1e-9 * np.abs(f_old)
            if not worse.any():
                break
            scale[worse] *= 0.5
        phi = phi + scale * step
        if np.abs(scale * step).max() < tol:
            break
    new = from_phi(phi, three_pl)
    old = params.take(idx)
    change = float(
        max(np.abs(new.a - old.a).max(), np.abs(new.b - old.b).max(), np.abs(new.c - old.c).max())
    )
    a, b, c = params.a.copy(), params.b.copy(), params.c.copy()
    a[idx], b[idx], c[idx] = new.a, new.b, new.c
    return ItemParams(a, b, c), change
