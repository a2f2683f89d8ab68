"""The real exam's policies: when a retake is allowed, when a certification needs renewing."""

from __future__ import annotations

from datetime import date, timedelta

from certprep.domain.blueprint import ExamFormat


def earliest_retake(failed_on: date, exam: ExamFormat) -> date:
    """After a fail, the next attempt may be taken this many days later (there is no limit on
    the number of attempts)."""
    return failed_on + timedelta(days=exam.retake_wait_days)


def renewal_due(passed_on: date, exam: ExamFormat) -> date:
    """A pass is valid for ``certification_valid_years``; renew by this date."""
    try:
        return passed_on.replace(year=passed_on.year + exam.certification_valid_years)
    except ValueError:  # 29 February
        return passed_on.replace(year=passed_on.year + exam.certification_valid_years, day=28)
