"""The exam's facts come from the bundled blueprint, as the exam guide states them."""

from certprep.domain.blueprint import Blueprint, largest_remainder


def test_domains_and_weights_follow_the_exam_guide(blueprint: Blueprint) -> None:
    assert [d.weight for d in blueprint.domains] == [22, 17, 15, 15, 14, 17]
    assert len(blueprint.tasks) == 19
    assert list(blueprint.tasks) == sorted(blueprint.tasks) and len(set(blueprint.tasks)) == 19
    assert 78 <= len(blueprint.skills) <= 82
    assert all(s.startswith(t + ".") for s, t in blueprint.task_of_skill.items())


def test_exam_format_is_data(blueprint: Blueprint) -> None:
    exam = blueprint.exam
    assert (exam.questions, exam.scored, exam.unscored) == (75, 65, 10)
    assert (exam.minutes, exam.accommodation_minutes) == (180, 30)
    assert (exam.scale.min, exam.scale.max, exam.passing_score) == (100, 1000, 750)
    assert exam.retake_wait_days == 14


def test_scored_counts_by_largest_remainder(blueprint: Blueprint) -> None:
    assert blueprint.scored_counts() == {1: 14, 2: 11, 3: 10, 4: 10, 5: 9, 6: 11}


def test_largest_remainder_always_adds_up() -> None:
    for total in range(1, 120):
        parts = largest_remainder({1: 3, 2: 3, 3: 1}, total)
        assert sum(parts.values()) == total
    assert largest_remainder({1: 1, 2: 1}, 3) == {1: 2, 2: 1}  # tie to the lower key
