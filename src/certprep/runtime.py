"""The composition root: builds the bank, the database and the services from the settings.

Interfaces get a Runtime and ask it for services; tests build one with a fixed clock, a
temporary database and a fixture bank.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from certprep.clock import Clock, SystemClock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from certprep.bank.loader import Bank
    from certprep.services.exams import ExamService
    from certprep.services.item_parameters import ParameterSource
    from certprep.services.labs import LabService
    from certprep.services.learning import LearningService


@dataclass
class Runtime:
    bank_path: Path | None = None
    database_url: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    learner: str = "local"

    @classmethod
    def from_environment(cls) -> Runtime:
        bank = os.environ.get("CERTPREP_BANK")
        return cls(bank_path=Path(bank) if bank else None)

    @cached_property
    def bank(self) -> Bank:
        from certprep.bank.loader import load_bank

        return load_bank(self.bank_path)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from certprep.storage.database import open_database

        return open_database(self.database_url)

    @cached_property
    def parameters(self) -> ParameterSource:
        """The items' parameters (calibrated or prior) and the cut, shared by the services."""
        from certprep.services.item_parameters import ParameterSource

        return ParameterSource(self.sessions, self.bank)

    @cached_property
    def learning(self) -> LearningService:
        from certprep.services.learning import LearningService

        return LearningService(self.sessions, self.bank, self.clock, self.learner, self.parameters)

    @cached_property
    def exams(self) -> ExamService:
        from certprep.services.exams import ExamService

        service = ExamService(self.sessions, self.bank, self.clock, self.learner)
        service.learning = self.learning
        service.parameters = self.parameters
        return service

    def labs(self, learner: str | None = None) -> LabService:
        """The lab service of a learner (the runtime's own by default). Workspaces live in
        ``$CERTPREP_LABS_DIR`` or ``./certprep-labs``."""
        from certprep.services.labs import LabService

        root = Path(os.environ.get("CERTPREP_LABS_DIR") or Path.cwd() / "certprep-labs")
        return LabService(self.sessions, self.clock, learner or self.learner, root)
