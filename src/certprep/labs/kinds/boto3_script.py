"""boto3-script labs: the learner writes a Python script that sets up AWS resources with boto3;
certprep runs it against a local AWS emulator (moto) and grades the state it leaves.

How a grade goes:

1. The script must compile (a syntax error fails every check with its line, and nothing runs).
2. The emulator (``graders/moto_emulator``: one per certprep process, on 127.0.0.1) is reset to
   an empty account, 123456789012 in us-east-1.
3. The script runs in the sandbox (``graders/script_sandbox``): its own process, time, memory
   and CPU limits, the lab workspace as working directory, a scrubbed environment whose
   ``AWS_ENDPOINT_URL`` points at the emulator with fake credentials, and no access to
   certprep's data, to the network beyond the emulator, or to other programs. A script must
   not hard-code an endpoint: the environment provides it.
4. Every check then reads the emulator's state (``graders/state_checks``).

A check's fields (``CheckSpec``)::

    call: {service: cloudwatch, operation: describe_alarms, params: {AlarmNames: [api-5xx]}}
    expect: "MetricAlarms[0].TreatMissingData == 'notBreaching'"   # JMESPath, must be true
    show: "MetricAlarms[].TreatMissingData"                          # optional: what a failure shows

``region`` may be added to ``call`` (default us-east-1). The failure detail is the check's
``why`` followed by what was found.

A script that does not run to the end (an exception, a non-zero exit, a time, memory or CPU
limit, a refused access) fails every check: a script that errors is not finished work, and an
automation that exits non-zero fails its pipeline. Each check's detail still says what went
wrong and whether the state the script left already satisfies that check, so partial work
shows.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from certprep.labs.graders import moto_emulator, script_sandbox, state_checks
from certprep.labs.model import Check, CheckResult, Lab

LIMITS = script_sandbox.Limits()  # per run: 20 s, 1 GiB, 20 s of CPU, 16 MiB files


class CallSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str = Field(pattern=r"^[a-z0-9-]+$", description="boto3 client name")
    operation: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="boto3 method name")
    params: dict[str, Any] = Field(default_factory=dict)
    region: str = "us-east-1"


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    call: CallSpec
    expect: str = Field(description="JMESPath on the response; the check passes when it is true")
    show: str | None = Field(default=None, description="JMESPath: what a failure reports")

    @field_validator("expect", "show")
    @classmethod
    def _valid_jmespath(cls, value: str | None) -> str | None:
        if value is not None:
            state_checks.compile_expression(value)
        return value


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    try:
        compile(text, lab.artifact, "exec")
    except SyntaxError as exc:
        return CheckResult.all_failed(
            lab.checks,
            f"Python cannot run {lab.artifact}: {exc.msg} at line {exc.lineno}, so nothing was "
            "created.",
        )
    except ValueError as exc:  # e.g. a NUL byte in the file
        return CheckResult.all_failed(lab.checks, f"Python cannot run {lab.artifact}: {exc}.")
    except (RecursionError, MemoryError):  # e.g. "x = -----...1": the parser gives up
        return CheckResult.all_failed(
            lab.checks,
            f"Python cannot compile {lab.artifact}: an expression is nested too deeply, so "
            "nothing was created.",
        )
    deny_dirs, deny_files = _certprep_data(workspace)
    specs = [CheckSpec.model_validate(c.fields) for c in lab.checks]
    try:
        emulator = moto_emulator.shared(deny_dirs, deny_files)
        with emulator.lock:
            emulator.reset()
            port = emulator.start()
            with _script(lab, text, workspace) as (script, folder):
                run = script_sandbox.run_script(
                    script, folder, port, deny_dirs=deny_dirs, deny_files=deny_files, limits=LIMITS
                )
            return [_result(c, s, port, run) for c, s in zip(lab.checks, specs, strict=True)]
    except moto_emulator.EmulatorError as exc:
        return CheckResult.all_failed(lab.checks, f"certprep could not grade the script: {exc}")


def _result(check: Check, spec: CheckSpec, port: int, run: script_sandbox.ScriptRun) -> CheckResult:
    call = state_checks.Call(
        spec.call.service, spec.call.operation, dict(spec.call.params), spec.call.region
    )
    outcome = state_checks.evaluate(port, call, spec.expect, spec.show)
    state = "" if outcome.passed else f"{check.why} Found: {outcome.found}"
    if run.ok:
        return CheckResult(check.name, outcome.passed, state, check.doc)
    left = (
        "The state it left already satisfies this check."
        if outcome.passed
        else f"In the state it left: {state}"
    )
    return CheckResult(
        check.name, False, f"The script did not run to the end: {run.error}. {left}", check.doc
    )


@contextlib.contextmanager
def _script(lab: Lab, text: str, workspace: Path | None) -> Iterator[tuple[Path, Path]]:
    """The file to run and the working folder: the workspace's own artifact when it holds this
    text, otherwise a copy in a temporary folder (which is then the working folder unless a
    workspace is given)."""
    if workspace is not None:
        own = workspace / lab.artifact
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if own.is_file() and own.read_text(encoding="utf-8") == text:
                yield own, workspace
                return
    with tempfile.TemporaryDirectory(prefix="certprep-lab-") as tmp:
        script = Path(tmp) / lab.artifact
        script.write_text(text, encoding="utf-8")
        yield script, workspace if workspace is not None else Path(tmp)


def _certprep_data(workspace: Path | None) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """certprep's data folder and database file, which lab scripts must not touch. The folder
    is left out when refusing it would refuse what the script needs (the workspace, Python
    itself, the temporary folder): then only the database file is refused."""
    from certprep.storage.database import data_dir, database_url

    folder = data_dir().resolve()
    files: tuple[Path, ...] = ()
    url = database_url()
    if url.startswith("sqlite:///"):
        files = (Path(url.removeprefix("sqlite:///")).resolve(),)
    needed = [Path(sys.prefix), Path(sys.base_prefix), Path(tempfile.gettempdir())]
    needed += [Path(script_sandbox.__file__).parent]
    if workspace is not None:
        needed.append(workspace)
    if any(_inside(p.resolve(), folder) for p in needed):
        return (), files
    return (folder,), files


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
