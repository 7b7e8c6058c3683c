"""Hostile edits of valid blueprints: render either succeeds with parseable Terraform, or exits 2
with diagnostics and writes nothing. Never a traceback, never partial output."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import hcl2
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rendering import BLUEPRINTS, CASES, case_names

from generator.cli import main

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


WEIRD = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from([0, -1, 1, 65, 901, 10241, 100000, 2**63, 0.5, True, None, [], {}, "", "x" * 300]),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
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
            new = draw(st.sampled_from([str(key) + "s", str(key)[:-1] or "x", str(key).upper(), draw(st.text(min_size=1, max_size=12))]))
            parent[new] = parent.pop(key)
        else:
            parent[key] = draw(WEIRD)
    return source, name, data


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


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
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert "error[SLS" in result.output or "warning[SLS" in result.output
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
    assert "SLS302" in second.output and "SLS313" in second.output
    assert _tree(out) == before_out
    assert _tree(src) == before_src
