"""`package: {bundle: esbuild}`: a Node.js function (TypeScript or ESM) bundled into one minified,
tree-shaken file, instead of its folder and node_modules.

The entry is derived from `handler`: `index.handler` -> the first of index.ts, .mts, .cts, .tsx,
.js, .mjs, .cjs, .jsx in the code folder; the bundle is `index.mjs` (ESM, so the handler string
stays `index.handler`), with `index.mjs.map` when `sourcemap: true`. The package.json's production
dependencies are installed for Lambda's OS and CPU first (deps.py, cached) and bundled from there,
never from the code folder's own node_modules (a host install). `@aws-sdk/*` stays external: the
Node.js runtimes ship the SDK v3. A `require` shim (createRequire) lets bundled CommonJS modules
load Node's built-ins in an ESM bundle.

esbuild is the code folder's or the blueprint folder's `node_modules/.bin/esbuild` (a dev
dependency), else `esbuild` on PATH; without one the render stops with SLS021 naming the fix. The
build runs in a temporary folder with fixed options, so the same sources, lock and esbuild version
give the same bytes; the zip's fingerprint includes the esbuild version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic

ENTRY_EXTENSIONS = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
#: esbuild's target per runtime (the runtime's Node.js major version).
TARGETS = {"nodejs20.x": "node20", "nodejs22.x": "node22", "nodejs24.x": "node24"}
REQUIRE_SHIM = "import{createRequire as __slsgenRequire}from'module';const require=__slsgenRequire(import.meta.url);"
BUNDLE_FORMAT = "sls-gen-bundle-1"


def _error(fn, message: str, hint: str) -> BlueprintError:
    return BlueprintError([Diagnostic("SLS021", f"function {fn.name}: {message}", file=fn.code_dir, hint=hint)])


def esbuild_binary(code_folder: Path, blueprint_dir: Path) -> str | None:
    for folder in (code_folder, blueprint_dir):
        candidate = folder / "node_modules" / ".bin" / "esbuild"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.absolute())
    return shutil.which("esbuild")


def esbuild_version(fn, binary: str | None) -> str:
    """The esbuild version that will bundle `fn` (part of its zip's fingerprint); SLS021 without one."""
    if binary is None:
        raise _error(fn, "package.bundle is esbuild, but esbuild is not installed",
                     "`npm install --save-dev esbuild` in the code folder or beside the blueprint "
                     "(or put esbuild on PATH), then render again")
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _error(fn, f"cannot run esbuild ({exc})", "reinstall esbuild (npm install --save-dev esbuild)") from None
    if done.returncode != 0 or not done.stdout.strip():
        raise _error(fn, f"esbuild --version failed: {(done.stderr or done.stdout).strip()[:200]}",
                     "reinstall esbuild (npm install --save-dev esbuild)")
    return done.stdout.strip()


def entry_module(handler: str) -> str:
    return handler.rpartition(".")[0]


def bundle(fn, binary: str, contents: list[tuple[str, bytes, bool]],
           dependencies: list[tuple[str, bytes, bool]]) -> list[tuple[str, bytes, bool]]:
    """The zip entries of the bundle: `<module>.mjs` (and its .map) built from the code folder's files
    (`contents`) and the dependencies installed for Lambda (`dependencies`, under node_modules/)."""
    module = entry_module(fn.handler)
    names = {name for name, _data, _ex in contents}
    entry = next((module + ext for ext in ENTRY_EXTENSIONS if module + ext in names), None)
    if entry is None:
        raise _error(fn, f"no entry file for handler {fn.handler}: none of "
                     f"{', '.join(module + ext for ext in ENTRY_EXTENSIONS[:4])}, ... in {fn.code_dir}",
                     "name the handler after the entry file (src/index.ts -> index.handler)")
    out_name = f"{module}.mjs"
    tmp = tempfile.mkdtemp(prefix="sls-gen-bundle-")
    try:
        src = os.path.join(tmp, "src")
        for name, data, _ex in [*dependencies, *[c for c in contents if not c[0].startswith("node_modules/")]]:
            path = os.path.join(src, *name.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        command = [
            binary, entry, "--bundle", "--platform=node", "--format=esm", f"--target={TARGETS.get(fn.runtime, 'node20')}",
            "--minify", "--tree-shaking=true", "--legal-comments=none", "--charset=utf8", "--log-level=error",
            "--external:@aws-sdk/*", f"--banner:js={REQUIRE_SHIM}", f"--outfile=../out/{out_name}",
            *(["--sourcemap", "--sources-content=false"] if fn.sourcemap else []),
        ]
        try:
            done = subprocess.run(command, cwd=src, capture_output=True, text=True, errors="replace", check=False,
                                  timeout=600, stdin=subprocess.DEVNULL,
                                  env=dict(os.environ, NODE_PATH="", ESBUILD_BINARY_PATH=os.environ.get("ESBUILD_BINARY_PATH", "")))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _error(fn, f"cannot run esbuild ({exc})", "reinstall esbuild (npm install --save-dev esbuild)") from None
        if done.returncode != 0:
            detail = next((ln.strip() for ln in done.stderr.splitlines() if "ERROR" in ln or "error" in ln),
                          done.stderr.strip()[:300] or "esbuild failed")
            detail = detail.replace(tmp + os.sep, "")
            raise _error(fn, f"esbuild could not bundle {entry}: {detail}",
                         "fix the import or the syntax it names; dependencies come from package.json (and its lock)")
        out = []
        out_dir = os.path.join(tmp, "out")
        for dirpath, _dirs, files in os.walk(out_dir):
            for file in files:
                path = os.path.join(dirpath, file)
                arcname = os.path.relpath(path, out_dir).replace(os.sep, "/")
                with open(path, "rb") as fh:
                    out.append((arcname, fh.read(), False))
        return sorted(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
