"""The command line as a user meets it: exit codes, messages, nothing written on errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

import pytest
from click.testing import CliRunner
from rendering import BLUEPRINTS, CASES, ROOT, all_sources, files_under, render_copy, sls_gen_in_a_fresh_process

from generator import __version__
from generator.cli import main
from generator.writer import MANIFEST


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert run("--version").output == f"sls-gen, version {__version__}\n"
    result = run("--help")
    assert result.exit_code == 0
    commands = result.output.split("\nCommands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in commands] == ["diff", "events", "explain", "graph", "init", "invoke", "plan", "render", "schema", "validate"]


def test_invalid_blueprint_exits_2_with_every_error_and_writes_nothing(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "fucntions: {}\n"
        "functions:\n"
        "  a:\n"
        "    memory: lots\n"
        "    uses:\n"
        "      - table: ordrs\n"
        "tables:\n"
        "  orders: {partition_key: pk}\n"
    )
    out = tmp_path / "out"
    result = run("render", str(bp), "-o", str(out))
    assert result.exit_code == 2
    text = result.output
    assert f"{bp}:2:1: error[SLS101] fucntions: unknown key 'fucntions' (did you mean 'functions'?)" in text
    assert f"{bp}:5:5: error[SLS102] functions.a.memory" in text
    assert not out.exists()
    assert not (tmp_path / "src").exists()


def test_reference_errors_have_lines_and_suggestions(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "tables:\n"
        "  orders: {partition_key: pk}\n"
        "functions:\n"
        "  a:\n"
        "    uses:\n"
        "      - table: ordrs\n"
    )
    result = run("validate", str(bp))
    assert result.exit_code == 2
    assert f"{bp}:7:9: error[SLS201] functions.a.uses[0].table: unknown table 'ordrs' (did you mean 'orders'?)" in result.output


def test_unrendered_keys_fail_loudly_never_silently(tmp_path):
    bp = tmp_path / "bp.yaml"
    # Every v1 family renders now; what is left unsupported is a combination: a customer key with
    # global table replicas (each replica region needs its own key).
    bp.write_text("service: demo\nkms_key: alias/k\ntables:\n  t:\n    partition_key: pk\n    replicas: [us-west-2]\n")
    result = run("validate", str(bp))
    assert result.exit_code != 0
    assert "error[SLS105] tables.t.replicas: not yet supported: global table replicas with kms_key" in result.output
    assert f"{bp}:6:" in result.output


def test_validate_ok(tmp_path):
    bp = BLUEPRINTS / "orders" / "orders.yaml"
    result = run("validate", str(bp))
    assert result.exit_code == 0, result.output
    assert result.output == f"{bp}: valid (orders; stages: dev, prod; 0 warning(s)).\n"


def test_render_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    """Every case and bundled blueprint, rendered by two processes with different PYTHONHASHSEEDs
    (and empty template caches): every output file, zips, manifests and scaffolds included."""
    trees = []
    for seed in ("1", "2"):
        work = tmp_path / f"seed-{seed}"
        commands = []
        for label, folder, name in all_sources():
            shutil.copytree(folder, work / "src" / label)
            commands.append(["render", f"src/{label}/{name}", "-o", f"out/{label}"])
        sls_gen_in_a_fresh_process(commands, work, seed, tmp_path / f"cache-{seed}")
        trees.append(files_under(work))
    one, two = trees
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []
    # the comparison covers every kind of output file
    copied = {f"src/{label}/{p.relative_to(folder).as_posix()}" for label, folder, _ in all_sources()
              for p in folder.rglob("*") if p.is_file()}
    assert len([r for r in one if r.endswith(".tf")]) > 100
    assert [r for r in one if r.endswith(".zip")] and [r for r in one if r.endswith(MANIFEST)]
    assert [r for r in one if r.startswith("src/") and r not in copied], "no scaffold was written"


def test_rerender_keeps_user_code_and_terraform_state(tmp_path):
    result, out, src = render_copy(CASES / "minimal", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0
    handler = src / "src" / "hello" / "handler.py"
    handler.write_text("# my code\n")
    (out / "dev" / "terraform.tfstate").write_text("{}")
    (out / "dev" / ".terraform").mkdir()
    result = run("render", str(src / "blueprint.yaml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert handler.read_text() == "# my code\n"
    assert (out / "dev" / "terraform.tfstate").read_text() == "{}"
    assert (out / "dev" / ".terraform").is_dir()


def test_only_stage(tmp_path):
    result, out, _ = render_copy(CASES / "stages_overrides", "blueprint.yaml", tmp_path, "--stage", "prod")
    assert result.exit_code == 0, result.output
    assert (out / "prod" / "main.tf").is_file() and not (out / "dev").exists()
    result = run("render", str(tmp_path / "src" / "blueprint.yaml"), "--stage", "qa", "-o", str(out))
    assert result.exit_code == 2 and "unknown stage 'qa'" in result.output


def test_default_output_folder(tmp_path, monkeypatch):
    shutil.copytree(CASES / "minimal", tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    result = run("render", "app/blueprint.yaml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "hello" / "dev" / "lambda.tf").is_file()


@pytest.mark.slow
def test_plain_pip_install_renders(tmp_path):
    """A wheel built from the tree carries the templates, the families' too: `pip install .` into a
    fresh venv renders, and scaffolds a queue consumer from the queue family's handler."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(ROOT)], check=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    shutil.copytree(CASES / "sqs_consumer", tmp_path / "app")
    proc = subprocess.run(
        [str(env_dir / "bin" / "sls-gen"), "render", "app/blueprint.yaml", "-o", "rendered"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert (tmp_path / "rendered" / "dev" / "lambda.tf").is_file()
    assert "batchItemFailures" in (tmp_path / "app" / "src" / "worker" / "handler.py").read_text()
    installed = subprocess.run([str(py), "-c", "import generator.emit.templates as t; print(t.templates_dir())"],
                               cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "site-packages" in installed, installed
