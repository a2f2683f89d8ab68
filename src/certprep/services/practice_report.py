"""What a practice, review or drill session says at its end: right and wrong per task
statement, and what to do next. No scaled score and no pass or fail: those belong to a full
exam, and a few questions cannot support them."""

from __future__ import annotations

from dataclasses import dataclass

from certprep.domain.blueprint import Blueprint
from certprep.services.exams import Report


@dataclass(frozen=True)
class TaskResult:
    task: str
    title: str
    right: int
    total: int

    @property
    def wrong(self) -> int:
        return self.total - self.right


@dataclass(frozen=True)
class PracticeSummary:
    right: int
    total: int
    tasks: tuple[TaskResult, ...]  # only the tasks the session had, in blueprint order

    @property
    def to_practise(self) -> tuple[TaskResult, ...]:
        """Tasks with a wrong answer, the most missed (then the lowest share right) first."""
        missed = [t for t in self.tasks if t.wrong]
        return tuple(sorted(missed, key=lambda t: (-t.wrong, t.right / t.total, t.task)))


def practice_summary(report: Report, blueprint: Blueprint) -> PracticeSummary:
    counts: dict[str, list[int]] = {}
    for entry in report.review:
        right_total = counts.setdefault(entry.item.task, [0, 0])
        right_total[0] += entry.correct
        right_total[1] += 1
    tasks = tuple(
        TaskResult(task_id, task.title, *counts[task_id])
        for task_id, task in blueprint.tasks.items()
        if task_id in counts
    )
    return PracticeSummary(sum(t.right for t in tasks), sum(t.total for t in tasks), tasks)
