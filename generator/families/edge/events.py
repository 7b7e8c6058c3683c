"""Sample Lambda@Edge events: the CloudFront record a function receives on viewer-request,
origin-request, origin-response or viewer-response (CloudFront Developer Guide, "Lambda@Edge event
structure"). A Lambda@Edge function's trigger is an `edge.functions` entry, not an `events` entry:
`triggers()` names them for generator/events.py."""

from __future__ import annotations

import base64
from typing import Any

from generator.families.edge.model import EdgeLambda, function_entries
from generator.samples import Stage, uid

DISTRIBUTION_ID = "EDFDVBD6EXAMPLE"


def triggers(bp, function: str) -> list[EdgeLambda]:
    """The `edge.functions` entries that invoke `function`, in blueprint order."""
    edge = getattr(bp, "edge", None)
    return [f for _where, f in (function_entries(edge) if edge else ())
            if isinstance(f, EdgeLambda) and f.function == function]


def _headers(pairs: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """CloudFront's header shape: lower-case name -> [{key: Original-Case, value}]."""
    return {k.lower(): [{"key": k, "value": v}] for k, v in pairs.items()}


def sample(st: Stage, fn: str, entry: EdgeLambda, i: int, poison: bool) -> tuple[Any, str | None]:
    event = entry.event
    config = {
        "distributionDomainName": "d111111abcdef8.cloudfront.net",
        "distributionId": DISTRIBUTION_ID,
        "eventType": event,
        "requestId": uid(fn, i, "edge"),
    }
    request: dict[str, Any] = {
        "clientIp": "203.0.113.10",
        "headers": _headers({"Host": "d111111abcdef8.cloudfront.net", "User-Agent": "sls-gen-sample",
                             "Accept": "*/*"}),
        "method": "GET",
        "querystring": "page=1",
        "uri": "/articles/sample",
    }
    if event.endswith("-request") and entry.include_body:
        request["method"] = "POST"
        request["body"] = {"action": "read-only", "data": base64.b64encode(b'{"hello": "world"}').decode(),
                           "encoding": "base64", "inputTruncated": False}
    if event.startswith("origin-"):
        request["origin"] = {"custom": {"customHeaders": {}, "domainName": "example.execute-api."
                                        f"{st.region}.amazonaws.com", "keepaliveTimeout": 5, "path": "",
                                        "port": 443, "protocol": "https", "readTimeout": 30,
                                        "sslProtocols": ["TLSv1.2"]}}
    cf: dict[str, Any] = {"config": config, "request": request}
    if event.endswith("-response"):
        cf["response"] = {
            "headers": _headers({"Content-Type": "application/json", "Cache-Control": "max-age=60"}),
            "status": "200",
            "statusDescription": "OK",
        }
    return {"Records": [{"cf": cf}]}, None
