"""uses: function, iam: statements, compiled runtimes and REST APIs: the rules a user relies on."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from rendering import CASES, render_copy

from generator.pipeline import render


def test_allow_wildcard_is_not_emitted_and_statements_keep_their_order(tmp_path):
    result, out, _ = render_copy(CASES / "iam_statements", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    iam = (out / "dev" / "iam.tf").read_text()
    assert "allow_wildcard" not in iam and "read-only and owned" not in iam
    order = [iam.index(s) for s in ('Sid      = "XRay"', '"SendFromDomain"', '"Extra1"', '"Extra2"', '"Extra3"')]
    assert order == sorted(order)
    assert 'Effect   = "Deny"' in iam
    # IAM policy variables stay literal for IAM, not Terraform interpolations.
    assert '"arn:aws:s3:::mailer-templates/$${aws:username}/*"' in iam


def test_uses_function_self_and_mutual_render_without_a_cycle(tmp_path):
    """A function that invokes itself, or two that invoke each other, must not make a Terraform cycle."""
    result, out, _ = render_copy(CASES / "uses_function", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    iam = (out / "dev" / "iam.tf").read_text()
    lam = (out / "dev" / "lambda.tf").read_text()
    assert "aws_lambda_function." not in iam  # ARNs are built from names, never referenced
    assert 'DISPATCHER_FUNCTION_NAME  = "relay-dev-dispatcher"' in lam
    assert ":function:relay-dev-worker\"" in iam and "lambda:InvokeFunction" in iam


def test_uses_function_targets_the_live_alias_when_there_is_one(tmp_path):
    from generator.model.blueprint import Blueprint
    from generator.plan.build import build_plan

    bp = Blueprint.model_validate(
        {"service": "demo", "functions": {"a": {"uses": [{"function": "b"}]}, "b": {"snapstart": True, "runtime": "java21"}}}
    )
    a = next(f for f in build_plan(bp, "dev", "bp.yaml").functions if f.name == "a")
    env = dict(a.environment)
    assert env["B_FUNCTION_NAME"] == '"demo-dev-b:live"'
    invoke = next(s for s in a.statements if "lambda:InvokeFunction" in s.actions)
    assert [str(r) for r in invoke.resources] == [
        '"arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:demo-dev-b:live"'
    ]


def test_compiled_artifact_is_copied_when_built_and_warned_when_not(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CASES / "java_function", src)
    rendered = render(src / "blueprint.yaml")
    assert rendered.outputs["dist/settle.zip"] == (src / "jvm/settle/target/settle-1.0.jar").read_bytes()
    assert "dist/price-quote.zip" not in rendered.outputs
    [warning] = [w for w in rendered.warnings if w.code == "SLS505"]  # SLS501 (public route) may come too
    assert (warning.code, warning.line, warning.severity) == ("SLS505", 6, "warning")
    assert "cd src/price_quote && mvn package" in warning.hint
    # After the user builds, a re-render picks the artifact up.
    built = src / "src/price_quote/target/function.jar"
    built.parent.mkdir(parents=True)
    with zipfile.ZipFile(built, "w") as zf:
        zf.writestr("example/Handler.class", b"\xca\xfe\xba\xbe")
    again = render(src / "blueprint.yaml")
    assert again.outputs["dist/price-quote.zip"] == built.read_bytes()
    assert not [w for w in again.warnings if w.code == "SLS505"]


def test_compiled_function_terraform_guards_a_missing_artifact(tmp_path):
    result, out, src = render_copy(CASES / "java_function", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    lam = (out / "dev" / "lambda.tf").read_text()
    assert 'fileexists("${path.module}/../dist/price-quote.zip") ? filebase64sha256(' in lam
    assert "precondition {" in lam and "cd src/price_quote && mvn package" in lam
    assert 'handler       = "com.example.settle.Settle::handle"' in lam
    assert 'runtime       = "java17"' in lam and 'runtime       = "java21"' in lam
    # Scaffold: a Maven project whose jar is the default artifact; the existing code dir is untouched.
    pom = (src / "src/price_quote/pom.xml").read_text()
    assert "<finalName>function</finalName>" in pom and "<maven.compiler.release>21</maven.compiler.release>" in pom
    handler = (src / "src/price_quote/src/main/java/example/Handler.java").read_text()
    assert "implements RequestHandler<Map<String, Object>, Map<String, Object>>" in handler
    assert (src / "src/price_quote/src/test/java/example/HandlerTest.java").is_file()
    assert (src / "jvm/settle/pom.xml").read_text() == "<project/>\n"


def test_provided_scaffold_builds_the_default_artifact_for_the_right_arch(tmp_path):
    result, _, src = render_copy(CASES / "provided_runtime", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    makefile = (src / "src/resize/Makefile").read_text()
    assert "GOARCH ?= arm64" in makefile and "build/function.zip:" in makefile
    assert "\tGOOS=linux GOARCH=$(GOARCH) CGO_ENABLED=0 go build" in makefile
    assert "lambda.Start(handle)" in (src / "src/resize/main.go").read_text()


@pytest.mark.parametrize(
    "path, expected",
    [("/", "~1/GET"), ("/items", "~1items/GET"), ("/items/{id}/reviews", "~1items~1{id}~1reviews/GET")],
)
def test_rest_method_settings_paths_are_tilde_encoded(path, expected):
    from generator.model.blueprint import Blueprint
    from generator.plan.build import build_plan

    bp = Blueprint.model_validate(
        {"service": "demo", "api": {"type": "rest", "cache": {}}, "functions": {"a": {"events": [{"http": f"GET {path}"}]}}}
    )
    [method] = build_plan(bp, "dev", "bp.yaml").api.rest.methods
    assert method.method_path == expected and method.cached


@pytest.mark.parametrize("case", ["rest_api", "http_api_jwt"])
def test_each_function_behind_the_api_gets_one_permission(case, tmp_path):
    """Lambda rejects a second permission with the same statement id on one function: the API grants
    each function once (docs/decisions/api-permissions.md), whatever its number of routes."""
    import re

    result, out, _ = render_copy(CASES / case, "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    api = (out / "dev" / "api.tf").read_text()
    pairs = re.findall(r'statement_id\s*=\s*"([^"]+)"\s*\n\s*action\s*=.*\n\s*function_name\s*=\s*(\S+)', api)
    assert len(pairs) >= 3
    assert len(set(pairs)) == len(pairs)
    functions = [fn for _, fn in pairs]
    assert len(set(functions)) == len(functions)
