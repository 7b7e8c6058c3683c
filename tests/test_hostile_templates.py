"""Every string a blueprint controls is escaped for the file it lands in (issue 14, "Every string that
reaches a generated file"). Hostile strings go into every free-text field of a blueprint (and into
its file name); the render must still parse in each language it writes (HCL, Python, JavaScript,
Go, Java, Makefile, XML, JSON) and contain no injected statement: the marker PWNED may appear only
inside a comment or a string. The fields a check refuses instead get the same strings and must be
refused with a diagnostic, writing nothing. A schema walk holds both lists to every string field of
the language, so a new field cannot skip this audit."""

from __future__ import annotations

import ast
import json
import re
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import hcl2
import pytest
from click.testing import CliRunner
from requires import require_node, require_tool

from generator.cli import main
from generator.emit import hcl_tokens as hcl_lexer
from generator.model.schema import schema_text

MARK = "PWNED"
PAYLOADS = {
    "python docstring": '"""\nPWNED()\n"""',
    "line comment": "x\nPWNED()\n# ",
    "block comment": "*/ PWNED(); /*",
    "java unicode escape": "\\u002a\\u002f PWNED(); \\u002f\\u002a \\u000a PWNED();",
    "xml comment": "--> <PWNED/> <!-- -",
    "hcl block": '"}\nresource "null_resource" "PWNED" {\n#',
    "hcl interpolation": "${PWNED} %{ if true }PWNED%{ endif } $${PWNED}",
    "js line separators": "x\u2028PWNED();//\u2029PWNED();\r\nPWNED()",
    "quotes and backslashes": "'; PWNED(); ' \\\" `${PWNED()}` \\",
    "make continuation": "a \\\n\tPWNED: ; # \\",
    "bidi and controls": "\u202ePWNED\u202c\x00\x1b[31m\u0085PWNED",
}
NO_SPACE = {k: re.sub(r"[\s\x00]", "_", v) for k, v in PAYLOADS.items()}  # for fields that refuse whitespace
PATH_SAFE = {k: re.sub(r"[\s\x00:\\]", "_", v) for k, v in PAYLOADS.items()}  # relative paths (checks refuse the rest)

# The string fields of the language whose hostile value is rendered (and must come out escaped), and
# those a check refuses outright. Together: every string field of the schema (see the last test).
ESCAPED = {
    "description", "defaults.environment.*", "buses.*.description", "secrets.*.description",
    "parameters.*.description", "parameters.*.value", "functions.*.description", "functions.*.environment.*",
    "functions.*.artifact", "functions.*.code", "functions.*.events.[].input", "functions.*.events.[].prefix",
    "functions.*.events.[].suffix", "functions.*.iam.[].actions.[]", "functions.*.iam.[].resources.[]",
    "functions.*.iam.[].allow_wildcard", "api.authorizers.*.audience.[]", "api.authorizers.*.identity_source",
    "api.authorizers.*.issuer", "api.cors.headers.[]", "api.cors.origins.[]", "api.cors.methods.[]", "observability.alarms.notify.[]",
    "tables.*.indexes.*.projection.[]", "tables.*.ttl",
    # names and references (issue 19): IAM statements in defaults, condition values, stack variables
    "defaults.iam.[].actions.[]", "defaults.iam.[].resources.[]", "defaults.iam.[].allow_wildcard",
    "defaults.iam.[].conditions.*.*", "defaults.iam.[].conditions.*.*.[]", "functions.*.iam.[].conditions.*.*",
    "functions.*.iam.[].conditions.*.*.[]", "functions.*.uses.[].conditions.*.*", "functions.*.uses.[].conditions.*.*.[]",
    "variables.*.default", "variables.*.description",
    # service boundaries (issue 17): exported values go through the references like environment values
    "exports.ssm.*",
    # generated and rotated secrets (issue 20): the HCL of the write-only value and the rotation rules' JSON
    "secrets.*.generate.exclude_characters", "secrets.*.generate.key", "secrets.*.generate.template.*",
    # layers (issue 16): the folder (it must exist: the fixture makes it) and the description
    "layers.*.code", "layers.*.description",
}
REFUSED = {
    # edge: an object name, a log prefix and a file path, each limited to the characters they take
    "edge.root_object": {"buckets": {"b": {}}, "edge": {"origins": {"o": {"bucket": "b"}}, "root_object": "{}"}},
    "edge.logging.prefix": {"buckets": {"b": {}}, "edge": {"origins": {"o": {"bucket": "b"}},
                                                          "logging": {"bucket": "acme-logs", "prefix": "{}"}}},
    "edge.functions.[].cloudfront_function": {"buckets": {"b": {}}, "edge": {
        "origins": {"o": {"bucket": "b"}}, "functions": [{"event": "viewer-request", "cloudfront_function": "{}"}]}},
    "edge.behaviors.[].functions.[].cloudfront_function": {"buckets": {"b": {}}, "edge": {
        "origins": {"o": {"bucket": "b"}}, "behaviors": [{"path": "/x/*", "origin": "o", "functions": [
            {"event": "viewer-request", "cloudfront_function": "{}"}]}]}},
    # declared event schemas: a file that must exist inside the folder, named with a schema name's characters
    "buses.*.schemas.files.[]": {"buses": {"b": {"schemas": {"files": ["{}"]}}}},
    "kms_key": {"kms_key": "{}"},
    "tags.*": {"tags": {"team": "{}"}},
    "buckets.*.bucket_name": {"buckets": {"b": {"bucket_name": "{}"}}},
    "functions.*.handler": {"functions": {"f": {"handler": "{}"}}},
    "functions.*.events.[].http": {"functions": {"f": {"events": [{"http": "GET /{}"}]}}},
    "functions.*.events.[].schedule": {"functions": {"f": {"events": [{"schedule": "{}"}]}}},
    "functions.*.events.[].timezone": {"functions": {"f": {"events": [{"schedule": "rate(1 hour)", "timezone": "{}"}]}}},
    "functions.*.events.[].input_path": {"functions": {"f": {"events": [{"eventbridge": {"pattern": {"source": ["x"]}},
                                                                          "input_path": "$.{}"}]}}},
    "functions.*.events.[].auth": {"functions": {"f": {"events": [{"http": "GET /x", "auth": "{}"}]}}},
    "functions.*.events.[].eventbridge.bus": {"functions": {"f": {"events": [{"eventbridge": {"bus": "{}", "pattern": {"source": ["x"]}}}]}}},
    "functions.*.uses.[].bus": {"functions": {"f": {"uses": [{"bus": "{}"}]}}},
    "queues.*.subscribe.[].eventbridge.bus": {"queues": {"q": {"subscribe": [{"eventbridge": {"bus": "{}", "pattern": {"source": ["x"]}}}]}}},
    "secrets.*.ssm": {"secrets": {"s": {"ssm": "{}"}}},
    "secrets.*.kms_key": {"secrets": {"s": {"ssm": "/hostile/db", "kms_key": "{}"}}},
    "tables.*.replicas.[]": {"tables": {"t": {"partition_key": "pk", "replicas": ["{}"]}}},
    "terraform.allowed_account_ids.[]": {"terraform": {"allowed_account_ids": ["{}"]}},
    # physical names, their tags, SSM paths and the other name-like fields of issue 19: each kind's charset
    "api.name": {"api": {"name": "{}"}},
    "api.tags.*": {"api": {"tags": {"team": "{}"}}},
    "buckets.*.name": {"buckets": {"b": {"name": "{}"}}},
    "buckets.*.tags.*": {"buckets": {"b": {"tags": {"team": "{}"}}}},
    "buses.*.name": {"buses": {"b": {"name": "{}"}}},
    "buses.*.tags.*": {"buses": {"b": {"tags": {"team": "{}"}}}},
    "parameters.*.name": {"parameters": {"p": {"value": "x", "name": "{}"}}},
    "parameters.*.tags.*": {"parameters": {"p": {"value": "x", "tags": {"team": "{}"}}}},
    "queues.*.name": {"queues": {"q": {"name": "{}"}}},
    "queues.*.tags.*": {"queues": {"q": {"tags": {"team": "{}"}}}},
    "secrets.*.name": {"secrets": {"s": {"name": "{}"}}},
    "secrets.*.tags.*": {"secrets": {"s": {"tags": {"team": "{}"}}}},
    "secrets.*.rotation.schedule": {"secrets": {"s": {"rotation": {"schedule": "{}", "function": "f"}}}},
    "tables.*.name": {"tables": {"t": {"partition_key": "pk", "name": "{}"}}},
    "tables.*.tags.*": {"tables": {"t": {"partition_key": "pk", "tags": {"team": "{}"}}}},
    "topics.*.name": {"topics": {"t": {"name": "{}"}}},
    "topics.*.tags.*": {"topics": {"t": {"tags": {"team": "{}"}}}},
    "functions.*.name": {"functions": {"f": {"name": "{}"}}},
    "functions.*.role_name": {"functions": {"f": {"role_name": "{}"}}},
    "functions.*.tags.*": {"functions": {"f": {"tags": {"team": "{}"}}}},
    "functions.*.events.[].name": {"functions": {"f": {"events": [{"schedule": "rate(1 hour)", "name": "{}"}]}}},
    "functions.*.uses.[].env": {"tables": {"t": {"partition_key": "pk"}}, "functions": {"f": {"uses": [{"table": "t", "env": "{}"}]}}},
    "functions.*.environment.*.ssm": {"functions": {"f": {"environment": {"FLAG": {"ssm": "{}"}}}}},
    "defaults.environment.*.ssm": {"defaults": {"environment": {"FLAG": {"ssm": "{}"}}}},
    "functions.*.iam.[].resources.[].ssm": {"functions": {"f": {"iam": [{"actions": ["s3:GetObject"], "resources": [{"ssm": "{}"}]}]}}},
    "defaults.iam.[].resources.[].ssm": {"defaults": {"iam": [{"actions": ["s3:GetObject"], "resources": [{"ssm": "{}"}]}]}},
    "functions.*.managed_policies.[]": {"functions": {"f": {"managed_policies": ["{}"]}}},
    "defaults.managed_policies.[]": {"defaults": {"managed_policies": ["{}"]}},
    "functions.*.vpc.subnets.[]": {"functions": {"f": {"vpc": {"subnets": ["{}"], "security_groups": ["sg-0a1b2c3d"]}}}},
    "functions.*.vpc.security_groups.[]": {"functions": {"f": {"vpc": {"subnets": ["subnet-0a1b2c3d"], "security_groups": ["{}"]}}}},
    "functions.*.vpc.ssm.subnets": {"functions": {"f": {"vpc": {"ssm": {"subnets": "{}", "security_groups": "/n/sg"}}}}},
    "functions.*.vpc.ssm.security_groups": {"functions": {"f": {"vpc": {"ssm": {"subnets": "/n/subnets", "security_groups": "{}"}}}}},
    "defaults.vpc.subnets.[]": {"defaults": {"vpc": {"subnets": ["{}"], "security_groups": ["sg-0a1b2c3d"]}}},
    "defaults.vpc.security_groups.[]": {"defaults": {"vpc": {"subnets": ["subnet-0a1b2c3d"], "security_groups": ["{}"]}}},
    "defaults.vpc.ssm.subnets": {"defaults": {"vpc": {"ssm": {"subnets": "{}", "security_groups": "/n/sg"}}}},
    "defaults.vpc.ssm.security_groups": {"defaults": {"vpc": {"ssm": {"subnets": "/n/subnets", "security_groups": "{}"}}}},
    # service boundaries (issue 17): existing objects' names, ARNs and SSM paths; export paths
    "exports.ssm_prefix": {"exports": {"ssm_prefix": "/{}"}},
    "tables.*.existing.stream_arn": {"tables": {"t": {"existing": {
        "name": "t", "stream_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/{}"}}}},
    # layers, images and artifacts (issue 16): names, layer references and ARNs, image URIs, buckets
    "layers.*.name": {"layers": {"l": {"code": "src", "runtimes": ["python3.13"], "name": "{}"}}},
    "defaults.layers.[]": {"defaults": {"layers": ["{}"]}},
    "functions.*.layers.[]": {"functions": {"f": {"layers": ["arn:aws:lambda:us-east-1:123456789012:layer:{}"]}}},
    "functions.*.image": {"functions": {"f": {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/{}"}}},
    "functions.*.image.ssm": {"functions": {"f": {"image": {"ssm": "{}"}}}},
    "artifacts.bucket": {"artifacts": {"bucket": "{}"}},
}
_ARNS = {"tables": "arn:aws:dynamodb:us-east-1:123456789012:table/{}", "queues": "arn:aws:sqs:us-east-1:123456789012:{}",
         "topics": "arn:aws:sns:us-east-1:123456789012:{}", "buses": "arn:aws:events:us-east-1:123456789012:event-bus/{}",
         "buckets": "arn:aws:s3:::{}", "secrets": "arn:aws:secretsmanager:us-east-1:123456789012:secret:{}",
         "parameters": "arn:aws:ssm:us-east-1:123456789012:parameter/{}"}
for _section, _arn in _ARNS.items():
    for _key, _value in (("name", "{}"), ("arn", _arn), ("ssm", "/platform/{}")):
        REFUSED[f"{_section}.*.existing.{_key}"] = {_section: {"x": {"existing": {_key: _value}}}}
# sls-gen's own inputs: read by sls-gen (the profile chain, locks, version pins, guardrails, what to
# package), never written into a generated file.
NOT_IN_OUTPUT = {
    "extends", "locked.[]", "requires", "guardrails.allow_public.[]", "guardrails.forbidden_actions.[]",
    "guardrails.required_tags.[]", "guardrails.runtimes.[]", "defaults.package.exclude.[]",
    "defaults.package.requirements", "functions.*.package.exclude.[]", "functions.*.package.requirements",
}
# Known gap: these reach backend.tf through the `hcl` filter (escaped like every HCL string), but the
# hostile blueprint does not set them yet (the state key refuses unknown {placeholders}, so most
# payloads are refused there rather than rendered).
NOT_YET_HOSTILE = {"terraform.backend.s3.key", "terraform.backend.s3.kms_key_id"}


def hostile_blueprint(p: str, q: str, path: str) -> dict:
    """Every escaped field set to `p` (`q`: the same without whitespace, where a field refuses it;
    `path`: without what a relative path may not hold)."""
    data = {"feature": p, p: [p, {"k": p}]}
    pattern = {"source": [p], "detail": {p: [p, {"prefix": p}]}}
    return {
        "service": "hostile",
        "description": p,
        "variables": {"hostile": {"default": p, "description": p}},
        "defaults": {"environment": {"SHARED": p},
                     "iam": [{"actions": [f"ses:Send{q}"], "resources": [f"arn:aws:ses:us-east-1:123456789012:identity/{q}"],
                              "allow_wildcard": p, "conditions": {"StringEquals": {"aws:UserAgent": [p], "aws:Referer": p}}}]},
        "api": {
            "type": "http",
            "authorizers": {"jwt": {"issuer": f"https://auth.example.com/{q}", "audience": [p],
                                    "identity_source": p}},
            "cors": {"origins": [f"https://{q}.example.com"], "headers": [p], "methods": ["GET", p]},
        },
        "tables": {"items": {"partition_key": "pk", "stream": "new_image", "ttl": p,
                             "indexes": {"by-owner": {"partition_key": "owner", "projection": [p]}}}},
        "queues": {"jobs": {"subscribe": [{"topic": "events", "filter": {p: [p]}}]}},
        "topics": {"events": {}},
        "buses": {"partners": {"description": p}},
        "buckets": {"uploads": {}},
        "secrets": {"db": {"description": p},
                    "written": {"generate": {"exclude_characters": p, "key": p, "template": {"user": p}}},
                    "rotated": {"generate": {"exclude_characters": p, "key": p, "template": {"user": p}},
                                "rotation": {"days": 30, "function": "py-schedule"}}},
        "parameters": {"config": {"value": p, "description": p}},
        "exports": {"ssm": {"/hostile/exported": p}},
        "observability": {"alarms": {"notify": [f"{q}@example.com"]}, "dashboard": True},
        "layers": {"shared": {"code": f"layers/{path}", "runtimes": ["python3.13"], "description": p}},
        "functions": {
            "py-api": {"description": p, "environment": {"PAYLOAD": p},
                       "events": [{"http": "GET /items", "auth": "jwt"}],
                       "iam": [{"actions": [f"ses:Send{q}"], "resources": [f"arn:aws:ses:us-east-1:123456789012:identity/{q}"],
                                "allow_wildcard": p, "conditions": {"StringLike": {"aws:UserAgent": [p, q]}}}]},
            "py-schedule": {"description": p, "events": [{"schedule": "rate(1 hour)", "input": data}]},
            "py-bucket": {"description": p, "events": [{"bucket": "uploads", "prefix": q, "suffix": q}]},
            "py-stream": {"description": p, "events": [{"stream": "items", "filter": pattern}]},
            "py-topic": {"description": p, "events": [{"topic": "events", "filter": {p: [p]}}]},
            "node-rule": {"runtime": "nodejs22.x", "description": p, "environment": {"PAYLOAD": p},
                          "events": [{"eventbridge": {"bus": "partners", "pattern": pattern}}],
                          "uses": [{"secret": "db", "conditions": {"StringEquals": {"aws:SourceVpce": p}}},
                                   {"parameter": "config", "conditions": {"StringEquals": {"aws:SourceVpc": [p]}}}]},
            "node-queue": {"runtime": "nodejs22.x", "description": p, "events": [{"queue": "jobs"}]},
            "java-fn": {"runtime": "java21", "handler": "example.Handler::handleRequest", "description": p,
                        "environment": {"PAYLOAD": p, "new": p}, "artifact": f"build/{path}.jar"},
            "go-fn": {"runtime": "provided.al2023", "description": p, "environment": {"PAYLOAD": p},
                      "code": f"src/go-{path}"},
        },
    }


def _file_name(payload: str) -> str:
    return "bp " + payload.replace("/", "|").replace("\x00", "0") + ".yaml"


@pytest.fixture(scope="module", params=sorted(PAYLOADS))
def rendered(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp("hostile")
    app = root / "app"
    app.mkdir()
    bp = app / _file_name(PAYLOADS[name])
    (app / "layers" / PATH_SAFE[name]).mkdir(parents=True)  # a layer folder must exist
    bp.write_text(json.dumps(hostile_blueprint(PAYLOADS[name], NO_SPACE[name], PATH_SAFE[name])))  # ASCII: YAML reads the escapes
    result = CliRunner().invoke(main, ["render", str(bp), "-o", str(root / "out")])
    assert result.exit_code == 0, result.output
    events = CliRunner().invoke(main, ["events", str(bp), "-o", str(root / "events")])
    assert events.exit_code == 0, events.output
    return name, root


def _files(root: Path, suffix: str) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(suffix))


def test_the_payload_reached_every_kind_of_file(rendered):
    _, root = rendered
    for suffix in (".tf", ".py", ".mjs", ".go", ".java", "Makefile", "pom.xml", ".json"):
        files = _files(root, suffix)
        assert files, suffix
        assert any(MARK in p.read_text(encoding="utf-8") or "PWNED" in p.read_text(encoding="utf-8").replace("\\", "")
                   for p in files) or suffix in ("go.mod",), f"no payload in any {suffix}: the test would prove nothing"


def test_terraform_parses_and_holds_the_payload_only_in_strings_and_comments(rendered):
    _, root = rendered
    for path in _files(root / "out", ".tf"):
        text = path.read_text(encoding="utf-8")
        parsed = hcl2.loads(text)
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                assert MARK not in rtype and not any(MARK in n for n in named), f"{path}: injected resource"
        toks, _ = hcl_lexer._lex(text)
        for tok in toks:
            if MARK in tok.text:
                assert tok.type in (hcl_lexer.COMMENT, hcl_lexer.QUOTEDLIT, hcl_lexer.STRINGLIT), (path, tok.type, tok.text)
            if MARK in tok.text and tok.type != hcl_lexer.COMMENT:  # in a string: ${ and %{ only escaped
                assert not re.search(r"(?<![$%])[$%]\{", tok.text.replace("$${", "").replace("%%{", "")), tok.text


def _identifiers(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        for attr in ("id", "attr", "name", "arg", "asname"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                names.add(value)
    return names


def test_python_parses_and_names_nothing_injected(rendered):
    _, root = rendered
    for path in _files(root, ".py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        assert not any(MARK in name for name in _identifiers(tree)), path
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and MARK in ast.unparse(n.func)]
        assert not calls, path


def _unicode_escapes(text: str) -> str:
    """What javac reads: \\uXXXX translated first, where the backslash is not itself escaped."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            run = len(text[i:]) - len(text[i:].lstrip("\\"))
            j = i + run
            if run % 2 == 1 and text[j:j + 1] == "u":
                k = j
                while text[k:k + 1] == "u":
                    k += 1
                if re.fullmatch(r"[0-9a-fA-F]{4}", text[k:k + 4]):
                    out.append("\\" * (run - 1) + chr(int(text[k:k + 4], 16)))
                    i = k + 4
                    continue
            out.append(text[i:j])
            i = j
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


LINE_ENDS = {"js": "\n\r\u2028\u2029", "java": "\n\r", "go": "\n"}


def code_only(text: str, lang: str) -> str:
    """The text of a C-family file without its comments, string and character literals (a literal
    must close on its line); what is left is code."""
    if lang == "java":
        text = _unicode_escapes(text)
    ends = LINE_ENDS[lang]
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            while i < n and text[i] not in ends:
                i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            assert j >= 0, "unterminated block comment"
            i = j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                assert text[j] not in ends, f"line break in a string literal near {text[i:i + 40]!r}"
                j += 2 if text[j] == "\\" else 1
            assert j < n, "unterminated string"
            i = j + 1
        elif c == "`":  # a Go raw string or a JS template: never built from blueprint data
            j = text.find("`", i + 1)
            assert j >= 0 and MARK not in text[i:j], "payload in a template literal"
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def test_javascript_checks_and_holds_the_payload_only_in_strings_and_comments(rendered):
    _, root = rendered
    node = require_node()
    files = _files(root / "app", ".mjs")
    for path in files:
        assert MARK not in code_only(path.read_text(encoding="utf-8"), "js"), path
    check = subprocess.run([node, "--check", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("suffix, lang", [(".go", "go"), (".java", "java")])
def test_go_and_java_hold_the_payload_only_in_strings_and_comments(rendered, suffix, lang):
    _, root = rendered
    for path in _files(root / "app", suffix):
        code = code_only(path.read_text(encoding="utf-8"), lang)
        assert MARK not in code, path
        assert code.count("{") == code.count("}") and code.count("(") == code.count(")"), path


def test_makefiles_keep_the_payload_in_comments(rendered):
    _, root = rendered
    make = require_tool("make")
    for path in _files(root / "app", "Makefile"):
        lines = path.read_text(encoding="utf-8").split("\n")
        for n, line in enumerate(lines):
            continued = n > 0 and (len(lines[n - 1]) - len(lines[n - 1].rstrip("\\"))) % 2 == 1
            assert not continued or not lines[n - 1].lstrip().startswith("#"), (path, n)
            if MARK in line:
                assert line.startswith("#") and not continued, (path, line)
        # Under `make test` the outer make's MAKELEVEL/MAKEFLAGS would make this one print its
        # directory (the hostile name) in "Entering directory" lines: a clean environment for it.
        env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
        dry = subprocess.run([make, "--no-print-directory", "-n", "-f", str(path), "clean"], capture_output=True,
                             text=True, cwd=path.parent, env=env)
        assert dry.returncode == 0 and MARK not in dry.stdout, dry.stderr


def test_xml_parses_with_the_payload_in_a_comment_only(rendered):
    _, root = rendered
    for path in _files(root / "app", "pom.xml"):
        text = path.read_text(encoding="utf-8")
        tree = ET.fromstring(text)  # comments are dropped: the payload must not be anywhere else
        for element in tree.iter():
            assert MARK not in element.tag and MARK not in (element.text or "") and MARK not in str(element.attrib)
        for comment in re.findall(r"<!--(.*?)-->", text, re.S):
            assert "--" not in comment and not comment.endswith("-")


def test_markdown_keeps_the_payload_on_its_line(rendered):
    """The stage README escapes with generator/emit/markdown.py: a line break in a value never starts
    a line of its own (a heading, a list item, a table row, a raw HTML block)."""
    _, root = rendered
    readmes = _files(root / "out", "README.md")
    assert readmes and any(MARK in p.read_text(encoding="utf-8") for p in readmes)
    for path in readmes:
        for line in path.read_text(encoding="utf-8").split("\n"):
            assert not line.lstrip().startswith(MARK) and "\r" not in line and "\u2028" not in line, (path, line)


def test_json_files_parse(rendered):
    _, root = rendered
    for path in _files(root, ".json"):
        value = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "package.json":
            assert MARK not in json.dumps(value)


# ---------------------------------------------------------------- fields a check refuses
def _fill(template, value: str):
    if isinstance(template, dict):
        return {_fill(k, value): _fill(v, value) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, value) for v in template]
    return template.replace("{}", value) if isinstance(template, str) else template


@pytest.mark.parametrize("field", sorted(REFUSED))
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_fields_with_a_shape_refuse_the_payload_and_write_nothing(tmp_path, field, payload):
    bp = {"service": "hostile", "functions": {"f": {}}}
    for key, value in _fill(REFUSED[field], PAYLOADS[payload]).items():
        bp[key] = {**bp.get(key, {}), **value} if isinstance(value, dict) and key in bp else value
    path = tmp_path / "bp.yaml"
    path.write_text(json.dumps(bp))
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, (field, result.output)
    assert "error[SLS" in result.output and "internal error" not in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "src").exists()


def _schema_strings() -> set[str]:
    """Every free string field of the language (no enum, no pattern), as `a.*.b.[]` paths."""
    schema = json.loads(schema_text())
    defs = schema.get("$defs", {})
    found: set[str] = set()

    def walk(node, path, seen):
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            if name not in seen:
                walk(defs[name], path, seen | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        kind = node.get("type")
        free = "pattern" not in node and "enum" not in node and "const" not in node
        if (kind == "string" or (isinstance(kind, list) and "string" in kind)) and free:
            found.add(".".join(path))
        if not kind and not any(k in node for k in ("anyOf", "oneOf", "allOf", "properties", "items", "enum", "const",
                                                     "additionalProperties", "patternProperties")):
            found.add(".".join(path))  # any JSON: inputs, patterns, filters
        for key, value in node.get("properties", {}).items():
            walk(value, path + [key], seen)
        for value in node.get("patternProperties", {}).values():
            walk(value, path + ["*"], seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ["*"], seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ["[]"], seen)

    walk(schema, [], set())
    return found


def test_every_free_string_field_is_rendered_hostile_or_refused():
    fields = _schema_strings()
    missing = fields - ESCAPED - set(REFUSED) - NOT_IN_OUTPUT - NOT_YET_HOSTILE
    assert not missing, f"string fields neither rendered hostile here nor refused by a check: {sorted(missing)}"
