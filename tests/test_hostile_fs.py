"""Hostile files around a render (issue 14): the output folder's bookkeeping, symlinks inside it, the
user cache, odd file types. Each attack is made against a world with a canary tree beside the
output folder; every test checks the exit code and diagnostic, and that nothing outside the output
folder changed (the whole temp tree but the output folder and the cache, hashed before and after).

Cases that need an unprivileged user (unreadable or read-only files: root ignores permissions, a
cache owned by someone else) run the CLI as `nobody` through setpriv when the tests run as root,
with an interpreter `nobody` can execute; elsewhere they are skipped.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.cache as cache
import generator.pipeline as pipeline
from generator.cli import main
from generator.writer.manifest import JOURNAL, MANIFEST, TMP

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534

BLUEPRINT = """\
service: shop
stages:
  dev: {}
  prod: {}
functions:
  orders:
    events:
      - http: GET /orders
  billing:
    memory: 256
"""


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every entry under `root` (symlinks not followed): type, mode, and content digest or link target."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = [d for d in dirnames if (rel_dir / d).as_posix() not in skip]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                found[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return found


@dataclass
class World:
    base: Path
    bp: Path
    out: Path
    canary: Path

    def render(self, *args):
        return run("render", self.bp, "-o", self.out, *args)

    def outside(self) -> dict[str, tuple]:
        """Everything but the output folder and the cache (which renders legitimately change)."""
        return snapshot(self.base, skip=("out", "cache", "state"))

    def prime(self) -> None:
        result = self.render()
        assert result.exit_code == 0, result.output
        (self.out / "dev" / "terraform.tfstate").write_text('{"version": 4}\n')
        (self.out / "dev" / ".terraform").mkdir()
        (self.out / "dev" / ".terraform" / "marker").write_text("x\n")

    def user_files(self) -> dict[str, bytes]:
        return {rel: (self.out / rel).read_bytes() for rel in ("dev/terraform.tfstate", "dev/.terraform/marker")}

    def edit_blueprint(self) -> None:
        """A change that updates files in every stage and adds one to dist/ (billing's memory; a new
        function on existing code, so that no scaffold is written outside the output folder)."""
        self.bp.write_text(BLUEPRINT.replace("memory: 256", "memory: 512") + "  stock:\n    code: src/billing\n")


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> World:
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(cache, "_warned", False)
    app = tmp_path / "app"
    app.mkdir()
    bp = app / "blueprint.yaml"
    bp.write_text(BLUEPRINT)
    canary = tmp_path / "canary"
    (canary / "stage").mkdir(parents=True)
    (canary / "victim.txt").write_text("keep me\n")
    (canary / "terraform.tfstate").write_text('{"version": 4, "serial": 7}\n')
    (canary / "stage" / "main.tf").write_text("# the canary's own module\n")
    return World(tmp_path, bp, tmp_path / "out", canary)


@pytest.fixture
def deadline():
    """In-process cases with a FIFO: a regression that waits on it fails here instead of hanging."""
    import signal

    def expired(*_):
        raise TimeoutError("sls-gen waited on a FIFO")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result, code: str, exit_code: int = 3) -> None:
    assert result.exit_code == exit_code, result.output
    assert f"[{code}]" in result.output, result.output
    assert "internal error" not in result.output


# ============================================================================ 1. bookkeeping is input


def _journals(w: World) -> dict[str, object]:
    victim = w.canary / "victim.txt"
    (w.canary / ("victim.txt" + TMP)).write_text("pwned\n")  # what a hostile `put` would rename over it
    state = w.out / "dev" / "terraform.tfstate"
    return {
        "remove_absolute": {"put": [], "remove": {str(victim): sha(victim)}},
        "remove_dotdot": {"put": [], "remove": {"../canary/victim.txt": sha(victim)}},
        "remove_dotdot_inside": {"put": [], "remove": {"dev/../../canary/victim.txt": sha(victim)}},
        "remove_user_state": {"put": [], "remove": {"dev/terraform.tfstate": sha(state)}},
        "remove_terraform_dir": {"put": [], "remove": {"dev/.terraform/marker": sha(w.out / "dev/.terraform/marker")}},
        "put_absolute": {"put": [str(victim)], "remove": {}},
        "put_dotdot": {"put": ["../canary/victim.txt"], "remove": {}},
        "put_backslash": {"put": ["..\\canary\\victim.txt"], "remove": {}},
        "put_journal_itself": {"put": [JOURNAL], "remove": {}},
        "put_not_a_list": {"put": 5, "remove": {}},
        "put_not_strings": {"put": [1, None], "remove": {}},
        "remove_not_a_dict": {"put": [], "remove": ["dev/main.tf"]},
        "remove_without_sha": {"put": [], "remove": {"dev/main.tf": "not a digest"}},
        "extra_key": {"put": [], "remove": {}, "run": "rm -rf /"},
        "a_list": [],
        "not_json": "{half a journal",
        "empty": "",
        "nul_in_path": {"put": ["dev/main.tf\u0000x"], "remove": {}},
    }


JOURNAL_CASES = [
    "remove_absolute", "remove_dotdot", "remove_dotdot_inside", "remove_user_state", "remove_terraform_dir",
    "put_absolute", "put_dotdot", "put_backslash", "put_journal_itself", "put_not_a_list", "put_not_strings",
    "remove_not_a_dict", "remove_without_sha", "extra_key", "a_list", "not_json", "empty", "nul_in_path",
]


@pytest.mark.parametrize("case", JOURNAL_CASES)
def test_a_hostile_journal_is_refused_and_touches_nothing(world, case):
    world.prime()
    journal = _journals(world)[case]
    (world.out / JOURNAL).write_text(journal if isinstance(journal, str) else json.dumps(journal))
    before, mine = world.outside(), world.user_files()
    for command in ("render", "diff"):
        result = run(command, world.bp, "-o", world.out)
        refused(result, "SLS603")
        assert "delete" in result.output  # the way out
    result = world.render("--force")  # --force does not finish a journal sls-gen did not write
    refused(result, "SLS603")
    assert world.outside() == before and world.user_files() == mine
    (world.out / JOURNAL).unlink()  # the documented way out
    result = world.render()
    assert result.exit_code == 0, result.output
    assert world.outside() == before and world.user_files() == mine


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_a_journal_that_is_not_a_file_is_refused(world, deadline, kind):
    world.prime()
    valid = world.canary / "journal.json"
    valid.write_text(json.dumps({"put": [], "remove": {"dev/main.tf": sha(world.out / "dev" / "main.tf")}}))
    path = world.out / JOURNAL
    if kind == "symlink":
        path.symlink_to(valid)
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    before = world.outside()
    main_tf = (world.out / "dev" / "main.tf").read_bytes()
    refused(world.render(), "SLS603")
    assert world.outside() == before and (world.out / "dev" / "main.tf").read_bytes() == main_tf


def test_a_valid_journal_through_a_symlinked_folder_is_refused(world):
    world.prime()
    (world.canary / "stage" / ("main.tf" + TMP)).write_text("# pwned\n")
    shutil.rmtree(world.out / "prod")
    (world.out / "prod").symlink_to(world.canary / "stage")
    (world.out / JOURNAL).write_text(json.dumps({"put": ["prod/main.tf"], "remove": {}}))
    before = world.outside()
    refused(world.render(), "SLS604")
    assert world.outside() == before


def _manifests(w: World) -> dict[str, object]:
    doc = json.loads((w.out / MANIFEST).read_text())
    victim = w.canary / "victim.txt"
    entry = {"kind": "doc", "sha256": sha(victim)}

    def plus(rel, value=None):
        return {**doc, "files": {**doc["files"], rel: value or entry}}

    state = w.out / "dev" / "terraform.tfstate"
    return {
        "absolute": plus(str(victim)),
        "dotdot": plus("../canary/victim.txt"),
        "dotdot_inside": plus("dev/../../canary/victim.txt"),
        "user_state": plus("dev/terraform.tfstate", {"kind": "doc", "sha256": sha(state)}),
        "terraform_dir": plus("dev/.terraform/marker", {"kind": "doc", "sha256": sha(w.out / "dev/.terraform/marker")}),
        "bookkeeping": plus(JOURNAL),
        "entry_not_a_dict": plus("dev/extra.tf", "x"),
        "sha_not_hex": plus("dev/extra.tf", {"kind": "terraform", "sha256": "../../etc/passwd"}),
        "source_not_a_string": plus("dist/billing.zip", {**doc["files"]["dist/billing.zip"], "source": ["x"]}),
        "files_a_list": {**doc, "files": list(doc["files"])},
        "other_format": {**doc, "format": 99},
        "a_list": [doc],
        "not_json": "<<<<<<< HEAD\n" + json.dumps(doc),  # a merge conflict
    }


MANIFEST_CASES = ["absolute", "dotdot", "dotdot_inside", "user_state", "terraform_dir", "bookkeeping",
                  "entry_not_a_dict", "sha_not_hex", "source_not_a_string", "files_a_list", "other_format",
                  "a_list", "not_json"]


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_a_hostile_manifest_is_refused_and_force_adopts_the_folder_safely(world, case):
    world.prime()
    doc = _manifests(world)[case]
    (world.out / MANIFEST).write_text(doc if isinstance(doc, str) else json.dumps(doc))
    world.edit_blueprint()  # a render that updates and removes files: the entries above would be acted on
    before, mine = world.outside(), world.user_files()
    result = world.render()
    refused(result, "SLS603")
    assert "--force" in result.output and "git checkout" in result.output  # the ways out
    assert world.outside() == before and world.user_files() == mine
    result = world.render("--force")
    assert result.exit_code == 0, result.output
    assert world.outside() == before and world.user_files() == mine
    files = json.loads((world.out / MANIFEST).read_text())["files"]
    assert all(not rel.startswith(("/", "..")) and "terraform" not in rel.split("/")[-1] for rel in files)
    assert run("render", world.bp, "-o", world.out).exit_code == 0  # healthy again


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_manifest_that_is_not_a_file_is_refused(world, deadline, kind):
    world.prime()
    real = (world.out / MANIFEST).read_bytes()
    (world.canary / "manifest.json").write_bytes(real)
    (world.out / MANIFEST).unlink()
    if kind == "symlink":
        (world.out / MANIFEST).symlink_to(world.canary / "manifest.json")
    else:
        os.mkfifo(world.out / MANIFEST)
    before = world.outside()
    refused(world.render(), "SLS603")
    if kind == "symlink":  # --force replaces the link itself, never the file it points to
        assert world.render("--force").exit_code == 0
        assert not (world.out / MANIFEST).is_symlink()
    else:  # a FIFO where the manifest goes cannot be replaced: in the way even with --force
        refused(world.render("--force"), "SLS604")
    assert world.outside() == before


def test_a_manifest_folder_is_in_the_way(world):
    world.prime()
    (world.out / MANIFEST).unlink()
    (world.out / MANIFEST).mkdir()
    refused(world.render(), "SLS603")
    refused(world.render("--force"), "SLS604")


# ============================================================================ 2. never through a symlink


def _copy_into_canary(w: World, rel: str) -> Path:
    """Move an output folder's subfolder into the canary tree and leave a symlink to it."""
    target = w.canary / rel.replace("/", "_")
    shutil.move(str(w.out / rel), str(target))
    (w.out / rel).symlink_to(target, target_is_directory=True)
    return target


@pytest.mark.parametrize("rel", ["dev", "prod", "dist"])
def test_a_symlinked_stage_or_dist_folder_is_refused_even_with_force(world, rel):
    world.prime()
    _copy_into_canary(world, rel)
    world.edit_blueprint()  # the render would update files in it
    before = world.outside()
    for args in ((), ("--force",)):
        result = world.render(*args)
        refused(result, "SLS604")
        assert "symbolic link" in result.output
    refused(run("diff", world.bp, "-o", world.out), "SLS604")
    assert world.outside() == before


def test_removals_never_go_through_a_symlinked_folder(world):
    world.prime()
    _copy_into_canary(world, "prod")
    world.bp.write_text(BLUEPRINT.replace("  prod: {}\n", ""))  # prod/*.tf would be removed
    before = world.outside()
    refused(world.render(), "SLS604")
    assert world.outside() == before


def test_a_symlink_deeper_in_the_folder_is_refused(world):
    """A manifest entry two folders deep, whose first folder is a link to the canary tree."""
    world.prime()
    (world.out / "dev" / "link").symlink_to(world.canary / "stage", target_is_directory=True)
    doc = json.loads((world.out / MANIFEST).read_text())
    doc["files"]["dev/link/main.tf"] = {"kind": "terraform", "sha256": sha(world.canary / "stage" / "main.tf")}
    (world.out / MANIFEST).write_text(json.dumps(doc))
    before = world.outside()
    refused(world.render(), "SLS604")  # the stale entry would be removed through the link
    assert world.outside() == before


def test_a_symlink_back_into_the_folder_is_refused_too(world):
    world.prime()
    shutil.rmtree(world.out / "prod")
    (world.out / "prod").symlink_to("dev", target_is_directory=True)
    before = snapshot(world.out / "dev")
    refused(world.render(), "SLS604")
    assert snapshot(world.out / "dev") == before


def test_the_fast_path_does_not_vouch_for_a_symlinked_folder(world):
    world.prime()
    assert "nothing changed" in world.render().output
    _copy_into_canary(world, "dev")  # the same files, now behind a link
    refused(world.render(), "SLS604")


def test_a_generated_file_that_is_a_symlink_is_replaced_never_followed(world):
    world.prime()
    victim = world.canary / "victim.txt"
    main_tf = world.out / "dev" / "main.tf"
    main_tf.unlink()
    main_tf.symlink_to(victim)
    before = world.outside()
    refused(world.render(), "SLS602")
    result = world.render("--force")
    assert result.exit_code == 0, result.output
    assert not main_tf.is_symlink() and main_tf.read_text().startswith("#")
    assert (world.out / "dev" / "main.tf.orig").is_symlink()  # the link itself was kept, not its target
    assert world.outside() == before


def test_a_stale_generated_file_that_is_a_symlink_is_kept_not_followed(world):
    world.prime()
    for rel in [r for r in json.loads((world.out / MANIFEST).read_text())["files"] if r.startswith("prod/")]:
        (world.out / rel).unlink()
        (world.out / rel).symlink_to(world.canary / "victim.txt")
    world.bp.write_text(BLUEPRINT.replace("  prod: {}\n", ""))
    before = world.outside()
    result = world.render()
    assert result.exit_code == 0, result.output
    assert "keep  prod/main.tf" in result.output
    assert world.outside() == before


@pytest.mark.parametrize("odd", ["file_for_folder", "folder_for_file", "fifo_for_file"])
def test_odd_files_in_the_way_are_refused_even_with_force(world, deadline, odd):
    world.prime()
    world.edit_blueprint()
    if odd == "file_for_folder":
        shutil.rmtree(world.out / "prod")
        (world.out / "prod").write_text("not a folder\n")
    elif odd == "folder_for_file":
        (world.out / "dev" / "lambda.tf").unlink()
        (world.out / "dev" / "lambda.tf").mkdir()
    else:
        (world.out / "dev" / "lambda.tf").unlink()
        os.mkfifo(world.out / "dev" / "lambda.tf")
    before = world.outside()
    for args in ((), ("--force",)):
        refused(world.render(*args), "SLS604")
    assert world.outside() == before


def test_the_output_folder_itself_may_be_a_symlink(world, tmp_path):
    """-o is the user's choice of where output goes: a link there is followed (documented)."""
    real = tmp_path / "elsewhere"
    real.mkdir()
    world.out.symlink_to(real, target_is_directory=True)
    assert world.render().exit_code == 0
    assert (real / MANIFEST).is_file() and (real / "dev" / "main.tf").is_file()


@pytest.mark.parametrize("what", ["file", "dangling_link"])
def test_an_output_folder_that_is_not_a_folder_is_refused(world, what):
    if what == "file":
        world.out.write_text("a file\n")
    else:
        world.out.symlink_to(world.base / "nowhere")
    before = world.outside()
    for args in ((), ("--force",)):
        refused(world.render(*args), "SLS601")
    assert world.outside() == before and not (world.base / "nowhere").exists()


# ============================================================================ 3. the user cache


def _chown_tree(path: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
            os.chown(name, uid, uid, follow_symlinks=False)


class Renders:
    """Counts full renders: the fast path never calls the pipeline."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = pipeline.render

        def counting(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "render", counting)


@pytest.fixture
def renders(monkeypatch) -> Renders:
    return Renders(monkeypatch)


def warnings_in(output: str) -> int:
    return output.count("sls-gen: warning: not using the cache entry")


def test_the_cache_and_its_key_are_created_private(world):
    world.prime()
    root, key = world.base / "cache", world.base / "state" / "sls-gen"
    for folder in (root, root / "renders", key, *root.glob("templates-*")):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (*root.rglob("*.json"), *root.rglob("*.code"), key / cache.KEY_NAME):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert len((key / cache.KEY_NAME).read_bytes()) == 32
    assert not list(root.rglob(cache.KEY_NAME)), "the key never lives in the cache"


@pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")
@pytest.mark.parametrize("attack", ["root_owned_by_other", "root_world_writable", "renders_group_writable",
                                    "record_owned_by_other", "record_world_writable", "renders_a_symlink",
                                    "key_readable_by_others", "key_owned_by_other"])
def test_a_cache_that_is_not_private_is_ignored_with_one_warning(world, renders, attack):
    world.prime()
    assert "nothing changed" in world.render().output and renders.count == 1  # the fast path works
    root = world.base / "cache"
    record = cache.render_record_path(world.out)[0]
    key = world.base / "state" / "sls-gen" / cache.KEY_NAME
    if attack == "root_owned_by_other":
        _chown_tree(root, NOBODY)
    elif attack == "root_world_writable":
        root.chmod(0o777)
    elif attack == "renders_group_writable":
        (root / "renders").chmod(0o770)
    elif attack == "record_owned_by_other":
        os.chown(record, NOBODY, NOBODY)
    elif attack == "record_world_writable":
        record.chmod(0o666)
    elif attack == "renders_a_symlink":
        shutil.move(str(root / "renders"), str(world.canary / "renders"))
        (root / "renders").symlink_to(world.canary / "renders", target_is_directory=True)
    elif attack == "key_readable_by_others":
        key.chmod(0o644)
    else:
        os.chown(key, NOBODY, NOBODY)
    cached = snapshot(root)
    before = world.outside()
    result = world.render()
    assert result.exit_code == 0, result.output
    assert renders.count == 2, "the record was not trusted: a full render"
    assert "nothing changed" in result.output
    assert warnings_in(result.output) == 1, result.output
    assert world.outside() == before
    if attack.startswith("record_"):  # a private folder: the refused file is replaced by a private one
        assert record.stat().st_uid == os.geteuid() and stat.S_IMODE(record.stat().st_mode) == 0o600
        assert "nothing changed" in world.render().output and renders.count == 2
    else:
        assert snapshot(root) == cached, "nothing was written into a cache that is not private"


def _fake_record(w: World, key: bytes, **change) -> None:
    """A record that says the current blueprint renders to what is on disk, signed with `key`."""
    from generator.fingerprint import Mode, code_digest, inputs_digest, path_state
    from generator.record import options_key

    path = cache.render_record_path(w.out)[0]
    doc = json.loads(path.read_bytes().partition(b"\n")[2])
    rec = doc["records"][options_key(None, False)]
    rec["blueprint"] = hashlib.sha256(w.bp.read_bytes()).hexdigest()
    root = w.bp.parent
    modes = {rel: Mode(mode) for rel, mode in rec["paths"].items()}
    states = {rel: path_state(root, rel, mode, os.path.realpath(root)) for rel, mode in modes.items()}
    rec["digest"] = inputs_digest(code_digest(), rec["blueprint"], w.bp.name, None, False, modes, states,
                                  rec["report"])
    rec.update(change)
    body = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    path.write_bytes(cache._RENDERS_MAGIC + cache.sign(key, b"renders", body) + b"\n" + body)


@pytest.mark.parametrize("signed_by", ["this_user", "another_key"])
def test_a_forged_record_cannot_skip_a_needed_render(world, renders, signed_by):
    """The blueprint changed; a record claiming it renders to the old output is only believed when
    it carries this user's signature (which an attacker without the key cannot make)."""
    world.prime()
    world.bp.write_text(BLUEPRINT.replace("memory: 256", "memory: 1024"))
    key = cache.signing_key() if signed_by == "this_user" else os.urandom(32)
    _fake_record(world, key)
    result = world.render()
    assert result.exit_code == 0, result.output
    lambda_tf = (world.out / "dev" / "lambda.tf").read_text()
    if signed_by == "this_user":  # control: the forgery is good enough to fool an unsigned cache
        assert renders.count == 1 and "nothing changed" in result.output and "1024" not in lambda_tf
    else:
        assert renders.count == 2 and "update  dev/lambda.tf" in result.output and "1024" in lambda_tf


@pytest.mark.parametrize("signed_by", ["this_user", "another_key"])
def test_a_forged_record_cannot_make_a_planted_zip_be_reused(world, renders, signed_by):
    """Someone who controls the output folder plants a zip (and a matching manifest entry) and a
    cache record vouching for it: the zip is reused only on this user's signature."""
    world.prime()
    from generator.writer.manifest import entries_digest

    evil = b"PK\x05\x06" + b"\0" * 18
    (world.out / "dist" / "billing.zip").write_bytes(evil)
    doc = json.loads((world.out / MANIFEST).read_text())
    doc["files"]["dist/billing.zip"]["sha256"] = hashlib.sha256(evil).hexdigest()
    (world.out / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    world.bp.write_text(BLUEPRINT + "  stock:\n    code: src/billing\n")  # a real change: the full render runs
    key = cache.signing_key() if signed_by == "this_user" else os.urandom(32)
    _fake_record(world, key, files=entries_digest(doc["files"]))
    result = world.render()
    zip_now = (world.out / "dist" / "billing.zip").read_bytes()
    if signed_by == "this_user":  # control: a record with this user's key is believed
        assert result.exit_code == 0 and zip_now == evil
    else:
        assert result.exit_code == 0, result.output  # not reused: built from the code, replacing the plant
        assert zip_now != evil and "update  dist/billing.zip" in result.output


@pytest.mark.parametrize("field,value", [
    ("paths", {"/": "code"}),
    ("paths", {"../../..": "code"}),
    ("paths", {"src/orders": "execute"}),
    ("files", "not a digest"),
    ("code", 7),
    ("report", {"service": "shop", "stages": ["dev"], "outputs": True, "skip": 0, "warnings": []}),
    ("report", {"service": "shop", "stages": ["dev"], "outputs": -1, "skip": 0, "warnings": []}),
    ("report", {"service": "shop", "stages": [1], "outputs": 1, "skip": 0, "warnings": []}),
    ("report", {"service": "shop", "stages": ["dev"], "outputs": 1, "skip": 0, "warnings": ['{"code": 1}']}),
    ("report", {"service": "shop", "stages": ["dev"], "outputs": 1, "skip": 0,
                "warnings": ['{"code": "SLS501", "message": "x", "exec": "boom"}']}),
])
def test_a_signed_record_with_odd_fields_is_not_used(world, renders, field, value):
    """Even with a valid signature (a buggy or older sls-gen), a record is checked field by field."""
    world.prime()
    _fake_record(world, cache.signing_key(), **{field: value})
    result = world.render()
    assert result.exit_code == 0, result.output
    assert renders.count == 2, "the odd record was not used: a full render"
    assert cache.read_render_records(world.out) is not None  # and a good one replaced it
    assert "nothing changed" in world.render().output and renders.count == 2


# ---- compiled templates: code, loaded only when this user signed it for this very template


@pytest.fixture
def fresh_templates(world, monkeypatch):
    from generator.emit import templates

    templates.environment.cache_clear()
    yield templates
    templates.environment.cache_clear()


def _compiles(templates, monkeypatch) -> list[str]:
    env = templates.environment()
    calls: list[str] = []
    real = env.compile

    def counting(source, name=None, *args, **kwargs):
        calls.append(name)
        return real(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counting)
    return calls


class _Planted:
    """Unpickling this writes a file: what a pickled "checksum" in a Jinja bytecode entry can do."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), "pwned by pickle\n"))


def _entries(world) -> list[Path]:
    return sorted((world.base / "cache").rglob("*.code"))


@pytest.mark.parametrize("attack", ["control", "jinja_pickle", "marshal_without_signature", "another_key",
                                    "swapped_entries", "owned_by_other", "world_writable", "folder_world_writable"])
def test_compiled_templates_run_only_when_signed_by_this_user(world, fresh_templates, monkeypatch, attack):
    import jinja2

    name = "terraform/outputs.tf.j2"
    fresh_templates.environment().get_template(name)
    fresh_templates.environment().get_template("terraform/main.tf.j2")
    entries = _entries(world)
    assert len(entries) == 2
    canary = world.canary / "code-ran.txt"
    evil_code = compile(f"open({str(canary)!r}, 'w').write('pwned by marshal\\n')", "evil", "exec")
    for entry in entries:
        raw = entry.read_bytes()
        magic = fresh_templates.CODE_MAGIC
        if attack == "jinja_pickle":  # Jinja's own format: magic, pickled checksum, marshalled code
            entry.write_bytes(jinja2.bccache.bc_magic + pickle.dumps(_Planted(str(canary)), 2) + marshal.dumps(evil_code))
        elif attack == "marshal_without_signature":
            entry.write_bytes(marshal.dumps(evil_code))
        elif attack == "another_key":
            expect = raw[len(magic) + 65:len(magic) + 129]
            payload = marshal.dumps(evil_code)
            entry.write_bytes(magic + cache.sign(os.urandom(32), b"code", expect + payload) + b"\n" + expect + b"\n" + payload)
        elif attack == "owned_by_other":
            if os.geteuid() != 0:
                pytest.skip("chown needs root")
            os.chown(entry, NOBODY, NOBODY)
        elif attack == "world_writable":
            entry.chmod(0o666)
        elif attack == "folder_world_writable":
            entry.parent.chmod(0o777)
    if attack == "swapped_entries":  # this user's signature, but made for another template
        a, b = (e.read_bytes() for e in entries)
        entries[0].write_bytes(b)
        entries[1].write_bytes(a)
    fresh_templates.environment.cache_clear()
    calls = _compiles(fresh_templates, monkeypatch)
    fresh_templates.environment().get_template(name)
    fresh_templates.environment().get_template("terraform/main.tf.j2")
    assert not canary.exists(), "code from the cache ran"
    if attack == "control":
        assert calls == [], "this user's own entries are loaded"
    else:
        assert sorted(calls) == sorted([name, "terraform/main.tf.j2"]), "compiled again, not loaded"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_a_cache_written_by_another_user_is_not_used(world, renders, nobody, monkeypatch):
    """`nobody` renders with a shared cache folder; root then renders with the same folder."""
    shared = nobody.base / "shared-cache"
    app = nobody.base / "app"
    app.mkdir()
    (app / "blueprint.yaml").write_text(BLUEPRINT)
    _chown_tree(nobody.base, NOBODY)
    result = nobody.cli("render", app / "blueprint.yaml", "-o", nobody.base / "out", cache=shared)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700 and shared.stat().st_uid == NOBODY
    assert list(shared.rglob("*.code")) and list(shared.rglob("renders/*.json"))
    cached = snapshot(shared)
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(shared))
    from generator.emit import templates

    templates.environment.cache_clear()
    try:
        result = run("render", app / "blueprint.yaml", "-o", nobody.base / "out")
    finally:
        templates.environment.cache_clear()
    assert result.exit_code == 0, result.output
    assert renders.count == 1 and warnings_in(result.output) == 1, result.output
    assert "owned by uid 65534" in result.output
    assert snapshot(shared) == cached


# ============================================================================ 4. crashes are bugs


def _cli(*args, cwd=None, timeout=60, env=None):
    return subprocess.run([sys.executable, "-m", "generator.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("command", ["validate", "render", "diff"])
def test_a_fifo_as_the_blueprint_is_refused_without_waiting(world, command):
    fifo = world.bp.with_name("pipe.yaml")
    os.mkfifo(fifo)
    extra = ["-o", world.out] if command != "validate" else []
    result = _cli(command, fifo, *extra, timeout=60)  # a hang fails the test by timeout
    assert result.returncode == 2, result.stderr
    assert "[SLS001]" in result.stderr and "FIFO" in result.stderr
    assert not world.out.exists()


@pytest.mark.parametrize("command", ["validate", "render", "diff", "events", "invoke"])
def test_a_folder_as_the_blueprint_is_sls001_or_searched(world, command):
    folder = world.bp.with_name("folder.yaml")
    folder.mkdir()
    args = {"validate": [folder], "render": [folder, "-o", world.out], "diff": [folder, "-o", world.out],
            "events": [folder, "-o", world.base / "events"], "invoke": ["orders", folder]}[command]
    result = run(command, *args)
    if command in ("validate", "render", "diff"):  # a folder is searched for blueprints (generator/fleet.py): none there
        refused(result, "SLS013", 2)
        assert not world.out.exists()
        return
    refused(result, "SLS001", 2)
    assert "a folder" in result.output


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_a_device_as_the_blueprint_is_sls001(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    result = run("validate", device)
    refused(result, "SLS001", 2)


def test_a_dangling_code_folder_is_sls313_not_a_crash(world):
    (world.bp.parent / "src").mkdir()
    (world.bp.parent / "src" / "billing").symlink_to(world.bp.parent / "gone", target_is_directory=True)
    before = world.outside()
    for command in ("render", "diff"):
        refused(run(command, world.bp, "-o", world.out), "SLS313", 2)
    assert world.outside() == before and not world.out.exists()


def test_a_code_folder_that_is_a_file_is_sls313_not_a_scaffold(world):
    (world.bp.parent / "src").mkdir()
    (world.bp.parent / "src" / "billing").write_text("not a folder\n")
    refused(world.render(), "SLS313", 2)
    assert not world.out.exists()


def test_a_dangling_symlink_inside_a_code_folder_is_left_out_of_the_zip(world):
    world.prime()
    (world.bp.parent / "src" / "billing" / "lib").symlink_to(world.base / "nowhere")
    (world.bp.parent / "src" / "billing" / "loop").symlink_to("loop")
    result = world.render()
    assert result.exit_code == 0, result.output
    import zipfile

    with zipfile.ZipFile(world.out / "dist" / "billing.zip") as zf:
        assert zf.namelist() == ["handler.py"]


def test_a_read_only_generated_file_keeps_its_mode(world):
    world.prime()
    lambda_tf = world.out / "dev" / "lambda.tf"
    lambda_tf.chmod(0o444)
    (world.out / "dev" / "main.tf").chmod(0o600)
    world.edit_blueprint()
    result = world.render()
    assert result.exit_code == 0 and "update  dev/lambda.tf" in result.output, result.output
    assert "512" in lambda_tf.read_text()
    assert stat.S_IMODE(lambda_tf.stat().st_mode) == 0o444
    assert stat.S_IMODE((world.out / "dev" / "main.tf").stat().st_mode) == 0o600


def test_a_first_render_locks_the_folder_it_creates(world, monkeypatch):
    """Two first renders into a missing folder used to write it unlocked, both at once."""
    import fcntl

    from generator.writer import tree

    real, seen = tree._write_locked, []

    def probe(files, out_dir, *args, **kwargs):
        fd = os.open(out_dir, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(out_dir)
        finally:
            os.close(fd)
        return real(files, out_dir, *args, **kwargs)

    monkeypatch.setattr(tree, "_write_locked", probe)
    assert not world.out.exists()
    assert world.render().exit_code == 0
    assert seen == [world.out.absolute()]


def test_a_refused_first_render_leaves_no_empty_folder(world):
    (world.bp.parent / "src").mkdir()
    (world.bp.parent / "src" / "billing").write_text("not a folder\n")  # refused in before_commit
    assert world.render().exit_code == 2
    assert not world.out.exists()


@pytest.mark.slow
def test_concurrent_first_renders_never_crash(tmp_path):
    big = "service: big\nfunctions:\n" + "".join(f"  fn{i:03d}: {{memory: 256}}\n" for i in range(150))
    for attempt in range(3):
        app = tmp_path / f"app{attempt}"
        app.mkdir()
        (app / "blueprint.yaml").write_text(big)
        out = tmp_path / f"out{attempt}" / "big"
        procs = [subprocess.Popen([sys.executable, "-m", "generator.cli", "render", str(app / "blueprint.yaml"),
                                   "-o", str(out if i % 2 else tmp_path / f"other{attempt}-{i}")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
        results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
        for code, err in results:
            assert code in (0, 3) and "internal error" not in err, err
            if code == 3:
                assert "another sls-gen render is writing this folder" in err
        assert any(code == 0 for code, _ in results[1::2])
        again = run("diff", app / "blueprint.yaml", "-o", out)
        assert again.exit_code == 0, again.output


# ---- as another user: permissions root would ignore


@dataclass
class Nobody:
    base: Path
    python: str

    def cli(self, *args, cache: Path | None = None, cwd: Path | None = None):
        paths = [str(ROOT), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.base), "PYTHONPATH": os.pathsep.join(paths),
               "SLS_GEN_CACHE_DIR": str(cache or self.base / "cache"), "XDG_STATE_HOME": str(self.base / "state"),
               "LANG": "C.UTF-8"}
        return subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", self.python, "-m",
             "generator.cli", *map(str, args)],
            cwd=cwd or self.base, env=env, capture_output=True, text=True, timeout=120,
        )


@lru_cache(maxsize=None)
def _nobody_python() -> str | None:
    """An interpreter of this Python version that `nobody` may run (the venv may live in a home folder `nobody` cannot enter)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return None
    want = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for python in (sys.executable, f"/usr/bin/python{want}", "/usr/bin/python3", f"/usr/local/bin/python{want}"):
        try:
            done = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python,
                                   "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30, cwd="/")
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.strip() == want:
            return python
    return None


@pytest.fixture
def nobody():
    python = _nobody_python()
    if python is None:
        pytest.skip("needs root, setpriv and a Python the user nobody can run")
    base = Path(tempfile.mkdtemp(prefix="sls-gen-nobody-", dir="/tmp"))
    base.chmod(0o755)
    os.chown(base, NOBODY, NOBODY)
    try:
        yield Nobody(base, python)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def nobody_world(nobody) -> tuple[Nobody, Path, Path]:
    app = nobody.base / "app"
    app.mkdir()
    (app / "blueprint.yaml").write_text(BLUEPRINT)
    (nobody.base / "canary").mkdir()
    (nobody.base / "canary" / "victim.txt").write_text("keep me\n")
    _chown_tree(nobody.base, NOBODY)
    result = nobody.cli("render", app / "blueprint.yaml", "-o", nobody.base / "out")
    assert result.returncode == 0, result.stderr
    return nobody, app / "blueprint.yaml", nobody.base / "out"


def _outside(nobody: Nobody) -> dict[str, tuple]:
    return snapshot(nobody.base, skip=("out", "cache", "state"))


@pytest.mark.parametrize("what", ["file", "folder", "artifact"])
def test_an_unreadable_part_of_a_code_folder_is_sls008(nobody_world, what):
    nobody, bp, out = nobody_world
    code = bp.parent / "src" / "billing"
    if what == "file":
        (code / "secret.py").write_text("x = 1\n")
        target = code / "secret.py"
    elif what == "folder":
        (code / "private").mkdir()
        target = code / "private"
    else:
        bp.write_text(BLUEPRINT + "  settle:\n    runtime: java21\n    handler: a.B::handle\n    code: jvm\n"
                      "    artifact: jvm/app.jar\n")
        (bp.parent / "jvm").mkdir()
        target = bp.parent / "jvm" / "app.jar"
        target.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    _chown_tree(nobody.base, NOBODY)
    target.chmod(0)
    before, generated = _outside(nobody), snapshot(out)
    result = nobody.cli("render", bp, "-o", out)
    assert result.returncode == 2 and "[SLS008]" in result.stderr, result.stderr
    assert str(target.name) in result.stderr and "internal error" not in result.stderr
    assert _outside(nobody) == before and snapshot(out) == generated


@pytest.mark.parametrize("folder", ["dev", "dist", "."])
def test_a_read_only_folder_of_the_output_is_sls605_and_changes_nothing(nobody_world, folder):
    nobody, bp, out = nobody_world
    bp.write_text(BLUEPRINT.replace("memory: 256", "memory: 512") + "  stock:\n    code: src/billing\n")
    (out / folder).chmod(0o555)
    before, generated = _outside(nobody), snapshot(out)
    result = nobody.cli("render", bp, "-o", out)
    assert result.returncode == 3 and "[SLS605]" in result.stderr, result.stderr
    assert "nothing was written" in result.stderr and "internal error" not in result.stderr
    assert _outside(nobody) == before and snapshot(out) == generated
    (out / folder).chmod(0o755)
    result = nobody.cli("render", bp, "-o", out)
    assert result.returncode == 0, result.stderr


def test_a_read_only_folder_after_the_commit_point_is_finished_by_the_next_render(nobody_world):
    """A journal committed by a run that then could not rename (its folder became read-only)."""
    nobody, bp, out = nobody_world
    lambda_tf = out / "dev" / "lambda.tf"
    (out / ("dev/lambda.tf" + TMP)).write_bytes(lambda_tf.read_bytes() + b"# new\n")
    (out / JOURNAL).write_text(json.dumps({"put": ["dev/lambda.tf"], "remove": {}}))
    _chown_tree(nobody.base, NOBODY)
    (out / "dev").chmod(0o555)
    result = nobody.cli("render", bp, "-o", out)
    assert result.returncode == 3 and "[SLS605]" in result.stderr, result.stderr
    assert "the next render finishes it" in result.stderr and "internal error" not in result.stderr
    (out / "dev").chmod(0o755)
    result = nobody.cli("render", bp, "-o", out)
    assert not (out / JOURNAL).exists() and lambda_tf.read_bytes().endswith(b"# new\n")
    assert result.returncode == 3 and "[SLS602]" in result.stderr  # the journal's content, not the render's


def test_a_read_only_blueprint_folder_refuses_the_scaffold_with_sls605(nobody_world):
    nobody, bp, out = nobody_world
    bp.write_text(BLUEPRINT + "  stock: {}\n")
    (bp.parent / "src").chmod(0o555)
    before, generated = _outside(nobody), snapshot(out)
    result = nobody.cli("render", bp, "-o", out)
    assert result.returncode == 3 and "[SLS605]" in result.stderr and "scaffold" in result.stderr, result.stderr
    assert _outside(nobody) == before and snapshot(out) == generated
