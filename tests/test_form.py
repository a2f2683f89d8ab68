"""Assembling forms: blueprint counts, spread, unscored slots, exposure, determinism, shortfalls."""

from __future__ import annotations

from collections import Counter

import pytest

from certprep.bank.loader import Bank
from certprep.bank.synthetic import synthetic_items
from certprep.domain.blueprint import Blueprint
from certprep.domain.form import (
    BankIndex,
    FormError,
    PracticeFilter,
    assemble_exam,
    assemble_practice,
)
from certprep.domain.items import ItemStatus


@pytest.fixture
def index(bank: Bank) -> BankIndex:
    return BankIndex.build(bank.blueprint, bank.items.values())


def test_a_form_follows_the_blueprint(bank: Bank, index: BankIndex) -> None:
    form = assemble_exam(index, seed=7)
    ids = [f.item_id for f in form.items]
    assert len(ids) == 75 and len(set(ids)) == 75
    scored = [f for f in form.items if f.scored]
    assert len(scored) == 65
    assert Counter(f.domain for f in scored) == {1: 14, 2: 11, 3: 10, 4: 10, 5: 9, 6: 11}
    # within a domain the items spread over its task statements (at most one apart)
    for domain in bank.blueprint.domains:
        per_task = Counter(f.task for f in scored if f.domain == domain.id)
        counts = [per_task[t.id] for t in domain.tasks]
        assert max(counts) - min(counts) <= 1, (domain.id, counts)


def test_unscored_slots_take_pretest_items(bank: Bank, index: BankIndex) -> None:
    form = assemble_exam(index, seed=7)
    unscored = [bank.items[f.item_id] for f in form.items if not f.scored]
    assert len(unscored) == 10
    assert all(i.status is ItemStatus.PRETEST for i in unscored)


def test_live_items_stand_in_when_pretest_items_are_few(blueprint: Blueprint) -> None:
    items = [i for i in synthetic_items(blueprint, 6, 0, seed=3)]
    form = assemble_exam(BankIndex.build(blueprint, items), seed=1)
    assert sum(not f.scored for f in form.items) == 10
    assert len({f.item_id for f in form.items}) == 75


def test_same_seed_same_form_and_shuffled_options(index: BankIndex) -> None:
    a, b, c = assemble_exam(index, 7), assemble_exam(index, 7), assemble_exam(index, 8)
    assert a == b and a != c
    orders = {f.option_order for f in a.items}
    assert len(orders) > 5  # options are shuffled per item, not left in authored order


def test_unseen_items_are_preferred(bank: Bank, index: BankIndex) -> None:
    first = assemble_exam(index, seed=1)
    seen = {f.item_id for f in first.items}
    second = assemble_exam(index, seed=2, seen=seen)
    overlap = seen & {f.item_id for f in second.items}
    # 133 items for 75 slots twice: only the shortfall may repeat
    assert len(overlap) <= 2 * 75 - len(bank.items)


def test_a_bank_that_cannot_fill_the_blueprint_says_what_is_short(blueprint: Blueprint) -> None:
    items = [i for i in synthetic_items(blueprint, 6, 1, seed=3) if not i.task.startswith("3.")]
    with pytest.raises(FormError) as err:
        assemble_exam(BankIndex.build(blueprint, items), seed=1)
    assert err.value.shortfalls == [
        "domain 3 (Resilient Cloud Solutions) needs 10 live items, the bank has 0"
    ]


def test_practice_selection_by_domain_task_and_skill(bank: Bank, index: BankIndex) -> None:
    form = assemble_practice(index, 1, 10, PracticeFilter(domain=3))
    assert len(form) == 10 and {f.domain for f in form.items} == {3}
    form = assemble_practice(index, 1, 50, PracticeFilter(task="4.2"))
    assert {f.task for f in form.items} == {"4.2"} and len(form) == 6
    skill = bank.items["syn-1.1-0001"].skills[0]
    form = assemble_practice(index, 1, 50, PracticeFilter(skill=skill))
    assert all(skill in bank.items[f.item_id].skills for f in form.items)
    with pytest.raises(FormError, match="no live items"):
        assemble_practice(index, 1, 5, PracticeFilter(skill="9.9.9"))
