"""``certprep exam``, ``practice``, ``history``, ``report`` and ``form``: sessions in the
terminal and their reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from certprep.cli.common import console, runtime, user_errors
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
    from certprep.errors import CertprepError

    rt = runtime(ctx)
    out = console()
    open_id = rt.exams.open_attempt(Mode.EXAM)
    if open_id and not resume:
        out.print("You have a full exam in progress; one at a time, as on the real exam.")
        resume = True
    if resume:
        if not open_id:
            raise CertprepError(
                "there is no unfinished exam to resume; start a new one with 'certprep exam'"
            )
        state = rt.exams.state(open_id)
        if state.is_open:
            out.print(f"Resuming it: {describe_open(rt, open_id)}. Its clock kept running.")
    else:
        state = rt.exams.start_exam(seed, accommodation)
        exam_fmt = rt.bank.blueprint.exam
        limit = state.attempt.time_limit
        out.print(
            f"[bold]{exam_fmt.title} ({exam_fmt.code})[/]: {len(state.attempt.form)} questions, "
            f"{int(limit.total_seconds() // 60) if limit else 0} minutes. The clock cannot be "
            f"paused. Attempt {state.attempt.id}."
        )
    run_and_report(rt, out, state, review)


def describe_open(rt: Runtime, attempt_id: str) -> str:
    """'started 2026-12-06 10:02 UTC, 12 of 75 answered, 2:41 left', as a resume button says."""
    for session in rt.exams.open_sessions():
        if session.attempt_id == attempt_id:
            return session.describe()
    return attempt_id


def run_and_report(rt: Runtime, out: Console, state: Any, review: bool) -> None:
    from certprep.cli.session_ui import SessionUI
    from certprep.cli.terminal_prompt import terminal_reader

    if state.is_open:
        state = SessionUI(rt.exams, out, terminal_reader()).run(state)
    if state.is_open:
        return
    print_report(rt, out, state.attempt.id, review)
    out.print(f"Reprint with [bold]certprep report {state.attempt.id}[/].")


def print_report(rt: Runtime, out: Console, attempt_id: str, review: bool) -> None:
    """An exam's score report, or a practice session's right and wrong per task; then, if
    asked, every question with its key (through the pager in a terminal)."""
    from certprep.cli import report_render
    from certprep.domain.attempt import PURPOSE_NAMES, Mode, Purpose
    from certprep.services.practice_report import practice_summary

    result = rt.exams.report(attempt_id)
    with report_render.paged(out):
        if result.attempt.mode is Mode.EXAM:
            report_render.score_report(out, result, rt.bank.blueprint)
        else:
            kind = PURPOSE_NAMES[(result.attempt.purpose or Purpose.PRACTICE).value]
            due = len(rt.learning.due_items())
            report_render.practice_report(
                out, practice_summary(result, rt.bank.blueprint), kind, due
            )
        if review:
            for entry in result.review:
                report_render.review_entry(out, entry)


@commands.command()
@user_errors
def practice(
    ctx: typer.Context,
    domain: Annotated[int | None, typer.Option(help="Only this domain (1-6).")] = None,
    task: Annotated[str | None, typer.Option(help="Only this task statement, e.g. 4.1.")] = None,
    skill: Annotated[str | None, typer.Option(help="Only this skill, e.g. 4.1.2.")] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item",
            metavar="ITEM_ID",
            help="Exactly this question (repeat for more), e.g. an id 'what to study next' "
            "suggests.",
        ),
    ] = None,
    count: Annotated[int, typer.Option(min=1, max=200, help="How many questions.")] = 10,
    minutes: Annotated[
        int | None, typer.Option(min=1, help="Time limit; untimed if left out.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue your unfinished practice session.")
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
    from certprep.domain.attempt import Purpose
    from certprep.domain.form import PracticeFilter

    rt = runtime(ctx)
    check_selection(rt, domain, task, skill, item or [])
    out = console()
    if resume:
        state = rt.exams.state(open_practice(rt))
        if state.paused:
            state = rt.exams.resume(state.attempt.id)
        out.print(f"Resuming: {describe_open(rt, state.attempt.id)}.")
    else:
        if item:
            state = rt.exams.start_selected(
                list(dict.fromkeys(item)), minutes, seed, Purpose.PRACTICE
            )
        elif adaptive:
            state = rt.exams.start_selected(
                rt.learning.adaptive_selection(count, seed), minutes, seed, Purpose.DRILL
            )
        else:
            where = PracticeFilter(domain=domain, task=task, skill=skill)
            state = rt.exams.start_practice(where, count, minutes, seed, source)
        out.print(f"Practice: {len(state.attempt.form)} questions. Attempt {state.attempt.id}.")
    run_and_report(rt, out, state, review=False)


def check_selection(
    rt: Runtime, domain: int | None, task: str | None, skill: str | None, items: list[str]
) -> None:
    from certprep.errors import CertprepError

    bp = rt.bank.blueprint
    if domain is not None and domain not in {d.id for d in bp.domains}:
        raise CertprepError(
            f"no domain {domain}; domains are {', '.join(str(d.id) for d in bp.domains)}"
        )
    if task is not None and task not in bp.tasks:
        raise CertprepError(f"no task statement {task!r}; see 'certprep bank stats'")
    if skill is not None and skill not in bp.skills:
        raise CertprepError(f"no skill {skill!r}; see 'certprep bank stats'")
    unknown = [i for i in items if i not in rt.bank.items]
    if unknown:
        raise CertprepError(
            f"no question {unknown[0]!r} in the bank; ids look like "
            f"{next(iter(rt.bank.items))} ('certprep mastery' suggests some)"
        )


def open_practice(rt: Runtime) -> str:
    """The newest unfinished practice or adaptive drill (a review resumes with 'review')."""
    from certprep.domain.attempt import Mode, Purpose
    from certprep.errors import CertprepError

    sessions = [
        s for s in rt.exams.open_sessions() if s.purpose in (Purpose.PRACTICE, Purpose.DRILL)
    ]
    if sessions:
        return sessions[0].attempt_id
    if rt.exams.open_attempt(Mode.PRACTICE, Purpose.REVIEW):
        raise CertprepError("your unfinished session is a review: 'certprep review' continues it")
    raise CertprepError("there is no unfinished practice session to resume")


@commands.command()
@user_errors
def history(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List your attempts, newest first."""
    import json

    from certprep.cli import report_render

    rows = runtime(ctx).exams.history()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "mode": r.mode,
                        "kind": r.purpose,
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
        out = console()
        with report_render.paged(out):
            report_render.history(out, rows)


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
    """Reprint the report (and review) of a finished attempt."""
    import json

    from certprep.domain.attempt import Mode
    from certprep.services.exams import score_to_json
    from certprep.services.practice_report import practice_summary

    rt = runtime(ctx)
    full_id = rt.exams.resolve_id(attempt_id)
    if as_json:
        result = rt.exams.report(full_id)
        if result.attempt.mode is Mode.EXAM:
            data = {"id": full_id, "kind": "exam", **score_to_json(result.score)}
        else:  # no scaled score or pass mark for a few practice questions
            summary = practice_summary(result, rt.bank.blueprint)
            data = {
                "id": full_id,
                "kind": (result.attempt.purpose or "practice"),
                "correct": summary.right,
                "total": summary.total,
                "tasks": {t.task: [t.right, t.total] for t in summary.tasks},
            }
        typer.echo(json.dumps(data, indent=2))
        return
    print_report(rt, console(), full_id, review)


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
