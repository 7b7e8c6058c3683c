"""Safe evolution without the emulator: renames move every derived address and keep every AWS name,
renames without `renamed_from` are refused for stateful kinds, protection by default, retained objects
are forgotten (not destroyed), adoption writes import blocks, the manifest's evidence is validated,
and `diff --summary` / `--fail-on` report what Terraform would do. tests/test_e2e_evolution.py applies
the same on the emulator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rendering import all_sources

from generator.cli import main
from generator.emit.terraform import render_stage
from generator.evolution.summary import from_terraform
from generator.pipeline import validate
from generator.plan.build import build_plan
from generator.checks.unique import named
from generator.plan.evolution import resolve, same
from generator.writer import MANIFEST

RESOURCE = re.compile(r'^resource "([^"]+)" "([^"]+)"', re.M)
MOVED = re.compile(r"moved \{\n  from = (\S+)\n  to += (\S+)\n\}")
NAMES = re.compile(r'^\s+(?:name|function_name|bucket|alarm_name|statement_id|role_name) += ("[^"\n]*")$', re.M)


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def tf_text(out: Path, stage: str = "dev") -> str:
    return "\n".join(p.read_text() for p in sorted((out / stage).glob("*.tf")) if p.name != "moved.tf")


def addresses(out: Path, stage: str = "dev") -> set[str]:
    return {f"{t}.{n}" for t, n in RESOURCE.findall(tf_text(out, stage))}


def moves(out: Path, stage: str = "dev") -> dict[str, str]:
    moved = out / stage / "moved.tf"
    return dict(MOVED.findall(moved.read_text())) if moved.exists() else {}


class Project:
    """A blueprint folder and its output folder, rendered again and again as a user would."""

    def __init__(self, root: Path):
        self.root, self.bp, self.out = root, root / "bp.yaml", root / "out"

    def render(self, text: str, *args):
        self.bp.write_text(text)
        return cli("render", self.bp, "-o", self.out, *args)

    def diff(self, text: str, *args):
        self.bp.write_text(text)
        return cli("diff", self.bp, "-o", self.out, *args)


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


# ------------------------------------------------------------------ every address is derived
@pytest.mark.parametrize("label,folder,name", all_sources(), ids=[s[0] for s in all_sources()])
def test_every_derived_address_is_the_one_its_part_writes(label, folder, name):
    """moved blocks come from the derivation each `named()` entry carries (tests/test_name_collisions.py
    holds the entries to the rendered resources): made again with the same names, every derivation
    gives back its address, and a renaming changes exactly the entries derived from the renamed object."""
    _doc, _base, stages, _w = validate(folder / name)
    for stage, bp in stages.items():
        entries = named(build_plan(bp, stage, name))
        assert all(to == frm for to, frm in resolve(entries, same).items()), f"{label}/{stage}"
        for n in entries:
            if n.primary:
                kind, obj = n.owner
                moved = resolve(entries, lambda k, o: o + "-renamed" if (k, o) == (kind, obj) else o)
                assert moved[n.address] != n.address, f"{label}/{stage}: {n.address} does not follow its object"


# ------------------------------------------------------------------ renames, kind by kind
BASE = """service: demo
tables:
  {table}: {{partition_key: id, stream: new_image{table_from}}}
queues:
  {queue}: {{{queue_from}}}
topics:
  {topic}: {{{topic_from}}}
buses:
  {bus}: {{{bus_from}}}
buckets:
  {bucket}: {{{bucket_from}}}
secrets:
  {secret}: {{{secret_from}}}
parameters:
  {parameter}: {{value: "on"{parameter_from}}}
observability:
  alarms: {{}}
functions:
  {function}:
{function_from}    concurrency: {{provisioned: 1}}
    events:
      - http: GET /items
      - queue: {queue}
      - topic: {topic}
      - eventbridge: {{bus: {bus}, pattern: {{source: [shop]}}}}
      - bucket: {bucket}
      - schedule: rate(1 hour)
      - stream: {table}
    uses:
      - table: {table}
      - secret: {secret}
      - parameter: {parameter}
"""
OLD = {"table": "links", "queue": "jobs", "topic": "news", "bus": "orders", "bucket": "files", "secret": "key",
       "parameter": "flags", "function": "redirect"}
NEW = {"table": "short-links", "queue": "tasks", "topic": "updates", "bus": "sales", "bucket": "uploads",
       "secret": "api-key", "parameter": "features", "function": "resolve"}


def blueprint(names: dict[str, str], renamed: dict[str, str]) -> str:
    fields = dict(names)
    for kind in OLD:
        old = renamed.get(kind)
        if kind == "function":
            fields["function_from"] = f"    renamed_from: {old}\n" if old else ""
        elif kind in ("table", "parameter"):
            fields[f"{kind}_from"] = f", renamed_from: {old}" if old else ""
        else:
            fields[f"{kind}_from"] = f"renamed_from: {old}" if old else ""
    return BASE.format(**fields)


@pytest.mark.parametrize("kind", [*OLD, "all"])
def test_a_rename_with_renamed_from_moves_every_derived_address_and_keeps_every_aws_name(kind, project):
    assert project.render(blueprint(OLD, {})).exit_code == 0
    before, names_before = addresses(project.out), NAMES.findall(tf_text(project.out))
    kinds = list(OLD) if kind == "all" else [kind]
    renamed = {**OLD, **{k: NEW[k] for k in kinds}}
    result = project.render(blueprint(renamed, {k: OLD[k] for k in kinds}))
    assert result.exit_code == 0, result.output
    after, moved = addresses(project.out), moves(project.out)
    assert moved, "a rename writes moved blocks"
    assert set(moved) <= before and not set(moved) & after, "each move is from an old address to a new one"
    assert {moved.get(a, a) for a in before} == after, "every old address moved or stayed: nothing created, nothing lost"
    assert sorted(NAMES.findall(tf_text(project.out))) == sorted(names_before), "no AWS name changed"
    if kind == "function":
        assert "SLS706" in result.output and not (project.root / "src" / "resolve").exists()


def test_moved_blocks_of_a_rename_are_exactly_the_addresses_named_after_it(project):
    project.render(blueprint(OLD, {}))
    project.render(blueprint({**OLD, "queue": "tasks"}, {"queue": "jobs"}))
    assert moves(project.out) == {
        "aws_sqs_queue.jobs": "aws_sqs_queue.tasks",
        "aws_sqs_queue.jobs_dlq": "aws_sqs_queue.tasks_dlq",
        "aws_lambda_event_source_mapping.redirect_jobs": "aws_lambda_event_source_mapping.redirect_tasks",
        "aws_cloudwatch_metric_alarm.jobs_dlq_depth": "aws_cloudwatch_metric_alarm.tasks_dlq_depth",
        "aws_cloudwatch_metric_alarm.jobs_oldest_message": "aws_cloudwatch_metric_alarm.tasks_oldest_message",
    }


@pytest.mark.parametrize("kind", ["table", "queue", "bucket", "secret", "parameter"])
def test_the_same_rename_without_renamed_from_is_refused_for_a_stateful_kind(kind, project):
    assert project.render(blueprint(OLD, {})).exit_code == 0
    files = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    result = project.render(blueprint({**OLD, kind: NEW[kind]}, {}))
    assert result.exit_code == 2, result.output
    assert f"error[SLS701]" in result.output and f"add `renamed_from: {OLD[kind]}`" in result.output
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == files, "nothing was written"


@pytest.mark.parametrize("kind", ["topic", "bus", "function"])
def test_a_rename_without_renamed_from_of_a_stateless_kind_renders(kind, project):
    """Replacing a topic, bus or function loses no data: the render goes ahead (diff --summary shows it)."""
    project.render(blueprint(OLD, {}))
    assert project.render(blueprint({**OLD, kind: NEW[kind]}, {})).exit_code == 0


def test_a_renamed_function_whose_new_folder_exists_reads_it_and_says_nothing(project):
    project.render(blueprint(OLD, {}))
    (project.root / "src" / "resolve").mkdir(parents=True)
    (project.root / "src" / "resolve" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    result = project.render(blueprint({**OLD, "function": "resolve"}, {"function": "redirect"}))
    assert result.exit_code == 0 and "SLS706" not in result.output


# ------------------------------------------------------------------ protection
PROTECTED = """service: demo
stages:
  dev: {}
  test: {}
  prod: {}
  preview: {ephemeral: true}
tables:
  orders: {partition_key: id}
  cache: {partition_key: id, protect: false}
  legacy: {partition_key: id, deletion_protection: true}
buckets:
  files: {}
secrets:
  key: {}
parameters:
  flags: {value: "on"}
  cursor: {value: "0"}
functions:
  worker:
    uses: [{parameter: cursor, access: write}]
"""


def _prevented(text: str) -> set[str]:
    out = set()
    for m in RESOURCE.finditer(text):
        body = text[m.end():text.find("\n}", m.end())]
        if "prevent_destroy = true" in body:
            out.add(f"{m.group(1)}.{m.group(2)}")
    return out


def test_stages_not_named_dev_or_test_and_not_ephemeral_protect_their_data(project):
    assert project.render(PROTECTED).exit_code == 0
    expected = {"aws_dynamodb_table.orders", "aws_dynamodb_table.legacy", "aws_s3_bucket.files",
                "aws_secretsmanager_secret.key", "aws_ssm_parameter.cursor"}
    assert _prevented(tf_text(project.out, "prod")) == expected
    for stage in ("dev", "test", "preview"):
        assert _prevented(tf_text(project.out, stage)) == {"aws_dynamodb_table.legacy"}, stage
    prod = (project.out / "prod" / "dynamodb.tf").read_text()
    assert prod.count("deletion_protection_enabled = true") == 2 and prod.count("deletion_protection_enabled = false") == 1
    assert "force_destroy" not in tf_text(project.out, "prod")


def test_protect_supersedes_deletion_protection_and_both_must_agree(project):
    result = project.render(PROTECTED.replace("deletion_protection: true", "deletion_protection: true, protect: false"))
    assert result.exit_code == 2 and "SLS705" in result.output


# ------------------------------------------------------------------ leaving the blueprint
RETAINED = "service: demo\nstages:\n  prod: {}\ntables:\n  orders: {partition_key: id%s}\n  keep: {partition_key: id}\n"
WITHOUT = "service: demo\nstages:\n  prod: {}\ntables:\n  keep: {partition_key: id}\n"


def test_removing_a_protected_object_is_refused_with_both_ways_out(project):
    project.render(RETAINED % "")
    result = project.render(WITHOUT)
    assert result.exit_code == 2 and "error[SLS702]" in result.output
    assert "retain: true" in result.output and "protect: false" in result.output


def test_removing_a_protected_object_through_a_stage_override_is_refused_too(project):
    both = "service: demo\nstages:\n  dev: {}\n  prod: {}\ntables:\n  orders: {partition_key: id}\n"
    project.render(both)
    result = project.render(both.replace("  prod: {}", "  prod:\n    overrides:\n      tables:\n        orders: null"))
    assert result.exit_code == 2 and "stage prod" in result.output and "SLS702" in result.output


def test_retain_forgets_an_object_that_leaves_and_keeps_forgetting_it(project):
    project.render(RETAINED % ", retain: true")
    assert project.render(WITHOUT).exit_code == 0
    moved = (project.out / "prod" / "moved.tf").read_text()
    assert "removed {\n  from = aws_dynamodb_table.orders\n\n  lifecycle {\n    destroy = false\n  }\n}" in moved
    assert 'required_version = ">= 1.7"' in (project.out / "prod" / "versions.tf").read_text()
    renamed = WITHOUT.replace("keep: {", "kept: {renamed_from: keep, ")
    assert project.render(renamed).exit_code == 0
    assert "from = aws_dynamodb_table.orders" in (project.out / "prod" / "moved.tf").read_text(), "still forgotten"
    assert project.render(renamed + "  orders: {partition_key: id}\n").exit_code == 0  # the name is used again
    assert "removed" not in (project.out / "prod" / "moved.tf").read_text()
    assert 'required_version = ">= 1.6"' in (project.out / "prod" / "versions.tf").read_text()


def test_an_unprotected_object_may_leave(project):
    project.render(RETAINED % ", protect: false")
    assert project.render(WITHOUT).exit_code == 0
    assert not (project.out / "prod" / "moved.tf").exists()


def test_a_protected_object_whose_aws_name_changes_is_refused(project):
    bucket = "service: demo\nstages:\n  prod: {}\nbuckets:\n  files: {bucket_name: %s}\n"
    project.render(bucket % "acme-files")
    result = project.render(bucket % "acme-files-2")
    assert result.exit_code == 2 and "error[SLS703]" in result.output and "acme-files-2" in result.output


RENAMED_TABLE = "service: demo\nstages:\n  prod: {}\ntables:\n  short-links: {partition_key: id%s}\n"


def test_a_rename_keeps_the_aws_name_only_while_renamed_from_says_where_it_comes_from(project):
    """A moved block moves an address; the AWS name is kept by deriving it from renamed_from. Dropping
    the key (or a second rename) would replace the table: refused, with the `name:` line that pins it."""
    assert project.render("service: demo\nstages:\n  prod: {}\ntables:\n  links: {partition_key: id}\n").exit_code == 0
    assert project.render(RENAMED_TABLE % ", renamed_from: links").exit_code == 0
    assert 'name                        = "demo-prod-links"' in (project.out / "prod" / "dynamodb.tf").read_text()
    result = project.render(RENAMED_TABLE % "")
    assert result.exit_code == 2 and "error[SLS703]" in result.output
    assert '`name: "{service}-{stage}-links"` under tables.short-links' in result.output
    assert "from demo-prod-links to demo-prod-short-links" in result.output
    pinned = project.render(RENAMED_TABLE % ', name: "{service}-{stage}-links"')
    assert pinned.exit_code == 0, pinned.output
    assert 'name                        = "demo-prod-links"' in (project.out / "prod" / "dynamodb.tf").read_text()
    again = RENAMED_TABLE.replace("short-links", "urls") % ', renamed_from: short-links, name: "{service}-{stage}-links"'
    result = project.render(again)  # a second rename, the name pinned: moves only
    assert result.exit_code == 0 and "SLS703" not in result.output
    assert moves(project.out, "prod") == {"aws_dynamodb_table.short_links": "aws_dynamodb_table.urls"}


def test_name_wins_over_the_name_renamed_from_keeps(project):
    project.render("service: demo\nqueues:\n  jobs: {}\n")
    result = project.render("service: demo\nqueues:\n  tasks: {renamed_from: jobs, name: legacy-jobs}\n")
    assert result.exit_code == 0 and "warning[SLS703]" in result.output and "legacy-jobs" in result.output
    assert '"legacy-jobs"' in (project.out / "dev" / "sqs.tf").read_text()


def test_a_stage_render_keeps_the_other_stages_evidence(project):
    two = "service: demo\nstages:\n  dev: {}\n  prod: {}\ntables:\n  orders: {partition_key: id}\n"
    project.render(two)
    evidence = json.loads((project.out / MANIFEST).read_text())["stages"]
    assert project.render(two.replace("orders", "items"), "--stage", "dev").exit_code == 2  # still refused per stage
    assert project.render(two + "  more: {partition_key: id}\n", "--stage", "dev").exit_code == 0
    after = json.loads((project.out / MANIFEST).read_text())["stages"]
    assert after["prod"] == evidence["prod"] and len(after["dev"]) == 2
    result = project.render(two.replace("  orders: {partition_key: id}\n", "  items: {partition_key: id}\n"))
    assert result.exit_code == 2 and "stage prod" in result.output


# ------------------------------------------------------------------ adoption
def test_adopt_writes_an_import_block_for_the_physical_name_of_each_kind(project):
    text = """service: demo
tables:
  links: {partition_key: id, adopt: true}
queues:
  jobs: {adopt: true}
topics:
  news: {adopt: true}
buses:
  orders: {adopt: true}
buckets:
  files: {adopt: true}
  named: {adopt: true, bucket_name: acme-files}
secrets:
  key: {adopt: true}
parameters:
  flags: {value: "on", adopt: true}
functions:
  worker:
    logs: {adopt: true}
"""
    assert project.render(text).exit_code == 0
    imports = (project.out / "dev" / "imports.tf").read_text()
    found = dict(re.findall(r"import \{\n  to = (\S+)\n  id = (.+)\n\}", imports))
    assert found == {
        "aws_dynamodb_table.links": '"demo-dev-links"',
        "aws_sqs_queue.jobs": '"https://sqs.${local.region}.${data.aws_partition.current.dns_suffix}/${local.account_id}/demo-dev-jobs"',
        "aws_sns_topic.news": '"arn:${local.partition}:sns:${local.region}:${local.account_id}:demo-dev-news"',
        "aws_cloudwatch_event_bus.orders": '"demo-dev-orders"',
        "aws_s3_bucket.files": '"${local.prefix}-files-${local.account_id}"',
        "aws_s3_bucket.named": '"acme-files"',
        "aws_secretsmanager_secret.key": "data.aws_secretsmanager_secret.adopt_key.arn",
        "aws_ssm_parameter.flags": '"/demo/dev/flags"',
        "aws_cloudwatch_log_group.worker": '"/aws/lambda/demo-dev-worker"',
    }
    assert 'data "aws_secretsmanager_secret" "adopt_key" {\n  name = "demo/dev/key"\n}' in imports


# ------------------------------------------------------------------ the evidence is untrusted
@pytest.mark.parametrize("entry", [
    {"kind": "table", "name": "x", "address": "aws_dynamodb_table.x }\nresource \"null\" \"y\" {",
     "addresses": ["aws_dynamodb_table.x }\nresource \"null\" \"y\" {"], "retain": True, "removed": True},
    {"kind": "rocket", "name": "x", "address": "aws_dynamodb_table.x", "addresses": ["aws_dynamodb_table.x"]},
    {"kind": "table", "name": "X!", "address": "aws_dynamodb_table.x", "addresses": ["aws_dynamodb_table.x"]},
    {"kind": "table", "name": "x", "address": "aws_dynamodb_table.x", "addresses": ["aws_dynamodb_table.y"]},
    {"kind": "table", "name": "x", "address": "aws_dynamodb_table.x", "addresses": ["aws_dynamodb_table.x"],
     "protect": "yes"},
    {"kind": "table", "name": "x", "address": "aws_dynamodb_table.x", "addresses": ["aws_dynamodb_table.x"],
     "physical": "a\nb"},
    "not an entry",
])
def test_a_hand_edited_evidence_entry_is_damaged_bookkeeping_and_never_reaches_the_output(entry, project):
    text = "service: demo\ntables:\n  orders: {partition_key: id}\n"
    project.render(text)
    doc = json.loads((project.out / MANIFEST).read_text())
    doc["stages"]["dev"].append(entry)
    (project.out / MANIFEST).write_text(json.dumps(doc))
    result = project.render(text + "  more: {partition_key: id}\n")
    assert result.exit_code == 3 and "SLS603" in result.output, result.output
    result = project.render(text + "  more: {partition_key: id}\n", "--force")
    assert result.exit_code == 0, result.output
    assert not (project.out / "dev" / "moved.tf").exists()
    assert "null" not in tf_text(project.out)


# ------------------------------------------------------------------ change summaries
def test_diff_summary_lists_addresses_per_stage_and_marks_stateful_destroys(project):
    text = "service: demo\ntables:\n  orders: {partition_key: id}\n  gone: {partition_key: id}\nqueues:\n  jobs: {}\n"
    project.render(text)
    changed = text.replace("  gone: {partition_key: id}\n", "").replace("jobs: {}", "tasks: {renamed_from: jobs}")
    changed += "topics:\n  news: {}\n"
    result = project.diff(changed, "--summary")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "dev: 1 create, 2 move, 1 destroy (1 stateful destroy)",
        "  create   aws_sns_topic.news",
        "  move     aws_sqs_queue.jobs -> aws_sqs_queue.tasks",
        "  move     aws_sqs_queue.jobs_dlq -> aws_sqs_queue.tasks_dlq",
        "  destroy  aws_dynamodb_table.gone   !! STATEFUL: its data is lost",
    ]
    assert project.diff(changed, "--summary", "--fail-on", "stateful-destroy").exit_code == 1
    assert project.diff(changed, "--fail-on", "destroy").exit_code == 1
    calm = text.replace("jobs: {}", "jobs: {retention_days: 5}")
    assert project.diff(calm, "--summary", "--fail-on", "destroy").exit_code == 0
    assert "  change   aws_sqs_queue.jobs" in project.diff(calm, "--summary").stdout


def test_terraform_plan_json_summary():
    plan = {"resource_changes": [
        {"address": "aws_dynamodb_table.b", "previous_address": "aws_dynamodb_table.a", "mode": "managed",
         "type": "aws_dynamodb_table", "change": {"actions": ["no-op"]}},
        {"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket",
         "change": {"actions": ["delete", "create"]}},
        {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue",
         "change": {"actions": ["no-op"], "importing": {"id": "https://..."}}},
        {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "change": {"actions": ["update"]}},
        {"address": "aws_iam_role.gone", "mode": "managed", "type": "aws_iam_role", "change": {"actions": ["delete"]}},
        {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "change": {"actions": ["read"]}},
    ]}
    s = from_terraform("prod", plan)
    assert s.changes["move"] == ["aws_dynamodb_table.a -> aws_dynamodb_table.b"]
    assert s.changes["destroy"] == ["aws_iam_role.gone", "aws_s3_bucket.x (replaced)"]
    assert s.stateful == {"aws_s3_bucket.x (replaced)"} and s.stateful_destroys == 1
    assert s.changes["import"] == ["aws_sqs_queue.q"] and s.changes["change"] == ["aws_iam_role.r"]


def test_plan_command_says_when_terraform_cannot_plan(project, tmp_path):
    project.render("service: demo\nfunctions:\n  a: {}\n")
    result = cli("plan", project.bp, "-o", project.out, "--terraform", str(tmp_path / "no-terraform"))
    assert result.exit_code == 4 and "not found" in result.output


def test_a_replaced_unprotected_queue_is_a_warning_that_strict_refuses(project):
    assert project.render("service: demo\nqueues:\n  jobs: {}\n").exit_code == 0
    fifo = "service: demo\nqueues:\n  jobs: {fifo: true}\n"
    assert project.render(fifo, "--strict").exit_code == 2
    result = project.render(fifo)
    assert result.exit_code == 0 and "warning[SLS703]" in result.output and "demo-dev-jobs.fifo" in result.output


def test_checks_and_sample_events_read_the_aws_names_a_rename_keeps(project, tmp_path):
    """The name checks and sample events see what the plan writes: the names the old logical names made."""
    long = "a-very-long-logical-name-that-would-not-fit-the-sixty-four-characters"
    text = (f"service: demo\ntables:\n  {long}:\n    renamed_from: links\n    partition_key: id\n    stream: new_image\n"
            f"functions:\n  {long}:\n    renamed_from: redirect\n    events:\n      - stream: {long}\n")
    assert project.render(text).exit_code == 0  # the AWS names stay demo-dev-links, demo-dev-redirect
    result = project.render(text.replace("    renamed_from: redirect\n", ""))
    assert result.exit_code == 2 and "error[SLS301]" in result.output  # without it, the new name is too long
    project.bp.write_text(text)
    assert cli("events", project.bp, "-o", tmp_path / "events").exit_code == 0
    sample = next((tmp_path / "events").glob("*.json")).read_text()
    assert "table/demo-dev-links/stream" in sample and long not in sample




SECRET = """service: vault
region: eu-west-1
secrets:
  {name}: {{generate: {{length: 32}}{rotation}{renamed}}}
functions:
  rotate: {{}}
"""


@pytest.mark.parametrize("rotation", ["", ", rotation: {days: 30, function: rotate}"])
def test_a_renamed_secret_moves_its_generated_version_and_rotation_too(rotation, project):
    """A replaced secret version would write a new generated value; a replaced rotation would rotate
    again on apply. (With rotation, the rotation function writes the first value: no version.)"""
    assert project.render(SECRET.format(name="db", rotation=rotation, renamed="")).exit_code == 0
    before = addresses(project.out)
    result = project.render(SECRET.format(name="db-password", rotation=rotation, renamed=", renamed_from: db"))
    assert result.exit_code == 0, result.output
    moved = moves(project.out)
    assert {moved.get(a, a) for a in before} == addresses(project.out), "nothing created, nothing lost"
    followers = (["aws_secretsmanager_secret_rotation.", "aws_lambda_permission.rotate_"] if rotation
                 else ["aws_secretsmanager_secret_version."])
    for address in followers:
        assert moved[address + "db"] == address + "db_password"
