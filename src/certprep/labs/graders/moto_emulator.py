"""The AWS emulator that script labs run against: moto's ``ThreadedMotoServer``.

Semantics:

- One emulator per certprep process (``shared()``), started lazily on first use and reused by
  every later grade; stopped at exit (``atexit``), and it also stops by itself when certprep
  goes away (it waits on a pipe from certprep and exits when that pipe closes).
- It runs in a child process of its own (``python -I -m certprep.labs.graders.moto_emulator``),
  bound to ``127.0.0.1`` only, on a free port the operating system picks (no race between
  choosing and binding). The child is guarded like a learner's script (``sandbox_runner``):
  moto can make no outgoing connection and start no process (some moto features would
  otherwise call out: SNS HTTP subscriptions, API destinations, Lambda through Docker), and
  may not touch certprep's data. It works in a private temporary folder (moto's recorder
  writes there) with a scrubbed environment, and an address-space limit. The child removes
  that folder itself when its stdin closes, so it does not outlive a certprep that was killed
  (SIGKILL, or SIGTERM, which skips ``atexit``); certprep removes it as well when it stops the
  emulator, or at once when the child cannot be started.
- Right after it listens, it imports and initialises the services of ``WARM_SERVICES`` in the
  background, so that the first grade does not wait for moto's per-service start-up.
- ``reset()`` empties every service through moto's reset API (``POST /moto-api/reset``), so
  each run starts from a fresh account: 123456789012, the region the caller asks for.
- ``lock`` serialises the users of one emulator (reset, script, checks) within the process.

``EmulatorError`` says why the emulator cannot be started or reached.
"""

from __future__ import annotations

import atexit
import http.client
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ACCOUNT_ID = "123456789012"  # moto's default account
# moto imports a service and loads its data on the first request for it (SSM alone takes
# seconds); the emulator does it for these in the background as soon as it listens
WARM_SERVICES = (
    "sns", "cloudwatch", "ssm", "kms", "events", "iam", "dynamodb", "s3", "config", "sqs",
    "sts", "logs",
)  # fmt: skip
_MEMORY_LIMIT = 4 * 1024**3


class EmulatorError(RuntimeError):
    """The AWS emulator cannot be started or reached; the message says why."""


class Emulator:
    def __init__(
        self,
        deny_dirs: tuple[Path, ...] = (),
        deny_files: tuple[Path, ...] = (),
        start_timeout: float = 60.0,
    ) -> None:
        self.deny_dirs, self.deny_files = deny_dirs, deny_files
        self.start_timeout = start_timeout
        self.lock = threading.RLock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._port = 0
        self._private: Path | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> int:
        """The emulator's port, starting it first if it is not running."""
        with self.lock:
            if self.running:
                return self._port
            self.stop()
            self._private = Path(tempfile.mkdtemp(prefix="certprep-moto-"))
            argv = [
                sys.executable,
                "-I",
                "-m",
                __name__,
                "--serve",
                "--private",
                str(self._private),
            ]
            for d in self.deny_dirs:
                argv += ["--deny-dir", str(d)]
            for f in self.deny_files:
                argv += ["--deny-file", str(f)]
            env = {
                "PATH": os.environ.get("PATH", os.defpath),
                "HOME": str(self._private),
                "TMPDIR": str(self._private),
                "LANG": "C.UTF-8",
            }
            with (self._private / "emulator.log").open("wb") as log:
                try:
                    self._proc = subprocess.Popen(
                        argv,
                        cwd=self._private,
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log,
                        start_new_session=True,
                    )
                except OSError as exc:
                    self.stop()  # removes the private folder
                    raise EmulatorError(f"cannot start Python for the emulator: {exc}") from None
            self._port = self._read_port()
            return self._port

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], self.start_timeout)
        line = self._proc.stdout.readline() if ready else b""
        if line.strip().isdigit():
            return int(line)
        reason = self._log_tail() or (
            f"it did not start within {self.start_timeout:g} seconds" if not ready else "no port"
        )
        self.stop()
        raise EmulatorError(f"the AWS emulator (moto) did not start: {reason}")

    def _log_tail(self) -> str:
        if self._private is None:
            return ""
        try:
            text = (self._private / "emulator.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return lines[-1][:300] if lines else ""

    def reset(self) -> None:
        """Empty every emulated service (moto's ``POST /moto-api/reset``)."""
        port = self.start()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", "/moto-api/reset")
            response = conn.getresponse()
            response.read()
        except OSError as exc:
            raise EmulatorError(f"cannot reach the AWS emulator to reset it: {exc}") from None
        finally:
            conn.close()
        if response.status != 200:
            raise EmulatorError(f"the AWS emulator refused to reset (HTTP {response.status})")

    def stop(self) -> None:
        with self.lock:
            proc, self._proc = self._proc, None
            if proc is not None:
                if proc.stdin is not None:
                    proc.stdin.close()  # the child exits when this pipe closes
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                if proc.stdout is not None:
                    proc.stdout.close()
            if self._private is not None:
                shutil.rmtree(self._private, ignore_errors=True)
                self._private = None


_shared: Emulator | None = None
_shared_lock = threading.Lock()


def shared(deny_dirs: tuple[Path, ...] = (), deny_files: tuple[Path, ...] = ()) -> Emulator:
    """This process's emulator (created on first call; the paths of the first call count)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Emulator(deny_dirs, deny_files)
            atexit.register(_shared.stop)
        return _shared


def _serve(argv: list[str]) -> None:
    """The child: guard, start moto on 127.0.0.1, print the port, serve until stdin closes."""
    import logging
    import resource

    from certprep.labs.graders.sandbox_guard import install_guard

    options = list(zip(argv[::2], argv[1::2], strict=True))
    deny_dirs = [v for f, v in options if f == "--deny-dir"]
    deny_files = [v for f, v in options if f == "--deny-file"]
    private = next((v for f, v in options if f == "--private"), None)
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    install_guard(deny_dirs, deny_files, allowed_port=None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    threading.Thread(target=_warm_up, daemon=True).start()
    sys.stdin.buffer.read()  # until certprep closes the pipe or goes away
    if private:  # certprep removes it too, unless it was killed
        shutil.rmtree(private, ignore_errors=True)
    os._exit(0)


def _warm_up() -> None:
    """Import the request handlers and create the backends of ``WARM_SERVICES`` (moto creates
    backends under a lock, so requests arriving meanwhile are safe)."""
    import importlib

    from moto.backends import get_backend

    for service in WARM_SERVICES:
        try:
            importlib.import_module(f"moto.{service}.urls")
            backends = get_backend(service)[ACCOUNT_ID]  # type: ignore[call-overload]
            region = "us-east-1" if "us-east-1" in backends.regions else "aws"
            backends[region]
        except Exception:  # a warm-up only: the first request will say what is wrong
            continue


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    _serve(sys.argv[2:])
