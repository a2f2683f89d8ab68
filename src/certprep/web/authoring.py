"""Pages about the questions themselves: a learner reports a problem with a question they
have answered; authors (administrators on a shared server, the learner on their own machine)
read item statistics worst first, with learners' reports beside them, and decide each report.
Handlers read the request, call a service, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from certprep.errors import CertprepError
from certprep.services.item_analysis import analyze, write_csv
from certprep.services.item_reports import REASONS, ItemReports
from certprep.web.api_errors import COMMON, error_responses
from certprep.web.deps import Ctx, context
from certprep.web.pages import render
from certprep.web.security import verify_csrf

pages = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
api = APIRouter(
    prefix="/api",
    dependencies=[Depends(verify_csrf)],
    tags=["items"],
    responses=error_responses(*COMMON, 404),
)
Context = Annotated[Ctx, Depends(context)]


def _reports(ctx: Ctx) -> ItemReports:
    return ItemReports(ctx.runtime.sessions, ctx.runtime.bank, ctx.runtime.clock)


def _safe_back(back: str) -> str:
    return back if back.startswith("/") and not back.startswith("//") else "/"


def _is_author(ctx: Ctx) -> bool:
    return not ctx.settings.multi_user or bool(ctx.caller.user and ctx.caller.user.admin)


def _author(ctx: Ctx) -> None:
    if not _is_author(ctx):
        raise HTTPException(403, "only administrators see item statistics on a shared server")


@pages.get("/items/{item_id}/report", response_class=HTMLResponse)
def report_form(request: Request, item_id: str, ctx: Context, back: str = "/") -> HTMLResponse:
    reports = _reports(ctx)
    if item_id not in ctx.runtime.bank.items:
        raise HTTPException(404, f"no question {item_id!r}")
    if not reports.answered(ctx.caller.learner, item_id):
        raise CertprepError(
            "answer the question first: a problem can be reported once you have answered it"
        )
    return render(
        request, "report_item.html", ctx, item_id=item_id, reasons=REASONS, back=_safe_back(back)
    )


@pages.post("/items/{item_id}/report", response_class=HTMLResponse)
def report_post(
    request: Request,
    item_id: str,
    ctx: Context,
    reason: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=300)] = "/",
) -> HTMLResponse:
    filed = _reports(ctx).file(ctx.caller.learner, item_id, reason, comment)
    return render(request, "report_item.html", ctx, filed=filed, back=_safe_back(back))


class ReportIn(BaseModel):
    reason: str = Field(max_length=16, description=", ".join(REASONS))
    comment: str = Field(default="", max_length=2000)


@api.post("/items/{item_id}/reports", status_code=201, summary="Report a problem with a question")
def api_report(item_id: str, body: ReportIn, ctx: Context) -> dict[str, str]:
    filed = _reports(ctx).file(ctx.caller.learner, item_id, body.reason, body.comment)
    return {"id": filed.id, "item_id": filed.item_id, "state": filed.state}


@pages.get("/authors", response_class=HTMLResponse)
def authors(request: Request, ctx: Context) -> HTMLResponse:
    _author(ctx)
    try:
        rows = analyze(ctx.runtime.sessions, ctx.runtime.bank, ctx.runtime.parameters.table())
    except CertprepError as exc:
        rows, empty = [], str(exc)
    else:
        empty = ""
    return render(
        request,
        "authors.html",
        ctx,
        rows=rows,
        empty=empty,
        open_reports=_reports(ctx).all("open"),
    )


@pages.get("/authors/items.csv")
def authors_csv(ctx: Context) -> Response:
    _author(ctx)
    import tempfile
    from pathlib import Path

    rows = analyze(ctx.runtime.sessions, ctx.runtime.bank, ctx.runtime.parameters.table())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.csv"
        write_csv(rows, path)
        text = path.read_text(encoding="utf-8")
    return Response(
        text,
        media_type="text/csv",
        headers={"content-disposition": 'attachment; filename="certprep-items.csv"'},
    )


@pages.post("/authors/reports/{report_id}")
def resolve(
    report_id: str,
    ctx: Context,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _author(ctx)
    _reports(ctx).resolve(report_id, decision == "accept", note)
    return RedirectResponse("/authors#reports", status_code=303)
