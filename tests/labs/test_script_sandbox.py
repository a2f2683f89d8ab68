"""The sandbox a learner's boto3 script runs in, and the AWS emulator it talks to: every safety
promise of ``script_sandbox``, ``sandbox_runner`` and ``moto_emulator`` is exercised here with a
script that breaks it. No test sends traffic beyond 127.0.0.1, even if the guard were broken:
the scripts aim at a local listener of the test's own, or at a Region that does not exist
(``xx-nowhere-1``, whose endpoint name resolves to nothing).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from certprep.labs.graders import moto_emulator, script_sandbox
from certprep.labs.graders.script_sandbox import Limits, ScriptRun, run_script


@pytest.fixture(scope="module")
def port() -> int:
    return moto_emulator.shared().start()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A stand-in for certprep's data folder, with a real SQLite database in it."""
    folder = tmp_path / "data"
    folder.mkdir()
    with sqlite3.connect(folder / "certprep.db") as db:
        db.execute("create table progress (lab text)")
    db.close()
    return folder


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP listener: a refused script must never reach it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def _nobody_connected(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def run(
    tmp_path: Path,
    port: int,
    code: str,
    data: Path | None = None,
    limits: Limits = Limits(seconds=20),
) -> ScriptRun:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    script = workspace / "setup.py"
    script.write_text(code, encoding="utf-8")
    deny_dirs = (data,) if data else ()
    deny_files = (data / "certprep.db",) if data else ()
    return run_script(
        script, workspace, port, deny_dirs=deny_dirs, deny_files=deny_files, limits=limits
    )


def test_a_script_that_works_reaches_the_emulator_through_the_environment(
    tmp_path: Path, port: int
) -> None:
    result = run(
        tmp_path,
        port,
        "import boto3\nboto3.client('sns').create_topic(Name='sandbox-ok')\n",
    )
    assert result == ScriptRun(True, "", result.seconds)


def test_the_environment_is_scrubbed_and_credentials_are_fake(
    tmp_path: Path, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("CERTPREP_DATA_DIR", "/somewhere/secret")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    result = run(
        tmp_path,
        port,
        "import json, os, pathlib\n"
        "pathlib.Path('env.json').write_text(json.dumps(dict(os.environ)))\n"
        "pathlib.Path('cwd.txt').write_text(os.getcwd())\n",
    )
    assert result.ok, result.error
    workspace = tmp_path / "workspace"
    env = json.loads((workspace / "env.json").read_text())
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
    assert env["HOME"] == str(workspace)
    assert not Path(env["AWS_CONFIG_FILE"]).exists()
    assert not Path(env["AWS_SHARED_CREDENTIALS_FILE"]).exists()
    assert not [k for k in env if k.startswith("CERTPREP") or "PROXY" in k.upper()]
    assert "AWS_PROFILE" not in env
    assert (workspace / "cwd.txt").read_text() == str(workspace)


def test_an_exception_names_the_learners_own_lines_only(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path,
        port,
        "import boto3\n"
        "\n"
        "def subscribe():\n"
        "    boto3.client('sns').subscribe(\n"
        "        TopicArn='arn:aws:sns:us-east-1:123456789012:missing',\n"
        "        Protocol='email', Endpoint='a@example.com')\n"
        "\n"
        "subscribe()\n",
    )
    assert not result.ok
    assert "NotFound" in result.error and "Topic does not exist" in result.error
    assert "setup.py line 4" in result.error and "called from line 8" in result.error
    assert "botocore" not in result.error and "sandbox_runner" not in result.error
    assert "Traceback" not in result.error


def test_a_syntax_error_gives_the_line(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, "import boto3\ndef broken(:\n    pass\n")
    assert not result.ok and "SyntaxError at setup.py line 2" in result.error


def test_a_hang_is_stopped_at_the_time_limit(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path, port, "import time\nwhile True:\n    time.sleep(1)\n", limits=Limits(seconds=1)
    )
    assert not result.ok and "did not finish within 1 s" in result.error
    assert result.seconds < 5


def test_a_timeout_kills_the_script_process(tmp_path: Path, port: int) -> None:
    """The time limit kills the script's whole process group: nothing of it is left running."""
    result = run(
        tmp_path,
        port,
        "import os, pathlib, time\npathlib.Path('pid').write_text(str(os.getpid()))\ntime.sleep(60)\n",
        limits=Limits(seconds=1),
    )
    assert not result.ok
    pid = int((tmp_path / "workspace" / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_memory_hog_hits_the_memory_limit(tmp_path: Path, port: int) -> None:
    result = run(tmp_path, port, "hog = bytearray(3 * 1024**3)\n", limits=Limits(memory_mb=512))
    assert not result.ok
    assert "ran out of memory (the limit is 512 MiB)" in result.error
    assert "setup.py line 1" in result.error


def test_a_growing_memory_hog_is_stopped_too(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path,
        port,
        "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024**2))\n",
        limits=Limits(memory_mb=256),
    )
    assert not result.ok and "ran out of memory" in result.error


def test_a_cpu_hog_hits_the_cpu_time_limit(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path, port, "while True:\n    pass\n", limits=Limits(seconds=30, cpu_seconds=1)
    )
    assert not result.ok and "more than 1 s of CPU time" in result.error
    assert result.seconds < 10


def test_a_non_zero_exit_is_reported_with_its_status(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path, port, "import sys\nprint('topic missing', file=sys.stderr)\nsys.exit(3)\n"
    )
    assert not result.ok
    assert result.error == "the script exited with status 3 (its last output: topic missing)"
    message = run(tmp_path, port, "import sys\nsys.exit('no topic given')\n")
    assert message.error == "the script stopped: no topic given"
    assert run(tmp_path, port, "import sys\nsys.exit(0)\n").ok


def test_certprep_database_cannot_be_opened(tmp_path: Path, port: int, data: Path) -> None:
    result = run(tmp_path, port, f"open({str(data / 'certprep.db')!r}, 'rb').read()\n", data)
    assert not result.ok
    assert "the lab sandbox refused access to" in result.error and "certprep.db" in result.error
    assert "setup.py line 1" in result.error


def test_the_data_folder_cannot_be_listed_or_written(tmp_path: Path, port: int, data: Path) -> None:
    listed = run(tmp_path, port, f"import os\nos.listdir({str(data)!r})\n", data)
    assert not listed.ok and "refused access" in listed.error
    written = run(tmp_path, port, f"open({str(data / 'new.txt')!r}, 'w')\n", data)
    assert not written.ok and not (data / "new.txt").exists()


def test_a_symlink_or_hard_link_to_the_database_is_refused(
    tmp_path: Path, port: int, data: Path
) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "alias.db").symlink_to(data / "certprep.db")
    os.link(data / "certprep.db", tmp_path / "hard.db")
    via_symlink = run(tmp_path, port, "open('alias.db', 'rb').read()\n", data)
    assert not via_symlink.ok and "refused access to alias.db" in via_symlink.error
    via_hard_link = run(tmp_path, port, f"open({str(tmp_path / 'hard.db')!r}, 'rb')\n", data)
    assert not via_hard_link.ok and "refused access" in via_hard_link.error


def test_sqlite_is_refused_even_when_the_script_catches_the_error(
    tmp_path: Path, port: int, data: Path
) -> None:
    result = run(
        tmp_path,
        port,
        "import sqlite3\ntry:\n    sqlite3.connect(':memory:')\nexcept Exception:\n    pass\n",
        data,
    )
    assert not result.ok
    assert result.error.startswith("the lab sandbox refused sqlite3.connect")
    assert "setup.py line 3" in result.error


def test_only_the_emulator_is_reachable(tmp_path: Path, port: int, listener: socket.socket) -> None:
    other = listener.getsockname()[1]
    result = run(
        tmp_path,
        port,
        f"import boto3\nboto3.client('sns', endpoint_url='http://127.0.0.1:{other}').list_topics()\n",
    )
    assert not result.ok
    assert f"refused a connection to 127.0.0.1:{other}" in result.error
    assert "never real AWS" in result.error
    assert _nobody_connected(listener)


def test_real_aws_is_not_even_looked_up(tmp_path: Path, port: int) -> None:
    result = run(
        tmp_path,
        port,
        "import boto3\nfrom botocore.config import Config\n"
        "boto3.client('sns', region_name='xx-nowhere-1',\n"
        "    config=Config(ignore_configured_endpoint_urls=True)).list_topics()\n",
    )
    assert not result.ok
    assert "refused looking up 'sns.xx-nowhere-1.amazonaws.com'" in result.error


def test_no_other_program_can_be_started_and_certprep_cannot_be_signalled(
    tmp_path: Path, port: int
) -> None:
    started = run(tmp_path, port, "import subprocess\nsubprocess.run(['true'])\n")
    assert not started.ok and "refused subprocess.Popen" in started.error
    forked = run(tmp_path, port, "import os\nos.system('true')\n")
    assert not forked.ok and "refused os.system" in forked.error
    signalled = run(tmp_path, port, "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)\n")
    assert not signalled.ok and "refused signalling another process" in signalled.error


def test_the_emulator_listens_on_loopback_only(port: int) -> None:
    """Its listening socket is bound to 127.0.0.1, not to every interface (read from the
    kernel's socket table; no connection to another address is tried)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    assert _listeners(port) == ["127.0.0.1"]


def _listeners(port: int) -> list[str]:
    """The local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp{,6})."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.append(address)
    return found


def test_reset_empties_the_emulator(tmp_path: Path, port: int) -> None:
    assert run(
        tmp_path, port, "import boto3\nboto3.client('sqs').create_queue(QueueName='q1')\n"
    ).ok
    moto_emulator.shared().reset()
    result = run(
        tmp_path,
        port,
        "import boto3, sys\nsys.exit(len(boto3.client('sqs').list_queues().get('QueueUrls', [])))\n",
    )
    assert result.ok, result.error


def test_the_emulator_makes_no_outgoing_connection(
    tmp_path: Path, port: int, listener: socket.socket
) -> None:
    """SNS delivers to HTTP subscriptions from inside moto; the emulator's guard refuses it."""
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    result = run(
        tmp_path,
        port,
        "import boto3\nsns = boto3.client('sns')\n"
        "arn = sns.create_topic(Name='outbound')['TopicArn']\n"
        f"sns.subscribe(TopicArn=arn, Protocol='http', Endpoint={endpoint!r})\n"
        "try:\n    sns.publish(TopicArn=arn, Message='hello')\nexcept Exception:\n    pass\n",
    )
    assert result.ok or "refused" not in result.error
    assert _nobody_connected(listener)
    assert moto_emulator.shared().running


def test_an_emulator_restarts_after_it_died(tmp_path: Path) -> None:
    emulator = moto_emulator.Emulator()
    try:
        first = emulator.start()
        assert emulator._proc is not None
        emulator._proc.kill()
        emulator._proc.wait()
        assert not emulator.running
        second = emulator.start()
        assert emulator.running and second > 0
        emulator.reset()
        assert first > 0
    finally:
        emulator.stop()
    assert not emulator.running


def test_each_run_gets_a_fresh_process_and_the_spare_stops_at_exit(
    tmp_path: Path, port: int
) -> None:
    """Runs are handed to a runner started ahead of time (boto3 already imported), but a
    runner serves one run only: nothing a script leaves in its process reaches the next."""
    code = (
        "import builtins, os, pathlib\n"
        "seen = getattr(builtins, 'left_behind', None)\n"
        "builtins.left_behind = os.getpid()\n"
        "with open('pids', 'a') as f:\n"
        "    f.write(f'{os.getpid()} {seen}\\n')\n"
    )
    for _ in range(3):
        assert run(tmp_path, port, code).ok
    lines = (tmp_path / "workspace" / "pids").read_text().split("\n")[:3]
    pids = [line.split()[0] for line in lines]
    assert len(set(pids)) == 3 and all(line.endswith(" None") for line in lines)
    assert len(script_sandbox._spares) == 1
    (spare,) = script_sandbox._spares.values()
    assert spare.proc.poll() is None
    script_sandbox.stop_spares()
    assert spare.proc.poll() is not None and not spare.private.exists()
