"""Unit test of the reaper scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('COMPENSATIONS_QUEUE_URL', 'test-compensations-queue-url')
os.environ.setdefault('LOG_LEVEL', 'info')
os.environ.setdefault('SAGA_STATE_TABLE_NAME', 'test-saga-state-table-name')
os.environ.setdefault('SHIP_ORDER_FUNCTION_NAME', 'test-ship-order-function-name')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_runs_with_and_without_input():
    assert handler.handler({"report": "daily"}, None) == {"ran": True}
    assert handler.handler({}, None) == {"ran": True}
