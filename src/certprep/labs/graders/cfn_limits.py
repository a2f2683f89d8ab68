"""What a CloudFormation template may hold for certprep to lint it: checked before cfn-lint
runs, because a lint holds the one shared runner (``cfn_runner``) and its time grows faster
than the template for some shapes.

CloudFormation's own quotas ("Understand CloudFormation quotas", CloudFormation User Guide;
``TemplateBody`` in the API reference of CreateStack/UpdateStack/ValidateTemplate):

- ``MAX_TEMPLATE_BYTES``: a template body passed directly in a request is at most 51,200
  bytes (UTF-8). A larger one must be uploaded to S3 (up to 1 MB); a lab template is always
  small enough to be passed directly, so certprep grades at most that much.
- ``MAX_RESOURCES``: at most 500 resources in one template.

certprep's own limits, which CloudFormation does not document but which keep a lint within
seconds (cfn-lint's time is quadratic or worse in each of them):

- ``MAX_SUB_LENGTH``: a ``Fn::Sub`` string of at most 16,384 characters (the most EC2 user
  data can hold, the longest ``Fn::Sub`` strings in practice).
- ``MAX_SUB_VARIABLES``: at most 100 ``${`` in one ``Fn::Sub`` string, and
  ``MAX_SUB_VARIABLES_TOTAL`` (500) in all of them together, aliases expanded.
- ``MAX_CONDITIONS``: at most 100 conditions.
- ``MAX_VALUES``: at most 25,000 values once YAML aliases are expanded (about the most a
  51,200-byte template can hold written out; CloudFormation itself does not support aliases).

``text_problem`` checks the text before it is decoded, ``template_problem`` the decoded
template (cfn-lint's decoder already refuses deeper nesting and larger alias expansions).
Each returns a sentence saying what is over which limit, or None.
"""

from __future__ import annotations

from typing import Any

MAX_TEMPLATE_BYTES = 51_200
MAX_RESOURCES = 500
MAX_SUB_LENGTH = 16_384
MAX_SUB_VARIABLES = 100
MAX_SUB_VARIABLES_TOTAL = 500
MAX_CONDITIONS = 100
MAX_VALUES = 25_000
_CERTPREP = "a limit of certprep's grader, not of CloudFormation, so that a lint stays quick"


class _OverLimit(Exception):
    pass


def text_problem(text: str) -> str | None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_TEMPLATE_BYTES:
        return None
    return (
        f"it is {size:,} bytes, and CloudFormation accepts a template body of at most "
        f"{MAX_TEMPLATE_BYTES:,} bytes in a request (a larger template must be uploaded to S3; "
        "split it into nested stacks, or shorten it)"
    )


def template_problem(template: dict[str, Any]) -> str | None:
    resources = template.get("Resources")
    if isinstance(resources, dict) and len(resources) > MAX_RESOURCES:
        return (
            f"it declares {len(resources):,} resources, and CloudFormation allows at most "
            f"{MAX_RESOURCES} in one template (split it into nested stacks)"
        )
    conditions = template.get("Conditions")
    if isinstance(conditions, dict) and len(conditions) > MAX_CONDITIONS:
        return (
            f"it declares {len(conditions):,} conditions, and certprep grades templates of at "
            f"most {MAX_CONDITIONS} ({_CERTPREP})"
        )
    try:
        _Walk().size(template)
    except _OverLimit as exc:
        return str(exc)
    return None


class _Walk:
    """Counts values and ``${`` of ``Fn::Sub`` strings with aliases expanded, each decoded node
    once (an alias decodes to the same object as its anchor)."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[int, int]] = {}  # id -> (values, ${ in Fn::Sub strings)
        self.values = 0
        self.variables = 0

    def size(self, node: Any) -> tuple[int, int]:
        if (seen := self.known.get(id(node))) is not None:
            self._add(*seen)
            return seen
        before = (self.values, self.variables)
        self._add(1, 0)
        if isinstance(node, dict):
            if len(node) == 1 and "Fn::Sub" in node:
                self._add(0, _sub_variables(node["Fn::Sub"], node))
            for child in node.values():
                self.size(child)
        elif isinstance(node, list):
            for child in node:
                self.size(child)
        counted = (self.values - before[0], self.variables - before[1])
        self.known[id(node)] = counted
        return counted

    def _add(self, values: int, variables: int) -> None:
        self.values += values
        self.variables += variables
        if self.values > MAX_VALUES:
            raise _OverLimit(
                f"it holds more than {MAX_VALUES:,} values once its YAML aliases (*name) are "
                "expanded (CloudFormation does not support aliases; write the values out)"
            )
        if self.variables > MAX_SUB_VARIABLES_TOTAL:
            raise _OverLimit(
                f"its Fn::Sub strings hold more than {MAX_SUB_VARIABLES_TOTAL} '${{' together "
                f"({_CERTPREP})"
            )


def _sub_variables(argument: Any, function: Any) -> int:
    """The number of ``${`` in the string of a ``Fn::Sub``; raises ``_OverLimit`` for a string
    that is too long or has too many."""
    text = argument[0] if isinstance(argument, list) and argument else argument
    if not isinstance(text, str):
        return 0
    mark = getattr(text, "start_mark", None) or getattr(function, "start_mark", None)
    where = f" (line {mark.line + 1})" if mark is not None else ""
    if len(text) > MAX_SUB_LENGTH:
        raise _OverLimit(
            f"a Fn::Sub string{where} is {len(text):,} characters long, and certprep reads "
            f"Fn::Sub strings of at most {MAX_SUB_LENGTH:,} ({_CERTPREP})"
        )
    count = text.count("${")
    if count > MAX_SUB_VARIABLES:
        raise _OverLimit(
            f"a Fn::Sub string{where} holds {count:,} '${{', and certprep reads at most "
            f"{MAX_SUB_VARIABLES} in one string ({_CERTPREP})"
        )
    return count
