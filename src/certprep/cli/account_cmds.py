"""``certprep account ...``: what an administrator of a shared (multi-user) server sets per
learner account."""

from __future__ import annotations

from typing import Annotated

import typer

from certprep.cli.common import console, runtime, user_errors

account_app = typer.Typer(
    help="Learner accounts of a shared server (CERTPREP_MULTI_USER=1): administrator's settings.",
    no_args_is_help=True,
)


@account_app.command("accommodation")
@user_errors
def accommodation(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The learner's username.")],
    grant: Annotated[
        bool,
        typer.Option(
            "--grant/--revoke",
            help="Grant the exam's extra time to this account, or take it back.",
        ),
    ] = True,
) -> None:
    """Grant (or revoke) the exam's accommodation (extra time) for one account. On a shared
    server learners cannot give it to themselves; on your own machine you choose it at the
    start of an exam."""
    from certprep.services.accounts import AccountService

    rt = runtime(ctx)
    user = AccountService(rt.sessions, rt.clock).set_accommodation(username, grant)
    minutes = rt.bank.blueprint.exam.accommodation_minutes
    state = "now has" if user.accommodation else "no longer has"
    console().print(f"{user.username} {state} the {minutes}-minute accommodation.")


@account_app.command("admin")
@user_errors
def admin(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account's username.")],
    grant: Annotated[
        bool, typer.Option("--grant/--revoke", help="Make the account an administrator, or not.")
    ] = True,
) -> None:
    """Grant (or revoke) an account the authors' pages: item statistics and learners' reports."""
    from certprep.services.accounts import AccountService

    rt = runtime(ctx)
    user = AccountService(rt.sessions, rt.clock).set_admin(username, grant)
    state = "is now" if user.admin else "is no longer"
    console().print(f"{user.username} {state} an administrator.")
