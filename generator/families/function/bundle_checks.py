"""`package: {bundle: esbuild}` is for Node.js functions (SLS326); `sourcemap` needs a bundle."""

from __future__ import annotations

from typing import Iterable

from generator.checks.context import per_stage
from generator.diagnostics import Diagnostic
from generator.families.function.settings import language, resolved


def check(ctx) -> Iterable[Diagnostic]:
    yield from per_stage(ctx, _bundle)


def _bundle(ctx, stage: str, bp) -> Iterable[Diagnostic]:
    for fname, fn in bp.functions.items():
        own = fn.package
        if own is None or fn.image is not None:
            continue  # defaults' bundle applies to the Node.js functions only
        runtime = resolved(fn, bp, "runtime")
        if own.bundle is not None and language(runtime) != "node":
            yield ctx.stage_diag(stage, "SLS326", ("functions", fname, "package", "bundle"),
                                 f"function {fname} runs {runtime}: bundle: esbuild bundles Node.js (JavaScript or "
                                 "TypeScript) handlers only", hint="remove it, or use a nodejs runtime")
        bundled = own.bundle or (bp.defaults.package.bundle if bp.defaults.package else None)
        if own.sourcemap and not bundled:
            yield ctx.stage_diag(stage, "SLS326", ("functions", fname, "package", "sourcemap"),
                                 f"function {fname}: sourcemap applies to a bundle (package.bundle: esbuild)",
                                 hint="add bundle: esbuild, or remove sourcemap")
