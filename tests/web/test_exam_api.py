"""The exam through the JSON API and pages: saving, resuming, time, and bad requests."""

from __future__ import annotations

from typing import Any

from certprep.clock import FixedClock
from certprep.runtime import Runtime

from .conftest import Browser, local_client


def keys_by_number(runtime: Runtime, attempt_id: str) -> dict[int, list[str]]:
    state = runtime.exams.state(attempt_id)
    out = {}
    for n, f in enumerate(state.attempt.form.items, start=1):
        item = runtime.bank.items[f.item_id]
        out[n] = [chr(65 + d) for d, a in enumerate(f.option_order) if item.options[a].correct]
    return out


def test_answers_and_flags_are_saved_as_they_are_made(browser: Browser) -> None:
    attempt = browser.start_exam()
    r = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["B"]})
    assert r.status_code == 200 and r.json()["state"]["answered"] is True
    assert r.json()["state"]["answered_count"] == 1
    r = browser.api("PUT", f"/api/attempts/{attempt}/questions/3/flag", {"flagged": True})
    assert r.json()["flagged"] is True and r.json()["number"] == 3
    state = browser.api("GET", f"/api/attempts/{attempt}").json()
    assert (
        sorted(state["answered"] + state["incomplete"]) == [1]  # "B" may be half of two
        and state["flagged"] == [3]
        and state["time_left_seconds"] == 180 * 60
    )
    cleared = browser.api("DELETE", f"/api/attempts/{attempt}/questions/1/answer").json()
    assert cleared["answered"] is False and cleared["answered_count"] == 0


def test_reload_and_restart_resume_at_the_same_question(
    app_for: Any, runtime: Runtime, clock: FixedClock
) -> None:
    with local_client(app_for()) as client:
        b = Browser(client)
        attempt = b.start_exam()
        b.page(f"/attempts/{attempt}/q/7")
        b.api("PUT", f"/api/attempts/{attempt}/questions/7/answer", {"choice": ["A"]})
        b.api("PUT", f"/api/attempts/{attempt}/questions/7/flag", {"flagged": True})
        clock.advance(minutes=10)
    # a new server process: a fresh runtime (new cache) on the same database
    fresh = Runtime(runtime.bank_path, runtime.database_url, clock)
    from certprep.web.app import create_app

    with local_client(create_app(fresh)) as client:
        b = Browser(client)
        r = b.page(f"/attempts/{attempt}", follow_redirects=False)
        assert r.headers["location"] == f"/attempts/{attempt}/q/7"
        page = b.page(f"/attempts/{attempt}/q/7").text
        assert 'value="A"\n               id="opt-A" checked' in page
        assert 'aria-pressed="true"' in page  # the flag button
        assert 'data-time-left="10200"' in page  # 170 minutes left by the server's clock


def test_the_server_submits_at_time_out_and_refuses_later_answers(
    browser: Browser, clock: FixedClock
) -> None:
    attempt = browser.start_exam()
    browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    clock.advance(minutes=180, seconds=1)
    r = browser.api("PUT", f"/api/attempts/{attempt}/questions/2/answer", {"choice": ["A"]})
    assert r.status_code == 409 and r.json()["code"] == "time_up"
    assert browser.api("GET", f"/api/attempts/{attempt}").json()["status"] == "expired"
    report = browser.api("GET", f"/api/attempts/{attempt}/report").json()
    assert report["total"] == 65 and len(report["review"]) == 75


def test_accommodation_adds_thirty_minutes(browser: Browser) -> None:
    attempt = browser.start_exam(accommodation="on")
    assert browser.api("GET", f"/api/attempts/{attempt}").json()["time_left_seconds"] == 210 * 60


def test_a_whole_exam_through_the_api_gets_a_report(browser: Browser, runtime: Runtime) -> None:
    attempt = browser.start_exam()
    keys = keys_by_number(runtime, attempt)
    for n, key in keys.items():
        r = browser.api("PUT", f"/api/attempts/{attempt}/questions/{n}/answer", {"choice": key})
        assert r.status_code == 200
    assert browser.api("POST", f"/api/attempts/{attempt}/submit").json()["status"] == "submitted"
    report = browser.api("GET", f"/api/attempts/{attempt}/report").json()
    assert report["scaled"] == 1000 and report["passed"] and len(report["domains"]) == 6
    assert {d["status"] for d in report["domains"]} == {"Meets Competencies"}
    html = browser.page(f"/attempts/{attempt}/report").text
    assert 'id="scaled">1000<' in html and "Meets Competencies" in html
    wrong_only = browser.page(f"/attempts/{attempt}/report?show=incorrect").text
    assert "0 of 75 questions shown" in wrong_only


def test_bad_requests_get_a_clear_4xx_and_change_nothing(
    browser: Browser, runtime: Runtime
) -> None:
    attempt = browser.start_exam()
    keys = keys_by_number(runtime, attempt)
    two = next(n for n, k in keys.items() if len(k) == 2)
    four_options = next(
        n
        for n in keys
        if len(runtime.exams.state(attempt).attempt.form.items[n - 1].option_order) == 4
    )
    cases = [
        ("PUT", "/api/attempts/nope/questions/1/answer", {"choice": ["A"]}, 404, "no attempt"),
        (
            "PUT",
            f"/api/attempts/{attempt}/questions/99/answer",
            {"choice": ["A"]},
            404,
            "no question 99",
        ),
        (
            "PUT",
            f"/api/attempts/{attempt}/questions/{four_options}/answer",
            {"choice": ["E"]},
            409,
            "no option E",
        ),
        ("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["Z"]}, 422, "choice"),
        ("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": []}, 422, "choice"),
        (
            "PUT",
            f"/api/attempts/{attempt}/questions/{two}/answer",
            {"choice": ["A", "B", "C"]},
            409,
            "asks for 2",
        ),
        ("PUT", f"/api/attempts/{attempt}/questions/1/flag", {"flagged": "maybe"}, 422, "flagged"),
        ("POST", "/api/practice", {"domain": 9}, 422, "no domain 9"),
    ]
    for method, path, body, status, message in cases:
        r = browser.api(method, path, body)
        assert r.status_code == status, (path, body, r.text)
        assert message in r.json()["detail"], r.text
    state = browser.api("GET", f"/api/attempts/{attempt}").json()
    assert state["answered"] == [] and state["flagged"] == []


def test_unsafe_requests_without_the_csrf_token_are_refused(browser: Browser) -> None:
    attempt = browser.start_exam()
    r = browser.client.put(f"/api/attempts/{attempt}/questions/1/answer", json={"choice": ["A"]})
    assert r.status_code == 403
    r = browser.client.post("/exams", data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert browser.api("GET", f"/api/attempts/{attempt}").json()["answered"] == []


def test_practice_checks_the_answer_at_once(browser: Browser) -> None:
    browser.page("/")
    r = browser.form(
        "/practice", {"area": "d3", "count": "3", "source": "all"}, follow_redirects=False
    )
    attempt = r.headers["location"].split("/")[2]
    choose = browser.api("GET", f"/api/attempts/{attempt}/questions/1").json()["choose"]
    r = browser.api(
        "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": list("ABC"[:choose])}
    )
    feedback = r.json()["feedback"]
    assert feedback is not None and feedback["references"] and len(feedback["options"]) >= 4
    again = browser.api(
        "PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": list("BCD"[:choose])}
    )
    assert again.status_code == 409 and "final" in again.json()["detail"]


def test_missed_and_unseen_practice_sources(browser: Browser, runtime: Runtime) -> None:
    browser.page("/")
    r = browser.form("/practice", {"source": "missed"}, follow_redirects=True)
    assert r.status_code == 422 and "no missed items yet" in r.text
    r = browser.form("/practice", {"area": "t1.1", "count": "2"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    keys = keys_by_number(runtime, attempt)
    wrong = next(letter for letter in "ABCD" if [letter] != keys[1])
    browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": [wrong]})
    missed_item = runtime.exams.state(attempt).attempt.form.items[0].item_id
    r = browser.form("/practice", {"source": "missed", "count": "5"}, follow_redirects=False)
    again = r.headers["location"].split("/")[2]
    assert [f.item_id for f in runtime.exams.state(again).attempt.form.items] == [missed_item]
    r = browser.form("/practice", {"source": "unseen", "count": "100"}, follow_redirects=False)
    fresh = runtime.exams.state(r.headers["location"].split("/")[2]).attempt.form.items
    assert missed_item not in {f.item_id for f in fresh}


def test_the_openapi_document_describes_the_lean_exam_calls(browser: Browser) -> None:
    paths = browser.client.get("/openapi.json").json()["paths"]
    answer = paths["/api/attempts/{attempt_id}/questions/{number}/answer"]["put"]
    assert [p["name"] for p in answer["parameters"]] == ["attempt_id", "number"]
    schema = answer["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["choice"]["maxItems"] == 6
    assert "/api/labs/{lab_id}/check" in paths


def test_a_paused_practice_refuses_answers_from_any_client(browser: Browser) -> None:
    browser.page("/")
    r = browser.form("/practice", {"count": "3", "minutes": "10"}, follow_redirects=False)
    attempt = r.headers["location"].split("/")[2]
    browser.form(f"/attempts/{attempt}/pause")
    answered = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    assert answered.status_code == 409 and "paused" in answered.json()["detail"]
    page = browser.page(f"/attempts/{attempt}/q/1")  # a GET shows the pause, changes nothing
    assert "is paused" in page.text
    assert browser.api("GET", f"/api/attempts/{attempt}").json()["paused"] is True
    browser.form(f"/attempts/{attempt}/resume")
    resumed = browser.api("PUT", f"/api/attempts/{attempt}/questions/1/answer", {"choice": ["A"]})
    assert resumed.status_code == 200


def test_loading_a_question_records_nothing(browser: Browser, runtime: Runtime) -> None:
    attempt = browser.start_exam()
    before = runtime.exams.state(attempt).last_seq
    for n in (5, 9, 5):
        assert browser.page(f"/attempts/{attempt}/q/{n}").status_code == 200
    assert runtime.exams.state(attempt).last_seq == before
    browser.api("POST", f"/api/attempts/{attempt}/visit/9")  # what the page's script sends
    assert runtime.exams.state(attempt).current == 8
