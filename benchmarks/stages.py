"""Where one render's CPU time goes, stage by stage (in-process, no writing).

    .venv/bin/python benchmarks/stages.py benchmarks/work/sls-gen-1000/bench.yaml

run.py measures whole processes; this splits one render into imports, load + model + checks,
plan, Jinja and formatting per .tf file, and zips, to show what to optimise next. For a call-level
profile: .venv/bin/python -m cProfile -s tottime -m generator render <blueprint> -o /tmp/out
"""

from __future__ import annotations

import sys
import time

clock = time.process_time
t0 = clock()
from pathlib import Path  # noqa: E402

from generator.emit.hcl import format_hcl  # noqa: E402
from generator.emit.templates import environment  # noqa: E402
from generator.emit.terraform import stage_files  # noqa: E402
from generator.package.zips import build_zip  # noqa: E402
from generator.pipeline import validate  # noqa: E402
from generator.plan.build import build_plan  # noqa: E402


def main() -> None:
    blueprint = Path(sys.argv[1])
    print(f"imports              {clock() - t0:7.3f} s")
    t = clock()
    _doc, _base, stages, _warnings = validate(blueprint)
    print(f"load, model, checks  {clock() - t:7.3f} s")
    stage, bp = next(iter(stages.items()))
    t = clock()
    plan = build_plan(bp, stage, blueprint.name)
    print(f"plan                 {clock() - t:7.3f} s")
    env = environment()
    jinja = fmt = 0.0
    for name, template in stage_files(plan):
        a = clock()
        text = env.get_template("terraform/" + template).render(plan=plan)
        b = clock()
        out = format_hcl(text)
        c = clock()
        jinja, fmt = jinja + b - a, fmt + c - b
        print(f"  {name:<18} jinja {b - a:6.3f} s  format {c - b:6.3f} s  {len(out) / 1e6:5.2f} MB")
    print(f"jinja (incl. hcl())  {jinja:7.3f} s")
    print(f"format_hcl           {fmt:7.3f} s")
    t = clock()
    for fn in plan.functions:
        code = blueprint.parent / fn.code_dir
        if code.is_dir():
            build_zip(code)
    print(f"zips                 {clock() - t:7.3f} s")
    print(f"total                {clock() - t0:7.3f} s")


if __name__ == "__main__":
    main()
