"""Scaffolds for compiled runtimes: a Maven project (java17/java21) or a Go `bootstrap`
(provided.al2023), each with a build that produces the artifact sls-gen expects by default."""

from __future__ import annotations

from generator.emit.templates import environment
from generator.families.function.plan import FunctionPlan

GOARCH = {"arm64": "arm64", "x86_64": "amd64"}


def java_files(fn: FunctionPlan, ctx: dict) -> dict[str, str]:
    env = environment()
    class_path, _, method = fn.handler.partition("::")
    package, _, cls = class_path.rpartition(".")
    ctx = dict(ctx, package=package, cls=cls or "Handler", method=method or "handleRequest",
               java_release=fn.runtime.removeprefix("java"))
    folder = package.replace(".", "/")
    src = f"src/main/java/{folder}/" if folder else "src/main/java/"
    test = f"src/test/java/{folder}/" if folder else "src/test/java/"
    return {
        "pom.xml": env.get_template("scaffolds/java/pom.xml.j2").render(**ctx),
        f"{src}{ctx['cls']}.java": env.get_template("scaffolds/java/Handler.java.j2").render(**ctx),
        f"{test}{ctx['cls']}Test.java": env.get_template("scaffolds/java/HandlerTest.java.j2").render(**ctx),
    }


def go_files(fn: FunctionPlan, ctx: dict) -> dict[str, str]:
    env = environment()
    ctx = dict(ctx, goarch=GOARCH[fn.architecture])
    return {
        name: env.get_template(f"scaffolds/go/{name}.j2").render(**ctx)
        for name in ("go.mod", "main.go", "main_test.go", "Makefile")
    }


def compiled_scaffold(fn: FunctionPlan, ctx: dict) -> dict[str, str]:
    if fn.language == "java":
        return java_files(fn, ctx)
    if fn.language == "provided":
        return go_files(fn, ctx)
    return {}
