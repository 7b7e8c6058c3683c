"""State and accounts (issue 17 `terraform:`): backend.tf per stage, the provider's account guard,
per-stage overrides; nothing changes without them; the output is valid Terraform."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import render, validate

BLUEPRINT = """\
service: orders
region: eu-west-1
terraform:
  backend:
    s3: {bucket: acme-tfstate, kms_key_id: alias/tfstate}
  allowed_account_ids: ["111111111111"]
stages:
  dev: {}
  prod:
    region: eu-central-1
    overrides:
      terraform:
        assume_role: arn:aws:iam::222222222222:role/deploy
        allowed_account_ids: ["222222222222"]
        backend: {s3: {key: "prod/{service}.tfstate", role_arn: "arn:aws:iam::222222222222:role/state"}}
functions:
  api: {}
"""


def rendered(tmp_path: Path, text: str) -> dict[str, str]:
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(text)
    return {k: v.decode() for k, v in render(bp).outputs.items() if k.endswith(".tf")}


def test_a_backend_writes_backend_tf_per_stage_with_the_templated_key(tmp_path):
    out = rendered(tmp_path, BLUEPRINT)
    dev, prod = out["dev/backend.tf"], out["prod/backend.tf"]
    assert 'key          = "orders/dev.tfstate"' in dev and 'region       = "eu-west-1"' in dev
    assert 'use_lockfile = true' in dev and 'kms_key_id   = "alias/tfstate"' in dev and "role_arn" not in dev
    assert 'key          = "prod/orders.tfstate"' in prod and 'region       = "eu-central-1"' in prod
    assert 'role_arn = "arn:aws:iam::222222222222:role/state"' in prod
    for stage in ("dev", "prod"):
        assert 'required_version = ">= 1.10"' in out[f"{stage}/versions.tf"], "use_lockfile needs Terraform 1.10"


def test_the_account_guard_and_role_go_into_the_provider_per_stage(tmp_path):
    out = rendered(tmp_path, BLUEPRINT)
    assert 'allowed_account_ids = ["111111111111"]' in out["dev/main.tf"] and "assume_role" not in out["dev/main.tf"]
    prod = out["prod/main.tf"]
    assert 'allowed_account_ids = ["222222222222"]' in prod
    assert 'assume_role {\n    role_arn = "arn:aws:iam::222222222222:role/deploy"\n  }' in prod


def test_without_terraform_settings_nothing_changes(tmp_path):
    plain = BLUEPRINT.split("terraform:")[0] + "functions:\n  api: {}\n"
    out = rendered(tmp_path, plain)
    assert not any(k.endswith("backend.tf") for k in out)
    assert 'required_version = ">= 1.6"' in out["dev/versions.tf"] and "allowed_account_ids" not in out["dev/main.tf"]
    guard_only = plain + "terraform: {allowed_account_ids: ['111111111111']}\n"
    out = rendered(tmp_path, guard_only)
    assert not any(k.endswith("backend.tf") for k in out) and 'required_version = ">= 1.6"' in out["dev/versions.tf"]


@pytest.mark.parametrize("setting, where", [
    ("backend: {s3: {bucket: acme-tfstate, key: '{team}/x.tfstate'}}", "terraform.backend.s3.key"),
    ("backend: {s3: {bucket: Not_A_Bucket}}", "terraform.backend.s3.bucket"),
    ("assume_role: deploy", "terraform.assume_role"),
    ("allowed_account_ids: ['12345']", "terraform.allowed_account_ids"),
])
def test_invalid_settings_are_refused(tmp_path, setting, where):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: orders\nterraform:\n  {setting}\n")
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    assert [(d.code, path_str(d.path)) for d in info.value.diagnostics] == [("SLS102", where)]


@pytest.mark.terraform
@pytest.mark.xdist_group("terraform")
def test_backend_output_validates_with_terraform(tmp_path):
    from tfharness import fmt_check, require_terraform, validate_modules

    require_terraform()
    out = tmp_path / "out"
    for rel, text in rendered(tmp_path, BLUEPRINT).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    for name, data in render(tmp_path / "blueprint.yaml").outputs.items():
        if not name.endswith(".tf"):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
    ok, output = fmt_check(out)
    assert ok, output
    results = validate_modules([out / "dev", out / "prod"], scratch=tmp_path / "scratch")
    for module, (ok, output) in results.items():
        assert ok, f"{module}: {output}"
