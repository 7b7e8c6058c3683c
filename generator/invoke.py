"""Run one function's handler locally, the way Lambda would call it.

The handler runs in a child process (`python` for Python runtimes, `node` for Node.js) with the
environment variables its configuration sets in the stage (physical resource names, via
plan/resolve.py) plus the variables the Lambda runtime itself provides. The child writes the
handler's return value as JSON on stdout; everything the handler prints or logs goes to stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.families.function.plan import FunctionPlan
from generator.plan.model import StagePlan
from generator.plan.resolve import DEFAULT_ACCOUNT, function_environment, resolve_value

ACCOUNT_ENV = "AWS_ACCOUNT_ID"

_PY_RUNNER = r"""
import importlib, json, os, sys, time, traceback, uuid
code_dir, handler = sys.argv[1], sys.argv[2]
event = json.load(sys.stdin)
result_fd = os.dup(1)
os.dup2(2, 1)  # the handler's prints and logs go to stderr; stdout carries only the result
sys.stdout = sys.stderr
sys.path[:0] = [code_dir] + sys.argv[3:]  # the code, then its packaged dependencies, before the host's
module_name, _, attr = handler.rpartition(".")
module_name = module_name.replace("/", ".")  # Lambda's Python runtime accepts app/main.handler too


class Context:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    function_version = "$LATEST"
    memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
    log_stream_name = "local"
    aws_request_id = str(uuid.uuid4())
    invoked_function_arn = os.environ.get("SLS_GEN_FUNCTION_ARN", "")
    _deadline = time.monotonic() + float(os.environ.get("SLS_GEN_TIMEOUT", "900"))

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


real_dir = os.path.realpath(code_dir)


def inside(path):
    real = os.path.realpath(path)
    return real == real_dir or real.startswith(real_dir.rstrip(os.sep) + os.sep)


try:
    module = importlib.import_module(module_name)
    if not inside(getattr(module, "__file__", None) or "/"):  # e.g. a module of that name was imported first
        sys.stderr.write(f"sls-gen: {module_name} was imported from {getattr(module, '__file__', None)}, "
                         f"not from the code folder {code_dir}: rename the module\n")
        sys.exit(2)
    fn = getattr(module, attr)
    result = fn(event, Context())
except Exception:
    traceback.print_exc()
    sys.exit(1)
os.write(result_fd, (json.dumps(result, default=str) + "\n").encode())
"""

_NODE_RUNNER = r"""
import { pathToFileURL } from "node:url";
import { existsSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { format } from "node:util";
const [codeDir, handler] = process.argv.slice(-2);
const cut = handler.lastIndexOf(".");
const base = join(codeDir, handler.slice(0, cut));
const realDir = realpathSync(codeDir);
const inside = (f) => { const r = realpathSync(f); return r === realDir || r.startsWith(realDir + sep); };
const file = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((f) => existsSync(f) && inside(f));
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString() || "null");
const write = process.stdout.write.bind(process.stdout);
const plain = console.error.bind(console);
const requestId = crypto.randomUUID();
// Logs go to stderr (stdout carries the result), as Lambda's Node.js runtime writes them: in the JSON
// log format one record {timestamp, level, requestId, message} per call, one argument kept as it is.
const jsonFormat = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";
const record = (level, params) => {
  const base = { timestamp: new Date().toISOString(), level, requestId };
  try {
    return JSON.stringify({ ...base, message: params.length === 1 ? params[0] : format(...params) });
  } catch {
    return JSON.stringify({ ...base, message: format(...params) });
  }
};
for (const [method, level] of [["trace", "TRACE"], ["debug", "DEBUG"], ["info", "INFO"], ["log", "INFO"],
                               ["warn", "WARN"], ["error", "ERROR"]]) {
  console[method] = jsonFormat ? (...params) => process.stderr.write(record(level, params).replace(/\n/g, "\r") + "\n") : plain;
}
const timeout = Number(process.env.SLS_GEN_TIMEOUT || "900");
const deadline = Date.now() + timeout * 1000;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: "$LATEST",
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  invokedFunctionArn: process.env.SLS_GEN_FUNCTION_ARN,
  awsRequestId: requestId,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
try {
  if (!file) throw new Error(`no ${base}.mjs, .js or .cjs`);
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[handler.slice(cut + 1)] ?? mod.default?.[handler.slice(cut + 1)];
  if (typeof fn !== "function") throw new Error(`${file} exports no ${handler.slice(cut + 1)}`);
  const result = await fn(event, context);
  write(JSON.stringify(result === undefined ? null : result) + "\n");
} catch (err) {
  plain(err);
  process.exit(1);
}
"""


class InvokeError(RuntimeError):
    """The handler cannot be started (missing code dir, no node, compiled runtime)."""


@dataclass(frozen=True)
class Invocation:
    function: FunctionPlan
    code_dir: Path
    env: dict[str, str]  # the variables Lambda and the function's configuration set


@dataclass(frozen=True)
class Outcome:
    ok: bool
    result: Any  # the handler's return value (decoded JSON) when ok
    stdout: str
    stderr: str
    returncode: int


def account_id() -> str:
    return os.environ.get(ACCOUNT_ENV) or DEFAULT_ACCOUNT


def prepare(plan: StagePlan, function: str, blueprint_dir: Path, account: str | None = None,
            given: dict[str, str] | None = None, variables: dict[str, str] | None = None) -> Invocation:
    """The invocation of `function` in `plan`'s stage; `given` environment values win (values known
    only when Terraform plans, such as SSM reads), `variables` set `variables:` entries."""
    fn = next((f for f in plan.functions if f.name == function), None)
    if fn is None:
        raise KeyError(function)
    if fn.image is not None:
        raise InvokeError("a container image function: sls-gen invoke runs zip functions only; run the image "
                          "with its runtime interface emulator instead (docker run -p 9000:8080 IMAGE, then POST the "
                          "event to localhost:9000/2015-03-31/functions/function/invocations)")
    account = account or account_id()
    physical = resolve_value(fn.physical, plan, account)  # a name with {region}/{account} is a template
    env = {
        "AWS_REGION": plan.region,
        "AWS_DEFAULT_REGION": plan.region,
        "AWS_LAMBDA_FUNCTION_NAME": physical,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": resolve_value(fn.log_group, plan, account),
        "AWS_LAMBDA_LOG_FORMAT": "JSON" if fn.log_format == "json" else "Text",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.runtime}",
        "SLS_GEN_FUNCTION_ARN": f"arn:aws:lambda:{plan.region}:{account}:function:{physical}",
        "SLS_GEN_TIMEOUT": str(fn.timeout),
    }
    if fn.log_format == "json":
        env["AWS_LAMBDA_LOG_LEVEL"] = fn.log_level
    env.update(function_environment(plan, function, account, given, variables))
    env.update(given or {})
    rel = fn.code_dir
    if fn.old_code_dir and not (blueprint_dir / rel).exists() and (blueprint_dir / fn.old_code_dir).is_dir():
        rel = fn.old_code_dir  # renamed, its code not moved yet: where `render` reads it too (SLS706)
    code_dir, root = (blueprint_dir / rel).resolve(), blueprint_dir.resolve()
    if code_dir != root and root not in code_dir.parents:  # SLS313 refuses it first; never run it anyway
        raise InvokeError(f"code dir {rel} leaves the blueprint's folder")
    return Invocation(fn, code_dir, env)


def handler_file(inv: Invocation) -> Path:
    """The file of the code folder the handler's module is loaded from; InvokeError when there is
    none inside the code folder (a `..` in the handler, a symlink out, or no such file: sls-gen never
    imports a handler from anywhere else, such as the standard library)."""
    module = inv.function.handler.rpartition(".")[0]
    if inv.function.language == "python":
        rel = module.replace(".", "/")
        candidates = [f"{rel}.py", f"{rel}/__init__.py"]
    else:
        candidates = [f"{module}{ext}" for ext in (".mjs", ".js", ".cjs")]
    root = inv.code_dir.resolve()
    for candidate in candidates:
        path = inv.code_dir / candidate
        real = path.resolve()
        if path.is_file() and (real == root or root in real.parents):
            return path
    raise InvokeError(
        f"handler {inv.function.handler}: no {' or '.join(candidates)} inside the code folder {inv.code_dir}"
    )


def runtime_mismatch(inv: Invocation) -> str | None:
    """A warning when the local interpreter is not the function's runtime (python3.13 code run on 3.11)."""
    fn = inv.function
    if fn.language == "python":
        local = f"python{sys.version_info.major}.{sys.version_info.minor}"
        if local != fn.runtime:
            return (f"{fn.name} runs on {fn.runtime} in Lambda, but is invoked here with Python "
                    f"{local.removeprefix('python')} ({sys.executable}): behaviour may differ")
    elif fn.language == "node":
        node = shutil.which("node")
        try:
            version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout if node else ""
        except (OSError, subprocess.SubprocessError):
            version = ""
        major = version.strip().lstrip("v").split(".")[0]
        if major and f"nodejs{major}.x" != fn.runtime:
            return f"{fn.name} runs on {fn.runtime} in Lambda, but is invoked here with Node.js {version.strip()}"
    return None


def dependencies_dir(inv: Invocation, blueprint_dir: Path, into: Path) -> Path | None:
    """The function's packaged Python dependencies (generator/package/deps.py: from the cache, else
    installed for its runtime and architecture), extracted into `into`; None when it has none."""
    from generator.package import deps

    if inv.function.language != "python" or not inv.code_dir.is_dir():
        return None
    req = deps.requirements(inv.function, blueprint_dir)
    if req is None:
        return None
    from generator.package.progress import Progress

    for arcname, data, executable in deps.installed_entries(inv.function, req, Progress(1, 1)):
        path = into.joinpath(*arcname.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if executable:
            path.chmod(0o755)
    return into


def bundled(inv: Invocation, blueprint_dir: Path, into: Path) -> Invocation | None:
    """A `package: {bundle: esbuild}` function runs as Lambda runs it: its bundle (generator/package/
    bundle.py, built into `into` from the code folder and the dependencies installed for Lambda),
    not its sources (TypeScript does not run on node). None when it is not bundled."""
    if not getattr(inv.function, "bundle", None) or not inv.code_dir.is_dir():
        return None
    import dataclasses

    from generator.diagnostics import BlueprintError
    from generator.package import bundle, deps, zips

    try:
        contents = zips.read_tree(inv.code_dir)[1]
        req = deps.requirements(inv.function, blueprint_dir)
        installed = deps.installed_entries(inv.function, req) if req is not None else []
        binary = bundle.esbuild_binary(blueprint_dir / inv.function.code_dir, blueprint_dir)
        bundle.esbuild_version(inv.function, binary)
        entries = bundle.bundle(inv.function, binary, contents, list(installed))
    except BlueprintError as exc:
        raise InvokeError("; ".join(f"{d.message} ({d.hint})" if d.hint else d.message
                                    for d in exc.diagnostics)) from None
    for arcname, data, _executable in entries:
        path = into.joinpath(*arcname.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dataclasses.replace(inv, code_dir=into)


def batch_failures(result: Any) -> int:
    """How many records a batch handler (SQS, Kinesis, DynamoDB streams) reported as failed."""
    if isinstance(result, dict) and isinstance(result.get("batchItemFailures"), list):
        return len(result["batchItemFailures"])
    return 0


def command(inv: Invocation, extra_paths: tuple[str, ...] = ()) -> list[str]:
    if inv.function.language == "python":
        # -P: the code folder (the working directory) is not put first on sys.path before the runner's
        # own imports; it is added, once, for the handler (a json.py there cannot replace the runner's)
        return [sys.executable, "-P", "-s", "-c", _PY_RUNNER, str(inv.code_dir), inv.function.handler, *extra_paths]
    if inv.function.language == "node":
        node = shutil.which("node")
        if node is None:
            raise InvokeError("node is not on PATH")
        return [node, "--input-type=module", "-e", _NODE_RUNNER, str(inv.code_dir), inv.function.handler]
    raise InvokeError(f"runtime {inv.function.runtime} cannot be invoked locally (Python and Node.js only)")


def run(inv: Invocation, event: Any, base_env: dict[str, str] | None = None, timeout: float | None = None,
        extra_paths: tuple[str, ...] = ()) -> Outcome:
    """Invoke the handler with `event`; `base_env` (default os.environ) keeps credentials/endpoints.
    `extra_paths`: folders put on the handler's sys.path right after its code (its dependencies)."""
    if not inv.code_dir.is_dir():
        raise InvokeError(f"code dir {inv.code_dir} does not exist (run `sls-gen render` to scaffold it)")
    command(inv)  # a runtime that cannot run locally says so before its files are looked for
    handler_file(inv)
    env = dict(os.environ if base_env is None else base_env)
    env.update(inv.env)
    proc = subprocess.run(
        command(inv, extra_paths),
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=env,
        cwd=inv.code_dir,
        timeout=timeout or max(60, inv.function.timeout * 2),
    )
    result = None
    ok = proc.returncode == 0
    if ok:
        try:
            result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None
        except json.JSONDecodeError:
            ok = False
    return Outcome(ok, result, proc.stdout, proc.stderr, proc.returncode)
