"""The report states the score's uncertainty, which questions were unscored and whether the
form reused questions; learners report problems with answered questions; authors (and only
they, on a shared server) see item statistics and decide reports."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.clock import FixedClock
from certprep.runtime import Runtime

from .conftest import Browser
from .test_security import multi_user_browser, sign_up


def finish_exam(browser: Browser) -> str:
    attempt = browser.start_exam()
    browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    browser.api("POST", f"/api/attempts/{attempt}/submit")
    return attempt


def test_the_report_gives_the_sem_the_unscored_questions_and_reuse(
    browser: Browser, clock: FixedClock
) -> None:
    first = finish_exam(browser)
    page = browser.page(f"/attempts/{first}/report").text
    assert 'id="sem"' in page and "± " in page
    assert "10 questions were unscored" in page and "why 75 are listed and 65 count" in page
    assert page.count("· unscored</h3>") == 10
    assert 'id="reused"' not in page
    clock.advance(hours=1)
    second = finish_exam(browser)  # the fixture bank is small: this form reuses questions
    assert 'id="reused"' in browser.page(f"/attempts/{second}/report").text


def test_a_learner_reports_a_problem_after_answering(browser: Browser, runtime: Runtime) -> None:
    attempt = browser.start_exam()
    item_id = runtime.exams.state(attempt).attempt.form.items[0].item_id
    early = browser.page(f"/items/{item_id}/report")
    assert early.status_code == 400 and "answer the question first" in early.text
    browser.api("POST", f"/api/attempts/{attempt}/submit")
    form = browser.page(f"/items/{item_id}/report?back=/attempts/{attempt}/report")
    assert form.status_code == 200 and 'value="wrong-key"' in form.text
    sent = browser.form(
        f"/items/{item_id}/report",
        {"reason": "ambiguous", "comment": "B fits too", "back": f"/attempts/{attempt}/report"},
    )
    assert sent.status_code == 200 and "Thank you" in sent.text
    assert f'href="/attempts/{attempt}/report"' in sent.text
    api = browser.api("POST", f"/api/items/{item_id}/reports", {"reason": "typo"})
    assert api.status_code == 201 and api.json()["state"] == "open"
    assert "/items/" in browser.page(f"/attempts/{attempt}/report").text


def test_practice_feedback_restates_the_answer_with_the_option_texts(browser: Browser) -> None:
    browser.page("/")
    r = browser.form("/practice", {"count": "1"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    choose = browser.api("GET", f"/api/attempts/{attempt}/questions/1").json()["choose"]
    letters = ["A", "B", "C"][:choose]
    feedback = browser.api(
        "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": letters}
    ).json()["feedback"]
    assert feedback["chosen"] == letters and all(o["text"] for o in feedback["options"])
    assert feedback["report_url"].startswith("/items/")
    page = browser.page(f"/attempts/{attempt}/q/1").text
    assert f"You chose {', '.join(letters)}." in page and "your choice)" in page


def test_authors_pages_are_for_administrators(app_for: Any, runtime: Runtime) -> None:
    learner = multi_user_browser(app_for)
    sign_up(learner, "olga")
    assert learner.page("/authors").status_code == 403
    CliRunner().invoke(app, ["account", "admin", "olga", "--grant"], obj=runtime)
    page = learner.page("/authors")
    assert page.status_code == 200 and "Items, worst first" in page.text


def test_on_ones_own_machine_the_learner_is_the_author(browser: Browser) -> None:
    finish_exam(browser)
    page = browser.page("/authors")
    assert page.status_code == 200 and "worst first" in page.text
    csv = browser.client.get("/authors/items.csv")
    assert csv.status_code == 200 and csv.text.startswith("item,task,status")
