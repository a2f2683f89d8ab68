"""The bundled DOP-C02 bank: clean lint, the coverage the bank issue asks for, and stats that
agree with counting the YAML files directly."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml
from typer.testing import CliRunner

from certprep.bank.loader import bundled_bank_path
from certprep.cli.app import app
from certprep.runtime import Runtime

runner = CliRunner()
ITEMS = bundled_bank_path() / "items"


def raw_items() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted(Path(ITEMS).glob("*.yaml")):
        out += yaml.safe_load(path.read_text())["items"]
    return out


def test_the_bundled_bank_lints_clean() -> None:
    result = runner.invoke(app, ["bank", "lint", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == [] and report["warnings"] == []
    assert set(report["cue_counts"].values()) == {0}, report["cue_counts"]  # docs/authoring.md


def test_every_live_item_was_read_blind_and_options_only() -> None:
    for item in raw_items():
        if item["status"] == "live":
            checked = item.get("checked") or {}
            assert {"blind", "options-only"} <= set(checked.get("by", [])), item["id"]  # type: ignore[union-attr]


def test_stats_agree_with_the_files_and_meet_the_coverage_rules() -> None:
    stats = json.loads(runner.invoke(app, ["bank", "stats", "--json"], obj=Runtime()).output)
    items = raw_items()
    live = [i for i in items if i["status"] == "live"]
    assert stats["live"] == len(live) >= 330
    assert stats["tasks"] == {
        **dict.fromkeys(stats["tasks"], 0),
        **Counter(str(i["task"]) for i in live),
    }
    skills = Counter(s for i in live for s in i["skills"])  # type: ignore[attr-defined]
    assert stats["skills"] == {**dict.fromkeys(stats["skills"], 0), **skills}
    assert min(stats["tasks"].values()) >= 16
    assert min(stats["skills"].values()) >= 2
    for d in stats["domains"]:
        assert abs(d["share"] - d["weight"]) <= 3, d
    assert stats["multiple_share"] >= 0.30
    assert stats["by_type"]["multiple-2-of-5"] > 0 and stats["by_type"]["multiple-3-of-6"] > 0
    assert len(stats["by_difficulty"]) >= 3
    professional = stats["by_difficulty"]["3"] + stats["by_difficulty"]["4"]
    assert professional > stats["live"] / 2
    longest = stats["key_longest"]
    assert longest["key_is_longest"] <= 0.35 * longest["single_items"]


def test_every_reference_is_an_english_aws_page() -> None:
    for item in raw_items():
        refs = item["references"]
        assert refs and all(str(r).startswith("https://") for r in refs), item["id"]  # type: ignore[union-attr]
