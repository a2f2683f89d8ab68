"""Labs for a learner: list, start a workspace, grade it, give hints, remember what passed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.errors import CertprepError
from certprep.labs.catalog import all_labs, get_lab
from certprep.labs.grading import CheckResult, grade
from certprep.labs.model import Lab
from certprep.storage.tables import LabResultRow

HINTS_FILE = ".certprep-hints"


@dataclass(frozen=True)
class Workspace:
    lab: Lab
    path: Path
    created: tuple[str, ...]


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

    def workspace(self, lab_id: str) -> Path:
        return self.root / get_lab(lab_id).id

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

    def check(self, lab_id: str) -> list[CheckResult]:
        lab = get_lab(lab_id)
        artifact = self.root / lab.id / lab.artifact
        if not artifact.is_file():
            raise CertprepError(
                f"{artifact} does not exist: run 'certprep lab start {lab.id}' first"
            )
        try:
            text = artifact.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CertprepError(f"cannot read {artifact}: {exc}") from None
        results = grade(lab, text, self.root / lab.id)
        if all(r.passed for r in results):
            self._record_pass(lab.id)
        return results

    def _record_pass(self, lab_id: str) -> None:
        with self.sessions.begin() as session:
            if session.get(LabResultRow, (self.learner, lab_id)) is None:
                session.add(
                    LabResultRow(learner=self.learner, lab_id=lab_id, passed_at=self.clock.now())
                )

    def hint(self, lab_id: str) -> tuple[int, int, str]:
        """The next hint (number, how many there are, text); the last one repeats."""
        lab = get_lab(lab_id)
        path = self.root / lab.id
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
        return n, len(lab.hints), lab.hints[n - 1]
