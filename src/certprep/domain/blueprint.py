"""The exam's facts as data: domains, task statements, skills, format and scoring scale."""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Skill(_Frozen):
    id: str
    text: str


class Task(_Frozen):
    id: str
    title: str
    skills: tuple[Skill, ...]


class Domain(_Frozen):
    id: int
    name: str
    weight: float = Field(gt=0)
    tasks: tuple[Task, ...]


class Scale(_Frozen):
    min: int
    max: int


class Scoring(_Frozen):
    """How an ability estimate becomes a scaled score (see the README's "Scoring")."""

    cut_theta: float = 0.5
    points_per_logit: float = 125.0


class ExamFormat(_Frozen):
    code: str
    title: str
    questions: int = Field(gt=0)
    scored: int = Field(gt=0)
    unscored: int = Field(ge=0)
    minutes: int = Field(gt=0)
    accommodation_minutes: int = Field(ge=0)
    scale: Scale
    passing_score: int
    multiple_response_scoring: str = "all-or-nothing"
    retake_wait_days: int = Field(ge=0)
    certification_valid_years: int = Field(default=3, ge=1)
    item_types: tuple[str, ...] = ("single", "multiple")
    scoring: Scoring = Scoring()

    @model_validator(mode="after")
    def _counts_add_up(self) -> ExamFormat:
        if self.scored + self.unscored != self.questions:
            raise ValueError("scored + unscored must equal questions")
        if not self.scale.min <= self.passing_score <= self.scale.max:
            raise ValueError("passing_score must lie on the scale")
        return self


class Blueprint(_Frozen):
    exam: ExamFormat
    domains: tuple[Domain, ...]

    @cached_property
    def tasks(self) -> dict[str, Task]:
        return {t.id: t for d in self.domains for t in d.tasks}

    @cached_property
    def skills(self) -> dict[str, Skill]:
        return {s.id: s for t in self.tasks.values() for s in t.skills}

    @cached_property
    def domain_of_task(self) -> dict[str, int]:
        return {t.id: d.id for d in self.domains for t in d.tasks}

    @cached_property
    def task_of_skill(self) -> dict[str, str]:
        return {s.id: t.id for t in self.tasks.values() for s in t.skills}

    def domain(self, domain_id: int) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    def scored_counts(self) -> dict[int, int]:
        """Scored items per domain, from the weights by the largest-remainder method."""
        return largest_remainder({d.id: d.weight for d in self.domains}, self.exam.scored)


def largest_remainder(weights: dict[int, float], total: int) -> dict[int, int]:
    """Split ``total`` in proportion to ``weights`` so the parts are whole and add up.

    Each part gets the floor of its exact share; the parts left over go to the largest
    remainders (ties to the lower key, so the result never depends on dict order).
    """
    weight_sum = sum(weights.values())
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda k: (-(exact[k] - counts[k]), k))
    for k in by_remainder[:left]:
        counts[k] += 1
    return counts
