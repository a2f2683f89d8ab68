"""Calibration from learners' first responses, a stable scale across runs, parameters that
travel between installations, pretest promotion, item analysis and learners' reports: all
through the real services, on learners simulated with known parameters."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.clock import FixedClock
from certprep.domain.items import ItemStatus
from certprep.errors import CertprepError
from certprep.runtime import Runtime
from certprep.services import promotion
from certprep.services.calibration import CalibrationService
from certprep.services.item_parameters import load_table
from certprep.services.parameter_exchange import export_parameters, import_parameters
from certprep.services.responses import FirstResponse, select_first

from .conftest import FIXTURE_BANK
from .simulated_learners import simulate, true_b

runner = CliRunner()
MISKEYED = "syn-2.1-0003"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    bank = tmp_path_factory.mktemp("bank") / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    folder = tmp_path_factory.mktemp("db")
    rt = Runtime(bank_path=bank, database_url=f"sqlite:///{folder / 'c.db'}", clock=FixedClock())
    simulate(rt, 200, 30, strong_pick={MISKEYED: 2})
    return rt


def test_calibration_recovers_the_items_and_keeps_its_scale(simulated: Runtime) -> None:
    rt = simulated
    service = CalibrationService(rt.sessions, rt.bank, rt.clock)
    first = service.calibrate()
    assert first.converged and first.responses == 6000 and first.examinees == 200
    table = load_table(rt.sessions, rt.bank)
    ids = sorted(i for i in table.calibrated if i != MISKEYED)
    b = np.array([table.calibrated[i].b for i in ids])
    assert np.corrcoef(b, [true_b(i) for i in ids])[0, 1] > 0.6
    assert all(table.calibrated[i].se_b is not None for i in ids)
    assert {table.calibrated[i].run_id for i in ids} == {first.run_id}
    second = service.calibrate()  # the same data again: the scale must not move
    assert (second.slope, second.intercept) == pytest.approx((1.0, 0.0))
    again = load_table(rt.sessions, rt.bank)
    assert max(abs(again.calibrated[i].b - table.calibrated[i].b) for i in ids) < 1e-9
    assert again.cut_theta == pytest.approx(table.cut_theta)


def test_item_analysis_flags_the_item_strong_learners_reject(
    simulated: Runtime, tmp_path: Path
) -> None:
    CalibrationService(simulated.sessions, simulated.bank, simulated.clock).calibrate()
    csv = tmp_path / "items.csv"
    result = runner.invoke(
        app,
        ["items", "analyze", "--csv", str(csv), "--limit", "5"],
        obj=simulated,
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("item,task,status,parameters,n,p,pb")
    assert lines[1].startswith(MISKEYED + ",") and "mis-keyed" in lines[1]
    assert MISKEYED in result.output.splitlines()[4]


def test_parameters_travel_to_another_installation(simulated: Runtime, tmp_path: Path) -> None:
    CalibrationService(simulated.sessions, simulated.bank, simulated.clock).calibrate()
    path = tmp_path / "params.json"
    n = export_parameters(simulated.sessions, simulated.bank, simulated.clock, path)
    document = json.loads(path.read_text())
    assert document["format"] == "certprep-item-parameters/1" and len(document["items"]) == n
    alone = Runtime(
        bank_path=simulated.bank_path,
        database_url=f"sqlite:///{tmp_path / 'alone.db'}",
        clock=FixedClock(),
    )
    result = import_parameters(alone.sessions, alone.bank, alone.clock, path)
    assert result.stored == n and result.skipped == 0 and result.same_bank
    theirs, mine = (
        load_table(simulated.sessions, simulated.bank),
        load_table(alone.sessions, alone.bank),
    )
    assert mine.by_item == theirs.by_item and mine.cut_theta == pytest.approx(theirs.cut_theta)
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(CertprepError, match="not a certprep item-parameters file"):
        import_parameters(alone.sessions, alone.bank, alone.clock, tmp_path / "bad.json")


def test_pretest_items_are_calibrated_on_the_live_scale_and_promoted(
    simulated: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = simulated
    pretest = sorted(i.id for i in rt.bank.by_status(ItemStatus.PRETEST))
    simulate(rt, 60, 10, seed=7, items=pretest)
    service = CalibrationService(rt.sessions, rt.bank, rt.clock)
    service.calibrate()
    live_before = load_table(rt.sessions, rt.bank)
    run = service.calibrate_pretest()
    after = load_table(rt.sessions, rt.bank)
    assert run.kind == "pretest" and set(after.calibrated) >= set(pretest)
    live = [i.id for i in rt.bank.by_status(ItemStatus.LIVE) if i.id in live_before.calibrated]
    assert all(after.calibrated[i] == live_before.calibrated[i] for i in live)  # held fixed
    monkeypatch.setattr(promotion, "MIN_PROMOTION", 5)
    listed = runner.invoke(app, ["bank", "promote"], obj=rt)
    assert "ready" in listed.output
    ready = next(c.item_id for c in promotion.candidates(rt.sessions, rt.bank) if c.ready)
    done = runner.invoke(app, ["bank", "promote", ready], obj=rt)
    assert done.exit_code == 0 and f"{ready} is live now" in done.output
    files = (Path(str(rt.bank_path)) / "items").glob("*.yaml")
    statuses = {i["id"]: i["status"] for f in files for i in yaml.safe_load(f.read_text())["items"]}
    assert statuses[ready] == "live"
    refused = runner.invoke(app, ["bank", "promote", "syn-1.1-0001"], obj=rt)
    assert refused.exit_code == 2 and "not ready" in refused.output


def test_only_first_responses_before_the_key_count() -> None:
    t0 = FixedClock().now()

    def r(item: str, minutes: int, mode: str, chosen: tuple[int, ...] = (0,)) -> FirstResponse:
        return FirstResponse("ann", item, frozenset(chosen), t0 + timedelta(minutes=minutes), mode)

    chosen = select_first(
        [
            r("x", 1, "practice", (1,)),  # first: counts
            r("x", 5, "practice", (0,)),  # after its key was shown
            r("y", 10, "practice"),  # an exam ended at minute 8 had shown y's key
            r("z", 3, "exam"),  # answered in an exam, before its end
        ],
        {("ann", "y"): t0 + timedelta(minutes=8), ("ann", "z"): t0 + timedelta(minutes=9)},
    )
    assert [(c.item_id, c.chosen) for c in chosen] == [("x", frozenset({1})), ("z", frozenset({0}))]


def test_learners_report_problems_after_answering(simulated: Runtime) -> None:
    rt = simulated
    before = runner.invoke(app, ["report-item", "syn-1.1-0001", "--reason", "wrong-key"], obj=rt)
    assert before.exit_code == 2 and "answer the question first" in before.output
    state = rt.exams.start_selected(["syn-1.1-0001"], seed=1)
    rt.exams.answer(state.attempt.id, 0, [0])
    filed = runner.invoke(
        app,
        ["report-item", "syn-1.1-0001", "--reason", "outdated", "--comment", "Renamed in 2025"],
        obj=rt,
    )
    assert filed.exit_code == 0, filed.output
    report_id = filed.output.split("report ")[1].split()[0]
    listed = runner.invoke(app, ["items", "reports"], obj=rt).output
    assert report_id in listed and "Renamed in 2025" in listed
    done = runner.invoke(
        app, ["items", "resolve", report_id, "--accept", "--note", "fixed in v2"], obj=rt
    )
    assert done.exit_code == 0 and "accepted" in done.output
    bad = runner.invoke(app, ["report-item", "syn-1.1-0001", "--reason", "nonsense"], obj=rt)
    assert bad.exit_code == 2 and "reason is one of" in bad.output
