"""Synthetic banks for tests, benchmarks and simulations: valid items with distinct stems."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from certprep.domain.blueprint import Blueprint
from certprep.domain.items import Item, ItemStatus, ItemType, Option

_WORDS = (  # noqa: SIM905 - a word list reads better as text
    "pipeline build deploy artifact bucket queue topic alarm metric log stream shard "
    "function role policy boundary account region zone replica snapshot backup restore "
    "failover endpoint cluster service task container image registry template stack change "
    "set drift parameter secret rotation key certificate trail finding detector rule target "
    "pattern event schedule canary rollback hook agent instance fleet patch baseline "
    "inventory association document runbook dashboard widget insight query filter "
    "subscription retention archive lifecycle latency throughput error throttle quota "
    "capacity scaling health check listener gateway "
).split()


def synthetic_item(
    rng: random.Random, item_id: str, task: str, skills: list[str], status: ItemStatus
) -> Item:
    multiple = rng.random() < 0.35
    n_options, n_keys = ((6, 3) if rng.random() < 0.5 else (5, 2)) if multiple else (4, 1)
    keys = set(rng.sample(range(n_options), n_keys))
    words = " ".join(rng.choice(_WORDS) for _ in range(24))
    choose = {2: " (Choose two.)", 3: " (Choose three.)"}.get(n_keys, "")
    return Item(
        id=item_id,
        type=ItemType.MULTIPLE if multiple else ItemType.SINGLE,
        task=task,
        skills=(rng.choice(skills),),
        services=("Amazon S3",),
        difficulty=rng.randint(1, 5),
        status=status,
        stem=f"Synthetic scenario {item_id}: {words}. Which option is right?{choose}",
        options=tuple(
            Option(
                text=f"Option {n + 1} {rng.choice(_WORDS)} {rng.choice(_WORDS)}",
                correct=n in keys,
                why=f"Rationale {n + 1}.",
            )
            for n in range(n_options)
        ),
        explanation="Synthetic item for tests.",
        references=("https://docs.aws.amazon.com/",),
    )


def synthetic_items(
    blueprint: Blueprint, live_per_task: int, pretest_per_task: int = 0, seed: int = 0
) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for task in blueprint.tasks.values():
        skills = [s.id for s in task.skills]
        for n in range(live_per_task + pretest_per_task):
            status = ItemStatus.LIVE if n < live_per_task else ItemStatus.PRETEST
            items.append(synthetic_item(rng, f"syn-{task.id}-{n + 1:04d}", task.id, skills, status))
    return items


def write_item_files(items: list[Item], items_dir: Path) -> None:
    """One YAML file per task statement, in the bank's authoring format."""
    items_dir.mkdir(parents=True, exist_ok=True)
    by_task: dict[str, list[Item]] = {}
    for item in items:
        by_task.setdefault(item.task, []).append(item)
    for task, task_items in by_task.items():
        data = {"items": [i.model_dump(mode="json", exclude_none=True) for i in task_items]}
        (items_dir / f"{task}-synthetic.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, width=100)
        )
