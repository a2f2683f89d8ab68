"""Server-rendered pages. Handlers read the request, call services, render a template."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from certprep.domain.attempt import PURPOSE_NAMES, Mode, Purpose
from certprep.domain.form import PracticeFilter
from certprep.services.accounts import (
    SESSION_LIFETIME,
    AccountError,
    AccountService,
    ServerBusy,
    TooManyAttempts,
)
from certprep.services.exams import ExamInProgress, PracticeSource
from certprep.services.practice_report import practice_summary
from certprep.services.progress import progress
from certprep.text import plural
from certprep.web import charts, presenters
from certprep.web.app import HERE
from certprep.web.deps import BadInput, Ctx, context
from certprep.web.security import (
    SESSION_COOKIE,
    caller,
    client_address,
    csrf_token,
    new_browser,
    verify_csrf,
)

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["plural"] = plural
Context = Annotated[Ctx, Depends(context)]


def render(
    request: Request, name: str, ctx: Ctx | None, status: int = 200, **data: Any
) -> HTMLResponse:
    settings = request.app.state.settings
    page = {
        "csrf_token": ctx.caller.csrf_token if ctx else csrf_token(request),
        "user": ctx.caller.user if ctx else None,
        "multi_user": settings.multi_user,
        "exam": request.app.state.runtime.bank.blueprint.exam,
    }
    return templates.TemplateResponse(request, name, {**page, **data}, status_code=status)


_TITLES = {
    400: "That request did not work",
    403: "That is not allowed here",
    404: "Not found",
    409: "That cannot be done now",
    413: "That is too large",
    422: "Please check what you entered",
    429: "Too many attempts",
    503: "The server is busy",
}


def _way_back(path: str) -> tuple[str, str]:
    """Where the learner was: their attempt, their lab, or the start page."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "attempts" and len(parts[1]) <= 32:
        return f"/attempts/{parts[1]}", "Back to your exam or practice session"
    if len(parts) >= 2 and parts[0] == "labs":
        return "/labs", "Back to the labs"
    return "/", "Back to the start page"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    back, back_text = _way_back(request.url.path)
    if status == 404 and back.startswith("/attempts/") and "no attempt" in message:
        back, back_text = "/", "Back to the start page"
    return render(
        request,
        "error.html",
        None,
        status=status,
        status_code=status,
        title=_TITLES.get(status, "Something went wrong"),
        message=message,
        back=back,
        back_text=back_text,
    )


def _int_or_none(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise BadInput(f"{name} must be a whole number") from None


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The JSON API's documentation (Swagger UI, from the app's own files)."""
    return render(request, "docs.html", None)


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: Context) -> HTMLResponse:
    rows = ctx.exams.history(limit=10)
    return render(
        request,
        "home.html",
        ctx,
        due=len(ctx.learning.due_items()),
        ready=ctx.learning.readiness(),
        domains=ctx.blueprint.domains,
        open_sessions=[presenters.session_label(o) for o in ctx.exams.open_sessions()],
        recent=[r for r in rows if r.status != "in_progress"][:5],
    )


@router.post("/exams")
def start_exam(
    request: Request, ctx: Context, accommodation: Annotated[str | None, Form()] = None
) -> Response:
    try:
        state = ctx.exams.start_exam(accommodation=ctx.accommodation(accommodation == "on"))
    except ExamInProgress as exc:  # one full exam at a time: offer the open one
        session = next(o for o in ctx.exams.open_sessions() if o.attempt_id == exc.attempt_id)
        page = render(request, "exam_open.html", ctx, session=presenters.session_label(session))
        page.status_code = 409
        return page
    return RedirectResponse(f"/attempts/{state.attempt.id}/q/1", status_code=303)


@router.post("/practice")
def start_practice(
    ctx: Context,
    area: Annotated[str, Form(max_length=16)] = "",
    source: Annotated[PracticeSource, Form()] = PracticeSource.ALL,
    count: Annotated[int, Form(ge=1, le=100)] = 10,
    minutes: Annotated[str | None, Form(max_length=4)] = None,
) -> Response:
    domain = task = skill = None
    if area.startswith("d"):
        domain = _int_or_none(area[1:], "domain")
    elif area.startswith("t"):
        task = area[1:]
    elif area.startswith("s"):
        skill = area[1:]
    elif area:
        raise BadInput(f"unknown selection {area!r}")
    ctx.check_selection(domain, task, skill)
    limit = _int_or_none(minutes, "minutes")
    if limit is not None and not 1 <= limit <= 600:
        raise BadInput("minutes must be between 1 and 600")
    where = PracticeFilter(domain=domain, task=task, skill=skill)
    state = ctx.exams.start_practice(where, count, limit, None, source)
    return RedirectResponse(f"/attempts/{state.attempt.id}/q/1", status_code=303)


# Pages of an attempt are async: their reads and writes go through the same cached state and
# group-commit writer as the API (see AttemptStore), never around them.


@router.post("/review")
def start_review(ctx: Context) -> Response:
    """Resume the open review session if there is one (a second click opens no second one),
    else start one with the items due."""
    open_review = ctx.exams.open_attempt(Mode.PRACTICE, Purpose.REVIEW)
    if open_review is not None:
        return RedirectResponse(f"/attempts/{open_review}", status_code=303)
    due = ctx.learning.due_items()
    if not due:
        raise BadInput("nothing is due for review now")
    state = ctx.exams.start_selected(due[:20], purpose=Purpose.REVIEW)
    return RedirectResponse(f"/attempts/{state.attempt.id}/q/1", status_code=303)


@router.post("/practice/adaptive")
def start_adaptive(ctx: Context, count: Annotated[int, Form(ge=1, le=100)] = 10) -> Response:
    state = ctx.exams.start_selected(ctx.learning.adaptive_selection(count))
    return RedirectResponse(f"/attempts/{state.attempt.id}/q/1", status_code=303)


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, ctx: Context, exam_date: str | None = None) -> HTMLResponse:
    days = None
    if exam_date:
        try:
            day = date.fromisoformat(exam_date)
        except ValueError:
            raise BadInput("the exam date must be YYYY-MM-DD") from None
        days = ctx.learning.plan(day, labs_left=len(ctx.labs.labs()) - len(ctx.labs.passed()))
    return render(
        request,
        "plan.html",
        ctx,
        steps=ctx.learning.checklist(),
        ready=ctx.learning.readiness(),
        days=days,
        exam_date=exam_date or "",
        real_exams=ctx.learning.real_exams(),
    )


@router.post("/plan/steps/{number}")
def toggle_step(number: int, ctx: Context, done: Annotated[str, Form()] = "on") -> Response:
    ctx.learning.check_step(number, done == "on")
    return RedirectResponse("/plan", status_code=303)


@router.get("/attempts/{attempt_id}", response_class=HTMLResponse)
async def resume(attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if not state.is_open:
        return RedirectResponse(f"/attempts/{attempt_id}/report", status_code=303)
    return RedirectResponse(f"/attempts/{attempt_id}/q/{state.current + 1}", status_code=303)


@router.get("/attempts/{attempt_id}/q/{number}", response_class=HTMLResponse)
async def question(
    request: Request, attempt_id: str, number: int, ctx: Context, review: str = ""
) -> Response:
    exams = ctx.exams
    state = await exams.state_async(attempt_id)
    if not state.is_open:
        return RedirectResponse(f"/attempts/{attempt_id}/report", status_code=303)
    position = ctx.position(state, number)
    if state.paused:  # a GET changes nothing: resuming is the learner's POST
        return render(
            request,
            "paused.html",
            ctx,
            state=presenters.state_data(state, ctx.now()),
            number=number,
        )
    data = presenters.state_data(state, ctx.now())
    subset = presenters.review_subset(data, review)
    return render(
        request,
        "question.html",
        ctx,
        state=data,
        q=presenters.question_data(exams, state, position),
        practice=state.attempt.mode is Mode.PRACTICE,
        in_exam=state.attempt.mode is Mode.EXAM,
        reviewing=review if subset is not None else "",
        subset=subset or [],
        review_query=f"?review={review}" if subset is not None else "",
        prev_number=presenters.step_in(subset, number, -1, data["total"]),
        next_number=presenters.step_in(subset, number, +1, data["total"]),
    )


@router.get("/attempts/{attempt_id}/review", response_class=HTMLResponse)
async def review(request: Request, attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if not state.is_open:
        return RedirectResponse(f"/attempts/{attempt_id}/report", status_code=303)
    return render(
        request,
        "review.html",
        ctx,
        state=presenters.state_data(state, ctx.now()),
        in_exam=state.attempt.mode is Mode.EXAM,
    )


@router.post("/attempts/{attempt_id}/submit")
async def submit(attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if state.is_open:
        await ctx.exams.run_async(attempt_id, ctx.exams.submit_command())
    return RedirectResponse(f"/attempts/{attempt_id}/report", status_code=303)


@router.post("/attempts/{attempt_id}/resume")
async def resume_paused(attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if state.is_open and state.paused:
        state = await ctx.exams.run_async(attempt_id, ctx.exams.resume_command())
    if not state.is_open:
        return RedirectResponse(f"/attempts/{attempt_id}/report", status_code=303)
    return RedirectResponse(f"/attempts/{attempt_id}/q/{state.current + 1}", status_code=303)


@router.post("/attempts/{attempt_id}/pause")
async def pause(attempt_id: str, ctx: Context) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if state.is_open and state.attempt.mode is Mode.PRACTICE and not state.paused:
        await ctx.exams.run_async(attempt_id, ctx.exams.pause_command())
    return RedirectResponse("/", status_code=303)


@router.get("/attempts/{attempt_id}/report", response_class=HTMLResponse)
async def report(
    request: Request,
    attempt_id: str,
    ctx: Context,
    show: str = "all",
    domain: str | None = None,
) -> Response:
    state = await ctx.exams.state_async(attempt_id)
    if state.is_open:
        return RedirectResponse(f"/attempts/{attempt_id}/q/{state.current + 1}", status_code=303)
    result = ctx.exams.report_for(state)
    items = presenters.review_data(result)
    if show not in presenters.REVIEW_FILTERS:
        raise BadInput(f"show must be one of {', '.join(presenters.REVIEW_FILTERS)}")
    domain_id = _int_or_none(domain, "domain")
    shown = presenters.filter_review(items, show, domain_id)
    return render(
        request,
        "report.html",
        ctx,
        r=presenters.report_data(result),
        practice=None
        if result.attempt.mode is Mode.EXAM
        else practice_summary(result, ctx.blueprint),
        due=len(ctx.learning.due_items()) if result.attempt.mode is Mode.PRACTICE else 0,
        items=shown,
        all_count=len(items),
        show=show,
        domain=domain_id,
        filters=presenters.REVIEW_FILTERS,
        domains=ctx.blueprint.domains,
    )


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, ctx: Context) -> HTMLResponse:
    rows = ctx.exams.history(limit=500)
    summary = progress(rows, ctx.blueprint)
    masteries = ctx.learning.mastery()
    ranked = ctx.learning.study_next(masteries)[:5]
    exam = ctx.blueprint.exam
    return render(
        request,
        "progress.html",
        ctx,
        p=summary,
        ready=ctx.learning.readiness(),
        rows=rows,
        chart=charts.score_chart(summary.exams, exam.scale.min, exam.scale.max, exam.passing_score),
        blueprint=ctx.blueprint,
        mastery=masteries,
        session_names=PURPOSE_NAMES,
        study_next=[(s, ctx.learning.suggested_items(s.task, 3)) for s in ranked],
    )


# -- accounts (multi-user mode) ------------------------------------------------------------


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", None, next=_safe_next(next), error=None, register=False)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", None, next="/", error=None, register=True)


def _sign_in(request: Request, username: str, password: str, next: str, register: bool) -> Response:
    accounts: AccountService | None = request.app.state.accounts
    if accounts is None:
        return RedirectResponse("/", status_code=303)
    address = client_address(request)
    try:
        user = (
            accounts.register(username, password, address)
            if register
            else accounts.authenticate(username, password, address)
        )
    except (TooManyAttempts, ServerBusy):
        raise  # 429 / 503 with Retry-After (the app's error handler)
    except AccountError as exc:
        return render(
            request,
            "login.html",
            None,
            status=400,
            next=_safe_next(next),
            error=str(exc),
            register=register,
        )
    token = accounts.open_session(user)
    new_browser(request)  # a new session and browser id: the CSRF token rotates
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    return _sign_in(request, username, password, next, register=False)


@router.post("/register")
def register(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    return _sign_in(request, username, password, "/", register=True)


@router.post("/logout")
def logout(request: Request) -> Response:
    accounts: AccountService | None = request.app.state.accounts
    token = request.cookies.get(SESSION_COOKIE)
    if accounts is not None and token:
        caller(request, request.app.state.settings, accounts)  # only a signed-in browser signs out
        accounts.close_session(token)
    return _signed_out(request, accounts)


def _signed_out(request: Request, accounts: AccountService | None) -> Response:
    new_browser(request)
    response = RedirectResponse("/login" if accounts else "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, ctx: Context) -> Response:
    if ctx.accounts is None or ctx.caller.user is None:
        return RedirectResponse("/", status_code=303)
    return render(
        request,
        "account.html",
        ctx,
        sessions=ctx.accounts.session_count(ctx.caller.user),
        account=ctx.caller.user,
    )


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, ctx: Context) -> Response:
    if ctx.accounts is not None and ctx.caller.user is not None:
        ctx.accounts.close_all_sessions(ctx.caller.user)
    return _signed_out(request, ctx.accounts)
