"""Scoring: all-or-nothing items, golden scaled scores, domain report, and equating."""

from __future__ import annotations

import random

from certprep.bank.loader import Bank
from certprep.domain.blueprint import Blueprint
from certprep.domain.form import BankIndex, assemble_exam
from certprep.domain.irt import ItemParameters, estimate_ability, parameters
from certprep.domain.items import Item
from certprep.domain.scoring import MEETS, NEEDS, is_correct, scale_score, score


def scored_items(bank: Bank) -> list[Item]:
    """The scored items of the form for seed 1, in form order."""
    form = assemble_exam(BankIndex.build(bank.blueprint, bank.items.values()), seed=1)
    return [bank.items[f.item_id] for f in form.items if f.scored]


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
    bp = bank.blueprint
    all_right = score(bp, items, {i.id: i.keys for i in items})
    none = score(bp, items, {})
    first_half = score(bp, items, {i.id: i.keys for i in items[:33]})
    assert (all_right.scaled, all_right.passed) == (1000, True)
    assert (none.scaled, none.passed) == (188, False)
    assert first_half.scaled == 592 and not first_half.passed
    assert [d.status for d in all_right.domains] == [MEETS] * 6
    assert [d.status for d in none.domains] == [NEEDS] * 6
    assert sum(d.total for d in all_right.domains) == 65


def test_scale_is_anchored_at_the_cut_and_clipped(blueprint: Blueprint) -> None:
    exam = blueprint.exam
    assert scale_score(exam.scoring.cut_theta, exam) == 750
    assert scale_score(exam.scoring.cut_theta + 1, exam) == 875
    assert scale_score(10, exam) == 1000 and scale_score(-10, exam) == 100


def test_only_the_overall_score_decides(bank: Bank) -> None:
    """Compensatory: a domain that needs improvement does not fail a strong candidate."""
    items = scored_items(bank)
    weak_domain = {i.id for i in items if bank.blueprint.domain_of_task[i.task] == 5}
    result = score(bank.blueprint, items, {i.id: i.keys for i in items if i.id not in weak_domain})
    statuses = {d.domain: d.status for d in result.domains}
    assert statuses[5] == NEEDS and result.passed


def _expected_scaled(
    theta: float, params: list[ItemParameters], bp: Blueprint, runs: int = 120
) -> float:
    rng = random.Random(5)
    total = 0
    for _ in range(runs):
        responses = [(p, rng.random() < p.p(theta)) for p in params]
        total += scale_score(estimate_ability(responses).theta, bp.exam)
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
