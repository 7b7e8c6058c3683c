"""The output folder as a user lives with it: statuses, hand edits, foreign folders, user files, diff."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rendering import CASES

from generator.cli import main
from generator.writer import MANIFEST

USER_FILES = {
    "dev/terraform.tfstate": b'{"version": 4}\n',
    "dev/.terraform.lock.hcl": b"# lock\n",
    "dev/.terraform/providers/marker": b"provider\n",
    "dev/prod.tfvars": b'x = "1"\n',
    "dev/backend.tf": b'terraform {\n  backend "s3" {}\n}\n',
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def setup_app(tmp_path: Path, case: str = "minimal") -> tuple[Path, Path]:
    src = tmp_path / "src"
    shutil.copytree(CASES / case, src)
    return src / "blueprint.yaml", tmp_path / "out"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file and folder: proves a run touched and renamed nothing."""
    out = {".": (root.stat().st_ino, root.stat().st_mtime_ns)}
    for p in sorted(root.rglob("*")):
        st = p.stat()
        out[p.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def statuses(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        parts = line.split()[:2]
        if len(parts) == 2 and parts[0] in {"create", "update", "conflict", "remove", "keep", "identical"}:
            found[parts[1]] = parts[0]
    return found


def add_user_files(out: Path) -> None:
    for rel, data in USER_FILES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


def assert_user_files(out: Path) -> None:
    for rel, data in USER_FILES.items():
        assert (out / rel).read_bytes() == data, rel


def test_first_render_creates_and_writes_a_manifest_of_every_file(tmp_path):
    bp, out = setup_app(tmp_path)
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0, result.output
    found = statuses(result.output)
    assert found["dev/lambda.tf"] == "create" and found["dist/hello.zip"] == "create"
    assert found["src/hello/handler.py"] == "create"
    assert result.output.splitlines()[-1] == f"Rendered hello (dev) into {out}: {len(found)} create."
    manifest = json.loads((out / MANIFEST).read_text())
    generated = {rel for rel in tree(out) if rel != MANIFEST}
    assert set(manifest["files"]) == generated
    assert manifest["files"]["dev/lambda.tf"]["kind"] == "terraform"
    assert manifest["files"]["dist/hello.zip"]["kind"] == "zip"
    import hashlib

    for rel, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((out / rel).read_bytes()).hexdigest()
    assert str(tmp_path) not in (out / MANIFEST).read_text()


def test_manifest_and_zips_are_byte_identical_across_folders(tmp_path):
    bp1, out1 = setup_app(tmp_path / "one", "http_api_jwt")
    bp2, out2 = setup_app(tmp_path / "elsewhere" / "two", "http_api_jwt")
    assert run("render", bp1, "-o", out1).exit_code == 0
    # the second copy gets its code dirs from disk (scaffolds written, then touched and chmodded)
    assert run("render", bp2, "-o", out2).exit_code == 0
    for path in (bp2.parent / "src").rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000, 1_000_000))
            path.chmod(0o600)
    shutil.rmtree(out2)
    assert run("render", bp2, "-o", out2).exit_code == 0
    one, two = tree(out1), tree(out2)
    assert [r for r in one if r.endswith(".zip")], "the case must produce zips"
    assert one == two


def test_unchanged_rerender_touches_nothing(tmp_path):
    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    add_user_files(out)
    before = stats(out)
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0, result.output
    # the scaffold folder exists now: skipped, not identical
    assert result.output == f"Rendered hello (dev) into {out}: 8 identical, 1 skip; nothing changed, nothing written.\n"
    assert stats(out) == before


def test_update_remove_and_stale_edited_file_is_kept(tmp_path):
    bp, out = setup_app(tmp_path)
    bp.write_text("service: hello\nfunctions:\n  hello: {}\n  bye: {}\n  tmp: {}\n")
    assert run("render", bp, "-o", out).exit_code == 0
    add_user_files(out)
    with open(out / "dist" / "tmp.zip", "ab") as fh:
        fh.write(b"edited")  # a stale file edited by hand must not be removed
    bp.write_text("service: hello\nfunctions:\n  hello: {memory: 512}\n")
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0, result.output
    found = statuses(result.output)
    assert found["dev/lambda.tf"] == "update" and "512" in (out / "dev" / "lambda.tf").read_text()
    assert found["dist/bye.zip"] == "remove" and not (out / "dist" / "bye.zip").exists()
    assert found["dist/tmp.zip"] == "keep" and (out / "dist" / "tmp.zip").read_bytes().endswith(b"edited")
    assert "dist/tmp.zip" not in json.loads((out / MANIFEST).read_text())["files"]  # the user's now
    assert_user_files(out)
    assert (bp.parent / "src" / "bye" / "handler.py").is_file()  # scaffolds are never deleted


def test_hand_edited_file_blocks_the_render_and_nothing_changes(tmp_path):
    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    add_user_files(out)
    edited = out / "dev" / "lambda.tf"
    edited.write_text(edited.read_text() + "# mine\n")
    bp.write_text("service: hello\nfunctions:\n  hello: {memory: 1024}\n  other: {}\n")
    before_tree, before_stats = tree(out), stats(out)
    result = run("render", bp, "-o", out)
    assert result.exit_code == 3
    assert "error[SLS602]" in result.output and str(edited) in result.output
    assert tree(out) == before_tree and stats(out) == before_stats

    result = run("render", bp, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert statuses(result.output)["dev/lambda.tf"] == "conflict"
    assert "conflict  dev/lambda.tf  (your version kept as dev/lambda.tf.orig)" in result.output
    assert (out / "dev" / "lambda.tf.orig").read_text().endswith("# mine\n")
    assert "1024" in edited.read_text() and "# mine" not in edited.read_text()
    assert_user_files(out)
    # a second forced edit never overwrites the first backup
    edited.write_text(edited.read_text() + "# again\n")
    bp.write_text("service: hello\nfunctions:\n  hello: {memory: 2048}\n")
    assert run("render", bp, "-o", out, "--force").exit_code == 0
    assert (out / "dev" / "lambda.tf.orig").read_text().endswith("# mine\n")
    assert (out / "dev" / "lambda.tf.orig.1").read_text().endswith("# again\n")


def test_edited_scaffold_survives_render_and_force(tmp_path):
    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    handler = bp.parent / "src" / "hello" / "handler.py"
    mine = "def handler(event, context):\n    return 42\n"
    (bp.parent / "src" / "hello" / "test_hello.py").unlink()  # deleted by the user: stays deleted
    for extra in ([], ["--force"]):
        mine += "# another edit\n"
        handler.write_text(mine)
        result = run("render", bp, "-o", out, *extra)
        assert result.exit_code == 0, result.output
        assert "create  src/hello" not in result.output
        assert handler.read_text() == mine
        assert not (bp.parent / "src" / "hello" / "test_hello.py").exists()
        assert statuses(result.output)["dist/hello.zip"] == "update"


def test_foreign_folder_is_refused_with_its_files_intact(tmp_path):
    bp, out = setup_app(tmp_path)
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    (out / "dev").mkdir()
    (out / "dev" / "main.tf").write_text("# my own main.tf\n")
    before = tree(out)
    result = run("render", bp, "-o", out)
    assert result.exit_code == 3 and "error[SLS601]" in result.output
    assert tree(out) == before
    result = run("render", bp, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert statuses(result.output)["dev/main.tf"] == "conflict"
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "dev" / "main.tf.orig").read_text() == "# my own main.tf\n"
    assert "notes.txt" not in json.loads((out / MANIFEST).read_text())["files"]
    # the folder is sls-gen's now: a plain render works and keeps the user's files
    assert run("render", bp, "-o", out).exit_code == 0
    assert (out / "notes.txt").read_text() == "mine\n"


def test_stage_render_leaves_other_stages_alone(tmp_path):
    bp, out = setup_app(tmp_path, "stages_overrides")
    assert run("render", bp, "-o", out).exit_code == 0
    stages = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "dist")
    assert len(stages) >= 2
    before = tree(out)
    result = run("render", bp, "-o", out, "--stage", stages[0])
    assert result.exit_code == 0, result.output
    assert "remove" not in result.output
    after = tree(out)
    manifest = after.pop(MANIFEST)  # rewritten only to record what a --stage render read
    assert after == {k: v for k, v in before.items() if k != MANIFEST}
    assert json.loads(manifest)["files"] == json.loads(before[MANIFEST])["files"]
    for args in ((), ("--stage", stages[0])):  # both option sets now replay without writing
        result = run("render", bp, "-o", out, *args)
        assert result.exit_code == 0 and "nothing changed, nothing written" in result.output, result.output
        assert tree(out) == {**after, MANIFEST: manifest}


def test_diff_exit_codes_and_writes_nothing(tmp_path):
    bp, out = setup_app(tmp_path)
    result = run("diff", bp, "-o", out)
    assert result.exit_code == 1 and not out.exists() and not (bp.parent / "src").exists()
    assert "+++ b/dev/lambda.tf" in result.output and "scaffold would be created: src/hello/handler.py" in result.output
    assert run("render", bp, "-o", out).exit_code == 0
    before = stats(out)
    result = run("diff", bp, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("up to date with " + str(bp) + ".")
    bp.write_text("service: hello\nfunctions:\n  hello: {memory: 777}\n")
    (bp.parent / "src" / "hello" / "handler.py").write_text("# changed code\n")
    result = run("diff", bp, "-o", out)
    assert result.exit_code == 1
    assert "-  memory_size" in result.output or "+  memory_size" in result.output.replace("   ", "  ")
    assert "777" in result.output
    assert "Binary files a/dist/hello.zip and b/dist/hello.zip differ" in result.output
    assert stats(out) == before
    result = run("diff", bp, "-o", out, "--stage", "nope")
    assert result.exit_code == 2


def test_state_survives_rerender_and_force_and_removal_of_everything_else(tmp_path):
    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    add_user_files(out)
    (out / "dev" / "lambda.tf").write_text("edited\n")
    assert run("render", bp, "-o", out, "--force").exit_code == 0
    assert_user_files(out)
    bp.write_text("service: hello\nfunctions:\n  other: {}\n")
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0, result.output
    assert statuses(result.output)["dist/hello.zip"] == "remove"
    assert_user_files(out)


@pytest.mark.skipif(not os.environ.get("SLS_GEN_PERF"), reason="timing report, opt in with SLS_GEN_PERF=1")
def test_noop_rerender_of_1000_functions_costs_the_writer_almost_nothing(tmp_path):
    import time

    from generator.pipeline import render
    from generator.writer import write_tree

    bp = tmp_path / "blueprint.yaml"
    bp.write_text("service: big\nfunctions:\n" + "".join(f"  fn{i:04d}: {{}}\n" for i in range(1000)))
    t0 = time.process_time()
    rendered = render(bp)
    t1 = time.process_time()
    write_tree(rendered.outputs, tmp_path / "out")
    t2 = time.process_time()
    rendered = render(bp)
    t3 = time.process_time()
    plan = write_tree(rendered.outputs, tmp_path / "out")
    t4 = time.process_time()
    print(f"\ncold: render {t1 - t0:.2f}s + write {t2 - t1:.2f}s; no-op: render {t3 - t2:.2f}s + write {t4 - t3:.3f}s")
    assert not plan.changed
    assert t4 - t3 < 0.05 * (t3 - t2), "the writer's no-op pass should be noise next to rendering"


def test_a_second_concurrent_render_is_refused(tmp_path):
    import fcntl

    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    bp.write_text("service: hello\nfunctions:\n  hello: {memory: 999}\n")
    before = tree(out)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a render in progress holds
        result = run("render", bp, "-o", out)
        assert result.exit_code == 3 and "another sls-gen render is writing this folder" in result.output
        assert tree(out) == before
    finally:
        os.close(fd)
    assert run("render", bp, "-o", out).exit_code == 0


def test_leftover_scaffold_temp_folder_is_swept(tmp_path):
    bp, out = setup_app(tmp_path)
    leftover = bp.parent / "src" / ".gone.sls-gen-tmp"
    leftover.mkdir(parents=True)
    (leftover / "handler.py").write_text("half\n")
    assert run("render", bp, "-o", out).exit_code == 0
    assert not leftover.exists()
    assert (bp.parent / "src" / "hello" / "handler.py").is_file()


def test_an_edited_manifest_cannot_reach_outside_the_folder(tmp_path):
    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    import hashlib

    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["../victim.txt"] = {"kind": "doc", "sha256": hashlib.sha256(b"keep me\n").hexdigest()}
    (out / MANIFEST).write_text(json.dumps(manifest))
    result = run("render", bp, "-o", out)
    assert result.exit_code == 3 and "SLS603" in result.output  # a manifest is read like a blueprint
    assert victim.read_text() == "keep me\n"
    assert run("render", bp, "-o", out, "--force").exit_code == 0  # adopt the folder: the entry is dropped
    assert victim.read_text() == "keep me\n"
    assert "../victim.txt" not in json.loads((out / MANIFEST).read_text())["files"]


def test_diff_reports_a_pending_journal_and_render_finishes_it(tmp_path):
    from generator.writer.manifest import JOURNAL, TMP

    bp, out = setup_app(tmp_path)
    assert run("render", bp, "-o", out).exit_code == 0
    lambda_tf = out / "dev" / "lambda.tf"
    (out / ("dev/lambda.tf" + TMP)).write_bytes(lambda_tf.read_bytes() + b"# from the journal\n")
    (out / JOURNAL).write_text(json.dumps({"put": ["dev/lambda.tf"], "remove": {}}))
    result = run("diff", bp, "-o", out)
    assert result.exit_code == 1 and "an interrupted render is pending" in result.output
    assert (out / JOURNAL).exists()
    # render rolls the committed journal forward first, then sees the result as a hand edit
    result = run("render", bp, "-o", out)
    assert not (out / JOURNAL).exists() and lambda_tf.read_text().endswith("# from the journal\n")
    assert result.exit_code == 3 and "SLS602" in result.output


@pytest.mark.parametrize("durability", ["syncfs", "syncfs fails", "fsync each"])
def test_temp_files_are_made_durable_before_the_commit(tmp_path, monkeypatch, durability):
    """One syncfs(2) where Linux has it; every temp file fsynced if it fails or is missing."""
    from generator.writer import tree

    calls = {"syncfs": 0}
    fsynced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        fsynced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    def fake_syncfs(ok):
        def syncfs(fd):
            calls["syncfs"] += 1
            assert os.path.samefile(os.readlink(f"/proc/self/fd/{fd}"), out)  # the output folder
            return ok
        return lambda: syncfs

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to see which file a descriptor is")
    monkeypatch.setattr(os, "fsync", recording_fsync)
    bp, out = setup_app(tmp_path)
    if durability == "fsync each":
        monkeypatch.setattr(tree, "_syncfs", lambda: None)
    else:
        monkeypatch.setattr(tree, "_syncfs", fake_syncfs(durability == "syncfs"))
    assert run("render", bp, "-o", out).exit_code == 0
    generated = {str(out / rel) + ".sls-gen-tmp" for rel in json.loads((out / MANIFEST).read_text())["files"]}
    if durability == "syncfs":
        assert calls["syncfs"] == 1 and not generated & set(fsynced)  # one call covers them all
    else:
        assert generated <= set(fsynced)
    assert run("render", bp, "-o", out).output.rstrip().endswith("nothing changed, nothing written.")


def test_syncfs_is_found_on_linux():
    import sys

    from generator.writer import tree

    if not sys.platform.startswith("linux"):
        pytest.skip("syncfs is Linux only")
    syncfs = tree._syncfs()
    assert syncfs is not None
    fd = os.open(".", os.O_RDONLY)
    try:
        assert syncfs(fd) is True
    finally:
        os.close(fd)
