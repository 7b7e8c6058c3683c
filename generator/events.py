"""Sample trigger events: what AWS would deliver to a function for each of its `events`.

Used by `sls-gen events` / `sls-gen invoke --sample` and by the test suite. The shapes follow
the payloads AWS documents for each trigger (API Gateway HTTP API payload v2, SQS, SNS,
EventBridge, scheduled events, S3 notifications, DynamoDB streams); resource names and ARNs are
the physical ones of the stage. Pure data: no boto3, no network, deterministic output.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from generator.model.blueprint import Blueprint
from generator.model.blueprint import EVENT_KINDS
from generator.plan.naming import Names

DEFAULT_ACCOUNT = "000000000000"
SAMPLE_TIME = "2026-01-01T12:00:00Z"
SAMPLE_EPOCH_MS = 1767268800000
# The record every batch sample adds when asked for one that fails: its body is not JSON.
POISON_BODY = "not json"


@dataclass(frozen=True)
class SampleEvent:
    function: str  # logical function name
    index: int  # position in the function's `events` list (1-based)
    kind: str  # http | queue | topic | eventbridge | schedule | bucket | stream
    event: Any  # the payload the handler receives
    poison_id: str | None = None  # batch item id of the failing record, when one was added

    @property
    def filename(self) -> str:
        return f"{self.function}.{self.index}.{self.kind}.json"


def _uid(*parts: object) -> str:
    """A stable, uuid-shaped id derived from its inputs (output must be deterministic)."""
    h = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def event_kind(ev: Any) -> str:
    return next(k for k in EVENT_KINDS if hasattr(ev, k))


class _Stage:
    """Physical names and ARNs of one stage, as the generated Terraform names them."""

    def __init__(self, bp: Blueprint, stage: str, region: str | None, account: str):
        cfg = bp.stages.get(stage)
        self.bp = bp
        self.region = region or (cfg.region if cfg else None) or bp.region
        self.account = account
        self.names = Names(bp.service, stage)

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account if account else ''}:{resource}"

    def queue_name(self, name: str) -> str:
        q = self.bp.queues.get(name)
        return self.names.queue(name, bool(q and q.fifo))

    def topic_arn(self, name: str) -> str:
        t = self.bp.topics.get(name)
        return self.arn("sns", self.names.physical(name, ".fifo" if t and t.fifo else ""))

    def bucket_name(self, name: str) -> str:
        b = self.bp.buckets.get(name)
        if b and b.bucket_name:
            return b.bucket_name
        return f"{self.names.physical(name)}-{self.account}"


# ------------------------------------------------------------------ per kind
def _http(st: _Stage, fn: str, ev, i: int) -> dict:
    method, _, path = ev.http.strip().partition(" ")
    method, path = method.upper(), path.strip() or "/"
    concrete_method = "POST" if method == "ANY" else method
    params = {}

    def fill(m: re.Match) -> str:
        name = m.group(1).rstrip("+")
        params[name] = f"sample-{name}"
        return params[name]

    raw_path = re.sub(r"\{([^}]+)\}", fill, path)
    body = json.dumps({"hello": "world"}) if concrete_method in ("POST", "PUT", "PATCH") else None
    request_id = _uid(fn, i, "request")
    context: dict[str, Any] = {
        "accountId": st.account,
        "apiId": "sample0api",
        "domainName": f"sample0api.execute-api.{st.region}.amazonaws.com",
        "domainPrefix": "sample0api",
        "http": {
            "method": concrete_method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.10",
            "userAgent": "sls-gen-sample",
        },
        "requestId": request_id,
        "routeKey": f"{method} {path}",
        "stage": "$default",
        "time": "01/Jan/2026:12:00:00 +0000",
        "timeEpoch": SAMPLE_EPOCH_MS,
    }
    auth = ev.auth or "none"
    if auth not in ("none", "iam"):
        authz = (st.bp.api.authorizers.get(auth) if st.bp.api else None)
        context["authorizer"] = {
            "jwt": {
                "claims": {
                    "sub": "sample-user",
                    "iss": authz.issuer if authz else "https://issuer.example.com/",
                    "aud": (authz.audience[0] if authz and authz.audience else "sample"),
                },
                "scopes": None,
            }
        }
    elif auth == "iam":
        context["authorizer"] = {"iam": {"accountId": st.account, "userArn": st.arn("iam", "user/sample", region=False)}}
    if st.bp.api is not None and st.bp.api.type == "rest":
        return _rest(st, method, path, concrete_method, raw_path, params, body, request_id, context)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": context["domainName"]},
        "requestContext": context,
        "isBase64Encoded": False,
    }
    if params:
        event["pathParameters"] = params
    if body is not None:
        event["body"] = body
    return event


def _rest(st: _Stage, method, path, concrete_method, raw_path, params, body, request_id, v2) -> dict:
    """REST API (v1) Lambda proxy request: the same request in payload format 1.0."""
    headers = {"content-type": "application/json", "Host": v2["domainName"]}
    context: dict[str, Any] = {
        "accountId": st.account,
        "apiId": v2["apiId"],
        "domainName": v2["domainName"],
        "httpMethod": concrete_method,
        "path": f"/{st.names.stage}{raw_path}",
        "protocol": "HTTP/1.1",
        "requestId": request_id,
        "requestTime": v2["time"],
        "requestTimeEpoch": SAMPLE_EPOCH_MS,
        "resourceId": "sample0res",
        "resourcePath": path,
        "stage": st.names.stage,
        "identity": {"sourceIp": v2["http"]["sourceIp"], "userAgent": v2["http"]["userAgent"]},
    }
    claims = (v2.get("authorizer") or {}).get("jwt", {}).get("claims")
    if claims:
        context["authorizer"] = {"claims": claims}
    return {
        "resource": path,
        "path": raw_path,
        "httpMethod": concrete_method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": False,
    }


def _sqs_record(st: _Stage, queue: str, message_id: str, body: str) -> dict:
    name = st.queue_name(queue)
    record = {
        "messageId": message_id,
        "receiptHandle": f"sample-receipt-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(SAMPLE_EPOCH_MS),
            "SenderId": "AIDASAMPLESENDER",
            "ApproximateFirstReceiveTimestamp": str(SAMPLE_EPOCH_MS),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
        "eventSource": "aws:sqs",
        "eventSourceARN": st.arn("sqs", name),
        "awsRegion": st.region,
    }
    if name.endswith(".fifo"):
        record["attributes"].update(MessageGroupId="sample", MessageDeduplicationId=message_id, SequenceNumber="1")
    return record


def _queue(st: _Stage, fn: str, ev, i: int, poison: bool) -> tuple[dict, str | None]:
    good = _sqs_record(st, ev.queue, _uid(fn, i, "message", 1), json.dumps({"hello": "world"}))
    records = [good]
    poison_id = None
    if poison:
        poison_id = _uid(fn, i, "message", 2)
        records.append(_sqs_record(st, ev.queue, poison_id, POISON_BODY))
    return {"Records": records}, poison_id


def _filter_sample(policy: Any) -> dict:
    """One set of message attributes that an SNS filter policy accepts (best effort)."""
    attrs = {}
    for key, allowed in (policy or {}).items():
        if key.startswith("$"):
            continue
        values = allowed if isinstance(allowed, list) else [allowed]
        value = next((v for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool)), None)
        if isinstance(value, str):
            attrs[key] = {"Type": "String", "Value": value}
        elif value is not None:
            attrs[key] = {"Type": "Number", "Value": str(value)}
        else:
            attrs[key] = {"Type": "String", "Value": "sample"}
    return attrs


def _topic(st: _Stage, fn: str, ev, i: int) -> dict:
    arn = st.topic_arn(ev.topic)
    mid = _uid(fn, i, "sns")
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{arn}:{_uid(fn, i, 'subscription')}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": mid,
                    "TopicArn": arn,
                    "Subject": None,
                    "Message": json.dumps({"hello": "world"}),
                    "Timestamp": SAMPLE_TIME.replace("Z", ".000Z"),
                    "SignatureVersion": "1",
                    "Signature": "sample",
                    "SigningCertUrl": f"https://sns.{st.region}.amazonaws.com/sample.pem",
                    "UnsubscribeUrl": f"https://sns.{st.region}.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": _filter_sample(ev.filter),
                },
            }
        ]
    }


def _first_str(value: Any, default: str) -> str:
    values = value if isinstance(value, list) else [value]
    return next((v for v in values if isinstance(v, str)), default)


def _pattern_detail(pattern: Any) -> Any:
    """A detail object matching the pattern's literal values (nested maps followed)."""
    if not isinstance(pattern, dict):
        return {}
    out = {}
    for key, value in pattern.items():
        if isinstance(value, dict):
            out[key] = _pattern_detail(value)
        elif isinstance(value, list):
            lit = next((v for v in value if not isinstance(v, dict)), None)
            if lit is not None:
                out[key] = lit
    return out


def _apply_input_path(event: dict, path: str | None) -> Any:
    """EventBridge InputPath, for the simple `$.a.b` paths blueprints use."""
    if not path or path == "$":
        return event
    value: Any = event
    for part in path.removeprefix("$.").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _eventbridge(st: _Stage, fn: str, ev, i: int) -> Any:
    pattern = ev.eventbridge.pattern or {}
    event = {
        "version": "0",
        "id": _uid(fn, i, "event"),
        "detail-type": _first_str(pattern.get("detail-type"), "Sample Event"),
        "source": _first_str(pattern.get("source"), "sls-gen.sample"),
        "account": st.account,
        "time": SAMPLE_TIME,
        "region": st.region,
        "resources": [],
        "detail": _pattern_detail(pattern.get("detail")),
    }
    return _apply_input_path(event, ev.input_path)


def _schedule(st: _Stage, fn: str, ev, i: int) -> Any:
    if ev.input is not None:
        return ev.input  # a constant input replaces the event
    return {
        "version": "0",
        "id": _uid(fn, i, "schedule"),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": st.account,
        "time": SAMPLE_TIME,
        "region": st.region,
        "resources": [st.arn("events", f"rule/{st.names.physical(fn)}-{i}")],
        "detail": {},
    }


def _bucket(st: _Stage, fn: str, ev, i: int) -> dict:
    name = st.bucket_name(ev.bucket)
    created = "created" in ev.on
    key = f"{ev.prefix or ''}sample{ev.suffix or '.json'}"
    obj: dict[str, Any] = {"key": key, "sequencer": "0065A1B2C3D4E5F6A7"}
    if created:
        obj.update(size=1024, eTag="d41d8cd98f00b204e9800998ecf8427e")
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": st.region,
                "eventTime": SAMPLE_TIME.replace("Z", ".000Z"),
                "eventName": "ObjectCreated:Put" if created else "ObjectRemoved:Delete",
                "userIdentity": {"principalId": "AWS:AIDASAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                "responseElements": {"x-amz-request-id": "SAMPLE", "x-amz-id-2": "SAMPLE"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": f"{st.names.physical(fn)}-{i}",
                    "bucket": {
                        "name": name,
                        "ownerIdentity": {"principalId": "SAMPLEOWNER"},
                        "arn": f"arn:aws:s3:::{name}",
                    },
                    "object": obj,
                },
            }
        ]
    }


def _attr_value(name: str, typ: str, n: int) -> dict:
    if typ == "N":
        return {"N": str(n)}
    if typ == "B":
        return {"B": base64.b64encode(f"{name}-{n}".encode()).decode()}
    return {"S": f"sample-{name}-{n}"}


def _key_spec(spec: str | None) -> tuple[str, str] | None:
    if not spec:
        return None
    attr, _, typ = spec.partition(":")
    return attr, typ or "S"


def _stream(st: _Stage, fn: str, ev, i: int) -> dict:
    table = st.bp.tables.get(ev.stream)
    keys = [k for k in (_key_spec(table.partition_key), _key_spec(table.sort_key)) if k] if table else [("pk", "S")]
    view = (table.stream if table and table.stream else "new_and_old_images").upper()
    physical = st.names.physical(ev.stream)
    stream_arn = st.arn("dynamodb", f"table/{physical}/stream/2026-01-01T00:00:00.000")
    records = []
    for n, name in enumerate(("INSERT", "MODIFY"), start=1):
        key_values = {a: _attr_value(a, t, n) for a, t in keys}
        new = dict(key_values, status={"S": "NEW" if name == "INSERT" else "UPDATED"})
        old = dict(key_values, status={"S": "NEW"})
        ddb: dict[str, Any] = {
            "ApproximateCreationDateTime": SAMPLE_EPOCH_MS // 1000,
            "Keys": key_values,
            "SequenceNumber": f"{n}00000000000000000000{n}",
            "SizeBytes": 64,
            "StreamViewType": view,
        }
        if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            ddb["NewImage"] = new
        if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and name == "MODIFY":
            ddb["OldImage"] = old
        records.append(
            {
                "eventID": _uid(fn, i, "stream", n).replace("-", "")[:32],
                "eventName": name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": st.region,
                "dynamodb": ddb,
                "eventSourceARN": stream_arn,
            }
        )
    return {"Records": records}


# ------------------------------------------------------------------ public
def sample_event(
    bp: Blueprint,
    stage: str,
    function: str,
    index: int,
    *,
    region: str | None = None,
    account: str = DEFAULT_ACCOUNT,
    poison: bool = False,
) -> SampleEvent:
    """The sample for `functions.<function>.events[index - 1]` of the stage blueprint `bp`.

    With `poison=True`, SQS batches get a second record whose body is not JSON; its id is
    `poison_id` (what a partial-batch handler must report in `batchItemFailures`).
    """
    st = _Stage(bp, stage, region, account)
    ev = bp.functions[function].events[index - 1]
    kind = event_kind(ev)
    poison_id = None
    if kind == "http":
        event = _http(st, function, ev, index)
    elif kind == "queue":
        event, poison_id = _queue(st, function, ev, index, poison)
    elif kind == "topic":
        event = _topic(st, function, ev, index)
    elif kind == "eventbridge":
        event = _eventbridge(st, function, ev, index)
    elif kind == "schedule":
        event = _schedule(st, function, ev, index)
    elif kind == "bucket":
        event = _bucket(st, function, ev, index)
    else:
        event = _stream(st, function, ev, index)
    return SampleEvent(function, index, kind, event, poison_id)


def sample_events(
    bp: Blueprint,
    stage: str,
    *,
    region: str | None = None,
    account: str = DEFAULT_ACCOUNT,
    poison: bool = False,
) -> list[SampleEvent]:
    """One sample per function and trigger, in blueprint order (functions sorted by name)."""
    out = []
    for name in sorted(bp.functions):
        for index in range(1, len(bp.functions[name].events) + 1):
            out.append(sample_event(bp, stage, name, index, region=region, account=account, poison=poison))
    return out


def dumps(event: Any) -> str:
    return json.dumps(event, indent=2, sort_keys=True) + "\n"
