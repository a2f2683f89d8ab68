"""Web fixtures: an app on the fixture bank with a fixed clock, and clients that act like a
browser (cookies, the CSRF token from the page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from certprep.runtime import Runtime
from certprep.web.app import create_app
from certprep.web.settings import WebSettings


class Browser:
    """A TestClient that keeps cookies and sends the page's CSRF token like our pages do."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def page(self, path: str, **kw: Any) -> Any:
        response = self.client.get(path, **kw)
        found = re.search(r'name="csrf-token" content="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def form(self, path: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)

    def api(self, method: str, path: str, json: Any = None) -> Any:
        return self.client.request(method, path, json=json, headers={"X-CSRF-Token": self.csrf})

    def start_exam(self, **data: str) -> str:
        self.page("/")
        response = self.form("/exams", data, follow_redirects=False)
        assert response.status_code == 303, response.text
        return str(response.headers["location"].split("/")[2])


def local_client(app: Any) -> TestClient:
    """A client on the server's own machine, as a browser on localhost is."""
    return TestClient(app, base_url="http://localhost", client=("127.0.0.1", 50000))


@pytest.fixture
def app_for(runtime: Runtime) -> Any:
    def make(settings: WebSettings | None = None) -> Any:
        return create_app(runtime, settings or WebSettings())

    return make


@pytest.fixture
def browser(app_for: Any) -> Iterator[Browser]:
    with local_client(app_for()) as client:
        yield Browser(client)
