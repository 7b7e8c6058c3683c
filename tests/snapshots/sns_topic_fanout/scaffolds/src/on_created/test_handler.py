"""Unit test of the on-created scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

handler = importlib.import_module("handler")


def test_decodes_sns_messages_and_attributes():
    record = {"Sns": {"Message": json.dumps({"id": 1}), "MessageAttributes": {"kind": {"Type": "String", "Value": "created"}}}}
    assert handler.parse(record) == ({"id": 1}, {"kind": "created"})
    assert handler.parse({"Sns": {"Message": "plain text"}}) == ("plain text", {})


def test_processes_every_record():
    event = {"Records": [{"Sns": {"Message": json.dumps({"id": 1})}}, {"Sns": {"Message": "plain text"}}]}
    assert handler.handler(event, None) == {"processed": 2}
