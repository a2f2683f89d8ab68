"""The web app in a real browser: a whole exam, practice feedback, resume after a reload and a
server restart, and no answer keys in anything the browser receives before the exam ends."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import Server, shot

SECRETS = (
    "Synthetic item for tests.",
    "Rationale 1.",
    "Rationale 2.",
    "Rationale 3.",
    "Rationale 4.",
)


def answer_current(page: Any, flag: bool = False) -> None:
    """Answer the question on screen with the keyboard (the first N letters) and wait for the save."""
    choose = int(page.get_attribute("#attempt", "data-choose"))
    for letter in "abc"[:choose]:
        page.keyboard.press(letter)
    expect(page.locator("#save-status")).to_have_text(f"Saved: {', '.join('ABC'[:choose])}.")
    if flag:
        page.keyboard.press("m")
        expect(page.locator("#save-status")).to_have_text("Flagged")


def test_a_full_exam_in_the_browser(page: Any, server: Server) -> None:
    page.goto(server.url)
    shot(page, "home")
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    assert page.inner_text(".qcount") == "Question 1 of 75"
    assert re.match(r"2:59:\d\d|3:00:00", page.inner_text("#timer"))
    shot(page, "exam-question")
    for n in range(1, 76):
        assert page.inner_text(".qcount") == f"Question {n} of 75"
        answer_current(page, flag=n in (5, 10))
        if n == 2:
            page.click('.option[data-letter="D"] .strike')  # a personal aid, nothing is saved
            assert "struck" in (page.get_attribute('.option[data-letter="D"]', "class") or "")
        page.keyboard.press("n")
        page.wait_for_url(re.compile(rf"/q/{n + 1}$" if n < 75 else r"/review$"))
    assert "Flagged for review: 5, 10" in page.inner_text(".end")
    assert "Unanswered" not in page.inner_text(".end")
    shot(page, "review")
    page.click("#end-exam")  # the confirmation box is required first
    assert "/review" in page.url
    page.check("#confirm-end")
    page.click("#end-exam")
    page.wait_for_url(re.compile(r"/report$"))
    scaled = int(page.inner_text("#scaled"))
    assert 100 <= scaled <= 1000
    assert page.inner_text("#verdict") in ("Pass", "Fail")
    assert page.locator("table.domains tbody tr").count() == 6
    shot(page, "report")
    page.select_option('select[name="show"]', "flagged")
    page.click('form.filters button[type="submit"]')
    assert "2 of 75 questions shown" in page.inner_text("body")


def test_practice_shows_feedback_after_answering(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.select_option("#area", "d1")
    page.fill('input[name="count"]', "3")
    page.click("#start-practice")
    page.wait_for_url(re.compile(r"/q/1$"))
    assert page.is_hidden("#feedback")
    choose = int(page.get_attribute("#attempt", "data-choose"))
    for letter in "ABC"[:choose]:
        page.check(f"#opt-{letter}")
    page.click("#check")
    page.wait_for_selector("#feedback:not([hidden]) h2")
    text = page.inner_text("#feedback")
    assert ("Correct." in text) or ("Not quite. The answer is" in text)
    assert "Rationale" in text and "https://docs.aws.amazon.com/" in text
    assert page.is_disabled("#opt-A")
    shot(page, "practice-feedback")


def test_reload_and_server_restart_resume_the_exam(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    answer_current(page)
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/q/2$"))
    answer_current(page, flag=True)
    chosen = sorted(
        page.eval_on_selector_all('input[name="choice"]:checked', "els => els.map(e => e.value)")
    )
    page.reload()
    assert page.url.endswith("/q/2") and page.get_attribute("#flag", "aria-pressed") == "true"
    server.stop()
    server.start()
    attempt = page.get_attribute("#attempt", "data-attempt")
    page.goto(f"{server.url}/attempts/{attempt}")  # the resume link lands on the same question
    page.wait_for_url(re.compile(r"/q/2$"))
    again = sorted(
        page.eval_on_selector_all('input[name="choice"]:checked', "els => els.map(e => e.value)")
    )
    assert again == chosen
    assert page.get_attribute("#flag", "aria-pressed") == "true"
    assert "answered" in (page.get_attribute('.nav-q[data-n="1"]', "class") or "")
    left = int(page.get_attribute("#attempt", "data-time-left"))
    assert 170 * 60 < left < 180 * 60


def test_no_key_reaches_the_browser_before_the_exam_ends(page: Any, server: Server) -> None:
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: (
            bodies.append(r.text())
            if "text" in r.headers.get("content-type", "")
            or "json" in r.headers.get("content-type", "")
            else None
        ),
    )
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    for n in range(1, 4):
        answer_current(page, flag=True)
        page.keyboard.press("n")
        page.wait_for_url(re.compile(rf"/q/{n + 1}$"))
    page.goto(page.url.rsplit("/q/", 1)[0] + "/review")
    seen = "\n".join(bodies)
    assert bodies and not any(secret in seen for secret in SECRETS)
    page.check("#confirm-end")
    page.click("#end-exam")
    page.wait_for_url(re.compile(r"/report$"))
    assert "Synthetic item for tests." in page.content()  # now the review shows them


def test_phone_width(chromium: Any, server: Server) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    shot(page, "exam-phone")
    context.close()


def test_a_lab_in_the_browser(page: Any, server: Server) -> None:
    from certprep.labs.catalog import get_lab

    lab = get_lab("ec2-stop-alert")
    page.goto(server.url)
    page.click("text=Labs")
    page.click(f"text={lab.title}")
    expect(page.locator(".brief h1")).to_contain_text("Ticket OPS-2114")
    page.click("text=Hint 1 of 3")
    expect(page.locator("details[open] p")).to_contain_text("detail.state")
    page.fill("#artifact", lab.wrong)
    page.click("#check-lab")
    expect(page.locator("#results-h")).to_have_text("1 of 3 checks pass")
    expect(page.locator(".check-result.bad").first).to_contain_text("FAIL")
    shot(page, "lab-failing")
    page.fill("#artifact", lab.solution)
    page.click("#check-lab")
    expect(page.locator("#results-h")).to_have_text("3 of 3 checks pass. Lab complete.")
    shot(page, "lab-complete")
    page.click("text=Labs")
    expect(page.locator(f"li.lab-row:has-text('{lab.title}')")).to_contain_text("✔")
