"""``certprep review``, ``mastery``, ``plan`` and ``exam-log``: the learning engine in the
terminal. (``practice --adaptive`` lives with ``practice``.)"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from certprep.cli.bank_render import shorten
from certprep.cli.common import console, runtime, user_errors
from certprep.cli.session_cmds import describe_open, run_and_report
from certprep.domain.study_plan import Readiness
from certprep.text import plural

commands = typer.Typer()


@commands.command()
@user_errors
def review(
    ctx: typer.Context,
    count: Annotated[int, typer.Option(min=1, max=200, help="At most this many due items.")] = 20,
    optimize: Annotated[
        bool, typer.Option("--optimize", help="Fit the schedule to your own review history first.")
    ] = False,
) -> None:
    """Review what is due today (missed and flagged items, scheduled by FSRS), with feedback."""
    rt = runtime(ctx)
    out = console()
    if optimize:
        with out.status("Optimising your review schedule from your history..."):
            used, _ = rt.learning.optimize()
        out.print(f"Your schedule now follows FSRS parameters fitted to your {used} reviews.")
    from certprep.domain.attempt import Mode, Purpose

    open_review = rt.exams.open_attempt(Mode.PRACTICE, Purpose.REVIEW)
    if open_review is not None:  # one review session at a time: continue it
        state = rt.exams.state(open_review)
        out.print(f"Resuming your review session: {describe_open(rt, open_review)}.")
        run_and_report(rt, out, state, review=False)
        return
    due = rt.learning.due_items()
    if not due:
        upcoming = sorted(rt.learning.reviews_by_day().items())
        if upcoming:
            first, n = upcoming[0]
            out.print(f"Nothing is due now. Next: {plural(n, 'item')} on {first:%Y-%m-%d}.")
        else:
            out.print(
                "Nothing to review yet: items you miss or flag in an exam or practice come back here "
                "on a spaced schedule. Start with [bold]certprep practice[/] or [bold]certprep exam[/]."
            )
        return
    state = rt.exams.start_selected(due[:count], purpose=Purpose.REVIEW)
    out.print(
        f"Review: {len(state.attempt.form)} of {plural(len(due), 'due item')}. "
        f"Attempt {state.attempt.id}."
    )
    run_and_report(rt, out, state, review=False)


@commands.command()
@user_errors
def mastery(
    ctx: typer.Context,
    skills: Annotated[bool, typer.Option("--skills", help="Show every skill too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Mastery per domain and task statement (with its uncertainty) and what to study next."""
    from dataclasses import asdict

    from rich.table import Table

    rt = runtime(ctx)
    masteries = rt.learning.mastery()
    ranked = rt.learning.study_next(masteries)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "mastery": {k: asdict(v) for k, v in masteries.items()},
                    "study_next": [
                        {
                            "task": s.task,
                            "title": s.title,
                            "gain": s.gain,
                            "items": rt.learning.suggested_items(s.task),
                        }
                        for s in ranked[:5]
                    ],
                },
                indent=2,
            )
        )
        return
    out = console()
    overall = masteries["all"]
    if overall.answered == 0:
        out.print("No answers yet: practise (certprep practice) and your mastery shows here.")
    table = Table(title="Mastery (probability of answering a typical item right, 80% interval)")
    for col in ("Area", "Answered", "Right", "Mastery", "80% interval"):
        table.add_column(col)
    bp = rt.bank.blueprint
    for d in bp.domains:
        rows = [(f"[bold]Domain {d.id}: {d.name}[/]", masteries[f"domain:{d.id}"])]
        for t in d.tasks:
            rows.append((f"  {t.id} {shorten(t.title, 50)}", masteries[f"task:{t.id}"]))
            if skills:
                rows += [
                    (f"    {s.id} {shorten(s.text, 60)}", masteries[f"skill:{s.id}"])
                    for s in t.skills
                ]
        for label, m in rows:
            if m.answered == 0:
                table.add_row(label, "0", "0", "[dim]not answered yet[/]", "")
                continue
            table.add_row(
                label,
                str(m.answered),
                str(m.right),
                f"{m.mastery:.0%}",
                f"{m.low:.0%}-{m.high:.0%}",
            )
    out.print(table)
    out.print("[bold]What to study next[/] (most exam score to gain first):")
    for n, s in enumerate(ranked[:5], start=1):
        suggested = rt.learning.suggested_items(s.task, 3)
        out.print(f" {n}. Task {s.task} {shorten(s.title, 60)} — mastery {s.mastery.mastery:.0%}")
        if suggested:
            out.print(
                "    certprep practice " + " ".join(f"--item {i}" for i in suggested),
                markup=False,
                soft_wrap=True,  # one line, to copy
            )
        else:
            out.print("    all seen: certprep review brings back what you missed", markup=False)
    out.print(
        "Or drill with [bold]certprep practice --adaptive[/] or [bold]certprep practice --task T[/]."
    )


@commands.command()
@user_errors
def plan(
    ctx: typer.Context,
    exam_date: Annotated[
        str | None,
        typer.Option("--exam-date", help="Your exam date (YYYY-MM-DD): adds a daily plan."),
    ] = None,
    done: Annotated[
        int | None, typer.Option(help="Mark a step of the checklist done (1-10).")
    ] = None,
    undo: Annotated[int | None, typer.Option(help="Mark a step not done.")] = None,
) -> None:
    """The exam guide's ten preparation steps, readiness to book, and a day-by-day plan."""
    from certprep.errors import CertprepError

    rt = runtime(ctx)
    out = console()
    day = None
    if exam_date is not None:  # a bad date is refused before anything is printed
        try:
            day = date.fromisoformat(exam_date)
        except ValueError:
            raise CertprepError(f"--exam-date must be YYYY-MM-DD, not {exam_date!r}") from None
        rt.learning.check_exam_day(day)
    if done is not None:
        rt.learning.check_step(done, True)
    if undo is not None:
        rt.learning.check_step(undo, False)
    for status in rt.learning.checklist():
        mark = "[green]✔[/]" if status.done else "[ ]"
        out.print(f" {mark} {status.step.number:>2}. {status.step.title} — {status.progress}")
    ready = rt.learning.readiness()
    verdict = (
        "[bold green]Ready: book the exam.[/]" if ready.ready else f"Not ready yet: {ready.reason}."
    )
    out.print(f"\n{verdict} {pass_text(ready)}")
    out.print("[dim]Rule: enough evidence, at least one full practice exam, and an 80% chance.[/]")
    if day is None:
        out.print("Add [bold]--exam-date YYYY-MM-DD[/] for a day-by-day plan.")
        return
    labs_left = len(rt.labs().labs()) - len(rt.labs().passed())
    days = rt.learning.plan(day, labs_left=labs_left)
    out.print(f"\n[bold]{plural(len(days), 'day')} to {day:%Y-%m-%d}[/]")
    for d in days:
        parts = []
        if d.mock_exam:
            parts.append("FULL PRACTICE EXAM")
        if d.reviews:
            parts.append(plural(d.reviews, "review"))
        if d.new_items:
            where = f" in task {' and '.join(d.focus)}" if d.focus else ""
            parts.append(plural(d.new_items, "new question") + where)
        if d.labs:
            parts.append("a hands-on lab (certprep lab list)")
        parts += d.notes
        out.print(f" {d.day:%a %Y-%m-%d}: {'; '.join(parts) or 'rest'}")


@commands.command("exam-log")
@user_errors
def exam_log(
    ctx: typer.Context,
    add: Annotated[
        str | None, typer.Option(help="Log a real exam taken on this date (YYYY-MM-DD).")
    ] = None,
    passed: Annotated[
        bool | None,
        typer.Option(
            "--passed/--failed", help="The result of the logged exam (required with --add)."
        ),
    ] = None,
    score: Annotated[int | None, typer.Option(help="The scaled score, if you know it.")] = None,
) -> None:
    """Your real exam attempts: the earliest retake after a fail, renewal after a pass."""
    from certprep.errors import CertprepError

    rt = runtime(ctx)
    out = console()
    if add is None and (passed is not None or score is not None):
        raise CertprepError("--passed, --failed and --score describe an exam logged with --add")
    if add is not None:
        try:
            taken = date.fromisoformat(add)
        except ValueError:
            raise CertprepError(f"--add must be YYYY-MM-DD, not {add!r}") from None
        if passed is None:
            raise CertprepError("say how it went: --add DATE --passed, or --add DATE --failed")
        rt.learning.add_real_exam(taken, passed, score)
    exams = rt.learning.real_exams()
    if not exams:
        out.print(
            "No real exam logged. After you sit it: certprep exam-log --add YYYY-MM-DD --passed|--failed"
        )
        return
    for e in exams:
        result = "passed" if e.passed else "failed"
        extra = (
            f"renew by {e.renew_by:%Y-%m-%d}"
            if e.renew_by
            else f"earliest retake {e.retake_from:%Y-%m-%d}"
        )
        shown = f" ({e.score})" if e.score is not None else ""
        out.print(f" {e.taken_on:%Y-%m-%d}: {result}{shown}; {extra}. Attempts are unlimited.")


def pass_text(ready: Readiness) -> str:
    """The chance of passing in words: with its interval, or why there is no number yet."""
    if not ready.enough_evidence:
        why = ready.reason.removeprefix("not enough evidence: ")
        return f"Not enough evidence yet for a chance of passing ({why})."
    return (
        f"Estimated chance of passing the real exam: {ready.pass_probability:.0%} "
        f"(80% interval {ready.low:.0%}-{ready.high:.0%})."
    )


@commands.command()
@user_errors
def readiness(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your estimated chance of passing the real exam, and whether to book it.

    The chance comes with its uncertainty (an 80% interval), or says why there is not enough
    evidence yet."""
    rt = runtime(ctx)
    estimate = rt.learning.pass_estimate()
    ready = rt.learning.readiness(estimate)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "p_pass": round(estimate.p_pass, 4),
                    "low": round(estimate.low, 4),
                    "high": round(estimate.high, 4),
                    "enough_evidence": estimate.enough_evidence,
                    "responses": estimate.responses,
                    "reason": estimate.reason,
                    "ready_to_book": ready.ready,
                    "book_reason": ready.reason,
                },
                indent=2,
            )
        )
        return
    out = console(soft_wrap=True)
    out.print(pass_text(ready))
    out.print(f"Based on your {estimate.responses} most recent first answers to live questions.")
    verdict = "[bold green]Book the exam.[/]" if ready.ready else f"Not ready yet: {ready.reason}."
    out.print(verdict)
