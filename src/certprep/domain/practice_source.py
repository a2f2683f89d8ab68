"""Which questions a practice session draws from."""

from __future__ import annotations

from enum import StrEnum


class PracticeSource(StrEnum):
    ALL = "all"
    MISSED = "missed"
    FLAGGED = "flagged"
    UNSEEN = "unseen"
