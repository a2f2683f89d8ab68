"""``certprep serve`` and ``start``: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from certprep.cli.common import console, user_errors

commands = typer.Typer()


@commands.command()
@user_errors
def start() -> None:
    """What 'make run' starts: the web app on 127.0.0.1:8000."""
    serve()


@commands.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Single-user mode only: listen beyond this machine anyway (anyone who can "
            "reach the address uses your data; see the README's security section).",
        ),
    ] = False,
) -> None:
    """Start the web app (exam, practice, score reports, progress) and print its address."""
    import os

    import uvicorn

    from certprep.errors import CertprepError
    from certprep.runtime import Runtime
    from certprep.web.hosts import is_loopback_host
    from certprep.web.settings import WebSettings, allowed_hosts_from_environment

    settings = WebSettings.from_environment()
    if not is_loopback_host(host) and not settings.multi_user and not allow_remote:
        raise CertprepError(
            f"refusing to listen on {host}: without accounts (single-user mode) anyone who can "
            "reach that address would use your learner data and could run lab scripts on this "
            "machine. For a shared server set CERTPREP_MULTI_USER=1; to accept the risk, pass "
            "--allow-remote."
        )
    if not is_loopback_host(host) and host not in ("0.0.0.0", "::"):
        # the address it listens on is a name browsers will use: answer to it
        names = dict.fromkeys((*allowed_hosts_from_environment(), host))
        os.environ["CERTPREP_ALLOWED_HOSTS"] = ",".join(names)
    Runtime.from_environment().sessions  # migrate once, before the workers start  # noqa: B018
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console(soft_wrap=True).print(
        f"certprep is running: open [bold]http://{shown}:{port}/[/] in your browser (Ctrl-C stops it)."
    )
    if host in ("0.0.0.0", "::") and not allowed_hosts_from_environment():
        console(soft_wrap=True).print(
            "Other machines reach it by this machine's name or address: list those in "
            "CERTPREP_ALLOWED_HOSTS (comma-separated), or requests that use them get 400."
        )
    uvicorn.run(
        "certprep.web.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
