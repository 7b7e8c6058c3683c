"""The families' sample-event and scaffold parts: each event kind's family builds its own sample and
ships its own handler templates, the Jinja environment finds a family's files as
`families/<name>/<file>`, and each family that adds environment keys says what a scaffold's init
phase sets up for them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from generator.emit import scaffold
from generator.emit.templates import environment, templates_dir
from generator.families import FAMILIES_DIR, by_event, by_trigger, event_kinds, families

ROOT = Path(__file__).resolve().parent.parent


def test_every_event_kind_has_a_sample_builder_in_its_family():
    for kind in event_kinds():
        part = by_event(kind).part("events")
        assert part is not None, f"family {by_event(kind).name} has no events.py for `{kind}`"
        assert callable(part.sample)


def test_every_v1_event_kind_ships_python_and_node_handlers_in_its_family():
    triggers = {t for f in families() for t in f.triggers}  # a secret's rotation, edge.functions: no `events` entry
    assert set(scaffold.SCAFFOLD_KINDS) == set(event_kinds()) | triggers
    assert triggers == {"rotation", "edge"}
    env = environment()
    for kind in scaffold.SCAFFOLD_KINDS:
        fam = by_trigger(kind)
        for language, file in scaffold.HANDLERS.items():
            path = fam.folder / "scaffolds" / language / file
            assert path.is_file(), path
            assert Path(env.get_template(fam.template(f"scaffolds/{language}/{file}")).filename) == path
    assert not list((templates_dir() / "scaffolds").rglob("handler_[!g]*")), "a kind's handler left in templates/"


def test_a_kind_without_handler_templates_gets_the_generic_scaffold():
    plan = SimpleNamespace(trigger_kinds=("websocket",))
    assert scaffold._kind(plan) == "generic"
    assert scaffold._handler_template("generic", "python") == "scaffolds/python/handler_generic.py.j2"
    plan = SimpleNamespace(trigger_kinds=("websocket", "queue"))
    assert scaffold._handler_template(scaffold._kind(plan), "node") == "families/queue/scaffolds/node/index.mjs.j2"


def test_families_prefix_names_any_file_of_a_family_folder():
    env = environment()
    source, filename, _ = env.loader.get_source(env, "families/queue/model.py")
    assert Path(filename) == FAMILIES_DIR / "queue" / "model.py"
    assert source == (FAMILIES_DIR / "queue" / "model.py").read_text()
    # shared templates keep their names, and a family's file never comes from templates/
    assert Path(env.get_template("scaffolds/python/_init.py.j2").filename) == templates_dir() / "scaffolds/python/_init.py.j2"
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("families/queue/no-such.tf.j2")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("families/../emit/scaffold.py")


def test_scaffold_parts_declare_every_name_and_own_distinct_suffixes():
    parts = {fam.name: fam.part("scaffold") for fam in families() if fam.part("scaffold")}
    # Every kind a function `uses` declares its scaffold lines; invoking a function needs none.
    assert set(parts) == {fam.name for fam in families() if fam.use and fam.name != "function"}
    owners: dict[str, str] = {}
    for name, part in parts.items():
        assert part.ENV_SUFFIXES and all(s.startswith("_") for s in part.ENV_SUFFIXES), name
        assert isinstance(part.PYTHON_ORDER, int) and isinstance(part.SECRET, bool), name
        assert part.PYTHON_CLIENT is None or isinstance(part.PYTHON_CLIENT, str), name
        assert callable(part.python_line) and callable(part.node_line), name
        for suffix in part.ENV_SUFFIXES:
            clash = [s for s in owners if s.endswith(suffix) or suffix.endswith(s)]
            assert not clash, f"{name}'s {suffix} overlaps {clash} of {[owners[s] for s in clash]}"
            owners[suffix] = name


ENV = tuple((key, None) for key in sorted([
    "ALPHA_QUEUE_URL", "ITEMS_TABLE_NAME", "JOBS_QUEUE_URL", "NEWS_TOPIC_ARN", "ORDERS_BUS_NAME",
    "UPLOADS_BUCKET_NAME", "STRIPE_SECRET_ARN", "DB_PARAMETER_NAME", "WORKER_FUNCTION_NAME", "LOG_LEVEL",
]))


def test_python_init_lines_keep_the_v1_layout():
    """Tables and queues interleave in environment order, then SQS; topics then SNS; buses then
    EVENTS. Buckets, secrets and other keys add no line."""
    assert scaffold._python_clients(SimpleNamespace(environment=ENV)) == [
        'ALPHA_QUEUE_URL = os.environ["ALPHA_QUEUE_URL"]',
        'ITEMS_TABLE = boto3.resource("dynamodb").Table(os.environ["ITEMS_TABLE_NAME"])',
        'JOBS_QUEUE_URL = os.environ["JOBS_QUEUE_URL"]',
        'SQS = boto3.client("sqs")',
        'NEWS_TOPIC_ARN = os.environ["NEWS_TOPIC_ARN"]',
        'SNS = boto3.client("sns")',
        'ORDERS_BUS_NAME = os.environ["ORDERS_BUS_NAME"]',
        'EVENTS = boto3.client("events")',
    ]
    only_table = SimpleNamespace(environment=(("ITEMS_TABLE_NAME", None),))
    assert scaffold._python_clients(only_table) == [
        'ITEMS_TABLE = boto3.resource("dynamodb").Table(os.environ["ITEMS_TABLE_NAME"])'
    ]


def test_node_init_lines_and_secret_keys():
    fn = SimpleNamespace(environment=ENV)
    assert scaffold._node_clients(fn) == [
        f"const {key} = process.env.{key};"
        for key in ("ALPHA_QUEUE_URL", "ITEMS_TABLE_NAME", "JOBS_QUEUE_URL", "NEWS_TOPIC_ARN", "ORDERS_BUS_NAME",
                    "STRIPE_SECRET_ARN", "UPLOADS_BUCKET_NAME")
    ]
    assert scaffold._secret_keys(fn) == ["DB_PARAMETER_NAME", "STRIPE_SECRET_ARN"]


def _digest(root: Path) -> str:
    """code_digest() of the sls-gen source tree copied to `root`, in a fresh process."""
    code = "import generator, generator.fingerprint as f; print(generator.__file__); print(f.code_digest())"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    where, digest = out.stdout.split()
    assert Path(where).resolve().is_relative_to(root.resolve()), where  # the copy, not this checkout
    return digest


@pytest.mark.parametrize("template", ["scaffolds/python/handler.py.j2", "sqs.tf.j2"])
def test_code_digest_follows_family_templates(template, tmp_path):
    """Family templates live in the package, not in templates/: editing one must still change the
    code digest, or a no-op re-render would replay output of the old template."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "generator", tmp_path / "generator", ignore=ignore)
    shutil.copytree(ROOT / "templates", tmp_path / "templates", ignore=ignore)
    first = _digest(tmp_path)
    edited = tmp_path / "generator" / "families" / "queue" / template
    edited.write_text(edited.read_text() + "# edited\n")
    assert _digest(tmp_path) != first
