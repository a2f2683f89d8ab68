"""Where a lab script may read and write, and the kernel's enforcement of it.

A lab script may **read** only its own folders (the workspace and the folder that holds the
script), its private temporary folder, and what Python itself needs (its installation, the
folders on ``sys.path``, the system's shared libraries, time zones, ``/dev/null`` and
``/dev/urandom``, and its own ``/proc`` entry). It may **write** only under its private
temporary folder and its workspace. Everything else is refused: ``/etc``, the user's home,
other users' files, certprep's data.

Two layers enforce it:

- ``Confinement.refused`` is the verdict ``sandbox_guard``'s audit hook asks for every path
  event, so that a refusal reads as a clear message that names the path (everywhere Python
  runs);
- ``apply_landlock`` asks the kernel to enforce the same folders with Landlock (Linux 5.13 and
  later), and, where the kernel supports it (Landlock ABI 4 and later), to allow TCP connections
  to the emulator's port only and binding to ephemeral ports only; with ABI 6 and later, signals
  and abstract UNIX sockets cannot leave the script's own processes. Unlike the audit hook,
  this is a security boundary: code that goes around Python (``ctypes`` is refused anyway,
  ``_io``, ``posix``) meets the same rules. Where Landlock is missing, the audit hook alone
  guards, and the result says so.

Standard library only, except the optional ``py_landlock`` package (Linux): the sandbox runner
loads this module without certprep.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass

# folders of the system that Python and its extension modules read at run time (shared
# libraries loaded late, time zone data); none holds a user's data
_SYSTEM_READ = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share/zoneinfo")
_DEVICE_FILES = ("/dev/null", "/dev/urandom")
_WRITE_EVENTS = frozenset(
    {
        "os.mkdir",
        "os.remove",
        "os.rmdir",
        "os.rename",
        "os.link",
        "os.symlink",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "os.utime",
        "os.setxattr",
        "os.removexattr",
        "shutil.rmtree",
        "shutil.move",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _real(path: str) -> str:
    return os.path.realpath(path)


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


@dataclass(frozen=True)
class Confinement:
    """The folders a script may read and the ones it may write (real paths)."""

    read: tuple[str, ...]
    write: tuple[str, ...]
    #: the private temporary folder, which the runner removes when certprep dies
    private: str = ""

    @classmethod
    def for_script(cls, own: Iterable[str], private: str) -> Confinement:
        """``own``: the workspace and the script's folder; ``private``: its temporary folder."""
        mine = tuple(dict.fromkeys(_real(p) for p in (*own, private)))
        python = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        python |= {p for p in sys.path if p and os.path.isdir(p)}
        python.add(os.path.dirname(os.path.abspath(__file__)))  # the runner and its guard
        system = [p for p in _SYSTEM_READ if os.path.isdir(p)] + [f"/proc/{os.getpid()}"]
        read = tuple(dict.fromkeys([*mine, *(_real(p) for p in sorted(python)), *system]))
        return cls(read=read + _DEVICE_FILES, write=mine, private=_real(private))

    def refused(self, path: str, writing: bool) -> str | None:
        """Why reading or writing ``path`` (absolute) is refused, or None."""
        real = _real(path)
        if writing:
            if _under(real, self.write) or real in ("/dev/null",):
                return None
            return f"writing {path}: lab scripts may write only in their own folder"
        if _under(real, self.read) or real in _DEVICE_FILES:
            return None
        return f"reading {path}: lab scripts may read only their own folder and Python itself"


def writes(event: str, args: tuple[object, ...], index: int) -> bool:
    """Whether the ``index``-th path of audit event ``event`` is written to (or removed)."""
    if event in _WRITE_EVENTS:
        return True
    if event in ("shutil.copyfile", "shutil.copytree"):
        return index == 1  # the destination
    if event == "open" and len(args) >= 3:
        mode, flags = args[1], args[2]
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            return True
        return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
    return False


def apply_landlock(confinement: Confinement, emulator_port: int) -> str:
    """Enforce ``confinement`` (and the emulator-only network) with Landlock on this thread and
    every thread and process it starts from now on. Returns what is enforced, for the record:
    ``"landlock ABI n"``, or why it is not (no Landlock here)."""
    try:
        from py_landlock import AccessFs, Landlock, LandlockError
    except ImportError:
        return "not enforced by the kernel: py-landlock is not installed (not Linux?)"
    read_dir = AccessFs.READ_FILE | AccessFs.READ_DIR
    write_dir = (
        AccessFs.WRITE_FILE
        | AccessFs.TRUNCATE
        | AccessFs.MAKE_REG
        | AccessFs.MAKE_DIR
        | AccessFs.MAKE_SYM
        | AccessFs.REMOVE_FILE
        | AccessFs.REMOVE_DIR
        | AccessFs.REFER
    )
    try:
        rules = Landlock(strict=False)
        for path in confinement.read:
            if os.path.isdir(path):
                rules.add_path_rule(path, access=read_dir)
            elif os.path.exists(path):
                rules.add_path_rule(path, access=AccessFs.READ_FILE)
        for path in confinement.write:
            if os.path.isdir(path):
                rules.add_path_rule(path, access=read_dir | write_dir)
        if confinement.private:  # its parent: so that the runner can remove its own folder
            rules.add_path_rule(os.path.dirname(confinement.private), access=AccessFs.REMOVE_DIR)
        rules.add_path_rule(
            "/dev/null", access=AccessFs.READ_FILE | AccessFs.WRITE_FILE | AccessFs.TRUNCATE
        )
        rules.allow_network(emulator_port, bind=False, connect=True)
        rules.allow_network(0, bind=True, connect=False)  # ephemeral ports (loopback: the guard)
        rules.apply()
        return f"landlock ABI {int(rules.abi_version)}"
    except (LandlockError, OSError) as exc:
        return f"not enforced by the kernel: {exc}"
