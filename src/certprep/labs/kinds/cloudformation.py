"""CloudFormation labs: the learner writes a template (YAML, short-form tags allowed, or JSON)
and certprep lints it with cfn-lint plus its own rules (``graders/cfn_runner``).

Before any check: a template over a limit of ``graders/cfn_limits`` (51,200 bytes, 500
resources, long ``Fn::Sub`` strings, ...) fails every check saying which, without a lint; a
text that is not a YAML/JSON mapping fails every check with the parser's message and line; a template with cfn-lint errors (E rules: CloudFormation would reject it or
fail to deploy it) fails every check with those errors. Warnings and informational findings
fail only the checks that name their rule.

A check then asserts any of these (all that it gives must hold), in the catalog's YAML::

    rules: [E9101, W1011]         # these rules report nothing: certprep's E9101-E9106
                                  # (graders/cfn_rules) or any cfn-lint rule id
    resources: {AWS::EC2::Subnet: 2}            # at least so many resources of each type
    require:                                    # graders/cfn_assertions.Requirement
      - {resource_type: AWS::RDS::DBInstance, path: Properties.MultiAZ, equals: true}
      - {path: Parameters.Environment.AllowedValues, present: true}
    outputs:                                    # graders/cfn_assertions.check_output
      - {name: VpcId, export: "${AWS::StackName}-VpcId", refers_to: AWS::EC2::VPC}

A failed check says its ``why`` and then each problem with its line and the resource or
output it is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from certprep.labs.graders import cfn_assertions, cfn_runner
from certprep.labs.graders.cfn_runner import Finding, LintResult
from certprep.labs.model import Check, CheckResult, Lab

_MAX_SHOWN = 4
_MAX_MESSAGE = 300


class RequireSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    resource_type: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]+::[A-Za-z0-9]+::\w+$")
    present: bool | None = None
    equals: Any = None
    one_of: tuple[Any, ...] | None = None
    at_least: float | None = None
    at_most: float | None = None
    contains: tuple[str, ...] | None = None
    min_items: int | None = Field(default=None, ge=1)
    refers_to: str | None = None

    @model_validator(mode="after")
    def _asserts_something(self) -> RequireSpec:
        if not self.model_fields_set - {"path", "resource_type"}:
            raise ValueError("a requirement needs an assertion (equals, present, one_of, ...)")
        return self

    def requirement(self) -> cfn_assertions.Requirement:
        fields = self.model_dump(include=self.model_fields_set)
        return cfn_assertions.Requirement(**fields)


class OutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    export: str | None = None
    refers_to: str | None = None


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[str, ...] = Field(default=(), description="rule ids that must report nothing")
    resources: dict[str, int] = Field(default_factory=dict)
    require: tuple[RequireSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()

    @model_validator(mode="after")
    def _checks_something(self) -> CheckSpec:
        if not (self.rules or self.resources or self.require or self.outputs):
            raise ValueError("a check needs rules, resources, require or outputs")
        bad = [r for r in self.rules if not (len(r) == 5 and r[0] in "EWI" and r[1:].isdigit())]
        if bad:
            raise ValueError(f"not rule ids: {bad}")
        return self


def grade(lab: Lab, text: str, workspace: Path | None = None) -> list[CheckResult]:
    result = cfn_runner.lint(text)
    if result.refused:
        reason = f"certprep did not lint this template: {result.refused}."
        return CheckResult.all_failed(lab.checks, reason)
    if result.syntax_errors:
        problems = [f"line {f.line}: {f.message}" for f in result.syntax_errors[:_MAX_SHOWN]]
        reason = "The template is not valid YAML or JSON: " + "; ".join(problems)
        return CheckResult.all_failed(lab.checks, reason)
    if result.errors:
        reason = (
            "cfn-lint finds errors, so CloudFormation would reject this template or fail to "
            "deploy it: " + _list(result.errors)
        )
        return CheckResult.all_failed(lab.checks, reason)
    return [_check(check, CheckSpec.model_validate(check.fields), result) for check in lab.checks]


def _check(check: Check, spec: CheckSpec, result: LintResult) -> CheckResult:
    template = result.template
    problems: list[str] = []
    for rule_id in spec.rules:
        problems.extend(_finding(f) for f in result.by_rule(rule_id))
    found = cfn_assertions.check_resource_counts(template, spec.resources)
    for req in spec.require:
        found.extend(cfn_assertions.check_requirement(template, req.requirement()))
    for out in spec.outputs:
        found.extend(cfn_assertions.check_output(template, out.name, out.export, out.refers_to))
    problems.extend(str(p) for p in found)
    if not problems:
        return CheckResult(check.name, True, "", check.doc)
    shown = problems[:_MAX_SHOWN]
    more = len(problems) - len(shown)
    detail = " ".join([check.why, *(p[:1].upper() + p[1:] + "." for p in shown)])
    if more:
        detail += f" ({more} more like this.)"
    return CheckResult(check.name, False, detail, check.doc)


def _finding(finding: Finding) -> str:
    text = str(finding)
    if finding.resource and finding.resource not in finding.message:
        text += f" (resource {finding.resource})"
    return _short(text)


def _list(findings: tuple[Finding, ...]) -> str:
    # E0002 is a cfn-lint rule that crashed on the template: show the real errors first
    findings = tuple(sorted(findings, key=lambda f: f.rule_id == "E0002"))
    shown = [_finding(f) for f in findings[:_MAX_SHOWN]]
    more = len(findings) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _short(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
