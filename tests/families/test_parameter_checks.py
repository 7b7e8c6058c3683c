"""Parameter checks (generator/families/parameter/checks.py): the name SSM gets and the value size."""

from __future__ import annotations

from findings import problems


def test_a_value_above_4_kb_is_refused_at_its_line(tmp_path):
    text = "service: cat\nparameters:\n  ok: {value: '%s'}\n  big:\n    value: '%s'\n"
    assert problems(tmp_path, text % ("x" * 4096, "y" * 4096)) == []
    found = problems(tmp_path, text % ("x", "é" * 2049))  # 2049 characters, 4098 bytes
    assert found == [("SLS302", 5, "value is 4098 bytes; a standard SSM parameter holds at most 4096")]


def test_a_service_named_like_a_reserved_prefix_cannot_own_parameters(tmp_path):
    text = "service: %s\nparameters:\n  flags: {value: x}\n"
    assert problems(tmp_path, text % "tools") == []
    for service in ("ssm-tools", "awsome"):
        found = problems(tmp_path, text % service)
        assert found == [
            ("SLS301", 3, f"parameter name '/{service}/dev/flags' must not begin with 'aws' or 'ssm' (SSM reserves them)")
        ]


def test_the_full_name_is_at_most_1011_characters(tmp_path):
    fits = "p" * (1011 - len("/cat/dev/"))
    assert problems(tmp_path, f"service: cat\nparameters:\n  {fits}: {{value: x}}\n") == []
    found = problems(tmp_path, f"service: cat\nparameters:\n  {fits}q: {{value: x}}\n")
    assert [(c, line) for c, line, _ in found] == [("SLS301", 3)]
    assert "is 1012 characters; AWS allows at most 1011" in found[0][2]


def test_references_to_parameters_must_exist_in_every_stage(tmp_path):
    text = """\
        service: cat
        stages:
          dev: {}
          prod: {overrides: {parameters: {flags: null}}}
        parameters:
          flags: {value: x}
        functions:
          a:
            uses: [{parameter: %s}]
        """
    assert problems(tmp_path, text % "flags") == [
        ("SLS201", 9, "parameter 'flags' is removed (set to null) by a stage override, but this still refers to it"),
    ]
    assert problems(tmp_path, text.replace("prod: {overrides: {parameters: {flags: null}}}", "prod: {}") % "flagz") == [
        ("SLS201", 9, "unknown parameter 'flagz'"),
    ]


def test_the_generated_variable_counts_in_the_environment(tmp_path):
    text = "service: cat\nparameters:\n  flags: {value: x}\nfunctions:\n  a:\n    environment: {FLAGS_PARAM_NAME: x}\n"
    assert problems(tmp_path, text + "    uses: [{parameter: flags}]\n") == [
        ("SLS303", 6, "'FLAGS_PARAM_NAME' is set by sls-gen for function 'a' from functions.a.uses[0] (line 7)")
    ]
    assert problems(tmp_path, text) == []
