"""The blueprint JSON Schema, generated from the models, for editors (`sls-gen schema`).

Field docs live beside the fields where a model sets them; FIELD_DOCS fills the rest from one
table so the schema has a description and an example on every property (a test enforces it).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://sls-gen.dev/schemas/blueprint-v1.json"

# "Model.field" -> (description or None to keep the model's, example)
FIELD_DOCS: dict[str, tuple[str | None, Any]] = {
    "Account.concurrency_quota": ("the account's Lambda concurrency quota, for budget checks", 1000),
    "AlarmSettings.notify": (None, ["oncall@example.com"]),
    "AlarmSettings.errors": (None, 1),
    "AlarmSettings.throttles": ("throttles per 5 minutes that raise the alarm", 1),
    "AlarmSettings.duration_pct": (None, 80),
    "AlarmSettings.dead_letter_messages": ("messages in a dead-letter queue that raise the alarm", 1),
    "AlarmSettings.iterator_age_seconds": ("stream iterator age (seconds) that raises the alarm", 60),
    "AlarmSettings.provisioned_spillover": (None, 1),
    "AlarmSettings.api_5xx": ("API 5xx responses per 5 minutes that raise the alarm", 1),
    "Api.type": ("http (API Gateway v2, default) or rest (v1)", "http"),
    "Api.cors": ("CORS settings; omit for no CORS", {"origins": ["https://example.com"]}),
    "Api.throttling": ("stage-wide throttling", {"rate": 100, "burst": 200}),
    "Api.authorizers": ("named JWT authorizers routes refer to with auth:", {"cognito": {"issuer": "https://issuer.example.com", "audience": ["api"]}}),
    "Api.cache": ("REST API cache cluster", {"size_gb": 0.5, "ttl": 300}),
    "ApiCache.size_gb": (None, 0.5),
    "ApiCache.ttl": (None, 300),
    "Authorizer.type": ("authorizer type (only jwt)", "jwt"),
    "Authorizer.issuer": ("JWT issuer URL", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"),
    "Authorizer.audience": ("accepted audiences (client ids)", ["my-client-id"]),
    "Authorizer.identity_source": ("where the token is read from", "$request.header.Authorization"),
    "Blueprint.service": ("service name: lower-case, 2-30 characters; prefixes every physical name", "orders"),
    "Blueprint.description": ("free text", "Order intake and fulfilment"),
    "Blueprint.region": ("default AWS region of every stage", "eu-west-1"),
    "Blueprint.tags": ("tags on every resource", {"team": "payments"}),
    "Blueprint.stages": ("deployment stages; each renders to its own Terraform root module", {"dev": {}, "prod": {"region": "eu-west-1"}}),
    "Blueprint.defaults": ("settings every function inherits", {"runtime": "python3.13", "memory": 512}),
    "Blueprint.api": ("the service's API Gateway API (routes come from http events)", {"type": "http"}),
    "Blueprint.tables": ("DynamoDB tables by logical name", {"orders": {"partition_key": "id"}}),
    "Blueprint.queues": ("SQS queues by logical name", {"fulfilment": {}}),
    "Blueprint.topics": ("SNS topics by logical name", {"order-events": {}}),
    "Blueprint.buses": ("custom EventBridge buses by logical name", {"orders": {}}),
    "Blueprint.buckets": ("S3 buckets by logical name", {"uploads": {}}),
    "Blueprint.secrets": ("secrets by logical name (values are set out of band)", {"stripe-key": {}}),
    "Blueprint.observability": ("alarms and dashboard", {"dashboard": True}),
    "Blueprint.account": ("facts about the target account", {"concurrency_quota": 1000}),
    "Blueprint.kms_key": (None, "alias/orders"),
    "Blueprint.functions": ("Lambda functions by logical name", {"get-order": {"events": [{"http": "GET /orders/{id}"}]}}),
    "Bucket.versioning": ("object versioning (default true)", True),
    "Bucket.bucket_name": (None, "acme-orders-uploads"),
    "BucketEvent.bucket": (None, "uploads"),
    "BucketEvent.on": (None, ["created"]),
    "BucketEvent.prefix": (None, "incoming/"),
    "BucketEvent.suffix": (None, ".csv"),
    "Bus.description": ("free text", "Order domain events"),
    "Capacity.read": ("provisioned read capacity units", 5),
    "Capacity.write": ("provisioned write capacity units", 5),
    "Concurrency.reserved": (None, 10),
    "Concurrency.provisioned": (None, 2),
    "Cors.origins": ("allowed origins", ["https://example.com"]),
    "Cors.methods": ("allowed methods", ["GET", "POST"]),
    "Cors.headers": ("allowed request headers", ["content-type", "authorization"]),
    "Cors.allow_credentials": ("allow cookies and credentials", False),
    "Cors.max_age": ("preflight cache seconds (0-86400)", 300),
    "DeadLetter.max_receives": (None, 5),
    "DeadLetter.retention_days": ("days the DLQ keeps messages (1-14)", 14),
    "EventBridgeEvent.eventbridge": ("the bus and the event pattern to match", {"bus": "orders", "pattern": {"source": ["orders"]}}),
    "EventBridgeEvent.input_path": (None, "$.detail"),
    "EventBridgeSpec.bus": (None, "default"),
    "EventBridgeSpec.pattern": (None, {"source": ["orders"], "detail-type": ["OrderPlaced"]}),
    "EventBridgeSubscription.eventbridge": ("the bus and the event pattern to deliver to the queue", {"pattern": {"source": ["orders"]}}),
    "Spec.bus": ("a bus name or `default`", "default"),
    "Spec.pattern": ("EventBridge event pattern", {"source": ["orders"]}),
    "Function.description": ("free text", "Creates an order"),
    "Function.code": (None, "src/create_order"),
    "Function.handler": (None, "handler.handler"),
    "Function.artifact": (None, "build/app.zip"),
    "Function.events": ("what invokes the function: one key per entry", [{"http": "POST /orders"}]),
    "Function.uses": ("resources the function may access (least-privilege IAM + env vars)", [{"table": "orders", "access": "read_write"}]),
    "Function.iam": (None, [{"actions": ["ses:SendEmail"], "resources": ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]}]),
    "Function.concurrency": ("reserved and provisioned concurrency", {"reserved": 10}),
    "Function.snapstart": (None, False),
    "FunctionSettings.runtime": (None, "python3.13"),
    "FunctionSettings.architecture": (None, "arm64"),
    "FunctionSettings.memory": (None, 512),
    "FunctionSettings.timeout": (None, 10),
    "FunctionSettings.ephemeral_storage": (None, 512),
    "FunctionSettings.tracing": (None, True),
    "FunctionSettings.logs": ("log format, level and retention", {"level": "INFO", "retention_days": 30}),
    "FunctionSettings.environment": (None, {"LOG_LEVEL": "INFO"}),
    "HttpEvent.auth": (None, "cognito"),
    "HttpEvent.cache": (None, False),
    "IamStatement.sid": ("statement id (letters and digits)", "SendEmail"),
    "IamStatement.effect": ("Allow (default) or Deny", "Allow"),
    "IamStatement.actions": (None, ["ses:SendEmail"]),
    "IamStatement.resources": (None, ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]),
    "IamStatement.allow_wildcard": (None, "SES identities are created outside this service"),
    "Index.partition_key": (None, "customer_id"),
    "Index.sort_key": ("index sort key, same syntax as partition_key", "created_at:N"),
    "Index.projection": (None, "all"),
    "Logs.format": (None, "json"),
    "Logs.level": (None, "INFO"),
    "Observability.alarms": ("CloudWatch alarms for functions, queues and the API", {"notify": ["oncall@example.com"]}),
    "Observability.dashboard": ("a CloudWatch dashboard per stage", True),
    "Queue.visibility_timeout": (None, "auto"),
    "Queue.retention_days": ("days a message is kept (1-14)", 4),
    "Queue.delay_seconds": ("delivery delay in seconds (0-900)", 0),
    "Queue.fifo": ("FIFO queue (name gets .fifo)", False),
    "Queue.content_based_deduplication": ("FIFO only: deduplicate by message body", True),
    "Queue.dead_letter": ("dead-letter queue settings, or false for none", {"max_receives": 5}),
    "Queue.subscribe": ("topics or EventBridge patterns delivered to this queue", [{"topic": "order-events"}]),
    "QueueEvent.queue": (None, "fulfilment"),
    "QueueEvent.batch_size": (None, 10),
    "QueueEvent.batch_window": (None, 5),
    "QueueEvent.max_concurrency": (None, 10),
    "ScheduleEvent.input": (None, {"job": "nightly"}),
    "Secret.ssm": (None, "/orders/stripe-key"),
    "Secret.description": ("free text", "Stripe API key"),
    "Secret.recovery_window_days": (None, 30),
    "Stage.region": ("AWS region of this stage (default: the blueprint's region)", "eu-west-1"),
    "Stage.overrides": (None, {"defaults": {"memory": 1024}}),
    "StreamEvent.stream": (None, "orders"),
    "StreamEvent.batch_size": (None, 100),
    "StreamEvent.starting_position": (None, "latest"),
    "StreamEvent.filter": (None, {"eventName": ["INSERT"]}),
    "StreamEvent.max_retries": (None, 3),
    "StreamEvent.batch_window": (None, 0),
    "Table.partition_key": (None, "id"),
    "Table.sort_key": ("sort key, same syntax as partition_key", "created_at:N"),
    "Table.billing": (None, "on_demand"),
    "Table.ttl": (None, "expires_at"),
    "Table.stream": ("DynamoDB stream view type; needed by stream events", "new_and_old_images"),
    "Table.point_in_time_recovery": ("continuous backups (default true)", True),
    "Table.deletion_protection": (None, True),
    "Table.indexes": ("global secondary indexes by name (3-255 characters)", {"by-customer": {"partition_key": "customer_id"}}),
    "Table.replicas": (None, ["us-east-1"]),
    "Throttling.rate": (None, 100),
    "Throttling.burst": (None, 200),
    "Topic.fifo": ("FIFO topic (name gets .fifo)", False),
    "Topic.content_based_deduplication": ("FIFO only: deduplicate by message body", True),
    "TopicEvent.topic": (None, "order-events"),
    "TopicEvent.filter": (None, {"type": ["created"]}),
    "TopicSubscription.topic": ("topic name", "order-events"),
    "TopicSubscription.filter": ("SNS filter policy (message attributes)", {"type": ["created"]}),
    "TopicSubscription.raw": (None, True),
    "UseBucket.bucket": ("bucket name", "uploads"),
    "UseBucket.access": ("read, write or read_write", "read"),
    "UseBus.bus": (None, "orders"),
    "UseBus.access": ("publish", "publish"),
    "UseFunction.function": ("function name", "send-email"),
    "UseFunction.access": ("invoke", "invoke"),
    "UseQueue.queue": ("queue name", "fulfilment"),
    "UseQueue.access": ("send or consume", "send"),
    "UseSecret.secret": ("secret name", "stripe-key"),
    "UseSecret.access": ("read", "read"),
    "UseTable.table": ("table name", "orders"),
    "UseTable.access": ("read, write or read_write", "read_write"),
    "UseTopic.topic": ("topic name", "order-events"),
    "UseTopic.access": ("publish", "publish"),
    "HttpEvent.http": (None, "POST /orders"),
    "ScheduleEvent.schedule": (None, "rate(5 minutes)"),
    "ScheduleEvent.timezone": (None, "Europe/Dublin"),
    "Logs.retention_days": (None, 30),
}


INHERITS = {"Function": "FunctionSettings"}  # a model's fields documented under its base

# What the models accept beyond their declared types (before-validators): keep editors in step.
_SECTIONS = ("tables", "queues", "topics", "buses", "buckets", "secrets", "functions", "stages")
NULLABLE = {
    "Blueprint": (*_SECTIONS, "defaults", "observability", "account", "tags"),
    "Function": ("events", "uses", "iam"),
    "Table": ("indexes", "replicas"),
    "Queue": ("subscribe", "dead_letter"),
}
NULL_ENTRIES = {"Blueprint": _SECTIONS}  # `topics: {order-events: }` means `order-events: {}`
SCALAR_MAPS = {  # map values the models turn into strings
    ("Blueprint", "tags"): ["string", "number"],
    ("Function", "environment"): ["string", "number", "boolean"],
    ("FunctionSettings", "environment"): ["string", "number", "boolean"],
}


def _or(spec: dict, extra: dict) -> None:
    """Widen `spec` in place to also accept `extra`, keeping its docs at the top."""
    docs = {k: spec.pop(k) for k in ("description", "examples", "default", "title") if k in spec}
    inner = dict(spec)
    spec.clear()
    spec["anyOf"] = [inner, extra]
    spec.update(docs)


def _maps(spec: dict) -> list[dict]:
    """The object schemas inside `spec` (itself, or the members of an anyOf)."""
    return [part for part in [spec, *spec.get("anyOf", [])] if part.get("type") == "object"]


def _loosen(model: str, node: dict) -> None:
    props = node.get("properties", {})
    for spec in props.values():
        for part in _maps(spec):
            if "patternProperties" in part:
                part["additionalProperties"] = False  # logical names: a bad name is an error (SLS104)
    for name in NULL_ENTRIES.get(model, ()):
        for part in _maps(props.get(name, {})):
            for value in part.get("patternProperties", {}).values():
                _or(value, {"type": "null"})
    for name in NULLABLE.get(model, ()):
        if name in props:
            _or(props[name], {"type": ["null", "boolean"]} if name == "dead_letter" else {"type": "null"})
    for (m, name), types in SCALAR_MAPS.items():
        if m == model and name in props:
            for part in _maps(props[name]):
                part["additionalProperties"] = {"type": types}


def blueprint_schema() -> dict:
    from generator.model.blueprint import Blueprint

    schema = Blueprint.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    for model, node in [("Blueprint", schema), *defs.items()]:
        for prop, spec in node.get("properties", {}).items():
            doc = FIELD_DOCS.get(f"{model}.{prop}") or FIELD_DOCS.get(f"{INHERITS.get(model)}.{prop}")
            if doc is None:
                continue
            description, example = doc
            if description and not spec.get("description"):
                spec["description"] = description
            if example is not None and not spec.get("examples"):
                spec["examples"] = [example]
    for model, node in [("Blueprint", schema), *defs.items()]:
        _loosen(model, node)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "sls-gen blueprint (v1)"
    return schema


def schema_text() -> str:
    return json.dumps(blueprint_schema(), indent=2, sort_keys=True) + "\n"
