"""Unit test of the ingest-pdf scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('ARCHIVE_BUCKET_NAME', 'test-archive-bucket-name')
os.environ.setdefault('UPLOADS_BUCKET_NAME', 'test-uploads-bucket-name')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_decodes_keys_and_handles_each_object(monkeypatch):
    seen = []
    monkeypatch.setattr(handler, "process", lambda bucket, key, record: seen.append((bucket, key)))
    event = {
        "Records": [
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "in/my+file%281%29.pdf"}}},
            {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "in/a.pdf"}}},
        ]
    }
    assert handler.handler(event, None) == {"processed": 2}
    assert seen == [("b", "in/my file(1).pdf"), ("b", "in/a.pdf")]
