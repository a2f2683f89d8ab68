"""YAML spec files (AppSpec, buildspec) read with line numbers, and findings about them.

The shared part of the ``appspec`` and ``buildspec`` graders:

- ``parse(text)`` reads one YAML document with ``yaml.SafeLoader``, as ``yaml.safe_load``
  does (so YAML 1.1 scalars: ``yes``/``no`` are booleans, ``0.2`` is a float), keeps the
  line of every key and list item, and reports keys written twice in one mapping (YAML
  keeps the last one silently). Mapping keys are made strings. JSON is read too: a JSON
  file indented with tabs, which YAML forbids, has its tabs read as spaces (raw tabs cannot
  occur inside JSON strings). A syntax error, several documents or an empty file raise
  ``SpecError`` with the line and column; so does a file that cannot be read safely (a control
  character, an alias bomb, deep nesting: see ``yamlload``).
- A ``Finding`` is one problem: a rule id, a severity, the key path, its line and a message
  that teaches. ``error`` means the service rejects the file or its documentation forbids
  it; ``warning`` means the file is accepted but a documented recommendation is broken or
  a key has no effect.
- ``schema_findings`` turns JSON Schema (Draft 2020-12) errors into findings: an unknown key
  is an ``unknown-key`` warning (with the closest documented key, and the description of
  the mapping it is in or its known keys), a missing one ``missing-key``, a wrong type
  ``wrong-type``, any other ``bad-value``. A schema's ``description`` is appended to the
  message, so the schema carries the teaching text.
- ``select(data, "a.b[0].c")`` finds values by path: dotted keys, ``[n]`` list indexes, ``*``
  any key of a mapping, ``[*]`` any list item. Keys containing dots cannot be addressed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from certprep.labs.graders.yamlload import SpecError, load

__all__ = ["Document", "Finding", "Report", "SpecError", "parse"]

Severity = Literal["error", "warning"]
Key = str | int
Path = tuple[Key, ...]

SHARED_RULES: dict[str, str] = {
    "duplicate-key": "a key written twice in one mapping (YAML keeps only the last)",
    "unknown-key": "a key the reference does not document at that place",
    "missing-key": "a required key is missing",
    "wrong-type": "a value of the wrong type",
    "bad-value": "a value outside what the reference allows",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: Path
    line: int | None
    message: str

    @property
    def where(self) -> str:
        place = format_path(self.path) or "the file"
        return f"{place} (line {self.line})" if self.line else place

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Document:
    data: Any
    lines: Mapping[Path, int]
    duplicates: tuple[Finding, ...] = ()

    def line_of(self, path: Path) -> int | None:
        """The line of the key or item at ``path``, else of its nearest written parent."""
        for end in range(len(path), -1, -1):
            if (line := self.lines.get(path[:end])) is not None:
                return line
        return None


@dataclass(frozen=True)
class Report:
    """What a grader found in one spec file."""

    document: Document
    findings: tuple[Finding, ...] = field(default=())

    @property
    def data(self) -> Any:
        return self.document.data

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        """No errors: the service would accept the file (warnings allowed)."""
        return not self.errors

    def by_rule(self, rule: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)


def parse(text: str, key_map: Callable[[str], str] | None = None) -> Document:
    """Read one YAML document; ``key_map`` renames mapping keys (e.g. to canonical case)."""
    lines: dict[Path, int] = {}
    duplicates: list[Finding] = []

    def index(node: yaml.Node) -> None:
        lines[()] = node.start_mark.line + 1
        _index(node, (), lines, duplicates, key_map, set())

    data = load(text, index)
    return Document(data, lines, tuple(duplicates))


def _index(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    duplicates: list[Finding],
    key_map: Callable[[str], str] | None,
    seen: set[int],
) -> None:
    if id(node) in seen:  # an alias of a node already indexed
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        written: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_map is not None and key_node.tag == "tag:yaml.org,2002:str":
                key_node.value = key_map(key_node.value)
            key = str(key_node.value)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in written and key != "<<":
                duplicates.append(
                    Finding(
                        "duplicate-key",
                        "warning",
                        child,
                        line,
                        f"'{key}' is written twice here; YAML keeps only the last one, so the "
                        "first is silently ignored.",
                    )
                )
            written.add(key)
            lines[child] = line
            _index(value_node, child, lines, duplicates, key_map, seen)
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            lines[(*path, n)] = item.start_mark.line + 1
            _index(item, (*path, n), lines, duplicates, key_map, seen)


def format_path(path: Iterable[Key]) -> str:
    text = ""
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            text += f".{key}" if text else key
    return text


_TOKEN = re.compile(r"\[(\d+|\*)\]|([^.\[\]]+)")


def parse_path(expr: str) -> tuple[Key | None, ...]:
    """``"a.*.b[0][*]"`` -> ``("a", None, "b", 0, -1)``: None is any key, -1 any item."""
    tokens: list[Key | None] = []
    pos = 0
    while pos < len(expr):
        if expr[pos] == "." and tokens:
            pos += 1
        match = _TOKEN.match(expr, pos)
        if match is None:
            raise ValueError(f"bad path {expr!r} at character {pos + 1}")
        index, key = match.groups()
        if index is not None:
            tokens.append(-1 if index == "*" else int(index))
        else:
            tokens.append(None if key == "*" else key)
        pos = match.end()
    if not tokens:
        raise ValueError("empty path")
    return tuple(tokens)


def select(data: Any, expr: str) -> list[tuple[Path, Any]]:
    """Every (path, value) the path expression reaches in ``data``."""
    found: list[tuple[Path, Any]] = [((), data)]
    for token in parse_path(expr):
        step: list[tuple[Path, Any]] = []
        for path, value in found:
            if isinstance(token, str) and isinstance(value, dict):
                if token in value:
                    step.append(((*path, token), value[token]))
            elif token is None and isinstance(value, dict):
                step.extend(((*path, k), v) for k, v in value.items())
            elif isinstance(token, int) and isinstance(value, list):
                if token == -1:
                    step.extend(((*path, n), v) for n, v in enumerate(value))
                elif token < len(value):
                    step.append(((*path, token), value[token]))
        found = step
    return found


def mapping(value: Any) -> dict[str, Any]:
    """The value if it is a mapping, else an empty one (rules run on unvalidated data)."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == word.lower()]
    return f" Did you mean '{close[0]}'?" if close else ""


def compile_schema(schema: dict[str, Any]) -> Any:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_findings(validator: Any, doc: Document, covered: set[Path]) -> Iterator[Finding]:
    """The schema's verdict on ``doc.data`` as findings, skipping paths in (or under)
    ``covered``, where a rule already said something more precise."""
    for error in validator.iter_errors(doc.data):
        yield from _from_error(error, doc, covered)


def _from_error(error: ValidationError, doc: Document, covered: set[Path]) -> Iterator[Finding]:
    path: Path = tuple(error.absolute_path)
    note = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in known or _is_covered((*path, key), covered):
                continue
            place = note or (f"Known keys here: {', '.join(known)}." if known else "")
            yield Finding(
                "unknown-key",
                "warning",
                (*path, key),
                doc.line_of((*path, key)),
                f"'{key}' is not a documented key here, so it has no effect."
                f"{suggest(key, known)} {place}".rstrip(),
            )
        return
    if _is_covered(path, covered):
        return
    if kind == "required":
        for key in error.validator_value:
            if isinstance(error.instance, dict) and key not in error.instance:
                yield Finding(
                    "missing-key",
                    "error",
                    path,
                    doc.line_of(path),
                    _join(f"the required key '{key}' is missing.", note),
                )
        return
    if kind == "type":
        expected = _type_names(error.validator_value)
        message = f"must be {expected}, not {_describe(error.instance)}."
        yield Finding("wrong-type", "error", path, doc.line_of(path), _join(message, note))
        return
    yield Finding("bad-value", "error", path, doc.line_of(path), _join(_problem(error), note))


def _is_covered(path: Path, covered: set[Path]) -> bool:
    return any(path[: len(c)] == c for c in covered)


def _join(message: str, note: str) -> str:
    return f"{message} {note}" if note else message


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _type_names(value: Any) -> str:
    names = [value] if isinstance(value, str) else list(value)
    return " or ".join(_TYPE_NAMES.get(n, n) for n in names)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"{value!r}"


def _problem(error: ValidationError) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "enum":
        return f"must be one of {', '.join(map(str, expected))}, not {_describe(value)}."
    if kind == "const":
        return f"must be {expected}, not {_describe(value)}."
    if kind == "minItems":
        return f"must list at least {expected} item{'s' if expected != 1 else ''}."
    if kind == "maxItems":
        return f"may list at most {expected} items."
    if kind == "minProperties":
        return f"must have at least {expected} key{'s' if expected != 1 else ''}."
    if kind == "maxProperties":
        return f"may have at most {expected} key{'s' if expected != 1 else ''}."
    if kind in ("minimum", "maximum"):
        return f"must be {'at least' if kind == 'minimum' else 'at most'} {expected}."
    if kind == "minLength":
        return "must not be empty."
    if kind == "pattern":
        return f"{_describe(value)} is not an allowed value."
    return f"{_describe(value)} is not an allowed value."
