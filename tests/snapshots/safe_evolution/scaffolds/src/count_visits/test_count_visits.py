"""Unit test of the count-visits scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('CLICKS_TABLE_NAME', 'test-clicks-table-name')
os.environ.setdefault('CURSOR_PARAM_NAME', 'test-cursor-param-name')
os.environ.setdefault('EXPORTS_BUCKET_NAME', 'test-exports-bucket-name')

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
