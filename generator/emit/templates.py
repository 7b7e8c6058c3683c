"""Where the shipped templates live and the one Jinja environment that renders them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from generator.cache import cache_dir, put

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


# Options that change how a template compiles: part of the bytecode cache's folder name, so code
# compiled under other options (another sls-gen, or an edited checkout) is never loaded.
SYNTAX = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True, "autoescape": False}


def _options_digest() -> str:
    import hashlib

    return hashlib.sha256(json.dumps(SYNTAX, sort_keys=True).encode()).hexdigest()[:12]


def _bytecode_cache(jinja2, version: str):
    """A Jinja bytecode cache in cache_dir(): compiling the templates costs ~0.1 s a process, loading
    them ~5 ms. Jinja checks each entry against the template's source checksum and its own and
    Python's version; the folder name adds sls-gen's version and a digest of the options that
    change the compiled code (SYNTAX). A cache that cannot be read or written is left alone."""
    root = cache_dir()
    if root is None:
        return None

    class CodeCache(jinja2.BytecodeCache):
        directory = root / f"templates-{version}"

        def load_bytecode(self, bucket) -> None:
            try:
                with open(self.directory / f"{bucket.key}.code", "rb") as fh:
                    bucket.load_bytecode(fh)
            except OSError:
                pass
            except Exception:  # a damaged entry (Jinja only checks versions and checksums)
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            put(self.directory / f"{bucket.key}.code", bucket.write_bytecode)

    return CodeCache()


@lru_cache(maxsize=None)
def environment():
    import jinja2

    from generator import __version__
    from generator.emit.hcl import hcl

    env = jinja2.Environment(
        # Shared templates by their path under templates/; a family's own as `families/<name>/<file>`.
        loader=jinja2.FileSystemLoader([str(templates_dir()), str(PACKAGE_DIR)]),
        bytecode_cache=_bytecode_cache(jinja2, f"{__version__}-{_options_digest()}"),
        undefined=jinja2.StrictUndefined,
        **SYNTAX,
    )
    env.filters["hcl"] = lambda value, indent=0: hcl(value, indent)
    env.filters["hclmap"] = lambda pairs, indent=2: hcl(dict(pairs), indent)
    env.filters["checkov"] = checkov_skips
    env.filters["pyrepr"] = repr
    env.filters["jsrepr"] = lambda value: json.dumps(value, ensure_ascii=False)
    env.globals["version"] = __version__
    return env
