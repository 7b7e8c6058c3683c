"""Loader behaviour a blueprint author relies on: values typed as written, every error with its line."""

from __future__ import annotations

import os
import textwrap

import pytest

from generator import loader
from generator.diagnostics import BlueprintError
from generator.loader import MAX_BYTES, load_file, load_text


def load(text: str, file: str = "bp.yaml"):
    return load_text(textwrap.dedent(text), file)


def errors(text: str) -> list:
    with pytest.raises(BlueprintError) as info:
        load(text)
    return info.value.diagnostics


def codes_lines(text: str) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in errors(text)]


BLUEPRINT = """\
service: orders
functions:
  create-order:
    memory: 1024
    events:
      - http: POST /orders
        auth: customers
      - queue: fulfilment
    uses: [orders, {bus: commerce}]
"""


# -- locations --------------------------------------------------------------------------------


def test_locations_of_nested_keys_and_list_items():
    doc = load(BLUEPRINT)
    assert doc.locations[()] == (1, 1)
    assert doc.locations[("functions",)] == (2, 1)
    assert doc.locations[("functions", "create-order", "memory")] == (4, 5)
    assert doc.locations[("functions", "create-order", "events", 0)] == (6, 9)
    assert doc.locations[("functions", "create-order", "events", 0, "http")] == (6, 9)
    assert doc.locations[("functions", "create-order", "events", 0, "auth")] == (7, 9)
    assert doc.locations[("functions", "create-order", "events", 1, "queue")] == (8, 9)
    assert doc.locations[("functions", "create-order", "uses", 0)] == (9, 12)
    assert doc.locations[("functions", "create-order", "uses", 1, "bus")] == (9, 21)


def test_every_key_and_item_is_located():
    doc = load(BLUEPRINT)

    def walk(value, path):
        assert path in doc.locations, path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            walk(item, path + (key,))

    walk(doc.data, ())


def test_locate_falls_back_to_nearest_ancestor_and_diag_uses_it():
    doc = load(BLUEPRINT, "examples/bp.yaml")
    assert doc.locate(("functions", "create-order", "timeout")) == (3, 3)
    assert doc.locate(("nothing", "here")) == (1, 1)
    diag = doc.diag("SLS101", ("functions", "create-order", "events", 1, "queue"), "unknown queue", hint="h")
    assert (diag.file, diag.line, diag.col, diag.code, diag.hint) == ("examples/bp.yaml", 8, 9, "SLS101", "h")
    assert diag.format().startswith("examples/bp.yaml:8:9: error[SLS101] functions.create-order.events[1].queue:")
    assert doc.diag("SLS501", ("functions",), "w", severity="warning").severity == "warning"


def test_doc_lines_match_reported_lines():
    doc = load("a: 1\r\nb: 2\rc:\u2028  d: 3\n")
    assert doc.locate(("c", "d")) == (4, 3)
    assert doc.lines[3] == "  d: 3"


def test_file_name_is_kept_as_given(tmp_path, monkeypatch):
    (tmp_path / "bp.yaml").write_text("service: x\n")
    monkeypatch.chdir(tmp_path)
    doc = load_file("bp.yaml")
    assert doc.file == "bp.yaml"
    assert doc.data == {"service": "x"}
    assert load_file(tmp_path / "bp.yaml").file == str(tmp_path / "bp.yaml")


# -- value types ------------------------------------------------------------------------------


def test_on_yes_no_stay_strings_and_only_true_false_are_booleans():
    doc = load("""\
        events:
          - bucket: receipts
            on: [created]
        yes: no
        off: on
        y: n
        flags: [true, False, TRUE, yes, Off]
        """)
    assert doc.data["events"] == [{"bucket": "receipts", "on": ["created"]}]
    assert doc.data["yes"] == "no"
    assert doc.data["off"] == "on"
    assert doc.data["y"] == "n"
    assert doc.data["flags"] == [True, False, True, "yes", "Off"]


def test_numbers_nulls_and_dates_are_typed_as_written():
    doc = load("""\
        count: 1234
        quoted: "1234"
        ratio: 0.5
        negative: -3
        exp: 1e3
        hex: 0x1F
        tilde: ~
        word: null
        blank:
        date: 2024-01-01
        stamp: 2024-01-01T10:00:00Z
        account: 012345678901
        forced: !!str 10
        block: |
          text
        """)
    data = doc.data
    assert data["count"] == 1234 and type(data["count"]) is int
    assert data["quoted"] == "1234"
    assert data["ratio"] == 0.5
    assert data["negative"] == -3
    assert data["exp"] == 1000.0
    assert data["hex"] == 31
    assert data["tilde"] is None and data["word"] is None and data["blank"] is None
    assert data["date"] == "2024-01-01"
    assert data["stamp"] == "2024-01-01T10:00:00Z"
    assert data["account"] == "012345678901"  # a leading zero is never dropped
    assert data["forced"] == "10"
    assert data["block"] == "text\n"


def test_non_string_keys_are_reported():
    diags = errors("""\
        service: x
        1: one
        true: yes
        ? [a, b]
        : list
        """)
    assert [(d.code, d.line) for d in diags] == [("SLS102", 2), ("SLS102", 3), ("SLS102", 4)]
    assert 'quote it: "1"' in diags[0].hint


def test_explicit_tag_with_wrong_value_is_reported():
    assert codes_lines("a: 1\nmemory: !!int lots\n") == [("SLS102", 2)]


# -- duplicate keys ---------------------------------------------------------------------------


def test_duplicate_key_reported_at_the_second_key():
    diags = errors("""\
        service: orders
        functions:
          a:
            memory: 128
            memory: 256
        """)
    assert len(diags) == 1
    d = diags[0]
    assert (d.code, d.line, d.col, d.path) == ("SLS003", 5, 5, ("functions", "a", "memory"))
    assert "first on line 4" in d.message


def test_all_duplicates_reported_in_one_error():
    diags = errors("""\
        service: orders
        functions: {}
        tables:
          t: {x: 1, x: 2}
        service: again
        functions: {}
        """)
    assert [(d.code, d.line) for d in diags] == [("SLS003", 4), ("SLS003", 5), ("SLS003", 6)]


def test_quoted_and_plain_spellings_of_a_key_are_duplicates():
    assert codes_lines("name: a\n'name': b\n") == [("SLS003", 2)]


# -- tags -------------------------------------------------------------------------------------


def test_python_tag_is_refused_at_its_line_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    diags = errors(f"""\
        service: x
        a: !!python/object/apply:os.system ['touch {marker}']
        b: !!python/name:os.system
        """)
    assert [(d.code, d.line, d.col) for d in diags] == [("SLS004", 2, 4), ("SLS004", 3, 4)]
    assert "!!python/object/apply:os.system" in diags[0].message
    assert not marker.exists()


def test_custom_and_non_core_tags_are_refused():
    assert codes_lines("a: !Ref x\nb: !!binary aGk=\nc: !!timestamp 2024-01-01\nd: !!set {a}\n") == [
        ("SLS004", 1), ("SLS004", 2), ("SLS004", 3), ("SLS004", 4)]


def test_problems_of_different_kinds_come_back_together_sorted_by_line():
    assert codes_lines("a: 1\nb: !Ref x\na: 2\n3: c\n") == [("SLS004", 2), ("SLS003", 3), ("SLS102", 4)]


# -- aliases and merges -----------------------------------------------------------------------


def test_aliases_are_expanded_into_independent_copies():
    doc = load("""\
        base: &base {memory: 128, env: {A: "1"}}
        f: *base
        """)
    assert doc.data["f"] == {"memory": 128, "env": {"A": "1"}}
    assert doc.data["f"] is not doc.data["base"]
    assert doc.data["f"]["env"] is not doc.data["base"]["env"]
    assert doc.locate(("f", "env", "A")) == (1, 33)  # where the value is written


def test_merge_keys_explicit_keys_win_and_are_not_duplicates():
    doc = load("""\
        common: &common
          memory: 128
          timeout: 10
        extra: &extra
          timeout: 20
          tracing: true
        functions:
          a:
            <<: *common
            memory: 1024
          b:
            <<: [*common, *extra]
        """)
    assert doc.data["functions"]["a"] == {"memory": 1024, "timeout": 10}
    assert doc.data["functions"]["b"] == {"memory": 128, "timeout": 10, "tracing": True}
    assert doc.locate(("functions", "a", "memory")) == (10, 5)
    assert doc.locate(("functions", "a", "timeout")) == (3, 3)
    assert doc.locate(("functions", "b", "tracing")) == (6, 3)
    assert "<<" not in doc.data["functions"]["a"]


def test_anchor_defined_inside_a_merge_keeps_its_locations():
    doc = load("""\
        a:
          <<: &m {p: 1}
          q: 2
        b: *m
        """)
    assert doc.data == {"a": {"p": 1, "q": 2}, "b": {"p": 1}}
    assert doc.locate(("a", "p")) == (2, 11)
    assert doc.locate(("b", "p")) == (2, 11)


def test_merge_of_a_non_mapping_is_reported():
    assert codes_lines("a: 1\nb:\n  <<: 5\n") == [("SLS102", 3)]


def test_billion_laughs_is_refused():
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    diags = errors("\n".join(lines) + "\n")
    assert [d.code for d in diags] == ["SLS005"]
    assert len(diags[0].message) < 200


def test_recursive_alias_is_refused():
    assert codes_lines("a: &a [1, *a]\n") == [("SLS005", 1)]


def test_undefined_alias_is_a_syntax_error():
    assert codes_lines("a: 1\nb: *nothing\n") == [("SLS002", 2)]


# -- document shape and syntax ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", "~\n"])
def test_empty_blueprint_is_refused(text):
    assert [d.code for d in errors(text)] == ["SLS006"]


@pytest.mark.parametrize("text, line", [("# c\n- a\n- b\n", 2), ("just text\n", 1), ("42\n", 1)])
def test_non_mapping_top_level_is_refused(text, line):
    assert codes_lines(text) == [("SLS006", line)]


def test_syntax_error_has_the_parser_line():
    diags = errors("""\
        service: orders
        functions:
          a: {memory: 128
          b: {}
        """)
    assert [(d.code, d.line) for d in diags] == [("SLS002", 4)]


def test_tab_indentation_gets_a_hint():
    (diag,) = errors("a:\n\tb: 1\n")
    assert (diag.code, diag.line) == ("SLS002", 2)
    assert "tabs" in diag.hint


def test_second_document_is_refused():
    assert codes_lines("a: 1\n---\nb: 2\n") == [("SLS002", 2)]


def test_control_character_is_reported_at_its_line():
    assert codes_lines("é€: x\nb: \x07\n") == [("SLS002", 2)]


@pytest.mark.parametrize("text", ["[" * 1_000_000, "- " * 1_000_000, "a: " + "{" * 200 + "}" * 200])
def test_absurd_nesting_is_refused_without_crashing(text):
    assert [d.code for d in errors(text)] == ["SLS007"]


# -- message size -----------------------------------------------------------------------------


def test_huge_values_are_not_echoed_in_full():
    huge = "x" * 100_000
    diags = errors(f"memory: !!int {huge}\ntag: !{huge} 1\n")
    assert [d.code for d in diags] == ["SLS102", "SLS004"]
    for diag in diags:
        assert len(diag.format()) < 300


def test_long_duplicate_key_is_clipped():
    key = "k" * 1000
    (diag,) = errors(f"{key}: 1\n{key}: 2\n")
    assert diag.code == "SLS003"
    assert len(diag.message) < 120


# -- files ------------------------------------------------------------------------------------


def test_missing_file_is_sls001(tmp_path):
    with pytest.raises(BlueprintError) as info:
        load_file(tmp_path / "nope.yaml")
    (diag,) = info.value.diagnostics
    assert diag.code == "SLS001"
    assert diag.file == str(tmp_path / "nope.yaml")


def test_directory_is_sls001(tmp_path):
    with pytest.raises(BlueprintError) as info:
        load_file(tmp_path)
    assert [d.code for d in info.value.diagnostics] == ["SLS001"]


def test_invalid_utf8_is_sls001_with_line(tmp_path):
    path = tmp_path / "bp.yaml"
    path.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(BlueprintError) as info:
        load_file(path)
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("SLS001", 2)]


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bp.yaml"
    path.write_bytes(b"\xef\xbb\xbfservice: x\n")
    assert load_file(path).data == {"service": "x"}


def test_oversized_file_and_text_are_sls007(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "w") as fh:
        fh.write("a: 1\n")
        fh.write("# padding\n" * (MAX_BYTES // 10 + 1))
    with pytest.raises(BlueprintError) as info:
        load_file(path)
    assert [d.code for d in info.value.diagnostics] == ["SLS007"]
    with pytest.raises(BlueprintError) as info:
        load_text("a: 1\n" + "é" * (MAX_BYTES // 2 + 1))
    assert [d.code for d in info.value.diagnostics] == ["SLS007"]


# -- parser fallback --------------------------------------------------------------------------


def test_pure_python_parser_gives_the_same_result(monkeypatch):
    fast = load(BLUEPRINT + "merged:\n  <<: {memory: 1}\n  x: on\n")
    monkeypatch.setattr(loader, "_FastParser", None)
    slow = load(BLUEPRINT + "merged:\n  <<: {memory: 1}\n  x: on\n")
    assert slow.data == fast.data
    assert slow.locations == fast.locations
    assert codes_lines("a: 1\na: 2\nb: !!python/name:os.system\n") == [("SLS003", 2), ("SLS004", 3)]


def test_gc_state_is_restored():
    import gc

    assert gc.isenabled()
    load(BLUEPRINT)
    assert gc.isenabled()
    with pytest.raises(BlueprintError):
        load("a: [\n")
    assert gc.isenabled()


@pytest.mark.skipif(not os.environ.get("SLS_GEN_PERF"), reason="timing report, opt in with SLS_GEN_PERF=1")
def test_large_blueprint_timing(capsys):
    import time

    body = ["service: orders", "functions:"]
    for i in range(5000):
        body += [f"  fn-{i}:", "    memory: 1024", "    timeout: 30", "    events:", f"      - http: POST /o/{i}",
                 "        auth: customers", "    uses:", "      - table: orders", "        access: write",
                 "      - bus: commerce", "    concurrency: {reserved: 5}", "    description: a function"]
    text = "\n".join(body) + "\n"
    start = time.perf_counter()
    doc = load_text(text)
    elapsed = time.perf_counter() - start
    assert len(doc.data["functions"]) == 5000
    with capsys.disabled():
        print(f"\n{len(body)} lines loaded in {elapsed:.3f}s")
