"""checkov (pinned in the test extras) finds nothing to fail in any rendered module.

Every snapshot case and bundled blueprint is rendered into one folder and scanned by ONE checkov
process (its start-up costs seconds). checkov runs from its own venv (`make checkov`): it installs a
fork of python-hcl2 under the same module name, which must not replace the one the tests use. Checks that do not fit a blueprint are skipped inline by
the plan (plan/security.py) with a reason; this test also holds every skip to having one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from rendering import ROOT, render_all

pytestmark = [pytest.mark.checkov, pytest.mark.xdist_group("checkov")]


def _pinned() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (requirement,) = pyproject["project"]["optional-dependencies"]["checkov"]
    return requirement.split("==")[1]


def _checkov() -> str:
    """SLS_GEN_CHECKOV, else the checkov of `make checkov` (.venv-checkov), else one on PATH."""
    candidates = [os.environ.get("SLS_GEN_CHECKOV"), str(ROOT / ".venv-checkov" / "bin" / "checkov"), shutil.which("checkov")]
    for exe in candidates:
        if exe and Path(exe).exists():
            return exe
    pytest.fail("checkov is not installed: run `make checkov` (installs the pinned version into .venv-checkov)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("checkov")
    modules = render_all(root)
    # Scan only the stage modules (not the copied blueprints or their scaffolds).
    scan = root / "scan"
    for label, module in modules.items():
        shutil.copytree(module, scan / label.replace("/", "__"))
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    proc = subprocess.run(
        [_checkov(), "-d", str(scan), "--framework", "terraform", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.stdout.strip(), f"checkov printed nothing (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    data = json.loads(proc.stdout)
    reports = data if isinstance(data, list) else [data]
    assert [r["check_type"] for r in reports] == ["terraform"], proc.stderr[-3000:]
    assert reports[0]["summary"]["checkov_version"] == _pinned(), "run `make checkov` for the pinned version"
    return {"report": reports[0], "modules": len(modules)}


def test_checkov_reports_no_failed_check(report):
    r = report["report"]
    assert r["summary"]["parsing_errors"] == 0, r["results"]["parsing_errors"]
    assert r["summary"]["resource_count"] > 0
    failed = [
        f"{f['check_id']} {f['resource']} in {f['file_path']}: {f['check_name']}" for f in r["results"]["failed_checks"]
    ]
    assert not failed, f"checkov failed {len(failed)} check(s):\n" + "\n".join(sorted(failed))


def test_every_skip_states_its_reason(report):
    skipped = report["report"]["results"]["skipped_checks"]
    assert skipped  # the functions skip CKV_AWS_117 (no VPC) at least: the listing below is exercised
    missing = [
        f"{s['check_id']} {s['resource']} in {s['file_path']}"
        for s in skipped
        if not (s.get("check_result") or {}).get("suppress_comment", "").strip()
    ]
    assert not missing, "skips without a reason:\n" + "\n".join(sorted(missing))


def test_the_scan_saw_the_core_resource_types(report):
    """Guard against a scan that silently found nothing (wrong folder, parse failure)."""
    seen = {c["resource"].split(".")[0] for kind in ("passed_checks", "skipped_checks") for c in report["report"]["results"][kind]}
    for kind in ("aws_lambda_function", "aws_iam_role_policy", "aws_cloudwatch_log_group", "aws_sqs_queue", "aws_dynamodb_table"):
        assert kind in seen
