"""Accessibility: axe-core's WCAG 2.2 A and AA rules on every kind of page, in the light and the
dark theme; a whole exam with the keyboard alone and visible focus; live regions for the save
status and the time warnings; a timer that can be hidden; 200% zoom without sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Server

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pages_of_a_learner(page: Any, url: str) -> Iterator[str]:
    """Walks a new learner through every kind of page, yielding each page's name."""
    page.goto(url)
    yield "home"
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    yield "exam"
    page.goto(page.url.replace("/q/1", "/review"))
    yield "review"
    page.check("#confirm-end")
    page.click("#end-exam")
    page.wait_for_url(re.compile(r"/report$"))
    yield "report"
    page.goto(url)
    page.fill('input[name="count"]', "2")
    page.click("#start-practice")
    page.wait_for_url(re.compile(r"/q/1$"))
    for letter in "ABC"[: int(page.get_attribute("#attempt", "data-choose"))]:
        page.check(f"#opt-{letter}")
    page.click("#check")
    page.wait_for_selector("#feedback:not([hidden]) h2")
    yield "practice"
    page.goto(url + "/progress")
    yield "progress"
    page.goto(url + "/plan?exam_date=" + (date.today() + timedelta(days=60)).isoformat())
    yield "plan"
    page.goto(url + "/labs")
    yield "labs"
    page.goto(url + page.locator("a[href^='/labs/']").first.get_attribute("href"))
    yield "lab"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe(chromium: Any, server: Server, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for name in pages_of_a_learner(page, server.url):
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[name] = serious
    context.close()
    assert found == {}


def test_the_dark_theme_follows_the_system_setting(chromium: Any, server: Server) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(server.url)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] != colours["dark"]
    dark = [int(n) for n in re.findall(r"\d+", colours["dark"])[:3]]
    assert max(dark) < 60  # a dark background


def focus_is_visible(page: Any) -> bool:
    return bool(
        page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"""
        )
    )


def tab_to(page: Any, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element has the focus, checking that every stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")[:200]
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_full_exam_with_the_keyboard_alone(page: Any, server: Server) -> None:
    page.goto(server.url)
    tab_to(page, "start-exam")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/1$"))
    tab_to(page, "next")  # through the options, strike buttons and controls, focus visible
    for n in range(1, 76):
        choose = int(page.get_attribute("#attempt", "data-choose"))
        for letter in "abc"[:choose]:
            page.keyboard.press(letter)
        expect(page.locator("#save-status")).to_have_text(f"Saved: {', '.join('ABC'[:choose])}.")
        page.keyboard.press("n")
        page.wait_for_url(re.compile(rf"/q/{n + 1}$" if n < 75 else r"/review$"))
    tab_to(page, "confirm-end")
    page.keyboard.press("Space")
    tab_to(page, "end-exam")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report$"))
    expect(page.locator("#scaled")).to_be_visible()


def test_save_status_and_time_warnings_are_read_out(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.fill('input[name="count"]', "2")
    page.fill('input[name="minutes"]', "1")  # one minute: past every warning at once
    page.click("#start-practice")
    page.wait_for_url(re.compile(r"/q/1$"))
    warning = page.locator("#time-warning")
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_have_text(re.compile(r"^5 minutes left"))
    expect(page.locator("#save-status")).to_have_attribute("role", "status")


def test_the_timer_can_be_hidden_and_shown_again(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/q/1$"))
    expect(page.locator("#timer")).to_be_visible()
    page.click("#toggle-timer")
    expect(page.locator("#timer")).to_be_hidden()
    expect(page.locator("#toggle-timer")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/q/2$"))
    expect(page.locator("#timer")).to_be_hidden()  # remembered
    page.click("#toggle-timer")
    expect(page.locator("#timer")).to_be_visible()


def test_pages_reflow_at_200_percent_zoom(chromium: Any, server: Server) -> None:
    # 200% zoom of a 1280-pixel window: 640 CSS pixels across, each drawn twice as large
    context = chromium.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    sideways = {}
    for name in pages_of_a_learner(page, server.url):
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            sideways[name] = width
    context.close()
    assert sideways == {}
