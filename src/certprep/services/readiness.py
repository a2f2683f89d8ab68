"""A learner's probability of passing the real exam (``psychometrics.readiness``).

The evidence is the learner's recent scored first responses (``services.responses``): exams,
practice and adaptive drills alike, on the one scale of the items' parameters, the
``RECENT`` newest of them (ability changes as one studies: older answers say less about it
today), to live items only (pretest items are not calibrated yet). The measurement error of
one sitting is that of forms certprep assembles (``REFERENCE_FORMS`` of them, the forms the
learner could draw), and the pass mark is the standard-set cut.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank
from certprep.domain.form import assemble_exam
from certprep.domain.items import ItemStatus
from certprep.psychometrics.model import ItemParams
from certprep.psychometrics.readiness import Readiness, readiness
from certprep.services.item_parameters import ParameterTable
from certprep.services.responses import first_responses

RECENT = 150
REFERENCE_FORMS = 5


def reference_forms(bank: Bank, table: ParameterTable) -> list[ItemParams]:
    """The scored items of a few forms certprep assembles (seeds 1..REFERENCE_FORMS)."""
    forms = []
    for seed in range(1, REFERENCE_FORMS + 1):
        form = assemble_exam(bank.index, seed, params=table.by_item, target_theta=table.cut_theta)
        forms.append(table.arrays([f.item_id for f in form.items if f.scored]))
    return forms


def learner_readiness(
    sessions: sessionmaker[Session], bank: Bank, table: ParameterTable, learner: str
) -> Readiness:
    live = {i.id for i in bank.by_status(ItemStatus.LIVE)}
    found = [r for r in first_responses(sessions, learner) if r.item_id in live][-RECENT:]
    ids = [r.item_id for r in found]
    right = np.array([r.chosen == bank.items[r.item_id].keys for r in found], dtype=np.int8)
    return readiness(table.arrays(ids), right, reference_forms(bank, table), table.cut_theta)
