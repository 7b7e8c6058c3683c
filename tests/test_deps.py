"""Python dependencies installed into the package for Lambda (generator/package/deps.py), with real
packages from the package index: a pure-Python one (six), one with binary wheels for both
architectures (charset-normalizer), and one that publishes no wheel at all (docopt, sdist only).

The installs are cached in the session's sls-gen cache (tests/conftest.py points SLS_GEN_CACHE_DIR at
a throw-away folder per test process) and every test here runs on one worker (`xdist_group`), so
each (requirements, runtime, architecture) is installed once per session.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.package import deps

pytestmark = [pytest.mark.pip, pytest.mark.xdist_group("pip")]

HANDLER = "import six\n\ndef handler(event, context):\n    return {'six': six.__version__}\n"


def _project(tmp_path: Path, requirements: str, *, runtime: str = "python3.13", architecture: str = "arm64",
             handler: str = HANDLER, extra: str = "") -> Path:
    code = tmp_path / "src" / "fn"
    code.mkdir(parents=True)
    (code / "handler.py").write_text(handler)
    (code / "requirements.txt").write_text(requirements)
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nfunctions:\n  fn:\n    runtime: {runtime}\n    architecture: {architecture}\n{extra}")
    return bp


def _render(bp: Path, out: Path):
    return CliRunner().invoke(main, ["render", str(bp), "-o", str(out)], catch_exceptions=False)


def _zip(out: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((out / "dist" / "fn.zip").read_bytes()))


def _wheel_tags(zf: zipfile.ZipFile, dist: str) -> list[str]:
    [wheel] = [n for n in zf.namelist() if n.startswith(dist) and n.endswith(".dist-info/WHEEL")]
    return [line.split(":", 1)[1].strip() for line in zf.read(wheel).decode().splitlines() if line.startswith("Tag:")]


def test_a_pure_python_dependency_is_zipped_beside_the_handler(tmp_path):
    bp = _project(tmp_path, "six==1.17.0\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    zf = _zip(tmp_path / "out")
    names = zf.namelist()
    assert {"handler.py", "requirements.txt", "six.py"} <= set(names)
    assert _wheel_tags(zf, "six-1.17.0") == ["py2-none-any", "py3-none-any"]
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]
    assert names == sorted(names)
    assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(("architecture", "machine"), [("arm64", "aarch64"), ("x86_64", "x86_64")])
def test_binary_wheels_are_the_ones_for_the_functions_architecture_and_runtime(tmp_path, architecture, machine):
    bp = _project(tmp_path, "charset-normalizer==3.4.4\n", architecture=architecture, runtime="python3.12")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    zf = _zip(tmp_path / "out")
    tags = _wheel_tags(zf, "charset_normalizer-3.4.4")
    assert tags and all(t.startswith("cp312-cp312-") and t.endswith(f"_{machine}") for t in tags), tags
    compiled = [n for n in zf.namelist() if n.endswith(".so")]
    assert compiled and all(f"-{machine}-linux-gnu" in n for n in compiled), compiled


def test_a_package_without_a_wheel_for_the_target_is_an_error_naming_it(tmp_path):
    bp = _project(tmp_path, "docopt==0.6.2\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS009]" in result.output
    assert "no wheel of docopt==0.6.2 for manylinux2014_aarch64, CPython 3.13" in result.output
    assert "source distribution (sdist)" in result.output
    assert not (tmp_path / "out" / "dist" / "fn.zip").exists()


def test_an_explicit_requirements_file_that_does_not_exist_is_an_error(tmp_path):
    bp = _project(tmp_path, "six\n", extra="    package: {requirements: requirements/prod.txt}\n")
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS009]" in result.output and "requirements/prod.txt does not exist" in result.output


def test_an_explicit_requirements_file_is_the_one_installed(tmp_path):
    bp = _project(tmp_path, "docopt==0.6.2\n", extra="    package: {requirements: prod.txt}\n")
    (tmp_path / "src" / "fn" / "prod.txt").write_text("six==1.17.0\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "six.py" in _zip(tmp_path / "out").namelist()


def test_two_builds_are_byte_identical_and_the_second_does_not_run_pip(tmp_path, monkeypatch):
    bp = _project(tmp_path, "six==1.17.0\nidna==3.10\n# determinism\n")
    real_run = subprocess.run
    calls = []

    def counting(cmd, *args, **kwargs):
        calls.append(cmd)
        return real_run(cmd, *args, **kwargs)

    with mock.patch.object(deps.subprocess, "run", counting):
        first = _render(bp, tmp_path / "one")
        assert first.exit_code == 0, first.output
        assert len(calls) == 1 and calls[0][:4] == [sys.executable, "-m", "pip", "install"]
        assert "sls-gen: [1/1] fn: installing Python dependencies (manylinux2014_aarch64, Python 3.13)...\n" in first.output
        assert "sls-gen: [1/1] fn: installing Python dependencies (manylinux2014_aarch64, Python 3.13): done in " in first.output
        second = _render(bp, tmp_path / "two")  # a fresh output folder: no zip to reuse, the install is cached
        assert second.exit_code == 0, second.output
        assert len(calls) == 1, "the second render ran pip again"
        assert "installing" not in second.output
    assert (tmp_path / "one" / "dist" / "fn.zip").read_bytes() == (tmp_path / "two" / "dist" / "fn.zip").read_bytes()


def test_a_tampered_cache_entry_is_installed_again(tmp_path):
    bp = _project(tmp_path, "six==1.17.0\n# tamper\n")
    assert _render(bp, tmp_path / "one").exit_code == 0
    req = deps.python_requirements(
        mock.Mock(language="python", code_dir="src/fn", requirements=None, runtime="python3.13",
                  architecture="arm64"), tmp_path)
    entry = deps._cache_path(req.key)
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b"six.py", b"evil.p", 1) if b"six.py" in raw else raw[:-10] + b"0" * 10)
    with mock.patch.object(deps.subprocess, "run", wraps=subprocess.run) as run:
        result = _render(bp, tmp_path / "two")
    assert result.exit_code == 0, result.output
    assert run.call_count == 1
    assert (tmp_path / "one" / "dist" / "fn.zip").read_bytes() == (tmp_path / "two" / "dist" / "fn.zip").read_bytes()


def test_a_changed_architecture_rebuilds_the_zip_in_the_same_output_folder(tmp_path):
    bp = _project(tmp_path, "charset-normalizer==3.4.4\n", runtime="python3.12")
    assert _render(bp, tmp_path / "out").exit_code == 0
    bp.write_text(bp.read_text().replace("arm64", "x86_64"))
    assert _render(bp, tmp_path / "out").exit_code == 0
    tags = _wheel_tags(_zip(tmp_path / "out"), "charset_normalizer-3.4.4")
    assert all(t.endswith("_x86_64") for t in tags), tags


@pytest.mark.skipif(not sys.platform.startswith("linux") or __import__("platform").machine() != "x86_64",
                    reason="runs the x86_64 package with the local Python")
def test_a_packaged_function_runs_with_its_dependency_and_not_the_hosts(tmp_path):
    runtime = f"python3.{sys.version_info.minor}"
    handler = ("import charset_normalizer, six\n\ndef handler(event, context):\n"
               "    best = charset_normalizer.from_bytes('héllo wörld'.encode('latin-1')).best()\n"
               "    return {'six': six.__file__, 'cn': charset_normalizer.__file__, 'ok': best is not None}\n")
    bp = _project(tmp_path, "six==1.17.0\ncharset-normalizer==3.4.4\n", runtime=runtime, architecture="x86_64",
                  handler=handler)
    assert _render(bp, tmp_path / "out").exit_code == 0
    task = tmp_path / "task"
    _zip(tmp_path / "out").extractall(task)
    # -I -S: no user or host site-packages, only the package (what Lambda's /var/task is)
    code = f"import sys; sys.path.insert(0, {str(task)!r}); import handler; print(handler.handler({{}}, None))"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"'six': '{task}/six.py'" in done.stdout
    assert f"'cn': '{task}/charset_normalizer/__init__.py'" in done.stdout
    assert "'ok': True" in done.stdout


# ------------------------------------------------------------------------------------ Node.js

pytest_npm = pytest.mark.skipif(__import__("shutil").which("npm") is None, reason="npm is not installed")


def _node_project(tmp_path: Path, dependencies: dict, dev: dict | None = None, architecture: str = "arm64") -> Path:
    import json

    code = tmp_path / "src" / "fn"
    code.mkdir(parents=True)
    (code / "index.mjs").write_text("import ms from 'ms';\nexport const handler = async () => ms('1h');\n")
    (code / "package.json").write_text(json.dumps(
        {"name": "fn", "version": "1.0.0", "dependencies": dependencies, "devDependencies": dev or {}}))
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=code, check=True, capture_output=True)
    (code / "node_modules" / "left-pad").mkdir(parents=True)  # a host install beside the code: never zipped
    (code / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1;\n")
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nfunctions:\n  fn:\n    runtime: nodejs20.x\n    architecture: {architecture}\n")
    return bp


@pytest_npm
def test_node_production_dependencies_are_installed_and_not_dev_ones(tmp_path):
    bp = _node_project(tmp_path, {"ms": "2.1.3"}, dev={"left-pad": "1.3.0"})
    with mock.patch.object(deps.subprocess, "run", wraps=subprocess.run) as run:
        first = _render(bp, tmp_path / "one")
        assert first.exit_code == 0, first.output
        assert run.call_count == 1 and run.call_args[0][0][1:6] == [
            "ci", "--omit=dev", "--os=linux", "--cpu=arm64", "--ignore-scripts"]
        second = _render(bp, tmp_path / "two")
        assert run.call_count == 1, "the second render ran npm again"
    names = _zip(tmp_path / "one").namelist()
    assert "node_modules/ms/index.js" in names and "index.mjs" in names and "package-lock.json" in names
    assert not [n for n in names if "left-pad" in n or n.endswith(".package-lock.json")], names
    assert (tmp_path / "one" / "dist" / "fn.zip").read_bytes() == (tmp_path / "two" / "dist" / "fn.zip").read_bytes()
    assert second.exit_code == 0


@pytest_npm
@pytest.mark.parametrize(("architecture", "cpu"), [("arm64", "arm64"), ("x86_64", "x64")])
def test_node_platform_packages_are_the_ones_for_linux_and_the_functions_cpu(tmp_path, architecture, cpu):
    bp = _node_project(tmp_path, {"esbuild": "0.24.0"}, architecture=architecture)
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 0, result.output
    platforms = {n.split("/")[2] for n in _zip(tmp_path / "out").namelist() if n.startswith("node_modules/@esbuild/")}
    assert platforms == {f"linux-{cpu}"}


@pytest_npm
def test_node_dependencies_without_a_lock_are_an_error(tmp_path):
    bp = _node_project(tmp_path, {"ms": "2.1.3"})
    (tmp_path / "src" / "fn" / "package-lock.json").unlink()
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "error[SLS009]" in result.output and "no package-lock.json" in result.output


def test_invoke_runs_the_packaged_dependencies_before_the_hosts(tmp_path):
    runtime = f"python3.{sys.version_info.minor}"
    handler = "import six\n\ndef handler(event, context):\n    return {'six': six.__file__, 'version': six.__version__}\n"
    bp = _project(tmp_path, "six==1.16.0\n", runtime=runtime, architecture="x86_64", handler=handler)
    result = CliRunner().invoke(main, ["invoke", "fn", str(bp)])
    assert result.exit_code == 0, result.output
    assert '"version": "1.16.0"' in result.output
    assert "sls-gen-invoke-" in result.output and "site-packages" not in result.output.split('"six":')[1]


def test_a_blueprint_named_by_a_relative_path_installs_too(tmp_path, monkeypatch):
    bp = _project(tmp_path, "six==1.17.0\n")
    monkeypatch.chdir(tmp_path)
    result = _render(Path(bp.name), Path("out"))
    assert result.exit_code == 0, result.output
    assert "six.py" in _zip(tmp_path / "out").namelist()
