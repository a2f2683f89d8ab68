"""A lab script reads only its own folders and Python's, and writes only in its own folders:
each promise of ``sandbox_confine`` is tried by a script that breaks it, and the kernel's
layer (Landlock) is shown to refuse the same without the audit hook's help."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from certprep.labs.graders import moto_emulator
from certprep.labs.graders.script_sandbox import Limits, ScriptRun, run_script


@pytest.fixture(scope="module")
def port() -> int:
    return moto_emulator.shared().start()


def run(tmp_path: Path, port: int, code: str) -> ScriptRun:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    script = workspace / "setup.py"
    script.write_text(code, encoding="utf-8")
    return run_script(script, workspace, port, limits=Limits(seconds=20))


@pytest.fixture
def in_home() -> Iterator[Path]:
    """A file in the user's home folder, as a learner's own secrets would be."""
    path = Path.home() / f".certprep-test-{uuid.uuid4().hex}"
    path.write_text("home secret", encoding="utf-8")
    yield path
    path.unlink(missing_ok=True)


def test_reading_etc_is_refused(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, "print(open('/etc/passwd').read())\n")
    assert not result.ok
    assert "refused reading /etc/passwd: lab scripts may read only their own folder" in (
        result.error
    )


def test_reading_the_users_home_is_refused(tmp_path: Path, port: int, in_home: Path) -> None:
    result = run(tmp_path, port, f"print(open({str(in_home)!r}).read())\n")
    assert not result.ok and f"refused reading {in_home}" in result.error


def test_listing_the_users_home_is_refused(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, f"import os\nprint(os.listdir({str(Path.home())!r}))\n")
    assert not result.ok and f"refused reading {Path.home()}" in result.error


def test_another_folders_files_are_refused(tmp_path: Path, port: int) -> None:
    """Another learner's (or user's) file: anywhere outside the script's own folders."""
    other = tmp_path / "someone-else" / "notes.txt"
    other.parent.mkdir()
    other.write_text("not yours", encoding="utf-8")
    result = run(tmp_path, port, f"print(open({str(other)!r}).read())\n")
    assert not result.ok and f"refused reading {other}" in result.error


@pytest.mark.parametrize(
    "code",
    [
        "open(TARGET, 'w').write('x')\n",
        "import os\nos.close(os.open(TARGET, os.O_WRONLY | os.O_CREAT))\n",
        "import pathlib\npathlib.Path(TARGET).mkdir()\n",
        "import shutil\nshutil.copyfile('setup.py', TARGET)\n",
    ],
    ids=["open-w", "os-open", "mkdir", "copyfile"],
)
def test_writing_outside_its_folders_is_refused(tmp_path: Path, port: int, code: str) -> None:
    target = tmp_path / "outside"
    result = run(tmp_path, port, code.replace("TARGET", repr(str(target))))
    assert not result.ok and f"refused writing {target}" in result.error
    assert not target.exists()


def test_writing_in_the_shared_temporary_folder_is_refused(tmp_path: Path, port: int) -> None:
    target = Path("/tmp") / f"certprep-test-{uuid.uuid4().hex}"
    result = run(tmp_path, port, f"open({str(target)!r}, 'w').write('x')\n")
    assert not result.ok and f"refused writing {target}" in result.error
    assert not target.exists()


def test_its_own_folders_and_python_still_work(tmp_path: Path, port: int) -> None:
    code = (
        "import json, os, tempfile, pathlib, decimal, zoneinfo\n"
        "pathlib.Path('notes.txt').write_text('mine')\n"
        "assert open('notes.txt').read() == 'mine'\n"
        "with tempfile.NamedTemporaryFile('w', delete=False) as f:\n"
        "    f.write('scratch')\n"
        "assert open(f.name).read() == 'scratch'\n"
        "assert 'setup.py' in os.listdir('.')\n"
        "import boto3\n"
        "boto3.client('s3').create_bucket(Bucket='mine')\n"
    )
    result = run(tmp_path, port, code)
    assert result.ok, result.error
    assert (tmp_path / "workspace" / "notes.txt").read_text() == "mine"


def _landlock_abi() -> int:
    try:
        from py_landlock import LandlockError, get_abi_version
    except ImportError:
        return 0
    try:
        return int(get_abi_version())
    except LandlockError:
        return 0


KERNEL_ONLY = """
import json, os, socket, sys
from certprep.labs.graders.sandbox_confine import Confinement, apply_landlock
work, private, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
enforced = apply_landlock(Confinement.for_script([work], private), port)
seen = {"kernel": enforced}
for name, path in [("etc", "/etc/hostname"), ("outside", sys.argv[4])]:
    try:
        open(path).read()
        seen[name] = "read"
    except PermissionError:
        seen[name] = "refused"
try:
    open(os.path.join(sys.argv[5], "x"), "w").write("x")
    seen["write"] = "written"
except PermissionError:
    seen["write"] = "refused"
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[6])))
    seen["connect"] = "connected"
except PermissionError:
    seen["connect"] = "refused"
open(os.path.join(work, "mine.txt"), "w").write("ok")
print(json.dumps(seen))
"""


@pytest.mark.skipif(_landlock_abi() < 4, reason="this kernel has no Landlock with TCP rules")
def test_the_kernel_refuses_the_same_without_the_audit_hook(tmp_path: Path) -> None:
    """Code that went around Python's audit hook would still meet Landlock."""
    import json
    import socket

    work, private, elsewhere = tmp_path / "work", tmp_path / "private", tmp_path / "elsewhere"
    for folder in (work, private, elsewhere):
        folder.mkdir()
    (elsewhere / "secret").write_text("secret")
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen(1)
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                KERNEL_ONLY,
                str(work),
                str(private),
                "9",
                str(elsewhere / "secret"),
                str(elsewhere),
                str(other.getsockname()[1]),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        other.close()
    seen = json.loads(out.stdout)
    assert seen["kernel"].startswith("landlock ABI")
    assert seen == {
        "kernel": seen["kernel"],
        "etc": "refused",
        "outside": "refused",
        "write": "refused",
        "connect": "refused",
    }
    assert (work / "mine.txt").read_text() == "ok"
