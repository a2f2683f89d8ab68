"""The learning engine in the web app: due count, review sessions, self-rating, adaptive
drills, mastery on the progress page, and the study plan."""

from __future__ import annotations

import re

from certprep.runtime import Runtime

from .conftest import Browser


def miss_one(browser: Browser, runtime: Runtime) -> str:
    """Answer one practice question wrongly; returns its item id."""
    browser.page("/")
    r = browser.form("/practice", {"area": "t1.1", "count": "1"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    state = runtime.exams.state(attempt)
    f = state.attempt.form.items[0]
    item = runtime.bank.items[f.item_id]
    wrong = [chr(65 + d) for d, a in enumerate(f.option_order) if not item.options[a].correct]
    browser.api(
        "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": wrong[: item.choose]}
    )
    return f.item_id


def test_missed_items_show_as_due_and_start_a_review(
    browser: Browser, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    assert "Nothing is due for review now" in browser.page("/").text
    item = miss_one(browser, runtime)
    clock.advance(minutes=2)
    home = browser.page("/").text
    assert re.search(r'id="due-count">1<', home)
    r = browser.form("/review", follow_redirects=False)
    review = r.headers["location"].split("/")[2]
    assert [f.item_id for f in runtime.exams.state(review).attempt.form.items] == [item]


def test_a_right_practice_answer_can_be_rated_hard(browser: Browser, runtime: Runtime) -> None:
    browser.page("/")
    r = browser.form("/practice", {"area": "t2.1", "count": "1"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    before = browser.api("POST", f"/api/attempts/{attempt}/questions/1/rating", {"rating": "hard"})
    assert before.status_code == 409 and "after answering" in before.json()["detail"]
    f = runtime.exams.state(attempt).attempt.form.items[0]
    item = runtime.bank.items[f.item_id]
    key = [chr(65 + d) for d, a in enumerate(f.option_order) if item.options[a].correct]
    browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": key})
    r = browser.api("POST", f"/api/attempts/{attempt}/questions/1/rating", {"rating": "hard"})
    assert r.status_code == 200 and r.json()["next_review"]
    bad = browser.api("POST", f"/api/attempts/{attempt}/questions/1/rating", {"rating": "meh"})
    assert bad.status_code == 422


def test_adaptive_drill_and_progress_page(browser: Browser) -> None:
    browser.page("/")
    r = browser.form("/practice/adaptive", {"count": "4"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/q/1")
    page = browser.page("/progress").text
    assert "What to study next" in page and "80% interval" in page


def test_study_plan_page(browser: Browser) -> None:
    page = browser.page("/plan").text
    assert "Not ready to book yet" in page and "Take practice exams" in page
    browser.form("/plan/steps/2", {"done": "on"})
    assert "✔</button>" in browser.page("/plan").text
    plan = browser.page("/plan?exam_date=2026-02-01").text
    assert "Full practice exam" in plan and "light review only" in plan
    assert browser.page("/plan?exam_date=soon").status_code == 422


def test_the_chance_of_passing_is_on_home_progress_and_plan(browser: Browser) -> None:
    for page in ("/", "/progress", "/plan"):
        text = browser.page(page).text
        assert 'id="pass-estimate"' in text and "Not enough evidence yet" in text, page
