"""Run a learner's Python script in a sandboxed child process, against the AWS emulator.

``run_script`` runs the script in ``python -I sandbox_runner.py ...`` (see ``sandbox_runner``
for what it refuses and how it reports), one fresh process per run:

- in its own session (process group), killed as a group (SIGKILL) when the wall-clock time
  limit passes;
- with ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` (CPU seconds) and ``RLIMIT_FSIZE`` (file size)
  set by the runner before the script starts;
- with the working directory and ``HOME`` set to the lab workspace;
- with a scrubbed environment: only ``PATH``, ``HOME``, ``LANG``, ``TMPDIR`` (a private folder
  removed afterwards), ``AWS_ENDPOINT_URL`` (the emulator, which botocore uses for every
  service client), fake credentials ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` =
  ``testing``, ``AWS_DEFAULT_REGION``, ``AWS_CONFIG_FILE`` and ``AWS_SHARED_CREDENTIALS_FILE``
  naming files that do not exist, and ``AWS_EC2_METADATA_DISABLED``. Nothing of certprep's
  environment (no ``CERTPREP_*``, no ``AWS_PROFILE``, no proxy) reaches the script; the paths
  it must not touch are passed on the runner's command line;
- stdout and stderr go to files in the private folder (so a chatty script cannot fill
  certprep's memory) and are not shown.

Speed: the runner imports boto3 before it is given its job, so after each run a *spare*
runner for the same emulator and limits is started in the background, and the next run hands
its job to that process instead of waiting for Python and boto3 to start. There is one spare at
most, and a spare is used for one run only; it is stopped when certprep exits.

Cleaning up: certprep removes a runner's private folder when the run is over (and at once
when the process cannot be started). Should certprep die without cleaning up (SIGKILL, or
SIGTERM, which skips ``atexit``), its end of the runner's stdin closes: certprep keeps that
pipe open until the run is over, and a runner that sees it close, waiting for its job or
running a script, removes its private folder itself and exits.

The result is a ``ScriptRun``: ``ok`` and a one-line ``error`` that names what went wrong for
the learner (their exception with their own lines, an exit status, a time, memory or CPU limit,
or a refused access). It never carries a traceback of certprep.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RUNNER = Path(__file__).with_name("sandbox_runner.py")


def runners_folder() -> Path:
    """The folder (this user's, mode 0700) that holds the runners' private folders: a confined
    runner may remove its own private folder from it, and nothing else outside that folder."""
    folder = Path(tempfile.gettempdir()) / f"certprep-scripts-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        raise PermissionError(f"{folder} is not this user's own folder")
    return folder


@dataclass(frozen=True)
class Limits:
    seconds: float = 20.0
    memory_mb: int = 1024
    cpu_seconds: int = 20
    file_mb: int = 16


@dataclass(frozen=True)
class ScriptRun:
    ok: bool
    error: str = ""  # empty when ok
    seconds: float = 0.0


@dataclass(frozen=True)
class _Setup:
    """What a runner is started with; a spare serves only a run with the same setup."""

    port: int
    region: str
    deny_dirs: tuple[Path, ...]
    deny_files: tuple[Path, ...]
    limits: Limits


class _Runner:
    """A started runner process waiting for its job, with its private folder."""

    def __init__(self, setup: _Setup) -> None:
        self.setup = setup
        self.private = Path(tempfile.mkdtemp(prefix="certprep-script-", dir=runners_folder()))
        limits = setup.limits
        argv = [
            sys.executable,
            "-I",
            str(RUNNER),
            str(setup.port),
            str(limits.memory_mb * 1024 * 1024),
            str(limits.cpu_seconds),
            str(limits.file_mb * 1024 * 1024),
        ]
        argv += ["--private", str(self.private)]
        for d in setup.deny_dirs:
            argv += ["--deny-dir", str(d)]
        for f in setup.deny_files:
            argv += ["--deny-file", str(f)]
        try:
            with (
                (self.private / "stdout").open("wb") as out,
                (self.private / "stderr").open("wb") as err,
            ):
                self.proc = subprocess.Popen(
                    argv,
                    cwd=self.private,
                    env=_environment(self.private, setup.port, setup.region),
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
        except BaseException:
            shutil.rmtree(self.private, ignore_errors=True)
            raise

    def discard(self) -> None:
        _kill_group(self.proc)
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        shutil.rmtree(self.private, ignore_errors=True)


_spares: dict[_Setup, _Runner] = {}
_spares_lock = threading.Lock()


def run_script(
    script: Path,
    workspace: Path,
    endpoint_port: int,
    *,
    region: str = "us-east-1",
    deny_dirs: tuple[Path, ...] = (),
    deny_files: tuple[Path, ...] = (),
    limits: Limits = Limits(),
    keep_spare: bool = True,
) -> ScriptRun:
    """Run ``script`` (a path) with cwd ``workspace``; the only reachable address is
    ``127.0.0.1:endpoint_port``. Never raises for anything the script does."""
    setup = _Setup(endpoint_port, region, tuple(deny_dirs), tuple(deny_files), limits)
    with _spares_lock:
        runner = _spares.pop(setup, None)
    if runner is not None and runner.proc.poll() is not None:
        runner.discard()
        runner = None
    try:
        if runner is None:
            runner = _Runner(setup)
    except OSError as exc:
        return ScriptRun(False, f"certprep could not start Python for the script: {exc}")
    try:
        return _run(runner, script, workspace, limits)
    finally:
        runner.discard()
        if keep_spare:
            _start_spare(setup)


def _run(runner: _Runner, script: Path, workspace: Path, limits: Limits) -> ScriptRun:
    report = runner.private / "report.json"
    job = {"script": str(script.resolve()), "workspace": str(workspace), "report": str(report)}
    started = time.perf_counter()
    assert runner.proc.stdin is not None
    try:  # the pipe stays open until the run is over: its end tells the runner certprep died
        runner.proc.stdin.write((json.dumps(job) + "\n").encode())
        runner.proc.stdin.flush()
    except OSError:
        pass  # it died before its job: reported below from its exit status
    timed_out = False
    try:
        runner.proc.wait(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(runner.proc)
    elapsed = time.perf_counter() - started
    error = _error(runner.proc.returncode, timed_out, report, runner.private / "stderr", limits)
    return ScriptRun(not error, error, elapsed)


def _start_spare(setup: _Setup) -> None:
    try:
        spare = _Runner(setup)
    except OSError:
        return
    with _spares_lock:  # one spare at most: the next run most likely has the same setup
        old = list(_spares.values())
        _spares.clear()
        _spares[setup] = spare
    for runner in old:
        runner.discard()


def stop_spares() -> None:
    """Stop the runners started ahead of time (done at exit)."""
    with _spares_lock:
        spares = list(_spares.values())
        _spares.clear()
    for spare in spares:
        spare.discard()


atexit.register(stop_spares)


def _environment(private: Path, port: int, region: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(private),  # the runner sets it to the workspace when its job arrives
        "LANG": "C.UTF-8",
        "TMPDIR": str(private),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": str(private / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(private / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _error(returncode: int, timed_out: bool, report: Path, stderr: Path, limits: Limits) -> str:
    if timed_out:
        return (
            f"the script did not finish within {limits.seconds:g} s and was stopped "
            "(does it wait for something, or loop forever?)"
        )
    try:
        outcome = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        outcome = None
    if isinstance(outcome, dict):
        kind, message = outcome.get("outcome"), str(outcome.get("message", ""))
        if kind == "ok":
            return ""
        if kind == "exit":
            last = _last_line(stderr) if "exited with status" in message else ""
            return message + (f" (its last output: {last})" if last else "")
        if kind == "memory":
            return f"the script ran out of memory (the limit is {limits.memory_mb} MiB)" + (
                f": {message}" if message else ""
            )
        if kind == "refused":
            return message
        return f"it raised {message}"
    if returncode == -signal.SIGXCPU:
        return f"the script used more than {limits.cpu_seconds} s of CPU time and was stopped"
    if returncode == -signal.SIGKILL:
        return "the script was killed (out of memory?)"
    if returncode < 0:
        return f"the script crashed ({_signal_name(-returncode)})"
    last = _last_line(stderr)
    return f"the script ended without finishing (exit status {returncode})" + (
        f": {last}" if last else ""
    )


def _signal_name(number: int) -> str:
    """``signal SIGSEGV``, or ``signal 40`` for a number without a name (real-time signals)."""
    try:
        return f"signal {signal.Signals(number).name}"
    except ValueError:
        return f"signal {number}"


def _last_line(path: Path) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 2000))
            lines = [ln.strip() for ln in f.read().decode("utf-8", "replace").splitlines()]
    except OSError:
        return ""
    lines = [ln for ln in lines if ln]
    return lines[-1][:200] if lines else ""
