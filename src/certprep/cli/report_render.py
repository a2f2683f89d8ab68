"""Rich renderings of reports: the exam score report, the practice report, the
question-by-question review, and history."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from certprep.cli.render import letters
from certprep.domain.attempt import PURPOSE_NAMES
from certprep.text import reflow

if TYPE_CHECKING:
    from certprep.domain.blueprint import Blueprint
    from certprep.services.exams import Report, ReviewEntry
    from certprep.services.practice_report import PracticeSummary
    from certprep.storage.tables import AttemptRow


def score_report(console: Console, report: Report, blueprint: Blueprint) -> None:
    s = report.score
    verdict = "[bold green]PASS[/]" if s.passed else "[bold red]FAIL[/]"
    console.print(
        Panel(
            f"Scaled score: [bold]{s.scaled}[/] ({blueprint.exam.scale.min}-{blueprint.exam.scale.max}; "
            f"passing {s.passing_score})   Result: {verdict}\n"
            f"Scored questions right: {s.correct} of {s.total}",
            title=f"{blueprint.exam.code} score report · attempt {report.attempt.id}",
            title_align="left",
        )
    )
    table = Table(show_header=True)
    table.add_column("Domain")
    table.add_column("Weight", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Performance")
    for d in s.domains:
        bar = "█" * round(d.percent / 10) + "░" * (10 - round(d.percent / 10))
        style = "green" if d.status.startswith("Meets") else "red"
        table.add_row(
            f"{d.domain}. {d.name}",
            f"{d.weight:g}%",
            f"{d.correct}/{d.total} {bar}",
            f"[{style}]{d.status}[/]",
        )
    console.print(table)
    console.print(
        "Only the overall score decides the result (compensatory scoring). A domain meets "
        "competencies when you got at least as many right as a just-passing candidate would."
    )


def review_entry(console: Console, entry: ReviewEntry) -> None:
    order = entry.form_item.option_order
    chosen = [d for d, a in enumerate(order) if entry.chosen and a in entry.chosen]
    key = [d for d, a in enumerate(order) if entry.item.options[a].correct]
    verdict = "[green]right[/]" if entry.correct else "[red]wrong[/]"
    if entry.chosen is None:
        verdict = "[red]unanswered[/]"
    flag = " · flagged" if entry.flagged else ""
    lines: list[Text | str] = [Text(reflow(entry.item.stem)), ""]
    for d, a in enumerate(order):
        option = entry.item.options[a]
        lines.append(
            Text(f"{'✔' if option.correct else '✘'} {chr(65 + d)}. {option.text}", style="bold")
        )
        lines.append(Text(f"     {option.why}"))
    lines += ["", Text(reflow(entry.item.explanation), style="italic")]
    lines += [Text(f"  {ref}", style="cyan") for ref in entry.item.references]
    console.print(
        Panel(
            Group(*lines),
            title=f"Question {entry.position + 1} · {entry.item.id} · task {entry.item.task} · "
            f"your answer {letters(chosen)} · key {letters(key)} · {verdict}{flag}",
            title_align="left",
        )
    )


def history(console: Console, rows: list[AttemptRow]) -> None:
    if not rows:
        console.print(
            "No attempts yet. Start one with [bold]certprep exam[/] or [bold]certprep practice[/]."
        )
        return
    table = Table(title="Attempts")
    table.add_column("Attempt", no_wrap=True, min_width=12)  # whole, to copy
    for col in ("Kind", "Started (UTC)", "Qs", "Status", "Result"):
        table.add_column(col, justify="right" if col == "Qs" else "left")
    for row in rows:
        result = row.result or {}
        outcome = ""
        if result:
            outcome = (
                f"{result.get('scaled')} {'pass' if result.get('passed') else 'fail'}"
                if row.mode == "exam"
                else f"{result.get('correct')}/{result.get('total')} right"
            )
        table.add_row(
            row.id,
            PURPOSE_NAMES.get(row.purpose, row.mode),
            row.started_at.strftime("%Y-%m-%d %H:%M"),
            str(len(row.form)),
            row.status.replace("_", " "),
            outcome,
        )
    console.print(table)
    console.print("Any unique start of an id will do: [bold]certprep report 3fa[/].")


def practice_report(console: Console, summary: PracticeSummary, kind: str, due: int) -> None:
    """A practice, review or drill session: right and wrong per task, and what next (no scaled
    score or pass mark: those need a full exam)."""
    console.print(
        f"[bold]{kind.capitalize()} finished:[/] {summary.right} of {summary.total} right."
    )
    table = Table(show_header=True)
    table.add_column("Task statement")
    table.add_column("Right", justify="right")
    table.add_column("Wrong", justify="right")
    for t in summary.tasks:
        table.add_row(f"{t.task} {t.title}", str(t.right), str(t.wrong))
    console.print(table)
    console.print("[bold]What to do next[/]")
    for t in summary.to_practise[:3]:
        console.print(
            f"  • certprep practice --task {t.task}   ({t.wrong} of {t.total} wrong here)"
        )
    if summary.to_practise:
        due_now = f" ({due} due now: certprep review)" if due else ""
        console.print(f"  • What you missed comes back for review on a spaced schedule{due_now}.")
    else:
        console.print(
            "  • All right: try certprep practice --adaptive, or a full exam (certprep exam)."
        )


@contextmanager
def paged(console: Console) -> Iterator[None]:
    """Long output (a report, a 75-question review) through the pager when a person reads it
    in a terminal ($PAGER, else less); straight out otherwise."""
    if console.is_terminal and sys.stdin.isatty():
        os.environ.setdefault("LESS", "-R")  # keep the colours
        with console.pager(styles=True):
            yield
    else:
        yield
