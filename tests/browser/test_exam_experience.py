"""What a new learner meets in a real browser: the API docs render inside the CSP, the
keyboard reaches every option and the flag, and no page breaks its own CSP."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import Server


def csp_errors(page: Any) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


def test_the_api_docs_render_inside_the_csp(page: Any, server: Server) -> None:
    errors = csp_errors(page)
    page.goto(server.url + "/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    assert errors == []


def test_the_keyboard_chooses_option_f_and_m_flags(page: Any, server: Server) -> None:
    errors = csp_errors(page)
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    for n in range(1, 75):  # find a choose-three question after the first: it has an option F
        page.keyboard.press("n")
        page.wait_for_url(re.compile(rf"/q/{n + 1}$"))
        if page.get_attribute("#attempt", "data-choose") == "3":
            break
    page.keyboard.press("f")
    expect(page.locator("#opt-F")).to_be_checked()
    expect(page.locator("#flag")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("m")
    expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#prev")).to_be_enabled()
    assert errors == []


def test_previous_on_question_one_goes_nowhere(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    expect(page.locator("#prev")).to_be_disabled()
    page.keyboard.press("p")
    assert page.url.endswith("/q/1")


def test_a_failed_save_says_so_retries_and_holds_the_learner(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    page.route("**/questions/1/answer", lambda route: route.abort("internetdisconnected"))
    page.check("#opt-A")
    expect(page.locator("#save-status")).to_have_text("Not saved — retrying")
    page.click("#next")  # not while the answer is unsaved
    expect(page.locator("#save-status")).to_contain_text("Not saved yet")
    assert page.url.endswith("/q/1")
    page.unroute("**/questions/1/answer")  # the network is back: the retry saves, then moves on
    page.wait_for_url(re.compile(r"/q/2$"), timeout=15000)
    page.goto(page.url.replace("/q/2", "/q/1"))
    expect(page.locator("#opt-A")).to_be_checked()


def test_the_score_report_fits_a_phone(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    page.goto(page.url.replace("/q/1", "/review"))
    page.check("#confirm-end")
    page.click("#end-exam")
    page.wait_for_url(re.compile(r"/report$"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("table.domains")).to_be_visible()
    wide = page.evaluate("document.documentElement.scrollWidth")
    table = page.evaluate("document.querySelector('table.domains').getBoundingClientRect().right")
    assert wide <= 390 and table <= 390, (wide, table)
