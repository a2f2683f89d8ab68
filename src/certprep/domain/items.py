"""The bank item: the contract between authors' YAML files and the engine.

Field names here are a published contract (see docs/authoring.md); fields may be added, these stay.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ItemType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PRETEST = "pretest"
    LIVE = "live"
    RETIRED = "retired"


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: NonEmpty
    correct: bool
    why: NonEmpty = Field(
        description="Rationale: why this option is right, or why it is wrong here"
    )


class IrtParameters(BaseModel):
    """Calibrated item parameters (3PL). Absent until calibration replaces the prior."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    a: float = Field(gt=0, description="discrimination")
    b: float = Field(description="difficulty, on the ability scale")
    c: float = Field(ge=0, lt=1, description="lower asymptote (guessing)")


CheckName = Literal["blind", "options-only", "docs"]


class Checked(BaseModel):
    """When an item's facts were last checked, and by which of the bank's checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date = Field(description="the date of the last check (YYYY-MM-DD)")
    by: tuple[CheckName, ...] = Field(
        min_length=1,
        description="the checks it passed then: blind, options-only, docs",
    )


class Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*$")]
    type: ItemType
    task: NonEmpty
    skills: tuple[NonEmpty, ...] = Field(min_length=1)
    services: tuple[NonEmpty, ...] = ()
    difficulty: int = Field(ge=1, le=5, description="author's estimate, 1 (easy) - 5 (hard)")
    status: ItemStatus
    stem: NonEmpty
    options: tuple[Option, ...] = Field(min_length=2)
    explanation: NonEmpty
    references: tuple[NonEmpty, ...] = ()
    irt: IrtParameters | None = None
    tests: NonEmpty | None = Field(
        default=None, description="the deciding fact the item tests, in one line"
    )
    checked: Checked | None = None
    angoff: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="standard setting: the chance a just-competent candidate answers right",
    )

    @cached_property
    def keys(self) -> frozenset[int]:
        """Indices (in authored order) of the correct options."""
        return frozenset(i for i, o in enumerate(self.options) if o.correct)

    @cached_property
    def choose(self) -> int:
        """How many options the learner must choose."""
        return len(self.keys)


class ItemFile(BaseModel):
    """One YAML file of the bank: the items of one task statement."""

    model_config = ConfigDict(extra="forbid")

    items: list[Item]
