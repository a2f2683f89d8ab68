"""Stored text is hard-wrapped; pages and terminals get it reflowed to their own width."""

from __future__ import annotations

from certprep.bank.loader import load_bank
from certprep.text import reflow


def test_hard_wrapped_lines_join_and_paragraphs_stay() -> None:
    text = "A company runs\nan app on ECS.\n\nIt must not\nchange.\n"
    assert reflow(text) == "A company runs an app on ECS.\n\nIt must not change."


def test_list_lines_keep_their_own_line() -> None:
    text = "Requirements:\n- one Region\n- no downtime,\n  ever\n1. first\n"
    assert reflow(text) == "Requirements:\n- one Region\n- no downtime, ever\n1. first"


def test_bundled_stems_are_stored_hard_wrapped_and_reflow_to_single_lines() -> None:
    bank = load_bank()
    wrapped = [i for i in bank.items.values() if "\n" in i.stem.strip()]
    assert len(wrapped) > len(bank.items) // 2  # the reason reflow exists
    for item in wrapped:
        for paragraph in reflow(item.stem).split("\n\n"):
            assert paragraph[:1].isspace() or "\n" not in paragraph, item.id


def test_indented_blocks_are_kept_as_they_are() -> None:
    text = 'The SCP:\n\n  {"Effect": "Deny",\n   "Action": "*"}\n\nWhat is\nwrong?'
    assert reflow(text) == 'The SCP:\n\n  {"Effect": "Deny",\n   "Action": "*"}\n\nWhat is wrong?'
