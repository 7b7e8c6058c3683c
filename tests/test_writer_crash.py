"""A render killed at any moment leaves the old render or the new one, never a mix, and no user file lost.

The CLI runs in a subprocess over a few hundred functions and dies either at a named point
(SLS_GEN_CRASH_AT=<point>:<n>, which os._exit()s there) or by SIGKILL after a delay. The folder is
then compared with the old and the new render made separately, in other folders.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.writer import recover
from generator.writer.manifest import JOURNAL, TMP

OLD = "service: big\nfunctions:\n" + "".join(f"  fn{i:03d}: {{memory: 256}}\n" for i in range(300))
# 250 kept (half of them updated), 50 removed, 50 created
NEW = "service: big\nfunctions:\n" + "".join(
    f"  fn{i:03d}: {{memory: {512 if i % 2 else 256}}}\n" for i in list(range(250)) + list(range(300, 350))
)
USER = {
    "dev/terraform.tfstate": b'{"version": 4}\n',
    "dev/.terraform/providers/marker": b"x\n",
    "dev/backend.tf": b"terraform {}\n",
    "dist/notes.txt": b"mine\n",
}

pytestmark = pytest.mark.slow


def render_in(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "blueprint.yaml").write_text(text)
    result = CliRunner().invoke(main, ["render", str(folder / "blueprint.yaml"), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out"


def generated(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).as_posix() not in USER
    }


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    base = tmp_path_factory.mktemp("refs")
    old, new = generated(render_in(base / "old", OLD)), generated(render_in(base / "new", NEW))
    assert old != new
    return old, new


def start(workdir: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "render", str(workdir / "blueprint.yaml"), "-o", str(workdir / "out")],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def prepared(tmp_path: Path) -> Path:
    out = render_in(tmp_path, OLD)
    for rel, data in USER.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    (tmp_path / "blueprint.yaml").write_text(NEW)
    return out


def check_after_crash(tmp_path: Path, out: Path, renders) -> str:
    old, new = renders
    for rel, data in USER.items():
        assert (out / rel).read_bytes() == data, rel
    visible = {r: d for r, d in generated(out).items() if not r.endswith(TMP) and r != JOURNAL}
    if not (out / JOURNAL).exists():
        assert visible in (old, new), "without a journal the folder must already be old or new"
    recover(out)
    after = generated(out)
    assert not [r for r in after if r.endswith(TMP) or r == JOURNAL]
    assert after in (old, new), "a mix of the old and the new render"
    for rel, data in USER.items():
        assert (out / rel).read_bytes() == data, rel
    state = "old" if after == old else "new"
    # the next render completes the job and the one after is a no-op
    result = CliRunner().invoke(main, ["render", str(tmp_path / "blueprint.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert generated(out) == new
    return state


@pytest.mark.parametrize(
    "point, expected",
    # 53 files + the manifest are written and renamed, 50 stale zips removed (counted for NEW over OLD)
    [("tmp:1", "old"), ("tmp:53", "old"), ("commit", "new"), ("rename:30", "new"), ("rename:54", "new"),
     ("remove:50", "new")],
)
def test_crash_at_named_points(tmp_path, renders, point, expected):
    out = prepared(tmp_path)
    proc = start(tmp_path, {"SLS_GEN_CRASH_AT": point})
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 137, err.decode()
    assert check_after_crash(tmp_path, out, renders) == expected


@pytest.mark.parametrize("fraction", [0.8, 0.95])
def test_sigkill_after_a_delay(tmp_path, renders, fraction):
    """Real SIGKILLs: the delay is a fraction of a timed full run, so the kill lands during the write."""
    out = prepared(tmp_path)
    t0 = time.monotonic()
    probe = tmp_path.parent / f"{tmp_path.name}-probe"
    shutil.copytree(tmp_path, probe)
    start(probe, {}).wait(timeout=600)
    full = time.monotonic() - t0
    proc = start(tmp_path, {})
    time.sleep(full * fraction)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=600)
    check_after_crash(tmp_path, out, renders)


def test_interrupted_first_render_is_cleaned_up_not_refused(tmp_path, renders):
    (tmp_path / "blueprint.yaml").write_text(NEW)
    proc = start(tmp_path, {"SLS_GEN_CRASH_AT": "tmp:20"})
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 137, err.decode()
    out = tmp_path / "out"
    assert [p for p in out.rglob("*") if p.is_file()], "the crash left temp files behind"
    result = CliRunner().invoke(main, ["render", str(tmp_path / "blueprint.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert generated(out) == renders[1]
