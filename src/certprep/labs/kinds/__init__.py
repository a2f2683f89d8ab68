"""The lab kinds: one module per kind, loaded when a lab of that kind is first used.

A kind module provides ``CheckSpec`` (a pydantic model of the kind-specific fields of one
check, ``extra="forbid"``) and ``grade(lab, text, workspace) -> list[CheckResult]``, which never
raises for a learner's bad input: an artifact that cannot be parsed fails its checks with the
reason. The grading engines themselves live in ``labs/graders/`` and know nothing of labs.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

if TYPE_CHECKING:
    from certprep.labs.model import CheckResult, Kind, Lab

MODULES: dict[str, str] = {
    "event-pattern": "certprep.labs.kinds.event_pattern",
    "filter-pattern": "certprep.labs.kinds.filter_pattern",
    "iam-policy": "certprep.labs.kinds.iam_policy",
    "cloudformation": "certprep.labs.kinds.cloudformation",
    "deploy-spec": "certprep.labs.kinds.deploy_spec",
    "boto3-script": "certprep.labs.kinds.boto3_script",
}


class LabKind(Protocol):
    CheckSpec: type[BaseModel]

    def grade(self, lab: Lab, text: str, workspace: Path | None) -> list[CheckResult]: ...


@cache
def kind_module(kind: Kind) -> LabKind:
    module: LabKind = importlib.import_module(MODULES[kind])
    return module
