"""Grading a lab artifact, check by check, by the lab's kind (see ``labs/kinds``)."""

from __future__ import annotations

from pathlib import Path

from certprep.labs.kinds import kind_module
from certprep.labs.model import CheckResult, Lab

__all__ = ["CheckResult", "grade"]


def grade(lab: Lab, artifact_text: str, workspace: Path | None = None) -> list[CheckResult]:
    """Every check of the lab against the learner's artifact. Never raises for bad input: an
    artifact that cannot be read fails every check with the reason. ``workspace`` is the lab's
    folder, where a script lab runs the learner's script (a temporary folder when None)."""
    return kind_module(lab.kind).grade(lab, artifact_text, workspace)
