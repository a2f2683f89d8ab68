"""Learners report problems with questions; authors accept or reject each report with a note.

A learner may report an item only once they have answered it (its key is then theirs to see,
so nothing leaks), and sees only their own reports: in multi-user mode no learner reads
another's report before answering. Authors see all of them next to the item's statistics.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.clock import Clock
from certprep.errors import CertprepError, NotFound
from certprep.services.learning import load_item_records
from certprep.storage.psychometrics import PsychometricsRepository
from certprep.storage.tables import ItemReportRow

REASONS = {
    "wrong-key": "the key is wrong",
    "outdated": "AWS has changed since",
    "ambiguous": "more than one answer fits",
    "typo": "a typo or unclear wording",
    "other": "something else",
}
STATES = ("open", "accepted", "rejected")
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Report:
    id: str
    learner: str
    item_id: str
    reason: str
    comment: str
    created_at: datetime
    state: str
    note: str


def _report(row: ItemReportRow) -> Report:
    return Report(
        row.id,
        row.learner,
        row.item_id,
        row.reason,
        row.comment,
        row.created_at,
        row.state,
        row.note,
    )


class ItemReports:
    def __init__(self, sessions: sessionmaker[Session], bank: Bank, clock: Clock) -> None:
        self.sessions, self.bank, self.clock = sessions, bank, clock

    def answered(self, learner: str, item_id: str) -> bool:
        records = load_item_records(self.sessions, learner, self.bank.items)
        record = records.get(item_id)
        return record is not None and record.correct is not None

    def file(self, learner: str, item_id: str, reason: str, comment: str) -> Report:
        if item_id not in self.bank.items:
            raise NotFound(f"no question {item_id!r}")
        if reason not in REASONS:
            raise CertprepError(f"the reason is one of {', '.join(REASONS)}")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            raise CertprepError(f"a comment has at most {MAX_COMMENT} characters")
        if not self.answered(learner, item_id):
            raise CertprepError(
                "answer the question first: a problem can be reported once you have answered it"
            )
        row = ItemReportRow(
            id=secrets.token_hex(4),
            learner=learner,
            item_id=item_id,
            reason=reason,
            comment=comment,
            created_at=self.clock.now(),
            state="open",
            note="",
        )
        with self.sessions.begin() as session:
            PsychometricsRepository(session).add_report(row)
        return _report(row)

    def mine(self, learner: str) -> list[Report]:
        with self.sessions() as session:
            return [_report(r) for r in PsychometricsRepository(session).reports(learner=learner)]

    def all(self, state: str | None = None, item_id: str | None = None) -> list[Report]:
        if state is not None and state not in STATES:
            raise CertprepError(f"a report's state is one of {', '.join(STATES)}")
        with self.sessions() as session:
            rows = PsychometricsRepository(session).reports(state=state, item_id=item_id)
            return [_report(r) for r in rows]

    def resolve(self, report_id: str, accepted: bool, note: str) -> Report:
        with self.sessions.begin() as session:
            row = PsychometricsRepository(session).report(report_id)
            if row is None:
                raise NotFound(f"no report {report_id!r}")
            row.state = "accepted" if accepted else "rejected"
            row.note = note.strip()[:MAX_COMMENT]
            row.resolved_at = self.clock.now()
            session.flush()
            return _report(row)
