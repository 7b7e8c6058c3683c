"""The package stage: each function's deployment package (`dist/<fn>.zip`), and a scaffold where its
code folder does not exist yet.

A zip is reused from the previous render when its sources did not change (generator/package/reuse.py),
else built (generator/package/zips.py); a compiled function's artifact is copied as built
(generator/package/compiled.py). Everything read on disk is kept as typed states (reads.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.checks.paths import function_paths
from generator.diagnostics import Diagnostic
from generator.emit.scaffold import scaffold_files
from generator.fingerprint import Kind, Mode, PathState
from generator.package import bundle, compiled, deps, zips
from generator.package.progress import Progress
from generator.package.reads import Reads
from generator.package.layers import build_layer
from generator.package.size import UNZIPPED_MAX, package_limit_errors, unzipped_size, zip_size_warning

#: lookup (rel of a zip, tree fingerprint of its sources) -> the bytes of a previous render's zip of
#: exactly those sources, or None: build it.
ZipLookup = Callable[[str, str], "bytes | None"]


@dataclass
class Packaged:
    """What the package stage adds to a render."""

    zips: dict[str, bytes] = field(default_factory=dict)  # dist/<fn>.zip -> bytes
    scaffolds: dict[str, dict[str, str]] = field(default_factory=dict)  # code dir -> {file: content}
    code_dirs: list[str] = field(default_factory=list)  # every function code dir, existing or scaffolded
    warnings: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # dist/<fn>.zip -> tree fingerprint it was built from
    modes: dict[str, Mode] = field(default_factory=dict)  # what was read on disk: rel -> how much
    states: dict[str, PathState] = field(default_factory=dict)  # and rel -> what was there


def package(
    blueprint: Path, doc, stages: Mapping, plans: Mapping, reuse: ZipLookup | None = None,
    seen: Mapping[str, PathState] | None = None,
) -> Packaged:
    """Package every function of `plans` (stage name -> plan). `stages` (name -> stage blueprint) are
    all the blueprint's stages: every code and artifact path of each was resolved by SLS313, so where each
    resolves is part of what the render read. `seen`: code dir -> CODE state the no-op check just
    read; a zip of exactly that state is reused without reading the folder a second time."""
    reads = Reads(blueprint.parent)
    deps.forget()  # installs are read from the cache once per render
    for bp in stages.values():  # SLS313 resolved every code and artifact path of every stage, defaults too
        for _fn, _key, value, _written in function_paths(bp):
            reads.consult(value, Mode.WHERE)
    out = Packaged()
    built: dict[str, tuple[bytes, str]] = {}  # code dir -> (its zip, its tree fingerprint), once per render
    total = len({fn.code_dir for plan in plans.values() for fn in plan.functions if not fn.artifact and fn.image is None})
    total += len({la.name for plan in plans.values() for la in _layers(plan)})
    code_dirs: set[str] = set()
    layer_zips: dict[str, bytes] = {}  # dist/layers/<name>.zip -> its bytes, once per render
    for plan in plans.values():
        # What a scaffold needs to know of its triggers (sample route, API type) comes from the parts
        # that know them (`scaffold_hints()`); a later hint for the same function wins.
        hints: dict[str, dict] = {}
        for part in plan.parts:
            for tf, hint in part.scaffold_hints() if hasattr(part, "scaffold_hints") else ():
                hints.setdefault(tf, {}).update(hint)

        def scaffold(fn, hints=hints) -> dict[str, str]:
            hint = dict(hints.get(fn.tf, {}))
            files = scaffold_files(fn, blueprint.name, hint.pop("sample_route", "GET /"), hint or None)
            return out.scaffolds.setdefault(fn.code_dir, files)

        for fn in plan.functions:
            if fn.image is not None:  # a container image: nothing to package or scaffold
                continue
            if fn.old_code_dir and reads.consult(fn.code_dir, Mode.EXISTS).missing \
                    and not reads.consult(fn.old_code_dir, Mode.EXISTS).missing:
                fn = _old_code_dir(fn, doc, out)  # a renamed function's code has not moved yet
            code_dirs.add(fn.code_dir)
            if fn.artifact:
                _compiled(fn, blueprint.parent, doc, reads, out, scaffold)
                continue
            rel = f"dist/{fn.name}.zip"
            if fn.code_dir not in built:
                progress = Progress(len(built) + 1, total)
                built[fn.code_dir] = _zip(fn, rel, reads, reuse, (seen or {}).get(fn.code_dir), scaffold, doc, out,
                                          progress)
                big = zip_size_warning(doc, fn.name, fn.code_dir, len(built[fn.code_dir][0]))
                out.warnings += ([big] if big else []) + package_limit_errors(doc, fn.name, fn.code_dir, built[fn.code_dir][0],
                                                                              uploaded=fn.upload is not None)
            out.zips[rel], out.sources[rel] = built[fn.code_dir]
        for part in plan.parts:  # files a part's Terraform reads as they are (a CloudFront Function's code)
            for rel, source in part.assets() if hasattr(part, "assets") else ():
                _asset(rel, source, reads, out, doc)
        for layer in _layers(plan):
            if layer.dist in layer_zips:
                continue
            data, source, warnings = build_layer(
                layer, reads, reuse, doc, lambda: Progress(len(built) + len(layer_zips) + 1, total))
            out.warnings += [w for w in warnings if w not in out.warnings]
            out.warnings += package_limit_errors(doc, layer.name, layer.code_dir, data, where=("layers", layer.name),
                                                 what="layer", uploaded=layer.upload is not None)
            layer_zips[layer.dist] = out.zips[layer.dist] = data
            out.sources[layer.dist] = source
    out.warnings += _with_layers(doc, plans, out.zips)
    out.code_dirs = sorted(code_dirs)
    out.modes, out.states = reads.modes, reads.states
    return out


def _asset(rel: str, source: str, reads: Reads, out: Packaged, doc) -> None:
    """Copy a file the blueprint names (checked to exist below its folder) into the output, as read."""
    if rel in out.zips:
        return
    state = reads.consult(source, Mode.ARTIFACT)
    try:
        data = (reads.root / source).read_bytes()
    except OSError as exc:
        out.warnings.append(Diagnostic("SLS343", f"cannot read '{source}': {exc.strerror or exc}", file=doc.file))
        return
    if state.kind is not Kind.FILE or state.digest != hashlib.sha256(data).hexdigest():
        reads.unsettle(source)  # changed while we read it: the next render looks again
    out.zips[rel] = data


def _layers(plan) -> tuple:
    """The layers a stage builds: asked of every part that has some (generator/families/layer)."""
    return tuple(la for part in plan.parts for la in (part.layer_packages() if hasattr(part, "layer_packages") else ()))


def _with_layers(doc, plans, zips_: dict[str, bytes]) -> list[Diagnostic]:
    """SLS317: a function and its layers of this blueprint unzip to more than Lambda's 250 MB (an
    external layer's size is unknown here: AWS checks it at apply)."""
    from generator.families.layer.plan import layer_zip

    found, done = [], set()
    for plan in plans.values():
        for fn in plan.functions:
            if not fn.layer_names or fn.name in done or f"dist/{fn.name}.zip" not in zips_:
                continue
            done.add(fn.name)
            sizes = [unzipped_size(zips_[f"dist/{fn.name}.zip"])] + [
                unzipped_size(zips_[layer_zip(n)]) for n in fn.layer_names if layer_zip(n) in zips_]
            total = sum(s or 0 for s in sizes)
            if total > UNZIPPED_MAX:
                found.append(doc.diag(
                    "SLS317", ("functions", fn.name, "layers"),
                    f"{fn.name} and its layers ({', '.join(fn.layer_names)}) unzip to {total / 1048576:.1f} MiB; Lambda "
                    f"accepts at most {UNZIPPED_MAX // 1048576} MiB for a function and all its layers",
                    hint="trim the dependencies, share fewer layers with this function, or use a container image (10 GB)"))
    return found


def _old_code_dir(fn, doc, out: Packaged):
    """A renamed function whose code still sits in the folder of its old name: read it there, say so,
    and scaffold nothing (the new folder would hide the real code behind a hello-world)."""
    import dataclasses

    warning = doc.diag(
        "SLS706", ("functions", fn.name, "renamed_from"),
        f"the code of '{fn.name}' is read from {fn.old_code_dir}, the folder of its old name; {fn.code_dir} does not exist",
        hint=f"move it (git mv {fn.old_code_dir} {fn.code_dir}) or set code: {fn.old_code_dir}", severity="warning",
    )
    if warning not in out.warnings:
        out.warnings.append(warning)
    return dataclasses.replace(fn, code_dir=fn.old_code_dir)


def _compiled(fn, root: Path, doc, reads: Reads, out: Packaged, scaffold) -> None:
    """A compiled function: its code dir only decides whether to scaffold; the artifact is the package."""
    if reads.consult(fn.code_dir, Mode.EXISTS).missing:
        scaffold(fn)
    artifact = reads.consult(fn.artifact, Mode.ARTIFACT)
    data, warning = compiled.compiled_package(fn, root, doc)
    out.warnings += package_limit_errors(doc, fn.name, fn.artifact, data, uploaded=fn.upload is not None) if data is not None else []
    if data is None:
        settled = artifact.kind is not Kind.FILE
    else:
        settled = artifact.kind is Kind.FILE and artifact.digest == hashlib.sha256(data).hexdigest()
    if not settled:  # rebuilt while we read it: the next render looks again
        reads.unsettle(fn.artifact)
    if data is not None:
        out.zips[f"dist/{fn.name}.zip"] = data  # a jar is a zip; one name keeps the writer's rules
    elif warning not in out.warnings:
        out.warnings.append(warning)


def _zip(fn, rel: str, reads: Reads, reuse: ZipLookup | None, looked: PathState | None, scaffold, doc,
         out: Packaged, progress: Progress | None = None) -> tuple[bytes, str]:
    """(the zip of a function's code dir, the fingerprint it was built from: its tree, plus its
    dependencies' install key and its `package.exclude` when it has them, generator/package/deps.py)."""
    if reuse and looked and looked.tree and reads.modes.get(fn.code_dir, Mode.WHERE).strength < Mode.CODE.strength:
        source = _fingerprint(fn, looked.tree, deps.requirements(fn, reads.root), reads.root)
        data = reuse(rel, source)  # a zip of what the no-op check just saw: no second read
        if data is not None:
            reads.adopt(fn.code_dir, looked)
            _secrets(fn, reads.root, doc, out, None)
            return data, source
    tree = reads.consult(fn.code_dir, Mode.CODE).tree
    if tree is not None:
        contents = reads.contents(fn.code_dir)
        if contents is None:
            contents = zips.read_tree(reads.root / fn.code_dir)[1]
        req = deps.requirements(fn, reads.root)
        source = _fingerprint(fn, tree, req, reads.root)
        dropped = _secrets(fn, reads.root, doc, out, contents)
        contents = [e for e in contents if e[0] not in dropped and not zips.user_excluded(e[0], fn.exclude)
                    and not (req is not None and req.kind == "node" and e[0].startswith("node_modules/"))]
        data = reuse(rel, source) if reuse else None
        if data is not None:
            return data, source
        installed = deps.installed_entries(fn, req, progress) if req is not None else ()
        if fn.bundle:
            binary = bundle.esbuild_binary(reads.root / fn.code_dir, reads.root)
            return zips.build_zip_from_entries(bundle.bundle(fn, binary, contents, list(installed))), source
        return zips.build_zip(reads.root / fn.code_dir, contents, installed), source
    files = scaffold(fn)
    tree = zips.files_fingerprint(files)
    data = reuse(rel, tree) if reuse else None
    return (data if data is not None else zips.build_zip_from_files(files)), tree


def _fingerprint(fn, tree: str, req, root: Path) -> str:
    """What a zip is built from: the code tree, the install's key and `package.exclude`
    (deps.combined_fingerprint), and for a bundle its options and the esbuild version (SLS021 when
    there is no esbuild)."""
    source = deps.combined_fingerprint(tree, req, fn.exclude)
    if not fn.bundle:
        return source
    version = bundle.esbuild_version(fn, bundle.esbuild_binary(root / fn.code_dir, root))
    parts = [bundle.BUNDLE_FORMAT, source, fn.bundle, version, fn.handler, fn.runtime, str(fn.sourcemap)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _secrets(fn, root: Path, doc, out: Packaged, contents) -> set[str]:
    """Warn (SLS404) about the secrets of a code folder sls-gen leaves out of its zip: `.env*` files
    (by name) and, when the files were read (`contents`), PEM private keys. The keys to leave out."""
    keys = set(zips.private_keys(contents)) if contents is not None else set()
    for name in zips.secret_files(root / fn.code_dir):
        _warn_secret(fn, doc, out, name, "an environment file")
    for name in sorted(keys):
        _warn_secret(fn, doc, out, name, "a private key")
    return keys


def _warn_secret(fn, doc, out: Packaged, name: str, what: str) -> None:
    warning = doc.diag(
        "SLS404", ("functions", fn.name),
        f"{fn.code_dir}/{name} looks like {what}: it is left out of the deployment package",
        hint="keep secrets out of the code folder: put them in a `secrets:` entry or SSM and read them at run time",
        severity="warning",
    )
    if warning not in out.warnings:
        out.warnings.append(warning)

