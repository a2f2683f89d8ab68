"""What a learner meets in the exam pages: a Previous button that cannot leave question 1,
404 for what does not exist, and error pages that lead back."""

from __future__ import annotations

import re

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


def test_api_docs_are_served_from_the_apps_own_files(browser: Browser) -> None:
    page = browser.page("/docs")
    assert page.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == ["/static/swagger/swagger-ui-bundle.js", "/static/docs.js"]
    assert "<script>" not in page.text and "cdn" not in page.text.lower()
    for asset in [*scripts, "/static/swagger/swagger-ui.css"]:
        assert browser.client.get(asset).status_code == 200, asset


def test_no_page_carries_an_inline_script_or_handler(browser: Browser) -> None:
    attempt = browser.start_exam()
    for path in ("/", f"/attempts/{attempt}/q/1", f"/attempts/{attempt}/review", "/docs"):
        text = browser.page(path).text
        assert not re.search(r"\son(submit|click|load|change)=", text), path
        assert "<script>" not in text, path


def test_there_is_a_favicon(browser: Browser) -> None:
    assert 'rel="icon" href="/static/favicon.svg"' in browser.page("/").text
    icon = browser.client.get("/favicon.ico")
    assert icon.status_code == 200 and "svg" in icon.headers["content-type"]


def test_a_lab_paste_over_the_limit_keeps_the_text_and_says_the_limit(browser: Browser) -> None:
    lab = "pipeline-failure-alert"
    page = browser.page(f"/labs/{lab}").text
    assert "up to 256 KiB" in page and 'maxlength="262144"' in page
    text = '{"source": ["aws.codepipeline"]}' + " " * (300 * 1024)
    r = browser.form(f"/labs/{lab}/check", {"artifact": text})
    assert r.status_code == 422
    assert "more than the 256 KiB a lab takes" in r.text
    assert "{&#34;source&#34;: [&#34;aws.codepipeline&#34;]}" in r.text  # the text is kept
