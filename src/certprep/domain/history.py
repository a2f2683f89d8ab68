"""A learner's record per item, folded from the step logs of all their attempts.

An answer counts once it is final: a practice answer as soon as it is given (its feedback is
shown), an exam answer when the exam has ended. "Missed" means the latest final answer was wrong
(or the item was left unanswered in a finished exam); "flagged" means it was flagged at the end
of the latest attempt that showed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from certprep.domain.items import Item
from certprep.domain.scoring import is_correct


@dataclass(frozen=True)
class LogEntry:
    """One answer-or-flag step of one attempt, with the item it was about."""

    attempt_id: str
    item_id: str
    seq: int
    kind: str
    choice: tuple[int, ...] | None


@dataclass(frozen=True)
class ItemRecord:
    item_id: str
    last_seen: datetime
    answered: bool
    correct: bool | None  # None: no final answer yet
    flagged: bool

    @property
    def missed(self) -> bool:
        return self.correct is False


def item_records(
    shown: Iterable[tuple[str, str, datetime, str, bool]],
    log: Iterable[LogEntry],
    items: Mapping[str, Item],
) -> dict[str, ItemRecord]:
    """``shown``: (attempt id, item id, started at, mode, finished) for every item ever shown;
    ``log``: the answer and flag steps in log order (attempt, then sequence number)."""
    answers: dict[tuple[str, str], frozenset[int] | None] = {}
    flags: dict[tuple[str, str], bool] = {}
    for e in log:  # in log order: by attempt, then sequence number
        key = (e.attempt_id, e.item_id)
        if e.kind in ("answer", "change"):
            answers[key] = frozenset(e.choice or ())
        elif e.kind == "clear":
            answers[key] = None
        elif e.kind in ("flag", "unflag"):
            flags[key] = e.kind == "flag"
    records: dict[str, ItemRecord] = {}
    for attempt_id, item_id, started_at, mode, finished in sorted(shown, key=lambda s: s[2]):
        key = (attempt_id, item_id)
        chosen = answers.get(key)
        final = finished or (mode == "practice" and chosen is not None)
        item = items.get(item_id)
        previous = records.get(item_id)
        correct = previous.correct if previous else None
        if final and item is not None and (chosen is not None or mode == "exam"):
            correct = is_correct(item, chosen)
        records[item_id] = ItemRecord(
            item_id=item_id,
            last_seen=started_at,
            answered=(chosen is not None) or bool(previous and previous.answered),
            correct=correct,
            flagged=flags.get(key, False),
        )
    return records
