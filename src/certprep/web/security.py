"""Who is asking, and is the request really from our own pages?

- CSRF: every unsafe request sends the page's token back (the ``X-CSRF-Token`` header or a
  ``csrf_token`` form field). The token is not a value the browser could choose: it is an HMAC,
  under a server key, of what the request is bound to: the session (signed in) or, before that
  and in single-user mode, a random browser id kept in an HttpOnly, SameSite=Strict cookie. A
  new session (sign-in) therefore means a new token, and sign-in and sign-out also give the
  browser a new id.
- Sessions (multi-user mode): an HttpOnly, SameSite=Lax cookie with a random token; the database
  keeps only its SHA-256. They end after 14 days, or after two idle hours.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request

from certprep.services.accounts import AccountService, User, token_hash
from certprep.web.settings import WebSettings

CSRF_COOKIE = "certprep_csrf"  # the browser id the token is bound to before sign-in
SESSION_COOKIE = "certprep_session"
LOCAL_LEARNER = "local"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_MIN_ID = 32


class LoginRequired(Exception):
    """Raised for a page that needs a signed-in learner (the app redirects to /login)."""


@dataclass(frozen=True)
class Caller:
    learner: str
    user: User | None
    csrf_token: str


def _browser_id(request: Request, create: bool) -> str | None:
    """The browser's id from its cookie; a new one (set by the response) when it has none."""
    new = getattr(request.state, "new_csrf", None)
    if new is not None:
        return str(new)
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie and len(cookie) >= _MIN_ID:
        return cookie
    if not create:
        return None
    request.state.new_csrf = secrets.token_urlsafe(32)
    return str(request.state.new_csrf)


def _binding(request: Request, create: bool) -> str | None:
    settings: WebSettings = request.app.state.settings
    session = request.cookies.get(SESSION_COOKIE) if settings.multi_user else None
    if session and not getattr(request.state, "signed_out", False):
        return "session:" + token_hash(session)
    browser = _browser_id(request, create)
    return "browser:" + browser if browser else None


def _sign(request: Request, binding: str) -> str:
    key: bytes = request.app.state.csrf_key
    digest = hmac.new(key, binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    """The token this request's pages carry (bound to its session or browser id)."""
    binding = _binding(request, create=True)
    assert binding is not None
    return _sign(request, binding)


def new_browser(request: Request) -> None:
    """Sign-in and sign-out: the browser gets a new id (and so a new token) with this response,
    and its session cookie no longer binds the token."""
    request.state.new_csrf = secrets.token_urlsafe(32)
    request.state.signed_out = True


async def verify_csrf(request: Request) -> None:
    if request.method not in _UNSAFE:
        return
    binding = _binding(request, create=False)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not binding or not sent or not hmac.compare_digest(_sign(request, binding), sent):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def caller(request: Request, settings: WebSettings, accounts: AccountService | None) -> Caller:
    if not settings.multi_user:
        return Caller(LOCAL_LEARNER, None, csrf_token(request))
    session = request.cookies.get(SESSION_COOKIE)
    user = accounts.user_for(session) if (accounts and session) else None
    if user is None:
        raise LoginRequired()
    return Caller(user.id, user, csrf_token(request))


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""
