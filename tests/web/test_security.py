"""Keys never reach the browser early; accounts, sessions and one learner's data are private."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from markupsafe import escape

from certprep.runtime import Runtime
from certprep.web.settings import WebSettings

from .conftest import Browser, local_client


def secrets_of(runtime: Runtime, attempt_id: str, number: int) -> list[str]:
    """What must stay on the server until the answer is final: rationales and explanation."""
    state = runtime.exams.state(attempt_id)
    item = runtime.bank.items[state.attempt.form.items[number - 1].item_id]
    return [o.why for o in item.options] + [item.explanation.strip()]


def received(browser: Browser, attempt: str, number: int) -> str:
    """Everything the browser receives for a question: the page and the API's answers."""
    page = browser.page(f"/attempts/{attempt}/q/{number}").text
    api = browser.api("GET", f"/api/attempts/{attempt}/questions/{number}").text
    return page + api


def test_exam_keys_stay_on_the_server_until_the_exam_ends(
    browser: Browser, runtime: Runtime
) -> None:
    attempt = browser.start_exam()
    answered = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    seen = (
        received(browser, attempt, 1)
        + answered.text
        + browser.api("GET", f"/api/attempts/{attempt}").text
    )
    for secret in secrets_of(runtime, attempt, 1):
        assert secret not in seen
    assert answered.json()["feedback"] is None
    assert '"correct"' not in seen
    assert browser.api("GET", f"/api/attempts/{attempt}/report").status_code == 409
    browser.api("POST", f"/api/attempts/{attempt}/submit")
    report = browser.page(f"/attempts/{attempt}/report").text
    for secret in secrets_of(runtime, attempt, 1):  # now the review shows them all
        assert str(escape(secret)) in report


def test_practice_keys_arrive_only_with_the_answer(browser: Browser, runtime: Runtime) -> None:
    browser.page("/")
    r = browser.form("/practice", {"count": "2"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    before = received(browser, attempt, 1) + received(browser, attempt, 2)
    for n in (1, 2):
        for secret in secrets_of(runtime, attempt, n):
            assert secret not in before
    choose = runtime.bank.items[runtime.exams.state(attempt).attempt.form.items[0].item_id].choose
    if choose > 1:  # a partial choice is not final: still no key
        partial = browser.api(
            "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]}
        )
        assert partial.json()["feedback"] is None
        assert all(s not in received(browser, attempt, 1) for s in secrets_of(runtime, attempt, 1))
    answered = browser.api(
        "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": list("ABC"[:choose])}
    ).json()
    assert answered["feedback"]["explanation"] == secrets_of(runtime, attempt, 1)[-1]
    for secret in secrets_of(runtime, attempt, 2):  # the next question is still closed
        assert secret not in received(browser, attempt, 2)


def multi_user_browser(app_for: Any) -> Browser:
    return Browser(local_client(app_for(WebSettings(multi_user=True))))


def sign_up(b: Browser, name: str) -> None:
    b.page("/register")
    r = b.form(
        "/register", {"username": name, "password": "correct horse battery"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_multi_user_mode_needs_sign_in(app_for: Any) -> None:
    b = multi_user_browser(app_for)
    r = b.page("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert b.client.get("/api/history").status_code == 401
    b.page("/login")
    r = b.form("/login", {"username": "nobody", "password": "wrong password!"})
    assert r.status_code == 400 and "wrong username or password" in r.text


def test_one_user_never_sees_anothers_attempts(app_for: Any, runtime: Runtime) -> None:
    alice, bob = multi_user_browser(app_for), multi_user_browser(app_for)
    sign_up(alice, "alice")
    sign_up(bob, "bob")
    attempt = alice.start_exam()
    alice.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    bob.page("/")
    for method, path, body in [
        ("GET", f"/api/attempts/{attempt}", None),
        ("GET", f"/api/attempts/{attempt}/questions/1", None),
        ("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["B"]}),
        ("PUT", f"/api/attempts/{attempt}/questions/1/flag", {"flagged": True}),
        ("POST", f"/api/attempts/{attempt}/submit", None),
        ("GET", f"/api/attempts/{attempt}/report", None),
    ]:
        assert bob.api(method, path, body).status_code == 404, path
    assert bob.page(f"/attempts/{attempt}/q/1").status_code == 404
    assert bob.api("GET", "/api/history").json() == []
    state = alice.api("GET", f"/api/attempts/{attempt}").json()
    assert state["answered"] + state["incomplete"] == [1]  # "A" may be half of a "choose two"
    assert state["flagged"] == [] and state["status"] == "in_progress"


def test_passwords_are_stored_as_argon2_hashes(app_for: Any, runtime: Runtime) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "carol")
    with runtime.sessions() as session:
        stored = session.execute(
            sa.text("SELECT password_hash FROM users WHERE username = 'carol'")
        ).scalar_one()
        tokens = session.execute(sa.text("SELECT token_hash FROM web_sessions")).scalars().all()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert b.client.cookies.get("certprep_session") not in tokens  # only the token's hash is kept


def test_sign_out_ends_the_session(app_for: Any) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "dave")
    b.page("/")
    assert b.form("/logout", follow_redirects=False).status_code == 303
    assert b.client.get("/api/history").status_code == 401


def test_short_passwords_and_taken_names_are_refused(app_for: Any) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "erin")
    other = multi_user_browser(app_for)
    other.page("/register")
    assert (
        "at least 10 characters"
        in other.form("/register", {"username": "frank", "password": "short"}).text
    )
    assert (
        "taken"
        in other.form("/register", {"username": "ERIN", "password": "another long one"}).text
    )


def test_security_headers(browser: Browser) -> None:
    r = browser.page("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
