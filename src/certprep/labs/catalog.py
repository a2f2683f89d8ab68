"""The labs that ship with certprep (``labs/catalog/*.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from certprep.errors import CertprepError, NotFound
from certprep.labs.model import Lab

CATALOG = Path(__file__).parent / "catalog"


@cache
def all_labs() -> dict[str, Lab]:
    labs = {}
    for path in sorted(CATALOG.glob("*.yaml")):
        try:
            lab = Lab.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:  # a broken catalog is a bug, said clearly
            raise CertprepError(f"{path}: invalid lab definition: {exc}") from None
        labs[lab.id] = lab
    return labs


@cache
def get_lab(lab_id: str) -> Lab:
    """One lab, its checks validated against its kind (this imports the kind's engine)."""
    labs = all_labs()
    if lab_id not in labs:
        raise NotFound(f"no lab {lab_id!r}; see 'certprep lab list'")
    lab = labs[lab_id]
    try:
        lab.validate_checks()
    except ValidationError as exc:  # a broken catalog is a bug, said clearly
        raise CertprepError(f"{CATALOG / lab.id}.yaml: invalid checks: {exc}") from None
    return lab
