"""Scoring: all-or-nothing items, golden scaled scores, domain report, and equating."""

from __future__ import annotations

import random

import numpy as np

from certprep.bank.loader import Bank
from certprep.domain.blueprint import Blueprint
from certprep.domain.form import BankIndex, assemble_exam
from certprep.domain.irt import ItemParameters, parameters
from certprep.domain.items import Item
from certprep.domain.scoring import MEETS, NEEDS, ScoreReport, is_correct, score
from certprep.psychometrics.ability import wle
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.scaling import ScoreScale


def scored(bank: Bank, items: list[Item], answers: dict[str, frozenset[int]]) -> ScoreReport:
    """Scored with the author-based prior parameters and the blueprint's scale."""
    params = {i.id: parameters(i) for i in items}
    return score(bank.blueprint, items, answers, params, ScoreScale.from_exam(bank.blueprint.exam))


def scale_score(theta: float, bp: Blueprint) -> int:
    return int(ScoreScale.from_exam(bp.exam).reported([theta])[0])


def scored_items(bank: Bank) -> list[Item]:
    """The scored items of the form for seed 1, in form order."""
    form = assemble_exam(BankIndex.build(bank.blueprint, bank.items.values()), seed=1)
    return [bank.items[f.item_id] for f in form.items if f.scored]


#: Golden scaled scores of the seed-1 form (prior parameters, the blueprint's scale). "half"
#: (the first 33 scored items right) is theta -0.7592: the root of Warm's estimating equation
#: sum (x - P) P'/(PQ) + J/(2I) = 0 found independently with scipy's brentq; 750 + 125 x
#: (-0.7592 - 0.5) = 592.6. All right and all wrong reach the scale's ends.
GOLDEN = {"all": 1000, "none": 100, "half": 593}


def test_multiple_response_is_all_or_nothing(bank: Bank) -> None:
    item = next(i for i in bank.items.values() if i.choose == 2)
    keys = sorted(item.keys)
    assert is_correct(item, frozenset(keys))
    assert not is_correct(item, frozenset(keys[:1]))
    wrong = next(n for n in range(len(item.options)) if n not in item.keys)
    assert not is_correct(item, frozenset([keys[0], wrong]))
    assert not is_correct(item, None)


def test_golden_scaled_scores(bank: Bank) -> None:
    items = scored_items(bank)
    all_right = scored(bank, items, {i.id: i.keys for i in items})
    none = scored(bank, items, {})
    first_half = scored(bank, items, {i.id: i.keys for i in items[:33]})
    assert (all_right.scaled, all_right.passed) == (GOLDEN["all"], True)
    assert (none.scaled, none.passed) == (GOLDEN["none"], False)
    assert first_half.scaled == GOLDEN["half"] and not first_half.passed
    assert 0 < first_half.sem < 100
    assert [d.status for d in all_right.domains] == [MEETS] * 6
    assert [d.status for d in none.domains] == [NEEDS] * 6
    assert sum(d.total for d in all_right.domains) == 65


def test_scale_is_anchored_at_the_cut_and_clipped(blueprint: Blueprint) -> None:
    cut = blueprint.exam.scoring.cut_theta
    assert scale_score(cut, blueprint) == 750
    assert scale_score(cut + 1, blueprint) == 875
    assert scale_score(10, blueprint) == 1000 and scale_score(-10, blueprint) == 100


def test_only_the_overall_score_decides(bank: Bank) -> None:
    """Compensatory: a domain that needs improvement does not fail a strong candidate."""
    items = scored_items(bank)
    weak_domain = {i.id for i in items if bank.blueprint.domain_of_task[i.task] == 5}
    result = scored(bank, items, {i.id: i.keys for i in items if i.id not in weak_domain})
    statuses = {d.domain: d.status for d in result.domains}
    assert statuses[5] == NEEDS and result.passed


def _expected_scaled(
    theta: float, params: list[ItemParameters], bp: Blueprint, runs: int = 120
) -> float:
    rng = random.Random(5)
    arrays = ItemParams(
        np.array([p.a for p in params]),
        np.array([p.b for p in params]),
        np.array([p.c for p in params]),
    )
    total = 0
    for _ in range(runs):
        right = np.array([rng.random() < p.p(theta) for p in params], dtype=np.int8)
        total += scale_score(wle(arrays, right).theta, bp)
    return total / runs


def test_same_ability_same_scaled_score_on_easy_and_hard_forms(blueprint: Blueprint) -> None:
    """Equating: a candidate's expected scaled score does not depend on the form's difficulty."""
    easy = [ItemParameters(1.2, -0.8 + 0.02 * n, 0.2) for n in range(65)]
    hard = [ItemParameters(1.2, 0.8 + 0.02 * n, 0.2) for n in range(65)]
    for theta in (0.0, 0.5, 1.0):
        on_easy = _expected_scaled(theta, easy, blueprint)
        on_hard = _expected_scaled(theta, hard, blueprint)
        assert abs(on_easy - on_hard) < 25, (theta, on_easy, on_hard)
    # while the raw percentage differs a lot between the two forms
    rate = sum(p.p(0.5) for p in easy) / 65 - sum(p.p(0.5) for p in hard) / 65
    assert rate > 0.2


def test_prior_parameters_come_from_the_authors_difficulty(bank: Bank) -> None:
    by_difficulty = {}
    for item in bank.items.values():
        by_difficulty.setdefault(item.difficulty, parameters(item).b)
    assert by_difficulty[1] < by_difficulty[3] < by_difficulty[5]
    single = next(i for i in bank.items.values() if i.choose == 1)
    assert parameters(single).c == 0.25
