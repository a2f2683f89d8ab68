"""Request bodies are capped per route before anything reads them: 413 at once when the
declared length is too big, and as soon as a chunked body passes the limit."""

from __future__ import annotations

from collections.abc import Iterator

from certprep.services.labs import MAX_ARTIFACT_BYTES
from certprep.web.exam_api import EXAM_CALL_BYTES
from certprep.web.labs import LAB_CHECK_BYTES

from .conftest import Browser

LAB = "orders-data-recovery"


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    while total > 0:
        yield b" " * min(size, total)
        total -= size


def test_a_declared_length_over_the_limit_is_refused_unread(browser: Browser) -> None:
    browser.page("/")
    r = browser.client.post(
        "/login",
        content=b"x" * 10,
        headers={"content-length": str(200 * 1024 * 1024), "content-type": "text/plain"},
    )
    assert r.status_code == 413


def test_a_chunked_body_is_cut_off_at_the_limit(browser: Browser) -> None:
    browser.page("/")
    r = browser.client.post(
        "/exams",
        content=chunks(5 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": browser.csrf},
    )
    assert r.status_code == 413


def test_an_answer_takes_a_few_kib_at_most(browser: Browser) -> None:
    attempt = browser.start_exam()
    padded = '{"choice": ["A"]' + " " * EXAM_CALL_BYTES + "}"
    r = browser.client.put(
        f"/api/attempts/{attempt}/questions/1/answer",
        content=padded,
        headers={"content-type": "application/json", "x-csrf-token": browser.csrf},
    )
    assert r.status_code == 413
    ok = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    assert ok.status_code == 200


def test_a_lab_artifact_up_to_256_kib_is_taken_and_no_more(browser: Browser) -> None:
    browser.page(f"/labs/{LAB}")
    fits = browser.api("POST", "/api/labs/pipeline-failure-alert/check", {"artifact": "{}"})
    assert fits.status_code == 200
    big = browser.api(
        "POST", f"/api/labs/{LAB}/check", {"artifact": "#" * (MAX_ARTIFACT_BYTES + 1)}
    )
    assert big.status_code == 422  # within the body limit: the artifact's own limit says why
    huge = browser.client.post(
        f"/api/labs/{LAB}/check",
        content=b"{" + b" " * LAB_CHECK_BYTES + b"}",
        headers={"content-type": "application/json", "x-csrf-token": browser.csrf},
    )
    assert huge.status_code == 413
