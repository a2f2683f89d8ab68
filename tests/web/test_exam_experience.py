"""What a learner meets in the exam pages: a Previous button that cannot leave question 1,
404 for what does not exist, and error pages that lead back."""

from __future__ import annotations

from .conftest import Browser


def test_previous_is_disabled_on_the_first_question(browser: Browser) -> None:
    attempt = browser.start_exam()
    first = browser.page(f"/attempts/{attempt}/q/1").text
    assert '<button type="button" id="prev" disabled>Previous</button>' in first
    second = browser.page(f"/attempts/{attempt}/q/2").text
    assert f'id="prev" href="/attempts/{attempt}/q/1"' in second


def test_a_question_or_attempt_that_does_not_exist_is_404(browser: Browser) -> None:
    attempt = browser.start_exam()
    assert browser.page(f"/attempts/{attempt}/q/0").status_code == 404
    assert browser.page(f"/attempts/{attempt}/q/76").status_code == 404
    assert browser.api("GET", f"/api/attempts/{attempt}/questions/99").status_code == 404
    answer = browser.api("PUT", f"/api/attempts/{attempt}/questions/99/answer", {"choice": ["A"]})
    assert answer.status_code == 404
    assert browser.page("/attempts/nosuchattempt/q/1").status_code == 404


def test_error_pages_are_friendly_and_lead_back(browser: Browser) -> None:
    attempt = browser.start_exam()
    page = browser.page(f"/attempts/{attempt}/q/99").text
    assert "<h1>Not found</h1>" in page and "there is no question 99" in page
    assert f'href="/attempts/{attempt}"' in page and "Back to your exam or practice session" in page
    missing = browser.page("/attempts/nosuchattempt/q/1").text
    assert 'href="/"' in missing and "Back to the start page" in missing
    unknown = browser.page("/no/such/page", headers={"accept": "text/html"})
    assert unknown.status_code == 404 and "<h1>Not found</h1>" in unknown.text
