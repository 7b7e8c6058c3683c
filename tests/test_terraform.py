"""Every generated root module passes `terraform fmt -check`, `terraform validate` and python-hcl2.

All snapshot cases and bundled blueprints are rendered once per session; validation runs grouped
(one provider schema load for many modules, errors attributed back to their module).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rendering import BLUEPRINTS, bundled_blueprints, render_all
from tfharness import fmt_check, require_terraform, validate_grouped

pytestmark = [pytest.mark.terraform, pytest.mark.xdist_group("terraform")]


@pytest.fixture(scope="module")
def rendered_modules(tmp_path_factory) -> dict[str, Path]:
    """'<case or blueprint>/<stage>' -> rendered root module folder."""
    return render_all(tmp_path_factory.mktemp("tf"))


def test_bundled_blueprints_exist():
    assert bundled_blueprints(), f"no blueprints under {BLUEPRINTS}"


def test_every_module_parses_with_python_hcl2(rendered_modules):
    import hcl2

    for label, module in rendered_modules.items():
        for tf in sorted(module.glob("*.tf")):
            with tf.open() as fh:
                try:
                    hcl2.load(fh)
                except Exception as exc:  # noqa: BLE001 - report which file failed
                    pytest.fail(f"{label}/{tf.name} does not parse: {exc}")


def test_every_module_is_fmt_clean(rendered_modules):
    require_terraform()
    bad = {}
    for label, module in rendered_modules.items():
        ok, output = fmt_check(module)
        if not ok:
            bad[label] = output
    assert not bad, "\n".join(f"{k}:\n{v}" for k, v in bad.items())


def test_every_module_validates(rendered_modules):
    require_terraform()
    results = validate_grouped(list(rendered_modules.values()), jobs=2)
    by_dir = {v: k for k, v in rendered_modules.items()}
    failures = {by_dir[d]: r for d, r in results.items() if not r[0]}
    assert len(results) == len(rendered_modules)
    assert not failures, "\n\n".join(f"{k}:\n{r[1]}" for k, r in sorted(failures.items()))
