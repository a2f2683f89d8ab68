"""The linter reports every problem with file:line and fails; it never shows a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from certprep.bank.lint import lint_path
from certprep.cli.app import app

from .conftest import FIXTURE_BANK, FIXTURES

BROKEN = FIXTURES / "broken"
runner = CliRunner()


def test_schema_error_duplicate_id_and_three_key_single_are_all_reported() -> None:
    result = runner.invoke(app, ["bank", "lint", str(BROKEN / "three-problems.yaml")])
    assert result.exit_code == 1
    path = str(BROKEN / "three-problems.yaml")
    lines = result.output.splitlines()
    assert (
        f"{path}:8: error: item bad-0001: difficulty: Input should be less than or equal to 5"
        in lines
    )
    assert any(
        line.startswith(f"{path}:36: error: item bad-0002: a single item needs 4 options and 1 key")
        for line in lines
    )
    assert any(
        line.startswith(f"{path}:51: error: duplicate id bad-0002 (first at {path}:27)")
        for line in lines
    )
    assert "3 errors" in result.output


def test_malformed_yaml_gives_the_line_not_a_traceback() -> None:
    result = runner.invoke(app, ["bank", "lint", str(BROKEN / "malformed.yaml")])
    assert result.exit_code == 1
    assert f"{BROKEN / 'malformed.yaml'}:6: error: invalid YAML" in result.output
    assert "Traceback" not in result.output


def test_a_missing_path_is_a_clear_error() -> None:
    result = runner.invoke(app, ["bank", "lint", "/no/such/bank"])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_the_fixture_bank_is_clean() -> None:
    result = runner.invoke(app, ["bank", "lint", str(FIXTURE_BANK)])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def _copy_item(tmp_path: Path, **changes: object) -> Path:
    """A one-item file made from the fixture bank's first single-answer item, changed."""
    data = yaml.safe_load((FIXTURE_BANK / "items" / "1.1-synthetic.yaml").read_text())
    item = next(i for i in data["items"] if i["type"] == "single")
    item.update(changes)
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"items": [item]}, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"task": "9.9"}, "unknown task '9.9'"),
        ({"skills": ["2.1.1"]}, "skill 2.1.1 belongs to task 2.1, not 1.1"),
        ({"skills": ["1.1.99"]}, "unknown skill '1.1.99'"),
        ({"references": []}, "needs at least one reference URL"),
        ({"references": ["https://example.com/page"]}, "needs at least one reference URL"),
        ({"stem": "Which two? (Choose two.)"}, "must not say '(Choose ...)'"),
        (
            {"type": "multiple"},
            "a multiple item needs 5 options and 2 keys or 6 options and 3 keys",
        ),
        ({"unknown_field": 1}, "unknown_field: Extra inputs are not permitted"),
    ],
)
def test_item_rules(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    report = lint_path(_copy_item(tmp_path, **changes))
    assert any(message in p.message for p in report.errors), [str(p) for p in report.errors]


def test_option_without_rationale(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_BANK / "items" / "1.1-synthetic.yaml").read_text())
    item = next(i for i in data["items"] if i["type"] == "single")
    del item["options"][2]["why"]
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"items": [item]}, sort_keys=False))
    report = lint_path(path)
    assert [p.message.split(": ", 1)[1] for p in report.errors] == ["options.2.why: Field required"]


def test_multiple_response_stem_must_say_how_many(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_BANK / "items" / "1.1-synthetic.yaml").read_text())
    item = next(i for i in data["items"] if i["type"] == "multiple")
    keys = sum(o["correct"] for o in item["options"])
    wrong = "three" if keys == 2 else "two"
    item["stem"] = item["stem"].split("(Choose")[0] + f"(Choose {wrong}.)"
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"items": [item]}, sort_keys=False))
    assert any("the stem must say" in p.message for p in lint_path(path).errors)


def test_near_duplicate_stems_are_reported(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_BANK / "items" / "1.1-synthetic.yaml").read_text())
    a, b = (dict(i) for i in data["items"][:2])
    b["stem"] = a["stem"].replace("Which option is right?", "Which option is correct?")
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump({"items": [a, b]}, sort_keys=False))
    errors = [p.message for p in lint_path(path).errors]
    assert any("near-duplicate of " + a["id"] in e for e in errors), errors


def test_bank_level_warnings_for_key_position_and_length(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_BANK / "items" / "1.1-synthetic.yaml").read_text())
    template = next(i for i in data["items"] if i["type"] == "single")
    items = []
    for n in range(24):
        item = dict(
            template, id=f"w-{n:04d}", stem=f"{template['stem']} variant {n} " + "x" * n * 7
        )
        options = [dict(o, correct=False) for o in template["options"]]
        options[0] = dict(options[0], correct=True, text="A much longer key option than the rest")
        item["options"] = options
        items.append(item)
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank, ignore=shutil.ignore_patterns("items"))
    (bank / "items").mkdir()
    (bank / "items" / "w.yaml").write_text(yaml.safe_dump({"items": items}, sort_keys=False))
    result = runner.invoke(app, ["bank", "lint", str(bank)])
    assert (
        "warning: key positions are unevenly spread over 24 items with 4 options" in result.output
    )
    assert "warning: the key is the longest option in 24 of 24 single-answer items" in result.output


def test_retired_items_live_beside_the_items_and_only_retired(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    (bank / "retired").mkdir()
    data = yaml.safe_load((bank / "items" / "1.1-synthetic.yaml").read_text())
    old = dict(data["items"][0], id="syn-1.1-9001", status="retired")
    (bank / "retired" / "1.1-synthetic.yaml").write_text(yaml.safe_dump({"items": [old]}))
    from certprep.bank.loader import load_bank

    loaded = load_bank(bank)
    assert loaded.items["syn-1.1-9001"].status.value == "retired"
    assert "syn-1.1-9001" not in {i.id for i in loaded.by_status(*_served())}
    old["status"] = "live"
    (bank / "retired" / "1.1-synthetic.yaml").write_text(yaml.safe_dump({"items": [old]}))
    errors = [p.message for p in lint_path(bank).errors]
    assert any("under retired/ must have status: retired" in e for e in errors), errors


def _served() -> tuple[object, ...]:
    from certprep.domain.items import ItemStatus

    return (ItemStatus.LIVE, ItemStatus.PRETEST)
