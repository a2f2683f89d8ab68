"""Labs for a learner: list, start a workspace, grade it, give hints, remember what passed.

The CLI grades the artifact in the learner's workspace folder; the web app grades pasted or
uploaded text in a fresh temporary folder. Either way the artifact last checked is kept (so
the web page shows it again), and a lab whose checks all pass is recorded as finished.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.errors import CertprepError
from certprep.labs.catalog import all_labs, get_lab
from certprep.labs.grading import CheckResult, grade
from certprep.labs.model import Lab
from certprep.storage.tables import LabResultRow, LabSubmissionRow

HINTS_FILE = ".certprep-hints"
MAX_ARTIFACT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Workspace:
    lab: Lab
    path: Path
    created: tuple[str, ...]


@dataclass(frozen=True)
class Submission:
    artifact: str
    passed_checks: int
    total_checks: int
    checked_at: datetime


class LabService:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, learner: str, root: Path
    ) -> None:
        self.sessions, self.clock, self.learner, self.root = sessions, clock, learner, root

    def labs(self, domain: int | None = None) -> list[Lab]:
        labs = sorted(all_labs().values(), key=lambda lab: (lab.domain, lab.task, lab.id))
        return [lab for lab in labs if domain is None or lab.domain == domain]

    def passed(self) -> set[str]:
        with self.sessions() as session:
            return set(
                session.scalars(
                    select(LabResultRow.lab_id).where(LabResultRow.learner == self.learner)
                )
            )

    def workspace(self, lab_id: str, here: Path | None = None) -> Path:
        """The lab's workspace: ``ROOT/LAB_ID``, or the folder the learner is in when that is
        the lab's own workspace (``cd certprep-labs/LAB_ID`` then ``certprep lab check``)."""
        lab = get_lab(lab_id)
        if here is not None and here.name == lab.id and (here / lab.artifact).is_file():
            return here
        return self.root / lab.id

    def lab_here(self, here: Path) -> str | None:
        """The id of the lab whose workspace ``here`` is, if it is one."""
        labs = all_labs()
        lab = labs.get(here.name)
        if lab is not None and (here / "README.md").is_file():
            return lab.id
        return None

    def statuses(self) -> dict[str, str]:
        """Each lab's status for this learner: passed, failing (checked, not all pass),
        started (a workspace, never checked) or not started."""
        passed = self.passed()
        with self.sessions() as session:
            checked = set(
                session.scalars(
                    select(LabSubmissionRow.lab_id).where(LabSubmissionRow.learner == self.learner)
                )
            )
        out = {}
        for lab_id in all_labs():
            if lab_id in passed:
                out[lab_id] = "passed"
            elif lab_id in checked:
                out[lab_id] = "failing"
            elif (self.root / lab_id).is_dir():
                out[lab_id] = "started"
            else:
                out[lab_id] = "not started"
        return out

    def start(self, lab_id: str) -> Workspace:
        """Create the workspace with the brief and the starter artifact; a learner's existing
        files are never overwritten."""
        lab = get_lab(lab_id)
        path = self.root / lab.id
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CertprepError(f"cannot create {path}: {exc.strerror}") from None
        created = []
        readme = (
            f"{lab.brief.rstrip()}\n\n---\nEdit `{lab.artifact}`, then run `certprep lab check {lab.id}`. "
            f"Stuck? `certprep lab hint {lab.id}`.\n"
        )
        for name, text in (("README.md", readme), (lab.artifact, lab.starter)):
            target = path / name
            if not target.exists():
                target.write_text(text, encoding="utf-8")
                created.append(name)
        return Workspace(lab, path, tuple(created))

    def check(self, lab_id: str, here: Path | None = None) -> list[CheckResult]:
        """Grade the artifact in the learner's workspace folder."""
        lab = get_lab(lab_id)
        folder = self.workspace(lab.id, here)
        artifact = folder / lab.artifact
        if not artifact.is_file():
            raise CertprepError(
                f"{artifact} does not exist: run 'certprep lab start {lab.id}' first"
            )
        try:
            text = artifact.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CertprepError(f"cannot read {artifact}: {exc}") from None
        return self._grade_and_record(lab, text, folder)

    def submit(self, lab_id: str, text: str) -> list[CheckResult]:
        """Grade a pasted or uploaded artifact, in a temporary folder of its own."""
        lab = get_lab(lab_id)
        if len(text.encode("utf-8")) > MAX_ARTIFACT_BYTES:
            raise CertprepError(f"the artifact is larger than {MAX_ARTIFACT_BYTES // 1024} KiB")
        if not text.strip():
            raise CertprepError(f"the artifact is empty: paste or upload your {lab.artifact}")
        with tempfile.TemporaryDirectory(prefix=f"certprep-{lab.id}-") as folder:
            (Path(folder) / lab.artifact).write_text(text, encoding="utf-8")
            return self._grade_and_record(lab, text, Path(folder))

    def last_submission(self, lab_id: str) -> Submission | None:
        with self.sessions() as session:
            row = session.get(LabSubmissionRow, (self.learner, get_lab(lab_id).id))
            if row is None:
                return None
            return Submission(row.artifact, row.passed_checks, row.total_checks, row.checked_at)

    def _grade_and_record(self, lab: Lab, text: str, workspace: Path) -> list[CheckResult]:
        results = grade(lab, text, workspace)
        passed = sum(r.passed for r in results)
        now = self.clock.now()
        with self.sessions.begin() as session:
            row = session.get(LabSubmissionRow, (self.learner, lab.id))
            if row is None:
                row = LabSubmissionRow(learner=self.learner, lab_id=lab.id)
                session.add(row)
            row.artifact, row.passed_checks, row.total_checks = text, passed, len(results)
            row.checked_at = now
            if passed == len(results) and session.get(LabResultRow, (self.learner, lab.id)) is None:
                session.add(LabResultRow(learner=self.learner, lab_id=lab.id, passed_at=now))
        return results

    def hint(self, lab_id: str, here: Path | None = None) -> tuple[int, int, str, bool]:
        """The next hint (number, how many there are, text, whether it is new); past the last
        one, the last again with ``False``."""
        lab = get_lab(lab_id)
        path = self.workspace(lab.id, here)
        if not path.is_dir():
            raise CertprepError(
                f"no workspace for {lab.id}: run 'certprep lab start {lab.id}' first"
            )
        counter = path / HINTS_FILE
        try:
            shown = int(counter.read_text()) if counter.exists() else 0
        except ValueError:
            shown = 0
        n = min(shown + 1, len(lab.hints))
        counter.write_text(str(n))
        return n, len(lab.hints), lab.hints[n - 1], shown < len(lab.hints)
