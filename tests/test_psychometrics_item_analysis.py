"""Item analysis finds a deliberately mis-keyed item in simulated data, and more."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from certprep.psychometrics.calibration import calibrate
from certprep.psychometrics.fit import item_fit
from certprep.psychometrics.item_analysis import Choices, analyse
from certprep.psychometrics.responses import Responses


def _simulate(seed: int = 3) -> tuple[Choices, Responses]:
    """40 four-option items, 2,000 examinees, 30 items each. A right answer picks the true
    answer; a wrong one a random other option. Item 0's key in the bank says A, but the true
    answer is C (a mis-key). Item 1 is very easy; item 2 has b = 3 (very hard)."""
    rng = np.random.default_rng(seed)
    n, m, k = 2000, 40, 30
    a = np.exp(rng.normal(0.2, 0.2, m))
    b = rng.normal(0, 0.8, m)
    b[1], b[2] = -4.0, 3.0
    truth = rng.integers(0, 4, m)
    truth[0] = 2
    key_option = truth.copy()
    key_option[0] = 0
    theta = rng.normal(0, 1, n)
    item = np.argpartition(rng.random((n, m)), k - 1, axis=1)[:, :k].ravel()
    person = np.repeat(np.arange(n), k)
    p = 0.2 + 0.8 / (1 + np.exp(-a[item] * (theta[person] - b[item])))
    knows = rng.random(len(item)) < p
    other = (truth[item] + rng.integers(1, 4, len(item))) % 4
    option = np.where(knows, truth[item], other)
    choices = Choices(
        person=person,
        item=item,
        chosen=(1 << option).astype(np.int64),
        key=(1 << key_option).astype(np.int64),
        options=np.full(m, 4),
        n_persons=n,
    )
    return choices, Responses(person, item, choices.right.astype(np.int8), n, m)


def test_a_mis_keyed_item_is_flagged_and_listed_first(tmp_path: Path) -> None:
    choices, responses = _simulate()
    cal = calibrate(responses)
    fit = item_fit(responses, cal.posterior, cal.params, cal.grid)
    rows = analyse(choices, cal.params, (cal.se_a, cal.se_b), fit)
    assert rows[0].item == 0 and "mis-keyed" in rows[0].flags
    assert rows[0].pb < 0
    assert rows[0].option_pb[2] > 0.2 > rows[0].option_pb[0]  # C is what strong learners pick
    flagged = {r.item for r in rows if "mis-keyed" in r.flags}
    assert flagged == {0}
    by_item = {r.item: r for r in rows}
    assert "too easy" in by_item[1].flags and "too hard" in by_item[2].flags
    ordinary = [r for r in rows if r.item > 2]
    assert sum(bool(r.flags) for r in ordinary) <= 2
    assert all(r.pb > 0.15 for r in ordinary)
    assert sum(by_item[5].option_share) == 1.0 or abs(sum(by_item[5].option_share) - 1) < 1e-9
