"""CodeDeploy AppSpec files (``appspec.yml``) for the three compute platforms.

Written from the CodeDeploy User Guide, "CodeDeploy AppSpec file reference" and its pages
(structure, 'files', 'permissions', 'resources', 'hooks', examples). ``check(text, platform)``
validates one file for ``server`` (EC2/On-Premises), ``ecs`` or ``lambda`` and returns a
``Report`` of findings (see ``yamldoc``): ``error`` where CodeDeploy rejects the file, the
reference forbids it, or a script/function can never run; ``warning`` where the file works
but a key has no effect or a documented recommendation is broken.

What is modelled:

- ``version`` must be 0.0 (YAML's number 0.0; the string "0.0" is accepted too).
- server: ``os`` (linux | windows), ``files`` (``source``/``destination``; destination a fully
  qualified path), ``file_exists_behavior`` (DISALLOW | OVERWRITE | RETAIN), ``permissions``
  (linux only; object, pattern, except, owner, group, mode, acls, context, type), ``hooks``:
  a mapping of lifecycle event to a list of ``location`` (required), ``timeout`` (seconds,
  at most 3600; the explicit timeouts of one event must add up to 3600 at most) and
  ``runas`` (not on windows). DownloadBundle, Install, BlockTraffic and AllowTraffic are
  reserved for the agent and cannot run scripts.
- ecs: ``Resources`` (an ``AWS::ECS::Service`` with ``TaskDefinition`` and
  ``LoadBalancerInfo`` ``ContainerName``/``ContainerPort``; optional ``PlatformVersion``,
  ``NetworkConfiguration.AwsvpcConfiguration`` (all or none of Subnets, SecurityGroups,
  AssignPublicIp), ``CapacityProviderStrategy``) and ``Hooks``: a list of single-key
  mappings, event -> Lambda function, for BeforeInstall, AfterInstall,
  AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic.
- lambda: ``Resources`` (``AWS::Lambda::Function`` with ``Name``, ``Alias``,
  ``CurrentVersion``, ``TargetVersion``) and ``Hooks`` for BeforeAllowTraffic and
  AfterAllowTraffic.

Leniencies and limits, stated because the reference does not settle them: the reference
writes ECS and Lambda keys both capitalised (``Resources``, ``TaskDefinition``) and in lower
case (``resources``, ``currentversion``), so for those platforms keys are matched without
regard to case (messages use the capitalised spelling); EC2/On-Premises keys are
case-sensitive, as the agent reads them. Undocumented keys are warnings, not errors (the
agent ignores them; the reference does not say CodeDeploy rejects them). Lambda versions may
be numbers as well as strings. A ``TaskDefinition`` that is neither a task definition ARN nor
the ``<TASK_DEFINITION>`` placeholder of CodePipeline's CodeDeployToECS action is a warning.
A hook event used twice in an ECS/Lambda ``Hooks`` list is a warning. Script contents,
file existence in the bundle and Lambda function existence are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Literal

from certprep.labs.graders.appspec_schema import CANONICAL_KEYS, PLATFORM_NAMES, SCHEMAS
from certprep.labs.graders.yamldoc import (
    SHARED_RULES,
    Document,
    Finding,
    Path,
    Report,
    compile_schema,
    mapping,
    parse,
    schema_findings,
    sequence,
    suggest,
)

Platform = Literal["server", "ecs", "lambda"]

# Lifecycle events a hook can use, and the ones CodeDeploy keeps for itself (reference,
# "AppSpec 'hooks' section": the gray events of each run-order diagram cannot be scripted).
HOOKS: dict[str, tuple[str, ...]] = {
    "server": (
        "ApplicationStop",
        "BeforeInstall",
        "AfterInstall",
        "ApplicationStart",
        "ValidateService",
        "BeforeBlockTraffic",
        "AfterBlockTraffic",
        "BeforeAllowTraffic",
        "AfterAllowTraffic",
    ),
    "ecs": (
        "BeforeInstall",
        "AfterInstall",
        "AfterAllowTestTraffic",
        "BeforeAllowTraffic",
        "AfterAllowTraffic",
    ),
    "lambda": ("BeforeAllowTraffic", "AfterAllowTraffic"),
}
RESERVED: dict[str, tuple[str, ...]] = {
    "server": ("Start", "DownloadBundle", "Install", "BlockTraffic", "AllowTraffic", "End"),
    "ecs": ("Start", "Install", "TestTraffic", "AllowTraffic", "End"),
    "lambda": ("Start", "AllowTraffic", "End"),
}
_RESERVED_WHY: dict[tuple[str, str], str] = {
    ("server", "DownloadBundle"): "the agent copies the revision to a temporary folder",
    ("server", "Install"): "the agent copies the files listed in 'files' to their destinations",
    ("server", "BlockTraffic"): "the instance is deregistered from the load balancer",
    ("server", "AllowTraffic"): "the instance is registered with the load balancer",
    ("ecs", "Install"): "CodeDeploy creates the replacement task set",
    ("ecs", "TestTraffic"): "the test listener starts routing to the replacement task set",
    ("ecs", "AllowTraffic"): "production traffic shifts to the replacement task set",
    ("lambda", "AllowTraffic"): "the alias shifts traffic to the target version",
}
MAX_SCRIPT_SECONDS = 3600
TASK_DEFINITION_PLACEHOLDER = "<TASK_DEFINITION>"
_TASK_DEFINITION_ARN = re.compile(
    r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/[A-Za-z0-9_-]{1,255}:\d+$"
)

RULES: dict[str, str] = {
    **SHARED_RULES,
    "version": "version must be 0.0",
    "reserved-hook": "a hook on a lifecycle event reserved for CodeDeploy",
    "hook-not-for-platform": "a hook on an event of another compute platform",
    "unknown-hook": "a hook on an event that does not exist",
    "duplicate-hook": "the same lifecycle event hooked twice",
    "hook-timeout": "a script timeout above 3600 seconds, alone or summed per event",
    "runas-on-windows": "runas on Windows Server, which does not support it",
    "permissions-on-windows": "a permissions section for Windows Server instances",
    "destination-not-absolute": "a files destination that is not a fully qualified path",
    "network-configuration-all-or-none": "some but not all NetworkConfiguration settings",
    "task-definition-format": "a TaskDefinition that is not an ARN nor <TASK_DEFINITION>",
    "same-version": "a Lambda deployment whose CurrentVersion equals its TargetVersion",
}


def _canonical_key(key: str) -> str:
    return CANONICAL_KEYS.get(key.lower(), key)


@cache
def _validator(platform: str) -> Any:
    return compile_schema(SCHEMAS[platform])


def check(text: str, platform: Platform) -> Report:
    """Validate an AppSpec file for a compute platform. Raises ``SpecError`` when the text is
    not one YAML document; everything else is a finding."""
    doc = parse(text, key_map=None if platform == "server" else _canonical_key)
    rules = list(_rules(doc, platform))
    found = [*doc.duplicates, *rules, *schema_findings(_validator(platform), doc, set())]
    found.sort(key=lambda f: (f.line or 0, f.path.__repr__()))
    return Report(doc, tuple(found))


def detect_platform(data: Any) -> Platform | None:
    """The platform an AppSpec file is written for, from its content, if it says."""
    root = mapping(data)
    if "os" in root or "files" in root:
        return "server"
    for item in sequence(root.get("Resources", root.get("resources"))):
        for resource in mapping(item).values():
            kind = str(mapping(resource).get("Type", mapping(resource).get("type", "")))
            if kind == "AWS::ECS::Service":
                return "ecs"
            if kind == "AWS::Lambda::Function":
                return "lambda"
    return "server" if isinstance(root.get("hooks"), dict) else None


def _rules(doc: Document, platform: Platform) -> Iterator[Finding]:
    root = mapping(doc.data)
    yield from _version(doc, root)
    if platform == "server":
        yield from _server_hooks(doc, root)
        yield from _server_files(doc, root)
    else:
        yield from _function_hooks(doc, root, platform)
        yield from (_ecs_resources if platform == "ecs" else _lambda_resources)(doc, root)


def _version(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    if "version" not in root:
        return  # the schema reports the missing key
    value = root["version"]
    if isinstance(value, bool) or value not in (0, "0.0"):
        yield Finding(
            "version",
            "error",
            ("version",),
            doc.line_of(("version",)),
            f"version is {value!r}, but the only allowed AppSpec version is 0.0 (reserved by "
            "CodeDeploy for future use; do not change it).",
        )


def _event_finding(doc: Document, path: Path, event: str, platform: Platform) -> Finding | None:
    """Why a hook on ``event`` cannot run on ``platform``, or None if it can."""
    name = PLATFORM_NAMES[platform]
    allowed = ", ".join(HOOKS[platform])
    line = doc.line_of(path)
    if event in HOOKS[platform]:
        return None
    if event in RESERVED[platform]:
        what = _RESERVED_WHY.get((platform, event), "CodeDeploy runs this step itself")
        return Finding(
            "reserved-hook",
            "error",
            path,
            line,
            f"{event} is reserved for CodeDeploy in an {name} deployment ({what}); it cannot "
            f"run your scripts or functions. Use one of: {allowed}.",
        )
    others = [PLATFORM_NAMES[p] for p in HOOKS if p != platform and event in HOOKS[p]]
    if others:
        return Finding(
            "hook-not-for-platform",
            "error",
            path,
            line,
            f"{event} is a lifecycle event of {' and '.join(others)} deployments; an {name} "
            f"deployment never runs it. The {name} hooks are: {allowed}.",
        )
    known = HOOKS[platform] + RESERVED[platform]
    return Finding(
        "unknown-hook",
        "error",
        path,
        line,
        f"{event} is not a lifecycle event, so nothing would ever run it.{suggest(event, known)} "
        f"The {name} hooks are: {allowed}.",
    )


def _server_hooks(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    windows = root.get("os") == "windows"
    for event, steps in mapping(root.get("hooks")).items():
        path: Path = ("hooks", event)
        if (finding := _event_finding(doc, path, event, "server")) is not None:
            yield finding
        total, too_long = 0, False
        for n, step in enumerate(sequence(steps)):
            step = mapping(step)
            timeout = step.get("timeout")
            if isinstance(timeout, int) and not isinstance(timeout, bool):
                total += timeout
                if timeout > MAX_SCRIPT_SECONDS:
                    too_long = True
                    yield Finding(
                        "hook-timeout",
                        "error",
                        (*path, n, "timeout"),
                        doc.line_of((*path, n, "timeout")),
                        f"timeout is {timeout} seconds, but a script may run for at most "
                        f"{MAX_SCRIPT_SECONDS} seconds (1 hour); beyond that the deployment "
                        "to the instance fails.",
                    )
            if windows and "runas" in step:
                yield Finding(
                    "runas-on-windows",
                    "error",
                    (*path, n, "runas"),
                    doc.line_of((*path, n, "runas")),
                    "Deployments to Windows Server instances do not support runas; remove it.",
                )
        if total > MAX_SCRIPT_SECONDS and not too_long:
            yield Finding(
                "hook-timeout",
                "error",
                path,
                doc.line_of(path),
                f"the timeouts of the scripts in {event} add up to {total} seconds; all the "
                f"scripts of one lifecycle event must finish within {MAX_SCRIPT_SECONDS} "
                "seconds.",
            )


def _server_files(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    windows = root.get("os") == "windows"
    for n, item in enumerate(sequence(root.get("files"))):
        destination = mapping(item).get("destination")
        if not isinstance(destination, str) or not destination:
            continue
        absolute = (
            re.match(r"^[A-Za-z]:[\\/]", destination) is not None
            if windows
            else destination.startswith("/")
        )
        if not absolute:
            example = r"c:\temp\webapps" if windows else "/var/www/my-app"
            yield Finding(
                "destination-not-absolute",
                "error",
                ("files", n, "destination"),
                doc.line_of(("files", n, "destination")),
                f"destination '{destination}' must be a fully qualified path on the instance, "
                f"such as {example}.",
            )
    if windows and "permissions" in root:
        yield Finding(
            "permissions-on-windows",
            "error",
            ("permissions",),
            doc.line_of(("permissions",)),
            "The permissions section applies to Amazon Linux, Ubuntu Server and RHEL "
            "instances only; a deployment to Windows Server instances fails with it.",
        )


def _function_hooks(doc: Document, root: dict[str, Any], platform: Platform) -> Iterator[Finding]:
    seen: set[str] = set()
    for n, item in enumerate(sequence(root.get("Hooks"))):
        for event in mapping(item):
            path: Path = ("Hooks", n, event)
            if (finding := _event_finding(doc, path, event, platform)) is not None:
                yield finding
            elif event in seen:
                yield Finding(
                    "duplicate-hook",
                    "warning",
                    path,
                    doc.line_of(path),
                    f"{event} is hooked twice; each lifecycle event runs one Lambda function "
                    "once per deployment.",
                )
            seen.add(event)


def _resources(root: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    for n, item in enumerate(sequence(root.get("Resources"))):
        for name, resource in mapping(item).items():
            yield ("Resources", n, name, "Properties"), mapping(mapping(resource).get("Properties"))


def _ecs_resources(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    for path, props in _resources(root):
        task = props.get("TaskDefinition")
        if (
            isinstance(task, str)
            and task
            and task != TASK_DEFINITION_PLACEHOLDER
            and not _TASK_DEFINITION_ARN.match(task)
        ):
            yield Finding(
                "task-definition-format",
                "warning",
                (*path, "TaskDefinition"),
                doc.line_of((*path, "TaskDefinition")),
                f"TaskDefinition '{task}' is not a task definition ARN "
                "(arn:aws:ecs:region:account-id:task-definition/family:revision). In a "
                "CodePipeline CodeDeployToECS action, leave the <TASK_DEFINITION> "
                "placeholder: the pipeline fills in the task definition it registers.",
            )
        vpc = mapping(mapping(props.get("NetworkConfiguration")).get("AwsvpcConfiguration"))
        settings = ("Subnets", "SecurityGroups", "AssignPublicIp")
        given = [s for s in settings if s in vpc]
        if given and len(given) < len(settings):
            where = (*path, "NetworkConfiguration", "AwsvpcConfiguration")
            missing = ", ".join(s for s in settings if s not in vpc)
            yield Finding(
                "network-configuration-all-or-none",
                "error",
                where,
                doc.line_of(where),
                f"NetworkConfiguration needs all of Subnets, SecurityGroups and "
                f"AssignPublicIp or none of them (then CodeDeploy keeps the service's current "
                f"network settings); {missing} missing.",
            )


def _lambda_resources(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    for path, props in _resources(root):
        current, target = props.get("CurrentVersion"), props.get("TargetVersion")
        if current is not None and str(current) == str(target):
            yield Finding(
                "same-version",
                "warning",
                (*path, "TargetVersion"),
                doc.line_of((*path, "TargetVersion")),
                f"CurrentVersion and TargetVersion are both {current}: the alias already "
                "points there, so there is no traffic to shift.",
            )
