"""Names: Terraform addresses and physical AWS names, derived in exactly one place.

A Terraform address is a compatibility contract: renaming it destroys a live resource. Every
address sls-gen emits comes from `tf_id`, and tests pin its behaviour.
"""

from __future__ import annotations

import re

_NON_ID = re.compile(r"[^a-z0-9_]+")


def tf_id(*parts: str) -> str:
    """Logical name(s) -> Terraform resource name: `create-order` -> `create_order`."""
    joined = "_".join(p for p in parts if p)
    ident = _NON_ID.sub("_", joined.lower().replace("-", "_")).strip("_")
    if not ident or not ident[0].isalpha():
        ident = "r_" + ident
    return ident


def env_prefix(name: str) -> str:
    """`order-events` -> `ORDER_EVENTS` (NAME upper-cased, `-` as `_`)."""
    return name.upper().replace("-", "_")


def route_id(route_key: str) -> str:
    """`GET /orders/{id}` -> `get_orders_id`; `ANY /{proxy+}` -> `any_proxy`; `$default` -> `default`."""
    if route_key == "$default":
        return "default"
    method, _, path = route_key.partition(" ")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w]
    return tf_id(method.lower(), *[w.lower() for w in words]) if words else tf_id(method.lower(), "root")


def camel(*parts: str) -> str:
    """Statement ids: ('table', 'orders', 'read') -> 'TableOrdersRead'."""
    words = re.split(r"[^A-Za-z0-9]+", " ".join(parts))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


class Names:
    """Physical names for one service and stage: `{service}-{stage}-{name}` unless the blueprint
    names the object (`name:`), with placeholders (generator/plan/placeholders.py)."""

    def __init__(self, service: str, stage: str):
        self.service = service
        self.stage = stage
        self.prefix = f"{service}-{stage}"

    def template(self, value: str) -> str:
        """A name, path or ARN as written -> its template: `{service}`/`{stage}` substituted,
        `{region}`/`{account}` left for Terraform (placeholders.hcl_value)."""
        from generator.plan.placeholders import template

        return template(value, self.service, self.stage)

    def physical(self, name: str, suffix: str = "") -> str:
        return f"{self.prefix}-{name}{suffix}"

    def queue(self, name: str, fifo: bool) -> str:
        return self.physical(name, ".fifo" if fifo else "")

    def dlq(self, name: str, fifo: bool) -> str:
        return self.physical(name, "-dlq.fifo" if fifo else "-dlq")

    def log_group(self, function: str) -> str:
        return f"/aws/lambda/{self.physical(function)}"
