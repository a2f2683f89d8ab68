"""Reading one YAML document safely: the loading half of ``yamldoc.parse``.

``load(text, on_node)`` reads the text with a ``yaml.SafeLoader`` (YAML 1.1, as
``yaml.safe_load``), hands the composed node tree to ``on_node`` (which may index it or rename
keys) and returns the constructed data, its mapping keys made strings. Whatever the text,
it returns or raises ``SpecError`` with a message that names the problem and, where PyYAML
knows it, the line:

- a syntax error, several documents, an empty file;
- a character YAML forbids (control characters such as ESC, NUL or form feed);
- nesting deeper than ``MAX_DEPTH`` levels of mappings and lists, checked while the text is
  scanned (PyYAML's scanner takes time quadratic in the depth of ``[``/``{`` nesting, and its
  composer recurses once per level), and again once aliases are expanded;
- an alias inside its own anchor (``&a [*a]``), which never ends;
- more than ``MAX_NODES`` values once aliases are expanded (anchors that list each other: a
  "billion laughs" of a few hundred bytes). The size of each node is computed once, memoised,
  before anything expands the aliases, so the check is linear in the file;
- a value PyYAML's converters reject (``!!int x``, ``!!timestamp x``, an integer of more than
  4300 digits);
- JSON indented with tabs, which YAML forbids, has its tabs read as spaces (raw tabs cannot
  occur inside JSON strings).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

MAX_NODES = 100_000
"""The most values a file may hold once its aliases are expanded (an alias repeats the value
of its anchor, so a few lines of anchors that list each other can stand for billions)."""
MAX_DEPTH = 100
"""The deepest nesting of mappings and lists a file may have (spec files nest a few levels)."""
_TOO_DEEP = f"the file is nested too deeply (more than {MAX_DEPTH} levels of mappings and lists)"


class SpecError(ValueError):
    """The file cannot be read as one YAML document; the message says why and where."""


def load(text: str, on_node: Callable[[yaml.Node], None] = lambda node: None) -> Any:
    """The data of the one YAML document in ``text``; see the module docstring."""
    loader: yaml.SafeLoader | None = None
    try:
        if "\t" in text and _is_json(text):
            text = text.replace("\t", " ")  # JSON allows tab indentation, YAML does not
        loader = _Loader(text)  # raises ReaderError for a control character
        node = loader.get_single_node()
        if node is None:
            raise SpecError("the file is empty")
        _check_size(node, {}, set())
        on_node(node)
        return _string_keys(loader.construct_document(node))
    except SpecError:
        raise
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise SpecError(
            f"not valid YAML: the character {exc.character!r} is not allowed in a YAML file "
            f"(line {line}); remove it or write it as an escape inside double quotes"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = ", ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise SpecError(f"not valid YAML: {problem}{where}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - every other PyYAML error is marked
        raise SpecError(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise SpecError(_TOO_DEEP) from None
    finally:
        if loader is not None:
            loader.dispose()


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that stops at ``MAX_DEPTH`` levels of nesting while it scans: PyYAML's
    scanner takes time quadratic in the depth of ``[``/``{`` nesting, and its composer
    recurses once per level."""

    def _deeper(self) -> None:
        if self.flow_level + len(self.indents) >= MAX_DEPTH:
            raise SpecError(f"{_TOO_DEEP} (line {self.get_mark().line + 1})")

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        self._deeper()
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        if self.indent < column:
            self._deeper()
        return bool(super().add_indent(column))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """PyYAML's, with the failures of its converters (``!!int x``, ``!!timestamp x``, an
        integer of more than 4300 digits) made ``ConstructorError`` at the value's line."""
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = node.value if isinstance(node, yaml.ScalarNode) else "this value"
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            problem = f"{shown} cannot be read as {tag}"
            if isinstance(exc, ValueError):  # others say nothing a learner can use
                reason = str(exc).split(";")[0].split(" for integer string")[0]
                problem += f" ({reason[:120]})" if reason else ""
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _check_size(node: yaml.Node, known: dict[int, tuple[int, int]], open_: set[int]) -> int:
    """The number of values under ``node`` with aliases expanded, memoised by node (with the
    depth), so the walk is linear in the file. Raises ``SpecError`` above ``MAX_NODES`` or
    ``MAX_DEPTH`` (anchors nested through aliases), or for an alias inside its own anchor
    (``&a [*a]``), which has no end. Returns the depth below ``node``."""
    if id(node) in known:
        return known[id(node)][1]
    if id(node) in open_:
        line = node.start_mark.line + 1
        raise SpecError(
            f"an alias refers to the value it is part of (the anchor on line {line}), "
            "so the value would never end"
        )
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    open_.add(id(node))
    depth = 1 + max((_check_size(child, known, open_) for child in children), default=0)
    open_.discard(id(node))
    size = 1 + sum(known[id(child)][0] for child in children)
    if depth > MAX_DEPTH:
        raise SpecError(_TOO_DEEP)
    if size > MAX_NODES:
        raise SpecError(
            f"the file stands for more than {MAX_NODES:,} values once its aliases (*name) are "
            "expanded; a spec file needs far fewer, so write the values out or use fewer aliases"
        )
    known[id(node)] = (size, depth)
    return depth


def _string_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value
