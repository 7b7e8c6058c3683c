"""Sample `stream` event: a DynamoDB stream batch (an INSERT, then a MODIFY) keyed like the table."""

from __future__ import annotations

import base64
from typing import Any

from generator.families.table.plan import table_name
from generator.plan.evolution import previous_name
from generator.samples import SAMPLE_EPOCH_MS, Stage, uid


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


def sample(st: Stage, fn: str, ev, i: int, poison: bool) -> tuple[Any, str | None]:
    table = st.bp.tables.get(ev.stream)
    keys = [k for k in (_key_spec(table.partition_key), _key_spec(table.sort_key)) if k] if table else [("pk", "S")]
    view = (table.stream if table and table.stream else "new_and_old_images").upper()
    physical = st.concrete(table_name(st.names, previous_name(st.bp, "table", ev.stream), table))
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
                "eventID": uid(fn, i, "stream", n).replace("-", "")[:32],
                "eventName": name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": st.region,
                "dynamodb": ddb,
                "eventSourceARN": stream_arn,
            }
        )
    return {"Records": records}, None
