"""One full exam at a time, resume buttons that say what they resume, one review session,
practice reports without a scaled score, progress per task (backfilled), reflowed text."""

from __future__ import annotations

import re

from certprep.runtime import Runtime
from certprep.storage.attempts import AttemptRepository

from .conftest import Browser


def answer_all(browser: Browser, runtime: Runtime, attempt: str) -> None:
    state = runtime.exams.state(attempt)
    for n, f in enumerate(state.attempt.form.items, start=1):
        item = runtime.bank.items[f.item_id]
        letters = list("ABC"[: item.choose])
        browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": letters})


def finish_practice(browser: Browser, runtime: Runtime, area: str, count: int) -> str:
    browser.page("/")
    r = browser.form("/practice", {"area": area, "count": str(count)}, follow_redirects=False)
    attempt = str(r.headers["location"].split("/")[2])
    answer_all(browser, runtime, attempt)
    browser.form(f"/attempts/{attempt}/submit", {"confirm": "on"})
    return attempt


def test_a_second_exam_offers_the_open_one(browser: Browser) -> None:
    first = browser.start_exam()
    browser.api("PUT", f"/api/attempts/{first}/questions/1/answer", {"choice": ["A"]})
    r = browser.form("/exams", {}, follow_redirects=False)
    assert r.status_code == 409
    assert f'href="/attempts/{first}"' in r.text and "Resume the exam" in r.text
    assert "of 75 answered" in r.text


def test_resume_buttons_say_what_they_resume(browser: Browser) -> None:
    browser.start_exam()
    browser.form("/practice", {"count": "3"}, follow_redirects=False)
    home = browser.page("/").text
    assert "Resume full exam" in home and "Resume practice" in home
    assert re.search(r"started \d{4}-\d\d-\d\d \d\d:\d\d UTC, 0 of 75 answered, 3:00 left", home)
    assert re.search(r"0 of 3 answered", home)


def test_review_now_twice_opens_one_session(browser: Browser, runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    browser.page("/")
    r = browser.form("/practice", {"count": "2"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    state = runtime.exams.state(attempt)
    for n, f in enumerate(state.attempt.form.items, start=1):  # miss both
        item = runtime.bank.items[f.item_id]
        wrong = [chr(65 + d) for d, a in enumerate(f.option_order) if not item.options[a].correct]
        browser.api(
            "PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": wrong[: item.choose]}
        )
    clock.advance(minutes=10)
    first = browser.form("/review", {}, follow_redirects=False).headers["location"]
    second = browser.form("/review", {}, follow_redirects=False).headers["location"]
    assert first.split("/")[2] == second.split("/")[2]
    assert "Resume review session" in browser.page("/").text


def test_a_practice_report_shows_tasks_and_no_scaled_score(
    browser: Browser, runtime: Runtime
) -> None:
    attempt = finish_practice(browser, runtime, "t2.1", 3)
    report = browser.page(f"/attempts/{attempt}/report").text
    assert (
        'id="scaled"' not in report and "Fail" not in report and "Needs Improvement" not in report
    )
    assert re.search(r'id="task-results".*?<th scope="row">2\.1 ', report, re.S)
    assert 'id="next-steps"' in report
    assert "Practice results" in report


def test_progress_by_task_counts_finished_practice(browser: Browser, runtime: Runtime) -> None:
    finish_practice(browser, runtime, "t3.2", 2)
    page = browser.page("/progress").text
    assert re.search(r'title="[^"]*">3\.2 [^<]*</th><td>\d/2</td>', page)


def test_results_stored_without_tasks_are_backfilled(browser: Browser, runtime: Runtime) -> None:
    finish_practice(browser, runtime, "t1.1", 2)
    with runtime.sessions.begin() as session:  # as an older version stored it
        repo = AttemptRepository(session)
        row = repo.history("local", 1)[0]
        repo.set_result(row.id, {k: v for k, v in (row.result or {}).items() if k != "tasks"})
    page = browser.page("/progress").text
    assert re.search(r'title="[^"]*">1\.1 [^<]*</th><td>\d/2</td>', page)
    with runtime.sessions() as session:
        assert "tasks" in (AttemptRepository(session).history("local", 1)[0].result or {})
