"""Labs in the browser and the API: read the brief, paste or upload the artifact, see the
checks; the model solution never reaches the browser; one learner's work is theirs alone."""

from __future__ import annotations

import html
from typing import Any

from certprep.labs.catalog import get_lab
from tests.web.conftest import Browser
from tests.web.test_security import multi_user_browser, sign_up

LAB = get_lab("ec2-stop-alert")


def text(response: Any) -> str:
    return html.unescape(response.text)


def test_a_learner_checks_a_lab_in_the_browser(browser: Browser) -> None:
    listing = browser.page("/labs")
    assert listing.status_code == 200 and LAB.title in listing.text
    page = browser.page(f"/labs/{LAB.id}")
    assert "Ticket OPS-2114" in page.text and "<h1>" in page.text  # the brief's Markdown, rendered
    assert "Hint 3 of 3" in page.text
    wrong = browser.form(f"/labs/{LAB.id}/check", {"artifact": LAB.wrong})
    assert wrong.status_code == 200 and "1 of 3 checks pass" in wrong.text
    assert "FAIL" in wrong.text and "https://docs.aws.amazon.com/" in wrong.text
    again = browser.page(f"/labs/{LAB.id}")  # what was checked last is kept for the learner
    assert '"stopped"' in text(again) and "terminated" not in text(again).split("textarea")[1]
    done = browser.form(f"/labs/{LAB.id}/check", {"artifact": LAB.solution})
    assert "3 of 3 checks pass. Lab complete." in done.text
    assert "✔" in browser.page("/labs").text


def test_an_uploaded_file_is_graded(browser: Browser) -> None:
    browser.page(f"/labs/{LAB.id}")
    r = browser.client.post(
        f"/labs/{LAB.id}/check",
        data={"csrf_token": browser.csrf, "artifact": "ignored"},
        files={"upload": ("pattern.json", LAB.solution.encode(), "application/json")},
    )
    assert "Lab complete." in r.text
    binary = browser.client.post(
        f"/labs/{LAB.id}/check",
        data={"csrf_token": browser.csrf},
        files={"upload": ("pattern.json", b"\xff\xfe\x00bad", "application/octet-stream")},
    )
    assert binary.status_code == 422 and "not a UTF-8 text file" in binary.text


def test_the_api_grades_and_never_sends_the_solution(browser: Browser) -> None:
    browser.page("/")
    labs = browser.api("GET", "/api/labs").json()
    assert {"id": LAB.id, "kind": "event-pattern", "passed": False}.items() <= next(
        lab for lab in labs if lab["id"] == LAB.id
    ).items()
    detail = browser.api("GET", f"/api/labs/{LAB.id}")
    assert detail.json()["starter"] == LAB.starter
    graded = browser.api("POST", f"/api/labs/{LAB.id}/check", {"artifact": "{not json"}).json()
    assert graded["passed"] is False and graded["passed_checks"] == 0
    assert "not valid JSON" in graded["checks"][0]["detail"]
    for response in (detail, browser.page(f"/labs/{LAB.id}"), browser.page("/labs")):
        assert '"terminated"' not in text(response)  # only the model solution holds it
    assert browser.api("GET", "/api/labs/no-such-lab").status_code == 404
    empty = browser.api("POST", f"/api/labs/{LAB.id}/check", {"artifact": "  "})
    assert empty.status_code == 400 and "empty" in empty.text
    big = browser.api("POST", f"/api/labs/{LAB.id}/check", {"artifact": "x" * 300_000})
    assert big.status_code == 422
    no_token = browser.client.post(f"/api/labs/{LAB.id}/check", json={"artifact": LAB.solution})
    assert no_token.status_code == 403


def test_one_learner_never_sees_anothers_lab_work(app_for: Any) -> None:
    alice, bob = multi_user_browser(app_for), multi_user_browser(app_for)
    sign_up(alice, "alice")
    sign_up(bob, "bob")
    alice.page(f"/labs/{LAB.id}")
    alice.form(f"/labs/{LAB.id}/check", {"artifact": LAB.solution})
    bob.page("/")
    assert bob.api("GET", f"/api/labs/{LAB.id}").json()["last_artifact"] is None
    assert not next(x for x in bob.api("GET", "/api/labs").json() if x["id"] == LAB.id)["passed"]
    assert '"terminated"' not in text(bob.page(f"/labs/{LAB.id}"))


def test_a_shared_server_does_not_run_learners_scripts(app_for: Any) -> None:
    alice = multi_user_browser(app_for)
    sign_up(alice, "alice")
    script_lab = get_lab("api-5xx-alarm-to-oncall")
    shown = alice.page(f"/labs/{script_lab.id}")
    assert "does not run learners' scripts" in text(shown) and 'id="check-lab"' not in shown.text
    page = alice.form(f"/labs/{script_lab.id}/check", {"artifact": script_lab.solution})
    assert page.status_code == 403 and "certprep lab check api-5xx-alarm-to-oncall" in text(page)
    api = alice.api("POST", f"/api/labs/{script_lab.id}/check", {"artifact": "print(1)"})
    assert api.status_code == 403 and api.json()["code"] == "script_labs_off"
    assert alice.api("GET", "/api/labs").json()  # the other kinds are graded as usual
    other = alice.api("POST", f"/api/labs/{LAB.id}/check", {"artifact": LAB.solution})
    assert other.json()["passed"] is True


def test_a_script_lab_is_graded_by_the_learners_own_server(browser: Browser) -> None:
    script_lab = get_lab("orders-data-recovery")
    browser.page(f"/labs/{script_lab.id}")
    wrong = browser.api("POST", f"/api/labs/{script_lab.id}/check", {"artifact": script_lab.wrong})
    assert wrong.status_code == 200 and wrong.json()["passed"] is False
    done = browser.api(
        "POST", f"/api/labs/{script_lab.id}/check", {"artifact": script_lab.solution}
    )
    assert done.json()["passed"] is True, done.json()
