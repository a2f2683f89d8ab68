"""The lab script sandbox against scripts that reach for certprep's data through a parent
folder or a folder handle, misbehaving exceptions, odd signals and the network; and its
temporary folders when certprep is killed. As in ``test_script_sandbox``, no test sends
traffic beyond 127.0.0.1, and a broken guard could only harm the test's own folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from certprep.labs.catalog import all_labs
from certprep.labs.graders import moto_emulator, sandbox_runner, script_sandbox
from certprep.labs.graders.script_sandbox import Limits, ScriptRun, run_script
from certprep.labs.grading import grade


@pytest.fixture(scope="module")
def port() -> int:
    return moto_emulator.shared().start()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """certprep's data folder as with CERTPREP_DATA_DIR=<workspace>/parent/data, beside another
    folder of the parent: inside the folders a script may read and write, so that only the
    refusal of certprep's data stands between the script and it."""
    folder = tmp_path / "workspace" / "parent" / "data"
    folder.mkdir(parents=True)
    (folder.parent / "other").mkdir()
    with sqlite3.connect(folder / "certprep.db") as db:
        db.execute("create table progress (lab text)")
    db.close()
    return folder


def run(tmp_path: Path, port: int, code: str, data: Path | None = None) -> ScriptRun:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    (workspace / "setup.py").write_text(code, encoding="utf-8")
    deny_dirs = (data,) if data else ()
    deny_files = (data / "certprep.db",) if data else ()
    return run_script(
        workspace / "setup.py",
        workspace,
        port,
        deny_dirs=deny_dirs,
        deny_files=deny_files,
        limits=Limits(seconds=20),
    )


def intact(data: Path) -> bool:
    with sqlite3.connect(data / "certprep.db") as db:
        tables = db.execute("select name from sqlite_master").fetchall()
    db.close()
    return tables == [("progress",)]


@pytest.mark.parametrize(
    "code",
    [
        "import shutil\nshutil.rmtree(PARENT)\n",
        "import os\nos.rename(PARENT, PARENT + '-moved')\n",
        "import shutil\nshutil.move(PARENT, PARENT + '-moved')\n",
        "import os\nos.chmod(PARENT, 0)\n",
        "import os\nos.utime(PARENT, (0, 0))\n",
        "import os\nfd = os.open(PARENT, os.O_RDONLY)\n"
        "os.open('data/certprep.db', os.O_WRONLY | os.O_TRUNC, dir_fd=fd)\n",
    ],
    ids=["rmtree", "rename", "move", "chmod", "utime", "open-handle"],
)
def test_a_parent_of_the_data_folder_cannot_be_removed_moved_or_opened(
    tmp_path: Path, port: int, data: Path, code: str
) -> None:
    parent = data.parent
    result = run(tmp_path, port, code.replace("PARENT", repr(str(parent))), data)
    assert not result.ok
    assert f"refused access to {parent}: it holds certprep's own data" in result.error
    assert intact(data) and not Path(f"{parent}-moved").exists()


@pytest.mark.parametrize(
    "call",
    [
        "os.open('../data/certprep.db', os.O_WRONLY | os.O_TRUNC, dir_fd=fd)",
        "os.unlink('../data/certprep.db', dir_fd=fd)",
        "os.rename('../data', '../gone', src_dir_fd=fd, dst_dir_fd=fd)",
        "os.chmod('../data/certprep.db', 0, dir_fd=fd)",
        "os.listdir(os.open('../data', os.O_RDONLY, dir_fd=fd))",
    ],
    ids=["open", "unlink", "rename", "chmod", "listdir"],
)
def test_a_name_relative_to_a_folder_handle_is_resolved_against_the_handle(
    tmp_path: Path, port: int, data: Path, call: str
) -> None:
    """The working folder is moved to / so that only the handle leads to the data."""
    other = data.parent / "other"
    code = f"import os\nfd = os.open({str(other)!r}, os.O_RDONLY)\nos.chdir('/')\n{call}\n"
    result = run(tmp_path, port, code, data)
    assert not result.ok and "the lab sandbox refused access to ../data" in result.error
    assert intact(data) and not (data.parent / "gone").exists()


def test_folder_handles_and_removals_in_the_workspace_still_work(
    tmp_path: Path, port: int, data: Path
) -> None:
    code = (
        "import os, shutil\n"
        "os.makedirs('build/out')\n"
        "fd = os.open('build', os.O_RDONLY)\n"
        "os.close(os.open('out/a.txt', os.O_WRONLY | os.O_CREAT, dir_fd=fd))\n"
        "os.rename('out/a.txt', 'out/b.txt', src_dir_fd=fd, dst_dir_fd=fd)\n"
        "os.chmod(fd, 0o755)\n"
        "assert os.listdir(fd) == ['out']\n"
        "os.close(fd)\n"
        "shutil.rmtree('build')\n"
    )
    result = run(tmp_path, port, code, data)
    assert result.ok, result.error


def test_a_signal_without_a_name_is_reported_by_number(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, "import os\nos.kill(os.getpid(), 40)\n")
    assert result == ScriptRun(False, "the script crashed (signal 40)", result.seconds)


def test_an_exception_whose_text_raises_is_named_by_its_type(tmp_path: Path, port: int) -> None:
    code = (
        "class Odd(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no text')\n"
        "\n"
        "raise Odd()\n"
    )
    result = run(tmp_path, port, code)
    assert result.error == "it raised Odd (at setup.py line 5: `raise Odd()`)"


def test_sys_exit_with_an_object_whose_text_raises(tmp_path: Path, port: int) -> None:
    code = (
        "import sys\n"
        "class Code:\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no text')\n"
        "    def __eq__(self, other):\n"
        "        raise RuntimeError('no comparison')\n"
        "    __hash__ = object.__hash__\n"
        "\n"
        "sys.exit(Code())\n"
    )
    result = run(tmp_path, port, code)
    assert result.error == "the script stopped: a Code object"


def test_a_deep_recursion_counts_its_repeated_lines(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, "def down(n):\n    return down(n + 1)\n\ndown(0)\n")
    assert result.error.startswith("it raised RecursionError: maximum recursion depth exceeded")
    assert "(at setup.py line 2: `return down(n + 1)`, called from line 2 ×" in result.error
    assert result.error.endswith(", 4)") and len(result.error) < 300


def test_calling_lines_are_grouped_and_capped() -> None:
    assert sandbox_runner._calling_lines([7, 2, 2, 2, 4]) == "7, 2 ×3, 4"
    assert sandbox_runner._calling_lines(list(range(10))) == "0, 1, 2, 3, 4, 5 and 4 more"


@pytest.fixture
def receiver() -> Iterator[socket.socket]:
    """A local UDP socket: a refused datagram must never reach it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    yield sock
    sock.close()


def test_sendmsg_is_watched_like_sendto(tmp_path: Path, port: int, receiver: socket.socket) -> None:
    other = receiver.getsockname()[1]
    code = (
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"s.sendmsg([b'hello'], [], 0, ('127.0.0.1', {other}))\n"
    )
    result = run(tmp_path, port, code)
    assert f"the lab sandbox refused a connection to 127.0.0.1:{other}" in result.error
    with pytest.raises(BlockingIOError):
        receiver.recv(100)


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("s.bind(('0.0.0.0', 0))", "binding a socket to 0.0.0.0:0"),
        ("s.bind(('', 0))", "binding a socket to 0.0.0.0:0"),
        ("s.listen()", "listening on 0.0.0.0:0"),
    ],
)
def test_a_script_may_listen_on_loopback_only(
    tmp_path: Path, port: int, code: str, said: str
) -> None:
    result = run(tmp_path, port, f"import socket\ns = socket.socket()\n{code}\n")
    assert f"the lab sandbox refused {said}: lab scripts may listen on loopback only" in (
        result.error
    )
    loopback = "s.bind(('127.0.0.1', 0))\ns.listen()\n"
    assert run(tmp_path, port, f"import socket\ns = socket.socket()\n{loopback}").ok


# -- temporary folders ------------------------------------------------------------------------

HARNESS = """
import json, sys, time
from pathlib import Path
from certprep.labs.graders import script_sandbox as s

setup = s._Setup(9, "us-east-1", (), (), s.Limits())
waiting, running = s._Runner(setup), s._Runner(setup)
script = Path(sys.argv[1])
job = {"script": str(script), "workspace": str(script.parent),
       "report": str(running.private / "report.json")}
running.proc.stdin.write((json.dumps(job) + "\\n").encode())
running.proc.stdin.flush()
print(json.dumps({str(r.private): r.proc.pid for r in (waiting, running)}), flush=True)
time.sleep(600)
"""
EMULATOR_HARNESS = """
import json, time
from certprep.labs.graders.moto_emulator import Emulator

emulator = Emulator()
emulator.start()
assert emulator._proc is not None
print(json.dumps({str(emulator._private): emulator._proc.pid}), flush=True)
time.sleep(600)
"""


def until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")  # a zombie whose new parent has not reaped it yet


def killed_certprep(code: str, *args: str, ready: Callable[[], bool] = lambda: True) -> Any:
    """Start ``code`` as a stand-in for certprep, read the folders (and child pids) it prints,
    wait for ``ready``, then SIGKILL it, leaving no time to clean up."""
    harness = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert harness.stdout is not None
        started: dict[str, int] = json.loads(harness.stdout.readline())
        assert started and all(Path(p).is_dir() for p in started)
        assert until(ready)
    finally:
        harness.kill()
        harness.wait()
        if harness.stdout is not None:
            harness.stdout.close()
    return started


def test_runners_remove_their_folders_when_certprep_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "setup.py"
    script.write_text("import pathlib, time\npathlib.Path('started').touch()\ntime.sleep(300)\n")
    started = killed_certprep(HARNESS, str(script), ready=(tmp_path / "started").exists)
    assert until(lambda: not any(Path(p).exists() for p in started)), started
    assert until(lambda: all(_ended(pid) for pid in started.values()))


def test_the_emulator_removes_its_folder_when_certprep_is_killed() -> None:
    started = killed_certprep(EMULATOR_HARNESS)
    assert until(lambda: not any(Path(p).exists() for p in started)), started
    assert until(lambda: all(_ended(pid) for pid in started.values()))


def _made_folders(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    made: list[str] = []
    mkdtemp = module.tempfile.mkdtemp

    def recording(*args: Any, **kwargs: Any) -> str:
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    def no_python(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no Python here")

    monkeypatch.setattr(module.tempfile, "mkdtemp", recording)
    monkeypatch.setattr(module.subprocess, "Popen", no_python)
    return made


def test_no_folder_is_left_when_the_runner_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made_folders(monkeypatch, script_sandbox)
    script = tmp_path / "setup.py"
    script.write_text("pass\n")
    result = run_script(script, tmp_path, 9, keep_spare=False)
    assert result == ScriptRun(
        False, "certprep could not start Python for the script: no Python here"
    )
    assert made and not any(Path(p).exists() for p in made)


def test_no_folder_is_left_when_the_emulator_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _made_folders(monkeypatch, moto_emulator)
    with pytest.raises(moto_emulator.EmulatorError, match="no Python here"):
        moto_emulator.Emulator().start()
    assert made and not any(Path(p).exists() for p in made)


def test_the_script_reads_an_empty_stdin(tmp_path: Path, port: int) -> None:
    """certprep keeps the runner's stdin open during the run; the script's is /dev/null."""
    result = run(tmp_path, port, "import sys\nassert sys.stdin.read() == ''\ninput()\n")
    assert result.error.startswith("it raised EOFError")


@pytest.mark.parametrize("code", ["x = " + "-" * 100_000 + "1\n", "x = " + "+".join("1" * 100_000)])
def test_a_script_python_cannot_compile_fails_without_running(code: str) -> None:
    lab = next(lab for lab in all_labs().values() if lab.kind == "boto3-script")
    results = grade(lab, code)
    assert all(not r.passed for r in results)
    assert {r.detail for r in results} == {
        f"Python cannot compile {lab.artifact}: an expression is nested too deeply, so "
        "nothing was created."
    }


def test_signal_names_are_used_when_they_exist() -> None:
    assert script_sandbox._signal_name(signal.SIGSEGV) == "signal SIGSEGV"
    assert script_sandbox._signal_name(40) == "signal 40"
    assert os.path.basename(sandbox_runner.__file__) == "sandbox_runner.py"
