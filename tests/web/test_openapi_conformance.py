"""The OpenAPI description matches what the server does: a short schemathesis run against the
app in process. It fails on any 5xx, an undocumented status, a response that breaks its
schema, or a request that breaks the schema and is accepted.

``positive_data_acceptance`` is left out: the API refuses some values that fit the schema but
not the learner's state or the exam (a practice source with nothing in it yet, a task id the
blueprint does not have, an attempt that is over) with a documented 404, 409 or 422."""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from certprep.clock import FixedClock
from certprep.runtime import Runtime
from certprep.web.app import create_app
from certprep.web.settings import WebSettings

FIXTURE_BANK = Path(__file__).parent.parent / "fixtures" / "bank"
CONFIG = schemathesis.Config.from_str(
    """
[checks.positive_data_acceptance]
enabled = false

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 406, 413, 422]
"""
)


def _app(tmp: Path) -> tuple[object, str, dict[str, str]]:
    runtime = Runtime(
        bank_path=FIXTURE_BANK, database_url=f"sqlite:///{tmp / 'api.db'}", clock=FixedClock()
    )
    app = create_app(runtime, WebSettings(allowed_hosts=("testserver",)))
    client = TestClient(app)
    page = client.get("/")
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return app, found.group(1), dict(client.cookies)


_TMP = Path(tempfile.mkdtemp(prefix="certprep-openapi-"))
atexit.register(shutil.rmtree, _TMP, True)
APP, TOKEN, COOKIES = _app(_TMP)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_does_what_its_openapi_description_says(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"x-csrf-token": TOKEN}, cookies=COOKIES)


def test_every_reference_in_the_description_resolves() -> None:
    text = json.dumps(TestClient(APP).get("/openapi.json").json())  # type: ignore[arg-type]
    assert "#/$defs/" not in text
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    components = TestClient(APP).get("/openapi.json").json()["components"]["schemas"]  # type: ignore[arg-type]
    assert refs <= set(components)


def test_a_boolean_is_not_a_seed() -> None:
    client = TestClient(APP, cookies=COOKIES)  # type: ignore[arg-type]
    for body in ({"seed": False}, {"seed": True}, {"accommodation": 1}):
        r = client.post("/api/exams", json=body, headers={"x-csrf-token": TOKEN})
        assert r.status_code == 422, body
        assert r.json()["problems"]
