"""CodeDeploy AppSpec files, with golden cases from the AWS documentation:
- EX: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-example.html
- HOOKS: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
- FILES: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-files.html
- PERMS: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html
- RES: https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html
- CP: https://docs.aws.amazon.com/codepipeline/latest/userguide/tutorials-ecs-ecr-codedeploy.html
"""

from __future__ import annotations

import pytest

from certprep.labs.graders import appspec
from certprep.labs.graders.yamldoc import SpecError

# EX: "AppSpec File example for an EC2/On-Premises deployment"
SERVER_EXAMPLE = """\
version: 0.0
os: linux
files:
  - source: Config/config.txt
    destination: /webapps/Config
  - source: source
    destination: /webapps/myApp
hooks:
  BeforeInstall:
    - location: Scripts/UnzipResourceBundle.sh
    - location: Scripts/UnzipDataBundle.sh
  AfterInstall:
    - location: Scripts/RunResourceTests.sh
      timeout: 180
  ApplicationStart:
    - location: Scripts/RunFunctionalTests.sh
      timeout: 3600
  ValidateService:
    - location: Scripts/MonitorService.sh
      timeout: 3600
      runas: codedeployuser
"""

# EX: "AppSpec File example for an Amazon ECS deployment"
ECS_EXAMPLE = """\
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "arn:aws:ecs:us-east-1:111222333444:task-definition/my-task-definition-family-name:1"
        LoadBalancerInfo:
          ContainerName: "SampleApplicationName"
          ContainerPort: 80
# Optional properties
        PlatformVersion: "LATEST"
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["subnet-1234abcd","subnet-5678abcd"]
            SecurityGroups: ["sg-12345678"]
            AssignPublicIp: "ENABLED"
        CapacityProviderStrategy:
          - Base: 1
            CapacityProvider: "FARGATE_SPOT"
            Weight: 2
          - Base: 0
            CapacityProvider: "FARGATE"
            Weight: 1
Hooks:
  - BeforeInstall: "LambdaFunctionToValidateBeforeInstall"
  - AfterInstall: "LambdaFunctionToValidateAfterInstall"
  - AfterAllowTestTraffic: "LambdaFunctionToValidateAfterTestTrafficStarts"
  - BeforeAllowTraffic: "LambdaFunctionToValidateBeforeAllowingProductionTraffic"
  - AfterAllowTraffic: "LambdaFunctionToValidateAfterAllowingProductionTraffic"
"""

# EX: "AppSpec File example for an AWS Lambda deployment" (YAML, then its JSON version)
LAMBDA_EXAMPLE = """\
version: 0.0
Resources:
  - myLambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "myLambdaFunction"
        Alias: "myLambdaFunctionAlias"
        CurrentVersion: "1"
        TargetVersion: "2"
Hooks:
    - BeforeAllowTraffic: "LambdaFunctionToValidateBeforeTrafficShift"
    - AfterAllowTraffic: "LambdaFunctionToValidateAfterTrafficShift"
"""
LAMBDA_EXAMPLE_JSON = """\
{
 \t"version": 0.0,
 \t"Resources": [{
 \t\t"myLambdaFunction": {
 \t\t\t"Type": "AWS::Lambda::Function",
 \t\t\t"Properties": {
 \t\t\t\t"Name": "myLambdaFunction",
 \t\t\t\t"Alias": "myLambdaFunctionAlias",
 \t\t\t\t"CurrentVersion": "1",
 \t\t\t\t"TargetVersion": "2"
 \t\t\t}
 \t\t}
 \t}],
 \t"Hooks": [{
 \t\t\t"BeforeAllowTraffic": "LambdaFunctionToValidateBeforeTrafficShift"
      },
      {
 \t\t\t"AfterAllowTraffic": "LambdaFunctionToValidateAfterTrafficShift"
 \t\t}
 \t]
 }
"""

# RES: the Lambda 'resources' structure, written in lower case, with its placeholders filled
LAMBDA_LOWER_CASE = """\
version: 0.0
resources:
  - my-function:
      type: "AWS::Lambda::Function"
      properties:
        name: my-function
        alias: live
        currentversion: "3"
        targetversion: "4"
hooks:
   - BeforeAllowTraffic: BeforeAllowTrafficHookFunctionName
   - AfterAllowTraffic: AfterAllowTrafficHookFunctionName
"""

# CP: "Create a file named appspec.yaml ... do not change the <TASK_DEFINITION> placeholder"
PIPELINE_ECS = """\
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: <TASK_DEFINITION>
        LoadBalancerInfo:
          ContainerName: "sample-website"
          ContainerPort: 80
"""

# PERMS: the example with object, pattern, except, owner, group, mode and type
PERMISSIONS_EXAMPLE = """\
version: 0.0
os: linux
# Copy over all of the folders and files with the permissions they
#  were originally assigned.
files:
  - source: ./my-file-1.txt
    destination: /tmp/my-app
  - source: ./my-file-2.txt
    destination: /tmp/my-app
  - source: ./my-file-3.txt
    destination: /tmp/my-app
  - source: ./my-folder-1
    destination: /tmp/my-app/my-folder-1
  - source: ./my-folder-2
    destination: /tmp/my-app/my-folder-2
permissions:
  - object: /tmp/my-app
    pattern: "*-3.txt"
    owner: adm
    group: wheel
    mode: 464
    type:
      - file
  - object: /tmp/my-app
    pattern: "*.txt"
    except: [my-file-3.txt]
    owner: ec2-user
    mode: 444
    type:
      - file
  - object: /tmp/my-app/my-folder-1
    pattern: "**"
    except: [my-file-4.txt, my-file-5.txt]
    owner: operator
    mode: 646
    type:
      - file
  - object: /tmp/my-app/my-folder-2
    pattern: "**"
    except: [my-file-8.txt]
    owner: ec2-user
    mode: 777
    type:
      - file
  - object: /tmp/my-app
    pattern: "*my-folder*"
    except: [tmp/my-app/my-folder-2/my-folder-3]
    owner: ec2-user
    mode: 555
    type:
      - directory
  - object: /tmp/my-app/my-folder-2
    group: wheel
    mode: 564
    type:
      - directory
"""

# PERMS: the example with acls and context; HOOKS: the "Hooks example"
ACLS_AND_HOOKS = """\
version: 0.0
os: linux
permissions:
  - object: /var/www/html/WordPress
    pattern: "**"
    except: [/var/www/html/WordPress/ReadMe.txt]
    owner: bob
    group: writers
    mode: 644
    acls:
      - u:mary:rw
      - u:sam:rw
      - m::rw
    context:
      user: unconfined_u
      type: httpd_sys_content_t
      range: s0
    type:
      - file
hooks:
   AfterInstall:
     - location: Scripts/RunResourceTests.sh
       timeout: 180
     - location: Scripts/PostDeploy.sh
       timeout: 180
"""

# FILES: example 9, for a Windows Server instance
WINDOWS_FILES = """\
version: 0.0
os: windows
files:
  - source: \\
    destination: c:\\temp
file_exists_behavior: OVERWRITE
"""


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        (SERVER_EXAMPLE, "server"),
        (ECS_EXAMPLE, "ecs"),
        (LAMBDA_EXAMPLE, "lambda"),
        (LAMBDA_EXAMPLE_JSON, "lambda"),
        (LAMBDA_LOWER_CASE, "lambda"),
        (PIPELINE_ECS, "ecs"),
        (PERMISSIONS_EXAMPLE, "server"),
        (ACLS_AND_HOOKS, "server"),
        (WINDOWS_FILES, "server"),
    ],
)
def test_the_documented_examples_are_valid(text: str, platform: appspec.Platform) -> None:
    report = appspec.check(text, platform)
    assert report.ok and not report.findings, [str(f) for f in report.findings]
    assert appspec.detect_platform(report.data) == platform


def rules(text: str, platform: appspec.Platform) -> set[str]:
    return {f.rule for f in appspec.check(text, platform).findings}


def only_error(text: str, platform: appspec.Platform, rule: str) -> str:
    report = appspec.check(text, platform)
    assert [f.rule for f in report.errors] == [rule], [str(f) for f in report.findings]
    return str(report.errors[0])


@pytest.mark.parametrize("event", ["Install", "DownloadBundle", "BlockTraffic", "AllowTraffic"])
def test_a_hook_on_a_reserved_ec2_event_cannot_run_scripts(event: str) -> None:
    text = SERVER_EXAMPLE.replace("AfterInstall:", f"{event}:")
    message = only_error(text, "server", "reserved-hook")
    assert f"hooks.{event} (line 12)" in message and "reserved for CodeDeploy" in message


def test_install_is_explained_as_the_agent_copying_the_files() -> None:
    message = only_error(
        SERVER_EXAMPLE.replace("AfterInstall:", "Install:"), "server", "reserved-hook"
    )
    assert "copies the files listed in 'files'" in message


@pytest.mark.parametrize(
    ("text", "platform", "event"),
    [
        (ECS_EXAMPLE, "ecs", "TestTraffic"),
        (ECS_EXAMPLE, "ecs", "AllowTraffic"),
        (ECS_EXAMPLE, "ecs", "Install"),
        (LAMBDA_EXAMPLE, "lambda", "AllowTraffic"),
    ],
)
def test_reserved_events_of_ecs_and_lambda(
    text: str, platform: appspec.Platform, event: str
) -> None:
    hooked = text.replace("BeforeAllowTraffic:", f"{event}:")
    only_error(hooked, platform, "reserved-hook")


def test_after_allow_test_traffic_is_an_ecs_only_hook() -> None:
    lambda_text = LAMBDA_EXAMPLE.replace("BeforeAllowTraffic:", "AfterAllowTestTraffic:")
    message = only_error(lambda_text, "lambda", "hook-not-for-platform")
    assert "of Amazon ECS deployments" in message
    server_text = SERVER_EXAMPLE.replace("AfterInstall:", "AfterAllowTestTraffic:")
    only_error(server_text, "server", "hook-not-for-platform")


def test_ec2_events_never_run_in_an_ecs_deployment() -> None:
    text = PIPELINE_ECS + "Hooks:\n  - ValidateService: check\n"
    message = only_error(text, "ecs", "hook-not-for-platform")
    assert "EC2/On-Premises" in message and "AfterAllowTestTraffic" in message


def test_an_unknown_event_is_named_with_the_closest_one() -> None:
    message = only_error(
        SERVER_EXAMPLE.replace("ValidateService:", "ValidateServices:"), "server", "unknown-hook"
    )
    assert "Did you mean 'ValidateService'?" in message


@pytest.mark.parametrize("version", ["1.0", "0.2", '"1"', "true"])
def test_the_only_version_is_0_0(version: str) -> None:
    message = only_error(
        SERVER_EXAMPLE.replace("version: 0.0", f"version: {version}"), "server", "version"
    )
    assert "only allowed AppSpec version is 0.0" in message


def test_version_may_be_written_as_a_string() -> None:
    assert appspec.check(SERVER_EXAMPLE.replace("version: 0.0", 'version: "0.0"'), "server").ok


def test_a_script_timeout_is_at_most_an_hour() -> None:
    message = only_error(
        SERVER_EXAMPLE.replace("timeout: 180", "timeout: 3601"), "server", "hook-timeout"
    )
    assert "at most 3600 seconds" in message


def test_the_timeouts_of_one_event_add_up_to_an_hour_at_most() -> None:
    text = ACLS_AND_HOOKS.replace(
        "timeout: 180\n     - location: Scripts/PostDeploy.sh\n       timeout: 180",
        "timeout: 1800\n     - location: Scripts/PostDeploy.sh\n       timeout: 1801",
    )
    message = only_error(text, "server", "hook-timeout")
    assert "add up to 3601 seconds" in message


def test_windows_deployments_support_neither_runas_nor_permissions() -> None:
    text = SERVER_EXAMPLE.replace("os: linux", "os: windows").replace("/webapps", "c:\\webapps")
    only_error(text, "server", "runas-on-windows")
    with_permissions = WINDOWS_FILES + "permissions:\n  - object: c:\\temp\n"
    only_error(with_permissions, "server", "permissions-on-windows")


def test_a_destination_is_a_fully_qualified_path() -> None:
    message = only_error(
        SERVER_EXAMPLE.replace("/webapps/myApp", "webapps/myApp"),
        "server",
        "destination-not-absolute",
    )
    assert "files[1].destination (line 7)" in message
    only_error(WINDOWS_FILES.replace("c:\\temp", "temp"), "server", "destination-not-absolute")


@pytest.mark.parametrize(
    ("change", "rule", "said"),
    [
        (("os: linux", "os: ubuntu"), "bad-value", "must be one of linux, windows"),
        (("os: linux\n", ""), "missing-key", "the required key 'os' is missing"),
        (("timeout: 180", "timeout: 3 minutes"), "wrong-type", "must be a whole number"),
        (
            ("    - location: Scripts/UnzipDataBundle.sh", "    - timeout: 10"),
            "missing-key",
            "'location'",
        ),
        (
            ("  BeforeInstall:\n", "  BeforeInstall:\n    - Scripts/x.sh\n"),
            "wrong-type",
            "must be a mapping",
        ),
    ],
)
def test_schema_errors_name_the_key_and_teach(
    change: tuple[str, str], rule: str, said: str
) -> None:
    assert said in only_error(SERVER_EXAMPLE.replace(*change), "server", rule)


def test_file_exists_behavior_values() -> None:
    message = only_error(WINDOWS_FILES.replace("OVERWRITE", "KEEP"), "server", "bad-value")
    assert "DISALLOW, OVERWRITE, RETAIN" in message


def test_ec2_keys_are_case_sensitive_and_unknown_keys_are_warnings() -> None:
    report = appspec.check(SERVER_EXAMPLE.replace("hooks:", "Hooks:"), "server")
    assert report.ok  # the agent ignores the section ...
    (warning,) = report.warnings
    assert warning.rule == "unknown-key" and "Did you mean 'hooks'?" in str(warning)  # ... say so


def test_ecs_and_lambda_keys_are_matched_without_regard_to_case() -> None:
    lower = ECS_EXAMPLE.replace("Resources:", "resources:").replace("Properties:", "properties:")
    assert appspec.check(lower.replace("TaskDefinition:", "taskdefinition:"), "ecs").findings == ()


def test_ecs_resource_rules() -> None:
    port = only_error(
        PIPELINE_ECS.replace("ContainerPort: 80", 'ContainerPort: "80"'), "ecs", "wrong-type"
    )
    assert "ContainerPort (line 9): must be a whole number, not '80'" in port
    missing = PIPELINE_ECS.replace('          ContainerName: "sample-website"\n', "")
    assert "'ContainerName' is missing" in only_error(missing, "ecs", "missing-key")
    partial = ECS_EXAMPLE.replace('            AssignPublicIp: "ENABLED"\n', "")
    assert "AssignPublicIp missing" in only_error(
        partial, "ecs", "network-configuration-all-or-none"
    )
    wrong_type = PIPELINE_ECS.replace("AWS::ECS::Service", "AWS::Lambda::Function")
    assert "must be AWS::ECS::Service" in only_error(wrong_type, "ecs", "bad-value")


def test_a_task_definition_that_is_not_an_arn_is_a_warning() -> None:
    report = appspec.check(PIPELINE_ECS.replace("<TASK_DEFINITION>", "sample-website:3"), "ecs")
    assert report.ok and [f.rule for f in report.warnings] == ["task-definition-format"]


def test_ecs_hooks_are_a_list_of_single_key_mappings() -> None:
    ec2_style = PIPELINE_ECS + "Hooks:\n  AfterAllowTestTraffic:\n    - location: test.sh\n"
    assert "Hooks is a list of single-key mappings" in only_error(ec2_style, "ecs", "wrong-type")
    twice = PIPELINE_ECS + "Hooks:\n  - AfterAllowTraffic: a\n  - AfterAllowTraffic: b\n"
    assert rules(twice, "ecs") == {"duplicate-hook"}


def test_lambda_resource_rules() -> None:
    missing = LAMBDA_EXAMPLE.replace('        TargetVersion: "2"\n', "")
    assert "'TargetVersion' is missing" in only_error(missing, "lambda", "missing-key")
    same = appspec.check(LAMBDA_EXAMPLE.replace('TargetVersion: "2"', "TargetVersion: 1"), "lambda")
    assert same.ok and [f.rule for f in same.warnings] == ["same-version"]


def test_a_key_written_twice_is_a_warning_with_its_line() -> None:
    text = SERVER_EXAMPLE + "os: windows\n"
    (duplicate,) = appspec.check(text, "server").by_rule("duplicate-key")
    assert duplicate.line == 22 and "first is silently ignored" in duplicate.message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("version: 0.0\nos: [linux\n", "line 3"),
        ("version: 0.0\n  os: linux\n", "line 2"),
        ("", "the file is empty"),
    ],
)
def test_unreadable_yaml_is_a_spec_error_with_the_line(text: str, said: str) -> None:
    with pytest.raises(SpecError, match=said):
        appspec.check(text, "server")


@pytest.mark.parametrize(
    "text",
    [
        "- a\n- b\n",
        "just words",
        "version: 0.0\nResources: 3\nHooks: {a: 1}\n",
        "hooks: [1, 2]\n",
        "version: 0.0\nResources:\n  - x: 1\n  - 2\nHooks:\n  - 3\n  - {}\n",
        "files: {a: 1}\npermissions: 1\n",
    ],
)
@pytest.mark.parametrize("platform", ["server", "ecs", "lambda"])
def test_any_yaml_gives_findings_never_an_exception(text: str, platform: appspec.Platform) -> None:
    assert appspec.check(text, platform).errors
