"""Emit Terraform: one root module per stage, rendered from the plan by thin Jinja templates."""

from __future__ import annotations

import os
import sys

from generator.emit.hcl import format_hcl
from generator.families import family as fam
from generator.emit.templates import environment
from generator.plan.model import StagePlan


CORE_FILES = (
    ("versions.tf", "terraform/versions.tf.j2"),
    ("main.tf", "terraform/main.tf.j2"),
    ("variables.tf", "terraform/variables.tf.j2"),
    ("outputs.tf", "terraform/outputs.tf.j2"),
)


def stage_files(plan: StagePlan) -> list[tuple[str, str, object]]:
    """(file name, template, family part) for one stage: the core files, then each planned family's
    files (its part's `terraform_files()`, templates in its folder). Families with nothing planned
    write nothing."""
    files: list[tuple[str, str, object]] = [(name, template, None) for name, template in CORE_FILES]
    for family, part in plan.parts.items():
        files += [(name, fam(family).template(template), part) for name, template in part.terraform_files()]
    return files


# Below this many functions a second process costs more than it saves (fork + copying the text back).
PARALLEL_MIN_FUNCTIONS = 200


def render_stage(plan: StagePlan) -> dict[str, str]:
    """File name -> formatted Terraform text for one stage's root module.

    A large stage is rendered on two cores: a forked child renders about half of the text (the
    families whose size grows with the function count are dealt out by turns) and sends it back
    through a pipe. Whatever the child does not deliver intact is rendered here instead, so the
    result never depends on whether the child ran.
    """
    files = stage_files(plan)
    if len(plan.functions) < PARALLEL_MIN_FUNCTIONS or not hasattr(os, "fork") or sys.platform != "linux":
        return {name: _render_file(plan, template, part) for name, template, part in files}
    big = [f for f in files if f[0] in _PER_FUNCTION]
    theirs = big[1::2]
    ours = [f for f in files if f not in theirs]
    done = _in_child(lambda: {name: _render_file(plan, template, part) for name, template, part in theirs})
    out = {name: _render_file(plan, template, part) for name, template, part in ours}
    out.update(done())
    for name, template, part in theirs:
        if name not in out:
            out[name] = _render_file(plan, template, part)
    return {name: out[name] for name, _, _ in files}


# Files holding a few blocks per function, largest first (for N functions behind an API).
_PER_FUNCTION = ("lambda.tf", "iam.tf", "api.tf", "outputs.tf", "triggers.tf", "sqs.tf", "aliases.tf")


def _render_file(plan: StagePlan, template: str, part: object) -> str:
    return format_hcl(environment().get_template(template).render(plan=plan, part=part))


def _in_child(work):
    """Run ``work()`` (returning {str: str}) in a forked child; returns a function that collects the
    result ({} when the child failed in any way)."""
    import json

    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return dict
    if pid == 0:  # pragma: no cover - the child process (its effect is tested through the result)
        status = 1
        try:
            os.close(read_fd)
            data = json.dumps(work()).encode()
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)

    def collect() -> dict[str, str]:
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return {}
        try:
            result = json.loads(data)
        except ValueError:
            return {}
        return {k: v for k, v in result.items() if isinstance(k, str) and isinstance(v, str)}

    return collect
