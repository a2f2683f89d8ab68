"""The JSON API: everything the pages do. Handlers validate, call a service, present."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from certprep.domain.form import PracticeFilter
from certprep.services.exams import PracticeSource
from certprep.web import presenters
from certprep.web.deps import Ctx, context
from certprep.web.security import verify_csrf

router = APIRouter(prefix="/api", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(context)]
Letter = Annotated[str, Field(pattern=r"^[A-Fa-f]$")]


class StartExam(BaseModel):
    accommodation: bool = False
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class StartPractice(BaseModel):
    domain: int | None = Field(default=None, ge=1, le=99)
    task: str | None = Field(default=None, max_length=8)
    skill: str | None = Field(default=None, max_length=12)
    source: PracticeSource = PracticeSource.ALL
    count: int = Field(default=10, ge=1, le=100)
    minutes: int | None = Field(default=None, ge=1, le=600)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class Answer(BaseModel):
    choice: list[Letter] = Field(min_length=1, max_length=6)


class Flag(BaseModel):
    flagged: bool


class Started(BaseModel):
    id: str
    url: str


@router.post("/exams", status_code=201, response_model=Started, summary="Start a full exam")
def start_exam(body: StartExam, ctx: Context) -> Started:
    state = ctx.exams.start_exam(body.seed, body.accommodation)
    return Started(id=state.attempt.id, url=f"/attempts/{state.attempt.id}/q/1")


@router.post(
    "/practice", status_code=201, response_model=Started, summary="Start a practice session"
)
def start_practice(body: StartPractice, ctx: Context) -> Started:
    ctx.check_selection(body.domain, body.task, body.skill)
    where = PracticeFilter(domain=body.domain, task=body.task, skill=body.skill)
    state = ctx.exams.start_practice(where, body.count, body.minutes, body.seed, body.source)
    return Started(id=state.attempt.id, url=f"/attempts/{state.attempt.id}/q/1")


@router.get("/attempts/{attempt_id}", summary="State of an attempt (time left, answered, flagged)")
def get_state(attempt_id: str, ctx: Context) -> dict[str, Any]:
    return presenters.state_data(ctx.exams.state(attempt_id), ctx.now())


@router.get(
    "/attempts/{attempt_id}/questions/{number}", summary="One question (no key until final)"
)
def get_question(attempt_id: str, number: int, ctx: Context) -> dict[str, Any]:
    state = ctx.exams.state(attempt_id)
    position = ctx.position(state, number)
    return presenters.question_data(ctx.exams, state, position)


@router.put(
    "/attempts/{attempt_id}/questions/{number}/answer", summary="Answer or change an answer"
)
def put_answer(attempt_id: str, number: int, body: Answer, ctx: Context) -> dict[str, Any]:
    choice = sorted({ord(c.upper()) - 65 for c in body.choice})
    state = ctx.exams.answer(attempt_id, number - 1, choice)
    return {
        "state": presenters.state_data(state, ctx.now()),
        "question": presenters.question_data(ctx.exams, state, number - 1),
    }


@router.delete("/attempts/{attempt_id}/questions/{number}/answer", summary="Clear an answer")
def clear_answer(attempt_id: str, number: int, ctx: Context) -> dict[str, Any]:
    return presenters.state_data(ctx.exams.clear(attempt_id, number - 1), ctx.now())


@router.put("/attempts/{attempt_id}/questions/{number}/flag", summary="Flag or unflag for review")
def put_flag(attempt_id: str, number: int, body: Flag, ctx: Context) -> dict[str, Any]:
    return presenters.state_data(ctx.exams.flag(attempt_id, number - 1, body.flagged), ctx.now())


@router.post("/attempts/{attempt_id}/visit/{number}", summary="Record where the learner is")
def visit(attempt_id: str, number: int, ctx: Context) -> dict[str, Any]:
    return presenters.state_data(ctx.exams.visit(attempt_id, number - 1), ctx.now())


@router.post("/attempts/{attempt_id}/submit", summary="End the attempt")
def submit(attempt_id: str, ctx: Context) -> dict[str, Any]:
    return presenters.state_data(ctx.exams.submit(attempt_id), ctx.now())


@router.get("/attempts/{attempt_id}/report", summary="Score report and item review (after the end)")
def report(attempt_id: str, ctx: Context) -> dict[str, Any]:
    result = ctx.exams.report(attempt_id)
    return {**presenters.report_data(result), "review": presenters.review_data(result)}


@router.get("/history", summary="The learner's attempts, newest first")
def history(ctx: Context) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "mode": r.mode,
            "started_at": r.started_at.isoformat(),
            "status": r.status,
            "questions": len(r.form),
            "result": r.result,
        }
        for r in ctx.exams.history()
    ]
