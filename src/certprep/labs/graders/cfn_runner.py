"""cfn-lint, run in-process on a template text, with certprep's rules (``cfn_rules``) added.

- One cfn-lint ``Runner`` per process: loading its ~330 rules and the resource schemas takes
  most of a second, so it is built on first use and reused for every template.
- Region: us-east-1 only (each extra region repeats the region-specific checks).
- Rules run: cfn-lint's errors (E), warnings (W) and informational rules (I), but for
  ``LEFT_OUT``, and certprep's E9101-E9106.
  All of them are mandatory: a template cannot switch a rule off with ``Metadata: cfn-lint``
  (template-wide config or per-resource ``ignore_checks``), and no ``.cfnlintrc`` of the home
  or working folder is read, so every learner is graded the same way.
- ``LintResult.syntax_errors``: the text is not a YAML or JSON mapping (cfn-lint's decoder
  handles the short-form tags such as ``!Ref``; nothing is constructed from other tags).
- ``LintResult.errors``: cfn-lint's own E findings. CloudFormation rejects such a template or
  fails to deploy it, so a grader should treat them as fatal. Warnings (W) and informational
  findings (I) are kept in ``findings`` for checks that ask for them, and do not fail a
  template on their own. certprep's E91xx findings are never in ``errors``.
- ``LintResult.refused``: the template was not linted because it is over a limit, of
  CloudFormation (51,200 bytes in a request, 500 resources) or of certprep (``Fn::Sub``
  strings, conditions, YAML aliases); ``cfn_limits`` lists them. They are checked before the
  lint, which holds the shared runner and whose time grows faster than the template.
- A template on which cfn-lint itself fails (it expects some values to have the right type,
  such as a resource's ``Metadata`` being a mapping) is ``refused`` too, saying so.
- Thread-safe: the shared runner lints one template at a time.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from cfnlint.config import ConfigMixIn  # type: ignore[import-untyped]
from cfnlint.decode.decode import decode_str  # type: ignore[import-untyped]
from cfnlint.rules import Rules  # type: ignore[import-untyped]
from cfnlint.runner import Runner  # type: ignore[import-untyped]

from certprep.labs.graders import cfn_limits
from certprep.labs.graders.cfn_rules import CERTPREP_RULE_IDS, CERTPREP_RULES

log = logging.getLogger(__name__)
REGION = "us-east-1"
_LOCK = threading.Lock()  # one runner, shared state: the web app grades from several threads
SEVERITIES = {"E": "error", "W": "warning", "I": "informational"}
LEFT_OUT = frozenset({"E3062"})
"""cfn-lint rules certprep does not run. E3062 (DB instance class valid for the engine
version) walks a 5 MB schema once per allowed value of the class and took about 70% of the
time of a whole lint; E3025 still checks that the class exists in the region."""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    line: int
    message: str
    path: tuple[str | int, ...] = ()

    @property
    def resource(self) -> str | None:
        """The logical id of the resource the finding is about, if any."""
        if len(self.path) >= 2 and self.path[0] == "Resources":
            return str(self.path[1])
        return None

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule_id} {self.message}"


@dataclass(frozen=True)
class LintResult:
    template: dict[str, Any] | None
    syntax_errors: tuple[Finding, ...] = ()
    findings: tuple[Finding, ...] = ()
    refused: str = ""  # why the template was not linted (over a limit of cfn_limits)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """cfn-lint's own errors: the template is invalid or fails to deploy."""
        return tuple(
            f
            for f in self.findings
            if f.rule_id.startswith("E") and f.rule_id not in CERTPREP_RULE_IDS
        )

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == rule_id)


def lint(text: str) -> LintResult:
    """Decode and lint one template text."""
    if (too_big := cfn_limits.text_problem(text)) is not None:
        return LintResult(None, refused=too_big)
    template, decode_errors = decode_str(text)
    if decode_errors:
        return LintResult(None, syntax_errors=tuple(_finding(m) for m in decode_errors))
    if not isinstance(template, dict):
        problem = Finding("E0000", 1, "a template must be a mapping with a Resources section")
        return LintResult(None, syntax_errors=(problem,))
    if (over := cfn_limits.template_problem(template)) is not None:
        return LintResult(None, refused=over)
    try:
        with _LOCK:  # validate_template is a generator: consume it under the lock
            matches = list(_runner().validate_template(template))
    except RecursionError:
        return LintResult(None, refused="it is nested too deeply for cfn-lint")
    except Exception as exc:  # cfn-lint trips over a value of an unexpected type
        log.warning("cfn-lint failed on a template", exc_info=True)
        return LintResult(None, refused=_lint_failure(exc))
    findings = sorted({_finding(m) for m in matches}, key=lambda f: (f.line, f.rule_id))
    return LintResult(template, findings=tuple(findings))


def _lint_failure(exc: Exception) -> str:
    try:
        detail = " ".join(str(exc).split())[:200]
    except Exception:
        detail = ""
    return (
        f"cfn-lint stopped on it ({type(exc).__name__}{': ' + detail if detail else ''}); a "
        "section or attribute most likely has a value of the wrong type, such as a list where "
        "CloudFormation expects a mapping"
    )


def known_rule_ids() -> frozenset[str]:
    """Every rule id a check can name: cfn-lint's and certprep's."""
    return frozenset(_runner().rules.keys())


class _Config(ConfigMixIn):  # type: ignore[misc]
    """cfn-lint's configuration without the per-template and per-folder overrides."""

    def _find_config(self) -> tuple[str, str]:
        return "", ""  # no ~/.cfnlintrc, no ./.cfnlintrc

    def set_template_args(self, template: Any) -> None:
        self._template_args: dict[str, Any] = {}  # ignore the template's Metadata: cfn-lint: config


@cache
def _runner() -> Any:
    config = _Config(regions=[REGION], include_checks=["I"], mandatory_checks=list(SEVERITIES))
    runner = Runner(config)
    rules = Rules(
        {rule_id: rule for rule_id, rule in runner.rules.items() if rule_id not in LEFT_OUT}
    )
    for rule in CERTPREP_RULES:
        rules.register(rule())
    runner.rules = rules
    return runner


def _finding(match: Any) -> Finding:
    path = getattr(match, "path", None) or ()
    return Finding(
        rule_id=str(match.rule.id),
        line=int(match.linenumber or 1),
        message=str(match.message),
        path=tuple(path),
    )
