"""Calibration: recovery, standard errors, fixed items, linking, priors, 3PL, item fit.

Sizes are chosen so that each test runs in about a second yet means something: 3,000
examinees x 100 items with 75 responses each gives every item about 2,250 responses, where
2PL's standard errors are about 0.07 for a and 0.06 for b; the thresholds below (RMSE a
<= 0.09, b <= 0.08, after mean/sigma linking to the true scale) allow for sampling noise at a
fixed seed, and a biased or broken estimator misses them by far.
"""

from __future__ import annotations

import numpy as np
import pytest

from certprep.psychometrics.calibration import Fixed, calibrate
from certprep.psychometrics.fit import item_fit
from certprep.psychometrics.linking import mean_sigma
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.priors import ItemPrior
from certprep.psychometrics.responses import Responses


def bank(rng: np.random.Generator, m: int, c: float = 0.0) -> ItemParams:
    return ItemParams(
        np.exp(rng.normal(np.log(1.2), 0.25, m)), rng.normal(0.0, 1.0, m), np.full(m, c)
    )


def sit(
    rng: np.random.Generator,
    params: ItemParams,
    theta: np.ndarray,
    k: int,
    items: np.ndarray | None = None,
) -> Responses:
    """Each examinee answers k items drawn at random from ``items`` (default: the bank)."""
    pool = np.arange(len(params)) if items is None else items
    n = len(theta)
    pick = pool[np.argpartition(rng.random((n, len(pool))), k - 1, axis=1)[:, :k]].ravel()
    person = np.repeat(np.arange(n), k)
    z = params.a[pick] * (theta[person] - params.b[pick])
    p = params.c[pick] + (1 - params.c[pick]) / (1 + np.exp(-z))
    return Responses(person, pick, (rng.random(len(pick)) < p).astype(np.int8), n, len(params))


def rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


@pytest.fixture(scope="module")
def recovered() -> tuple[ItemParams, Responses, object]:
    rng = np.random.default_rng(2024)
    true = bank(rng, 100)
    responses = sit(rng, true, rng.normal(0, 1, 3000), 75)
    return true, responses, calibrate(responses)


def test_sparse_2pl_recovers_the_true_parameters(recovered: tuple) -> None:
    true, responses, cal = recovered
    assert cal.converged and cal.iterations < 100
    assert len(responses) == 3000 * 75
    link = mean_sigma(cal.params, true, np.arange(100), np.arange(100), keep_common=False)
    assert rmse(link.params.a, true.a) <= 0.09
    assert rmse(link.params.b, true.b) <= 0.08
    theta, psd = cal.eap()
    assert theta.shape == psd.shape == (3000,)


def test_standard_errors_match_the_actual_errors(recovered: tuple) -> None:
    """Louis's SEs: the errors divided by their SEs have an SD near 1 (0.75..1.3 for 100
    items), and the SEs are of the size theory gives at ~2,250 responses."""
    true, _, cal = recovered
    za = (cal.params.a - true.a) / cal.se_a
    zb = (cal.params.b - true.b) / cal.se_b
    assert 0.75 < za.std() < 1.3 and 0.75 < zb.std() < 1.3
    assert 0.05 < np.mean(cal.se_a) < 0.09 and 0.04 < np.mean(cal.se_b) < 0.08


def test_the_dense_matrix_with_minus_one_is_the_same_data() -> None:
    matrix = np.array([[1, -1, 0], [-1, -1, 1], [0, 1, -1]], dtype=np.int8)
    r = Responses.from_matrix(matrix)
    assert len(r) == 5 and r.to_matrix().tolist() == matrix.tolist()
    assert r.count_per_item().tolist() == [2, 1, 2]
    with pytest.raises(ValueError, match="0 \\(wrong\\) or 1"):
        Responses(np.array([0]), np.array([0]), np.array([2]), 1, 1)


def test_fixed_items_keep_the_scale_and_pretest_items_land_on_it() -> None:
    """Live items calibrated on a N(0, 1) sample are held fixed; a new, abler and more spread
    sample (N(0.6, 1.3^2)) answers live and pretest items. Pretest items come out on the live
    scale, and the population's mean and SD are estimated. Calibrating the new sample freely
    (its own N(0, 1) scale) would misplace them by about 0.6 logits."""
    rng = np.random.default_rng(7)
    true = bank(rng, 120)
    live, pretest = np.arange(80), np.arange(80, 120)
    first = calibrate(sit(rng, true, rng.normal(0, 1, 3000), 40, live))
    live_params = first.params.take(live)
    second = sit(rng, true, rng.normal(0.6, 1.3, 3000), 50)
    fixed = calibrate(second, fixed=Fixed(live, live_params))
    assert fixed.converged
    assert fixed.population_mean == pytest.approx(0.6, abs=0.12)
    assert fixed.population_sd == pytest.approx(1.3, abs=0.12)
    assert np.array_equal(fixed.params.take(live).b, live_params.b)
    assert np.isnan(fixed.se_b[live]).all() and np.isfinite(fixed.se_b[pretest]).all()
    b_error = fixed.params.b[pretest] - true.b[pretest]
    assert abs(b_error.mean()) < 0.1 and rmse(fixed.params.b[pretest], true.b[pretest]) < 0.15
    free = calibrate(second, standard_errors=False)
    assert abs((free.params.b[pretest] - true.b[pretest]).mean()) > 0.4


def test_mean_sigma_linking_recovers_the_constants_and_keeps_common_items() -> None:
    rng = np.random.default_rng(8)
    old = bank(rng, 40)
    slope, intercept = 1.25, -0.4
    new = old.rescaled(1 / slope, -intercept / slope)  # the same items on another scale
    link = mean_sigma(new, old, np.arange(40), np.arange(40))
    assert link.slope == pytest.approx(slope) and link.intercept == pytest.approx(intercept)
    assert link.params.b == pytest.approx(old.b) and link.params.a == pytest.approx(old.a)
    assert link.theta([0.0])[0] == pytest.approx(intercept)
    # only some items in common; the others follow the transformation, the common ones keep
    # their previous parameters exactly
    noisy = ItemParams(
        new.a * np.exp(rng.normal(0, 0.05, 40)), new.b + rng.normal(0, 0.05, 40), new.c
    )
    part = mean_sigma(noisy, old, np.arange(20), np.arange(20))
    assert np.array_equal(part.params.b[:20], old.b[:20])
    assert rmse(part.params.b[20:], old.b[20:]) < 0.15
    with pytest.raises(ValueError, match="at least two"):
        mean_sigma(new, old, [0], [0])


def test_an_item_with_few_responses_stays_near_its_prior_and_moves_with_data() -> None:
    """The author said b = 1.5; the item is really b = -0.5. With a handful of responses it
    stays near 1.5; with a thousand it is near -0.5."""
    rng = np.random.default_rng(9)
    true = bank(rng, 31)
    true.b[30] = -0.5
    prior_b = np.concatenate([np.zeros(30), [1.5]])
    prior = ItemPrior.around(prior_b, sd_b=np.concatenate([np.full(30, 3.0), [0.5]]))
    moved = []
    for n_on_item in (8, 1000):
        theta = rng.normal(0, 1, 2000)
        r = sit(rng, true, theta, 20, np.arange(30))
        extra = rng.choice(2000, n_on_item, replace=False)
        p = 1 / (1 + np.exp(-true.a[30] * (theta[extra] - true.b[30])))
        y = (rng.random(n_on_item) < p).astype(np.int8)
        both = Responses(
            np.concatenate([r.person, extra]),
            np.concatenate([r.item, np.full(n_on_item, 30)]),
            np.concatenate([r.right, y]),
            2000,
            31,
        )
        moved.append(calibrate(both, prior=prior, standard_errors=False).params.b[30])
    assert moved[0] > 0.9
    assert moved[1] == pytest.approx(-0.5, abs=0.25)


def test_3pl_with_a_beta_prior_on_c_stays_sane_and_recovers_b() -> None:
    rng = np.random.default_rng(10)
    true = bank(rng, 60, c=0.2)
    responses = sit(rng, true, rng.normal(0, 1, 3000), 40)
    cal = calibrate(responses, model="3PL", prior=ItemPrior.weak(60, c_mean=0.2))
    assert cal.converged
    assert cal.params.c.min() > 0.05 and cal.params.c.max() < 0.45
    assert rmse(cal.params.b, true.b) < 0.25
    assert np.isfinite(cal.se_c).all()
    with pytest.raises(ValueError, match="unknown model"):
        calibrate(responses, model="4PL")  # type: ignore[arg-type]


def test_item_fit_flags_a_misfitting_item_and_few_good_ones() -> None:
    rng = np.random.default_rng(11)
    true = bank(rng, 100)
    theta = rng.normal(0, 1, 4000)
    r = sit(rng, true, theta, 50)
    right = r.right.copy()
    bad = r.item == 0  # item 0 does not follow 2PL: right most often in the middle
    p = 0.25 + 0.6 * np.exp(-(theta[r.person[bad]] ** 2))
    right[bad] = rng.random(int(bad.sum())) < p
    data = Responses(r.person, r.item, right, r.n_persons, r.n_items)
    cal = calibrate(data, standard_errors=False)
    fit = item_fit(data, cal.posterior, cal.params, cal.grid)
    assert fit.misfit[0]
    assert fit.misfit[1:].sum() <= 2
    assert 6.5 < np.nanmean(fit.statistic[1:]) < 9.5  # chi-square with 8 df averages 8
