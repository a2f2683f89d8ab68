"""Calibration: item parameters by marginal maximum likelihood (Bock & Aitkin's EM).

- **Model**: 2PL by default; 3PL with a Beta prior on c. Every item carries a prior
  (``priors.ItemPrior``; nearly flat by default), so the M-step finds the posterior mode: an
  item with few responses stays near its prior, and moves toward the data as they arrive.
- **Missing by design**: every examinee answers a different subset of the bank; only seen
  responses enter the likelihood (``responses.Responses``).
- **Scale**: with no fixed items the ability distribution is N(0, 1) (which fixes the scale).
  With fixed items (``Fixed``: live items held at their parameters) the fixed items carry the
  scale, the free (pretest) items are estimated on it, and the ability distribution's mean and
  SD are estimated as well (normal, re-estimated each cycle from the posteriors).
- **Convergence**: when no parameter (a, b, c, and the population mean and SD when estimated)
  changes by more than ``tol`` (1e-4) from one cycle to the next, or after ``max_iter`` cycles
  (then ``converged`` is False).
- **Pooled prior** (``pooled_prior=True``): empirical Bayes, the bank's own spread of a and b
  from a first run becomes every free item's prior for a second (``priors.ItemPrior.pooled``).
- **Standard errors** from Louis's observed information of each item's parameters
  (``standard_errors``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from certprep.psychometrics.em import EmMap, EmState, run_em
from certprep.psychometrics.model import (
    BoolArray,
    FloatArray,
    IntArray,
    ItemParams,
    quadrature,
)
from certprep.psychometrics.posterior import Outcomes
from certprep.psychometrics.priors import ItemPrior
from certprep.psychometrics.responses import Responses
from certprep.psychometrics.standard_errors import item_standard_errors

Model = Literal["2PL", "3PL"]
_PRIOR_FIELDS = ("mean_log_a", "sd_log_a", "mean_b", "sd_b", "c_alpha", "c_beta")


@dataclass(frozen=True)
class Fixed:
    """Items held at given parameters (their bank indices and values)."""

    index: IntArray
    params: ItemParams

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", np.asarray(self.index, dtype=np.intp))
        if len(self.index) != len(self.params):
            raise ValueError("one set of parameters per fixed item")


@dataclass(frozen=True)
class Calibration:
    params: ItemParams
    se_a: FloatArray  # NaN for fixed items
    se_b: FloatArray
    se_c: FloatArray  # NaN for 2PL and fixed items
    log_likelihood: float
    iterations: int  # EM cycles (E-step + M-step); SQUAREM's extrapolations are not counted
    converged: bool
    population_mean: float
    population_sd: float
    grid: FloatArray
    posterior: FloatArray  # examinees x grid
    fixed: BoolArray

    def eap(self) -> tuple[FloatArray, FloatArray]:
        """Each examinee's posterior mean and SD of ability (on the calibration's scale)."""
        post = self.posterior.astype(np.float64)
        mean = post @ self.grid
        var = post @ self.grid**2 - mean**2
        return mean, np.sqrt(np.maximum(var, 0.0))


def starting_values(responses: Responses, model: Model, prior: ItemPrior) -> ItemParams:
    """a = 1, b from the share right (a logit, stretched for the spread of ability), c at its
    prior's mode."""
    seen = np.maximum(responses.count_per_item(), 1)
    share = (responses.right_per_item() + 0.5) / (seen + 1.0)
    c = np.zeros(responses.n_items)
    if model == "3PL":
        c = (prior.c_alpha - 1) / np.maximum(prior.c_alpha + prior.c_beta - 2, 1e-9)
        share = np.clip((share - c) / (1 - c), 0.02, 0.98)
    b = np.clip(-1.2 * np.log(share / (1 - share)), -4, 4)
    return ItemParams(np.ones(responses.n_items), b, c)


def calibrate(
    responses: Responses,
    model: Model = "2PL",
    prior: ItemPrior | None = None,
    fixed: Fixed | None = None,
    start: ItemParams | None = None,
    estimate_population: bool | None = None,
    grid: FloatArray | None = None,
    max_iter: int = 500,
    tol: float = 1e-4,
    standard_errors: bool = True,
    accelerate: bool = True,
    pooled_prior: bool = False,
) -> Calibration:
    """Calibrate every item of ``responses`` (see the module's docstring). With
    ``pooled_prior`` (and no ``prior``), a first calibration's estimates give the bank's own
    prior (``ItemPrior.pooled``), and calibration goes on from there under it."""
    if pooled_prior and prior is None:
        first = calibrate(
            responses, model, None, fixed, start, estimate_population, grid, max_iter, tol
        )
        free = ~first.fixed
        pooled = ItemPrior.pooled(
            first.params.a[free], first.params.b[free], first.se_a[free], first.se_b[free]
        )
        prior = ItemPrior(
            *(np.full(responses.n_items, float(getattr(pooled, f)[0])) for f in _PRIOR_FIELDS)
        )
        start = first.params
    if model not in ("2PL", "3PL"):
        raise ValueError(f"unknown model {model!r}: 2PL or 3PL")
    if len(responses) == 0:
        raise ValueError("no responses to calibrate on")
    three_pl = model == "3PL"
    n_items = responses.n_items
    grid = quadrature() if grid is None else grid
    prior = ItemPrior.weak(n_items) if prior is None else prior
    if len(prior) != n_items:
        raise ValueError("one prior per item")
    params = start if start is not None else starting_values(responses, model, prior)
    free = np.ones(n_items, dtype=bool)
    if fixed is not None:
        free[fixed.index] = False
        a, b, c = params.a.copy(), params.b.copy(), params.c.copy()
        a[fixed.index], b[fixed.index], c[fixed.index] = (
            fixed.params.a,
            fixed.params.b,
            fixed.params.c,
        )
        params = ItemParams(a, b, c)
    if estimate_population is None:
        estimate_population = fixed is not None
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        em = EmMap(
            Outcomes.of(responses, workers), grid, prior, three_pl, free, estimate_population, pool
        )
        result = run_em(em, EmState(params, 0.0, 1.0), max_iter, tol, accelerate)
    step, params = result.estep, result.state.params
    nan = np.full(n_items, np.nan)
    se_a, se_b, se_c = nan, nan.copy(), nan.copy()
    if standard_errors:
        se_a, se_b, se_c = item_standard_errors(
            responses, step, grid, params, prior, three_pl, free
        )
    return Calibration(
        params=params,
        se_a=se_a,
        se_b=se_b,
        se_c=se_c,
        log_likelihood=step.log_likelihood,
        iterations=result.cycles,
        converged=result.converged,
        population_mean=result.state.mean,
        population_sd=result.state.sd,
        grid=grid,
        posterior=step.posterior,
        fixed=~free,
    )
