"""Sample `http` event: an API Gateway request for the route, HTTP API payload 2.0 or, when the
blueprint's API is a REST API, the Lambda proxy payload 1.0."""

from __future__ import annotations

import json
import re
from typing import Any

from generator.samples import SAMPLE_EPOCH_MS, Stage, uid


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
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
    request_id = uid(fn, i, "request")
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
        return _rest(st, method, path, concrete_method, raw_path, params, body, request_id, context), None
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
    return event, None


def _rest(st: Stage, method, path, concrete_method, raw_path, params, body, request_id, v2) -> dict:
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
