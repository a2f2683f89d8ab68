"""Declarative assertions on the AWS emulator's state: one boto3 call, one JMESPath test.

Semantics of a check (``StateCheck``):

- ``call``: a boto3 client ``service`` (``"cloudwatch"``), an ``operation`` as boto3 names the
  method (``"describe_alarms"``), its keyword ``params``, and a ``region`` (``us-east-1`` by
  default). certprep makes the call itself, with fake credentials, against the emulator only:
  the endpoint is explicit, no shared config or credentials file and no proxy of the
  environment is used, and a failed request is not retried.
- The response is normalised before it is tested: ``ResponseMetadata`` is dropped, datetimes
  become ISO 8601 strings, bytes and streaming bodies become text (UTF-8, the first 64 KiB).
- ``expect``: a JMESPath expression evaluated on that response. The check passes when the
  result is exactly ``true``; any other result (false, null, a list, a type error inside the
  expression) fails it. Besides the JMESPath built-in functions, ``from_json(s)`` parses a
  JSON document held in a string (a policy, say) and gives null when ``s`` is not JSON.
- An API error (``NoSuchBucket``, ``ResourceNotFoundException``...) fails the check; what was
  found is then ``Code: message``.
- ``show``: an optional JMESPath expression whose result is what a failure reports as found;
  without it, the normalised response. Either is compact JSON, at most 400 characters.

``evaluate`` never raises for the emulator's answers; ``compile_expression`` raises
``ValueError`` for an expression JMESPath cannot parse (checked when the catalog loads).
"""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jmespath  # type: ignore[import-untyped]
import jmespath.exceptions  # type: ignore[import-untyped]
import jmespath.functions  # type: ignore[import-untyped]

_MAX_FOUND = 400
_MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str = "us-east-1"


@dataclass(frozen=True)
class Outcome:
    passed: bool
    found: str  # what the state holds, for a failure's detail


class _Functions(jmespath.functions.Functions):  # type: ignore[misc]
    @jmespath.functions.signature({"types": ["string", "null"]})  # type: ignore[untyped-decorator]
    def _func_from_json(self, text: str | None) -> Any:
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None


_OPTIONS = jmespath.Options(custom_functions=_Functions())


@cache
def compile_expression(expression: str) -> Any:
    """The parsed JMESPath expression; ``ValueError`` with JMESPath's reason if it is invalid."""
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise ValueError(f"invalid JMESPath expression {expression!r}: {exc}") from None


def evaluate(port: int, call: Call, expect: str, show: str | None = None) -> Outcome:
    """Make ``call`` against the emulator on ``127.0.0.1:port`` and test ``expect``."""
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    try:
        client = _client(port, call.service, call.region)
        raw = getattr(client, call.operation)(**call.params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        found = f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
        return Outcome(False, f"{call.operation} answered {found}")
    except (BotoCoreError, AttributeError) as exc:
        return Outcome(False, f"certprep could not ask the emulator ({call.operation}): {exc}")
    response = normalise(raw)
    if isinstance(response, dict):
        response.pop("ResponseMetadata", None)
    try:
        result = compile_expression(expect).search(response, options=_OPTIONS)
    except jmespath.exceptions.JMESPathError:
        result = None
    passed = result is True
    try:
        shown = compile_expression(show).search(response, options=_OPTIONS) if show else response
    except jmespath.exceptions.JMESPathError:
        shown = response
    return Outcome(passed, "" if passed else _compact(shown))


def normalise(value: Any) -> Any:
    """JSON-shaped data: datetimes as ISO strings, bytes and bodies as text."""
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value[:_MAX_BODY]).decode("utf-8", "replace")
    if hasattr(value, "read") and callable(value.read):  # a StreamingBody
        data = value.read(_MAX_BODY)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return value


def _compact(value: Any) -> str:
    if value is None or value == []:
        return "nothing"
    text = json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)
    return text if len(text) <= _MAX_FOUND else text[: _MAX_FOUND - 3] + "..."


_clients: dict[tuple[int, str, str], Any] = {}
_clients_lock = threading.Lock()


def _client(port: int, service: str, region: str) -> Any:
    """A cached botocore client for the emulator, isolated from the user's AWS settings."""
    key = (port, service, region)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = _session().create_client(
                service,
                region_name=region,
                endpoint_url=f"http://127.0.0.1:{port}",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                aws_session_token=None,
                config=_config(),
            )
        return _clients[key]


@cache
def _session() -> Any:
    import botocore.session  # type: ignore[import-untyped]

    # no profile from AWS_PROFILE / AWS_DEFAULT_PROFILE, no shared files: only what we pass
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    session.set_config_variable("config_file", "/nonexistent/certprep/aws-config")
    session.set_config_variable("credentials_file", "/nonexistent/certprep/aws-credentials")
    return session


def _config() -> Any:
    from botocore.config import Config  # type: ignore[import-untyped]

    return Config(
        proxies={},  # never the environment's proxy: the emulator is on 127.0.0.1
        retries={"max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
    )
