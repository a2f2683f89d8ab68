"""Rich renderings of a session in the terminal: the question, practice feedback and the
review grid. (Reports and history are in report_render.)"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from certprep.text import reflow

if TYPE_CHECKING:
    from certprep.domain.attempt import AttemptState
    from certprep.services.exams import Question

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
    body = Text(reflow(q.item.stem) + "\n")
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
    lines += ["", Text(reflow(q.item.explanation), style="italic"), ""]
    lines += [Text(f"  {ref}", style="cyan") for ref in q.item.references]
    console.print(Panel(Group(*lines), title="Feedback", title_align="left"))


GRID_COLUMNS = 13  # 13 cells of 6 columns: 78 columns, 6 rows for a 75-question exam
_MARK = {"answered": ("✓", "green"), "incomplete": ("◐", "yellow"), "unanswered": ("·", "red")}


def status_of(state: AttemptState, position: int) -> str:
    if state.complete(position):
        return "answered"
    return "incomplete" if position in state.answers else "unanswered"


def review_grid(console: Console, state: AttemptState) -> None:
    """The review screen: every question in a grid that fits 80×24, then the lists."""
    total = len(state.attempt.form)
    lines = Text()
    for start in range(0, total, GRID_COLUMNS):
        for p in range(start, min(start + GRID_COLUMNS, total)):
            mark, style = _MARK[status_of(state, p)]
            flag = "⚑" if p in state.flags else " "
            lines.append(f"{p + 1:>3}", style="bold" if p == state.current else "")
            lines.append(mark, style=style)
            lines.append(flag + " ", style="yellow")
        lines.append("\n")
    console.print(Panel(lines, title="Review", title_align="left", expand=False))
    console.print("✓ answered  ◐ incomplete (fewer options than asked)  · unanswered  ⚑ flagged")
    incomplete = state.incomplete()
    unanswered = state.unanswered()
    flagged = sorted(state.flags)
    answered = total - len(incomplete) - len(unanswered)
    console.print(
        f"{answered} answered, {len(incomplete)} incomplete ({_numbers(incomplete)}), "
        f"{len(unanswered)} unanswered ({_numbers(unanswered)}), "
        f"{len(flagged)} flagged ({_numbers(flagged)})."
    )
    console.print(
        "Type a number to go there; [bold]ri[/] steps through the incomplete and unanswered, "
        "[bold]rf[/] through the flagged, [bold]ra[/] through all."
    )


def _numbers(positions: list[int]) -> str:
    return (
        ", ".join(str(p + 1) for p in positions[:20]) + (" ..." if len(positions) > 20 else "")
        or "none"
    )
