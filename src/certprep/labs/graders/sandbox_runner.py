"""The bootstrap that runs a learner's script inside the lab sandbox process.

``script_sandbox`` starts it as ``python -I sandbox_runner.py ARGS`` (standard library only:
it must not import certprep). Before the learner's code runs, it

1. sets the resource limits: address space (``RLIMIT_AS``), size of a written file
   (``RLIMIT_FSIZE``), no core files;
2. imports boto3 and waits for its job (script, workspace, report file), one JSON line on
   stdin: certprep may start this process ahead of time, so that a grade does not wait for
   that import. It then changes to the workspace, sets ``HOME`` to it, and limits the CPU
   seconds from then on (``RLIMIT_CPU``);
3. installs an audit hook (``sys.addaudithook``, which cannot be removed) that refuses
   - opening, listing, renaming, removing or linking a path under a refused folder, or a
     refused file (also its SQLite ``-wal``/``-shm``/``-journal`` files, and a hard link to it),
     paths resolved through symbolic links;
   - ``sqlite3.connect``;
   - a socket connection, datagram or name lookup to anything but the one allowed
     ``127.0.0.1:port`` (the emulator), so no request can reach real AWS;
   - starting a process (``subprocess``, ``os.system``, ``os.exec*``, ``os.spawn*``,
     ``os.posix_spawn``, ``os.fork``) and loading a C library with ``ctypes``: a child process
     would run without the hook;
   - signalling another process (``os.kill``/``os.killpg``), so the script cannot stop certprep;
4. runs the script with ``runpy.run_path`` as ``__main__``, its folder first on ``sys.path``
   (as ``python script.py`` would), and writes a JSON report: ``{"outcome": ..., "message":
   ...}`` where outcome is ``ok``, ``exit`` (a non-zero ``sys.exit``), ``error`` (an exception;
   the message names its type, text and the lines of the learner's own file it passed
   through, never a frame of the runner), ``memory`` (``MemoryError``) or ``refused``. Any
   refusal is reported even when the script caught the exception.

This guards against accidents (a script that reaches for real AWS, a stray path), not against
a determined attacker: an audit hook is no security boundary (see the ``sys.addaudithook``
documentation), and the learner runs their own code on their own machine.

Arguments: ``PORT MEMORY_BYTES CPU_SECONDS FILE_BYTES [--deny-dir D]... [--deny-file F]...``;
stdin: ``{"script": ..., "workspace": ..., "report": ...}``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any

# audit event -> indexes of its arguments that are paths
_PATH_EVENTS: dict[str, tuple[int, ...]] = {
    "open": (0,),
    "os.listdir": (0,),
    "os.scandir": (0,),
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (0, 1),
    "os.symlink": (0, 1),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.chdir": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (0, 1),
    "shutil.copytree": (0, 1),
    "shutil.move": (0, 1),
    "glob.glob": (0,),
}
_PROCESS_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.spawn",
        "os.posix_spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "ctypes.dlopen",
    }
)
_LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", b"127.0.0.1", b"localhost"})


class SandboxRefused(PermissionError):
    """An action the lab sandbox does not allow; the message says what and why."""


def install_guard(
    deny_dirs: Iterable[str],
    deny_files: Iterable[str],
    allowed_port: int | None,
    on_refusal: Callable[[str], None] = lambda message: None,
) -> None:
    """Install the audit hook described in the module docstring. ``allowed_port`` None refuses
    every outgoing connection."""
    dirs = tuple(os.path.realpath(d) for d in deny_dirs)
    files = tuple(os.path.realpath(f) for f in deny_files)
    inodes = set()
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            continue
        inodes.add((st.st_dev, st.st_ino))
    watched = frozenset(_PATH_EVENTS) | _PROCESS_EVENTS
    watched |= {"sqlite3.connect", "socket.connect", "socket.sendto", "socket.getaddrinfo"}
    watched |= {"socket.gethostbyname", "socket.gethostbyaddr", "os.kill", "os.killpg"}
    me = os.getpid()

    def refused_path(raw: Any) -> str | None:
        if isinstance(raw, bytes):
            raw = os.fsdecode(raw)
        if not isinstance(raw, str):
            return None  # a file descriptor: opened before, and checked then
        real = os.path.realpath(raw)
        for d in dirs:
            if real == d or real.startswith(d + os.sep):
                return raw
        for f in files:
            if real == f or real.startswith(f + "-"):
                return raw
        if inodes:
            try:
                st = os.stat(real)
            except OSError:
                return None
            if (st.st_dev, st.st_ino) in inodes:
                return raw
        return None

    def refuse(message: str) -> None:
        on_refusal(message)
        raise SandboxRefused(f"the lab sandbox refused {message}")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in watched:
            return
        if event in _PATH_EVENTS:
            for i in _PATH_EVENTS[event]:
                if i < len(args) and (path := refused_path(args[i])) is not None:
                    refuse(f"access to {path}: certprep's own data is off limits to lab scripts")
        elif event == "sqlite3.connect":
            refuse("sqlite3.connect: lab scripts work with AWS APIs, not local databases")
        elif event in ("socket.connect", "socket.sendto"):
            address = args[1]
            sock = args[0]
            ok = (
                allowed_port is not None
                and getattr(sock, "family", None) == socket.AF_INET
                and isinstance(address, tuple)
                and address[:2] == ("127.0.0.1", allowed_port)
            )
            if not ok:
                refuse(f"a connection to {_where(address)}: {_ONLY_EMULATOR}")
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            if args and args[0] not in _LOCAL_NAMES and args[0] is not None:
                refuse(f"looking up {args[0]!r}: {_ONLY_EMULATOR}")
        elif event in ("os.kill", "os.killpg"):
            if args and args[0] != me:
                refuse("signalling another process")
        elif event in _PROCESS_EVENTS:
            refuse(f"{event}: lab scripts may not start other programs or load C libraries")

    sys.addaudithook(hook)


_ONLY_EMULATOR = "lab scripts reach only the local AWS emulator (AWS_ENDPOINT_URL), never real AWS"


def _where(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return repr(address)


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
    the learner's file."""
    import traceback

    name = os.path.basename(script)
    if isinstance(exc, SyntaxError) and exc.filename == script:
        where = f"{name} line {exc.lineno}"
        code = (exc.text or "").strip()
        return f"SyntaxError at {where}: {exc.msg}" + (f" (`{code}`)" if code else "")
    text = " ".join(str(exc).split())
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
    outer = [str(f.lineno) for f in reversed(frames[:-1])]
    if outer:
        where += ", called from line " + ", ".join(outer)
    return f"{summary} ({where})"


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
    deny_dirs: list[str] = []
    deny_files: list[str] = []
    rest = argv[4:]
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        (deny_dirs if flag == "--deny-dir" else deny_files).append(value)
    set_limits(int(memory), int(fsize))
    _preload()
    line = sys.stdin.readline()  # the job; certprep may start this process ahead of time
    if not line.strip():
        os._exit(0)  # certprep went away, or shut its spare runner down
    job = json.loads(line)
    script, workspace = str(job["script"]), str(job["workspace"])
    os.chdir(workspace)
    os.environ["HOME"] = workspace
    report = open(job["report"], "w", encoding="utf-8")  # opened before the guard  # noqa: SIM115
    limit_cpu(int(cpu))
    refusals: list[str] = []

    def note(message: str) -> None:
        entry = "the lab sandbox refused " + message + _frame_line(script)
        if entry not in refusals and len(refusals) < 3:
            refusals.append(entry)

    install_guard(deny_dirs, deny_files, int(port), note)
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(script))
    outcome, message = "ok", ""
    try:
        import runpy

        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            outcome = "exit"
            if isinstance(exc.code, int):
                message = f"the script exited with status {exc.code}"
            else:
                message = "the script stopped: " + " ".join(str(exc.code).split())[:300]
    except MemoryError as exc:
        outcome = "memory"
        try:
            message = describe_exception(exc, script)
        except MemoryError:
            message = ""
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
    except Exception:
        pass
    report.write(json.dumps({"outcome": outcome, "message": message}))
    report.close()
    os._exit(0)  # the report says how it went; skip waiting for the script's threads


if __name__ == "__main__":
    main(sys.argv[1:])
