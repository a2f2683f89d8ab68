"""The item response model: 2PL and 3PL response functions and information, on arrays.

    P(right | theta) = c + (1 - c) / (1 + exp(-a * (theta - b)))

``a`` is the discrimination, ``b`` the difficulty and ``c`` the lower asymptote (0 for 2PL).
Arrays of items are ``ItemParams``; functions of items and abilities return matrices with one
row per item and one column per ability. Integrals over ability use a fixed, equally spaced
quadrature grid (61 points from -6 to 6 by default) with normal prior weights: on an equally
spaced grid the rectangle rule is accurate to far below the step for smooth posteriors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

GRID_POINTS = 61
GRID_LIMIT = 6.0
#: Probabilities are kept this far from 0 and 1 before taking logarithms.
EPS = 1e-10


def quadrature(points: int = GRID_POINTS, limit: float = GRID_LIMIT) -> FloatArray:
    """The ability grid: ``points`` equally spaced values from ``-limit`` to ``limit``."""
    if points < 3 or limit <= 0:
        raise ValueError("the grid needs at least 3 points and a positive limit")
    return np.linspace(-limit, limit, points)


def normal_weights(grid: FloatArray, mean: float = 0.0, sd: float = 1.0) -> FloatArray:
    """Normal prior weights on the grid, summing to 1."""
    if sd <= 0:
        raise ValueError("sd must be positive")
    w = np.exp(-0.5 * ((grid - mean) / sd) ** 2)
    out: FloatArray = w / w.sum()
    return out


@dataclass(frozen=True)
class ItemParams:
    """Parameters of ``n`` items as three float arrays of length ``n``."""

    a: FloatArray
    b: FloatArray
    c: FloatArray

    def __post_init__(self) -> None:
        for name in ("a", "b", "c"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        if not self.a.ndim == self.b.ndim == self.c.ndim == 1:
            raise ValueError("item parameters are one-dimensional arrays")
        if not len(self.a) == len(self.b) == len(self.c):
            raise ValueError("a, b and c must have the same length")
        if np.any(self.a <= 0) or np.any((self.c < 0) | (self.c >= 1)):
            raise ValueError("a must be positive and c in [0, 1)")

    @classmethod
    def two_pl(cls, a: npt.ArrayLike, b: npt.ArrayLike) -> ItemParams:
        b_arr = np.asarray(b, dtype=np.float64)
        return cls(np.asarray(a, dtype=np.float64), b_arr, np.zeros_like(b_arr))

    def __len__(self) -> int:
        return len(self.a)

    def take(self, index: npt.ArrayLike) -> ItemParams:
        """The items at ``index`` (an index array or a boolean mask)."""
        i = np.asarray(index)
        return ItemParams(self.a[i], self.b[i], self.c[i])

    def rescaled(self, slope: float, intercept: float) -> ItemParams:
        """The same items on the scale theta* = slope * theta + intercept."""
        return ItemParams(self.a / slope, slope * self.b + intercept, self.c)


def probability(params: ItemParams, theta: npt.ArrayLike) -> FloatArray:
    """P(right) for every item (rows) at every ability (columns)."""
    t = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    z = params.a[:, None] * (t[None, :] - params.b[:, None])
    c = params.c[:, None]
    out: FloatArray = c + (1.0 - c) / (1.0 + np.exp(-z))
    return out


def item_information(params: ItemParams, theta: npt.ArrayLike) -> FloatArray:
    """Fisher information of every item (rows) at every ability (columns), 3PL formula."""
    p = np.clip(probability(params, theta), EPS, 1.0 - EPS)
    c = params.c[:, None]
    out: FloatArray = params.a[:, None] ** 2 * ((1.0 - p) / p) * ((p - c) / (1.0 - c)) ** 2
    return out


def form_information(params: ItemParams, theta: npt.ArrayLike) -> FloatArray:
    """The sum of the items' information at each ability."""
    out: FloatArray = item_information(params, theta).sum(axis=0)
    return out


def log_probabilities(params: ItemParams, grid: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log P(right) and log P(wrong) for every item and grid point."""
    p = np.clip(probability(params, grid), EPS, 1.0 - EPS)
    return np.log(p), np.log1p(-p)
