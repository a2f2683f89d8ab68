"""The FastAPI application: routers, error handling, security headers."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from certprep.domain.attempt import AttemptError, NoSuchQuestion, TimeUp
from certprep.domain.form import FormError
from certprep.errors import CertprepError, NotFound
from certprep.runtime import Runtime
from certprep.services.accounts import (
    AccountError,
    AccountService,
    ServerBusy,
    TooManyAttempts,
    server_secret,
)
from certprep.web.deps import BadInput
from certprep.web.hosts import AllowedHosts
from certprep.web.security import CSRF_COOKIE, LoginRequired
from certprep.web.settings import WebSettings

HERE = Path(__file__).parent
FORM_BYTES = 16 * 1024
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds security headers, no-store caching, and the CSRF cookie a new browser needs."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += _HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                new = scope.get("state", {}).get("new_csrf")
                if new:
                    secure = "; Secure" if self.settings.secure_cookies else ""
                    cookie = f"{CSRF_COOKIE}={new}; Path=/; HttpOnly; SameSite=Strict{secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _status(exc: CertprepError) -> tuple[int, str]:
    from certprep.web.labs import ScriptLabsOff

    if isinstance(exc, ScriptLabsOff):
        return 403, "script_labs_off"
    if isinstance(exc, NotFound | NoSuchQuestion):
        return 404, "not_found"
    if isinstance(exc, TimeUp):
        return 409, "time_up"
    if isinstance(exc, AttemptError):
        return 409, "refused"
    if isinstance(exc, FormError | BadInput):
        return 422, "bad_input"
    if isinstance(exc, TooManyAttempts):
        return 429, "too_many_attempts"
    if isinstance(exc, ServerBusy):
        return 503, "busy"
    if isinstance(exc, AccountError):
        return 400, "account"
    return 400, "error"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def swagger_ui_assets() -> Path:
    """Swagger UI's own files, from the swagger-ui-py package (not imported: only its files)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is missing: pip install certprep again")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _methods_of(app: FastAPI, request: Request) -> list[str]:
    """The methods some route offers at this request's path."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def create_app(runtime: Runtime, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(
        title="certprep",
        description="Practice and readiness for the AWS DOP-C02 exam. Unsafe requests need the "
        "X-CSRF-Token header (the value in the page's csrf-token meta tag).",
        version="0.1.0",
        # certprep exports no OpenTelemetry data; FastAPI's native telemetry would still look
        # up the global providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # bodies are capped before anything reads them (413): forms take a few KiB; the exam's
        # calls and lab checks set their own limits (exam_api, labs)
        max_body_size=FORM_BYTES,
        docs_url=None,  # served below from Swagger UI's packaged assets, inside the CSP
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.accounts = (
        AccountService(runtime.sessions, runtime.clock) if settings.multi_user else None
    )
    # opens and migrates the database at start, not on the first request
    app.state.csrf_key = server_secret(runtime.sessions, "csrf")
    runtime.bank.index  # load the bank and index it  # noqa: B018
    gc.freeze()  # the bank lives as long as the process: keep it out of the collector's scans

    from certprep.web import api, authoring, exam_api, labs, pages

    # the exam's hot calls are matched first, as plain routes (an included router adds a layer
    # of matching to every request)
    app.router.routes.extend(exam_api.router.routes)
    app.include_router(api.router)
    app.include_router(labs.api)
    app.include_router(labs.pages)
    app.include_router(authoring.api)
    app.include_router(authoring.pages)
    app.include_router(pages.router)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(AllowedHosts, names=settings.allowed_hosts)  # outermost: before routing

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    # the trivial endpoint is routed like the exam's hot calls (see exam_api) and matched
    # first, so that the load benchmark compares their work, not two ways of routing
    app.router.routes.insert(
        0, exam_api.LeanRoute("/healthz", healthz, methods=["GET"], include_in_schema=False)
    )

    @app.exception_handler(CertprepError)
    async def certprep_error(request: Request, exc: CertprepError) -> Response:
        status, code = _status(exc)
        response: Response
        if _wants_json(request):
            response = JSONResponse({"detail": str(exc), "code": code}, status_code=status)
        else:
            response = pages.error_page(request, status, str(exc))
        if isinstance(exc, TooManyAttempts):
            response.headers["retry-after"] = str(exc.retry_after)
        elif isinstance(exc, ServerBusy):
            response.headers["retry-after"] = "2"
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first", "code": "login"}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            headers["allow"] = ", ".join(_methods_of(app, request))
        response: Response
        if _wants_json(request):
            response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        else:
            response = pages.error_page(request, exc.status_code, str(exc.detail))
        response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems: list[dict[str, Any]] = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]}
            for e in exc.errors()
        ]
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        if _wants_json(request):
            return JSONResponse({"detail": message, "problems": problems}, status_code=422)
        return pages.error_page(request, 422, message)

    return app


def create_app_from_environment() -> FastAPI:
    """The factory ``certprep serve`` hands to uvicorn (one per worker process)."""
    return create_app(Runtime.from_environment(), WebSettings.from_environment())
