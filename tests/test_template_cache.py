"""Compiled templates are kept between runs (Jinja bytecode cache) without ever changing output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.emit import templates

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_env(monkeypatch, tmp_path):
    """environment() built anew, on a copy of the templates, caching under tmp_path/cache."""
    src = tmp_path / "templates"
    shutil.copytree(templates.templates_dir(), src)
    monkeypatch.setattr(templates, "templates_dir", lambda: src)
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(tmp_path / "cache"))
    templates.environment.cache_clear()
    yield src
    templates.environment.cache_clear()


def compiles(env, monkeypatch) -> list[str]:
    calls: list[str] = []
    real = env.compile

    def counting(source, name=None, *args, **kwargs):
        calls.append(name)
        return real(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counting)
    return calls


def test_a_second_process_loads_compiled_templates_instead_of_compiling(fresh_env, monkeypatch, tmp_path):
    env = templates.environment()
    calls = compiles(env, monkeypatch)
    env.get_template("terraform/outputs.tf.j2")
    assert calls == ["terraform/outputs.tf.j2"]
    assert list((tmp_path / "cache").rglob("*.code"))
    templates.environment.cache_clear()  # as a new process would
    env = templates.environment()
    calls = compiles(env, monkeypatch)
    env.get_template("terraform/outputs.tf.j2")
    assert calls == []


def test_an_edited_template_is_compiled_again(fresh_env, monkeypatch):
    templates.environment().get_template("terraform/outputs.tf.j2")
    (fresh_env / "terraform" / "outputs.tf.j2").write_text("# edited\n")
    templates.environment.cache_clear()
    env = templates.environment()
    calls = compiles(env, monkeypatch)
    assert env.get_template("terraform/outputs.tf.j2").render() == "# edited\n"
    assert calls == ["terraform/outputs.tf.j2"]


def test_an_empty_setting_turns_the_cache_off(fresh_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", "")
    templates.environment.cache_clear()
    templates.environment().get_template("terraform/outputs.tf.j2")
    assert templates.cache_dir() is None
    assert not (tmp_path / "cache").exists()


def test_an_unusable_cache_folder_costs_nothing_but_time(fresh_env, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(blocker / "cache"))
    templates.environment.cache_clear()
    assert templates.environment().get_template("terraform/versions.tf.j2")


def test_a_corrupt_cache_entry_is_compiled_again(fresh_env, monkeypatch, tmp_path):
    templates.environment().get_template("terraform/outputs.tf.j2")
    for entry in (tmp_path / "cache").rglob("*.code"):
        entry.write_bytes(entry.read_bytes()[:40] + b"garbage")
    templates.environment.cache_clear()
    env = templates.environment()
    calls = compiles(env, monkeypatch)
    env.get_template("terraform/outputs.tf.j2")
    assert calls == ["terraform/outputs.tf.j2"]


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("SLS_GEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert templates.cache_dir() == tmp_path / "sls-gen"


def test_other_syntax_options_use_another_cache_folder(fresh_env, monkeypatch, tmp_path):
    templates.environment().get_template("terraform/outputs.tf.j2")
    before = {p.parent.name for p in (tmp_path / "cache").rglob("*.code")}
    monkeypatch.setitem(templates.SYNTAX, "trim_blocks", False)
    templates.environment.cache_clear()
    env = templates.environment()
    calls = compiles(env, monkeypatch)
    env.get_template("terraform/outputs.tf.j2")
    assert calls == ["terraform/outputs.tf.j2"]  # not loaded from code compiled with trim_blocks
    after = {p.parent.name for p in (tmp_path / "cache").rglob("*.code")}
    assert len(before) == 1 and len(after) == 2
