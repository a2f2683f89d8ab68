"""Reading a decoded CloudFormation template (the dicts and lists cfn-lint's decoder returns,
whose keys remember their line in the source).

Semantics, from the CloudFormation template anatomy, intrinsic function and ``Parameters``
pages of the CloudFormation user guide:

- A value is a literal, or an intrinsic function: a one-key mapping whose key is ``Ref`` or
  ``Fn::...`` (YAML short forms such as ``!Ref`` decode to the same mapping).
- ``possible_values`` lists the values a stack can resolve a template value to, or None when
  certprep cannot know them: a literal is itself; ``Fn::If`` is either branch; ``Ref`` to a
  parameter is any of its ``AllowedValues``, else its ``Default`` (the value a stack gets when
  nobody overrides it); ``Ref: AWS::NoValue`` removes the property (``MISSING``). Any other
  function (``Fn::GetAtt``, ``Fn::ImportValue``, ...) is only known when the stack runs.
- ``references`` lists the logical ids a value refers to: ``Ref``, ``Fn::GetAtt`` (list or
  ``Name.Attribute`` form) and ``${Name}``/``${Name.Attribute}`` in ``Fn::Sub`` strings
  (``${!Literal}`` is not a reference, nor a variable the ``Fn::Sub`` declares itself).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any, Final


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""A property that is not set (absent, or removed by ``Ref: AWS::NoValue``)."""

Path = Sequence[str | int]
_SUB_VARIABLE = re.compile(r"\$\{([^}!$][^}$]*)\}")  # no '$' inside: linear on "${${${..."


def resources(template: Any, types: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """The resources of the template by logical id, optionally only those of some types."""
    section = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(section, dict):
        return {}
    return {
        str(name): body
        for name, body in section.items()
        if isinstance(body, dict)
        and (types is None or (isinstance(body.get("Type"), str) and body["Type"] in types))
    }


def parameters(template: Any) -> dict[str, dict[str, Any]]:
    section = template.get("Parameters") if isinstance(template, dict) else None
    if not isinstance(section, dict):
        return {}
    return {str(name): body for name, body in section.items() if isinstance(body, dict)}


def get(node: Any, path: Path) -> Any:
    """The value at ``path`` (keys and list indexes), or MISSING."""
    for step in path:
        in_mapping = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_mapping or in_list):
            return MISSING
        node = node[step]
    return node


def line_of(template: Any, path: Path) -> int | None:
    """The 1-based source line of the deepest part of ``path`` the template has."""
    line = None
    node = template
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            line = next((_line(k) for k in node if k == step and _line(k)), line)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            line = _line(node) or line
        else:
            break
    return line


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else None


def function(value: Any) -> tuple[str, Any] | None:
    """(name, argument) when the value is an intrinsic function, else None."""
    if isinstance(value, dict) and len(value) == 1:
        name, argument = next(iter(value.items()))
        if name == "Ref" or (isinstance(name, str) and name.startswith("Fn::")):
            return str(name), argument
    return None


def possible_values(value: Any, template: Any) -> list[Any] | None:
    """The values a stack can resolve ``value`` to (see the module docstring), or None."""
    fn = function(value)
    if fn is None:
        return [value]
    name, argument = fn
    if name == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
        when_true = possible_values(argument[1], template)
        when_false = possible_values(argument[2], template)
        return None if when_true is None or when_false is None else when_true + when_false
    if name == "Ref" and isinstance(argument, str):
        if argument == "AWS::NoValue":
            return [MISSING]
        parameter = parameters(template).get(argument)
        if parameter is not None:
            allowed = parameter.get("AllowedValues")
            if isinstance(allowed, list) and allowed:
                return list(allowed)
            if "Default" in parameter:
                return [parameter["Default"]]
    return None


def references(value: Any) -> set[str]:
    """The logical ids (resources, parameters, pseudo parameters) the value refers to."""
    return set(_references(value))


def _references(value: Any) -> Iterator[str]:
    fn = function(value)
    if fn is not None:
        name, argument = fn
        if name == "Ref" and isinstance(argument, str):
            yield argument
            return
        if name == "Fn::GetAtt":
            if isinstance(argument, list) and argument and isinstance(argument[0], str):
                yield argument[0]
            elif isinstance(argument, str):
                yield argument.split(".", 1)[0]
            return
        if name == "Fn::Sub":
            yield from _sub_references(argument)
            return
    if isinstance(value, dict):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _sub_references(argument: Any) -> Iterator[str]:
    text, variables = argument, {}
    if isinstance(argument, list) and argument:
        text = argument[0]
        variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
        for item in variables.values():
            yield from _references(item)
    if isinstance(text, str):
        for match in _SUB_VARIABLE.finditer(text):
            name = match.group(1).split(".", 1)[0].strip()
            if name not in variables:
                yield name


def render(value: Any) -> str | None:
    """A name built from literals, ``Fn::Sub``, ``Fn::Join`` and ``Ref``, written the way
    ``Fn::Sub`` writes it (``Ref: AWS::StackName`` renders as ``${AWS::StackName}``); None
    when the name depends on anything else."""
    if isinstance(value, str):
        return value
    fn = function(value)
    if fn is None:
        return None
    name, argument = fn
    if name == "Ref" and isinstance(argument, str):
        return "${" + argument + "}"
    if name == "Fn::Sub":
        text = argument[0] if isinstance(argument, list) and argument else argument
        return text if isinstance(text, str) else None
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        delimiter, items = argument
        if isinstance(delimiter, str) and isinstance(items, list):
            parts = [render(item) for item in items]
            if all(part is not None for part in parts):
                return delimiter.join(part for part in parts if part is not None)
    return None


def describe(value: Any) -> str:
    """A short, YAML-like rendering of a template value for feedback."""
    text = _describe(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _describe(value: Any) -> str:
    if value is MISSING:
        return "not set"
    fn = function(value)
    if fn is not None:
        name, argument = fn
        short = "!" + name.removeprefix("Fn::")
        return f"{short} {argument if isinstance(argument, str) else _describe(argument)}"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, default=str)


def same(expected: Any, actual: Any) -> bool:
    """Does a template value equal the expected one, the way CloudFormation reads it: a boolean
    property also accepts the strings "true"/"false", a number also accepts a numeric string."""
    if isinstance(expected, bool):
        if isinstance(actual, str):
            return actual.lower() == str(expected).lower()
        return actual is expected
    if isinstance(expected, int | float):
        number = as_number(actual)
        return number is not None and number == expected
    return bool(expected == actual)


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
