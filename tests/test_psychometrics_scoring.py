"""Ability estimates, the score scale, equating across forms and the Angoff cut.

Golden numbers: the EAPs, posterior SDs and WLEs below were computed once by an independent
route (scipy.integrate.quad over the continuous posterior on [-12, 12], and scipy.optimize.brentq
on Warm's estimating equation written out item by item) and pinned here; the grid (61 points,
-6..6) must agree to 1e-6.
"""

from __future__ import annotations

import numpy as np
import pytest

from certprep.domain.blueprint import Blueprint
from certprep.psychometrics.ability import eap, eap_many, wle, wle_many
from certprep.psychometrics.model import ItemParams, form_information, item_information
from certprep.psychometrics.scaling import ScoreScale
from certprep.psychometrics.standard import angoff_ratings, cut_from_ratings

ITEMS = ItemParams(
    np.array([1.0, 1.5, 0.8, 1.2, 2.0, 0.9]),
    np.array([-1.0, 0.0, 0.5, 1.0, 1.5, -0.5]),
    np.array([0.0, 0.0, 0.2, 0.0, 0.25, 0.1]),
)
SCALE = ScoreScale(
    passing_score=750, points_per_logit=125, cut_theta=0.5, minimum=100, maximum=1000
)

GOLDEN = [
    # pattern (-1: not answered), EAP, PSD, WLE, SE(WLE)
    ([1, 1, 0, 1, 0, 1], 0.6747259541, 0.6121511737, 1.0429680054, 0.8504851288),
    ([0, 0, 0, 0, 0, 0], -1.2851752889, 0.7314306968, -2.5497420333, 1.9056775295),
    ([1, 1, 1, 1, 1, 1], 1.5084535326, 0.7266778468, 2.4724357668, 1.2024261758),
    ([1, -1, 0, 1, -1, 1], 0.6704151296, 0.7677579446, 1.3139838731, 1.2582642875),
]


@pytest.mark.parametrize(("pattern", "mean", "psd", "theta", "se"), GOLDEN)
def test_eap_and_wle_match_the_independent_golden_numbers(
    pattern: list[int], mean: float, psd: float, theta: float, se: float
) -> None:
    posterior = eap(ITEMS, pattern)
    assert posterior.theta == pytest.approx(mean, abs=1e-6)
    assert posterior.se == pytest.approx(psd, abs=1e-6)
    estimate = wle(ITEMS, pattern)
    assert estimate.theta == pytest.approx(theta, abs=1e-6)
    assert estimate.se == pytest.approx(se, abs=1e-6)


def test_many_patterns_at_once_give_the_same_numbers_as_one_by_one() -> None:
    patterns = np.array([g[0] for g in GOLDEN])
    theta, psd = eap_many(ITEMS, patterns)
    w, se = wle_many(ITEMS, patterns)
    assert theta == pytest.approx([g[1] for g in GOLDEN], abs=1e-6)
    assert psd == pytest.approx([g[2] for g in GOLDEN], abs=1e-6)
    assert w == pytest.approx([g[3] for g in GOLDEN], abs=1e-6)
    assert se == pytest.approx([g[4] for g in GOLDEN], abs=1e-6)


def test_scaled_scores_of_the_golden_patterns() -> None:
    # 750 + 125 * (theta - 0.5), rounded, clipped to 100..1000
    thetas = [g[3] for g in GOLDEN]
    assert SCALE.reported(thetas).tolist() == [818, 369, 997, 852]
    assert SCALE.passed(thetas).tolist() == [True, False, True, True]
    assert SCALE.reported([-10.0, 10.0]).tolist() == [100, 1000]
    assert SCALE.sem(0.3) == pytest.approx(37.5)
    assert SCALE.theta(750) == pytest.approx(0.5)


def test_the_scale_comes_from_the_blueprint(blueprint: Blueprint) -> None:
    scale = ScoreScale.from_exam(blueprint.exam)
    assert (scale.passing_score, scale.points_per_logit, scale.cut_theta) == (750, 125, 0.5)
    assert (scale.minimum, scale.maximum) == (100, 1000)


def _form(rng: np.random.Generator, centre: float) -> ItemParams:
    n = 65
    return ItemParams(np.exp(rng.normal(0.2, 0.2, n)), rng.normal(centre, 0.6, n), np.full(n, 0.0))


def test_same_ability_same_expected_scaled_score_on_an_easy_and_a_hard_form() -> None:
    """Equating: forms one logit apart in difficulty give the same expected scaled score at
    every ability from -0.5 to 1.5 (within 3 points; 4,000 sittings per ability, so the Monte
    Carlo error is about 1 point), while their expected number right differs by a lot."""
    rng = np.random.default_rng(11)
    easy, hard = _form(rng, -0.5), _form(rng, 1.0)
    for theta in (-0.5, 0.5, 1.5):
        scores = []
        right = []
        for form in (easy, hard):
            p = 1 / (1 + np.exp(-form.a * (theta - form.b)))
            x = (rng.random((4000, len(p))) < p).astype(np.int8)
            scores.append(SCALE.scaled(wle_many(form, x)[0]).mean())
            right.append(x.sum(axis=1).mean())
        assert abs(scores[0] - scores[1]) < 3.0, (theta, scores)
        assert right[0] - right[1] > 10  # the number right is not equated: the scale is
        assert abs(np.mean(scores) - float(SCALE.scaled(theta))) < 4.0


def test_eap_would_not_equate_at_the_extremes() -> None:
    """Why the scale uses the WLE: the EAP's pull toward the prior depends on the form."""
    rng = np.random.default_rng(12)
    easy, hard = _form(rng, -0.5), _form(rng, 1.0)
    means = []
    for form in (easy, hard):
        p = 1 / (1 + np.exp(-form.a * (2.0 - form.b)))
        x = (rng.random((4000, len(p))) < p).astype(np.int8)
        means.append(SCALE.scaled(eap_many(form, x)[0]).mean())
    assert means[1] - means[0] > 10.0, means


def test_information_of_a_form_is_the_sum_of_its_items() -> None:
    grid = np.linspace(-3, 3, 7)
    assert form_information(ITEMS, grid) == pytest.approx(item_information(ITEMS, grid).sum(0))
    # 2PL item information peaks at b with value a^2 / 4
    two = ItemParams.two_pl([1.6], [0.3])
    assert item_information(two, [0.3])[0, 0] == pytest.approx(1.6**2 / 4)


def test_angoff_ratings_from_parameters_give_back_the_reference_ability() -> None:
    rng = np.random.default_rng(5)
    form = _form(rng, 0.3)
    ratings = angoff_ratings(form, 0.5)
    assert cut_from_ratings(ratings, form) == pytest.approx(0.5, abs=1e-9)


def test_a_stricter_panel_raises_the_cut_and_bad_ratings_are_refused() -> None:
    rng = np.random.default_rng(5)
    form = _form(rng, 0.3)
    stricter = np.clip(angoff_ratings(form, 0.5) + 0.05, 0.01, 0.99)
    assert cut_from_ratings(stricter, form) > 0.6
    with pytest.raises(ValueError, match="one rating per item"):
        cut_from_ratings([0.5], form)
    with pytest.raises(ValueError, match="strictly between"):
        cut_from_ratings(np.ones(len(form)), form)
