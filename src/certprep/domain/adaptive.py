"""Adaptive drill selection: items near the learner's ability in their weakest areas.

Maximum information at the learner's ability, with "randomesque" exposure control: each pick
is drawn at random from the most informative few, so the same items do not come back every
time. Items seen within the recent window are left out unless they are due for review.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable

from certprep.domain.irt import parameters
from certprep.domain.items import Item

RANDOMESQUE = 5


def pick_adaptive(
    candidates: Iterable[Item],
    theta: float,
    count: int,
    rng: random.Random,
    recently_seen: Collection[str] = frozenset(),
    due: Collection[str] = frozenset(),
) -> list[Item]:
    pool = [i for i in candidates if i.id not in recently_seen or i.id in due]
    ranked = sorted(pool, key=lambda i: (-parameters(i).information(theta), i.id))
    picked: list[Item] = []
    while ranked and len(picked) < count:
        choice = rng.randrange(min(RANDOMESQUE, len(ranked)))
        picked.append(ranked.pop(choice))
    return picked
