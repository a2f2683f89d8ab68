"""The attempt repository: attempts, their append-only step logs, and exposure. It flushes;
the service that owns the transaction commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from certprep.domain.attempt import Attempt, Mode, Purpose, Step, StepKind
from certprep.domain.form import Form, FormItem
from certprep.domain.history import LogEntry
from certprep.storage.tables import AttemptItemRow, AttemptRow, StepRow

__all__ = ["INSERT_STEP", "AttemptRepository", "step_row"]


def _form_to_json(form: Form) -> list[dict[str, Any]]:
    return [
        {
            "item_id": f.item_id,
            "domain": f.domain,
            "task": f.task,
            "scored": f.scored,
            "option_order": list(f.option_order),
            "choose": f.choose,
        }
        for f in form.items
    ]


def _form_from_json(data: list[dict[str, Any]], seed: int) -> Form:
    return Form(
        tuple(
            FormItem(
                d["item_id"],
                int(d["domain"]),
                d["task"],
                bool(d["scored"]),
                tuple(d["option_order"]),
                int(d.get("choose", 0)),
            )
            for d in data
        ),
        seed,
    )


def _attempt(row: AttemptRow) -> Attempt:
    return Attempt(
        id=row.id,
        mode=Mode(row.mode),
        form=_form_from_json(row.form, row.seed),
        started_at=row.started_at,
        time_limit=timedelta(seconds=row.time_limit_s) if row.time_limit_s is not None else None,
        accommodation=row.accommodation,
        learner=row.learner,
        purpose=Purpose(row.purpose),
    )


def _step(row: StepRow) -> Step:
    return Step(
        seq=row.seq,
        kind=StepKind(row.kind),
        at=row.at,
        position=row.position,
        choice=tuple(row.choice) if row.choice is not None else None,
    )


_STEPS = StepRow.__table__
_STEPS_AFTER = (
    select(_STEPS.c.seq, _STEPS.c.kind, _STEPS.c.at, _STEPS.c.position, _STEPS.c.choice)
    .where(_STEPS.c.attempt_id == bindparam("attempt_id"), _STEPS.c.seq > bindparam("seq"))
    .order_by(_STEPS.c.seq)
)
_ANSWER_KINDS = ("answer", "change", "clear", "flag", "unflag")
#: Prebuilt, so the hot path pays no statement construction (SQLAlchemy caches its compilation).
INSERT_STEP = insert(StepRow)


def step_row(attempt_id: str, step: Step) -> dict[str, Any]:
    """The column values of one step of an attempt's log."""
    return {
        "attempt_id": attempt_id,
        "seq": step.seq,
        "kind": step.kind.value,
        "at": step.at,
        "position": step.position,
        "choice": list(step.choice) if step.choice is not None else None,
    }


class AttemptRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, attempt: Attempt, exam_code: str) -> None:
        self.session.add(
            AttemptRow(
                id=attempt.id,
                learner=attempt.learner,
                mode=attempt.mode.value,
                exam_code=exam_code,
                seed=attempt.form.seed,
                started_at=attempt.started_at,
                time_limit_s=int(attempt.time_limit.total_seconds())
                if attempt.time_limit
                else None,
                accommodation=attempt.accommodation,
                purpose=(attempt.purpose or Purpose.PRACTICE).value,
                form=_form_to_json(attempt.form),
                status="in_progress",
            )
        )
        self.session.flush()  # the attempt row first: the item rows refer to it
        self.session.add_all(
            AttemptItemRow(
                attempt_id=attempt.id,
                position=p,
                item_id=f.item_id,
                learner=attempt.learner,
                scored=f.scored,
            )
            for p, f in enumerate(attempt.form.items)
        )
        self.session.flush()

    def get_attempt(self, attempt_id: str, learner: str) -> Attempt | None:
        row = self.session.get(AttemptRow, attempt_id)
        if row is None or row.learner != learner:
            return None
        return _attempt(row)

    def steps_after(self, attempt_id: str, seq: int) -> list[Step]:
        """The steps of an attempt after sequence number ``seq``, in order."""
        rows = self.session.connection().execute(
            _STEPS_AFTER, {"attempt_id": attempt_id, "seq": seq}
        )
        return [
            Step(
                r.seq,
                StepKind(r.kind),
                r.at,
                r.position,
                tuple(r.choice) if r.choice is not None else None,
            )
            for r in rows
        ]

    def append(self, attempt_id: str, step: Step) -> None:
        """Insert one step; a step with the same sequence number raises IntegrityError."""
        self.session.connection().execute(INSERT_STEP, step_row(attempt_id, step))

    def close(self, attempt_id: str, status: str, ended_at: Any, result: dict[str, Any]) -> None:
        row = self.session.get(AttemptRow, attempt_id)
        if row is not None:
            row.status, row.ended_at, row.result = status, ended_at, result
            self.session.flush()

    def ids_starting(self, learner: str, prefix: str, limit: int = 20) -> list[str]:
        """Ids of the learner's attempts that start with ``prefix`` (a LIKE pattern's wildcards
        in it match only themselves)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(AttemptRow.id)
            .where(AttemptRow.learner == learner, AttemptRow.id.like(f"{escaped}%", escape="\\"))
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def open_ids(self, learner: str) -> list[str]:
        return list(
            self.session.scalars(
                select(AttemptRow.id)
                .where(AttemptRow.learner == learner, AttemptRow.status == "in_progress")
                .order_by(AttemptRow.started_at.desc())
            )
        )

    def set_result(self, attempt_id: str, result: dict[str, Any]) -> None:
        row = self.session.get(AttemptRow, attempt_id)
        if row is not None:
            row.result = result

    def latest_open(
        self, learner: str, mode: str | None = None, purpose: str | None = None
    ) -> str | None:
        query = select(AttemptRow.id).where(
            AttemptRow.learner == learner, AttemptRow.status == "in_progress"
        )
        if mode is not None:
            query = query.where(AttemptRow.mode == mode)
        if purpose is not None:
            query = query.where(AttemptRow.purpose == purpose)
        return self.session.scalars(query.order_by(AttemptRow.started_at.desc()).limit(1)).first()

    def history(self, learner: str, limit: int = 50) -> list[AttemptRow]:
        return list(
            self.session.scalars(
                select(AttemptRow)
                .where(AttemptRow.learner == learner)
                .order_by(AttemptRow.started_at.desc())
                .limit(limit)
            ).all()
        )

    def shown_items(self, learner: str) -> list[tuple[str, str, Any, str, bool]]:
        """(attempt id, item id, started at, mode, finished) for every item shown to a learner."""
        rows = (
            self.session.connection()
            .execute(
                select(
                    AttemptItemRow.attempt_id,
                    AttemptItemRow.item_id,
                    AttemptRow.started_at,
                    AttemptRow.mode,
                    AttemptRow.status,
                )
                .join(AttemptRow, AttemptRow.id == AttemptItemRow.attempt_id)
                .where(AttemptItemRow.learner == learner)
            )
            .all()
        )
        return [(r[0], r[1], r[2], r[3], r[4] != "in_progress") for r in rows]

    def answer_log(self, learner: str) -> list[LogEntry]:
        """Every answer, change, clear, flag and unflag step of a learner, with its item, in
        log order (attempt, then sequence number)."""
        query = (
            select(
                StepRow.attempt_id,
                AttemptItemRow.item_id,
                StepRow.seq,
                StepRow.kind,
                StepRow.choice,
            )
            .select_from(AttemptRow)
            .join(StepRow, StepRow.attempt_id == AttemptRow.id)
            .join(
                AttemptItemRow,
                (AttemptItemRow.attempt_id == StepRow.attempt_id)
                & (AttemptItemRow.position == StepRow.position),
            )
            .where(AttemptRow.learner == learner, StepRow.kind.in_(_ANSWER_KINDS))
            .order_by(StepRow.attempt_id, StepRow.seq)
        )
        rows = self.session.connection().execute(query).all()
        return [LogEntry(r[0], r[1], r[2], r[3], tuple(r[4]) if r[4] else None) for r in rows]

    def open_items(self, learner: str, mode: str) -> set[str]:
        """The items of a learner's unfinished attempts of one mode."""
        return set(
            self.session.scalars(
                select(AttemptItemRow.item_id)
                .join(AttemptRow, AttemptRow.id == AttemptItemRow.attempt_id)
                .where(
                    AttemptItemRow.learner == learner,
                    AttemptRow.status == "in_progress",
                    AttemptRow.mode == mode,
                )
                .distinct()
            ).all()
        )

    def answered_elsewhere_during(self, exam: AttemptRow) -> int:
        """How many of an exam's items its learner answered in practice (or review, which is
        practice too: both show the key) while the exam was open."""
        mine = select(AttemptItemRow.item_id).where(AttemptItemRow.attempt_id == exam.id)
        other = AttemptItemRow.__table__.alias("other")
        query = (
            select(other.c.item_id)
            .select_from(StepRow)
            .join(
                other,
                (other.c.attempt_id == StepRow.attempt_id) & (other.c.position == StepRow.position),
            )
            .join(AttemptRow, AttemptRow.id == other.c.attempt_id)
            .where(
                AttemptRow.mode == "practice",
                other.c.learner == exam.learner,
                other.c.item_id.in_(mine),
                StepRow.kind.in_(("answer", "change")),
                StepRow.at >= exam.started_at,
            )
        )
        if exam.ended_at is not None:
            query = query.where(StepRow.at <= exam.ended_at)
        return len(set(self.session.scalars(query.distinct()).all()))

    def seen_before(self, attempt: Attempt) -> set[str]:
        """The items of this attempt its learner had been shown in an earlier attempt."""
        earlier = (
            select(AttemptItemRow.item_id)
            .join(AttemptRow, AttemptRow.id == AttemptItemRow.attempt_id)
            .where(
                AttemptItemRow.learner == attempt.learner,
                AttemptRow.started_at < attempt.started_at,
                AttemptRow.id != attempt.id,
            )
        )
        mine = {f.item_id for f in attempt.form.items}
        return mine & set(self.session.scalars(earlier.distinct()).all())

    def seen_items(self, learner: str) -> set[str]:
        return set(
            self.session.scalars(
                select(AttemptItemRow.item_id).where(AttemptItemRow.learner == learner).distinct()
            ).all()
        )
