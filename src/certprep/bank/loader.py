"""Load a bank directory: ``blueprint.yaml`` and ``items/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from certprep.bank.yaml_lines import KEY_LINES, LINE_KEY, YamlError, load_with_lines, strip_lines
from certprep.domain.blueprint import Blueprint
from certprep.domain.form import BankIndex
from certprep.domain.items import Item, ItemStatus
from certprep.errors import CertprepError
from certprep.text import plural

DEFAULT_BANK = "dop-c02"


class BankError(CertprepError):
    """A bank that cannot be used; ``problems`` lists each as ``file:line: message``."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Location:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class RawItem:
    """An item as written, before validation, with where it stands."""

    data: dict[str, Any]
    location: Location

    def line_of(self, *keys: str | int) -> int:
        """The line of a nested field (``"options", 2, "why"``, say), as deep as it exists."""
        node: Any = self.data
        line = self.location.line
        for key in keys:
            if isinstance(node, dict) and key in node.get(KEY_LINES, {}):
                line = node[KEY_LINES][key]
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and LINE_KEY in node:
                line = node[LINE_KEY]
        return line


@dataclass
class Bank:
    blueprint: Blueprint
    items: dict[str, Item]
    locations: dict[str, Location] = field(default_factory=dict)
    root: Path | None = None

    def by_status(self, *statuses: ItemStatus) -> list[Item]:
        return [i for i in self.items.values() if i.status in statuses]

    @cached_property
    def index(self) -> BankIndex:
        """The items grouped for form assembly, built once per bank."""
        return BankIndex.build(self.blueprint, self.items.values())

    @cached_property
    def domain_of(self) -> dict[str, int]:
        """Item id to domain id."""
        return {i.id: self.blueprint.domain_of_task.get(i.task, 0) for i in self.items.values()}


def bundled_bank_path(name: str = DEFAULT_BANK) -> Path:
    return Path(str(resources.files("certprep") / "banks" / name))


#: Where a bank keeps its retired items (beside ``items/``): never served, kept for history.
RETIRED_DIR = "retired"


def item_files(root: Path) -> list[Path]:
    """The item files of a bank directory (``items/``, then ``retired/``), or the one file."""
    if root.is_file():
        return [root]
    files: list[Path] = []
    for folder in (root / "items", root / RETIRED_DIR):
        files += sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return files


def load_blueprint(root: Path) -> Blueprint:
    path = root / "blueprint.yaml"
    if not path.is_file():
        raise BankError(f"{path}: no blueprint.yaml in the bank directory")
    try:
        data = strip_lines(load_with_lines(path))
        return Blueprint.model_validate(data)
    except YamlError as exc:
        raise BankError(str(exc)) from None
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise BankError(f"{path}: invalid blueprint: {details}") from None


def read_raw_items(path: Path) -> tuple[list[RawItem], list[Problem]]:
    """The raw items of one file, and the problems that stop it being read at all."""
    try:
        data = load_with_lines(path)
    except YamlError as exc:
        return [], [Problem(Location(path, exc.line), exc.message)]
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return [], [Problem(Location(path, 1), "expected a mapping with a list under 'items'")]
    extra = sorted(str(k) for k in data if k not in ("items", LINE_KEY, KEY_LINES))
    problems = [Problem(Location(path, 1), f"unknown top-level key {k!r}") for k in extra]
    raws: list[RawItem] = []
    for index, entry in enumerate(data["items"]):
        if not isinstance(entry, dict):
            problems.append(Problem(Location(path, 1), f"item #{index + 1} is not a mapping"))
            continue
        raws.append(RawItem(entry, Location(path, entry.get(LINE_KEY, 1))))
    return raws, problems


def validation_problems(raw: RawItem, exc: ValidationError) -> list[Problem]:
    item_id = raw.data.get("id") if isinstance(raw.data.get("id"), str) else None
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_path = ".".join(str(p) for p in loc) or "item"
        line = raw.line_of(*loc)
        label = f"item {item_id}" if item_id else "item"
        problems.append(
            Problem(
                Location(raw.location.path, line), f"{label}: {field_path}: {err['msg']}", item_id
            )
        )
    return problems


def parse_item(raw: RawItem) -> tuple[Item | None, list[Problem]]:
    try:
        return Item.model_validate(strip_lines(raw.data)), []
    except ValidationError as exc:
        return None, validation_problems(raw, exc)


def load_bank(root: Path | None = None) -> Bank:
    """Load a bank for use; raises BankError if any item fails the schema or the item rules
    (``bank.item_rules``, the same as ``bank lint``'s), or ids repeat. Near-duplicate stems are
    lint's and CI's to find: comparing every pair is too slow for every start."""
    from certprep.bank.item_rules import item_problems

    root = root or bundled_bank_path()
    if not root.is_dir():
        raise BankError(f"{root}: not a bank directory")
    blueprint = load_blueprint(root)
    items: dict[str, Item] = {}
    locations: dict[str, Location] = {}
    problems: list[Problem] = []
    for path in item_files(root):
        raws, file_problems = read_raw_items(path)
        problems += file_problems
        for raw in raws:
            item, parse_problems = parse_item(raw)
            problems += parse_problems
            if item is None:
                continue
            problems += item_problems(item, raw, blueprint)
            if item.id in items:
                problems.append(Problem(raw.location, f"duplicate id {item.id}", item.id))
                continue
            items[item.id] = item
            locations[item.id] = raw.location
    if problems:
        raise BankError(
            f"the bank at {root} has {plural(len(problems), 'problem')}; run 'certprep bank lint'",
            [str(p) for p in problems],
        )
    return Bank(blueprint, items, locations, root)
