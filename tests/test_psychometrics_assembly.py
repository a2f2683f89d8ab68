"""Forms for information at the cut: blueprint counts, information, exposure, and the domain's
assemble_exam with item parameters."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from certprep.bank.loader import Bank
from certprep.domain.blueprint import Blueprint
from certprep.domain.form import BankIndex, assemble_exam
from certprep.domain.irt import ItemParameters
from certprep.psychometrics.assembly import (
    FormSpec,
    Randomesque,
    Shortfall,
    SympsonHetter,
    assemble,
    pick,
)
from certprep.psychometrics.model import ItemParams, item_information


@pytest.fixture(scope="module")
def labelled(blueprint: Blueprint) -> tuple[FormSpec, ItemParams, np.ndarray]:
    spec = FormSpec.from_blueprint(blueprint)
    rng = np.random.default_rng(1)
    params = ItemParams.two_pl(np.exp(rng.normal(0.2, 0.25, 400)), rng.normal(0, 1, 400))
    return spec, params, spec.label(400)


def test_the_spec_follows_the_blueprint(labelled: tuple) -> None:
    spec, _, task = labelled
    assert spec.form_length == 65 and len(spec.task_domain) == 19
    quotas = spec.quotas(np.random.default_rng(0))
    per_domain = Counter()
    for t, k in quotas.items():
        per_domain[spec.task_domain[t]] += k
    assert per_domain == {1: 14, 2: 11, 3: 10, 4: 10, 5: 9, 6: 11}
    sizes = Counter(spec.task_domain[t] for t in task)
    assert sizes == {1: 86, 2: 68, 3: 62, 4: 61, 5: 55, 6: 68}  # 400 by largest remainder


def test_a_form_has_its_quotas_and_far_more_information_at_the_cut_than_chance(
    labelled: tuple,
) -> None:
    spec, params, task = labelled
    rng = np.random.default_rng(2)
    info = item_information(params, [0.5])[:, 0]
    quotas = spec.quotas(rng)
    form = assemble(info, task, quotas, rng)
    assert len(set(form.tolist())) == 65
    assert Counter(task[form].tolist()) == quotas
    chance = np.mean([info[rng.choice(400, 65, replace=False)].sum() for _ in range(50)])
    assert info[form].sum() > 1.4 * chance


def test_exposure_control_spreads_items_over_forms(labelled: tuple) -> None:
    spec, params, task = labelled
    rng = np.random.default_rng(3)
    info = item_information(params, [0.5])[:, 0]
    forms = [
        assemble(info, task, spec.quotas(rng), rng, exposure=Randomesque(5)) for _ in range(30)
    ]
    greedy = [
        assemble(info, task, spec.quotas(rng), rng, exposure=Randomesque(1)) for _ in range(5)
    ]
    overlap = np.mean([len(np.intersect1d(forms[i], forms[i + 1])) for i in range(29)])
    assert overlap < 45
    assert len(np.intersect1d(greedy[0], greedy[1])) >= 60  # without it, the same items
    used = np.bincount(np.concatenate(forms), minlength=400)
    assert (used > 0).sum() > 130


def test_sympson_hetter_passes_over_items_by_their_parameters() -> None:
    rng = np.random.default_rng(4)
    info = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    never_first = SympsonHetter(np.array([0.0, 1.0, 1.0, 1.0, 1.0]))
    for _ in range(20):
        assert pick(info, 2, rng, exposure=never_first).tolist() == [1, 2]
    # passed-over items still fill a pool that runs out
    assert sorted(pick(info, 5, rng, exposure=never_first).tolist()) == [0, 1, 2, 3, 4]


def test_unseen_items_come_first_and_shortfalls_are_named() -> None:
    rng = np.random.default_rng(5)
    info = np.array([9.0, 8.0, 1.0, 0.5])
    seen = np.array([True, True, False, False])
    assert sorted(pick(info, 2, rng, seen, Randomesque(5)).tolist()) == [2, 3]
    with pytest.raises(Shortfall, match="task 0 needs 3 items, 2 are available"):
        assemble(info, np.array([0, 0, 1, 1]), {0: 3}, rng, available=np.array([1, 1, 0, 0], bool))


def test_assemble_exam_with_parameters_keeps_the_blueprint_and_targets_the_cut(
    bank: Bank,
) -> None:
    index = BankIndex.build(bank.blueprint, bank.items.values())
    rng = np.random.default_rng(6)
    live = [i for items in index.live_by_task.values() for i in items]
    params = {
        i.id: ItemParameters(float(np.exp(rng.normal(0.2, 0.3))), float(rng.normal(0, 1.2)), 0.0)
        for i in live
    }
    informed = assemble_exam(index, seed=1, params=params)
    plain = assemble_exam(index, seed=1)
    assert informed == assemble_exam(index, seed=1, params=params)  # deterministic
    scored = [f for f in informed.items if f.scored]
    assert len(informed.items) == 75 and len(scored) == 65
    assert Counter(f.domain for f in scored) == {1: 14, 2: 11, 3: 10, 4: 10, 5: 9, 6: 11}

    def info(form: object) -> float:
        return sum(params[f.item_id].information(0.5) for f in form.items if f.scored)  # type: ignore[attr-defined]

    assert info(informed) > 1.15 * info(plain)


def test_assemble_exam_with_parameters_still_prefers_unseen_and_honours_exclude(
    bank: Bank,
) -> None:
    index = BankIndex.build(bank.blueprint, bank.items.values())
    params: dict[str, ItemParameters] = {}  # every item's own (prior) parameters
    first = assemble_exam(index, seed=1, params=params)
    seen = {f.item_id for f in first.items}
    second = assemble_exam(index, seed=2, seen=seen, params=params)
    assert len(seen & {f.item_id for f in second.items}) <= 2 * 75 - len(bank.items)
    banned = {f.item_id for f in first.items if f.scored}
    banned = set(sorted(banned)[:10])
    third = assemble_exam(index, seed=3, exclude=banned, params=params)
    assert not banned & {f.item_id for f in third.items}
