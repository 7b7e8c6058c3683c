"""Unit test of the create-order scaffold: runs the handler in-process with a sample event."""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault('API_URL', 'test-api-url')
os.environ.setdefault('DEFAULT_BUS', 'test-default-bus')
os.environ.setdefault('EXPORT_BUCKET', 'test-export-bucket')
os.environ.setdefault('FEATURE_FLAGS', 'test-feature-flags')
os.environ.setdefault('INVOKE_ARN_PATTERN', 'test-invoke-arn-pattern')
os.environ.setdefault('JOBS_URL', 'test-jobs-url')
os.environ.setdefault('ORDERS_STREAM', 'test-orders-stream')
os.environ.setdefault('ORDERS_TABLE_ARN', 'test-orders-table-arn')
os.environ.setdefault('PARTNER_URL', 'test-partner-url')
os.environ.setdefault('RETRIES', 'test-retries')
os.environ.setdefault('SELF', 'refs-dev-create-order')
os.environ.setdefault('TEMPLATE', '${table:not-a-reference} in refs-dev')
os.environ.setdefault('TOKEN_ID', 'test-token-id')
os.environ.setdefault('USERS_API', 'test-users-api')
os.environ.setdefault('WORKER_ARN', 'test-worker-arn')

# Several functions' tests run in one pytest: forget another code folder's module of the same name.
_MODULE = "handler"
for _loaded in [name for name in sys.modules if name.split(".")[0] == _MODULE.split(".")[0]]:
    del sys.modules[_loaded]
handler = importlib.import_module(_MODULE)


def test_returns_json_response():
    event = {"routeKey": 'POST /orders', "body": json.dumps({"hello": "world"}), "requestContext": {"requestId": "r1"}}
    response = handler.handler(event, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["received"] == {"hello": "world"}
