"""Layers (`layers:`, generator/families/layer): the zip of each, built like a function's code.

A layer folder whose root holds a dependency manifest of its language is built:

- Python (`requirements.txt`): the dependencies are installed for Lambda's platform (deps.py) under
  `python/` when the layer serves one Python version, else under `python/lib/python3.X/site-packages/`
  for each (wheels are built per CPython version; Lambda puts both folders on `sys.path`). The
  folder's own files go under `python/`, so a function imports them by name.
- Node.js (`package.json` with dependencies, and its lock): the production dependencies under
  `nodejs/node_modules/` (Lambda's NODE_PATH), the folder's own files under `nodejs/`.

A folder without a manifest that is already laid out (`python/`, `nodejs/node_modules/`, `bin/`,
`extensions/`, ...; see LAYOUT) is zipped as it is; one that is not, of a Python or Node.js layer,
goes under `python/` or `nodejs/` like a built one's own files. A layer that installs dependencies serves one language and
one architecture (SLS322, generator/families/layer/checks.py): wheels and native modules are built for one. The built-in excludes and
secret-file rules of function code apply; the zip is deterministic, its install cached like a
function's (by the manifest's hash, runtime and architecture).
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from generator.diagnostics import BlueprintError, Diagnostic  # noqa: F401
from generator.fingerprint import Mode
from generator.package import deps, zips

LAYER_FORMAT = "sls-gen-layer-1"


def layer_shims(layer, doc) -> list[SimpleNamespace]:
    """One function-shaped stand-in per runtime deps.py installs for (name, language, code_dir,
    runtime, architecture), or [] when the layer has no manifest. SLS322 when it has one but mixes
    languages or architectures."""
    lang = layer.language
    shims = [
        SimpleNamespace(name=f"layer {layer.name}", label=f"layer {layer.name}", language=language, requirements=None,
                        code_dir=layer.code_dir, runtime=runtime, architecture=layer.architectures[0])
        for runtime in layer.runtimes
        for language in [deps_language(runtime)]
    ]
    return shims if lang in ("python", "node") else []


def deps_language(runtime: str) -> str:
    from generator.families.function.settings import language

    return language(runtime)


def manifests(layer, root) -> list:
    """The dependency installs of a layer (deps.Requirements, one per runtime for Python, one for Node)."""
    found = []
    for shim in layer_shims(layer, None):
        req = deps.requirements(shim, root)
        if req is not None and not any(r.key == req.key for r in found):
            found.append(req)
    if layer.language == "node":
        found = found[:1]  # node_modules serve every Node.js version alike
    return found


#: Top-level folders of a layer laid out for Lambda's /opt (python/, nodejs/, java/lib, bin/, extensions/, ...).
LAYOUT = frozenset({"python", "nodejs", "java", "bin", "lib", "extensions", "etc", "share", "ruby"})


def laid_out(contents) -> bool:
    """Does the folder already hold Lambda's /opt layout? Then it is zipped as it is."""
    return any("/" in name and name.split("/", 1)[0] in LAYOUT for name, _body, _ex in contents)


def fingerprint(tree: str, reqs: list, layer) -> str:
    parts = [LAYER_FORMAT, tree, *(r.key for r in reqs), "runtimes", *layer.runtimes, "arch", *layer.architectures]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def build_layer(layer, reads, reuse, doc, progress_for) -> tuple[bytes, str, list[Diagnostic]]:
    """(zip, the fingerprint it was built from, warnings) of one layer. `progress_for()` -> a Progress
    for an install about to run."""
    state = reads.consult(layer.code_dir, Mode.CODE)
    if state.tree is None:
        raise BlueprintError([doc.diag("SLS313", ("layers", layer.name, "code"),
                                       f"the layer folder '{layer.code_dir}' does not exist or is not a folder",
                                       hint="create it (a requirements.txt or package.json, or python/ or nodejs/ laid out)")])
    contents = reads.contents(layer.code_dir)
    if contents is None:
        contents = zips.read_tree(reads.root / layer.code_dir)[1]
    reqs = manifests(layer, reads.root)
    source = fingerprint(state.tree, reqs, layer)
    warnings = _secrets(layer, reads.root, doc, contents)
    dropped = set(zips.private_keys(contents))
    contents = [e for e in contents if e[0] not in dropped]
    data = reuse(layer.dist, source) if reuse else None
    if data is not None:
        return data, source, warnings
    if not reqs and (laid_out(contents) or layer.language not in ("python", "node")):
        return zips.build_zip(reads.root / layer.code_dir, contents), source, warnings
    shims = {shim.runtime: shim for shim in layer_shims(layer, doc)}
    entries: list[tuple[str, bytes, bool]] = []
    if layer.language == "node":
        own = [(f"nodejs/{name}", body, ex) for name, body, ex in contents if not (reqs and name.startswith("node_modules/"))]
        entries = list(own)
        for req in reqs:
            installed = deps.installed_entries(shims[req.runtime], req, progress_for())
            entries = [(f"nodejs/{name}", body, ex) for name, body, ex in installed] + own
    else:
        own = [(f"python/{name}", body, ex) for name, body, ex in contents]
        for req in reqs:
            where = "python/" if len(reqs) == 1 else f"python/lib/python{req.python_version}/site-packages/"
            installed = deps.installed_entries(shims[req.runtime], req, progress_for())
            entries += [(where + name, body, ex) for name, body, ex in installed]
        entries += own
    merged = {name: (name, body, ex) for name, body, ex in entries}  # the folder's own file wins
    return zips.build_zip(reads.root / layer.code_dir, [merged[n] for n in sorted(merged)]), source, warnings


def _secrets(layer, root, doc, contents) -> list[Diagnostic]:
    found = [(name, "an environment file") for name in zips.secret_files(root / layer.code_dir)]
    found += [(name, "a private key") for name in zips.private_keys(contents)]
    return [
        doc.diag("SLS404", ("layers", layer.name),
                 f"{layer.code_dir}/{name} looks like {what}: it is left out of the layer",
                 hint="keep secrets out of the layer folder: put them in a `secrets:` entry or SSM and read them at run time",
                 severity="warning")
        for name, what in found
    ]
