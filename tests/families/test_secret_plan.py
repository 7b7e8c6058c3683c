"""Secret plan (generator/families/secret/plan.py): what reading a secret grants."""

from __future__ import annotations

import pytest
from rendering import render_text
from tf_audit import load_module, parse_policy, statements, value

BLUEPRINT = """\
service: pay
region: eu-west-1
secrets:
  db: {{ssm: /pay/db-password, kms_key: {key}}}
  plain: {{ssm: /pay/plain}}
functions:
  charge:
    uses:
      - secret: db
      - secret: plain
"""


@pytest.mark.parametrize("key, resource, lookup", [
    ("alias/pay-params", "${data.aws_kms_key.secret_db.arn}", True),
    ("'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'",
     "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", False),
])
def test_a_securestring_with_a_customer_key_is_decrypted_through_ssm_only(tmp_path, key, resource, lookup):
    """An SSM SecureString encrypted with a customer key: GetParameter (with decryption) needs
    kms:Decrypt on that key; the grant holds only for calls SSM makes in the stage's region
    (kms:ViaService), never for direct KMS calls."""
    result, out, _ = render_text(BLUEPRINT.format(key=key), tmp_path)
    assert result.exit_code == 0, result.output
    module = load_module(out / "dev")
    doc = parse_policy(module["aws_iam_role_policy.charge"]["policy"])
    kms = [st for st in statements(doc) if "kms:Decrypt" in st["Action"]]
    assert kms == [{
        "Sid": "ParameterDbKey",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [resource],
        "Condition": {"StringEquals": {"kms:ViaService": "ssm.${local.region}.amazonaws.com"}},
    }]
    assert ("data.aws_kms_key.secret_db" in module) is lookup
    if lookup:
        assert value(module["data.aws_kms_key.secret_db"]["key_id"]) == "alias/pay-params"
    # the parameter without a key (the AWS managed aws/ssm key) needs no grant
    assert not [st for st in statements(doc) if "Plain" in st["Sid"] and "kms:Decrypt" in st["Action"]]
