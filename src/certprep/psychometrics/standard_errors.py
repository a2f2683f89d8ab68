"""Standard errors of item parameters from Louis's (1982) observed information.

For item i with parameters phi (log a, b[, logit c]) the observed information of the marginal
likelihood is, by Louis's identity,

    I_obs = E[-d2 l_c] - sum_n E_n[s s'] + sum_n E_n[s] E_n[s]'   (+ the prior's curvature)

where l_c is the complete-data log-likelihood, s its score, and E_n the expectation over
examinee n's posterior. The first two terms come from the expected counts of the final E-step
(the first by differencing the M-step's analytic gradient); the third needs, for each response,
the posterior mean of its score, computed in blocks of examinees. This is the item's own block
of the information (the other items held at their estimates), the usual per-item approximation.
SEs on phi are carried to a, b and c by the delta method.
"""

from __future__ import annotations

import numpy as np

from certprep.psychometrics.item_update import curves, gradient_and_fisher, prior_terms, to_phi
from certprep.psychometrics.model import BoolArray, FloatArray, ItemParams
from certprep.psychometrics.posterior import EStep, gather_dots
from certprep.psychometrics.priors import ItemPrior
from certprep.psychometrics.responses import Responses

_H = 1e-5


def item_standard_errors(
    responses: Responses,
    step: EStep,
    grid: FloatArray,
    params: ItemParams,
    prior: ItemPrior,
    three_pl: bool,
    free: BoolArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    n_items = len(params)
    phi = to_phi(params, three_pl)
    k = phi.shape[1]
    right, total = step.right, step.total
    # E[-d2 l_c]: minus the Hessian of the expected complete-data log-likelihood
    hess = np.empty((n_items, k, k))
    for j in range(k):
        up, down = phi.copy(), phi.copy()
        up[:, j] += _H
        down[:, j] -= _H
        g_up = gradient_and_fisher(up, right, total, grid, three_pl)[0]
        g_down = gradient_and_fisher(down, right, total, grid, three_pl)[0]
        hess[:, :, j] = (g_up - g_down) / (2 * _H)
    info = -0.5 * (hess + hess.transpose(0, 2, 1))
    # - sum_n E_n[s s']: (x - P)^2 / (P(1-P))^2 summed with the expected counts
    p, dp = curves(phi, grid, three_pl)
    w = right / p**2 + (total - right) / (1 - p) ** 2
    info -= np.einsum("iq,iqk,iql->ikl", w, dp, dp)
    # + sum_n E_n[s] E_n[s]': the posterior mean of each response's score
    tables = [np.vstack([-dp[:, :, j] / (1 - p), dp[:, :, j] / p]) for j in range(k)]
    column = responses.item + n_items * responses.right.astype(np.intp)
    means = gather_dots(step.posterior, responses.person, column, tables)
    for j in range(k):
        for m in range(j, k):
            s = np.bincount(responses.item, weights=means[j] * means[m], minlength=n_items)
            info[:, j, m] += s
            if m != j:
                info[:, m, j] += s
    info += prior_terms(phi, prior, three_pl)[2][:, :, None] * np.eye(k)[None]
    se_phi = np.full((n_items, k), np.nan)
    ok = free & np.all(np.linalg.eigvalsh(info) > 0, axis=1)
    if ok.any():
        cov = np.linalg.inv(info[ok])
        se_phi[ok] = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    se_a = params.a * se_phi[:, 0]
    se_b = se_phi[:, 1]
    se_c = params.c * (1 - params.c) * se_phi[:, 2] if three_pl else np.full(n_items, np.nan)
    return se_a, se_b, se_c
