"""Many services at once (generator/fleet.py): `sls-gen render|diff` over several blueprints or folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rendering import BLUEPRINTS, CASES

from generator.cli import main
from generator.fleet import search


def run(*args, cwd: Path | None = None):
    if cwd is None:
        return CliRunner().invoke(main, [str(a) for a in args])
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def monorepo(root: Path) -> Path:
    """services/<name>/ for the two bundled blueprints and the minimal case, plus YAML that is not a blueprint."""
    services = root / "services"
    shutil.copytree(BLUEPRINTS / "orders", services / "orders")
    shutil.copytree(BLUEPRINTS / "commerce", services / "commerce")
    shutil.copytree(CASES / "minimal", services / "hello")
    (services / "hello" / "config.yaml").write_text("log_level: debug\n")
    return services


def test_search_recognises_blueprints_not_profiles_nor_other_yaml(tmp_path):
    root = tmp_path / "repo"
    (root / "platform").mkdir(parents=True)
    (root / "platform" / "acme.yaml").write_text("# org profile\nservice: template\nrequired_tags: [team]\n")
    (root / "platform" / "base.yml").write_text("extends: acme.yaml\nregion: eu-west-1\n")
    (root / "a").mkdir()
    (root / "a" / "a.yaml").write_text("extends: '../platform/base.yml'  # the org's\nservice: a\n")
    (root / "a" / "broken.yml").write_text("service: broken\nfunctions: [\n")  # recognised: its render says why
    (root / "a" / "docker-compose.yaml").write_text("services:\n  db: {image: postgres}\n")
    (root / "sls").mkdir()
    (root / "sls" / "serverless.yml").write_text("service: legacy\nprovider: {name: aws}\n")  # Serverless Framework
    (root / ".github").mkdir()
    (root / ".github" / "ci.yaml").write_text("service: hidden\n")
    (root / "a" / "node_modules" / "pkg").mkdir(parents=True)
    (root / "a" / "node_modules" / "pkg" / "x.yaml").write_text("service: dependency\n")
    (root / "out" / "a" / "dev").mkdir(parents=True)
    (root / "out" / "a" / ".sls-gen-manifest.json").write_text("{}")
    (root / "out" / "a" / "dev" / "x.yaml").write_text("service: rendered\n")
    (root / "b.YAML.txt").write_text("service: nope\n")
    (root / "flow.yaml").write_text("{service: flow}\n")  # documented: a top-level `service:` line is needed
    assert [p.relative_to(root).as_posix() for p in search(root)] == ["a/a.yaml", "a/broken.yml"]


def test_a_folder_renders_every_service_into_its_own_folder_as_a_single_render_would(tmp_path):
    services = monorepo(tmp_path / "many")
    result = run("render", services, "-o", tmp_path / "many" / "build", "-j", "2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "many" / "build").iterdir()) == ["commerce", "hello", "orders"]
    assert "sls-gen render: 3 blueprint(s)" in result.output and "3 changed, 0 up to date, 0 failed." in result.output

    alone = monorepo(tmp_path / "alone")
    for name, service in (("orders/orders.yaml", "orders"), ("commerce/commerce.yaml", "commerce"),
                          ("hello/blueprint.yaml", "hello")):
        single = run("render", alone / name, "-o", tmp_path / "alone" / "build" / service)
        assert single.exit_code == 0, single.output
        assert f"Rendered {service} " in single.output and "blueprint(s)" not in single.output
        assert tree(tmp_path / "many" / "build" / service) == tree(tmp_path / "alone" / "build" / service), service
    assert tree(services) == tree(alone)  # the same scaffolds were written next to each blueprint

    again = run("render", services, "-o", tmp_path / "many" / "build")
    assert again.exit_code == 0 and "0 changed, 3 up to date, 0 failed." in again.output, again.output


def _cli(args, cwd):
    env = {**os.environ, "SLS_GEN_CACHE_DIR": ""}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_output_is_the_same_whatever_the_parallelism(tmp_path):
    """Worker processes finish in any order; what is printed (and its exit status) does not change."""
    runs = {}
    for jobs in ("1", "2", "3"):
        work = tmp_path / f"j{jobs}"
        monorepo(work)
        (work / "services" / "hello" / "bad.yaml").write_text("service: bad\nfunctions:\n  a: {memory: lots}\n")
        proc = _cli(["render", "services", "-j", jobs], work)
        runs[jobs] = (proc.returncode, proc.stdout, proc.stderr, tree(work / "out"))
    assert runs["1"][0] == 2
    assert runs["1"] == runs["2"] == runs["3"]
    assert sorted({p.split("/")[0] for p in runs["1"][3]}) == ["commerce", "hello", "orders"]  # default: out/<service>/


def test_a_blueprint_with_errors_writes_nothing_and_the_others_render(tmp_path):
    services = monorepo(tmp_path)
    bad = services / "hello" / "bad.yaml"
    bad.write_text("service: bad\nfunctions:\n  a:\n    memory: lots\n")
    out = tmp_path / "build"
    result = run("render", services, "-o", out)
    assert result.exit_code == 2, result.output
    assert f"{bad}:4:5: error[SLS102] functions.a.memory" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["commerce", "hello", "orders"]
    assert not (services / "hello" / "src" / "a").exists()
    assert f"  bad       {bad}: 1 error(s); nothing written" in result.output
    assert result.output.rstrip().endswith("3 changed, 0 up to date, 1 failed.")


def test_two_blueprints_of_one_service_are_refused_and_the_others_render(tmp_path):
    services = monorepo(tmp_path)
    copy = services / "hello" / "orders-copy.yaml"
    copy.write_text("# the orders service again\nservice: orders\nfunctions:\n  x: {}\n")
    out = tmp_path / "build"
    result = run("render", services, "-o", out)
    assert result.exit_code == 2, result.output
    original = services / "orders" / "orders.yaml"
    assert f"{copy}:2:1: error[SLS012] service: 'orders' is also the service of {original}" in result.output
    assert f"error[SLS012] service: 'orders' is also the service of {copy}" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["commerce", "hello"]


def test_explicit_blueprints_and_a_profile_in_the_searched_folder(tmp_path):
    """A profile named by `extends:` is not rendered as a service, even one that sets `service:`."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "profile.yaml").write_text("service: template\nfunctions:\n  shared: {}\n")
    (app / "one.yaml").write_text("extends: profile.yaml\nservice: one\n")
    (app / "two.yaml").write_text("extends: profile.yaml\nservice: two\n")
    result = run("render", app, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one", "two"]
    explicit = run("render", app / "two.yaml", app / "one.yaml", app / "one.yaml", "-o", tmp_path / "out2", "-j", "1")
    assert explicit.exit_code == 0, explicit.output
    assert explicit.output.index("Rendered two") < explicit.output.index("Rendered one")  # the order given, once each
    assert "sls-gen render: 2 blueprint(s)" in explicit.output


def test_diff_over_a_folder_is_one_drift_gate(tmp_path):
    services = monorepo(tmp_path)
    out = tmp_path / "build"
    assert run("render", services, "-o", out).exit_code == 0
    clean = run("diff", services, "-o", out)
    assert clean.exit_code == 0 and "0 would change, 3 up to date, 0 failed." in clean.output, clean.output
    bp = services / "hello" / "blueprint.yaml"
    bp.write_text(bp.read_text().replace("memory: 128", "memory: 256") if "memory: 128" in bp.read_text()
                  else bp.read_text() + "description: changed\n")
    drift = run("diff", services, "-o", out)
    assert drift.exit_code == 1, drift.output
    assert f"  hello     {bp} -> {out / 'hello'}: " in drift.output and "file(s) would change" in drift.output
    assert "1 would change, 2 up to date, 0 failed." in drift.output
    assert "+++ b/dev/" in drift.output


def test_jobs_must_be_positive():
    result = run("render", "a.yaml", "b.yaml", "-j", "0")
    assert result.exit_code == 2 and "-j" in result.output


@pytest.mark.parametrize("command", ["render", "diff"])
def test_one_blueprint_file_is_rendered_as_before(tmp_path, command):
    shutil.copytree(CASES / "minimal", tmp_path / "app")
    result = run(command, tmp_path / "app" / "blueprint.yaml", "-o", tmp_path / "out")
    assert result.exit_code == (0 if command == "render" else 1), result.output
    assert "blueprint(s)" not in result.output  # no summary: the single-blueprint output is unchanged


def _die(jobs):
    os._exit(9)  # a worker killed mid-render (out of memory, a signal)


def test_a_worker_that_dies_is_an_internal_error_not_a_traceback(tmp_path, monkeypatch):
    from generator import fleet

    services = monorepo(tmp_path)
    monkeypatch.setattr(fleet, "_run_group", _die)
    result = run("render", services, "-o", tmp_path / "build", "-j", "2")
    assert result.exit_code == 70, result.output
    assert "sls-gen: internal error: BrokenProcessPool" in result.output and "Traceback" not in result.output


@pytest.mark.slow  # each spawned worker imports everything again (~30 s on a loaded machine)
def test_spawned_workers_print_what_forked_ones_do(tmp_path, monkeypatch):
    """Where fork is not used (macOS, Windows), workers start fresh interpreters: same output."""
    from generator import fleet

    printed = {}
    for method in ("fork", "spawn"):
        work = tmp_path / method
        monorepo(work)
        monkeypatch.setattr(fleet, "START_METHOD", method)
        result = run("render", "services", "-j", "2", cwd=work)
        assert result.exit_code == 0, result.output
        printed[method] = (result.output, tree(work / "out"))
    assert printed["fork"] == printed["spawn"]


def test_validate_over_folders_checks_every_blueprint_and_writes_nothing(tmp_path):
    services = monorepo(tmp_path)
    bad = services / "hello" / "bad.yaml"
    bad.write_text("service: bad\nfunctions:\n  a:\n    memory: lots\n")
    (tmp_path / "nothing").mkdir()
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    result = run("validate", services, tmp_path / "nothing")
    assert result.exit_code == 2, result.output
    assert f"{bad}:4:5: error[SLS102] functions.a.memory" in result.output
    assert "error[SLS013] no blueprint found under" in result.output
    assert f"  bad       {bad}: 1 error(s)" in result.output
    assert result.output.count(": valid (") == 3 and result.output.count(": valid\n") == 3
    assert result.output.rstrip().endswith("3 valid, 2 failed.")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before  # nothing written
    bad.unlink()
    clean = run("validate", services)
    assert clean.exit_code == 0 and clean.output.rstrip().endswith("3 valid, 0 failed."), clean.output


def test_diff_fail_on_over_a_folder_names_the_service_that_would_destroy_data(tmp_path):
    services = monorepo(tmp_path)
    bp = services / "hello" / "blueprint.yaml"
    plain = bp.read_text()
    bp.write_text(plain + "tables:\n  notes: {partition_key: id}\n")
    out = tmp_path / "build"
    assert run("render", services, "-o", out).exit_code == 0
    calm = run("diff", services, "-o", out, "--fail-on", "stateful-destroy")
    assert calm.exit_code == 0, calm.output
    assert calm.output.rstrip().endswith("0 would destroy, 3 destroy nothing, 0 failed.")
    bp.write_text(plain)  # the table leaves the blueprint: its data would go with it
    gate = run("diff", services, "-o", out, "--fail-on", "stateful-destroy")
    assert gate.exit_code == 1, gate.output
    assert f"  hello     {bp} -> {out / 'hello'}: would destroy 1 resource(s) that hold data" in gate.output
    assert f"{out / 'orders'}: destroys nothing that holds data" in gate.output
    assert gate.output.rstrip().endswith("1 would destroy, 2 destroy nothing, 0 failed.")
    listed = run("diff", services, "-o", out, "--summary")
    assert listed.exit_code == 1 and "aws_dynamodb_table.notes" in listed.output, listed.output
