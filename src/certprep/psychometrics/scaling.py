"""From ability to the reported scale.

    scaled = clip(passing_score + A * (theta - theta_cut), minimum, maximum)

``A`` (``points_per_logit``) is the number of scaled points per logit of ability and
``theta_cut`` the ability of a just-passing candidate, so theta_cut maps to the passing score
(750 on DOP-C02's 100-1000 scale). For certprep both come from the blueprint's ``scoring``
section (A = 125, theta_cut = 0.5; ``ScoreScale.from_exam``). The standard error of
measurement in scaled points is A times the ability's standard error.

The reported score is a function of the ability estimate, not of the number right: the WLE
(``ability.wle``) is unbiased to order 1/I^2 on any form, so the same ability has the same
expected scaled score on an easier or a harder form; that is the equating the scale promises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.model import FloatArray

if TYPE_CHECKING:
    from certprep.domain.blueprint import ExamFormat


@dataclass(frozen=True)
class ScoreScale:
    passing_score: float
    points_per_logit: float  # A
    cut_theta: float
    minimum: float
    maximum: float

    def __post_init__(self) -> None:
        if self.points_per_logit <= 0:
            raise ValueError("points_per_logit must be positive")
        if not self.minimum <= self.passing_score <= self.maximum:
            raise ValueError("the passing score must lie on the scale")

    @classmethod
    def from_exam(cls, exam: ExamFormat) -> ScoreScale:
        s = exam.scoring
        return cls(
            exam.passing_score, s.points_per_logit, s.cut_theta, exam.scale.min, exam.scale.max
        )

    def scaled(self, theta: npt.ArrayLike) -> FloatArray:
        """Unrounded scaled scores."""
        raw = self.passing_score + self.points_per_logit * (
            np.asarray(theta, dtype=np.float64) - self.cut_theta
        )
        out: FloatArray = np.clip(raw, self.minimum, self.maximum)
        return out

    def reported(self, theta: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Scaled scores as reported: rounded to whole points."""
        out: npt.NDArray[np.int64] = np.rint(self.scaled(theta)).astype(np.int64)
        return out

    def passed(self, theta: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.reported(theta) >= self.passing_score
        return out

    def sem(self, se: npt.ArrayLike) -> FloatArray:
        """Standard error of measurement in scaled points."""
        out: FloatArray = self.points_per_logit * np.asarray(se, dtype=np.float64)
        return out

    def theta(self, scaled: npt.ArrayLike) -> FloatArray:
        """The ability of an (unclipped) scaled score."""
        out: FloatArray = (
            self.cut_theta
            + (np.asarray(scaled, dtype=np.float64) - self.passing_score) / self.points_per_logit
        )
        return out
