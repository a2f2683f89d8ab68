"""boto3-script labs: the state checks (``graders/state_checks``), the kind's grading
(``kinds/boto3_script``), and golden cases: documented AWS examples, run as a learner's script
would be, create the state that the checks read. The resource behaviour is moto's; these tests
pin what the labs rely on. Pages the examples come from:

- CloudWatch alarm with an SNS action (``cpu-mon``):
  https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/put-metric-alarm.html
- SNS email subscription: https://docs.aws.amazon.com/cli/latest/reference/sns/subscribe.html
- SSM SecureString and the default key: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
  and https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html
- EventBridge scheduled rule and Lambda target (``DailyLambdaFunction``):
  https://docs.aws.amazon.com/code-library/latest/ug/cli_2_eventbridge_code_examples.html
- AWS Config managed rule (``RequiredTagsForEC2Instances``):
  https://docs.aws.amazon.com/code-library/latest/ug/config-service_example_config-service_PutConfigRule_section.html
- Config recorder needs a delivery channel to start:
  https://docs.aws.amazon.com/config/latest/APIReference/API_StartConfigurationRecorder.html
- DynamoDB point-in-time recovery (``Music``):
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
- S3 replication (``replication.json``; versioning required):
  https://docs.aws.amazon.com/AmazonS3/latest/API/s3_example_s3_PutBucketReplication_section.html
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from certprep.labs.catalog import all_labs
from certprep.labs.graders import moto_emulator, state_checks
from certprep.labs.graders.script_sandbox import Limits, run_script
from certprep.labs.graders.state_checks import Call, evaluate, normalise
from certprep.labs.grading import grade
from certprep.labs.kinds import boto3_script
from certprep.labs.kinds.boto3_script import CheckSpec
from certprep.labs.model import Lab


@pytest.fixture(scope="module")
def port() -> int:
    return moto_emulator.shared().start()


def run_example(tmp_path: Path, port: int, code: str) -> None:
    """Reset the emulator and run ``code`` as a learner's script; it must succeed."""
    moto_emulator.shared().reset()
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    result = run_script(script, tmp_path, port)
    assert result.ok, result.error


def holds(port: int, service: str, operation: str, params: dict[str, Any], expect: str) -> bool:
    return evaluate(port, Call(service, operation, params), expect).passed


# --- golden: documented examples create the state the checks read --------------------------


def test_cli_reference_cpu_alarm_with_an_sns_action(tmp_path: Path, port: int) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\n"
        "boto3.client('cloudwatch').put_metric_alarm(\n"
        "    AlarmName='cpu-mon', AlarmDescription='Alarm when CPU exceeds 70 percent',\n"
        "    MetricName='CPUUtilization', Namespace='AWS/EC2', Statistic='Average', Period=300,\n"
        "    Threshold=70, ComparisonOperator='GreaterThanThreshold',\n"
        "    Dimensions=[{'Name': 'InstanceId', 'Value': 'i-12345678'}], EvaluationPeriods=2,\n"
        "    AlarmActions=['arn:aws:sns:us-east-1:111122223333:MyTopic'], Unit='Percent')\n",
    )
    params = {"AlarmNames": ["cpu-mon"]}
    assert holds(
        port,
        "cloudwatch",
        "describe_alarms",
        params,
        "MetricAlarms[0].AlarmActions == ['arn:aws:sns:us-east-1:111122223333:MyTopic']"
        " && MetricAlarms[0].Period == `300` && MetricAlarms[0].EvaluationPeriods == `2`"
        " && MetricAlarms[0].Threshold == `70` && MetricAlarms[0].Unit == 'Percent'",
    )
    # the example sets no OK action and no missing-data treatment: the checks see neither
    assert holds(port, "cloudwatch", "describe_alarms", params, "MetricAlarms[0].OKActions == `[]`")
    assert not holds(
        port,
        "cloudwatch",
        "describe_alarms",
        params,
        "MetricAlarms[0].TreatMissingData == 'notBreaching'",
    )


def test_cli_reference_email_subscription(tmp_path: Path, port: int) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\nsns = boto3.client('sns', region_name='us-west-2')\n"
        "arn = sns.create_topic(Name='my-topic')['TopicArn']\n"
        "assert arn == 'arn:aws:sns:us-west-2:123456789012:my-topic'\n"
        "sns.subscribe(TopicArn=arn, Protocol='email', Endpoint='my-email@example.com')\n",
    )
    call = Call(
        "sns",
        "list_subscriptions_by_topic",
        {"TopicArn": "arn:aws:sns:us-west-2:123456789012:my-topic"},
        region="us-west-2",
    )
    expect = "Subscriptions[0].Protocol == 'email' && Subscriptions[0].Endpoint == 'my-email@example.com'"
    assert evaluate(port, call, expect).passed


def test_securestring_uses_the_key_given_or_the_default_aws_ssm_key(
    tmp_path: Path, port: int
) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\nssm = boto3.client('ssm')\nkms = boto3.client('kms')\n"
        "key = kms.create_key()['KeyMetadata']['KeyId']\n"
        "kms.create_alias(AliasName='alias/app', TargetKeyId=key)\n"
        "ssm.put_parameter(Name='/app/secret', Value='v', Type='SecureString', KeyId='alias/app')\n"
        "ssm.put_parameter(Name='/app/default', Value='v', Type='SecureString')\n"
        "ssm.put_parameter(Name='/app/plain', Value='v', Type='String')\n",
    )
    by_name = "Parameters[?Name == '{}'] | [0]"
    call = Call("ssm", "describe_parameters")
    assert evaluate(port, call, by_name.format("/app/secret") + ".KeyId == 'alias/app'").passed
    assert evaluate(port, call, by_name.format("/app/default") + ".KeyId == 'alias/aws/ssm'").passed
    assert evaluate(port, call, by_name.format("/app/plain") + ".KeyId == null").passed
    listed = Call("ssm", "get_parameters_by_path", {"Path": "/app", "Recursive": True})
    assert evaluate(port, listed, "length(Parameters) == `3`").passed


def test_code_library_daily_rule_and_lambda_target(tmp_path: Path, port: int) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\nevents = boto3.client('events')\n"
        "events.put_rule(Name='DailyLambdaFunction', ScheduleExpression='cron(0 9 * * ? *)')\n"
        "events.put_targets(Rule='DailyLambdaFunction', Targets=[{'Id': '1',\n"
        "    'Arn': 'arn:aws:lambda:us-east-1:123456789012:function:MyFunctionName'}])\n",
    )
    rule = Call("events", "describe_rule", {"Name": "DailyLambdaFunction"})
    assert evaluate(
        port, rule, "ScheduleExpression == 'cron(0 9 * * ? *)' && State == 'ENABLED'"
    ).passed
    targets = Call("events", "list_targets_by_rule", {"Rule": "DailyLambdaFunction"})
    expect = 'Targets == `[{"Id": "1", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:MyFunctionName"}]`'
    assert evaluate(port, targets, expect).passed


def test_code_library_managed_config_rule(tmp_path: Path, port: int) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\nboto3.client('config').put_config_rule(ConfigRule={\n"
        "    'ConfigRuleName': 'RequiredTagsForEC2Instances',\n"
        "    'Description': 'Checks whether the CostCenter and Owner tags are applied to EC2 instances.',\n"
        "    'Scope': {'ComplianceResourceTypes': ['AWS::EC2::Instance']},\n"
        "    'Source': {'Owner': 'AWS', 'SourceIdentifier': 'REQUIRED_TAGS'},\n"
        '    \'InputParameters\': \'{"tag1Key":"CostCenter","tag2Key":"Owner"}\'})\n',
    )
    call = Call(
        "config", "describe_config_rules", {"ConfigRuleNames": ["RequiredTagsForEC2Instances"]}
    )
    expect = (
        'ConfigRules[0].Source == `{"Owner": "AWS", "SourceIdentifier": "REQUIRED_TAGS"}`'
        " && ConfigRules[0].Scope.ComplianceResourceTypes == ['AWS::EC2::Instance']"
        " && from_json(ConfigRules[0].InputParameters).tag1Key == 'CostCenter'"
    )
    assert evaluate(port, call, expect).passed


def test_a_misspelt_managed_rule_is_rejected_like_aws_does(tmp_path: Path, port: int) -> None:
    moto_emulator.shared().reset()
    script = tmp_path / "typo.py"
    script.write_text(
        "import boto3\nboto3.client('config').put_config_rule(ConfigRule={'ConfigRuleName': 'x',\n"
        "    'Source': {'Owner': 'AWS', 'SourceIdentifier': 'S3_BUCKET_SSE_ENABLED'}})\n",
        encoding="utf-8",
    )
    result = run_script(script, tmp_path, port)
    assert not result.ok and "sourceIdentifier S3_BUCKET_SSE_ENABLED is invalid" in result.error


def test_config_recorder_starts_only_with_a_delivery_channel(tmp_path: Path, port: int) -> None:
    moto_emulator.shared().reset()
    script = tmp_path / "recorder.py"
    script.write_text(
        "import boto3\nconfig = boto3.client('config')\n"
        "config.put_configuration_recorder(ConfigurationRecorder={'name': 'default',\n"
        "    'roleARN': 'arn:aws:iam::123456789012:role/config'})\n"
        "config.start_configuration_recorder(ConfigurationRecorderName='default')\n",
        encoding="utf-8",
    )
    result = run_script(script, tmp_path, port)
    assert not result.ok and "NoAvailableDeliveryChannel" in result.error
    status = Call("config", "describe_configuration_recorder_status")
    assert evaluate(port, status, "ConfigurationRecordersStatus[0].recording == `false`").passed


def test_developer_guide_point_in_time_recovery(tmp_path: Path, port: int) -> None:
    run_example(
        tmp_path,
        port,
        "import boto3\nddb = boto3.client('dynamodb')\n"
        "ddb.create_table(TableName='Music', BillingMode='PAY_PER_REQUEST',\n"
        "    AttributeDefinitions=[{'AttributeName': 'Artist', 'AttributeType': 'S'}],\n"
        "    KeySchema=[{'AttributeName': 'Artist', 'KeyType': 'HASH'}])\n"
        "ddb.update_continuous_backups(TableName='Music', PointInTimeRecoverySpecification={\n"
        "    'PointInTimeRecoveryEnabled': True, 'RecoveryPeriodInDays': 35})\n",
    )
    call = Call("dynamodb", "describe_continuous_backups", {"TableName": "Music"})
    expect = (
        "ContinuousBackupsDescription.PointInTimeRecoveryDescription"
        '.{s: PointInTimeRecoveryStatus, d: RecoveryPeriodInDays} == `{"s": "ENABLED", "d": 35}`'
    )
    assert evaluate(port, call, expect).passed


def test_replication_needs_versioning_on_the_source(tmp_path: Path, port: int) -> None:
    """moto refuses replication from an unversioned source, as S3 does; it does not check the
    destination's versioning (which the documentation also requires), so the DR lab reads the
    destination bucket's versioning in a check of its own."""
    replication = (
        "s3.put_bucket_replication(Bucket='amzn-s3-demo-bucket1', ReplicationConfiguration={\n"
        "    'Role': 'arn:aws:iam::123456789012:role/s3-replication-role',\n"
        "    'Rules': [{'Status': 'Enabled', 'Priority': 1, 'Filter': {'Prefix': ''},\n"
        "        'DeleteMarkerReplication': {'Status': 'Disabled'},\n"
        "        'Destination': {'Bucket': 'arn:aws:s3:::amzn-s3-demo-bucket2'}}]})\n"
    )
    setup = (
        "import boto3\ns3 = boto3.client('s3')\ns3.create_bucket(Bucket='amzn-s3-demo-bucket1')\n"
    )
    moto_emulator.shared().reset()
    script = tmp_path / "unversioned.py"
    script.write_text(setup + replication, encoding="utf-8")
    refused = run_script(script, tmp_path, port)
    assert not refused.ok and "Versioning must be 'Enabled'" in refused.error
    run_example(
        tmp_path,
        port,
        setup + "s3.put_bucket_versioning(Bucket='amzn-s3-demo-bucket1',\n"
        "    VersioningConfiguration={'Status': 'Enabled'})\n" + replication,
    )
    call = Call("s3", "get_bucket_replication", {"Bucket": "amzn-s3-demo-bucket1"})
    expect = "ReplicationConfiguration.Rules[0].Destination.Bucket == 'arn:aws:s3:::amzn-s3-demo-bucket2'"
    assert evaluate(port, call, expect).passed


# --- state checks: the semantics of expect, show and errors --------------------------------


def test_expect_passes_only_on_true_and_a_failure_shows_what_was_found(port: int) -> None:
    moto_emulator.shared().reset()
    topics = Call("sns", "list_topics")
    assert evaluate(port, topics, "Topics == `[]`").passed
    for not_true in ("Topics", "length(Topics)", "'yes'", "`1`", "Topics[0].TopicArn"):
        outcome = evaluate(port, topics, not_true)
        assert not outcome.passed and outcome.found == '{"Topics":[]}'
    shown = evaluate(port, topics, "length(Topics) == `1`", show="Topics[0]")
    assert shown.found == "nothing"


def test_a_type_error_inside_the_expression_fails_the_check(port: int) -> None:
    moto_emulator.shared().reset()
    outcome = evaluate(port, Call("sns", "list_topics"), "length(Topics[0].TopicArn) > `0`")
    assert not outcome.passed


def test_an_api_error_is_what_was_found(port: int) -> None:
    moto_emulator.shared().reset()
    outcome = evaluate(
        port,
        Call("s3", "get_bucket_versioning", {"Bucket": "no-such-bucket"}),
        "Status == 'Enabled'",
    )
    assert outcome == state_checks.Outcome(
        False, "get_bucket_versioning answered NoSuchBucket: The specified bucket does not exist"
    )


def test_the_checks_ignore_the_users_aws_settings_and_proxies(
    port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setattr(state_checks, "_clients", {})
    monkeypatch.setattr(state_checks, "_session", state_checks._session.__wrapped__)
    assert evaluate(port, Call("sns", "list_topics"), "Topics != null").passed


def test_normalise_makes_the_response_json_shaped() -> None:
    class Body:
        def read(self, n: int) -> bytes:
            return b'{"ok": true}'[:n]

    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert normalise({"When": when, "Raw": b"abc", "Body": Body(), "List": (1, 2)}) == {
        "When": "2026-01-02T03:04:05+00:00",
        "Raw": "abc",
        "Body": '{"ok": true}',
        "List": [1, 2],
    }


def test_from_json_reads_a_json_document_in_a_string() -> None:
    expression = state_checks.compile_expression("from_json(Policy).Statement[0].Effect")
    policy = '{"Statement": [{"Effect": "Allow"}]}'
    assert expression.search({"Policy": policy}, options=state_checks._OPTIONS) == "Allow"
    assert expression.search({"Policy": "not json"}, options=state_checks._OPTIONS) is None


# --- the kind: check fields, and how a script's failure shows in every check ----------------


def test_check_fields_are_validated() -> None:
    call = {"service": "sns", "operation": "list_topics"}
    assert CheckSpec.model_validate({"call": call, "expect": "Topics == `[]`"})
    with pytest.raises(ValidationError, match="invalid JMESPath"):
        CheckSpec.model_validate({"call": call, "expect": "Topics[?"})
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({"call": call, "expect": "true", "extra": 1})
    with pytest.raises(ValidationError):
        CheckSpec.model_validate({"call": {**call, "operation": "ListTopics"}, "expect": "true"})


def _lab(lab_id: str) -> Lab:
    return all_labs()[lab_id]


def test_a_syntax_error_fails_every_check_without_running(tmp_path: Path) -> None:
    lab = _lab("api-5xx-alarm-to-oncall")
    results = grade(lab, "import boto3\nsns = boto3.client('sns'\n", tmp_path)
    assert len(results) == len(lab.checks) and not any(r.passed for r in results)
    assert {r.detail for r in results} == {
        "Python cannot run setup_alarm.py: '(' was never closed at line 2, so nothing was created."
    }


def test_a_script_that_fails_midway_fails_every_check_and_shows_partial_work(
    tmp_path: Path,
) -> None:
    lab = _lab("api-5xx-alarm-to-oncall")
    broken = lab.solution.replace(
        "cloudwatch.put_metric_alarm(",
        "raise RuntimeError('stopped here')\ncloudwatch.put_metric_alarm(",
    )
    results = grade(lab, broken, tmp_path)
    assert not any(r.passed for r in results)
    subscribed = results[0]
    assert subscribed.detail.startswith(
        "The script did not run to the end: it raised RuntimeError: "
    )
    assert "RuntimeError: stopped here (at setup_alarm.py line 11" in subscribed.detail
    assert subscribed.detail.endswith("The state it left already satisfies this check.")
    assert "In the state it left: HTTPCode_Target_5XX_Count" in results[1].detail


def test_the_workspace_copy_runs_in_place(tmp_path: Path) -> None:
    lab = _lab("api-5xx-alarm-to-oncall")
    (tmp_path / lab.artifact).write_text(lab.solution, encoding="utf-8")
    results = grade(lab, lab.solution, tmp_path)
    assert all(r.passed for r in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == [lab.artifact]


def test_a_script_touching_certprep_data_is_refused_in_a_real_grade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "certprep.db").write_bytes(b"SQLite format 3\x00")
    monkeypatch.setenv("CERTPREP_DATA_DIR", str(data))
    monkeypatch.delenv("CERTPREP_DATABASE_URL", raising=False)
    lab = _lab("api-5xx-alarm-to-oncall")
    sneaky = lab.solution + (f"\nopen({str(data / 'certprep.db')!r}, 'r+b').write(b'passed')\n")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    results = grade(lab, sneaky, workspace)
    assert not any(r.passed for r in results)
    assert "the lab sandbox refused access to" in results[0].detail
    assert (data / "certprep.db").read_bytes() == b"SQLite format 3\x00"


@pytest.mark.parametrize(
    ("ending", "says"),
    [
        (
            "raise SystemExit(2)\n",
            "The script did not run to the end: the script exited with status 2.",
        ),
        ("hog = bytearray(4 * 1024**3)\n", "the script ran out of memory (the limit is 1024 MiB)"),
        (
            "import time\nwhile True:\n    time.sleep(1)\n",
            "did not finish within 2 s and was stopped",
        ),
        (
            "import sqlite3\nsqlite3.connect('progress.db')\n",
            "the lab sandbox refused sqlite3.connect",
        ),
        (
            "import boto3\nfrom botocore.config import Config\n"
            "boto3.client('sns', region_name='xx-nowhere-1',\n"
            "    config=Config(ignore_configured_endpoint_urls=True)).list_topics()\n",
            "the lab sandbox refused looking up 'sns.xx-nowhere-1.amazonaws.com'",
        ),
    ],
)
def test_every_way_a_script_can_fail_reads_clearly_in_each_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, says: str
) -> None:
    monkeypatch.setattr(boto3_script, "LIMITS", Limits(seconds=2))
    lab = _lab("api-5xx-alarm-to-oncall")
    results = grade(lab, lab.solution + ending, tmp_path)
    assert len(results) == len(lab.checks)
    for result in results:
        assert not result.passed and says in result.detail, result.detail
        assert "Traceback" not in result.detail and "certprep/" not in result.detail
        assert result.detail.endswith("The state it left already satisfies this check.")
