"""Layers and container images, applied on the emulator (tests/test_e2e.py mechanics): a layer this
blueprint builds and an external layer version ARN with `{region}`/`{account}` (published first, as
another stack would) attached to a zip function, and two image functions (an ECR URI with
placeholders, one read from SSM at plan time). moto stubs ECR (MOTO_LAMBDA_STUB_ECR defaults to
true), so the image need not exist; it checks every layer ARN a function names exists.

After apply: an empty second plan, the IAM audit of every policy, and the emulator holds what the
plan says (the function's layers in order, the image functions' package type and URI).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile

import pytest
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]

ACCOUNT = "123456789012"
REGION = "eu-west-1"
IMAGE_PARAMETER = "/media/images/transcode"
TRANSCODE_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/transcode@sha256:{'ab' * 32}"
BLUEPRINT = f"""\
service: media
region: {REGION}
layers:
  common:
    code: layers/common
    runtimes: [python3.13]
defaults:
  layers: [common, "arn:aws:lambda:{{region}}:{{account}}:layer:shared-tools:1"]
functions:
  thumbnails: {{}}
  resize:
    image: "{{account}}.dkr.ecr.{{region}}.amazonaws.com/resize:1.4.2"
    architecture: x86_64
    memory: 1024
  transcode:
    image: {{ssm: {IMAGE_PARAMETER}}}
"""


@pytest.fixture(scope="module")
def moto():
    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


def _client(server, name):
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
    return session.client(name, endpoint_url=server.endpoint)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_layers_and_images_apply_and_match_the_plan(tmp_path, moto):
    require_terraform()
    case = tmp_path / "case"
    (case / "layers" / "common").mkdir(parents=True)
    (case / "layers" / "common" / "common_utils.py").write_text("def shout(text):\n    return text.upper()\n")
    lam, ssm = _client(moto, "lambda"), _client(moto, "ssm")
    shared = lam.publish_layer_version(LayerName="shared-tools", Content={"ZipFile": _zip({"python/tools.py": "X = 1\n"})},
                                       CompatibleRuntimes=["python3.13"])  # another stack's layer
    assert shared["LayerVersionArn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:shared-tools:1"
    ssm.put_parameter(Name=IMAGE_PARAMETER, Value=TRANSCODE_IMAGE, Type="String", Overwrite=True)

    (case / "blueprint.yaml").write_text(BLUEPRINT)
    result, out, _src = render_copy(case, "blueprint.yaml", tmp_path / "w")
    assert result.exit_code == 0, result.output
    module = out / "dev"
    env = moto.merged_env(tf_env(tmp_path / "cli"))

    def tf(*args):
        p = run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)
        assert p.returncode == 0, f"terraform {' '.join(args)}\n{p.stdout[-6000:]}\n{p.stderr[-4000:]}\n{moto.log_tail()}"
        return p

    tf("init", "-input=false")
    applied = False
    try:
        tf("apply", "-auto-approve", "-input=false")
        applied = True
        second = run_tf(["-chdir=" + str(module), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
                        env=env, timeout=900)
        assert second.returncode == 0, f"perpetual diff after apply:\n{second.stdout}\n{second.stderr}"
        state = json.loads(tf("show", "-json").stdout)
        problems = []
        for address, doc in policies_in_state(state).items():
            problems += audit_policy(doc, address)
        assert problems == [], "\n".join(problems)

        outputs = json.loads(tf("output", "-json").stdout)
        common_arn = outputs["layer_arns"]["value"]["common"]
        assert common_arn.startswith(f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:media-dev-common:")
        thumbnails = lam.get_function(FunctionName="media-dev-thumbnails")["Configuration"]
        assert [la["Arn"] for la in thumbnails["Layers"]] == [common_arn, shared["LayerVersionArn"]]
        name, version = common_arn.rsplit(":", 2)[1:]
        layer = lam.get_layer_version(LayerName=name, VersionNumber=int(version))  # moto 5.2: ...ByArn fails
        assert layer["CompatibleRuntimes"] == ["python3.13"] and layer["CompatibleArchitectures"] == ["arm64"]

        resize = lam.get_function(FunctionName="media-dev-resize")
        assert resize["Configuration"]["PackageType"] == "Image"
        assert resize["Configuration"]["Architectures"] == ["x86_64"]
        assert resize["Code"]["ImageUri"] == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/resize:1.4.2"
        assert not resize["Configuration"].get("Layers")
        transcode = lam.get_function(FunctionName="media-dev-transcode")
        assert transcode["Code"]["ImageUri"] == TRANSCODE_IMAGE
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")


ARTIFACTS_BUCKET = f"acme-artifacts-{REGION}"
ARTIFACTS = f"""\
service: bigpkg
region: {REGION}
artifacts: {{bucket: "acme-artifacts-{{region}}"}}
layers:
  common: {{code: layers/common, runtimes: [python3.13]}}
functions:
  api: {{layers: [common]}}
"""


def test_packages_uploaded_through_s3_apply_under_their_sha256(tmp_path, moto):
    """`artifacts:`: the function and the layer read their zips from an existing bucket (created
    first, as a platform team would; a bucket of the blueprint denies plain HTTP, which moto's
    endpoint is), each under the key its sha256 names; a second plan is empty (the key is stable
    while the zip is)."""
    import hashlib

    require_terraform()
    case = tmp_path / "case"
    (case / "layers" / "common" / "python").mkdir(parents=True)
    (case / "layers" / "common" / "python" / "common.py").write_text("X = 1\n")
    (case / "blueprint.yaml").write_text(ARTIFACTS)
    s3 = _client(moto, "s3")
    s3.create_bucket(Bucket=ARTIFACTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    result, out, _src = render_copy(case, "blueprint.yaml", tmp_path / "w")
    assert result.exit_code == 0, result.output
    module = out / "dev"
    env = moto.merged_env(tf_env(tmp_path / "cli"))

    def tf(*args):
        p = run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)
        assert p.returncode == 0, f"terraform {' '.join(args)}\n{p.stdout[-6000:]}\n{p.stderr[-4000:]}\n{moto.log_tail()}"
        return p

    tf("init", "-input=false")
    applied = False
    try:
        tf("apply", "-auto-approve", "-input=false")
        applied = True
        second = run_tf(["-chdir=" + str(module), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
                        env=env, timeout=900)
        assert second.returncode == 0, f"perpetual diff after apply:\n{second.stdout}\n{second.stderr}"
        state = json.loads(tf("show", "-json").stdout)
        problems = []
        for address, doc in policies_in_state(state).items():
            problems += audit_policy(doc, address)
        assert problems == [], "\n".join(problems)
        bucket = ARTIFACTS_BUCKET
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
        fn_sha = hashlib.sha256((out / "dist" / "api.zip").read_bytes()).hexdigest()
        layer_sha = hashlib.sha256((out / "dist" / "layers" / "common.zip").read_bytes()).hexdigest()
        assert keys == [f"sls-gen/bigpkg/dev/functions/api/{fn_sha}.zip", f"sls-gen/bigpkg/dev/layers/common/{layer_sha}.zip"]
        assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == (out / "dist" / "api.zip").read_bytes()
        api = _client(moto, "lambda").get_function(FunctionName="bigpkg-dev-api")["Configuration"]
        assert len(api["Layers"]) == 1 and ":layer:bigpkg-dev-common:" in api["Layers"][0]["Arn"]
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")
