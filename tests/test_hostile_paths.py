"""Code folders stay inside the blueprint's folder, even by default (issue 14): the default
`src/<name>` and any parent of it, a compiled runtime's default artifact, `handler:` and what
`sls-gen invoke` imports, and an output folder that overlaps a code folder. Every attack is made
next to a canary tree; each test checks the diagnostic and that nothing outside the output folder
changed (and that no zip carries the canary's bytes)."""

from __future__ import annotations

import hashlib
import os
import stat
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

SECRET = b"root:x:0:0:canary secret\n"


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def tree(root: Path) -> dict[str, tuple]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = os.lstat(path)
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = ("dir",)
    return found


class World:
    def __init__(self, base: Path):
        self.base = base
        self.app = base / "app"
        self.app.mkdir()
        self.bp = self.app / "blueprint.yaml"
        self.out = base / "out"
        self.canary = base / "canary"  # stands for /etc: a folder outside the blueprint's
        (self.canary / "target").mkdir(parents=True)
        (self.canary / "passwd").write_bytes(SECRET)
        (self.canary / "handler.py").write_text("def handler(event, context):\n    return 'canary'\n")
        (self.canary / "target" / "function.jar").write_bytes(b"PK\x05\x06" + b"\0" * 18)

    def write(self, text: str) -> Path:
        self.bp.write_text(textwrap.dedent(text))
        return self.bp

    def outside(self) -> dict[str, tuple]:
        return {k: v for k, v in tree(self.base).items() if not k.startswith(("out/", "cache", "state")) and k != "out"}

    def zips_carry_the_canary(self) -> bool:
        for path in self.out.rglob("*.zip") if self.out.exists() else ():
            with zipfile.ZipFile(path) as zf:
                if any(SECRET in zf.read(name) for name in zf.namelist()):
                    return True
        return False


@pytest.fixture
def world(tmp_path, monkeypatch) -> World:
    monkeypatch.setenv("SLS_GEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return World(tmp_path)


def refused(result, code: str, exit_code: int = 2) -> None:
    assert result.exit_code == exit_code, result.output
    assert f"[{code}]" in result.output, result.output
    assert "internal error" not in result.output


# ---------------------------------------------------------------- the default code folder
def _link_src_billing(w: World):
    (w.app / "src").mkdir()
    (w.app / "src" / "billing").symlink_to(w.canary, target_is_directory=True)


def _link_src(w: World):
    (w.app / "src").symlink_to(w.canary, target_is_directory=True)
    (w.canary / "billing").mkdir()
    (w.canary / "billing" / "passwd").write_bytes(SECRET)


def _link_src_relative(w: World):
    (w.app / "src").mkdir()
    (w.app / "src" / "billing").symlink_to(Path("..") / ".." / "canary", target_is_directory=True)


def _link_to_a_missing_outside_folder(w: World):
    (w.app / "src").mkdir()
    (w.app / "src" / "billing").symlink_to(w.base / "nowhere", target_is_directory=True)


@pytest.mark.parametrize("attack", [_link_src_billing, _link_src, _link_src_relative, _link_to_a_missing_outside_folder])
@pytest.mark.parametrize("command", ["validate", "render", "diff"])
def test_a_default_code_folder_that_leads_outside_is_refused(world, attack, command):
    world.write("""\
        service: shop
        functions:
          billing: {}
        """)
    attack(world)
    before = world.outside()
    args = (command, world.bp) if command == "validate" else (command, world.bp, "-o", world.out)
    result = run(*args)
    refused(result, "SLS313")
    assert "functions.billing: the default code folder 'src/billing' leaves the blueprint's folder" in result.output
    assert world.outside() == before and not world.out.exists() and not world.zips_carry_the_canary()


def test_a_stage_override_cannot_reach_outside_either(world):
    world.write("""\
        service: shop
        stages:
          dev: {}
          prod: {overrides: {functions: {billing: {code: lib/billing}}}}
        functions:
          billing: {}
        """)
    (world.app / "lib").symlink_to(world.canary, target_is_directory=True)
    before = world.outside()
    refused(run("render", world.bp, "-o", world.out, "--stage", "dev"), "SLS313")
    assert world.outside() == before and not world.out.exists()


def test_a_compiled_functions_default_artifact_is_read_from_inside_only(world):
    world.write("""\
        service: shop
        functions:
          pricing: {runtime: java21, handler: example.Pricing::handle}
        """)
    code = world.app / "src" / "pricing"
    code.mkdir(parents=True)
    (code / "pom.xml").write_text("<project/>\n")
    (code / "target").symlink_to(world.canary / "target", target_is_directory=True)
    before = world.outside()
    result = run("render", world.bp, "-o", world.out)
    refused(result, "SLS313")
    assert "the default artifact 'src/pricing/target/function.jar' leaves the blueprint's folder" in result.output
    assert world.outside() == before and not world.out.exists()


def test_a_default_code_folder_inside_the_blueprints_folder_is_fine(world):
    world.write("""\
        service: shop
        functions:
          billing: {}
        """)
    (world.app / "shared").mkdir()
    (world.app / "shared" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    (world.app / "src").mkdir()
    (world.app / "src" / "billing").symlink_to(Path("..") / "shared", target_is_directory=True)
    result = run("render", world.bp, "-o", world.out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(world.out / "dist" / "billing.zip") as zf:
        assert zf.namelist() == ["handler.py"]


# ---------------------------------------------------------------- handler
@pytest.mark.parametrize("runtime, handler, code", [
    ("python3.13", "../../canary/handler.handler", "SLS313"),
    ("python3.13", "../handler.handler", "SLS313"),
    ("python3.13", "/etc/passwd.handler", "SLS313"),
    ("python3.13", "sub\\\\..\\\\..\\\\x.handler", "SLS313"),
    ("python3.13", "~/x.handler", "SLS313"),
    ("python3.13", "handler.x = 1\\nimport os", "SLS102"),
    ("python3.13", "handler.x;__import__('os')", "SLS102"),
    ("python3.13", "handler.handler\\n", "SLS102"),
    ("python3.13", "handler", "SLS102"),
    ("nodejs22.x", "../../canary/index.handler", "SLS313"),
    ("nodejs22.x", "lib/../../x.handler", "SLS313"),
    ("nodejs22.x", "index.h }; process.exit(1); export { handler as x", "SLS102"),
    ("java21", "com.example.X::handle(); }", "SLS102"),
    ("java21", "com.class.X::handle", "SLS102"),
    ("provided.al2023", "../bootstrap", "SLS313"),
    ("provided.al2023", "boot strap", "SLS102"),
])
def test_a_handler_that_leaves_the_code_folder_or_is_not_one_is_refused(world, runtime, handler, code):
    world.write(f"""\
        service: shop
        functions:
          billing: {{runtime: {runtime}, handler: "{handler}"}}
        """)
    before = world.outside()
    result = run("render", world.bp, "-o", world.out)
    refused(result, code)
    assert "functions.billing.handler" in result.output
    assert world.outside() == before and not world.out.exists()  # no scaffold written anywhere


def _invoke_world(world: World, handler: str) -> Path:
    world.write(f"""\
        service: shop
        functions:
          billing: {{handler: {handler}}}
        """)
    code = world.app / "src" / "billing"
    code.mkdir(parents=True)
    return code


def test_invoke_never_imports_a_module_from_outside_the_code_folder(world):
    _invoke_world(world, "subprocess.run")  # the standard library's, if nothing stopped it
    pwned = world.base / "pwned"
    before = world.outside()
    result = run("invoke", "billing", world.bp, "--event", "-", input=f'["touch", "{pwned}"]')
    assert result.exit_code == 1, result.output
    assert "no subprocess.py or subprocess/__init__.py inside the code folder" in result.output
    assert not pwned.exists() and world.outside() == before


def test_invoke_refuses_a_handler_file_that_is_a_symlink_out(world):
    code = _invoke_world(world, "handler.handler")
    (code / "handler.py").symlink_to(world.canary / "handler.py")
    result = run("invoke", "billing", world.bp)
    assert result.exit_code == 1 and "inside the code folder" in result.output, result.output
    assert "canary" not in result.stdout


def test_invoke_refuses_a_module_shadowed_by_one_already_imported(world):
    code = _invoke_world(world, "json.handler")
    (code / "json.py").write_text("def handler(event, context):\n    return 'mine'\n")
    result = run("invoke", "billing", world.bp)
    assert result.exit_code == 1, result.output
    assert "not from the code folder" in result.output and "rename the module" in result.output


def test_invoke_runs_a_handler_of_the_code_folder(world):
    code = _invoke_world(world, "app/main.handler")
    (code / "app").mkdir()
    (code / "app" / "main.py").write_text("def handler(event, context):\n    return {'ok': event}\n")
    result = run("invoke", "billing", world.bp, "--event", "-", input="[1]")
    assert result.exit_code == 0, result.output
    assert '"ok"' in result.stdout


# ---------------------------------------------------------------- output folder vs code folders
def test_an_output_folder_inside_a_code_folder_is_refused(world):
    world.write("""\
        service: shop
        functions:
          billing: {}
        """)
    code = world.app / "src" / "billing"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    before = tree(world.app)
    result = run("render", world.bp, "-o", code / "build")
    refused(result, "SLS601")
    assert "is inside the code folder 'src/billing'" in result.output
    assert tree(world.app) == before


@pytest.mark.parametrize("code_value", ["out", "out/shop", "out/shop/dev", "build"])
def test_a_code_folder_that_holds_or_is_the_output_folder_is_refused(world, code_value):
    world.write(f"""\
        service: shop
        functions:
          billing: {{code: {code_value}}}
        """)
    out = world.app / ("build" if code_value == "build" else "out/shop")
    (world.app / code_value).mkdir(parents=True, exist_ok=True)
    before = tree(world.app)
    result = run("render", world.bp, "-o", out)
    refused(result, "SLS601")
    assert tree(world.app) == before


def test_an_output_folder_that_holds_a_code_folder_is_refused(world):
    world.write("""\
        service: shop
        functions:
          billing: {code: gen/src/billing}
        """)
    before = tree(world.app)
    result = run("render", world.bp, "-o", world.app / "gen")
    refused(result, "SLS601")
    assert "contains the code folder 'gen/src/billing'" in result.output
    assert tree(world.app) == before


def test_the_default_output_folder_is_checked_too(world, monkeypatch):
    world.write("""\
        service: shop
        functions:
          billing: {code: out}
        """)
    (world.app / "out").mkdir()
    monkeypatch.chdir(world.app)  # default -o: out/<service>, inside the code folder `out`
    before = tree(world.app)
    refused(run("render", "blueprint.yaml"), "SLS601")
    assert tree(world.app) == before
