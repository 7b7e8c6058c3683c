"""Tests for tests/tfharness.py (terraform discovery, offline env, fmt/validate, grouped
validation, moto emulator)."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

import tfharness
from requires import skip_or_fail
from tfharness import (
    MotoServer,
    find_mirror,
    fmt_check,
    require_moto,
    require_terraform,
    run_tf,
    tf_env,
    validate_grouped,
    validate_modules,
)

# --------------------------------------------------------------------------- fixtures / helpers

HEADER = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {}
}

provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type    = string
  default = "demo"
}
"""

TABLE = """\
resource "aws_dynamodb_table" "t" {
  name         = var.name
  hash_key     = "pk"
  billing_mode = %(billing)s
  %(extra)s
  attribute {
    name = "pk"
    type = "S"
  }
}
"""

ROLE = """\
resource "aws_iam_role" "r" {
  name = "${var.name}-role"
  %(extra)s
}
"""

POLICY = 'assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })'

# name -> (main.tf body, ok as a root module?, expected error summary or None)
CASES = {
    "ok_a": (TABLE % {"billing": '"PAY_PER_REQUEST"', "extra": ""}, True, None),
    "ok_b": (ROLE % {"extra": POLICY}, True, None),
    "wrong_attr": (TABLE % {"billing": '"PAY_PER_REQUEST"', "extra": "bogus_attr = 1"}, False, "Unsupported argument"),
    "wrong_type": (TABLE % {"billing": '["PAY_PER_REQUEST"]', "extra": ""}, False, "Incorrect attribute value type"),
    "missing_required": (ROLE % {"extra": ""}, False, "Missing required argument"),
    "unknown_ref": (
        TABLE % {"billing": '"PAY_PER_REQUEST"', "extra": "stream_view_type = aws_s3_bucket.nope.id"},
        False,
        "Reference to undeclared resource",
    ),
    "syntax_error": (ROLE % {"extra": "assume_role_policy = "}, False, None),
    # valid as a root module, but import blocks are rejected in child modules:
    "import_block": (
        ROLE % {"extra": POLICY} + 'import {\n  to = aws_iam_role.r\n  id = "demo-role"\n}\n',
        True,
        None,
    ),
}


def write_module(root: Path, name: str, body: str) -> Path:
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "main.tf").write_text(HEADER + "\n" + body)
    return d


def summaries(result) -> set[str]:
    return {d["summary"] for d in result.errors}


# --------------------------------------------------------------------------- discovery


def test_find_mirror_env_override(tmp_path, monkeypatch):
    fake = tmp_path / "mirror"
    (fake / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / "linux_amd64").mkdir(parents=True)
    monkeypatch.setenv(tfharness.MIRROR_ENV, str(fake))
    assert find_mirror() == fake.resolve()
    # pointing at registry.terraform.io itself is tolerated
    monkeypatch.setenv(tfharness.MIRROR_ENV, str(fake / "registry.terraform.io"))
    assert find_mirror() == fake.resolve()
    # an explicit but wrong setting is never silently replaced by a scan
    monkeypatch.setenv(tfharness.MIRROR_ENV, str(tmp_path / "nope"))
    assert find_mirror() is None


def test_find_mirror_scan_is_cached(monkeypatch):
    monkeypatch.delenv(tfharness.MIRROR_ENV, raising=False)
    first = find_mirror()
    if first is None:
        skip_or_fail("no provider mirror on this machine")
    assert (first / "registry.terraform.io").is_dir()
    assert find_mirror() is first  # same cached object
    assert tfharness._scan_for_mirror.cache_info().hits >= 1


def test_walk_for_mirror_is_bounded(tmp_path):
    deep = tmp_path / "a" / "b" / "c" / "registry.terraform.io" / "hashicorp" / "aws"
    deep.mkdir(parents=True)
    shallow = tmp_path / "x" / "registry.terraform.io" / "hashicorp" / "aws"
    assert tfharness._walk_for_mirror(tmp_path, max_depth=3) is None
    shallow.mkdir(parents=True)
    assert tfharness._walk_for_mirror(tmp_path, max_depth=3) == tmp_path / "x"


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_require_terraform_skips_or_fails_in_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(tfharness, "find_terraform", lambda: None)
    with pytest.raises(outcome):
        require_terraform()
    monkeypatch.setattr(tfharness, "find_terraform", lambda: "/bin/true")
    monkeypatch.setattr(tfharness, "find_mirror", lambda: None)
    with pytest.raises(outcome):
        require_terraform()


def test_tf_env_writes_offline_cli_config(tmp_path, monkeypatch):
    fake = tmp_path / "mirror"
    (fake / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / "linux_amd64").mkdir(parents=True)
    monkeypatch.setenv("TF_CLI_ARGS_plan", "-refresh=false")
    env = tf_env(tmp_path / "tf", mirror=fake)
    cfg = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{fake}"' in cfg
    assert 'include = ["registry.terraform.io/*/*"]' in cfg
    assert 'exclude = ["registry.terraform.io/*/*"]' in cfg
    assert "plugin_cache_dir" not in cfg  # unpacked mirror: init symlinks, a cache adds nothing
    assert env["TF_IN_AUTOMATION"] == "1" and env["TF_INPUT"] == "0" and env["CHECKPOINT_DISABLE"] == "1"
    assert "TF_CLI_ARGS_plan" not in env
    # packed mirrors get a plugin cache
    (fake / "registry.terraform.io" / "hashicorp" / "aws" / "x.zip").write_bytes(b"")
    env = tf_env(tmp_path / "tf2", mirror=fake)
    assert "plugin_cache_dir" in Path(env["TF_CLI_CONFIG_FILE"]).read_text()


# --------------------------------------------------------------------------- terraform fmt / validate


@pytest.mark.terraform
def test_fmt_check(tmp_path):
    require_terraform()
    good = tmp_path / "good"
    good.mkdir()
    (good / "main.tf").write_text('variable "a" {\n  type    = string\n  default = "x"\n}\n')
    ok, out = fmt_check(good)
    assert ok, out
    bad = tmp_path / "bad"
    (bad / "nested").mkdir(parents=True)
    (bad / "nested" / "main.tf").write_text('variable "a" {\ntype = string\n  default= "x"\n}\n')
    ok, out = fmt_check(bad)
    assert not ok
    assert "nested/main.tf" in out and "+  type    = string" in out


@pytest.mark.terraform
def test_init_symlinks_provider_from_unpacked_mirror(tmp_path):
    _, mirror = require_terraform()
    mod = write_module(tmp_path, "m", CASES["ok_a"][0])
    env = dict(tf_env(tmp_path / "cli"), TF_DATA_DIR=str(tmp_path / "data"))
    p = run_tf(["-chdir=" + str(mod), "init", "-backend=false", "-input=false", "-no-color"], env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    plat = list((tmp_path / "data" / "providers" / "registry.terraform.io" / "hashicorp" / "aws").glob("*/*"))
    assert plat and all(x.is_symlink() for x in plat), plat  # no 675 MB copy
    assert str(mirror) in os.readlink(plat[0])


@pytest.mark.terraform
def test_validate_modules_root_mode(tmp_path):
    require_terraform()
    ok = write_module(tmp_path, "ok", CASES["ok_a"][0])
    bad = write_module(tmp_path, "bad", CASES["wrong_attr"][0])
    res = validate_modules([ok, bad], jobs=2)
    assert res[ok].ok and res[ok].mode == "root", res[ok].output
    assert not res[bad].ok
    assert "Unsupported argument" in res[bad].output and "bogus_attr" in res[bad].output
    assert res[bad].errors[0]["range"]["filename"] == "main.tf"
    ok_flag, output = res[bad]  # plain (ok, output) tuple unpacking
    assert ok_flag is False and output == res[bad].output
    for d in (ok, bad):  # the module dirs are left untouched
        assert sorted(p.name for p in d.iterdir()) == ["main.tf"]


@pytest.mark.terraform
def test_validate_grouped_attributes_error_to_its_module(tmp_path):
    """One wrapper, four modules, one broken: the error lands on the broken module only."""
    require_terraform()
    dirs = [
        write_module(tmp_path, "svc0", CASES["ok_a"][0]),
        write_module(tmp_path, "svc1", CASES["ok_b"][0]),
        write_module(tmp_path, "svc2", CASES["wrong_attr"][0]),
        write_module(tmp_path / "deeper" / "tree", "svc3", CASES["ok_a"][0]),
    ]
    res = validate_grouped(dirs, confirm=False)
    assert [res[d].ok for d in dirs] == [True, True, False, True], res
    bad = res[dirs[2]]
    assert bad.mode == "grouped"
    assert summaries(bad) == {"Unsupported argument"}
    rng = bad.errors[0]["range"]
    assert rng["filename"] == "main.tf"  # relative to the module, as in root mode
    assert (dirs[2] / "main.tf").read_text().splitlines()[rng["start"]["line"] - 1].strip() == "bogus_attr = 1"
    assert "on main.tf line" in bad.output and "bogus_attr" in bad.output
    for d in (dirs[0], dirs[1], dirs[3]):
        assert res[d].errors == [] and "Backend configuration ignored" not in res[d].output
    for d in dirs:
        assert sorted(p.name for p in d.iterdir()) == ["main.tf"]


@pytest.mark.terraform
def test_grouped_matches_root_mode(tmp_path):
    """Child-module validation catches the same errors as root validation (wrong attribute
    name, wrong type, missing required argument, undeclared reference, syntax error); early
    (config-load) errors in one module don't hide errors in the others; child-only false
    positives (import blocks) are overruled by the root-mode re-check.

    With confirm=True every module flagged in grouped mode is re-validated as a root module:
    ``res[d]`` is then the root verdict and ``res[d].grouped`` the grouped one, so one call
    gives both sides of the comparison.
    """
    require_terraform()
    dirs = {name: write_module(tmp_path, name, body) for name, (body, _, _) in CASES.items()}
    res = validate_grouped(list(dirs.values()), confirm=True)
    for name, (_, ok_as_root, expected) in CASES.items():
        r = res[dirs[name]]
        assert r.ok is ok_as_root, (name, r.output)
        if name == "import_block":
            assert r.mode == "root" and r.errors == []
            assert r.grouped is not None and not r.grouped.ok
            assert summaries(r.grouped) == {"Invalid import configuration"}
        elif not ok_as_root:
            assert r.mode == "root" and r.grouped is not None, name
            assert summaries(r.grouped) == summaries(r), (name, r.grouped.output, r.output)
            assert r.grouped.errors[0]["range"] == r.errors[0]["range"], name  # same file/line
            if expected:
                assert summaries(r) == {expected}, (name, r.output)
        else:
            assert r.mode == "grouped" and r.grouped is None and r.errors == [], name


# --------------------------------------------------------------------------- moto


def test_moto_server_lifecycle():
    require_moto()
    with MotoServer(region="eu-west-1") as moto:
        assert moto.endpoint.startswith("http://127.0.0.1:")
        env = moto.env()
        assert env["AWS_ENDPOINT_URL"] == moto.endpoint
        assert env["AWS_ACCESS_KEY_ID"] == "test" and env["AWS_SECRET_ACCESS_KEY"] == "test"
        assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert env["AWS_S3_USE_PATH_STYLE"] == "true"
        merged = moto.merged_env({"AWS_PROFILE": "prod", "AWS_ENDPOINT_URL_S3": "https://x", "KEEP": "1"})
        assert "AWS_PROFILE" not in merged and "AWS_ENDPOINT_URL_S3" not in merged and merged["KEEP"] == "1"
        moto.reset()
        port, proc = moto.port, moto.proc
    assert proc.poll() is not None
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


E2E_MODULE = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

# No endpoints / skip_* / s3_use_path_style switches: everything comes from the environment.
provider "aws" {}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_dynamodb_table" "orders" {
  name         = "tfharness-orders"
  hash_key     = "pk"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_iam_role" "fn" {
  name = "tfharness-fn"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "tfharness-artifacts"
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "region" {
  value = data.aws_region.current.name
}

output "table_arn" {
  value = aws_dynamodb_table.orders.arn
}
"""


@pytest.mark.e2e
@pytest.mark.terraform
@pytest.mark.xdist_group("e2e")  # with the other emulator tests: one worker, no CPU fight
def test_apply_plan_destroy_against_moto(tmp_path):
    require_terraform()
    require_moto()
    mod = tmp_path / "stack"
    mod.mkdir()
    (mod / "main.tf").write_text(E2E_MODULE)
    with MotoServer(region="us-east-1") as moto:
        env = moto.merged_env(tf_env(tmp_path / "cli"))

        def tf(*args, ok_codes=(0,)):
            p = run_tf(["-chdir=" + str(mod), *args, "-no-color"], env=env, timeout=300)
            assert p.returncode in ok_codes, f"terraform {args[0]} rc={p.returncode}\n{p.stdout}\n{p.stderr}\n--- moto log\n{moto.log_tail()}"
            return p

        tf("init", "-input=false")
        tf("apply", "-auto-approve", "-input=false")
        tf("plan", "-detailed-exitcode", "-input=false")  # 0 = no drift (2 would be changes)

        outputs = json.loads(run_tf(["-chdir=" + str(mod), "output", "-json"], env=env).stdout)
        assert outputs["account_id"]["value"] == "123456789012"  # moto's default account
        assert outputs["region"]["value"] == "us-east-1"
        assert outputs["table_arn"]["value"].startswith("arn:aws:dynamodb:us-east-1:123456789012:table/")

        try:
            import boto3
        except ImportError:  # pragma: no cover
            boto3 = None
        if boto3 is not None:  # the resources really exist in the emulator
            kw = dict(endpoint_url=moto.endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
            assert "tfharness-orders" in boto3.client("dynamodb", **kw).list_tables()["TableNames"]
            assert boto3.client("iam", **kw).get_role(RoleName="tfharness-fn")["Role"]["Arn"]
            assert "tfharness-artifacts" in [b["Name"] for b in boto3.client("s3", **kw).list_buckets()["Buckets"]]

        tf("destroy", "-auto-approve", "-input=false")
        state = json.loads(run_tf(["-chdir=" + str(mod), "show", "-json"], env=env).stdout or "{}")
        assert not state.get("values", {}).get("root_module", {}).get("resources")
