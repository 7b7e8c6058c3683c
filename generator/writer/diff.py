"""`sls-gen diff`: a render's would-be changes as a unified diff, computed without writing anything."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.writer.manifest import MANIFEST
from generator.writer.tree import WritePlan


def _text(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def diff_lines(plan: WritePlan) -> Iterator[str]:
    if plan.interrupted:
        yield f"# {plan.out_dir}: an interrupted render is pending; the next render finishes it\n"
    for f in plan.files:
        if f.status not in ("create", "update", "conflict", "remove"):
            continue
        a = f"a/{f.rel}" if f.old is not None or f.status in ("update", "remove") else "/dev/null"
        b = "/dev/null" if f.status == "remove" else f"b/{f.rel}"
        note = " (edited by hand: render refuses it without --force)" if f.status == "conflict" else ""
        old, new = _text(f.old), _text(f.new)
        if old is None or new is None or f.rel.endswith(".zip"):
            yield f"Binary files {a} and {b} differ{note}\n"
            continue
        if note:
            yield f"# conflict{note}: {f.rel}\n"
        for line in difflib.unified_diff(old, new, fromfile=a, tofile=b):
            yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
    if plan.manifest_changed and not any(f.status in ("create", "update", "conflict", "remove") for f in plan.files):
        yield f"# {MANIFEST} would be rewritten\n"
