"""pyproject.toml with a lock, and pinned requirements.lock files (generator/package/deps.py,
`locked_requirements`): installed exactly, for Lambda's platform, cached by the lock.

tests/data/uv_project is a pyproject.toml whose uv.lock pins six and idna (with their PyPI wheel
hashes) and a dev group (iniconfig) that must never be installed."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.package import deps
from generator.package.deps import export_uv_lock

UV_PROJECT = Path(__file__).parent / "data" / "uv_project"


def _project(tmp_path: Path, files: dict[str, str] | None = None, copy: Path | None = None) -> Path:
    code = tmp_path / "src" / "fn"
    if copy is not None:
        shutil.copytree(copy, code)
    code.mkdir(parents=True, exist_ok=True)
    (code / "handler.py").write_text("import six\n\ndef handler(event, context):\n    return six.__version__\n")
    for name, text in (files or {}).items():
        (code / name).write_text(text)
    bp = tmp_path / "blueprint.yaml"
    bp.write_text("service: demo\nfunctions:\n  fn: {runtime: python3.13}\n")
    return bp


def _render(bp: Path, out: Path):
    return CliRunner().invoke(main, ["render", str(bp), "-o", str(out)])


def test_the_export_keeps_production_dependencies_pinned_with_markers_and_hashes():
    text = export_uv_lock((UV_PROJECT / "uv.lock").read_bytes(), "fetch").decode()
    assert "idna==3.10 ; (python_full_version >= '3.12') \\\n    --hash=sha256:946d195a" in text
    assert "six==1.17.0 \\\n    --hash=sha256:4721f391" in text
    assert "iniconfig" not in text and "fetch" not in text.split("\n", 1)[1]


def test_markers_are_decided_for_lambdas_python_not_the_hosts():
    from generator.package.deps import lambda_environment

    lock = (UV_PROJECT / "uv.lock").read_bytes()
    on_313 = export_uv_lock(lock, "fetch", lambda_environment("python3.13", "arm64")).decode()
    assert "idna==3.10 \\\n" in on_313 and ";" not in on_313  # holds on 3.13: no marker left for pip
    lock_311 = lock.replace(b">= '3.12'", b">= '3.14'")
    assert "idna" not in export_uv_lock(lock_311, "fetch", lambda_environment("python3.13", "arm64")).decode()


def test_extras_and_shared_dependencies_are_followed_once():
    lock = b"""
version = 1
[[package]]
name = "app"
version = "1"
source = { editable = "." }
dependencies = [{ name = "requests", extra = ["socks"] }, { name = "urllib3" }]
[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "urllib3" }]
[package.optional-dependencies]
socks = [{ name = "pysocks" }]
[[package]]
name = "urllib3"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }
[[package]]
name = "pysocks"
version = "1.7.1"
source = { registry = "https://pypi.org/simple" }
"""
    assert export_uv_lock(lock, "app").decode().splitlines()[1:] == [
        "pysocks==1.7.1", "requests==2.32.3", "urllib3==2.2.3"]


def test_a_package_locked_from_git_is_refused_naming_it():
    lock = b"""
version = 1
[[package]]
name = "app"
version = "1"
source = { virtual = "." }
dependencies = [{ name = "tool" }]
[[package]]
name = "tool"
version = "0.1"
source = { git = "https://example.com/tool.git" }
"""
    with pytest.raises(ValueError, match="tool is locked from git, not a package index"):
        export_uv_lock(lock, "app")


def test_pyproject_dependencies_without_a_lock_are_sls020(tmp_path):
    bp = _project(tmp_path, {"pyproject.toml": '[project]\nname = "fn"\nversion = "1"\ndependencies = ["six"]\n'})
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "error[SLS020]" in result.output and "has no lock" in result.output and "uv lock" in result.output
    assert not (tmp_path / "out").exists()


def test_a_pyproject_without_dependencies_installs_nothing(tmp_path):
    bp = _project(tmp_path, {"pyproject.toml": '[project]\nname = "fn"\nversion = "1"\n'})
    with mock.patch.object(deps.subprocess, "run") as run:
        result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    run.assert_not_called()


@pytest.mark.pip
@pytest.mark.xdist_group("pip")
def test_a_uv_lock_installs_exactly_its_production_dependencies_once(tmp_path):
    bp = _project(tmp_path, copy=UV_PROJECT)
    with mock.patch.object(deps.subprocess, "run", wraps=subprocess.run) as run:
        first = _render(bp, tmp_path / "one")
        assert first.exit_code == 0, first.output
        assert run.call_count == 1
        command = run.call_args[0][0]
        assert "--no-deps" in command and "--platform" in command and "manylinux2014_aarch64" in command
        second = _render(bp, tmp_path / "two")
        assert second.exit_code == 0 and run.call_count == 1, "the second render installed again"
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "one" / "dist" / "fn.zip").read_bytes())).namelist()
    assert "six.py" in names and "idna/__init__.py" in names and "handler.py" in names
    assert not [n for n in names if n.startswith("iniconfig")]
    assert (tmp_path / "one" / "dist" / "fn.zip").read_bytes() == (tmp_path / "two" / "dist" / "fn.zip").read_bytes()


@pytest.mark.pip
@pytest.mark.xdist_group("pip")
def test_a_changed_lock_installs_again(tmp_path):
    bp = _project(tmp_path, copy=UV_PROJECT)
    assert _render(bp, tmp_path / "out").exit_code == 0
    lock = tmp_path / "src" / "fn" / "uv.lock"
    lock.write_text(lock.read_text().replace("""dependencies = [
    { name = "idna", marker = "python_full_version >= '3.12'" },
    { name = "six" },
]""", """dependencies = [
    { name = "six" },
]"""))
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "installing Python dependencies" in result.output
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "out" / "dist" / "fn.zip").read_bytes())).namelist()
    assert "six.py" in names and not [n for n in names if n.startswith("idna/")]


@pytest.mark.pip
@pytest.mark.xdist_group("pip")
def test_a_pinned_requirements_lock_is_installed_like_requirements_txt(tmp_path):
    bp = _project(tmp_path, {"requirements.lock": "# generated by pip-compile\nsix==1.17.0\n"})
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "out" / "dist" / "fn.zip").read_bytes())).namelist()
    assert "six.py" in names
