"""Unit test of the resizer scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('IMAGES_TABLE_NAME', 'test-images-table-name')
os.environ.setdefault('THUMBS_BUCKET_NAME', 'test-thumbs-bucket-name')
os.environ.setdefault('UPLOADS_1_BUCKET_NAME', 'test-uploads-1-bucket-name')

handler = importlib.import_module("handler")


def test_reports_only_failed_records():
    event = {
        "Records": [
            {"messageId": "good", "body": json.dumps({"id": 1})},
            {"messageId": "bad", "body": "not json"},
        ]
    }
    assert handler.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
