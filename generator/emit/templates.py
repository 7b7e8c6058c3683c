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


CODE_MAGIC = b"sls-gen-code 2\n"


def _bytecode_cache(jinja2, version: str):
    """A Jinja bytecode cache in cache_dir(): compiling the templates costs ~0.1 s a process, loading
    them ~5 ms. Compiled code runs when it is loaded, so an entry is loaded only from a cache folder
    and file of the current user that nobody else can write, and only when it carries this user's
    signature (generator/cache.py: a key kept outside the cache) over a digest of the template's
    source, sls-gen's version, the Python and Jinja versions and the options that change the
    compiled code (SYNTAX). No pickle: the file is a header and marshal data. A cache that cannot be
    read, trusted or written is left alone: templates are compiled again."""
    import hashlib
    import importlib.util
    import marshal
    import sys
    import types

    from generator.cache import cache_subdir, read_private, sign, signing_key, verified

    if cache_dir() is None:
        return None
    folder = f"templates-{version}"
    runtime = f"{version}\0{sys.implementation.cache_tag}\0{importlib.util.MAGIC_NUMBER.hex()}\0{jinja2.__version__}"

    class CodeCache(jinja2.BytecodeCache):
        def get_bucket(self, environment, name, filename, source):
            bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name, filename), self.get_source_checksum(source))
            bucket.expect = hashlib.sha256(
                f"{runtime}\0{bucket.key}\0".encode() + hashlib.sha256(source.encode("utf-8")).digest()
            ).hexdigest().encode()
            self.load_bytecode(bucket)
            return bucket

        def load_bytecode(self, bucket) -> None:
            directory = cache_subdir(folder)
            raw = read_private(directory / f"{bucket.key}.code") if directory is not None else None
            key = signing_key() if raw is not None else None
            if raw is None or key is None or not raw.startswith(CODE_MAGIC):
                return
            mac, expect, payload = raw[len(CODE_MAGIC):][:64], raw[len(CODE_MAGIC) + 65:][:64], raw[len(CODE_MAGIC) + 130:]
            if expect != bucket.expect or not verified(key, b"code", mac, expect + payload):
                return  # another template, version or runtime; or not signed by this user: compile
            try:
                code = marshal.loads(payload)
            except (ValueError, EOFError, TypeError):
                return
            if isinstance(code, types.CodeType):
                bucket.code = code

        def dump_bytecode(self, bucket) -> None:
            key = signing_key(create=True)
            directory = cache_subdir(folder, create=True) if key is not None else None
            if directory is None:
                return
            payload = marshal.dumps(bucket.code)
            mac = sign(key, b"code", bucket.expect + payload)
            put(directory / f"{bucket.key}.code", CODE_MAGIC + mac + b"\n" + bucket.expect + b"\n" + payload)

    return CodeCache()


@lru_cache(maxsize=None)
def environment():
    import jinja2

    from generator import __version__
    from generator.emit.escape import FILTERS
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
    env.filters.update(FILTERS)  # one per language and place: comments, string literals (emit/escape.py)
    return env
