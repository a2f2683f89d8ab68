"""Labs in the browser and in the JSON API: list, read the brief, paste or upload the
artifact, see each check. The model solution never leaves the server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from certprep.errors import CertprepError
from certprep.labs.catalog import get_lab
from certprep.labs.model import CheckResult, Lab
from certprep.services.labs import MAX_ARTIFACT_BYTES
from certprep.web.api_errors import COMMON, error_responses
from certprep.web.deps import BadInput, Ctx, context
from certprep.web.hosts import is_loopback
from certprep.web.markdown import to_html
from certprep.web.pages import render
from certprep.web.security import verify_csrf

#: A lab check carries an artifact of at most 256 KiB, which JSON escaping or a multipart
#: upload can make about twice as long on the wire.
LAB_CHECK_BYTES = 2 * MAX_ARTIFACT_BYTES + 16 * 1024
pages = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
api = APIRouter(
    prefix="/api",
    dependencies=[Depends(verify_csrf)],
    tags=["labs"],
    responses=error_responses(*COMMON, 404),
)
Context = Annotated[Ctx, Depends(context)]


def lab_summary(lab: Lab, passed: set[str]) -> dict[str, Any]:
    return {
        "id": lab.id,
        "title": lab.title,
        "domain": lab.domain,
        "task": lab.task,
        "kind": lab.kind,
        "passed": lab.id in passed,
    }


def results_data(results: list[CheckResult]) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {
        "shared_failure": CheckResult.shared_failure(results),
        "passed": passed == len(results),
        "passed_checks": passed,
        "total_checks": len(results),
        "checks": [
            {"name": r.name, "passed": r.passed, "detail": r.detail, "doc": r.doc} for r in results
        ],
    }


class ScriptLabsOff(CertprepError):
    """Script labs are not graded by a shared server."""


def scripts_graded_here(request: Request, ctx: Ctx) -> bool:
    """Learners' scripts run only for a single-user server's own machine (the host check has
    passed by then): never on a shared server, never for a request from elsewhere."""
    client = request.client.host if request.client else None
    return not ctx.settings.multi_user and is_loopback(client)


async def _grade(request: Request, ctx: Ctx, lab: Lab, text: str) -> list[CheckResult]:
    if lab.kind == "boto3-script" and not scripts_graded_here(request, ctx):
        why = "this server is shared" if ctx.settings.multi_user else "you are not on its machine"
        raise ScriptLabsOff(
            f"{why}, so it does not run learners' scripts: grade this lab on "
            f"your own machine with 'certprep lab check {lab.id}'"
        )
    # grading can run cfn-lint or a learner's script: never on the event loop
    return await run_in_threadpool(ctx.labs.submit, lab.id, text)


# -- pages ------------------------------------------------------------------------------------


@pages.get("/labs", response_class=HTMLResponse)
def lab_list(request: Request, ctx: Context) -> HTMLResponse:
    service = ctx.labs
    passed = service.passed()
    return render(
        request,
        "labs.html",
        ctx,
        labs=[lab_summary(lab, passed) for lab in service.labs()],
        domains={d.id: d.name for d in ctx.blueprint.domains},
    )


def _lab_page(
    request: Request,
    ctx: Context,
    lab: Lab,
    artifact: str,
    results: list[CheckResult] | None,
    too_large: str = "",
) -> HTMLResponse:
    return render(
        request,
        "lab.html",
        ctx,
        status=422 if too_large else 200,
        too_large=too_large,
        lab=lab,
        brief=to_html(lab.brief),
        artifact=artifact,
        results=results_data(results) if results is not None else None,
        done=lab.id in ctx.labs.passed(),
        max_kib=MAX_ARTIFACT_BYTES // 1024,
        graded_here=lab.kind != "boto3-script" or scripts_graded_here(request, ctx),
    )


@pages.get("/labs/{lab_id}", response_class=HTMLResponse)
def lab_page(request: Request, lab_id: str, ctx: Context) -> HTMLResponse:
    lab = get_lab(lab_id)
    last = ctx.labs.last_submission(lab.id)
    return _lab_page(request, ctx, lab, last.artifact if last else lab.starter, None)


@pages.post("/labs/{lab_id}/check", response_class=HTMLResponse, max_body_size=LAB_CHECK_BYTES)
async def lab_check(
    request: Request,
    lab_id: str,
    ctx: Context,
    artifact: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    lab = get_lab(lab_id)
    limit = f"{MAX_ARTIFACT_BYTES // 1024} KiB"
    if upload is not None and upload.filename:
        data = await upload.read(MAX_ARTIFACT_BYTES + 1)
        if len(data) > MAX_ARTIFACT_BYTES:
            why = f"{upload.filename} is larger than {limit}, so it was not checked."
            return _lab_page(request, ctx, lab, artifact, None, too_large=why)
        try:
            artifact = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(f"{upload.filename} is not a UTF-8 text file") from None
    size = len(artifact.encode("utf-8"))
    if size > MAX_ARTIFACT_BYTES:  # kept on the page, so that nothing typed is lost
        why = f"This text is {size // 1024} KiB, more than the {limit} a lab takes: shorten it."
        return _lab_page(request, ctx, lab, artifact, None, too_large=why)
    results = await _grade(request, ctx, lab, artifact)
    return _lab_page(request, ctx, lab, artifact, results)


# -- API --------------------------------------------------------------------------------------


class ArtifactIn(BaseModel):
    artifact: str = Field(max_length=MAX_ARTIFACT_BYTES, description="The artifact's text")


@api.get("/labs", summary="The labs, with the ones this learner finished")
def api_labs(ctx: Context) -> list[dict[str, Any]]:
    passed = ctx.labs.passed()
    return [lab_summary(lab, passed) for lab in ctx.labs.labs()]


@api.get("/labs/{lab_id}", summary="A lab's brief, starter, hints and last checked artifact")
def api_lab(lab_id: str, ctx: Context) -> dict[str, Any]:
    lab = get_lab(lab_id)
    last = ctx.labs.last_submission(lab.id)
    return {
        **lab_summary(lab, ctx.labs.passed()),
        "artifact_file": lab.artifact,
        "brief": lab.brief,
        "starter": lab.starter,
        "hints": list(lab.hints),
        "last_artifact": last.artifact if last else None,
    }


@api.post(
    "/labs/{lab_id}/check",
    summary="Grade an artifact: every check, with why and a link",
    max_body_size=LAB_CHECK_BYTES,
)
async def api_check(
    request: Request, lab_id: str, body: ArtifactIn, ctx: Context
) -> dict[str, Any]:
    lab = get_lab(lab_id)
    return results_data(await _grade(request, ctx, lab, body.artifact))
