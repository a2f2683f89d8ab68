"""Repository for review cards and logs, plan checks and real exams. It flushes; callers commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from certprep.storage.tables import (
    FsrsParametersRow,
    LabResultRow,
    PlanCheckRow,
    RealExamRow,
    ReviewCardRow,
    ReviewLogRow,
)


class LearningRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def card(self, learner: str, item_id: str) -> ReviewCardRow | None:
        return self.session.get(ReviewCardRow, (learner, item_id))

    def save_card(
        self, learner: str, item_id: str, card: dict[str, Any], due: datetime, now: datetime
    ) -> None:
        row = self.card(learner, item_id)
        if row is None:
            self.session.add(
                ReviewCardRow(learner=learner, item_id=item_id, card=card, due=due, updated_at=now)
            )
        else:
            row.card, row.due, row.updated_at = card, due, now
        self.session.flush()

    def add_log(self, row: ReviewLogRow) -> None:
        self.session.add(row)
        self.session.flush()

    def last_log(self, learner: str, item_id: str) -> ReviewLogRow | None:
        return self.session.scalars(
            select(ReviewLogRow)
            .where(ReviewLogRow.learner == learner, ReviewLogRow.item_id == item_id)
            .order_by(ReviewLogRow.id.desc())
            .limit(1)
        ).first()

    def due_items(self, learner: str, until: datetime) -> list[str]:
        return list(
            self.session.scalars(
                select(ReviewCardRow.item_id)
                .where(ReviewCardRow.learner == learner, ReviewCardRow.due <= until)
                .order_by(ReviewCardRow.due, ReviewCardRow.item_id)
            ).all()
        )

    def due_dates(self, learner: str) -> list[tuple[str, datetime]]:
        """(item id, due) of every review card of the learner."""
        rows = self.session.execute(
            select(ReviewCardRow.item_id, ReviewCardRow.due).where(ReviewCardRow.learner == learner)
        ).all()
        return [(item_id, due) for item_id, due in rows]

    def card_count(self, learner: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(ReviewCardRow)
                .where(ReviewCardRow.learner == learner)
            )
            or 0
        )

    def logs(self, learner: str) -> list[ReviewLogRow]:
        return list(
            self.session.scalars(
                select(ReviewLogRow)
                .where(ReviewLogRow.learner == learner)
                .order_by(ReviewLogRow.id)
            ).all()
        )

    def plan_checks(self, learner: str) -> dict[int, datetime]:
        rows = self.session.scalars(
            select(PlanCheckRow).where(PlanCheckRow.learner == learner)
        ).all()
        return {r.step: r.done_at for r in rows}

    def check_step(self, learner: str, step: int, now: datetime, done: bool) -> None:
        row = self.session.get(PlanCheckRow, (learner, step))
        if done and row is None:
            self.session.add(PlanCheckRow(learner=learner, step=step, done_at=now))
        elif not done and row is not None:
            self.session.delete(row)
        self.session.flush()

    def add_real_exam(self, row: RealExamRow) -> None:
        self.session.add(row)
        self.session.flush()

    def real_exams(self, learner: str) -> list[RealExamRow]:
        return list(
            self.session.scalars(
                select(RealExamRow)
                .where(RealExamRow.learner == learner)
                .order_by(RealExamRow.taken_on)
            ).all()
        )

    def fsrs_parameters(self, learner: str) -> list[float] | None:
        row = self.session.get(FsrsParametersRow, learner)
        return list(row.parameters) if row else None

    def save_fsrs_parameters(
        self, learner: str, parameters: list[float], reviews: int, now: datetime
    ) -> None:
        row = self.session.get(FsrsParametersRow, learner)
        if row is None:
            self.session.add(
                FsrsParametersRow(
                    learner=learner, parameters=parameters, reviews=reviews, optimized_at=now
                )
            )
        else:
            row.parameters, row.reviews, row.optimized_at = parameters, reviews, now
        self.session.flush()

    def labs_passed(self, learner: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(LabResultRow)
                .where(LabResultRow.learner == learner)
            )
            or 0
        )
