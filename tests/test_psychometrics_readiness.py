"""Readiness: P(pass) with an interval and an honest 'not enough evidence'; the
classification measures behind it."""

from __future__ import annotations

import numpy as np
import pytest

from certprep.psychometrics.ability import posterior
from certprep.psychometrics.classification import agreement, reliability, rudner
from certprep.psychometrics.model import ItemParams, quadrature
from certprep.psychometrics.readiness import pass_curve, readiness, readiness_from_posterior

GRID = quadrature()
CUT = 0.5


def _form(seed: int, n: int = 65, centre: float = 0.5) -> ItemParams:
    rng = np.random.default_rng(seed)
    return ItemParams(np.exp(rng.normal(0.2, 0.2, n)), rng.normal(centre, 0.7, n), np.full(n, 0.15))


REFERENCE = [_form(1), _form(7, centre=0.3)]


def test_ten_practice_answers_are_not_enough_evidence() -> None:
    items = _form(2, n=10)
    r = readiness(items, np.ones(10, dtype=np.int8), REFERENCE, CUT)
    assert not r.enough_evidence
    assert r.reason.startswith("not enough evidence") and "10 scored responses" in r.reason
    assert r.responses == 10 and r.psd > 0.45
    assert 0 < r.low <= r.p_pass <= r.high < 1


def test_one_mock_all_right_is_evidence_but_never_certainty() -> None:
    mock = _form(3)
    r = readiness(mock, np.ones(65, dtype=np.int8), REFERENCE, CUT)
    assert r.enough_evidence and r.reason == ""
    assert 0.9 < r.p_pass <= 0.99 and r.high <= 0.99
    assert f"{r.p_pass:.0%}" == "99%"
    # the model alone would say 99.99...%: the reporting bounds are what keeps it honest
    post = posterior(mock, np.ones((1, 65), dtype=np.int8), GRID)
    raw = readiness_from_posterior(post, GRID, pass_curve(GRID, REFERENCE, CUT))[0][0]
    assert raw > 0.999


def test_p_pass_follows_the_evidence() -> None:
    mock = _form(4)
    rng = np.random.default_rng(5)
    values = []
    for theta in (-0.5, 0.5, 1.5):
        p = mock.c + (1 - mock.c) / (1 + np.exp(-mock.a * (theta - mock.b)))
        values.append(readiness(mock, (rng.random(65) < p).astype(np.int8), REFERENCE, CUT))
    assert values[0].p_pass < 0.2 < values[1].p_pass < 0.8 < values[2].p_pass
    assert all(v.low <= v.p_pass <= v.high for v in values)
    no_answers = readiness(mock, -np.ones(65, dtype=np.int8), REFERENCE, CUT)
    assert no_answers.responses == 0 and not no_answers.enough_evidence


def test_the_pass_curve_is_a_half_at_the_cut_and_matches_sittings() -> None:
    form = _form(8)
    curve = pass_curve(GRID, [form], CUT, transfer_sd=0.0)
    assert np.interp(CUT, GRID, curve) == pytest.approx(0.5, abs=0.03)
    assert np.all(np.diff(curve) >= -1e-12) and curve[0] < 1e-6 and curve[-1] > 1 - 1e-6
    # against 10,000 simulated sittings scored by WLE at three abilities
    from certprep.psychometrics.ability import wle_many

    rng = np.random.default_rng(9)
    for theta in (0.2, 0.5, 0.8):
        p = form.c + (1 - form.c) / (1 + np.exp(-form.a * (theta - form.b)))
        x = (rng.random((10000, 65)) < p).astype(np.int8)
        observed = float((wle_many(form, x)[0] >= CUT).mean())
        assert np.interp(theta, GRID, curve) == pytest.approx(observed, abs=0.02)
    # a form of a quarter of the items decides less sharply
    short = pass_curve(GRID, [form.take(np.arange(16))], CUT, transfer_sd=0.0)
    at = np.searchsorted(GRID, CUT + 0.4)
    assert curve[at] > short[at]
    wider = pass_curve(GRID, [form], CUT, transfer_sd=0.4)
    assert wider[at] < curve[at]


def test_ece_reliability_and_rudner() -> None:
    rng = np.random.default_rng(6)
    p = rng.random(20000)
    calibrated = reliability(p, rng.random(20000) < p)
    overconfident = reliability(p, rng.random(20000) < 0.5 + 0.5 * (p - 0.5))
    assert calibrated.ece < 0.015 < 0.1 < overconfident.ece
    assert calibrated.count.sum() == 20000 and len(calibrated.predicted) == 10
    acc, con = rudner(np.array([0.0, 1.0]), np.array([0.25, 0.25]), 0.5)
    assert acc == pytest.approx(0.97725, abs=1e-4)  # Phi(2)
    assert con == pytest.approx(0.97725**2 + 0.02275**2, abs=1e-4)
    assert agreement([True, False, True], [True, True, True]) == pytest.approx(2 / 3)
