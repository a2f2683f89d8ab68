"""``certprep lab ...``: hands-on labs graded offline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from certprep.cli.app import app, console, runtime, user_errors

if TYPE_CHECKING:
    from certprep.services.labs import LabService

lab_app = typer.Typer(
    help="Hands-on labs: write a real artifact, graded offline.", no_args_is_help=True
)
app.add_typer(lab_app, name="lab")


def _labs(ctx: typer.Context) -> LabService:
    return runtime(ctx).labs()


@lab_app.command("list")
@user_errors
def lab_list(
    ctx: typer.Context,
    domain: Annotated[int | None, typer.Option(help="Only this domain (1-6).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The labs, by domain."""
    labs = _labs(ctx)
    rows = labs.labs(domain)
    if as_json:
        typer.echo(
            json.dumps(
                [{"id": x.id, "title": x.title, "domain": x.domain, "kind": x.kind} for x in rows],
                indent=2,
            )
        )
        return
    done = labs.passed()
    out = console(soft_wrap=True)
    for lab in rows:
        mark = "[green]✔[/]" if lab.id in done else " "
        out.print(
            f" {mark} [bold]{lab.id}[/] (domain {lab.domain}, task {lab.task}, {lab.kind}): {lab.title}"
        )
    if not rows:
        out.print("No labs for that domain yet.")


@lab_app.command("start")
@user_errors
def lab_start(
    ctx: typer.Context, lab_id: Annotated[str, typer.Argument(help="The lab id.")]
) -> None:
    """Create ./certprep-labs/LAB_ID/ with the brief (README.md) and the starter files."""
    ws = _labs(ctx).start(lab_id)
    out = console(soft_wrap=True)
    made = ", ".join(ws.created) or "nothing new (your files are kept)"
    out.print(f"[bold]{ws.lab.title}[/]\nWorkspace: {ws.path} (created: {made})")
    out.print(
        f"Read {ws.path / 'README.md'}, edit {ws.lab.artifact}, then: certprep lab check {ws.lab.id}"
    )


@lab_app.command("check")
@user_errors
def lab_check(
    ctx: typer.Context, lab_id: Annotated[str, typer.Argument(help="The lab id.")]
) -> None:
    """Grade the workspace: each check passed or failed, with why and a documentation link.
    Exits 1 while any check fails."""
    from certprep.labs.catalog import get_lab

    labs = _labs(ctx)
    lab = get_lab(lab_id)
    busy = {
        "boto3-script": "Running your script against the local AWS emulator",
        "cloudformation": "Linting your template with cfn-lint",
    }.get(lab.kind, "Grading")
    with console(stderr=True).status(f"{busy}..."):  # shown on a terminal only
        results = labs.check(lab.id)
    out = console(soft_wrap=True)
    for r in results:
        if r.passed:
            out.print(f"[green]PASS[/] {escape(r.name)}")
        else:
            # details quote the learner's file, which may hold text that looks like markup
            out.print(f"[red]FAIL[/] {escape(r.name)}\n     {escape(r.detail)}\n     See {r.doc}")
    passed = sum(r.passed for r in results)
    out.print(
        f"{passed} of {len(results)} checks pass."
        + (" Lab complete." if passed == len(results) else "")
    )
    if passed < len(results):
        raise typer.Exit(1)


@lab_app.command("hint")
@user_errors
def lab_hint(
    ctx: typer.Context, lab_id: Annotated[str, typer.Argument(help="The lab id.")]
) -> None:
    """The next hint for a lab."""
    n, total, text = _labs(ctx).hint(lab_id)
    console(soft_wrap=True).print(f"Hint {n} of {total}: {text}")
