"""The interactive loop of an exam or practice session in the terminal.

Commands at the prompt (letters A-F are answers, so commands use other letters):
  A / AC / "a c"   answer with exactly these options      n or Enter  next question
  p                previous question                      g 12 or 12  go to question 12
  m                mark (flag) for review, or unmark      x           clear the answer
  r                review grid; ri / rf / ra step through incomplete, flagged or all
  s                end the exam / session                 h           this help
  q                quit for now (a full exam's clock keeps running)
Every answer and flag is saved the moment it is made. A "Choose two" answered with one letter
is saved but incomplete, as on the real exam: type all the letters together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from rich.console import Console
from rich.markup import escape

from certprep.cli import render
from certprep.cli.terminal_prompt import Reader
from certprep.domain.attempt import AttemptState, Mode, Purpose, TimeUp
from certprep.errors import CertprepError
from certprep.services.exams import ExamService
from certprep.text import plural

_ANSWER_RE = re.compile(r"^[a-fA-F](?:[\s,]*[a-fA-F])*$")
_GOTO_RE = re.compile(r"^(?:g\s*)?(\d+)$", re.IGNORECASE)
HELP = (
    "[bold]A[/]-[bold]F[/] answer (e.g. [bold]B[/] or [bold]AC[/])  [bold]n[/]/Enter next  "
    "[bold]p[/] previous  [bold]g 12[/] go to  [bold]m[/] flag  [bold]x[/] clear  "
    "[bold]r[/] review  [bold]s[/] end  [bold]q[/] quit for now  [bold]h[/] help"
)
WORDS = {1: "one option", 2: "two options", 3: "three options"}
#: the exam warns once as the time left passes each of these (minutes)
WARN_AT_MINUTES = (30, 10, 5)
RESUME_COMMAND = {
    Purpose.EXAM: "certprep exam --resume",
    Purpose.PRACTICE: "certprep practice --resume",
    Purpose.DRILL: "certprep practice --resume",
    Purpose.REVIEW: "certprep review",
}
_SUBSETS = {"ra": "all", "ri": "incomplete and unanswered", "rf": "flagged"}


@dataclass
class Turn:
    """Where the loop stands after one command."""

    state: AttemptState
    position: int
    done: bool = False
    then: str | None = None  # a command typed at a follow-up prompt, for the next question


class SessionUI:
    def __init__(self, service: ExamService, console: Console, read: Reader) -> None:
        self.service, self.console, self.read = service, console, read
        self.warned: set[int] = set()
        self.subset: list[int] | None = None  # positions a review steps through
        self.subset_name = ""

    def run(self, state: AttemptState) -> AttemptState:
        """Drive the session until it ends or the learner quits; returns the last state."""
        attempt_id = state.attempt.id
        turn = Turn(state, state.current)
        self.console.print(HELP)
        while turn.state.is_open:
            state, position = turn.state, turn.position
            self._warn_time(state)
            q = self.service.question(state, position)
            render.question(self.console, q, self._left(state), self._title(state))
            command = turn.then
            if command is None:
                try:
                    command = self.read("> ", self._status_line(attempt_id, position)).strip()
                except (EOFError, KeyboardInterrupt):
                    return self._quit(state)
            try:
                turn = self._handle(state, position, command)
            except TimeUp as exc:
                self.console.print(f"[bold red]{exc}[/]")
                return self.service.state(attempt_id)
            except CertprepError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/]")
                turn = Turn(state, position)
            if turn.done:
                return turn.state
        return turn.state

    # -- the clock ----------------------------------------------------------------------------
    def _title(self, state: AttemptState) -> str:
        kind = "exam" if state.attempt.mode is Mode.EXAM else (state.attempt.purpose or "practice")
        return f"{self.service.bank.blueprint.exam.code} {kind}"

    def _left(self, state: AttemptState) -> timedelta | None:
        return state.time_left(self.service.clock.now())

    def _status_line(self, attempt_id: str, position: int) -> Callable[[], str]:
        """The line a live terminal keeps at its bottom, redrawn every second."""

        def line() -> str:
            state = self.service.state(attempt_id)
            answered = sum(state.complete(p) for p in state.answers)
            left = self._left(state)
            text = (
                f" {self._title(state)} · Question {position + 1} of {len(state.attempt.form)} · "
                f"{answered} answered · Time left {render.clock(left)}"
            )
            if left is not None:
                due = [m for m in WARN_AT_MINUTES if left <= timedelta(minutes=m)]
                if due:
                    text += f" · less than {min(due)} minutes left"
            return text

        return line

    def _warn_time(self, state: AttemptState) -> None:
        left = self._left(state)
        if left is None:
            return
        passed = {m for m in WARN_AT_MINUTES if left <= timedelta(minutes=m)} - self.warned
        if passed:
            self.warned |= passed
            self.console.print(
                f"[bold yellow]Time check: {render.clock(left)} left.[/] "
                "Unanswered questions score as wrong: answer every one."
            )

    # -- commands -----------------------------------------------------------------------------
    def _handle(self, state: AttemptState, position: int, command: str) -> Turn:
        svc, attempt_id = self.service, state.attempt.id
        low = command.lower()
        goto = _GOTO_RE.match(command)
        if _ANSWER_RE.match(command):
            return self._answer(state, position, command)
        if low in ("", "n"):
            return self._step(state, position, +1)
        if low == "p":
            return self._step(state, position, -1)
        if goto:
            target = int(goto.group(1)) - 1
            return Turn(svc.visit(attempt_id, target), target)
        if low == "m":
            return Turn(svc.flag(attempt_id, position, position not in state.flags), position)
        if low == "x":
            return Turn(svc.clear(attempt_id, position), position)
        if low == "r":
            self.subset = None
            render.review_grid(self.console, state)
            return Turn(state, position)
        if low in _SUBSETS:
            return self._start_subset(state, position, low)
        if low == "s":
            return self._end(state, position)
        if low == "q":
            return Turn(self._quit(state), position, done=True)
        if low in ("h", "?", "help"):
            self.console.print(HELP)
            return Turn(state, position)
        self.console.print(f"[red]Not a command: {escape(repr(command))}.[/] {HELP}")
        return Turn(state, position)

    def _answer(self, state: AttemptState, position: int, command: str) -> Turn:
        svc, attempt_id = self.service, state.attempt.id
        chosen = sorted({ord(c) - 65 for c in command.upper() if c.isalpha()})
        state = svc.answer(attempt_id, position, chosen)
        item = svc.question(state, position).item
        if not state.complete(position):
            example = "".join(chr(65 + n) for n in range(item.choose))
            self.console.print(
                f"[yellow]Saved, but incomplete:[/] this question asks for "
                f"{WORDS.get(item.choose, item.choose)}. Type them together, e.g. {example}."
            )
            return Turn(state, position)
        last = position == len(state.attempt.form) - 1
        then = None
        if state.attempt.mode is Mode.PRACTICE:
            correct = svc.is_correct(state, position)
            render.feedback(self.console, svc.question(state, position), correct)
            then = self._after_feedback(state, position, correct, last)
            if last and then is None:
                return self._end(state, position)
        if last:
            return Turn(state, position, then=then)
        turn = self._step(state, position, +1)
        turn.then = then
        return turn

    def _after_feedback(
        self, state: AttemptState, position: int, correct: bool, last: bool
    ) -> str | None:
        """Practice: Enter goes on; after a right answer 'hard' or 'easy' tunes its review
        schedule; anything else is a command for the next question (its answer, say)."""
        go_on = "Enter to finish" if last else "Enter for the next question"
        rate = correct and self.service.learning is not None
        prompt = f"{go_on}, 'hard' or 'easy' to rate it, h for help: " if rate else f"{go_on}: "
        while True:
            try:
                reply = self.read(prompt, None).strip()
            except (EOFError, KeyboardInterrupt):
                return "q"
            low = reply.lower()
            if low in ("h", "?", "help"):
                self.console.print(HELP)
                if rate:
                    self.console.print("'hard' or 'easy': how this right answer felt (it tunes")
                    self.console.print("when the question comes back for review).")
                continue
            if low in ("hard", "easy"):
                if rate:
                    self._rate(state, position, low)
                else:
                    self.console.print(
                        "A question you missed comes back for review soon anyway; rating is "
                        "for questions you got right."
                    )
                return None
            return reply or None

    def _rate(self, state: AttemptState, position: int, how: str) -> None:
        from certprep.domain.review import SelfRating

        assert self.service.learning is not None
        rating = SelfRating.HARD if how == "hard" else SelfRating.EASY
        item_id = state.attempt.form.items[position].item_id
        due = self.service.learning.self_rate(item_id, state.attempt.id, rating)
        when = f"; next review {due:%Y-%m-%d}" if due else ""
        self.console.print(f"Noted: {rating.value}{when}.")

    # -- moving about -------------------------------------------------------------------------
    def _step(self, state: AttemptState, position: int, direction: int) -> Turn:
        """Next or previous: within the review subset when stepping through one."""
        total = len(state.attempt.form)
        if self.subset is not None:
            ahead = [p for p in self.subset if (p - position) * direction > 0]
            if not ahead:
                self.console.print(
                    f"That was the last of the {self.subset_name} questions: "
                    "[bold]r[/] for the review grid, [bold]s[/] to end."
                )
                self.subset = None
                return Turn(state, position)
            target = min(ahead) if direction > 0 else max(ahead)
        else:
            target = position + direction
            if target >= total:
                self.console.print(
                    "This is the last question: [bold]r[/] to review, [bold]s[/] to end."
                )
                return Turn(state, position)
            target = max(target, 0)
        return Turn(self.service.visit(state.attempt.id, target), target)

    def _start_subset(self, state: AttemptState, position: int, which: str) -> Turn:
        total = len(state.attempt.form)
        if which == "ra":
            subset = list(range(total))
        elif which == "ri":
            subset = sorted(state.unanswered() + state.incomplete())
        else:
            subset = sorted(state.flags)
        if not subset:
            self.console.print(f"No {_SUBSETS[which]} questions.")
            return Turn(state, position)
        self.subset, self.subset_name = subset, _SUBSETS[which]
        self.console.print(
            f"Stepping through {plural(len(subset), self.subset_name + ' question')}: "
            "n and p move among them."
        )
        return Turn(self.service.visit(state.attempt.id, subset[0]), subset[0])

    # -- ending and leaving -------------------------------------------------------------------
    def _end(self, state: AttemptState, position: int) -> Turn:
        """Ask, then submit; the loop ends only if the learner confirmed."""
        if not self._confirm_end(state):
            return Turn(state, position)
        return Turn(self.service.submit(state.attempt.id), position, done=True)

    def _confirm_end(self, state: AttemptState) -> bool:
        what = "exam" if state.attempt.mode is Mode.EXAM else "session"
        if state.unanswered() or state.incomplete() or state.flags:
            render.review_grid(self.console, state)
        try:
            reply = self.read(
                f"End the {what} now? You cannot change answers afterwards. [y/N] ", None
            )
        except (EOFError, KeyboardInterrupt):
            return False
        return reply.strip().lower() in ("y", "yes")

    def _quit(self, state: AttemptState) -> AttemptState:
        attempt = state.attempt
        if attempt.mode is Mode.PRACTICE and attempt.time_limit is not None and not state.paused:
            state = self.service.pause(attempt.id)
        command = RESUME_COMMAND[attempt.purpose or Purpose.PRACTICE]
        note = (
            " The exam clock keeps running, as on the real exam."
            if attempt.mode is Mode.EXAM
            else ""
        )
        self.console.print(f"\nSaved. Continue with [bold]{command}[/].{note}")
        return state
