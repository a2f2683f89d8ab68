"""CodeBuild build specifications (``buildspec.yml``).

Written from the CodeBuild User Guide, "Build specification reference for CodeBuild" (and
"Test reports", "Create code coverage reports", "Amazon S3 caching"). ``check(text)`` returns
a ``Report`` of findings (see ``yamldoc``): ``error`` where CodeBuild rejects the buildspec
or the reference forbids it, ``warning`` where it runs but a key has no effect or a
documented recommendation is broken.

What is modelled: ``version`` (0.2; 0.1 is still supported and warned about), ``run-as``,
``env`` (``shell``: bash, /bin/sh, powershell.exe, cmd.exe; ``variables``;
``parameter-store``; ``secrets-manager`` with reference keys
``secret-id:json-key:version-stage:version-id`` where secret-id may be an ARN and
version-stage and version-id exclude each other; ``exported-variables``, not ``AWS_...``;
``git-credential-helper``), ``proxy`` (``upload-artifacts``, ``logs``), ``batch``
(``fast-fail`` and the four build-* keys, whose insides are not checked), ``phases``
(install, pre_build, build, post_build, each with ``run-as``, ``on-failure``: ABORT,
CONTINUE, RETRY, RETRY-count (0-100), RETRY-regex, RETRY-count-regex; ``commands``, required
except in install; ``finally``; ``runtime-versions`` in install only), ``reports`` (at most
five report groups; ``files``, ``base-directory``, ``discard-paths``, ``file-format``: the
test formats CUCUMBERJSON, JUNITXML (the default), NUNITXML, NUNIT3XML, TESTNGXML,
VISUALSTUDIOTRX and the coverage formats CLOVERXML, COBERTURAXML, JACOCOXML, SIMPLECOV, in
any case), ``artifacts`` (``files`` required, ``name``, ``discard-paths``,
``base-directory``, ``exclude-paths``, ``enable-symlinks``, ``s3-prefix``,
``secondary-artifacts``) and ``cache`` (``paths`` required, ``key``, up to five
``fallback-keys``, ``action``: restore or save). yes/no values accept YAML booleans.

Rules beyond the schema: a command must be a string (YAML reads ``echo a: b`` as a mapping);
variable names must not start with ``CODEBUILD_``; plain-text ``env.variables`` whose name
says secret (PASSWORD, PASSWD, SECRET, TOKEN, CREDENTIAL(S), or API/ACCESS/PRIVATE/SECRET/
SSH/SIGNING/ENCRYPTION/LICENSE KEY as a ``_``-separated part) or whose value looks like a
credential (AWS access key id AKIA/ASIA..., private key block, npm_/ghp_-style tokens), and
such values inside commands, are ``plaintext-secret`` warnings, unless the value is only a
``$VARIABLE`` reference; a command ending in ``|| true``, ``|| exit 0``, ``|| echo ...``,
``|| :``, ``; true`` or ``; exit 0``, or running ``set +e``, hides a failure
(``failure-swallowed``; ``finally`` cleanup commands may do this); a report group whose
files look like coverage output but whose file-format is a test format (or the reverse) is
``report-format-mismatch``.

Leniencies, because the reference does not say CodeBuild rejects them: undocumented keys
(including misspelt phase names, whose commands never run) are warnings. Not checked:
runtime names and versions (they depend on the build image), whether ``on-failure`` is
allowed on the project's compute type, the LCOV coverage format (the coverage page lists it
but the buildspec reference gives no file-format value for it), shell syntax of commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from certprep.labs.graders.buildspec_schema import (
    COVERAGE_FORMATS,
    DEFAULT_REPORT_FORMAT,
    SCHEMA,
    TEST_FORMATS,
)
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
)

MAX_REPORT_GROUPS = 5

RULES: dict[str, str] = {
    **SHARED_RULES,
    "version": "version must be 0.2 (or the older 0.1)",
    "version-0.1": "buildspec version 0.1 runs each command in its own shell",
    "runtime-versions-outside-install": "runtime-versions outside the install phase",
    "command-not-string": "a command YAML did not read as a string",
    "reserved-variable-prefix": "an environment variable named CODEBUILD_...",
    "plaintext-secret": "a secret in plain text in env.variables or a command",
    "secrets-manager-reference": "a malformed secrets-manager reference key",
    "export-aws-prefix": "exporting a variable whose name starts with AWS_",
    "on-failure-retry-count": "a RETRY count outside 0-100",
    "failure-swallowed": "a command that hides its own failure",
    "report-format-mismatch": "a report group whose file-format does not fit its files",
    "too-many-report-groups": "more than five report groups",
}


@cache
def _validator() -> Any:
    return compile_schema(SCHEMA)


def check(text: str) -> Report:
    """Validate a buildspec. Raises ``SpecError`` when the text is not one YAML document;
    everything else is a finding."""
    doc = parse(text)
    rules = list(_rules(doc))
    covered = {f.path for f in rules if f.rule in _REPLACES_SCHEMA}
    found = [*doc.duplicates, *rules, *schema_findings(_validator(), doc, covered)]
    found.sort(key=lambda f: (f.line or 0, f.path.__repr__()))
    return Report(doc, tuple(found))


def report_type(file_format: str | None) -> str:
    """'test' or 'coverage', as CodeBuild reads a report group's file-format."""
    fmt = (file_format or DEFAULT_REPORT_FORMAT).upper()
    return "coverage" if fmt in COVERAGE_FORMATS else "test"


_REPLACES_SCHEMA = {"runtime-versions-outside-install", "command-not-string"}


def _rules(doc: Document) -> Iterator[Finding]:
    root = mapping(doc.data)
    yield from _version(doc, root)
    yield from _phases(doc, mapping(root.get("phases")))
    yield from _env(doc, mapping(root.get("env")))
    yield from _reports(doc, mapping(root.get("reports")))


def _version(doc: Document, root: dict[str, Any]) -> Iterator[Finding]:
    if "version" not in root:
        return
    value, line = root["version"], doc.line_of(("version",))
    if isinstance(value, bool) or value not in (0.2, "0.2", 0.1, "0.1"):
        yield Finding(
            "version",
            "error",
            ("version",),
            line,
            f"version is {value!r}; a buildspec version is 0.2 (recommended) or 0.1.",
        )
    elif value in (0.1, "0.1"):
        yield Finding(
            "version-0.1",
            "warning",
            ("version",),
            line,
            "In buildspec version 0.1 each command runs in a separate shell, so a cd or an "
            "exported variable does not carry to the next command; use version 0.2.",
        )


_SWALLOW = re.compile(
    r"\|\|\s*(true\b|exit\s+0\b|echo\b|:(?=\s|$|;|&))|;\s*(true|exit\s+0)\s*$|(^|[\s;&])set\s+\+e\b"
)
_RETRY_COUNT = re.compile(r"^RETRY-(\d+)(-.*)?$")


def _phases(doc: Document, phases: dict[str, Any]) -> Iterator[Finding]:
    for name, phase in phases.items():
        phase = mapping(phase)
        path: Path = ("phases", name)
        if "runtime-versions" in phase and name != "install":
            yield Finding(
                "runtime-versions-outside-install",
                "error",
                (*path, "runtime-versions"),
                doc.line_of((*path, "runtime-versions")),
                f"runtime-versions is only allowed in the install phase, not in {name}: "
                "CodeBuild selects runtimes while installing, before your commands run. Move "
                "it to phases.install.runtime-versions.",
            )
        on_failure = phase.get("on-failure")
        retry = _RETRY_COUNT.match(on_failure) if isinstance(on_failure, str) else None
        if retry and int(retry.group(1)) > 100:
            yield Finding(
                "on-failure-retry-count",
                "error",
                (*path, "on-failure"),
                doc.line_of((*path, "on-failure")),
                f"{on_failure}: the RETRY count must be between 0 and 100.",
            )
        for block in ("commands", "finally"):
            for n, command in enumerate(sequence(phase.get(block))):
                where: Path = (*path, block, n)
                if isinstance(command, dict | list):
                    yield Finding(
                        "command-not-string",
                        "error",
                        where,
                        doc.line_of(where),
                        "YAML did not read this command as a string (a ': ' or a leading "
                        "'- ', '{', '[' makes it a mapping or a list); CodeBuild expects each "
                        "command to be a string. Put the whole command in quotes.",
                    )
                elif isinstance(command, str):
                    if block == "commands" and _SWALLOW.search(command.strip()):
                        yield Finding(
                            "failure-swallowed",
                            "warning",
                            where,
                            doc.line_of(where),
                            f"'{command.strip()}' always exits 0, so CodeBuild sees a "
                            "successful command even when it failed: a failing test or build "
                            "step no longer fails the phase or the build.",
                        )
                    if (secret := _secret_value(command)) is not None:
                        yield _plaintext(doc, where, f"this command contains {secret}")


_SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIALS?|"
    r"(API|ACCESS|PRIVATE|SECRET|SSH|SIGNING|ENCRYPTION|LICENSE)_?KEY)(_|$)",
    re.IGNORECASE,
)
_SECRET_VALUES = (
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key ID"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "an npm access token"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "a GitHub token"),
    (re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"), "a Slack token"),
)
_VARIABLE_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")


def _secret_value(text: str) -> str | None:
    for pattern, what in _SECRET_VALUES:
        if pattern.search(text):
            return what
    return None


def _plaintext(doc: Document, path: Path, what: str) -> Finding:
    return Finding(
        "plaintext-secret",
        "warning",
        path,
        doc.line_of(path),
        f"{what} in plain text. Plain-text values can be read in the CodeBuild console and "
        "API and in your repository; store the secret in Systems Manager Parameter Store "
        "(env.parameter-store) or Secrets Manager (env.secrets-manager) and reference it by "
        "name.",
    )


def _env(doc: Document, env: dict[str, Any]) -> Iterator[Finding]:
    for section in ("variables", "parameter-store", "secrets-manager"):
        for name in mapping(env.get(section)):
            if name.upper().startswith("CODEBUILD_"):
                path: Path = ("env", section, name)
                yield Finding(
                    "reserved-variable-prefix",
                    "error",
                    path,
                    doc.line_of(path),
                    f"{name}: names starting with CODEBUILD_ are reserved for CodeBuild's own "
                    "variables; choose another name.",
                )
    for name, value in mapping(env.get("variables")).items():
        path = ("env", "variables", name)
        text = "" if value is None else str(value)
        if not text.strip() or _VARIABLE_REFERENCE.match(text.strip()):
            continue
        if (secret := _secret_value(text)) is not None:
            yield _plaintext(doc, path, f"{name} holds {secret}")
        elif _SECRET_NAME.search(name):
            yield _plaintext(doc, path, f"{name} looks like a secret and is set")
    for name, reference in mapping(env.get("secrets-manager")).items():
        if isinstance(reference, str) and (problem := _reference_problem(reference)):
            path = ("env", "secrets-manager", name)
            yield Finding(
                "secrets-manager-reference",
                "error",
                path,
                doc.line_of(path),
                f"'{reference}': {problem} The reference key is "
                "secret-id:json-key:version-stage:version-id (secret-id is the secret's name, "
                "or its ARN for a secret in another account).",
            )
    for n, name in enumerate(sequence(env.get("exported-variables"))):
        if isinstance(name, str) and name.startswith("AWS_"):
            path = ("env", "exported-variables", n)
            yield Finding(
                "export-aws-prefix",
                "error",
                path,
                doc.line_of(path),
                f"{name}: variables whose names start with AWS_ cannot be exported.",
            )


def _reference_problem(reference: str) -> str | None:
    parts = reference.split(":")
    if reference.startswith("arn:"):
        if len(parts) < 7 or not all(parts[:7]) or parts[2] != "secretsmanager":
            return "the ARN is not a complete Secrets Manager secret ARN."
        secret_id, rest = ":".join(parts[:7]), parts[7:]
    else:
        secret_id, rest = parts[0], parts[1:]
    if not secret_id:
        return "the secret-id is empty."
    if len(rest) > 3:
        return "it has more than four parts."
    stage, version_id = ([*rest, "", "", ""])[1:3]
    if stage and version_id:
        return "version-stage and version-id are both given; specify only one."
    return None


_COVERAGE_FILES = re.compile(r"coverage|cobertura|clover|jacoco|lcov|simplecov|\.resultset", re.I)
_TEST_FILES = re.compile(r"junit|test[-_]?results?|tests?[-_]report|surefire|\.trx\b|nunit", re.I)


def _reports(doc: Document, reports: dict[str, Any]) -> Iterator[Finding]:
    if len(reports) > MAX_REPORT_GROUPS:
        yield Finding(
            "too-many-report-groups",
            "error",
            ("reports",),
            doc.line_of(("reports",)),
            f"{len(reports)} report groups; a project can have at most {MAX_REPORT_GROUPS}.",
        )
    for group, report in reports.items():
        report = mapping(report)
        fmt = report.get("file-format")
        if fmt is not None and not isinstance(fmt, str):
            continue
        files = " ".join(str(f) for f in sequence(report.get("files")))
        files += " " + str(report.get("base-directory", ""))
        looks_coverage = bool(_COVERAGE_FILES.search(files)) and not _TEST_FILES.search(files)
        looks_test = bool(_TEST_FILES.search(files)) and not _COVERAGE_FILES.search(files)
        kind = report_type(fmt)
        shown = fmt or f"{DEFAULT_REPORT_FORMAT} (the default when it is not set)"
        path: Path = ("reports", group, "file-format") if fmt else ("reports", group)
        if kind == "test" and looks_coverage:
            message = (
                f"the files look like a code coverage report, but file-format is {shown}, a "
                "test report format, so CodeBuild reads them as test results. Set file-format "
                f"to the coverage format your tool writes: {', '.join(COVERAGE_FORMATS)}."
            )
        elif kind == "coverage" and looks_test:
            message = (
                f"the files look like test results, but file-format is {fmt}, a code coverage "
                f"format. Test results use one of {', '.join(TEST_FORMATS)}."
            )
        else:
            continue
        yield Finding("report-format-mismatch", "warning", path, doc.line_of(path), message)
