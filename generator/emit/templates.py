"""Where the shipped templates live and the one Jinja environment that renders them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """`generator/templates` inside an installed wheel, else the source tree's top-level `templates/`."""
    for candidate in (PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "templates"):
        if (candidate / "terraform").is_dir():
            return candidate
    raise FileNotFoundError("sls-gen templates are missing from this installation")


def checkov_skips(skips) -> str:
    """The plan's (check id, reason) pairs as inline skip comments, one per line; "" for none.

    Use it as `  {{ x.skips | checkov -}}` on its own line inside the resource block: the output
    ends with the next line's indentation, which `-}}` took away.
    """
    lines = []
    for check, reason in skips:
        reason = " ".join(str(reason).split())
        if not check or not reason:
            raise ValueError(f"checkov skip needs an id and a reason: {check!r}, {reason!r}")
        lines.append(f"#checkov:skip={check}:{reason}\n  ")
    return "".join(lines)


@lru_cache(maxsize=None)
def environment():
    import jinja2

    from generator import __version__
    from generator.emit.hcl import hcl

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["hcl"] = lambda value, indent=0: hcl(value, indent)
    env.filters["hclmap"] = lambda pairs, indent=2: hcl(dict(pairs), indent)
    env.filters["checkov"] = checkov_skips
    env.filters["pyrepr"] = repr
    env.filters["jsrepr"] = lambda value: json.dumps(value, ensure_ascii=False)
    env.globals["version"] = __version__
    return env
