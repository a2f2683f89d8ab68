"""Assertions about a decoded CloudFormation template, each returning the problems it finds
(empty: the assertion holds), every problem naming the resource or output and its line.

- ``Requirement``: a value at a dotted ``path`` must satisfy every assertion given. With a
  ``resource_type`` the path starts at each resource of that type (``Properties.MultiAZ``,
  ``DeletionPolicy``, ``UpdatePolicy.AutoScalingRollingUpdate.MaxBatchSize``) and the template
  must have at least one such resource; without, it starts at the template root
  (``Parameters.Environment.AllowedValues``). A ``*`` step means every item of a list (or
  every value of a mapping); over an absent or empty list it asserts nothing. A value is judged by every value a stack can resolve it to (see
  ``cfn_template.possible_values``): ``!If [IsProd, true, false]`` is not "equals true".
  Assertions: ``present`` (set or not), ``equals`` (CloudFormation's reading: "true" is true,
  "2" is 2), ``one_of``, ``at_least``/``at_most`` (numbers), ``contains`` (a list, or a
  comma-separated string like HealthCheckType "ELB,EBS", holds each item), ``min_items`` (a
  list written in the template has that many items), ``refers_to`` (the value refers, with
  ``Ref``/``Fn::GetAtt``/``Fn::Sub``, to a resource of that type, or to a template parameter
  when the type is ``Parameter``).
- ``check_output``: an output exists, its ``Export.Name`` renders (``cfn_template.render``)
  to the expected name, and its value refers to a resource of the expected type.
- ``check_resource_counts``: the template declares at least so many resources of each type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from certprep.labs.graders.cfn_template import (
    MISSING,
    as_number,
    describe,
    function,
    get,
    line_of,
    parameters,
    possible_values,
    references,
    render,
    resources,
    same,
)

PARAMETER = "Parameter"
_UNSET: Any = object()


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Requirement:
    path: str
    resource_type: str | None = None
    present: bool | None = None
    equals: Any = _UNSET
    one_of: tuple[Any, ...] | None = None
    at_least: float | None = None
    at_most: float | None = None
    contains: tuple[str, ...] | None = None
    min_items: int | None = None
    refers_to: str | None = None


def check_requirement(template: Any, req: Requirement) -> list[Problem]:
    if req.resource_type is None:
        return list(_check_at(template, template, [], "", req))
    targets = resources(template, [req.resource_type])
    if not targets:
        return [Problem(f"the template declares no {req.resource_type}")]
    problems: list[Problem] = []
    for name, resource in targets.items():
        problems.extend(_check_at(template, resource, ["Resources", name], name, req))
    return problems


def _check_at(
    template: Any, start: Any, base: list[str | int], owner: str, req: Requirement
) -> Iterator[Problem]:
    for path, value in _expand(start, req.path.split("."), []):
        where = ".".join(map(str, path))
        line = line_of(template, base + path)
        for message in _assert(template, value, req):
            yield Problem(f"{owner + ': ' if owner else ''}{where} {message}", line)


def _expand(
    node: Any, steps: list[str], done: list[str | int]
) -> Iterator[tuple[list[str | int], Any]]:
    if not steps:
        yield done, node
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        items: Sequence[tuple[str | int, Any]] = ()
        if isinstance(node, list):
            items = list(enumerate(node))
        elif isinstance(node, dict):
            items = [(str(k), v) for k, v in node.items()]
        for index, item in items:
            yield from _expand(item, rest, [*done, index])
        return
    key: str | int = int(step) if step.isdigit() and isinstance(node, list) else step
    yield from _expand(get(node, [key]), rest, [*done, key])


def _assert(template: Any, value: Any, req: Requirement) -> Iterator[str]:
    if req.present is not None and (value is not MISSING) != req.present:
        yield "is not set" if req.present else f"is {describe(value)}; it must not be set"
    if req.refers_to is not None:
        targets = _targets(template, req.refers_to)
        if not references(value) & targets:
            what = "a parameter" if req.refers_to == PARAMETER else f"an {req.refers_to}"
            yield f"is {describe(value)}; it must refer to {what} of this template"
    checks_values = any(
        x is not None for x in (req.one_of, req.at_least, req.at_most, req.contains, req.min_items)
    )
    if req.equals is _UNSET and not checks_values:
        return
    values = possible_values(value, template)
    if values is None:
        yield f"is {describe(value)}, which only the running stack knows; write the value here"
        return
    for v in values:
        problem = _value_problem(v, req)
        if problem:
            if len(values) == 1:
                yield f"is {describe(value)}; {problem}"
            else:
                yield f"can be {describe(v)} ({describe(value)}); {problem}"
            return


def _value_problem(value: Any, req: Requirement) -> str | None:
    if value is MISSING:
        return _expectation(req)
    if req.equals is not _UNSET and not same(req.equals, value):
        return f"expected {describe(req.equals)}"
    if req.one_of is not None and not any(same(x, value) for x in req.one_of):
        return f"expected one of {describe(list(req.one_of))}"
    number = as_number(value)
    if req.at_least is not None and (number is None or number < req.at_least):
        return f"expected at least {req.at_least:g}"
    if req.at_most is not None and (number is None or number > req.at_most):
        return f"expected at most {req.at_most:g}"
    if req.contains is not None:
        items = _items(value)
        missing = [x for x in req.contains if x not in items]
        if missing:
            return f"it must include {', '.join(missing)}"
    if req.min_items is not None:
        if not isinstance(value, list):
            return f"expected a list of at least {req.min_items} items written in the template"
        if len(value) < req.min_items:
            return f"expected at least {req.min_items} items"
    return None


def _expectation(req: Requirement) -> str:
    if req.equals is not _UNSET:
        return f"expected {describe(req.equals)}"
    if req.one_of is not None:
        return f"expected one of {describe(list(req.one_of))}"
    if req.contains is not None:
        return f"expected a value that includes {', '.join(req.contains)}"
    if req.min_items is not None:
        return f"expected a list of at least {req.min_items} items"
    bounds = [f"at least {req.at_least:g}"] if req.at_least is not None else []
    bounds += [f"at most {req.at_most:g}"] if req.at_most is not None else []
    return "expected " + " and ".join(bounds) if bounds else "it must be set"


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if function(item) is None]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return []


def _targets(template: Any, kind: str) -> set[str]:
    if kind == PARAMETER:
        return set(parameters(template))
    return set(resources(template, [kind]))


def check_output(
    template: Any, name: str, export: str | None = None, refers_to: str | None = None
) -> list[Problem]:
    outputs = template.get("Outputs") if isinstance(template, dict) else None
    output = outputs.get(name) if isinstance(outputs, dict) else None
    if not isinstance(output, dict):
        return [Problem(f"the template has no output named {name}", line_of(template, ["Outputs"]))]
    problems = []
    if export is not None:
        exported = get(output, ["Export", "Name"])
        line = line_of(template, ["Outputs", name, "Export", "Name"])
        if exported is MISSING:
            problems.append(
                Problem(f"output {name} has no Export.Name, so no stack can import it", line)
            )
        elif render(exported) != export:
            problems.append(
                Problem(
                    f"output {name} exports as {describe(exported)}; expected !Sub {export}", line
                )
            )
    if refers_to is not None:
        value = output.get("Value", MISSING)
        if not references(value) & _targets(template, refers_to):
            problems.append(
                Problem(
                    f"output {name} has Value {describe(value)}; it must refer to the {refers_to}",
                    line_of(template, ["Outputs", name, "Value"]),
                )
            )
    return problems


def check_resource_counts(template: Any, minimum: Mapping[str, int]) -> list[Problem]:
    problems = []
    for kind, count in minimum.items():
        found = len(resources(template, [kind]))
        if found < count:
            problems.append(
                Problem(f"the template declares {found} {kind}; at least {count} needed")
            )
    return problems
