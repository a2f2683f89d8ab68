"""Service objects turned into plain data for JSON and templates.

The one rule that matters here: nothing about an item's key (which options are correct, the
rationales, the explanation) leaves the server before ``ExamService.answer_is_final`` says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from certprep.domain.attempt import PURPOSE_NAMES, AttemptState, Purpose
from certprep.services.exams import ExamService, OpenSession, Question, Report
from certprep.text import reflow

REVIEW_FILTERS = ("all", "incorrect", "correct", "flagged", "unanswered")


def letter(index: int) -> str:
    return chr(65 + index)


def session_label(session: OpenSession) -> dict[str, Any]:
    """What a resume button says: which kind of session, started when, how far along."""
    return {
        "id": session.attempt_id,
        "kind": PURPOSE_NAMES[session.purpose.value],
        "details": session.describe(),
    }


def state_data(state: AttemptState, now: datetime) -> dict[str, Any]:
    left = state.time_left(now)
    return {
        "id": state.attempt.id,
        "mode": state.attempt.mode.value,
        "status": state.status.value,
        "total": len(state.attempt.form),
        "current": state.current + 1,
        "paused": state.paused,
        "time_left_seconds": int(left.total_seconds()) if left is not None else None,
        "answered": sorted(p + 1 for p in state.answers if state.complete(p)),
        "incomplete": [p + 1 for p in state.incomplete()],
        "flagged": sorted(p + 1 for p in state.flags),
        "unanswered": [p + 1 for p in state.unanswered()],
    }


REVIEW_SUBSETS = ("all", "incomplete", "flagged")


def review_subset(state: dict[str, Any], review: str) -> list[int] | None:
    """The question numbers a review steps through: all, the incomplete ones (unanswered or
    with fewer options than asked, as the real exam counts them), or the flagged ones; None
    outside a review."""
    if review == "all":
        return list(range(1, state["total"] + 1))
    if review == "incomplete":
        return sorted(state["unanswered"] + state["incomplete"])
    if review == "flagged":
        return list(state["flagged"])
    return None


def step_in(subset: list[int] | None, number: int, direction: int, total: int) -> int | None:
    """The question before or after ``number``: within the review's subset when reviewing
    (None past its ends), else the neighbour (None before 1 and after the last)."""
    if subset is None:
        n = number + direction
        return n if 1 <= n <= total else None
    ahead = [n for n in subset if (n - number) * direction > 0]
    if not ahead:
        return None
    return min(ahead) if direction > 0 else max(ahead)


def step_data(state: AttemptState, position: int, now: datetime) -> dict[str, Any]:
    """What a page needs back after answering or flagging one question: small, since it is the
    most frequent response of an exam."""
    left = state.time_left(now)
    return {
        "status": state.status.value,
        "number": position + 1,
        "answered": position in state.answers,
        "complete": state.complete(position),
        "flagged": position in state.flags,
        "answered_count": len(state.answers),
        "time_left_seconds": int(left.total_seconds()) if left is not None else None,
    }


def feedback_data(q: Question) -> dict[str, Any]:
    order = q.form_item.option_order
    key = [d for d, a in enumerate(order) if q.item.options[a].correct]
    return {
        "correct": set(q.chosen) == set(key),
        "key": [letter(d) for d in key],
        "chosen": [letter(d) for d in sorted(q.chosen)],
        "options": [
            {
                "letter": letter(d),
                "text": q.item.options[a].text,
                "correct": q.item.options[a].correct,
                "chosen": d in q.chosen,
                "why": q.item.options[a].why,
            }
            for d, a in enumerate(order)
        ],
        "explanation": reflow(q.item.explanation),
        "references": list(q.item.references),
        "report_url": f"/items/{q.item.id}/report",
    }


def feedback_if_final(
    service: ExamService, state: AttemptState, position: int
) -> dict[str, Any] | None:
    if not service.answer_is_final(state, position):
        return None
    return feedback_data(service.question(state, position))


def question_data(service: ExamService, state: AttemptState, position: int) -> dict[str, Any]:
    q = service.question(state, position)
    final = service.answer_is_final(state, position)
    return {
        "number": position + 1,
        "total": q.total,
        "stem": reflow(q.item.stem),
        "options": [{"letter": letter(d), "text": text} for d, text in enumerate(q.options)],
        "choose": q.item.choose,
        "chosen": [letter(d) for d in q.chosen],
        "flagged": q.flagged,
        "feedback": feedback_data(q) if final else None,
    }


def report_data(report: Report) -> dict[str, Any]:
    s = report.score
    return {
        "id": report.attempt.id,
        "mode": report.attempt.mode.value,
        "kind": PURPOSE_NAMES[(report.attempt.purpose or Purpose.PRACTICE).value],
        "status": report.state.status.value,
        "started_at": report.attempt.started_at.isoformat(),
        "ended_at": report.state.ended_at.isoformat() if report.state.ended_at else None,
        "scaled": s.scaled,
        "passed": s.passed,
        "passing_score": s.passing_score,
        "correct": s.correct,
        "total": s.total,
        "sem": s.sem,
        "reused": report.reused,
        "unscored": [e.position + 1 for e in report.review if not e.form_item.scored],
        "domains": [
            {
                "domain": d.domain,
                "name": d.name,
                "weight": d.weight,
                "correct": d.correct,
                "total": d.total,
                "percent": round(d.percent, 1),
                "status": d.status,
            }
            for d in s.domains
        ],
    }


def review_data(report: Report) -> list[dict[str, Any]]:
    out = []
    for e in report.review:
        order = e.form_item.option_order
        chosen = [letter(d) for d, a in enumerate(order) if e.chosen and a in e.chosen]
        out.append(
            {
                "number": e.position + 1,
                "item_id": e.item.id,
                "domain": e.form_item.domain,
                "task": e.item.task,
                "stem": reflow(e.item.stem),
                "chosen": chosen,
                "key": [letter(d) for d, a in enumerate(order) if e.item.options[a].correct],
                "correct": e.correct,
                "answered": e.chosen is not None,
                "flagged": e.flagged,
                "scored": e.form_item.scored,
                "options": [
                    {
                        "letter": letter(d),
                        "text": e.item.options[a].text,
                        "correct": e.item.options[a].correct,
                        "why": e.item.options[a].why,
                    }
                    for d, a in enumerate(order)
                ],
                "explanation": reflow(e.item.explanation),
                "references": list(e.item.references),
            }
        )
    return out


def filter_review(
    items: list[dict[str, Any]], show: str, domain: int | None
) -> list[dict[str, Any]]:
    """The review entries a report filter keeps (``show`` is one of REVIEW_FILTERS)."""

    def keep(i: dict[str, Any]) -> bool:
        if domain is not None and i["domain"] != domain:
            return False
        if show == "incorrect":
            return not i["correct"]
        if show == "correct":
            return bool(i["correct"])
        if show == "flagged":
            return bool(i["flagged"])
        if show == "unanswered":
            return not i["answered"]
        return True

    return [i for i in items if keep(i)]
