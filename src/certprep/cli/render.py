"""Rich renderings of questions, feedback, score reports, reviews and history."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from certprep.domain.attempt import AttemptState
    from certprep.domain.blueprint import Blueprint
    from certprep.services.exams import Question, Report, ReviewEntry
    from certprep.storage.tables import AttemptRow

CHOOSE = {1: "Choose one.", 2: "Choose two.", 3: "Choose three."}


def letters(indices: tuple[int, ...] | list[int]) -> str:
    return ", ".join(chr(65 + i) for i in sorted(indices)) or "-"


def clock(left: timedelta | None) -> str:
    if left is None:
        return "untimed"
    seconds = int(left.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def question(console: Console, q: Question, left: timedelta | None, title: str) -> None:
    header = f"{title} · Question {q.position + 1} of {q.total} · Time left {clock(left)}"
    if q.flagged:
        header += " · [bold yellow]Flagged for review[/]"
    body = Text(q.item.stem.strip() + "\n")
    for n, text in enumerate(q.options):
        mark = "●" if n in q.chosen else "○"
        body.append(f"\n {mark} {chr(65 + n)}. ", style="bold" if n in q.chosen else "")
        body.append(text)
    body.append(f"\n\n{CHOOSE.get(q.item.choose, f'Choose {q.item.choose}.')}", style="italic")
    if q.chosen:
        body.append(f"  Your answer: {letters(q.chosen)}", style="bold")
    console.print(Panel(body, title=header, title_align="left"))


def feedback(console: Console, q: Question, correct: bool) -> None:
    """Practice mode: the verdict, every option's rationale, the explanation, references."""
    order = q.form_item.option_order
    key = [d for d, a in enumerate(order) if q.item.options[a].correct]
    verdict = (
        "[bold green]Correct.[/]"
        if correct
        else f"[bold red]Not quite.[/] The answer is {letters(key)}."
    )
    lines: list[Text | str] = [verdict, ""]
    for d, a in enumerate(order):
        option = q.item.options[a]
        tag = "✔" if option.correct else "✘"
        lines.append(
            Text(f"{tag} {chr(65 + d)}. {option.why}", style="green" if option.correct else "")
        )
    lines += ["", Text(q.item.explanation.strip(), style="italic"), ""]
    lines += [Text(f"  {ref}", style="cyan") for ref in q.item.references]
    console.print(Panel(Group(*lines), title="Feedback", title_align="left"))


def review_screen(console: Console, state: AttemptState) -> None:
    unanswered = state.unanswered()
    flagged = sorted(state.flags)
    table = Table(title="Review", show_lines=False)
    table.add_column("Question", justify="right")
    table.add_column("Status")
    for p in range(len(state.attempt.form)):
        status = "answered" if p in state.answers else "[red]unanswered[/]"
        if p in state.flags:
            status += " · [yellow]flagged[/]"
        table.add_row(str(p + 1), status)
    console.print(table)
    console.print(
        f"{len(state.answers)} answered, {len(unanswered)} unanswered "
        f"({_numbers(unanswered)}), {len(flagged)} flagged ({_numbers(flagged)})."
    )


def _numbers(positions: list[int]) -> str:
    return (
        ", ".join(str(p + 1) for p in positions[:30]) + (" ..." if len(positions) > 30 else "")
        or "none"
    )


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
    lines: list[Text | str] = [Text(entry.item.stem.strip()), ""]
    for d, a in enumerate(order):
        option = entry.item.options[a]
        lines.append(
            Text(f"{'✔' if option.correct else '✘'} {chr(65 + d)}. {option.text}", style="bold")
        )
        lines.append(Text(f"     {option.why}"))
    lines += ["", Text(entry.item.explanation.strip(), style="italic")]
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
    for col in ("Attempt", "Mode", "Started (UTC)", "Questions", "Status", "Score", "Result"):
        table.add_column(col)
    for row in rows:
        result = row.result or {}
        scaled = str(result.get("scaled", "")) if row.mode == "exam" else ""
        outcome = ""
        if result:
            outcome = (
                ("pass" if result.get("passed") else "fail")
                if row.mode == "exam"
                else (f"{result.get('correct')}/{result.get('total')} right")
            )
        table.add_row(
            row.id,
            row.mode,
            row.started_at.strftime("%Y-%m-%d %H:%M"),
            str(len(row.form)),
            row.status.replace("_", " "),
            scaled,
            outcome,
        )
    console.print(table)
