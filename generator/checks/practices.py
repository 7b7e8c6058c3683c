"""Best-practice findings that AWS accepts: warnings with codes; `--strict` makes them errors."""

from __future__ import annotations

from typing import Iterable

from generator.diagnostics import Diagnostic
from generator.families.api.model import HttpEvent
from generator.families.function.settings import resolved

API_TIMEOUT = {"http": 30, "rest": 29}  # seconds: HTTP API hard limit; REST default quota (rules 27, 28)


def check(ctx) -> Iterable[Diagnostic]:
    for stage, bp in ctx.stages.items():
        api_type = bp.api.type if bp.api else "http"
        limit = API_TIMEOUT[api_type]
        for fname, fn in bp.functions.items():
            http = [(i, ev) for i, ev in enumerate(fn.events) if isinstance(ev, HttpEvent)]
            for i, ev in http:
                if ev.auth is None:
                    yield ctx.stage_diag(
                        stage, "SLS501", ("functions", fname, "events", i, "http"),
                        f"route '{ev.http}' is public: anyone can call it", severity="warning",
                        hint="add auth: <authorizer>, or auth: none to make a public route explicit",
                    )
            timeout = resolved(fn, bp, "timeout")
            if http and timeout > limit:
                where = ("functions", fname, "timeout") if fn.timeout is not None else ("functions", fname)
                yield ctx.stage_diag(
                    stage, "SLS502", where,
                    f"timeout {timeout} s is above the {api_type.upper()} API limit of {limit} s: "
                    "callers get a 504 while the function keeps running",
                    severity="warning", hint=f"use timeout: {limit} or less, or move the slow work to a queue",
                )
