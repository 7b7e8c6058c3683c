"""Unit test of the on-signal scaffold: runs the handler in-process with a sample event."""

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


def test_decodes_sns_messages_and_attributes():
    record = {"Sns": {"Message": json.dumps({"id": 1}), "MessageAttributes": {"kind": {"Type": "String", "Value": "created"}}}}
    assert handler.parse(record) == ({"id": 1}, {"kind": "created"})
    assert handler.parse({"Sns": {"Message": "plain text"}}) == ("plain text", {})


def test_processes_every_record():
    event = {"Records": [{"Sns": {"Message": json.dumps({"id": 1})}}, {"Sns": {"Message": "plain text"}}]}
    assert handler.handler(event, None) == {"processed": 2}
