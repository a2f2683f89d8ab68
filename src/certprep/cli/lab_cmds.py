"""``certprep lab ...``: hands-on labs graded offline."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from certprep.cli.common import console, runtime, user_errors

if TYPE_CHECKING:
    from certprep.services.labs import LabService

lab_app = typer.Typer(
    help="Hands-on labs: write a real artifact, graded offline.", no_args_is_help=True
)


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
    statuses = labs.statuses()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": x.id,
                        "title": x.title,
                        "domain": x.domain,
                        "kind": x.kind,
                        "status": statuses[x.id],
                    }
                    for x in rows
                ],
                indent=2,
            )
        )
        return
    from rich.table import Table

    statuses = labs.statuses()
    if not rows:
        console().print("No labs for that domain yet.")
        return
    table = Table(title="Labs (certprep lab start LAB_ID)")
    table.add_column("Lab", no_wrap=True)  # ids are whole, to be copied
    table.add_column("Task", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Title", ratio=1)
    styles = {"passed": "green", "failing": "red", "started": "yellow", "not started": "dim"}
    for lab in rows:
        status = statuses[lab.id]
        table.add_row(lab.id, lab.task, f"[{styles[status]}]{status}[/]", lab.title)
    console().print(table)


def _labs_dir() -> str:
    return os.environ.get("CERTPREP_LABS_DIR") or "./certprep-labs"


LabArg = Annotated[
    str, typer.Argument(metavar="LAB_ID", help="The lab id (see 'certprep lab list').")
]
HereLabArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[LAB_ID]",
        help="The lab id; may be left out inside the lab's own folder.",
        show_default=False,
    ),
]


def _lab_id(ctx: typer.Context, lab_id: str | None) -> str:
    if lab_id:
        return lab_id
    found = _labs(ctx).lab_here(Path.cwd())
    if found is None:
        from certprep.errors import CertprepError

        raise CertprepError("which lab? give its id, or run this inside the lab's folder")
    return found


@lab_app.command(
    "start",
    help=f"Create {_labs_dir()}/LAB_ID/ with the brief (README.md) and the starter files "
    "(CERTPREP_LABS_DIR sets the folder).",
)
@user_errors
def lab_start(ctx: typer.Context, lab_id: LabArg) -> None:
    ws = _labs(ctx).start(lab_id)
    out = console(soft_wrap=True)
    made = ", ".join(ws.created) or "nothing new (your files are kept)"
    out.print(f"[bold]{ws.lab.title}[/]\nWorkspace: {ws.path} (created: {made})")
    out.print(
        f"Read {ws.path / 'README.md'}, edit {ws.lab.artifact}, then: certprep lab check {ws.lab.id}"
    )


@lab_app.command("check")
@user_errors
def lab_check(ctx: typer.Context, lab_id: HereLabArg = None) -> None:
    """Grade the workspace: each check passed or failed, with why and a documentation link.
    Exits 1 while any check fails. Inside the lab's folder the id may be left out."""
    from certprep.labs.catalog import get_lab
    from certprep.labs.model import CheckResult

    labs = _labs(ctx)
    lab = get_lab(_lab_id(ctx, lab_id))
    busy = {
        "boto3-script": "Running your script against the local AWS emulator",
        "cloudformation": "Linting your template with cfn-lint",
    }.get(lab.kind, "Grading")
    with console(stderr=True).status(f"{busy}..."):  # shown on a terminal only
        results = labs.check(lab.id, Path.cwd())
    out = console(soft_wrap=True)
    shared = CheckResult.shared_failure(results)
    if shared is not None:  # the artifact could not be read: the reason once, not per check
        out.print(f"[red]Not graded:[/] {escape(shared)}")
    for r in results:
        if r.passed:
            out.print(f"[green]PASS[/] {escape(r.name)}")
        elif shared is not None:
            out.print(f"[red]FAIL[/] {escape(r.name)}")
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
def lab_hint(ctx: typer.Context, lab_id: HereLabArg = None) -> None:
    """The next hint for a lab (inside the lab's folder the id may be left out)."""
    n, total, text, new = _labs(ctx).hint(_lab_id(ctx, lab_id), Path.cwd())
    out = console(soft_wrap=True)
    if not new:
        out.print(f"No more hints: you have seen all {total}. The last one again:")
    out.print(f"Hint {n} of {total}: {text}")
