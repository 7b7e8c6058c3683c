"""A compiled function whose artifact is not built: validate passes, plan stops with the build command.

Plans (no apply) against a local moto server, which answers the module's data sources.
"""

from __future__ import annotations

import zipfile

import pytest
from rendering import CASES, render_copy
from tfharness import MotoServer, require_moto, require_terraform, run_tf, tf_env

from generator.cli import main

pytestmark = [pytest.mark.terraform, pytest.mark.xdist_group("terraform")]


def test_plan_fails_until_the_artifact_is_built_then_passes(tmp_path):
    require_terraform()
    require_moto()
    result, out, src = render_copy(CASES / "java_function", "blueprint.yaml", tmp_path)
    assert result.exit_code == 0, result.output
    stage = out / "dev"
    env = tf_env(tmp_path / "tf")
    init = run_tf(["init", "-backend=false", "-no-color"], cwd=stage, env=env)
    assert init.returncode == 0, init.stderr
    with MotoServer() as moto:
        env = moto.merged_env(env)
        plan = run_tf(["plan", "-no-color", "-input=false", "-refresh=false"], cwd=stage, env=env)
        assert plan.returncode != 0
        text = " ".join((plan.stdout + plan.stderr).split())
        assert "Resource precondition failed" in text
        assert "cd src/price_quote && mvn package" in text
        # Build (a stand-in jar), re-render: the artifact is copied and plan goes through.
        jar = src / "src/price_quote/target/function.jar"
        jar.parent.mkdir(parents=True)
        with zipfile.ZipFile(jar, "w") as zf:
            zf.writestr("example/Handler.class", b"\xca\xfe\xba\xbe")
        from click.testing import CliRunner

        again = CliRunner().invoke(main, ["render", str(src / "blueprint.yaml"), "-o", str(out)])
        assert again.exit_code == 0, again.output
        assert (out / "dist/price-quote.zip").read_bytes() == jar.read_bytes()
        plan = run_tf(["plan", "-no-color", "-input=false", "-refresh=false"], cwd=stage, env=env)
        assert plan.returncode == 0, plan.stdout + plan.stderr
