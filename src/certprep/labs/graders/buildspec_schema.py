"""The JSON Schema (Draft 2020-12) of a CodeBuild buildspec, written from "Build
specification reference for CodeBuild". Each ``description`` is the teaching text a finding
shows; ``buildspec`` adds the rules a schema cannot express."""

from __future__ import annotations

from typing import Any

PHASES = ("install", "pre_build", "build", "post_build")
TEST_FORMATS = ("CUCUMBERJSON", "JUNITXML", "NUNITXML", "NUNIT3XML", "TESTNGXML", "VISUALSTUDIOTRX")
COVERAGE_FORMATS = ("CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV")
DEFAULT_REPORT_FORMAT = "JUNITXML"

_YES_NO = {
    "anyOf": [{"type": "boolean"}, {"enum": ["yes", "no"]}],
    "description": "The value is yes or no.",
}
_COMMANDS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "A list of commands, one string each: - command",
}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_SCALAR = {"type": ["string", "number", "boolean"]}


def _phase(name: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "run-as": {"type": "string", "minLength": 1},
        "on-failure": {
            "type": "string",
            "pattern": "^(ABORT|CONTINUE|RETRY(-.+)?)$",
            "description": "on-failure is ABORT, CONTINUE, RETRY, RETRY-count, RETRY-regex "
            "or RETRY-count-regex.",
        },
        "commands": _COMMANDS,
        "finally": _COMMANDS,
    }
    if name == "install":
        properties["runtime-versions"] = {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": _SCALAR,
            "description": "runtime-versions maps a runtime to a version, e.g. nodejs: 20 or "
            "python: 3.12 (at least one runtime when the section is present).",
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        **({} if name == "install" else {"required": ["commands"]}),
    }


def _artifact(secondary: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "files": {
            **_STRINGS,
            "minItems": 1,
            "description": "files lists the build output locations, e.g. - '**/*'",
        },
        "name": {"type": "string", "minLength": 1},
        "discard-paths": _YES_NO,
        "base-directory": {"type": "string", "minLength": 1},
        "exclude-paths": {"anyOf": [{"type": "string"}, _STRINGS]},
        "enable-symlinks": _YES_NO,
        "s3-prefix": {"type": "string"},
    }
    if not secondary:
        properties["secondary-artifacts"] = {
            "type": "object",
            "additionalProperties": _artifact(secondary=True),
        }
    return {
        "type": "object",
        "required": ["files"],
        "additionalProperties": False,
        "properties": properties,
        "description": "artifacts/files is always required, even with only secondary artifacts.",
    }


_FORMAT_PATTERN = "(?i)^(" + "|".join(TEST_FORMATS + COVERAGE_FORMATS) + ")$"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A buildspec is a mapping with at least version and phases.",
    "required": ["version", "phases"],
    "additionalProperties": False,
    "properties": {
        "version": {},
        "run-as": {"type": "string", "minLength": 1},
        "env": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "shell": {
                    "enum": ["bash", "/bin/sh", "powershell.exe", "cmd.exe"],
                    "description": "Linux shells are bash and /bin/sh; Windows shells are "
                    "powershell.exe and cmd.exe.",
                },
                "variables": {"type": "object", "additionalProperties": _SCALAR},
                "parameter-store": {
                    "type": "object",
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "description": "Each key is the variable name, each value the name of "
                    "the Systems Manager parameter.",
                },
                "secrets-manager": {
                    "type": "object",
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "description": "Each value is a reference key "
                    "secret-id:json-key:version-stage:version-id.",
                },
                "exported-variables": _STRINGS,
                "git-credential-helper": _YES_NO,
            },
        },
        "proxy": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"upload-artifacts": _YES_NO, "logs": _YES_NO},
        },
        "batch": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "fast-fail": {"type": "boolean"},
                "build-list": {"type": "array"},
                "build-matrix": {"type": "object"},
                "build-graph": {"type": "array"},
                "build-fanout": {"type": "object"},
            },
        },
        "phases": {
            "type": "object",
            "additionalProperties": False,
            "description": "CodeBuild runs only the phases install, pre_build, build and "
            "post_build; commands under any other name never run.",
            "properties": {name: _phase(name) for name in PHASES},
        },
        "reports": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["files"],
                "additionalProperties": False,
                "properties": {
                    "files": {**_STRINGS, "minItems": 1},
                    "base-directory": {"type": "string", "minLength": 1},
                    "discard-paths": _YES_NO,
                    "file-format": {
                        "type": "string",
                        "pattern": _FORMAT_PATTERN,
                        "description": "Test report formats: "
                        + ", ".join(TEST_FORMATS)
                        + "; code coverage formats: "
                        + ", ".join(COVERAGE_FORMATS)
                        + ".",
                    },
                },
            },
        },
        "artifacts": _artifact(secondary=False),
        "cache": {
            "type": "object",
            "required": ["paths"],
            "additionalProperties": False,
            "properties": {
                "paths": {**_STRINGS, "minItems": 1},
                "key": {"type": "string", "minLength": 1},
                "fallback-keys": {**_STRINGS, "maxItems": 5},
                "action": {"enum": ["restore", "save"]},
            },
        },
    },
}
