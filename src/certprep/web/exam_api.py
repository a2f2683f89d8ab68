"""The calls a learner makes every few seconds of an exam: answer, clear, flag, visit.

They are the server's hottest path, so they are written lean: they run on the event loop
(the database write is handed to the group-commit StepWriter and awaited, never done in a
thread hop), take the request alone (``LeanRoute``: FastAPI's parameter solving cost a quarter of the
request), read their path from Starlette's converters and their JSON body with one pydantic
call (the path parameters and the body schema are still published in the OpenAPI document),
and answer with a small document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, ValidationError

from certprep.domain.attempt import AttemptError, Mode
from certprep.domain.review import SelfRating
from certprep.services.attempt_store import Command
from certprep.web import presenters
from certprep.web.api_errors import COMMON, error_responses, inline_schema
from certprep.web.deps import Ctx, context
from certprep.web.security import verify_csrf


class LeanRoute(APIRoute):
    """A documented route whose endpoint takes the Request and returns a Response itself: no
    per-request dependency solving (FastAPI's "custom APIRoute class" extension point). The
    endpoint does its own checks (CSRF, caller, body) and FastAPI's exception handlers apply."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


#: An exam call carries a few bytes (an answer is a list of letters): bodies are capped at 4 KiB.
EXAM_CALL_BYTES = 4 * 1024
router = APIRouter(
    prefix="/api/attempts/{attempt_id}",
    route_class=LeanRoute,
    max_body_size=EXAM_CALL_BYTES,
    responses=error_responses(*COMMON, 404, 409),
)
Q = "/questions/{number:int}"
Letter = Annotated[str, Field(pattern=r"^[A-Fa-f]$")]
M = TypeVar("M", bound=BaseModel)


class Answer(BaseModel):
    choice: list[Letter] = Field(min_length=1, max_length=6)


class Flag(BaseModel):
    flagged: bool


def json_response(data: Any, status_code: int = 200) -> Response:
    """A JSON response built directly (no encoder pass over data that is already plain)."""
    return Response(
        json.dumps(data, separators=(",", ":")), status_code, media_type="application/json"
    )


_PATH_PARAMETERS = [
    {"name": "attempt_id", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}},
]


def _doc(model: type[BaseModel] | None = None) -> dict[str, Any]:
    """The OpenAPI description of what a lean handler reads by hand."""
    extra: dict[str, Any] = {"parameters": _PATH_PARAMETERS}
    if model is not None:
        extra["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(model)}},
        }
    return extra


def _path(request: Request) -> tuple[str, int]:
    params = request.path_params
    return params["attempt_id"], params["number"]


async def _begin(request: Request) -> Ctx:
    await verify_csrf(request)
    return await context(request)


async def _body(request: Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


async def _step(ctx: Ctx, attempt_id: str, position: int, command: Command) -> dict[str, Any]:
    state = await ctx.exams.run_async(attempt_id, command)
    return presenters.step_data(state, position, ctx.now())


@router.put(
    Q + "/answer",
    summary="Answer or change an answer; in practice the feedback comes back with it",
    openapi_extra=_doc(Answer),
)
async def put_answer(request: Request) -> Response:
    attempt_id, number = _path(request)
    ctx = await _begin(request)
    body = await _body(request, Answer)
    choice = sorted({ord(c.upper()) - 65 for c in body.choice})
    state = await ctx.exams.run_async(attempt_id, ctx.exams.answer_command(number - 1, choice))
    return json_response(
        {
            "state": presenters.step_data(state, number - 1, ctx.now()),
            "feedback": presenters.feedback_if_final(ctx.exams, state, number - 1),
        }
    )


@router.delete(Q + "/answer", summary="Clear an answer", openapi_extra=_doc())
async def clear_answer(request: Request) -> Response:
    attempt_id, number = _path(request)
    ctx = await _begin(request)
    return json_response(
        await _step(ctx, attempt_id, number - 1, ctx.exams.clear_command(number - 1))
    )


@router.put(
    Q + "/flag",
    summary="Flag or unflag for review",
    openapi_extra=_doc(Flag),
)
async def put_flag(request: Request) -> Response:
    attempt_id, number = _path(request)
    ctx = await _begin(request)
    body = await _body(request, Flag)
    command = ctx.exams.flag_command(number - 1, body.flagged)
    return json_response(await _step(ctx, attempt_id, number - 1, command))


@router.post("/visit/{number:int}", summary="Record where the learner is", openapi_extra=_doc())
async def visit(request: Request) -> Response:
    attempt_id, number = _path(request)
    ctx = await _begin(request)
    return json_response(
        await _step(ctx, attempt_id, number - 1, ctx.exams.visit_command(number - 1))
    )


class SelfRatingBody(BaseModel):
    rating: SelfRating


@router.post(
    Q + "/rating",
    summary="Practice: say a right answer was hard or easy (tunes its review schedule)",
    openapi_extra=_doc(SelfRatingBody),
)
async def rate(request: Request) -> Response:
    attempt_id, number = _path(request)
    ctx = await _begin(request)
    body = await _body(request, SelfRatingBody)
    state = await ctx.exams.state_async(attempt_id)
    position = ctx.position(state, number)
    if state.attempt.mode is not Mode.PRACTICE or position not in state.answers:
        raise AttemptError("rate a practice question after answering it")
    due = ctx.learning.self_rate(
        state.attempt.form.items[position].item_id, attempt_id, body.rating
    )
    return json_response({"next_review": due.isoformat() if due else None})
