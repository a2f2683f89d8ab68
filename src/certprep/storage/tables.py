"""The database tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class AttemptRow(Base):
    __tablename__ = "attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    learner: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    exam_code: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    time_limit_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    accommodation: Mapped[bool] = mapped_column(Boolean, default=False)
    purpose: Mapped[str] = mapped_column(String(16), default="practice", server_default="practice")
    form: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="in_progress", index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class StepRow(Base):
    __tablename__ = "attempt_steps"
    __table_args__ = (UniqueConstraint("attempt_id", "seq", name="uq_attempt_steps_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE")
    )  # looked up through the unique (attempt_id, seq) index (migration 0007)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    choice: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)


class AttemptItemRow(Base):
    """Which item stood at which position of an attempt (for exposure and item statistics)."""

    __tablename__ = "attempt_items"

    attempt_id: Mapped[str] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    learner: Mapped[str] = mapped_column(String(64), index=True)
    scored: Mapped[bool] = mapped_column(Boolean)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the exam's extra time, granted by an administrator (multi-user mode)
    accommodation: Mapped[bool] = mapped_column(Boolean, default=False)
    #: sees the authors' pages (item statistics and reports) in multi-user mode
    admin: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSessionRow(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: when the browser was last seen (updated at most every few minutes): idle sessions end
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ServerSecretRow(Base):
    """A key the server signs with (the CSRF key), shared by every process on the database."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class ReviewCardRow(Base):
    """A learner's FSRS card for one item (the card itself as fsrs's JSON)."""

    __tablename__ = "review_cards"

    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewLogRow(Base):
    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempt_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    card_before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class PlanCheckRow(Base):
    """A study-plan step the learner marked done."""

    __tablename__ = "plan_checks"

    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RealExamRow(Base):
    """An attempt at the real exam, as the learner reported it."""

    __tablename__ = "real_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(64), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FsrsParametersRow(Base):
    """A learner's FSRS parameters, optimised from their own review history."""

    __tablename__ = "fsrs_parameters"

    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    parameters: Mapped[list[float]] = mapped_column(JSON)
    reviews: Mapped[int] = mapped_column(Integer)
    optimized_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LabResultRow(Base):
    """A lab the learner finished: every check passed."""

    __tablename__ = "lab_results"

    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    lab_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    passed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LabSubmissionRow(Base):
    """The artifact a learner last checked for a lab, and how many checks it passed."""

    __tablename__ = "lab_submissions"

    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    lab_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    artifact: Mapped[str] = mapped_column(Text)
    passed_checks: Mapped[int] = mapped_column(Integer)
    total_checks: Mapped[int] = mapped_column(Integer)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalibrationRunRow(Base):
    """One run of ``certprep calibrate`` (or an import of parameters)."""

    __tablename__ = "calibration_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())
    model: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))  # full | pretest | import
    examinees: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer)
    link_slope: Mapped[float] = mapped_column(Float)
    link_intercept: Mapped[float] = mapped_column(Float)
    anchors: Mapped[int] = mapped_column(Integer)
    bank_version: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class ItemParameterRow(Base):
    """An item's calibrated 2PL/3PL parameters, their standard errors and their run."""

    __tablename__ = "item_parameters"

    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    a: Mapped[float] = mapped_column(Float)
    b: Mapped[float] = mapped_column(Float)
    c: Mapped[float] = mapped_column(Float)
    se_a: Mapped[float | None] = mapped_column(Float, nullable=True)
    se_b: Mapped[float | None] = mapped_column(Float, nullable=True)
    se_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    responses: Mapped[int] = mapped_column(Integer)
    fit_p: Mapped[float | None] = mapped_column(Float, nullable=True)
    run_id: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ItemReportRow(Base):
    """A learner's report of a problem with an item, and what the authors decided."""

    __tablename__ = "item_reports"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    learner: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16), index=True)  # open | accepted | rejected
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
