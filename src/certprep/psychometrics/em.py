"""The EM iteration of calibration, accelerated by SQUAREM.

One EM cycle F maps the current parameters to new ones: the E-step's expected counts at the
current parameters, then the M-step (``item_update.m_step``) for the free items and, when the
population is estimated, the normal mean and SD of the pooled posteriors. EM converges
linearly; SQUAREM (Varadhan & Roland 2008, scheme S3) takes two cycles x1 = F(x0),
x2 = F(x1), extrapolates along r = x1 - x0, v = x2 - 2 x1 + x0 with step alpha = -|r|/|v|
(alpha <= -1) to x' = x0 - 2 alpha r + alpha^2 v, and keeps x' only if the log-posterior did
not fall below x0's (else x2). Parameters are extrapolated on (log a, b, logit c, mean,
log sd), where every value is admissible. Convergence: no a, b, c, mean or SD changes by more
than ``tol`` in one cycle.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from certprep.psychometrics.item_update import from_phi, m_step, prior_terms, to_phi
from certprep.psychometrics.model import BoolArray, FloatArray, ItemParams, normal_weights
from certprep.psychometrics.posterior import EStep, Outcomes, e_step
from certprep.psychometrics.priors import ItemPrior


@dataclass(frozen=True)
class EmState:
    params: ItemParams
    mean: float
    sd: float


@dataclass(frozen=True)
class EmResult:
    state: EmState
    estep: EStep  # at ``state``
    cycles: int
    converged: bool


class EmMap:
    def __init__(
        self,
        outcomes: Outcomes,
        grid: FloatArray,
        prior: ItemPrior,
        three_pl: bool,
        free: BoolArray,
        estimate_population: bool,
        pool: Executor | None,
    ) -> None:
        self.outcomes, self.grid, self.prior = outcomes, grid, prior
        self.three_pl, self.free, self.estimate_population = three_pl, free, estimate_population
        self.pool = pool

    def estep(self, state: EmState) -> EStep:
        log_prior = np.log(normal_weights(self.grid, state.mean, state.sd))
        return e_step(self.outcomes, state.params, self.grid, log_prior, self.pool)

    def mstep(self, state: EmState, estep: EStep) -> EmState:
        params, _ = m_step(
            state.params, estep.right, estep.total, self.grid, self.prior, self.three_pl, self.free
        )
        mean, sd = state.mean, state.sd
        if self.estimate_population:
            mass = estep.posterior.sum(axis=0, dtype=np.float64)
            mass /= mass.sum()
            mean = float(mass @ self.grid)
            sd = float(np.sqrt(max(float(mass @ self.grid**2) - mean**2, 1e-6)))
        return EmState(params, mean, sd)

    def log_posterior(self, state: EmState, estep: EStep) -> float:
        phi = to_phi(state.params.take(self.free), self.three_pl)
        prior = prior_terms(phi, self.prior.take(self.free), self.three_pl)[0]
        return estep.log_likelihood + float(prior.sum())

    def vector(self, state: EmState) -> FloatArray:
        parts = [to_phi(state.params.take(self.free), self.three_pl).ravel()]
        if self.estimate_population:
            parts.append(np.array([state.mean, np.log(state.sd)]))
        out: FloatArray = np.concatenate(parts)
        return out

    def state(self, vector: FloatArray, like: EmState) -> EmState:
        k = 3 if self.three_pl else 2
        n_free = int(self.free.sum())
        free = from_phi(vector[: n_free * k].reshape(n_free, k), self.three_pl)
        a, b, c = like.params.a.copy(), like.params.b.copy(), like.params.c.copy()
        a[self.free], b[self.free], c[self.free] = free.a, free.b, free.c
        mean, sd = like.mean, like.sd
        if self.estimate_population:
            mean, sd = float(vector[-2]), float(np.exp(np.clip(vector[-1], -3.0, 3.0)))
        return EmState(ItemParams(a, b, c), mean, sd)


def change(x: EmState, y: EmState) -> float:
    p, q = x.params, y.params
    return float(
        max(
            np.abs(p.a - q.a).max(),
            np.abs(p.b - q.b).max(),
            np.abs(p.c - q.c).max(),
            abs(x.mean - y.mean),
            abs(x.sd - y.sd),
        )
    )


def run_em(
    em: EmMap, start: EmState, max_cycles: int, tol: float, accelerate: bool = True
) -> EmResult:
    x0, e0 = start, em.estep(start)
    cycles = 0
    while cycles < max_cycles:
        x1 = em.mstep(x0, e0)
        e1 = em.estep(x1)
        cycles += 1
        if change(x0, x1) < tol:
            return EmResult(x1, e1, cycles, True)
        if not accelerate or cycles >= max_cycles:
            x0, e0 = x1, e1
            continue
        x2 = em.mstep(x1, e1)
        cycles += 1
        if change(x1, x2) < tol:
            return EmResult(x2, em.estep(x2), cycles, True)
        v0, v1, v2 = em.vector(x0), em.vector(x1), em.vector(x2)
        r, v = v1 - v0, v2 - 2 * v1 + v0
        alpha = min(-float(np.sqrt((r @ r) / max(float(v @ v), 1e-300))), -1.0)
        x_new = em.state(v0 - 2 * alpha * r + alpha**2 * v, x0)
        e_new = em.estep(x_new)
        before = em.log_posterior(x0, e0)
        # single-precision sums make the log-likelihood jitter by ~1e-8 of its size
        slack = 1e-8 * abs(before) + 1e-6
        if not np.isfinite(e_new.log_likelihood) or em.log_posterior(x_new, e_new) < before - slack:
            x_new, e_new = x2, em.estep(x2)
        x0, e0 = x_new, e_new
    return EmResult(x0, e0, cycles, False)
