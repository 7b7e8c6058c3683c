"""Emit handler scaffolds: starter code per runtime and trigger kind, written once, never overwritten."""

from __future__ import annotations

from generator.emit.templates import environment
from generator.families import by_event, families
from generator.families.function.plan import FunctionPlan

# A trigger family's own handler: `scaffolds/<language>/<file>` in its folder (e.g.
# generator/families/queue/scaffolds/python/handler.py.j2); a function whose triggers have none
# gets the generic handler of the shared templates.
HANDLERS = {"python": "handler.py.j2", "node": "index.mjs.j2"}
GENERIC = {"python": "scaffolds/python/handler_generic.py.j2", "node": "scaffolds/node/index_generic.mjs.j2"}

#: The event kinds whose family ships a handler scaffold.
SCAFFOLD_KINDS = tuple(f.event for f in families() if f.event and (f.folder / "scaffolds").is_dir())


def _kind(fn: FunctionPlan) -> str:
    for kind in fn.trigger_kinds:
        if kind in SCAFFOLD_KINDS:
            return kind
    return "generic"


def _handler_template(kind: str, language: str) -> str:
    if kind == "generic":
        return GENERIC[language]
    return by_event(kind).template(f"scaffolds/{language}/{HANDLERS[language]}")


def _sample_env(fn: FunctionPlan) -> list[tuple[str, str]]:
    """Environment for the scaffold's own unit test: resource names become placeholders."""
    out = []
    for key, value in fn.environment:
        out.append((key, value if type(value) is str else f"test-{key.lower().replace('_', '-')}"))
    return out


def _secret_keys(fn: FunctionPlan) -> list[str]:
    """Environment keys holding a secret's ARN or parameter name: the scaffold fetches these lazily."""
    return [key for key, _ in fn.environment if key.endswith(("_SECRET_ARN", "_PARAMETER_NAME"))]


def _python_clients(fn: FunctionPlan) -> list[str]:
    lines = []
    for key, _ in fn.environment:
        var = key.rsplit("_", 2)[0] if key.endswith(("_TABLE_NAME", "_QUEUE_URL")) else None
        if key.endswith("_TABLE_NAME"):
            lines.append(f'{var}_TABLE = boto3.resource("dynamodb").Table(os.environ["{key}"])')
        elif key.endswith("_QUEUE_URL"):
            lines.append(f'{var}_QUEUE_URL = os.environ["{key}"]')
    if any(k.endswith("_QUEUE_URL") for k, _ in fn.environment):
        lines.append('SQS = boto3.client("sqs")')
    for suffix, client, service in (("_TOPIC_ARN", "SNS", "sns"), ("_BUS_NAME", "EVENTS", "events")):
        keys = [k for k, _ in fn.environment if k.endswith(suffix)]
        lines += [f'{k} = os.environ["{k}"]' for k in keys]
        if keys:
            lines.append(f'{client} = boto3.client("{service}")')
    return lines


def _node_clients(fn: FunctionPlan) -> list[str]:
    return [
        f"const {key} = process.env.{key};"
        for key, _ in fn.environment
        if key.endswith(("_TABLE_NAME", "_QUEUE_URL", "_TOPIC_ARN", "_BUS_NAME", "_BUCKET_NAME", "_SECRET_ARN"))
    ]


def _entry_alias(entry: str, alias: str) -> str:
    """The line exporting the scaffold's `handler` under the blueprint's entry name, if it differs."""
    return "" if entry == "handler" else alias


def scaffold_files(fn: FunctionPlan, blueprint_name: str, sample_route: str = "") -> dict[str, str]:
    """Relative file name (inside the function's code dir) -> content."""
    env = environment()
    kind = _kind(fn)
    ctx = {
        "fn": fn,
        "kind": kind,
        "blueprint_name": blueprint_name,
        "env": _sample_env(fn),
        "sample_route": sample_route,
        "secrets": _secret_keys(fn),
    }
    module, _, entry = fn.handler.rpartition(".")  # python/node handlers are module.function
    if fn.language == "python":
        ctx["clients"] = _python_clients(fn)
        # Lambda imports `app.main` or `app/main` alike: the file is app/main.py; the test sits at the
        # code dir's root (on sys.path under pytest) and imports the dotted module.
        path = module.replace(".", "/")
        return {
            f"{path}.py": env.get_template(_handler_template(kind, "python")).render(**ctx)
            + _entry_alias(entry, f"\n\n# Lambda calls {entry} (the blueprint's handler).\n{entry} = handler\n"),
            f"test_{path.replace('/', '_')}.py": env.get_template("scaffolds/python/test_handler.py.j2")
            .render(**ctx)
            .replace('import_module("handler")', f'import_module("{path.replace("/", ".")}")'),
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
            .replace('import("./index.mjs")', f'import("./{module.rsplit("/", 1)[-1]}.mjs")'),
            "package.json": env.get_template("scaffolds/node/package.json.j2").render(**ctx),
        }
    from generator.emit.scaffold_compiled import compiled_scaffold

    return compiled_scaffold(fn, ctx)
