"""Limits AWS enforces on a deployment package are errors (SLS317), checked where the zip bytes are
made: 50 MiB zipped for a direct upload, 250 MiB unzipped, measured from the zip's entries, not
only from the zipped size. The 5 MiB cold-start warning (SLS504) stays: tests/test_scale_checks.py."""

from __future__ import annotations

import io
import os
import struct
import textwrap
import zipfile

import pytest
from click.testing import CliRunner

import generator.package.size as packaging
from generator.package.size import UNZIPPED_MAX, ZIP_UPLOAD_MAX, package_limit_errors, unzipped_size
from generator.cli import main
from generator.loader import load_file


def zip_declaring(size: int, name: str = "big.bin") -> bytes:
    """A small zip whose one entry declares `size` bytes unzipped (what Lambda would unpack)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(name, b"x")
    data = bytearray(buf.getvalue())
    struct.pack_into("<I", data, 22, size)  # local header: uncompressed size
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, size)  # central directory
    return bytes(data)


@pytest.fixture
def doc(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    return load_file(bp)


def test_unzipped_size_is_what_the_entries_declare():
    assert unzipped_size(zip_declaring(UNZIPPED_MAX + 1)) == UNZIPPED_MAX + 1
    assert unzipped_size(b"not a zip") is None


@pytest.mark.parametrize("make, expected", [
    (lambda: zip_declaring(UNZIPPED_MAX), []),
    (lambda: zip_declaring(UNZIPPED_MAX + 1), ["unzips to 250.0 MiB"]),
    (lambda: zip_declaring(2**32 - 1), ["unzips to 4096.0 MiB"]),
    (lambda: b"\0" * ZIP_UPLOAD_MAX, []),
    (lambda: b"\0" * (ZIP_UPLOAD_MAX + 1), ["is 50.0 MiB zipped"]),
])
def test_limits(doc, make, expected):
    found = package_limit_errors(doc, "a", "src/a", make())
    assert [d.code for d in found] == ["SLS317"] * len(expected)
    for diag, text in zip(found, expected):
        assert text in diag.message and diag.severity == "error" and diag.line == 3


def test_a_zip_of_many_entries_adds_them_up(doc):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"f{i}.bin", b"\0" * 1000)
    assert unzipped_size(buf.getvalue()) == 3000


def _render(tmp_path, text: str):
    bp = tmp_path / "bp.yaml"
    bp.write_text(textwrap.dedent(text))
    return bp, CliRunner().invoke(main, ["render", str(bp), "-o", str(tmp_path / "out")])


def test_a_code_folder_over_the_limits_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(packaging, "UNZIPPED_MAX", 4096)  # the wiring; the real size: the slow test below
    monkeypatch.setattr(packaging, "ZIP_UPLOAD_MAX", 2048)
    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / "zeros.bin").write_bytes(b"\0" * 8192)  # 8 KiB unzipped, a few dozen bytes zipped
    (code / "noise.bin").write_bytes(os.urandom(3000))
    bp, result = _render(tmp_path, "service: demo\nfunctions:\n  a: {}\n")
    assert result.exit_code == 2, result.output
    assert f"{bp}:3:3: error[SLS317] functions.a: the package of src/a is" in result.output
    assert "MiB zipped; Lambda accepts at most" in result.output and "unzips to" in result.output
    assert not (tmp_path / "out").exists()


def test_a_compiled_artifact_that_unzips_too_large_is_refused(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "app.jar").write_bytes(zip_declaring(UNZIPPED_MAX + 1, "com/example/Big.class"))
    bp, result = _render(tmp_path, """\
        service: demo
        functions:
          a: {runtime: java21, handler: example.Handler::handleRequest, artifact: build/app.jar}
        """)
    assert result.exit_code == 2, result.output
    assert "error[SLS317] functions.a: the package of build/app.jar unzips to 250.0 MiB" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "src").exists()


@pytest.mark.slow
def test_a_highly_compressible_code_folder_is_measured_unzipped(tmp_path):
    """251 MiB of zeros zip to a quarter MiB: only the unzipped size catches it."""
    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    with open(code / "zeros.bin", "wb") as fh:
        fh.truncate(UNZIPPED_MAX + 1024 * 1024)  # sparse: costs no disk
    bp, result = _render(tmp_path, "service: demo\nfunctions:\n  a: {}\n")
    assert result.exit_code == 2, result.output
    assert "error[SLS317] functions.a: the package of src/a unzips to 251.0 MiB" in result.output
    assert "MiB zipped; Lambda" not in result.output
