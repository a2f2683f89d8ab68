"""'Choose N' answered with fewer options is saved but incomplete, as on the real exam; the
review screen steps through all, incomplete or flagged questions."""

from __future__ import annotations

import re

from certprep.runtime import Runtime

from .conftest import Browser


def control(page: str, name: str) -> str | None:
    """Where the page's Previous or Next control goes (None when it is disabled)."""
    found = re.search(rf'<a class="button[^"]*" id="{name}" href="([^"]+)"', page)
    return found.group(1) if found else None


def first_multiple(runtime: Runtime, attempt: str) -> tuple[int, int]:
    """(question number, how many it asks for) of the attempt's first multiple-response item."""
    state = runtime.exams.state(attempt)
    for n, f in enumerate(state.attempt.form.items, start=1):
        choose = runtime.bank.items[f.item_id].choose
        if choose > 1:
            return n, choose
    raise AssertionError("the form has no multiple-response item")


def test_a_partial_choice_in_an_exam_is_incomplete_everywhere(
    browser: Browser, runtime: Runtime
) -> None:
    attempt = browser.start_exam()
    n, choose = first_multiple(runtime, attempt)
    step = browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": ["A"]})
    assert step.status_code == 200
    assert step.json()["state"]["answered"] is True and step.json()["state"]["complete"] is False
    state = browser.api("GET", f"/api/attempts/{attempt}").json()
    assert (
        state["incomplete"] == [n] and n not in state["answered"] and n not in state["unanswered"]
    )
    review = browser.page(f"/attempts/{attempt}/review").text
    assert re.search(
        rf'href="/attempts/{attempt}/q/{n}">{n}</a>', review.split('id="end-incomplete"')[1]
    )
    assert "1 incomplete" in review
    question = browser.page(f"/attempts/{attempt}/q/{n}").text
    assert re.search(rf'class="[^"]*\bincomplete\b[^"]*"[^>]*>\s*{n}\s*<', question)
    letters = [chr(65 + d) for d in range(choose)]
    done = browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": letters})
    assert done.json()["state"]["complete"] is True
    state = browser.api("GET", f"/api/attempts/{attempt}").json()
    assert state["incomplete"] == [] and n in state["answered"]


def test_a_partial_choice_in_practice_waits_for_the_rest(
    browser: Browser, runtime: Runtime
) -> None:
    browser.page("/")
    for _ in range(20):  # a practice question that asks for more than one option
        r = browser.form("/practice", {"count": "1"}, follow_redirects=False)
        attempt = r.headers["location"].split("/")[2]
        choose = browser.api("GET", f"/api/attempts/{attempt}/questions/1").json()["choose"]
        if choose > 1:
            break
    assert choose > 1
    partial = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    assert partial.status_code == 200 and partial.json()["feedback"] is None
    changed = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["B"]})
    assert changed.status_code == 200, "a partial practice answer is not final"
    letters = [chr(65 + d) for d in range(choose)]
    final = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": letters})
    assert final.json()["feedback"]["chosen"] == letters
    again = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": letters})
    assert again.status_code == 409


def test_review_flagged_steps_through_the_flagged_questions_only(browser: Browser) -> None:
    attempt = browser.start_exam()
    for n in (3, 9, 40):
        browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/flag", {"flagged": True})
    review = browser.page(f"/attempts/{attempt}/review").text
    assert f'href="/attempts/{attempt}/q/3?review=flagged"' in review
    end = review.split('id="end-flagged"')[1].split("</p>")[0]
    assert [int(x) for x in re.findall(r">(\d+)</a>", end)] == [3, 9, 40]
    third = browser.page(f"/attempts/{attempt}/q/3?review=flagged").text
    assert control(third, "prev") is None
    assert control(third, "next") == f"/attempts/{attempt}/q/9?review=flagged"
    ninth = browser.page(f"/attempts/{attempt}/q/9?review=flagged").text
    assert control(ninth, "next") == f"/attempts/{attempt}/q/40?review=flagged"
    assert control(ninth, "prev") == f"/attempts/{attempt}/q/3?review=flagged"
    last = browser.page(f"/attempts/{attempt}/q/40?review=flagged").text
    assert control(last, "next") == f"/attempts/{attempt}/review"


def test_review_incomplete_skips_what_is_answered(browser: Browser, runtime: Runtime) -> None:
    attempt = browser.start_exam()
    state = runtime.exams.state(attempt)
    for n in range(1, 75):  # answer everything but the last question, fully
        item = runtime.bank.items[state.attempt.form.items[n - 1].item_id]
        letters = [chr(65 + d) for d in range(item.choose)]
        browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": letters})
    review = browser.page(f"/attempts/{attempt}/review").text
    assert f'href="/attempts/{attempt}/q/75?review=incomplete">Review incomplete (1)' in review
    page = browser.page(f"/attempts/{attempt}/q/75?review=incomplete").text
    assert control(page, "prev") is None and "Reviewing incomplete questions: 1" in page
    plain = browser.page(f"/attempts/{attempt}/q/75").text
    assert control(plain, "prev") == f"/attempts/{attempt}/q/74"


def test_the_site_menu_is_hidden_during_an_exam_but_not_in_practice(browser: Browser) -> None:
    attempt = browser.start_exam()
    assert 'aria-label="Main"' not in browser.page(f"/attempts/{attempt}/q/1").text
    assert 'aria-label="Main"' not in browser.page(f"/attempts/{attempt}/review").text
    r = browser.form("/practice", {"count": "2"}, follow_redirects=False)
    practice = r.headers["location"].split("/")[2]
    assert 'aria-label="Main"' in browser.page(f"/attempts/{practice}/q/1").text
