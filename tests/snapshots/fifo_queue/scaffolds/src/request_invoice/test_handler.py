"""Unit test of the request-invoice scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('INVOICES_QUEUE_URL', 'test-invoices-queue-url')
os.environ.setdefault('REFUNDS_QUEUE_URL', 'test-refunds-queue-url')

handler = importlib.import_module("handler")


def test_handles_event():
    assert handler.handler({"source": "test"}, None) == {"ok": True}
