"""The ``certprep`` command. Heavy imports wait inside the commands that need them, so that
``certprep --help`` starts fast."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from certprep.cli import help_style
from certprep.domain.practice_source import PracticeSource

if TYPE_CHECKING:
    from rich.console import Console

    from certprep.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

help_style.apply()
app = typer.Typer(
    name="certprep",
    help="Practice and readiness for the AWS Certified DevOps Engineer - Professional exam "
    "(DOP-C02).\n\n"
    "Start here: [bold]certprep start[/] opens the web app in your browser; in the terminal, "
    "[bold]certprep practice[/] drills questions with feedback and [bold]certprep exam[/] "
    "sits a full 75-question mock. [bold]certprep plan[/] says what to do next.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bank_app = typer.Typer(help="Check and describe the item bank.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

#: Exit code for a user error (bad input, unknown attempt, unusable bank or database).
USER_ERROR = 2


def runtime(ctx: typer.Context) -> Runtime:
    from certprep.runtime import Runtime

    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = Runtime.from_environment()
    return root.obj


def console(stderr: bool = False, soft_wrap: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


def user_errors(func: F) -> F:
    """Turn a CertprepError into its message on stderr and exit code 2: never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from certprep.errors import CertprepError

        try:
            return func(*args, **kwargs)
        except CertprepError as exc:
            err = console(stderr=True)
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            for problem in getattr(exc, "problems", [])[:20]:
                err.print(f"  {problem}", markup=False)
            raise typer.Exit(USER_ERROR) from None

    return wrapper  # type: ignore[return-value]


def _read(prompt: str) -> str:
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


@app.command()
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
    _run_and_report(rt, out, state, review)


def _run_and_report(rt: Runtime, out: Console, state: Any, review: bool) -> None:
    from certprep.cli import render
    from certprep.cli.session_ui import SessionUI
    from certprep.domain.attempt import Mode

    if state.is_open:
        state = SessionUI(rt.exams, out, _read).run(state)
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


@app.command()
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
    _run_and_report(rt, out, state, review=False)


@app.command()
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


@app.command()
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


@app.command()
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


@app.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Single-user mode only: listen beyond this machine anyway (anyone who can "
            "reach the address uses your data; see the README's security section).",
        ),
    ] = False,
) -> None:
    """Start the web app (exam, practice, score reports, progress) and print its address."""
    import os

    import uvicorn

    from certprep.errors import CertprepError
    from certprep.runtime import Runtime
    from certprep.web.hosts import is_loopback_host
    from certprep.web.settings import WebSettings, allowed_hosts_from_environment

    settings = WebSettings.from_environment()
    if not is_loopback_host(host) and not settings.multi_user and not allow_remote:
        raise CertprepError(
            f"refusing to listen on {host}: without accounts (single-user mode) anyone who can "
            "reach that address would use your learner data and could run lab scripts on this "
            "machine. For a shared server set CERTPREP_MULTI_USER=1; to accept the risk, pass "
            "--allow-remote."
        )
    if not is_loopback_host(host) and host not in ("0.0.0.0", "::"):
        # the address it listens on is a name browsers will use: answer to it
        names = dict.fromkeys((*allowed_hosts_from_environment(), host))
        os.environ["CERTPREP_ALLOWED_HOSTS"] = ",".join(names)
    Runtime.from_environment().sessions  # migrate once, before the workers start  # noqa: B018
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console(soft_wrap=True).print(
        f"certprep is running: open [bold]http://{shown}:{port}/[/] in your browser (Ctrl-C stops it)."
    )
    if host in ("0.0.0.0", "::") and not allowed_hosts_from_environment():
        console(soft_wrap=True).print(
            "Other machines reach it by this machine's name or address: list those in "
            "CERTPREP_ALLOWED_HOSTS (comma-separated), or requests that use them get 400."
        )
    uvicorn.run(
        "certprep.web.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command()
@user_errors
def start() -> None:
    """What 'make run' starts: the web app on 127.0.0.1:8000."""
    serve()


@bank_app.command("lint")
@user_errors
def bank_lint(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH", help="A bank directory or item file (default: the bundled bank)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: errors, warnings, cues per item, counts.")
    ] = False,
) -> None:
    """Report every problem in the bank (CERTPREP_BANK, or the bundled one) with file:line, and
    the cues that give keys away as warnings; exit 1 if there is an error."""
    from certprep.bank.lint import lint_json, lint_path

    rt = runtime(ctx)
    result = lint_path(path or rt.bank_path, rt.clock.now().date())
    if as_json:
        import json

        typer.echo(json.dumps(lint_json(result), indent=1))
        raise typer.Exit(1 if result.errors else 0)
    out = console(soft_wrap=True)  # one problem per line, whatever the terminal width
    for problem in result.errors:
        out.print(
            f"{problem.location}: [red]error[/]: {problem.message}", markup=True, highlight=False
        )
    for cue in result.cues:
        out.print(
            f"{cue.location}: [yellow]warning[/]: {cue.message}", markup=True, highlight=False
        )
    for warning in result.warnings:
        out.print(f"[yellow]warning[/]: {warning}")
    if result.cues:
        counts = ", ".join(f"{n} {c}" for c, n in result.cue_counts.items() if n)
        out.print(f"Cues (docs/authoring.md): {counts}.")
    out.print(
        f"{len(result.errors)} error(s), {len(result.warnings) + len(result.cues)} warning(s) "
        f"in {len(result.items)} item(s) from {len(result.files)} file(s)."
    )
    if result.errors:
        raise typer.Exit(1)


@bank_app.command("stats")
@user_errors
def bank_stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts per domain, task, skill, type, status and difficulty, against the blueprint."""
    import json

    from certprep.bank.stats import bank_stats as compute

    bank = runtime(ctx).bank
    stats = compute(bank.blueprint, bank.items.values())
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    from certprep.cli.bank_render import stats_tables

    stats_tables(console(), bank.blueprint, stats)


@bank_app.command("schema")
def bank_schema() -> None:
    """Print the JSON Schema of an item file (for editors that validate as you type)."""
    import json

    from certprep.domain.items import ItemFile

    typer.echo(json.dumps(ItemFile.model_json_schema(), indent=2))


from certprep.cli import (  # noqa: E402, F401  (register their commands)
    account_cmds,
    item_cmds,
    lab_cmds,
    learning_cmds,
    psychometrics_cmds,
)


def main() -> None:
    """Entry point: user errors are handled per command; anything else is a bug, said briefly
    (set CERTPREP_DEBUG=1 for the traceback)."""
    import os

    try:
        app()
    except Exception as exc:
        if os.environ.get("CERTPREP_DEBUG"):
            raise
        sys.stderr.write(
            f"certprep: internal error: {type(exc).__name__}: {exc}\n"
            "Nothing you saved is lost. Set CERTPREP_DEBUG=1 to see the traceback, and report it.\n"
        )
        sys.exit(70)
