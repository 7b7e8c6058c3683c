"""`artifacts: {bucket: NAME}`: every zip this blueprint builds goes through S3, under a key that is
its sha256, and a package above 50 MB zipped is then no error (generator/families/function/artifacts.py)."""

from __future__ import annotations

import os

from click.testing import CliRunner

from generator.cli import main


def _flat(text: str) -> str:
    return " ".join(text.split())


def _project(tmp_path, artifacts: str = "") -> object:
    (tmp_path / "src" / "fn").mkdir(parents=True)
    (tmp_path / "src" / "fn" / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (tmp_path / "src" / "fn" / "blob.bin").write_bytes(os.urandom(8192))  # does not compress
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nregion: eu-west-1\n{artifacts}functions:\n  fn: {{}}\n")
    return bp


def test_above_the_direct_upload_limit_without_artifacts_is_an_error_that_says_how(tmp_path, monkeypatch):
    from generator.package import size

    monkeypatch.setattr(size, "ZIP_UPLOAD_MAX", 4096)  # the wiring; the real 50 MiB: tests/test_package_limits.py
    result = CliRunner().invoke(main, ["render", str(_project(tmp_path)), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS317] functions.fn: the package of src/fn is" in result.output
    assert "artifacts: {bucket: NAME}" in result.output


def test_with_an_existing_bucket_the_zip_is_uploaded_under_its_sha256(tmp_path, monkeypatch):
    from generator.package import size

    monkeypatch.setattr(size, "ZIP_UPLOAD_MAX", 4096)
    bp = _project(tmp_path, "artifacts: {bucket: 'acme-artifacts-{region}'}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    tf = _flat((tmp_path / "out" / "dev" / "lambda.tf").read_text())
    assert ('resource "aws_s3_object" "fn_package" { #checkov:skip=CKV_AWS_186:') in tf
    assert ('bucket = "acme-artifacts-${local.region}" key = "sls-gen/demo/dev/functions/fn/'
            '${filesha256("${path.module}/../dist/fn.zip")}.zip" source = "${path.module}/../dist/fn.zip"') in tf
    assert "s3_bucket = aws_s3_object.fn_package.bucket s3_key = aws_s3_object.fn_package.key" in tf
    assert "filename" not in tf
    assert 'source_code_hash = filebase64sha256("${path.module}/../dist/fn.zip")' in tf  # still redeploys on change


def test_an_artifacts_bucket_that_is_no_bucket_name_is_refused(tmp_path):
    bp = _project(tmp_path, "artifacts: {bucket: Not_A_Bucket}\n")
    result = CliRunner().invoke(main, ["validate", str(bp)])
    assert result.exit_code == 2
    assert "error[SLS301] artifacts.bucket: S3 bucket name 'Not_A_Bucket' may contain only" in result.output
