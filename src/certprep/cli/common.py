"""What every command shares: the runtime, consoles, and user errors as messages (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from certprep.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for a user error (bad input, unknown attempt, unusable bank or database).
USER_ERROR = 2


def runtime(ctx: typer.Context) -> Runtime:
    from certprep.runtime import Runtime

    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = Runtime.from_environment()
    return root.obj


def console(stderr: bool = False, soft_wrap: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


def user_errors(func: F) -> F:
    """Turn a CertprepError into its message on stderr and exit code 2: never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from certprep.errors import CertprepError

        try:
            return func(*args, **kwargs)
        except CertprepError as exc:
            err = console(stderr=True)
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            for problem in getattr(exc, "problems", [])[:20]:
                err.print(f"  {problem}", markup=False)
            raise typer.Exit(USER_ERROR) from None

    return wrapper  # type: ignore[return-value]
