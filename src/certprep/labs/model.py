"""A lab as data: one YAML file per lab under ``labs/catalog/``.

The learner gets the brief (README.md) and the starter files in a workspace, edits the
artifact, and ``certprep lab check`` grades it check by check. ``solution`` and ``wrong`` are
the model solution (graded as passing) and a plausible wrong one (graded as failing): the tests
run both for every lab.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["event-pattern"]


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    why: str = Field(description="What a failure teaches: the fact the check is about")
    doc: str = Field(pattern=r"^https://docs\.aws\.amazon\.com/")
    # event-pattern: events that must match and must not match
    match: tuple[dict[str, Any], ...] = ()
    no_match: tuple[dict[str, Any], ...] = ()


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
