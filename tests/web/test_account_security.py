"""Sign-in is throttled and bounded in cost, CSRF tokens are bound to the session and rotate,
sessions end when idle or everywhere at once, weak passwords are refused, and on a shared
server only an administrator grants the exam's extra time."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app as cli
from certprep.clock import FixedClock
from certprep.domain.passwords import password_problem
from certprep.domain.throttle import SignInThrottle
from certprep.runtime import Runtime
from certprep.services import accounts as account_module
from certprep.services.accounts import AccountService

from .conftest import Browser
from .test_security import multi_user_browser, sign_up

PASSWORD = "correct horse battery"


class Watched:
    """A password hasher whose ``verify`` calls go through ``on_verify`` first."""

    def __init__(self, real: Any, on_verify: Any) -> None:
        self.real, self.on_verify = real, on_verify
        self.memory_cost = real.memory_cost

    def verify(self, stored: str, password: str) -> bool:
        self.on_verify(password)
        return bool(self.real.verify(stored, password))

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))

    def check_needs_rehash(self, stored: str) -> bool:
        return bool(self.real.check_needs_rehash(stored))


def sign_in(b: Browser, name: str, password: str) -> Any:
    b.page("/login")
    return b.form("/login", {"username": name, "password": password}, follow_redirects=False)


# -- throttling ----------------------------------------------------------------------------------


def test_wrong_passwords_are_throttled_with_retry_after(app_for: Any, clock: FixedClock) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "gina")
    b.form("/logout")
    for _ in range(5):
        assert sign_in(b, "gina", "not the password").status_code == 400
    throttled = sign_in(b, "gina", PASSWORD)  # even the right password waits now
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert "too many failed sign-ins" in throttled.text
    clock.advance(seconds=int(throttled.headers["retry-after"]))
    assert sign_in(b, "gina", PASSWORD).status_code == 303


def test_throttled_attempts_cost_no_password_hash(runtime: Runtime) -> None:
    service = AccountService(runtime.sessions, runtime.clock)
    verified: list[str] = []
    service.hasher = Watched(service.hasher, verified.append)
    for _ in range(5):
        with pytest.raises(account_module.AccountError):
            service.authenticate("nobody", "guess guess guess", "10.0.0.9")
    for _ in range(50):
        with pytest.raises(account_module.TooManyAttempts):
            service.authenticate("nobody", "guess guess guess", "10.0.0.9")
    assert len(verified) == 5


def test_one_address_trying_many_accounts_is_slowed() -> None:
    throttle, now = SignInThrottle(), datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(6):
        throttle.failed(f"user{n}", "10.1.1.1", now)
    assert throttle.retry_after("someone-else", "10.1.1.1", now) is not None
    assert throttle.retry_after("someone-else", "10.2.2.2", now) is None


def test_an_attacker_cannot_lock_a_learner_out_for_long() -> None:
    """Guesses from a thousand addresses keep the account waiting a minute at most."""
    throttle, now = SignInThrottle(), datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1000):
        throttle.failed("victim", f"10.9.{n // 250}.{n % 250}", now)
    wait = throttle.retry_after("victim", "192.0.2.1", now)
    assert wait is not None and wait <= 60
    assert throttle.retry_after("victim", "192.0.2.1", now + timedelta(seconds=61)) is None


def test_password_hashing_is_bounded_in_memory_and_concurrency(runtime: Runtime) -> None:
    service = AccountService(runtime.sessions, runtime.clock)
    assert service.hasher.memory_cost <= 19 * 1024  # KiB per hash
    running, peak, lock = 0, 0, threading.Lock()

    def slow(password: str) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    service.hasher = Watched(service.hasher, slow)
    threads = [
        threading.Thread(target=_try_sign_in, args=(service, f"10.0.{n}.1")) for n in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= peak <= account_module.HASH_SLOTS


def _try_sign_in(service: AccountService, address: str) -> None:
    with contextlib.suppress(account_module.AccountError):
        service.authenticate("nobody", "guess guess guess", address)


# -- CSRF and sessions ---------------------------------------------------------------------------


def test_a_token_the_client_chose_is_refused(browser: Browser) -> None:
    browser.page("/")
    browser.client.cookies.set("certprep_csrf", "A" * 43)
    r = browser.client.post("/exams", headers={"X-CSRF-Token": "A" * 43})
    assert r.status_code == 403


def test_a_token_is_bound_to_its_browser(app_for: Any) -> None:
    one, two = multi_user_browser(app_for), multi_user_browser(app_for)
    one.page("/login")
    two.page("/login")
    assert one.csrf != two.csrf
    stolen = two.client.post(
        "/login", data={"csrf_token": one.csrf, "username": "x", "password": "y" * 10}
    )
    assert stolen.status_code == 403


def test_the_token_rotates_at_sign_in_and_sign_out(app_for: Any) -> None:
    b = multi_user_browser(app_for)
    b.page("/register")
    before = b.csrf
    sign_up(b, "hana")
    b.page("/")
    signed_in = b.csrf
    assert signed_in != before
    assert b.client.post("/exams", data={"csrf_token": before}).status_code == 403
    b.form("/logout")
    b.page("/login")
    assert b.csrf not in (before, signed_in)


def test_an_idle_session_ends(app_for: Any, clock: FixedClock) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "ivan")
    clock.advance(minutes=90)
    assert b.page("/", follow_redirects=False).status_code == 200  # still active: now seen
    clock.advance(minutes=119)
    assert b.page("/", follow_redirects=False).status_code == 200
    clock.advance(hours=2, minutes=1)
    r = b.page("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_sign_out_everywhere_ends_every_session(app_for: Any) -> None:
    laptop, phone = multi_user_browser(app_for), multi_user_browser(app_for)
    sign_up(laptop, "jude")
    assert sign_in(phone, "jude", PASSWORD).status_code == 303
    laptop.page("/account")
    assert "2 signed-in browsers" in laptop.page("/account").text
    laptop.form("/account/sign-out-everywhere")
    assert phone.client.get("/api/history").status_code == 401
    assert laptop.client.get("/api/history").status_code == 401


# -- passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password123", "most common"),
        ("Qwertyuiop1", "most common"),
        ("iloveyou!!", "most common"),
        ("aaaaaaaaaaaa", "one repeated character"),
        ("abcdefghijkl", "simple sequence"),
        ("0987654321", "simple sequence"),
        ("asdfghjkl;", "simple sequence"),
        ("abcabcabcabc", "simple sequence"),
        ("kate-rocks-2026", "must not contain the username"),
        ("short", "at least 10"),
    ],
)
def test_weak_passwords_are_refused(password: str, why: str) -> None:
    problem = password_problem(password, "kate")
    assert problem is not None and why in problem


def test_a_reasonable_password_is_accepted() -> None:
    assert password_problem("correct horse battery", "kate") is None
    assert password_problem("Tr4ns-p4cific cable", "kate") is None


def test_sign_in_does_not_say_which_usernames_exist(app_for: Any) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "lena")
    b.form("/logout")
    unknown = sign_in(b, "no-such-learner", "whatever whatever")
    wrong = sign_in(b, "lena", "whatever whatever")
    assert unknown.status_code == wrong.status_code == 400
    assert (
        "wrong username or password" in unknown.text and "wrong username or password" in wrong.text
    )


# -- accommodation ----------------------------------------------------------------------------------


def test_a_learner_cannot_grant_themselves_extra_time(app_for: Any, runtime: Runtime) -> None:
    b = multi_user_browser(app_for)
    sign_up(b, "mia")
    b.page("/")
    asked = b.api("POST", "/api/exams", {"accommodation": True})
    assert asked.status_code == 422 and "administrator" in asked.json()["detail"]
    granted = CliRunner().invoke(cli, ["account", "accommodation", "mia", "--grant"], obj=runtime)
    assert granted.exit_code == 0 and "mia now has the 30-minute" in granted.output
    started = b.api("POST", "/api/exams", {}).json()
    assert (
        runtime.exams.for_learner(runtime_user_id(runtime, "mia"))
        .state(started["id"])
        .attempt.accommodation
    )
    unknown = CliRunner().invoke(cli, ["account", "accommodation", "nobody"], obj=runtime)
    assert unknown.exit_code == 2 and "no account 'nobody'" in unknown.output


def test_on_their_own_machine_the_learner_chooses(browser: Browser, runtime: Runtime) -> None:
    browser.page("/")
    started = browser.api("POST", "/api/exams", {"accommodation": True}).json()
    assert runtime.exams.state(started["id"]).attempt.accommodation


def runtime_user_id(runtime: Runtime, username: str) -> str:
    import sqlalchemy as sa

    with runtime.sessions() as session:
        return str(
            session.execute(
                sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
            ).scalar_one()
        )
