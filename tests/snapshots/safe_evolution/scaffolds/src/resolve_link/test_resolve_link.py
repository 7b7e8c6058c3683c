"""Unit test of the resolve-link scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('SHORT_LINKS_TABLE_NAME', 'test-short-links-table-name')
os.environ.setdefault('SIGNING_KEY_SECRET_ARN', 'test-signing-key-secret-arn')
os.environ.setdefault('VISITS_QUEUE_URL', 'test-visits-queue-url')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_returns_json_response():
    event = {"routeKey": 'GET /{code}', "body": json.dumps({"hello": "world"}), "requestContext": {"requestId": "r1"}}
    response = handler.handler(event, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["received"] == {"hello": "world"}


def test_secret_is_fetched_once_then_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(handler, "_fetch_secret", lambda env_key, ref: calls.append(ref) or "value")
    assert handler.get_secret('SIGNING_KEY_SECRET_ARN') == "value"
    assert handler.get_secret('SIGNING_KEY_SECRET_ARN') == "value"
    assert calls == [os.environ['SIGNING_KEY_SECRET_ARN']]
