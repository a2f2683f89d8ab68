"""``certprep exam``, ``practice``, ``history``, ``report`` and ``form``: sessions in the
terminal and their reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from certprep.cli.common import console, read_line, runtime, user_errors
from certprep.domain.practice_source import PracticeSource

if TYPE_CHECKING:
    from rich.console import Console

    from certprep.runtime import Runtime

commands = typer.Typer()


@commands.command()
@user_errors
def exam(
    ctx: typer.Context,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue your unfinished exam.")
    ] = False,
    accommodation: Annotated[
        bool,
        typer.Option("--accommodation", help="Add the +30-minute accommodation (chosen at start)."),
    ] = False,
    seed: Annotated[
        int | None, typer.Option(help="Seed for the form (same seed, same form).")
    ] = None,
    review: Annotated[
        bool, typer.Option(help="Show the item-by-item review after the report.")
    ] = True,
) -> None:
    """Take a full simulated exam: 75 questions, 180 minutes, scored like the real one."""
    from certprep.domain.attempt import Mode

    rt = runtime(ctx)
    out = console()
    open_id = rt.exams.open_attempt(Mode.EXAM)
    if open_id and not resume:
        out.print(
            f"You have an unfinished exam ({open_id}); continuing it. Its clock kept running."
        )
        resume = True
    if resume:
        if not open_id:
            from certprep.errors import CertprepError

            raise CertprepError(
                "there is no unfinished exam to resume; start a new one with 'certprep exam'"
            )
        state = rt.exams.state(open_id)
    else:
        state = rt.exams.start_exam(seed, accommodation)
        exam_fmt = rt.bank.blueprint.exam
        out.print(
            f"[bold]{exam_fmt.title} ({exam_fmt.code})[/]: {len(state.attempt.form)} questions, "
            f"{int(state.attempt.time_limit.total_seconds() // 60) if state.attempt.time_limit else 0}"
            f" minutes. The clock cannot be paused. Attempt {state.attempt.id}."
        )
    run_and_report(rt, out, state, review)


def run_and_report(rt: Runtime, out: Console, state: Any, review: bool) -> None:
    from certprep.cli import render
    from certprep.cli.session_ui import SessionUI
    from certprep.domain.attempt import Mode

    if state.is_open:
        state = SessionUI(rt.exams, out, read_line).run(state)
    if state.is_open:
        return
    report = rt.exams.report(state.attempt.id)
    if state.attempt.mode is Mode.EXAM:
        render.score_report(out, report, rt.bank.blueprint)
        if review:
            for entry in report.review:
                render.review_entry(out, entry)
    else:
        right = sum(e.correct for e in report.review)
        out.print(f"Practice finished: {right} of {len(report.review)} right. ")
    out.print(f"Reprint with [bold]certprep report {state.attempt.id}[/].")


@commands.command()
@user_errors
def practice(
    ctx: typer.Context,
    domain: Annotated[int | None, typer.Option(help="Only this domain (1-6).")] = None,
    task: Annotated[str | None, typer.Option(help="Only this task statement, e.g. 4.1.")] = None,
    skill: Annotated[str | None, typer.Option(help="Only this skill, e.g. 4.1.2.")] = None,
    count: Annotated[int, typer.Option(min=1, max=200, help="How many questions.")] = 10,
    minutes: Annotated[
        int | None, typer.Option(min=1, help="Time limit; untimed if left out.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue your unfinished session.")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Seed for the selection.")] = None,
    source: Annotated[
        PracticeSource,
        typer.Option(
            help="Which questions: all, unseen, missed (wrong before) or flagged.",
            case_sensitive=False,
        ),
    ] = PracticeSource.ALL,
    adaptive: Annotated[
        bool,
        typer.Option("--adaptive", help="Pick items near your ability in your weakest areas."),
    ] = False,
) -> None:
    """Drill questions with instant feedback: rationale for every option, explanation, links."""
    from certprep.domain.attempt import Mode
    from certprep.domain.form import PracticeFilter
    from certprep.errors import CertprepError

    chosen_source = source

    rt = runtime(ctx)
    bp = rt.bank.blueprint
    if domain is not None and domain not in {d.id for d in bp.domains}:
        raise CertprepError(
            f"no domain {domain}; domains are {', '.join(str(d.id) for d in bp.domains)}"
        )
    if task is not None and task not in bp.tasks:
        raise CertprepError(f"no task statement {task!r}; see 'certprep bank stats'")
    if skill is not None and skill not in bp.skills:
        raise CertprepError(f"no skill {skill!r}; see 'certprep bank stats'")
    out = console()
    if resume:
        open_id = rt.exams.open_attempt(Mode.PRACTICE)
        if not open_id:
            raise CertprepError("there is no unfinished practice session to resume")
        state = rt.exams.state(open_id)
        if state.paused:
            state = rt.exams.resume(open_id)
    else:
        if adaptive:
            state = rt.exams.start_selected(
                rt.learning.adaptive_selection(count, seed), minutes, seed
            )
        else:
            where = PracticeFilter(domain=domain, task=task, skill=skill)
            state = rt.exams.start_practice(where, count, minutes, seed, chosen_source)
        out.print(f"Practice: {len(state.attempt.form)} questions. Attempt {state.attempt.id}.")
    run_and_report(rt, out, state, review=False)


@commands.command()
@user_errors
def history(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List your attempts, newest first."""
    import json

    from certprep.cli import render

    rows = runtime(ctx).exams.history()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "mode": r.mode,
                        "started_at": r.started_at.isoformat(),
                        "status": r.status,
                        "result": r.result,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
    else:
        render.history(console(), rows)


@commands.command()
@user_errors
def report(
    ctx: typer.Context,
    attempt_id: Annotated[
        str,
        typer.Argument(
            metavar="ATTEMPT_ID",
            help="The attempt id, or a unique start of it (see 'certprep history').",
        ),
    ],
    review: Annotated[bool, typer.Option(help="Include the item-by-item review.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the score as JSON.")] = False,
) -> None:
    """Reprint the score report (and review) of a finished attempt."""
    import json

    from certprep.cli import render
    from certprep.services.exams import score_to_json

    rt = runtime(ctx)
    result = rt.exams.report(attempt_id)
    if as_json:
        typer.echo(json.dumps({"id": attempt_id, **score_to_json(result.score)}, indent=2))
        return
    out = console()
    render.score_report(out, result, rt.bank.blueprint)
    if review:
        for entry in result.review:
            render.review_entry(out, entry)


@commands.command()
@user_errors
def form(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="The seed (same seed and history, same form).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the exam form that would be assembled for you with this seed."""
    import json

    rt = runtime(ctx)
    assembled = rt.exams.preview_form(seed)
    rows = [
        {
            "position": n + 1,
            "id": f.item_id,
            "domain": f.domain,
            "task": f.task,
            "scored": f.scored,
            "option_order": list(f.option_order),
        }
        for n, f in enumerate(assembled.items)
    ]
    if as_json:
        typer.echo(json.dumps({"seed": seed, "items": rows}, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"Form for seed {seed}: {len(rows)} questions")
    for col in ("#", "Item", "Domain", "Task", "Scored"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["position"]),
            str(r["id"]),
            str(r["domain"]),
            str(r["task"]),
            "yes" if r["scored"] else "no",
        )
    console().print(table)
