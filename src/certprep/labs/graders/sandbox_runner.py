"""The bootstrap that runs a learner's script inside the lab sandbox process.

``script_sandbox`` starts it as ``python -I sandbox_runner.py ARGS`` (standard library only:
it must not import certprep; it loads ``sandbox_guard`` beside it). Before the learner's code
runs, it

1. sets the resource limits: address space (``RLIMIT_AS``), size of a written file
   (``RLIMIT_FSIZE``), no core files;
2. imports boto3 and waits for its job (script, workspace, report file), one JSON line on
   stdin: certprep may start this process ahead of time, so that a grade does not wait for
   that import. It then changes to the workspace, sets ``HOME`` to it, and limits the CPU
   seconds from then on (``RLIMIT_CPU``);
3. confines itself (``sandbox_confine``): reads only in its own folders and Python's,
   writes only in its workspace and private folder, TCP only to the emulator, enforced by the
   kernel with Landlock where it has it (the report's ``kernel`` says what was enforced);
   then installs the audit hook of ``sandbox_guard`` (it cannot be removed), which refuses
   the same paths with a clear message, and access to certprep's data (and removing or renaming a folder that holds it), ``sqlite3.connect``,
   any network but the emulator's ``127.0.0.1:port``, listening beyond loopback, starting a
   process, loading a C library, and signalling another process;
4. runs the script with ``runpy.run_path`` as ``__main__``, its folder first on ``sys.path``
   (as ``python script.py`` would), and writes a JSON report: ``{"outcome": ..., "message":
   ...}`` where outcome is ``ok``, ``exit`` (a non-zero ``sys.exit``), ``error`` (an exception;
   the message names its type, text and the lines of the learner's own file it passed
   through, never a frame of the runner; a recursion's repeated lines are counted, not
   listed), ``memory`` (``MemoryError``) or ``refused``. Any refusal is reported even when the
   script caught the exception. An exception whose text cannot be made (its ``__str__``
   raises) is named by its type.

Its private folder (working folder, ``TMPDIR``, report and output files) is certprep's to
remove, but should certprep die (SIGKILL leaves no time to clean up) the runner notices, as
its stdin closes, and removes the folder itself before it exits: while it waits for its job,
and while the script runs (certprep keeps the pipe open until the run is over; the script's
own stdin is ``/dev/null``).

The audit hook gives the messages; Landlock is the boundary (see ``sandbox_confine``).

Arguments: ``PORT MEMORY_BYTES CPU_SECONDS FILE_BYTES [--private DIR] [--deny-dir D]...
[--deny-file F]...``; stdin: ``{"script": ..., "workspace": ..., "report": ...}``.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import threading

if __package__:  # imported as part of certprep (the tests)
    from certprep.labs.graders.sandbox_confine import Confinement, apply_landlock
    from certprep.labs.graders.sandbox_guard import SandboxRefused, install_guard
else:  # run as a script: load the guard beside this file, without certprep
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from sandbox_confine import (  # type: ignore[import-not-found,no-redef]
        Confinement,
        apply_landlock,
    )
    from sandbox_guard import SandboxRefused, install_guard  # type: ignore[import-not-found,no-redef]

    del sys.path[0]

_OUTER_SHOWN = 6  # groups of calling lines listed after "called from line"


def set_limits(memory_bytes: int, file_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def limit_cpu(seconds: int) -> None:
    """Allow ``seconds`` of CPU time from now on (the time spent before the job, importing
    boto3, is not the script's); SIGXCPU ends the process past it."""
    import math
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))


def describe_exception(exc: BaseException, script: str) -> str:
    """``Type: message (at FILE line N: `code`, called from line M)``, with only the frames of
    the learner's file. Never raises: at worst it is the name of the exception's type."""
    try:
        return _describe(exc, script)
    except BaseException:  # the script's exception class misbehaves (or memory ran out)
        return type(exc).__name__


def _describe(exc: BaseException, script: str) -> str:
    import traceback

    name = os.path.basename(script)
    if isinstance(exc, SyntaxError) and exc.filename == script:
        where = f"{name} line {exc.lineno}"
        code = (exc.text or "").strip()
        return f"SyntaxError at {where}: {exc.msg}" + (f" (`{code}`)" if code else "")
    text = _text(exc)
    if len(text) > 500:
        text = text[:497] + "..."
    summary = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == script]
    if not frames:
        return summary
    last = frames[-1]
    where = f"at {name} line {last.lineno}"
    if last.line:
        where += f": `{last.line.strip()[:120]}`"
    if outer := _calling_lines([f.lineno for f in reversed(frames[:-1])]):
        where += ", called from line " + outer
    return f"{summary} ({where})"


def _text(value: object) -> str:
    """``str(value)`` on one line, or "" when its ``__str__`` raises or returns no text."""
    try:
        text = str(value)
    except BaseException:
        return ""
    return " ".join(text.split()) if isinstance(text, str) else ""


def _calling_lines(lines: list[int | None]) -> str:
    """``5, 2 ×996, 9``: consecutive repeats (a recursion) counted, at most ``_OUTER_SHOWN``
    groups listed."""
    groups = [(line, len(list(run))) for line, run in itertools.groupby(lines)]
    shown = [f"{line} ×{count}" if count > 1 else str(line) for line, count in groups]
    rest = len(shown) - _OUTER_SHOWN
    return ", ".join(shown[:_OUTER_SHOWN]) + (f" and {rest} more" if rest > 0 else "")


def _exit_message(code: object) -> tuple[str, str]:
    """The outcome and message of ``sys.exit(code)``."""
    if code is None or code is False or (type(code) is int and code == 0):
        return "ok", ""
    if type(code) is int or type(code) is bool:
        return "exit", f"the script exited with status {int(code)}"
    text = _text(code)[:300] or f"a {type(code).__name__} object"
    return "exit", f"the script stopped: {text}"


def _preload() -> None:
    """Import boto3 before the job arrives (what nearly every script does first); the script
    later finds it in ``sys.modules``. Trusted code, imported before the guard."""
    try:
        import boto3  # type: ignore[import-untyped]  # noqa: F401
        import botocore.session  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        pass


def _frame_line(script: str) -> str:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == script:
            return f" (at {os.path.basename(script)} line {frame.f_lineno})"
        frame = frame.f_back  # type: ignore[assignment]
    return ""


def main(argv: list[str]) -> None:
    port, memory, cpu, fsize = argv[:4]
    options: dict[str, list[str]] = {"--deny-dir": [], "--deny-file": [], "--private": []}
    rest = argv[4:]
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        options[flag].append(value)
    private = options["--private"][0] if options["--private"] else None
    set_limits(int(memory), int(fsize))
    _preload()
    line = sys.stdin.readline()  # the job; certprep may start this process ahead of time
    if not line.strip():  # certprep went away, or shut its spare runner down
        _leave(private)
    job = json.loads(line)
    script, workspace = str(job["script"]), str(job["workspace"])
    os.chdir(workspace)
    os.environ["HOME"] = workspace
    report = open(job["report"], "w", encoding="utf-8")  # opened before the guard  # noqa: SIM115
    own = [workspace, os.path.dirname(script)]
    confinement = Confinement.for_script(own, private or os.environ.get("TMPDIR", workspace))
    enforced = apply_landlock(confinement, int(port))  # before any thread starts: all inherit it
    _watch_certprep(private)
    limit_cpu(int(cpu))
    refusals: list[str] = []

    def note(message: str) -> None:
        entry = "the lab sandbox refused " + message + _frame_line(script)
        if entry not in refusals and len(refusals) < 3:
            refusals.append(entry)

    install_guard(
        options["--deny-dir"], options["--deny-file"], int(port), note, confinement=confinement
    )
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(script))
    outcome, message = "ok", ""
    try:
        import runpy

        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        outcome, message = _exit_message(exc.code)
    except MemoryError as exc:
        outcome, message = "memory", describe_exception(exc, script)
        message = "" if message == "MemoryError" else message
    except BaseException as exc:
        outcome, message = "error", describe_exception(exc, script)
        if isinstance(exc, SandboxRefused):
            outcome = "refused"
    if refusals and outcome != "refused":
        outcome, message = "refused", "; ".join(refusals)
    elif outcome == "refused" and refusals:
        message = "; ".join(refusals)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    report.write(json.dumps({"outcome": outcome, "message": message, "kernel": enforced}))
    report.close()
    os._exit(0)  # the report says how it went; skip waiting for the script's threads


def _watch_certprep(private: str | None) -> None:
    """From now on stdin is the script's /dev/null, and a thread waits on certprep's pipe:
    certprep closes it once the run is over (after this process ended), so an end of file
    before that means certprep died: remove the private folder and stop the script."""
    watched = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    def watch() -> None:
        try:
            while os.read(watched, 4096):
                pass
        except OSError:  # the script closed the descriptor: nothing left to watch
            return
        _leave(private, status=1)

    threading.Thread(target=watch, name="certprep-watch", daemon=True).start()


def _leave(private: str | None, status: int = 0) -> None:
    """Remove the private folder (certprep is gone and cannot) and exit at once."""
    if private:
        shutil.rmtree(private, ignore_errors=True)
    os._exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
