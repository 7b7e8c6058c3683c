"""Container image functions (`image:`): what renders, what does not, and what `invoke` says."""

from __future__ import annotations

import json

from click.testing import CliRunner

from generator.cli import main


def _render(tmp_path, text: str):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(text)
    return CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")]), bp


def _function(tmp_path, name: str) -> str:
    tf = (tmp_path / "out" / "dev" / "lambda.tf").read_text()
    return " ".join(tf.split(f'resource "aws_lambda_function" "{name}"')[1].split("\n}\n")[0].split())


def test_an_image_function_has_no_zip_settings_and_defaults_do_not_apply(tmp_path):
    result, _ = _render(tmp_path, (
        "service: demo\nregion: eu-west-1\nobservability: {insights: true}\n"
        "defaults: {runtime: python3.12, package: {exclude: ['*.md']}, layers: ['arn:aws:lambda:{region}:{account}:layer:x:1']}\n"
        "functions:\n  resize:\n    image: '{account}.dkr.ecr.{region}.amazonaws.com/resize@sha256:" + "a" * 64 + "'\n"
        "    architecture: x86_64\n    events: [{schedule: rate(1 hour)}]\n"))
    assert result.exit_code == 0, result.output
    fn = _function(tmp_path, "resize")
    assert ('package_type = "Image" image_uri = "${local.account_id}.dkr.ecr.${local.region}.amazonaws.com/resize@sha256:'
            + "a" * 64 + '" architectures = ["x86_64"]') in fn
    for zip_only in ("runtime", "handler", "filename", "source_code_hash", "layers"):
        assert f"{zip_only} =" not in fn, zip_only
    assert not (tmp_path / "out" / "dist").exists() and not (tmp_path / "src").exists()
    assert not (tmp_path / "out" / "dev" / "insights.tf").exists()  # no layer to add it to


def test_an_image_read_from_ssm_is_a_plan_time_data_source(tmp_path):
    result, _ = _render(tmp_path, "service: demo\nfunctions:\n  resize:\n    image: {ssm: /images/resize}\n")
    assert result.exit_code == 0, result.output
    fn = _function(tmp_path, "resize")
    assert "image_uri = data.aws_ssm_parameter.ssm_images_resize.insecure_value" in fn
    main_tf = "".join(p.read_text() for p in (tmp_path / "out" / "dev").glob("*.tf"))
    assert 'data "aws_ssm_parameter" "ssm_images_resize"' in main_tf


def test_invoke_says_it_does_not_run_images(tmp_path):
    _, bp = _render(tmp_path, "service: demo\nfunctions:\n  resize:\n    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/r:1\n")
    (tmp_path / "ev.json").write_text(json.dumps({}))
    result = CliRunner().invoke(main, ["invoke", "resize", str(bp), "--event", str(tmp_path / "ev.json")])
    assert result.exit_code == 1
    assert "resize: a container image function: sls-gen invoke runs zip functions only" in result.output
    assert "runtime interface emulator" in result.output
