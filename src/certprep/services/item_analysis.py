"""Item analysis for authors: per item the share right, discrimination, every option's share
and point-biserial, the IRT parameters with their errors, flags, and learners' reports, worst
first (``psychometrics.item_analysis`` does the statistics on everyone's first responses)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.domain.items import ItemStatus
from certprep.errors import CertprepError
from certprep.psychometrics.fit import ALPHA, ItemFit
from certprep.psychometrics.item_analysis import Choices, ItemStats, analyse
from certprep.services.item_parameters import ParameterTable
from certprep.services.responses import first_responses
from certprep.storage.psychometrics import PsychometricsRepository


@dataclass(frozen=True)
class ItemRow:
    item_id: str
    task: str
    status: str
    source: str  # calibrated | prior
    stats: ItemStats
    open_reports: int
    reports: int


def _mask(indices: frozenset[int]) -> int:
    return sum(1 << i for i in indices)


def analyze(sessions: sessionmaker[Session], bank: Bank, table: ParameterTable) -> list[ItemRow]:
    """Every served item with at least one first response, worst first."""
    served = {i.id for i in bank.by_status(ItemStatus.LIVE, ItemStatus.PRETEST)}
    found = [r for r in first_responses(sessions) if r.item_id in served]
    if not found:
        raise CertprepError("no learner has answered a question yet: nothing to analyse")
    learners = sorted({r.learner for r in found})
    items = sorted({r.item_id for r in found})
    who = {name: n for n, name in enumerate(learners)}
    which = {item_id: n for n, item_id in enumerate(items)}
    data = Choices(
        person=np.array([who[r.learner] for r in found], dtype=np.intp),
        item=np.array([which[r.item_id] for r in found], dtype=np.intp),
        chosen=np.array([_mask(r.chosen) for r in found], dtype=np.int64),
        key=np.array([_mask(bank.items[i].keys) for i in items], dtype=np.int64),
        options=np.array([len(bank.items[i].options) for i in items], dtype=np.intp),
        n_persons=len(learners),
    )
    se_a = np.array([_or_nan(table.calibrated.get(i), "se_a") for i in items])
    se_b = np.array([_or_nan(table.calibrated.get(i), "se_b") for i in items])
    fit_p = np.array([_or_nan(table.calibrated.get(i), "fit_p") for i in items])
    fit = ItemFit(
        statistic=np.full(len(items), np.nan),
        df=8,
        p_value=fit_p,
        rmsd=np.full(len(items), np.nan),
        misfit=np.nan_to_num(fit_p, nan=1.0) < ALPHA,
    )
    stats = analyse(data, table.arrays(items), (se_a, se_b), fit)
    with sessions() as session:
        reports = PsychometricsRepository(session).reports()
    all_reports = Counter(r.item_id for r in reports)
    open_reports = Counter(r.item_id for r in reports if r.state == "open")
    return [
        ItemRow(
            items[s.item],
            bank.items[items[s.item]].task,
            bank.items[items[s.item]].status.value,
            table.source(items[s.item]),
            s,
            open_reports[items[s.item]],
            all_reports[items[s.item]],
        )
        for s in stats
    ]


def _or_nan(found: object, name: str) -> float:
    value = getattr(found, name, None) if found is not None else None
    return float(value) if value is not None else float("nan")


def write_csv(rows: list[ItemRow], path: Path) -> None:
    """One line per item, worst first: the statistics, the flags and the report counts."""
    width = max((len(r.stats.option_share) for r in rows), default=0)
    letters = [chr(65 + k) for k in range(width)]
    header = ["item", "task", "status", "parameters", "n", "p", "pb", "a", "se_a", "b", "se_b"]
    header += ["fit_p", "flags", "open_reports", "reports", "key"]
    header += [f"share_{x}" for x in letters] + [f"pb_{x}" for x in letters]
    try:
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            for r in rows:
                s = r.stats
                shares = [*s.option_share, *([None] * (width - len(s.option_share)))]
                pbs = [*s.option_pb, *([None] * (width - len(s.option_pb)))]
                out.writerow(
                    [r.item_id, r.task, r.status, r.source, s.n, _f(s.p), _f(s.pb), _f(s.a)]
                    + [_f(s.se_a), _f(s.b), _f(s.se_b), _f(s.fit_p), ";".join(s.flags)]
                    + [r.open_reports, r.reports, "".join(chr(65 + k) for k in s.key)]
                    + [_f(x) for x in shares]
                    + [_f(x) for x in pbs]
                )
    except OSError as exc:
        raise CertprepError(f"cannot write {path}: {exc.strerror}") from None


def _f(value: float | None) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value:.4f}"
