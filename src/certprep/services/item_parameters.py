"""The parameters every item is scored with, and the cut ability that follows from them.

An item's parameters are its calibrated ones (``certprep calibrate`` or an import of
parameters, stored in the database) when it has some, otherwise the prior from its author's
difficulty estimate (``domain.irt.parameters``). The cut ability comes from standard setting
(``psychometrics.standard``): each served item's Angoff rating (the item's ``angoff:`` field,
or by default its probability of a right answer at the blueprint's reference ability) summed
over the bank's live items, the reference form.

A server keeps the table and looks for a newer calibration run at most every
``REFRESH_SECONDS``: a calibration in another process is picked up without a restart.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.domain.irt import ItemParameters, parameters
from certprep.domain.items import Item, ItemStatus
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.scaling import ScoreScale
from certprep.psychometrics.standard import angoff_ratings, cut_from_ratings
from certprep.storage.psychometrics import PsychometricsRepository

REFRESH_SECONDS = 300.0


@dataclass(frozen=True)
class ItemCalibration:
    """What the database holds for a calibrated item."""

    a: float
    b: float
    c: float
    se_a: float | None
    se_b: float | None
    responses: int
    fit_p: float | None
    run_id: str


@dataclass(frozen=True)
class ParameterTable:
    by_item: Mapping[str, ItemParameters]
    calibrated: Mapping[str, ItemCalibration]
    cut_theta: float
    run_id: str | None

    def source(self, item_id: str) -> str:
        return "calibrated" if item_id in self.calibrated else "prior"

    def arrays(self, item_ids: Iterable[str]) -> ItemParams:
        """The parameters of these items as the psychometrics package takes them."""
        return _arrays([self.by_item[i] for i in item_ids])

    def scale(self, bank: Bank) -> ScoreScale:
        """The score scale with the cut from standard setting."""
        exam = bank.blueprint.exam
        return ScoreScale(
            exam.passing_score,
            exam.scoring.points_per_logit,
            self.cut_theta,
            exam.scale.min,
            exam.scale.max,
        )


def bank_version(bank: Bank) -> str:
    """A fingerprint of the served items (ids, stems, options, keys): parameters belong to it."""
    digest = hashlib.sha256()
    for item in sorted(bank.by_status(ItemStatus.LIVE, ItemStatus.PRETEST), key=lambda i: i.id):
        digest.update(
            json.dumps([item.id, item.stem, [(o.text, o.correct) for o in item.options]]).encode()
        )
    return f"{bank.blueprint.exam.code}:{digest.hexdigest()[:16]}"


def build_table(
    bank: Bank, calibrated: Mapping[str, ItemCalibration], run_id: str | None
) -> ParameterTable:
    by_item: dict[str, ItemParameters] = {}
    for item in bank.items.values():
        found = calibrated.get(item.id)
        by_item[item.id] = (
            ItemParameters(found.a, found.b, found.c) if found is not None else parameters(item)
        )
    return ParameterTable(by_item, dict(calibrated), standard_cut(bank, by_item), run_id)


def _arrays(values: list[ItemParameters]) -> ItemParams:
    return ItemParams(
        np.array([p.a for p in values]),
        np.array([p.b for p in values]),
        np.array([p.c for p in values]),
    )


def standard_cut(bank: Bank, by_item: Mapping[str, ItemParameters]) -> float:
    """The cut ability: the live items' Angoff ratings against the live items' parameters.
    An item's default rating is the authors' expectation: its probability of a right answer
    at the reference ability under its author-based parameters. Before calibration that
    gives back the reference ability; after it, the ability at which the calibrated items
    give a just-competent candidate the expected score the authors set."""
    live: list[Item] = bank.by_status(ItemStatus.LIVE)
    reference = bank.blueprint.exam.scoring.cut_theta
    if not live:
        return reference
    form = _arrays([by_item[i.id] for i in live])
    default = angoff_ratings(_arrays([parameters(i) for i in live]), reference)
    ratings = np.array(
        [i.angoff if i.angoff is not None else float(d) for i, d in zip(live, default, strict=True)]
    )
    return cut_from_ratings(ratings, form)


def load_table(sessions: sessionmaker[Session], bank: Bank) -> ParameterTable:
    with sessions() as session:
        repo = PsychometricsRepository(session)
        run = repo.latest_run()
        rows = repo.parameters()
    calibrated = {
        r.item_id: ItemCalibration(r.a, r.b, r.c, r.se_a, r.se_b, r.responses, r.fit_p, r.run_id)
        for r in rows
        if r.item_id in bank.items
    }
    return build_table(bank, calibrated, run.id if run else None)


class ParameterSource:
    """The current table for a long-running process: reloaded when a newer run exists."""

    def __init__(self, sessions: sessionmaker[Session], bank: Bank) -> None:
        self.sessions, self.bank = sessions, bank
        self._table: ParameterTable | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def table(self) -> ParameterTable:
        now = time.monotonic()
        with self._lock:
            if self._table is None or now - self._checked > REFRESH_SECONDS:
                self._checked = now
                if self._table is None or self._latest_run() != self._table.run_id:
                    self._table = load_table(self.sessions, self.bank)
            return self._table

    def invalidate(self) -> None:
        with self._lock:
            self._table = None

    def _latest_run(self) -> str | None:
        with self.sessions() as session:
            run = PsychometricsRepository(session).latest_run()
            return run.id if run else None
