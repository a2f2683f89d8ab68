"""The whole chain against known truth: calibration, standard setting, assembly, scoring,
classification and P(pass), with no storage.

Design (``simulate``):

1. **Bank**: ``bank_size`` 2PL items, a lognormal with median 1.2 (sd of log a 0.25), b ~ N(0, 1),
   labelled with the blueprint's task statements in proportion to the domains' weights.
2. **Calibration sample**: ``examinees`` abilities ~ N(0, 1); each answers ``responses`` items
   drawn at random from the bank (a sparse, incomplete design: every examinee a different
   subset). 2PL by marginal maximum likelihood (``calibration``) with the bank's pooled
   prior (empirical Bayes; ``pooled_prior``); the estimates are linked to
   the true scale by mean/sigma over all items to measure RMSE of a and b, and ability
   recovery from the calibration's EAPs.
3. **Standard setting**: a panel rates every item at P(right | theta0), theta0 the
   blueprint's cut on the true scale; the cut on the estimated scale is the Angoff solution on
   the estimated bank (``standard``).
4. **Forms**: ``forms`` 65-item forms assembled by ``assembly`` from the *estimated*
   parameters for information at that cut, within the blueprint's domain and task counts,
   randomesque among the best ``best``.
5. **Classification**: each examinee sits a random form (the mock) and another (a parallel
   form); answers come from the *true* parameters, scores from the estimated ones (WLE, the
   scaled score, pass at the passing score). Accuracy: mock decision vs true status;
   consistency: mock vs parallel form; Rudner's estimates from the mock alone.
6. **P(pass)**: from the mock's posterior (``readiness``, transfer_sd = 0 since the "real
   exam" here is a certprep form), checked against ``real_exams`` independent sittings of
   random forms per examinee (the parallel form among them): ECE and the reliability curve.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from certprep.psychometrics import ability, classification
from certprep.psychometrics.assembly import FormSpec, Randomesque, assemble
from certprep.psychometrics.calibration import calibrate
from certprep.psychometrics.linking import mean_sigma
from certprep.psychometrics.model import (
    FloatArray,
    IntArray,
    ItemParams,
    item_information,
    quadrature,
)
from certprep.psychometrics.readiness import pass_curve, readiness_from_posterior
from certprep.psychometrics.responses import Responses
from certprep.psychometrics.scaling import ScoreScale
from certprep.psychometrics.standard import angoff_ratings, cut_from_ratings

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SimulationConfig:
    spec: FormSpec
    scale: ScoreScale
    examinees: int = 5000
    bank_size: int = 300
    responses: int = 75
    seed: int = 0
    forms: int = 40
    best: int = 5
    real_exams: int = 8
    bins: int = 10
    a_median: float = 1.2
    a_sdlog: float = 0.25
    pooled_prior: bool = True

    def __post_init__(self) -> None:
        if self.examinees < 100:
            raise ValueError("at least 100 examinees")
        if not 0 < self.responses <= self.bank_size:
            raise ValueError("responses per examinee must be between 1 and the bank size")
        if self.bank_size < 2 * self.spec.form_length:
            raise ValueError(
                f"a bank of {self.bank_size} items cannot give parallel "
                f"{self.spec.form_length}-item forms: at least {2 * self.spec.form_length}"
            )
        if self.forms < 2 or self.real_exams < 1:
            raise ValueError("at least two forms and one real exam")


@dataclass(frozen=True)
class SimulationReport:
    config: SimulationConfig
    rmse_a: float
    rmse_b: float
    mean_se_a: float
    mean_se_b: float
    rmse_theta: float
    corr_theta: float
    iterations: int
    converged: bool
    cut_theta_true: float
    cut_theta_estimated: float
    pass_rate: float
    accuracy: float
    consistency: float
    rudner_accuracy: float
    rudner_consistency: float
    ece: float
    reliability: classification.Reliability
    form_overlap: float
    max_exposure: float
    mean_sem: float

    def to_dict(self) -> dict[str, Any]:
        c = self.config
        out: dict[str, Any] = {
            "examinees": c.examinees,
            "bank_size": c.bank_size,
            "responses": c.responses,
            "seed": c.seed,
            "forms": c.forms,
            "real_exams": c.real_exams,
        }
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float | int | bool) and f.name != "config":
                out[f.name] = round(value, 4) if isinstance(value, float) else value
        rel = self.reliability
        out["reliability"] = [
            {"predicted": round(float(p), 4), "observed": round(float(o), 4), "count": int(n)}
            for p, o, n in zip(rel.predicted, rel.observed, rel.count, strict=True)
        ]
        return out


def _rmse(x: FloatArray, y: FloatArray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


def _answer(
    rng: np.random.Generator, params: ItemParams, theta: FloatArray, items: IntArray
) -> npt.NDArray[np.int8]:
    """Right/wrong (int8) to ``items`` (any shape) at abilities ``theta`` of matching leading
    shape: one ability per row of a matrix of items, or one per entry of a flat array."""
    t = theta.reshape(theta.shape + (1,) * (items.ndim - theta.ndim))
    p = params.c[items] + (1 - params.c[items]) / (
        1 + np.exp(-params.a[items] * (t - params.b[items]))
    )
    out: npt.NDArray[np.int8] = (rng.random(items.shape) < p).astype(np.int8)
    return out


def simulate(config: SimulationConfig, progress: Progress | None = None) -> SimulationReport:
    say = progress or (lambda _step: None)
    rng = np.random.default_rng(config.seed)
    n, m = config.examinees, config.bank_size
    say("bank and examinees")
    true = ItemParams.two_pl(
        np.exp(rng.normal(np.log(config.a_median), config.a_sdlog, m)), rng.normal(0.0, 1.0, m)
    )
    task = config.spec.label(m)
    theta = rng.normal(0.0, 1.0, n)
    # calibration sample: a random subset of the bank per examinee
    picks = np.argpartition(rng.random((n, m)), config.responses - 1, axis=1)[:, : config.responses]
    person = np.repeat(np.arange(n), config.responses)
    item = picks.ravel()
    right = _answer(rng, true, theta[person], item)
    say("calibration")
    cal = calibrate(Responses(person, item, right, n, m), pooled_prior=config.pooled_prior)
    est = cal.params
    link = mean_sigma(est, true, np.arange(m), np.arange(m), keep_common=False)
    eap, _ = cal.eap()
    linked_se_a, linked_se_b = link.standard_errors(cal.se_a, cal.se_b)
    say("standard setting and forms")
    cut_true = config.scale.cut_theta
    cut = cut_from_ratings(angoff_ratings(true, cut_true), est)
    info_at_cut = item_information(est, [cut])[:, 0]
    forms = np.stack(
        [
            assemble(
                info_at_cut, task, config.spec.quotas(rng), rng, exposure=Randomesque(config.best)
            )
            for _ in range(config.forms)
        ]
    )
    scale = dataclasses.replace(config.scale, cut_theta=cut)
    grid = quadrature()
    curve = pass_curve(grid, [est.take(f) for f in forms], cut, 0.0)
    say("mock and parallel forms")
    sittings = 1 + config.real_exams
    which = np.stack([rng.permutation(config.forms)[:sittings] for _ in range(n)])
    passed = np.zeros((n, sittings), dtype=bool)
    theta_hat, se_hat = np.zeros(n), np.zeros(n)
    p_pass = np.zeros(n)
    for s in range(sittings):
        for f in range(config.forms):
            rows = np.flatnonzero(which[:, s] == f)
            if not len(rows):
                continue
            form = est.take(forms[f])
            x = _answer(
                rng, true, theta[rows], np.broadcast_to(forms[f], (len(rows), forms.shape[1]))
            )
            t, se = ability.wle_many(form, x, grid)
            passed[rows, s] = scale.passed(t)
            if s == 0:
                theta_hat[rows], se_hat[rows] = t, se
                post = ability.posterior(form, x, grid)
                p_pass[rows] = readiness_from_posterior(post, grid, curve)[0]
    say("classification")
    status = theta >= cut_true
    rel = classification.reliability(
        np.repeat(p_pass, config.real_exams), passed[:, 1:].ravel(), config.bins
    )
    r_acc, r_con = classification.rudner(theta_hat, se_hat, cut)
    exposure = np.bincount(forms.ravel(), minlength=m) / config.forms
    overlap = np.mean(
        [
            len(np.intersect1d(forms[i], forms[i + 1])) / forms.shape[1]
            for i in range(config.forms - 1)
        ]
    )
    return SimulationReport(
        config=config,
        rmse_a=_rmse(link.params.a, true.a),
        rmse_b=_rmse(link.params.b, true.b),
        mean_se_a=float(np.nanmean(linked_se_a)),
        mean_se_b=float(np.nanmean(linked_se_b)),
        rmse_theta=_rmse(link.theta(eap), theta),
        corr_theta=float(np.corrcoef(eap, theta)[0, 1]),
        iterations=cal.iterations,
        converged=cal.converged,
        cut_theta_true=cut_true,
        cut_theta_estimated=cut,
        pass_rate=float(status.mean()),
        accuracy=classification.agreement(passed[:, 0], status),
        consistency=classification.agreement(passed[:, 0], passed[:, 1]),
        rudner_accuracy=r_acc,
        rudner_consistency=r_con,
        ece=rel.ece,
        reliability=rel,
        form_overlap=float(overlap),
        max_exposure=float(exposure.max()),
        mean_sem=float(np.mean(scale.sem(se_hat))),
    )
