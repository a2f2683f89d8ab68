"""JSON Schemas (Draft 2020-12) of CodeDeploy AppSpec files, one per compute platform,
written from the "CodeDeploy AppSpec file reference" pages. Each ``description`` is the
teaching text a finding shows; ``appspec`` adds the rules a schema cannot express."""

from __future__ import annotations

from typing import Any

PLATFORM_NAMES: dict[str, str] = {
    "server": "EC2/On-Premises",
    "ecs": "Amazon ECS",
    "lambda": "AWS Lambda",
}

_STRINGS = {"type": "array", "items": {"type": "string"}}

_SERVER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An EC2/On-Premises AppSpec file is a mapping of version, os, files, "
    "permissions and hooks.",
    "required": ["version", "os"],
    "additionalProperties": False,
    "properties": {
        "version": {},
        "os": {
            "enum": ["linux", "windows"],
            "description": "os is linux (Amazon Linux, Ubuntu Server, RHEL) or windows "
            "(Windows Server).",
        },
        "files": {
            "type": "array",
            "description": "files is a list of source/destination pairs copied during the "
            "Install event.",
            "items": {
                "type": "object",
                "required": ["source", "destination"],
                "additionalProperties": False,
                "properties": {
                    "source": {"type": "string", "minLength": 1},
                    "destination": {"type": "string", "minLength": 1},
                },
            },
        },
        "file_exists_behavior": {
            "enum": ["DISALLOW", "OVERWRITE", "RETAIN"],
            "description": "It says what to do with files already at the destination that "
            "the last successful deployment did not install (DISALLOW is the default).",
        },
        "permissions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["object"],
                "additionalProperties": False,
                "properties": {
                    "object": {"type": "string", "minLength": 1},
                    "pattern": {"type": "string"},
                    "except": _STRINGS,
                    "owner": {"type": "string"},
                    "group": {"type": "string"},
                    "mode": {
                        "anyOf": [
                            {"type": "integer", "minimum": 0, "maximum": 7777},
                            {"type": "string", "pattern": "^[0-7]{3,4}$"},
                        ],
                        "description": "mode is an octal mode such as 644 or 4755.",
                    },
                    "acls": _STRINGS,
                    "context": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "user": {"type": "string"},
                            "type": {"type": "string"},
                            "range": {"type": "string"},
                        },
                    },
                    "type": {
                        "type": "array",
                        "items": {"enum": ["file", "directory"]},
                    },
                },
            },
        },
        "hooks": {
            "type": "object",
            "description": "hooks maps a lifecycle event to a list of scripts "
            "(- location: ..., timeout: ..., runas: ...).",
            "additionalProperties": {
                "type": "array",
                "description": "Each lifecycle event lists its scripts: - location: scripts/x.sh",
                "items": {
                    "type": "object",
                    "required": ["location"],
                    "additionalProperties": False,
                    "properties": {
                        "location": {
                            "type": "string",
                            "minLength": 1,
                            "description": "location is the script's path relative to the "
                            "root of the revision bundle.",
                        },
                        "timeout": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "timeout is a number of seconds.",
                        },
                        "runas": {"type": "string", "minLength": 1},
                    },
                },
            },
        },
    },
}


def _hooks_list_schema(platform: str) -> dict[str, Any]:
    return {
        "type": "array",
        "description": f"For {PLATFORM_NAMES[platform]}, Hooks is a list of single-key "
        "mappings: - LifecycleEvent: LambdaFunctionName",
        "items": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "description": "Each item names one lifecycle event and one Lambda function.",
            "additionalProperties": {
                "type": "string",
                "minLength": 1,
                "description": "The value is the name of the Lambda function to run.",
            },
        },
    }


def _resources_schema(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 1,
        "description": "Resources is a list with the resource to deploy: - Name: {Type: ..., "
        "Properties: ...}",
        "items": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": resource,
        },
    }


_ECS_SERVICE: dict[str, Any] = {
    "type": "object",
    "required": ["Type", "Properties"],
    "additionalProperties": False,
    "properties": {
        "Type": {"const": "AWS::ECS::Service"},
        "Properties": {
            "type": "object",
            "required": ["TaskDefinition", "LoadBalancerInfo"],
            "additionalProperties": False,
            "properties": {
                "TaskDefinition": {
                    "type": "string",
                    "minLength": 1,
                    "description": "TaskDefinition is the ARN of the task definition to deploy.",
                },
                "LoadBalancerInfo": {
                    "type": "object",
                    "required": ["ContainerName", "ContainerPort"],
                    "additionalProperties": False,
                    "description": "LoadBalancerInfo names the container and port of the "
                    "replacement task set that the load balancer routes traffic to.",
                    "properties": {
                        "ContainerName": {"type": "string", "minLength": 1},
                        "ContainerPort": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 65535,
                            "description": "ContainerPort is a number, not a string.",
                        },
                    },
                },
                "PlatformVersion": {"type": "string"},
                "NetworkConfiguration": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "AwsvpcConfiguration": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "Subnets": _STRINGS,
                                "SecurityGroups": _STRINGS,
                                "AssignPublicIp": {"enum": ["ENABLED", "DISABLED"]},
                            },
                        }
                    },
                },
                "CapacityProviderStrategy": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["CapacityProvider"],
                        "additionalProperties": False,
                        "properties": {
                            "Base": {"type": "integer", "minimum": 0},
                            "CapacityProvider": {"type": "string", "minLength": 1},
                            "Weight": {"type": "integer", "minimum": 0},
                        },
                    },
                },
            },
        },
    },
}

_VERSION_VALUE = {"type": ["string", "integer"], "minLength": 1}
_LAMBDA_FUNCTION: dict[str, Any] = {
    "type": "object",
    "required": ["Type", "Properties"],
    "additionalProperties": False,
    "properties": {
        "Type": {"const": "AWS::Lambda::Function"},
        "Properties": {
            "type": "object",
            "required": ["Name", "Alias", "CurrentVersion", "TargetVersion"],
            "additionalProperties": False,
            "description": "Name, Alias, CurrentVersion (where traffic points now) and "
            "TargetVersion (where it shifts to) are all required.",
            "properties": {
                "Name": {"type": "string", "minLength": 1},
                "Alias": {"type": "string", "minLength": 1},
                "CurrentVersion": _VERSION_VALUE,
                "TargetVersion": _VERSION_VALUE,
            },
        },
    },
}


def _serverless_schema(platform: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"An {PLATFORM_NAMES[platform]} AppSpec file is a mapping of version, "
        "Resources and Hooks.",
        "required": ["version", "Resources"],
        "additionalProperties": False,
        "properties": {
            "version": {},
            "Resources": _resources_schema(resource),
            "Hooks": _hooks_list_schema(platform),
        },
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "server": _SERVER_SCHEMA,
    "ecs": _serverless_schema("ecs", _ECS_SERVICE),
    "lambda": _serverless_schema("lambda", _LAMBDA_FUNCTION),
}

# ECS and Lambda keys, matched without regard to case (the reference writes both).
CANONICAL_KEYS = {
    k.lower(): k
    for k in (
        "version",
        "Resources",
        "Hooks",
        "Type",
        "Properties",
        "TaskDefinition",
        "LoadBalancerInfo",
        "ContainerName",
        "ContainerPort",
        "PlatformVersion",
        "NetworkConfiguration",
        "AwsvpcConfiguration",
        "Subnets",
        "SecurityGroups",
        "AssignPublicIp",
        "CapacityProviderStrategy",
        "Base",
        "CapacityProvider",
        "Weight",
        "Name",
        "Alias",
        "CurrentVersion",
        "TargetVersion",
    )
}
