"""What a render read on disk is kept as typed values, so no path name can pass for another state.

The states were once `|`-joined strings ("src/a|dir|<tree>"), and a folder whose name held a `|`
or read "!outside" was taken for something else (issue 13).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

HANDLER = "def handler(event, context):\n    return 'real'\n"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(tmp_path / "cache"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def zipped(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        return {name: zf.read(name).decode() for name in zf.namelist()}


@pytest.mark.parametrize("code", ["src/a|b", "src/a|dir|b", "src/x|missing", "|"])
def test_a_code_folder_with_a_bar_in_its_name_ships_its_own_code(tmp_path, code):
    app = tmp_path / "app"
    (app / code).mkdir(parents=True)
    (app / code / "handler.py").write_text(HANDLER)
    (app / "blueprint.yaml").write_text(f"service: svc\nfunctions:\n  a:\n    code: {code!r}\n")
    out = tmp_path / "out"

    result = run("render", app / "blueprint.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert zipped(out / "dist" / "a.zip") == {"handler.py": HANDLER}, "the real handler, not a scaffold"
    assert sorted(p.name for p in (app / code).iterdir()) == ["handler.py"]
    assert "1 skip" in result.stdout and "create  " + code not in result.stdout

    again = run("render", app / "blueprint.yaml", "-o", out)
    assert "nothing changed, nothing written" in again.stdout
    (app / code / "handler.py").write_text(HANDLER.replace("real", "edited"))
    edited = run("render", app / "blueprint.yaml", "-o", out)
    assert edited.exit_code == 0 and "update  dist/a.zip" in edited.stdout, edited.output
    assert zipped(out / "dist" / "a.zip") == {"handler.py": HANDLER.replace("real", "edited")}


def test_a_folder_named_like_the_outside_is_not_the_outside(tmp_path):
    app = tmp_path / "app"
    (app / "!outside").mkdir(parents=True)
    (app / "!outside" / "handler.py").write_text(HANDLER)
    os.symlink("!outside", app / "link")
    (app / "blueprint.yaml").write_text("service: svc\nfunctions:\n  a:\n    code: link\n")
    out = tmp_path / "out"
    assert run("render", app / "blueprint.yaml", "-o", out).exit_code == 0

    elsewhere = tmp_path / "elsewhere"  # the same code, now outside the blueprint's folder
    elsewhere.mkdir()
    (elsewhere / "handler.py").write_text(HANDLER)
    (app / "link").unlink()
    os.symlink(elsewhere, app / "link")
    result = run("render", app / "blueprint.yaml", "-o", out)
    assert result.exit_code == 2 and "SLS313" in result.stderr, result.output


def test_a_path_state_is_what_was_read_there_and_nothing_else(tmp_path):
    import hashlib

    from generator.fingerprint import UNSETTLED, Kind, Mode, PathState, path_state
    from generator.package.zips import tree_fingerprint

    root = tmp_path / "app"
    (root / "src" / "a|b").mkdir(parents=True)
    (root / "src" / "a|b" / "handler.py").write_text(HANDLER)
    (root / "app.jar").write_bytes(b"PK")
    os.symlink(tmp_path, root / "up")
    states = {
        ("src/a|b", Mode.WHERE): PathState("src/a|b"),
        ("src/a|b", Mode.EXISTS): PathState("src/a|b", Kind.DIR),
        ("src/a|b", Mode.CODE): PathState("src/a|b", Kind.DIR, tree_fingerprint(root / "src" / "a|b")),
        ("app.jar", Mode.ARTIFACT): PathState("app.jar", Kind.FILE, hashlib.sha256(b"PK").hexdigest()),
        ("app.jar", Mode.EXISTS): PathState("app.jar", Kind.FILE),
        ("gone", Mode.CODE): PathState("gone", Kind.MISSING),
        ("up", Mode.WHERE): PathState(None),  # a link out of the blueprint's folder
        ("src/../src/a|b", Mode.WHERE): PathState("src/a|b"),
        (".", Mode.EXISTS): PathState(".", Kind.DIR),
    }
    for (rel, mode), expected in states.items():
        assert path_state(root, rel, mode) == expected, (rel, mode)
    assert states[("src/a|b", Mode.CODE)].tree and states[("gone", Mode.CODE)].missing
    assert UNSETTLED not in states.values()
