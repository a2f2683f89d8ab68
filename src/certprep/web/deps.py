"""Per-request context: the caller, their services, and input checks shared by pages and API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from certprep.domain.attempt import AttemptState, NoSuchQuestion
from certprep.domain.blueprint import Blueprint
from certprep.errors import CertprepError
from certprep.runtime import Runtime
from certprep.services.accounts import AccountService
from certprep.services.exams import ExamService
from certprep.services.labs import LabService
from certprep.services.learning import LearningService
from certprep.web.security import Caller, caller
from certprep.web.settings import WebSettings


class BadInput(CertprepError):
    """A request whose values are not ones the exam knows (shown as 422)."""


@dataclass
class Ctx:
    runtime: Runtime
    settings: WebSettings
    caller: Caller
    exams: ExamService
    accounts: AccountService | None

    @property
    def learning(self) -> LearningService:
        return self.runtime.learning.for_learner(self.caller.learner)

    @property
    def labs(self) -> LabService:
        return self.runtime.labs(self.caller.learner)

    @property
    def blueprint(self) -> Blueprint:
        return self.runtime.bank.blueprint

    def now(self) -> datetime:
        return self.runtime.clock.now()

    def position(self, state: AttemptState, number: int) -> int:
        if not 1 <= number <= len(state.attempt.form):
            raise NoSuchQuestion(
                f"there is no question {number}; the attempt has {len(state.attempt.form)}"
            )
        return number - 1

    def accommodation(self, asked: bool) -> bool:
        """The exam's extra time: the learner's choice on their own machine; on a shared server
        an administrator grants it per account (``certprep account accommodation``)."""
        user = self.caller.user
        if not self.settings.multi_user or user is None:
            return asked
        if asked and not user.accommodation:
            raise BadInput(
                "on this server an administrator grants the extra time per account: "
                "ask yours to run 'certprep account accommodation USERNAME --grant'"
            )
        return user.accommodation

    def check_selection(self, domain: int | None, task: str | None, skill: str | None) -> None:
        bp = self.blueprint
        if domain is not None and domain not in {d.id for d in bp.domains}:
            raise BadInput(f"no domain {domain}")
        if task is not None and task not in bp.tasks:
            raise BadInput(f"no task statement {task!r}")
        if skill is not None and skill not in bp.skills:
            raise BadInput(f"no skill {skill!r}")


async def context(request: Request) -> Ctx:
    """(async: a plain function would cost a thread-pool hop on every request)"""
    app = request.app
    runtime: Runtime = app.state.runtime
    settings: WebSettings = app.state.settings
    accounts: AccountService | None = app.state.accounts
    who = caller(request, settings, accounts)
    return Ctx(runtime, settings, who, runtime.exams.for_learner(who.learner), accounts)
