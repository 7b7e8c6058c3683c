"""generator.package.zips: byte-for-byte reproducible deployment zips."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from generator.package.zips import (
    build_zip,
    build_zip_from_files,
    included_files,
    source_hash,
    tree_fingerprint,
)

TREE = {
    "handler.py": "def handler(event, context):\n    return {'ok': True}\n",
    "app/__init__.py": "",
    "app/orders.py": "ORDERS = []\n" * 50,
    "app/util-x.py": "x = 1\n",
    "app-b.py": "# sorts before app/ by posix path\n",
    "lib/vendor/data.json": '{"k": "v"}\n',
    "README.md": "# fn\n",
    "ünïcode.txt": "names are utf-8\n",
}


def make_tree(root: Path, files: dict[str, str], *, reverse: bool = False, mode: int = 0o644) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel in sorted(files, reverse=reverse):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
        path.chmod(mode)
    return root


def names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_identical_bytes_regardless_of_mtime_permissions_umask_and_creation_order(tmp_path):
    old_umask = os.umask(0o022)
    try:
        a = make_tree(tmp_path / "a", TREE)
    finally:
        os.umask(old_umask)
    old_umask = os.umask(0o077)
    try:
        b = make_tree(tmp_path / "b", TREE, reverse=True, mode=0o600)
    finally:
        os.umask(old_umask)
    for i, path in enumerate(sorted(p for p in a.rglob("*") if p.is_file())):
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    for path in b.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (b / "app").chmod(0o700)

    assert build_zip(a) == build_zip(b)
    assert build_zip(a) == build_zip(a)
    assert tree_fingerprint(a) == tree_fingerprint(b)


def test_entries_are_sorted_by_posix_path_without_directory_entries(tmp_path):
    data = build_zip(make_tree(tmp_path / "src", TREE))
    listed = names(data)
    assert listed == sorted(TREE)
    assert listed.index("app-b.py") < listed.index("app/__init__.py")
    assert not any(name.endswith("/") for name in listed)


def test_entry_metadata_is_fixed(tmp_path):
    src = make_tree(tmp_path / "src", TREE)
    with zipfile.ZipFile(io.BytesIO(build_zip(src))) as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.create_system == 3
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == stat.S_IFREG | 0o644
            assert info.extra == b""
            assert zf.read(info).decode("utf-8") == TREE[info.filename]
        assert zf.comment == b""


def test_exclusions(tmp_path):
    excluded = [
        "__pycache__/handler.cpython-311.pyc",
        "app/__pycache__/orders.cpython-311.pyc",
        "stale.pyc",
        "app/stale.pyo",
        ".DS_Store",
        "app/.DS_Store",
        ".git/HEAD",
        ".git/objects/ab/cdef",
        ".venv/bin/python",
        "node_modules/.cache/babel/x.json",
        ".pytest_cache/v/cache/nodeids",
        ".mypy_cache/3.11/x.json",
        "tests/test_handler.py",
        "tests/fixtures/event.json",
        "app/tests/helper.py",
        "__tests__/handler.js",
        "test_handler.py",
        "app/test_orders.py",
        "handler_test.py",
        "index.test.js",
        "lib/index.spec.js",
        "index.test.mjs",
    ]
    kept = [
        "handler.py",
        "index.js",
        "index.mjs",
        "node_modules/left-pad/index.js",
        "node_modules/left-pad/package.json",
        "app/testing.py",  # only test_*.py / *_test.py are tests
        "app/contest.py",
        "latest_results.py",
        "cache/.cache/keep.txt",  # only node_modules/.cache is excluded
        "spec.js",
        "git/keep.txt",
    ]
    src = make_tree(tmp_path / "src", {path: path for path in excluded + kept})
    assert names(build_zip(src)) == sorted(kept)
    assert [f.arcname for f in included_files(src)] == sorted(kept)


def test_executable_bit(tmp_path):
    src = make_tree(tmp_path / "src", {"bootstrap": "#!/bin/sh\n", "bin/run.sh": "#!/bin/sh\n", "main.py": ""})
    (src / "bootstrap").chmod(0o755)
    (src / "bin/run.sh").chmod(0o700)
    (src / "main.py").chmod(0o600)
    with zipfile.ZipFile(io.BytesIO(build_zip(src))) as zf:
        modes = {info.filename: info.external_attr >> 16 for info in zf.infolist()}
    assert modes == {
        "bootstrap": stat.S_IFREG | 0o755,
        "bin/run.sh": stat.S_IFREG | 0o755,
        "main.py": stat.S_IFREG | 0o644,
    }


def test_top_level_bootstrap_is_executable_even_without_the_bit(tmp_path):
    src = make_tree(tmp_path / "src", {"bootstrap": "#!/bin/sh\n", "sub/bootstrap": "x"})
    with zipfile.ZipFile(io.BytesIO(build_zip(src))) as zf:
        assert zf.getinfo("bootstrap").external_attr >> 16 == stat.S_IFREG | 0o755
        assert zf.getinfo("sub/bootstrap").external_attr >> 16 == stat.S_IFREG | 0o644


def test_executable_bit_changes_bytes_and_fingerprint(tmp_path):
    src = make_tree(tmp_path / "src", {"run": "#!/bin/sh\n"})
    before_zip, before_fp = build_zip(src), tree_fingerprint(src)
    (src / "run").chmod(0o755)
    assert build_zip(src) != before_zip
    assert tree_fingerprint(src) != before_fp


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_followed_only_inside_the_source_dir(tmp_path):
    outside = make_tree(tmp_path / "outside", {"secret.txt": "do not ship\n"})
    src = make_tree(tmp_path / "src", {"real/data.txt": "data\n", "handler.py": ""})
    try:
        (src / "link.txt").symlink_to("real/data.txt")
        (src / "linkdir").symlink_to("real", target_is_directory=True)
        (src / "escape.txt").symlink_to(outside / "secret.txt")
        (src / "escapedir").symlink_to(outside, target_is_directory=True)
        (src / "dangling").symlink_to("missing.txt")
        (src / "real/loop").symlink_to("..", target_is_directory=True)
    except OSError:  # pragma: no cover - e.g. unprivileged Windows
        pytest.skip("cannot create symlinks here")
    data = build_zip(src)
    assert names(data) == ["handler.py", "link.txt", "linkdir/data.txt", "real/data.txt"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("link.txt") == b"data\n"
        assert zf.read("linkdir/data.txt") == b"data\n"


def test_empty_directory_gives_an_empty_but_valid_zip(tmp_path):
    (tmp_path / "src").mkdir()
    data = build_zip(tmp_path / "src")
    assert names(data) == []
    assert data == build_zip(tmp_path / "src")


def test_missing_source_dir_is_an_error(tmp_path):
    with pytest.raises(NotADirectoryError):
        build_zip(tmp_path / "nope")


def test_source_hash_is_base64_sha256():
    data = b"some zip bytes"
    assert source_hash(data) == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert source_hash(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_tree_fingerprint_tracks_included_content_only(tmp_path):
    src = make_tree(tmp_path / "src", TREE)
    first = tree_fingerprint(src)
    assert len(first) == 64 and first == tree_fingerprint(src)

    (src / "__pycache__").mkdir()
    (src / "__pycache__/handler.cpython-311.pyc").write_bytes(b"\0")
    (src / "tests").mkdir()
    (src / "tests/test_x.py").write_text("assert True\n")
    os.utime(src / "handler.py", (1, 1))
    assert tree_fingerprint(src) == first  # excluded files and mtimes don't count

    (src / "handler.py").write_text(TREE["handler.py"].replace("True", "False"))  # same size
    assert tree_fingerprint(src) != first

    (src / "handler.py").write_text(TREE["handler.py"])
    assert tree_fingerprint(src) == first
    (src / "handler.py").rename(src / "handler2.py")
    assert tree_fingerprint(src) != first


def test_zip_from_in_memory_files_equals_zip_of_the_written_tree(tmp_path):
    files = {**TREE, "test_handler.py": "def test_x():\n    pass\n", "tests/conftest.py": ""}
    written = make_tree(tmp_path / "src", files)
    from_memory = build_zip_from_files(dict(reversed(list(files.items()))))
    assert from_memory == build_zip(written)
    assert "test_handler.py" not in names(from_memory)


def test_zip_from_in_memory_files_executables_and_bytes(tmp_path):
    written = make_tree(tmp_path / "src", {"bootstrap": "#!/bin/sh\n", "bin/run": "x", "blob.bin": ""})
    (written / "bin/run").chmod(0o755)
    (written / "blob.bin").write_bytes(b"\x00\xff")
    files = {"bootstrap": "#!/bin/sh\n", "bin/run": "x", "blob.bin": b"\x00\xff"}
    assert build_zip_from_files(files, executable=["bin/run"]) == build_zip(written)


@pytest.mark.parametrize("bad", ["", "/abs.py", "../up.py", "a//b.py", "a/./b.py", "win\\path.py"])
def test_zip_from_in_memory_files_rejects_bad_paths(bad):
    with pytest.raises(ValueError):
        build_zip_from_files({bad: "x"})
