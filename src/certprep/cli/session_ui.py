"""The interactive loop of an exam or practice session in the terminal.

Commands at the prompt (letters A-F are answers, so commands use other letters):
  A / AC / "a c"   answer with exactly these options      n or Enter  next question
  p                previous question                      g 12 or 12  go to question 12
  m                mark (flag) for review, or unmark      x           clear the answer
  r                review screen (unanswered, flagged)    s           end the exam / session
  q                quit for now (a full exam's clock keeps running)   h  this help
Every answer and flag is saved the moment it is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.console import Console

from certprep.cli import render
from certprep.domain.attempt import AttemptState, Mode, TimeUp
from certprep.errors import CertprepError
from certprep.services.exams import ExamService

_ANSWER_RE = re.compile(r"^[a-fA-F](?:[\s,]*[a-fA-F])*$")
_GOTO_RE = re.compile(r"^(?:g\s*)?(\d+)$", re.IGNORECASE)
HELP = (
    "[bold]A[/]-[bold]F[/] answer (e.g. [bold]B[/] or [bold]AC[/])  [bold]n[/]/Enter next  "
    "[bold]p[/] previous  [bold]g 12[/] go to  [bold]m[/] flag  [bold]x[/] clear  "
    "[bold]r[/] review  [bold]s[/] end  [bold]q[/] quit for now  [bold]h[/] help"
)


class SessionUI:
    def __init__(self, service: ExamService, console: Console, read: Callable[[str], str]) -> None:
        self.service, self.console, self.read = service, console, read

    def run(self, state: AttemptState) -> AttemptState:
        """Drive the session until it ends or the learner quits; returns the last state."""
        attempt_id = state.attempt.id
        mode = state.attempt.mode
        title = (
            f"{self.service.bank.blueprint.exam.code} {'exam' if mode is Mode.EXAM else 'practice'}"
        )
        position = state.current
        self.console.print(HELP)
        while state.is_open:
            q = self.service.question(state, position)
            render.question(self.console, q, state.time_left(self.service.clock.now()), title)
            try:
                command = self.read("> ").strip()
            except (EOFError, KeyboardInterrupt):
                return self._quit(state)
            try:
                state, position, done = self._handle(state, position, command)
            except TimeUp as exc:
                self.console.print(f"[bold red]{exc}[/]")
                return self.service.state(attempt_id)
            except CertprepError as exc:
                self.console.print(f"[red]{exc}[/]")
                continue
            if done:
                return state
        return state

    def _handle(
        self, state: AttemptState, position: int, command: str
    ) -> tuple[AttemptState, int, bool]:
        svc, attempt_id = self.service, state.attempt.id
        total = len(state.attempt.form)
        low = command.lower()
        goto = _GOTO_RE.match(command)
        if _ANSWER_RE.match(command):
            chosen = sorted({ord(c) - 65 for c in command.upper() if c.isalpha()})
            state = svc.answer(attempt_id, position, chosen)
            if state.attempt.mode is Mode.PRACTICE:
                q = svc.question(state, position)
                correct = svc.is_correct(state, position)
                render.feedback(self.console, q, correct)
                self._rate_if_right(state, position, correct)
                if position == total - 1:
                    return self._end(state, position)
            if position == total - 1:
                return state, position, False
            return svc.visit(attempt_id, position + 1), position + 1, False  # resume lands here
        if low in ("", "n"):
            if position == total - 1:
                self.console.print(
                    "This is the last question: [bold]r[/] to review, [bold]s[/] to end."
                )
                return state, position, False
            return svc.visit(attempt_id, position + 1), position + 1, False
        if low == "p":
            return svc.visit(attempt_id, max(position - 1, 0)), max(position - 1, 0), False
        if goto:
            target = int(goto.group(1)) - 1
            return svc.visit(attempt_id, target), target, False
        if low == "m":
            return svc.flag(attempt_id, position, position not in state.flags), position, False
        if low == "x":
            return svc.clear(attempt_id, position), position, False
        if low == "r":
            render.review_screen(self.console, state)
            return state, position, False
        if low == "s":
            return self._end(state, position)
        if low == "q":
            self._quit(state)
            return state, position, True
        if low in ("h", "?", "help"):
            self.console.print(HELP)
            return state, position, False
        self.console.print(f"[red]Not a command: {command!r}.[/] {HELP}")
        return state, position, False

    def _rate_if_right(self, state: AttemptState, position: int, correct: bool) -> None:
        """After a right answer the learner may say it was hard or easy (it tunes the review
        schedule); after a wrong one the item is already scheduled for review."""
        last = position == len(state.attempt.form) - 1
        go_on = "Enter to finish" if last else "Enter for the next question"
        if not correct or self.service.learning is None:
            self.read(f"{go_on} ")
            return
        reply = self.read(f"{go_on} (or h: it was hard, e: it was easy) ").strip().lower()
        if reply in ("h", "e"):
            from certprep.domain.review import SelfRating

            rating = SelfRating.HARD if reply == "h" else SelfRating.EASY
            item_id = state.attempt.form.items[position].item_id
            due = self.service.learning.self_rate(item_id, state.attempt.id, rating)
            when = f"; next review {due:%Y-%m-%d}" if due else ""
            self.console.print(f"Noted: {rating.value}{when}.")

    def _end(self, state: AttemptState, position: int) -> tuple[AttemptState, int, bool]:
        """Ask, then submit; the loop ends only if the learner confirmed."""
        if not self._confirm_end(state):
            return state, position, False
        return self.service.submit(state.attempt.id), position, True

    def _confirm_end(self, state: AttemptState) -> bool:
        unanswered, flagged = state.unanswered(), sorted(state.flags)
        what = "exam" if state.attempt.mode is Mode.EXAM else "session"
        if unanswered or flagged:
            render.review_screen(self.console, state)
        try:
            reply = self.read(f"End the {what} now? You cannot change answers afterwards. [y/N] ")
        except (EOFError, KeyboardInterrupt):
            return False
        return reply.strip().lower() in ("y", "yes")

    def _quit(self, state: AttemptState) -> AttemptState:
        attempt = state.attempt
        if attempt.mode is Mode.PRACTICE and attempt.time_limit is not None and not state.paused:
            state = self.service.pause(attempt.id)
        command = (
            "certprep exam --resume" if attempt.mode is Mode.EXAM else "certprep practice --resume"
        )
        note = (
            " The exam clock keeps running, as on the real exam."
            if attempt.mode is Mode.EXAM
            else ""
        )
        self.console.print(f"\nSaved. Continue with [bold]{command}[/].{note}")
        return state
