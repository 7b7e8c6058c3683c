"""Sample `topic` event: an SNS notification whose message attributes pass the filter policy."""

from __future__ import annotations

import json
from typing import Any

from generator.families.topic.plan import topic_name
from generator.plan.evolution import previous_name
from generator.samples import SAMPLE_TIME, Stage, uid


def topic_arn(st: Stage, name: str) -> str:
    return st.arn("sns", st.concrete(topic_name(st.names, previous_name(st.bp, "topic", name), st.bp.topics.get(name))))


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


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    arn = topic_arn(st, ev.topic)
    mid = uid(fn, i, "sns")
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{arn}:{uid(fn, i, 'subscription')}",
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
    }, None
