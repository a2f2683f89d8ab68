"""First responses: the evidence calibration, item analysis and readiness read.

A learner's response to an item counts only if it is their first, and given before they saw
the item's key: an answer in practice (or review) shows the key at once; a finished exam
shows every key of its form in the report. So, per learner and item:

- an exam's response is its final answer (the last answer, change or clear), counted once the
  exam has ended; unanswered items of a finished exam give no response, but their keys have
  been shown;
- a practice response is the final answer in the session (complete, it is final and shows the
  key; before that it may be changed);
- the first such response in time counts, if no key of that item was shown before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from certprep.storage.psychometrics import AnswerEvent, PsychometricsRepository


@dataclass(frozen=True)
class FirstResponse:
    learner: str
    item_id: str
    chosen: frozenset[int]  # authored option indices
    at: datetime
    mode: str  # exam | practice


def first_responses(
    sessions: sessionmaker[Session], learner: str | None = None
) -> list[FirstResponse]:
    """Every learner's (or one learner's) first responses, oldest first per learner."""
    with sessions() as session:
        repo = PsychometricsRepository(session)
        candidates = _candidates(repo.answer_events(learner))
        revealed: dict[tuple[str, str], datetime] = {}
        for who, item_id, when in repo.revealed_by_exams(learner):
            key = (who, item_id)
            if key not in revealed or when < revealed[key]:
                revealed[key] = when
    return select_first(candidates, revealed)


def select_first(
    candidates: Iterable[FirstResponse], revealed_by_exams: dict[tuple[str, str], datetime]
) -> list[FirstResponse]:
    """The first response per (learner, item), unless an exam had shown the item's key before
    it. (A practice answer shows the key too, but only after it: being first in time, it is the
    one response that counts.)"""
    out: dict[tuple[str, str], FirstResponse] = {}
    shown = revealed_by_exams
    for r in sorted(candidates, key=lambda r: (r.learner, r.at)):
        key = (r.learner, r.item_id)
        if key in out:
            continue
        before = shown.get(key)
        if before is not None and before < r.at:
            continue  # its key had been shown already
        out[key] = r
    return sorted(out.values(), key=lambda r: (r.learner, r.at, r.item_id))


def _candidates(events: Iterable[AnswerEvent]) -> list[FirstResponse]:
    """The final answer of each position: of a finished exam, and of a practice session (a
    practice answer is final, and its key shown, once it is complete; before that it may be
    changed, and an answer left incomplete counts as given)."""
    final: dict[tuple[str, int], tuple[AnswerEvent, tuple[int, ...] | None]] = {}
    for e in events:
        if e.mode == "exam" and not e.finished:
            continue
        final[(e.attempt_id, e.position)] = (e, e.choice if e.kind != "clear" else None)
    return [
        FirstResponse(e.learner, e.item_id, frozenset(choice), e.at, e.mode)
        for e, choice in final.values()
        if choice
    ]
