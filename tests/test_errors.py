"""The broken-blueprint corpus: tests/errors/<rule>.yaml, each with its exact diagnostics in <rule>.expected.

A `.expected` line is `LINE:COL CODE key.path` for every finding (`--strict`, so warnings count),
sorted as sls-gen reports them. Codes a blueprint alone cannot produce (an unreadable file, a zip
too large, a refused output folder...) have their own case in PRODUCERS below; together they
produce every code docs/errors.md documents.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rendering import CASES as SNAPSHOT_CASES

from generator.cli import main
from generator.diagnostics import BlueprintError, path_str
from generator.pipeline import validate

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.stem for p in ERRORS.glob("*.yaml"))


def findings(name: str) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        validate(ERRORS / f"{name}.yaml", strict=True)
    return [f"{d.line}:{d.col} {d.code} {path_str(d.path)}" for d in info.value.diagnostics]


@pytest.mark.parametrize("name", CASES)
def test_broken_blueprint_reports_exactly_the_expected_diagnostics(name):
    expected = (ERRORS / f"{name}.expected").read_text().splitlines()
    assert findings(name) == expected


def test_every_case_has_a_sidecar_and_every_sidecar_a_case():
    assert sorted(p.stem for p in ERRORS.glob("*.expected")) == CASES


def _documented_codes() -> list[str]:
    import re

    text = (Path(__file__).parents[1] / "docs" / "errors.md").read_text()
    section = text.split("## Codes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (SLS\d{3}) \|", section, re.M)


def test_every_code_is_documented_once_and_docs_name_no_unknown_code():
    from generator.diagnostics import CODES

    documented = _documented_codes()
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(CODES)


def test_limits_table_is_covered():
    """Each 'none' row mapped to a code: the code exists, and codes of this helper are exercised by the corpus."""
    import re

    from generator.diagnostics import CODES

    text = (Path(__file__).parents[1] / "docs" / "errors.md").read_text()
    table = text.split("## AWS rules", 1)[1]
    rows = re.findall(r"^\| (\d+) \| [^|]+ \| ([^|]+) \|", table, re.M)
    assert len(rows) >= 20
    for row, codes in rows:
        for code in re.findall(r"SLS\d{3}", codes):
            assert code in CODES, (row, code)
            assert code in corpus_codes(), f"row {row}: {code} has no case in tests/errors"


# ----------------------------------------------------------------- every documented code is produced


def corpus_codes() -> set[str]:
    """Codes the corpus produces: test_broken_blueprint_reports_exactly_the_expected_diagnostics
    checks each .expected line is really reported."""
    return {line.split()[1] for p in ERRORS.glob("*.expected") for line in p.read_text().splitlines()}


def _cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _validate_text(tmp_path: Path, text: str | bytes):
    bp = tmp_path / "bp.yaml"
    bp.write_bytes(text if isinstance(text, bytes) else text.encode())
    return _cli("validate", bp), bp


def _unreadable(tmp_path):
    return _cli("validate", tmp_path / "missing.yaml"), tmp_path / "missing.yaml"


def _billion_laughs(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefghi", "bcdefghij")]
    return _validate_text(tmp_path, "\n".join(lines) + "\n")


def _large_zip(tmp_path):
    code = tmp_path / "src" / "big"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / "blob.bin").write_bytes(os.urandom(5 * 1024 * 1024 + 1024))  # random bytes do not compress
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  big: {}\n")
    return _cli("render", bp, "-o", tmp_path / "out"), bp


def _oversized_artifact(tmp_path):
    """A jar whose entries unzip to more than Lambda's 250 MiB (its zip entries say so)."""
    from test_package_limits import zip_declaring

    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "app.jar").write_bytes(zip_declaring(250 * 1024 * 1024 + 1, "com/example/Big.class"))
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {runtime: java21, handler: a.B::c, artifact: build/app.jar}\n")
    return _cli("render", bp, "-o", tmp_path / "out"), bp


def _unbuilt_artifact(tmp_path):
    shutil.copytree(SNAPSHOT_CASES / "java_function", tmp_path / "src")
    bp = tmp_path / "src" / "blueprint.yaml"
    return _cli("render", bp, "-o", tmp_path / "out"), bp


def _foreign_output_folder(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine\n")
    return _cli("render", bp, "-o", tmp_path / "out"), tmp_path / "out"


def _hand_edit(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    assert _cli("render", bp, "-o", tmp_path / "out").exit_code == 0
    edited = tmp_path / "out" / "dev" / "lambda.tf"
    edited.write_text(edited.read_text() + "# mine\n")
    return _cli("render", bp, "-o", tmp_path / "out"), edited


def _rendered(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    assert _cli("render", bp, "-o", tmp_path / "out").exit_code == 0
    return bp, tmp_path / "out"


def _unreadable_code(tmp_path):
    """A file of a code folder the user may not read (root reads anything: the kernel's EACCES is
    then injected for that one file; tests/test_hostile_fs.py reads it as `nobody` for real)."""
    from unittest import mock

    bp, out = _rendered(tmp_path)
    secret = tmp_path / "src" / "a" / "secret.py"
    secret.write_text("TOKEN = 1\n")
    secret.chmod(0)
    real_open = os.open

    def denying(path, *args, **kwargs):
        if os.fspath(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(secret))
        return real_open(path, *args, **kwargs)

    with mock.patch("os.open", denying):
        return _cli("render", bp, "-o", out), secret


def _missing_requirements(tmp_path):
    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a:\n    package: {requirements: prod.txt}\n")
    return _cli("render", bp, "-o", tmp_path / "out"), "src/a"


def _pyproject_without_lock(tmp_path):
    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "1"\ndependencies = ["six"]\n')
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    return _cli("render", bp, "-o", tmp_path / "out"), "src/a"


def _bundle_without_esbuild(tmp_path):
    from unittest import mock

    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "index.ts").write_text("export const handler = async () => 1;\n")
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {runtime: nodejs22.x, package: {bundle: esbuild}}\n")
    with mock.patch("generator.package.bundle.esbuild_binary", return_value=None):
        return _cli("render", bp, "-o", tmp_path / "out"), "src/a"


def _env_file_in_code(tmp_path):
    code = tmp_path / "src" / "a"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (code / ".env").write_text("TOKEN=secret\n")
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    return _cli("render", bp, "-o", tmp_path / "out"), bp


def _damaged_journal(tmp_path):
    bp, out = _rendered(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (out / ".sls-gen-journal.json").write_text(json.dumps({"put": [], "remove": {str(victim): "0" * 64}}))
    return _cli("render", bp, "-o", out), out / ".sls-gen-journal.json"


def _symlinked_stage(tmp_path):
    bp, out = _rendered(tmp_path)
    shutil.move(str(out / "dev"), str(tmp_path / "elsewhere"))
    (out / "dev").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    return _cli("render", bp, "-o", out), out / "dev"


def _unwritable_output(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  a: {}\n")
    (tmp_path / "file").write_text("a file where a folder of the output path goes\n")
    return _cli("render", bp, "-o", tmp_path / "file" / "out"), (tmp_path / "file" / "out").absolute()


def _many_rules(tmp_path):
    """70 EventBridge rules on one function: a blueprint too long for the corpus."""
    rules = "".join(f"      - eventbridge: {{pattern: {{detail-type: [Event{i}]}}}}\n" for i in range(70))
    return _validate_text(tmp_path, "service: demo\nfunctions:\n  listener:\n    events:\n" + rules)


def _rerendered(tmp_path, first: str, second: str):
    """Render `first`, then `second` into the same folder: the evolution codes compare the two."""
    bp = tmp_path / "bp.yaml"
    bp.write_text(first)
    assert _cli("render", bp, "-o", tmp_path / "out").exit_code == 0
    bp.write_text(second)
    return _cli("render", bp, "-o", tmp_path / "out"), bp


_TABLES = "service: demo\nstages:\n  dev: {}\n  prod: {}\ntables:\n  %s:\n    partition_key: id\n"


def _renamed_code_folder(tmp_path):
    _bp, _out = _rendered(tmp_path)  # scaffolds src/a
    bp = tmp_path / "bp.yaml"
    bp.write_text("service: demo\nfunctions:\n  b:\n    renamed_from: a\n")
    return _cli("render", bp, "-o", tmp_path / "out"), bp


# code -> (a case that produces it, the exit code, the severity), for codes the corpus cannot hold.
def _two_blueprints_of_one_service(tmp_path):
    (tmp_path / "a.yaml").write_text("service: demo\nfunctions:\n  a: {}\n")
    (tmp_path / "b.yaml").write_text("service: demo\nfunctions:\n  b: {}\n")
    return _cli("render", tmp_path / "a.yaml", tmp_path / "b.yaml", "-o", tmp_path / "out"), tmp_path / "a.yaml"


def _a_folder_without_blueprints(tmp_path):
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "settings.yaml").write_text("debug: true\n")  # YAML, but no `service:`
    return _cli("render", tmp_path / "apps", "-o", tmp_path / "out"), tmp_path / "apps"


PRODUCERS = {
    "SLS001": (_unreadable, 2, "error"),
    "SLS002": (lambda t: _validate_text(t, "service: demo\nfunctions:\n\ta: {}\n"), 2, "error"),
    "SLS003": (lambda t: _validate_text(t, "service: demo\nservice: again\n"), 2, "error"),
    "SLS004": (lambda t: _validate_text(t, "service: !!python/name:os.system demo\n"), 2, "error"),
    "SLS005": (_billion_laughs, 2, "error"),
    "SLS006": (lambda t: _validate_text(t, "# nothing but a comment\n"), 2, "error"),
    "SLS007": (lambda t: _validate_text(t, "a: " + "[" * 200 + "]" * 200 + "\n"), 2, "error"),
    "SLS008": (_unreadable_code, 2, "error"),
    "SLS316": (_many_rules, 2, "error"),
    "SLS317": (_oversized_artifact, 2, "error"),
    "SLS009": (_missing_requirements, 2, "error"),
    "SLS020": (_pyproject_without_lock, 2, "error"),
    "SLS021": (_bundle_without_esbuild, 2, "error"),
    "SLS404": (_env_file_in_code, 0, "warning"),
    "SLS011": (lambda t: _validate_text(t, "extends: bp.yaml\nservice: demo\n"), 2, "error"),
    "SLS010": (lambda t: _validate_text(t, "requires: \">=999\"\nservice: demo\n"), 2, "error"),
    "SLS012": (lambda t: _two_blueprints_of_one_service(t), 2, "error"),
    "SLS013": (lambda t: _a_folder_without_blueprints(t), 2, "error"),
    "SLS504": (_large_zip, 0, "warning"),
    "SLS505": (_unbuilt_artifact, 0, "warning"),
    "SLS706": (_renamed_code_folder, 0, "warning"),
    "SLS601": (_foreign_output_folder, 3, "error"),
    "SLS602": (_hand_edit, 3, "error"),
    "SLS603": (_damaged_journal, 3, "error"),
    "SLS604": (_symlinked_stage, 3, "error"),
    "SLS605": (_unwritable_output, 3, "error"),
    "SLS701": (lambda t: _rerendered(t, _TABLES % "links", _TABLES % "short-links"), 2, "error"),
    "SLS702": (lambda t: _rerendered(t, _TABLES % "links", "service: demo\nstages:\n  dev: {}\n  prod: {}\n"), 2, "error"),
    "SLS703": (lambda t: _rerendered(t, "service: demo\nqueues:\n  jobs: {}\n", "service: demo\nqueues:\n  jobs: {fifo: true}\n"),
               0, "warning"),
}


def test_every_documented_code_has_a_case_that_produces_it():
    documented = set(_documented_codes())
    covered = corpus_codes() | set(PRODUCERS)
    assert sorted(documented - covered) == [], "documented codes nothing produces: add a case or retire the code"
    assert sorted(covered - documented) == [], "cases for codes docs/errors.md does not document"


@pytest.mark.parametrize("code", sorted(PRODUCERS))
def test_code_is_produced(code, tmp_path):
    produce, exit_code, severity = PRODUCERS[code]
    result, where = produce(tmp_path)
    assert result.exit_code == exit_code, result.output
    pattern = rf"^{re.escape(str(where))}(:\d+:\d+)?: {severity}\[{code}\] "
    assert [line for line in result.output.splitlines() if re.match(pattern, line)], result.output


def test_an_access_level_the_kind_lacks_is_a_type_error(tmp_path):
    """SLS204 is retired: the model types `access` per kind, so docs/errors.md lists this under SLS102."""
    result, bp = _validate_text(
        tmp_path, "service: demo\ntables:\n  t: {partition_key: pk}\nfunctions:\n  a:\n    uses:\n"
        "      - table: t\n        access: publish\n"
    )
    assert result.output == (
        f"{bp}:8:9: error[SLS102] functions.a.uses[0].access: Input should be 'read', 'write' or 'read_write' "
        "(got publish)\n1 error(s); nothing was written.\n"
    )


def test_unknown_key_suggestions_come_from_the_keys_allowed_at_that_place(tmp_path):
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "queues:\n"
        "  jobs:\n"
        "    visibilty_timeout: 60\n"
        "functions:\n"
        "  a:\n"
        "    partition_keys: id\n"
        "    events:\n"
        "      - queue: jobs\n"
        "        batch_sise: 5\n"
    )
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    hints = {path_str(d.path): d.hint for d in info.value.diagnostics}
    assert hints == {
        "queues.jobs.visibilty_timeout": "did you mean 'visibility_timeout'?",
        # partition_key exists on tables, not on functions: no misleading suggestion
        "functions.a.partition_keys": None,
        "functions.a.events[0].batch_sise": "did you mean 'batch_size'?",
    }


@pytest.mark.parametrize("tables, ok", [(["orders"], True), (["orders", "items"], False)])
def test_environment_budget_counts_generated_variables(tmp_path, tables, ok):
    # BLOB + value = 4054 bytes; ORDERS_TABLE_NAME=demo-dev-orders adds 32 (4086 fits), ITEMS_... 30 more does not
    uses = "".join(f"      - table: {t}\n" for t in tables)
    bp = tmp_path / "bp.yaml"
    bp.write_text(
        "service: demo\n"
        "tables:\n  orders: {partition_key: id}\n  items: {partition_key: id}\n"
        "functions:\n  a:\n"
        f"    environment:\n      BLOB: {'x' * 4050}\n"
        f"    uses:\n{uses}"
    )
    if ok:
        validate(bp)
        return
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("SLS303", 7)]
    assert "4116 bytes" in info.value.diagnostics[0].message
