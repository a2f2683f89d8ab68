"""``certprep simulate``: the psychometric chain checked against known truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from certprep.cli.common import USER_ERROR, console, user_errors


def _fail(message: str) -> typer.Exit:
    console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(USER_ERROR)


commands = typer.Typer()


@commands.command()
@user_errors
def simulate(
    examinees: Annotated[
        int, typer.Option("--examinees", help="Simulated examinees (calibration sample).")
    ] = 5000,
    bank_size: Annotated[
        int, typer.Option("--bank-size", help="Items in the simulated bank.")
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same figures).")] = 0,
    responses: Annotated[
        int, typer.Option("--responses", help="Responses per examinee in the calibration sample.")
    ] = 75,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the reliability plot of P(pass) as PNG.")
    ] = None,
) -> None:
    """Check the psychometrics on simulated examinees whose true abilities are known.

    Runs certprep's calibration, standard setting, form assembly, scoring and P(pass) on them:
    recovery (RMSE), classification accuracy and consistency, and calibration of P(pass) (ECE)."""
    import os
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from certprep.bank.loader import bundled_bank_path, load_blueprint
    from certprep.psychometrics.assembly import FormSpec
    from certprep.psychometrics.png import reliability_plot, write_png
    from certprep.psychometrics.scaling import ScoreScale
    from certprep.psychometrics.simulation import SimulationConfig
    from certprep.psychometrics.simulation import simulate as run

    if plot is not None and not plot.parent.is_dir():
        raise _fail(f"cannot write the plot: {plot.parent} is not a directory")
    bank = os.environ.get("CERTPREP_BANK")
    blueprint = load_blueprint(Path(bank) if bank else bundled_bank_path())
    try:
        config = SimulationConfig(
            FormSpec.from_blueprint(blueprint),
            ScoreScale.from_exam(blueprint.exam),
            examinees=examinees,
            bank_size=bank_size,
            responses=responses,
            seed=seed,
        )
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if examinees * bank_size > 50_000_000:
        raise _fail("examinees x bank size is too large for this machine (at most 50 million)")
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("simulating", total=None)
        report = run(config, lambda step: progress.update(task, description=step))
    seconds = time.perf_counter() - started
    if plot is not None:
        title = f"ECE {report.ece:.4f}  N {examinees}"
        write_png(plot, reliability_plot(report.reliability, title))
    data = report.to_dict() | {"seconds": round(seconds, 2)}
    if as_json:
        typer.echo(json.dumps(data))
        return
    _table(data, plot)


def _table(data: dict[str, object], plot: Path | None) -> None:
    from rich.table import Table

    rows = [
        ("RMSE a (linked to the true scale)", "rmse_a", "<= 0.09"),
        ("RMSE b", "rmse_b", "<= 0.10"),
        ("mean SE of a / b", None, ""),
        ("RMSE theta (calibration EAP)", "rmse_theta", ""),
        ("correlation theta", "corr_theta", ""),
        ("EM cycles (converged)", None, ""),
        ("cut theta: true / estimated scale", None, ""),
        ("share truly above the cut", "pass_rate", ""),
        ("classification accuracy (one form)", "accuracy", ">= 0.93"),
        ("classification consistency (two forms)", "consistency", ">= 0.89"),
        ("Rudner accuracy / consistency (one form)", None, ""),
        ("ECE of P(pass)", "ece", "<= 0.01"),
        ("SEM at the form (scaled points)", "mean_sem", ""),
        ("form overlap / highest exposure", None, ""),
    ]
    combined = {
        "mean SE of a / b": f"{data['mean_se_a']} / {data['mean_se_b']}",
        "EM cycles (converged)": f"{data['iterations']} ({data['converged']})",
        "cut theta: true / estimated scale": f"{data['cut_theta_true']} / {data['cut_theta_estimated']}",
        "Rudner accuracy / consistency (one form)": f"{data['rudner_accuracy']} / {data['rudner_consistency']}",
        "form overlap / highest exposure": f"{data['form_overlap']} / {data['max_exposure']}",
    }
    table = Table(
        title=f"{data['examinees']} examinees x {data['bank_size']} items, "
        f"{data['responses']} responses each, seed {data['seed']} ({data['seconds']} s)"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target (5,000 x 300)")
    for label, key, target in rows:
        value = combined[label] if key is None else str(data[key])
        table.add_row(label, value, target)
    out = console()
    out.print(table)
    if plot is not None:
        out.print(f"Reliability plot: {plot}")
