"""The JSON API: everything the pages do. Handlers validate, call a service, present."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from certprep.domain.form import PracticeFilter
from certprep.services.exams import PracticeSource
from certprep.web import presenters
from certprep.web.api_errors import COMMON, error_responses
from certprep.web.deps import Ctx, context
from certprep.web.exam_api import json_response
from certprep.web.security import verify_csrf

router = APIRouter(
    prefix="/api",
    dependencies=[Depends(verify_csrf)],
    responses=error_responses(*COMMON, 404, 409),
)
Context = Annotated[Ctx, Depends(context)]


class StartExam(BaseModel):
    accommodation: bool = Field(default=False, strict=True)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1, strict=True)


class StartPractice(BaseModel):
    domain: int | None = Field(default=None, ge=1, le=99, strict=True)
    task: str | None = Field(default=None, max_length=8)
    skill: str | None = Field(default=None, max_length=12)
    source: PracticeSource = PracticeSource.ALL
    count: int = Field(default=10, ge=1, le=100, strict=True)
    minutes: int | None = Field(default=None, ge=1, le=600, strict=True)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1, strict=True)


class Started(BaseModel):
    id: str
    url: str


@router.post("/exams", status_code=201, response_model=Started, summary="Start a full exam")
def start_exam(body: StartExam, ctx: Context) -> Started:
    state = ctx.exams.start_exam(body.seed, ctx.accommodation(body.accommodation))
    return Started(id=state.attempt.id, url=f"/attempts/{state.attempt.id}/q/1")


@router.post(
    "/practice", status_code=201, response_model=Started, summary="Start a practice session"
)
def start_practice(body: StartPractice, ctx: Context) -> Started:
    ctx.check_selection(body.domain, body.task, body.skill)
    where = PracticeFilter(domain=body.domain, task=body.task, skill=body.skill)
    state = ctx.exams.start_practice(where, body.count, body.minutes, body.seed, body.source)
    return Started(id=state.attempt.id, url=f"/attempts/{state.attempt.id}/q/1")


# The calls a learner makes every few seconds during an exam run on the event loop: their
# database work is one or two short statements, cheaper than a hop to the thread pool.


@router.get("/attempts/{attempt_id}", summary="State of an attempt (time left, answered, flagged)")
async def get_state(attempt_id: str, ctx: Context) -> Response:
    return json_response(presenters.state_data(await ctx.exams.state_async(attempt_id), ctx.now()))


@router.get(
    "/attempts/{attempt_id}/questions/{number}", summary="One question (no key until final)"
)
async def get_question(attempt_id: str, number: int, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    position = ctx.position(state, number)
    return json_response(presenters.question_data(ctx.exams, state, position))


@router.post("/attempts/{attempt_id}/submit", summary="End the attempt")
async def submit(attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.run_async(attempt_id, ctx.exams.submit_command())
    return json_response(presenters.state_data(state, ctx.now()))


@router.get("/attempts/{attempt_id}/report", summary="Score report and item review (after the end)")
async def report(attempt_id: str, ctx: Context) -> Response:
    result = ctx.exams.report_for(await ctx.exams.state_async(attempt_id))
    return json_response(
        {**presenters.report_data(result), "review": presenters.review_data(result)}
    )


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
