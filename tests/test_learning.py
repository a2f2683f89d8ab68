"""The learning engine with a fixed clock: review schedules, mastery, what to study next,
adaptive drills, the plan and the real exam's policies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Rating

from certprep.bank.loader import Bank
from certprep.clock import FixedClock
from certprep.domain import review as fsrs_review
from certprep.domain.exam_policy import earliest_retake, renewal_due
from certprep.domain.form import PracticeFilter
from certprep.domain.irt import parameters
from certprep.domain.mastery import Response, mastery_by_area, study_next
from certprep.domain.review import SelfRating
from certprep.domain.study_plan import daily_plan, focus_rotation, mock_days, readiness
from certprep.runtime import Runtime
from certprep.services.learning import Outcome

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def answer_practice(rt: Runtime, item_ids: list[str], right: bool) -> str:
    """Answer these items in one practice session, all right or all wrong."""
    state = rt.exams.start_selected(item_ids, seed=1)
    for p, f in enumerate(state.attempt.form.items):
        item = rt.bank.items[f.item_id]
        keys = sorted(d for d, a in enumerate(f.option_order) if item.options[a].correct)
        wrong = [d for d in range(len(f.option_order)) if d not in keys][: len(keys)]
        rt.exams.answer(state.attempt.id, p, keys if right else wrong)
    return state.attempt.id


def test_a_missed_item_is_due_when_fsrs_says(runtime: Runtime, clock: FixedClock) -> None:
    item = "syn-1.1-0001"
    answer_practice(runtime, [item], right=False)
    scheduler = fsrs_review.make_scheduler()
    expected, _ = scheduler.review_card(
        fsrs_review.new_card(item, T0), Rating.Again, review_datetime=T0
    )
    assert runtime.learning.due_items(T0) == []  # not yet
    assert runtime.learning.due_items(expected.due) == [item]
    assert expected.due == T0 + timedelta(
        minutes=1
    )  # FSRS: a lapse on a new card, first learning step
    # answered right when it comes back: Good, and the next interval is FSRS's again
    clock.advance(minutes=1)
    answer_practice(runtime, [item], right=True)
    again, _ = scheduler.review_card(expected, Rating.Good, review_datetime=clock.now())
    assert runtime.learning.due_items(again.due - timedelta(seconds=1)) == []
    assert runtime.learning.due_items(again.due) == [item]


def test_right_answers_start_no_card_but_flags_do(runtime: Runtime, clock: FixedClock) -> None:
    answer_practice(runtime, ["syn-1.1-0002"], right=True)
    assert runtime.learning.due_items(T0 + timedelta(days=365)) == []
    state = runtime.exams.start_selected(["syn-1.1-0003"], seed=1)
    runtime.exams.flag(state.attempt.id, 0, True)
    assert runtime.learning.due_items(T0) == ["syn-1.1-0003"]


def test_an_exam_turns_misses_and_flags_into_cards_when_it_ends(runtime: Runtime) -> None:
    state = runtime.exams.start_exam(seed=3)
    runtime.exams.flag(state.attempt.id, 0, True)
    assert runtime.learning.due_items(T0) == []  # nothing final while the exam runs
    runtime.exams.submit(state.attempt.id)
    assert len(runtime.learning.due_items(T0 + timedelta(days=1))) == 75  # none answered


def test_self_rating_hard_or_easy_changes_the_schedule(runtime: Runtime) -> None:
    item = "syn-2.1-0001"
    attempt = answer_practice(runtime, [item], right=True)
    hard = runtime.learning.self_rate(item, attempt, SelfRating.HARD)  # starts a card
    assert hard is not None
    attempt2 = answer_practice(runtime, ["syn-2.1-0002"], right=False)
    with pytest.raises(Exception, match="only a right answer"):
        runtime.learning.self_rate("syn-2.1-0002", attempt2, SelfRating.EASY)


def responses_where(bank: Bank, wrong_task: str, per_task: int = 6) -> list[Response]:
    out = []
    for items in bank.index.live_by_task.values():
        for item in items[:per_task]:
            out.append(
                Response(
                    item.id,
                    bank.blueprint.domain_of_task[item.task],
                    item.task,
                    item.skills,
                    parameters(item),
                    item.task != wrong_task,
                )
            )
    return out


def test_a_learner_who_misses_one_task_sees_it_first(bank: Bank) -> None:
    masteries = mastery_by_area(responses_where(bank, "4.2"), bank.blueprint)
    ranked = study_next(masteries, bank.blueprint)
    assert ranked[0].task == "4.2"
    assert masteries["task:4.2"].mastery < 0.3 < 0.7 < masteries["task:4.1"].mastery


def test_few_answers_mean_wide_uncertainty_not_certainty(bank: Bank) -> None:
    three_right = [r for r in responses_where(bank, "none", per_task=1) if r.task == "1.1"][:1] * 3
    m = mastery_by_area(three_right, bank.blueprint)["task:1.1"]
    assert m.mastery < 0.9 and m.high - m.low > 0.3
    untouched = mastery_by_area([], bank.blueprint)["task:5.3"]
    assert untouched.answered == 0 and untouched.high - untouched.low > 0.5


def test_the_service_ranks_the_missed_task_first(runtime: Runtime) -> None:
    bank = runtime.bank
    for task, items in bank.index.live_by_task.items():
        answer_practice(runtime, [i.id for i in items[:4]], right=task != "3.2")
    assert runtime.learning.study_next()[0].task == "3.2"


def test_adaptive_drills_differ_for_strong_and_weak_learners(
    runtime: Runtime, clock: FixedClock
) -> None:
    strong, weak = runtime, Runtime(runtime.bank_path, runtime.database_url, clock, learner="weak")
    weak.__dict__["bank"] = runtime.bank
    for rt, right in ((strong, True), (weak, False)):
        for items in rt.bank.index.live_by_task.values():
            answer_practice(rt, [i.id for i in items[:2]], right=right)
    clock.advance(days=10)  # outside the recent window
    pick_strong = strong.learning.adaptive_selection(8, seed=3)
    pick_weak = weak.learning.adaptive_selection(8, seed=3)
    assert pick_strong != pick_weak
    hardness = {i.id: parameters(i).b for i in runtime.bank.items.values()}
    assert sum(hardness[i] for i in pick_strong) / 8 > sum(hardness[i] for i in pick_weak) / 8


def test_adaptive_drills_leave_out_recent_items(runtime: Runtime) -> None:
    first = runtime.learning.adaptive_selection(10, seed=1)
    answer_practice(runtime, first, right=True)
    second = runtime.learning.adaptive_selection(10, seed=1)
    assert not set(first) & set(second)


def test_retake_and_renewal_dates(bank: Bank, runtime: Runtime, clock: FixedClock) -> None:
    exam = bank.blueprint.exam
    assert earliest_retake(date(2026, 3, 2), exam) == date(2026, 3, 16)
    assert renewal_due(date(2026, 3, 2), exam) == date(2029, 3, 2)
    clock.current = datetime(2026, 3, 20, tzinfo=UTC)
    logged = runtime.learning.add_real_exam(date(2026, 3, 2), passed=False, score=712)
    assert logged.retake_from == date(2026, 3, 16) and logged.renew_by is None
    with pytest.raises(Exception, match="future"):
        runtime.learning.add_real_exam(date(2026, 4, 1), passed=True)


def test_readiness_rule() -> None:
    """Book on the estimated chance of passing: enough evidence, a full mock, 80% or more."""
    assert not readiness([820], 0.95, enough_evidence=False, evidence_reason="12 answers").ready
    assert (
        "12 answers"
        in readiness([820], 0.95, enough_evidence=False, evidence_reason="12 answers").reason
    )
    assert not readiness([], 0.95).ready
    assert not readiness([800, 850, 900], 0.7).ready
    assert "70%" in readiness([800, 850, 900], 0.7).reason
    assert readiness([640], 0.85).ready


def test_daily_plan_fits_the_days_left() -> None:
    today, exam = date(2026, 1, 5), date(2026, 1, 25)
    mocks = mock_days(today, exam)
    assert len(mocks) >= 3 and max(mocks) == date(2026, 1, 23)
    plan = daily_plan(
        today,
        exam,
        unseen_items=300,
        reviews_due_by_day={date(2026, 1, 4): 7},
        focus_gains=[("4.2", 1.0)],
    )
    assert len(plan) == 20 and plan[0].reviews == 7
    assert plan[-1].day == date(2026, 1, 24) and plan[-1].new_items == 0
    assert sum(d.new_items for d in plan) >= 300  # every unseen item fits before the exam
    assert all(d.new_items == 0 for d in plan if d.mock_exam)
    with pytest.raises(ValueError):
        daily_plan(today, today, 10, {}, [])


def test_the_plan_reaches_every_task_by_weight_and_weakness_and_spreads_the_labs() -> None:
    tasks = [f"{d}.{t}" for d in range(1, 7) for t in range(1, 4)] + ["1.4", "4.1"]
    gains = [(t, 3.0 if t.startswith("3.") else 0.5) for t in tasks]  # domain 3 is weakest
    plan = daily_plan(date(2026, 1, 5), date(2026, 2, 4), 200, {}, gains, labs_left=6)
    focus = [t for d in plan for t in d.focus]
    assert set(focus) == set(tasks)  # every task statement comes up, domains 3-5 included
    assert focus.count("3.1") > 2 * focus.count("5.1")  # the weak, valuable ones more often
    assert sum(d.labs for d in plan) == 6
    lab_days = [d.day for d in plan if d.labs]
    assert (lab_days[-1] - lab_days[0]).days >= 15  # spread out, not bunched at the start
    assert not any(d.labs or d.focus for d in plan if d.mock_exam)


def test_focus_rotation_spreads_turns_and_fits_the_slots() -> None:
    order = focus_rotation([("a", 3.0), ("b", 1.0), ("c", 0.0)], 10)
    assert len(order) == 10 and set(order) == {"a", "b", "c"}
    assert all(order[i] != order[i + 1] or order[i] == "a" for i in range(9))
    assert focus_rotation([("a", 3.0), ("b", 1.0), ("c", 0.5)], 2) == ["a", "b"]


def test_checklist_fills_in_what_certprep_sees(runtime: Runtime) -> None:
    steps = {s.step.number: s for s in runtime.learning.checklist()}
    assert not steps[9].done and steps[9].progress == "0 full practice exams finished"
    runtime.learning.check_step(2)
    assert {s.step.number: s for s in runtime.learning.checklist()}[2].done
    with pytest.raises(Exception, match="no step 11"):
        runtime.learning.check_step(11)


def test_practice_filter_still_works_with_learning(runtime: Runtime) -> None:
    state = runtime.exams.start_practice(PracticeFilter(task="1.2"), 2, seed=1)
    assert {f.task for f in state.attempt.form.items} == {"1.2"}


def test_fsrs_parameters_are_optimised_from_the_learners_history(
    runtime: Runtime, clock: FixedClock
) -> None:
    import random

    from fsrs.scheduler import DEFAULT_PARAMETERS

    learning = runtime.learning
    with pytest.raises(Exception, match="needs at least 100"):
        learning.optimize()
    rng = random.Random(7)
    items = sorted(runtime.bank.items)[:120]
    learning.record([Outcome(i, False, False, clock.now()) for i in items])
    for _ in range(6):  # each card reviewed when due; this learner forgets more than FSRS assumes
        assert set(learning.due_items(T0 + timedelta(days=3650))) == set(items)
        clock.advance(days=7)
        learning.record([Outcome(i, rng.random() < 0.55, False, clock.now()) for i in items])
    used, params = learning.optimize()
    assert used == 120 * 7
    assert len(params) == len(DEFAULT_PARAMETERS) and params != list(DEFAULT_PARAMETERS)
    fresh = runtime.learning.for_learner("local")  # a new request sees the stored parameters
    assert list(fresh.scheduler.parameters) == params
