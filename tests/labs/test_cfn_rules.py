"""CloudFormation grading: certprep's rules (E9101-E9106), cfn-lint in-process, the template
assertions and the cloudformation lab kind. Golden cases come from the AWS documentation:

- UpdateReplacePolicy attribute (RDS instance with Retain/Retain):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html
- DeletionPolicy attribute (S3 bucket with Retain; Snapshot only for types with snapshots):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
- UpdatePolicy attribute (rolling update: MinInstancesInService "1", MaxBatchSize "2",
  MaxSize "4"; replacing update with WillReplace "true"; MinInstancesInService below MaxSize):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html
- Amazon CloudWatch template snippets (billing alarm and CPU alarm notifying a topic; an alarm
  that recovers an instance):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/quickref-cloudwatch.html
- AWS::SecretsManager::SecretTargetAttachment examples (MasterUserPassword from a
  {{resolve:secretsmanager:...}} dynamic reference, with Fn::Join and with Fn::Sub):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secrettargetattachment.html
- Fn::ImportValue (Stack A exports "${AWS::StackName}-SubnetID"):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html
- AWS::RDS::DBInstance StorageEncrypted ("By default, it isn't encrypted"; not for Aurora
  instances, whose encryption the cluster manages):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from certprep.labs.catalog import all_labs
from certprep.labs.graders import cfn_rules, cfn_runner
from certprep.labs.graders.cfn_assertions import Requirement, check_output, check_requirement
from certprep.labs.grading import grade
from certprep.labs.kinds.cloudformation import CheckSpec
from certprep.labs.model import Lab

CFN_LABS = sorted(lab_id for lab_id, lab in all_labs().items() if lab.kind == "cloudformation")


def template(text: str) -> Any:
    result = cfn_runner.lint(text)
    assert not result.syntax_errors, result.syntax_errors
    return result.template


def found(check: Any, text: str) -> list[tuple[tuple[str | int, ...], str]]:
    return [(tuple(path), message) for path, message in check(template(text))]


# --- E9101 database retention ---------------------------------------------------------------

UPDATE_REPLACE_POLICY_PAGE = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  myDB:
    Type: 'AWS::RDS::DBInstance'
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties: {}
"""


def test_the_update_replace_policy_page_example_keeps_the_database() -> None:
    assert found(cfn_rules.database_retention, UPDATE_REPLACE_POLICY_PAGE) == []


def test_the_json_form_of_the_page_example_is_read_the_same_way() -> None:
    text = """{
  "AWSTemplateFormatVersion" : "2010-09-09",
  "Resources" : {
    "myDB" : {
      "Type" : "AWS::RDS::DBInstance",
      "DeletionPolicy" : "Retain",
      "Properties" : {}
    }
  }
}"""
    [(path, _)] = found(cfn_rules.database_retention, text)
    [finding] = cfn_runner.lint(text).by_rule("E9101")
    assert path[-1] == "UpdateReplacePolicy" and (finding.line, finding.resource) == (4, "myDB")


def test_a_database_without_update_replace_policy_is_deleted_on_replacement() -> None:
    text = UPDATE_REPLACE_POLICY_PAGE.replace("    UpdateReplacePolicy: Retain\n", "")
    [(path, message)] = found(cfn_rules.database_retention, text)
    assert path == ("Resources", "myDB", "UpdateReplacePolicy")
    assert "UpdateReplacePolicy of myDB" in message and "Snapshot or Retain" in message


def test_a_standalone_rds_database_defaults_to_snapshot_but_must_say_so() -> None:
    # DeletionPolicy page: "The default policy is Snapshot for AWS::RDS::DBCluster resources and
    # for AWS::RDS::DBInstance resources that don't specify the DBClusterIdentifier property"
    text = UPDATE_REPLACE_POLICY_PAGE.replace("    DeletionPolicy: Retain\n", "")
    [(path, message)] = found(cfn_rules.database_retention, text)
    assert path == ("Resources", "myDB", "DeletionPolicy")
    assert "defaults to Snapshot for this type" in message and "deletes" not in message
    cluster = text.replace("'AWS::RDS::DBInstance'", "AWS::RDS::DBCluster")
    [(_, message)] = found(cfn_rules.database_retention, cluster)
    assert "defaults to Snapshot" in message


def test_a_dynamodb_table_without_deletion_policy_is_deleted_with_the_stack() -> None:
    text = """\
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    UpdateReplacePolicy: Retain
    Properties: {}
"""
    [(path, message)] = found(cfn_rules.database_retention, text)
    assert path[-1] == "DeletionPolicy" and "is not set" in message
    assert "deletes the database when the stack is deleted; use Retain" in message


def test_delete_is_not_a_retention_policy_and_a_dynamodb_table_can_only_be_retained() -> None:
    text = """\
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Delete
    UpdateReplacePolicy: Retain
    Properties: {}
"""
    [(path, message)] = found(cfn_rules.database_retention, text)
    assert path[-1] == "DeletionPolicy" and '"Delete"' in message and message.endswith("use Retain")


def test_the_deletion_policy_page_bucket_and_aurora_instances_are_not_checked() -> None:
    bucket = "Resources:\n  myS3Bucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n"
    aurora_instance = """\
Resources:
  Writer:
    Type: AWS::RDS::DBInstance
    Properties: {DBClusterIdentifier: !Ref Cluster, DBInstanceClass: db.r6g.large}
"""
    assert found(cfn_rules.database_retention, bucket) == []
    assert found(cfn_rules.database_retention, aurora_instance) == []


def test_a_policy_chosen_by_condition_must_keep_the_data_in_every_branch() -> None:
    text = UPDATE_REPLACE_POLICY_PAGE.replace(
        "DeletionPolicy: Retain", "DeletionPolicy: !If [IsProd, Snapshot, Delete]"
    )
    [(path, _)] = found(cfn_rules.database_retention, text)
    assert path[-1] == "DeletionPolicy"


# --- E9102 / E9103 Auto Scaling update policy -----------------------------------------------

UPDATE_POLICY_PAGE = """\
Resources:
  ASG:
    Type: 'AWS::AutoScaling::AutoScalingGroup'
    Properties:
      AvailabilityZones:
      - us-east-1a
      - us-east-1b
      DesiredCapacity: '1'
      LaunchConfigurationName:
        Ref: LaunchConfig
      MaxSize: '4'
      MinSize: '1'
    UpdatePolicy:
      AutoScalingScheduledAction:
        IgnoreUnmodifiedGroupSizeProperties: 'true'
      AutoScalingRollingUpdate:
        MinInstancesInService: '1'
        MaxBatchSize: '2'
        WaitOnResourceSignals: 'true'
        PauseTime: PT10M
"""


def test_the_update_policy_page_rolling_update_keeps_an_instance_in_service() -> None:
    assert found(cfn_rules.autoscaling_update_policy, UPDATE_POLICY_PAGE) == []
    assert found(cfn_rules.rolling_update_capacity, UPDATE_POLICY_PAGE) == []


def test_the_update_policy_page_replacing_update_is_a_controlled_replacement() -> None:
    text = """\
Resources:
  ASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MaxSize: '4', MinSize: '1'}
    UpdatePolicy:
      AutoScalingReplacingUpdate:
        WillReplace: 'true'
"""
    assert found(cfn_rules.autoscaling_update_policy, text) == []
    not_replacing = text.replace("WillReplace: 'true'", "WillReplace: 'false'")
    assert len(found(cfn_rules.autoscaling_update_policy, not_replacing)) == 1


def test_a_group_without_update_policy_is_reported() -> None:
    text = UPDATE_POLICY_PAGE[: UPDATE_POLICY_PAGE.index("    UpdatePolicy:")]
    [(path, message)] = found(cfn_rules.autoscaling_update_policy, text)
    assert path == ("Resources", "ASG") and "has no rolling" in message


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [
        ("'0'", 'is "0": with 0 the rolling update can leave no instance in service'),
        ("'4'", "must be less than the group's MaxSize (4)"),
    ],
)
def test_a_rolling_update_must_keep_between_one_and_max_size_minus_one(
    minimum: str, expected: str
) -> None:
    text = UPDATE_POLICY_PAGE.replace(
        "MinInstancesInService: '1'", f"MinInstancesInService: {minimum}"
    )
    [(path, message)] = found(cfn_rules.rolling_update_capacity, text)
    assert path[-1] == "MinInstancesInService" and expected in message


def test_a_rolling_update_without_minimum_uses_the_default_zero() -> None:
    text = UPDATE_POLICY_PAGE.replace("        MinInstancesInService: '1'\n", "")
    [(_, message)] = found(cfn_rules.rolling_update_capacity, text)
    assert "is not set: with the default 0 the rolling update can leave no instance" in message


# --- E9104 encryption at rest ---------------------------------------------------------------


def test_rds_storage_is_unencrypted_unless_storage_encrypted_is_true() -> None:
    text = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t4g.micro, StorageEncrypted: "false"}
  Restored:
    Type: AWS::RDS::DBInstance
    Properties: {DBSnapshotIdentifier: snap-1, DBInstanceClass: db.t4g.micro}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {SSESpecification: {SSEEnabled: true}}
"""
    [(path, message)] = found(cfn_rules.encrypted_storage, text)
    assert path == ("Resources", "Db", "Properties", "StorageEncrypted")
    assert 'is "false"' in message


def test_each_ebs_block_device_of_a_launch_template_is_encrypted() -> None:
    text = """\
Resources:
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs: {VolumeSize: 20, Encrypted: true}
          - DeviceName: /dev/xvdb
            Ebs: {VolumeSize: 100}
  Bare:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {InstanceType: t3.small}
"""
    findings = found(cfn_rules.encrypted_storage, text)
    assert [path for path, _ in findings] == [
        (
            "Resources",
            "Lt",
            "Properties",
            "LaunchTemplateData",
            "BlockDeviceMappings",
            1,
            "Ebs",
            "Encrypted",
        ),
        ("Resources", "Bare"),
    ]
    assert "declares no BlockDeviceMappings" in findings[1][1]


# --- E9105 alarm notifies a topic -----------------------------------------------------------

BILLING_ALARM = """\
Parameters:
  AlarmThreshold: {Type: Number, Default: 100}
Resources:
  BillingAlarmNotification:
    Type: AWS::SNS::Topic
  SpendingAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmDescription: !Sub >
        "Alarm if AWS spending is over $${AlarmThreshold}"
      Namespace: AWS/Billing
      MetricName: EstimatedCharges
      Dimensions:
      - Name: Currency
        Value: USD
      Statistic: Maximum
      Period: '21600'
      EvaluationPeriods: '1'
      Threshold:
        Ref: "AlarmThreshold"
      ComparisonOperator: GreaterThanThreshold
      AlarmActions:
      - Ref: "BillingAlarmNotification"
      InsufficientDataActions:
      - Ref: "BillingAlarmNotification"
"""

RECOVER_INSTANCE_ALARM = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  RecoveryInstance:
    Description: The EC2 instance ID to associate this alarm with.
    Type: AWS::EC2::Instance::Id
Resources:
  RecoveryTestAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmDescription: Trigger a recovery when instance status check fails for 15
        consecutive minutes.
      Namespace: AWS/EC2
      MetricName: StatusCheckFailed_System
      Statistic: Minimum
      Period: '60'
      EvaluationPeriods: '15'
      ComparisonOperator: GreaterThanThreshold
      Threshold: '0'
      AlarmActions: [ !Sub "arn:aws:automate:${AWS::Region}:ec2:recover" ]
      Dimensions:
      - Name: InstanceId
        Value:
          Ref: RecoveryInstance
"""


def test_the_billing_alarm_snippet_notifies_its_topic() -> None:
    assert found(cfn_rules.alarm_notifies_topic, BILLING_ALARM) == []
    by_arn = BILLING_ALARM.replace(
        '- Ref: "BillingAlarmNotification"\n      InsufficientDataActions',
        "- !GetAtt BillingAlarmNotification.TopicArn\n      InsufficientDataActions",
    )
    assert found(cfn_rules.alarm_notifies_topic, by_arn) == []


def test_an_alarm_that_only_recovers_the_instance_notifies_nobody() -> None:
    [(path, message)] = found(cfn_rules.alarm_notifies_topic, RECOVER_INSTANCE_ALARM)
    assert path == ("Resources", "RecoveryTestAlarm", "Properties", "AlarmActions")
    assert "!Sub arn:aws:automate:${AWS::Region}:ec2:recover" in message


def test_an_alarm_with_actions_disabled_notifies_nobody() -> None:
    text = BILLING_ALARM.replace(
        "      Namespace:", "      ActionsEnabled: false\n      Namespace:"
    )
    [(path, _)] = found(cfn_rules.alarm_notifies_topic, text)
    assert path[-1] == "ActionsEnabled"


# --- E9106 no secret in the template --------------------------------------------------------

SECRET_ATTACHMENT_EXAMPLE = """\
Resources:
  MyRDSSecret:
    Type: "AWS::SecretsManager::Secret"
    Properties:
      Description: "This is a Secrets Manager secret for an RDS DB instance"
      GenerateSecretString:
        SecretStringTemplate: '{"username": "admin"}'
        GenerateStringKey: "password"
        PasswordLength: 16
        ExcludeCharacters: '"@/\\'
  MyRDSInstance:
    Type: AWS::RDS::DBInstance
    Properties:
      AllocatedStorage: 20
      DBInstanceClass: db.t2.micro
      Engine: mysql
      MasterUsername: !Join ['', ['{{resolve:secretsmanager:', !Ref MyRDSSecret, ':SecretString:username}}' ]]
      MasterUserPassword: !Join ['', ['{{resolve:secretsmanager:', !Ref MyRDSSecret, ':SecretString:password}}' ]]
      BackupRetentionPeriod: 0
      DBInstanceIdentifier: 'rotation-instance'
  MyRedshiftCluster:
    Type: AWS::Redshift::Cluster
    Properties:
      DBName: "myyamldb"
      MasterUsername: !Sub '{{resolve:secretsmanager:${MyRDSSecret}::username}}'
      MasterUserPassword: !Sub '{{resolve:secretsmanager:${MyRDSSecret}::password}}'
      NodeType: "ds2.xlarge"
      ClusterType: "single-node"
"""


def test_the_secret_target_attachment_examples_read_the_password_from_secrets_manager() -> None:
    assert found(cfn_rules.no_plaintext_secret, SECRET_ATTACHMENT_EXAMPLE) == []


@pytest.mark.parametrize(
    ("password", "parameter", "expected"),
    [
        ("Sup3r-secret!", "", "is written in the template"),
        ("!Join ['', [Sup3r, '-secret']]", "", "is written in the template"),
        ("!Ref DbPassword", "{Type: String, NoEcho: true, Default: Sup3r-secret}", "whose Default"),
        ("!Ref DbPassword", "{Type: String}", "without NoEcho"),
    ],
)
def test_a_password_in_the_template_or_a_parameter_default_is_reported(
    password: str, parameter: str, expected: str
) -> None:
    params = f"Parameters:\n  DbPassword: {parameter}\n" if parameter else ""
    text = params + (
        "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n"
        f"    Properties:\n      MasterUserPassword: {password}\n"
    )
    [(path, message)] = found(cfn_rules.no_plaintext_secret, text)
    assert path[-1] == "MasterUserPassword" and expected in message


def test_a_managed_password_leaves_no_room_for_a_master_user_password() -> None:
    text = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      ManageMasterUserPassword: true
      MasterUserPassword: '{{resolve:secretsmanager:orders-db:SecretString:password}}'
"""
    [(_, message)] = found(cfn_rules.no_plaintext_secret, text)
    assert "RDS rejects" in message
    managed = text.replace(
        "      MasterUserPassword: '{{resolve", "      MasterUsername: '{{resolve"
    )
    assert found(cfn_rules.no_plaintext_secret, managed) == []


def test_a_noecho_parameter_without_default_is_left_to_cfn_lint_w1011() -> None:
    text = """\
Parameters:
  DbPassword: {Type: String, NoEcho: true}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: "20"
      MasterUsername: admin_user
      MasterUserPassword: !Ref DbPassword
"""
    result = cfn_runner.lint(text)
    assert not result.by_rule("E9106")
    [w1011] = result.by_rule("W1011")
    assert w1011.resource == "Db" and w1011.line == 13


# --- cfn-lint in-process ----------------------------------------------------------------------


def test_cfn_lint_errors_come_through_with_rule_line_and_resource() -> None:
    text = """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicNmae: alerts
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/EC2
      MetricName: CPUUtilization
      Statistic: Average
      Period: 60
      EvaluationPeriods: 1
      Threshold: 90
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [!Ref AlertsTopic]
"""
    errors = {(f.rule_id, f.line, f.resource) for f in cfn_runner.lint(text).errors}
    assert ("E3002", 5, "Topic") in errors  # an invalid property
    assert ("E1020", 16, "Alarm") in errors  # a !Ref to nothing


def test_a_yaml_syntax_error_is_reported_with_its_line() -> None:
    result = cfn_runner.lint("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n   Properties: [\n")
    [error] = result.syntax_errors
    assert error.line == 4 and result.template is None


def test_a_yaml_list_is_not_a_template() -> None:
    [error] = cfn_runner.lint("- Resources\n- Outputs\n").syntax_errors
    assert "must be a mapping" in error.message


def test_a_template_cannot_switch_off_a_rule_with_cfn_lint_metadata() -> None:
    text = UPDATE_REPLACE_POLICY_PAGE.replace("    UpdateReplacePolicy: Retain\n", "") + (
        "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [E9101, W3011]\n"
    )
    text = text.replace(
        "    Properties: {}",
        "    Metadata: {cfn-lint: {config: {ignore_checks: [E9101]}}}\n    Properties: {}",
    )
    result = cfn_runner.lint(text)
    assert result.by_rule("E9101") and result.by_rule("W3011")


def test_every_rule_the_catalog_names_exists() -> None:
    known = cfn_runner.known_rule_ids()
    assert known >= cfn_rules.CERTPREP_RULE_IDS
    for lab_id in CFN_LABS:
        for check in all_labs()[lab_id].checks:
            assert set(CheckSpec.model_validate(check.fields).rules) <= known, (lab_id, check.name)


# --- assertions ---------------------------------------------------------------------------------

IMPORT_VALUE_PAGE_STACK_A = """\
Resources:
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.0.0/24}
  WebServerSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: web}
Outputs:
  PublicSubnet:
    Description: The subnet ID to use for public web servers
    Value:
      Ref: PublicSubnet
    Export:
      Name:
        'Fn::Sub': '${AWS::StackName}-SubnetID'
  WebServerSecurityGroup:
    Description: The security group ID to use for public web servers
    Value:
      'Fn::GetAtt':
        - WebServerSecurityGroup
        - GroupId
    Export:
      Name:
        'Fn::Sub': '${AWS::StackName}-SecurityGroupID'
"""


def test_the_import_value_page_exports_are_named_after_the_stack() -> None:
    tpl = template(IMPORT_VALUE_PAGE_STACK_A)
    assert check_output(tpl, "PublicSubnet", "${AWS::StackName}-SubnetID", "AWS::EC2::Subnet") == []
    assert (
        check_output(
            tpl,
            "WebServerSecurityGroup",
            "${AWS::StackName}-SecurityGroupID",
            "AWS::EC2::SecurityGroup",
        )
        == []
    )
    joined = IMPORT_VALUE_PAGE_STACK_A.replace(
        "'Fn::Sub': '${AWS::StackName}-SubnetID'",
        "!Join ['-', [!Ref 'AWS::StackName', SubnetID]]",
    )
    assert check_output(template(joined), "PublicSubnet", "${AWS::StackName}-SubnetID") == []
    fixed = IMPORT_VALUE_PAGE_STACK_A.replace("'Fn::Sub': '${AWS::StackName}-SubnetID'", "SubnetID")
    [problem] = check_output(template(fixed), "PublicSubnet", "${AWS::StackName}-SubnetID")
    assert problem.line == 14 and 'exports as "SubnetID"' in problem.message


def test_requirements_judge_every_value_a_stack_can_resolve() -> None:
    tpl = template("""\
Parameters:
  Multi: {Type: String, AllowedValues: ["true", "false"]}
  Class: {Type: String, Default: db.m6g.large}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MultiAZ: !Ref Multi
      DBInstanceClass: !Ref Class
      AllocatedStorage: !If [Big, 100, 20]
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      HealthCheckType: EBS,ELB
      VPCZoneIdentifier: [subnet-1]
""")
    db = "AWS::RDS::DBInstance"
    [multi] = check_requirement(tpl, Requirement("Properties.MultiAZ", db, equals=True))
    assert multi.line == 8 and 'can be "false"' in multi.message
    assert (
        check_requirement(tpl, Requirement("Properties.DBInstanceClass", db, equals="db.m6g.large"))
        == []
    )
    assert (
        check_requirement(tpl, Requirement("Properties.DBInstanceClass", db, refers_to="Parameter"))
        == []
    )
    [storage] = check_requirement(tpl, Requirement("Properties.AllocatedStorage", db, at_least=50))
    assert "can be 20" in storage.message
    asg = "AWS::AutoScaling::AutoScalingGroup"
    assert (
        check_requirement(tpl, Requirement("Properties.HealthCheckType", asg, contains=("ELB",)))
        == []
    )
    [subnets] = check_requirement(
        tpl, Requirement("Properties.VPCZoneIdentifier", asg, min_items=2)
    )
    assert "expected at least 2 items" in subnets.message
    [absent] = check_requirement(tpl, Requirement("Properties.X", "AWS::SNS::Topic", present=True))
    assert absent.message == "the template declares no AWS::SNS::Topic"


def test_a_check_spec_must_assert_something_known() -> None:
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({})
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({"rules": ["E9101", "nope"]})
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({"require": [{"path": "Properties.MultiAZ"}]})
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({"require": [{"path": "DeletionPolicy", "equal": "Snapshot"}]})


# --- the lab kind ---------------------------------------------------------------------------


def lab(lab_id: str) -> Lab:
    return all_labs()[lab_id]


@pytest.mark.parametrize("lab_id", CFN_LABS)
def test_each_starter_is_valid_but_fails_a_check(lab_id: str) -> None:
    assert not cfn_runner.lint(lab(lab_id).starter).errors
    results = grade(lab(lab_id), lab(lab_id).starter)
    assert any(not r.passed for r in results)
    assert all(r.passed or "line" in r.detail.lower() or "template" in r.detail for r in results)


def test_a_template_with_lint_errors_fails_every_check_with_them() -> None:
    rds = lab("rds-production-database")
    broken = rds.solution.replace(
        "      MultiAZ: true\n", "      MultiAZ: true\n      MultiAz: true\n"
    )
    results = grade(rds, broken)
    assert all(not r.passed for r in results)
    assert "cfn-lint finds errors" in results[0].detail
    assert "E3002" in results[0].detail and "OrdersDatabase" in results[0].detail


def test_a_template_that_is_not_yaml_fails_every_check_clearly() -> None:
    alarm = lab("alb-5xx-alarm")
    results = grade(
        alarm,
        alarm.solution.replace(
            "Properties:\n      DisplayName", "Properties:\n     DisplayName", 1
        ),
    )
    assert all(not r.passed for r in results)
    assert results[0].detail.startswith("The template is not valid YAML or JSON: line ")


def test_a_failed_check_names_the_resource_and_line() -> None:
    asg = lab("asg-rolling-update")
    [health] = [r for r in grade(asg, asg.wrong) if not r.passed]
    assert health.name == "the load balancer's health check replaces broken instances"
    assert "Line 70: WebGroup: Properties.HealthCheckType is not set" in health.detail


ODD_TEMPLATES = [
    "Resources: {}",
    "Resources: [a, b]",
    "Resources:\n  X: {Type: [AWS::RDS::DBInstance]}\n",
    "Resources:\n  X: {Type: AWS::RDS::DBInstance, DeletionPolicy: {a: b}, Properties: [1]}\n",
    "Resources:\n  X:\n    Type: AWS::RDS::DBInstance\n    Properties: {MasterUserPassword: {Ref: [a]}}\n",
    "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
    "    UpdatePolicy: {AutoScalingRollingUpdate: {MinInstancesInService: [1]}}\n"
    "    Properties: {MaxSize: {a: 1}, VPCZoneIdentifier: x, HealthCheckType: [ELB]}\n",
    "Resources:\n  A:\n    Type: AWS::CloudWatch::Alarm\n    Properties: {AlarmActions: {Ref: 3}}\n"
    "Outputs: {VpcId: {Value: [x], Export: {Name: {'Fn::Join': [1, 2]}}}}\n",
    "Resources:\n  L:\n    Type: AWS::EC2::LaunchTemplate\n"
    "    Properties: {LaunchTemplateData: {BlockDeviceMappings: {Ebs: 1}}}\n",
]


@pytest.mark.parametrize("text", ODD_TEMPLATES)
def test_odd_templates_never_crash_a_rule_or_a_check(text: str) -> None:
    result = cfn_runner.lint(text)
    crashes = [f.message for f in result.by_rule("E0002")]  # cfn-lint: a rule raised
    assert not [m for m in crashes if "rule E91" in m]
    for lab_id in CFN_LABS:
        assert len(grade(lab(lab_id), text)) == len(lab(lab_id).checks)
    tpl = result.template
    for check in (
        cfn_rules.database_retention,
        cfn_rules.autoscaling_update_policy,
        cfn_rules.rolling_update_capacity,
        cfn_rules.encrypted_storage,
        cfn_rules.alarm_notifies_topic,
        cfn_rules.no_plaintext_secret,
    ):
        list(check(tpl))
    for lab_id in CFN_LABS:
        for c in lab(lab_id).checks:
            spec = CheckSpec.model_validate(c.fields)
            for req in spec.require:
                check_requirement(tpl, req.requirement())
            for out in spec.outputs:
                check_output(tpl, out.name, out.export, out.refers_to)
