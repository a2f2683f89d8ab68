"""Assembling a form for information at the cut, within the blueprint, with exposure control.

Within each task statement the form takes its quota of items from that task's pool: items the
learner has not seen first, and among those the most informative at the target ability (the
cut, where pass/fail decisions are made). Exposure control keeps the best items from
appearing on every form:

- ``Randomesque(best=k)``: each pick is drawn at random among the k most informative items
  still available (Kingsbury & Zara 1989);
- ``SympsonHetter(exposure)``: items are considered in order of information and each is
  administered with its exposure parameter's probability, else passed over for this form
  (Sympson & Hetter 1985); passed-over items fill in only if the pool runs out.

Pure: information values, task labels and masks in, chosen indices out. ``certprep.domain.form``
uses ``pick`` per task; ``assemble`` does a whole form over a labelled bank (simulation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from certprep.psychometrics.model import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from certprep.domain.blueprint import Blueprint


@dataclass(frozen=True)
class Randomesque:
    best: int = 5

    def __post_init__(self) -> None:
        if self.best < 1:
            raise ValueError("randomesque needs best >= 1")


@dataclass(frozen=True)
class SympsonHetter:
    exposure: FloatArray  # per item of the pool given to ``pick``: P(administer | selected)


Exposure = Randomesque | SympsonHetter


class Shortfall(ValueError):
    def __init__(self, shortfalls: list[str]) -> None:
        super().__init__("; ".join(shortfalls))
        self.shortfalls = shortfalls


def pick(
    information: npt.ArrayLike,
    count: int,
    rng: np.random.Generator,
    seen: npt.ArrayLike | None = None,
    exposure: Exposure = Randomesque(),
) -> IntArray:
    """``count`` positions of the pool: unseen items first, most informative first, with
    exposure control. Fewer if the pool is smaller."""
    info = np.asarray(information, dtype=np.float64)
    n = len(info)
    seen_arr = np.zeros(n, dtype=bool) if seen is None else np.asarray(seen, dtype=bool)
    count = min(count, n)
    if isinstance(exposure, SympsonHetter):
        probs = np.asarray(exposure.exposure, dtype=np.float64)
        if probs.shape != (n,):
            raise ValueError("one exposure parameter per item of the pool")
        passed_over = rng.random(n) >= probs
        ranked: IntArray = np.lexsort((-info, passed_over, seen_arr)).astype(np.intp)
        return ranked[:count]
    left = [int(i) for i in np.lexsort((-info, seen_arr))]
    chosen: list[int] = []
    for _ in range(count):
        same = [i for i in left[: exposure.best] if seen_arr[i] == seen_arr[left[0]]]
        take = same[int(rng.integers(len(same)))]
        chosen.append(take)
        left.remove(take)
    return np.array(chosen, dtype=np.intp)


def assemble(
    information: npt.ArrayLike,
    task: npt.ArrayLike,
    quota: Mapping[int, int],
    rng: np.random.Generator,
    available: npt.ArrayLike | None = None,
    seen: npt.ArrayLike | None = None,
    exposure: Exposure = Randomesque(),
) -> IntArray:
    """Bank indices of a form with ``quota[t]`` items of each task t. Sympson-Hetter's
    exposure array is per bank item."""
    info = np.asarray(information, dtype=np.float64)
    labels = np.asarray(task)
    ok = np.ones(len(info), dtype=bool) if available is None else np.asarray(available, bool)
    seen_arr = np.zeros(len(info), dtype=bool) if seen is None else np.asarray(seen, bool)
    short = [
        f"task {t} needs {k} items, {int((ok & (labels == t)).sum())} are available"
        for t, k in quota.items()
        if int((ok & (labels == t)).sum()) < k
    ]
    if short:
        raise Shortfall(short)
    out = []
    for t, k in sorted(quota.items()):
        pool = np.flatnonzero(ok & (labels == t))
        pool_exposure: Exposure = exposure
        if isinstance(exposure, SympsonHetter):
            pool_exposure = SympsonHetter(np.asarray(exposure.exposure)[pool])
        out.append(pool[pick(info[pool], k, rng, seen_arr[pool], pool_exposure)])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class FormSpec:
    """The blueprint's shape: each task's domain, and scored items per domain."""

    task_domain: tuple[int, ...]
    domain_counts: Mapping[int, int]

    @classmethod
    def from_blueprint(cls, blueprint: Blueprint) -> FormSpec:
        domains = [blueprint.domain_of_task[t] for t in blueprint.tasks]
        return cls(tuple(domains), dict(blueprint.scored_counts()))

    @property
    def form_length(self) -> int:
        return sum(self.domain_counts.values())

    def quotas(self, rng: np.random.Generator) -> dict[int, int]:
        """Each domain's count spread evenly over its tasks (extra items to random tasks)."""
        out: dict[int, int] = {}
        for domain, need in self.domain_counts.items():
            tasks = [t for t, d in enumerate(self.task_domain) if d == domain]
            base, extra = divmod(need, len(tasks))
            lucky = set(rng.permutation(tasks)[:extra].tolist())
            out.update({t: base + (t in lucky) for t in tasks})
        return out

    def label(self, n_items: int) -> IntArray:
        """Task labels for a bank of ``n_items``: domains in proportion to their counts,
        evenly over each domain's tasks (item k of a domain to its task k mod tasks)."""
        total = self.form_length
        shares = {d: n_items * c / total for d, c in self.domain_counts.items()}
        sizes = {d: int(s) for d, s in shares.items()}
        for d in sorted(shares, key=lambda d: sizes[d] - shares[d])[
            : n_items - sum(sizes.values())
        ]:
            sizes[d] += 1
        labels: list[int] = []
        for domain in sorted(sizes):
            tasks = [t for t, d in enumerate(self.task_domain) if d == domain]
            labels += [tasks[k % len(tasks)] for k in range(sizes[domain])]
        return np.array(labels, dtype=np.intp)


def mask(n: int, index: npt.ArrayLike) -> BoolArray:
    out = np.zeros(n, dtype=bool)
    out[np.asarray(index, dtype=np.intp)] = True
    return out
