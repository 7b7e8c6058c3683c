"""Emit handler scaffolds: starter code per runtime and trigger kind, written once, never overwritten."""

from __future__ import annotations

from generator.emit.escape import json_str
from generator.emit.templates import environment
from generator.families import by_trigger, families
from generator.families.function.plan import FunctionPlan

# A trigger family's own handler: `scaffolds/<language>/<file>` in its folder (e.g.
# generator/families/queue/scaffolds/python/handler.py.j2); a function whose triggers have none
# gets the generic handler of the shared templates.
HANDLERS = {"python": "handler.py.j2", "node": "index.mjs.j2"}
GENERIC = {"python": "scaffolds/python/handler_generic.py.j2", "node": "scaffolds/node/index_generic.mjs.j2"}

#: The trigger kinds (event keys, and a family's other `triggers`) whose family ships a handler scaffold.
SCAFFOLD_KINDS = tuple(k for f in families() if (f.folder / "scaffolds").is_dir() for k in ((f.event,) if f.event else ()) + f.triggers)


def _kind(fn: FunctionPlan) -> str:
    for kind in fn.trigger_kinds:
        if kind in SCAFFOLD_KINDS:
            return kind
    return "generic"


def _handler_template(kind: str, language: str) -> str:
    if kind == "generic":
        return GENERIC[language]
    return by_trigger(kind).template(f"scaffolds/{language}/{HANDLERS[language]}")


def _sample_env(fn: FunctionPlan) -> list[tuple[str, str]]:
    """Environment for the scaffold's own unit test: resource names become placeholders."""
    out = []
    for key, value in fn.environment:
        out.append((key, value if type(value) is str else f"test-{key.lower().replace('_', '-')}"))
    return out


# Each family that adds environment keys through `uses` has a `scaffold` part saying what a
# handler's init phase sets up for them:
#   ENV_SUFFIXES   the keys it owns, by suffix (a blueprint's own `environment` key with one counts)
#   python_line(key), node_line(key)   the init line for one key, or None
#   PYTHON_CLIENT  a line written once after its keys (the SDK client they share), or None
#   PYTHON_ORDER   Python init lines come in blocks by this number; within a block, the keys'
#                  lines in environment order, then the clients of the families that had a key
#   SECRET         its keys name secrets: the scaffold's get_secret fetches them on first use
def _scaffold_parts() -> list:
    return [part for fam in families() if (part := fam.part("scaffold"))]


def _owner(key: str, parts: list):
    return next((part for part in parts if key.endswith(part.ENV_SUFFIXES)), None)


def _secret_keys(fn: FunctionPlan) -> list[str]:
    """Environment keys holding a secret's ARN or parameter name: the scaffold fetches these lazily."""
    parts = [part for part in _scaffold_parts() if part.SECRET]
    return [key for key, _ in fn.environment if _owner(key, parts)]


def _python_clients(fn: FunctionPlan) -> list[str]:
    parts = _scaffold_parts()
    lines = []
    for order in sorted({part.PYTHON_ORDER for part in parts}):
        block = [part for part in parts if part.PYTHON_ORDER == order]
        used = []
        for key, _ in fn.environment:
            part = _owner(key, block)
            line = part.python_line(key) if part else None
            if line:
                lines.append(line)
                used.append(part)
        lines += [part.PYTHON_CLIENT for part in block if part in used and part.PYTHON_CLIENT]
    return lines


def _node_clients(fn: FunctionPlan) -> list[str]:
    parts = _scaffold_parts()
    return [line for key, _ in fn.environment if (part := _owner(key, parts)) and (line := part.node_line(key))]


def _entry_alias(entry: str, alias: str) -> str:
    """The line exporting the scaffold's `handler` under the blueprint's entry name, if it differs.
    The entry becomes code: the function checks let only identifiers through (a handler is
    `module.function`), and anything else stops here rather than be written."""
    if entry == "handler":
        return ""
    if not entry.isidentifier() or not entry.isascii():
        raise ValueError(f"handler entry is not an identifier: {entry!r}")
    return alias


def scaffold_files(fn: FunctionPlan, blueprint_name: str, sample_route: str = "", hints=None) -> dict[str, str]:
    """Relative file name (inside the function's code dir) -> content. `hints` come from the parts
    that know the function's triggers (`scaffold_hints()`): `api_type: rest` makes the http scaffold
    speak the Lambda proxy payload 1.0 and answer with the CORS headers."""
    env = environment()
    kind = _kind(fn)
    ctx = {
        "fn": fn,
        "kind": kind,
        "rest": kind == "http" and (hints or {}).get("api_type") == "rest",
        "blueprint_name": blueprint_name,
        "env": _sample_env(fn),
        "sample_route": sample_route,
        "secrets": _secret_keys(fn),
    }
    module, _, entry = fn.handler.rpartition(".")  # python/node handlers are module.function
    if fn.language == "python":
        ctx["clients"] = _python_clients(fn)
        # Lambda imports `app.main` or `app/main` alike: the file is app/main.py; the test sits at the
        # code dir's root (on sys.path under pytest) and imports the dotted module. It is named after
        # the function: `pytest` over several code folders needs distinct test file names.
        path = module.replace(".", "/")
        return {
            f"{path}.py": env.get_template(_handler_template(kind, "python")).render(**ctx)
            + _entry_alias(entry, f"\n\n# Lambda calls {entry} (the blueprint's handler).\n{entry} = handler\n"),
            f"test_{fn.name.replace('-', '_')}.py": env.get_template("scaffolds/python/test_handler.py.j2")
            .render(**ctx)
            .replace('_MODULE = "handler"', f'_MODULE = {json_str(path.replace("/", "."))}'),
        }
    if fn.language == "node":
        ctx["clients"] = _node_clients(fn)
        ctx["imports"] = []
        # lib/fn.handler: the module is lib/fn.mjs and its test sits next to it.
        return {
            f"{module}.mjs": env.get_template(_handler_template(kind, "node")).render(**ctx)
            + _entry_alias(entry, f"\n// Lambda calls {entry} (the blueprint's handler).\nexport {{ handler as {entry} }};\n"),
            f"{module}.test.mjs": env.get_template("scaffolds/node/index.test.mjs.j2")
            .render(**ctx)
            .replace('import("./index.mjs")', f'import({json_str("./" + module.rsplit("/", 1)[-1] + ".mjs")})'),
            "package.json": env.get_template("scaffolds/node/package.json.j2").render(**ctx),
        }
    from generator.emit.scaffold_compiled import compiled_scaffold

    return compiled_scaffold(fn, ctx)
