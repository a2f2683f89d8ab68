"""Item fit: observed against expected right answers by ability group.

For every response the model's prediction is taken from the examinee's *other* responses:
the leave-one-out posterior (the examinee's posterior divided by this response's likelihood)
gives the expected probability E of a right answer and the ability estimate used for
grouping. Each item's responses are split into ``groups`` (10) equal groups by that ability;
in group g, with O right answers observed, E expected and V = sum E(1 - E),

    X2 = sum_g (O_g - E_g)^2 / V_g,   df = groups - number of item parameters.

Under the model each response is a Bernoulli(E) given the examinee's other answers, and
examinees are independent, so X2 is close to chi-square with those df (like Orlando and
Thissen's S-X2, which groups by the rest score instead). An item **misfits** when
p < ``alpha`` (0.001, so that a bank of hundreds of items raises few false alarms); RMSD, the
root mean square of (O - E) / n over groups, says how large the misfit is. Items with fewer
than 10 responses per group get no statistic (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from certprep.psychometrics.model import EPS, BoolArray, FloatArray, ItemParams, probability
from certprep.psychometrics.posterior import gather_dots
from certprep.psychometrics.responses import Responses

ALPHA = 0.001


@dataclass(frozen=True)
class ItemFit:
    statistic: FloatArray  # X2 per item (NaN: too few responses)
    df: int
    p_value: FloatArray
    rmsd: FloatArray
    misfit: BoolArray


def predictive(
    responses: Responses, posterior: FloatArray, params: ItemParams, grid: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per response: P(right) and the EAP ability, both from the examinee's other responses."""
    p = np.clip(probability(params, grid), EPS, 1.0 - EPS)
    q = 1.0 - p
    n = len(params)
    inv = np.vstack([1.0 / q, 1.0 / p])
    column = responses.item + n * responses.right.astype(np.intp)
    norm, mean, right = gather_dots(
        posterior,
        responses.person,
        column,
        [inv, inv * grid[None, :], np.vstack([p / q, np.ones_like(p)])],
    )
    return right / norm, mean / norm


def item_fit(
    responses: Responses,
    posterior: FloatArray,
    params: ItemParams,
    grid: FloatArray,
    n_parameters: int = 2,
    groups: int = 10,
    alpha: float = ALPHA,
) -> ItemFit:
    expected, theta = predictive(responses, posterior, params, grid)
    n_items = len(params)
    counts = responses.count_per_item()
    order = np.lexsort((theta, responses.item))
    item_sorted = responses.item[order]
    first = np.searchsorted(item_sorted, np.arange(n_items))
    rank = np.arange(len(order)) - first[item_sorted]
    group = np.empty(len(order), dtype=np.intp)
    group[order] = rank * groups // counts[item_sorted]
    cell = responses.item * groups + group
    size = n_items * groups
    n_g = np.bincount(cell, minlength=size).reshape(n_items, groups)
    obs = np.bincount(cell, weights=responses.right, minlength=size).reshape(n_items, groups)
    exp = np.bincount(cell, weights=expected, minlength=size).reshape(n_items, groups)
    var = np.bincount(cell, weights=expected * (1 - expected), minlength=size).reshape(
        n_items, groups
    )
    stat = ((obs - exp) ** 2 / np.maximum(var, 1e-12)).sum(axis=1)
    rmsd = np.sqrt((((obs - exp) / np.maximum(n_g, 1)) ** 2).mean(axis=1))
    enough = counts >= 10 * groups
    stat = np.where(enough, stat, np.nan)
    rmsd = np.where(enough, rmsd, np.nan)
    df = groups - n_parameters
    p_value = np.where(enough, chi2.sf(np.nan_to_num(stat), df), np.nan)
    return ItemFit(stat, df, p_value, rmsd, enough & (p_value < alpha))
