"""tests/requires.py: a missing tool or test extra skips a test on a laptop and fails it under CI=true."""

from __future__ import annotations

import pytest
from requires import require_module, require_node, require_tool, skip_or_fail

SKIP_OR_FAIL = [("", pytest.skip.Exception), ("false", pytest.skip.Exception), ("true", pytest.fail.Exception),
                ("TRUE", pytest.fail.Exception)]


@pytest.mark.parametrize("ci, outcome", SKIP_OR_FAIL)
def test_missing_tool_skips_or_fails_in_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no node, no terraform
    with pytest.raises(outcome, match="node not found on PATH"):
        require_node()
    with pytest.raises(outcome, match="terraform not found"):
        require_tool("terraform", "SLS_GEN_NO_SUCH_VARIABLE")


@pytest.mark.parametrize("ci, outcome", SKIP_OR_FAIL)
def test_missing_module_skips_or_fails_in_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no_such_test_extra cannot be imported"):
        require_module("no_such_test_extra")


def test_ci_failure_says_why_it_did_not_skip(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"^node is gone \(CI=true: refusing to skip\)$"):
        skip_or_fail("node is gone")


def test_a_present_tool_is_found_by_path_and_by_variable(monkeypatch, tmp_path):
    exe = tmp_path / "mytool"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert require_tool("mytool") == str(exe)
    monkeypatch.setenv("SLS_GEN_MYTOOL", str(exe))
    assert require_tool("othername", "SLS_GEN_MYTOOL") == str(exe)
    assert require_module("json").dumps([]) == "[]"


@pytest.mark.parametrize("ci", ["", "true"])
def test_a_missing_optional_tool_skips_even_in_ci_and_names_what_covers_it(monkeypatch, tmp_path, ci):
    from requires import optional_tool

    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match=r"dot not found \(optional: test_x checks the same without it\)"):
        optional_tool("dot", covered_by="test_x")
    exe = tmp_path / "dot"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert optional_tool("dot", covered_by="test_x") == str(exe)
