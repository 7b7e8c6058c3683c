"""Distribution and upgrades: a built wheel carries everything a render reads and renders the same
bytes as the source tree; an sls-gen upgrade that changes nothing else changes no generated file;
`make render` installs no test extras."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from rendering import BLUEPRINTS, ROOT

ENV = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "SLS_GEN_CACHE_DIR": ""}


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _render(cmd: list[str], blueprint_dir: Path, workdir: Path, env=ENV) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Render a copy of a bundled blueprint folder from `workdir` (not the repository): (output tree, scaffolds)."""
    app = workdir / "app"
    shutil.copytree(blueprint_dir, app)
    before = set(_tree(app))
    blueprint = next(app.glob("*.yaml"))
    proc = subprocess.run([*cmd, "render", f"app/{blueprint.name}", "-o", "rendered"], cwd=workdir, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    scaffolds = {rel: data for rel, data in _tree(app).items() if rel not in before}
    return _tree(workdir / "rendered"), scaffolds


def _source_files() -> list[str]:
    """What a render may read from the package: every non-Python file of generator/ and templates/,
    as the wheel names it (templates/ is installed as generator/templates/)."""
    found = []
    for top, prefix in (("generator", "generator/"), ("templates", "generator/templates/")):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.append(prefix + path.relative_to(ROOT / top).as_posix())
    return found


PATCHED_VERSION = "import sys, generator; generator.__version__ = '99.0.0'; from generator.cli import main; sys.argv[0] = 'sls-gen'; main()"


def test_an_upgrade_that_changes_nothing_else_changes_no_generated_file(tmp_path):
    """The version is not written into generated files (headers, stage READMEs, manifest): rendering
    the same blueprint as sls-gen 99.0.0 gives the same bytes, zips and manifest included."""
    commerce = BLUEPRINTS / "commerce"
    now = _render([sys.executable, "-m", "generator"], commerce, tmp_path / "now")
    upgraded = _render([sys.executable, "-c", PATCHED_VERSION], commerce, tmp_path / "upgraded")
    assert sorted(now[0]) == sorted(upgraded[0])
    assert [rel for rel in now[0] if now[0][rel] != upgraded[0][rel]] == []
    assert now[1] == upgraded[1]
    version_seen = subprocess.run([sys.executable, "-c", PATCHED_VERSION, "--version"], capture_output=True, text=True)
    assert "99.0.0" in version_seen.stdout  # the patch took: the same bytes are not an unpatched run's
    from generator import __version__

    assert not [rel for rel, data in now[0].items() if f"sls-gen {__version__}".encode() in data]


def test_make_render_installs_no_test_extras_and_make_test_does(tmp_path):
    """`make render` on a fresh machine installs sls-gen and its runtime dependencies only; the test
    extras have their own stamp, which `make test` depends on."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv_dir = tmp_path / "venv"  # a venv that does not exist: make plans the whole set-up

    def plan(target: str) -> str:
        return subprocess.run(["make", "-n", "-s", "--no-print-directory", "-C", str(ROOT), target, f"VENV={venv_dir}"],
                              capture_output=True, text=True, check=True, env={k: v for k, v in os.environ.items()
                                                                                if not k.startswith("MAKE")}).stdout

    render, test = plan("render"), plan("test")
    assert "pip install --quiet -e ." in render and "render blueprints/orders/orders.yaml" in render
    assert ".[test]" not in render
    assert "-e '.[test]'" in test and "pytest" in test


@pytest.mark.slow
def test_a_built_wheel_ships_every_template_and_renders_like_the_source_tree(tmp_path):
    """`pip wheel` builds a wheel holding every template, family scaffold and data file; installed into
    a fresh venv (as `pip install` / `pipx install` do), it renders a bundled blueprint from another
    folder to the same bytes as the source tree does."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, env=ENV, capture_output=True)
    (wheel,) = wheels.glob("sls_gen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in _source_files() if name not in names]
    assert missing == [], missing
    family_scaffolds = [n for n in names if n.startswith("generator/families/") and "/scaffolds/" in n]
    assert family_scaffolds  # a family ships its handler templates
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, env=ENV, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed = subprocess.run([str(py), "-c", "import generator.emit.templates as t; print(t.templates_dir())"],
                               cwd=elsewhere, capture_output=True, text=True, check=True, env=ENV).stdout
    assert str(env_dir) in installed and str(ROOT) not in installed, installed
    for bundled in sorted(p for p in BLUEPRINTS.iterdir() if p.is_dir()):
        wheel_out = _render([str(env_dir / "bin" / "sls-gen")], bundled, elsewhere / bundled.name)
        tree_out = _render([sys.executable, "-m", "generator"], bundled, tmp_path / "tree" / bundled.name)
        assert sorted(wheel_out[0]) == sorted(tree_out[0]), bundled.name
        assert [rel for rel in tree_out[0] if wheel_out[0][rel] != tree_out[0][rel]] == [], bundled.name
        assert wheel_out[1] == tree_out[1], bundled.name
