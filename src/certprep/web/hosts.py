"""Which host names the app answers to, and whether a request comes from this machine.

A page on another site can make the learner's browser talk to ``127.0.0.1:8000`` under its own
name (DNS rebinding): the browser then sends that site's name in ``Host``. Answering only to the
expected names (``localhost``, ``127.0.0.1``, ``[::1]``, and those configured with
``CERTPREP_ALLOWED_HOSTS``) closes that path: anything else gets 400 before routing.
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8000`` -> ``::1``), lower-case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_loopback(address: str | None) -> bool:
    """Whether a client address is this machine's (127.0.0.0/8, ::1, ::ffff:127.x)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def is_loopback_host(host: str) -> bool:
    """Whether a name to listen on stays on this machine."""
    return host.lower() in LOOPBACK_NAMES or is_loopback(host.strip("[]"))


class AllowedHosts:
    """ASGI middleware: 400 for a request whose ``Host`` is not one of ``names``."""

    def __init__(self, app: ASGIApp, names: tuple[str, ...]) -> None:
        self.app = app
        self.names = frozenset(host_name(n) for n in (*LOOPBACK_NAMES, *names) if n.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            header = next((v for k, v in scope["headers"] if k == b"host"), b"")
            if host_name(header.decode("latin-1")) not in self.names:
                await _refuse(send, scope["type"])
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, kind: str) -> None:
    if kind == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = (
        b"certprep answers only to its own host names (localhost, 127.0.0.1, [::1] and those in "
        b"CERTPREP_ALLOWED_HOSTS).\n"
    )
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
