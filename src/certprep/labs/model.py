"""A lab as data: one YAML file per lab under ``labs/catalog/``.

The learner gets the brief (README.md) and the starter files in a workspace, edits the
artifact, and ``certprep lab check`` grades it check by check. ``solution`` and ``wrong`` are
the model solution (graded as passing) and a plausible wrong one (graded as failing): the tests
run both for every lab.

A check has the fields every kind shares (name, why, doc) and the fields of its lab's kind
(for an event-pattern lab, the events that must and must not match); the kind's module in
``labs/kinds/`` declares those fields as ``CheckSpec``. They are validated when a lab is looked
up by id (``catalog.get_lab``), not when the catalog is listed: that would import every kind's
engine (cfn-lint alone takes most of a second).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal[
    "event-pattern", "filter-pattern", "iam-policy", "cloudformation", "deploy-spec", "boto3-script"
]


class Check(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    why: str = Field(description="What a failure teaches: the fact the check is about")
    doc: str = Field(pattern=r"^https://docs\.aws\.amazon\.com/")

    @property
    def fields(self) -> dict[str, Any]:
        """The kind-specific fields, as written in the catalog."""
        return dict(self.model_extra or {})


class Lab(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    title: str
    domain: int = Field(ge=1, le=6)
    task: str
    kind: Kind
    artifact: str = Field(description="The file the learner writes, in the workspace")
    brief: str
    starter: str
    hints: tuple[str, ...] = Field(min_length=1)
    checks: tuple[Check, ...] = Field(min_length=3)
    solution: str
    wrong: str

    def validate_checks(self) -> None:
        """Raise ValidationError naming the field if a check does not fit the lab's kind."""
        from certprep.labs.kinds import kind_module

        spec = kind_module(self.kind).CheckSpec
        for check in self.checks:
            spec.model_validate(check.fields)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    doc: str

    @staticmethod
    def shared_failure(results: list[CheckResult]) -> str | None:
        """The one reason every check failed for (an artifact that cannot be read: say it once),
        or None."""
        details = {r.detail for r in results}
        if len(results) > 1 and not any(r.passed for r in results) and len(details) == 1:
            return details.pop()
        return None

    @classmethod
    def all_failed(cls, checks: tuple[Check, ...], reason: str) -> list[CheckResult]:
        """An artifact that cannot be read at all fails every check with the same reason."""
        return [cls(c.name, False, reason, c.doc) for c in checks]
