"""Item analysis: classical and IRT statistics per item, with flags, worst first.

Inputs are option choices, so distractors can be judged: per response the chosen options as a
bit mask (bit k = option k chosen), per item the key's bit mask. A response is right when the
chosen set equals the key set (all-or-nothing, as the exam scores).

Per item:
- **p**: share right; **pb**: corrected item-rest point-biserial, the correlation of being
  right with the examinee's share right on their *other* items (the rest score as a share, so
  that examinees who saw different numbers of items compare; with complete data it orders
  examinees as the rest score does);
- per option: the share choosing it and its point-biserial with the same rest score;
- IRT parameters with standard errors and the fit p-value, when a calibration is given.

Flags (``FLAGS``, most serious first):
- ``mis-keyed``: a distractor's point-biserial exceeds the key's (the weakest key option's,
  for multiple response), or the top 27% of examinees by rest score choose a distractor more
  often than the key while that distractor's point-biserial is positive;
- ``negative discrimination``: pb < 0; ``near-zero discrimination``: 0 <= pb < 0.10;
- ``misfit``: the item fit test rejects 2PL (``fit``);
- ``too hard``: p < 0.10 or below the chance of a blind guess; ``too easy``: p > 0.95.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.fit import ItemFit
from certprep.psychometrics.model import FloatArray, IntArray, ItemParams

FLAGS = (
    "mis-keyed",
    "negative discrimination",
    "misfit",
    "near-zero discrimination",
    "too hard",
    "too easy",
)
TOP_SHARE = 0.27


@dataclass(frozen=True)
class Choices:
    person: IntArray
    item: IntArray
    chosen: IntArray  # bit mask of chosen options per response
    key: IntArray  # bit mask of keyed options per item
    options: IntArray  # number of options per item
    n_persons: int

    @property
    def right(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.chosen == self.key[self.item]
        return out


@dataclass(frozen=True)
class ItemStats:
    item: int
    n: int
    p: float
    pb: float
    option_share: tuple[float, ...]
    option_pb: tuple[float, ...]
    key: tuple[int, ...]
    a: float = float("nan")
    se_a: float = float("nan")
    b: float = float("nan")
    se_b: float = float("nan")
    fit_p: float = float("nan")
    flags: tuple[str, ...] = ()


def _corr(x: FloatArray, y: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    """Pearson correlation of x and y within each group."""

    def s(w: FloatArray) -> FloatArray:
        out: FloatArray = np.bincount(group, weights=w, minlength=n_groups).astype(np.float64)
        return out

    n = s(np.ones_like(x))
    sx, sy = s(x), s(y)
    cov = s(x * y) - sx * sy / np.maximum(n, 1)
    vx = s(x * x) - sx**2 / np.maximum(n, 1)
    vy = s(y * y) - sy**2 / np.maximum(n, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where((vx > 1e-12) & (vy > 1e-12), cov / np.sqrt(vx * vy), np.nan)
    return out


def analyse(
    data: Choices,
    params: ItemParams | None = None,
    se: tuple[FloatArray, FloatArray] | None = None,
    fit: ItemFit | None = None,
) -> list[ItemStats]:
    """Statistics and flags for every item, worst first."""
    n_items = len(data.key)
    right = data.right.astype(np.float64)
    total = np.bincount(data.person, weights=right, minlength=data.n_persons)
    seen = np.bincount(data.person, minlength=data.n_persons)
    others = seen[data.person] - 1
    rest = np.where(others > 0, (total[data.person] - right) / np.maximum(others, 1), 0.0)
    count = np.bincount(data.item, minlength=n_items)
    p = np.bincount(data.item, weights=right, minlength=n_items) / np.maximum(count, 1)
    pb = _corr(right, rest, data.item, n_items)
    # the top 27% of each item's examinees by rest score
    order = np.lexsort((rest, data.item))
    first = np.searchsorted(data.item[order], np.arange(n_items))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order)) - first[data.item[order]]
    top = rank >= np.ceil((1 - TOP_SHARE) * count[data.item])
    top_n = np.maximum(np.bincount(data.item, weights=top, minlength=n_items), 1)
    width = int(data.options.max())
    share = np.full((n_items, width), np.nan)
    opb = np.full((n_items, width), np.nan)
    top_share = np.zeros((n_items, width))
    for k in range(width):
        bit = ((data.chosen >> k) & 1).astype(np.float64)
        has = k < data.options
        share[:, k] = np.where(
            has,
            np.bincount(data.item, weights=bit, minlength=n_items) / np.maximum(count, 1),
            np.nan,
        )
        opb[:, k] = np.where(has, _corr(bit, rest, data.item, n_items), np.nan)
        top_share[:, k] = np.bincount(data.item, weights=bit * top, minlength=n_items) / top_n
    is_key = ((data.key[:, None] >> np.arange(width)[None, :]) & 1).astype(bool)
    is_distractor = ~is_key & (np.arange(width)[None, :] < data.options[:, None])
    key_pb = np.nanmin(np.where(is_key, opb, np.inf), axis=1)
    distractor_pb = np.nanmax(
        np.where(is_distractor, np.nan_to_num(opb, nan=-np.inf), -np.inf), axis=1
    )
    key_top = np.min(np.where(is_key, top_share, np.inf), axis=1)
    # a distractor the top group prefers to the key, and which draws strong rather than weak
    # examinees (on a merely very hard item the top group spreads over distractors at random)
    attracts = is_distractor & (top_share > key_top[:, None]) & (np.nan_to_num(opb) > 0)
    keys_n = is_key.sum(axis=1)
    floor = np.array(
        [1.0 / comb(int(o), int(k)) for o, k in zip(data.options, keys_n, strict=True)]
    )
    flags = {
        "mis-keyed": (distractor_pb > key_pb) | attracts.any(axis=1),
        "negative discrimination": pb < 0,
        "misfit": fit.misfit if fit is not None else np.zeros(n_items, bool),
        "near-zero discrimination": (pb >= 0) & (pb < 0.10),
        "too hard": (p < 0.10) | (p < floor),
        "too easy": p > 0.95,
    }
    rows = []
    for i in np.flatnonzero(count > 0):
        rows.append(
            ItemStats(
                item=int(i),
                n=int(count[i]),
                p=float(p[i]),
                pb=float(pb[i]),
                option_share=tuple(float(v) for v in share[i, : data.options[i]]),
                option_pb=tuple(float(v) for v in opb[i, : data.options[i]]),
                key=tuple(int(k) for k in np.flatnonzero(is_key[i])),
                a=float(params.a[i]) if params is not None else float("nan"),
                se_a=float(se[0][i]) if se is not None else float("nan"),
                b=float(params.b[i]) if params is not None else float("nan"),
                se_b=float(se[1][i]) if se is not None else float("nan"),
                fit_p=float(fit.p_value[i]) if fit is not None else float("nan"),
                flags=tuple(f for f in FLAGS if bool(flags[f][i])),
            )
        )
    return sorted(rows, key=_severity)


def _severity(row: ItemStats) -> tuple[tuple[int, ...], float, int]:
    ranks = [*sorted(FLAGS.index(f) for f in row.flags), len(FLAGS)]
    return tuple(ranks), row.pb if np.isfinite(row.pb) else -2.0, row.item
