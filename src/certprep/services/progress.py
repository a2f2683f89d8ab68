"""A learner's progress: scaled scores over time and results per domain and task statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from certprep.domain.blueprint import Blueprint
from certprep.storage.tables import AttemptRow


@dataclass(frozen=True)
class ExamPoint:
    attempt_id: str
    at: datetime
    scaled: int
    passed: bool


@dataclass
class AreaResult:
    right: int = 0
    total: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.right / self.total if self.total else None


@dataclass
class Progress:
    exams: list[ExamPoint] = field(default_factory=list)
    domains: dict[int, AreaResult] = field(default_factory=dict)
    tasks: dict[str, AreaResult] = field(default_factory=dict)
    finished: int = 0
    open: int = 0


def progress(rows: list[AttemptRow], blueprint: Blueprint) -> Progress:
    """Summarise finished attempts (exams and practice) from their stored results."""
    out = Progress(
        domains={d.id: AreaResult() for d in blueprint.domains},
        tasks={t: AreaResult() for t in blueprint.tasks},
    )
    for row in sorted(rows, key=lambda r: r.started_at):
        if row.status == "in_progress" or not row.result:
            out.open += row.status == "in_progress"
            continue
        out.finished += 1
        if row.mode == "exam":
            out.exams.append(
                ExamPoint(row.id, row.started_at, row.result["scaled"], row.result["passed"])
            )
        for task, (right, total) in row.result.get("tasks", {}).items():
            if task in out.tasks:
                out.tasks[task].right += right
                out.tasks[task].total += total
                domain = out.domains[blueprint.domain_of_task[task]]
                domain.right += right
                domain.total += total
    return out
