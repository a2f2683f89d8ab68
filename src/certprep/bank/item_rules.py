"""The rules every item must follow to be used at all, checked both by ``certprep bank lint``
and when a bank is loaded (a bank that fails them never loads): its task and skills exist,
its shape (4 options and 1 key; 5 and 2; 6 and 3) matches its type, the stem says
"(Choose two.)"/"(Choose three.)" exactly when it should, options differ, and it cites the
English AWS documentation."""

from __future__ import annotations

import re
from collections import Counter

from certprep.bank.loader import Location, Problem, RawItem
from certprep.domain.blueprint import Blueprint
from certprep.domain.items import Item, ItemType

_SHAPES = {ItemType.SINGLE: {(4, 1)}, ItemType.MULTIPLE: {(5, 2), (6, 3)}}
_CHOOSE_WORDS = {2: "two", 3: "three", 4: "four"}
_CHOOSE_RE = re.compile(r"\(\s*choose\s+(\w+)\s*\.?\s*\)", re.IGNORECASE)
_TRANSLATED_RE = re.compile(r"^https://docs\.aws\.amazon\.com/[a-z]{2}_[a-z]{2}/|\.md$|%5F")
_URL_RE = re.compile(r"^https://([a-z0-9-]+\.)*(aws\.amazon\.com|amazon\.com|amazonaws\.com)/\S*$")


def item_problems(item: Item, raw: RawItem, blueprint: Blueprint) -> list[Problem]:
    out: list[Problem] = []

    def add(message: str, *keys: str | int) -> None:
        out.append(
            Problem(
                Location(raw.location.path, raw.line_of(*keys)),
                f"item {item.id}: {message}",
                item.id,
            )
        )

    if item.task not in blueprint.tasks:
        add(f"unknown task {item.task!r}")
    for skill in item.skills:
        owner = blueprint.task_of_skill.get(skill)
        if owner is None:
            add(f"unknown skill {skill!r}")
        elif owner != item.task:
            add(f"skill {skill} belongs to task {owner}, not {item.task}")
    shape = (len(item.options), len(item.keys))
    if shape not in _SHAPES[item.type]:
        want = " or ".join(
            f"{n} options and {k} key{'s' * (k > 1)}" for n, k in sorted(_SHAPES[item.type])
        )
        add(
            f"a {item.type.value} item needs {want}; it has {shape[0]} options and {shape[1]} key(s)",
            "options",
        )
    said = _CHOOSE_RE.findall(item.stem)
    if item.type is ItemType.MULTIPLE:
        expected = _CHOOSE_WORDS.get(len(item.keys), str(len(item.keys)))
        if [w.lower() for w in said] != [expected]:
            add(
                f"the stem must say '(Choose {expected}.)' to match its {len(item.keys)} keys",
                "stem",
            )
    elif said:
        add("a single-answer stem must not say '(Choose ...)'", "stem")
    texts = Counter(" ".join(o.text.lower().split()) for o in item.options)
    for text, count in texts.items():
        if count > 1:
            add(f"option text repeated {count} times: {text[:60]!r}", "options")
    if not any(_URL_RE.match(ref) for ref in item.references):
        add(
            "needs at least one reference URL to AWS documentation (https://docs.aws.amazon.com/...)"
        )
    for ref in item.references:
        if not ref.startswith("https://"):
            add(f"reference is not an https URL: {ref!r}", "references")
        elif _TRANSLATED_RE.search(ref):
            add(
                f"reference is a translated or source copy; cite the English page: {ref!r}",
                "references",
            )
    return out
