"""Org profiles (`extends:`, issue 17): merge, per-file locations, chains, cycles, locked keys, path
rules, and the no-op fast path treating a profile as an input."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.pipeline as pipeline
from generator.cli import main
from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import validate

PROFILE = """\
service: placeholder
region: eu-west-1
tags:
  team: platform
  cost-center: "42"
locked: [region, account]
defaults:
  memory: 512
  timeout: 20
"""

BLUEPRINT = """\
extends: ../platform/acme.yaml
service: orders
tags:
  team: orders
functions:
  api:
    handler: app.handler
"""


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "acme.yaml").write_text(PROFILE)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "blueprint.yaml").write_text(BLUEPRINT)
    return tmp_path


def problems(bp: Path) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    return [f"{Path(d.file).as_posix()}:{d.line}:{d.col} {d.code} {path_str(d.path)}" for d in info.value.diagnostics]


def test_the_blueprint_merges_over_its_profile(repo):
    _doc, base, stages, _ = validate(repo / "svc" / "blueprint.yaml")
    assert base.service == "orders" and base.region == "eu-west-1"
    assert base.tags == {"team": "orders", "cost-center": "42"}, "mappings merge key by key; the blueprint wins"
    assert base.defaults.memory == 512 and base.defaults.timeout == 20
    assert "extends" not in _doc.data and _doc.data["locked"] == ["region", "account"]


def test_null_in_the_blueprint_removes_a_profile_value(repo):
    (repo / "svc" / "blueprint.yaml").write_text(BLUEPRINT + "defaults:\n  memory: null\n")
    _doc, base, _stages, _ = validate(repo / "svc" / "blueprint.yaml")
    assert base.defaults.memory != 512 and base.defaults.timeout == 20


def test_errors_point_at_the_file_and_line_that_wrote_the_value(repo):
    (repo / "platform" / "acme.yaml").write_text(PROFILE.replace("memory: 512", "memory: 99999"))
    (repo / "svc" / "blueprint.yaml").write_text(BLUEPRINT + "    timeout: 99999\n")
    found = problems(repo / "svc" / "blueprint.yaml")
    bp, prof = str(repo / "svc" / "blueprint.yaml"), os.path.normpath(str(repo / "svc" / "../platform/acme.yaml"))
    assert sorted(found) == sorted([
        f"{Path(prof).as_posix()}:8:3 SLS302 defaults.memory",
        f"{Path(bp).as_posix()}:8:5 SLS302 functions.api.timeout",
    ])


def test_a_value_the_blueprint_replaces_is_located_in_the_blueprint(repo):
    (repo / "svc" / "blueprint.yaml").write_text(BLUEPRINT + "defaults:\n  memory: 99999\n")
    assert problems(repo / "svc" / "blueprint.yaml") == [
        f"{(repo / 'svc' / 'blueprint.yaml').as_posix()}:9:3 SLS302 defaults.memory"]


def test_a_syntax_error_in_the_profile_is_reported_in_the_profile(repo):
    (repo / "platform" / "acme.yaml").write_text("service: x\ntags: [\n")
    [found] = problems(repo / "svc" / "blueprint.yaml")
    assert found.split(":")[0].endswith("platform/acme.yaml") and " SLS002 " in found


def test_chains_merge_in_order(repo):
    (repo / "platform" / "base.yaml").write_text("service: base\ntags: {owner: base, tier: gold}\nregion: us-west-2\n")
    (repo / "platform" / "acme.yaml").write_text("extends: base.yaml\n" + PROFILE.replace("region: eu-west-1\n", ""))
    doc, base, _stages, _ = validate(repo / "svc" / "blueprint.yaml")
    assert base.region == "us-west-2" and base.tags == {"owner": "base", "tier": "gold", "team": "orders", "cost-center": "42"}
    assert [Path(p.file).name for p in doc.profiles] == ["acme.yaml", "base.yaml"]
    line, _col = doc.locate(("tags", "tier"))
    assert line == 2 and doc.file_of(doc.locate(("tags", "tier"))).endswith("base.yaml")


def test_a_cycle_is_refused_naming_the_chain(repo):
    (repo / "platform" / "acme.yaml").write_text("extends: ../svc/blueprint.yaml\n" + PROFILE)
    with pytest.raises(BlueprintError) as info:
        validate(repo / "svc" / "blueprint.yaml")
    [diag] = info.value.diagnostics
    assert diag.code == "SLS011" and diag.file.endswith("acme.yaml") and diag.line == 1
    assert "blueprint.yaml -> " in diag.message and "acme.yaml -> " in diag.message
    assert diag.message.endswith("blueprint.yaml")


@pytest.mark.parametrize("value", ["/etc/acme.yaml", "https://example.com/acme.yaml", "~/acme.yaml", "missing.yaml", "..", ""])
def test_a_profile_path_must_be_relative_and_name_a_file(repo, value):
    (repo / "svc" / "blueprint.yaml").write_text(BLUEPRINT.replace("../platform/acme.yaml", repr(value)))
    [found] = problems(repo / "svc" / "blueprint.yaml")
    assert " SLS011 extends" in found and found.split(":")[0].endswith("svc/blueprint.yaml")


def test_a_symlinked_profile_is_read_from_its_target(repo):
    (repo / "svc" / "acme.yaml").symlink_to(repo / "platform" / "acme.yaml")
    (repo / "svc" / "blueprint.yaml").write_text(BLUEPRINT.replace("../platform/acme.yaml", "acme.yaml"))
    doc, base, _stages, _ = validate(repo / "svc" / "blueprint.yaml")
    assert base.region == "eu-west-1" and doc.profiles[0].real == os.path.realpath(repo / "platform" / "acme.yaml")


def test_a_locked_key_cannot_be_overridden_in_the_blueprint_or_a_stage(repo):
    (repo / "svc" / "blueprint.yaml").write_text(
        BLUEPRINT + "region: us-east-2\nstages:\n  prod:\n    overrides:\n      account: {concurrency_quota: 5}\n")
    found = problems(repo / "svc" / "blueprint.yaml")
    bp = (repo / "svc" / "blueprint.yaml").as_posix()
    assert found == [f"{bp}:8:1 SLS421 region", f"{bp}:12:7 SLS421 stages.prod.overrides.account"]
    with pytest.raises(BlueprintError) as info:
        validate(repo / "svc" / "blueprint.yaml")
    assert "acme.yaml:6" in info.value.diagnostics[0].message, "names the line that locked it"


def test_the_profile_is_an_input_of_the_no_op_fast_path(repo, monkeypatch):
    renders = []
    real = pipeline.render
    monkeypatch.setattr(pipeline, "render", lambda *a, **k: renders.append(1) or real(*a, **k))
    bp, out = repo / "svc" / "blueprint.yaml", repo / "out"

    def render() -> bool:
        renders.clear()
        result = CliRunner().invoke(main, ["render", str(bp), "-o", str(out)])
        assert result.exit_code == 0, result.output
        return bool(renders)

    assert render() and not render(), "an unchanged re-render takes the fast path"
    (repo / "platform" / "acme.yaml").write_text(PROFILE.replace("memory: 512", "memory: 1024"))
    assert render(), "a changed profile renders in full"
    assert re.search(r"memory_size\s*=\s*1024\b", " ".join(p.read_text() for p in out.rglob("*.tf")))
    assert not render()


def test_init_profile_starts_a_service_that_extends_it(repo, monkeypatch):
    monkeypatch.chdir(repo / "svc")
    result = CliRunner().invoke(main, ["init", "payments", "--profile", "../platform/acme.yaml"])
    assert result.exit_code == 0, result.output
    text = (repo / "svc" / "payments.yaml").read_text()
    assert "extends: ../platform/acme.yaml\nservice: payments\n" in text
    _doc, base, _stages, _ = validate(repo / "svc" / "payments.yaml")
    assert base.region == "eu-west-1" and base.defaults.memory == 512 and list(base.functions) == ["hello"]


def test_init_profile_refuses_a_missing_profile(repo, monkeypatch):
    monkeypatch.chdir(repo / "svc")
    result = CliRunner().invoke(main, ["init", "payments", "--profile", "nope.yaml"])
    assert result.exit_code == 2 and "SLS011" in result.output
    assert not (repo / "svc" / "payments.yaml").exists()
