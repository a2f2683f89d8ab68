"""``certprep bank lint``, ``stats`` and ``schema``: check and describe the item bank."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from certprep.cli.common import console, runtime, user_errors
from certprep.text import plural

bank_app = typer.Typer(help="Check and describe the item bank.", no_args_is_help=True)


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
        f"{plural(len(result.errors), 'error')}, "
        f"{plural(len(result.warnings) + len(result.cues), 'warning')} "
        f"in {plural(len(result.items), 'item')} from {plural(len(result.files), 'file')}."
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
