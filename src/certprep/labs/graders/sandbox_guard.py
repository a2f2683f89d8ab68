"""The audit hook that guards a lab script's process (``sandbox_runner``) and the AWS
emulator's (``moto_emulator``). Standard library only: the runner loads it without certprep.

``install_guard(deny_dirs, deny_files, allowed_port, confinement=...)`` installs a
``sys.addaudithook`` hook, which cannot be removed, that refuses (raising ``SandboxRefused``, a
``PermissionError``):

- given a ``Confinement`` (``sandbox_confine``; the lab script's process): reading a path
  outside the folders it may read, or writing, creating or removing one outside the folders it
  may write (the kernel enforces the same with Landlock where it can, see ``sandbox_confine``);

- opening, listing, creating, renaming, removing, linking, truncating or changing the mode,
  owner, times or extended attributes of a path in or under a refused folder, or of a refused
  file (also its SQLite ``-wal``/``-shm``/``-journal`` files, and a hard link to it);
- removing, moving, renaming, truncating or changing the mode, owner, times or extended
  attributes of a *parent* of a refused folder or file (``shutil.rmtree`` of the folder
  that holds certprep's data, ``os.rename`` of it), and opening a handle on such a parent
  (``os.open(parent, O_RDONLY)``, the way to reach the data by a relative name and
  ``dir_fd``);
- binding a socket to anything but a loopback address (``127.0.0.0/8``, ``::1``), or
  listening on a socket that is not bound to one (``listen`` binds an unbound socket to
  every interface);
- a socket connection, datagram (``sendto``, ``sendmsg``) or name lookup to anything but
  the one allowed ``127.0.0.1:port`` (the emulator), so no request can reach real AWS;
- ``sqlite3.connect``;
- starting a process (``subprocess``, ``os.system``, ``os.exec*``, ``os.spawn*``,
  ``os.posix_spawn``, ``os.fork``) and loading a C library with ``ctypes``: a child process
  would run without the hook;
- signalling another process (``os.kill``/``os.killpg``), so a script cannot stop certprep.

How paths are resolved: through symbolic links (``os.path.realpath``). A path given as a file
descriptor (``os.chmod(fd)``, ``os.listdir(fd)``), and a relative path given with a
``dir_fd`` (or ``glob``'s ``root_dir``), are resolved through ``/proc/self/fd`` (Linux). The
``open`` audit event does not carry its ``dir_fd`` (``os.open(name, flags, dir_fd=fd)``), so a
relative name there is checked against the working directory *and* against every directory the
process holds open (listed from ``/proc/self/fd``), which includes the one it was given.

Known gaps: ``os.mkfifo``/``os.mknod`` and reads of metadata (``os.stat``, ``os.readlink``)
raise no audit event; without ``/proc`` (not Linux) handles cannot be resolved; ``listen`` is
checked by wrapping ``socket.socket.listen``, which code using ``_socket`` directly bypasses.
The hook gives clear messages and guards against accidents (a script that reaches for real
AWS, a stray path); an audit hook alone is no security boundary (see the ``sys.addaudithook``
documentation). The boundary for a lab script is the kernel's: ``sandbox_confine`` applies
Landlock before the hook is installed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
import sys
from collections.abc import Callable, Iterable
from typing import Any

if __package__:  # imported as part of certprep
    from certprep.labs.graders.sandbox_confine import Confinement, writes
else:  # loaded by the sandbox runner beside this file, without certprep
    from sandbox_confine import Confinement, writes  # type: ignore[import-not-found,no-redef]

# audit event -> its path arguments: (index of the path, indexes of what a relative path is
# relative to: a dir_fd or a folder, the first one given wins; the working folder otherwise)
_PATH_EVENTS: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {
    "open": ((0, ()),),
    "os.listdir": ((0, ()),),
    "os.scandir": ((0, ()),),
    "os.chdir": ((0, ()),),
    "os.mkdir": ((0, (2,)),),
    "os.remove": ((0, (1,)),),
    "os.rmdir": ((0, (1,)),),
    "os.rename": ((0, (2,)), (1, (3,))),
    "os.link": ((0, (2,)), (1, (3,))),
    "os.symlink": ((0, ()), (1, (2,))),
    "os.truncate": ((0, ()),),
    "os.chmod": ((0, (2,)),),
    "os.chown": ((0, (3,)),),
    "os.utime": ((0, (3,)),),
    "os.setxattr": ((0, ()),),
    "os.removexattr": ((0, ()),),
    "os.fwalk": ((0, (4,)),),
    "shutil.rmtree": ((0, (1,)),),
    "shutil.copyfile": ((0, ()), (1, ())),
    "shutil.copytree": ((0, ()), (1, ())),
    "shutil.move": ((0, ()), (1, ())),
    "glob.glob": ((0, ()),),
    "glob.glob/2": ((0, (2, 3)),),
}
# events that may not touch a parent of refused data either ("open": a handle on the folder)
_WHOLE_TREE_EVENTS = frozenset(
    {
        "open",
        "os.remove",
        "os.rmdir",
        "os.rename",
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
_SOCKET_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
    }
)
_LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", b"127.0.0.1", b"localhost"})
_CWD_FDS = (None, -1, -100)  # "no dir_fd" as the audit events pass it (-100: AT_FDCWD)
_ONLY_EMULATOR = "lab scripts reach only the local AWS emulator (AWS_ENDPOINT_URL), never real AWS"
_OFF_LIMITS = "certprep's own data is off limits to lab scripts"


class SandboxRefused(PermissionError):
    """An action the lab sandbox does not allow; the message says what and why."""


def install_guard(
    deny_dirs: Iterable[str],
    deny_files: Iterable[str],
    allowed_port: int | None,
    on_refusal: Callable[[str], None] = lambda message: None,
    confinement: Confinement | None = None,
) -> None:
    """Install the audit hook described in the module docstring. ``allowed_port`` None refuses
    every outgoing connection."""
    paths = _Paths(deny_dirs, deny_files, confinement)
    watched = frozenset(_PATH_EVENTS) | _PROCESS_EVENTS | _SOCKET_EVENTS
    watched |= {"sqlite3.connect", "os.kill", "os.killpg"}
    me = os.getpid()

    def refuse(message: str) -> None:
        on_refusal(message)
        raise SandboxRefused(f"the lab sandbox refused {message}")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in watched:
            return
        if event in _PATH_EVENTS:
            if (problem := paths.refused(event, args)) is not None:
                refuse(problem)
        elif event in _SOCKET_EVENTS:
            if (problem := _socket_problem(event, args, allowed_port, paths)) is not None:
                refuse(problem)
        elif event == "sqlite3.connect":
            refuse("sqlite3.connect: lab scripts work with AWS APIs, not local databases")
        elif event in ("os.kill", "os.killpg"):
            if args and args[0] != me:
                refuse("signalling another process")
        elif event in _PROCESS_EVENTS:
            refuse(f"{event}: lab scripts may not start other programs or load C libraries")

    sys.addaudithook(hook)
    _guard_listen(refuse)


class _Paths:
    """The refused folders and files, and the verdict on the paths of an audit event."""

    def __init__(
        self,
        deny_dirs: Iterable[str],
        deny_files: Iterable[str],
        confinement: Confinement | None = None,
    ) -> None:
        self.confinement = confinement
        self.dirs = tuple(os.path.realpath(d) for d in deny_dirs)
        self.files = tuple(os.path.realpath(f) for f in deny_files)
        self.inodes = set()
        for f in self.files:
            try:
                st = os.stat(f)
            except OSError:
                continue
            self.inodes.add((st.st_dev, st.st_ino))

    def refused(self, event: str, args: tuple[Any, ...]) -> str | None:
        """Why the event's paths are refused, or None."""
        whole_tree = event in _WHOLE_TREE_EVENTS
        for index, bases in _PATH_EVENTS[event]:
            if index >= len(args):
                continue
            base = next((args[b] for b in bases if b < len(args) and args[b] not in _CWD_FDS), None)
            shown = _shown(args[index])
            path = _path(args[index], base)
            if path is None or shown is None:
                continue
            if self._is_refused(path):
                return f"access to {shown}: {_OFF_LIMITS}"
            if whole_tree and self._holds_refused(path):
                return f"access to {shown}: it holds certprep's own data, which is off limits"
            relative = isinstance(args[index], str | bytes) and not os.path.isabs(shown)
            folders = _open_folders() if event == "open" and relative else []
            for folder in folders:  # the dir_fd os.open may have been given
                if self._is_refused(os.path.join(folder, shown)):
                    return f"access to {shown}: {_OFF_LIMITS}"
            if self.confinement is not None and event != "os.chdir":
                writing = writes(event, args, index)
                candidates = [path if os.path.isabs(path) else os.path.join(os.getcwd(), path)]
                candidates += [os.path.join(folder, shown) for folder in folders]
                verdicts = [self.confinement.refused(c, writing) for c in candidates]
                if all(verdicts):  # refused whichever folder a relative name is relative to
                    return verdicts[0]
        return None

    def _is_refused(self, path: str) -> bool:
        real = os.path.realpath(path)
        if any(real == d or real.startswith(d + os.sep) for d in self.dirs):
            return True
        if any(real == f or real.startswith(f + "-") for f in self.files):
            return True
        if self.inodes:
            try:
                st = os.stat(real)
            except OSError:
                return False
            return (st.st_dev, st.st_ino) in self.inodes
        return False

    def _holds_refused(self, path: str) -> bool:
        """Whether ``path`` is a folder above a refused folder or file."""
        prefix = os.path.realpath(path).rstrip(os.sep) + os.sep
        return any(p.startswith(prefix) for p in (*self.dirs, *self.files))


def _shown(raw: Any) -> str | None:
    if isinstance(raw, bytes):
        return os.fsdecode(raw)
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return f"file descriptor {raw}" + (f" ({where})" if (where := _fd_path(raw)) else "")
    return None


def _path(raw: Any, base: Any) -> str | None:
    """The path an argument names: a file descriptor through /proc/self/fd, a relative path
    against ``base`` (a dir_fd or a folder) when given, else as it is (the working folder)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _fd_path(raw)
    if isinstance(raw, bytes):
        raw = os.fsdecode(raw)
    if not isinstance(raw, str):
        return None
    if base is None or os.path.isabs(raw):
        return raw
    folder = _fd_path(base) if isinstance(base, int) else _shown(base)
    return os.path.join(folder, raw) if folder else raw


def _fd_path(fd: int) -> str | None:
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except (OSError, ValueError):
        return None
    return target if target.startswith("/") else None  # not "pipe:[...]" or "socket:[...]"


def _open_folders() -> list[str]:
    """The folders this process holds open (Linux /proc/self/fd), for a relative ``open``."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return []
    folders = []
    for name in names:
        try:
            if stat.S_ISDIR(os.fstat(int(name)).st_mode) and (path := _fd_path(int(name))):
                folders.append(path)
        except (OSError, ValueError):
            continue
    return folders


def _socket_problem(
    event: str, args: tuple[Any, ...], allowed_port: int | None, paths: _Paths
) -> str | None:
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        if args and args[0] not in _LOCAL_NAMES and args[0] is not None:
            return f"looking up {args[0]!r}: {_ONLY_EMULATOR}"
        return None
    sock, address = args[0], args[1] if len(args) > 1 else None
    family = getattr(sock, "family", None)
    if event == "socket.bind":
        if family == socket.AF_UNIX:
            path = os.fsdecode(address) if isinstance(address, str | bytes) else ""
            if path and not path.startswith("\0") and paths.refused("open", (path,)):
                return f"binding a socket to {path}: {_OFF_LIMITS}"
            return None
        if family in (socket.AF_INET, socket.AF_INET6) and _loopback(address):
            return None
        return f"binding a socket to {_where(address)}: lab scripts may listen on loopback only"
    if event == "socket.sendmsg" and address is None:
        return None  # a connected socket: its connect was checked
    ok = (
        allowed_port is not None
        and family == socket.AF_INET
        and isinstance(address, tuple)
        and address[:2] == ("127.0.0.1", allowed_port)
    )
    return None if ok else f"a connection to {_where(address)}: {_ONLY_EMULATOR}"


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) and address else None
    if host in _LOCAL_NAMES:
        return True
    try:
        return isinstance(host, str) and ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard_listen(refuse: Callable[[str], None]) -> None:
    """``listen`` on an unbound socket binds it to every interface, and raises no audit
    event: check the address it listens on."""
    listen = socket.socket.listen

    def guarded(self: socket.socket, *args: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            try:
                address = self.getsockname()
            except OSError:
                address = None
            if not _loopback(address):
                refuse(f"listening on {_where(address)}: lab scripts may listen on loopback only")
        listen(self, *args)

    socket.socket.listen = guarded  # type: ignore[method-assign,assignment]


def _where(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0] or '0.0.0.0'}:{address[1]}"
    return repr(address)
