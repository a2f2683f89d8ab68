"""``certprep bank stats``: what the bank holds, against the blueprint."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from certprep.bank.lint import key_is_longest_share, key_positions
from certprep.domain.blueprint import Blueprint
from certprep.domain.items import Item, ItemStatus, ItemType


def _shape(item: Item) -> str:
    if item.type is ItemType.SINGLE:
        return "single"
    return f"multiple-{len(item.keys)}-of-{len(item.options)}"


def bank_stats(blueprint: Blueprint, items: Iterable[Item]) -> dict[str, Any]:
    """Counts of the items that are served (live and pretest), and per status of all."""
    every = list(items)
    served = [i for i in every if i.status in (ItemStatus.LIVE, ItemStatus.PRETEST)]
    live = [i for i in every if i.status is ItemStatus.LIVE]
    total_live = len(live) or 1
    by_task = Counter(i.task for i in live)
    by_skill = Counter(s for i in live for s in i.skills)
    by_domain = Counter(blueprint.domain_of_task.get(i.task, 0) for i in live)
    longest, singles = key_is_longest_share(live)
    return {
        "exam": blueprint.exam.code,
        "items": len(every),
        "live": len(live),
        "served": len(served),
        "by_status": dict(sorted(Counter(i.status.value for i in every).items())),
        "by_type": dict(sorted(Counter(_shape(i) for i in live).items())),
        "by_difficulty": {
            str(k): v for k, v in sorted(Counter(i.difficulty for i in live).items())
        },
        "multiple_share": round(sum(i.type is ItemType.MULTIPLE for i in live) / total_live, 4),
        "domains": [
            {
                "domain": d.id,
                "name": d.name,
                "weight": d.weight,
                "live": by_domain[d.id],
                "share": round(100 * by_domain[d.id] / total_live, 2),
                "scored_per_form": blueprint.scored_counts()[d.id],
            }
            for d in blueprint.domains
        ],
        "tasks": {t: by_task[t] for t in blueprint.tasks},
        "skills": {s: by_skill[s] for s in blueprint.skills},
        "key_positions": {
            f"{n}-options-{k}-keys": counts
            for (n, k), counts in sorted(key_positions(live).items())
        },
        "key_longest": {"single_items": singles, "key_is_longest": longest},
        "freshness": freshness(served),
    }


def freshness(items: Iterable[Item]) -> dict[str, Any]:
    """When the served items' facts were last checked (by month), and by which checks."""
    months: Counter[str] = Counter()
    by_check: Counter[str] = Counter()
    for item in items:
        if item.checked is None:
            months["never"] += 1
            continue
        months[item.checked.date.strftime("%Y-%m")] += 1
        by_check.update(item.checked.by)
    return {
        "last_checked": dict(sorted(months.items())),
        "by_check": {c: by_check.get(c, 0) for c in ("blind", "options-only", "docs")},
    }
