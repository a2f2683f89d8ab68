"""Linking a new calibration to a previous one through the items they share (mean/sigma).

Two calibrations of overlapping item sets each fix their own scale (their sample's ability
distribution), so the same item gets different numbers. With the common items' difficulties

    A = sd(b_old) / sd(b_new),   B = mean(b_old) - A * mean(b_new)

(over the common items) the new scale is carried to the old one by theta_old = A theta_new + B:
b* = A b + B, a* = a / A, c unchanged, and standard errors se_b* = A se_b, se_a* = se_a / A.
With ``keep_common`` the common items then take their previous parameters exactly, so items
that did not change keep scoring every response as before (and every score on a form of such
items is unchanged); the others are on the same scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.model import FloatArray, ItemParams


@dataclass(frozen=True)
class Link:
    slope: float  # A
    intercept: float  # B
    params: ItemParams  # the new calibration on the old scale
    common: int

    def theta(self, theta_new: npt.ArrayLike) -> FloatArray:
        """Abilities of the new scale on the old one."""
        out: FloatArray = self.slope * np.asarray(theta_new, dtype=np.float64) + self.intercept
        return out

    def standard_errors(self, se_a: FloatArray, se_b: FloatArray) -> tuple[FloatArray, FloatArray]:
        return se_a / self.slope, se_b * self.slope


def mean_sigma(
    new: ItemParams,
    old: ItemParams,
    common_new: npt.ArrayLike,
    common_old: npt.ArrayLike,
    keep_common: bool = True,
) -> Link:
    """Link ``new`` to the scale of ``old``; ``common_new[k]`` and ``common_old[k]`` are the
    indices of the same item in each."""
    i_new = np.asarray(common_new, dtype=np.intp)
    i_old = np.asarray(common_old, dtype=np.intp)
    if len(i_new) != len(i_old):
        raise ValueError("common_new and common_old must pair the same items")
    if len(i_new) < 2:
        raise ValueError("linking needs at least two common items")
    b_new, b_old = new.b[i_new], old.b[i_old]
    sd_new = float(b_new.std())
    if sd_new <= 0:
        raise ValueError("the common items must differ in difficulty")
    slope = float(b_old.std()) / sd_new
    intercept = float(b_old.mean()) - slope * float(b_new.mean())
    linked = new.rescaled(slope, intercept)
    if keep_common:
        a, b, c = linked.a.copy(), linked.b.copy(), linked.c.copy()
        a[i_new], b[i_new], c[i_new] = old.a[i_old], old.b[i_old], old.c[i_old]
        linked = ItemParams(a, b, c)
    return Link(slope, intercept, linked, len(i_new))
