"""`sls-gen plan`: Terraform's own plan of a rendered stage, summarized like `diff --summary`.

Runs `terraform init` (only when the stage folder has no .terraform/), `terraform plan -out` into a
temporary file and `terraform show -json` of it; nothing is applied. Terraform knows what the
generated files cannot say: replacements forced by an attribute, drift, what the state holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.evolution.summary import StageSummary, from_terraform


class TerraformFailed(Exception):
    """terraform is missing, or init, plan or show failed (the message carries its last words)."""


def _run(terraform: str, stage_dir: Path, *args: str) -> str:
    try:
        done = subprocess.run([terraform, f"-chdir={stage_dir}", *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, env={**os.environ, "TF_IN_AUTOMATION": "1"})
    except OSError as exc:
        raise TerraformFailed(f"cannot run {terraform}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-20:])
        raise TerraformFailed(f"terraform {args[0]} failed in {stage_dir} (exit {done.returncode}):\n{tail}")
    return done.stdout


def plan_summary(stage_dir: Path, stage: str, terraform: str = "terraform",
                 evidence: list[dict] | None = None) -> StageSummary:
    if shutil.which(terraform) is None:
        raise TerraformFailed(f"{terraform} not found: install Terraform >= 1.6 or pass --terraform PATH")
    if not (stage_dir / "versions.tf").is_file():
        raise TerraformFailed(f"{stage_dir} holds no rendered stage: run sls-gen render first")
    if not (stage_dir / ".terraform").is_dir():
        _run(terraform, stage_dir, "init", "-input=false", "-no-color")
    with tempfile.TemporaryDirectory(prefix="sls-gen-plan-") as tmp:
        planfile = os.path.join(tmp, "plan.bin")
        _run(terraform, stage_dir, "plan", "-input=false", "-no-color", f"-out={planfile}")
        shown = _run(terraform, stage_dir, "show", "-json", planfile)
    try:
        doc = json.loads(shown)
    except ValueError:
        raise TerraformFailed("terraform show -json did not print JSON") from None
    return from_terraform(stage, doc if isinstance(doc, dict) else {}, evidence)
