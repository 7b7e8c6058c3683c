"""Unit test of the on-order-shipped scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_handles_full_event_and_input_path_fragment():
    event = {"id": "e1", "source": "orders", "detail-type": "OrderCreated", "detail": {"id": 1}}
    assert handler.handler(event, None) == {"ok": True, "id": "e1"}
    assert handler.handler({"id": 1}, None) == {"ok": True}
