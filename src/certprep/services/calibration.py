"""Calibration: item parameters from every learner's first responses.

``certprep calibrate`` fits 2PL (or 3PL) parameters by marginal maximum likelihood
(``psychometrics.calibration``) to the first responses of every learner
(``services.responses``), with each item's author-based prior as a MAP prior, so that an item
with few responses stays near its author's estimate and moves toward the data as responses
arrive. The first calibration sets the scale: the learners' abilities, mean 0 and sd 1; the
cut is placed on it by standard setting (the authors' expectation of a just-competent
candidate, ``services.item_parameters``). Every later run is **linked** (mean/sigma,
``psychometrics.linking``) to the previous one on the anchor items (calibrated in both, with at
least ``MIN_ANCHOR_RESPONSES`` responses each), so a re-run does not shift the scale, and the
cut and the scores of unchanged items stay where they were.

**Pretest items** are calibrated on the live scale: fixed-item calibration, the live items
held at their current parameters and the latent distribution estimated. A pretest item is
ready for promotion (``certprep bank promote``) with at least ``MIN_PROMOTION`` first responses,
where the difficulty's standard error is about 0.2 for a 2PL item near the learners'
abilities, and no misfit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.clock import Clock
from certprep.domain.irt import parameters, prior_difficulty
from certprep.domain.items import ItemStatus
from certprep.errors import CertprepError
from certprep.psychometrics.calibration import Calibration, Fixed, Model, calibrate
from certprep.psychometrics.fit import item_fit
from certprep.psychometrics.linking import mean_sigma
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.priors import ItemPrior
from certprep.psychometrics.responses import Responses
from certprep.services.item_parameters import bank_version, load_table
from certprep.services.responses import FirstResponse, first_responses
from certprep.storage.psychometrics import PsychometricsRepository
from certprep.storage.tables import CalibrationRunRow, ItemParameterRow

MIN_PROMOTION = 500
MIN_ANCHOR_RESPONSES = 30


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    kind: str
    model: str
    examinees: int
    items: int
    responses: int
    slope: float
    intercept: float
    anchors: int
    converged: bool
    iterations: int
    misfitting: tuple[str, ...]


@dataclass(frozen=True)
class ResponseData:
    responses: Responses
    learners: list[str]
    items: list[str]


def response_data(bank: Bank, found: Sequence[FirstResponse], item_ids: set[str]) -> ResponseData:
    """First responses to these items as the sparse right/wrong data calibration takes."""
    kept = [r for r in found if r.item_id in item_ids]
    learners = sorted({r.learner for r in kept})
    items = sorted({r.item_id for r in kept})
    who = {name: n for n, name in enumerate(learners)}
    which = {item_id: n for n, item_id in enumerate(items)}
    right = [r.chosen == bank.items[r.item_id].keys for r in kept]
    data = Responses(
        np.array([who[r.learner] for r in kept], dtype=np.intp),
        np.array([which[r.item_id] for r in kept], dtype=np.intp),
        np.array(right, dtype=np.int8),
        len(learners),
        len(items),
    )
    return ResponseData(data, learners, items)


class CalibrationService:
    def __init__(self, sessions: sessionmaker[Session], bank: Bank, clock: Clock) -> None:
        self.sessions, self.bank, self.clock = sessions, bank, clock

    def calibrate(self, model: Model = "2PL") -> RunSummary:
        """Every served item with responses, linked to the items' previous scale."""
        served = {i.id for i in self.bank.by_status(ItemStatus.LIVE, ItemStatus.PRETEST)}
        data = self._data(served)
        items = [self.bank.items[i] for i in data.items]
        prior = ItemPrior.around(
            b=[parameters(i).b if i.irt else prior_difficulty(i) for i in items],
            c=[parameters(i).c for i in items],
        )
        result = calibrate(data.responses, model, prior=prior)
        before = load_table(self.sessions, self.bank)
        counts = data.responses.count_per_item()
        anchors = np.array(
            [
                n
                for n, item_id in enumerate(data.items)
                if counts[n] >= MIN_ANCHOR_RESPONSES
                and item_id in before.calibrated
                and before.calibrated[item_id].responses >= MIN_ANCHOR_RESPONSES
            ],
            dtype=np.intp,
        )
        if len(anchors) < 2 or float(result.params.b[anchors].std()) <= 0:
            # the first calibration: its scale is the learners' (mean 0, sd 1); standard
            # setting then places the cut on it (services.item_parameters)
            return self._save(
                "full", model, data, result, result.params, result.se_a, result.se_b, 1.0, 0.0, 0
            )
        link = mean_sigma(
            result.params, before.arrays(data.items), anchors, anchors, keep_common=False
        )
        se_a, se_b = link.standard_errors(result.se_a, result.se_b)
        return self._save(
            "full",
            model,
            data,
            result,
            link.params,
            se_a,
            se_b,
            link.slope,
            link.intercept,
            link.common,
        )

    def calibrate_pretest(self) -> RunSummary:
        """Pretest items on the live scale: the live items held at their parameters."""
        live = {i.id for i in self.bank.by_status(ItemStatus.LIVE)}
        pretest = {i.id for i in self.bank.by_status(ItemStatus.PRETEST)}
        data = self._data(live | pretest)
        if not any(i in pretest for i in data.items):
            raise CertprepError("no pretest item has responses yet")
        table = load_table(self.sessions, self.bank)
        held = np.array([n for n, i in enumerate(data.items) if i in live], dtype=np.intp)
        fixed = Fixed(held, table.arrays([data.items[n] for n in held]))
        items = [self.bank.items[i] for i in data.items]
        prior = ItemPrior.around(b=[prior_difficulty(i) for i in items])
        result = calibrate(data.responses, "2PL", prior=prior, fixed=fixed)
        return self._save(
            "pretest",
            "2PL",
            data,
            result,
            result.params,
            result.se_a,
            result.se_b,
            1.0,
            0.0,
            len(held),
            only=pretest,
        )

    def _data(self, item_ids: set[str]) -> ResponseData:
        found = first_responses(self.sessions)
        data = response_data(self.bank, found, item_ids)
        if len(data.responses) == 0:
            raise CertprepError(
                "no first responses to calibrate on yet: items are calibrated from learners' "
                "answers (exams, practice and drills)"
            )
        return data

    def _save(
        self,
        kind: str,
        model: str,
        data: ResponseData,
        result: Calibration,
        params: ItemParams,
        se_a: np.ndarray,
        se_b: np.ndarray,
        slope: float,
        intercept: float,
        anchors: int,
        only: set[str] | None = None,
    ) -> RunSummary:
        fit = item_fit(data.responses, result.posterior, result.params, result.grid)
        counts = data.responses.count_per_item()
        now = self.clock.now()
        run_id = f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"

        def number(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        rows = [
            ItemParameterRow(
                item_id=item_id,
                a=float(params.a[n]),
                b=float(params.b[n]),
                c=float(params.c[n]),
                se_a=number(se_a[n]),
                se_b=number(se_b[n]),
                se_c=number(result.se_c[n]),
                responses=int(counts[n]),
                fit_p=number(fit.p_value[n]),
                run_id=run_id,
                updated_at=now,
            )
            for n, item_id in enumerate(data.items)
            if (only is None or item_id in only) and not result.fixed[n]
        ]
        run = CalibrationRunRow(
            id=run_id,
            finished_at=now,
            model=model,
            kind=kind,
            examinees=len(data.learners),
            items=len(rows),
            responses=len(data.responses),
            link_slope=slope,
            link_intercept=intercept,
            anchors=anchors,
            bank_version=bank_version(self.bank),
            note="",
        )
        with self.sessions.begin() as session:
            PsychometricsRepository(session).save_run(run, rows)
        misfit = tuple(data.items[n] for n in np.flatnonzero(fit.misfit) if not result.fixed[n])
        return RunSummary(
            run_id,
            kind,
            model,
            len(data.learners),
            len(rows),
            len(data.responses),
            slope,
            intercept,
            anchors,
            result.converged,
            result.iterations,
            misfit,
        )
