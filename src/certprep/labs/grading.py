"""Grading a lab artifact, check by check, by the lab's kind (see ``labs/kinds``)."""

from __future__ import annotations

import logging
from pathlib import Path

from certprep.labs.kinds import kind_module
from certprep.labs.model import CheckResult, Lab

__all__ = ["CheckResult", "grade"]

log = logging.getLogger(__name__)


def grade(lab: Lab, artifact_text: str, workspace: Path | None = None) -> list[CheckResult]:
    """Every check of the lab against the learner's artifact. Never raises for bad input: an
    artifact that cannot be read fails every check with the reason. ``workspace`` is the lab's
    folder, where a script lab runs the learner's script (a temporary folder when None).

    The kinds turn every problem of an artifact into a message themselves; should one still
    raise, the learner gets failed checks that say so (and the traceback goes to the log),
    never a crash of the command or a server error."""
    try:
        return kind_module(lab.kind).grade(lab, artifact_text, workspace)
    except Exception as exc:  # a grader bug, not the learner's: fail closed, say so
        log.exception("grading %s failed", lab.id)
        reason = (
            f"certprep could not grade this {lab.artifact} ({type(exc).__name__}); this is a "
            "bug in certprep's grader, not necessarily in your work. Simplify the file or "
            "report it."
        )
        return CheckResult.all_failed(lab.checks, reason)
