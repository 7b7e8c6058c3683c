"""Stage overrides change only what the blueprint declares; objects of one stage go under
`stages.<stage>.add` (docs/decisions/stage-overrides-null.md, "Overrides name what exists")."""

from __future__ import annotations

from findings import cli_validate
from rendering import render_text
from tf_audit import load_module, value

BASE = """\
service: shop
stages:
  dev: {}
  prod:
%s
functions:
  fulfil-order:
    events:
      - queue: fulfilment
queues:
  fulfilment: {}
"""


def stage(text: str) -> str:
    return BASE % "\n".join("    " + line for line in text.splitlines())


def test_an_override_that_names_nothing_is_an_error_with_did_you_mean_and_the_way_to_migrate(tmp_path):
    """v1 silently created a new function in that stage from a typo; v2 refuses it (the one change of
    a v1 meaning), says which name was meant and where a stage-only object goes."""
    bp, result = cli_validate(tmp_path, stage("overrides:\n  functions:\n    fulfil-ordr: {memory: 1024}"))
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"{bp}:7:9: error[SLS206] stages.prod.overrides.functions.fulfil-ordr: stage prod overrides function "
        "'fulfil-ordr', which the blueprint does not declare (did you mean 'fulfil-order'? A function that exists "
        "in this stage only goes under stages.prod.add.functions.fulfil-ordr (v2: overrides change only what the "
        "blueprint declares))"
    )


def test_removing_what_is_not_there_is_an_error_too(tmp_path):
    bp, result = cli_validate(tmp_path, stage("overrides:\n  queues:\n    fulfilmnt: null"))
    assert result.exit_code == 2
    assert f"{bp}:7:9: error[SLS206] stages.prod.overrides.queues.fulfilmnt: stage prod overrides queue 'fulfilmnt'" in result.output


def test_an_added_object_exists_in_its_stage_only_and_overrides_may_refine_it(tmp_path):
    text = stage(
        "add:\n"
        "  functions:\n"
        "    audit:\n"
        "      events: [{queue: audit}]\n"
        "  queues:\n"
        "    audit: {}\n"
        "overrides:\n"
        "  functions:\n"
        "    audit: {memory: 1024}\n"
    )
    result, out, _ = render_text(text, tmp_path)
    assert result.exit_code == 0, result.output
    prod, dev = load_module(out / "prod"), load_module(out / "dev")
    assert value(prod["aws_lambda_function.audit"]["function_name"]) == "shop-prod-audit"
    assert value(prod["aws_lambda_function.audit"]["memory_size"]) == 1024
    assert value(prod["aws_sqs_queue.audit"]["name"]) == "shop-prod-audit"
    assert not [a for a in dev if a.endswith(".audit")]


def test_adding_what_the_blueprint_declares_is_an_error(tmp_path):
    bp, result = cli_validate(tmp_path, stage("add:\n  queues:\n    fulfilment: {retention_days: 7}"))
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"{bp}:7:9: error[SLS206] stages.prod.add.queues.fulfilment: stage prod adds queue 'fulfilment', which the "
        "blueprint already declares (change it under stages.prod.overrides.queues.fulfilment)"
    )


def test_add_takes_the_object_sections_only(tmp_path):
    bp, result = cli_validate(tmp_path, stage("add:\n  service: other\n  functionz: {}"))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{bp}:6:7: error[SLS101] stages.prod.add.service: unknown key 'service' (a stage adds objects to: tables, "
        "queues, topics, buses, buckets, secrets, parameters, layers, functions)"
    )
    assert lines[1] == (
        f"{bp}:7:7: error[SLS101] stages.prod.add.functionz: unknown key 'functionz' (did you mean 'functions'?)"
    )


def test_a_problem_in_an_added_object_is_reported_at_its_line(tmp_path):
    bp, result = cli_validate(tmp_path, stage("add:\n  functions:\n    audit: {memory: 99999}"))
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(f"{bp}:7:17: error[SLS302] functions.audit.memory:")
