"""CodeBuild buildspecs, with golden cases from the AWS documentation:
- REF: https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html
- PYTEST: https://docs.aws.amazon.com/codebuild/latest/userguide/test-report-pytest.html
- JEST: https://docs.aws.amazon.com/codebuild/latest/userguide/test-report-jest.html
- COV: https://docs.aws.amazon.com/codebuild/latest/userguide/code-coverage-report.html
- CACHE: https://docs.aws.amazon.com/codebuild/latest/userguide/caching-s3.html
"""

from __future__ import annotations

import pytest

from certprep.labs.graders import buildspec
from certprep.labs.graders.yamldoc import SpecError

# REF: "Buildspec example"
REF_EXAMPLE = """\
version: 0.2

env:
  variables:
    JAVA_HOME: "/usr/lib/jvm/java-8-openjdk-amd64"
  parameter-store:
    LOGIN_PASSWORD: /CodeBuild/dockerLoginPassword

phases:
  install:
    commands:
      - echo Entered the install phase...
      - apt-get update -y
      - apt-get install -y maven
    finally:
      - echo This always runs even if the update or install command fails
  pre_build:
    commands:
      - echo Entered the pre_build phase...
      - docker login -u User -p $LOGIN_PASSWORD
    finally:
      - echo This always runs even if the login command fails
  build:
    commands:
      - echo Entered the build phase...
      - echo Build started on `date`
      - mvn install
    finally:
      - echo This always runs even if the install command fails
  post_build:
    commands:
      - echo Entered the post_build phase...
      - echo Build completed on `date`

reports:
  arn:aws:codebuild:your-region:your-aws-account-id:report-group/report-group-name-1:
    files:
      - "**/*"
    base-directory: 'target/tests/reports'
    discard-paths: no
  reportGroupCucumberJson:
    files:
      - 'cucumber/target/cucumber-tests.xml'
    discard-paths: yes
    file-format: CUCUMBERJSON # default is JUNITXML
artifacts:
  files:
    - target/messageUtil-1.0.jar
  discard-paths: yes
  secondary-artifacts:
    artifact1:
      files:
        - target/artifact-1.0.jar
      discard-paths: yes
    artifact2:
      files:
        - target/artifact-2.0.jar
      discard-paths: yes
cache:
  paths:
    - '/root/.m2/**/*'
"""

# REF: artifacts/name examples
ARTIFACT_NAMES = [
    f"""\
version: 0.2
phases:
  build:
    commands:
      - rspec HelloWorld_spec.rb
artifacts:
  files:
    - '**/*'
  name: {name}
"""
    for name in ("myname-$(date +%Y-%m-%d)", "myname-$AWS_REGION", "$AWS_REGION-$(date +%Y-%m-%d)")
]

# REF: artifacts/base-directory examples, and runtime-versions
BASE_DIRECTORY = """\
version: 0.2
phases:
  install:
    runtime-versions:
      java: corretto8
      python: 3.x
      ruby: "$MY_RUBY_VAR"
  build:
    commands:
      - make
artifacts:
  files:
    - '**/*'
  base-directory: 'my-build*'
  discard-paths: yes
"""

# PYTEST and JEST: "In your buildspec.yml file, add/update the following sections"
PYTEST_REPORTS = """\
version: 0.2

phases:
  install:
    runtime-versions:
      python: 3.7
    commands:
      - pip3 install pytest
  build:
    commands:
      - python -m pytest --junitxml=<test report directory>/<report filename>

reports:
  pytest_reports:
    files:
      - <report filename>
    base-directory: <test report directory>
    file-format: JUNITXML
"""
JEST_REPORTS = """\
version: 0.2

phases:
  pre_build:
    commands:
      - npm install
  build:
    commands:
      - npm build
      - npm test

reports:
  jest_reports:
    files:
      - <report filename>
    file-format: JUNITXML
    base-directory: <test report directory>
"""

# COV: the JaCoCo code coverage report group; REF: a secrets-manager reference;
# CACHE: a dynamic cache key
COVERAGE_SECRETS_CACHE = """\
version: 0.2
env:
  secrets-manager:
    LOCAL_SECRET_VAR: "TestSecret:MY_SECRET_VAR"
phases:
  build:
    commands:
      - mvn test
reports:
  jacoco-report:
    files:
      - 'test-results/jacoco-coverage-report.xml'
    file-format: 'JACOCOXML'
cache:
  key: npm-key-$(codebuild-hash-files package-lock.json)
  paths:
    - 'node_modules/**/*'
"""


@pytest.mark.parametrize(
    "text",
    [
        REF_EXAMPLE,
        *ARTIFACT_NAMES,
        BASE_DIRECTORY,
        PYTEST_REPORTS,
        JEST_REPORTS,
        COVERAGE_SECRETS_CACHE,
    ],
)
def test_the_documented_examples_are_valid(text: str) -> None:
    report = buildspec.check(text)
    assert report.ok and not report.findings, [str(f) for f in report.findings]


def only_error(text: str, rule: str) -> str:
    report = buildspec.check(text)
    assert [f.rule for f in report.errors] == [rule], [str(f) for f in report.findings]
    return str(report.errors[0])


def warnings(text: str) -> list[str]:
    report = buildspec.check(text)
    assert report.ok, [str(f) for f in report.errors]
    return [f.rule for f in report.warnings]


MINIMAL = """\
version: 0.2
phases:
  install:
    runtime-versions:
      nodejs: 20
  build:
    commands:
      - npm test
"""


@pytest.mark.parametrize("phase", ["pre_build", "build", "post_build"])
def test_runtime_versions_is_allowed_only_in_install(phase: str) -> None:
    text = f"version: 0.2\nphases:\n  {phase}:\n    runtime-versions:\n      nodejs: 20\n    commands:\n      - npm test\n"
    message = only_error(text, "runtime-versions-outside-install")
    assert f"phases.{phase}.runtime-versions (line 4)" in message and "install phase" in message


@pytest.mark.parametrize("version", ["0.3", "1.0", '"2"', "yes"])
def test_a_wrong_version_is_an_error(version: str) -> None:
    assert "0.2 (recommended) or 0.1" in only_error(MINIMAL.replace("0.2", version, 1), "version")


def test_version_0_1_is_supported_but_warned_about() -> None:
    assert warnings(MINIMAL.replace("0.2", "0.1", 1)) == ["version-0.1"]
    assert buildspec.check(MINIMAL.replace("0.2", '"0.2"', 1)).findings == ()


def test_a_command_with_colon_space_must_be_quoted() -> None:
    text = MINIMAL.replace("- npm test", "- echo Build: done")
    message = only_error(text, "command-not-string")
    assert "phases.build.commands[0] (line 8)" in message and "quotes" in message
    assert buildspec.check(MINIMAL.replace("- npm test", '- "echo Build: done"')).ok


def test_commands_are_required_except_in_install() -> None:
    text = "version: 0.2\nphases:\n  build:\n    finally:\n      - echo done\n"
    assert "'commands' is missing" in only_error(text, "missing-key")
    assert buildspec.check(MINIMAL.replace("  build:\n    commands:\n      - npm test\n", "")).ok


@pytest.mark.parametrize(
    "value", ["ABORT", "CONTINUE", "RETRY", "RETRY-4", "RETRY-0", "RETRY-100", "RETRY-8-invalid+"]
)
def test_documented_on_failure_values(value: str) -> None:
    assert buildspec.check(MINIMAL.replace("  build:\n", f"  build:\n    on-failure: {value}\n")).ok


def test_bad_on_failure_values() -> None:
    retry = MINIMAL.replace("  build:\n", "  build:\n    on-failure: RETRY-101\n")
    assert "between 0 and 100" in only_error(retry, "on-failure-retry-count")
    skip = MINIMAL.replace("  build:\n", "  build:\n    on-failure: SKIP\n")
    assert "ABORT, CONTINUE, RETRY" in only_error(skip, "bad-value")


@pytest.mark.parametrize(
    ("fmt", "ok"),
    [
        ("JUNITXML", True),
        ("JunitXml", True),
        ("cucumberjson", True),
        ("COBERTURAXML", True),
        ("XUNIT", False),
    ],
)
def test_report_file_formats_are_the_documented_ones_in_any_case(fmt: str, ok: bool) -> None:
    report = buildspec.check(PYTEST_REPORTS.replace("file-format: JUNITXML", f"file-format: {fmt}"))
    assert report.ok is ok
    assert buildspec.report_type(fmt) == ("coverage" if fmt == "COBERTURAXML" else "test")


def test_at_most_five_report_groups() -> None:
    groups = "".join(f"  group{n}:\n    files: [r{n}.xml]\n" for n in range(6))
    assert "at most 5" in only_error(MINIMAL + "reports:\n" + groups, "too-many-report-groups")


def test_a_coverage_report_without_a_coverage_format_is_read_as_test_results() -> None:
    text = MINIMAL + "reports:\n  coverage:\n    files: [coverage/cobertura-coverage.xml]\n"
    assert warnings(text) == ["report-format-mismatch"]
    assert "JUNITXML (the default when it is not set)" in str(buildspec.check(text).warnings[0])
    junit_as_coverage = (
        MINIMAL + "reports:\n  t:\n    files: [junit.xml]\n    file-format: CLOVERXML\n"
    )
    assert warnings(junit_as_coverage) == ["report-format-mismatch"]


def test_artifacts_files_is_always_required() -> None:
    text = MINIMAL + "artifacts:\n  secondary-artifacts:\n    a1:\n      files: [x.jar]\n"
    assert "always required" in only_error(text, "missing-key")


@pytest.mark.parametrize(
    ("section", "rule"),
    [
        ("env:\n  shell: zsh\n", "bad-value"),
        ("env:\n  git-credential-helper: maybe\n", "bad-value"),
        ("cache:\n  paths: [a]\n  action: both\n", "bad-value"),
        ("cache:\n  paths: [a]\n  fallback-keys: [a, b, c, d, e, f]\n", "bad-value"),
        ("cache:\n  key: k\n", "missing-key"),
        ("proxy:\n  logs: sometimes\n", "bad-value"),
        ("env:\n  exported-variables: [AWS_REGION]\n", "export-aws-prefix"),
        ("env:\n  variables:\n    CODEBUILD_MODE: fast\n", "reserved-variable-prefix"),
        ("env:\n  exported-variables: MY_VAR\n", "wrong-type"),
    ],
)
def test_documented_constraints(section: str, rule: str) -> None:
    only_error(MINIMAL + section, rule)


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        ("TestSecret:MY_SECRET_VAR", True),
        ("TestSecret", True),
        ("TestSecret::AWSPREVIOUS", True),
        ("TestSecret:::a1b2c3", True),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password", True),
        ("TestSecret:key:AWSCURRENT:a1b2c3", False),
        (":key", False),
        ("a:b:c:d:e", False),
        ("arn:aws:secretsmanager:us-east-1", False),
    ],
)
def test_secrets_manager_reference_keys(reference: str, ok: bool) -> None:
    report = buildspec.check(MINIMAL + f'env:\n  secrets-manager:\n    DB: "{reference}"\n')
    assert report.ok is ok, [str(f) for f in report.findings]
    assert bool(report.by_rule("secrets-manager-reference")) is not ok


@pytest.mark.parametrize(
    ("variables", "secret"),
    [
        ("DB_PASSWORD: hunter2", True),
        ("GITHUB_TOKEN: abc", True),
        ("API_KEY: abc", True),
        ("AWS_SECRET_ACCESS_KEY: abc", True),
        ("AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE", True),
        ("SOME_ID: AKIAIOSFODNN7EXAMPLE", True),
        ("NPMRC: npm_EXAMPLEEXAMPLEEXAMPLEEXAMPLE12345678", True),
        ("DB_PASSWORD: $DB_PASSWORD_FROM_PROJECT", False),
        ("JAVA_HOME: /usr/lib/jvm", False),
        ("CACHE_KEY: v1", False),
        ("TOKENIZER_MODEL: small", False),
    ],
)
def test_plain_text_secrets_in_env_variables(variables: str, secret: bool) -> None:
    found = warnings(MINIMAL + f"env:\n  variables:\n    {variables}\n")
    assert (found == ["plaintext-secret"]) is secret, found


def test_a_secret_inside_a_command_is_found_too() -> None:
    text = MINIMAL.replace(
        "- npm test", "- aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"
    )
    assert warnings(text) == ["plaintext-secret"]
    assert (
        warnings(MINIMAL + "env:\n  parameter-store:\n    DB_PASSWORD: /prod/db/password\n") == []
    )


@pytest.mark.parametrize(
    ("command", "swallowed"),
    [
        ("pytest || true", True),
        ("npm test || echo tests failed", True),
        ("make test || exit 0", True),
        ("go test ./... || :", True),
        ("mvn test; true", True),
        ("set +e", True),
        ("pytest || exit 1", False),
        ("pytest && echo ok", False),
        ("npm ci --no-audit", False),
        ("test -f a.txt", False),
    ],
)
def test_commands_that_hide_their_failure(command: str, swallowed: bool) -> None:
    found = warnings(MINIMAL.replace("- npm test", f'- "{command}"'))
    assert (found == ["failure-swallowed"]) is swallowed, found


def test_cleanup_in_finally_may_ignore_its_failure() -> None:
    text = MINIMAL.replace(
        "      - npm test\n",
        "      - npm test\n    finally:\n      - docker compose down || true\n",
    )
    assert warnings(text) == []


def test_a_misspelt_phase_is_a_warning_that_names_the_phase() -> None:
    report = buildspec.check(MINIMAL.replace("  build:", "  prebuild:"))
    (warning,) = report.warnings
    assert warning.rule == "unknown-key" and "Did you mean 'pre_build'?" in str(warning)
    assert "never run" in str(warning)


def test_a_phase_written_twice_keeps_only_the_last() -> None:
    text = MINIMAL + "  build:\n    commands:\n      - npm run build\n"
    (duplicate,) = buildspec.check(text).by_rule("duplicate-key")
    assert duplicate.line == 9 and str(duplicate).startswith("phases.build (line 9)")


def test_unreadable_yaml_is_a_spec_error_with_the_line() -> None:
    with pytest.raises(SpecError, match=r"found .<stream end>. \(line 4, column 1\)"):
        buildspec.check("version: 0.2\nphases:\n  build: [\n")
    with pytest.raises(SpecError, match="single document"):
        buildspec.check(MINIMAL + "---\n" + MINIMAL)


@pytest.mark.parametrize(
    "text",
    [
        "- a\n",
        "42",
        "version: 0.2\nphases: [build]\n",
        "version: 0.2\nphases:\n  build: 1\nenv: x\nreports: []\n",
        "version: 0.2\nphases:\n  install: {runtime-versions: [1]}\nenv: {variables: [a], secrets-manager: {a: 1}}\n",
        "{version: 0.2, phases: {build: {commands: [[1], {a: b}, null]}}, reports: {r: {file-format: 3}}}",
    ],
)
def test_any_yaml_gives_findings_never_an_exception(text: str) -> None:
    assert buildspec.check(text).errors
