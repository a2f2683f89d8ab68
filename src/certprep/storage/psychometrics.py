"""The psychometrics repository: calibrated parameters, calibration runs, item reports, and
the answer history the calibration reads. It flushes; callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from certprep.storage.tables import (
    AttemptItemRow,
    AttemptRow,
    CalibrationRunRow,
    ItemParameterRow,
    ItemReportRow,
    StepRow,
)

_ANSWER_KINDS = ("answer", "change", "clear")


@dataclass(frozen=True)
class AnswerEvent:
    """One answer-kind step with its attempt and item, as the history is replayed."""

    learner: str
    attempt_id: str
    mode: str
    finished: bool
    item_id: str
    position: int
    kind: str
    choice: tuple[int, ...] | None
    at: datetime


class PsychometricsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- parameters and runs ----------------------------------------------------------------
    def parameters(self) -> list[ItemParameterRow]:
        return list(self.session.scalars(select(ItemParameterRow)).all())

    def latest_run(self) -> CalibrationRunRow | None:
        return self.session.scalars(
            select(CalibrationRunRow).order_by(CalibrationRunRow.finished_at.desc()).limit(1)
        ).first()

    def save_run(self, run: CalibrationRunRow, rows: Iterable[ItemParameterRow]) -> None:
        """A run and its parameters; an item's earlier parameters are replaced."""
        self.session.add(run)
        for row in rows:
            self.session.execute(
                delete(ItemParameterRow).where(ItemParameterRow.item_id == row.item_id)
            )
            self.session.add(row)
        self.session.flush()

    # -- reports ----------------------------------------------------------------------------
    def add_report(self, row: ItemReportRow) -> None:
        self.session.add(row)
        self.session.flush()

    def reports(
        self, state: str | None = None, item_id: str | None = None, learner: str | None = None
    ) -> list[ItemReportRow]:
        query = select(ItemReportRow).order_by(ItemReportRow.created_at)
        if state is not None:
            query = query.where(ItemReportRow.state == state)
        if item_id is not None:
            query = query.where(ItemReportRow.item_id == item_id)
        if learner is not None:
            query = query.where(ItemReportRow.learner == learner)
        return list(self.session.scalars(query).all())

    def report(self, report_id: str) -> ItemReportRow | None:
        return self.session.get(ItemReportRow, report_id)

    # -- history ----------------------------------------------------------------------------
    def answer_events(self, learner: str | None = None) -> Iterator[AnswerEvent]:
        """Every answer, change and clear of every attempt (of one learner, or all), in time
        order per learner: attempts by start, steps by sequence."""
        query = (
            select(
                AttemptRow.learner,
                AttemptRow.id,
                AttemptRow.mode,
                AttemptRow.status,
                AttemptItemRow.item_id,
                StepRow.position,
                StepRow.kind,
                StepRow.choice,
                StepRow.at,
            )
            .select_from(AttemptRow)
            .join(StepRow, StepRow.attempt_id == AttemptRow.id)
            .join(
                AttemptItemRow,
                (AttemptItemRow.attempt_id == StepRow.attempt_id)
                & (AttemptItemRow.position == StepRow.position),
            )
            .where(StepRow.kind.in_(_ANSWER_KINDS))
            .order_by(AttemptRow.learner, AttemptRow.started_at, AttemptRow.id, StepRow.seq)
        )
        if learner is not None:
            query = query.where(AttemptRow.learner == learner)
        for r in self.session.connection().execute(query).yield_per(10_000):
            yield AnswerEvent(
                r[0],
                r[1],
                r[2],
                r[3] != "in_progress",
                r[4],
                r[5] if r[5] is not None else -1,
                r[6],
                tuple(r[7]) if r[7] is not None else None,
                r[8],
            )

    def revealed_by_exams(self, learner: str | None = None) -> Iterator[tuple[str, str, datetime]]:
        """(learner, item id, when its key was shown) for every item of every finished exam:
        the report shows every key once the exam ends."""
        query = (
            select(AttemptRow.learner, AttemptItemRow.item_id, AttemptRow.ended_at)
            .join(AttemptItemRow, AttemptItemRow.attempt_id == AttemptRow.id)
            .where(AttemptRow.mode == "exam", AttemptRow.status != "in_progress")
        )
        if learner is not None:
            query = query.where(AttemptRow.learner == learner)
        for who, item_id, ended in self.session.connection().execute(query).yield_per(10_000):
            if ended is not None:
                yield who, item_id, ended
