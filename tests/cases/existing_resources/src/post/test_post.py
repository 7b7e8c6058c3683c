"""Unit test of the post scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('ACCOUNTS_TABLE_NAME', 'test-accounts-table-name')
os.environ.setdefault('ALERTS_TOPIC_ARN', 'test-alerts-topic-arn')
os.environ.setdefault('API_HOST_PARAM_NAME', 'test-api-host-param-name')
os.environ.setdefault('ASSETS_BUCKET_NAME', 'test-assets-bucket-name')
os.environ.setdefault('BILLING_NAME', 'test-billing-name')
os.environ.setdefault('BILLING_QUEUE_URL', 'test-billing-queue-url')
os.environ.setdefault('DB_PASSWORD_SECRET_ARN', 'test-db-password-secret-arn')
os.environ.setdefault('ENTRIES_TABLE_NAME', 'test-entries-table-name')
os.environ.setdefault('PARTNER_BUS_NAME', 'test-partner-bus-name')
os.environ.setdefault('PARTNER_KEY_SECRET_ARN', 'test-partner-key-secret-arn')
os.environ.setdefault('SHARED_BUS_NAME', 'test-shared-bus-name')
os.environ.setdefault('USERS_ARN', 'test-users-arn')
os.environ.setdefault('USERS_TABLE_NAME', 'test-users-table-name')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_reports_only_failed_records():
    event = {
        "Records": [
            {"messageId": "good", "body": json.dumps({"id": 1})},
            {"messageId": "bad", "body": "not json"},
        ]
    }
    assert handler.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


def test_secret_is_fetched_once_then_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(handler, "_fetch_secret", lambda env_key, ref: calls.append(ref) or "value")
    assert handler.get_secret('DB_PASSWORD_SECRET_ARN') == "value"
    assert handler.get_secret('DB_PASSWORD_SECRET_ARN') == "value"
    assert calls == [os.environ['DB_PASSWORD_SECRET_ARN']]
