"""``certprep bank lint``: every problem of a bank, with file and line.

Errors make the lint fail; warnings are bank-level tendencies worth a look (see
docs/authoring.md for the full list and the thresholds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from certprep.bank.cues import Cue, cue_counts, item_cues
from certprep.bank.item_rules import item_problems
from certprep.bank.loader import (
    RETIRED_DIR,
    BankError,
    Location,
    Problem,
    RawItem,
    bundled_bank_path,
    item_files,
    load_blueprint,
    parse_item,
    read_raw_items,
)
from certprep.domain.blueprint import Blueprint
from certprep.domain.items import Item, ItemStatus, ItemType

#: Stems whose normalised similarity ratio (0-100) reaches this are near-duplicates.
NEAR_DUPLICATE_THRESHOLD = 90.0
#: Single-answer items whose key is the longest option: warn above this share ...
KEY_LONGEST_LIMIT = 0.35
#: ... or below this one (then "never pick the longest" becomes a cue; chance is 25%).
KEY_LONGEST_FLOOR = 0.15
#: Chi-square critical values at the 1% level, by degrees of freedom (key-position spread).
_CHI2_CRITICAL_1PCT = {1: 6.635, 2: 9.210, 3: 11.345, 4: 13.277, 5: 15.086}
#: A spread test needs at least this many items in a group to mean anything.
MIN_ITEMS_FOR_SPREAD = 20


@dataclass
class LintReport:
    errors: list[Problem] = field(default_factory=list)
    #: bank-level tendencies (key positions, the longest option)
    warnings: list[str] = field(default_factory=list)
    #: item-level cues (docs/authoring.md), each with where the item stands
    cues: list[Problem] = field(default_factory=list)
    cue_counts: dict[str, int] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def resolve_target(path: Path | None) -> tuple[list[Path], Blueprint]:
    """The item files to lint and the blueprint they are checked against."""
    if path is None:
        path = bundled_bank_path()
    if not path.exists():
        raise BankError(f"{path}: no such file or directory")
    if path.is_dir() and (path / "blueprint.yaml").is_file():
        return item_files(path), load_blueprint(path)
    files = [path] if path.is_file() else sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    here = path.parent if path.is_file() else path
    for candidate in (here, here.parent):
        if (candidate / "blueprint.yaml").is_file():
            return files, load_blueprint(candidate)
    return files, load_blueprint(bundled_bank_path())


def lint_json(report: LintReport) -> dict[str, object]:
    """The report as plain data (``certprep bank lint --json``)."""

    def place(p: Problem) -> dict[str, object]:
        return {"file": str(p.location.path), "line": p.location.line, "item": p.item_id}

    return {
        "errors": [{**place(p), "message": p.message} for p in report.errors],
        "warnings": report.warnings,
        "cues": [
            {**place(p), "cue": p.message.split(": ", 2)[1], "message": p.message}
            for p in report.cues
        ],
        "cue_counts": report.cue_counts,
        "items": len(report.items),
        "files": len(report.files),
    }


def lint_path(path: Path | None = None, today: date | None = None) -> LintReport:
    files, blueprint = resolve_target(path)
    return lint_files(files, blueprint, today)


def lint_files(files: list[Path], blueprint: Blueprint, today: date | None = None) -> LintReport:
    """Every problem of these files; ``today`` (default: the date now) dates the facts'
    freshness."""
    report = LintReport(files=files)
    first_seen: dict[str, Location] = {}
    parsed: list[tuple[Item, RawItem]] = []
    for path in files:
        raws, problems = read_raw_items(path)
        report.errors += problems
        for raw in raws:
            raw_id = raw.data.get("id")
            if isinstance(raw_id, str):
                if raw_id in first_seen:
                    report.errors.append(
                        Problem(
                            raw.location, f"duplicate id {raw_id} (first at {first_seen[raw_id]})"
                        )
                    )
                else:
                    first_seen[raw_id] = raw.location
            item, problems = parse_item(raw)
            report.errors += problems
            misplaced = path.parent.name == RETIRED_DIR and item is not None
            if misplaced and item is not None and item.status is not ItemStatus.RETIRED:
                report.errors.append(
                    Problem(
                        raw.location,
                        f"item {item.id}: an item under {RETIRED_DIR}/ must have status: retired",
                        item.id,
                    )
                )
            if item is not None:
                report.errors += item_problems(item, raw, blueprint)
                parsed.append((item, raw))
    report.items = [item for item, _ in parsed]
    served = [(i, r) for i, r in parsed if i.status is not ItemStatus.RETIRED]
    report.errors += _near_duplicates(served)
    report.warnings += bank_warnings([i for i, _ in served])
    cues: list[Cue] = []
    for item, raw in served:
        for cue in item_cues(item, today or date.today()):
            cues.append(cue)
            report.cues.append(
                Problem(raw.location, f"item {item.id}: {cue.cue}: {cue.message}", item.id)
            )
    report.cue_counts = cue_counts(cues)
    report.errors.sort(key=lambda p: (str(p.location.path), p.location.line))
    return report


def normalise_stem(stem: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", stem.lower()).split())


def _near_duplicates(parsed: list[tuple[Item, RawItem]]) -> list[Problem]:
    if len(parsed) < 2:
        return []
    from rapidfuzz import fuzz, process

    stems = [normalise_stem(item.stem) for item, _ in parsed]
    out = []
    for j, stem in enumerate(stems[1:], start=1):
        earlier = stems[:j]
        for _, similarity, i in process.extract(
            stem, earlier, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_THRESHOLD, limit=None
        ):
            (a, raw_a), (b, raw_b) = parsed[i], parsed[j]
            out.append(
                Problem(
                    raw_b.location,
                    f"item {b.id}: stem is a near-duplicate of {a.id} at {raw_a.location} "
                    f"(similarity {similarity:.0f} >= {NEAR_DUPLICATE_THRESHOLD:.0f})",
                    b.id,
                )
            )
    return out


def key_positions(items: list[Item]) -> dict[tuple[int, int], list[int]]:
    """Per shape (options, keys): how often each position holds a key."""
    out: dict[tuple[int, int], list[int]] = {}
    for item in items:
        counts = out.setdefault((len(item.options), len(item.keys)), [0] * len(item.options))
        for k in item.keys:
            counts[k] += 1
    return out


def key_is_longest_share(items: list[Item]) -> tuple[int, int]:
    """(single-answer items whose key is strictly the longest option, single-answer items)."""
    singles = [i for i in items if i.type is ItemType.SINGLE and len(i.keys) == 1]
    longest = 0
    for item in singles:
        (key,) = item.keys
        key_len = len(item.options[key].text)
        if all(key_len > len(o.text) for n, o in enumerate(item.options) if n != key):
            longest += 1
    return longest, len(singles)


def bank_warnings(items: list[Item]) -> list[str]:
    warnings = []
    for (n_options, n_keys), counts in sorted(key_positions(items).items()):
        group = sum(1 for i in items if (len(i.options), len(i.keys)) == (n_options, n_keys))
        if group < MIN_ITEMS_FOR_SPREAD or n_options - 1 not in _CHI2_CRITICAL_1PCT:
            continue
        expected = group * n_keys / n_options
        chi2 = sum((c - expected) ** 2 / expected for c in counts)
        if chi2 > _CHI2_CRITICAL_1PCT[n_options - 1]:
            spread = " ".join(f"{chr(65 + p)}:{c}" for p, c in enumerate(counts))
            warnings.append(
                f"key positions are unevenly spread over {group} items with {n_options} options "
                f"and {n_keys} key(s): {spread} (expected {expected:.1f} each)"
            )
    longest, singles = key_is_longest_share(items)
    if singles and longest / singles > KEY_LONGEST_LIMIT:
        warnings.append(
            f"the key is the longest option in {longest} of {singles} single-answer items "
            f"({longest / singles:.0%}; at most {KEY_LONGEST_LIMIT:.0%}, chance is 25%)"
        )
    elif singles >= MIN_ITEMS_FOR_SPREAD and longest / singles < KEY_LONGEST_FLOOR:
        warnings.append(
            f"the key is the longest option in only {longest} of {singles} single-answer items "
            f"({longest / singles:.0%}; at least {KEY_LONGEST_FLOOR:.0%}, chance is 25%): "
            "'never the longest' has become a cue"
        )
    return warnings
