"""`package: {bundle: esbuild}` (generator/package/bundle.py): a TypeScript handler with an npm
dependency bundled into one minified ESM file that runs, tree-shaken, deterministic, with its
source map on request; a clear SLS021 without esbuild, without an entry, or on a syntax error.

esbuild comes from npm once per module (a dev dependency beside the blueprints, as a project keeps
it); the tests skip without npm."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

pytestmark = [pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed"),
              pytest.mark.xdist_group("pip")]
ESBUILD = "0.24.2"
HANDLER = """\
import ms from "ms";
import { helper } from "./lib/helper";

interface Event { wait?: string }

export const handler = async (event: Event) => ({ waitMs: ms(event.wait ?? "1h"), note: helper() });
"""


@pytest.fixture(scope="module")
def tools(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("esbuild")
    (folder / "package.json").write_text(json.dumps({"name": "tools", "version": "1.0.0",
                                                      "devDependencies": {"esbuild": ESBUILD}}))
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"esbuild could not be installed from npm: {done.stderr[-300:]}")
    return folder / "node_modules"


def _project(tmp_path: Path, tools: Path | None, sourcemap: bool = False, handler: str = HANDLER,
             runtime: str = "nodejs22.x") -> Path:
    code = tmp_path / "src" / "api"
    (code / "lib").mkdir(parents=True)
    (code / "index.ts").write_text(handler)
    (code / "lib" / "helper.ts").write_text('export const helper = (): string => "ok";\n'
                                             'export const unused = (): string => "TREE-SHAKEN-AWAY";\n')
    (code / "package.json").write_text(json.dumps({"name": "api", "version": "1.0.0", "dependencies": {"ms": "2.1.3"}}))
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=code, check=True, capture_output=True)
    if tools is not None:
        (tmp_path / "node_modules").symlink_to(tools, target_is_directory=True)
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\nfunctions:\n  api:\n    runtime: {runtime}\n"
                  f"    package: {{bundle: esbuild{', sourcemap: true' if sourcemap else ''}}}\n")
    return bp


def _render(bp: Path, out: Path):
    return CliRunner().invoke(main, ["render", str(bp), "-o", str(out)])


def _entries(out: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO((out / "dist" / "api.zip").read_bytes())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_a_typescript_handler_is_bundled_into_one_esm_file_that_runs(tmp_path, tools):
    result = _render(_project(tmp_path, tools), tmp_path / "out")
    assert result.exit_code == 0, result.output
    entries = _entries(tmp_path / "out")
    assert list(entries) == ["index.mjs"]  # no sources, no node_modules: the bundle only
    code = entries["index.mjs"].decode()
    assert "TREE-SHAKEN-AWAY" not in code and "interface" not in code
    assert len(code.splitlines()) <= 3  # minified
    lambda_tf = (tmp_path / "out" / "dev" / "lambda.tf").read_text()
    assert '"index.handler"' in lambda_tf and "NODE_OPTIONS" not in lambda_tf
    if shutil.which("node"):
        run = tmp_path / "run"
        run.mkdir()
        (run / "index.mjs").write_bytes(entries["index.mjs"])
        done = subprocess.run(["node", "-e", "import('./index.mjs').then(async m => "
                               "console.log(JSON.stringify(await m.handler({wait: '2m'}))))"],
                              cwd=run, capture_output=True, text=True, check=True)
        assert json.loads(done.stdout) == {"waitMs": 120000, "note": "ok"}


def test_two_bundles_are_byte_identical_and_a_source_map_is_added_on_request(tmp_path, tools):
    bp = _project(tmp_path, tools, sourcemap=True)
    assert _render(bp, tmp_path / "one").exit_code == 0
    assert _render(bp, tmp_path / "two").exit_code == 0
    one = (tmp_path / "one" / "dist" / "api.zip").read_bytes()
    assert one == (tmp_path / "two" / "dist" / "api.zip").read_bytes()
    entries = _entries(tmp_path / "one")
    assert sorted(entries) == ["index.mjs", "index.mjs.map"]
    assert str(tmp_path) not in entries["index.mjs.map"].decode()  # no machine path in the map
    assert json.loads(entries["index.mjs.map"])["sources"][-2:] == ["../src/index.ts", "../src/lib/helper.ts"]
    assert 'NODE_OPTIONS = "--enable-source-maps"' in " ".join((tmp_path / "one" / "dev" / "lambda.tf").read_text().split())


def test_without_esbuild_the_render_stops_with_sls021(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # and no node_modules/.bin/esbuild beside the code
    bp = tmp_path / "blueprint.yaml"
    (tmp_path / "src" / "api").mkdir(parents=True)
    (tmp_path / "src" / "api" / "index.ts").write_text("export const handler = async () => 1;\n")
    bp.write_text("service: demo\nfunctions:\n  api:\n    runtime: nodejs22.x\n    package: {bundle: esbuild}\n")
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "error[SLS021]" in result.output and "esbuild is not installed" in result.output
    assert "npm install --save-dev esbuild" in result.output


def test_a_handler_without_an_entry_file_is_sls021(tmp_path, tools):
    bp = _project(tmp_path, tools)
    bp.write_text(bp.read_text().replace("package:", "handler: main.handler\n    package:"))
    result = _render(bp, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "no entry file for handler main.handler: none of main.ts, main.mts" in result.output


def test_a_syntax_error_is_sls021_naming_it_without_a_temp_path(tmp_path, tools):
    result = _render(_project(tmp_path, tools, handler="export const handler = async ( => 1;\n"), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "error[SLS021]" in result.output and "esbuild could not bundle index.ts" in result.output
    assert "sls-gen-bundle-" not in result.output


def test_invoke_runs_the_bundle_not_the_typescript_sources(tmp_path, tools):
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    bp = _project(tmp_path, tools)
    (tmp_path / "ev.json").write_text(json.dumps({"wait": "3s"}))
    result = CliRunner().invoke(main, ["invoke", "api", str(bp), "--event", str(tmp_path / "ev.json")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{"):]) == {"waitMs": 3000, "note": "ok"}, result.output
