"""The ``certprep`` command: each group of commands lives in its own module, added here.
Heavy imports wait inside the commands that need them, so that ``certprep --help`` starts fast."""

from __future__ import annotations

import sys

import typer

from certprep.cli import (
    account_cmds,
    bank_cmds,
    help_style,
    item_cmds,
    lab_cmds,
    learning_cmds,
    psychometrics_cmds,
    serve_cmds,
    session_cmds,
)
from certprep.cli.common import USER_ERROR

__all__ = ["USER_ERROR", "app", "main"]

help_style.apply()
app = typer.Typer(
    name="certprep",
    help="Practice and readiness for the AWS Certified DevOps Engineer - Professional exam "
    "(DOP-C02).\n\n"
    "Start here: [bold]certprep start[/] opens the web app in your browser; in the terminal, "
    "[bold]certprep practice[/] drills questions with feedback and [bold]certprep exam[/] "
    "sits a full 75-question mock. [bold]certprep plan[/] says what to do next.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (serve_cmds, session_cmds, learning_cmds, item_cmds, psychometrics_cmds):
    app.add_typer(group.commands)
app.add_typer(bank_cmds.bank_app, name="bank")
app.add_typer(item_cmds.items_app, name="items")
app.add_typer(lab_cmds.lab_app, name="lab")
app.add_typer(account_cmds.account_app, name="account")


def main() -> None:
    """Entry point: user errors are handled per command; anything else is a bug, said briefly
    (set CERTPREP_DEBUG=1 for the traceback)."""
    import os

    try:
        app()
    except Exception as exc:
        if os.environ.get("CERTPREP_DEBUG"):
            raise
        sys.stderr.write(
            f"certprep: internal error: {type(exc).__name__}: {exc}\n"
            "Nothing you saved is lost. Set CERTPREP_DEBUG=1 to see the traceback, and report it.\n"
        )
        sys.exit(70)
