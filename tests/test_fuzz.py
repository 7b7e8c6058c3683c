"""Hostile edits of valid blueprints: render either succeeds with parseable Terraform, or exits 2
with diagnostics that name file:line:col and writes nothing. Never an escaped exception or an
internal error (exit 70), never partial output."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import traceback
from pathlib import Path

import hcl2
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rendering import BLUEPRINTS, CASES, case_names

from generator.cli import EXIT_INTERNAL, EXIT_INVALID, main
from generator.diagnostics import CODES

DIAGNOSTIC = re.compile(r"^(?P<file>.+?):\d+:\d+: (?:error|warning)\[(?P<code>SLS\d{3})\] ")
SUMMARY = re.compile(r"^\d+ error\(s\)( and \d+ warning\(s\) treated as errors \(--strict\))?; nothing was written\.$")
SOURCES = [(CASES / name, "blueprint.yaml") for name in case_names()] + [(BLUEPRINTS / "orders", "orders.yaml")]


def _paths(data, prefix=()):
    """Every (path) into the data, containers included."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


def _get(data, path):
    for part in path:
        data = data[part]
    return data


# Any text, line breaks included: a diagnostic shows the control characters of what it quotes as
# escapes, so each stays on one line (test_diagnostic_of_text_with_a_line_break_stays_on_one_line).
TEXT = st.characters()
WEIRD = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from([0, -1, 1, 65, 901, 10241, 100000, 2**63, 0.5, True, None, [], {}, "", "x" * 300]),
    st.text(TEXT, max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(TEXT, max_size=8), st.integers(), max_size=2),
)


@st.composite
def mutated(draw):
    source, name = draw(st.sampled_from(SOURCES))
    data = yaml.safe_load((source / name).read_text())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break  # everything dropped: an empty blueprint is a fine hostile input too
        path = draw(st.sampled_from(paths))
        parent = _get(data, path[:-1])
        key = path[-1]
        action = draw(st.sampled_from(["drop", "rename", "replace", "replace"]))
        if action == "drop":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from([str(key) + "s", str(key)[:-1] or "x", str(key).upper(), draw(st.text(TEXT, min_size=1, max_size=12))]))
            parent[new] = parent.pop(key)
        else:
            parent[key] = draw(WEIRD)
    return source, name, data


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_exit(result, blueprint: Path) -> None:
    """What a user gets for any input: a documented exit code, and diagnostics that name file:line.

    click's CliRunner never prints a traceback: an exception that escapes the CLI lands in
    result.exception, and one the CLI catches as a bug exits 70 ("internal error"). Neither is
    acceptable for a bad blueprint. Into a fresh output folder, a render exits 0 or 2 only.
    """
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not escaped, "".join(traceback.format_exception(*result.exc_info))
    assert result.exit_code != EXIT_INTERNAL, f"internal error (a bug) on a bad blueprint:\n{result.output}"
    assert result.exit_code in (0, EXIT_INVALID), result.output
    lines = result.output.rstrip("\n").split("\n")  # not splitlines(): a key may hold U+0085 or U+2028
    diagnostics = [line for line in lines if "[SLS" in line]
    for line in diagnostics:
        match = DIAGNOSTIC.match(line)
        assert match, f"a diagnostic that does not read FILE:LINE:COL: severity[SLSnnn] ...: {line!r}"
        assert match["file"] == str(blueprint), line
        assert match["code"] in CODES, line
    if result.exit_code == EXIT_INVALID:
        assert any(": error[SLS" in line for line in diagnostics), result.output
        assert SUMMARY.match(lines[-1]), result.output
        assert len(lines) == len(diagnostics) + 1, f"stray output besides diagnostics:\n{result.output}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_blueprints_render_cleanly_or_exit_2_without_writing(case):
    source, name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "src"
        shutil.copytree(source, src)
        (src / name).write_text(yaml.safe_dump(data, sort_keys=False))
        before = _tree(src)
        out = work / "out"
        result = CliRunner().invoke(main, ["render", str(src / name), "-o", str(out)])
        check_exit(result, src / name)
        if result.exit_code == 2:
            assert not out.exists(), "a refused blueprint must write nothing"
            assert _tree(src) == before
        else:
            tf = list(out.rglob("*.tf"))
            assert tf
            for path in tf:
                hcl2.loads(path.read_text())


def test_refused_blueprint_leaves_output_and_code_folders_exactly_as_they_were(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(BLUEPRINTS / "orders", src)
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["render", str(src / "orders.yaml"), "-o", str(out)])
    assert first.exit_code == 0, first.output
    before_out, before_src = _tree(out), _tree(src)
    text = (src / "orders.yaml").read_text()
    broken = text.replace("\nfunctions:\n", "\nfunctions:\n  extra-function:\n    memory: 5\n    code: ../../etc\n", 1)
    assert broken != text
    (src / "orders.yaml").write_text(broken)
    before_src["orders.yaml"] = hashlib.sha256(broken.encode()).hexdigest()
    second = CliRunner().invoke(main, ["render", str(src / "orders.yaml"), "-o", str(out)])
    assert second.exit_code == 2, second.output
    check_exit(second, src / "orders.yaml")
    assert "SLS302" in second.output and "SLS313" in second.output
    assert _tree(out) == before_out
    assert _tree(src) == before_src


def test_diagnostic_of_text_with_a_line_break_stays_on_one_line(tmp_path):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text('service: demo\nfunctions:\n  f:\n    runtime: "py\\nthon"\n    "a\\nb": 1\n')
    result = CliRunner().invoke(main, ["validate", str(bp)])
    assert result.exit_code == EXIT_INVALID
    check_exit(result, bp)
