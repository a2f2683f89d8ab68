"""A single-user server answers only to its own names and machine: no page elsewhere can
drive it through DNS rebinding, and it does not listen beyond loopback unless told to."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from certprep.cli.app import app as cli
from certprep.labs.catalog import get_lab
from certprep.web.hosts import host_name, is_loopback
from certprep.web.settings import WebSettings

from .conftest import Browser, local_client

SCRIPT_LAB = "orders-data-recovery"


@pytest.mark.parametrize("host", ["evil.example", "certprep.attacker.test:8000", "10.0.0.7"])
def test_a_foreign_host_name_gets_400_before_routing(app_for: Any, host: str) -> None:
    """What a DNS-rebinding page's requests carry: its own name in Host."""
    with local_client(app_for()) as client:
        page = client.get("/", headers={"host": host})
        script = client.post(
            f"/api/labs/{SCRIPT_LAB}/check",
            json={"artifact": "print(1)"},
            headers={"host": host, "x-csrf-token": "x" * 43},
        )
    assert page.status_code == 400 and "csrf-token" not in page.text
    assert script.status_code == 400


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"]
)
def test_the_machines_own_names_are_answered(app_for: Any, host: str) -> None:
    with local_client(app_for()) as client:
        assert client.get("/", headers={"host": host}).status_code == 200


def test_configured_names_are_answered_too(app_for: Any) -> None:
    settings = WebSettings(allowed_hosts=("certprep.example.org",))
    with local_client(app_for(settings)) as client:
        assert client.get("/", headers={"host": "certprep.example.org"}).status_code == 200
        assert client.get("/", headers={"host": "other.example.org"}).status_code == 400


def test_script_labs_run_only_for_the_servers_own_machine(app_for: Any) -> None:
    lab = get_lab(SCRIPT_LAB)
    with TestClient(app_for(), base_url="http://localhost", client=("192.168.1.20", 5)) as c:
        remote = Browser(c)
        page = remote.page(f"/labs/{lab.id}")
        assert 'id="check-lab"' not in page.text
        api = remote.api("POST", f"/api/labs/{lab.id}/check", {"artifact": lab.solution})
        assert api.status_code == 403 and api.json()["code"] == "script_labs_off"
        assert "not on its machine" in api.json()["detail"]


def test_serve_refuses_a_non_loopback_address_in_single_user_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CERTPREP_MULTI_USER", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "--allow-remote" in result.output


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8000", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("Ex.Org", "ex.org"),
    ],
)
def test_host_names_are_read_without_their_port(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("testclient", False),
        (None, False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_loopback_clients_are_recognised(address: str | None, local: bool) -> None:
    assert is_loopback(address) is local
