"""Package size checks (generator/package/size.py). Concurrency and SnapStart checks:
tests/families/test_function_checks.py; logs and alarms: tests/families/test_observability_checks.py."""

from __future__ import annotations

import textwrap

import pytest

from generator.package.size import ZIP_WARN_BYTES
from generator.diagnostics import BlueprintError
from generator.pipeline import render, validate


def problems(tmp_path, text: str) -> list[tuple[str, int, str]]:
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    return [(d.code, d.line, d.message) for d in info.value.diagnostics]


def ok(tmp_path, text: str):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text).lstrip())
    return validate(bp)


# ---------------------------------------------------------------- SLS504 package size
def test_large_zip_is_a_warning_and_strict_refuses_it(tmp_path):
    import os

    code = tmp_path / "src" / "big"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / "blob.bin").write_bytes(os.urandom(ZIP_WARN_BYTES + 1024))  # random bytes do not compress
    (code / "small.py").write_text("x = 1\n")
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  big: {}\n")
    rendered = render(bp)
    assert [(w.code, w.line, w.severity) for w in rendered.warnings] == [("SLS504", 3, "warning")]
    with pytest.raises(BlueprintError) as info:
        render(bp, strict=True)
    assert [d.code for d in info.value.diagnostics] == ["SLS504"]


def test_small_zip_is_quiet(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  small: {}\n")
    assert render(bp).warnings == []
