"""Which passwords certprep refuses: too short, among the commonest, one repeated character,
a simple sequence (``abcdefghij``, ``0987654321``, a keyboard row), or the username itself.

The list of common passwords is small and bundled (``common-passwords.txt`` beside this
module): the ones of 10 or more characters that people choose most, and their obvious
variants. Pure: no I/O beyond reading that file once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

MIN_LENGTH = 10
MAX_LENGTH = 256
_ROWS = ("qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./", "1234567890-=", "abcdefghijklmnopqrstuvwxyz")


@cache
def common_passwords() -> frozenset[str]:
    text = (resources.files("certprep.domain") / "common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _is_sequence(text: str) -> bool:
    """Runs along a keyboard row or the alphabet/digits, forwards or back, possibly
    wrapping (``7890123456``); or one short chunk repeated (``abcabcabca``, ``12121212``)."""
    for row in _ROWS:
        for run in (row, row[::-1]):
            doubled = run + run
            if text in doubled:
                return True
    for size in range(1, 4):
        chunk = text[:size]
        if (chunk * (len(text) // size + 1))[: len(text)] == text:
            return True
    return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password is refused (a message safe to show), or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password has at most {MAX_LENGTH} characters"
    folded = password.lower()
    if len(set(folded)) == 1:
        return "a password of one repeated character is too easy to guess"
    if _is_sequence(folded):
        return "a simple sequence is too easy to guess: choose something less predictable"
    if folded in common_passwords() or folded.rstrip("0123456789!.") in common_passwords():
        return "that password is among the most common ones: choose another"
    if username and username.strip().lower() in folded:
        return "a password must not contain the username"
    return None
