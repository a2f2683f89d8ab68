"""Web settings, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WebSettings:
    #: Accounts and sign-in; off: one learner on localhost, no login.
    multi_user: bool = False
    #: Mark cookies Secure (set it when the app is served over HTTPS).
    secure_cookies: bool = False
    #: Host names answered besides localhost, 127.0.0.1 and [::1] (CERTPREP_ALLOWED_HOSTS,
    #: comma-separated); any other Host header gets 400.
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls) -> WebSettings:
        return cls(
            multi_user=_flag("CERTPREP_MULTI_USER"),
            secure_cookies=_flag("CERTPREP_SECURE_COOKIES"),
            allowed_hosts=allowed_hosts_from_environment(),
        )


def allowed_hosts_from_environment() -> tuple[str, ...]:
    raw = os.environ.get("CERTPREP_ALLOWED_HOSTS", "")
    return tuple(h.strip() for h in raw.split(",") if h.strip())
