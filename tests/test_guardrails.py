"""Guardrails (issue 17): checked on the merged blueprint, errors without --strict, each naming the rule
and the line (in whichever file) that set it, and the line that breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import validate
from generator.platform.guardrails import _overlaps

PROFILE = """\
service: placeholder
guardrails:
  required_tags: [team, cost-center]
  runtimes: [python3.12, python3.13]
  architectures: [arm64]
  max_memory: 1024
  max_timeout: 30
  public_routes: deny
  allow_public: ["GET /health"]
  alarms: required
  forbidden_actions: ["iam:*", "sts:AssumeRole"]
locked: [guardrails]
"""

GOOD = """\
extends: ../platform/acme.yaml
service: orders
tags: {team: orders, cost-center: "42"}
observability:
  alarms: {notify: [ops@example.com]}
functions:
  api:
    events:
      - http: GET /health
      - http: POST /orders
        auth: iam
    iam:
      - actions: ["s3:GetObject"]
        resources: ["arn:aws:s3:::bucket/*"]
"""

BAD = """\
extends: ../platform/acme.yaml
service: orders
tags:
  team: orders
defaults:
  memory: 2048
functions:
  api:
    runtime: nodejs22.x
    architecture: x86_64
    timeout: 60
    events:
      - http: GET /health
      - http: POST /orders
    iam:
      - actions: ["iam:PassRole", "s3:GetObject"]
        resources: ["*"]
        allow_wildcard: test
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "acme.yaml").write_text(PROFILE)
    (tmp_path / "svc").mkdir()
    return tmp_path


def diagnostics(bp: Path):
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    return info.value.diagnostics


def test_a_blueprint_within_the_guardrails_validates(repo):
    (repo / "svc" / "blueprint.yaml").write_text(GOOD)
    validate(repo / "svc" / "blueprint.yaml", strict=False)


def test_every_breach_names_the_rule_and_both_lines(repo):
    bp = repo / "svc" / "blueprint.yaml"
    bp.write_text(BAD)
    found = diagnostics(bp)
    assert {d.code for d in found} == {"SLS420"} and all(d.severity == "error" for d in found)
    assert all(d.file == str(bp) for d in found)
    got = sorted((d.line, path_str(d.path), d.message.split("` (")[0].removeprefix("guardrail `"),
                  d.message.split("(")[1].split(")")[0].split("platform/")[-1]) for d in found)
    assert got == [
        (1, "", "alarms: required", "acme.yaml:10"),
        (3, "tags", "required_tags: cost-center", "acme.yaml:3"),
        (6, "defaults.memory", "max_memory: 1024", "acme.yaml:6"),
        (9, "functions.api.runtime", "runtimes: [python3.12, python3.13]", "acme.yaml:4"),
        (10, "functions.api.architecture", "architectures: [arm64]", "acme.yaml:5"),
        (11, "functions.api.timeout", "max_timeout: 30", "acme.yaml:7"),
        (14, "functions.api.events[1].http", "public_routes: deny", "acme.yaml:8"),
        (16, "functions.api.iam[0].actions[0]", "forbidden_actions: iam:*", "acme.yaml:11"),
    ]


def test_a_breach_set_by_the_profile_is_located_in_the_profile(repo):
    (repo / "platform" / "acme.yaml").write_text(PROFILE + "defaults:\n  timeout: 45\n")
    (repo / "svc" / "blueprint.yaml").write_text(GOOD)
    [diag] = diagnostics(repo / "svc" / "blueprint.yaml")
    assert diag.file.endswith("platform/acme.yaml") and (diag.line, path_str(diag.path)) == (14, "defaults.timeout")


def test_a_breach_is_an_error_without_strict(repo):
    bp = repo / "svc" / "blueprint.yaml"
    bp.write_text(GOOD.replace("auth: iam", "auth: none"))
    result = CliRunner().invoke(main, ["validate", str(bp)])
    assert result.exit_code == 2 and "SLS420" in result.output and "public_routes: deny" in result.output


def test_a_stage_override_breaks_a_guardrail_at_the_override_line(repo):
    bp = repo / "svc" / "blueprint.yaml"
    bp.write_text(GOOD + "stages:\n  dev: {}\n  prod:\n    overrides:\n      defaults: {memory: 4096}\n")
    [diag] = diagnostics(bp)
    assert (diag.code, diag.line, path_str(diag.path)) == ("SLS420", 19, "defaults.memory")


def test_a_locked_guardrail_cannot_be_relaxed(repo):
    bp = repo / "svc" / "blueprint.yaml"
    bp.write_text(GOOD + "guardrails:\n  max_memory: 10240\n")
    [diag] = diagnostics(bp)
    assert (diag.code, diag.line, path_str(diag.path)) == ("SLS421", 15, "guardrails")
    assert "acme.yaml:12" in diag.message


def test_an_unlocked_guardrail_can_be_set_in_the_blueprint_itself(repo):
    bp = repo / "svc" / "blueprint.yaml"
    (repo / "platform" / "acme.yaml").write_text(PROFILE.replace("locked: [guardrails]\n", ""))
    bp.write_text(GOOD + "guardrails:\n  max_memory: 256\n")
    [diag] = diagnostics(bp)
    assert (diag.file, diag.line) == (str(bp), 7) and "max_memory: 256" in diag.message
    assert f"{bp}:16" in diag.message, "the rule's own line, in the blueprint"


@pytest.mark.parametrize("action, forbidden, hit", [
    ("iam:PassRole", "iam:*", True),
    ("IAM:passrole", "iam:PassRole", True),
    ("iam:*", "iam:PassRole", True),
    ("*", "sts:AssumeRole", True),
    ("sts:Assume*", "sts:AssumeRole", True),
    ("iam:Create*", "iam:CreateUser*", True),
    ("iam:Get*", "iam:Create*", False),
    ("s3:GetObject", "iam:*", False),
    ("sts:GetCallerIdentity", "sts:AssumeRole", False),
])
def test_forbidden_action_globs(action, forbidden, hit):
    assert _overlaps(action, forbidden) is hit
