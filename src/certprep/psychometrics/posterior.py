"""The E-step: every examinee's posterior over the ability grid, and the expected counts of
right and wrong responses per item and grid point.

Two sparse products do all the work: the outcome matrix (examinees x 2*items, one 1 per
response: column ``item`` if wrong, ``n_items + item`` if right) times the stacked table
[log P(wrong); log P(right)] (2*items x grid) gives each examinee's log-likelihood on the grid;
its transpose times the posteriors gives the expected wrong and right counts of every item at
every grid point. Single precision halves the memory traffic; sums of 75 log-probabilities and
of posteriors lose nothing that matters at a convergence tolerance of 1e-4.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from certprep.psychometrics.model import FloatArray, ItemParams, log_probabilities
from certprep.psychometrics.responses import Responses


@dataclass(frozen=True)
class Outcomes:
    """The outcome matrix in row blocks of examinees (one per worker thread), built once per
    calibration. scipy's sparse products release the GIL, so the blocks run in parallel; the
    transposed product uses the block's CSC view, which streams over examinees and scatters
    into the small items x grid result."""

    blocks: tuple[sp.csr_matrix, ...]
    starts: tuple[int, ...]
    n_persons: int
    n_items: int

    @classmethod
    def of(cls, responses: Responses, workers: int = 1) -> Outcomes:
        m = responses.outcome_matrix()
        n = responses.n_persons
        edges = [round(k * n / workers) for k in range(workers + 1)]
        blocks = tuple(m[lo:hi] for lo, hi in itertools.pairwise(edges))
        return cls(blocks, tuple(edges), n, responses.n_items)


@dataclass(frozen=True)
class EStep:
    posterior: FloatArray  # examinees x grid, rows sum to 1 (float32 storage)
    log_likelihood: float  # marginal log-likelihood of all responses
    right: FloatArray  # items x grid: expected right responses
    total: FloatArray  # items x grid: expected responses


def log_likelihood_table(params: ItemParams, grid: FloatArray) -> FloatArray:
    """[log P(wrong); log P(right)]: 2*items x grid, single precision."""
    log_p, log_q = log_probabilities(params, grid)
    out: FloatArray = np.vstack([log_q, log_p]).astype(np.float32)
    return out


def _normalise(log_like: FloatArray, log_prior: FloatArray) -> FloatArray:
    """Turns log-likelihoods (in place) into posteriors; returns the marginal log-likelihoods."""
    log_like += log_prior.astype(np.float32)[None, :]
    peak = log_like.max(axis=1, keepdims=True)
    np.subtract(log_like, peak, out=log_like)
    # exp(-70) ~ 4e-31 is still a normal float32: denormals would slow every product tenfold
    np.maximum(log_like, -70.0, out=log_like)
    np.exp(log_like, out=log_like)
    total = log_like.sum(axis=1, keepdims=True)
    log_like /= total
    marginal: FloatArray = peak[:, 0].astype(np.float64) + np.log(total[:, 0].astype(np.float64))
    return marginal


def e_step(
    outcomes: Outcomes,
    params: ItemParams,
    grid: FloatArray,
    log_prior: FloatArray,
    pool: Executor | None = None,
) -> EStep:
    table = log_likelihood_table(params, grid)
    post: FloatArray = np.empty((outcomes.n_persons, len(grid)), dtype=np.float32)

    def block(k: int) -> tuple[float, FloatArray]:
        by_person = outcomes.blocks[k]
        lo, hi = outcomes.starts[k], outcomes.starts[k + 1]
        part = np.asarray(by_person @ table)
        marginal = _normalise(part, log_prior)
        post[lo:hi] = part
        return float(marginal.sum()), np.asarray(by_person.T @ part, dtype=np.float64)

    ks = range(len(outcomes.blocks))
    results = list(pool.map(block, ks)) if pool is not None else [block(k) for k in ks]
    counts = sum(r[1] for r in results[1:]) + results[0][1]
    n = outcomes.n_items
    wrong, right = counts[:n], counts[n:]
    return EStep(post, sum(r[0] for r in results), right, wrong + right)


def posteriors(
    responses: Responses, params: ItemParams, grid: FloatArray, log_prior: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Posteriors (examinees x grid) and each examinee's marginal log-likelihood."""
    log_like = np.asarray(responses.outcome_matrix() @ log_likelihood_table(params, grid))
    marginal = _normalise(log_like, log_prior)
    return log_like, marginal


def gather_dots(
    post: FloatArray,
    person: np.ndarray,
    column: np.ndarray,
    tables: list[FloatArray],
    chunk: int = 4096,
) -> list[FloatArray]:
    """For each table T (columns x grid) and each response r: sum_q post[person_r, q] *
    T[column_r, q]. Computed as dense products over blocks of examinees, so memory stays at
    ``chunk`` x columns per table."""
    order = np.argsort(person, kind="stable")
    starts = np.searchsorted(person[order], np.arange(0, post.shape[0] + chunk, chunk))
    out = [np.empty(len(person)) for _ in tables]
    stacked = [t.astype(np.float32).T.copy() for t in tables]
    for block, lo in enumerate(range(0, post.shape[0], chunk)):
        rows = order[starts[block] : starts[block + 1]]
        if not len(rows):
            continue
        part = post[lo : lo + chunk]
        for k, table in enumerate(stacked):
            prod = part @ table
            out[k][rows] = prod[person[rows] - lo, column[rows]]
    return out
