"""Layers built like function code (generator/package/layers.py), with real packages from PyPI and
npm where they install dependencies: where each file lands in the zip (python/, one site-packages
per CPython, nodejs/node_modules), determinism, the install cache, the unzipped limit of a function
and its layers, and the Terraform wiring of layer versions into functions."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.package import deps

pytestmark = [pytest.mark.xdist_group("pip")]
pip = pytest.mark.pip
npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


def _render(bp: Path, out: Path):
    return CliRunner().invoke(main, ["render", str(bp), "-o", str(out)], catch_exceptions=False)


def _names(out: Path, layer: str) -> list[str]:
    return zipfile.ZipFile(io.BytesIO((out / "dist" / "layers" / f"{layer}.zip").read_bytes())).namelist()


def _flat(text: str) -> str:
    """HCL with every run of whitespace as one space (alignment and line breaks are fmt's)."""
    return " ".join(text.split())


def _blueprint(tmp_path: Path, layers: str, functions: str = "  fn: {layers: [common]}\n") -> Path:
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nregion: eu-west-1\nlayers:\n{layers}functions:\n{functions}")
    return bp


def test_a_folder_of_modules_goes_under_python_and_a_laid_out_one_as_it_is(tmp_path):
    (tmp_path / "layers" / "common").mkdir(parents=True)
    (tmp_path / "layers" / "common" / "common_utils.py").write_text("X = 1\n")
    (tmp_path / "layers" / "common" / ".env").write_text("TOKEN=1\n")
    (tmp_path / "layers" / "bin" / "bin").mkdir(parents=True)
    (tmp_path / "layers" / "bin" / "bin" / "tool").write_text("#!/bin/sh\n")
    (tmp_path / "layers" / "bin" / "bin" / "tool").chmod(0o755)
    bp = _blueprint(tmp_path, "  common: {code: layers/common, runtimes: [python3.13]}\n"
                              "  tools: {code: layers/bin, runtimes: [python3.13, nodejs22.x]}\n",
                    "  fn: {layers: [common, tools]}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert _names(tmp_path / "out", "common") == ["python/common_utils.py"]
    assert _names(tmp_path / "out", "tools") == ["bin/tool"]
    assert "layers/common/.env looks like an environment file" in result.output  # SLS404, never zipped
    lambda_tf = _flat((tmp_path / "out" / "dev" / "lambda.tf").read_text())
    assert "layers = [aws_lambda_layer_version.common.arn, aws_lambda_layer_version.tools.arn]" in lambda_tf
    layers_tf = (tmp_path / "out" / "dev" / "layers.tf").read_text()
    assert 'filename = "${path.module}/../dist/layers/common.zip"' in _flat(layers_tf)
    assert 'compatible_runtimes = ["python3.13", "nodejs22.x"]' in _flat(layers_tf)


def test_defaults_layers_come_first_and_layers_replace_drops_them(tmp_path):
    (tmp_path / "l").mkdir()
    (tmp_path / "l" / "m.py").write_text("X = 1\n")
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(
        "service: demo\nregion: eu-west-1\nlayers:\n  a: {code: l, runtimes: [python3.13]}\n  b: {code: l, runtimes: [python3.13]}\n"
        "defaults:\n  layers: [a, 'arn:aws:lambda:{region}:{account}:layer:shared:3']\n"
        "functions:\n  adds: {layers: [b, a]}\n  own: {layers_replace: true, layers: [b]}\n"
        "  image: {image: '{account}.dkr.ecr.{region}.amazonaws.com/app:1'}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    tf = (tmp_path / "out" / "dev" / "lambda.tf").read_text()
    adds = _flat(tf.split('resource "aws_lambda_function" "adds"')[1].split("\n}\n")[0])
    assert ('layers = [ aws_lambda_layer_version.a.arn, "arn:aws:lambda:${local.region}:${local.account_id}:layer:shared:3", '
            "aws_lambda_layer_version.b.arn, ]") in adds
    own = tf.split('resource "aws_lambda_function" "own"')[1].split("\n}\n")[0]
    assert "aws_lambda_layer_version.b.arn" in own and "layer_version.a" not in own and "shared" not in own
    image = tf.split('resource "aws_lambda_function" "image"')[1].split("\n}\n")[0]
    assert 'package_type = "Image"' in _flat(image) and "layers" not in image and "runtime" not in image
    assert "filename" not in image and "handler" not in image
    assert not (tmp_path / "out" / "dist" / "image.zip").exists()
    assert not (tmp_path / "src" / "image").exists()  # no scaffold for an image


def test_a_function_and_its_layers_over_the_unzipped_limit_is_an_error(tmp_path, monkeypatch):
    from generator.package import stage

    monkeypatch.setattr(stage, "UNZIPPED_MAX", 4096)  # the wiring; the real size: the slow test below
    (tmp_path / "big" / "python").mkdir(parents=True)
    (tmp_path / "big" / "python" / "data.bin").write_bytes(b"\0" * 3000)
    (tmp_path / "src" / "fn").mkdir(parents=True)
    (tmp_path / "src" / "fn" / "handler.py").write_text("def handler(e, c):\n    return 1\n" + "#" * 1200)
    bp = _blueprint(tmp_path, "  big: {code: big, runtimes: [python3.13]}\n",
                    "  fn: {layers: [big]}\n  alone: {}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS317] functions.fn.layers: fn and its layers (big) unzip to" in result.output
    assert "functions.alone" not in result.output  # its own package alone is within the limit
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_function_and_its_layers_over_250_mib_unzipped_is_an_error(tmp_path):
    from test_package_limits import zip_declaring

    (tmp_path / "big" / "python").mkdir(parents=True)
    (tmp_path / "big" / "python" / "data.bin").write_bytes(b"\0" * (130 * 1024 * 1024))
    (tmp_path / "src" / "fn").mkdir(parents=True)
    (tmp_path / "src" / "fn" / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (tmp_path / "src" / "fn" / "blob.bin").write_bytes(b"\0" * (125 * 1024 * 1024))
    bp = _blueprint(tmp_path, "  big: {code: big, runtimes: [python3.13]}\n", "  fn: {layers: [big]}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS317] functions.fn.layers: fn and its layers (big) unzip to 255.0 MiB" in result.output
    assert zip_declaring  # the shared helper stays importable for the other limit tests


@pip
def test_python_dependencies_install_per_cpython_for_the_layers_architecture(tmp_path):
    (tmp_path / "layers" / "common").mkdir(parents=True)
    (tmp_path / "layers" / "common" / "requirements.txt").write_text("charset-normalizer==3.4.4\n# a layer of its own\n")
    (tmp_path / "layers" / "common" / "helpers.py").write_text("X = 1\n")
    bp = _blueprint(tmp_path, "  common: {code: layers/common, runtimes: [python3.12, python3.13], architectures: [x86_64]}\n",
                    "  fn: {architecture: x86_64, layers: [common]}\n")
    with mock.patch.object(deps.subprocess, "run", wraps=subprocess.run) as run:
        first = _render(bp, tmp_path / "one")
        assert first.exit_code == 0, first.output
        assert run.call_count == 2  # one pip install per CPython version
        assert "layer common: installing Python dependencies (manylinux2014_x86_64, Python 3.12)" in first.output
        second = _render(bp, tmp_path / "two")
        assert second.exit_code == 0 and run.call_count == 2, "the second render installed again"
    names = _names(tmp_path / "one", "common")
    assert "python/helpers.py" in names and "python/requirements.txt" in names
    for version in ("3.12", "3.13"):
        tag = version.replace(".", "")
        assert f"python/lib/python{version}/site-packages/charset_normalizer/md.cpython-{tag}-x86_64-linux-gnu.so" in names
    assert not [n for n in names if "aarch64" in n]
    assert (tmp_path / "one" / "dist" / "layers" / "common.zip").read_bytes() == \
        (tmp_path / "two" / "dist" / "layers" / "common.zip").read_bytes()


@pip
def test_one_python_runtime_installs_under_python(tmp_path):
    (tmp_path / "l").mkdir()
    (tmp_path / "l" / "requirements.txt").write_text("six==1.17.0\n")
    bp = _blueprint(tmp_path, "  common: {code: l, runtimes: [python3.13]}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "python/six.py" in _names(tmp_path / "out", "common")


@pip
def test_a_layer_dependency_with_no_wheel_is_an_error_naming_the_layer(tmp_path):
    (tmp_path / "l").mkdir()
    (tmp_path / "l" / "requirements.txt").write_text("docopt==0.6.2\n")
    bp = _blueprint(tmp_path, "  common: {code: l, runtimes: [python3.13]}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "SLS009" in result.output and "layer common: no wheel of docopt" in result.output


@npm
def test_node_dependencies_go_under_nodejs_node_modules(tmp_path):
    code = tmp_path / "layers" / "shared"
    code.mkdir(parents=True)
    (code / "package.json").write_text(json.dumps({"name": "shared", "version": "1.0.0", "dependencies": {"ms": "2.1.3"}}))
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=code, check=True, capture_output=True)
    (code / "time.mjs").write_text("export const hour = 3600;\n")
    bp = _blueprint(tmp_path, "  shared: {code: layers/shared, runtimes: [nodejs20.x, nodejs22.x]}\n",
                    "  fn: {runtime: nodejs22.x, layers: [shared]}\n")
    with mock.patch.object(deps.subprocess, "run", wraps=subprocess.run) as run:
        result = _render(bp, tmp_path / "out")
        assert result.exit_code == 0, result.output
        assert run.call_count == 1  # node_modules serve every Node.js version alike
    names = _names(tmp_path / "out", "shared")
    assert "nodejs/node_modules/ms/index.js" in names and "nodejs/time.mjs" in names


def test_a_layer_publishes_its_name_and_version_arn_and_can_be_referenced(tmp_path):
    """A platform service that builds a shared layer publishes it like any other object it owns:
    outputs `layer_<name>_name`/`_arn`, `exports.ssm_prefix` parameters, `${layer:<name>.arn}`."""
    (tmp_path / "layers" / "common").mkdir(parents=True)
    (tmp_path / "layers" / "common" / "common_utils.py").write_text("X = 1\n")
    bp = tmp_path / "blueprint.yaml"
    bp.write_text("service: demo\nregion: eu-west-1\n"
                  "layers:\n  common: {code: layers/common, runtimes: [python3.13]}\n"
                  "exports: {ssm_prefix: '/acme/{service}/{stage}'}\n"
                  "functions:\n  fn: {environment: {COMMON_LAYER: '${layer:common.arn}'}}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    outputs = _flat((tmp_path / "out" / "dev" / "outputs.tf").read_text())
    assert 'output "layer_common_arn" { description = "ARN of layer common." value = aws_lambda_layer_version.common.arn }' \
        in outputs
    assert 'value = aws_lambda_layer_version.common.layer_name' in outputs
    exports = _flat((tmp_path / "out" / "dev" / "exports.tf").read_text())
    assert 'name = "/acme/demo/dev/layer/common/arn"' in exports and 'name = "/acme/demo/dev/layer/common/name"' in exports
    assert "COMMON_LAYER = aws_lambda_layer_version.common.arn" in _flat((tmp_path / "out" / "dev" / "lambda.tf").read_text())

    bp.write_text(bp.read_text().replace("${layer:common.arn}", "${layer:common.version}"))
    result = _render(bp, tmp_path / "out2")
    assert result.exit_code != 0
    assert "SLS201" in result.output and "layer 'common' has no attribute 'version'" in result.output


@pytest.mark.terraform
def test_a_layer_arn_read_from_ssm_or_a_variable_is_attached_as_terraform_reads_it(tmp_path):
    """A consumer of a shared layer reads its version ARN where the platform published it
    (`${ssm:/path}`, read when Terraform plans) or from a variable; only the reference can be
    checked before plan time, and an unknown one is SLS201 at its line."""
    from tfharness import fmt_check, require_terraform, validate_modules

    bp = tmp_path / "blueprint.yaml"
    bp.write_text("service: demo\nregion: eu-west-1\n"
                  "variables:\n  tools_layer: {type: string}\n"
                  "defaults:\n  layers: ['${ssm:/acme/platform/{stage}/layer/common/arn}']\n"
                  "functions:\n  fn: {layers: ['${var:tools_layer}']}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    lambda_tf = _flat((tmp_path / "out" / "dev" / "lambda.tf").read_text())
    assert "layers = [ data.aws_ssm_parameter.ssm_acme_platform_dev_layer_common_arn.insecure_value, var.tools_layer, ]" \
        in lambda_tf
    assert 'name = "/acme/platform/dev/layer/common/arn"' in _flat((tmp_path / "out" / "dev" / "main.tf").read_text())
    require_terraform()
    ok, output = fmt_check(tmp_path / "out")
    assert ok, output
    for module, (ok, output) in validate_modules([tmp_path / "out" / "dev"], scratch=tmp_path / "scratch").items():
        assert ok, f"{module}: {output}"

    bp.write_text(bp.read_text().replace("${var:tools_layer}", "${var:tool_layer}"))
    result = _render(bp, tmp_path / "out2")
    assert result.exit_code != 0
    assert "blueprint.yaml:8:" in result.output and "SLS201" in result.output and "unknown variable 'tool_layer'" in result.output
