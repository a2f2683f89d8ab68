"""Cues a program can see: ways an item's key stands out from its options without the stem
being read, and facts that have not been checked for too long. ``certprep bank lint`` warns
about each with file:line, and sums them per cue.

These are aids for authors. The measure is the options-only test (docs/authoring.md): a reader
who sees only the options must not be able to pick the key.

- ``stem-echo``: a distinctive token of the stem (a number, a CamelCase or dotted name, a
  hyphenated name) appears in the key(s) and in no distractor.
- ``length-spread``: the longest option is more than ``LENGTH_SPREAD`` times the shortest.
- ``absolute``: "always", "never", "only" (or "all"/"none" of an option's own making) appear in
  distractors and in no key: the classic give-away.
- ``all-none``: an option says "all of the above" or "none of the above".
- ``stale``: the item's facts were last checked more than ``STALE_AFTER`` ago, or never.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from certprep.domain.items import Item, ItemStatus

LENGTH_SPREAD = 2.0
STALE_AFTER = timedelta(days=365)
CUES = ("stem-echo", "length-spread", "absolute", "all-none", "stale")

_NUMBER = r"\d+(?:[.,]\d+)*%?"
_CAMEL = r"[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*"
_HYPHENATED = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+"
_TOKEN = re.compile(rf"(?<![\w.-])(?:{_HYPHENATED}|{_CAMEL}|{_NUMBER})(?![\w-])")
_ABSOLUTE = re.compile(r"\b(always|never|only)\b", re.IGNORECASE)
_ALL_NONE = re.compile(r"\b(all|none) of the (above|options|answers)\b", re.IGNORECASE)
# numbers that say nothing about an item: the "(Choose two.)" count, small counting words
_DULL = {"1", "2", "3"}


@dataclass(frozen=True)
class Cue:
    item_id: str
    cue: str
    message: str


def distinctive_tokens(text: str) -> set[str]:
    tokens = {t.lower() for t in _TOKEN.findall(text)}
    return {t for t in tokens if t not in _DULL and not re.fullmatch(r"[a-z]", t)}


def _stem_echo(item: Item) -> Cue | None:
    stem = re.sub(r"\(\s*choose\s+\w+\s*\.?\s*\)", " ", item.stem, flags=re.IGNORECASE)
    wanted = distinctive_tokens(stem)
    if not wanted:
        return None
    options = [distinctive_tokens(o.text) for o in item.options]
    echoed = sorted(
        t
        for t in wanted
        if any(t in options[k] for k in item.keys)
        and not any(t in found for n, found in enumerate(options) if n not in item.keys)
    )
    if not echoed:
        return None
    return Cue(
        item.id,
        "stem-echo",
        f"only the key repeats the stem's {', '.join(repr(t) for t in echoed[:4])}: "
        "put them in distractors too, or in no option",
    )


def _length_spread(item: Item) -> Cue | None:
    lengths = [len(o.text) for o in item.options]
    if min(lengths) == 0 or max(lengths) / min(lengths) <= LENGTH_SPREAD:
        return None
    return Cue(
        item.id,
        "length-spread",
        f"the longest option is {max(lengths) / min(lengths):.1f} times the shortest "
        f"(at most {LENGTH_SPREAD:g})",
    )


def _absolute(item: Item) -> Cue | None:
    in_keys = any(_ABSOLUTE.search(item.options[k].text) for k in item.keys)
    words = sorted(
        {
            m.lower()
            for n, o in enumerate(item.options)
            if n not in item.keys
            for m in _ABSOLUTE.findall(o.text)
        }
    )
    if not words or in_keys:
        return None
    return Cue(item.id, "absolute", f"only distractors say {', '.join(words)}")


def _all_none(item: Item) -> Cue | None:
    if any(_ALL_NONE.search(o.text) for o in item.options):
        return Cue(item.id, "all-none", "an option says 'all/none of the above'")
    return None


def _stale(item: Item, today: date) -> Cue | None:
    if item.status not in (ItemStatus.LIVE, ItemStatus.PRETEST):
        return None
    if item.checked is None:
        return Cue(item.id, "stale", "its facts have never been checked (add 'checked:')")
    age = today - item.checked.date
    if age > STALE_AFTER:
        return Cue(
            item.id,
            "stale",
            f"its facts were last checked {item.checked.date.isoformat()}, "
            f"{age.days // 30} months ago: check them again",
        )
    return None


def item_cues(item: Item, today: date) -> list[Cue]:
    """Every cue of one item (retired and draft items are not checked for staleness)."""
    found = [
        _stem_echo(item),
        _length_spread(item),
        _absolute(item),
        _all_none(item),
        _stale(item, today),
    ]
    return [c for c in found if c is not None]


def cue_counts(cues: list[Cue]) -> dict[str, int]:
    counts = Counter(c.cue for c in cues)
    return {name: counts.get(name, 0) for name in CUES}
