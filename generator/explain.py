"""`sls-gen explain`: everything about one function of one stage, for a terminal.

Its events (with their batch, retry and failure settings), what it can touch and why (which
`uses`, `events` or `iam` line of the blueprint gave which grant, and the role statement the grant
ended up in), its alarms and where they notify, and its environment variables with where each
comes from. Read from the plan (the functions' reasons, the parts' triggers and alerts), located in
the blueprint through the loader's line map. Text from the blueprint is printed with control
characters escaped, so a name or description cannot move the cursor or recolour a terminal.
"""

from __future__ import annotations

from generator.diagnostics import path_str
from generator.model.parse import locate_in_stage
from generator.plan.placeholders import shown
from generator.plan.views import alerts, triggers

WHY = {
    "logs": "its own log group (always)",
    "tracing": "X-Ray (tracing is on)",
    "kms": "the blueprint's kms_key (what its uses and environment need on it)",
    "failures": "its own on-failure queue (it is invoked asynchronously)",
}


def safe(value: object) -> str:
    """A value on one terminal line: control characters (escape sequences, line breaks) shown escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(value))


def explain(plan, doc, function: str) -> str:
    fn = next(f for f in plan.functions if f.name == function)
    stage = plan.stage

    def where(path: tuple) -> str:
        if not path:
            return "sls-gen"
        line, col = locate_in_stage(doc, stage, path)
        at = f"{doc.file}:{line}" if line else doc.file
        return f"{path_str(path)} ({safe(at)})"

    statement_of = {tuple(sorted(str(r) for r in st.resources)): st.sid for st in fn.statements}

    def grants(reason) -> list[str]:
        out = []
        for _sid, g in reason.grants:
            resources = ", ".join(safe(r) for r in g.resources)
            sid = statement_of.get(tuple(sorted(str(r) for r in g.resources)), _sid)
            out.append(f"      {', '.join(safe(a) for a in g.actions)}")
            out.append(f"        on {resources}  -> statement {safe(sid)}")
        return out

    lines = [f"{safe(fn.name)} ({safe(shown(fn.physical))}), stage {safe(stage)} of {safe(plan.service)} in {safe(plan.region)}"]
    if fn.description:
        lines.append(f"  {safe(fn.description)}")
    settings = [f"{fn.runtime} ({fn.architecture})", f"{fn.memory} MB", f"{fn.timeout} s timeout",
                f"/tmp {fn.ephemeral_storage} MB", f"logs {fn.log_format} {fn.log_level} kept {fn.retention_days} days",
                "X-Ray active" if fn.tracing else "no tracing"]
    if fn.reserved is not None:
        settings.append(f"reserved concurrency {fn.reserved}")
    if fn.provisioned:
        settings.append(f"provisioned concurrency {fn.provisioned} (live alias)")
    if fn.snapstart:
        settings.append("SnapStart (live alias)")
    lines.append("  " + ", ".join(safe(s) for s in settings))
    lines.append(f"  code {safe(fn.artifact or fn.code_dir)}, handler {safe(fn.handler)}, role {safe(fn.role_name)}")

    lines += ["", "Events"]
    mine = [t for t in triggers(plan) if t.function == fn.name]
    events = [r for r in fn.reasons if r.what == "events"]
    if not mine:
        lines.append("  none: it runs only when something invokes it")
    for t in mine:
        lines.append(f"  {safe(t.kind)}: {safe(t.source)}  [{where(t.path)}]")
        if t.settings:
            lines.append(f"    settings: {safe(t.settings)}")
        lines.append(f"    when it fails: {safe(t.failure)}")
        for r in events:
            if r.path == t.path and r.grants:
                lines.append("    so its role may:")
                lines += grants(r)

    lines += ["", "Can touch"]
    uses = [r for r in fn.reasons if r.what in ("uses", "rotates")]  # rotates: a secret it rotates
    for r in uses:
        lines.append(f"  {safe(r.family)} {safe(r.target)}: {safe(r.access)}  [{where(r.path)}]")
        lines += grants(r)
        if r.env:
            lines.append(f"      sets {', '.join(safe(e) for e in r.env)}")
    for r in fn.reasons:
        if r.what in WHY and r.grants:
            lines.append(f"  {WHY[r.what]}: {safe(r.access)}")
            lines += grants(r)
    for r in fn.reasons:
        if r.what == "iam":
            (sid, g), = r.grants
            lines.append(f"  as written in iam: {safe(r.access)} {safe(sid)}  [{where(r.path)}]")
            lines.append(f"      {', '.join(safe(a) for a in g.actions)}")
            lines.append(f"        on {', '.join(safe(x) for x in g.resources)}")

    lines += ["", "Alarms"]
    mine = [a for a in alerts(plan) if fn.name in a.concerns]
    if not mine:
        lines.append("  none (the blueprint sets no observability.alarms)" if not alerts(plan) else "  none")
    notify = sorted({a.notify for a in mine})
    for a in mine:
        lines.append(f"  {safe(a.name)}: {safe(a.condition)}")
    for n in notify:
        lines.append(f"  they notify {safe(n)}")

    lines += ["", "Environment"]
    if not fn.environment:
        lines.append("  none")
    sources = dict(fn.env_sources)
    for key, value in fn.environment:
        lines.append(f"  {safe(key)} = {safe(value)}  [{where(sources.get(key, ()))}]")
    return "\n".join(lines) + "\n"
