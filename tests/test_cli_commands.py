"""The smaller commands, their errors, and their documentation."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.runtime import Runtime

runner = CliRunner()
README = Path(__file__).parent.parent / "README.md"


def test_form_json_has_75_distinct_items_with_the_blueprint_counts(runtime: Runtime) -> None:
    result = runner.invoke(app, ["form", "--seed", "7", "--json"], obj=runtime)
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)["items"]
    assert len(items) == 75 and len({i["id"] for i in items}) == 75
    scored = [i for i in items if i["scored"]]
    assert len(scored) == 65
    assert Counter(i["domain"] for i in scored) == {1: 14, 2: 11, 3: 10, 4: 10, 5: 9, 6: 11}
    assert {"id", "domain", "task", "scored"} <= set(items[0])


def test_bank_stats_json_counts_what_the_files_hold(runtime: Runtime) -> None:
    result = runner.invoke(app, ["bank", "stats", "--json"], obj=runtime)
    stats = json.loads(result.output)
    assert stats["live"] == 114 and stats["by_status"] == {"live": 114, "pretest": 19}
    assert sum(stats["tasks"].values()) == 114 and len(stats["skills"]) == 81
    assert [d["scored_per_form"] for d in stats["domains"]] == [14, 11, 10, 10, 9, 11]


def test_bank_schema_is_a_json_schema_of_an_item_file() -> None:
    result = runner.invoke(app, ["bank", "schema"])
    schema = json.loads(result.output)
    item = schema["$defs"]["Item"]
    assert {"id", "type", "task", "skills", "difficulty", "status", "stem", "options"} <= set(
        item["properties"]
    )
    assert "items" in schema["properties"]


def test_an_unknown_attempt_is_a_clear_error(runtime: Runtime) -> None:
    result = runner.invoke(app, ["report", "nope"], obj=runtime)
    assert result.exit_code == 2
    assert "no attempt 'nope'" in result.output and "Traceback" not in result.output


def test_a_report_of_an_unfinished_attempt_says_so(runtime: Runtime) -> None:
    attempt_id = runtime.exams.start_exam(seed=1).attempt.id
    result = runner.invoke(app, ["report", attempt_id], obj=runtime)
    assert result.exit_code == 2 and "still in progress" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["practice", "--domain", "9"], "no domain 9"),
        (["practice", "--task", "7.7"], "no task statement '7.7'"),
        (["practice", "--skill", "1.1.42"], "no skill '1.1.42'"),
        (["practice", "--resume"], "no unfinished practice session"),
    ],
)
def test_bad_practice_input(runtime: Runtime, args: list[str], message: str) -> None:
    result = runner.invoke(app, args, obj=runtime)
    assert result.exit_code == 2 and message in result.output


def test_a_bank_that_cannot_fill_a_form_names_what_is_short(
    tmp_path: Path, runtime: Runtime
) -> None:
    from .conftest import FIXTURE_BANK

    bank = tmp_path / "bank"
    (bank / "items").mkdir(parents=True)
    (bank / "blueprint.yaml").write_text((FIXTURE_BANK / "blueprint.yaml").read_text())
    for f in (FIXTURE_BANK / "items").glob("[!3]*.yaml"):
        (bank / "items" / f.name).write_text(f.read_text())
    rt = Runtime(bank_path=bank, database_url=runtime.database_url, clock=runtime.clock)
    result = runner.invoke(app, ["exam"], obj=rt)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "domain 3 (Resilient Cloud Solutions) needs 10 live items, the bank has 0" in message


def _commands() -> list[str]:
    names = []
    for command in app.registered_commands:
        names.append(command.name or command.callback.__name__)  # type: ignore[union-attr]
    for group in app.registered_groups:
        for command in group.typer_instance.registered_commands:  # type: ignore[union-attr]
            name = command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
            prefix = group.name if isinstance(group.name, str) else ""  # merged: top level
            names.append(f"{prefix} {name}".strip())
    return names


def test_every_command_is_documented_in_the_readme_and_has_help() -> None:
    readme = README.read_text()
    for name in _commands():
        assert f"`certprep {name}" in readme, f"certprep {name} is not in the README"
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_every_option_is_documented_in_the_readme() -> None:
    readme = README.read_text()
    for name in _commands():
        help_text = runner.invoke(app, [*name.split(), "--help"], terminal_width=200).output
        for option in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {
            "--help",
            "--no-review",
            "--review",
        }:
            assert option in readme, f"{option} of certprep {name} is not in the README"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["review"], "Nothing to review yet"),
        (["plan", "--exam-date", "2026-02-01"], "27 days to 2026-02-01"),
        (["plan"], "Not ready yet: not enough evidence: 0 scored responses, fewer than 30"),
        (["mastery"], "No answers yet"),
        (["exam-log"], "No real exam logged"),
    ],
)
def test_learning_commands_say_something_sensible_with_no_history(
    runtime: Runtime, args: list[str], says: str
) -> None:
    result = runner.invoke(app, args, obj=runtime)
    assert result.exit_code == 0, result.output
    assert says in " ".join(result.output.split())


def test_adaptive_practice_on_a_fresh_install(runtime: Runtime) -> None:
    result = runner.invoke(
        app, ["practice", "--adaptive", "--count", "2"], input="q\n", obj=runtime
    )
    assert result.exit_code == 0 and "Practice: 2 questions" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--exam-date", "tomorrow"], "must be YYYY-MM-DD"),
        (["plan", "--exam-date", "2025-01-01"], "must be after today"),
        (["plan", "--exam-date", "2099-01-01"], "more than a year away"),
        (["plan", "--done", "12"], "no step 12"),
        (
            ["exam-log", "--add", "2026-01-01", "--failed", "--score", "2000"],
            "between 100 and 1000",
        ),
    ],
)
def test_bad_learning_input(runtime: Runtime, args: list[str], message: str) -> None:
    result = runner.invoke(app, args, obj=runtime)
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert "Understand the exam objectives" not in result.output  # refused before the checklist


def test_the_plan_counts_the_reviews_that_review_serves(runtime: Runtime) -> None:
    from datetime import timedelta

    from certprep.storage.tables import ReviewCardRow

    live = [i for i in runtime.bank.items.values() if i.status.value == "live"][:3]
    past = runtime.clock.now() - timedelta(days=2)
    with runtime.sessions.begin() as session:  # three due cards, and cards of items now gone
        for n, item_id in enumerate([i.id for i in live] + [f"gone-{k}" for k in range(60)]):
            session.add(
                ReviewCardRow(
                    learner="local",
                    item_id=item_id,
                    card={},
                    due=past,
                    updated_at=past - timedelta(minutes=n),
                )
            )
    plan = runner.invoke(app, ["plan", "--exam-date", "2026-02-01"], obj=runtime).output
    today = re.search(r"Mon 2026-01-05: ([^;\n]*)", plan)
    assert today is not None and today.group(1) == "3 reviews", plan
    review = runner.invoke(app, ["review"], input="q\n", obj=runtime).output
    assert "Review: 3 of 3 due items" in review
