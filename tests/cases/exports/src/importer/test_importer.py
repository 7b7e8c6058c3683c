"""Unit test of the importer scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('CATALOG_BUS_NAME', 'test-catalog-bus-name')
os.environ.setdefault('CHANGES_TOPIC_ARN', 'test-changes-topic-arn')
os.environ.setdefault('FLAGS_PARAM_NAME', 'test-flags-param-name')
os.environ.setdefault('IMAGES_BUCKET_NAME', 'test-images-bucket-name')
os.environ.setdefault('PRODUCTS_TABLE_NAME', 'test-products-table-name')
os.environ.setdefault('SEARCH_KEY_SECRET_ARN', 'test-search-key-secret-arn')

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
    assert handler.get_secret('SEARCH_KEY_SECRET_ARN') == "value"
    assert handler.get_secret('SEARCH_KEY_SECRET_ARN') == "value"
    assert calls == [os.environ['SEARCH_KEY_SECRET_ARN']]
