"""How ``--help`` reads. Typer 0.2x prints a type after every parameter, ``<bool>`` even after
a flag, which only adds noise (a flag takes no value), and writes a required argument as
``{attempt_id}`` in the usage line. Here a flag shows no type, and arguments read as the
usual ``ATTEMPT_ID`` (required) and ``[PATH]`` (optional). Applied once, when the CLI is
imported."""

from __future__ import annotations

from typing import Any

from typer import core


def _type_unless_flag(self: core.TyperOption, ctx: Any) -> str | None:
    return None if self.is_flag else self.display_type(ctx)


def _usage_name(self: core.TyperArgument) -> str:
    name = (self.metavar or (self.name or "").upper()).strip("{}[]")
    name = name if self.required else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def apply() -> None:
    core.TyperOption.display_type_rich = _type_unless_flag  # type: ignore[method-assign]
    core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]
