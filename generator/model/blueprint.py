"""The top-level blueprint model."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from generator.model.common import Name, Str, Strict, none_as_empty
from generator.model.functions import Function, FunctionSettings
from generator.model.resources import (
    Account,
    Api,
    Bucket,
    Bus,
    Observability,
    Queue,
    Secret,
    Table,
    Topic,
)

REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"


class Stage(Strict):
    region: str | None = Field(None, pattern=REGION_PATTERN)
    overrides: dict[str, Any] = Field(default_factory=dict, description="deep-merged over the blueprint; a key set to null is removed for this stage")


class Blueprint(Strict):
    service: str = Field(min_length=2, max_length=30, pattern=r"^[a-z][a-z0-9-]*$")
    description: str | None = None
    region: str = Field("us-east-1", pattern=REGION_PATTERN)
    tags: dict[str, Str] = Field(default_factory=dict)
    stages: dict[Name, Stage] = Field(default_factory=lambda: {"dev": Stage()})
    defaults: FunctionSettings = Field(default_factory=FunctionSettings)
    api: Api | None = None
    tables: dict[Name, Table] = Field(default_factory=dict)
    queues: dict[Name, Queue] = Field(default_factory=dict)
    topics: dict[Name, Topic] = Field(default_factory=dict)
    buses: dict[Name, Bus] = Field(default_factory=dict)
    buckets: dict[Name, Bucket] = Field(default_factory=dict)
    secrets: dict[Name, Secret] = Field(default_factory=dict)
    observability: Observability = Field(default_factory=Observability)
    account: Account = Field(default_factory=Account)
    kms_key: str | None = Field(None, description="customer KMS key alias or ARN for all data at rest")
    functions: dict[Name, Function] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("tables", "queues", "topics", "buses", "buckets", "secrets", "functions", "stages"):
            if key in data:
                data[key] = {} if data[key] is None else none_as_empty(data[key])
        for key in ("defaults", "observability", "account", "tags"):
            if key in data and data[key] is None:
                data[key] = {}
        if data.get("stages") == {}:
            data["stages"] = {"dev": {}}
        return data
