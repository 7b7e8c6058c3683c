"""Terraform + moto test harness for sls-gen.

Plain helper module (no fixtures); import from tests as ``from tfharness import ...``.

Discovery
    find_terraform()      -> path of the terraform binary or None
                             ($SLS_GEN_TERRAFORM, else PATH)
    find_mirror()         -> directory that CONTAINS ``registry.terraform.io`` or None
                             ($SLS_GEN_TF_MIRROR, else a bounded scan, cached per process)
    require_terraform()   -> (terraform, mirror); pytest.skip if missing, pytest.fail when CI=true
    require_moto()        -> pytest.skip / pytest.fail (CI=true) when moto's server can't be imported
                             (both follow tests/requires.py, the suite's one rule for missing tools)

Running terraform
    tf_env(tmp_root)      -> env dict for subprocesses (offline CLI config, automation vars)
    fmt_check(dir)        -> (ok, output) of ``terraform fmt -check -recursive -diff``
    validate_modules(dirs, jobs=2)  -> {dir: ValidateResult}  one init+validate per root module
    validate_grouped(dirs, jobs=2)  -> {dir: ValidateResult}  one validate per *group* of modules
                                       (wrapper root module with ``module "mN"`` blocks);
                                       failures are re-checked as root modules (confirm=True)

    ValidateResult is a 2-tuple ``(ok, output)`` with extra attributes ``.diagnostics``
    (terraform's JSON diagnostics, filenames relative to the module dir), ``.mode``
    ("root" or "grouped") and ``.grouped`` (the grouped-mode verdict that was overruled by a
    root-mode re-check, if any).

AWS emulator
    MotoServer            -> context manager running ``python -m moto.server`` on 127.0.0.1:<free port>
                             ``.endpoint``, ``.env()``, ``.merged_env(base)``, ``.reset()``

Measured facts this module relies on (terraform 1.11.4, hashicorp/aws 5.100.0, 2 cores):
  * ``init`` from an *unpacked* filesystem mirror symlinks the provider directory into the data
    dir (no 675 MB copy); it still hashes the binary for the lock file (~0.5 s).  A
    ``plugin_cache_dir`` gains nothing for unpacked mirrors (the cache entry is itself a symlink),
    so it is only configured when the mirror holds packed ``.zip`` archives.
  * ``validate`` costs ~2 s per root module, almost all of it provider start-up + schema load.
    In a wrapper, the schema is loaded once and each extra child module (each has its own
    provider block => own provider process) costs ~0.3-0.5 s.
  * Child-module validation reports the same errors as root validation for: wrong attribute
    name, wrong type, missing required argument, undeclared resource/variable reference,
    unknown resource type, bad function calls, bad literal enum values, bad references in
    outputs/lifecycle/depends_on, missing provider alias.  Early (config-load / graph-build)
    errors abort the whole wrapper run, so remaining modules are re-run until a clean pass.
    Child-only false positives exist (``import`` blocks are root-only; required variables
    without defaults; ``validation`` blocks evaluated against defaults) - hence the root-mode
    re-check of every module flagged in grouped mode.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "MIRROR_ENV",
    "TERRAFORM_ENV",
    "find_terraform",
    "find_mirror",
    "require_terraform",
    "require_moto",
    "tf_env",
    "run_tf",
    "fmt_check",
    "ValidateResult",
    "validate_modules",
    "validate_grouped",
    "render_diagnostics",
    "MotoServer",
]

MIRROR_ENV = "SLS_GEN_TF_MIRROR"  # directory that CONTAINS registry.terraform.io
TERRAFORM_ENV = "SLS_GEN_TERRAFORM"  # optional explicit terraform binary
REGISTRY_DIR = "registry.terraform.io"

_LIKELY_ROOTS = (
    "/opt",
    "/usr/share",
    "/usr/local/share",
    "/usr/local/lib",
    "/var/lib",
    "~/.terraform.d",
    "~/.local/share/terraform",
)
_SKIP_TOP = {"/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp", "/lost+found", "/snap"}
_SKIP_NAMES = {".terraform", ".git", "node_modules", "__pycache__", "site-packages"}

# Terraform variables we must not inherit from the developer's shell.
_TF_ENV_DROP = ("TF_CLI_ARGS", "TF_DATA_DIR", "TF_PLUGIN_CACHE_DIR", "TF_WORKSPACE", "TF_CLI_CONFIG_FILE")

_DEFAULT_TIMEOUT = 600


# --------------------------------------------------------------------------- discovery


@functools.lru_cache(maxsize=None)
def _which_terraform() -> str | None:
    return shutil.which("terraform")


def find_terraform() -> str | None:
    """Terraform binary: ``$SLS_GEN_TERRAFORM`` if set (must be executable), else PATH."""
    explicit = os.environ.get(TERRAFORM_ENV)
    if explicit:
        p = Path(explicit).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        return shutil.which(explicit)
    return _which_terraform()


def _is_mirror(root: Path) -> bool:
    """``root`` contains registry.terraform.io/<ns>/<type>/ (any provider)."""
    reg = root / REGISTRY_DIR
    try:
        if not reg.is_dir():
            return False
        for ns in reg.iterdir():
            if ns.is_dir() and any(t.is_dir() for t in ns.iterdir()):
                return True
    except OSError:
        return False
    return False


def _walk_for_mirror(top: Path, max_depth: int) -> Path | None:
    """Bounded breadth-first search for a dir named registry.terraform.io below ``top``.

    Returns the PARENT of that directory (the mirror root).  ``max_depth`` counts the depth of
    the registry.terraform.io directory itself relative to ``top`` (top/x/registry... = 2).
    """
    top_s = str(top)
    for dirpath, dirnames, _files in os.walk(top_s, followlinks=False):
        rel = os.path.relpath(dirpath, top_s)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        if REGISTRY_DIR in dirnames and _is_mirror(Path(dirpath)):
            return Path(dirpath)
        if depth + 1 >= max_depth:
            dirnames[:] = []
            continue
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIP_NAMES
            and os.path.join(dirpath, d) not in _SKIP_TOP
            and d != REGISTRY_DIR
        )
    return None


@functools.lru_cache(maxsize=None)
def _scan_for_mirror() -> Path | None:
    seen: set[str] = set()
    for raw in _LIKELY_ROOTS:
        root = Path(raw).expanduser()
        if not root.is_dir():
            continue
        seen.add(str(root))
        if _is_mirror(root):
            return root
        found = _walk_for_mirror(root, max_depth=3)
        if found:
            return found
    # Last resort: like `find / -maxdepth 3 -type d -name registry.terraform.io`.
    found = _walk_for_mirror(Path("/"), max_depth=3)
    return found


def find_mirror() -> Path | None:
    """Provider mirror root (the directory containing ``registry.terraform.io``).

    ``$SLS_GEN_TF_MIRROR`` wins (the registry.terraform.io dir itself is accepted too); if it
    is set but does not point at a mirror, None is returned - an explicit setting is never
    silently replaced by a scan.  Otherwise scan likely roots, then ``/`` to depth 3; the
    scan result is cached for the process.
    """
    explicit = os.environ.get(MIRROR_ENV)
    if explicit:
        p = Path(explicit).expanduser()
        if p.name == REGISTRY_DIR:
            p = p.parent
        return p.resolve() if _is_mirror(p) else None
    return _scan_for_mirror()


def _skip_or_fail(msg: str):
    from requires import skip_or_fail  # the one skip-or-fail-under-CI rule of the suite (tests/requires.py)

    skip_or_fail(msg)


def require_terraform() -> tuple[str, Path]:
    """(terraform, mirror) or pytest.skip - pytest.fail instead when CI=true."""
    tf = find_terraform()
    if tf is None:
        _skip_or_fail(f"terraform binary not found (PATH / ${TERRAFORM_ENV})")
    mirror = find_mirror()
    if mirror is None:
        hint = (
            f"${MIRROR_ENV}={os.environ[MIRROR_ENV]!r} is not a provider mirror"
            if os.environ.get(MIRROR_ENV)
            else f"no offline provider mirror found; set ${MIRROR_ENV} to the dir containing {REGISTRY_DIR}"
        )
        _skip_or_fail(hint)
    return tf, mirror  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)
def moto_server_importable() -> tuple[bool, str]:
    """Can ``sys.executable -m moto.server`` start (flask/werkzeug present)?  Cached."""
    proc = subprocess.run(
        [sys.executable, "-c", "import moto.server"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode == 0, (proc.stderr or "").strip()


def require_moto() -> None:
    ok, err = moto_server_importable()
    if not ok:
        last = err.splitlines()[-1] if err else "import failed"
        _skip_or_fail(f"moto server unavailable for {sys.executable} ({last}); pip install 'moto[server]'")


# --------------------------------------------------------------------------- environment


def _mirror_is_packed(mirror: Path) -> bool:
    reg = mirror / REGISTRY_DIR
    for dirpath, _dirs, files in os.walk(reg):
        if any(f.endswith(".zip") for f in files):
            return True
    return False


def _hcl_str(s: str) -> str:
    return json.dumps(s)  # JSON string escaping is valid HCL string syntax


def tf_env(tmp_root: str | os.PathLike, mirror: Path | None = None) -> dict[str, str]:
    """Environment for terraform subprocesses: offline provider installation from the mirror.

    Writes ``<tmp_root>/terraformrc`` and returns a copy of os.environ with
    TF_CLI_CONFIG_FILE pointing at it plus TF_IN_AUTOMATION=1, TF_INPUT=0,
    CHECKPOINT_DISABLE=1.  Raises RuntimeError if no mirror can be found.
    """
    tmp_root = Path(tmp_root)
    tmp_root.mkdir(parents=True, exist_ok=True)
    mirror = mirror or find_mirror()
    if mirror is None:
        raise RuntimeError(f"no terraform provider mirror (set ${MIRROR_ENV})")
    lines = []
    if _mirror_is_packed(mirror):
        # Packed (.zip) mirrors are extracted on every init; a cache avoids that.  Unpacked
        # mirrors are symlinked directly, so no cache is configured for them.
        cache = tmp_root / "plugin-cache"
        cache.mkdir(exist_ok=True)
        lines.append(f"plugin_cache_dir = {_hcl_str(str(cache))}")
    lines += [
        "provider_installation {",
        "  filesystem_mirror {",
        f"    path    = {_hcl_str(str(mirror))}",
        f'    include = ["{REGISTRY_DIR}/*/*"]',
        "  }",
        "  direct {",
        f'    exclude = ["{REGISTRY_DIR}/*/*"]',
        "  }",
        "}",
    ]
    cfg = tmp_root / "terraformrc"
    cfg.write_text("\n".join(lines) + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _TF_ENV_DROP and not k.startswith("TF_CLI_ARGS_") and not k.startswith("TF_VAR_")
    }
    env.update(
        TF_CLI_CONFIG_FILE=str(cfg),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    return env


# packed mirrors + shared plugin cache: terraform does not lock the cache, serialise inits.
_INIT_LOCK = threading.Lock()


def run_tf(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    timeout: float = _DEFAULT_TIMEOUT,
) -> subprocess.CompletedProcess:
    """Run ``terraform <args>``; never raises on non-zero exit (check .returncode).

    A timeout is reported as returncode -1 with a message in stderr.
    """
    tf = find_terraform()
    if tf is None:
        raise RuntimeError("terraform not found")
    cmd = [tf, *args]
    try:
        return subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(cmd, -1, out, err + f"\n[tfharness] timed out after {timeout}s")


def fmt_check(dir: str | os.PathLike) -> tuple[bool, str]:
    """``terraform fmt -check -recursive -diff``; (ok, combined output)."""
    env = dict(os.environ, CHECKPOINT_DISABLE="1")
    p = run_tf(["fmt", "-check", "-recursive", "-diff", "-no-color", str(dir)], env=env, timeout=120)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


# --------------------------------------------------------------------------- validation


class ValidateResult(tuple):
    """``(ok, output)`` plus ``.diagnostics``, ``.mode`` and ``.grouped``."""

    def __new__(cls, ok: bool, output: str, diagnostics: Iterable[dict] = (), mode: str = "root", grouped=None):
        self = super().__new__(cls, (bool(ok), output))
        self.diagnostics = list(diagnostics)
        self.mode = mode
        self.grouped = grouped
        return self

    @property
    def ok(self) -> bool:
        return self[0]

    @property
    def output(self) -> str:
        return self[1]

    @property
    def errors(self) -> list[dict]:
        return [d for d in self.diagnostics if d.get("severity") == "error"]

    def __repr__(self) -> str:
        summ = "; ".join(d.get("summary", "") for d in self.errors)
        return f"ValidateResult(ok={self.ok}, mode={self.mode!r}, errors=[{summ}])"


def render_diagnostics(diags: Iterable[dict]) -> str:
    """Human-readable rendering close to terraform's own ``-no-color`` output."""
    out = []
    for d in diags:
        sev = "Error" if d.get("severity") == "error" else "Warning"
        block = [f"{sev}: {d.get('summary', '')}"]
        rng = d.get("range") or {}
        if rng.get("filename"):
            line = (rng.get("start") or {}).get("line")
            where = f"  on {rng['filename']} line {line}"
            snip = d.get("snippet") or {}
            if snip.get("context"):
                where += f", in {snip['context']}"
            block += ["", where + ":"]
            code = snip.get("code")
            if code is not None:
                start = snip.get("start_line", line) or 0
                for i, text in enumerate(code.split("\n")):
                    block.append(f"  {start + i}: {text}")
        if d.get("detail"):
            block += ["", d["detail"]]
        out.append("\n".join(block))
    return "\n\n".join(out)


def _parse_validate_json(text: str) -> dict | None:
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # validate -json prints exactly one object; be tolerant of leading noise
        i = text.find("{")
        try:
            return json.loads(text[i:]) if i >= 0 else None
        except json.JSONDecodeError:
            return None


_BACKEND_IGNORED = "Backend configuration ignored"


def _validate_root(module: Path, env: dict[str, str], data_dir: Path, timeout: float, keep_lockfile: bool) -> ValidateResult:
    module = Path(module)
    lock = module / ".terraform.lock.hcl"
    lock_before = lock.read_bytes() if lock.exists() else None
    env = dict(env, TF_DATA_DIR=str(data_dir))  # keep .terraform out of the module dir
    try:
        init_args = ["-chdir=" + str(module), "init", "-backend=false", "-input=false", "-no-color"]
        if "plugin_cache_dir" in Path(env["TF_CLI_CONFIG_FILE"]).read_text():
            with _INIT_LOCK:
                init = run_tf(init_args, env=env, timeout=timeout)
        else:
            init = run_tf(init_args, env=env, timeout=timeout)
        val = run_tf(["-chdir=" + str(module), "validate", "-json", "-no-color"], env=env, timeout=timeout)
    finally:
        if not keep_lockfile:
            try:
                if lock_before is None:
                    lock.unlink(missing_ok=True)
                elif lock.read_bytes() != lock_before:
                    lock.write_bytes(lock_before)
            except OSError:
                pass
    parsed = _parse_validate_json(val.stdout)
    diags = (parsed or {}).get("diagnostics", [])
    text = render_diagnostics(diags)
    ok = init.returncode == 0 and val.returncode == 0 and bool(parsed and parsed.get("valid"))
    if init.returncode != 0:
        text = f"terraform init failed (rc={init.returncode}):\n{(init.stdout + init.stderr).strip()}\n\n{text}".strip()
    if parsed is None:
        text = f"{text}\n\nterraform validate (rc={val.returncode}):\n{(val.stdout + val.stderr).strip()}".strip()
    return ValidateResult(ok, text, diags, mode="root")


class _Scratch:
    """Temp dir for data dirs / wrappers / CLI config; removed on exit."""

    def __init__(self, root: str | os.PathLike | None):
        self._own = root is None
        self.path = Path(tempfile.mkdtemp(prefix="tfharness-")) if root is None else Path(root)
        self.path.mkdir(parents=True, exist_ok=True)
        self._n = 0
        self._lock = threading.Lock()

    def new(self, prefix: str) -> Path:
        with self._lock:
            self._n += 1
            p = self.path / f"{prefix}{self._n}"
        p.mkdir(parents=True)
        return p

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._own:
            shutil.rmtree(self.path, ignore_errors=True)


def validate_modules(
    dirs: Sequence[str | os.PathLike],
    jobs: int = 2,
    *,
    scratch: str | os.PathLike | None = None,
    timeout: float = _DEFAULT_TIMEOUT,
    keep_lockfile: bool = False,
) -> dict[Path, ValidateResult]:
    """``terraform init -backend=false`` + ``terraform validate`` for each root module.

    The data dir (TF_DATA_DIR) lives in a scratch dir; the lock file init writes into the
    module dir is removed/restored afterwards unless ``keep_lockfile``.
    """
    with _Scratch(scratch) as sc:
        env = tf_env(sc.path / "cli")
        return _validate_many_root([Path(d) for d in dirs], env, sc, jobs, timeout, keep_lockfile)


def _validate_many_root(dirs, env, sc: _Scratch, jobs, timeout, keep_lockfile) -> dict[Path, ValidateResult]:
    if not dirs:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {d: pool.submit(_validate_root, d, env, sc.new("data"), timeout, keep_lockfile) for d in dirs}
        return {d: f.result() for d, f in futs.items()}


# ---- grouped mode


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Wrapper:
    def __init__(self, wdir: Path, modules: list[Path]):
        self.dir = wdir
        self.modules = modules
        self.names: dict[str, Path] = {}
        self.line_map: list[tuple[int, int, Path]] = []  # (first, last line, module)
        self.abs = {m: os.path.realpath(m) for m in modules}
        lines: list[str] = []
        for i, m in enumerate(modules):
            name = f"m{i}"
            rel = os.path.relpath(self.abs[m], os.path.realpath(wdir)).replace(os.sep, "/")
            if not rel.startswith("../") and not rel.startswith("./"):
                rel = "./" + rel
            first = len(lines) + 1
            lines += [f'module "{name}" {{', f"  source = {_hcl_str(rel)}", "}", ""]
            self.names[name] = m
            self.line_map.append((first, first + 2, m))
        (wdir / "main.tf").write_text("\n".join(lines))

    def attribute(self, d: dict) -> Path | None:
        rng = d.get("range") or {}
        fn = rng.get("filename")
        if fn:
            full = os.path.realpath(os.path.join(self.dir, fn))
            if os.path.dirname(full) == os.path.realpath(self.dir):
                line = (rng.get("start") or {}).get("line") or 0
                for first, last, m in self.line_map:
                    if first <= line <= last:
                        return m
            else:
                best = None
                for m, a in self.abs.items():
                    if _is_within(full, a) and (best is None or len(a) > len(self.abs[best])):
                        best = m
                if best is not None:
                    return best
        hay = " ".join(str(d.get(k, "")) for k in ("address", "summary", "detail"))
        hits = {self.names[n] for n in re.findall(r"\bmodule\.(m\d+)\b", hay) if n in self.names}
        if len(hits) == 1:
            return hits.pop()
        for m, a in self.abs.items():  # e.g. "checked by the validation rule at ../x/main.tf:15"
            rel = os.path.relpath(a, os.path.realpath(self.dir))
            if rel + os.sep in hay or rel + "/" in hay:
                hits.add(m)
        return hits.pop() if len(hits) == 1 else None

    def relocate(self, d: dict, m: Path) -> dict:
        """Copy of diagnostic ``d`` with filenames relative to module ``m`` (as in root mode)."""
        d = json.loads(json.dumps(d))
        rng = d.get("range") or {}
        fn = rng.get("filename")
        if fn:
            full = os.path.realpath(os.path.join(self.dir, fn))
            if _is_within(full, self.abs[m]):
                rng["filename"] = os.path.relpath(full, self.abs[m])
        if d.get("detail"):
            rel = os.path.relpath(self.abs[m], os.path.realpath(self.dir))
            d["detail"] = d["detail"].replace(rel + "/", "")
        return d


def _run_group(mods: list[Path], env, sc: _Scratch, timeout) -> tuple[dict[Path, ValidateResult], list[Path], str | None]:
    """One wrapper round.

    Returns (results for modules settled in this round, modules flagged with errors,
    fatal message if errors could not be attributed).
    """
    w = _Wrapper(sc.new("group"), mods)
    init_args = ["-chdir=" + str(w.dir), "init", "-backend=false", "-input=false", "-no-color"]
    if "plugin_cache_dir" in Path(env["TF_CLI_CONFIG_FILE"]).read_text():
        with _INIT_LOCK:
            init = run_tf(init_args, env=env, timeout=timeout)
    else:
        init = run_tf(init_args, env=env, timeout=timeout)
    val = run_tf(["-chdir=" + str(w.dir), "validate", "-json", "-no-color"], env=env, timeout=timeout)
    parsed = _parse_validate_json(val.stdout)
    if parsed is None:
        return {}, [], f"validate produced no JSON (rc={val.returncode}): {(val.stdout + val.stderr)[-2000:]}"

    per_mod: dict[Path, list[dict]] = {m: [] for m in mods}
    unattributed: list[dict] = []
    for d in parsed.get("diagnostics", []):
        if d.get("severity") == "warning" and d.get("summary") == _BACKEND_IGNORED:
            continue  # artefact of calling a root module as a child
        m = w.attribute(d)
        if m is None:
            if d.get("severity") == "error":
                unattributed.append(d)
            continue
        per_mod[m].append(w.relocate(d, m))

    if unattributed:
        return {}, [], "unattributed errors:\n" + render_diagnostics(unattributed)
    flagged = [m for m in mods if any(x.get("severity") == "error" for x in per_mod[m])]
    if not flagged:
        if init.returncode != 0 or not parsed.get("valid"):
            return {}, [], f"wrapper failed without attributable errors:\n{(init.stdout + init.stderr)[-2000:]}"
        return {m: ValidateResult(True, render_diagnostics(per_mod[m]), per_mod[m], mode="grouped") for m in mods}, [], None
    results = {m: ValidateResult(False, render_diagnostics(per_mod[m]), per_mod[m], mode="grouped") for m in flagged}
    return results, flagged, None


def _validate_group(mods: list[Path], env, sc: _Scratch, timeout, confirm, keep_lockfile, jobs=1) -> dict[Path, ValidateResult]:
    results: dict[Path, ValidateResult] = {}
    to_confirm: list[Path] = []
    pending = list(mods)
    while pending:
        settled, flagged, fatal = _run_group(pending, env, sc, timeout)
        if fatal is not None:
            # Could not map the failure to a module: fall back to validating each one as root.
            for m, r in _validate_many_root(pending, env, sc, jobs, timeout, keep_lockfile).items():
                results[m] = r
            break
        results.update(settled)
        if not flagged:
            break
        to_confirm += flagged
        # Early (config/graph) errors abort the whole run, so the remaining modules have not
        # necessarily been checked: run them again without the flagged ones.
        pending = [m for m in pending if m not in flagged]
    if confirm and to_confirm:
        for m, r in _validate_many_root(to_confirm, env, sc, jobs, timeout, keep_lockfile).items():
            r.grouped = results[m]
            results[m] = r
    return results


def validate_grouped(
    dirs: Sequence[str | os.PathLike],
    jobs: int = 2,
    *,
    groups: int | None = None,
    group_size: int = 16,
    confirm: bool = True,
    scratch: str | os.PathLike | None = None,
    timeout: float = _DEFAULT_TIMEOUT,
    keep_lockfile: bool = False,
) -> dict[Path, ValidateResult]:
    """Validate many root modules with one ``terraform validate`` per group.

    Each group becomes a wrapper root module (in a scratch dir) with one
    ``module "mN" { source = "<relative path>" }`` block per module, so the provider schema is
    loaded once per group.  Diagnostics are mapped back to modules via their file ranges,
    wrapper line numbers or ``module.mN`` addresses.  Modules with errors are removed and the
    rest re-validated until a clean pass.  With ``confirm`` (default) every flagged module is
    re-validated as a root module, whose verdict is authoritative (``.grouped`` keeps the
    grouped verdict); so the result never differs from ``validate_modules`` by a false positive.

    Grouping: ``groups`` wrappers if given, else ceil(n / group_size); up to ``jobs`` run at once.
    One big group is cheapest in CPU (the ~2.5 CPU-s schema load is paid once; every extra
    module costs ~0.4-0.6 CPU-s and ~100 MB for its own provider process), so the default only
    splits beyond 16 modules.

    Requirements on modules: every variable needs a default (otherwise the module is flagged and
    falls back to root-mode validation), and the provider version constraints of all modules in
    a group must be satisfiable together.
    """
    paths = [Path(d) for d in dirs]
    if not paths:
        return {}
    n_groups = groups if groups else -(-len(paths) // max(1, group_size))
    n_groups = max(1, min(n_groups, len(paths)))
    buckets = [paths[i::n_groups] for i in range(n_groups)]
    with _Scratch(scratch) as sc:
        env = tf_env(sc.path / "cli")
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, n_groups))) as pool:
            per_group_jobs = max(1, jobs // n_groups)  # parallelism left for root-mode re-checks
            futs = [
                pool.submit(_validate_group, b, env, sc, timeout, confirm, keep_lockfile, per_group_jobs)
                for b in buckets
            ]
            merged: dict[Path, ValidateResult] = {}
            for f in futs:
                merged.update(f.result())
    return {p: merged[p] for p in paths}


# --------------------------------------------------------------------------- moto


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class MotoServer:
    """Run moto's standalone server for the duration of a ``with`` block.

    Always binds 127.0.0.1: with an IP-address endpoint the AWS SDK (Go v2) falls back to
    path-style S3 addressing.  With ``localhost`` it uses virtual-hosted style
    (``<bucket>.localhost``), which does not resolve, and the AWS provider then treats buckets
    as deleted - the provider ignores ``AWS_S3_USE_PATH_STYLE``.
    """

    # Variables that would make SDKs use other credentials/endpoints than the emulator.
    _DROP = (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    )

    def __init__(
        self,
        region: str = "us-east-1",
        *,
        host: str = "127.0.0.1",
        startup_timeout: float = 60.0,
        command: Sequence[str] | None = None,
    ):
        """``command``: the server to run (default ``python -m moto.server``); ``-H host -p port`` is appended."""
        self.command = list(command) if command else [sys.executable, "-m", "moto.server"]
        self.region = region
        self.host = host
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._log = None

    # -- lifecycle
    def start(self) -> "MotoServer":
        last_err = ""
        for _attempt in range(3):  # the free port can be stolen between probe and bind
            self.port = _free_port(self.host)
            self._log = tempfile.TemporaryFile(mode="w+b")
            self.proc = subprocess.Popen(
                [*self.command, "-H", self.host, "-p", str(self.port)],
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if self._answers():
                    # Another server may hold the port (stolen between probe and bind) and answer for
                    # ours, which then dies of "address in use": only a live child counts as ours.
                    time.sleep(0.5)
                    if self.proc.poll() is None:
                        return self
                    break
                time.sleep(0.1)
            last_err = self.log_tail()
            self.stop()
            if "in use" not in last_err.lower():
                break
        raise RuntimeError(f"moto server did not come up on {self.host}:{self.port}:\n{last_err}")

    def _answers(self) -> bool:
        try:
            with _NO_PROXY_OPENER.open(f"{self.endpoint}/moto-api/", timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- info
    @property
    def endpoint(self) -> str:
        if self.port is None:
            raise RuntimeError("MotoServer not started")
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_S3_USE_PATH_STYLE": "true",  # honoured by some SDKs/CLIs, NOT by the AWS provider
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def merged_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default os.environ) minus competing credential/endpoint settings, plus env()."""
        src = dict(os.environ if base is None else base)
        out = {
            k: v
            for k, v in src.items()
            if k not in self._DROP and not k.startswith("AWS_ENDPOINT_URL_")
        }
        out.update(self.env())
        return out

    def reset(self) -> None:
        """Drop all emulated state."""
        req = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST", data=b"")
        with _NO_PROXY_OPENER.open(req, timeout=10):
            pass

    def log_tail(self, n: int = 40) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return "\n".join(self._log.read().decode(errors="replace").splitlines()[-n:])


# --------------------------------------------------------------------------- benchmark

_BENCH_MODULE = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {}
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "name" {
  type    = string
  default = "svc%(i)d"
}

resource "aws_dynamodb_table" "t" {
  name         = var.name
  hash_key     = "pk"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_iam_role" "fn" {
  name = "${var.name}-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_cloudwatch_log_group" "fn" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = 14
}

resource "aws_lambda_function" "fn" {
  function_name = var.name
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "${path.module}/build.zip"
  environment {
    variables = { TABLE = aws_dynamodb_table.t.name }
  }
}

output "table_arn" {
  value = aws_dynamodb_table.t.arn
}
"""


def _bench(n: int, jobs: int) -> None:  # pragma: no cover - manual tool
    import resource

    def cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    class timed:
        def __enter__(self):
            self.t, self.c = time.perf_counter(), cpu()
            return self

        def __exit__(self, *exc):
            self.wall, self.cpu = time.perf_counter() - self.t, cpu() - self.c

        def __str__(self):
            return f"wall {self.wall:.2f}s, child cpu {self.cpu:.2f}s"

    print(f"load average before: {os.getloadavg()}")
    root = Path(tempfile.mkdtemp(prefix="tfharness-bench-"))
    try:
        dirs = []
        for i in range(n):
            d = root / f"mod{i}"
            d.mkdir()
            (d / "main.tf").write_text(_BENCH_MODULE % {"i": i})
            dirs.append(d)
        env = tf_env(root / "cli")
        sc = _Scratch(root / "scratch")
        denv = dict(env, TF_DATA_DIR=str(sc.new("d")))
        with timed() as t:
            r = run_tf(["-chdir=" + str(dirs[0]), "init", "-backend=false", "-input=false"], env=denv)
        print(f"single init: {t} rc={r.returncode}")
        with timed() as t:
            r = run_tf(["-chdir=" + str(dirs[0]), "validate", "-json"], env=denv)
        print(f"single validate: {t} rc={r.returncode}")
        (dirs[0] / ".terraform.lock.hcl").unlink(missing_ok=True)
        with timed() as t:
            res = validate_modules(dirs, jobs=jobs)
        print(f"validate_modules n={n} jobs={jobs}: {t} ok={sum(x.ok for x in res.values())}")
        for g in sorted({1, jobs}):
            with timed() as t:
                res = validate_grouped(dirs, jobs=jobs, groups=g)
            print(f"validate_grouped n={n} groups={g}: {t} ok={sum(x.ok for x in res.values())}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover
    # python3 tests/tfharness.py bench N [jobs]
    if len(sys.argv) >= 3 and sys.argv[1] == "bench":
        _bench(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    else:
        print(__doc__)
