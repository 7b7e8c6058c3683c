"""A function's dependencies, installed for Lambda (its runtime and architecture), never for the host.

Python: the code folder's `requirements.txt` (or the file `package: {requirements: FILE}` names, relative
to the code folder; else a pinned `requirements.lock`; else a `pyproject.toml` whose `uv.lock` is
exported pinned with its hashes: `locked_requirements`) is installed with pip run as a subprocess of the interpreter running sls-gen
(`sys.executable -m pip`), for the Lambda platform:

    pip install -r FILE --platform manylinux2014_<aarch64|x86_64> --implementation cp
        --python-version <3.x of the runtime> --only-binary=:all: --no-compile --target <tmp>

Only wheels are accepted: pip never builds a source distribution on the host (it would build it for
the host's platform). A requirement with no wheel for the target is SLS009 naming it.

Node.js: a code folder's `package.json` with `dependencies` and its `package-lock.json` are installed
with `npm ci --omit=dev --os=linux --cpu=<arm64|x64> --ignore-scripts` in a temp folder (production
dependencies only, the optional platform packages of Lambda's OS and the function's CPU; install
scripts would build for the host, so they do not run); the result is zipped under `node_modules/`
in place of the code folder's own `node_modules/` (a host install, with dev dependencies).

The installed files are cached in the user's cache (generator/cache.py, `deps/`), keyed by
(sha256 of the requirements file, runtime, architecture, DEPS_FORMAT): an unchanged re-render never
runs pip. A cache entry is the deterministic zip of the installed tree, signed like the render records
(HMAC-SHA256 with the user's key), so what goes into a deployment package from the cache is exactly
what this user's sls-gen installed; an entry that fails the check is installed again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.diagnostics import BlueprintError, Diagnostic

DEPS_FORMAT = "sls-gen-deps-1"
_MAGIC = b"sls-gen-deps 1 "
_PURPOSE = b"deps"
#: Left out of an install: bytecode pip or an import wrote (pip runs with --no-compile).
_DROPPED_DIRS = frozenset({"__pycache__"})
_DROPPED_SUFFIXES = (".pyc", ".pyo")

PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
NODE_CPUS = {"arm64": "arm64", "x86_64": "x64"}


class Requirements:
    """A function's dependency manifest: where it is, its bytes, and the cache key of its install.

    `kind`: "python" (a requirements file) or "node" (package.json, with its lock in `lock`)."""

    def __init__(self, path: Path, data: bytes, runtime: str, architecture: str, kind: str = "python",
                 lock: Path | None = None, exported: bool = False) -> None:
        # absolute: pip runs in the code folder, and a blueprint path may be relative to the caller's cwd
        self.path, self.data, self.runtime, self.architecture = path.absolute(), data, runtime, architecture
        self.kind, self.lock = kind, lock.absolute() if lock is not None else None
        # `data` is a complete pinned export of a lock (uv.lock): pip installs exactly it (--no-deps)
        self.exported = exported
        self.key = hashlib.sha256(
            b"\0".join([DEPS_FORMAT.encode(), kind.encode(), hashlib.sha256(data).hexdigest().encode(),
                        runtime.encode(), architecture.encode()])
        ).hexdigest()

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def platform(self) -> str:
        return PLATFORMS[self.architecture]

    @property
    def cpu(self) -> str:
        return NODE_CPUS[self.architecture]


def requirements(fn, root: Path) -> Requirements | None:
    """The dependency manifest of a Python or Node.js function whose code folder exists, or None."""
    if fn.language == "node":
        return node_requirements(fn, root)
    return python_requirements(fn, root)


def node_requirements(fn, root: Path) -> Requirements | None:
    """package.json + package-lock.json of a Node.js function, or None: no package.json, or no
    dependencies. A package.json with dependencies and no lock is SLS009: the install must be exact."""
    if fn.language != "node":
        return None
    folder = root / fn.code_dir
    try:
        manifest = (folder / "package.json").read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError as exc:
        from generator.package.zips import unreadable

        raise unreadable(exc, str(folder / "package.json")) from None
    import json

    try:
        doc = json.loads(manifest)
    except ValueError as exc:
        raise _error(fn, f"{fn.code_dir}/package.json is not JSON ({exc})", "fix package.json") from None
    if not isinstance(doc, dict) or not doc.get("dependencies"):
        return None
    lock = folder / "package-lock.json"
    try:
        lock_data = lock.read_bytes()
    except FileNotFoundError:
        raise _error(fn, f"{fn.code_dir}/package.json has dependencies but no package-lock.json",
                     "run `npm install` in the code folder and commit package-lock.json") from None
    except OSError as exc:
        from generator.package.zips import unreadable

        raise unreadable(exc, str(lock)) from None
    return Requirements(folder / "package.json", manifest + b"\0" + lock_data, fn.runtime, fn.architecture,
                        kind="node", lock=lock)


def python_requirements(fn, root: Path) -> Requirements | None:
    """The requirements of a Python function whose code folder exists, or None: nothing to install.

    An explicit `package.requirements` that does not exist is SLS009; the convention file is optional.
    """
    if fn.language != "python":
        return None
    named = getattr(fn, "requirements", None)
    path = root / fn.code_dir / (named or "requirements.txt")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if named:
            raise _error(fn, f"the requirements file {named} does not exist in {fn.code_dir}",
                         "create it, or remove package.requirements to use requirements.txt if present") from None
        return locked_requirements(fn, root / fn.code_dir)
    except (IsADirectoryError, NotADirectoryError):
        return None
    except OSError as exc:
        from generator.package.zips import unreadable

        raise unreadable(exc, str(path)) from None
    if not _has_requirement(data):
        return None  # only comments or blank lines: nothing to install
    return Requirements(path, data, fn.runtime, fn.architecture)


def locked_requirements(fn, folder: Path) -> Requirements | None:
    """A code folder without requirements.txt: `requirements.lock` (a pinned export: pip-tools, rye,
    `uv export`) is installed like a requirements file; a `pyproject.toml` with dependencies needs its
    `uv.lock`, whose production dependencies are exported pinned (with their hashes) and installed
    exactly (SLS020 without a lock, or for a package the lock takes from git or a path)."""
    pinned = folder / "requirements.lock"
    data = _read_optional(pinned)
    if data is not None:
        return Requirements(pinned, data, fn.runtime, fn.architecture) if _has_requirement(data) else None
    project = _read_optional(folder / "pyproject.toml")
    if project is None:
        return None
    import tomllib

    try:
        meta = tomllib.loads(project.decode("utf-8")).get("project") or {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise _error(fn, f"{fn.code_dir}/pyproject.toml is not valid TOML ({exc})", "fix pyproject.toml",
                     code="SLS020") from None
    if not meta.get("dependencies"):
        return None
    lock = _read_optional(folder / "uv.lock")
    if lock is None:
        raise _error(fn, f"{fn.code_dir}/pyproject.toml declares dependencies but has no lock: the install would not "
                     "be exact", "run `uv lock` (and commit uv.lock), or export a pinned requirements.lock "
                     "(`uv export --no-dev -o requirements.lock`, `pip-compile -o requirements.lock pyproject.toml`)",
                     code="SLS020")
    try:
        exported = export_uv_lock(lock, str(meta.get("name") or ""), lambda_environment(fn.runtime, fn.architecture))
    except ValueError as exc:
        raise _error(fn, f"{fn.code_dir}/uv.lock: {exc}", "lock registry packages only (wheels from an index), or "
                     "vendor that package into the code folder", code="SLS020") from None
    return Requirements(folder / "uv.lock", exported, fn.runtime, fn.architecture, exported=True)


def _read_optional(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError as exc:
        from generator.package.zips import unreadable

        raise unreadable(exc, str(path)) from None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lambda_environment(runtime: str, architecture: str) -> dict[str, str]:
    """The PEP 508 marker environment of a Lambda Python runtime (markers are evaluated for Lambda,
    not for the host: pip would evaluate them for the Python running it)."""
    version = runtime.removeprefix("python")
    return {
        "python_version": version, "python_full_version": f"{version}.0", "implementation_name": "cpython",
        "implementation_version": f"{version}.0", "platform_python_implementation": "CPython",
        "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
        "platform_machine": "aarch64" if architecture == "arm64" else "x86_64", "platform_release": "",
        "platform_version": "", "extra": "",
    }


def _marker_holds(marker: str, environment: dict[str, str]) -> bool | None:
    """Does the marker hold on Lambda? None when no marker evaluator is at hand (pip then decides)."""
    try:
        from packaging.markers import Marker
    except ImportError:
        try:
            from pip._vendor.packaging.markers import Marker  # pip is what installs: it is there
        except ImportError:
            return None
    try:
        return Marker(marker).evaluate(environment)
    except Exception as exc:  # noqa: BLE001 - an invalid marker in the lock
        raise ValueError(f"cannot read the marker {marker!r} ({exc})") from None


def export_uv_lock(lock: bytes, project: str, environment: dict[str, str] | None = None) -> bytes:
    """The production dependencies of `project` in a uv.lock, pinned, as a requirements file: every
    package reachable from the project's `dependencies` (extras followed; dev groups and optional
    dependencies of the project left out), `name==version ; marker` with every hash the lock records;
    with `environment` (lambda_environment), markers are decided for it and left out.
    ValueError for a lock it cannot read, or a package from git, a path or a URL (not an index)."""
    import tomllib

    try:
        doc = tomllib.loads(lock.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a readable lock ({exc})") from None
    packages = [p for p in doc.get("package", []) if isinstance(p, dict) and "name" in p]
    by_name: dict[str, list[dict]] = {}
    for p in packages:
        by_name.setdefault(_normal(p["name"]), []).append(p)

    def local(p: dict) -> bool:
        source = p.get("source") or {}
        return source.get("virtual") == "." or source.get("editable") == "."

    roots = [p for p in packages if local(p) and (not project or _normal(p["name"]) == _normal(project))]
    if not roots:
        raise ValueError(f"no entry for the project {project or '(unnamed)'}: run `uv lock` again")

    def target(dep: dict) -> dict:
        found = by_name.get(_normal(dep.get("name", "")), [])
        if "version" in dep:
            found = [p for p in found if p.get("version") == dep["version"]] or found
        if not found:
            raise ValueError(f"{dep.get('name')} is listed as a dependency but not locked: run `uv lock` again")
        return found[0]

    def both(a: str | None, b: str | None) -> str | None:
        if a is None or b is None:
            return a or b
        return f"({a}) and ({b})"

    markers: dict[tuple[str, str], set] = {}
    walked: set = set()
    todo = [(dep, None) for dep in roots[0].get("dependencies", [])]
    while todo:
        dep, outer = todo.pop()
        pkg = target(dep)
        key = (_normal(pkg["name"]), str(pkg.get("version", "")))
        marker = both(outer, dep.get("marker"))
        extras = tuple(sorted(dep.get("extra") or ()))
        if (key, marker, extras) in walked:
            continue
        walked.add((key, marker, extras))
        markers.setdefault(key, set()).add(marker)
        below = list(pkg.get("dependencies", []))
        for extra in extras:
            below += (pkg.get("optional-dependencies") or {}).get(extra, [])
        todo += [(d, marker) for d in below]
    lines, hashed = [], []
    for (name, version), found in sorted(markers.items()):
        pkg = target({"name": name, "version": version})
        source = pkg.get("source") or {}
        if local(pkg):
            continue  # another workspace member: its code is the code folder's, not an install
        if "registry" not in source:
            where = next(iter(source), "an unknown source")
            raise ValueError(f"{pkg['name']} is locked from {where}, not a package index: sls-gen installs wheels for "
                             "Lambda's platform from an index only")
        marker = None if None in found else " or ".join(sorted(f"({m})" for m in found))
        if marker is not None and environment is not None:
            holds = _marker_holds(marker, environment)
            if holds is False:
                continue  # not installed on Lambda (a Windows-only or older-Python dependency)
            if holds:
                marker = None
        hashes = [f["hash"] for f in (pkg.get("wheels") or []) + [pkg.get("sdist") or {}] if f.get("hash")]
        hashed.append(bool(hashes))
        lines.append((f"{pkg['name']}=={version}" + (f" ; {marker}" if marker else ""), hashes))
    with_hashes = bool(hashed) and all(hashed)  # pip checks hashes for all requirements or none
    out = ["# exported from uv.lock by sls-gen: production dependencies, pinned"]
    for requirement, hashes in lines:
        out.append(requirement + "".join(f" \\\n    --hash={h}" for h in hashes) if with_hashes else requirement)
    return ("\n".join(out) + "\n").encode()


def _has_requirement(data: bytes) -> bool:
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return True
    return False


def combined_fingerprint(tree: str, req: Requirements | None, exclude: tuple[str, ...] = ()) -> str:
    """The fingerprint of a zip: its code tree plus, when it has them, the install's key and the
    blueprint's `package.exclude` globs (the tree fingerprint alone does not know either)."""
    if req is None and not exclude:
        return tree
    parts = [tree, "deps", req.key if req else "", "exclude", *exclude]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


#: Installs this render already read or made, by key: functions sharing a requirements file read
#: the signed cache entry once. The package stage empties it first (`forget`): a render trusts only
#: what it read from the cache itself.
_READ: dict[str, list[tuple[str, bytes, bool]]] = {}


def forget() -> None:
    _READ.clear()


def installed_entries(fn, req: Requirements, progress=None) -> list[tuple[str, bytes, bool]]:
    """(arcname, content, executable) of the installed dependencies, from the cache or from pip/npm."""
    if req.key in _READ:
        return _READ[req.key]
    cached = _cache_read(req.key)
    if cached is not None:
        _READ[req.key] = cached
        return cached
    if req.kind == "node":
        what, install = f"{fn.name}: installing Node.js dependencies (linux, {req.cpu})", _npm_install
    else:
        what = f"{fn.name}: installing Python dependencies ({req.platform}, Python {req.python_version})"
        install = _pip_install
    if progress:
        progress.start(what)
    try:
        entries = install(fn, req)
    except BaseException:
        if progress:
            progress.done(ok=False)
        raise
    if progress:
        progress.done()
    _cache_write(req.key, entries)
    _READ[req.key] = entries
    return entries



# ------------------------------------------------------------------------------------ npm


def npm_command(req: Requirements) -> list[str]:
    return ["npm", "ci", "--omit=dev", "--os=linux", f"--cpu={req.cpu}", "--ignore-scripts", "--no-audit",
            "--no-fund", "--no-progress", "--loglevel=error"]


def _npm_install(fn, req: Requirements) -> list[tuple[str, bytes, bool]]:
    """`npm ci` of the production dependencies for Linux and the function's CPU, in a temp folder holding
    only package.json and the lock (install scripts are not run: they would build for the host)."""
    tmp = tempfile.mkdtemp(prefix="sls-gen-deps-")
    try:
        shutil.copyfile(req.path, os.path.join(tmp, "package.json"))
        shutil.copyfile(req.lock, os.path.join(tmp, "package-lock.json"))
        npm = shutil.which("npm")
        if npm is None:
            raise _error(fn, "npm is not installed: cannot install the dependencies of package.json",
                         "install Node.js 20+ with npm 10+ (npm ci --os/--cpu)")
        try:
            done = subprocess.run([npm, *npm_command(req)[1:]], cwd=tmp, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, errors="replace", check=False)
        except OSError as exc:
            raise _error(fn, f"cannot run npm ({exc.strerror or exc})", "install Node.js 20+ with npm 10+") from None
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            named = re.search(r"(?:for|package|fetch|GET) [^\s]*?(@?[a-z0-9][\w.\-]*(?:/[\w.\-]+)?)", done.stderr or "")
            what = f" ({named.group(1)})" if named else ""
            raise _error(fn, f"npm could not install the dependencies{what}: "
                         f"{next((ln for ln in lines if 'ERR' in ln), lines[-1] if lines else 'npm ci failed')}",
                         "check package.json, package-lock.json (npm ci needs them in sync) and the registry (offline?)")
        entries = _installed(os.path.join(tmp, "node_modules"))
        return [(f"node_modules/{name}", data, ex) for name, data, ex in entries
                if name != ".package-lock.json" and not name.startswith(".cache/")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------------------------ pip


def pip_command(req: Requirements, target: str, requirements: str | None = None) -> list[str]:
    """`requirements`: the file to install when it is not req.path (a lock's export, written for pip)."""
    return [
        sys.executable, "-m", "pip", "install",
        "--requirement", requirements or str(req.path),
        *(["--no-deps"] if req.exported else []),
        "--target", target,
        "--platform", req.platform,
        "--implementation", "cp",
        "--python-version", req.python_version,
        "--only-binary=:all:",
        "--no-compile",
        "--no-input",
        "--disable-pip-version-check",
        "--quiet",
    ]


def _pip_install(fn, req: Requirements) -> list[tuple[str, bytes, bool]]:
    tmp = tempfile.mkdtemp(prefix="sls-gen-deps-")
    try:
        target = os.path.join(tmp, "target")
        exported = None
        if req.exported:  # a lock's pinned export: pip reads it from a file
            exported = os.path.join(tmp, "requirements.txt")
            with open(exported, "wb") as fh:
                fh.write(req.data)
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
        try:
            done = subprocess.run(pip_command(req, target, exported), cwd=req.path.parent, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, errors="replace", check=False)
        except OSError as exc:
            raise _error(fn, f"cannot run pip ({exc.strerror or exc})", "install pip for the Python running sls-gen") from None
        if done.returncode != 0:
            raise _install_failed(fn, req, done.stderr)
        return _installed(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_NO_MATCH = re.compile(r"No matching distribution found for (\S+)")


def _install_failed(fn, req: Requirements, stderr: str) -> BlueprintError:
    missing = _NO_MATCH.search(stderr)
    if missing:
        name = missing.group(1)
        return _error(
            fn,
            f"no wheel of {name} for {req.platform}, CPython {req.python_version} (the function's runtime and "
            "architecture)",
            f"{name} may publish only a source distribution (sdist), which sls-gen does not build for Lambda, "
            "or the index cannot be reached (offline?): pin a version that ships a wheel for this platform, "
            "change the architecture, or build it into a layer",
        )
    last = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
    detail = last[-1] if last else "pip failed"
    named = re.search(r"(?:requirement|for|package|of) ([A-Za-z0-9_.\-\[\]]+)", detail)
    what = f" ({named.group(1)})" if named else ""
    return _error(fn, f"pip could not install the dependencies{what}: {detail}",
                  f"check {req.path.name} and the package index (offline?); the command was: pip install -r "
                  f"{req.path.name} --platform {req.platform} --python-version {req.python_version} --only-binary=:all:")


def _error(fn, message: str, hint: str, code: str = "SLS009") -> BlueprintError:
    label = getattr(fn, "label", None) or f"function {fn.name}"  # a layer says so (generator/package/layers.py)
    return BlueprintError([Diagnostic(code, f"{label}: {message}", file=fn.code_dir, hint=hint)])


def _installed(target: str) -> list[tuple[str, bytes, bool]]:
    """What pip installed under `target`, as sorted zip entries (no bytecode; symlinks are not followed)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = [d for d in dirnames if d not in _DROPPED_DIRS]
        rel = os.path.relpath(dirpath, target)
        for name in filenames:
            if name.endswith(_DROPPED_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            arcname = name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}"
            with open(path, "rb") as fh:
                data = fh.read()
            found.append((arcname, data, bool(os.stat(path).st_mode & 0o111)))
    found.sort(key=lambda e: e[0])
    return found


# ------------------------------------------------------------------------------------ cache


def _cache_path(key: str, create: bool = False) -> Path | None:
    from generator.cache import cache_subdir

    folder = cache_subdir("deps", create=create)
    return folder / f"{key}.zip" if folder is not None else None


def _cache_read(key: str) -> list[tuple[str, bytes, bool]] | None:
    from generator.cache import read_private, signing_key, verified

    path = _cache_path(key)
    raw = read_private(path) if path is not None else None
    key_bytes = signing_key() if raw is not None else None
    if raw is None or key_bytes is None or not raw.startswith(_MAGIC):
        return None
    mac, _, body = raw[len(_MAGIC):].partition(b"\n")
    if not verified(key_bytes, _PURPOSE + b"\0" + key.encode(), mac, body):
        return None
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            return [(info.filename, zf.read(info), bool((info.external_attr >> 16) & 0o111)) for info in zf.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _cache_write(key: str, entries: list[tuple[str, bytes, bool]]) -> None:
    from generator.cache import put, signing_key
    from generator.package.zips import _write_zip

    path = _cache_path(key, create=True)
    key_bytes = signing_key(create=True) if path is not None else None
    if path is None or key_bytes is None:
        return
    from generator.cache import sign

    body = _write_zip(entries)
    put(path, _MAGIC + sign(key_bytes, _PURPOSE + b"\0" + key.encode(), body) + b"\n" + body)
