"""Authored text (stems, explanations) is stored hard-wrapped at about 95 columns, for diffs.
``reflow`` undoes the wrapping so that a browser or a terminal wraps it to its own width."""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s")


def reflow(text: str) -> str:
    """Paragraphs joined into single lines and separated by one blank line; a line that starts a
    list item ("- ", "* ", "1. ") keeps its own line, and an indented block (a policy, a
    command) is kept as it is."""
    paragraphs = []
    for block in _BLANK_LINE.split(text.strip("\n")):
        if block[:1].isspace():  # preformatted
            paragraphs.append("\n".join(line.rstrip() for line in block.splitlines()))
            continue
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if lines and not _LIST_LINE.match(raw):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 lab', '2 labs', '0 labs'; ``many`` for irregular plurals."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
