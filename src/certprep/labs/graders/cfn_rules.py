"""certprep's own CloudFormation rules, written as cfn-lint custom rules (ids E9101-E9106).

Each rule is a pure function over the decoded template that yields (path, message) pairs;
``CERTPREP_RULES`` wraps them as ``cfnlint.rules.CloudFormationLintRule`` subclasses, so that
cfn-lint runs them with its own rules and reports them the same way (rule id, line, message).
A value a stack resolves at run time (``Fn::GetAtt``, a parameter without a default, ...) is
judged on what the template shows (see ``cfn_template.possible_values``).

- E9101 database retention (DeletionPolicy / UpdateReplacePolicy attribute pages): a
  database (RDS DB instance or cluster, DynamoDB table or global table, DocumentDB or Neptune
  cluster) sets ``DeletionPolicy`` to Retain, RetainExceptOnCreate or Snapshot and
  ``UpdateReplacePolicy`` to Retain or Snapshot. UpdateReplacePolicy defaults to Delete for
  every type, so without it an update that replaces the resource deletes the old one and its
  data. DeletionPolicy defaults to Delete too, except for an ``AWS::RDS::DBCluster`` and an
  ``AWS::RDS::DBInstance`` without ``DBClusterIdentifier``, where it defaults to Snapshot; the
  rule still asks for it there, so that the template states it. (Snapshot on a type that has no
  snapshots, such as a DynamoDB table, is cfn-lint's own error E3035.) A DB instance of an
  Aurora cluster (``DBClusterIdentifier``) keeps no data of its own and is skipped.
- E9102 Auto Scaling update policy (UpdatePolicy attribute page): an Auto Scaling group has
  an ``UpdatePolicy`` with ``AutoScalingRollingUpdate``, ``AutoScalingReplacingUpdate`` with
  ``WillReplace: true``, or ``AutoScalingInstanceRefresh``; otherwise a new launch template
  version only reaches instances launched later, not the running ones.
- E9103 rolling update capacity (same page): an ``AutoScalingRollingUpdate`` sets
  ``MinInstancesInService`` to at least 1 (with the default 0 the update can leave no instance
  in service) and less than the group's ``MaxSize`` (the page's rule for this value).
- E9104 storage encrypted at rest (resource reference pages): ``StorageEncrypted: true`` on an
  RDS DB instance or cluster that does not inherit encryption from a source, snapshot or
  cluster; ``Encrypted: true`` on an EBS volume (unless made from a snapshot), on each EBS
  block device of a launch template, instance or launch configuration (which must declare its
  block devices, or the root volume follows the AMI's snapshot and the account's EBS
  encryption-by-default setting), and on an EFS file system;
  ``SSESpecification.SSEEnabled: true`` (a KMS key) on a DynamoDB table. S3 buckets are not
  checked: new buckets are always encrypted (SSE-S3).
- E9105 alarm notifies a topic (AWS::CloudWatch::Alarm page): a metric or composite alarm has
  ``AlarmActions`` that refer to an ``AWS::SNS::Topic`` of the template, and does not turn its
  actions off with ``ActionsEnabled: false``.
- E9106 no secret in the template (dynamic references page, Secrets Manager pages): a
  ``MasterUserPassword`` is not a literal, nor a ``Ref`` to a parameter that has a ``Default``
  or lacks ``NoEcho: true``. A ``{{resolve:secretsmanager:...}}`` or ``{{resolve:ssm-secure:...}}``
  dynamic reference passes, and so does ``ManageMasterUserPassword: true`` (no password at all);
  RDS rejects a ``MasterUserPassword`` next to ``ManageMasterUserPassword: true`` (the
  AWS::RDS::DBInstance page), so that is reported too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch  # type: ignore[import-untyped]

from certprep.labs.graders.cfn_template import (
    MISSING,
    describe,
    function,
    get,
    parameters,
    possible_values,
    references,
    resources,
    same,
)

Found = Iterator[tuple[list[str | int], str]]
DOCS = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"

DATABASES = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
)
SNAPSHOT_TYPES = frozenset(
    (*DATABASES[:2], "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster", "AWS::EC2::Volume")
)
# DeletionPolicy page: "The default policy is Snapshot for AWS::RDS::DBCluster resources and for
# AWS::RDS::DBInstance resources that don't specify the DBClusterIdentifier property" (skipped)
_SNAPSHOT_BY_DEFAULT = frozenset(DATABASES[:2])
_KEEPS_ON_DELETE = {"Retain", "RetainExceptOnCreate", "Snapshot"}
_KEEPS_ON_REPLACE = {"Retain", "Snapshot"}
_ASG = "AWS::AutoScaling::AutoScalingGroup"
_EBS_ENCRYPTED: list[str | int] = ["Encrypted"]
_EBS_WHY = "the volume is not encrypted (unless the account turned on EBS encryption by default)"
_DEVICE_WHY = (
    "the volume is then encrypted only if its snapshot (the AMI's, for the root device) is or the "
    "account turned on EBS encryption by default"
)
_UNKNOWN = "only the running stack knows that value; write it in the template"
_RESOLVE_SECRET = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")


def database_retention(template: Any) -> Found:
    for name, resource in resources(template, DATABASES).items():
        if resource["Type"] == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in _props(resource):
            continue
        kind = resource["Type"]
        for attribute, allowed, event in (
            ("DeletionPolicy", _KEEPS_ON_DELETE, "the stack is deleted"),
            ("UpdateReplacePolicy", _KEEPS_ON_REPLACE, "an update replaces it"),
        ):
            value = resource.get(attribute, MISSING)
            values = possible_values(value, template)
            use = "Snapshot or Retain" if kind in SNAPSHOT_TYPES else "Retain"
            where: list[str | int] = ["Resources", name, attribute]
            if values is None:
                yield where, f"{attribute} of {name} is {describe(value)}: {_UNKNOWN}; use {use}"
            elif not all(isinstance(v, str) and v in allowed for v in values):
                if (
                    value is MISSING
                    and attribute == "DeletionPolicy"
                    and kind in _SNAPSHOT_BY_DEFAULT
                ):
                    why = (
                        "CloudFormation defaults to Snapshot for this type; write Snapshot or "
                        "Retain so that the template states that the data is kept"
                    )
                    yield where, f"{attribute} of {name} ({kind}) is {describe(value)}: {why}"
                    continue
                yield (
                    where,
                    f"{attribute} of {name} ({kind}) is {describe(value)}: CloudFormation "
                    f"deletes the database when {event}; use {use}",
                )


def autoscaling_update_policy(template: Any) -> Found:
    for name, resource in resources(template, [_ASG]).items():
        policy = resource.get("UpdatePolicy")
        policy = policy if isinstance(policy, dict) else {}
        replacing = get(policy, ["AutoScalingReplacingUpdate", "WillReplace"])
        if (
            "AutoScalingRollingUpdate" in policy
            or "AutoScalingInstanceRefresh" in policy
            or same(True, replacing)
        ):
            continue
        yield (
            ["Resources", name],
            f"Auto Scaling group {name} has no rolling, instance refresh or replacing "
            "UpdatePolicy: CloudFormation does not control how its instances are replaced",
        )


def rolling_update_capacity(template: Any) -> Found:
    for name, resource in resources(template, [_ASG]).items():
        rolling = get(resource, ["UpdatePolicy", "AutoScalingRollingUpdate"])
        if not isinstance(rolling, dict):
            continue
        path: list[str | int] = ["Resources", name, "UpdatePolicy", "AutoScalingRollingUpdate"]
        minimum = rolling.get("MinInstancesInService", MISSING)
        values = possible_values(minimum, template)
        if values is None:
            yield (
                [*path, "MinInstancesInService"],
                f"MinInstancesInService of {name} is {describe(minimum)}: {_UNKNOWN}",
            )
            continue
        if any(_number(v, 0) < 1 for v in values):
            zero = "with the default 0" if minimum is MISSING else "with 0"
            yield (
                [*path, "MinInstancesInService"],
                f"MinInstancesInService of {name} is {describe(minimum)}: {zero} the rolling "
                "update can leave no instance in service; keep at least 1",
            )
            continue
        max_sizes = possible_values(get(resource, ["Properties", "MaxSize"]), template) or []
        smallest_max = min((_number(v, float("inf")) for v in max_sizes), default=float("inf"))
        if max(_number(v, 0) for v in values) >= smallest_max:
            yield (
                [*path, "MinInstancesInService"],
                f"MinInstancesInService of {name} ({describe(minimum)}) must be less than the "
                f"group's MaxSize ({smallest_max:g}), or the rolling update cannot replace "
                "any instance",
            )


def encrypted_storage(template: Any) -> Found:
    inherits = {
        "AWS::RDS::DBInstance": (
            "DBClusterIdentifier",
            "SourceDBInstanceIdentifier",
            "SourceDbiResourceId",
            "SourceDBInstanceAutomatedBackupsArn",
            "DBSnapshotIdentifier",
        ),
        "AWS::RDS::DBCluster": (
            "SnapshotIdentifier",
            "SourceDBClusterIdentifier",
            "ReplicationSourceIdentifier",
        ),
        "AWS::EC2::Volume": ("SnapshotId",),
        "AWS::EFS::FileSystem": (),
        "AWS::DynamoDB::Table": (),
    }
    flag: dict[str, tuple[list[str | int], str]] = {
        "AWS::RDS::DBInstance": (["StorageEncrypted"], "its storage is not encrypted by default"),
        "AWS::RDS::DBCluster": (["StorageEncrypted"], "its storage is not encrypted by default"),
        "AWS::EC2::Volume": (_EBS_ENCRYPTED, _EBS_WHY),
        "AWS::EFS::FileSystem": (["Encrypted"], "the file system is not encrypted by default"),
        "AWS::DynamoDB::Table": (
            ["SSESpecification", "SSEEnabled"],
            "the table is then encrypted only with an AWS owned key, which you cannot audit or "
            "control; true encrypts it with a KMS key",
        ),
    }
    for name, resource in resources(template, inherits).items():
        kind, props = resource["Type"], _props(resource)
        if any(key in props for key in inherits[kind]):
            continue
        where, why = flag[kind]
        yield from _must_be_true(template, name, kind, props, where, why)
    devices = {
        "AWS::EC2::LaunchTemplate": ["LaunchTemplateData", "BlockDeviceMappings"],
        "AWS::EC2::Instance": ["BlockDeviceMappings"],
        "AWS::AutoScaling::LaunchConfiguration": ["BlockDeviceMappings"],
    }
    for name, resource in resources(template, devices).items():
        kind, props = resource["Type"], _props(resource)
        mappings = get(props, devices[kind])
        if mappings is MISSING:
            yield (
                ["Resources", name],
                f"{name} ({kind}) declares no BlockDeviceMappings: its root volume is only "
                "encrypted if the AMI's snapshot is or the account's EBS encryption-by-default "
                "setting is on; declare the root device with Encrypted: true",
            )
            continue
        for index, mapping in enumerate(mappings if isinstance(mappings, list) else []):
            ebs = get(mapping, ["Ebs"])
            if isinstance(ebs, dict) and "SnapshotId" not in ebs:
                ebs_path: list[str | int] = [*devices[kind], index, "Ebs", "Encrypted"]
                yield from _must_be_true(template, name, kind, props, ebs_path, _DEVICE_WHY)


def alarm_notifies_topic(template: Any) -> Found:
    topics = set(resources(template, ["AWS::SNS::Topic"]))
    alarms = resources(template, ["AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"])
    for name, resource in alarms.items():
        props = _props(resource)
        if any(
            same(False, v) for v in possible_values(props.get("ActionsEnabled"), template) or []
        ):
            yield (
                ["Resources", name, "Properties", "ActionsEnabled"],
                f"alarm {name} has ActionsEnabled: false, so it notifies nobody",
            )
            continue
        actions = props.get("AlarmActions", MISSING)
        if not references(actions) & topics:
            found = (
                "no AlarmActions"
                if actions is MISSING
                else f"AlarmActions {describe(actions)}, none of them an SNS topic of this template"
            )
            yield (
                ["Resources", name, "Properties", "AlarmActions"],
                f"alarm {name} has {found}: nobody hears when it goes into ALARM",
            )


def no_plaintext_secret(template: Any) -> Found:
    params = parameters(template)
    for name, resource in resources(template).items():
        password = _props(resource).get("MasterUserPassword", MISSING)
        if password is MISSING:
            continue
        path: list[str | int] = ["Resources", name, "Properties", "MasterUserPassword"]
        fn = function(password)
        managed = _props(resource).get("ManageMasterUserPassword", MISSING)
        if any(same(True, v) for v in possible_values(managed, template) or []):
            yield (
                path,
                (
                    f"{name} sets both MasterUserPassword and ManageMasterUserPassword: true, which "
                    "RDS rejects; with a managed password, leave MasterUserPassword out"
                ),
            )
        elif fn is not None and fn[0] == "Ref" and isinstance(fn[1], str) and fn[1] in params:
            parameter = params[fn[1]]
            if "Default" in parameter:
                yield (
                    path,
                    (
                        f"MasterUserPassword of {name} comes from parameter {fn[1]}, whose Default "
                        "writes the password into the template"
                    ),
                )
            elif not same(True, parameter.get("NoEcho")):
                yield (
                    path,
                    (
                        f"MasterUserPassword of {name} comes from parameter {fn[1]} without NoEcho: "
                        "true, so the console and API show it"
                    ),
                )
        elif _is_plaintext(password):
            yield (
                path,
                (
                    f"MasterUserPassword of {name} is written in the template; use "
                    "ManageMasterUserPassword: true or a {{resolve:secretsmanager:...}} dynamic "
                    "reference"
                ),
            )


def _is_plaintext(value: Any) -> bool:
    """A literal, or Fn::Sub / Fn::Join of literals, with no secret dynamic reference."""
    fn = function(value)
    if fn is None:
        return isinstance(value, str | int | float) and not str(value).startswith(_RESOLVE_SECRET)
    name, argument = fn
    if name == "Fn::Sub":
        text = argument[0] if isinstance(argument, list) and argument else argument
        return isinstance(text, str) and "{{resolve:" not in text and "${" not in text
    if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        items = argument[1]
        return isinstance(items, list) and all(_is_plaintext(item) for item in items)
    return False


def _must_be_true(
    template: Any,
    name: str,
    kind: str,
    props: dict[str, Any],
    where: Sequence[str | int],
    what: str,
) -> Found:
    value = get(props, where)
    values = possible_values(value, template)
    if values is None or not all(same(True, v) for v in values):
        yield (
            ["Resources", name, "Properties", *where],
            f"{'.'.join(map(str, where))} of {name} ({kind}) is {describe(value)}"
            f"{'' if value is MISSING else ', not true'}: {what}",
        )


def _props(resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties")
    return props if isinstance(props, dict) else {}


def _number(value: Any, default: float) -> float:
    fn = function(value)
    if fn is not None or value is MISSING:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _rule(
    rule_id: str, short: str, page: str, check: Callable[[Any], Found]
) -> type[CloudFormationLintRule]:
    def match(self: CloudFormationLintRule, cfn: Any) -> list[Any]:
        return [RuleMatch(path, message) for path, message in check(cfn.template)]

    attributes = {
        "id": rule_id,
        "shortdesc": short,
        "description": short,
        "source_url": DOCS + page,
        "tags": ["certprep"],
        "match": match,
    }
    return type(f"Certprep{rule_id}", (CloudFormationLintRule,), attributes)


CERTPREP_RULES: tuple[type[CloudFormationLintRule], ...] = (
    _rule("E9101", "A database keeps its data when the stack deletes or replaces it",
          "aws-attribute-deletionpolicy.html", database_retention),
    _rule("E9102", "An Auto Scaling group declares how its instances are replaced",
          "aws-attribute-updatepolicy.html", autoscaling_update_policy),
    _rule("E9103", "A rolling update keeps instances in service",
          "aws-attribute-updatepolicy.html", rolling_update_capacity),
    _rule("E9104", "Storage is encrypted at rest",
          "aws-resource-rds-dbinstance.html", encrypted_storage),
    _rule("E9105", "An alarm notifies an SNS topic of the template",
          "aws-resource-cloudwatch-alarm.html", alarm_notifies_topic),
    _rule("E9106", "A master password is not written in the template",
          "aws-resource-rds-dbinstance.html", no_plaintext_secret),
)  # fmt: skip
CERTPREP_RULE_IDS = frozenset(rule.id for rule in CERTPREP_RULES)
