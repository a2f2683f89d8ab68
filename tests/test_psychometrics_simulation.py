"""The whole chain against known truth, small enough to run in about a second, and the
``certprep simulate`` command.

At 2,000 examinees x 200 items with 75 responses each, every item has about 750 responses,
where 2PL's standard errors are about 0.11 (a) and 0.10 (b): the recovery thresholds below
are set for that size (the README's figures are for 5,000 x 300, where the targets are
RMSE a <= 0.09 and b <= 0.10). Classification does not depend much on the calibration
sample's size (65-item forms assembled at the cut), so its targets are the full ones; ECE
has more binomial noise with 2,000 examinees (about 0.01), hence <= 0.02.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.domain.blueprint import Blueprint
from certprep.psychometrics.assembly import FormSpec
from certprep.psychometrics.scaling import ScoreScale
from certprep.psychometrics.simulation import SimulationConfig, SimulationReport, simulate

runner = CliRunner()


@pytest.fixture(scope="module")
def report(blueprint: Blueprint) -> SimulationReport:
    config = SimulationConfig(
        FormSpec.from_blueprint(blueprint),
        ScoreScale.from_exam(blueprint.exam),
        examinees=2000,
        bank_size=200,
        seed=0,
    )
    return simulate(config)


def test_recovery_of_items_and_abilities(report: SimulationReport) -> None:
    assert report.converged
    assert report.rmse_a <= 0.14 and report.rmse_b <= 0.13
    assert report.rmse_theta <= 0.26 and report.corr_theta >= 0.96
    assert report.cut_theta_estimated == pytest.approx(0.5, abs=0.1)


def test_classification_and_the_calibration_of_p_pass(report: SimulationReport) -> None:
    assert report.accuracy >= 0.93
    assert report.consistency >= 0.89
    assert report.rudner_accuracy == pytest.approx(report.accuracy, abs=0.015)
    assert report.rudner_consistency == pytest.approx(report.consistency, abs=0.02)
    assert report.ece <= 0.02
    assert report.reliability.count.sum() == 2000 * report.config.real_exams
    assert report.max_exposure < 1.0 and report.form_overlap < 0.8


def test_bad_configurations_are_refused(blueprint: Blueprint) -> None:
    spec, scale = FormSpec.from_blueprint(blueprint), ScoreScale.from_exam(blueprint.exam)
    with pytest.raises(ValueError, match="at least 130"):
        SimulationConfig(spec, scale, bank_size=100)
    with pytest.raises(ValueError, match="responses per examinee"):
        SimulationConfig(spec, scale, responses=400)


def test_certprep_simulate_json_prints_the_figures(tmp_path: Path) -> None:
    plot = tmp_path / "reliability.png"
    result = runner.invoke(
        app,
        [
            *("simulate", "--examinees", "1000", "--bank-size", "150", "--seed", "3"),
            *("--json", "--plot", str(plot)),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"rmse_a", "rmse_b", "rmse_theta", "accuracy", "consistency", "ece"} <= set(data)
    assert data["examinees"] == 1000 and data["bank_size"] == 150 and data["seed"] == 3
    assert 0.9 < data["accuracy"] <= 1 and 0 <= data["ece"] < 0.05
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_certprep_simulate_prints_a_table_and_refuses_bad_input() -> None:
    result = runner.invoke(app, ["simulate", "--examinees", "1000", "--bank-size", "150"])
    assert result.exit_code == 0, result.output
    assert "classification accuracy" in result.stdout and "ECE of P(pass)" in result.stdout
    bad = runner.invoke(app, ["simulate", "--bank-size", "100"])
    assert bad.exit_code == 2 and "at least 130" in bad.output
    assert "Traceback" not in bad.output
