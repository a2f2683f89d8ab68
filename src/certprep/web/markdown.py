"""Lab briefs are Markdown; rendered with raw HTML disabled (escaped) and unsafe links refused."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def to_html(text: str) -> Markup:
    return Markup(_renderer().render(text))  # safe: markdown-it escapes raw HTML itself
