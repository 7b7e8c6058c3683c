"""Incremental rendering: the no-op check (generator/noop.py) and zip reuse.

The fast path must be taken when nothing a render reads changed, print exactly what a full render
prints, and never be taken when anything it reads changed (docs/decisions/incremental-render.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.cache as cache
import generator.fingerprint as fingerprint
import generator.noop as noop
import generator.package.reuse as reuse
import generator.package.zips as package
import generator.pipeline as pipeline
import generator.record as record
from generator.cli import main
from generator.writer.manifest import JOURNAL, MANIFEST, TMP

BLUEPRINT = """\
service: shop
stages:
  dev: {}
  prod: {}
functions:
  orders:
    events:
      - http: GET /orders
  billing: {}
  stock: {}
  settle:
    runtime: java21
    handler: com.example.Settle::handle
    code: jvm/settle
    artifact: jvm/settle/target/settle-1.0.jar
"""
PY_FUNCTIONS = ("billing", "orders", "stock")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch) -> Path:
    """Each test keeps its render records apart (subprocesses inherit the setting)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(folder))
    return folder


def record_file(out: Path) -> Path:
    return cache.render_record_path(out)[0]


def record_doc(out: Path) -> dict:
    """The JSON body of a render record file (after its signature line)."""
    return json.loads(record_file(out).read_bytes().partition(b"\n")[2])


def write_signed(out: Path, body: bytes) -> None:
    """A record file with this body, signed with this user's key: what a buggy or older sls-gen could
    have written. The body is then all that decides whether it is used."""
    key = cache.signing_key()
    record_file(out).write_bytes(cache._RENDERS_MAGIC + cache.sign(key, b"renders", body) + b"\n" + body)


@pytest.fixture
def app(tmp_path: Path) -> tuple[Path, Path]:
    bp = tmp_path / "app" / "blueprint.yaml"
    bp.parent.mkdir()
    bp.write_text(BLUEPRINT)
    for name in PY_FUNCTIONS:
        (bp.parent / "src" / name).mkdir(parents=True)
        (bp.parent / "src" / name / "handler.py").write_text(f"def handler(event, context):\n    return '{name}'\n")
    (bp.parent / "jvm" / "settle" / "target").mkdir(parents=True)
    (bp.parent / "jvm" / "settle" / "target" / "settle-1.0.jar").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return bp, tmp_path / "out"


class Spy:
    """Counts full renders (the pipeline) and zip builds, in process."""

    def __init__(self, monkeypatch):
        self.renders = 0
        self.zips: list[str] = []
        real_render, real_build = pipeline.render, package.build_zip

        def render(*args, **kwargs):
            self.renders += 1
            return real_render(*args, **kwargs)

        def build_zip(src_dir, *args):
            self.zips.append(Path(src_dir).name)
            return real_build(src_dir, *args)

        monkeypatch.setattr(pipeline, "render", render)
        monkeypatch.setattr(package, "build_zip", build_zip)

    def reset(self):
        self.renders, self.zips = 0, []


@pytest.fixture
def spy(monkeypatch) -> Spy:
    return Spy(monkeypatch)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def rendered(bp: Path, out: Path, spy: Spy, *args) -> bool:
    """Render; True when the fast path answered (the pipeline never ran)."""
    spy.reset()
    result = run("render", bp, "-o", out, *args)
    assert result.exit_code == 0, result.output
    return spy.renders == 0


def primed(bp: Path, out: Path, spy: Spy, *args) -> None:
    assert not rendered(bp, out, spy, *args)
    assert rendered(bp, out, spy, *args), "an unchanged re-render takes the fast path"


# ------------------------------------------------------------------------------ taken, and faithful


def test_fast_path_imports_no_pipeline_and_writes_nothing(app):
    bp, out = app
    code = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main(['render', {str(bp)!r}, '-o', {str(out)!r}])\n"
        "except SystemExit as exc:\n"
        "    heavy = sorted(m for m in ('pydantic', 'yaml', 'jinja2', 'generator.pipeline', 'zipfile') if m in sys.modules)\n"
        "    print('HEAVY=' + ','.join(heavy), 'RC=' + str(exc.code), file=sys.stderr)\n"
    )

    def render():
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return proc.stderr.strip().splitlines()[-1], proc.stdout

    first, _ = render()
    heavy, rc = first.split()
    assert "pydantic" in heavy.removeprefix("HEAVY=").split(",") and rc == "RC=0"  # the full render
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}
    second, stdout = render()
    assert second == "HEAVY= RC=0", second
    assert "nothing changed, nothing written" in stdout
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")} == before


def test_fast_path_prints_exactly_what_a_full_render_prints(app, spy, monkeypatch):
    bp, out = app
    primed(bp, out, spy)
    runner = CliRunner()
    fast = runner.invoke(main, ["render", str(bp), "-o", str(out)])
    assert spy.renders == 0
    assert "SLS501" in fast.stderr and "SLS505" not in fast.stderr  # warnings are replayed
    monkeypatch.setattr(noop, "check", lambda *a: noop.RenderInFull())  # now the same state, rendered in full
    full = runner.invoke(main, ["render", str(bp), "-o", str(out)])
    assert spy.renders == 1
    assert (fast.exit_code, fast.stdout, fast.stderr) == (full.exit_code, full.stdout, full.stderr)
    assert "nothing changed, nothing written" in full.stdout


def test_fast_path_replays_a_missing_artifact_warning(app, spy):
    bp, out = app
    (bp.parent / "jvm" / "settle" / "target" / "settle-1.0.jar").unlink()
    primed(bp, out, spy)
    result = run("render", bp, "-o", out)
    assert "SLS505" in result.stderr and "settle-1.0.jar is not built yet" in result.stderr


def test_default_output_folder_is_found_without_rendering(app, spy, monkeypatch):
    bp, _ = app
    monkeypatch.chdir(bp.parent.parent)
    assert run("render", bp).exit_code == 0 and spy.renders == 1
    result = run("render", bp)
    assert result.exit_code == 0 and spy.renders == 1, result.output
    assert "into out/shop:" in result.stdout and "nothing changed, nothing written" in result.stdout


def test_the_no_op_check_is_one_call_with_one_typed_answer(app, spy):
    bp, out = app
    assert noop.check(bp, out, None, False) == noop.RenderInFull({}), "nothing rendered there yet"
    primed(bp, out, spy)
    answer = noop.check(bp, out, None, False)
    assert isinstance(answer, noop.Unchanged)
    assert (answer.target, answer.service, answer.stages) == (out, "shop", ["dev", "prod"])
    assert answer.outputs == len(files(out)) - 1 and answer.skip == 4  # all but the manifest; 4 code folders
    assert [w.code for w in answer.warnings] == ["SLS501"] * len(answer.warnings) and answer.warnings
    assert noop.check(bp, out, None, False, force=True) == noop.RenderInFull({}), "--force trusts nothing"
    assert noop.check(bp, bp.parent, None, False) == noop.RenderInFull({}), "a refused folder is the render's to report"

    _edit_handler(bp, out)
    answer = noop.check(bp, out, None, False)
    assert isinstance(answer, noop.RenderInFull)
    assert sorted(answer.seen) == [f"src/{n}" for n in PY_FUNCTIONS], "the code folders it read, for reuse"
    for rel, state in answer.seen.items():
        assert state == fingerprint.PathState(rel, fingerprint.Kind.DIR, package.tree_fingerprint(bp.parent / rel))


# ------------------------------------------------------------------------------ not taken


def _edit_blueprint(bp, out):
    bp.write_text(BLUEPRINT.replace("  billing: {}", "  billing: {memory: 1024}"))


def _edit_handler(bp, out):
    (bp.parent / "src" / "stock" / "handler.py").write_text("def handler(event, context):\n    return 1\n")


def _add_handler_file(bp, out):
    (bp.parent / "src" / "stock" / "util.py").write_text("X = 1\n")


def _remove_handler_file(bp, out):
    (bp.parent / "src" / "stock" / "handler.py").unlink()


def _change_artifact(bp, out):
    (bp.parent / "jvm" / "settle" / "target" / "settle-1.0.jar").write_bytes(b"PK\x05\x06" + b"\1" * 18)


def _code_changed(monkeypatch):
    changed = lambda: "0" * 64  # noqa: E731 - what an edited template or module gives
    for module in (fingerprint, noop, record, reuse):
        monkeypatch.setattr(module, "code_digest", changed)


@pytest.mark.parametrize("change", [
    _edit_blueprint, _edit_handler, _add_handler_file, _remove_handler_file, _change_artifact,
])
def test_an_input_change_renders_in_full(app, spy, change):
    bp, out = app
    primed(bp, out, spy)
    before = files(out)
    change(bp, out)
    assert not rendered(bp, out, spy)
    assert files(out) != before
    assert rendered(bp, out, spy), "and the render after it is a no-op again"


def test_a_changed_template_or_generator_renders_in_full(app, spy, monkeypatch):
    bp, out = app
    primed(bp, out, spy)
    _code_changed(monkeypatch)
    assert not rendered(bp, out, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS), "zips of other code are rebuilt, not reused"
    assert rendered(bp, out, spy)


def test_code_digest_follows_template_contents(tmp_path, monkeypatch):
    import shutil

    from generator.emit import templates

    copy = tmp_path / "templates"
    shutil.copytree(templates.templates_dir(), copy)
    monkeypatch.setattr(templates, "templates_dir", lambda: copy)
    fingerprint.code_digest.cache_clear()
    try:
        first = fingerprint.code_digest()
        target = sorted(copy.rglob("*.j2"))[0]
        target.write_text(target.read_text() + "\n")
        fingerprint.code_digest.cache_clear()
        assert fingerprint.code_digest() != first
    finally:
        fingerprint.code_digest.cache_clear()


def test_deleted_code_dir_is_scaffolded_again(app, spy):
    import shutil

    bp, out = app
    primed(bp, out, spy)
    shutil.rmtree(bp.parent / "src" / "billing")
    spy.reset()
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0 and spy.renders == 1
    assert "create  src/billing/handler.py" in result.stdout
    assert (bp.parent / "src" / "billing" / "handler.py").is_file()
    assert rendered(bp, out, spy), "the scaffold was fingerprinted after it was written"


def test_deleted_compiled_code_dir_is_scaffolded_again(app, spy):
    import shutil

    bp, out = app
    (bp.parent / "jvm" / "settle" / "target" / "settle-1.0.jar").unlink()
    primed(bp, out, spy)
    shutil.rmtree(bp.parent / "jvm")
    assert not rendered(bp, out, spy)
    assert (bp.parent / "jvm" / "settle").is_dir()


def test_hand_edited_output_is_still_a_conflict(app, spy):
    bp, out = app
    primed(bp, out, spy)
    (out / "dev" / "lambda.tf").write_text("# mine\n")
    spy.reset()
    result = run("render", bp, "-o", out)
    assert result.exit_code == 3 and "SLS602" in result.stderr and spy.renders == 1
    assert (out / "dev" / "lambda.tf").read_text() == "# mine\n"


@pytest.mark.parametrize("rel", ["dev/lambda.tf", "dist/stock.zip", "dist/settle.zip"])
def test_deleted_output_is_created_again(app, spy, rel):
    bp, out = app
    primed(bp, out, spy)
    before = (out / rel).read_bytes()
    (out / rel).unlink()
    spy.reset()
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0 and spy.renders == 1
    assert f"create  {rel}" in result.stdout and (out / rel).read_bytes() == before


def test_other_options_render_in_full_and_get_their_own_record(app, spy):
    bp, out = app
    primed(bp, out, spy)
    assert not rendered(bp, out, spy, "--stage", "dev")
    assert rendered(bp, out, spy, "--stage", "dev")
    assert rendered(bp, out, spy), "the full render's record still describes the same files"
    spy.reset()
    result = run("render", bp, "-o", out, "--strict")  # SLS501 is a warning: --strict refuses
    assert result.exit_code == 2 and spy.renders == 1
    assert not rendered(bp, out, spy, "--force")


@pytest.mark.parametrize("damage", ["missing", "corrupt", "edited", "odd_record", "journal", "tmp", "scaffold_tmp"])
def test_an_unsure_folder_renders_in_full(app, spy, damage):
    bp, out = app
    primed(bp, out, spy)
    manifest = out / MANIFEST
    if damage == "missing":
        manifest.unlink()
    elif damage == "corrupt":
        manifest.write_text("{not json")
    elif damage == "edited":
        doc = json.loads(manifest.read_text())
        doc["files"]["dev/extra.tf"] = {"kind": "terraform", "sha256": "0" * 64}
        manifest.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    elif damage == "odd_record":
        doc = record_doc(out)
        for record in doc["records"].values():
            record["report"] = "not a report"
        write_signed(out, json.dumps(doc).encode())
    elif damage == "journal":
        (out / JOURNAL).write_text(json.dumps({"put": [], "remove": {}}))
    elif damage == "tmp":
        (out / "dev" / ("main.tf" + TMP)).write_text("half")
    else:
        (bp.parent / "src" / (".gone" + TMP)).mkdir()
    spy.reset()
    result = run("render", bp, "-o", out)
    assert spy.renders == 1, result.output
    if damage == "missing":
        assert result.exit_code == 3  # no proof the folder is ours: refused, as before
    else:
        if damage == "corrupt":  # a damaged manifest is refused (SLS603); --force adopts the folder as it is
            assert result.exit_code == 3 and "SLS603" in result.output, result.output
            result = run("render", bp, "-o", out, "--force")
        assert result.exit_code == 0, result.output
        assert not (out / JOURNAL).exists() and not (out / "dev" / ("main.tf" + TMP)).exists()
        assert "dev/extra.tf" not in json.loads((out / MANIFEST).read_text())["files"]
        assert not (bp.parent / "src" / (".gone" + TMP)).exists()
        assert rendered(bp, out, spy)


def test_a_comment_in_the_blueprint_renders_in_full_and_writes_nothing(app, spy):
    bp, out = app
    primed(bp, out, spy)
    before = {p: (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    bp.write_text("# a comment changes the blueprint's bytes, not its output\n" + BLUEPRINT)
    assert run("diff", bp, "-o", out).exit_code == 0
    spy.reset()
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0 and spy.renders == 1, result.output
    assert "nothing changed, nothing written" in result.stdout
    assert {p: (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == before
    assert rendered(bp, out, spy), "the new inputs were recorded in the cache"


# ------------------------------------------------------------------------------ the cache


def test_the_record_lives_in_the_cache_not_in_the_output_folder(app, spy, own_cache):
    bp, out = app
    primed(bp, out, spy)
    assert set(json.loads((out / MANIFEST).read_text())) == {"files", "format", "generator"}
    assert [p.name for p in (own_cache / "renders").iterdir()] == [record_file(out).name]
    assert record_file(out).stat().st_mode & 0o777 == 0o600
    assert (own_cache / "renders").stat().st_mode & 0o777 == 0o700
    assert list(cache.read_render_records(out)) == [record.options_key(None, False)]


def test_manifest_is_byte_identical_whatever_sls_gen_code_wrote_it(app, spy, monkeypatch):
    bp, out = app
    primed(bp, out, spy)
    raw = (out / MANIFEST).read_bytes()
    _code_changed(monkeypatch)  # an upgrade, or an edit in a dev checkout, that changes no output
    spy.reset()
    result = run("render", bp, "-o", out)
    assert result.exit_code == 0 and spy.renders == 1
    assert "nothing changed, nothing written" in result.stdout
    assert (out / MANIFEST).read_bytes() == raw
    assert rendered(bp, out, spy), "the new code's record was kept"


def test_cache_off_renders_in_full_every_time_and_keeps_nothing(app, spy, monkeypatch, own_cache):
    bp, out = app
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", "")
    for _ in range(3):
        assert not rendered(bp, out, spy)
        assert sorted(spy.zips) == list(PY_FUNCTIONS), "no record says which code built the zips"
    assert not own_cache.exists()


def test_a_wiped_cache_means_one_full_render_with_every_zip_built(app, spy, own_cache):
    import shutil

    bp, out = app
    primed(bp, out, spy)
    before = files(out)
    shutil.rmtree(own_cache)
    assert not rendered(bp, out, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS)
    assert files(out) == before
    assert rendered(bp, out, spy)


def test_a_copied_output_folder_does_not_use_the_original_record(app, spy):
    import shutil

    bp, out = app
    primed(bp, out, spy)
    copy = out.with_name("copy")
    shutil.copytree(out, copy)
    assert not rendered(bp, copy, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS), "the copy's zips are not vouched for by any record"
    assert rendered(bp, copy, spy) and rendered(bp, out, spy)


def test_a_record_file_of_another_folder_is_not_used(app, spy):
    bp, out = app
    primed(bp, out, spy)
    other = out.with_name("other")
    assert not rendered(bp, other, spy)
    record_file(other).write_bytes(record_file(out).read_bytes())  # e.g. a hash collision, a copied cache
    assert cache.read_render_records(other) is None
    assert not rendered(bp, other, spy), "same manifest, same inputs, but the record names `out`"


@pytest.mark.parametrize("damage", ["not_json", "not_a_dict", "other_format", "records_not_a_dict", "empty",
                                    "unsigned", "other_key", "bad_signature"])
def test_a_corrupt_cache_file_means_a_full_render(app, spy, damage):
    bp, out = app
    primed(bp, out, spy)
    path = record_file(out)
    doc = record_doc(out)
    body = {
        "not_json": "{not json",
        "not_a_dict": "[1, 2]",
        "other_format": json.dumps({**doc, "format": 99}),
        "records_not_a_dict": json.dumps({**doc, "records": ["x"]}),
        "empty": "",
    }.get(damage)
    if body is not None:
        write_signed(out, body.encode())
    elif damage == "unsigned":  # the JSON as an older sls-gen wrote it, or copied from elsewhere
        path.write_text(json.dumps(doc))
    elif damage == "other_key":  # a cache restored from another machine or CI job
        body = json.dumps(doc).encode()
        path.write_bytes(cache._RENDERS_MAGIC + cache.sign(os.urandom(32), b"renders", body) + b"\n" + body)
    else:
        raw = path.read_bytes()
        path.write_bytes(raw.replace(b'"outputs":', b'"outputs":1', 1))  # edited after signing
    assert not rendered(bp, out, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS)
    assert rendered(bp, out, spy), "the damaged file was replaced"


def test_an_unwritable_cache_costs_only_time(app, spy, monkeypatch, tmp_path):
    bp, out = app
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(blocker / "cache"))
    assert not rendered(bp, out, spy)
    assert not rendered(bp, out, spy)
    assert not list(tmp_path.rglob("*.tmp"))


# ------------------------------------------------------------------------------ zips


def test_only_the_zip_of_edited_code_is_rebuilt(app, spy):
    bp, out = app
    assert not rendered(bp, out, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS)
    manifest = json.loads((out / MANIFEST).read_text())
    assert all(manifest["files"][f"dist/{n}.zip"]["source"] for n in PY_FUNCTIONS)
    before = files(out)
    _edit_handler(bp, out)
    assert not rendered(bp, out, spy)
    assert spy.zips == ["stock"], "one handler changed: one zip built"
    after = files(out)
    assert after["dist/stock.zip"] != before["dist/stock.zip"]
    for name in ("billing", "orders", "settle"):
        assert after[f"dist/{name}.zip"] == before[f"dist/{name}.zip"]


def test_reused_zip_equals_a_fresh_build(app, spy, tmp_path):
    bp, out = app
    assert not rendered(bp, out, spy)
    _edit_handler(bp, out)
    assert not rendered(bp, out, spy) and spy.zips == ["stock"]
    fresh = tmp_path / "fresh"
    assert not rendered(bp, fresh, spy)
    assert files(out) == files(fresh), "reuse changes nothing, not even the manifest"


def test_a_zip_is_not_reused_when_its_file_changed(app, spy):
    bp, out = app
    assert not rendered(bp, out, spy)
    data = (out / "dist" / "billing.zip").read_bytes()
    (out / "dist" / "billing.zip").write_bytes(data + b"x")  # edited: no proof it is what was built
    _edit_handler(bp, out)
    spy.reset()
    result = run("render", bp, "-o", out, "--force")
    assert result.exit_code == 0 and sorted(spy.zips) == list(PY_FUNCTIONS), "--force trusts nothing"
    assert (out / "dist" / "billing.zip").read_bytes() == data


def test_zips_of_a_manifest_another_render_wrote_are_not_reused(app, spy):
    bp, out = app
    primed(bp, out, spy)
    ours = (out / "dist" / "billing.zip").read_bytes()
    theirs = ours + b"built by another sls-gen"  # what a `git pull` of another machine's render brings
    (out / "dist" / "billing.zip").write_bytes(theirs)
    doc = json.loads((out / MANIFEST).read_text())
    doc["files"]["dist/billing.zip"]["sha256"] = hashlib.sha256(theirs).hexdigest()
    (out / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    assert not rendered(bp, out, spy)
    assert sorted(spy.zips) == list(PY_FUNCTIONS), "our record does not describe this manifest"
    assert (out / "dist" / "billing.zip").read_bytes() == ours


def test_scaffolded_code_is_not_reused_when_disk_differs(tmp_path, spy):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text("service: svc\nfunctions:\n  a: {}\n")
    out = tmp_path / "out"
    assert not rendered(bp, out, spy)
    assert spy.zips == [], "a scaffold's zip is built from memory"
    assert rendered(bp, out, spy), "then the scaffold on disk is what the record says"
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["files"]["dist/a.zip"]["source"] == package.tree_fingerprint(tmp_path / "src" / "a")


def test_manifest_has_no_absolute_paths_and_is_the_same_in_another_folder(app, tmp_path, spy):
    import shutil

    bp, out = app
    assert not rendered(bp, out, spy)
    copy = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(bp.parent, copy / "app")
    assert not rendered(copy / "app" / "blueprint.yaml", copy / "out", spy)
    raw = (out / MANIFEST).read_bytes()
    assert raw == (copy / "out" / MANIFEST).read_bytes()
    assert str(tmp_path).encode() not in raw and os.fspath(bp).encode() not in raw


def test_a_blueprint_edited_during_a_render_is_not_taken_as_rendered(app, spy, monkeypatch):
    bp, out = app
    real = pipeline.render

    def render_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        _edit_blueprint(bp, out)  # saved by the user while sls-gen was still writing
        return result

    monkeypatch.setattr(pipeline, "render", render_then_edit)
    assert run("render", bp, "-o", out).exit_code == 0
    monkeypatch.setattr(pipeline, "render", real)
    spy.__init__(monkeypatch)
    assert not rendered(bp, out, spy), "the record names the bytes rendered, not the file as it is now"
    assert rendered(bp, out, spy)


def test_one_edit_reads_only_the_edited_code_folder_twice(app, spy, monkeypatch):
    bp, out = app
    primed(bp, out, spy)
    reads: list[str] = []
    real = package.read_tree
    monkeypatch.setattr(package, "read_tree", lambda src, *a: reads.append(Path(src).name) or real(src, *a))
    _edit_handler(bp, out)
    assert not rendered(bp, out, spy)
    assert reads == ["stock"] and spy.zips == ["stock"], "the others were fingerprinted once, by the fast path"
    assert rendered(bp, out, spy)


def test_an_artifact_rebuilt_while_it_is_read_is_looked_at_again(app, spy, monkeypatch):
    import generator.package.compiled as compiled

    bp, out = app
    real = compiled.compiled_package

    jar = bp.parent / "jvm" / "settle" / "target" / "settle-1.0.jar"
    first = jar.read_bytes()

    def rebuilt_meanwhile(fn, root, doc):
        _change_artifact(bp, out)  # a build writes the jar between our hash and our copy ...
        try:
            return real(fn, root, doc)
        finally:
            jar.write_bytes(first)  # ... and the next build writes the first bytes again

    monkeypatch.setattr(compiled, "compiled_package", rebuilt_meanwhile)
    assert not rendered(bp, out, spy)
    assert (out / "dist" / "settle.zip").read_bytes() != first
    monkeypatch.setattr(compiled, "compiled_package", real)
    assert not rendered(bp, out, spy), "the record could not vouch for the artifact"
    assert (out / "dist" / "settle.zip").read_bytes() == first
    assert rendered(bp, out, spy)
