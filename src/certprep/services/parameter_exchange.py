"""Item parameters travel: export them from one installation (a class's server with many
learners' responses) and import them into another (a lone learner's).

The file is JSON::

    {"format": "certprep-item-parameters/1",
     "exam": "DOP-C02",
     "bank_version": "DOP-C02:1a2b3c...",   # fingerprint of the served items
     "exported_at": "2026-12-06T10:00:00+00:00",
     "run": "20261206100000-ab12cd",         # the calibration run the values came from
     "items": [{"id": "dop-1.1-0101", "a": 1.1, "b": 0.3, "c": 0.0,
                "se_a": 0.08, "se_b": 0.11, "responses": 812}, ...]}

An import stores the parameters of the items this bank has as a run of kind ``import``;
items the bank does not have are skipped and counted, and a different bank version is
reported (items keep their ids across versions, and a changed item gets a new id).
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.clock import Clock
from certprep.errors import CertprepError
from certprep.services.item_parameters import bank_version, load_table
from certprep.storage.psychometrics import PsychometricsRepository
from certprep.storage.tables import CalibrationRunRow, ItemParameterRow

FORMAT = "certprep-item-parameters/1"


@dataclass(frozen=True)
class ImportResult:
    stored: int
    skipped: int
    same_bank: bool


def export_parameters(sessions: sessionmaker[Session], bank: Bank, clock: Clock, path: Path) -> int:
    table = load_table(sessions, bank)
    items = [
        {
            "id": item_id,
            "a": c.a,
            "b": c.b,
            "c": c.c,
            "se_a": c.se_a,
            "se_b": c.se_b,
            "responses": c.responses,
        }
        for item_id, c in sorted(table.calibrated.items())
    ]
    if not items:
        raise CertprepError("nothing to export: no item is calibrated yet (certprep calibrate)")
    document = {
        "format": FORMAT,
        "exam": bank.blueprint.exam.code,
        "bank_version": bank_version(bank),
        "exported_at": clock.now().isoformat(),
        "run": table.run_id,
        "items": items,
    }
    try:
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    except OSError as exc:
        raise CertprepError(f"cannot write {path}: {exc.strerror}") from None
    return len(items)


def _number(value: Any, name: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CertprepError(f"{name} must be a number")
    if positive and value <= 0:
        raise CertprepError(f"{name} must be positive")
    return float(value)


def import_parameters(
    sessions: sessionmaker[Session], bank: Bank, clock: Clock, path: Path
) -> ImportResult:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CertprepError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise CertprepError(f"{path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CertprepError(f"{path} is not a certprep item-parameters file ({FORMAT})")
    if document.get("exam") != bank.blueprint.exam.code:
        raise CertprepError(
            f"{path} holds parameters for {document.get('exam')!r}, not {bank.blueprint.exam.code}"
        )
    now = clock.now()
    run_id = f"{now:%Y%m%d%H%M%S}-import-{secrets.token_hex(2)}"
    rows, skipped = [], 0
    for n, entry in enumerate(document.get("items") or []):
        where = f"items[{n}]"
        if not isinstance(entry, dict) or entry.get("id") not in bank.items:
            skipped += 1
            continue
        c = _number(entry.get("c", 0.0), f"{where}.c")
        if not 0 <= c < 1:
            raise CertprepError(f"{where}.c must be in [0, 1)")
        se = {k: entry.get(k) for k in ("se_a", "se_b")}
        rows.append(
            ItemParameterRow(
                item_id=entry["id"],
                a=_number(entry.get("a"), f"{where}.a", positive=True),
                b=_number(entry.get("b"), f"{where}.b"),
                c=c,
                se_a=_number(se["se_a"], f"{where}.se_a") if se["se_a"] is not None else None,
                se_b=_number(se["se_b"], f"{where}.se_b") if se["se_b"] is not None else None,
                se_c=None,
                responses=int(_number(entry.get("responses", 0), f"{where}.responses")),
                fit_p=None,
                run_id=run_id,
                updated_at=now,
            )
        )
    if not rows:
        raise CertprepError(f"{path}: none of its items is in this bank")
    run = CalibrationRunRow(
        id=run_id,
        finished_at=now,
        model="import",
        kind="import",
        examinees=0,
        items=len(rows),
        responses=sum(r.responses for r in rows),
        link_slope=1.0,
        link_intercept=0.0,
        anchors=0,
        bank_version=str(document.get("bank_version", "")),
        note=f"imported from {path.name}",
    )
    with sessions.begin() as session:
        PsychometricsRepository(session).save_run(run, rows)
    return ImportResult(len(rows), skipped, document.get("bank_version") == bank_version(bank))
