"""Rich tables for ``certprep bank stats``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from certprep.domain.blueprint import Blueprint


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def shorten(text: str, width: int) -> str:
    """``text`` cut at a word boundary to ``width`` characters, with an ellipsis if cut."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def stats_tables(console: Console, blueprint: Blueprint, stats: dict[str, Any]) -> None:
    console.print(
        f"[bold]{stats['exam']}[/]: {stats['items']} items, {stats['live']} live. "
        f"By status: {_counts(stats['by_status'])}. Live by type: {_counts(stats['by_type'])} "
        f"(multiple response {stats['multiple_share']:.0%}). Live by difficulty (1-5): "
        f"{_counts(stats['by_difficulty'])}."
    )
    domains = Table(title="Domains (live items)")
    for col in ("Domain", "Weight", "Live", "Share", "Scored per form"):
        domains.add_column(col)
    for d in stats["domains"]:
        share_style = "red" if abs(d["share"] - d["weight"]) > 3 else ""
        domains.add_row(
            f"{d['domain']}. {d['name']}",
            f"{d['weight']:g}%",
            str(d["live"]),
            f"[{share_style}]{d['share']:.1f}%[/]" if share_style else f"{d['share']:.1f}%",
            str(d["scored_per_form"]),
        )
    console.print(domains)
    tasks = Table(title="Task statements and skills (live items naming each)")
    tasks.add_column("Task")
    tasks.add_column("Items", justify="right")
    tasks.add_column("Skills")
    for task_id, task in blueprint.tasks.items():
        skills = "  ".join(f"{s.id}:{stats['skills'][s.id]}" for s in task.skills)
        tasks.add_row(f"{task_id} {shorten(task.title, 48)}", str(stats["tasks"][task_id]), skills)
    console.print(tasks)
    k = stats["key_longest"]
    positions = "; ".join(
        f"{shape.replace('-options-', ' options, ').replace('-keys', ' key(s)')}: "
        + " ".join(f"{chr(65 + n)} {c}" for n, c in enumerate(counts))
        for shape, counts in stats["key_positions"].items()
    )
    console.print(f"Key positions: {positions}.")
    if k["single_items"]:
        console.print(
            f"Key is the longest option in {k['key_is_longest']} of {k['single_items']} single-answer items "
            f"({k['key_is_longest'] / k['single_items']:.0%})."
        )
    f = stats["freshness"]
    console.print(
        "Facts last checked (served items, by month): "
        + ", ".join(f"{month}: {n}" for month, n in f["last_checked"].items())
        + "; by check: "
        + ", ".join(f"{check} {n}" for check, n in f["by_check"].items())
    )
