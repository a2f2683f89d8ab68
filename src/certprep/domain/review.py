"""Spaced review of missed and flagged items, scheduled by FSRS (the ``fsrs`` package).

Pure: every function is given ``now``. Fuzzing is off so that a schedule is reproducible (the
same history gives the same due dates); FSRS's own intervals are left as they are.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from fsrs import Card, Rating, ReviewLog, Scheduler

if TYPE_CHECKING:
    from fsrs.card import CardDict

__all__ = [
    "Card",
    "Rating",
    "ReviewLog",
    "Scheduler",
    "SelfRating",
    "card_id",
    "make_scheduler",
    "needs_card",
    "new_card",
    "rating_for",
    "review",
]

DESIRED_RETENTION = 0.9


class SelfRating(StrEnum):
    """What a learner may say about a right answer in practice: it was hard, or easy."""

    HARD = "hard"
    EASY = "easy"


def make_scheduler(parameters: Sequence[float] | None = None) -> Scheduler:
    """FSRS with the given parameters (a learner's optimised ones), or the package's defaults."""
    if parameters is None:
        return Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)
    return Scheduler(
        parameters=tuple(parameters), desired_retention=DESIRED_RETENTION, enable_fuzzing=False
    )


def card_id(item_id: str) -> int:
    """A stable numeric id per item (FSRS cards want one)."""
    return zlib.crc32(item_id.encode())


def new_card(item_id: str, now: datetime) -> Card:
    return Card(card_id=card_id(item_id), due=now)


def rating_for(
    correct: bool, flagged: bool = False, self_rating: SelfRating | None = None
) -> Rating:
    """Wrong is Again. Right is Good, Hard when the learner flagged it or says it was hard, and
    Easy when they say so."""
    if not correct:
        return Rating.Again
    if self_rating is SelfRating.EASY:
        return Rating.Easy
    if self_rating is SelfRating.HARD or flagged:
        return Rating.Hard
    return Rating.Good


def review(
    scheduler: Scheduler, card: Card, rating: Rating, now: datetime
) -> tuple[Card, ReviewLog]:
    return scheduler.review_card(card, rating, review_datetime=now)


def card_to_json(card: Card) -> dict[str, Any]:
    return dict(card.to_dict())


def card_from_json(data: dict[str, Any]) -> Card:
    return Card.from_dict(cast("CardDict", data))


def needs_card(correct: bool, flagged: bool) -> bool:
    """Which outcomes start a review card: a miss, or a flag."""
    return (not correct) or flagged
