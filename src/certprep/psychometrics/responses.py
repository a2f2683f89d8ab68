"""Responses of many examinees to a bank, each examinee seeing a different subset.

The sparse form is three parallel arrays (examinee index, item index, right 0/1), one entry per
response seen; the dense form is an int8 matrix examinees x items with 1 right, 0 wrong and
-1 not seen. Calibration works on the sparse form: 20,000 examinees x 1,000 items with 75
responses each is 1.5 million entries rather than 20 million cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from certprep.psychometrics.model import IntArray

NOT_SEEN = -1


@dataclass(frozen=True)
class Responses:
    person: IntArray
    item: IntArray
    right: npt.NDArray[np.int8]
    n_persons: int
    n_items: int

    def __post_init__(self) -> None:
        person = np.asarray(self.person, dtype=np.intp)
        item = np.asarray(self.item, dtype=np.intp)
        right = np.asarray(self.right, dtype=np.int8)
        if not person.shape == item.shape == right.shape or person.ndim != 1:
            raise ValueError("person, item and right must be 1-d arrays of the same length")
        if person.size and (person.min() < 0 or person.max() >= self.n_persons):
            raise ValueError("an examinee index is out of range")
        if item.size and (item.min() < 0 or item.max() >= self.n_items):
            raise ValueError("an item index is out of range")
        if right.size and not np.isin(right, (0, 1)).all():
            raise ValueError("responses are 0 (wrong) or 1 (right)")
        object.__setattr__(self, "person", person)
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "right", right)

    @classmethod
    def from_matrix(cls, matrix: npt.ArrayLike) -> Responses:
        """From examinees x items with 1 right, 0 wrong and -1 (or any negative) not seen."""
        m = np.asarray(matrix)
        if m.ndim != 2:
            raise ValueError("the response matrix must be two-dimensional")
        person, item = np.nonzero(m >= 0)
        return cls(person, item, m[person, item].astype(np.int8), m.shape[0], m.shape[1])

    def to_matrix(self) -> npt.NDArray[np.int8]:
        out = np.full((self.n_persons, self.n_items), NOT_SEEN, dtype=np.int8)
        out[self.person, self.item] = self.right
        return out

    def __len__(self) -> int:
        return len(self.right)

    def count_per_item(self) -> IntArray:
        return np.bincount(self.item, minlength=self.n_items)

    def count_per_person(self) -> IntArray:
        return np.bincount(self.person, minlength=self.n_persons)

    def right_per_item(self) -> IntArray:
        return np.bincount(self.item, weights=self.right, minlength=self.n_items).astype(np.intp)

    def right_per_person(self) -> IntArray:
        out: IntArray = np.bincount(
            self.person, weights=self.right, minlength=self.n_persons
        ).astype(np.intp)
        return out

    def outcome_matrix(self) -> sp.csr_matrix:
        """Examinees x (2 * items) indicator: column ``item`` for a wrong response and
        ``n_items + item`` for a right one. One product with a table of log P(wrong) stacked on
        log P(right) gives every examinee's log-likelihood at every grid point."""
        cols = self.item + self.n_items * self.right.astype(np.intp)
        data = np.ones(len(self.right), dtype=np.float32)
        return sp.csr_matrix((data, (self.person, cols)), shape=(self.n_persons, 2 * self.n_items))
