"""Unit test of the rotate-db scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('DB_CREDENTIALS_ROTATION', '{"key":"password","password":{"ExcludeCharacters":"\\"\'@/\\\\","PasswordLength":32},"template":{"username":"admin"}}')
os.environ.setdefault('DB_CREDENTIALS_SECRET_ARN', 'test-db-credentials-secret-arn')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


class FakeSecretsManager:
    """What the four steps need of Secrets Manager, in memory: versions, their stages, passwords."""

    def __init__(self, value=None):
        self.values, self.stages, self.made = {}, {}, 0
        if value is not None:
            self.values["v0"], self.stages["v0"] = value, ["AWSCURRENT"]

    def describe_secret(self, SecretId):
        return {"RotationEnabled": True, "VersionIdsToStages": {v: list(s) for v, s in self.stages.items() if s}}

    def get_random_password(self, PasswordLength=32, **rules):
        self.made += 1
        return {"RandomPassword": f"{self.made}".rjust(PasswordLength, "p")}

    def get_secret_value(self, SecretId, VersionStage, VersionId=None):
        from botocore.exceptions import ClientError

        for version, stages in self.stages.items():
            if VersionStage in stages and VersionId in (None, version):
                return {"SecretString": self.values[version]}
        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no such version"}}, "GetSecretValue")

    def put_secret_value(self, SecretId, ClientRequestToken, SecretString, VersionStages):
        self.values[ClientRequestToken], self.stages[ClientRequestToken] = SecretString, list(VersionStages)

    def update_secret_version_stage(self, SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId=None):
        if RemoveFromVersionId:
            self.stages[RemoveFromVersionId] = ["AWSPREVIOUS"]
        self.stages[MoveToVersionId] = [VersionStage]


def _rotate(fake, arn, token):
    handler._client = fake
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        handler.handler({"SecretId": arn, "ClientRequestToken": token, "Step": step}, None)


def test_four_steps_make_a_new_current_value():
    arns = [arn for key, arn in sorted(os.environ.items())
            if key.endswith("_SECRET_ARN") and os.environ.get(key[: -len("_SECRET_ARN")] + "_ROTATION")]
    assert arns
    for arn in arns:
        fake = FakeSecretsManager()
        _rotate(fake, arn, "v1")  # the first value: no current one yet
        _rotate(fake, arn, "v2")
        assert fake.stages == {"v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT"]}
        assert fake.values["v1"] != fake.values["v2"]
        _rotate(fake, arn, "v2")  # a repeated call changes nothing
        assert fake.stages["v2"] == ["AWSCURRENT"]


def test_secret_is_fetched_once_then_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(handler, "_fetch_secret", lambda env_key, ref: calls.append(ref) or "value")
    assert handler.get_secret('DB_CREDENTIALS_SECRET_ARN') == "value"
    assert handler.get_secret('DB_CREDENTIALS_SECRET_ARN') == "value"
    assert calls == [os.environ['DB_CREDENTIALS_SECRET_ARN']]
