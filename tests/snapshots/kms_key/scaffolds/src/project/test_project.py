"""Unit test of the project scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('BANK_TOKEN_SECRET_ARN', 'test-bank-token-secret-arn')
os.environ.setdefault('STATEMENTS_BUCKET_NAME', 'test-statements-bucket-name')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_stops_at_the_first_failed_record(monkeypatch):
    seen = []

    def process(record):
        seen.append(record["dynamodb"]["SequenceNumber"])
        if record["dynamodb"]["NewImage"]["pk"]["S"] == "bad":
            raise ValueError("bad record")

    monkeypatch.setattr(handler, "process", process)

    def record(seq, pk):
        return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": seq, "Keys": {"pk": {"S": pk}}, "NewImage": {"pk": {"S": pk}}}}

    event = {"Records": [record("1", "good"), record("2", "bad"), record("3", "good")]}
    assert handler.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert seen == ["1", "2"]


def test_real_process_accepts_a_record():
    event = {"Records": [{"eventName": "REMOVE", "dynamodb": {"SequenceNumber": "9", "Keys": {"pk": {"S": "a"}}}}]}
    assert handler.handler(event, None) == {"batchItemFailures": []}


def test_secret_is_fetched_once_then_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(handler, "_fetch_secret", lambda env_key, ref: calls.append(ref) or "value")
    assert handler.get_secret('BANK_TOKEN_SECRET_ARN') == "value"
    assert handler.get_secret('BANK_TOKEN_SECRET_ARN') == "value"
    assert calls == [os.environ['BANK_TOKEN_SECRET_ARN']]
