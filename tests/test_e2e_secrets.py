"""A generated secret on the emulator (issue 20): the ephemeral password generator and the write-only
`secret_string_wo` put a value in Secrets Manager that Terraform's state and plan never hold.

(Rotation and saved Logs Insights queries are not applied here: moto's RotateSecret runs the
rotation Lambda in Docker, and moto has no PutQueryDefinition; see docs/decisions/secret-rotation.md.
The rotation scaffolds' four steps run against moto in tests/families/test_secret_rotation.py.)
"""

from __future__ import annotations

import json
import sys

import pytest
from iam_audit import audit_policy, policies_in_state
from rendering import TESTS, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.xdist_group("e2e")]

APP = TESTS / "apps" / "generated_secret"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def moto():
    require_moto()
    with MotoServer(command=[sys.executable, str(TESTS / "moto_faithful.py")]) as server:
        yield server


def test_a_generated_secret_is_in_secrets_manager_and_never_in_state(tmp_path, moto):
    require_terraform()
    result, out, _src = render_copy(APP, "blueprint.yaml", tmp_path / "w", "--stage", "dev")
    assert result.exit_code == 0, result.output
    module = out / "dev"
    env = moto.merged_env(tf_env(tmp_path / "cli"))

    def tf(*args, ok=(0,)):
        p = run_tf(["-chdir=" + str(module), *args, "-no-color"], env=env, timeout=900)
        assert p.returncode in ok, f"terraform {' '.join(args)}\n{p.stdout[-6000:]}\n{p.stderr[-4000:]}\n{moto.log_tail()}"
        return p

    tf("init", "-input=false")
    applied = False
    try:
        tf("apply", "-auto-approve", "-input=false")
        applied = True
        second = run_tf(["-chdir=" + str(module), "plan", "-detailed-exitcode", "-input=false", "-no-color"],
                        env=env, timeout=900)
        assert second.returncode == 0, f"perpetual diff after apply:\n{second.stdout}\n{second.stderr}"
        import boto3

        sm = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION).client(
            "secretsmanager", endpoint_url=moto.endpoint)
        value = json.loads(sm.get_secret_value(SecretId="vault/dev/api-token")["SecretString"])
        assert value["client"] == "shop" and len(value["token"]) == 40 and value["token"].isalnum()
        state_text = (module / "terraform.tfstate").read_text()
        assert value["token"] not in state_text  # write-only: the value never reaches the state
        state = json.loads(tf("show", "-json").stdout)
        problems = [p for address, doc in policies_in_state(state).items() for p in audit_policy(doc, address)]
        assert problems == [], "\n".join(problems)
    finally:
        if applied:
            tf("destroy", "-auto-approve", "-input=false")
