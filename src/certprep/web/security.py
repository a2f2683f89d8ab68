"""Who is asking, and is the request really from our own pages?

- CSRF: double-submit token. Every page carries the token (a meta tag and hidden form fields);
  the same value sits in an HttpOnly, SameSite=Strict cookie. Every unsafe request must send it
  back in the ``X-CSRF-Token`` header or a ``csrf_token`` form field.
- Sessions (multi-user mode): an HttpOnly, SameSite=Lax cookie with a random token; the database
  keeps only its SHA-256.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response

from certprep.services.accounts import AccountService, User
from certprep.web.settings import WebSettings

CSRF_COOKIE = "certprep_csrf"
SESSION_COOKIE = "certprep_session"
LOCAL_LEARNER = "local"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """Raised for a page that needs a signed-in learner (the app redirects to /login)."""


@dataclass(frozen=True)
class Caller:
    learner: str
    user: User | None
    csrf_token: str


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE)
    if token and len(token) >= 32:
        return token
    cached = getattr(request.state, "new_csrf", None)
    if cached is None:
        cached = secrets.token_urlsafe(32)
        request.state.new_csrf = cached
    return str(cached)


def set_cookies(request: Request, response: Response, settings: WebSettings) -> None:
    """Give a browser its CSRF cookie the first time it comes."""
    new = getattr(request.state, "new_csrf", None)
    if new is not None:
        response.set_cookie(
            CSRF_COOKIE,
            new,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/",
        )


async def verify_csrf(request: Request) -> None:
    if request.method not in _UNSAFE:
        return
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def caller(request: Request, settings: WebSettings, accounts: AccountService | None) -> Caller:
    token = csrf_token(request)
    if not settings.multi_user:
        return Caller(LOCAL_LEARNER, None, token)
    session = request.cookies.get(SESSION_COOKIE)
    user = accounts.user_for(session) if (accounts and session) else None
    if user is None:
        raise LoginRequired()
    return Caller(user.id, user, token)
