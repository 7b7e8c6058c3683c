"""Function settings as sls-gen resolves them: the function's value, else `defaults`, else sls-gen's.

Pure data and small helpers: checks and plans of every family read them.
"""

from __future__ import annotations

import posixpath

DEFAULTS = {
    "runtime": "python3.13",
    "architecture": "arm64",
    "memory": 512,
    "timeout": 10,
    "ephemeral_storage": 512,
    "tracing": True,
    "log_format": "json",
    "log_level": "INFO",
    "retention_days": 30,
}
SYSTEM_LEVEL = {"TRACE": "DEBUG", "DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARN", "ERROR": "WARN", "FATAL": "WARN"}
DIST_DIR = "dist"  # zips live beside the stage folders: out/<service>/dist/<function>.zip

# What each compiled runtime's scaffold builds, and where (relative to the code dir).
BUILDS = {"java": ("target/function.jar", "mvn package"), "provided": ("build/function.zip", "make")}


def language(runtime: str) -> str:
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("nodejs"):
        return "node"
    if runtime.startswith("java"):
        return "java"
    return "provided"


def default_handler(runtime: str) -> str:
    return {
        "python": "handler.handler",
        "node": "index.handler",
        "java": "example.Handler::handleRequest",
        "provided": "bootstrap",
    }[language(runtime)]


def default_code_dir(name: str) -> str:
    return f"src/{name.replace('-', '_')}"


def resolved(fn, bp, key: str):
    """A function setting: the function's own value, else `defaults`, else sls-gen's default."""
    value = getattr(fn, key, None)
    if value is None:
        value = getattr(bp.defaults, key, None)
    return DEFAULTS[key] if value is None else value


def compiled_artifact(fn, language: str, code_dir: str) -> tuple[str | None, str | None]:
    """(artifact path relative to the blueprint, how to build it) for java*/provided.al2023."""
    if language not in BUILDS:
        return None, None
    default, command = BUILDS[language]
    if fn.artifact:  # the user's own build: sls-gen cannot say how to run it
        return posixpath.normpath(fn.artifact), f"build {posixpath.normpath(fn.artifact)}"
    return posixpath.join(code_dir, default), f"cd {code_dir} && {command}"
