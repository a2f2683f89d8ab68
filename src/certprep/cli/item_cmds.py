"""Commands for authors and instructors: calibrate items, promote pretest items, move
parameters between installations, analyse items, and handle learners' reports; and the
learner's ``report-item``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from certprep.cli.bank_cmds import bank_app
from certprep.cli.common import console, runtime, user_errors

commands = typer.Typer()

items_app = typer.Typer(
    help="Item statistics and learners' reports, for authors.", no_args_is_help=True
)
parameters_app = typer.Typer(
    help="Move calibrated item parameters between installations.", no_args_is_help=True
)
bank_app.add_typer(parameters_app, name="parameters")


@commands.command()
@user_errors
def calibrate(
    ctx: typer.Context,
    model: Annotated[
        str, typer.Option(help="2PL, or 3PL (with a prior on guessing).", case_sensitive=False)
    ] = "2PL",
    pretest: Annotated[
        bool,
        typer.Option("--pretest", help="Calibrate pretest items on the live scale instead."),
    ] = False,
) -> None:
    """Fit item parameters to every learner's first responses, and store them.

    Marginal maximum likelihood, linked to the items' previous scale; each parameter is stored
    with its standard error."""
    from certprep.errors import CertprepError
    from certprep.services.calibration import CalibrationService

    chosen = model.upper()
    if chosen not in ("2PL", "3PL"):
        raise CertprepError("--model is 2PL or 3PL")
    rt = runtime(ctx)
    service = CalibrationService(rt.sessions, rt.bank, rt.clock)
    with console(stderr=True).status("Calibrating items from learners' first responses..."):
        run = (
            service.calibrate_pretest()
            if pretest
            else service.calibrate("3PL" if chosen == "3PL" else "2PL")
        )
    out = console(soft_wrap=True)
    out.print(
        f"Run {run.run_id} ({run.kind}, {run.model}): {run.items} items from {run.responses} "
        f"first responses of {run.examinees} learners; "
        + (
            f"converged in {run.iterations} cycles."
            if run.converged
            else "[red]did not converge[/]."
        )
    )
    out.print(
        f"Linked to the previous scale on {run.anchors} items: theta' = "
        f"{run.slope:.3f} x theta + {run.intercept:.3f}."
    )
    if run.misfitting:
        out.print(f"[yellow]2PL misfits[/] {len(run.misfitting)}: {', '.join(run.misfitting)}")


@bank_app.command("promote")
@user_errors
def bank_promote(
    ctx: typer.Context,
    item_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ITEM_ID]...", help="Promote these (ready) items to live."),
    ] = None,
) -> None:
    """List the pretest items and whether each is ready to go live (enough responses, and it
    fits); with item ids, promote those in their item files."""
    from certprep.errors import CertprepError
    from certprep.services.promotion import candidates, promote

    rt = runtime(ctx)
    found = {c.item_id: c for c in candidates(rt.sessions, rt.bank)}
    out = console(soft_wrap=True)
    if not item_ids:
        if not found:
            out.print("The bank has no pretest items.")
        for c in found.values():
            mark = "[green]ready[/]" if c.ready else c.why
            out.print(f" {c.item_id}: {c.responses} responses; {mark}")
        return
    for item_id in item_ids:
        candidate = found.get(item_id)
        if candidate is None or not candidate.ready:
            why = candidate.why if candidate else "not a pretest item"
            raise CertprepError(f"{item_id} is not ready: {why}")
    for item_id in item_ids:
        out.print(f"{item_id} is live now ({promote(rt.bank, item_id)}).")


@parameters_app.command("export")
@user_errors
def parameters_export(
    ctx: typer.Context, path: Annotated[Path, typer.Argument(metavar="FILE")]
) -> None:
    """Write the calibrated parameters to a JSON file (format in docs/psychometrics.md)."""
    from certprep.services.parameter_exchange import export_parameters

    rt = runtime(ctx)
    n = export_parameters(rt.sessions, rt.bank, rt.clock, path)
    console().print(f"{n} items' parameters written to {path}.")


@parameters_app.command("import")
@user_errors
def parameters_import(
    ctx: typer.Context, path: Annotated[Path, typer.Argument(metavar="FILE")]
) -> None:
    """Use parameters exported by another installation (a class's server, say)."""
    from certprep.services.parameter_exchange import import_parameters

    rt = runtime(ctx)
    result = import_parameters(rt.sessions, rt.bank, rt.clock, path)
    out = console(soft_wrap=True)
    out.print(f"{result.stored} items' parameters imported; {result.skipped} not in this bank.")
    if not result.same_bank:
        out.print(
            "[yellow]The file comes from another version of the bank[/]: items kept their ids."
        )


@items_app.command("analyze")
@user_errors
def items_analyze(
    ctx: typer.Context,
    csv: Annotated[
        Path | None, typer.Option(help="Also write every item to this CSV file.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many items to show.")] = 20,
) -> None:
    """Item statistics, worst first: share right, discrimination, IRT parameters, flags
    (mis-keyed, negative or near-zero discrimination, misfit, too hard, too easy), reports."""
    from rich.table import Table

    from certprep.services.item_analysis import analyze, write_csv

    rt = runtime(ctx)
    rows = analyze(rt.sessions, rt.bank, rt.parameters.table())
    table = Table(title=f"Items, worst first ({len(rows)} answered)")
    for col in ("Item", "n", "p", "pb", "b (se)", "Flags", "Reports"):
        table.add_column(col, no_wrap=col == "Item")
    for r in rows[:limit]:
        s = r.stats
        b = f"{s.b:.2f} ({s.se_b:.2f})" if s.se_b == s.se_b else f"{s.b:.2f} (prior)"
        table.add_row(
            r.item_id,
            str(s.n),
            f"{s.p:.2f}",
            f"{s.pb:.2f}",
            b,
            ", ".join(s.flags) or "-",
            f"{r.open_reports} open" if r.open_reports else str(r.reports),
        )
    console().print(table)
    if csv is not None:
        write_csv(rows, csv)
        console().print(f"All {len(rows)} items written to {csv}.")


@items_app.command("reports")
@user_errors
def items_reports(
    ctx: typer.Context,
    state: Annotated[
        str, typer.Option(help="open, accepted, rejected or all.", case_sensitive=False)
    ] = "open",
    item: Annotated[str | None, typer.Option(help="Only this item.")] = None,
) -> None:
    """Learners' reports of problems with questions."""
    from certprep.services.item_reports import ItemReports

    rt = runtime(ctx)
    found = ItemReports(rt.sessions, rt.bank, rt.clock).all(
        None if state.lower() == "all" else state.lower(), item
    )
    out = console(soft_wrap=True)
    if not found:
        out.print(f"No {state} reports.")
    for r in found:
        out.print(
            f"[bold]{r.id}[/] {r.item_id} ({r.reason}, {r.state}, {r.created_at:%Y-%m-%d}): "
            f"{escape(r.comment) or '-'}" + (f" — note: {escape(r.note)}" if r.note else "")
        )


@items_app.command("resolve")
@user_errors
def items_resolve(
    ctx: typer.Context,
    report_id: Annotated[str, typer.Argument(metavar="REPORT_ID")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="Accept or reject it.")],
    note: Annotated[str, typer.Option(help="Why; the reporter and other authors see it.")] = "",
) -> None:
    """Accept or reject a learner's report, with a note."""
    from certprep.services.item_reports import ItemReports

    rt = runtime(ctx)
    r = ItemReports(rt.sessions, rt.bank, rt.clock).resolve(report_id, accept, note)
    console().print(f"Report {r.id} on {r.item_id} is {r.state}.")


@commands.command("report-item")
@user_errors
def report_item(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ITEM_ID", help="The question's id.")],
    reason: Annotated[str, typer.Option(help="wrong-key, outdated, ambiguous, typo or other.")],
    comment: Annotated[str, typer.Option(help="What is wrong, in your words.")] = "",
) -> None:
    """Report a problem with a question you have answered; its authors review it."""
    from certprep.services.item_reports import ItemReports

    rt = runtime(ctx)
    r = ItemReports(rt.sessions, rt.bank, rt.clock).file(rt.learner, item_id, reason, comment)
    console().print(f"Thank you: report {r.id} on {r.item_id} is filed for the authors.")
