"""Assembling forms: a full exam that follows the blueprint, or a practice set.

Deterministic: the same bank, seed and history give the same form. Given item parameters,
an exam's scored items are chosen within each task statement for information at the cut
(``certprep.psychometrics.assembly``: unseen first, then randomesque among the best five);
without them, at random within each task statement.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from certprep.domain.blueprint import Blueprint
from certprep.domain.irt import ItemParameters, parameters
from certprep.domain.items import Item, ItemStatus
from certprep.errors import CertprepError


@dataclass(frozen=True)
class FormItem:
    item_id: str
    domain: int
    task: str
    scored: bool
    #: option_order[displayed position] = authored option index
    option_order: tuple[int, ...]
    #: how many options the question asks for (a choice of fewer is saved but incomplete);
    #: forms stored before this was recorded say 0: any choice counts as complete there
    choose: int = 0


@dataclass(frozen=True)
class Form:
    items: tuple[FormItem, ...]
    seed: int

    def __len__(self) -> int:
        return len(self.items)


class FormError(CertprepError):
    """The bank cannot fill the form; ``shortfalls`` names each thing that is short."""

    def __init__(self, shortfalls: list[str]) -> None:
        super().__init__("the bank cannot fill this form: " + "; ".join(shortfalls))
        self.shortfalls = shortfalls


@dataclass
class BankIndex:
    """Items grouped once per bank so that each assembly is cheap."""

    blueprint: Blueprint
    live_by_task: dict[str, list[Item]] = field(default_factory=dict)
    pretest: list[Item] = field(default_factory=list)

    @classmethod
    def build(cls, blueprint: Blueprint, items: Iterable[Item]) -> BankIndex:
        index = cls(blueprint, {t: [] for t in blueprint.tasks})
        for item in sorted(items, key=lambda i: i.id):
            if item.status is ItemStatus.LIVE and item.task in index.live_by_task:
                index.live_by_task[item.task].append(item)
            elif item.status is ItemStatus.PRETEST and item.task in blueprint.tasks:
                index.pretest.append(item)
        return index


def _draw(
    rng: random.Random, pool: list[Item], k: int, seen: Collection[str], taken: set[str]
) -> list[Item]:
    """Up to k items from pool, unseen ones first, none already taken."""
    unseen = [i for i in pool if i.id not in seen and i.id not in taken]
    picked = rng.sample(unseen, min(k, len(unseen)))
    if len(picked) < k:
        again = [i for i in pool if i.id in seen and i.id not in taken]
        picked += rng.sample(again, min(k - len(picked), len(again)))
    taken.update(i.id for i in picked)
    return picked


def _draw_informative(
    rng: random.Random,
    pool: list[Item],
    k: int,
    seen: Collection[str],
    taken: set[str],
    info_at_target: Mapping[str, float],
    best: int,
) -> list[Item]:
    """Up to k items from pool, unseen ones first, most informative first (randomesque)."""
    import numpy as np

    from certprep.psychometrics.assembly import Randomesque, pick

    free = [i for i in pool if i.id not in taken]
    info = np.array([info_at_target[i.id] for i in free], dtype=np.float64)
    seen_mask = np.array([i.id in seen for i in free], dtype=bool)
    chosen = pick(info, k, np.random.default_rng(rng.getrandbits(64)), seen_mask, Randomesque(best))
    picked = [free[int(n)] for n in chosen]
    taken.update(i.id for i in picked)
    return picked


def _spread(rng: random.Random, need: int, available: dict[str, int]) -> dict[str, int]:
    """Share ``need`` items over tasks as evenly as their supply allows (random tie-breaks)."""
    quota = dict.fromkeys(available, 0)
    order = list(available)
    rng.shuffle(order)
    while need > 0:
        open_tasks = [t for t in order if quota[t] < available[t]]
        if not open_tasks:
            break
        for task in open_tasks:
            if need == 0:
                break
            quota[task] += 1
            need -= 1
    return quota


def _shuffled_options(rng: random.Random, item: Item) -> tuple[int, ...]:
    return tuple(rng.sample(range(len(item.options)), len(item.options)))


def assemble_exam(
    index: BankIndex,
    seed: int,
    seen: Collection[str] = frozenset(),
    exclude: Collection[str] = frozenset(),
    params: Mapping[str, ItemParameters] | None = None,
    target_theta: float | None = None,
    best: int = 5,
) -> Form:
    """A full form: scored items per domain by the blueprint, then the unscored slots; never
    an item of ``exclude`` (those open in the learner's practice, where feedback shows keys).

    With ``params`` (item id -> parameters; an item not in it uses its own calibrated or
    prior parameters) the scored items of each task statement are the most informative at
    ``target_theta`` (the blueprint's cut unless given), drawn at random among the ``best``
    still available for each slot so that the same items do not dominate every form."""
    rng = random.Random(seed)
    bp = index.blueprint
    info: dict[str, float] = {}
    if params is not None:
        target = bp.exam.scoring.cut_theta if target_theta is None else target_theta
        info = {
            item.id: params.get(item.id, parameters(item)).information(target)
            for items in index.live_by_task.values()
            for item in items
        }
    taken: set[str] = set(exclude)
    chosen: list[tuple[Item, bool]] = []
    shortfalls = []
    for domain_id, need in bp.scored_counts().items():
        domain = bp.domain(domain_id)
        available = {
            t.id: sum(i.id not in taken for i in index.live_by_task[t.id]) for t in domain.tasks
        }
        if sum(available.values()) < need:
            held = sum(len(index.live_by_task[t.id]) for t in domain.tasks) - sum(
                available.values()
            )
            shortfalls.append(
                f"domain {domain_id} ({domain.name}) needs {need} live items, "
                f"the bank has {sum(available.values())}"
                + (f" besides {held} in your open practice sessions: finish those" if held else "")
            )
            continue
        for task_id, k in _spread(rng, need, available).items():
            pool = index.live_by_task[task_id]
            drawn = (
                _draw(rng, pool, k, seen, taken)
                if params is None
                else _draw_informative(rng, pool, k, seen, taken, info, best)
            )
            chosen += [(i, True) for i in drawn]
    if shortfalls:
        raise FormError(shortfalls)
    unscored_need = bp.exam.unscored
    unscored = _draw(rng, index.pretest, unscored_need, seen, taken)
    if len(unscored) < unscored_need:
        spare = [i for items in index.live_by_task.values() for i in items]
        unscored += _draw(rng, spare, unscored_need - len(unscored), seen, taken)
    if len(unscored) < unscored_need:
        raise FormError(
            [
                f"{unscored_need} unscored slots need pretest or spare live items, the bank has {len(unscored)}"
            ]
        )
    chosen += [(i, False) for i in unscored]
    rng.shuffle(chosen)
    return Form(tuple(_form_item(rng, bp, item, scored) for item, scored in chosen), seed)


def _form_item(rng: random.Random, bp: Blueprint, item: Item, scored: bool) -> FormItem:
    return FormItem(
        item.id,
        bp.domain_of_task[item.task],
        item.task,
        scored,
        _shuffled_options(rng, item),
        item.choose,
    )


@dataclass(frozen=True)
class PracticeFilter:
    domain: int | None = None
    task: str | None = None
    skill: str | None = None
    only: Collection[str] | None = None  # restrict to these item ids (missed, flagged, ...)
    exclude: Collection[str] = frozenset()  # never these (items of an exam in progress)

    def accepts(self, bp: Blueprint, item: Item) -> bool:
        if self.domain is not None and bp.domain_of_task.get(item.task) != self.domain:
            return False
        if self.task is not None and item.task != self.task:
            return False
        if self.skill is not None and self.skill not in item.skills:
            return False
        if item.id in self.exclude:
            return False
        return self.only is None or item.id in self.only


def assemble_practice(
    index: BankIndex,
    seed: int,
    count: int,
    where: PracticeFilter,
    seen: Collection[str] = frozenset(),
) -> Form:
    """A practice set of up to ``count`` live items matching the filter, unseen ones first."""
    rng = random.Random(seed)
    bp = index.blueprint
    pool = [i for items in index.live_by_task.values() for i in items if where.accepts(bp, i)]
    if not pool:
        raise FormError(["no live items match this selection"])
    picked = _draw(rng, pool, count, seen, set())
    return Form(tuple(_form_item(rng, bp, item, True) for item in picked), seed)


def form_of(bp: Blueprint, items: list[Item], seed: int) -> Form:
    """A practice form of exactly these items, in order, options shuffled."""
    rng = random.Random(seed)
    return Form(tuple(_form_item(rng, bp, item, True) for item in items), seed)
