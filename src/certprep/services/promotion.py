"""Promoting pretest items to live: which are ready, and the change to their item file.

A pretest item is ready once its calibration (``certprep calibrate --pretest``) rests on at
least ``MIN_PROMOTION`` first responses (a difficulty standard error near 0.2 for a 2PL item
near the learners' abilities) and the fit test does not reject it. Promotion rewrites its
``status: pretest`` line as ``status: live`` in the bank's YAML file, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.domain.items import ItemStatus
from certprep.errors import CertprepError, NotFound
from certprep.psychometrics.fit import ALPHA
from certprep.services.calibration import MIN_PROMOTION
from certprep.services.item_parameters import load_table


@dataclass(frozen=True)
class Candidate:
    item_id: str
    responses: int
    se_b: float | None
    fit_p: float | None
    ready: bool
    why: str


def candidates(sessions: sessionmaker[Session], bank: Bank) -> list[Candidate]:
    """Every pretest item, ready ones first, with why it is or is not ready."""
    table = load_table(sessions, bank)
    out = []
    for item in bank.by_status(ItemStatus.PRETEST):
        found = table.calibrated.get(item.id)
        if found is None:
            out.append(Candidate(item.id, 0, None, None, False, "not calibrated yet"))
            continue
        misfit = found.fit_p is not None and found.fit_p < ALPHA
        if found.responses < MIN_PROMOTION:
            why = f"{found.responses} of {MIN_PROMOTION} responses"
        elif misfit:
            why = f"misfits the model (p = {found.fit_p:.4f})"
        else:
            why = "ready"
        out.append(
            Candidate(item.id, found.responses, found.se_b, found.fit_p, why == "ready", why)
        )
    return sorted(out, key=lambda c: (not c.ready, -c.responses, c.item_id))


def promote(bank: Bank, item_id: str) -> str:
    """Set one pretest item live in its YAML file; returns the file changed."""
    item = bank.items.get(item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r}")
    if item.status is not ItemStatus.PRETEST:
        raise CertprepError(f"{item_id} is {item.status.value}, not pretest")
    where = bank.locations[item_id]
    lines = where.path.read_text(encoding="utf-8").splitlines(keepends=True)
    for n in range(where.line - 1, len(lines)):
        text = lines[n]
        if n > where.line - 1 and text.lstrip().startswith("- id:"):
            break
        if text.strip() == "status: pretest":
            lines[n] = text.replace("status: pretest", "status: live")
            where.path.write_text("".join(lines), encoding="utf-8")
            return str(where.path)
    raise CertprepError(f"{where}: no 'status: pretest' line found for {item_id}")
