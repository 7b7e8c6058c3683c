"""What a deployment package leaves out: the built-in list (zips.py), `package.exclude`, and secrets
(`.env*` files, PEM private keys), each secret with a warning naming it (SLS404)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n"


def _project(tmp_path: Path, files: dict[str, str], extra: str = "") -> Path:
    for rel, text in {"handler.py": "def handler(event, context):\n    return None\n", **files}.items():
        path = tmp_path / "src" / "fn" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f"service: demo\n{extra}functions:\n  fn: {{}}\n")
    return bp


def _render(bp: Path, out: Path):
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result, zipfile.ZipFile(io.BytesIO((out / "dist" / "fn.zip").read_bytes())).namelist()


def test_env_files_are_left_out_with_a_warning_naming_each(tmp_path):
    bp = _project(tmp_path, {".env": "TOKEN=x\n", "conf/.env.prod": "A=1\n", ".env.example": "TOKEN=\n",
                             ".envrc": "export A=1\n", "app.py": "X = 1\n"})
    result, names = _render(bp, tmp_path / "out")
    assert names == ["app.py", "handler.py"]
    warned = sorted(line for line in result.output.splitlines() if "SLS404" in line)
    assert len(warned) == 3, result.output
    for name in ("src/fn/.env looks like", "src/fn/.envrc looks like", "src/fn/conf/.env.prod looks like"):
        assert any(name in line for line in warned), (name, warned)
    assert not any(".env.example" in line for line in warned)


def test_a_private_key_is_left_out_with_a_warning(tmp_path):
    bp = _project(tmp_path, {"certs/client.pem": KEY, "certs/ca.pem": "-----BEGIN CERTIFICATE-----\nAA\n"})
    result, names = _render(bp, tmp_path / "out")
    assert names == ["certs/ca.pem", "handler.py"]
    assert "warning[SLS404]" in result.output and "src/fn/certs/client.pem looks like a private key" in result.output


def test_package_exclude_of_defaults_and_function_add_up(tmp_path):
    bp = _project(tmp_path, {"README.md": "# fn\n", "docs/guide.md": "x\n", "fixtures/a.json": "{}\n",
                             "lib/keep.py": "K = 1\n", "scripts/seed.sh": "echo\n"},
                  extra="defaults:\n  package: {exclude: ['*.md']}\n")
    bp.write_text(bp.read_text().replace("fn: {}", "fn: {package: {exclude: ['fixtures/**', scripts]}}"))
    _, names = _render(bp, tmp_path / "out")
    assert names == ["handler.py", "lib/keep.py"]


def test_a_changed_exclude_rebuilds_the_zip_in_the_same_output_folder(tmp_path):
    bp = _project(tmp_path, {"README.md": "# fn\n"})
    _, names = _render(bp, tmp_path / "out")
    assert names == ["README.md", "handler.py"]
    bp.write_text(bp.read_text().replace("fn: {}", "fn: {package: {exclude: ['*.md']}}"))
    _, names = _render(bp, tmp_path / "out")
    assert names == ["handler.py"]


def test_built_in_excludes_are_one_list(tmp_path):
    bp = _project(tmp_path, {".git/config": "x\n", ".venv/lib/x.py": "x\n", "__pycache__/h.pyc": "x\n",
                             "tests/test_fn.py": "x\n", "node_modules/.cache/x": "x\n", "node_modules/m/i.js": "x\n",
                             "app.pyc": "x\n"})
    _, names = _render(bp, tmp_path / "out")
    assert names == ["handler.py", "node_modules/m/i.js"]
